#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ (git-ignored) from the repository's test
# vectors, so every target starts from real, valid inputs:
#   fuzz/seed.sh && cargo +nightly fuzz run saml_response -- -dict=fuzz/dict/xml.dict
set -euo pipefail
cd "$(dirname "$0")"
tv=../test-vectors
seed() { # target, files...
  local t=$1; shift
  mkdir -p "corpus/$t"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$t/$(echo "${f#../}" | tr '/' '_')"; done
}
seed spki $tv/keys/*.spki.der
seed vector_file $tv/signature/*.json $tv/limits/*.json
seed webeid_token $tv/webeid/tokens/*
seed saml_response $tv/spid/responses/* $tv/cie/responses/*
seed saml_metadata $tv/spid/metadata/* $tv/cie/metadata/*
seed ocsp_response $tv/webeid/ocsp/*
seed x509_certificate $tv/webeid/pki/*.cer $tv/xmldsig/certs/*.der
seed icao_sod $tv/conformance/icao-sod/upstream/bundles/*.json $tv/icao/*.json $tv/icao/inputs/*.json $tv/icao/sod-*.der
seed xml_c14n $tv/c14n/corpus/*.xml $tv/xmldsig/inputs/*/*.xml
seed oidc_federation $tv/conformance/oidc-trust-chain/upstream/chains/*.json
seed mobileid $tv/conformance/mobile-id/upstream/*.json
seed saml_logout seeds/saml_logout/*
seed smartid $tv/conformance/smart-id/upstream/*.json
for t in cbor cose mdoc; do
  seed $t $tv/conformance/mdoc/upstream/own/responses/* $tv/conformance/mdoc/upstream/public/*/*.cbor
done
seed sdjwt $tv/conformance/sd-jwt-vc/upstream/own/presentations/*.txt $tv/conformance/sd-jwt-vc/upstream/own/status/*.jwt $tv/conformance/sd-jwt-vc/upstream/public/*/*
# jose_compact: RFC 7515 A.2 (RS256) and A.3 (ES256), as tokens and as header/payload/signature lines.
mkdir -p corpus/jose_compact
p=eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ
printf '%s' "eyJhbGciOiJSUzI1NiJ9.$p.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw" > corpus/jose_compact/rfc7515-a2
printf '%s' "eyJhbGciOiJFUzI1NiJ9.$p.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q" > corpus/jose_compact/rfc7515-a3
printf '{"alg":"ES256","kid":"a3","crit":["x"],"x":1}\n{"iss":"joe"}\n' > corpus/jose_compact/lines-crit
printf '{"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}' > corpus/jose_compact/jwks
# jose_jwe: RFC 7516 A.1, tokens to RFC 7518 C's key, header/parts lines, private JWKs.
seed jose_jwe seeds/jose_jwe/* $tv/keys/jwe/*.jwk.json
# signature: layout [alg][key_len u16][key][sig_len u16][sig][msg]; one per key.
mkdir -p corpus/signature
i=0
for k in $tv/keys/*.spki.der; do
  python3 - "$k" "corpus/signature/seed-$i" "$i" <<'PY'
import sys
key = open(sys.argv[1], "rb").read()
sig = bytes(64)
out = bytes([int(sys.argv[3]) % 24]) + len(key).to_bytes(2, "big") + key + len(sig).to_bytes(2, "big") + sig + b"message"
open(sys.argv[2], "wb").write(out)
PY
  i=$((i + 1))
done
for d in corpus/*/; do echo "$(ls "$d" | wc -l) seeds in $d"; done
