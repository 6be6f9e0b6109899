#!/bin/sh
# Regenerates the brainpool CSCA fixtures of tests/icao.rs (run from this
# folder; OpenSSL 3). The CSCA keys are made here and not kept; every DS
# holds the public TEST key ../keys/p256 so the tests can sign SODs.
#
#   csca-bp256.der            "TEST CSCA brainpoolP256r1", named curve, self-signed
#   csca-bp384-explicit.der   "TEST CSCA brainpoolP384r1 explicit", explicit ECParameters
#   csca-bp256-no-kcs.der     csca-bp256's name and key, keyUsage without keyCertSign (may not issue)
#   ds-p256-by-bp256.der      DS (P-256) issued by csca-bp256, ecdsa-with-SHA256
#   ds-p256-by-bp384.der      DS (P-256) issued by csca-bp384-explicit, ecdsa-with-SHA384
#   ds-p256-by-bp256-ca.der   as ds-p256-by-bp256 but basicConstraints cA TRUE (refused as a DS)
#   ds-p256-by-bp256-crit.der as ds-p256-by-bp256 with an unknown critical extension (refused)
set -eu
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat > "$t/ca.cnf" <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca_no_kcs]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, cRLSign
[ds]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ds_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
[ds_crit]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
1.3.6.1.4.1.99999.1 = critical, DER:05:00
CNF
openssl ecparam -name brainpoolP256r1 -genkey -noout -out "$t/bp256.key"
openssl ecparam -name brainpoolP384r1 -param_enc explicit -genkey -noout -out "$t/bp384.key"
openssl req -x509 -new -key "$t/bp256.key" -sha256 -days 7300 -subj "/C=IT/O=idbridge TEST/CN=TEST CSCA brainpoolP256r1" \
  -config "$t/ca.cnf" -extensions ca -outform DER -out csca-bp256.der
openssl req -x509 -new -key "$t/bp256.key" -sha256 -days 7300 -subj "/C=IT/O=idbridge TEST/CN=TEST CSCA brainpoolP256r1" \
  -config "$t/ca.cnf" -extensions ca_no_kcs -outform DER -out csca-bp256-no-kcs.der
openssl req -x509 -new -key "$t/bp384.key" -sha384 -days 7300 -subj "/C=IT/O=idbridge TEST/CN=TEST CSCA brainpoolP384r1 explicit" \
  -config "$t/ca.cnf" -extensions ca -outform DER -out csca-bp384-explicit.der
openssl req -new -key ../keys/p256.pk8.pem -subj "/C=IT/O=idbridge TEST/CN=TEST Document Signer P-256" -out "$t/ds.csr"
ds() { # issuer-cert issuer-key digest section out serial
  openssl x509 -req -in "$t/ds.csr" -CA "$1" -CAform DER -CAkey "$2" "-$3" -days 3650 -set_serial "$6" \
    -extfile "$t/ca.cnf" -extensions "$4" -outform DER -out "$5"
}
ds csca-bp256.der "$t/bp256.key" sha256 ds ds-p256-by-bp256.der 101
ds csca-bp384-explicit.der "$t/bp384.key" sha384 ds ds-p256-by-bp384.der 102
ds csca-bp256.der "$t/bp256.key" sha256 ds_ca ds-p256-by-bp256-ca.der 103
ds csca-bp256.der "$t/bp256.key" sha256 ds_crit ds-p256-by-bp256-crit.der 104
