//! The push message's body as RFC 8291 has it: the payload encrypted for one subscription
//! (aes128gcm, RFC 8188) with a key agreed between a fresh P-256 key of ours and the browser's
//! `p256dh` key, salted with its `auth` secret. Only that browser can read it; the push service
//! in between sees bytes.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;

/// One record holds the whole message (the payload is capped far below it).
const RECORD_SIZE: u32 = 4096;
/// The largest payload: push services take bodies of 4096 bytes (RFC 8291 §4), less the
/// header (86), the tag (16) and the padding delimiter (1).
pub const MAX_PAYLOAD: usize = RECORD_SIZE as usize - 16 - 1 - 86;

#[derive(Debug, PartialEq, Eq)]
pub enum EncryptError {
    /// `p256dh` is not a point on P-256 (65 bytes, uncompressed).
    BadKey,
    /// `auth` is not 16 bytes.
    BadAuth,
    TooLong,
}

/// Encrypts `payload` for the browser holding `browser_key` (`p256dh`) and `auth`, with our
/// one-time key `ours` and a random `salt` (both fresh for every message; fixed only in tests).
pub fn encrypt(
    payload: &[u8],
    browser_key: &[u8],
    auth: &[u8],
    ours: &SecretKey,
    salt: [u8; 16],
) -> Result<Vec<u8>, EncryptError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(EncryptError::TooLong);
    }
    if auth.len() != 16 {
        return Err(EncryptError::BadAuth);
    }
    let theirs = PublicKey::from_sec1_bytes(browser_key).map_err(|_| EncryptError::BadKey)?;
    if browser_key.len() != 65 {
        return Err(EncryptError::BadKey);
    }
    let our_public = ours.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(ours.to_nonzero_scalar(), theirs.as_affine());

    // RFC 8291 §3.3: the input keying material, from the shared secret and both keys.
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(browser_key);
    key_info.extend_from_slice(our_public.as_bytes());
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .expect("32 bytes is a valid HKDF length");

    // RFC 8188 §2.2–2.3: the content key and nonce, from the salt.
    let content = Hkdf::<Sha256>::new(Some(&salt), &ikm);
    let mut key = [0u8; 16];
    let mut nonce = [0u8; 12];
    content
        .expand(b"Content-Encoding: aes128gcm\0", &mut key)
        .expect("16 bytes is a valid HKDF length");
    content
        .expand(b"Content-Encoding: nonce\0", &mut nonce)
        .expect("12 bytes is a valid HKDF length");

    // The only record is the last: its padding delimiter is 2.
    let mut record = payload.to_vec();
    record.push(2);
    let sealed = Aes128Gcm::new(&key.into())
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &record,
                aad: b"",
            },
        )
        .expect("AES-GCM encrypts any length below its limit");

    // The header: salt, record size, and our public key as the key id.
    let mut body = Vec::with_capacity(16 + 4 + 1 + 65 + sealed.len());
    body.extend_from_slice(&salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(65);
    body.extend_from_slice(our_public.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;

    fn b64(text: &str) -> Vec<u8> {
        B64.decode(text).unwrap()
    }

    /// RFC 8291, Appendix A: fixed keys and salt, and the exact body they give.
    #[test]
    fn the_rfc_8291_example_byte_for_byte() {
        let ours =
            SecretKey::from_slice(&b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")).unwrap();
        let browser = b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
        let auth = b64("BTBZMqHH6r4Tts7J_aSIgg");
        let salt: [u8; 16] = b64("DGv6ra1nlYgDCS1FRnbzlw").try_into().unwrap();
        let body = encrypt(
            b"When I grow up, I want to be a watermelon",
            &browser,
            &auth,
            &ours,
            salt,
        )
        .unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn bad_keys_and_long_payloads_are_refused() {
        let ours = SecretKey::from_slice(&[7u8; 32]).unwrap();
        let browser = b64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
        let auth = [1u8; 16];
        assert_eq!(
            encrypt(b"x", &browser[..64], &auth, &ours, [0; 16]),
            Err(EncryptError::BadKey)
        );
        let mut off_curve = browser.clone();
        off_curve[64] ^= 1;
        assert_eq!(
            encrypt(b"x", &off_curve, &auth, &ours, [0; 16]),
            Err(EncryptError::BadKey)
        );
        assert_eq!(
            encrypt(b"x", &browser, &auth[..15], &ours, [0; 16]),
            Err(EncryptError::BadAuth)
        );
        let long = vec![b'a'; MAX_PAYLOAD + 1];
        assert_eq!(
            encrypt(&long, &browser, &auth, &ours, [0; 16]),
            Err(EncryptError::TooLong)
        );
        assert!(encrypt(&long[1..], &browser, &auth, &ours, [0; 16]).is_ok());
    }
}
