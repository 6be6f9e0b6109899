"""Deterministic JOSE for the OpenID Federation / OpenID Connect vectors:
compact JWS (RS*, PS*, ES*, and the forbidden ones a case needs) and compact
JWE (RSA-OAEP, RSA-OAEP-256, RSA1_5, ECDH-ES and ECDH-ES+A*KW with the CBC-HMAC
and GCM encodings), written from RFC 7515, 7516, 7518 and RFC 8017.

Every random input is derived from a label: the PSS salt, the OAEP seed, the
CEK, the IV and the ECDH-ES ephemeral key are SHA-256 expansions of a fixed
label, so running the generator twice gives the same bytes. The signatures and
ciphertexts are then checked with `cryptography`'s own verifiers and
decryptors in `selfcheck_*` (PSS and OAEP padding by `cryptography`, not by
this file)."""

import base64
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import hashes, padding as sympad
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

HASHES = {"256": (hashlib.sha256, hashes.SHA256), "384": (hashlib.sha384, hashes.SHA384), "512": (hashlib.sha512, hashes.SHA512)}
CURVES = {"P-256": (ec.SECP256R1, 32), "P-384": (ec.SECP384R1, 48), "P-521": (ec.SECP521R1, 66)}
CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
ENC = {  # enc -> (CEK bytes, kind, hash bits)
    "A128CBC-HS256": (32, "cbc", "256"),
    "A192CBC-HS384": (48, "cbc", "384"),
    "A256CBC-HS512": (64, "cbc", "512"),
    "A128GCM": (16, "gcm", None),
    "A192GCM": (24, "gcm", None),
    "A256GCM": (32, "gcm", None),
}
KW = {"ECDH-ES+A128KW": 16, "ECDH-ES+A192KW": 24, "ECDH-ES+A256KW": 32}


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jbytes(obj):
    """Compact JSON, members in the order given, UTF-8."""
    if isinstance(obj, (bytes, bytearray)):
        return bytes(obj)
    if isinstance(obj, str):
        return obj.encode("utf-8")
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def expand(label, n):
    """n bytes from SHA-256(label || counter): the generator's only 'randomness'."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(("%s/%d" % (label, i)).encode("utf-8")).digest()
        i += 1
    return out[:n]


def i2b(x, n):
    return x.to_bytes(n, "big")


# ---- JWK ---------------------------------------------------------------

def jwk_public(key, kid=None, use=None):
    pub = key.public_key() if hasattr(key, "public_key") else key
    out = {}
    if isinstance(pub, rsa.RSAPublicKey):
        nums = pub.public_numbers()
        out = {"kty": "RSA", "n": b64u(i2b(nums.n, (nums.n.bit_length() + 7) // 8)), "e": b64u(i2b(nums.e, 3))}
    elif isinstance(pub, ec.EllipticCurvePublicKey):
        crv = CURVE_NAMES[pub.curve.name]
        size = CURVES[crv][1]
        nums = pub.public_numbers()
        out = {"kty": "EC", "crv": crv, "x": b64u(i2b(nums.x, size)), "y": b64u(i2b(nums.y, size))}
    elif isinstance(pub, ed25519.Ed25519PublicKey):
        from cryptography.hazmat.primitives import serialization

        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        out = {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw)}
    else:
        raise ValueError("unsupported key")
    if kid is not None:
        out["kid"] = kid
    if use is not None:
        out["use"] = use
    return out


def jwk_private(key, kid=None, use=None):
    out = jwk_public(key, kid, use)
    if isinstance(key, rsa.RSAPrivateKey):
        p = key.private_numbers()
        size = lambda v: b64u(i2b(v, (v.bit_length() + 7) // 8))
        out.update({"d": size(p.d), "p": size(p.p), "q": size(p.q), "dp": size(p.dmp1), "dq": size(p.dmq1), "qi": size(p.iqmp)})
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        out["d"] = b64u(i2b(key.private_numbers().private_value, CURVES[out["crv"]][1]))
    return out


# ---- JWS ---------------------------------------------------------------

def mgf1(hfun, seed, length):
    out = b""
    c = 0
    while len(out) < length:
        out += hfun(seed + i2b(c, 4)).digest()
        c += 1
    return out[:length]


def pss_sign(key, bits, message, label):
    """RSASSA-PSS (RFC 8017 §8.1.1, §9.1.1) with MGF1 of the same hash and a salt of
    the hash length, the salt derived from `label`."""
    hfun = HASHES[bits][0]
    nums = key.private_numbers()
    n, d = nums.public_numbers.n, nums.d
    em_bits = n.bit_length() - 1
    em_len = (em_bits + 7) // 8
    mhash = hfun(message).digest()
    hlen = len(mhash)
    salt = expand("pss-salt/" + label, hlen)
    h = hfun(b"\x00" * 8 + mhash + salt).digest()
    db = b"\x00" * (em_len - 2 * hlen - 2) + b"\x01" + salt
    masked = bytes(a ^ b for a, b in zip(db, mgf1(hfun, h, em_len - hlen - 1)))
    masked = bytes([masked[0] & (0xFF >> (8 * em_len - em_bits))]) + masked[1:]
    em = masked + h + b"\xbc"
    return i2b(pow(int.from_bytes(em, "big"), d, n), (n.bit_length() + 7) // 8)


def raw_sign(alg, key, signing_input, label=""):
    """The signature bytes of `alg` over `signing_input` with `key`."""
    fam, bits = alg[:2], alg[2:]
    if fam == "RS":
        return key.sign(signing_input, padding.PKCS1v15(), HASHES[bits][1]())
    if fam == "PS":
        return pss_sign(key, bits, signing_input, label)
    if fam == "ES":
        der = key.sign(signing_input, ec.ECDSA(HASHES[bits][1](), deterministic_signing=True))
        r, s = utils.decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        return i2b(r, size) + i2b(s, size)
    if fam == "HS":
        return hmac.new(key, signing_input, HASHES[bits][0]).digest()
    if alg == "EdDSA":
        return key.sign(signing_input)
    if alg == "none":
        return b""
    raise ValueError("alg " + alg)


def sign(alg, key, header, payload, label=""):
    """A compact JWS: `header` and `payload` as dicts (member order kept) or bytes;
    `alg` is what signs, the header says what it says."""
    signing_input = (b64u(jbytes(header)) + "." + b64u(jbytes(payload))).encode("ascii")
    return signing_input.decode("ascii") + "." + b64u(raw_sign(alg, key, signing_input, label))


def verify_check(alg, pub, token):
    """Self-check with `cryptography`'s verifiers: raises when the signature is not valid."""
    h, p, s = token.split(".")
    si = (h + "." + p).encode("ascii")
    sig = unb64u(s)
    fam, bits = alg[:2], alg[2:]
    hc = HASHES[bits][1]()
    if fam == "RS":
        pub.verify(sig, si, padding.PKCS1v15(), hc)
    elif fam == "PS":
        pub.verify(sig, si, padding.PSS(mgf=padding.MGF1(HASHES[bits][1]()), salt_length=hc.digest_size), hc)
    elif fam == "ES":
        half = len(sig) // 2
        pub.verify(utils.encode_dss_signature(int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:], "big")), si, ec.ECDSA(hc))
    else:
        raise ValueError("not a verifiable alg " + alg)


# ---- JWE ---------------------------------------------------------------

def oaep_encrypt(pub, hashname, message, label):
    """RSAES-OAEP (RFC 8017 §7.1.1), empty label, the seed derived from `label`."""
    hfun = hashlib.sha1 if hashname == "sha1" else hashlib.sha256
    nums = pub.public_numbers()
    k = (nums.n.bit_length() + 7) // 8
    hlen = hfun().digest_size
    db = hfun(b"").digest() + b"\x00" * (k - len(message) - 2 * hlen - 2) + b"\x01" + message
    seed = expand("oaep-seed/" + label, hlen)
    mdb = bytes(a ^ b for a, b in zip(db, mgf1(hfun, seed, k - hlen - 1)))
    mseed = bytes(a ^ b for a, b in zip(seed, mgf1(hfun, mdb, hlen)))
    em = b"\x00" + mseed + mdb
    return i2b(pow(int.from_bytes(em, "big"), nums.e, nums.n), k)


def pkcs1v15_encrypt(pub, message, label):
    """RSAES-PKCS1-v1_5 (RFC 8017 §7.2.1), nonzero padding derived from `label`."""
    nums = pub.public_numbers()
    k = (nums.n.bit_length() + 7) // 8
    ps = bytes(b if b else 1 for b in expand("pkcs1-ps/" + label, k - len(message) - 3))
    em = b"\x00\x02" + ps + b"\x00" + message
    return i2b(pow(int.from_bytes(em, "big"), nums.e, nums.n), k)


def concat_kdf(z, alg_id, keylen):
    """RFC 7518 §4.6.2: Concat KDF with SHA-256, empty apu and apv."""
    other = i2b(len(alg_id), 4) + alg_id.encode("ascii") + i2b(0, 4) + i2b(0, 4) + i2b(keylen * 8, 4)
    out = b""
    c = 1
    while len(out) < keylen:
        out += hashlib.sha256(i2b(c, 4) + z + other).digest()
        c += 1
    return out[:keylen]


def content_encrypt(enc, cek, iv, plaintext, aad):
    _, kind, bits = ENC[enc]
    if kind == "gcm":
        out = AESGCM(cek).encrypt(iv, plaintext, aad)
        return out[:-16], out[-16:]
    half = len(cek) // 2
    mac_key, enc_key = cek[:half], cek[half:]
    padder = sympad.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    e = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
    ct = e.update(padded) + e.finalize()
    al = i2b(len(aad) * 8, 8)
    tag = hmac.new(mac_key, aad + iv + ct + al, HASHES[bits][0]).digest()[:half]
    return ct, tag


def content_decrypt(enc, cek, iv, ct, tag, aad):
    _, kind, bits = ENC[enc]
    if kind == "gcm":
        return AESGCM(cek).decrypt(iv, ct + tag, aad)
    half = len(cek) // 2
    mac_key, enc_key = cek[:half], cek[half:]
    al = i2b(len(aad) * 8, 8)
    want = hmac.new(mac_key, aad + iv + ct + al, HASHES[bits][0]).digest()[:half]
    if not hmac.compare_digest(want, tag):
        raise ValueError("tag")
    d = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).decryptor()
    padded = d.update(ct) + d.finalize()
    u = sympad.PKCS7(128).unpadder()
    return u.update(padded) + u.finalize()


def encrypt(alg, enc, pub, plaintext, label, header_extra=None):
    """A compact JWE of `plaintext` to `pub`; header members: alg, enc, then
    `header_extra` (kid, cty, typ...), then epk for ECDH-ES."""
    cek_len = ENC[enc][0] if enc in ENC else 32
    header = {"alg": alg, "enc": enc}
    header.update(header_extra or {})
    header = {k: v for k, v in header.items() if v is not None}
    if alg.startswith("ECDH-ES"):
        crv = CURVE_NAMES[pub.curve.name]
        curve = CURVES[crv][0]()
        # one byte shorter than the group order: always a valid scalar, no modular bias to think about
        scalar = int.from_bytes(expand("epk/" + label, CURVES[crv][1] - 1), "big") + 1
        eph = ec.derive_private_key(scalar, curve)
        header["epk"] = jwk_public(eph)
        z = eph.exchange(ec.ECDH(), pub)
        if alg == "ECDH-ES":
            cek = concat_kdf(z, enc, cek_len)
            ek = b""
        else:
            kek = concat_kdf(z, alg, KW[alg])
            cek = expand("cek/" + label, cek_len)
            ek = aes_key_wrap(kek, cek)
    else:
        cek = expand("cek/" + label, cek_len)
        if alg == "RSA-OAEP":
            ek = oaep_encrypt(pub, "sha1", cek, label)
        elif alg == "RSA-OAEP-256":
            ek = oaep_encrypt(pub, "sha256", cek, label)
        elif alg == "RSA1_5":
            ek = pkcs1v15_encrypt(pub, cek, label)
        else:
            raise ValueError("alg " + alg)
    iv = expand("iv/" + label, 12 if ENC.get(enc, (0, "cbc"))[1] == "gcm" else 16)
    ph = b64u(jbytes(header))
    ct, tag = content_encrypt(enc, cek, iv, plaintext, ph.encode("ascii"))
    return ".".join([ph, b64u(ek), b64u(iv), b64u(ct), b64u(tag)])


def decrypt_check(priv, token):
    """Self-check: decrypts with `cryptography`'s OAEP / ECDH / key unwrap; returns the plaintext."""
    ph, ek, iv, ct, tag = token.split(".")
    header = json.loads(unb64u(ph))
    alg, enc = header["alg"], header["enc"]
    ek, iv, ct, tag = unb64u(ek), unb64u(iv), unb64u(ct), unb64u(tag)
    if alg == "RSA-OAEP":
        cek = priv.decrypt(ek, padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
    elif alg == "RSA-OAEP-256":
        cek = priv.decrypt(ek, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    elif alg.startswith("ECDH-ES"):
        epk = header["epk"]
        size = CURVES[epk["crv"]][1]
        pub = ec.EllipticCurvePublicNumbers(int.from_bytes(unb64u(epk["x"]), "big"), int.from_bytes(unb64u(epk["y"]), "big"), CURVES[epk["crv"]][0]()).public_key()
        z = priv.exchange(ec.ECDH(), pub)
        assert len(z) == size
        if alg == "ECDH-ES":
            cek = concat_kdf(z, enc, ENC[enc][0])
        else:
            cek = aes_key_unwrap(concat_kdf(z, alg, KW[alg]), ek)
    else:
        raise ValueError("alg " + alg)
    return content_decrypt(enc, cek, iv, ct, tag, ph.encode("ascii"))
