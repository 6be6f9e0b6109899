//! ICAO 9303 passive authentication (`idbridge::icao`): every check of the
//! `icao-sod` kind fails closed with its code, and the issue's bad inputs
//! (10,000 data-group hashes, a 5 MB certificate, 1,000 SignerInfos, BER
//! indefinite lengths) end in clear codes within the limits.
//!
//! The SODs are built here, signed with the public TEST keys of
//! `test-vectors/keys/` under the TEST PKI of `test-vectors/icao/`.
#![cfg(feature = "icao")]
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use idbridge::crypto::{Algorithm, EcdsaEncoding, HashAlg, RustCryptoSigner, Signer};
use idbridge::icao::{self, ChipData, IcaoTrust, LdsProfile};
use idbridge::{Limits, UnixTime};

const CSCA: &[u8] = include_bytes!("../test-vectors/icao/csca-rsa2048.der");
const DS_P256: &[u8] = include_bytes!("../test-vectors/icao/ds-p256.der");
const DS_RSA: &[u8] = include_bytes!("../test-vectors/icao/ds-rsa2048.der");
const KEY_P256: &str = include_str!("../test-vectors/keys/p256.pk8.pem");
const KEY_RSA: &str = include_str!("../test-vectors/keys/rsa2048-b.pk8.pem");

// ------------------------------------------------------------ DER builder

fn pem_der(pem: &str) -> Vec<u8> {
    use base64::Engine as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = contents.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else if n < 0x1_0000 {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    } else {
        out.extend_from_slice(&[0x83, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(contents);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

fn int(v: i64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < 7 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        if (b == 0 && next & 0x80 == 0) || (b == 0xFF && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    tlv(0x02, &bytes[start..])
}

fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = Vec::new();
    let mut push = |mut v: u64| {
        let mut tmp = vec![(v & 0x7F) as u8];
        v >>= 7;
        while v > 0 {
            tmp.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        tmp.reverse();
        body.extend_from_slice(&tmp);
    };
    push(arcs[0] * 40 + arcs[1]);
    for a in &arcs[2..] {
        push(*a);
    }
    tlv(0x06, &body)
}

const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA512: &str = "2.16.840.1.101.3.4.2.3";
const LDS_OID: &str = "2.23.136.1.1.1";
const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const RSA_PSS: &str = "1.2.840.113549.1.1.10";

fn alg(o: &str) -> Vec<u8> {
    seq(&[&oid(o)])
}

fn alg_null(o: &str) -> Vec<u8> {
    seq(&[&oid(o), &[0x05, 0x00]])
}

/// The RSASSA-PSS AlgorithmIdentifier: hash, MGF1 with `mgf`, salt.
fn pss_params(hash: &str, mgf: &str, salt: i64) -> Vec<u8> {
    let h = alg_null(hash);
    let m = seq(&[&oid("1.2.840.113549.1.1.8"), &alg_null(mgf)]);
    seq(&[
        &oid(RSA_PSS),
        &seq(&[&tlv(0xA0, &h), &tlv(0xA1, &m), &tlv(0xA2, &int(salt))]),
    ])
}

fn digest(hash: HashAlg, data: &[u8]) -> Vec<u8> {
    hash.digest(data)
}

// ---------------------------------------------------------------- data

fn pad(s: &str) -> String {
    format!("{s:<<30}")
}

/// A TD1 DG1 of a fictitious TEST person.
fn dg1() -> Vec<u8> {
    let mrz = format!(
        "{}{}{}",
        pad("C<ITACA00000AA4"),
        pad("8001014F3001012ITA"),
        pad("BIANCHI<<GIULIA<ANNA")
    );
    assert_eq!(mrz.len(), 90);
    let inner = [&[0x5F, 0x1F, 90][..], mrz.as_bytes()].concat();
    [&[0x61, inner.len() as u8][..], &inner].concat()
}

fn dg11() -> Vec<u8> {
    let field = |t: [u8; 2], v: &str| [&t[..], &[v.len() as u8], v.as_bytes()].concat();
    let inner = [
        field([0x5F, 0x10], "BNCGLI80A41H501X"),
        field([0x5F, 0x2B], "19800101"),
        field([0x5F, 0x11], "ROMA<RM"),
    ]
    .concat();
    [&[0x6B, inner.len() as u8][..], &inner].concat()
}

// ---------------------------------------------------------------- SODs

/// What goes into a built SOD; each test changes one thing.
#[derive(Clone)]
struct Sod {
    wrap: bool,
    econtent_type: &'static str,
    signed_content_type: &'static str,
    /// (number, hash) pairs of the LDS security object.
    groups: Vec<(i64, Vec<u8>)>,
    lds_hash: &'static str,
    digest_alg: &'static str,
    /// Overrides the messageDigest.
    message_digest: Option<Vec<u8>>,
    /// RSA (PSS) with the RSA DS instead of ECDSA with the P-256 DS.
    rsa: Option<Algorithm>,
    /// The SignerInfo's signatureAlgorithm (DER), overriding the natural one.
    sig_alg: Option<Vec<u8>>,
    certs: Vec<Vec<u8>>,
    ski_sid: bool,
    /// The P-256 DS certificate named by the sid (default `DS_P256`).
    ds_p256: &'static [u8],
    signer_infos: usize,
    flip_signature: bool,
}

impl Default for Sod {
    fn default() -> Self {
        Sod {
            wrap: true,
            econtent_type: LDS_OID,
            signed_content_type: LDS_OID,
            groups: four_groups(),
            lds_hash: SHA256,
            digest_alg: SHA256,
            message_digest: None,
            rsa: None,
            sig_alg: None,
            certs: vec![DS_P256.to_vec()],
            ski_sid: false,
            ds_p256: DS_P256,
            signer_infos: 1,
            flip_signature: false,
        }
    }
}

fn four_groups() -> Vec<(i64, Vec<u8>)> {
    vec![
        (1, digest(HashAlg::Sha256, &dg1())),
        (2, digest(HashAlg::Sha256, b"DG2: a face image")),
        (11, digest(HashAlg::Sha256, &dg11())),
        (14, digest(HashAlg::Sha256, b"DG14: security infos")),
    ]
}

fn lds(groups: &[(i64, Vec<u8>)], hash: &str) -> Vec<u8> {
    let dghs: Vec<u8> = groups
        .iter()
        .flat_map(|(n, h)| seq(&[&int(*n), &tlv(0x04, h)]))
        .collect();
    seq(&[&int(0), &alg(hash), &tlv(0x30, &dghs)])
}

/// The certificate's issuer Name, serial INTEGER and SKI (via x509-cert).
fn sid_parts(cert: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    use der::{Decode, Encode};
    let c = x509_cert::Certificate::from_der(cert).unwrap();
    let tbs = &c.tbs_certificate;
    let ski = tbs
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id.to_string() == "2.5.29.14")
        .map(|e| e.extn_value.as_bytes()[2..].to_vec())
        .unwrap();
    (
        tbs.issuer.to_der().unwrap(),
        tbs.serial_number.to_der().unwrap(),
        ski,
    )
}

impl Sod {
    fn econtent(&self) -> Vec<u8> {
        lds(&self.groups, self.lds_hash)
    }

    fn build(&self) -> Vec<u8> {
        let econtent = self.econtent();
        let hash = if self.digest_alg == SHA512 {
            HashAlg::Sha512
        } else {
            HashAlg::Sha256
        };
        let md = self
            .message_digest
            .clone()
            .unwrap_or_else(|| digest(hash, &econtent));
        let attrs_body = [
            seq(&[
                &oid("1.2.840.113549.1.9.3"),
                &set(&[&oid(self.signed_content_type)]),
            ]),
            seq(&[&oid("1.2.840.113549.1.9.4"), &set(&[&tlv(0x04, &md)])]),
        ]
        .concat();
        let to_sign = tlv(0x31, &attrs_body);
        let (ds, sig_alg, mut signature) = match self.rsa {
            None => {
                let key = RustCryptoSigner::from_pkcs8_der(&pem_der(KEY_P256)).unwrap();
                let a = Algorithm::Ecdsa {
                    curve: idbridge::crypto::Curve::P256,
                    hash: HashAlg::Sha256,
                    encoding: EcdsaEncoding::Der,
                };
                (
                    self.ds_p256,
                    alg(ECDSA_SHA256),
                    key.sign(a, &to_sign).unwrap(),
                )
            }
            Some(a) => {
                let key = RustCryptoSigner::from_pkcs8_der(&pem_der(KEY_RSA)).unwrap();
                let sig_alg = match a {
                    Algorithm::RsaPss(HashAlg::Sha256) => pss_params(SHA256, SHA256, 32),
                    Algorithm::RsaPkcs1v15(HashAlg::Sha256) => alg_null("1.2.840.113549.1.1.11"),
                    _ => unreachable!(),
                };
                (DS_RSA, sig_alg, key.sign(a, &to_sign).unwrap())
            }
        };
        if self.flip_signature {
            signature[10] ^= 1;
        }
        let (issuer, serial, ski) = sid_parts(ds);
        let (version, sid) = if self.ski_sid {
            (3, tlv(0x80, &ski))
        } else {
            (1, seq(&[&issuer, &serial]))
        };
        let signer_info = seq(&[
            &int(version),
            &sid,
            &alg(self.digest_alg),
            &tlv(0xA0, &attrs_body),
            self.sig_alg.as_ref().unwrap_or(&sig_alg),
            &tlv(0x04, &signature),
        ]);
        let infos: Vec<u8> = (0..self.signer_infos)
            .flat_map(|_| signer_info.clone())
            .collect();
        let certs: Vec<u8> = self.certs.concat();
        let mut sd_parts: Vec<Vec<u8>> = vec![
            int(3),
            set(&[&alg(self.digest_alg)]),
            seq(&[&oid(self.econtent_type), &tlv(0xA0, &tlv(0x04, &econtent))]),
        ];
        if !self.certs.is_empty() {
            sd_parts.push(tlv(0xA0, &certs));
        }
        sd_parts.push(tlv(0x31, &infos));
        let sd = tlv(0x30, &sd_parts.concat());
        let ci = seq(&[&oid(SIGNED_DATA), &tlv(0xA0, &sd)]);
        if self.wrap {
            tlv(0x77, &ci)
        } else {
            ci
        }
    }
}

fn now() -> UnixTime {
    UnixTime::parse_rfc3339("2027-06-01T00:00:00Z").unwrap()
}

fn pinned() -> IcaoTrust {
    IcaoTrust::new()
        .with_document_signer(DS_P256)
        .unwrap()
        .with_document_signer(DS_RSA)
        .unwrap()
}

fn code_of(
    trust: &IcaoTrust,
    sod: &[u8],
    groups: &[(i64, &[u8])],
    profile: LdsProfile,
    now: UnixTime,
) -> String {
    match icao::verify_passive(trust, sod, groups, profile, now) {
        Ok(_) => "valid".into(),
        Err(e) => e.code().to_string(),
    }
}

fn code(sod: &Sod) -> String {
    code_of(&pinned(), &sod.build(), &[], LdsProfile::Icao, now())
}

// ---------------------------------------------------------------- valid

#[test]
fn a_pinned_ds_and_four_data_groups_verify_into_the_identity() {
    let (d1, d11) = (dg1(), dg11());
    let v = icao::verify_passive(
        &pinned(),
        &Sod::default().build(),
        &[(1, &d1), (11, &d11)],
        LdsProfile::Icao,
        now(),
    )
    .unwrap();
    let id = v.identity();
    assert_eq!(id.subject_id(), Some("TINIT-BNCGLI80A41H501X"));
    assert_eq!(id.family_name(), Some("BIANCHI"));
    assert_eq!(id.given_name(), Some("GIULIA ANNA"));
    assert_eq!(id.birth_date(), Some("1980-01-01"));
    assert_eq!(id.issuer(), Some("ITA"));
    assert_eq!(id.attributes()["place_of_birth"], "ROMA<RM");
    assert_eq!(id.attributes()["document_number"], "CA00000AA");
    assert_eq!(id.attributes()["expiry_date"], "2030-01-01");
    assert_eq!(v.verified_groups(), &[1, 11]);
    assert_eq!(v.data_group_hashes().len(), 4);
    assert_eq!(v.document_signer_der(), DS_P256);
}

#[test]
fn a_bare_content_info_with_a_key_id_sid_verifies_under_the_csca() {
    let sod = Sod {
        wrap: false,
        ski_sid: true,
        ..Sod::default()
    };
    let trust = IcaoTrust::new().with_csca(CSCA).unwrap();
    assert_eq!(
        code_of(&trust, &sod.build(), &[], LdsProfile::Icao, now()),
        "valid"
    );
}

#[test]
fn rsassa_pss_and_pkcs1_signatures_verify() {
    for a in [
        Algorithm::RsaPss(HashAlg::Sha256),
        Algorithm::RsaPkcs1v15(HashAlg::Sha256),
    ] {
        let sod = Sod {
            rsa: Some(a),
            certs: vec![DS_RSA.to_vec()],
            ..Sod::default()
        };
        assert_eq!(code(&sod), "valid", "{a:?}");
    }
}

// ---------------------------------------------------- 1. icao.sod.malformed

#[test]
fn trailing_bytes_and_ber_indefinite_lengths_are_malformed() {
    let mut sod = Sod::default().build();
    sod.push(0);
    assert_eq!(
        code_of(&pinned(), &sod, &[], LdsProfile::Icao, now()),
        "icao.sod.malformed"
    );
    // The 0x77 wrapper re-encoded with an indefinite length (BER).
    let good = Sod::default().build();
    let (_, body) = good.split_at(4); // 77 82 LL LL
    let ber = [&[0x77, 0x80][..], body, &[0, 0]].concat();
    assert_eq!(
        code_of(&pinned(), &ber, &[], LdsProfile::Icao, now()),
        "icao.sod.malformed"
    );
    // An indefinite length deep inside (the eContent OCTET STRING's SEQUENCE).
    let bare = Sod {
        wrap: false,
        ..Sod::default()
    }
    .build();
    let mut deep = bare.clone();
    let at = deep.windows(2).position(|w| w == [0x30, 0x82]).unwrap();
    deep[at + 1] = 0x80;
    assert_eq!(
        code_of(&pinned(), &deep, &[], LdsProfile::Icao, now()),
        "icao.sod.malformed"
    );
}

#[test]
fn every_truncation_is_malformed_never_a_panic() {
    let sod = Sod::default().build();
    for n in 0..sod.len() {
        let c = code_of(&pinned(), &sod[..n], &[], LdsProfile::Icao, now());
        assert_eq!(c, "icao.sod.malformed", "prefix of {n} bytes");
    }
}

#[test]
fn structure_rules_are_malformed() {
    let cases: Vec<(&str, Sod)> = vec![
        (
            "eContentType not the LDS security object",
            Sod {
                econtent_type: "1.2.840.113549.1.7.1",
                ..Sod::default()
            },
        ),
        (
            "signed contentType not the LDS security object",
            Sod {
                signed_content_type: "1.2.840.113549.1.7.1",
                ..Sod::default()
            },
        ),
        (
            "no SignerInfo",
            Sod {
                signer_infos: 0,
                ..Sod::default()
            },
        ),
        (
            "two SignerInfos",
            Sod {
                signer_infos: 2,
                ..Sod::default()
            },
        ),
        (
            "100 SignerInfos (counting stops at the limit)",
            Sod {
                signer_infos: 100,
                ..Sod::default()
            },
        ),
        (
            "no certificates",
            Sod {
                certs: vec![],
                ..Sod::default()
            },
        ),
        (
            "the sid names a certificate the SOD lacks",
            Sod {
                certs: vec![DS_RSA.to_vec()],
                ..Sod::default()
            },
        ),
        (
            "more certificates than the limit",
            Sod {
                certs: vec![DS_RSA.to_vec(); 4]
                    .into_iter()
                    .chain([DS_P256.to_vec()])
                    .collect(),
                ..Sod::default()
            },
        ),
    ];
    for (what, sod) in cases {
        assert_eq!(code(&sod), "icao.sod.malformed", "{what}");
    }
}

#[test]
fn a_thousand_signer_infos_stop_at_the_size_limit() {
    let sod = Sod {
        signer_infos: 1000,
        ..Sod::default()
    };
    assert_eq!(code(&sod), "input.too_large");
}

#[test]
fn a_content_info_of_another_type_is_malformed() {
    let sod = Sod::default().build();
    let signed_data = oid(SIGNED_DATA);
    let at = sod
        .windows(signed_data.len())
        .position(|w| w == signed_data)
        .unwrap();
    let mut other = sod.clone();
    other[at + signed_data.len() - 1] = 0x01; // id-data
    assert_eq!(
        code_of(&pinned(), &other, &[], LdsProfile::Icao, now()),
        "icao.sod.malformed"
    );
}

// ------------------------------------------- 2. icao.message_digest.mismatch

#[test]
fn a_message_digest_of_other_content_is_refused() {
    let sod = Sod {
        message_digest: Some(vec![0xAB; 32]),
        ..Sod::default()
    };
    assert_eq!(code(&sod), "icao.message_digest.mismatch");
}

// --------------------------------- 3. icao.algorithm.unsupported / signature

#[test]
fn unsupported_algorithms_are_named() {
    let cases: Vec<(&str, Sod)> = vec![
        (
            "SHA-1 digest",
            Sod {
                digest_alg: "1.3.14.3.2.26",
                ..Sod::default()
            },
        ),
        (
            "ecdsa-with-SHA1",
            Sod {
                sig_alg: Some(alg("1.2.840.10045.4.1")),
                ..Sod::default()
            },
        ),
        (
            "RSASSA-PSS without parameters (SHA-1)",
            Sod {
                rsa: Some(Algorithm::RsaPss(HashAlg::Sha256)),
                certs: vec![DS_RSA.to_vec()],
                sig_alg: Some(alg(RSA_PSS)),
                ..Sod::default()
            },
        ),
        (
            "RSASSA-PSS with a salt other than the hash length",
            Sod {
                rsa: Some(Algorithm::RsaPss(HashAlg::Sha256)),
                certs: vec![DS_RSA.to_vec()],
                sig_alg: Some(pss_params(SHA256, SHA256, 20)),
                ..Sod::default()
            },
        ),
        (
            "RSASSA-PSS with MGF1 over another hash",
            Sod {
                rsa: Some(Algorithm::RsaPss(HashAlg::Sha256)),
                certs: vec![DS_RSA.to_vec()],
                sig_alg: Some(pss_params(SHA256, SHA512, 32)),
                ..Sod::default()
            },
        ),
        (
            "an RSA signature algorithm with the EC DS",
            Sod {
                sig_alg: Some(alg_null("1.2.840.113549.1.1.11")),
                ..Sod::default()
            },
        ),
    ];
    for (what, sod) in cases {
        assert_eq!(code(&sod), "icao.algorithm.unsupported", "{what}");
    }
}

#[test]
fn a_changed_signature_is_invalid() {
    for rsa in [None, Some(Algorithm::RsaPss(HashAlg::Sha256))] {
        let sod = Sod {
            flip_signature: true,
            rsa,
            certs: vec![if rsa.is_some() { DS_RSA } else { DS_P256 }.to_vec()],
            ..Sod::default()
        };
        assert_eq!(code(&sod), "icao.signature.invalid");
    }
}

// ---------------------------------------------------- 4. icao.lds.invalid

#[test]
fn data_group_numbers_follow_the_lds_profile() {
    for n in [0, 17, -95] {
        let mut groups = four_groups();
        groups.push((n, vec![0; 32]));
        let sod = Sod {
            groups,
            ..Sod::default()
        }
        .build();
        assert_eq!(
            code_of(&pinned(), &sod, &[], LdsProfile::Icao, now()),
            "icao.lds.invalid",
            "{n}"
        );
        assert_eq!(
            code_of(&pinned(), &sod, &[], LdsProfile::CieIas, now()),
            "valid",
            "{n} under cie-ias"
        );
    }
}

#[test]
fn lds_structure_rules_are_invalid() {
    let mut twice = four_groups();
    twice.push((1, vec![0; 32]));
    let mut short = four_groups();
    short[0].1.pop();
    for (what, groups) in [("a number twice", twice), ("a short hash", short)] {
        let sod = Sod {
            groups,
            ..Sod::default()
        };
        assert_eq!(code(&sod), "icao.lds.invalid", "{what}");
    }
    let sha1 = Sod {
        lds_hash: "1.3.14.3.2.26",
        ..Sod::default()
    };
    assert_eq!(code(&sha1), "icao.algorithm.unsupported");
}

#[test]
fn more_data_group_hashes_than_the_limit_are_refused() {
    let groups: Vec<(i64, Vec<u8>)> = (1..=100).map(|n| (n, vec![0; 32])).collect();
    let sod = Sod {
        groups,
        ..Sod::default()
    };
    assert_eq!(
        code_of(&pinned(), &sod.build(), &[], LdsProfile::CieIas, now()),
        "icao.lds.invalid"
    );
}

#[test]
fn ten_thousand_data_group_hashes_stop_at_the_size_limit() {
    let groups: Vec<(i64, Vec<u8>)> = (1..=10_000).map(|n| (n, vec![0; 32])).collect();
    let sod = Sod {
        groups,
        ..Sod::default()
    }
    .build();
    assert!(sod.len() > Limits::default().max_sod_bytes());
    assert_eq!(
        code_of(&pinned(), &sod, &[], LdsProfile::CieIas, now()),
        "input.too_large"
    );
}

// ------------------------------------------- 5. data groups against the SOD

#[test]
fn data_groups_must_be_listed_with_their_hash() {
    let sod = Sod::default().build();
    let (d1, d11) = (dg1(), dg11());
    assert_eq!(
        code_of(&pinned(), &sod, &[(3, &d1)], LdsProfile::Icao, now()),
        "icao.dg.not_in_sod"
    );
    let mut changed = d1.clone();
    changed[80] ^= 1;
    assert_eq!(
        code_of(
            &pinned(),
            &sod,
            &[(1, &changed), (11, &d11)],
            LdsProfile::Icao,
            now()
        ),
        "icao.dg_hash.mismatch"
    );
    assert_eq!(
        code_of(&pinned(), &sod, &[(11, &d1)], LdsProfile::Icao, now()),
        "icao.dg_hash.mismatch"
    );
    assert_eq!(
        code_of(
            &pinned(),
            &sod,
            &[(1, &d1), (1, &d1)],
            LdsProfile::Icao,
            now()
        ),
        "input.json"
    );
}

// ---------------------------------------------------- 6. the DS and its trust

#[test]
fn the_ds_must_be_valid_now_and_trusted() {
    let sod = Sod::default().build();
    let at = |t: &str| UnixTime::parse_rfc3339(t).unwrap();
    assert_eq!(
        code_of(
            &pinned(),
            &sod,
            &[],
            LdsProfile::Icao,
            at("2037-01-01T00:00:00Z")
        ),
        "x509.cert.expired"
    );
    assert_eq!(
        code_of(
            &pinned(),
            &sod,
            &[],
            LdsProfile::Icao,
            at("2026-01-01T00:00:00Z")
        ),
        "x509.cert.not_yet_valid"
    );
    let other_pin = IcaoTrust::new().with_document_signer(DS_RSA).unwrap();
    assert_eq!(
        code_of(&other_pin, &sod, &[], LdsProfile::Icao, now()),
        "x509.chain.untrusted"
    );
    // A CSCA that did not issue the DS (the DS itself as a "CSCA").
    let wrong_csca = IcaoTrust::new().with_csca(DS_RSA).unwrap();
    assert_eq!(
        code_of(&wrong_csca, &sod, &[], LdsProfile::Icao, now()),
        "x509.chain.untrusted"
    );
    assert_eq!(
        code_of(&IcaoTrust::new(), &sod, &[], LdsProfile::Icao, now()),
        "x509.chain.untrusted"
    );
}

/// The DS -> CSCA hop on brainpool CSCAs (`test-vectors/icao-generator/`).
#[test]
fn brainpool_cscas_issue_document_signers_and_the_hop_fails_closed() {
    const CSCA_BP256: &[u8] = include_bytes!("../test-vectors/icao/csca-bp256.der");
    const CSCA_BP384: &[u8] = include_bytes!("../test-vectors/icao/csca-bp384-explicit.der");
    const BY_BP256: &[u8] = include_bytes!("../test-vectors/icao/ds-p256-by-bp256.der");
    const BY_BP384: &[u8] = include_bytes!("../test-vectors/icao/ds-p256-by-bp384.der");
    const CA_DS: &[u8] = include_bytes!("../test-vectors/icao/ds-p256-by-bp256-ca.der");
    const CRIT_DS: &[u8] = include_bytes!("../test-vectors/icao/ds-p256-by-bp256-crit.der");
    let both = IcaoTrust::new()
        .with_csca(CSCA)
        .unwrap()
        .with_csca(CSCA_BP256)
        .unwrap()
        .with_csca(CSCA_BP384)
        .unwrap();
    let sod = |ds: &'static [u8]| {
        Sod {
            ds_p256: ds,
            certs: vec![ds.to_vec()],
            ..Sod::default()
        }
        .build()
    };
    let verify = |trust: &IcaoTrust, sod: &[u8]| {
        icao::verify_passive(trust, sod, &[], LdsProfile::Icao, now())
    };
    // Named curve (SHA-256) and explicit parameters (SHA-384).
    for ds in [BY_BP256, BY_BP384] {
        let v = verify(&both, &sod(ds)).unwrap();
        assert_eq!(v.document_signer_der(), ds);
    }
    // Only the CSCA that issued it will do.
    let other = IcaoTrust::new().with_csca(CSCA_BP384).unwrap();
    let e = verify(&other, &sod(BY_BP256)).unwrap_err();
    assert_eq!(e.code(), "x509.chain.untrusted");
    // The CSCA's signature on the DS, one bit changed.
    let mut forged = BY_BP256.to_vec();
    *forged.last_mut().unwrap() ^= 1;
    let forged: &'static [u8] = Box::leak(forged.into_boxed_slice());
    let e = verify(&both, &sod(forged)).unwrap_err();
    assert_eq!(e.code(), "x509.chain.untrusted");
    assert!(e.to_string().contains("does not verify"), "{e}");
    // Signed by the CSCA, but a CA certificate, or with an unknown
    // critical extension: not a document signer.
    for (ds, why) in [
        (CA_DS, "is a CA certificate"),
        (CRIT_DS, "unknown critical extension"),
    ] {
        let e = verify(&both, &sod(ds)).unwrap_err();
        assert_eq!(e.code(), "x509.chain.untrusted");
        assert!(e.to_string().contains(why), "{e}");
    }
    // Before the DS's and the CSCA's validity (both start on 2026-12-07).
    let early = UnixTime::parse_rfc3339("2026-12-07T00:00:00Z").unwrap();
    let e = icao::verify_passive(&both, &sod(BY_BP256), &[], LdsProfile::Icao, early).unwrap_err();
    assert_eq!(e.code(), "x509.cert.not_yet_valid");
}

// ------------------------------------------------ 7. icao.dg.malformed

#[test]
fn malformed_identity_groups_are_refused_even_when_signed() {
    let bad_dg1 = {
        let mut d = dg1();
        d[5] = b'a'; // lower case in the MRZ
        d
    };
    let short_dg1 = [&[0x61, 0x04, 0x5F, 0x1F, 0x01][..], b"C"].concat();
    let bad_dg11 = [&[0x6B, 0x05, 0x5F, 0x2B, 0x02][..], b"19"].concat();
    for (what, n, bytes) in [
        ("lower case in the MRZ", 1, bad_dg1),
        ("a one-character MRZ", 1, short_dg1),
        ("a two-digit full birth date", 11, bad_dg11),
    ] {
        let mut groups = four_groups();
        groups.retain(|(g, _)| *g != n);
        groups.push((n, digest(HashAlg::Sha256, &bytes)));
        let sod = Sod {
            groups,
            ..Sod::default()
        }
        .build();
        assert_eq!(
            code_of(&pinned(), &sod, &[(n, &bytes)], LdsProfile::Icao, now()),
            "icao.dg.malformed",
            "{what}"
        );
    }
}

// --------------------------------------------------- the input document

#[test]
fn the_input_document_is_strict() {
    let l = Limits::default();
    let b64 = |b: &[u8]| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let sod = b64(&Sod::default().build());
    let ok = format!(
        r#"{{"sod":"{sod}","data_groups":{{"1":"{}"}},"x":1}}"#,
        b64(&dg1())
    );
    let data = ChipData::from_json(ok.as_bytes(), &l).unwrap();
    assert_eq!(data.data_groups[0].0, 1);
    for (doc, want) in [
        (
            format!(r#"{{"sod":"{sod}","data_groups":{{"01":"AA=="}}}}"#),
            "input.json",
        ),
        (format!(r#"{{"sod":"{sod}"}}"#), "input.json"),
        (r#"{"sod":1,"data_groups":{}}"#.to_string(), "input.json"),
        (
            format!(r#"{{"sod":"{sod}","sod":"{sod}","data_groups":{{}}}}"#),
            "input.json",
        ),
        (
            r#"{"sod":"AA","data_groups":{}}"#.to_string(),
            "input.encoding",
        ),
        (
            r#"{"sod":"AA==\n","data_groups":{}}"#.to_string(),
            "input.encoding",
        ),
        (
            format!(r#"{{"sod":"{sod}","data_groups":{{"1":"-_8="}}}}"#),
            "input.encoding",
        ),
    ] {
        assert_eq!(
            ChipData::from_json(doc.as_bytes(), &l).unwrap_err().code(),
            want,
            "{doc:.80}"
        );
    }
}

#[test]
fn a_five_megabyte_certificate_is_too_large() {
    use base64::Engine as _;
    // A SOD carrying a 5 MB "certificate": refused by size, before parsing.
    let big_cert = tlv(0x30, &vec![0u8; 5 * 1024 * 1024]);
    let sod = Sod {
        certs: vec![big_cert],
        ..Sod::default()
    }
    .build();
    assert_eq!(
        code_of(&pinned(), &sod, &[], LdsProfile::Icao, now()),
        "input.too_large"
    );
    let doc = format!(
        r#"{{"sod":"{}","data_groups":{{}}}}"#,
        base64::engine::general_purpose::STANDARD.encode(&sod)
    );
    let err = icao::verify_chip_data(
        idbridge::crypto::default_backend(),
        &pinned(),
        doc.as_bytes(),
        LdsProfile::Icao,
        now(),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "input.too_large");
}

#[test]
fn every_backend_gives_the_same_answers() {
    let sod = Sod::default().build();
    let flipped = Sod {
        flip_signature: true,
        ..Sod::default()
    }
    .build();
    for backend in idbridge::crypto::backends() {
        for (bytes, want) in [(&sod, true), (&flipped, false)] {
            let r = icao::verify_passive_with(
                *backend,
                &pinned(),
                bytes,
                &[],
                LdsProfile::Icao,
                now(),
                &Limits::default(),
            );
            assert_eq!(r.is_ok(), want, "{}", backend.name());
        }
    }
}

// ------------------------------------------------- the bench's input

const BENCH_BUNDLE: &str = "test-vectors/icao/sod-4dg.json";

/// The four data groups of the bench's SOD (small stand-ins for DG2 and
/// DG14: the bench measures passive authentication, not hashing a photo).
fn bench_groups() -> Vec<(i64, Vec<u8>)> {
    vec![
        (1, dg1()),
        (2, b"DG2: a face image".to_vec()),
        (11, dg11()),
        (14, b"DG14: security infos".to_vec()),
    ]
}

#[test]
fn the_bench_bundle_verifies_under_the_csca() {
    let doc =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BENCH_BUNDLE)).unwrap();
    let trust = IcaoTrust::new().with_csca(CSCA).unwrap();
    let v = icao::verify_chip_data(
        idbridge::crypto::default_backend(),
        &trust,
        &doc,
        LdsProfile::Icao,
        now(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(v.verified_groups(), &[1, 2, 11, 14]);
    assert_eq!(v.identity().subject_id(), Some("TINIT-BNCGLI80A41H501X"));
}

// --------------------------------------- brainpool document signers

const DS_BP256: &[u8] = include_bytes!("../test-vectors/icao/ds-bp256.der");
const DS_BP384X: &[u8] = include_bytes!("../test-vectors/icao/ds-bp384-explicit.der");
const SOD_BP256: &[u8] = include_bytes!("../test-vectors/icao/sod-bp256.der");
const SOD_BP384X: &[u8] = include_bytes!("../test-vectors/icao/sod-bp384-explicit.der");

#[test]
fn brainpool_document_signers_named_or_explicit_verify() {
    let groups = bench_groups();
    let refs: Vec<(i64, &[u8])> = groups.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    for (ds, sod) in [(DS_BP256, SOD_BP256), (DS_BP384X, SOD_BP384X)] {
        let trust = IcaoTrust::new().with_document_signer(ds).unwrap();
        for backend in idbridge::crypto::backends() {
            let v = icao::verify_passive_with(
                *backend,
                &trust,
                sod,
                &refs,
                LdsProfile::Icao,
                now(),
                &Limits::default(),
            )
            .unwrap();
            assert_eq!(v.identity().family_name(), Some("BIANCHI"));
        }
        let mut flipped = sod.to_vec();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            code_of(&trust, &flipped, &[], LdsProfile::Icao, now()),
            "icao.signature.invalid"
        );
        let csca = IcaoTrust::new().with_csca(CSCA).unwrap();
        assert_eq!(
            code_of(&csca, sod, &[], LdsProfile::Icao, now()),
            "x509.chain.untrusted"
        );
    }
}
