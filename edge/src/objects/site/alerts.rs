//! Alerts for the site's managers (`protocol::alerts`): a chat rated low, and nobody online
//! during working hours (at most once per 30 minutes); by e-mail and as `alert.*` webhooks.

use super::{SiteRoom, ValueRow};
use crate::http;
use protocol::webhooks::WebhookEvent;
use protocol::{Availability, ConversationSummary, Locale, OutboxEmail, SiteId, SiteSettings};
use worker::{Result, WebSocket};

const LAST_NOBODY_ONLINE: &str = "alert_nobody_online_at";
/// The longest an e-mail stays in a site's outbox.
const OUTBOX_KEEP_MS: u64 = 90 * 86_400_000;

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

    /// The chat was just rated below the site's threshold.
    pub(super) async fn alert_low_rating(
        &self,
        site: &SiteId,
        before: Option<&ConversationSummary>,
        after: &ConversationSummary,
    ) -> Result<()> {
        let Some(rating) = &after.state.rating else {
            return Ok(());
        };
        let settings = self.settings()?.unwrap_or_else(|| SiteSettings::new(""));
        let newly = before.is_none_or(|b| b.state.rating.is_none());
        if !newly || !settings.alerts.is_low(rating) {
            return Ok(());
        }
        let key = format!("{}:alert.low_rating", after.id);
        self.queue_event(site, WebhookEvent::AlertLowRating, Some(after), &key)?;
        if let Some(to) = settings.alerts.email.clone() {
            let ru = settings.locale == Some(Locale::Ru);
            let operator = after
                .state
                .assignee
                .as_ref()
                .map_or("—", |a| a.name.as_str());
            let who = after.state.contact.name.as_deref().unwrap_or("—");
            let comment = rating.comment.as_deref().unwrap_or("—");
            let score = format!("{}/{}", rating.score, rating.scale.max());
            let (subject, body) = if ru {
                (
                    format!("Низкая оценка чата: {score} — {}", settings.name),
                    format!("Оценка: {score}\nКомментарий: {comment}\nОператор: {operator}\nПосетитель: {who}\nДиалог: {}\n", after.id),
                )
            } else {
                (
                    format!("Low chat rating: {score} — {}", settings.name),
                    format!("Rating: {score}\nComment: {comment}\nOperator: {operator}\nVisitor: {who}\nConversation: {}\n", after.id),
                )
            };
            self.queue_email(OutboxEmail {
                to,
                subject,
                body,
                created_at: http::now_ms(),
                delivery: Default::default(),
            })
            .await?;
        }
        Ok(())
    }

    /// During working hours with nobody online (`closing` is an operator's socket going
    /// away): at most one alert per 30 minutes.
    pub(super) async fn alert_if_nobody_online(
        &self,
        site: &SiteId,
        closing: Option<&WebSocket>,
    ) -> Result<()> {
        let settings = self.settings()?.unwrap_or_else(|| SiteSettings::new(""));
        if settings.alerts.working_hours.is_none() {
            return Ok(());
        }
        let anyone = self
            .members(closing)
            .iter()
            .any(|m| m.availability == Availability::Online);
        let sql = self.state.storage().sql();
        let rows: Vec<ValueRow> = sql
            .exec(
                "SELECT value FROM settings WHERE key = ?",
                vec![LAST_NOBODY_ONLINE.into()],
            )?
            .to_array()?;
        let last = rows.first().and_then(|r| r.value.parse().ok());
        let now = http::now_ms();
        if !settings
            .alerts
            .nobody_online_due(settings.utc_offset_minutes, now, anyone, last)
        {
            return Ok(());
        }
        sql.exec(
            "INSERT INTO settings (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![LAST_NOBODY_ONLINE.into(), now.to_string().into()],
        )?;
        let key = format!("alert.nobody_online:{now}");
        self.queue_event(site, WebhookEvent::AlertNobodyOnline, None, &key)?;
        if let Some(to) = settings.alerts.email.clone() {
            let ru = settings.locale == Some(Locale::Ru);
            let (subject, body) = if ru {
                (
                    format!("Нет операторов в сети — {}", settings.name),
                    "В рабочее время ни один оператор не в сети: посетители сайта не получат ответа.\n".to_owned(),
                )
            } else {
                (
                    format!("Nobody is online — {}", settings.name),
                    "No operator is online during working hours: visitors to the site get no answer.\n".to_owned(),
                )
            };
            self.queue_email(OutboxEmail {
                to,
                subject,
                body,
                created_at: now,
                delivery: Default::default(),
            })
            .await?;
        }
        self.schedule_alarm().await
    }
}
