//! WebSocket entry points: conversation sockets for visitors and operators, the inbox socket.

use super::*;

/// What a socket request must carry: a WebSocket upgrade and a token that verifies.
pub(super) fn socket_claims(
    req: &Request,
    env: &Env,
) -> std::result::Result<Claims, Result<Response>> {
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

pub(super) fn connect_headers(
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

pub(super) fn after_param(req: &Request) -> u64 {
    query(req, "after")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub(super) fn route_ids(
    ctx: &RouteContext<()>,
) -> std::result::Result<(SiteId, ConversationId), String> {
    let site = site_param(ctx)?;
    let conversation =
        ConversationId::parse(ctx.param("conversation").cloned().unwrap_or_default())
            .map_err(|e| e.to_string())?;
    Ok((site, conversation))
}

/// Which endpoint a conversation socket came in through.
#[derive(Clone, Copy)]
pub(super) enum Side {
    Visitor,
    Operator,
}

pub(super) async fn visitor_socket(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    conversation_socket(req, ctx, Side::Visitor).await
}

pub(super) async fn operator_socket(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    conversation_socket(req, ctx, Side::Operator).await
}

/// A visitor may join only the conversation his token names; an operator any conversation of
/// a site his token includes.
pub(super) fn conversation_participant(
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

pub(super) async fn conversation_socket(
    req: Request,
    ctx: RouteContext<()>,
    side: Side,
) -> Result<Response> {
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
    if let Participant::Visitor { visitor } = &participant {
        if let Some(refused) = origin_refused(&req, &ctx.env, &site).await? {
            return Ok(refused);
        }
        let ip = client_ip(&req);
        let banned = SiteLink::new(&ctx.env, &site)
            .is_banned(Some(visitor), ip.as_deref())
            .await?;
        if banned {
            return http::error(ErrorCode::Forbidden, "this visitor may not chat here");
        }
        if let Some(ip) = ip {
            headers.set(internal::IP, &ip)?;
        }
    }
    let mut path = format!("/connect?after={}", after_param(&req));
    if matches!(participant, Participant::Visitor { .. }) {
        let geo = visitor_geo(&req, &ctx.env);
        path.push_str(&format!(
            "&country={}&city={}",
            encode(geo.country.as_deref().unwrap_or("")),
            encode(geo.city.as_deref().unwrap_or(""))
        ));
    }
    http::call_object(
        &conversations(&ctx.env, &site, &conversation)?,
        Method::Get,
        &path,
        headers,
        None,
    )
    .await
}

/// An operator participant for `site`, if the claims are an operator token that includes it.
pub(super) fn operator_on(claims: Claims, site: &SiteId) -> Option<Participant> {
    let role = claims.operator_role(site)?;
    match claims {
        Claims::Operator { op, name, .. } => Some(Participant::Operator { id: op, name, role }),
        Claims::Visitor { .. } => None,
    }
}

pub(super) async fn inbox_socket(req: Request, ctx: RouteContext<()>) -> Result<Response> {
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
