//! Alerts for the site's managers (`protocol::alerts`): a chat rated low, and nobody online
//! during working hours (at most once per 30 minutes); by e-mail and as `alert.*` webhooks.

use super::{SiteRoom, ValueRow};
use crate::http;
use protocol::webhooks::WebhookEvent;
use protocol::{Availability, ConversationSummary, Locale, OutboxEmail, SiteId, SiteSettings};
use worker::{Result, WebSocket};

const LAST_NOBODY_ONLINE: &str = "alert_nobody_online_at";

impl SiteRoom {
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
                reply_to: None,
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
        if !settings.alerts.nobody_online || settings.hours.is_none() {
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
        let working = settings.hours.is_some() && settings.opening(None, now).open;
        if !settings
            .alerts
            .nobody_online_due(working, now, anyone, last)
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
                reply_to: None,
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
