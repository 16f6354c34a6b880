//! WebSocket entry points: conversation sockets for visitors and operators, the inbox socket.

use super::*;
use crate::objects::revoke::SocketSession;

/// What a socket request must carry: a WebSocket upgrade and a token that verifies.
pub(super) fn socket_claims(req: &Request, env: &Env) -> Handled<Claims> {
    let upgrade = req
        .headers()
        .get("Upgrade")
        .ok()
        .flatten()
        .unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        let refused = http::error(ErrorCode::InvalidField, "expected a WebSocket upgrade")?;
        return Err(Refusal::Answer(refused.with_status(426)));
    }
    let key = token_key(env)?;
    let token = query(req, "ticket")
        .ok()
        .flatten()
        .or_else(|| query(req, "token").ok().flatten())
        .ok_or_else(|| Refusal::new(ErrorCode::Unauthorized, "missing token"))?;
    key.verify(&token, http::now_ms())
        .map_err(|e| Refusal::new(ErrorCode::Unauthorized, e.to_string()))
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

/// The route's site and conversation ids (404 when malformed).
pub(super) fn route_ids(ctx: &RouteContext<()>) -> Handled<(SiteId, ConversationId)> {
    let site = site_param(ctx)?;
    let conversation =
        ConversationId::parse(ctx.param("conversation").cloned().unwrap_or_default())
            .map_err(|e| Refusal::new(ErrorCode::NotFound, e.to_string()))?;
    Ok((site, conversation))
}

/// Which endpoint a conversation socket came in through.
#[derive(Clone, Copy)]
pub(super) enum Side {
    Visitor,
    Operator,
}

pub(super) async fn visitor_socket(req: Request, ctx: RouteContext<()>) -> Handled {
    conversation_socket(req, ctx, Side::Visitor).await
}

pub(super) async fn operator_socket(req: Request, ctx: RouteContext<()>) -> Handled {
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
fn ticket_required(claims: &Claims) -> Handled<()> {
    if matches!(claims, Claims::Operator { .. }) {
        return refuse(
            ErrorCode::Unauthorized,
            "operator sockets take a ticket (POST /api/v1/sites/{site}/tickets), not the session token",
        );
    }
    Ok(())
}

/// `POST /api/v1/sites/{site}/tickets` `{"conversation": id | null}`: a pass, good for a minute,
/// for one operator socket: that conversation's, or the inbox's when `null`.
pub(super) async fn ticket(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, op, _) = site_operator(&req, &ctx, Need::Operator).await?;
    let scope: protocol::TicketRequest = http::read_json(&mut req).await?;
    let key = token_key(&ctx.env)?;
    let (session, name) = match bearer(&req).and_then(|t| key.verify(&t, http::now_ms()).ok()) {
        Some(claims @ Claims::Operator { .. }) => {
            let session = claims.session().expect("operator claims have a session");
            let Claims::Operator { name, .. } = claims else {
                unreachable!()
            };
            (session, name)
        }
        _ => return refuse(ErrorCode::Unauthorized, "missing bearer token"),
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
    Ok(http::json(&protocol::SocketTicket { ticket, expires_at })?)
}

/// How long a socket ticket may wait to be used.
const TICKET_MS: u64 = 60_000;

pub(super) async fn conversation_socket(
    req: Request,
    ctx: RouteContext<()>,
    side: Side,
) -> Handled {
    let (site, conversation) = route_ids(&ctx)?;
    let claims = socket_claims(&req, &ctx.env)?;
    if let Side::Operator = side {
        ticket_required(&claims)?;
    }
    let session = claims.session();
    let participant = match conversation_participant(claims, side, &site, &conversation) {
        Ok(participant) => participant,
        Err(why) => return refuse(ErrorCode::Forbidden, why),
    };
    let participant = recheck(&ctx.env, participant, session.as_ref(), &site).await?;
    let headers = connect_headers(&participant, session.as_ref(), &site, Some(&conversation))?;
    if let Participant::Visitor { visitor } = &participant {
        check_origin(&req, &ctx.env, &site).await?;
        let ip = client_ip(&req);
        let banned = SiteLink::new(&ctx.env, &site)
            .is_banned(Some(visitor), ip.as_deref())
            .await?;
        if banned {
            return refuse(ErrorCode::Forbidden, "this visitor may not chat here");
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

pub(super) async fn inbox_socket(req: Request, ctx: RouteContext<()>) -> Handled {
    let site = site_param(&ctx)?;
    let claims = socket_claims(&req, &ctx.env)?;
    ticket_required(&claims)?;
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
            return refuse(
                ErrorCode::Forbidden,
                "this ticket does not grant access to this site's inbox",
            )
        }
    };
    let participant = recheck(&ctx.env, participant, session.as_ref(), &site).await?;
    let headers = connect_headers(&participant, session.as_ref(), &site, None)?;
    Ok(SiteLink::new(&ctx.env, &site)
        .connect(INBOX_PATH, headers)
        .await?)
}
