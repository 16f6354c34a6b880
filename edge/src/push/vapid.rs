//! VAPID (RFC 8292): who sends our pushes. Each request carries a short-lived JWT signed with
//! the relay's P-256 key (`VAPID_PRIVATE_KEY`) for the push service's origin; the browser
//! subscribed with the matching public key, so no one else can push to our subscriptions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};

/// How long one token is good for (RFC 8292 allows up to 24 h).
const TOKEN_SECONDS: u64 = 12 * 60 * 60;

pub struct Vapid {
    key: SigningKey,
    /// The uncompressed public key, base64url: the console subscribes with it.
    public_key: String,
    /// `mailto:` or `https:` contact for the push services' operators.
    subject: String,
}

impl Vapid {
    /// From the private scalar as base64url (a JWK's `d`, as `scripts/start` writes it).
    pub fn new(private_key: &str, subject: &str) -> Result<Self, &'static str> {
        let bytes = B64
            .decode(private_key.trim())
            .map_err(|_| "VAPID_PRIVATE_KEY: not base64url")?;
        if bytes.len() != 32 {
            return Err("VAPID_PRIVATE_KEY: not a P-256 private key (32 bytes)");
        }
        let key = SigningKey::from_slice(&bytes)
            .map_err(|_| "VAPID_PRIVATE_KEY: not a P-256 private key (32 bytes)")?;
        let public_key = B64.encode(key.verifying_key().to_encoded_point(false).as_bytes());
        Ok(Self {
            key,
            public_key,
            subject: subject.to_owned(),
        })
    }

    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// The `Authorization` header for a push to `endpoint` at `now` (seconds); none when the
    /// endpoint has no origin to address the token to.
    pub fn authorization(&self, endpoint: &str, now: u64) -> Option<String> {
        let audience = audience(endpoint)?;
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({
            "aud": audience,
            "exp": now + TOKEN_SECONDS,
            "sub": self.subject,
        });
        let claims = B64.encode(claims.to_string());
        let signed = format!("{header}.{claims}");
        let signature: Signature = self.key.sign(signed.as_bytes());
        let token = format!("{signed}.{}", B64.encode(signature.to_bytes()));
        Some(format!("vapid t={token}, k={}", self.public_key))
    }
}

/// `scheme://host[:port]` of a URL.
fn audience(endpoint: &str) -> Option<String> {
    let (scheme, rest) = endpoint.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && matches!(scheme, "https" | "http")).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    const KEY: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";

    #[test]
    fn a_token_for_the_push_service_verifies_with_the_public_key() {
        let vapid = Vapid::new(KEY, "mailto:ops@example.com").unwrap();
        assert_eq!(
            vapid.public_key(),
            "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
        );
        let header = vapid
            .authorization("https://fcm.googleapis.com/fcm/send/abc?x=1", 1_000)
            .unwrap();
        let (token, k) = header
            .strip_prefix("vapid t=")
            .and_then(|rest| rest.split_once(", k="))
            .unwrap();
        assert_eq!(k, vapid.public_key());
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value =
            serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["exp"], 1_000 + TOKEN_SECONDS);
        assert_eq!(claims["sub"], "mailto:ops@example.com");
        let public = VerifyingKey::from_sec1_bytes(&B64.decode(k).unwrap()).unwrap();
        let signature = Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
        let signed = format!("{}.{}", parts[0], parts[1]);
        assert!(public.verify(signed.as_bytes(), &signature).is_ok());
        let forged = format!(
            "{}.{}",
            parts[0],
            B64.encode(r#"{"aud":"https://evil.example"}"#)
        );
        assert!(public.verify(forged.as_bytes(), &signature).is_err());
    }

    #[test]
    fn bad_keys_and_endpoints() {
        assert!(Vapid::new("not base64!", "mailto:a@b.c").is_err());
        assert!(
            Vapid::new(&B64.encode([0u8; 32]), "mailto:a@b.c").is_err(),
            "zero is no key"
        );
        assert!(Vapid::new(&B64.encode([1u8; 31]), "mailto:a@b.c").is_err());
        let vapid = Vapid::new(KEY, "mailto:a@b.c").unwrap();
        assert!(vapid.authorization("fcm.googleapis.com/x", 0).is_none());
        assert!(vapid.authorization("https:///x", 0).is_none());
    }
}
