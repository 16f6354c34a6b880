//! Live visitors: every page with the widget keeps a presence socket; operators start chats
//! with visitors from the console's list.

use super::*;
use crate::objects::site::link::{PresenceInit, StartChat, StartOutcome};
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
pub(super) async fn presence_socket(req: Request, ctx: RouteContext<()>) -> Handled {
    let site = site_param(&ctx)?;
    let upgrade = req.headers().get("Upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        let refused = http::error(ErrorCode::InvalidField, "expected a WebSocket upgrade")?;
        return Ok(refused.with_status(426));
    }
    check_origin(&req, &ctx.env, &site).await?;
    let key = query(&req, "key")?.unwrap_or_default();
    if !valid_key(&key) {
        return refuse(
            ErrorCode::InvalidField,
            "key: expected 16 to 64 URL-safe characters",
        );
    }
    let tokens = token_key(&ctx.env)?;
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
    Ok(SiteLink::new(&ctx.env, &site)
        .connect(&path, headers)
        .await?)
}

/// `POST …/live-visitors/{id}/chat`: any operator of the site starts a chat with a visitor on
/// it now. A visitor with no chat yet gets one (his widget is handed its token); either way
/// his window opens and the console writes into the returned conversation.
pub(super) async fn start_chat(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Operator).await?;
    let tokens = token_key(&ctx.env)?;
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
        StartOutcome::Left => return refuse(ErrorCode::NotFound, "this visitor has left the site"),
        StartOutcome::Banned => return refuse(ErrorCode::Forbidden, "this visitor is banned"),
    };
    if started.created {
        let meta = crate::objects::conversation::link::NewConversation {
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
    Ok(http::json(&started.chat)?)
}
