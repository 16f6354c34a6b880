//! What the site object answers to each [`SiteRoute`]: one arm per route, each a call into the
//! room that holds that concern.

use super::link::SiteRoute;
use super::{no_content, SiteRoom};
use crate::http;
use protocol::history::HistoryQuery;
use protocol::{ErrorCode, SiteId, SiteSettings};
use worker::{Response, Result};

impl SiteRoom {
    pub(super) async fn answer(&self, route: SiteRoute) -> Result<Response> {
        match route {
            SiteRoute::Init(init) => self.init(init),
            SiteRoute::Settings => http::json(&self.settings()?),
            SiteRoute::SettingsFor { conversation } => {
                self.settings_read_by(&conversation)?;
                http::json(&self.settings()?)
            }
            SiteRoute::SaveSettings(settings) => {
                self.save_settings(&settings)?;
                self.push_settings(&settings).await?;
                self.schedule_alarm().await?;
                no_content()
            }
            SiteRoute::Origin(page) => {
                if self.origin_allowed(&page)? {
                    no_content()
                } else {
                    http::error(ErrorCode::Forbidden, "origin not allowed")
                }
            }
            SiteRoute::Config { page, geo, device } => {
                if !self.origin_allowed(&page)? {
                    return http::error(ErrorCode::Forbidden, "origin not allowed");
                }
                let site = self.known_site_id()?;
                let settings = self.settings()?.unwrap_or_else(|| SiteSettings::new(""));
                // A visitor arrived: is anyone there to answer?
                self.alert_if_nobody_online(&site, None).await?;
                let mut config = settings.widget_config_for(site, self.presence(), geo, device);
                // The page's triggers read weekday and hour with the zone's offset of today.
                config.utc_offset_minutes = settings.zone().offset_minutes(http::now_ms());
                config.max_message_chars = crate::config::of(&self.env)?.max_message_chars;
                http::json(&config)
            }
            SiteRoute::Presence => http::json(&self.presence()),
            SiteRoute::Assign(request) => http::json(&self.assign(&request)?),
            SiteRoute::Ban(ban) => {
                self.add_ban(&ban)?;
                no_content()
            }
            SiteRoute::Bans => http::json(&self.bans()?),
            SiteRoute::Unban { id, part } => {
                self.lift_ban(id, part)?;
                no_content()
            }
            SiteRoute::Banned { visitor, ip } => {
                let visitor = visitor.map(|v| v.to_string());
                http::json(&self.banned(visitor.as_ref(), ip.as_ref())?)
            }
            SiteRoute::LiveChat(start) => http::json(&self.start_chat(start)?),
            SiteRoute::Admit { what, ip } => match self.admit(what, &ip) {
                Ok(()) => no_content(),
                Err(retry_after_ms) => {
                    let error = protocol::ErrorBody::rate_limited(None, retry_after_ms);
                    Ok(http::json(&error)?.with_status(429))
                }
            },
            SiteRoute::VisitorEmail(email) => {
                if self.queue_visitor_email(email).await? {
                    no_content()
                } else {
                    http::error(
                        ErrorCode::RateLimited,
                        "this site has sent as many e-mails to visitors as it may today",
                    )
                }
            }
            SiteRoute::QueueEmail(email) => {
                self.queue_email(email).await?;
                no_content()
            }
            SiteRoute::Outbox => http::json(&self.outbox()?),
            SiteRoute::OperatorSocket { op, conversation } => {
                self.operator_socket_opened(&op, &conversation)?;
                no_content()
            }
            SiteRoute::Revoke(revoke) => {
                self.revoke(&self.known_site_id()?, &revoke).await?;
                no_content()
            }
            SiteRoute::IdentitySecret => http::json(&self.identity_secret()?),
            SiteRoute::SetIdentitySecret(secret) => self.set_identity_secret(&secret),
            SiteRoute::BindIdentity(proposed) => http::json(&self.bind_identity(proposed)?),
            SiteRoute::Identity { user_id } => match self.identity_of(&user_id)? {
                Some(conversation) => http::json(&conversation),
                None => http::error(ErrorCode::NotFound, "no conversation of this user"),
            },
            SiteRoute::ConversationUpdated(report) => {
                let response = self
                    .conversation_updated(&self.known_site_id()?, *report)
                    .await?;
                self.schedule_alarm().await?;
                Ok(response)
            }
            SiteRoute::Summary { id } => match self.summary_of(&id)? {
                Some(summary) => http::json(&summary),
                None => http::error(ErrorCode::NotFound, "no such conversation"),
            },
            SiteRoute::History { participant, query } => {
                let pairs = query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
                match HistoryQuery::from_pairs(pairs) {
                    Ok(query) => http::json(&self.history(&query, &participant)?),
                    Err(e) => http::protocol_error(e),
                }
            }
            SiteRoute::Reports {
                query,
                csv,
                chat_links,
            } => self.report(&query, csv.then_some(chat_links.as_str())),
            SiteRoute::Export { after, limit } => {
                self.export(&self.known_site_id()?, after, limit).await
            }
            SiteRoute::Import {
                export,
                replace_settings,
            } => {
                self.import(&self.known_site_id()?, *export, replace_settings)
                    .await
            }
            SiteRoute::Webhooks => http::json(&self.webhooks()?),
            SiteRoute::AddWebhook(endpoint) => self.add_webhook(&endpoint),
            SiteRoute::RemoveWebhook { id } => self.remove_webhook(&id),
            SiteRoute::WebhookLog => http::json(&self.webhook_log()?),
            SiteRoute::ApiKeys => http::json(&self.api_keys()?),
            SiteRoute::AddApiKey(key) => self.add_api_key(&key),
            SiteRoute::RevokeApiKey { id } => self.revoke_api_key(&id),
            SiteRoute::ApiKey { hash } => self.check_api_key(&hash),
            SiteRoute::AutoAnswers => http::json(&self.auto_answers()?),
            SiteRoute::SaveAutoAnswer { answer, new } => self.save_auto_answer(&answer, new),
            SiteRoute::RemoveAutoAnswer { id } => self.remove_auto_answer(&id),
            SiteRoute::MatchAutoAnswer { text } => http::json(&self.match_auto_answer(&text)?),
        }
    }

    /// The site's id, which every request names (`remember_site_id`).
    pub(super) fn known_site_id(&self) -> Result<SiteId> {
        self.site_id()?
            .ok_or_else(|| worker::Error::RustError("the site's id is not known yet".into()))
    }
}
