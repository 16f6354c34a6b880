//! Tokens signed by the relay with HMAC-SHA256 under the `TOKEN_SECRET` of the environment.
//!
//! Format: `v1.<base64url(JSON claims)>.<base64url(MAC over "v1." + claims part)>`. Stateless:
//! the relay checks a token without a storage round trip, so every socket and request is checked.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use protocol::{ConversationId, OperatorId, Role, SiteId, SiteMembership, VisitorId};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const VERSION: &str = "v1";
/// Shortest secret accepted: 32 bytes, the HMAC-SHA256 block of entropy we want.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Claims {
    /// A visitor's identity, kept in his browser's localStorage. It names the one conversation
    /// this visitor may read and write.
    Visitor {
        site: SiteId,
        visitor: VisitorId,
        conversation: ConversationId,
        /// Expiry, ms since the epoch; renewed on each page view that resumes the session.
        /// Tokens from before visitor tokens expired have none: the widget's session start
        /// accepts them once and gives a token that does; sockets and files refuse them.
        #[serde(default)]
        exp: Option<u64>,
    },
    /// A signed-in operator and the sites he works on.
    Operator {
        op: OperatorId,
        name: String,
        sites: Vec<SiteMembership>,
        /// Expiry, ms since the epoch.
        exp: u64,
        /// The session in the account directory: signing out or a password change ends it
        /// before `exp`. Tokens from before sessions existed have none and are refused.
        #[serde(default)]
        sid: String,
    },
    /// A short-lived pass for one operator socket (the inbox, or one conversation), so that the
    /// session token never travels in a URL (browser history, proxy logs, page recorders).
    Ticket {
        op: OperatorId,
        name: String,
        sid: String,
        site: SiteId,
        /// The conversation; `None` for the inbox socket.
        conversation: Option<ConversationId>,
        /// The ticket's own expiry (seconds away).
        exp: u64,
        /// When the session it was taken from ends: the socket ends then too.
        session_exp: u64,
    },
}

impl Claims {
    /// The operator session behind a token or ticket, and when it ends.
    pub fn session(&self) -> Option<crate::objects::revoke::SocketSession> {
        match self {
            Claims::Operator { sid, exp, .. } => Some(crate::objects::revoke::SocketSession {
                sid: sid.clone(),
                exp: *exp,
            }),
            Claims::Ticket {
                sid, session_exp, ..
            } => Some(crate::objects::revoke::SocketSession {
                sid: sid.clone(),
                exp: *session_exp,
            }),
            Claims::Visitor { .. } => None,
        }
    }

    /// The operator's role on `site`, if this is an operator token that includes the site.
    pub fn operator_role(&self, site: &SiteId) -> Option<Role> {
        match self {
            Claims::Operator { sites, .. } => {
                sites.iter().find(|m| &m.site == site).map(|m| m.role)
            }
            Claims::Visitor { .. } | Claims::Ticket { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    BadSignature,
    Expired,
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenError::Malformed => "token is malformed",
            TokenError::BadSignature => "token signature is invalid",
            TokenError::Expired => "token has expired",
        })
    }
}

/// The signing key. Construct it once per request from the environment's secret.
pub struct TokenKey(Vec<u8>);

impl TokenKey {
    pub fn new(secret: &str) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "TOKEN_SECRET must be at least {MIN_SECRET_BYTES} bytes long"
            ));
        }
        Ok(Self(secret.as_bytes().to_vec()))
    }

    fn mac(&self, signed_part: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(signed_part.as_bytes());
        mac
    }

    /// A MAC of some other signed string (reply addresses), checked with `verify_tag`.
    pub fn tag(&self, signed_part: &str) -> Vec<u8> {
        self.mac(signed_part).finalize().into_bytes().to_vec()
    }

    /// Checks, in constant time, that `tag` starts `signed_part`'s MAC (truncated MACs are
    /// accepted down to 12 bytes, what a reply address carries).
    pub fn verify_tag(&self, signed_part: &str, tag: &[u8]) -> bool {
        tag.len() >= 12 && self.mac(signed_part).verify_truncated_left(tag).is_ok()
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let body = B64.encode(serde_json::to_vec(claims).expect("claims serialize"));
        let signed_part = format!("{VERSION}.{body}");
        let tag = B64.encode(self.mac(&signed_part).finalize().into_bytes());
        format!("{signed_part}.{tag}")
    }

    /// Checks the signature (in constant time) and the expiry.
    pub fn verify(&self, token: &str, now_ms: u64) -> Result<Claims, TokenError> {
        let (signed_part, tag) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
        let (version, body) = signed_part.split_once('.').ok_or(TokenError::Malformed)?;
        if version != VERSION {
            return Err(TokenError::Malformed);
        }
        let tag = B64.decode(tag).map_err(|_| TokenError::Malformed)?;
        self.mac(signed_part)
            .verify_slice(&tag)
            .map_err(|_| TokenError::BadSignature)?;
        let bytes = B64.decode(body).map_err(|_| TokenError::Malformed)?;
        let claims: Claims = serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
        let exp = match &claims {
            Claims::Operator { exp, .. } | Claims::Ticket { exp, .. } => Some(*exp),
            Claims::Visitor { exp, .. } => *exp,
        };
        if exp.is_some_and(|exp| exp <= now_ms) {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(secret: &str) -> TokenKey {
        TokenKey::new(secret).unwrap()
    }

    fn visitor() -> Claims {
        Claims::Visitor {
            site: SiteId::parse("demo").unwrap(),
            visitor: VisitorId::parse("v1").unwrap(),
            conversation: ConversationId::parse("c1").unwrap(),
            exp: Some(100),
        }
    }

    fn operator(exp: u64) -> Claims {
        Claims::Operator {
            op: OperatorId::parse("op").unwrap(),
            name: "Anna".into(),
            sites: vec![SiteMembership {
                site: SiteId::parse("demo").unwrap(),
                role: Role::Owner,
            }],
            exp,
            sid: "s".into(),
        }
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trips() {
        let k = key(SECRET);
        assert_eq!(k.verify(&k.sign(&visitor()), 0).unwrap(), visitor());
        assert_eq!(k.verify(&k.sign(&operator(10)), 9).unwrap(), operator(10));
    }

    #[test]
    fn rejects_short_secrets() {
        assert!(TokenKey::new("short").is_err());
    }

    #[test]
    fn rejects_tampering_and_other_keys() {
        let k = key(SECRET);
        let token = k.sign(&visitor());
        let other = key("another-secret-another-secret-xx!");
        assert_eq!(other.verify(&token, 0), Err(TokenError::BadSignature));

        // Swap in claims for another conversation, keep the old signature.
        let forged_claims = Claims::Visitor {
            site: SiteId::parse("demo").unwrap(),
            visitor: VisitorId::parse("v1").unwrap(),
            conversation: ConversationId::parse("someone-else").unwrap(),
            exp: Some(100),
        };
        let forged_body = B64.encode(serde_json::to_vec(&forged_claims).unwrap());
        let tag = token.rsplit_once('.').unwrap().1;
        let forged = format!("v1.{forged_body}.{tag}");
        assert_eq!(k.verify(&forged, 0), Err(TokenError::BadSignature));
    }

    #[test]
    fn rejects_garbage_and_expired() {
        let k = key(SECRET);
        for bad in ["", "v1", "v1.x", "v2.a.b", "v1.!!.??"] {
            assert_eq!(k.verify(bad, 0), Err(TokenError::Malformed), "{bad}");
        }
        assert_eq!(
            k.verify(&k.sign(&operator(10)), 10),
            Err(TokenError::Expired)
        );
        assert_eq!(k.verify(&k.sign(&visitor()), 100), Err(TokenError::Expired));
        let ticket = Claims::Ticket {
            op: OperatorId::parse("op").unwrap(),
            name: "Anna".into(),
            sid: "s".into(),
            site: SiteId::parse("demo").unwrap(),
            conversation: None,
            exp: 5,
            session_exp: 50,
        };
        assert_eq!(k.verify(&k.sign(&ticket), 4).unwrap(), ticket);
        assert_eq!(k.verify(&k.sign(&ticket), 5), Err(TokenError::Expired));
    }

    #[test]
    fn operator_role_is_per_site() {
        let claims = operator(10);
        assert_eq!(
            claims.operator_role(&SiteId::parse("demo").unwrap()),
            Some(Role::Owner)
        );
        assert_eq!(claims.operator_role(&SiteId::parse("other").unwrap()), None);
        assert_eq!(
            visitor().operator_role(&SiteId::parse("demo").unwrap()),
            None
        );
    }
}
