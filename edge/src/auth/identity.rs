//! Identity verification of the host site's logged-in users: the site's server signs the user
//! id with the site's identity secret; the relay checks it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `hex(HMAC-SHA256(secret, user_id))`, what the site's server computes.
pub fn user_hash(secret: &str, user_id: &str) -> String {
    hmac_hex(secret, user_id)
}

/// `hex(HMAC-SHA256(key, message))` (identity hashes, webhook signatures).
pub fn hmac_hex(key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `hash` (hex, any case) is the user's hash under `secret`; constant-time.
pub fn verify(secret: &str, user_id: &str, hash: &str) -> bool {
    let Some(bytes) = (0..hash.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hash.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(user_id.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_what_a_site_server_computes() {
        // Python: hmac.new(b"site-secret-for-tests", b"user-42", hashlib.sha256).hexdigest()
        let expected = "0edc3f05dcf86ac1edbc74bd03e431b44d28b117fc47a687717f408940c0c0fa";
        assert_eq!(user_hash("site-secret-for-tests", "user-42"), expected);
        assert!(verify("site-secret-for-tests", "user-42", expected));
        assert!(verify(
            "site-secret-for-tests",
            "user-42",
            &expected.to_uppercase()
        ));
        assert!(!verify("site-secret-for-tests", "user-43", expected));
        assert!(!verify("another-secret", "user-42", expected));
        assert!(!verify("site-secret-for-tests", "user-42", "zz"));
        assert!(!verify("site-secret-for-tests", "user-42", &expected[..62]));
    }
}
