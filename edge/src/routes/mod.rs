//! HTTP and WebSocket entry points under `/api/v1`. Every handler authenticates before it
//! touches an object; objects trust only what the router passes in internal headers.

use crate::auth::same_secret;
use crate::auth::token::{Claims, TokenKey};
use crate::http::{self, encode, internal, query};
use crate::objects::conversation::link::ConversationLink;
use crate::objects::directory::{AddOperator, DirectoryLink, DirectoryRoute, RemoveOperator};
use crate::objects::site::link::{
    PageOrigin, SiteInit, SiteLink, SiteRoute, INBOX_PATH, PRESENCE_PATH,
};
use crate::participant::Participant;
use crate::refusal::{answer, refuse, Handled, Refusal};
use protocol::decode::decode_body;
use protocol::{
    BootstrapRequest, ConversationId, ErrorCode, Geo, NewOperator, OperatorId, OperatorSession,
    Role, SignInRequest, SiteId, SiteSettings, VisitorId, VisitorSession, VisitorSessionRequest,
    WidgetConfig,
};
use worker::{Env, Headers, Method, Request, Response, Result, RouteContext, Router};

mod account;
mod admin;
mod auto_answers;
mod files;
mod live;
mod passwords;
mod profile;
mod push;
mod rest;
mod sockets;
mod telegram;
mod visitor;
mod webhooks;

use account::*;
use admin::*;
use files::*;
use live::*;
use profile::*;
use sockets::*;
use visitor::*;

/// Operators sign in again after this long.
const OPERATOR_SESSION_MS: u64 = 12 * 60 * 60 * 1000;
/// A visitor's session ends after this long without a page view that resumes it.
const VISITOR_SESSION_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// Adds one endpoint per line to a router: `method "path" => handler [more args];`. Every
/// handler takes the request and its context (then the bracketed args) and answers through
/// `answer`, which turns a refusal into its response.
macro_rules! endpoints {
    ($router:expr; $($method:ident $path:literal => $handler:path $([$($arg:expr),*])?;)*) => {
        $router$(.$method($path, |req, ctx| answer($handler(req, ctx $($(, $arg)*)?))))*
    };
}

pub async fn handle(req: Request, env: Env) -> Result<Response> {
    // The endpoints that need more than `answer` (health, CORS, preflight) first, then one line
    // per endpoint.
    let router = Router::new()
        .get("/api/v1/health", |_, _| {
            // Reached only with a good configuration (see lib.rs): 503 otherwise.
            http::json(&serde_json::json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") }))
        })
        .get_async("/api/v1/sites/:site/widget-config", |req, ctx| async move {
            http::with_cors(answer(get_widget_config(req, ctx)).await?)
        })
        .options("/api/v1/sites/:site/visitors", |_, _| {
            http::with_cors(Response::empty()?.with_status(204))
        })
        .post_async("/api/v1/sites/:site/visitors", |req, ctx| async move {
            http::with_cors(answer(visitor_session(req, ctx)).await?)
        })
        .options(
            "/api/v1/sites/:site/conversations/:conversation/files",
            |_, _| http::with_cors(Response::empty()?.with_status(204)),
        )
        .post_async(
            "/api/v1/sites/:site/conversations/:conversation/files",
            |req, ctx| async move { http::with_cors(answer(upload_file(req, ctx)).await?) },
        );
    let router = endpoints! {
        router;
        post_async "/api/v1/bootstrap" => bootstrap;
        post_async "/api/v1/auth/sign-in" => sign_in;
        post_async "/api/v1/auth/sign-out" => sign_out;
        post_async "/api/v1/auth/password-reset" => passwords::ask_reset;
        post_async "/api/v1/auth/password-reset/confirm" => passwords::confirm_reset;
        put_async "/api/v1/account/password" => passwords::change_password;
        get_async "/api/v1/dev/account-mail" => passwords::dev_account_mail;
        get_async "/api/v1/account" => get_account;
        put_async "/api/v1/account/statuses" => put_statuses;
        get_async "/api/v1/account/push-devices" => push::list;
        post_async "/api/v1/account/push-devices" => push::add;
        delete_async "/api/v1/account/push-devices/:device" => push::remove;
        post_async "/api/v1/sites" => create_site;
        get_async "/api/v1/avatars/:operator" => get_avatar;
        put_async "/api/v1/sites/:site/operators/:operator/avatar" => put_avatar;
        delete_async "/api/v1/sites/:site/operators/:operator/avatar" => put_avatar;
        get_async "/api/v1/sites/:site/conversations/:conversation/visitor-socket" => visitor_socket;
        get_async "/api/v1/sites/:site/conversations/:conversation/operator-socket" => operator_socket;
        get_async "/api/v1/sites/:site/inbox-socket" => inbox_socket;
        post_async "/api/v1/sites/:site/tickets" => ticket;
        get_async "/api/v1/sites/:site/presence-socket" => presence_socket;
        post_async "/api/v1/sites/:site/live-visitors/:id/chat" => start_chat;
        get_async "/api/v1/sites/:site/conversations/:conversation/files/:file" => download_file;
        get_async "/api/v1/sites/:site/settings" => site_admin_call [SiteRoute::Settings, Need::Operator];
        put_async "/api/v1/sites/:site/settings" => put_settings;
        get_async "/api/v1/sites/:site/export" => export_site;
        post_async "/api/v1/sites/:site/import" => import_site;
        get_async "/api/v1/sites/:site/operators" => list_operators;
        get_async "/api/v1/sites/:site/history" => history;
        get_async "/api/v1/sites/:site/identity-secret" => identity_secret;
        post_async "/api/v1/sites/:site/identity-secret" => identity_secret;
        delete_async "/api/v1/sites/:site/identity-secret" => identity_secret;
        get_async "/api/v1/sites/:site/reports" => reports;
        get_async "/api/v1/sites/:site/reports.csv" => reports;
        get_async "/api/v1/sites/:site/api-keys" => contact_tool_call [SiteRoute::ApiKeys];
        post_async "/api/v1/sites/:site/api-keys" => rest::create_api_key;
        delete_async "/api/v1/sites/:site/api-keys/:key" => contact_tool_item ["key", |id| SiteRoute::RevokeApiKey { id }];
        get_async "/api/rest/v1/sites/:site/conversations" => rest::conversations;
        get_async "/api/rest/v1/sites/:site/conversations/:conversation" => rest::conversation;
        put_async "/api/rest/v1/sites/:site/conversations/:conversation/custom-data" => rest::custom_data;
        put_async "/api/rest/v1/sites/:site/users/:user/custom-data" => rest::custom_data;
        get_async "/api/rest/v1/sites/:site/contacts" => rest::contacts;
        get_async "/api/v1/sites/:site/webhooks" => contact_tool_call [SiteRoute::Webhooks];
        post_async "/api/v1/sites/:site/webhooks" => webhooks::add_webhook;
        get_async "/api/v1/sites/:site/webhooks/deliveries" => contact_tool_call [SiteRoute::WebhookLog];
        delete_async "/api/v1/sites/:site/webhooks/:webhook" => contact_tool_item ["webhook", |id| SiteRoute::RemoveWebhook { id }];
        get_async "/api/v1/sites/:site/auto-answers" => auto_answers::list;
        post_async "/api/v1/sites/:site/auto-answers" => auto_answers::add;
        put_async "/api/v1/sites/:site/auto-answers/:answer" => auto_answers::replace;
        delete_async "/api/v1/sites/:site/auto-answers/:answer" => auto_answers::remove;
        get_async "/api/v1/sites/:site/bans" => site_admin_call [SiteRoute::Bans, Need::Admin];
        post_async "/api/v1/sites/:site/bans" => add_ban;
        delete_async "/api/v1/sites/:site/bans/:ban" => unban;
        post_async "/api/v1/sites/:site/operators" => add_operator;
        delete_async "/api/v1/sites/:site/operators/:operator" => remove_operator;
        post_async "/api/v1/sites/:site/operators/:operator/sign-out" => passwords::sign_out_everywhere;
        get_async "/api/v1/sites/:site/outbox" => contact_tool_call [SiteRoute::Outbox];
        get_async "/api/v1/sites/:site/telegram" => telegram::status;
        put_async "/api/v1/sites/:site/telegram" => telegram::connect;
        delete_async "/api/v1/sites/:site/telegram" => telegram::disconnect;
        post_async "/api/v1/telegram/:site" => telegram::update;
    };
    router
        .or_else_any_method("/*path", |_, _| {
            http::error(ErrorCode::NotFound, "no such endpoint")
        })
        .run(req, env)
        .await
}

/// The visitor's IP address as Cloudflare (and wrangler dev) report it.
fn client_ip(req: &Request) -> Option<String> {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .filter(|ip| !ip.is_empty() && ip.len() <= 64)
}

/// The key that signs tokens; a bad `TOKEN_SECRET` is a misconfiguration (500, logged).
fn token_key(env: &Env) -> Handled<TokenKey> {
    let config = crate::config::get(env).map_err(|e| misconfiguration(e.to_string()))?;
    TokenKey::new(&config.token_secret).map_err(misconfiguration)
}

/// 429 with when to try again (`Retry-After` in seconds, and in ms in the body).
fn too_many<T>(retry_after_ms: u64) -> Handled<T> {
    let error = protocol::ErrorBody::rate_limited(None, retry_after_ms);
    let headers = Headers::new();
    headers.set("Retry-After", &retry_after_ms.div_ceil(1000).to_string())?;
    let response = http::json(&error)?.with_status(429).with_headers(headers);
    Err(Refusal::Answer(response))
}

/// A setting the relay needs is bad: logged, and a 500 naming it.
fn misconfiguration(message: String) -> Refusal {
    crate::log::error("config.invalid", &message, &[]);
    Refusal::new(ErrorCode::Internal, message)
}

/// The route's site id (404 when malformed).
fn site_param(ctx: &RouteContext<()>) -> Handled<SiteId> {
    SiteId::parse(ctx.param("site").cloned().unwrap_or_default())
        .map_err(|e| Refusal::new(ErrorCode::NotFound, e.to_string()))
}

/// Local runs (`ALLOW_DEV_HEADERS=true`): dev headers count, and pages on this machine may run
/// any site's widget.
fn dev_mode(env: &Env) -> bool {
    crate::config::get(env).is_ok_and(|c| c.allow_dev_headers)
}

/// The page this request comes from (`Origin`), for the site's allowed origins.
fn page_origin(req: &Request, env: &Env) -> PageOrigin {
    PageOrigin {
        origin: req.headers().get("Origin").ok().flatten(),
        dev: dev_mode(env),
    }
}

/// Refused (403) when the site does not let pages of this request's origin run its widget.
async fn check_origin(req: &Request, env: &Env, site: &SiteId) -> Handled<()> {
    let answer = SiteLink::new(env, site)
        .send(&SiteRoute::Origin(page_origin(req, env)))
        .await?;
    if answer.status_code() == 403 {
        return refuse(
            ErrorCode::Forbidden,
            "this site does not allow its chat on this page's origin",
        );
    }
    Ok(())
}

/// The visitor's country and city from Cloudflare's request data. Locally (`wrangler dev`,
/// where `request.cf` holds placeholders) the `X-Dev-Geo: CC/City` header stands in for it,
/// honoured only when the environment sets `ALLOW_DEV_HEADERS = "true"`.
fn visitor_geo(req: &Request, env: &Env) -> Geo {
    if dev_mode(env) {
        if let Some(value) = req.headers().get("X-Dev-Geo").ok().flatten() {
            let (country, city) = value.split_once('/').unwrap_or((&value, ""));
            let keep =
                |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty() && s.len() <= 80);
            return Geo {
                country: keep(country).map(|c| c.to_uppercase()),
                city: keep(city),
            };
        }
        return Geo::default();
    }
    let cf = req.cf();
    Geo {
        country: cf.and_then(|cf| cf.country()),
        city: cf.and_then(|cf| cf.city()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{OperatorId, Role, SiteMembership};

    fn site(s: &str) -> SiteId {
        SiteId::parse(s).unwrap()
    }
    fn conv(c: &str) -> ConversationId {
        ConversationId::parse(c).unwrap()
    }
    fn visitor_claims() -> Claims {
        Claims::Visitor {
            site: site("demo"),
            visitor: VisitorId::parse("v").unwrap(),
            conversation: conv("mine"),
            exp: Some(u64::MAX),
        }
    }
    fn operator_claims() -> Claims {
        Claims::Operator {
            op: OperatorId::parse("op").unwrap(),
            name: "Anna".into(),
            sites: vec![SiteMembership {
                site: site("demo"),
                role: Role::Operator,
            }],
            exp: u64::MAX,
            sid: "s".into(),
        }
    }

    #[test]
    fn visitors_reach_only_their_own_conversation() {
        let join = |claims, s: &str, c: &str| {
            conversation_participant(claims, Side::Visitor, &site(s), &conv(c)).is_ok()
        };
        assert!(join(visitor_claims(), "demo", "mine"));
        assert!(!join(visitor_claims(), "demo", "theirs"));
        assert!(!join(visitor_claims(), "other", "mine"));
        assert!(!join(operator_claims(), "demo", "mine"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(decode_component("%D1%84%D0%BE%D1%82%D0%BE.png"), "фото.png");
        assert_eq!(decode_component("a%2"), "a%2");
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(encode("фото 1.png"), "%D1%84%D0%BE%D1%82%D0%BE%201.png");
    }

    #[test]
    fn operators_reach_conversations_of_their_sites_only() {
        let join = |claims, s: &str| {
            conversation_participant(claims, Side::Operator, &site(s), &conv("any"))
        };
        assert!(matches!(
            join(operator_claims(), "demo"),
            Ok(Participant::Operator {
                role: Role::Operator,
                ..
            })
        ));
        assert!(join(operator_claims(), "other").is_err());
        assert!(join(visitor_claims(), "demo").is_err());
    }
}
