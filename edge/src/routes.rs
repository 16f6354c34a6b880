//! HTTP and WebSocket entry points under `/api/v1`. Every handler authenticates before it
//! touches an object; objects trust only what the router passes in internal headers.

use crate::auth::token::{Claims, TokenKey};
use crate::http::{self, internal};
use crate::objects::directory::{
    AccountStatus, AddOperator, RemoveOperator, VerifiedOperator, DIRECTORY_NAME,
};
use crate::objects::site::{SiteInit, SiteLink};
use crate::participant::Participant;
use protocol::decode::decode_body;
use protocol::{
    BootstrapRequest, ConversationId, ErrorCode, Geo, NewOperator, OperatorId, OperatorSession,
    Role, SignInRequest, SiteId, SiteSettings, VisitorId, VisitorSession, VisitorSessionRequest,
    WidgetConfig,
};
use worker::{Env, Headers, Method, Request, Response, Result, RouteContext, Router, Stub};

/// Operators sign in again after this long.
const OPERATOR_SESSION_MS: u64 = 12 * 60 * 60 * 1000;

pub async fn handle(req: Request, env: Env) -> Result<Response> {
    Router::new()
        .get("/api/v1/health", |_, _| {
            http::json(&serde_json::json!({ "ok": true }))
        })
        .post_async("/api/v1/bootstrap", bootstrap)
        .post_async("/api/v1/auth/sign-in", sign_in)
        .get_async("/api/v1/sites/:site/widget-config", |req, ctx| async move {
            http::with_cors(get_widget_config(req, ctx).await?)
        })
        .options("/api/v1/sites/:site/visitors", |_, _| {
            http::with_cors(Response::empty()?.with_status(204))
        })
        .post_async("/api/v1/sites/:site/visitors", |req, ctx| async move {
            http::with_cors(visitor_session(req, ctx).await?)
        })
        .get_async(
            "/api/v1/sites/:site/conversations/:conversation/visitor-socket",
            visitor_socket,
        )
        .get_async(
            "/api/v1/sites/:site/conversations/:conversation/operator-socket",
            operator_socket,
        )
        .get_async("/api/v1/sites/:site/inbox-socket", inbox_socket)
        .options(
            "/api/v1/sites/:site/conversations/:conversation/files",
            |_, _| http::with_cors(Response::empty()?.with_status(204)),
        )
        .post_async(
            "/api/v1/sites/:site/conversations/:conversation/files",
            |req, ctx| async move { http::with_cors(upload_file(req, ctx).await?) },
        )
        .get_async(
            "/api/v1/sites/:site/conversations/:conversation/files/:file",
            download_file,
        )
        .get_async("/api/v1/sites/:site/settings", |req, ctx| async move {
            site_admin_call(req, ctx, Method::Get, "/settings", false).await
        })
        .put_async("/api/v1/sites/:site/settings", put_settings)
        .get_async("/api/v1/sites/:site/operators", list_operators)
        .post_async("/api/v1/sites/:site/operators", add_operator)
        .delete_async("/api/v1/sites/:site/operators/:operator", remove_operator)
        .get_async("/api/v1/sites/:site/outbox", |req, ctx| async move {
            site_admin_call(req, ctx, Method::Get, "/outbox", true).await
        })
        .or_else_any_method("/*path", |_, _| {
            http::error(ErrorCode::NotFound, "no such endpoint")
        })
        .run(req, env)
        .await
}

fn token_key(env: &Env) -> std::result::Result<TokenKey, String> {
    let secret = env
        .secret("TOKEN_SECRET")
        .map_err(|_| "TOKEN_SECRET is not configured".to_string())?;
    TokenKey::new(&secret.to_string())
}

fn misconfigured(message: String) -> Result<Response> {
    worker::console_error!("{message}");
    http::error(ErrorCode::Internal, message)
}

fn site_param(ctx: &RouteContext<()>) -> std::result::Result<SiteId, String> {
    SiteId::parse(ctx.param("site").cloned().unwrap_or_default()).map_err(|e| e.to_string())
}

fn query(req: &Request, key: &str) -> Result<Option<String>> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned()))
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The visitor's country and city from Cloudflare's request data. Locally (`wrangler dev`,
/// where `request.cf` holds placeholders) the `X-Dev-Geo: CC/City` header stands in for it,
/// honoured only when the environment sets `ALLOW_DEV_HEADERS = "true"`.
fn visitor_geo(req: &Request, env: &Env) -> Geo {
    let dev = env
        .var("ALLOW_DEV_HEADERS")
        .map(|v| v.to_string() == "true")
        .unwrap_or(false);
    if dev {
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

fn conversations(env: &Env, site: &SiteId, conversation: &ConversationId) -> Result<Stub> {
    env.durable_object("CONVERSATIONS")?
        .id_from_name(&format!("{site}/{conversation}"))?
        .get_stub()
}

fn directory(env: &Env) -> Result<Stub> {
    env.durable_object("DIRECTORY")?
        .id_from_name(DIRECTORY_NAME)?
        .get_stub()
}

/// Constant-time string comparison for secrets.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn bootstrap(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let Ok(expected) = ctx.env.secret("BOOTSTRAP_TOKEN").map(|s| s.to_string()) else {
        return http::error(
            ErrorCode::Forbidden,
            "bootstrap is disabled: BOOTSTRAP_TOKEN is not set",
        );
    };
    let presented = req
        .headers()
        .get("Authorization")?
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned))
        .unwrap_or_default();
    if expected.is_empty() || !same_secret(&presented, &expected) {
        return http::error(
            ErrorCode::Unauthorized,
            "a valid bootstrap token is required",
        );
    }
    let request: BootstrapRequest = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if let Err(e) = request.validate() {
        return http::protocol_error(e);
    }
    let init = SiteInit {
        site: request.site.clone(),
        site_name: request.site_name.trim().to_owned(),
    };
    let init_body = Some(serde_json::to_string(&init)?);
    SiteLink::new(&ctx.env, &request.site)
        .forward(Method::Post, "/init", Headers::new(), init_body)
        .await?;
    http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/bootstrap",
        Headers::new(),
        Some(serde_json::to_string(&request)?),
    )
    .await
}

async fn sign_in(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let key = match token_key(&ctx.env) {
        Ok(key) => key,
        Err(e) => return misconfigured(e),
    };
    let request: SignInRequest = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if request.password.chars().count() > protocol::limits::MAX_PASSWORD_CHARS {
        return http::error(ErrorCode::TooLarge, "password is too long");
    }
    let mut answer = http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/sign-in",
        Headers::new(),
        Some(serde_json::to_string(&request)?),
    )
    .await?;
    if answer.status_code() != 200 {
        return Ok(answer);
    }
    let verified: VerifiedOperator = answer.json().await?;
    let expires_at = http::now_ms() + OPERATOR_SESSION_MS;
    let token = key.sign(&Claims::Operator {
        op: verified.id.clone(),
        name: verified.name.clone(),
        sites: verified.sites.clone(),
        exp: expires_at,
    });
    http::json(&OperatorSession {
        token,
        operator: verified.id,
        name: verified.name,
        sites: verified.sites,
        expires_at,
    })
}

/// The widget's start-up config for this request's visitor; `None` when the site is unknown.
async fn widget_config(req: &Request, env: &Env, site: &SiteId) -> Result<Option<WidgetConfig>> {
    let geo = visitor_geo(req, env);
    let query = format!(
        "/config?country={}&city={}",
        geo.country.as_deref().map(encode).unwrap_or_default(),
        geo.city.as_deref().map(encode).unwrap_or_default()
    );
    let mut answer = SiteLink::new(env, site)
        .forward(Method::Get, &query, Headers::new(), None)
        .await?;
    if answer.status_code() != 200 {
        return Ok(None);
    }
    Ok(Some(answer.json().await?))
}

/// `GET …/widget-config`: what the widget needs before any session exists (theme, triggers,
/// who is online), so a page view costs no visitor record.
async fn get_widget_config(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    match widget_config(&req, &ctx.env, &site).await? {
        Some(config) => http::json(&config),
        None => http::error(ErrorCode::NotFound, format!("no site {site}")),
    }
}

/// Starts a visitor session, or resumes the one whose token the widget kept.
async fn visitor_session(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let key = match token_key(&ctx.env) {
        Ok(key) => key,
        Err(e) => return misconfigured(e),
    };
    let body = match http::body_text(&mut req).await {
        Ok(text) => text,
        Err(e) => return http::protocol_error(e),
    };
    let request: VisitorSessionRequest = if body.trim().is_empty() {
        VisitorSessionRequest::default()
    } else {
        match decode_body(&body) {
            Ok(request) => request,
            Err(e) => return http::protocol_error(e),
        }
    };
    let Some(config) = widget_config(&req, &ctx.env, &site).await? else {
        return http::error(ErrorCode::NotFound, format!("no site {site}"));
    };

    // A token for this site is resumed; anything else (none, another site's, forged) starts a
    // new visitor, because the widget cannot do anything better with a token we refuse.
    let resumed = request
        .token
        .as_deref()
        .and_then(|t| key.verify(t, http::now_ms()).ok())
        .and_then(|claims| match claims {
            Claims::Visitor {
                site: s,
                visitor,
                conversation,
            } if s == site => Some((visitor, conversation)),
            _ => None,
        });
    let (visitor, conversation) = match resumed {
        Some(ids) => ids,
        None => (
            VisitorId::parse(crate::random::id()).expect("random ids are valid"),
            ConversationId::parse(crate::random::id()).expect("random ids are valid"),
        ),
    };
    let token = key.sign(&Claims::Visitor {
        site,
        visitor: visitor.clone(),
        conversation: conversation.clone(),
    });
    http::json(&VisitorSession {
        token,
        visitor,
        conversation,
        config,
    })
}

/// The account's standing now, from the directory rather than the token: a removed operator
/// or a changed role takes effect at once, not when the token expires.
async fn current_role(
    env: &Env,
    op: &OperatorId,
    site: &SiteId,
) -> Result<std::result::Result<Role, (ErrorCode, &'static str)>> {
    let path = format!("/active?op={}", encode(op.as_str()));
    let mut answer =
        http::call_object(&directory(env)?, Method::Get, &path, Headers::new(), None).await?;
    let status: AccountStatus = answer.json().await?;
    if !status.active {
        return Ok(Err((ErrorCode::Unauthorized, "this account was removed")));
    }
    Ok(status
        .sites
        .iter()
        .find(|m| &m.site == site)
        .map(|m| m.role)
        .ok_or((
            ErrorCode::Forbidden,
            "this account has no access to this site",
        )))
}

/// Re-checks an operator participant against the directory; visitors pass unchanged.
async fn recheck(
    env: &Env,
    participant: Participant,
    site: &SiteId,
) -> Result<std::result::Result<Participant, Response>> {
    match participant {
        Participant::Operator { id, name, .. } => match current_role(env, &id, site).await? {
            Ok(role) => Ok(Ok(Participant::Operator { id, name, role })),
            Err((code, why)) => Ok(Err(http::error(code, why)?)),
        },
        visitor => Ok(Ok(visitor)),
    }
}

/// The operator behind `Authorization: Bearer <token>`, if the token verifies, the account is
/// active and on `site` (with an owner or admin role when `admin` is asked for).
async fn operator_request(
    req: &Request,
    env: &Env,
    site: &SiteId,
    admin: bool,
) -> Result<std::result::Result<(OperatorId, Role), Response>> {
    let key = match token_key(env) {
        Ok(key) => key,
        Err(e) => return Ok(Err(misconfigured(e)?)),
    };
    let token = req
        .headers()
        .get("Authorization")?
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned));
    let Some(token) = token else {
        return Ok(Err(http::error(
            ErrorCode::Unauthorized,
            "missing bearer token",
        )?));
    };
    let op = match key.verify(&token, http::now_ms()) {
        Ok(Claims::Operator { op, .. }) => op,
        Ok(Claims::Visitor { .. }) => {
            return Ok(Err(http::error(
                ErrorCode::Forbidden,
                "this token does not grant access to this site",
            )?))
        }
        Err(e) => return Ok(Err(http::error(ErrorCode::Unauthorized, e.to_string())?)),
    };
    let role = match current_role(env, &op, site).await? {
        Ok(role) => role,
        Err((code, why)) => return Ok(Err(http::error(code, why)?)),
    };
    if admin && role == Role::Operator {
        return Ok(Err(http::error(
            ErrorCode::Forbidden,
            "only owners and admins may do this",
        )?));
    }
    Ok(Ok((op, role)))
}

/// Reads from the site's object for an operator of the site (an admin when `admin`).
async fn site_admin_call(
    req: Request,
    ctx: RouteContext<()>,
    method: Method,
    path: &str,
    admin: bool,
) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    if let Err(response) = operator_request(&req, &ctx.env, &site, admin).await? {
        return Ok(response);
    }
    SiteLink::new(&ctx.env, &site)
        .forward(method, path, Headers::new(), None)
        .await
}

async fn put_settings(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    if let Err(response) = operator_request(&req, &ctx.env, &site, true).await? {
        return Ok(response);
    }
    let settings: SiteSettings = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if let Err(e) = settings.validate() {
        return http::protocol_error(e);
    }
    SiteLink::new(&ctx.env, &site)
        .forward(
            Method::Put,
            "/settings",
            Headers::new(),
            Some(serde_json::to_string(&settings)?),
        )
        .await
}

async fn list_operators(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    if let Err(response) = operator_request(&req, &ctx.env, &site, false).await? {
        return Ok(response);
    }
    let path = format!("/operators?site={}", encode(site.as_str()));
    http::call_object(
        &directory(&ctx.env)?,
        Method::Get,
        &path,
        Headers::new(),
        None,
    )
    .await
}

async fn add_operator(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let actor_role = match operator_request(&req, &ctx.env, &site, true).await? {
        Ok((_, role)) => role,
        Err(response) => return Ok(response),
    };
    let operator: NewOperator = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if let Err(e) = operator.validate() {
        return http::protocol_error(e);
    }
    if operator.role == Role::Admin && actor_role != Role::Owner {
        return http::error(ErrorCode::Forbidden, "only the owner makes admins");
    }
    let body = serde_json::to_string(&AddOperator { site, operator })?;
    http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/operators",
        Headers::new(),
        Some(body),
    )
    .await
}

async fn remove_operator(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let (actor, actor_role) = match operator_request(&req, &ctx.env, &site, true).await? {
        Ok(actor) => actor,
        Err(response) => return Ok(response),
    };
    let Ok(id) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return http::error(ErrorCode::NotFound, "no such operator on this site");
    };
    let body = serde_json::to_string(&RemoveOperator {
        site,
        id,
        actor,
        actor_role,
    })?;
    http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/operators/remove",
        Headers::new(),
        Some(body),
    )
    .await
}

/// What a socket request must carry: a WebSocket upgrade and a token that verifies.
fn socket_claims(req: &Request, env: &Env) -> std::result::Result<Claims, Result<Response>> {
    let upgrade = req
        .headers()
        .get("Upgrade")
        .ok()
        .flatten()
        .unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(
            http::error(ErrorCode::InvalidField, "expected a WebSocket upgrade")
                .map(|r| r.with_status(426)),
        );
    }
    let key = token_key(env).map_err(misconfigured)?;
    let token = query(req, "token")
        .ok()
        .flatten()
        .ok_or_else(|| http::error(ErrorCode::Unauthorized, "missing token"))?;
    key.verify(&token, http::now_ms())
        .map_err(|e| http::error(ErrorCode::Unauthorized, e.to_string()))
}

fn connect_headers(
    participant: &Participant,
    site: &SiteId,
    conversation: Option<&ConversationId>,
) -> Result<Headers> {
    let headers = Headers::new();
    headers.set("Upgrade", "websocket")?;
    headers.set(internal::PARTICIPANT, &participant.encode())?;
    headers.set(internal::SITE, site.as_str())?;
    if let Some(conversation) = conversation {
        headers.set(internal::CONVERSATION, conversation.as_str())?;
    }
    Ok(headers)
}

fn after_param(req: &Request) -> u64 {
    query(req, "after")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn route_ids(ctx: &RouteContext<()>) -> std::result::Result<(SiteId, ConversationId), String> {
    let site = site_param(ctx)?;
    let conversation =
        ConversationId::parse(ctx.param("conversation").cloned().unwrap_or_default())
            .map_err(|e| e.to_string())?;
    Ok((site, conversation))
}

/// Which endpoint a conversation socket came in through.
#[derive(Clone, Copy)]
enum Side {
    Visitor,
    Operator,
}

async fn visitor_socket(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    conversation_socket(req, ctx, Side::Visitor).await
}

async fn operator_socket(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    conversation_socket(req, ctx, Side::Operator).await
}

/// A visitor may join only the conversation his token names; an operator any conversation of
/// a site his token includes.
fn conversation_participant(
    claims: Claims,
    side: Side,
    site: &SiteId,
    conversation: &ConversationId,
) -> std::result::Result<Participant, &'static str> {
    match (side, claims) {
        (
            Side::Visitor,
            Claims::Visitor {
                site: s,
                visitor,
                conversation: c,
            },
        ) if &s == site && &c == conversation => Ok(Participant::Visitor { visitor }),
        (Side::Visitor, _) => Err("this token does not grant access to this conversation"),
        (Side::Operator, claims) => {
            operator_on(claims, site).ok_or("this token does not grant access to this site")
        }
    }
}

async fn conversation_socket(req: Request, ctx: RouteContext<()>, side: Side) -> Result<Response> {
    let (site, conversation) = match route_ids(&ctx) {
        Ok(ids) => ids,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let claims = match socket_claims(&req, &ctx.env) {
        Ok(claims) => claims,
        Err(response) => return response,
    };
    let participant = match conversation_participant(claims, side, &site, &conversation) {
        Ok(participant) => participant,
        Err(why) => return http::error(ErrorCode::Forbidden, why),
    };
    let participant = match recheck(&ctx.env, participant, &site).await? {
        Ok(participant) => participant,
        Err(response) => return Ok(response),
    };
    let headers = connect_headers(&participant, &site, Some(&conversation))?;
    let path = format!("/connect?after={}", after_param(&req));
    http::call_object(
        &conversations(&ctx.env, &site, &conversation)?,
        Method::Get,
        &path,
        headers,
        None,
    )
    .await
}

/// The conversation participant behind a token (from `Authorization: Bearer` or `?token=`), for
/// file requests: a visitor of this conversation or an operator of this site.
fn file_participant(
    req: &Request,
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
) -> std::result::Result<Participant, Result<Response>> {
    let key = token_key(env).map_err(misconfigured)?;
    let token = req
        .headers()
        .get("Authorization")
        .ok()
        .flatten()
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned))
        .or_else(|| query(req, "token").ok().flatten())
        .ok_or_else(|| http::error(ErrorCode::Unauthorized, "missing token"))?;
    let claims = key
        .verify(&token, http::now_ms())
        .map_err(|e| http::error(ErrorCode::Unauthorized, e.to_string()))?;
    let side = match claims {
        Claims::Visitor { .. } => Side::Visitor,
        Claims::Operator { .. } => Side::Operator,
    };
    conversation_participant(claims, side, site, conversation)
        .map_err(|why| http::error(ErrorCode::Forbidden, why))
}

/// `POST …/files`: the raw file as the body, its type in `Content-Type`, its name
/// percent-encoded in `X-File-Name`. Answers the attachment to send in a message.
async fn upload_file(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, conversation) = match route_ids(&ctx) {
        Ok(ids) => ids,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let participant = match file_participant(&req, &ctx.env, &site, &conversation) {
        Ok(participant) => participant,
        Err(response) => return response,
    };
    if let Err(response) = recheck(&ctx.env, participant, &site).await? {
        return Ok(response);
    }
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    if declared > protocol::files::MAX_FILE_BYTES {
        return http::error(ErrorCode::TooLarge, "files may be at most 10 MB");
    }
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    let name = req
        .headers()
        .get("X-File-Name")?
        .map(|n| decode_component(&n))
        .unwrap_or_default();
    let bytes = req.bytes().await?;
    let name = match protocol::files::check_upload(&name, &content_type, &bytes) {
        Ok(name) => name,
        Err(e) => return http::protocol_error(e),
    };
    let attachment =
        crate::files::save(&ctx.env, &site, &conversation, &name, &content_type, bytes).await?;
    Ok(http::json(&attachment)?.with_status(201))
}

/// `GET …/files/{id}?token=`: images and PDFs inline, everything else as a download; never
/// sniffed or run as a page.
async fn download_file(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, conversation) = match route_ids(&ctx) {
        Ok(ids) => ids,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let participant = match file_participant(&req, &ctx.env, &site, &conversation) {
        Ok(participant) => participant,
        Err(response) => return response,
    };
    if let Err(response) = recheck(&ctx.env, participant, &site).await? {
        return Ok(response);
    }
    let id = ctx.param("file").cloned().unwrap_or_default();
    let Some((attachment, bytes)) = crate::files::load(&ctx.env, &site, &conversation, &id).await?
    else {
        return http::error(ErrorCode::NotFound, "no such file");
    };
    let inline = attachment.is_image() || attachment.content_type == "application/pdf";
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        encode(&attachment.name)
    );
    let headers = Headers::new();
    headers.set("Content-Type", &attachment.content_type)?;
    headers.set("Content-Disposition", &disposition)?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Content-Security-Policy", "default-src 'none'; sandbox")?;
    headers.set("Cache-Control", "private, max-age=3600")?;
    headers.set("Cross-Origin-Resource-Policy", "cross-origin")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// Decodes a percent-encoded UTF-8 string; malformed input is kept as typed.
fn decode_component(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => {
                match u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| value.to_owned())
}

/// An operator participant for `site`, if the claims are an operator token that includes it.
fn operator_on(claims: Claims, site: &SiteId) -> Option<Participant> {
    let role = claims.operator_role(site)?;
    match claims {
        Claims::Operator { op, name, .. } => Some(Participant::Operator { id: op, name, role }),
        Claims::Visitor { .. } => None,
    }
}

async fn inbox_socket(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let claims = match socket_claims(&req, &ctx.env) {
        Ok(claims) => claims,
        Err(response) => return response,
    };
    let Some(participant) = operator_on(claims, &site) else {
        return http::error(
            ErrorCode::Forbidden,
            "this token does not grant access to this site",
        );
    };
    let participant = match recheck(&ctx.env, participant, &site).await? {
        Ok(participant) => participant,
        Err(response) => return Ok(response),
    };
    let headers = connect_headers(&participant, &site, None)?;
    SiteLink::new(&ctx.env, &site)
        .forward(Method::Get, "/inbox", headers, None)
        .await
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
