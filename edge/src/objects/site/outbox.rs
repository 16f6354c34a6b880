//! The site's outbox: every e-mail it sends (offline messages, transcripts, alerts) is kept
//! here with how its delivery went, for its owner to read.

use super::SiteRoom;
use crate::http;
use protocol::OutboxEmail;
use serde::Deserialize;
use worker::Result;

/// The longest an e-mail stays in a site's outbox.
const OUTBOX_KEEP_MS: u64 = 90 * 86_400_000;
/// How many queued e-mails the outbox listing shows.
const OUTBOX_PAGE: i64 = 100;

impl SiteRoom {
    /// Stores an e-mail in the outbox and sends it when a sender is configured. The outbox
    /// keeps what `RETENTION_DAYS` keeps, and never more than `OUTBOX_KEEP_MS`.
    pub(super) async fn queue_email(&self, email: OutboxEmail) -> Result<()> {
        self.store_email(email, false).await
    }

    async fn store_email(&self, mut email: OutboxEmail, to_visitor: bool) -> Result<()> {
        email.delivery = crate::mail::deliver(&self.env, &email).await;
        let keep = crate::config::of(&self.env)?
            .retention_ms()
            .map_or(OUTBOX_KEEP_MS, |ms| ms.min(OUTBOX_KEEP_MS));
        let sql = self.state.storage().sql();
        sql.exec(
            "DELETE FROM outbox WHERE created_at < ?",
            vec![(http::now_ms().saturating_sub(keep) as i64).into()],
        )?;
        sql.exec(
            "INSERT INTO outbox (email, created_at, to_visitor) VALUES (?, ?, ?)",
            vec![
                serde_json::to_string(&email)?.into(),
                (email.created_at as i64).into(),
                i64::from(to_visitor).into(),
            ],
        )?;
        Ok(())
    }

    /// An e-mail to an address a visitor typed (a transcript): at most
    /// `VISITOR_EMAILS_PER_SITE_DAY` a day per site, so that nobody turns the site's name into
    /// a mailer to strangers. `false` when the day's are used up.
    pub(super) async fn queue_visitor_email(&self, email: OutboxEmail) -> Result<bool> {
        #[derive(serde::Deserialize)]
        struct Count {
            n: i64,
        }
        let since = http::now_ms().saturating_sub(86_400_000) as i64;
        let sent: Vec<Count> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT COUNT(*) AS n FROM outbox WHERE to_visitor = 1 AND created_at >= ?",
                vec![since.into()],
            )?
            .to_array()?;
        let limit = i64::from(protocol::limits::VISITOR_EMAILS_PER_SITE_DAY);
        if sent.first().is_some_and(|c| c.n >= limit) {
            return Ok(false);
        }
        self.store_email(email, true).await?;
        Ok(true)
    }

    /// The newest e-mails, newest first.
    pub(super) fn outbox(&self) -> Result<Vec<OutboxEmail>> {
        #[derive(Deserialize)]
        struct EmailRow {
            email: String,
        }
        let rows: Vec<EmailRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT email FROM outbox ORDER BY id DESC LIMIT ?",
                vec![OUTBOX_PAGE.into()],
            )?
            .to_array()?;
        rows.iter()
            .map(|r| serde_json::from_str(&r.email).map_err(worker::Error::from))
            .collect()
    }
}
