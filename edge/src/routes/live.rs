//! Live visitors: every page with the widget keeps a presence socket; operators start chats
//! with visitors from the console's list.

use super::*;
use crate::objects::site::{PresenceInit, StartChat, StartOutcome};
use protocol::visitors::describe_user_agent;

/// The browser's own random key: 16 to 64 URL-safe characters.
fn valid_key(key: &str) -> bool {
    (16..=64).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `GET …/presence-socket?key=…&token=…`: no token is needed (visitors who never chatted are
/// listed too); a valid visitor token of this site links the visitor to his conversation.
pub(super) async fn presence_socket(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match site_param(&ctx) {
        Ok(site) => site,
        Err(e) => return http::error(ErrorCode::NotFound, e),
    };
    let upgrade = req.headers().get("Upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return http::error(ErrorCode::InvalidField, "expected a WebSocket upgrade")
            .map(|r| r.with_status(426));
    }
    if let Some(refused) = origin_refused(&req, &ctx.env, &site).await? {
        return Ok(refused);
    }
    let key = query(&req, "key")?.unwrap_or_default();
    if !valid_key(&key) {
        return http::error(
            ErrorCode::InvalidField,
            "key: expected 16 to 64 URL-safe characters",
        );
    }
    let tokens = match token_key(&ctx.env) {
        Ok(tokens) => tokens,
        Err(e) => return misconfigured(e),
    };
    let claims = query(&req, "token")?.and_then(|t| tokens.verify(&t, http::now_ms()).ok());
    let (visitor, conversation) = match claims {
        Some(Claims::Visitor {
            site: s,
            visitor,
            conversation,
            exp: Some(_),
        }) if s == site => (Some(visitor), Some(conversation)),
        _ => (None, None),
    };
    let agent = req.headers().get("User-Agent")?.unwrap_or_default();
    let (browser, os) = describe_user_agent(&agent);
    let init = PresenceInit {
        key,
        visitor,
        conversation,
        geo: visitor_geo(&req, &ctx.env),
        ip: client_ip(&req),
        browser,
        os,
    };
    let headers = Headers::new();
    headers.set("Upgrade", "websocket")?;
    let path = format!(
        "{PRESENCE_PATH}?init={}",
        encode(&serde_json::to_string(&init)?)
    );
    SiteLink::new(&ctx.env, &site).connect(&path, headers).await
}

/// `POST …/live-visitors/{id}/chat`: any operator of the site starts a chat with a visitor on
/// it now. A visitor with no chat yet gets one (his widget is handed its token); either way
/// his window opens and the console writes into the returned conversation.
pub(super) async fn start_chat(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, false).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let tokens = match token_key(&ctx.env) {
        Ok(tokens) => tokens,
        Err(e) => return misconfigured(e),
    };
    let id = ctx.param("id").cloned().unwrap_or_default();
    let visitor = VisitorId::parse(crate::random::id()).expect("random ids are valid");
    let conversation = ConversationId::parse(crate::random::id()).expect("random ids are valid");
    let token = tokens.sign(&Claims::Visitor {
        site: site.clone(),
        visitor: visitor.clone(),
        conversation: conversation.clone(),
        exp: Some(http::now_ms() + VISITOR_SESSION_MS),
    });
    let start = StartChat {
        id,
        token,
        visitor,
        conversation,
    };
    let started = match SiteLink::new(&ctx.env, &site).start_chat(&start).await? {
        StartOutcome::Started(started) => started,
        StartOutcome::Left => {
            return http::error(ErrorCode::NotFound, "this visitor has left the site")
        }
        StartOutcome::Banned => return http::error(ErrorCode::Forbidden, "this visitor is banned"),
    };
    if started.created {
        let meta = crate::objects::conversation::NewConversation {
            site: site.clone(),
            conversation: started.chat.conversation.clone(),
            visitor: started.visitor.clone(),
            ip: started.ip.clone(),
            geo: started.geo.clone(),
        };
        ConversationLink::new(&ctx.env, &site, &started.chat.conversation)?
            .open(meta)
            .await?;
    }
    http::json(&started.chat)
}
