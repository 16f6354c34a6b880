//! The site's outbox: every e-mail it sends (offline messages, transcripts, alerts) is kept
//! here with how its delivery went, for its owner to read.

use super::SiteRoom;
use crate::http;
use crate::mail::Outcome;
use protocol::{Delivery, OutboxEmail};
use serde::Deserialize;
use worker::Result;

/// The longest an e-mail stays in a site's outbox.
const OUTBOX_KEEP_MS: u64 = 90 * 86_400_000;
/// How many queued e-mails the outbox listing shows.
const OUTBOX_PAGE: i64 = 100;

/// v10: mails not taken yet are tried again: when (`next_at`), how often so far, and the
/// mail's own Message-ID, the same on every attempt.
pub(super) const MIGRATION: &str = "
ALTER TABLE outbox ADD COLUMN next_at INTEGER;
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_at) WHERE next_at IS NOT NULL;";

/// Mails tried again per alarm (the rest wait for the next one).
const RETRIES_PER_ALARM: i64 = 20;

#[derive(Deserialize)]
struct DueRow {
    id: i64,
    email: String,
    attempts: i64,
    message_id: String,
}

impl SiteRoom {
    /// Stores an e-mail in the outbox and sends it when a sender is configured. The outbox
    /// keeps what `RETENTION_DAYS` keeps, and never more than `OUTBOX_KEEP_MS`.
    pub(super) async fn queue_email(&self, email: OutboxEmail) -> Result<()> {
        self.store_email(email, false).await
    }

    async fn store_email(&self, email: OutboxEmail, to_visitor: bool) -> Result<()> {
        let keep = crate::config::of(&self.env)?
            .retention_ms()
            .map_or(OUTBOX_KEEP_MS, |ms| ms.min(OUTBOX_KEEP_MS));
        let sql = self.state.storage().sql();
        sql.exec(
            "DELETE FROM outbox WHERE created_at < ?",
            vec![(http::now_ms().saturating_sub(keep) as i64).into()],
        )?;
        let message_id = format!("{}@consultant", crate::random::id());
        // Stored before the first attempt: whatever happens to this request, the mail is in
        // the outbox and the alarm tries it again.
        #[derive(Deserialize)]
        struct Inserted {
            id: i64,
        }
        let rows: Vec<Inserted> = sql
            .exec(
                "INSERT INTO outbox (email, created_at, to_visitor, next_at, message_id)
                 VALUES (?, ?, ?, ?, ?) RETURNING id",
                vec![
                    serde_json::to_string(&email)?.into(),
                    (email.created_at as i64).into(),
                    i64::from(to_visitor).into(),
                    (http::now_ms() as i64).into(),
                    message_id.as_str().into(),
                ],
            )?
            .to_array()?;
        let id = rows.first().map(|r| r.id).unwrap_or_default();
        self.attempt(DueRow {
            id,
            email: serde_json::to_string(&email)?,
            attempts: 0,
            message_id,
        })
        .await?;
        self.schedule_alarm().await
    }

    /// From the alarm: tries again the mails that are due.
    pub(super) async fn retry_due_mail(&self) -> Result<()> {
        let due: Vec<DueRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT id, email, attempts, message_id FROM outbox
                 WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?",
                vec![(http::now_ms() as i64).into(), RETRIES_PER_ALARM.into()],
            )?
            .to_array()?;
        for row in due {
            self.attempt(row).await?;
        }
        Ok(())
    }

    /// When the next mail is due to be tried again.
    pub(super) fn next_mail_at(&self) -> Result<Option<i64>> {
        #[derive(Deserialize)]
        struct At {
            at: Option<i64>,
        }
        let rows: Vec<At> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT MIN(next_at) AS at FROM outbox WHERE next_at IS NOT NULL",
                None,
            )?
            .to_array()?;
        Ok(rows.first().and_then(|r| r.at))
    }

    /// One attempt at one mail, and what the outbox records of it. The mail is claimed (its
    /// next try moved on) before it is sent, so that no other attempt sends it meanwhile.
    async fn attempt(&self, row: DueRow) -> Result<()> {
        let mut email: OutboxEmail = serde_json::from_str(&row.email)?;
        let attempts = row.attempts as u32 + 1;
        let unit = crate::config::of(&self.env)?.webhook_retry_unit_ms;
        let next_at = protocol::webhooks::retry_delay_ms(attempts, unit)
            .map(|delay| (http::now_ms() + delay) as i64);
        let sql = self.state.storage().sql();
        sql.exec(
            "UPDATE outbox SET next_at = ?, attempts = ? WHERE id = ?",
            vec![next_at.into(), i64::from(attempts).into(), row.id.into()],
        )?;
        let (delivery, next_at) =
            match crate::mail::deliver(&self.env, &email, &row.message_id).await {
                Outcome::Sent => (Delivery::Sent, None),
                Outcome::NoSender => (Delivery::Queued, None),
                Outcome::Failed(reason) => (Delivery::Failed { reason }, None),
                Outcome::Retry(reason) => match next_at {
                    Some(at) => (Delivery::Retrying { attempts, reason }, Some(at)),
                    None => (Delivery::Failed { reason }, None),
                },
            };
        if !matches!(delivery, Delivery::Sent) {
            crate::log::event("mail.not_sent", &[("attempts", &attempts.to_string())]);
        }
        email.delivery = delivery;
        sql.exec(
            "UPDATE outbox SET email = ?, next_at = ? WHERE id = ?",
            vec![
                serde_json::to_string(&email)?.into(),
                next_at.into(),
                row.id.into(),
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
