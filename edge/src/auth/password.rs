//! Operator passwords: PBKDF2-HMAC-SHA256 computed by the runtime's WebCrypto (fast native code
//! instead of wasm), stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Cloudflare's WebCrypto refuses PBKDF2 above 100,000 iterations, so that is what we use.
pub const ITERATIONS: u32 = 100_000;
const SCHEME: &str = "pbkdf2-sha256";
const HASH_BYTES: u32 = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassword {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

impl StoredPassword {
    pub fn encode(&self) -> String {
        format!(
            "{SCHEME}${}${}${}",
            self.iterations,
            B64.encode(&self.salt),
            B64.encode(&self.hash)
        )
    }

    pub fn parse(stored: &str) -> Option<Self> {
        let mut parts = stored.split('$');
        if parts.next()? != SCHEME {
            return None;
        }
        let iterations = parts.next()?.parse().ok()?;
        let salt = B64.decode(parts.next()?).ok()?;
        let hash = B64.decode(parts.next()?).ok()?;
        if parts.next().is_some() || salt.is_empty() || hash.is_empty() {
            return None;
        }
        Some(Self {
            iterations,
            salt,
            hash,
        })
    }

    /// Constant-time comparison with a freshly derived hash.
    pub fn matches(&self, derived: &[u8]) -> bool {
        derived.len() == self.hash.len()
            && derived
                .iter()
                .zip(&self.hash)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// Hashes a new password with a fresh random salt.
pub async fn hash_new(password: &str) -> Result<StoredPassword, String> {
    let salt = crate::random::bytes::<16>().to_vec();
    let hash = derive(password, &salt, ITERATIONS).await?;
    Ok(StoredPassword {
        iterations: ITERATIONS,
        salt,
        hash,
    })
}

pub async fn verify(password: &str, stored: &StoredPassword) -> Result<bool, String> {
    let derived = derive(password, &stored.salt, stored.iterations).await?;
    Ok(stored.matches(&derived))
}

async fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, String> {
    let run = async {
        let crypto: web_sys::Crypto =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?.unchecked_into();
        let subtle = crypto.subtle();
        let key_data = Uint8Array::from(password.as_bytes());
        let usages = Array::of1(&JsValue::from_str("deriveBits"));
        let key =
            JsFuture::from(subtle.import_key_with_str("raw", &key_data, "PBKDF2", false, &usages)?)
                .await?;
        let params = web_sys::Pbkdf2Params::new(
            "PBKDF2",
            &JsValue::from_str("SHA-256"),
            iterations,
            &Uint8Array::from(salt),
        );
        let bits = JsFuture::from(subtle.derive_bits_with_object(
            &params,
            &key.unchecked_into(),
            HASH_BYTES * 8,
        )?)
        .await?;
        Ok::<_, JsValue>(Uint8Array::new(&bits).to_vec())
    };
    run.await
        .map_err(|e| format!("WebCrypto PBKDF2 failed: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips() {
        let stored = StoredPassword {
            iterations: ITERATIONS,
            salt: vec![1, 2, 3],
            hash: vec![9; 32],
        };
        let text = stored.encode();
        assert!(text.starts_with("pbkdf2-sha256$100000$"));
        assert_eq!(StoredPassword::parse(&text), Some(stored));
    }

    #[test]
    fn rejects_other_forms() {
        for bad in [
            "",
            "plain",
            "md5$1$a$b",
            "pbkdf2-sha256$x$AQ$AQ",
            "pbkdf2-sha256$1$$AQ",
        ] {
            assert_eq!(StoredPassword::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn compares_whole_hashes() {
        let stored = StoredPassword {
            iterations: 1,
            salt: vec![1],
            hash: vec![1, 2, 3],
        };
        assert!(stored.matches(&[1, 2, 3]));
        assert!(!stored.matches(&[1, 2, 4]));
        assert!(!stored.matches(&[1, 2]));
    }
}
