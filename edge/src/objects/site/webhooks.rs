//! Webhooks of a site: the endpoints admins register, the deliveries queued when a
//! conversation changes (one per event and endpoint, never twice), and the alarm that posts
//! them, signed, retrying with backoff (`protocol::webhooks::RETRY_UNITS`).

use super::{no_content, SiteRoom};
use crate::http;
use crate::objects::conversation::link::ConversationLink;
use protocol::webhooks::{
    delivered, event_key, events_between, retry_delay_ms, WebhookBody, WebhookDelivery,
    WebhookEndpoint, WebhookEvent, DELIVERY_HEADER, EVENT_HEADER, LOG_KEEP, LOG_PAGE,
    SIGNATURE_HEADER,
};
use protocol::{ConversationSummary, SiteId};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{Headers, Method, Request, RequestInit, Response, Result};

/// Deliveries posted per alarm (the rest follow at once in the next one).
const BATCH: i64 = 20;
/// How long an endpoint may take to answer.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How often, with alerts in working hours on, the alarm checks whether anyone is online.
const PRESENCE_CHECK_MS: u64 = 5 * 60_000;
/// Retry unit when `WEBHOOK_RETRY_UNIT_MS` is not set: a minute.
const DEFAULT_RETRY_UNIT_MS: u64 = 60_000;

pub const MIGRATION: &str = "CREATE TABLE IF NOT EXISTS webhooks (
        id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, created_at INTEGER NOT NULL);
     CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id TEXT PRIMARY KEY,
        dedupe TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        next_at INTEGER,
        record TEXT NOT NULL,
        body TEXT NOT NULL);
     CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_at);
     CREATE INDEX IF NOT EXISTS webhook_deliveries_by_time ON webhook_deliveries (created_at);";

#[derive(Deserialize)]
struct EndpointRow {
    endpoint: String,
}

#[derive(Deserialize)]
struct DeliveryRow {
    record: String,
    body: String,
}

#[derive(Deserialize)]
struct NextRow {
    next_at: Option<i64>,
}

impl SiteRoom {
    pub(super) fn webhooks(&self) -> Result<Vec<WebhookEndpoint>> {
        let rows: Vec<EndpointRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT endpoint FROM webhooks ORDER BY created_at", None)?
            .to_array()?;
        rows.iter()
            .map(|r| serde_json::from_str(&r.endpoint).map_err(Into::into))
            .collect()
    }

    /// Registers an endpoint the router validated and gave an id and a secret.
    pub(super) fn add_webhook(&self, endpoint: &WebhookEndpoint) -> Result<Response> {
        if self.webhooks()?.len() >= protocol::webhooks::MAX_ENDPOINTS {
            return http::error(
                protocol::ErrorCode::InvalidField,
                "at most 5 webhook endpoints a site",
            );
        }
        self.state.storage().sql().exec(
            "INSERT INTO webhooks (id, endpoint, created_at) VALUES (?, ?, ?)",
            vec![
                endpoint.id.as_str().into(),
                serde_json::to_string(endpoint)?.into(),
                (endpoint.created_at as i64).into(),
            ],
        )?;
        http::json(endpoint)
    }

    /// Removes an endpoint; what was queued for it is given up.
    pub(super) fn remove_webhook(&self, id: &str) -> Result<Response> {
        let known = self.webhooks()?.iter().any(|e| e.id == id);
        if !known {
            return http::error(protocol::ErrorCode::NotFound, "no such webhook");
        }
        let sql = self.state.storage().sql();
        sql.exec("DELETE FROM webhooks WHERE id = ?", vec![id.into()])?;
        for mut delivery in self.pending_deliveries()? {
            if delivery.endpoint == id {
                delivery.next_at = None;
                delivery.error = Some("the endpoint was removed".into());
                self.save_delivery(&delivery)?;
            }
        }
        no_content()
    }

    /// The newest deliveries, newest first.
    pub(super) fn webhook_log(&self) -> Result<Vec<WebhookDelivery>> {
        let rows: Vec<DeliveryRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT record, body FROM webhook_deliveries ORDER BY created_at DESC, id LIMIT ?",
                vec![(LOG_PAGE as i64).into()],
            )?
            .to_array()?;
        rows.iter()
            .map(|r| serde_json::from_str(&r.record).map_err(Into::into))
            .collect()
    }

    /// Queues the deliveries the change from `before` to `after` makes; true if any.
    pub(super) fn queue_webhooks(
        &self,
        site: &SiteId,
        before: Option<&ConversationSummary>,
        after: &ConversationSummary,
    ) -> Result<bool> {
        let mut queued = false;
        for event in events_between(before, after) {
            queued |= self.queue_event(site, event, Some(after), &event_key(event, after))?;
        }
        Ok(queued)
    }

    /// Queues `event` for every endpoint that wants it, once per `key`; true if any.
    pub(super) fn queue_event(
        &self,
        site: &SiteId,
        event: WebhookEvent,
        conversation: Option<&ConversationSummary>,
        key: &str,
    ) -> Result<bool> {
        let now = http::now_ms();
        let sql = self.state.storage().sql();
        let masking = self.masking();
        let mut queued = false;
        for endpoint in self
            .webhooks()?
            .iter()
            .filter(|e| e.events.contains(&event))
        {
            let id = crate::random::id();
            // An endpoint an admin registered gets contacts as admins see them.
            let conversation = conversation.cloned().map(|c| {
                if endpoint.created_by_owner {
                    c
                } else {
                    super::inbox::masked_summary(c, Some(protocol::Role::Admin), &masking)
                }
            });
            let body = WebhookBody {
                id: id.clone(),
                event,
                site: site.clone(),
                at: now,
                conversation: conversation.clone(),
                messages: None,
            };
            let record = WebhookDelivery {
                id: id.clone(),
                endpoint: endpoint.id.clone(),
                url: endpoint.url.clone(),
                event,
                conversation: conversation.as_ref().map(|c| c.id.clone()),
                created_at: now,
                attempts: 0,
                status: None,
                error: None,
                delivered_at: None,
                next_at: Some(now),
            };
            // The same event (of the same conversation) for the same endpoint only once.
            let dedupe = format!("{}:{key}", endpoint.id);
            sql.exec(
                "INSERT OR IGNORE INTO webhook_deliveries
                    (id, dedupe, created_at, next_at, record, body) VALUES (?, ?, ?, ?, ?, ?)",
                vec![
                    id.as_str().into(),
                    dedupe.into(),
                    (now as i64).into(),
                    (now as i64).into(),
                    serde_json::to_string(&record)?.into(),
                    serde_json::to_string(&body)?.into(),
                ],
            )?;
            queued = true;
        }
        if queued {
            // The log keeps the newest LOG_KEEP deliveries.
            sql.exec(
                "DELETE FROM webhook_deliveries WHERE next_at IS NULL AND id NOT IN
                    (SELECT id FROM webhook_deliveries ORDER BY created_at DESC LIMIT ?)",
                vec![(LOG_KEEP as i64).into()],
            )?;
        }
        Ok(queued)
    }

    /// Sets the alarm for the earliest pending delivery or presence check (if any, and if not
    /// already sooner).
    pub(super) async fn schedule_alarm(&self) -> Result<()> {
        let rows: Vec<NextRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT MIN(next_at) AS next_at FROM webhook_deliveries WHERE next_at IS NOT NULL",
                None,
            )?
            .to_array()?;
        let webhook = rows.first().and_then(|r| r.next_at);
        // With working hours set, the site looks every few minutes for nobody online.
        let check = self
            .settings()?
            .filter(|s| s.alerts.nobody_online && s.hours.is_some())
            .map(|_| (http::now_ms() + self.presence_check_ms()) as i64);
        let retention = self.retention_due_at()?;
        let mail = self.next_mail_at()?;
        let Some(next) = webhook
            .into_iter()
            .chain(check)
            .chain(retention)
            .chain(mail)
            .min()
        else {
            return Ok(());
        };
        let storage = self.state.storage();
        match storage.get_alarm().await? {
            Some(at) if at <= next => Ok(()),
            // `set_alarm` takes an i64 as an offset from now, not a time.
            _ => {
                storage
                    .set_alarm((next - http::now_ms() as i64).max(0))
                    .await
            }
        }
    }

    /// `ALERT_CHECK_MS`, else [`PRESENCE_CHECK_MS`].
    fn presence_check_ms(&self) -> u64 {
        crate::config::get(&self.env).map_or(PRESENCE_CHECK_MS, |c| c.alert_check_ms)
    }

    /// The alarm: posts the deliveries that are due, then schedules the next ones.
    pub(super) async fn deliver_webhooks(&self) -> Result<()> {
        let now = http::now_ms();
        let rows: Vec<DeliveryRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT record, body FROM webhook_deliveries
                 WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?",
                vec![(now as i64).into(), BATCH.into()],
            )?
            .to_array()?;
        let endpoints = self.webhooks()?;
        let unit = crate::config::get(&self.env)
            .map_or(DEFAULT_RETRY_UNIT_MS, |c| c.webhook_retry_unit_ms);
        for row in rows {
            let mut record: WebhookDelivery = serde_json::from_str(&row.record)?;
            let Some(endpoint) = endpoints.iter().find(|e| e.id == record.endpoint) else {
                record.next_at = None;
                record.error = Some("the endpoint was removed".into());
                self.save_delivery(&record)?;
                continue;
            };
            let mut body: WebhookBody = serde_json::from_str(&row.body)?;
            record.attempts += 1;
            let outcome = match self.with_transcript(&mut body).await {
                Ok(()) => post(endpoint, &body, &serde_json::to_string(&body)?).await,
                Err(e) => Err(format!("could not read the transcript: {e}")),
            };
            match outcome {
                Ok(status) if delivered(status) => {
                    record.status = Some(status);
                    record.error = None;
                    record.delivered_at = Some(http::now_ms());
                    record.next_at = None;
                }
                failed => {
                    let (status, error) = match failed {
                        Ok(status) => (Some(status), format!("HTTP {status}")),
                        Err(error) => (None, error),
                    };
                    record.status = status;
                    record.error = Some(error);
                    record.next_at =
                        retry_delay_ms(record.attempts, unit).map(|d| http::now_ms() + d);
                }
            }
            self.save_delivery(&record)?;
        }
        self.schedule_alarm().await
    }

    /// `chat.finished` and `offline.message` carry the messages up to the event.
    async fn with_transcript(&self, body: &mut WebhookBody) -> Result<()> {
        let Some(conversation) = &body.conversation else {
            return Ok(());
        };
        if !body.event.has_transcript() || body.messages.is_some() {
            return Ok(());
        }
        let link = ConversationLink::new(&self.env, &body.site, &conversation.id)?;
        body.messages = Some(link.transcript(Some(body.at)).await?);
        Ok(())
    }

    fn pending_deliveries(&self) -> Result<Vec<WebhookDelivery>> {
        let rows: Vec<DeliveryRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT record, body FROM webhook_deliveries WHERE next_at IS NOT NULL",
                None,
            )?
            .to_array()?;
        rows.iter()
            .map(|r| serde_json::from_str(&r.record).map_err(Into::into))
            .collect()
    }

    fn save_delivery(&self, record: &WebhookDelivery) -> Result<()> {
        self.state.storage().sql().exec(
            "UPDATE webhook_deliveries SET record = ?, next_at = ? WHERE id = ?",
            vec![
                serde_json::to_string(record)?.into(),
                record.next_at.map(|n| n as i64).into(),
                record.id.as_str().into(),
            ],
        )?;
        Ok(())
    }
}

/// Posts one signed delivery; the endpoint's status, or why there was none.
async fn post(
    endpoint: &WebhookEndpoint,
    event: &WebhookBody,
    body: &str,
) -> std::result::Result<u16, String> {
    let timestamp = http::now_ms();
    let signature =
        crate::auth::identity::hmac_hex(&endpoint.secret, &format!("{timestamp}.{body}"));
    let request = || -> Result<Request> {
        let headers = Headers::new();
        headers.set("Content-Type", "application/json")?;
        headers.set("User-Agent", "OnlineConsultant-Webhooks/1")?;
        headers.set(EVENT_HEADER, event.event.name())?;
        headers.set(DELIVERY_HEADER, &event.id)?;
        headers.set(SIGNATURE_HEADER, &format!("t={timestamp},v1={signature}"))?;
        let mut init = RequestInit::new();
        // A redirect could lead anywhere (a private address): never followed.
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_redirect(worker::RequestRedirect::Manual)
            .with_body(Some(JsValue::from_str(body)));
        Request::new_with_init(&endpoint.url, &init)
    };
    let request = request().map_err(|e| e.to_string())?;
    match http::send_within(request, TIMEOUT).await {
        Ok(response) if (300..400).contains(&response.status_code()) => Err(format!(
            "answered {} (a redirect): webhooks do not follow redirects",
            response.status_code()
        )),
        Ok(response) => Ok(response.status_code()),
        Err(why) => Err(why),
    }
}
