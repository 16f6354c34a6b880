//! Operators' replies e-mailed to a visitor who has left the page (what goes in the mail is
//! `protocol::chat_mail`'s): each reply while he is away moves the pending mail on, the
//! conversation's alarm sends it once due, and nothing goes out if he came back meanwhile.

use super::store::Meta;
use super::ConversationRoom;
use crate::auth::reply_address;
use crate::auth::token::TokenKey;
use crate::http;
use protocol::chat_mail::{reopen_link, reply_email, reply_mail_parts, PendingReplyMail};
use protocol::{OutboxEmail, SiteSettings};
use worker::Result;

/// Store key of the replies waiting to be mailed (`Option<PendingReplyMail>`).
const PENDING: &str = "reply_mail";
/// Messages read back for a mail: the replies after the first unseen one, and a few before.
const MAIL_LOG_MESSAGES: usize = 200;

impl ConversationRoom {
    /// With `EMAIL_REPLY_DOMAIN` set, a mail to the visitor that his answer by e-mail comes
    /// back from into this chat; without, the mail as it is (answers reach the site's address).
    pub(super) fn answerable_mail(
        &self,
        meta: &Meta,
        settings: &SiteSettings,
        mail: OutboxEmail,
    ) -> Result<OutboxEmail> {
        let config = crate::config::of(&self.env)?;
        let Some(domain) = config.email_reply_domain.as_deref() else {
            return Ok(mail);
        };
        let key = TokenKey::new(&config.token_secret).map_err(worker::Error::RustError)?;
        let address =
            reply_address::address(&key, &meta.site, &meta.conversation, http::now_ms(), domain);
        Ok(protocol::chat_mail::answerable(mail, settings, address))
    }

    fn visitor_on_page(&self) -> bool {
        !self.state.get_websockets_with_tag("visitor").is_empty()
    }

    fn pending_reply_mail(&self) -> Result<Option<PendingReplyMail>> {
        Ok(self
            .store()
            .get::<Option<PendingReplyMail>>(PENDING)?
            .flatten())
    }

    /// After an operator's reply `seq`: when the visitor is away and gave an e-mail address,
    /// the mail of the unseen replies waits for the next ones a little longer.
    pub(super) async fn reply_written(&self, seq: u64) -> Result<()> {
        if self.visitor_on_page() || self.store().state()?.contact.email.is_none() {
            return Ok(());
        }
        let delay = crate::config::of(&self.env)?.reply_mail_delay_ms;
        let pending =
            PendingReplyMail::after_reply(self.pending_reply_mail()?, seq, http::now_ms(), delay);
        self.store().put(PENDING, &Some(pending))?;
        self.wake_at(pending.due_at).await
    }

    /// The visitor is back on the page: he reads the replies there.
    pub(super) fn visitor_returned(&self) -> Result<()> {
        if self.pending_reply_mail()?.is_some() {
            self.store().put(PENDING, &None::<PendingReplyMail>)?;
        }
        Ok(())
    }

    /// From the alarm: mails the replies once due; `Some(at)` while they wait for later.
    pub(super) async fn mail_replies_if_due(&self) -> Result<Option<u64>> {
        let Some(pending) = self.pending_reply_mail()? else {
            return Ok(None);
        };
        let now = http::now_ms();
        if now < pending.due_at {
            return Ok(Some(pending.due_at));
        }
        // Cleared first: a failure below loses this mail rather than sending it twice.
        self.store().put(PENDING, &None::<PendingReplyMail>)?;
        let store = self.store();
        let state = store.state()?;
        let (Some(meta), Some(to)) = (store.meta()?, state.contact.email) else {
            return Ok(None);
        };
        if self.visitor_on_page() {
            return Ok(None);
        }
        let mut log = store.newest_before(pending.first_seq, 10, false)?;
        log.extend(store.oldest_after(
            pending.first_seq.saturating_sub(1),
            MAIL_LOG_MESSAGES,
            false,
        )?);
        let Some((replies, context)) = reply_mail_parts(&log, pending.first_seq) else {
            return Ok(None);
        };
        let settings = self.settings(&meta).await?;
        let page = state.source.map(|s| s.landing).unwrap_or_default();
        let link = reopen_link(&page, &settings.allowed_origins);
        let mail = reply_email(&settings, &replies, &context, link.as_deref(), to, now);
        let mail = self.answerable_mail(&meta, &settings, mail)?;
        if !self.site(&meta).queue_visitor_email(&mail).await? {
            crate::log::error(
                "reply_mail.limit",
                &"the site's e-mails to visitors for today are used up",
                &[],
            );
        }
        Ok(None)
    }

    /// Makes sure the alarm rings by `at` (ms since the epoch); an earlier one stays.
    pub(super) async fn wake_at(&self, at: u64) -> Result<()> {
        let storage = self.state.storage();
        let now = http::now_ms();
        let set = storage.get_alarm().await?;
        if set.is_none_or(|set| set as u64 > at) {
            // `set_alarm` takes an i64 as an offset from now, not a time.
            storage.set_alarm(at.saturating_sub(now) as i64).await?;
        }
        Ok(())
    }
}
