//! HTTP and WebSocket entry points under `/api/v1`. Every handler authenticates before it
//! touches an object; objects trust only what the router passes in internal headers.

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
mod files;
mod live;
mod passwords;
mod profile;
mod rest;
mod sockets;
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

pub async fn handle(req: Request, env: Env) -> Result<Response> {
    Router::new()
        .get("/api/v1/health", |_, _| {
            // Reached only with a good configuration (see lib.rs): 503 otherwise.
            http::json(&serde_json::json!({ "ok": true, "version": env!("CARGO_PKG_VERSION") }))
        })
        .post_async("/api/v1/bootstrap", |req, ctx| answer(bootstrap(req, ctx)))
        .post_async("/api/v1/auth/sign-in", |req, ctx| answer(sign_in(req, ctx)))
        .post_async("/api/v1/auth/sign-out", |req, ctx| {
            answer(sign_out(req, ctx))
        })
        .post_async("/api/v1/auth/password-reset", |req, ctx| {
            answer(passwords::ask_reset(req, ctx))
        })
        .post_async("/api/v1/auth/password-reset/confirm", |req, ctx| {
            answer(passwords::confirm_reset(req, ctx))
        })
        .put_async("/api/v1/account/password", |req, ctx| {
            answer(passwords::change_password(req, ctx))
        })
        .get_async("/api/v1/dev/account-mail", |req, ctx| {
            answer(passwords::dev_account_mail(req, ctx))
        })
        .get_async("/api/v1/account", |req, ctx| answer(get_account(req, ctx)))
        .put_async("/api/v1/account/statuses", |req, ctx| {
            answer(put_statuses(req, ctx))
        })
        .post_async("/api/v1/sites", |req, ctx| answer(create_site(req, ctx)))
        .get_async("/api/v1/avatars/:operator", |req, ctx| {
            answer(get_avatar(req, ctx))
        })
        .put_async(
            "/api/v1/sites/:site/operators/:operator/avatar",
            |req, ctx| answer(put_avatar(req, ctx)),
        )
        .delete_async(
            "/api/v1/sites/:site/operators/:operator/avatar",
            |req, ctx| answer(put_avatar(req, ctx)),
        )
        .get_async("/api/v1/sites/:site/widget-config", |req, ctx| async move {
            http::with_cors(answer(get_widget_config(req, ctx)).await?)
        })
        .options("/api/v1/sites/:site/visitors", |_, _| {
            http::with_cors(Response::empty()?.with_status(204))
        })
        .post_async("/api/v1/sites/:site/visitors", |req, ctx| async move {
            http::with_cors(answer(visitor_session(req, ctx)).await?)
        })
        .get_async(
            "/api/v1/sites/:site/conversations/:conversation/visitor-socket",
            |req, ctx| answer(visitor_socket(req, ctx)),
        )
        .get_async(
            "/api/v1/sites/:site/conversations/:conversation/operator-socket",
            |req, ctx| answer(operator_socket(req, ctx)),
        )
        .get_async("/api/v1/sites/:site/inbox-socket", |req, ctx| {
            answer(inbox_socket(req, ctx))
        })
        .post_async("/api/v1/sites/:site/tickets", |req, ctx| {
            answer(ticket(req, ctx))
        })
        .get_async("/api/v1/sites/:site/presence-socket", |req, ctx| {
            answer(presence_socket(req, ctx))
        })
        .post_async("/api/v1/sites/:site/live-visitors/:id/chat", |req, ctx| {
            answer(start_chat(req, ctx))
        })
        .options(
            "/api/v1/sites/:site/conversations/:conversation/files",
            |_, _| http::with_cors(Response::empty()?.with_status(204)),
        )
        .post_async(
            "/api/v1/sites/:site/conversations/:conversation/files",
            |req, ctx| async move { http::with_cors(answer(upload_file(req, ctx)).await?) },
        )
        .get_async(
            "/api/v1/sites/:site/conversations/:conversation/files/:file",
            |req, ctx| answer(download_file(req, ctx)),
        )
        .get_async("/api/v1/sites/:site/settings", |req, ctx| {
            answer(site_admin_call(
                req,
                ctx,
                SiteRoute::Settings,
                Need::Operator,
            ))
        })
        .put_async("/api/v1/sites/:site/settings", |req, ctx| {
            answer(put_settings(req, ctx))
        })
        .get_async("/api/v1/sites/:site/export", |req, ctx| {
            answer(export_site(req, ctx))
        })
        .post_async("/api/v1/sites/:site/import", |req, ctx| {
            answer(import_site(req, ctx))
        })
        .get_async("/api/v1/sites/:site/operators", |req, ctx| {
            answer(list_operators(req, ctx))
        })
        .get_async("/api/v1/sites/:site/history", |req, ctx| {
            answer(history(req, ctx))
        })
        .get_async("/api/v1/sites/:site/identity-secret", |req, ctx| {
            answer(identity_secret(req, ctx))
        })
        .post_async("/api/v1/sites/:site/identity-secret", |req, ctx| {
            answer(identity_secret(req, ctx))
        })
        .delete_async("/api/v1/sites/:site/identity-secret", |req, ctx| {
            answer(identity_secret(req, ctx))
        })
        .get_async("/api/v1/sites/:site/reports", |req, ctx| {
            answer(reports(req, ctx))
        })
        .get_async("/api/v1/sites/:site/reports.csv", |req, ctx| {
            answer(reports(req, ctx))
        })
        .get_async("/api/v1/sites/:site/api-keys", |req, ctx| {
            answer(rest::api_keys(req, ctx))
        })
        .post_async("/api/v1/sites/:site/api-keys", |req, ctx| {
            answer(rest::api_keys(req, ctx))
        })
        .delete_async("/api/v1/sites/:site/api-keys/:key", |req, ctx| {
            answer(rest::revoke_api_key(req, ctx))
        })
        .get_async("/api/rest/v1/sites/:site/conversations", |req, ctx| {
            answer(rest::conversations(req, ctx))
        })
        .get_async(
            "/api/rest/v1/sites/:site/conversations/:conversation",
            |req, ctx| answer(rest::conversation(req, ctx)),
        )
        .put_async(
            "/api/rest/v1/sites/:site/conversations/:conversation/custom-data",
            |req, ctx| answer(rest::custom_data(req, ctx)),
        )
        .put_async(
            "/api/rest/v1/sites/:site/users/:user/custom-data",
            |req, ctx| answer(rest::custom_data(req, ctx)),
        )
        .get_async("/api/rest/v1/sites/:site/contacts", |req, ctx| {
            answer(rest::contacts(req, ctx))
        })
        .get_async("/api/v1/sites/:site/webhooks", |req, ctx| {
            answer(webhooks::webhooks(req, ctx))
        })
        .post_async("/api/v1/sites/:site/webhooks", |req, ctx| {
            answer(webhooks::webhooks(req, ctx))
        })
        .get_async("/api/v1/sites/:site/webhooks/deliveries", |req, ctx| {
            answer(contact_tool_call(req, ctx, SiteRoute::WebhookLog))
        })
        .delete_async("/api/v1/sites/:site/webhooks/:webhook", |req, ctx| {
            answer(webhooks::remove_webhook(req, ctx))
        })
        .get_async("/api/v1/sites/:site/bans", |req, ctx| {
            answer(site_admin_call(req, ctx, SiteRoute::Bans, Need::Admin))
        })
        .delete_async("/api/v1/sites/:site/bans/:ban", |req, ctx| {
            answer(unban(req, ctx))
        })
        .post_async("/api/v1/sites/:site/operators", |req, ctx| {
            answer(add_operator(req, ctx))
        })
        .delete_async("/api/v1/sites/:site/operators/:operator", |req, ctx| {
            answer(remove_operator(req, ctx))
        })
        .post_async(
            "/api/v1/sites/:site/operators/:operator/sign-out",
            |req, ctx| answer(passwords::sign_out_everywhere(req, ctx)),
        )
        .get_async("/api/v1/sites/:site/outbox", |req, ctx| {
            answer(contact_tool_call(req, ctx, SiteRoute::Outbox))
        })
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

/// Constant-time string comparison for secrets.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
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
