//! The address a visitor's e-mail answer goes to: `reply+<site>.<conversation>.<day>.<tag>@…`,
//! one per conversation, signed by the relay (a truncated HMAC under `TOKEN_SECRET`) and valid
//! until `<day>` (days since the epoch). Stateless like tokens: mail to a forged, altered or
//! expired address is refused before any object is asked, so random mail to `reply+…` costs
//! nothing but a MAC.

use super::token::TokenKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use protocol::{ConversationId, SiteId};

/// How long after the mail that carried it an address takes answers.
pub const VALID_DAYS: u64 = 90;
const DAY_MS: u64 = 86_400_000;
/// Bytes of the MAC kept in the address (96 bits: beyond guessing, short enough for a local part).
const TAG_BYTES: usize = 12;
const PREFIX: &str = "reply+";

/// Why mail to an address is refused; the text goes back to the sender in the bounce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyAddressError {
    NotAReplyAddress,
    Forged,
    Expired,
}

impl ReplyAddressError {
    pub fn reason(self) -> &'static str {
        match self {
            ReplyAddressError::NotAReplyAddress => "no such mailbox",
            ReplyAddressError::Forged => "this reply address is not valid",
            ReplyAddressError::Expired => {
                "this reply address has expired: please write to us in the chat on our site"
            }
        }
    }
}

fn signed_part(site: &SiteId, conversation: &ConversationId, day: u64) -> String {
    format!("reply.v1|{site}|{conversation}|{day}")
}

/// The address answers to a mail sent at `now_ms` come back to, at `domain`.
pub fn address(
    key: &TokenKey,
    site: &SiteId,
    conversation: &ConversationId,
    now_ms: u64,
    domain: &str,
) -> String {
    let day = now_ms / DAY_MS + VALID_DAYS;
    let tag = key.tag(&signed_part(site, conversation, day));
    let tag = B64.encode(&tag[..TAG_BYTES]);
    format!("{PREFIX}{site}.{conversation}.{day}.{tag}@{domain}")
}

/// The conversation an address (`to` of an incoming mail) belongs to, once its signature and
/// expiry are checked. Only mail to `domain` is ours (compared without case; the local part
/// keeps its case, as mail servers must).
pub fn verify(
    key: &TokenKey,
    to: &str,
    domain: &str,
    now_ms: u64,
) -> Result<(SiteId, ConversationId), ReplyAddressError> {
    use ReplyAddressError::*;
    let (local, to_domain) = to.trim().rsplit_once('@').ok_or(NotAReplyAddress)?;
    if !to_domain.eq_ignore_ascii_case(domain) {
        return Err(NotAReplyAddress);
    }
    let signed = local
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map(|_| &local[PREFIX.len()..])
        .ok_or(NotAReplyAddress)?;
    let mut parts = signed.split('.');
    let (Some(site), Some(conversation), Some(day), Some(tag), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Forged);
    };
    let site = SiteId::parse(site).map_err(|_| Forged)?;
    let conversation = ConversationId::parse(conversation).map_err(|_| Forged)?;
    let day: u64 = day.parse().map_err(|_| Forged)?;
    let tag = B64.decode(tag).map_err(|_| Forged)?;
    if tag.len() != TAG_BYTES || !key.verify_tag(&signed_part(&site, &conversation, day), &tag) {
        return Err(Forged);
    }
    if now_ms / DAY_MS >= day {
        return Err(Expired);
    }
    Ok((site, conversation))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = "mail.shop.test";
    const NOW: u64 = 1_796_000_000_000;

    fn key() -> TokenKey {
        TokenKey::new("0123456789abcdef0123456789abcdef").unwrap()
    }

    fn ids() -> (SiteId, ConversationId) {
        (
            SiteId::parse("demo").unwrap(),
            ConversationId::parse("Ab-c_D12xYz0123456789Q").unwrap(),
        )
    }

    #[test]
    fn an_address_leads_back_to_its_conversation_and_fits_a_local_part() {
        let (site, conversation) = ids();
        let to = address(&key(), &site, &conversation, NOW, DOMAIN);
        let local = to.split('@').next().unwrap();
        assert!(local.len() <= 64, "{local} is longer than SMTP allows");
        assert_eq!(verify(&key(), &to, DOMAIN, NOW), Ok(ids()));
        let shouted_domain = to.replace(DOMAIN, "MAIL.Shop.TEST");
        assert_eq!(verify(&key(), &shouted_domain, DOMAIN, NOW), Ok(ids()));
    }

    #[test]
    fn forged_altered_and_foreign_addresses_are_refused() {
        let (site, conversation) = ids();
        let to = address(&key(), &site, &conversation, NOW, DOMAIN);
        let other_key = TokenKey::new("another secret of thirty-two bytes!!").unwrap();
        let theirs = address(&other_key, &site, &conversation, NOW, DOMAIN);
        assert_eq!(
            verify(&key(), &theirs, DOMAIN, NOW),
            Err(ReplyAddressError::Forged)
        );
        // Someone else's conversation under this one's tag; a later expiry; a cut tag.
        let swapped = to.replace(conversation.as_str(), "OtherConversation00000");
        assert_eq!(
            verify(&key(), &swapped, DOMAIN, NOW),
            Err(ReplyAddressError::Forged)
        );
        let day = NOW / DAY_MS + VALID_DAYS;
        let later = to.replace(&format!(".{day}."), &format!(".{}.", day + 1000));
        assert_eq!(
            verify(&key(), &later, DOMAIN, NOW),
            Err(ReplyAddressError::Forged)
        );
        let (local, _) = to.rsplit_once('@').unwrap();
        let cut = format!("{}@{DOMAIN}", &local[..local.len() - 4]);
        assert_eq!(
            verify(&key(), &cut, DOMAIN, NOW),
            Err(ReplyAddressError::Forged)
        );
        for bad in [
            "reply+demo@mail.shop.test",
            "reply+demo.x.y.z.w@mail.shop.test",
            "reply+@mail.shop.test",
            "reply+DEMO.abc.1.AAAAAAAAAAAAAAAA@mail.shop.test",
        ] {
            assert_eq!(
                verify(&key(), bad, DOMAIN, NOW),
                Err(ReplyAddressError::Forged),
                "{bad}"
            );
        }
        for not_ours in [
            "sales@mail.shop.test",
            "no-at-sign",
            &to.replace(DOMAIN, "evil.test"),
        ] {
            assert_eq!(
                verify(&key(), not_ours, DOMAIN, NOW),
                Err(ReplyAddressError::NotAReplyAddress),
                "{not_ours}"
            );
        }
    }

    #[test]
    fn an_address_expires_after_its_days() {
        let (site, conversation) = ids();
        let to = address(&key(), &site, &conversation, NOW, DOMAIN);
        let last_day = NOW + (VALID_DAYS - 1) * DAY_MS;
        assert_eq!(verify(&key(), &to, DOMAIN, last_day), Ok(ids()));
        let after = NOW + (VALID_DAYS + 1) * DAY_MS;
        assert_eq!(
            verify(&key(), &to, DOMAIN, after),
            Err(ReplyAddressError::Expired)
        );
    }
}
