//! Unguessable identifiers from the runtime's CSPRNG (`crypto.getRandomValues`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;

pub fn bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::getrandom(&mut buf).expect("the runtime provides crypto.getRandomValues");
    buf
}

/// 128 random bits as 22 base64url characters: valid for every id type of the protocol.
pub fn id() -> String {
    B64.encode(bytes::<16>())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_valid_and_distinct() {
        let a = super::id();
        let b = super::id();
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        assert!(protocol::ConversationId::parse(a).is_ok());
    }
}
