//! WebSocket entry points: conversation sockets for visitors and operators, the inbox socket.

use super::*;
use crate::objects::revoke::SocketSession;

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
    let token = query(req, "ticket")
        .ok()
        .flatten()
        .or_else(|| query(req, "token").ok().flatten())
        .ok_or_else(|| http::error(ErrorCode::Unauthorized, "missing token"))?;
    key.verify(&token, http::now_ms())
        .map_err(|e| http::error(ErrorCode::Unauthorized, e.to_string()))
}

pub(super) fn connect_headers(
    participant: &Participant,
    session: Option<&SocketSession>,
    site: &SiteId,
    conversation: Option<&ConversationId>,
) -> Result<Headers> {
    let headers = Headers::new();
    headers.set("Upgrade", "websocket")?;
    headers.set(internal::PARTICIPANT, &participant.encode())?;
    if let (Participant::Operator { .. }, Some(session)) = (participant, session) {
        headers.set(internal::SESSION, &session.encode())?;
    }
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

/// A visitor may join only the conversation his token names (a token that expires); an
/// operator a conversation of a site he works on: on a socket with a ticket for that one
/// conversation, for files with his session token in the `Authorization` header.
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
                exp,
            },
        ) if &s == site && &c == conversation => match exp {
            Some(_) => Ok(Participant::Visitor { visitor }),
            None => Err("this visitor token has expired: start the chat again"),
        },
        (Side::Visitor, _) => Err("this token does not grant access to this conversation"),
        (
            Side::Operator,
            Claims::Ticket {
                op,
                name,
                site: s,
                conversation: Some(c),
                ..
            },
        ) if &s == site && &c == conversation => Ok(Participant::Operator {
            id: op,
            name,
            // The directory says his role now (`recheck`).
            role: Role::Operator,
        }),
        (Side::Operator, Claims::Ticket { .. }) => {
            Err("this ticket does not grant access to this conversation")
        }
        (Side::Operator, claims) => {
            operator_on(claims, site).ok_or("this token does not grant access to this site")
        }
    }
}

/// Operator sockets take tickets: the session token must not travel in a URL.
fn ticket_required(claims: &Claims) -> Option<Result<Response>> {
    matches!(claims, Claims::Operator { .. }).then(|| {
        http::error(
            ErrorCode::Unauthorized,
            "operator sockets take a ticket (POST /api/v1/sites/{site}/tickets), not the session token",
        )
    })
}

/// `POST /api/v1/sites/{site}/tickets` `{"conversation": id | null}`: a pass, good for a minute,
/// for one operator socket: that conversation's, or the inbox's when `null`.
pub(super) async fn ticket(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, op, _) = match site_operator(&req, &ctx, false).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let scope: protocol::TicketRequest = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    let key = match token_key(&ctx.env) {
        Ok(key) => key,
        Err(e) => return misconfigured(e),
    };
    let (session, name) = match bearer(&req).and_then(|t| key.verify(&t, http::now_ms()).ok()) {
        Some(claims @ Claims::Operator { .. }) => {
            let session = claims.session().expect("operator claims have a session");
            let Claims::Operator { name, .. } = claims else {
                unreachable!()
            };
            (session, name)
        }
        _ => return http::error(ErrorCode::Unauthorized, "missing bearer token"),
    };
    let expires_at = (http::now_ms() + TICKET_MS).min(session.exp);
    let ticket = key.sign(&Claims::Ticket {
        op,
        name,
        sid: session.sid,
        site,
        conversation: scope.conversation,
        exp: expires_at,
        session_exp: session.exp,
    });
    http::json(&protocol::SocketTicket { ticket, expires_at })
}

/// How long a socket ticket may wait to be used.
const TICKET_MS: u64 = 60_000;

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
    if let (Side::Operator, Some(refused)) = (side, ticket_required(&claims)) {
        return refused;
    }
    let session = claims.session();
    let participant = match conversation_participant(claims, side, &site, &conversation) {
        Ok(participant) => participant,
        Err(why) => return http::error(ErrorCode::Forbidden, why),
    };
    let participant = match recheck(&ctx.env, participant, session.as_ref(), &site).await? {
        Ok(participant) => participant,
        Err(response) => return Ok(response),
    };
    let headers = connect_headers(&participant, session.as_ref(), &site, Some(&conversation))?;
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
    let geo =
        matches!(participant, Participant::Visitor { .. }).then(|| visitor_geo(&req, &ctx.env));
    let answer = ConversationLink::new(&ctx.env, &site, &conversation)?
        .connect(headers, after_param(&req), geo.as_ref())
        .await?;
    // The site remembers where an operator has sockets, to close them if his access ends.
    if let (101, Participant::Operator { id, .. }) = (answer.status_code(), &participant) {
        SiteLink::new(&ctx.env, &site)
            .operator_socket_opened(id, &conversation)
            .await?;
    }
    Ok(answer)
}

/// An operator participant for `site`, if the claims are an operator token that includes it.
pub(super) fn operator_on(claims: Claims, site: &SiteId) -> Option<Participant> {
    let role = claims.operator_role(site)?;
    match claims {
        Claims::Operator { op, name, .. } => Some(Participant::Operator { id: op, name, role }),
        Claims::Visitor { .. } | Claims::Ticket { .. } => None,
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
    if let Some(refused) = ticket_required(&claims) {
        return refused;
    }
    let session = claims.session();
    let participant = match claims {
        Claims::Ticket {
            op,
            name,
            site: s,
            conversation: None,
            ..
        } if s == site => Participant::Operator {
            id: op,
            name,
            role: Role::Operator,
        },
        _ => {
            return http::error(
                ErrorCode::Forbidden,
                "this ticket does not grant access to this site's inbox",
            )
        }
    };
    let participant = match recheck(&ctx.env, participant, session.as_ref(), &site).await? {
        Ok(participant) => participant,
        Err(response) => return Ok(response),
    };
    let headers = connect_headers(&participant, session.as_ref(), &site, None)?;
    SiteLink::new(&ctx.env, &site)
        .connect(INBOX_PATH, headers)
        .await
}
