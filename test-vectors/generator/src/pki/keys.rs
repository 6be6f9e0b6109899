//! `idbridge-vectorgen keys <DIR>`: every test key, derived from a fixed seed.
//!
//! These are test-only keys: the seeds are public, so anyone can derive the
//! private keys. They are generated once and committed; `vectors` only reads them.

use std::fs;
use std::path::Path;

use der::asn1::{AnyRef, BitStringRef, UintRef};
use der::Encode;
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

use crate::bytes::{fixed, hex, uint, unhex};
use crate::ec::{Curve, OID_EC_PUBLIC_KEY, OID_SECP256K1};
use crate::model::{self, OID_RSA_ENCRYPTION};

/// Seeds are `SEED_BASE + i`; `SEED_BASE` spells "idbr" in ASCII.
const SEED_BASE: u64 = 0x6964_6272_0000_0000;

/// (name, bits, seed offset, what it is for)
pub const RSA_KEYS: &[(&str, usize, u64, &str)] = &[
    (
        "rsa2048",
        2048,
        1,
        "main RSA key (RSA cases, allow-list cases)",
    ),
    (
        "rsa2048-b",
        2048,
        2,
        "second 2048-bit key: signs the \"wrong key\" RSA cases",
    ),
    (
        "rsa3072",
        3072,
        3,
        "3072-bit key: valid cases for each RSA algorithm",
    ),
    (
        "rsa4096",
        4096,
        4,
        "4096-bit key: valid cases for each RSA algorithm",
    ),
    (
        "rsa1024",
        1024,
        5,
        "1024-bit key, too small: key-size rejection (crypto.key.unsupported)",
    ),
];

/// (name, curve, seed offset, what it is for)
pub const EC_KEYS: &[(&str, Curve, u64, &str)] = &[
    ("p256", Curve::P256, 6, "main P-256 key"),
    (
        "p256-b",
        Curve::P256,
        7,
        "second P-256 key: signs the \"wrong key\" cases",
    ),
    ("p384", Curve::P384, 8, "main P-384 key"),
    (
        "p384-b",
        Curve::P384,
        9,
        "second P-384 key: signs the \"wrong key\" cases",
    ),
    ("p521", Curve::P521, 10, "main P-521 key"),
    (
        "p521-b",
        Curve::P521,
        11,
        "second P-521 key: signs the \"wrong key\" cases",
    ),
];

const SEED_GARBAGE: u64 = 12;
const SEED_RSA8200: u64 = 13;

/// secp256k1's generator G (SEC 2 §2.4.1), a valid point on that curve.
const SECP256K1_GX: &str = "79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798";
const SECP256K1_GY: &str = "483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8";

/// Crafted public-only keys: (file, what it is).
pub const CRAFTED: &[(&str, &str)] = &[
    ("rsa-e1.spki.der", "rsa2048's modulus with public exponent 1 (crypto.key.unsupported)"),
    ("rsa-e-even.spki.der", "rsa2048's modulus with public exponent 65536, even (crypto.key.unsupported)"),
    ("rsa8200.spki.der", "an odd 8200-bit modulus (random, seed 13), e = 65537: over the 8192-bit limit (crypto.key.unsupported)"),
    ("p256-not-on-curve.spki.der", "p256's point with y + 1: not on the curve (crypto.key.malformed)"),
    ("p256-compressed.spki.der", "p256's point in compressed SEC1 form (0x02 or 0x03, then X) (crypto.key.malformed)"),
    ("secp256k1.spki.der", "id-ecPublicKey with the secp256k1 OID 1.3.132.0.10 and its generator G, uncompressed (crypto.key.unsupported)"),
    ("garbage.spki.der", "64 random bytes (seed 12), not DER (crypto.key.malformed)"),
    ("p256-trailing.spki.der", "p256.spki.der followed by one 0x00 byte (crypto.key.malformed)"),
    ("rsa2048.spki.pem", "rsa2048's SPKI as PEM (\"PUBLIC KEY\"): the PEM form of trust keys"),
    ("p256.spki.pem", "p256's SPKI as PEM (\"PUBLIC KEY\"): the PEM form of trust keys"),
];

/// Keys in this folder that `keys` does not write (it never touches
/// them), indexed here so that regenerating the README keeps their rows.
const MADE_ELSEWHERE: &[(&str, &str)] = &[
    ("ed25519.pk8.pem", "Ed25519, PKCS#8 private key, **TEST**: the seed is SHA-256(\"idbridge TEST ed25519 key 1\"), written once by hand for `../oidc-generator/` (EdDSA, which the OpenID vectors' JOSE allow-list refuses)"),
    ("ed25519.spki.der", "its public key (SPKI, DER)"),
    ("bp256.pk8.pem", "brainpoolP256r1, PKCS#8 private key, **TEST**: the scalar is SHA-256(\"idbridge TEST bp256 key\") shifted right by one bit, written once for `../icao-generator/` (the TEST CSCA brainpoolP256r1)"),
    ("bp256.spki.der", "its public key (SPKI, DER, named curve)"),
    ("bp256-b.pk8.pem", "brainpoolP256r1, **TEST**: the scalar is SHA-256(\"idbridge TEST bp256-b key\") >> 1 (`../icao-generator/`: a brainpool document signer)"),
    ("bp256-b.spki.der", "its public key (SPKI, DER, named curve)"),
    ("bp384.pk8.pem", "brainpoolP384r1, **TEST**: the scalar is SHA-384(\"idbridge TEST bp384 key\") >> 1 (`../icao-generator/`: the CSCA with explicit parameters; its certificate writes them, the key file names the curve)"),
    ("bp384.spki.der", "its public key (SPKI, DER, named curve)"),
];

pub fn rng(offset: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(SEED_BASE + offset)
}

/// SubjectPublicKeyInfo DER from its parts.
pub fn spki_der(
    oid: der::asn1::ObjectIdentifier,
    params: Option<AnyRef<'_>>,
    key: &[u8],
) -> Vec<u8> {
    spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid,
            parameters: params,
        },
        subject_public_key: BitStringRef::from_bytes(key).expect("bit string"),
    }
    .to_der()
    .expect("spki")
}

/// RSA SPKI (RFC 3279 §2.3.1) with arbitrary n and e.
pub fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let pk = pkcs1::RsaPublicKey {
        modulus: UintRef::new(n).expect("n"),
        public_exponent: UintRef::new(e).expect("e"),
    }
    .to_der()
    .expect("RSAPublicKey");
    spki_der(OID_RSA_ENCRYPTION, Some(AnyRef::NULL), &pk)
}

/// EC SPKI (RFC 5480 §2) with a named curve OID and an arbitrary point encoding.
pub fn ec_spki(curve: &der::asn1::ObjectIdentifier, point: &[u8]) -> Vec<u8> {
    spki_der(OID_EC_PUBLIC_KEY, Some(AnyRef::from(curve)), point)
}

fn write(dir: &Path, name: &str, data: &[u8]) {
    fs::write(dir.join(name), data).unwrap_or_else(|e| panic!("write {name}: {e}"));
    println!("wrote {name} ({} bytes)", data.len());
}

pub fn run(dir: &Path) {
    fs::create_dir_all(dir).expect("create keys dir");
    let mut rsa2048: Option<RsaPrivateKey> = None;
    for (name, bits, seed, _) in RSA_KEYS {
        let start = std::time::Instant::now();
        let key = RsaPrivateKey::new(&mut rng(*seed), *bits).expect("RSA keygen");
        assert_eq!(key.n().bits(), *bits);
        let pem = key.to_pkcs8_pem(LineEnding::LF).expect("pkcs8");
        let spki = key.to_public_key().to_public_key_der().expect("spki");
        // Our hand-built SPKI must be byte-identical to the library's.
        assert_eq!(
            rsa_spki(&key.n().to_bytes_be(), &key.e().to_bytes_be()),
            spki.as_bytes()
        );
        write(dir, &format!("{name}.pk8.pem"), pem.as_bytes());
        write(dir, &format!("{name}.spki.der"), spki.as_bytes());
        println!("  {name}: {bits}-bit keygen took {:.1?}", start.elapsed());
        if *name == "rsa2048" {
            write(
                dir,
                "rsa2048.spki.pem",
                key.to_public_key()
                    .to_public_key_pem(LineEnding::LF)
                    .expect("pem")
                    .as_bytes(),
            );
            rsa2048 = Some(key);
        }
    }
    let rsa2048 = rsa2048.expect("rsa2048 generated");
    let n = rsa2048.n().to_bytes_be();

    // Crafted RSA keys.
    let e1 = rsa_spki(&n, &[1]);
    let e_even = rsa_spki(&n, &[1, 0, 0]);
    // 1025 random bytes with the top bit and the low bit set: odd, exactly 8200 bits.
    let mut big = vec![0u8; 8200 / 8];
    rng(SEED_RSA8200).fill_bytes(&mut big);
    big[0] |= 0x80;
    let last = big.len() - 1;
    big[last] |= 0x01;
    assert_eq!(uint(&big).bits(), 8200);
    let rsa8200 = rsa_spki(&big, &[1, 0, 1]);
    for (name, der, want) in [
        ("rsa-e1.spki.der", &e1, model::KEY_UNSUPPORTED),
        ("rsa-e-even.spki.der", &e_even, model::KEY_UNSUPPORTED),
        ("rsa8200.spki.der", &rsa8200, model::KEY_UNSUPPORTED),
    ] {
        assert_eq!(model::parse_key(der).err(), Some(want), "{name}");
        write(dir, name, der);
    }

    // EC keys.
    let mut p256_point = Vec::new();
    let mut p256_compressed = Vec::new();
    let mut p256_spki = Vec::new();
    for (name, curve, seed, _) in EC_KEYS {
        let (_d, point, compressed, pem, spki, spki_pem) = curve.generate(&mut rng(*seed));
        assert_eq!(ec_spki(&curve.oid(), &point), spki);
        assert_eq!(curve.load(&pem).2, spki);
        write(dir, &format!("{name}.pk8.pem"), pem.as_bytes());
        write(dir, &format!("{name}.spki.der"), &spki);
        if *name == "p256" {
            write(dir, "p256.spki.pem", spki_pem.as_bytes());
            p256_point = point;
            p256_compressed = compressed;
            p256_spki = spki;
        }
    }

    // Crafted EC keys.
    let mut off = p256_point.clone();
    let y = uint(&off[33..]) + rsa::BigUint::from(1u8);
    off.splice(33.., fixed(&y, 32));
    assert!(!Curve::P256.point_valid(&off));
    let not_on_curve = ec_spki(&Curve::P256.oid(), &off);
    let compressed = ec_spki(&Curve::P256.oid(), &p256_compressed);
    assert!(
        Curve::P256.point_valid(&p256_compressed),
        "the compressed point itself is fine"
    );
    let k1_point = [vec![0x04], unhex(SECP256K1_GX), unhex(SECP256K1_GY)].concat();
    check_secp256k1(&k1_point);
    let k1 = ec_spki(&OID_SECP256K1, &k1_point);
    let mut garbage = vec![0u8; 64];
    rng(SEED_GARBAGE).fill_bytes(&mut garbage);
    let mut trailing = p256_spki.clone();
    trailing.push(0x00);
    for (name, der, want) in [
        (
            "p256-not-on-curve.spki.der",
            &not_on_curve,
            model::KEY_MALFORMED,
        ),
        (
            "p256-compressed.spki.der",
            &compressed,
            model::KEY_MALFORMED,
        ),
        ("secp256k1.spki.der", &k1, model::KEY_UNSUPPORTED),
        ("garbage.spki.der", &garbage, model::KEY_MALFORMED),
        ("p256-trailing.spki.der", &trailing, model::KEY_MALFORMED),
    ] {
        assert_eq!(model::parse_key(der).err(), Some(want), "{name}");
        write(dir, name, der);
    }
    write(dir, "README.md", readme().as_bytes());
}

/// y² = x³ + 7 over p = 2²⁵⁶ − 2³² − 977 (SEC 2 §2.4.1).
fn check_secp256k1(point: &[u8]) {
    let one = rsa::BigUint::from(1u8);
    let p = (one.clone() << 256) - (one << 32) - rsa::BigUint::from(977u32);
    let x = uint(&point[1..33]);
    let y = uint(&point[33..]);
    let lhs = (&y * &y) % &p;
    let rhs = (&x * &x * &x + rsa::BigUint::from(7u8)) % &p;
    assert_eq!(lhs, rhs, "secp256k1 G must be on the curve");
}

fn readme() -> String {
    let mut s = String::new();
    s.push_str("# Test keys\n\n");
    s.push_str(
        "**Test-only keys. Never trust them for anything.** Every private key here is derived \
from a fixed, public seed (`ChaCha20Rng::seed_from_u64(seed)`, RustCrypto `rsa` 0.9 / \
`p256`/`p384`/`p521` 0.13 key generation), so anyone can recompute it; the private keys \
are committed on purpose, for the vectors in `../signature/`.\n\n",
    );
    s.push_str(
        "Generated once by `cargo run --release -p idbridge-vectorgen -- keys test-vectors/keys` \
and committed; `idbridge-vectorgen vectors` only reads them (it never regenerates a key), so \
the vectors stay byte-for-byte reproducible even if a key generator changes.\n\n",
    );
    s.push_str(&format!(
        "Seeds are `0x{SEED_BASE:016x}` (\"idbr\") plus the offset below. \
`<name>.pk8.pem` is the PKCS#8 private key, `<name>.spki.der` its SubjectPublicKeyInfo (DER).\n\n"
    ));
    s.push_str("| file | what | seed offset |\n|---|---|---|\n");
    let mut row = |file: String, what: String, seed: String| {
        // A `|` inside a table cell must be escaped.
        s.push_str(&format!(
            "| `{file}` | {} | {seed} |\n",
            what.replace('|', "\\|")
        ));
    };
    for (name, bits, seed, what) in RSA_KEYS {
        row(
            format!("{name}.pk8.pem"),
            format!("RSA {bits}-bit, e = 65537, PKCS#8 private key: {what}"),
            seed.to_string(),
        );
        row(
            format!("{name}.spki.der"),
            "its public key (SPKI, DER)".to_string(),
            seed.to_string(),
        );
    }
    for (name, curve, seed, what) in EC_KEYS {
        row(
            format!("{name}.pk8.pem"),
            format!("ECDSA {}, PKCS#8 private key: {what}", curve.name()),
            seed.to_string(),
        );
        row(
            format!("{name}.spki.der"),
            "its public key (SPKI, DER, uncompressed point)".to_string(),
            seed.to_string(),
        );
    }
    for (file, what) in CRAFTED {
        row(
            (*file).to_string(),
            format!("public only: {what}"),
            String::new(),
        );
    }
    for (file, what) in MADE_ELSEWHERE {
        row((*file).to_string(), (*what).to_string(), String::new());
    }
    row(
        "README.md".to_string(),
        "this index".to_string(),
        String::new(),
    );
    s.push_str(&format!(
        "\nsecp256k1's point is the curve's generator (x = `{}`).\n",
        hex(&unhex(SECP256K1_GX))
    ));
    s
}

/// The committed keys, as `vectors` reads them.
pub struct Loaded {
    pub rsa: std::collections::BTreeMap<String, RsaPrivateKey>,
    pub ec: std::collections::BTreeMap<String, crate::ec::EcKey>,
    /// Every `*.spki.der` / `*.spki.pem` file, by file name, as DER.
    pub spki: std::collections::BTreeMap<String, Vec<u8>>,
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    fs::read(dir.join(name)).unwrap_or_else(|e| panic!("read {}: {e}", dir.join(name).display()))
}

/// The DER inside a PEM "PUBLIC KEY" file.
pub fn pem_to_der(pem: &str) -> Vec<u8> {
    use base64::Engine;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("PEM base64")
}

impl Loaded {
    pub fn load(dir: &Path) -> Loaded {
        use rsa::pkcs8::DecodePrivateKey;
        let mut spki = std::collections::BTreeMap::new();
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        for name in names {
            if name.ends_with(".spki.der") {
                spki.insert(name.clone(), read(dir, &name));
            } else if name.ends_with(".spki.pem") {
                let pem = String::from_utf8(read(dir, &name)).expect("PEM is UTF-8");
                spki.insert(name.clone(), pem_to_der(&pem));
            }
        }
        let mut rsa = std::collections::BTreeMap::new();
        for (name, bits, _, _) in RSA_KEYS {
            let pem = String::from_utf8(read(dir, &format!("{name}.pk8.pem"))).expect("UTF-8");
            let key = RsaPrivateKey::from_pkcs8_pem(&pem).expect("RSA PKCS#8");
            assert_eq!(key.n().bits(), *bits);
            let der = key.to_public_key().to_public_key_der().expect("spki");
            assert_eq!(
                Some(der.as_bytes()),
                spki.get(&format!("{name}.spki.der")).map(Vec::as_slice),
                "{name}: SPKI does not match the private key"
            );
            rsa.insert((*name).to_string(), key);
        }
        let mut ec = std::collections::BTreeMap::new();
        for (name, curve, _, _) in EC_KEYS {
            let pem = String::from_utf8(read(dir, &format!("{name}.pk8.pem"))).expect("UTF-8");
            let (d, point, der) = curve.load(&pem);
            assert_eq!(
                Some(&der),
                spki.get(&format!("{name}.spki.der")),
                "{name}: SPKI does not match the private key"
            );
            ec.insert(
                (*name).to_string(),
                crate::ec::EcKey {
                    curve: *curve,
                    d,
                    point,
                },
            );
        }
        Loaded { rsa, ec, spki }
    }

    pub fn rsa(&self, name: &str) -> &RsaPrivateKey {
        self.rsa
            .get(name)
            .unwrap_or_else(|| panic!("no RSA key {name}"))
    }

    pub fn ec(&self, name: &str) -> &crate::ec::EcKey {
        self.ec
            .get(name)
            .unwrap_or_else(|| panic!("no EC key {name}"))
    }

    pub fn spki(&self, file: &str) -> &[u8] {
        self.spki
            .get(file)
            .unwrap_or_else(|| panic!("no key file {file}"))
    }
}
