//! RSA signing helpers: RustCrypto's RSASSA-PKCS1-v1_5 and RSASSA-PSS, plus
//! the raw RSA operation over hand-built encoded messages (for the padding
//! mutations no library will produce).

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer, Verifier};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{pkcs1v15, pss, BigUint, RsaPrivateKey, RsaPublicKey};
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};

use crate::bytes::{concat, fixed};
use crate::hash::Hash;

/// Modulus length in bytes (k in RFC 8017).
pub fn k_len(key: &RsaPublicKey) -> usize {
    key.n().bits().div_ceil(8)
}

/// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.1), deterministic.
pub fn sign_pkcs1(key: &RsaPrivateKey, hash: Hash, msg: &[u8]) -> Vec<u8> {
    let k = key.clone();
    let sig = match hash {
        Hash::Sha1 => pkcs1v15::SigningKey::<Sha1>::new(k).sign(msg).to_vec(),
        Hash::Sha256 => pkcs1v15::SigningKey::<Sha256>::new(k).sign(msg).to_vec(),
        Hash::Sha384 => pkcs1v15::SigningKey::<Sha384>::new(k).sign(msg).to_vec(),
        Hash::Sha512 => pkcs1v15::SigningKey::<Sha512>::new(k).sign(msg).to_vec(),
    };
    assert!(verify_pkcs1(&key.to_public_key(), hash, msg, &sig));
    sig
}

/// A ChaCha20 RNG seeded from a label: each PSS salt has its own fixed seed,
/// so adding a case never changes the salts of the others.
pub fn labelled_rng(label: &str) -> ChaCha20Rng {
    let seed: [u8; 32] = Hash::Sha256
        .digest(format!("idbridge-vectorgen/{label}").as_bytes())
        .try_into()
        .expect("32 bytes");
    ChaCha20Rng::from_seed(seed)
}

/// RSASSA-PSS (RFC 8017 §8.1.1), MGF1 with the same hash, trailer 0xBC,
/// with a salt of `salt_len` bytes drawn from `labelled_rng(label)`.
pub fn sign_pss(
    key: &RsaPrivateKey,
    hash: Hash,
    salt_len: usize,
    label: &str,
    msg: &[u8],
) -> Vec<u8> {
    let mut rng = labelled_rng(label);
    let k = key.clone();
    let sig = match hash {
        Hash::Sha1 => pss::SigningKey::<Sha1>::new_with_salt_len(k, salt_len)
            .sign_with_rng(&mut rng, msg)
            .to_vec(),
        Hash::Sha256 => pss::SigningKey::<Sha256>::new_with_salt_len(k, salt_len)
            .sign_with_rng(&mut rng, msg)
            .to_vec(),
        Hash::Sha384 => pss::SigningKey::<Sha384>::new_with_salt_len(k, salt_len)
            .sign_with_rng(&mut rng, msg)
            .to_vec(),
        Hash::Sha512 => pss::SigningKey::<Sha512>::new_with_salt_len(k, salt_len)
            .sign_with_rng(&mut rng, msg)
            .to_vec(),
    };
    assert!(verify_pss_salt(
        &key.to_public_key(),
        hash,
        salt_len,
        msg,
        &sig
    ));
    sig
}

/// RustCrypto RSASSA-PKCS1-v1_5 verification.
pub fn verify_pkcs1(key: &RsaPublicKey, hash: Hash, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = pkcs1v15::Signature::try_from(sig) else {
        return false;
    };
    let k = key.clone();
    match hash {
        Hash::Sha1 => pkcs1v15::VerifyingKey::<Sha1>::new(k)
            .verify(msg, &sig)
            .is_ok(),
        Hash::Sha256 => pkcs1v15::VerifyingKey::<Sha256>::new(k)
            .verify(msg, &sig)
            .is_ok(),
        Hash::Sha384 => pkcs1v15::VerifyingKey::<Sha384>::new(k)
            .verify(msg, &sig)
            .is_ok(),
        Hash::Sha512 => pkcs1v15::VerifyingKey::<Sha512>::new(k)
            .verify(msg, &sig)
            .is_ok(),
    }
}

/// RustCrypto RSASSA-PSS verification with MGF1(same hash) and an exact salt length.
pub fn verify_pss_salt(
    key: &RsaPublicKey,
    hash: Hash,
    salt_len: usize,
    msg: &[u8],
    sig: &[u8],
) -> bool {
    let Ok(sig) = pss::Signature::try_from(sig) else {
        return false;
    };
    let k = key.clone();
    match hash {
        Hash::Sha1 => pss::VerifyingKey::<Sha1>::new_with_salt_len(k, salt_len)
            .verify(msg, &sig)
            .is_ok(),
        Hash::Sha256 => pss::VerifyingKey::<Sha256>::new_with_salt_len(k, salt_len)
            .verify(msg, &sig)
            .is_ok(),
        Hash::Sha384 => pss::VerifyingKey::<Sha384>::new_with_salt_len(k, salt_len)
            .verify(msg, &sig)
            .is_ok(),
        Hash::Sha512 => pss::VerifyingKey::<Sha512>::new_with_salt_len(k, salt_len)
            .verify(msg, &sig)
            .is_ok(),
    }
}

/// RSASP1 (RFC 8017 §5.2.1) over an encoded message of k bytes: s = m^d mod n.
pub fn sign_raw(key: &RsaPrivateKey, em: &[u8]) -> Vec<u8> {
    let k = k_len(&key.to_public_key());
    assert_eq!(em.len(), k);
    let m = BigUint::from_bytes_be(em);
    assert!(&m < key.n());
    let s = m.modpow(key.d(), key.n());
    assert_eq!(&s.modpow(key.e(), key.n()), &m);
    fixed(&s, k)
}

/// EMSA-PKCS1-v1_5 (RFC 8017 §9.2) with explicit control of the pieces:
/// `block_type` (0x01), the padding byte (0xFF), and bytes appended after
/// the digest (`garbage`, which shortens the padding).
pub fn emsa_pkcs1_custom(
    hash: Hash,
    msg: &[u8],
    k: usize,
    block_type: u8,
    pad: &[u8],
    garbage: &[u8],
) -> Vec<u8> {
    let t = concat(&[&hash.digest_info_prefix(), &hash.digest(msg), garbage]);
    assert!(k >= t.len() + 11);
    let ps_len = k - t.len() - 3;
    let mut ps = vec![0xffu8; ps_len];
    for (i, b) in pad.iter().enumerate() {
        ps[i] = *b;
    }
    concat(&[&[0x00, block_type], &ps, &[0x00], &t])
}

/// The standard EMSA-PKCS1-v1_5 encoding.
pub fn emsa_pkcs1(hash: Hash, msg: &[u8], k: usize) -> Vec<u8> {
    emsa_pkcs1_custom(hash, msg, k, 0x01, &[], &[])
}

/// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with a separately chosen MGF1 hash and
/// trailer byte, over emBits = modBits - 1, left-padded to k bytes.
pub fn emsa_pss(
    hash: Hash,
    mgf: Hash,
    msg: &[u8],
    salt: &[u8],
    mod_bits: usize,
    trailer: u8,
) -> Vec<u8> {
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    let m_hash = hash.digest(msg);
    let h = hash.digest(&concat(&[&[0u8; 8], &m_hash, salt]));
    let ps_len = em_len - salt.len() - hash.len() - 2;
    let db = concat(&[&vec![0u8; ps_len], &[0x01], salt]);
    let mask = mgf.mgf1(&h, em_len - hash.len() - 1);
    let mut masked: Vec<u8> = db.iter().zip(mask.iter()).map(|(a, b)| a ^ b).collect();
    let clear = 8 * em_len - em_bits;
    masked[0] &= 0xffu8 >> clear;
    let em = concat(&[&masked, &h, &[trailer]]);
    let k = mod_bits.div_ceil(8);
    concat(&[&vec![0u8; k - em.len()], &em])
}
