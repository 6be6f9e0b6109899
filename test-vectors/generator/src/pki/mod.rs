//! The one test-PKI module. `keys` makes and loads the committed test keys
//! (`test-vectors/keys/`, used by the `signature` kind and as the Web eID
//! PKI's RSA keys); `build` writes DER by hand (names, extensions,
//! certificates with their quirks, OCSP responses, times); this file is the
//! Web eID test PKI: CAs, authentication and signing certificates, OCSP
//! responders. Every certificate is built here once and written to
//! `webeid/pki/`.
//!
//! EC keys are derived from fixed labels (a SHA-512 of the label, reduced
//! into [1, n - 1]); RSA keys are the committed test keys of `../keys/`.

pub mod build;
pub mod keys;

use std::collections::BTreeMap;

use self::keys::Loaded;
use crate::bytes::{fixed, flip, uint};
use crate::ec::{Curve, EcKey};
use crate::hash::Hash;

use self::build::*;

/// A fictitious person.
#[derive(Clone, Copy, Debug)]
pub struct Person {
    pub surname: &'static str,
    pub given: &'static str,
    /// Estonian personal code (11 digits, valid check digit).
    pub code: &'static str,
}

pub const MAIN: Person = Person {
    surname: "KÕRVITS",
    given: "MARI-ÄNN",
    code: "49003150230",
};

pub const OTHER: Person = Person {
    surname: "TAMM",
    given: "JÜRI",
    code: "38506120345",
};

impl Person {
    pub fn subject_id(&self) -> String {
        format!("PNOEE-{}", self.code)
    }

    pub fn cn(&self) -> String {
        format!("{},{},{}", self.surname, self.given, self.code)
    }

    /// The authentication certificate's subject, in the Estonian order:
    /// C, CN, SN, GN, serialNumber.
    pub fn auth_atvs(&self) -> Vec<Atv> {
        vec![
            atv(OID_C, Str::Printable, "EE"),
            atv(OID_CN, Str::Utf8, &self.cn()),
            atv(OID_SN, Str::Utf8, self.surname),
            atv(OID_GN, Str::Utf8, self.given),
            atv(OID_SERIAL, Str::Printable, &self.subject_id()),
        ]
    }

    /// The same five attributes in the signing certificate's order:
    /// C, GN, SN, CN, serialNumber.
    pub fn sign_atvs(&self) -> Vec<Atv> {
        let a = self.auth_atvs();
        vec![
            a[0].clone(),
            a[3].clone(),
            a[2].clone(),
            a[1].clone(),
            a[4].clone(),
        ]
    }
}

/// Policy OIDs.
/// Under the documentation enterprise number 32473 (RFC 5612).
pub const POLICY_MAIN: &str = "1.3.6.1.4.1.32473.1.1.1";
pub const POLICY_NCP_PLUS: &str = "0.4.0.2042.1.2";
pub const DISALLOWED: [&str; 4] = [
    "1.3.6.1.4.1.10015.1.3",
    "1.3.6.1.4.1.10015.1.3.1",
    "1.3.6.1.4.1.10015.1.3.2",
    "1.3.6.1.4.1.10015.1.3.3",
];

/// The usual dates.
pub fn ca_from() -> i64 {
    at(2026, 1, 1, 0, 0, 0)
}
pub fn leaf_from() -> i64 {
    at(2026, 3, 1, 0, 0, 0)
}
pub fn leaf_to() -> i64 {
    at(2031, 2, 28, 23, 59, 59)
}
pub fn ca_expired_to() -> i64 {
    at(2026, 6, 30, 23, 59, 59)
}
pub fn ca_notyet_from() -> i64 {
    at(2026, 4, 1, 0, 0, 0)
}

/// A CA: its key, its subject Name and its certificate.
#[derive(Clone, Debug)]
pub struct Ca {
    pub key: Key,
    pub name: Vec<u8>,
    pub cert: Vec<u8>,
}

impl Ca {
    pub fn ski(&self) -> Vec<u8> {
        self.key.ski()
    }
}

/// One file of `pki/`.
#[derive(Clone, Debug)]
pub struct PkiFile {
    pub file: String,
    pub bytes: Vec<u8>,
    pub what: String,
}

pub struct Pki {
    pub root: Ca,
    /// "idbridge TEST of ESTEID2026", the trust anchor of the vectors.
    pub ca: Ca,
    pub other: Ca,
    pub rsa_ca: Ca,
    pub p256_ca: Ca,
    /// A P-521 key that is not the issuing CA's (signs forgeries in its name).
    pub impostor: Key,
    pub leaf_p384: Key,
    pub leaf_p256: Key,
    pub leaf_p521: Key,
    pub leaf_rsa: Key,
    pub leaf_rsa1024: Key,
    /// Another P-384 key: signs "wrong key" tokens.
    pub wrong_p384: Key,
    pub sign_p384: Key,
    pub resp_rsa: Key,
    pub resp_p256: Key,
    files: Vec<PkiFile>,
    by_name: BTreeMap<String, usize>,
}

pub fn derive_ec(label: &str, curve: Curve) -> EcKey {
    let n = curve.order();
    let mut seed = Vec::new();
    for i in 0..2 {
        seed.extend(
            Hash::Sha512.digest(format!("idbridge-vectorgen/webeid/key/{label}/{i}").as_bytes()),
        );
    }
    let one = rsa::BigUint::from(1u8);
    let d = uint(&seed) % (&n - &one) + &one;
    let d = fixed(&d, curve.flen());
    let point = curve.public_point(&d);
    EcKey { curve, d, point }
}

fn ca_name(cn: &str) -> Vec<u8> {
    name(&[
        atv(OID_C, Str::Printable, "EE"),
        atv(OID_O, Str::Utf8, "idbridge TEST"),
        atv(OID_CN, Str::Utf8, cn),
    ])
}

/// Extensions keyed by their OID, so that variants can replace or drop one.
#[derive(Clone, Debug)]
pub struct Exts(pub Vec<(&'static str, Vec<u8>)>);

impl Exts {
    pub fn set(mut self, id: &'static str, ext: Vec<u8>) -> Exts {
        match self.0.iter_mut().find(|(o, _)| *o == id) {
            Some(slot) => slot.1 = ext,
            None => self.0.push((id, ext)),
        }
        self
    }

    pub fn drop(mut self, id: &str) -> Exts {
        self.0.retain(|(o, _)| *o != id);
        self
    }

    pub fn list(&self) -> Vec<Vec<u8>> {
        self.0.iter().map(|(_, e)| e.clone()).collect()
    }
}

/// A certificate to issue.
#[derive(Clone, Debug)]
pub struct Spec {
    pub label: String,
    pub subject: Vec<u8>,
    pub issuer_name: Vec<u8>,
    pub alg: SigAlg,
    pub not_before: i64,
    pub not_after: i64,
    pub spki: Vec<u8>,
    pub exts: Exts,
    /// Flip one bit of the signature value (the last byte: it stays DER).
    pub flip_sig: bool,
}

impl Spec {
    pub fn issue(&self, signer: &Key) -> Vec<u8> {
        let tbs = Tbs {
            serial: serial(&self.label),
            alg: self.alg,
            issuer: self.issuer_name.clone(),
            not_before: self.not_before,
            not_after: self.not_after,
            subject: self.subject.clone(),
            spki: self.spki.clone(),
            exts: self.exts.list(),
        };
        let der = tbs.sign(signer);
        if self.flip_sig {
            flip(&der, der.len() - 1)
        } else {
            der
        }
    }
}

fn auth_ku(key: &Key) -> Vec<u8> {
    match key {
        Key::Ec(_) => ku(&[KU_DIGITAL_SIGNATURE, KU_KEY_AGREEMENT]),
        Key::Rsa(_) => ku(&[KU_DIGITAL_SIGNATURE]),
    }
}

/// The extensions of a normal authentication certificate.
pub fn auth_exts(key: &Key, issuer: &Ca) -> Exts {
    Exts(vec![
        (OID_KU, auth_ku(key)),
        (OID_EKU, eku(&[EKU_CLIENT_AUTH])),
        (OID_POLICIES, policies(&[POLICY_MAIN, POLICY_NCP_PLUS])),
        (OID_AKI, aki(&issuer.ski())),
        (OID_SKI, ski(&key.ski())),
    ])
}

/// A normal authentication certificate for MAIN, issued by `issuer`.
pub fn auth_spec(label: &str, key: &Key, issuer: &Ca) -> Spec {
    Spec {
        label: label.to_string(),
        subject: name(&MAIN.auth_atvs()),
        issuer_name: issuer.name.clone(),
        alg: issuer.key.default_alg(),
        not_before: leaf_from(),
        not_after: leaf_to(),
        spki: key.spki(),
        exts: auth_exts(key, issuer),
        flip_sig: false,
    }
}

/// A normal signing certificate (web-eid:1.1) for MAIN: the same subject in
/// another RDN order, KU nonRepudiation, the issuing CA's AKI.
pub fn sign_spec(label: &str, key: &Key, issuer: &Ca) -> Spec {
    Spec {
        label: label.to_string(),
        subject: name(&MAIN.sign_atvs()),
        issuer_name: issuer.name.clone(),
        alg: issuer.key.default_alg(),
        not_before: leaf_from(),
        not_after: leaf_to(),
        spki: key.spki(),
        exts: Exts(vec![
            (OID_KU, ku(&[KU_NON_REPUDIATION])),
            (OID_POLICIES, policies(&[POLICY_MAIN, POLICY_NCP_PLUS])),
            (OID_AKI, aki(&issuer.ski())),
            (OID_SKI, ski(&key.ski())),
        ]),
        flip_sig: false,
    }
}

/// An OCSP responder certificate issued by `issuer`.
pub fn responder_spec(label: &str, key: &Key, issuer: &Ca) -> Spec {
    Spec {
        label: label.to_string(),
        subject: ca_name(&format!(
            "idbridge TEST of ESTEID2026 AIA OCSP RESPONDER ({label})"
        )),
        issuer_name: issuer.name.clone(),
        alg: issuer.key.default_alg(),
        not_before: ca_from(),
        not_after: at(2028, 1, 1, 0, 0, 0),
        spki: key.spki(),
        exts: Exts(vec![
            (OID_BC, bc_end_entity(false)),
            (OID_KU, ku(&[KU_DIGITAL_SIGNATURE])),
            (OID_EKU, eku(&[EKU_OCSP_SIGNING])),
            (OID_OCSP_NOCHECK, ocsp_nocheck()),
            (OID_AKI, aki(&issuer.ski())),
            (OID_SKI, ski(&key.ski())),
        ]),
        flip_sig: false,
    }
}

fn ca_spec(label: &str, cn: &str, key: &Key, issuer: Option<&Ca>, to: i64) -> Spec {
    let name_der = ca_name(cn);
    let (issuer_name, alg, aki_id) = match issuer {
        Some(i) => (i.name.clone(), i.key.default_alg(), i.ski()),
        None => (name_der.clone(), key.default_alg(), key.ski()),
    };
    let mut exts = vec![
        (OID_BC, bc_ca(if issuer.is_some() { Some(0) } else { None })),
        (OID_KU, ku(&[KU_KEY_CERT_SIGN, KU_CRL_SIGN])),
        (OID_SKI, ski(&key.ski())),
    ];
    if issuer.is_some() {
        exts.push((OID_AKI, aki(&aki_id)));
    }
    Spec {
        label: label.to_string(),
        subject: name_der,
        issuer_name,
        alg,
        not_before: ca_from(),
        not_after: to,
        spki: key.spki(),
        exts: Exts(exts),
        flip_sig: false,
    }
}

fn make_ca(label: &str, cn: &str, key: Key, issuer: Option<&Ca>, to: i64) -> Ca {
    let spec = ca_spec(label, cn, &key, issuer, to);
    let signer = issuer.map(|i| &i.key).unwrap_or(&key);
    let cert = spec.issue(signer);
    Ca {
        name: spec.subject.clone(),
        key,
        cert,
    }
}

pub const ROOT_CN: &str = "idbridge TEST Root CA 2026";
pub const CA_CN: &str = "idbridge TEST of ESTEID2026";

impl Pki {
    pub fn new(keys: &Loaded) -> Pki {
        let rsa = |n: &str| Key::Rsa(Box::new(keys.rsa(n).clone()));
        let ec = |l: &str, c: Curve| Key::Ec(derive_ec(l, c));
        let root = make_ca(
            "root",
            ROOT_CN,
            ec("root", Curve::P521),
            None,
            at(2046, 1, 1, 0, 0, 0),
        );
        let ca = make_ca(
            "esteid2026",
            CA_CN,
            ec("esteid2026", Curve::P521),
            Some(&root),
            at(2041, 1, 1, 0, 0, 0),
        );
        let other = make_ca(
            "other-ca",
            "idbridge TEST Other CA 2026",
            ec("other-ca", Curve::P384),
            None,
            at(2041, 1, 1, 0, 0, 0),
        );
        let rsa_ca = make_ca(
            "rsa-ca",
            "idbridge TEST of RSA-CA2026",
            rsa("rsa4096"),
            None,
            at(2041, 1, 1, 0, 0, 0),
        );
        let p256_ca = make_ca(
            "p256-ca",
            "idbridge TEST of P256-CA2026",
            ec("p256-ca", Curve::P256),
            None,
            at(2041, 1, 1, 0, 0, 0),
        );
        let mut pki = Pki {
            impostor: ec("impostor", Curve::P521),
            leaf_p384: ec("leaf-p384", Curve::P384),
            leaf_p256: ec("leaf-p256", Curve::P256),
            leaf_p521: ec("leaf-p521", Curve::P521),
            leaf_rsa: rsa("rsa2048"),
            leaf_rsa1024: rsa("rsa1024"),
            wrong_p384: ec("wrong-p384", Curve::P384),
            sign_p384: ec("sign-p384", Curve::P384),
            resp_rsa: rsa("rsa2048-b"),
            resp_p256: ec("ocsp-p256", Curve::P256),
            root,
            ca,
            other,
            rsa_ca,
            p256_ca,
            files: Vec::new(),
            by_name: BTreeMap::new(),
        };
        pki.build_all();
        pki
    }

    fn add(&mut self, file: &str, bytes: Vec<u8>, what: &str) {
        assert!(
            !self.by_name.contains_key(file),
            "duplicate pki file {file}"
        );
        self.by_name.insert(file.to_string(), self.files.len());
        self.files.push(PkiFile {
            file: file.to_string(),
            bytes,
            what: what.to_string(),
        });
    }

    /// The bytes of `pki/<file>`.
    pub fn get(&self, file: &str) -> &[u8] {
        let i = self
            .by_name
            .get(file)
            .unwrap_or_else(|| panic!("no pki file {file}"));
        &self.files[*i].bytes
    }

    pub fn files(&self) -> &[PkiFile] {
        &self.files
    }

    fn build_all(&mut self) {
        let (root, ca, other, rsa_ca, p256_ca) = (
            self.root.clone(),
            self.ca.clone(),
            self.other.clone(),
            self.rsa_ca.clone(),
            self.p256_ca.clone(),
        );

        // ---- CAs
        self.add(
            "root.cer",
            root.cert.clone(),
            "root CA \"idbridge TEST Root CA 2026\": P-521, self-signed ecdsa-with-SHA512, 2026-01-01 to 2046-01-01; configured as an anchor only in the chain cases that list it",
        );
        self.add(
            "esteid2026.cer",
            ca.cert.clone(),
            "issuing CA \"idbridge TEST of ESTEID2026\": P-521, signed by the root with ecdsa-with-SHA512, cA TRUE pathLen 0, KU keyCertSign+cRLSign, 2026-01-01 to 2041-01-01; THE trust anchor of the vectors",
        );
        self.add(
            "esteid2026.pem",
            pem("CERTIFICATE", &ca.cert).into_bytes(),
            "esteid2026.cer as PEM (anchors may be PEM or DER)",
        );
        let expired = ca_spec(
            "esteid2026-expired",
            CA_CN,
            &ca.key,
            Some(&root),
            ca_expired_to(),
        )
        .issue(&root.key);
        self.add(
            "esteid2026-expired.cer",
            expired,
            "the issuing CA's name and key in a certificate valid 2026-01-01 to 2026-06-30T23:59:59Z (expired anchor)",
        );
        let mut notyet = ca_spec(
            "esteid2026-notyet",
            CA_CN,
            &ca.key,
            Some(&root),
            at(2041, 1, 1, 0, 0, 0),
        );
        notyet.not_before = ca_notyet_from();
        let notyet = notyet.issue(&root.key);
        self.add(
            "esteid2026-notyet.cer",
            notyet,
            "the issuing CA's name and key in a certificate valid from 2026-04-01 (anchor not yet valid before that)",
        );
        self.add(
            "other-ca.cer",
            other.cert.clone(),
            "an unrelated CA \"idbridge TEST Other CA 2026\": P-384, self-signed ecdsa-with-SHA384; untrusted in the ESTEID2026 groups, the anchor of the ecdsa-with-SHA384 group",
        );
        let mut old_spec = ca_spec(
            "old-ca",
            "idbridge TEST Old CA 2025",
            &other.key,
            None,
            at(2025, 12, 31, 23, 59, 59),
        );
        old_spec.not_before = at(2025, 1, 1, 0, 0, 0);
        self.add(
            "old-ca-expired.cer",
            old_spec.issue(&other.key),
            "an unrelated, expired CA \"idbridge TEST Old CA 2025\" (P-384, 2025-01-01 to 2025-12-31): configured beside ESTEID2026, it must be ignored",
        );
        self.add(
            "rsa-ca.cer",
            rsa_ca.cert.clone(),
            "\"idbridge TEST of RSA-CA2026\": RSA-4096 (../keys/rsa4096), self-signed sha256WithRSAEncryption; the anchor of the RSA-signed chains",
        );
        self.add(
            "p256-ca.cer",
            p256_ca.cert.clone(),
            "\"idbridge TEST of P256-CA2026\": P-256, self-signed ecdsa-with-SHA256; the anchor of the ecdsa-with-SHA256 chain",
        );

        // ---- authentication certificates
        let leaves: Vec<(&str, Key, &str)> = vec![
            ("auth-p384.cer", self.leaf_p384.clone(), "the main authentication certificate: P-384 key (ES384 tokens)"),
            ("auth-p256.cer", self.leaf_p256.clone(), "authentication certificate with a P-256 key (ES256)"),
            ("auth-p521.cer", self.leaf_p521.clone(), "authentication certificate with a P-521 key (ES512)"),
            ("auth-rsa2048.cer", self.leaf_rsa.clone(), "authentication certificate with an RSA-2048 key, ../keys/rsa2048 (RS*/PS*)"),
            ("auth-rsa1024.cer", self.leaf_rsa1024.clone(), "authentication certificate with an RSA-1024 key, ../keys/rsa1024 (too small for a token signature)"),
        ];
        for (file, key, what) in leaves {
            let spec = auth_spec(file, &key, &ca);
            self.add(
                file,
                spec.issue(&ca.key),
                &format!("{what}; issued by ESTEID2026 (ecdsa-with-SHA512), KU digitalSignature(+keyAgreement), EKU clientAuth, policies {POLICY_MAIN} and {POLICY_NCP_PLUS}, 2026-03-01 to 2031-02-28T23:59:59Z"),
            );
        }
        let main = |label: &str, pki: &Pki| auth_spec(label, &pki.leaf_p384, &ca);
        // Subjects for the identity rules (S20): MAIN's five attributes,
        // C, CN, SN, GN, serialNumber, with one thing changed.
        let subj = |edit: &dyn Fn(&mut Vec<Atv>)| {
            let mut atvs = MAIN.auth_atvs();
            edit(&mut atvs);
            name(&atvs)
        };
        let with_subject = |label: &str, subject: Vec<u8>, pki: &Pki| Spec {
            subject,
            ..main(label, pki)
        };
        let identity: Vec<(&str, Vec<u8>, &str)> = vec![
            ("auth-serial-bmp.cer", subj(&|a| a[4].kind = Str::Bmp), "serialNumber PNOEE-49003150230 as a BMPString (X.520 says PrintableString)"),
            ("auth-serial-utf8.cer", subj(&|a| a[4].kind = Str::Utf8), "serialNumber PNOEE-49003150230 as a UTF8String (X.520 says PrintableString)"),
            ("auth-serial-teletex.cer", subj(&|a| a[4].kind = Str::Teletex), "serialNumber PNOEE-49003150230 as a TeletexString"),
            ("auth-serial-twice.cer", subj(&|a| a.push(atv(OID_SERIAL, Str::Printable, &OTHER.subject_id()))), "two serialNumber attributes: PNOEE-49003150230, then PNOEE-38506120345"),
            ("auth-serial-twice-same.cer", subj(&|a| a.insert(0, atv(OID_SERIAL, Str::Printable, &MAIN.subject_id()))), "two serialNumber attributes, both PNOEE-49003150230"),
            ("auth-serial-missing.cer", subj(&|a| { a.remove(4); }), "no serialNumber attribute"),
            ("auth-serial-empty.cer", subj(&|a| a[4].value = String::new()), "an empty PrintableString serialNumber"),
            ("auth-serial-prefix-only.cer", subj(&|a| a[4].value = "PNOEE-".into()), "serialNumber PNOEE- (the ETSI semantics identifier and nothing after it)"),
            ("auth-serial-space.cer", subj(&|a| a[4].value = format!("{} ", MAIN.subject_id())), "serialNumber with a trailing space"),
            ("auth-serial-bad-char.cer", subj(&|a| a[4].value = "PNOEE-49003150230*".into()), "serialNumber with '*', outside the PrintableString alphabet, in a PrintableString"),
            ("auth-serial-long.cer", subj(&|a| a[4].value = format!("PNOEE-{}", "4".repeat(59))), "serialNumber of 65 characters (X.520 ub-serial-number is 64)"),
            ("auth-gn-twice.cer", subj(&|a| a.push(atv(OID_GN, Str::Utf8, "JÜRI"))), "two givenName attributes: MARI-ÄNN, then JÜRI"),
            ("auth-sn-twice.cer", subj(&|a| a.insert(3, atv(OID_SN, Str::Utf8, "TAMM"))), "two surname attributes: KÕRVITS, then TAMM"),
            ("auth-cn-twice.cer", subj(&|a| a.push(atv(OID_CN, Str::Utf8, &OTHER.cn()))), "two commonName attributes (MAIN's, then another person's)"),
            ("auth-gn-empty.cer", subj(&|a| a[3].value = String::new()), "an empty UTF8String givenName"),
            ("auth-sn-blank.cer", subj(&|a| a[2].value = "  ".into()), "a surname of two spaces"),
            ("auth-gn-control.cer", subj(&|a| a[3].value = "MARI-\u{0}ÄNN".into()), "a givenName with a NUL character inside"),
            ("auth-sn-teletex.cer", subj(&|a| { a[2].kind = Str::Teletex; a[2].value = "KORVITS".into(); }), "surname as a TeletexString (character set ambiguous)"),
            ("auth-c-utf8.cer", subj(&|a| a[0].kind = Str::Utf8), "countryName EE as a UTF8String (X.520 CountryName is a PrintableString)"),
            ("auth-c-long.cer", subj(&|a| a[0].value = "EST".into()), "countryName EST: three letters"),
            ("auth-gn-bmp.cer", subj(&|a| { a[3].kind = Str::Bmp; a[2].kind = Str::Bmp; a[1].kind = Str::Bmp; }), "givenName, surname and CN as BMPStrings (a DirectoryString choice, RFC 5280 §4.1.2.4): same identity"),
            ("auth-gn-printable.cer", subj(&|a| { a[3].kind = Str::Printable; a[3].value = "MARI-ANN".into(); a[2].kind = Str::Printable; a[2].value = "KORVITS".into(); }), "givenName MARI-ANN and surname KORVITS as PrintableStrings (another identity: used by a Rust test)"),
            ("auth-no-names.cer", subj(&|a| { a.remove(3); a.remove(2); a.remove(1); }), "only C and serialNumber: no CN, givenName or surname (an identifier without names; used by a Rust test)"),
        ];
        for (file, subject, what) in identity {
            let spec = with_subject(file.trim_end_matches(".cer"), subject, self);
            self.add(
                file,
                spec.issue(&ca.key),
                &format!("main variant: {what}; P-384 key of auth-p384.cer, signed ecdsa-with-SHA512 by ESTEID2026"),
            );
        }
        let bmp_no_ku = Spec {
            exts: main("x", self).exts.drop(OID_KU),
            ..with_subject(
                "auth-serial-bmp-no-ku",
                subj(&|a| a[4].kind = Str::Bmp),
                self,
            )
        };
        self.add(
            "auth-serial-bmp-no-ku.cer",
            bmp_no_ku.issue(&ca.key),
            "main variant: serialNumber as a BMPString AND no keyUsage extension (check order); P-384 key of auth-p384.cer, signed ecdsa-with-SHA512 by ESTEID2026",
        );
        let variants: Vec<(&str, Spec, &str)> = vec![
            ("auth-no-ku.cer", Spec { exts: main("auth-no-ku", self).exts.drop(OID_KU), ..main("auth-no-ku", self) }, "main variant without a keyUsage extension"),
            ("auth-ku-nonrep.cer", Spec { exts: main("x", self).exts.set(OID_KU, ku(&[KU_NON_REPUDIATION])), ..main("auth-ku-nonrep", self) }, "main variant with keyUsage nonRepudiation only"),
            ("auth-ku-keyagreement.cer", Spec { exts: main("x", self).exts.set(OID_KU, ku(&[KU_KEY_AGREEMENT])), ..main("auth-ku-keyagreement", self) }, "main variant with keyUsage keyAgreement only"),
            ("auth-eku-email.cer", Spec { exts: main("x", self).exts.set(OID_EKU, eku(&[EKU_EMAIL])), ..main("auth-eku-email", self) }, "main variant with EKU emailProtection only"),
            ("auth-eku-any.cer", Spec { exts: main("x", self).exts.set(OID_EKU, eku(&[EKU_ANY])), ..main("auth-eku-any", self) }, "main variant with EKU anyExtendedKeyUsage only"),
            ("auth-eku-email-client.cer", Spec { exts: main("x", self).exts.set(OID_EKU, eku(&[EKU_EMAIL, EKU_CLIENT_AUTH])), ..main("auth-eku-email-client", self) }, "main variant with EKU emailProtection + clientAuth"),
            ("auth-no-eku.cer", Spec { exts: main("x", self).exts.drop(OID_EKU), ..main("auth-no-eku", self) }, "main variant without an EKU extension"),
            ("auth-no-policies.cer", Spec { exts: main("x", self).exts.drop(OID_POLICIES), ..main("auth-no-policies", self) }, "main variant without a certificatePolicies extension"),
            ("auth-policy-1.3.cer", Spec { exts: main("x", self).exts.set(OID_POLICIES, policies(&[DISALLOWED[0]])), ..main("auth-policy-1.3", self) }, "main variant with policy 1.3.6.1.4.1.10015.1.3 (Mobile-ID, disallowed)"),
            ("auth-policy-1.3.1.cer", Spec { exts: main("x", self).exts.set(OID_POLICIES, policies(&[DISALLOWED[1]])), ..main("auth-policy-1.3.1", self) }, "main variant with policy 1.3.6.1.4.1.10015.1.3.1 (disallowed)"),
            ("auth-policy-1.3.2.cer", Spec { exts: main("x", self).exts.set(OID_POLICIES, policies(&[DISALLOWED[2]])), ..main("auth-policy-1.3.2", self) }, "main variant with policy 1.3.6.1.4.1.10015.1.3.2 (disallowed)"),
            ("auth-policy-1.3.3.cer", Spec { exts: main("x", self).exts.set(OID_POLICIES, policies(&[DISALLOWED[3]])), ..main("auth-policy-1.3.3", self) }, "main variant with policy 1.3.6.1.4.1.10015.1.3.3 (disallowed)"),
            ("auth-policy-second.cer", Spec { exts: main("x", self).exts.set(OID_POLICIES, policies(&[POLICY_MAIN, DISALLOWED[1]])), ..main("auth-policy-second", self) }, "main variant with policies 1.3.6.1.4.1.32473.1.1.1 and then 1.3.6.1.4.1.10015.1.3.1 (disallowed, second)"),
            ("auth-policy-near-miss.cer", Spec { exts: main("x", self).exts.set(OID_POLICIES, policies(&["1.3.6.1.4.1.10015.1", "1.3.6.1.4.1.10015.1.3.4", "1.3.6.1.4.1.10015.1.30"])), ..main("auth-policy-near-miss", self) }, "main variant with policies 1.3.6.1.4.1.10015.1, ...1.3.4 and ...1.30: prefixes and extensions of the disallowed OIDs, not equal to any"),
            ("auth-no-ku-policy-1.3.cer", Spec { exts: main("x", self).exts.drop(OID_KU).set(OID_POLICIES, policies(&[DISALLOWED[0]])), ..main("auth-no-ku-policy-1.3", self) }, "main variant without keyUsage AND with the disallowed policy 1.3.6.1.4.1.10015.1.3 (check order)"),
            ("auth-bc-empty.cer", Spec { exts: main("x", self).exts.set(OID_BC, bc_end_entity(false)), ..main("auth-bc-empty", self) }, "main variant with a critical BasicConstraints 30 00 (cA absent = FALSE)"),
            ("auth-bc-explicit-false.cer", Spec { exts: main("x", self).exts.set(OID_BC, bc_end_entity(true)), ..main("auth-bc-explicit-false", self) }, "main variant with a critical BasicConstraints 30 03 01 01 00: explicit cA=FALSE, a DEFAULT value DER forbids (tolerated)"),
            ("auth-bad-ca-sig.cer", Spec { flip_sig: true, ..main("auth-bad-ca-sig", self) }, "main variant whose ESTEID2026 signature has its last bit flipped (still DER)"),
            ("auth-impostor.cer", main("auth-impostor", self), "main variant naming ESTEID2026 as issuer but signed by another P-521 key (an impostor CA)"),
            ("auth-by-root.cer", Spec { issuer_name: root.name.clone(), exts: auth_exts(&self.leaf_p384, &root), ..main("auth-by-root", self) }, "main variant issued directly by the root CA (ecdsa-with-SHA512)"),
            ("auth-self-signed.cer", Spec { issuer_name: name(&MAIN.auth_atvs()), alg: SigAlg::EcdsaSha384, exts: main("x", self).exts.drop(OID_AKI), ..main("auth-self-signed", self) }, "main variant, self-signed with its own P-384 key"),
            ("auth-other-ca.cer", auth_spec("auth-other-ca", &self.leaf_p384, &other), "main key and subject, issued by the unrelated Other CA (P-384, ecdsa-with-SHA384)"),
            ("auth-other-ca-null.cer", Spec { alg: SigAlg::EcdsaSha384Null, ..auth_spec("auth-other-ca-null", &self.leaf_p384, &other) }, "as auth-other-ca.cer but both signature AlgorithmIdentifiers are ecdsa-with-SHA384 WITH explicit NULL parameters (tolerated)"),
            ("auth-rsa-ca-sha256.cer", auth_spec("auth-rsa-ca-sha256", &self.leaf_p384, &rsa_ca), "main key and subject, issued by RSA-CA2026 with sha256WithRSAEncryption"),
            ("auth-rsa-ca-sha384.cer", Spec { alg: SigAlg::RsaSha384, ..auth_spec("auth-rsa-ca-sha384", &self.leaf_p384, &rsa_ca) }, "main key and subject, issued by RSA-CA2026 with sha384WithRSAEncryption"),
            ("auth-rsa-ca-sha512.cer", Spec { alg: SigAlg::RsaSha512, ..auth_spec("auth-rsa-ca-sha512", &self.leaf_p384, &rsa_ca) }, "main key and subject, issued by RSA-CA2026 with sha512WithRSAEncryption"),
            ("auth-p256-ca.cer", auth_spec("auth-p256-ca", &self.leaf_p384, &p256_ca), "main key and subject, issued by P256-CA2026 with ecdsa-with-SHA256"),
        ];
        for (file, spec, what) in variants {
            let signer = if file == "auth-impostor.cer" {
                self.impostor.clone()
            } else if file == "auth-by-root.cer" {
                root.key.clone()
            } else if file == "auth-self-signed.cer" {
                self.leaf_p384.clone()
            } else if file.starts_with("auth-other-ca") {
                other.key.clone()
            } else if file.starts_with("auth-rsa-ca") {
                rsa_ca.key.clone()
            } else if file.starts_with("auth-p256-ca") {
                p256_ca.key.clone()
            } else {
                ca.key.clone()
            };
            let alg = spec.alg.name();
            self.add(
                file,
                spec.issue(&signer),
                &format!("{what}; P-384 key of auth-p384.cer, signed {alg}"),
            );
        }

        // ---- anchor constraints and token intermediates (RFC 5280 §4.2.1.9,
        // RFC 5937; research note §2.4)
        let anchor_variant = |label: &str, exts: Exts| Spec {
            exts,
            ..ca_spec(label, CA_CN, &ca.key, Some(&root), at(2041, 1, 1, 0, 0, 0))
        };
        let ca_exts = ca_spec("x", CA_CN, &ca.key, Some(&root), at(2041, 1, 1, 0, 0, 0)).exts;
        let anchors: Vec<(&str, Spec, &str)> = vec![
            ("esteid2026-bc-false.cer", anchor_variant("esteid2026-bc-false", ca_exts.clone().set(OID_BC, bc_end_entity(false))), "ESTEID2026's name and key with basicConstraints cA FALSE (30 00): it may not issue"),
            ("esteid2026-no-keycertsign.cer", anchor_variant("esteid2026-no-keycertsign", ca_exts.clone().set(OID_KU, ku(&[KU_DIGITAL_SIGNATURE, KU_CRL_SIGN]))), "ESTEID2026's name and key, cA TRUE pathLen 0, keyUsage digitalSignature + cRLSign: no keyCertSign, it may not issue"),
            ("esteid2026-no-bc.cer", anchor_variant("esteid2026-no-bc", ca_exts.clone().drop(OID_BC)), "ESTEID2026's name and key without basicConstraints (keyUsage keyCertSign + cRLSign): no constraint of its own"),
            ("esteid2026-no-pathlen.cer", anchor_variant("esteid2026-no-pathlen", ca_exts.clone().set(OID_BC, bc_ca(None))), "ESTEID2026's name and key, cA TRUE without pathLenConstraint"),
        ];
        for (file, spec, what) in anchors {
            self.add(
                file,
                spec.issue(&root.key),
                &format!("{what}; signed ecdsa-with-SHA512 by the root, 2026-01-01 to 2041-01-01"),
            );
        }
        let subca = make_ca(
            "subca",
            "idbridge TEST Sub CA 2026",
            Key::Ec(derive_ec("subca", Curve::P384)),
            Some(&ca),
            at(2041, 1, 1, 0, 0, 0),
        );
        self.add(
            "subca.cer",
            subca.cert.clone(),
            "\"idbridge TEST Sub CA 2026\": P-384, issued by ESTEID2026 (whose pathLenConstraint 0 allows no CA below it) with ecdsa-with-SHA512, cA TRUE pathLen 0, KU keyCertSign + cRLSign",
        );
        self.add(
            "auth-by-subca.cer",
            auth_spec("auth-by-subca", &self.leaf_p384, &subca).issue(&subca.key),
            "main key and subject, issued by the Sub CA (ecdsa-with-SHA384): its path is leaf -> Sub CA -> ESTEID2026",
        );
        let ca_leaf = Spec {
            exts: main("x", self)
                .exts
                .set(OID_BC, bc_ca(None))
                .set(OID_KU, ku(&[KU_DIGITAL_SIGNATURE, KU_KEY_CERT_SIGN])),
            ..main("auth-ca-true", self)
        };
        self.add(
            "auth-ca-true.cer",
            ca_leaf.issue(&ca.key),
            "main variant with basicConstraints cA TRUE and keyUsage digitalSignature + keyCertSign: a CA certificate offered as the authentication certificate; P-384 key of auth-p384.cer, signed ecdsa-with-SHA512 by ESTEID2026",
        );

        // ---- signing certificates (web-eid:1.1)
        let sp = |label: &str, pki: &Pki| sign_spec(label, &pki.sign_p384, &ca);
        let mut lower = MAIN.sign_atvs();
        for a in lower.iter_mut().skip(1).take(3) {
            a.value = a.value.to_ascii_lowercase();
        }
        let mut c_utf8 = MAIN.sign_atvs();
        c_utf8[0].kind = Str::Utf8;
        c_utf8[4].kind = Str::Utf8;
        let mut extra = MAIN.sign_atvs();
        extra.insert(1, atv(OID_O, Str::Utf8, "ESTEID"));
        let mut fewer = MAIN.sign_atvs();
        fewer.remove(3);
        let mut other_serial = MAIN.sign_atvs();
        other_serial[4].value = OTHER.subject_id();
        let mut wrong_aki = Hash::Sha1.digest(b"idbridge-vectorgen/webeid/not-the-ca");
        wrong_aki[0] ^= 0xff;
        let signing: Vec<(&str, Spec, &str)> = vec![
            ("sign-p384.cer", sp("sign-p384", self), "the signing certificate: MAIN's subject in the order C, GN, SN, CN, serialNumber, KU nonRepudiation, AKI = ESTEID2026's key id"),
            ("sign-same-order.cer", Spec { subject: name(&MAIN.auth_atvs()), ..sp("sign-same-order", self) }, "signing certificate with the subject in the authentication certificate's own order"),
            ("sign-case.cer", Spec { subject: name(&lower), ..sp("sign-case", self) }, "signing certificate whose GN, SN and CN values are ASCII-lower-cased (\"mari-Änn\"): equal under case-insensitive comparison"),
            ("sign-utf8-country.cer", Spec { subject: name(&c_utf8), ..sp("sign-utf8-country", self) }, "signing certificate whose C and serialNumber are UTF8String instead of PrintableString (same characters)"),
            ("sign-eku-email.cer", Spec { exts: sp("x", self).exts.set(OID_EKU, eku(&[EKU_EMAIL])), ..sp("sign-eku-email", self) }, "signing certificate with EKU emailProtection (EKU is not checked on signing certificates)"),
            ("sign-other-subject.cer", Spec { subject: name(&OTHER.sign_atvs()), ..sp("sign-other-subject", self) }, "signing certificate of another person (TAMM, JÜRI, PNOEE-38506120345)"),
            ("sign-extra-rdn.cer", Spec { subject: name(&extra), ..sp("sign-extra-rdn", self) }, "signing certificate whose subject has an extra O=ESTEID"),
            ("sign-fewer-rdn.cer", Spec { subject: name(&fewer), ..sp("sign-fewer-rdn", self) }, "signing certificate whose subject lacks the CN"),
            ("sign-other-serial.cer", Spec { subject: name(&other_serial), ..sp("sign-other-serial", self) }, "signing certificate with MAIN's names but another serialNumber (PNOEE-38506120345)"),
            ("sign-no-aki.cer", Spec { exts: sp("x", self).exts.drop(OID_AKI), ..sp("sign-no-aki", self) }, "signing certificate without an AuthorityKeyIdentifier"),
            ("sign-other-aki.cer", Spec { exts: sp("x", self).exts.set(OID_AKI, aki(&wrong_aki)), ..sp("sign-other-aki", self) }, "signing certificate whose AKI keyIdentifier is not ESTEID2026's (still signed by ESTEID2026)"),
            ("sign-aki-no-keyid.cer", Spec { exts: sp("x", self).exts.set(OID_AKI, aki_issuer_serial(&root.name, &serial("esteid2026"))), ..sp("sign-aki-no-keyid", self) }, "signing certificate whose AKI has authorityCertIssuer + serial but no keyIdentifier"),
            ("sign-ku-ds.cer", Spec { exts: sp("x", self).exts.set(OID_KU, ku(&[KU_DIGITAL_SIGNATURE])), ..sp("sign-ku-ds", self) }, "signing certificate with KU digitalSignature only (no nonRepudiation)"),
            ("sign-no-ku.cer", Spec { exts: sp("x", self).exts.drop(OID_KU), ..sp("sign-no-ku", self) }, "signing certificate without keyUsage"),
            ("sign-expired.cer", Spec { not_before: at(2026, 1, 15, 0, 0, 0), not_after: ca_expired_to(), ..sp("sign-expired", self) }, "signing certificate valid 2026-01-15 to 2026-06-30T23:59:59Z"),
            ("sign-notyet.cer", Spec { not_before: at(2027, 1, 1, 0, 0, 0), ..sp("sign-notyet", self) }, "signing certificate valid from 2027-01-01"),
            ("sign-other-ca.cer", Spec { issuer_name: other.name.clone(), alg: SigAlg::EcdsaSha384, ..sp("sign-other-ca", self) }, "signing certificate issued and signed by the unrelated Other CA, but carrying ESTEID2026's AKI key id"),
            ("sign-bad-ca-sig.cer", Spec { flip_sig: true, ..sp("sign-bad-ca-sig", self) }, "signing certificate whose ESTEID2026 signature has its last bit flipped"),
        ];
        for (file, spec, what) in signing {
            let signer = if file == "sign-other-ca.cer" {
                other.key.clone()
            } else {
                ca.key.clone()
            };
            let alg = spec.alg.name();
            self.add(
                file,
                spec.issue(&signer),
                &format!("{what}; P-384 key, signed {alg}"),
            );
        }

        // ---- OCSP responders
        let rk = self.resp_rsa.clone();
        let responders: Vec<(&str, Spec, Key, &str)> = vec![
            ("ocsp-responder.cer", responder_spec("rsa", &rk, &ca), ca.key.clone(), "the OCSP responder: RSA-2048 (../keys/rsa2048-b), issued by ESTEID2026, EKU OCSPSigning, 2026-01-01 to 2028-01-01"),
            ("ocsp-responder-p256.cer", responder_spec("p256", &self.resp_p256, &ca), ca.key.clone(), "a second OCSP responder: P-256, issued by ESTEID2026, EKU OCSPSigning, 2026-01-01 to 2028-01-01"),
            ("ocsp-responder-no-eku.cer", Spec { exts: responder_spec("x", &rk, &ca).exts.drop(OID_EKU), ..responder_spec("no-eku", &rk, &ca) }, ca.key.clone(), "OCSP responder without an EKU extension (no OCSPSigning), issued by ESTEID2026"),
            ("ocsp-responder-eku-client.cer", Spec { exts: responder_spec("x", &rk, &ca).exts.set(OID_EKU, eku(&[EKU_CLIENT_AUTH])), ..responder_spec("eku-client", &rk, &ca) }, ca.key.clone(), "OCSP responder whose EKU is clientAuth only, issued by ESTEID2026"),
            ("ocsp-responder-other-ca.cer", responder_spec("other-ca", &rk, &other), other.key.clone(), "OCSP responder with EKU OCSPSigning issued by the unrelated Other CA"),
            ("ocsp-responder-by-root.cer", responder_spec("by-root", &rk, &root), root.key.clone(), "OCSP responder with EKU OCSPSigning issued by the root CA (not by the issuing CA)"),
            ("ocsp-responder-impostor.cer", responder_spec("impostor", &rk, &ca), self.impostor.clone(), "OCSP responder naming ESTEID2026 as issuer but signed by another P-521 key"),
            ("ocsp-responder-expired.cer", Spec { not_before: at(2025, 1, 1, 0, 0, 0), not_after: ca_expired_to(), ..responder_spec("expired", &rk, &ca) }, ca.key.clone(), "OCSP responder issued by ESTEID2026, EKU OCSPSigning, valid 2025-01-01 to 2026-06-30T23:59:59Z (expired)"),
            ("ocsp-responder-notyet.cer", Spec { not_before: at(2027, 1, 1, 0, 0, 0), ..responder_spec("notyet", &rk, &ca) }, ca.key.clone(), "OCSP responder issued by ESTEID2026, EKU OCSPSigning, valid from 2027-01-01 (not yet valid)"),
        ];
        for (file, spec, signer, what) in responders {
            let alg = spec.alg.name();
            self.add(file, spec.issue(&signer), &format!("{what}; signed {alg}"));
        }
    }
}

/// PEM with 64-character lines.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).expect("ASCII"));
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}
