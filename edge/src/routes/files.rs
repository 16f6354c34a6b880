//! Files of a conversation: upload and download, for its visitor and the site's operators.

use super::*;
use crate::objects::revoke::SocketSession;

/// The conversation participant behind a token (from `Authorization: Bearer` or `?token=`), for
/// file requests: a visitor of this conversation or an operator of this site.
pub(super) fn file_participant(
    req: &Request,
    env: &Env,
    site: &SiteId,
    conversation: &ConversationId,
) -> Handled<(Participant, Option<SocketSession>)> {
    let key = token_key(env)?;
    let in_header = bearer(req);
    let from_url = in_header.is_none();
    let token = in_header
        .or_else(|| query(req, "token").ok().flatten())
        .ok_or_else(|| Refusal::new(ErrorCode::Unauthorized, "missing token"))?;
    let claims = key
        .verify(&token, http::now_ms())
        .map_err(|e| Refusal::new(ErrorCode::Unauthorized, e.to_string()))?;
    let side = match claims {
        Claims::Visitor { .. } => Side::Visitor,
        // Operators' session tokens go in the Authorization header, never in a URL.
        Claims::Operator { .. } if from_url => {
            return Err(Refusal::new(
                ErrorCode::Unauthorized,
                "operators send their token in the Authorization header, not in the URL",
            ))
        }
        Claims::Operator { .. } => Side::Operator,
        Claims::Ticket { .. } => {
            return Err(Refusal::new(
                ErrorCode::Unauthorized,
                "tickets open sockets, not files",
            ))
        }
    };
    let session = claims.session();
    conversation_participant(claims, side, site, conversation)
        .map(|participant| (participant, session))
        .map_err(|why| Refusal::new(ErrorCode::Forbidden, why))
}

/// The site and conversation of a file request, once its token is checked (and, for an
/// operator, his current role).
async fn file_request(req: &Request, ctx: &RouteContext<()>) -> Handled<(SiteId, ConversationId)> {
    let (site, conversation) = route_ids(ctx)?;
    let (participant, session) = file_participant(req, &ctx.env, &site, &conversation)?;
    let participant = recheck(&ctx.env, participant, session.as_ref(), &site).await?;
    // A banned visitor reaches no file, nor uploads one.
    if let Participant::Visitor { visitor } = &participant {
        let banned = SiteLink::new(&ctx.env, &site)
            .is_banned(Some(visitor), client_ip(req).as_deref())
            .await?;
        if banned {
            return refuse(ErrorCode::Forbidden, "this visitor may not chat here");
        }
    }
    // The conversation must exist (nothing is stored for one that does not), and an operator
    // reaches the files of chats he may open: not a colleague's.
    {
        let answer = ConversationLink::new(&ctx.env, &site, &conversation)?
            .access(&participant)
            .await?;
        match answer.status_code() {
            204 => {}
            // A fresh response: the object's own has immutable headers (CORS is added after).
            404 => return refuse(ErrorCode::NotFound, "no such conversation"),
            _ => return refuse(ErrorCode::Forbidden, "this chat is assigned to a colleague"),
        }
    }
    Ok((site, conversation))
}

/// `POST …/files`: the raw file as the body, its type in `Content-Type`, its name
/// percent-encoded in `X-File-Name`. Answers the attachment to send in a message.
pub(super) async fn upload_file(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, conversation) = file_request(&req, &ctx).await?;
    // Visitors' uploads are rate limited per IP address (operators' are not).
    let by_visitor = matches!(
        file_participant(&req, &ctx.env, &site, &conversation),
        Ok((Participant::Visitor { .. }, _))
    );
    if by_visitor {
        check_origin(&req, &ctx.env, &site).await?;
    }
    if let (true, Some(ip)) = (by_visitor, client_ip(&req)) {
        let admitted = SiteLink::new(&ctx.env, &site)
            .admit(crate::limits::Limited::Uploads, &ip)
            .await?;
        if let Err(retry_after_ms) = admitted {
            return too_many(retry_after_ms);
        }
    }
    let config = crate::config::of(&ctx.env)?;
    let most = config.max_upload_bytes / 1024 / 1024;
    let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
    let name = req
        .headers()
        .get("X-File-Name")?
        .map(|n| decode_component(&n))
        .unwrap_or_default();
    let bytes = match http::read_capped(&mut req, config.max_upload_bytes, || {
        format!("files may be at most {most} MB")
    })
    .await
    {
        Ok(bytes) => bytes,
        Err(e) => return Ok(http::protocol_error(e)?),
    };
    let name = protocol::files::check_upload(&name, &content_type, &bytes, config.upload_policy())?;
    let attachment =
        crate::files::save(&ctx.env, &site, &conversation, &name, &content_type, bytes).await?;
    // Deleted in an hour unless a message sends it.
    ConversationLink::new(&ctx.env, &site, &conversation)?
        .uploaded(&attachment.id)
        .await?;
    Ok(http::json(&attachment)?.with_status(201))
}

/// `GET …/files/{id}` (the visitor's token in `?token=`, an operator's in the header): images and PDFs inline, everything else as a download; never
/// sniffed or run as a page.
pub(super) async fn download_file(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, conversation) = file_request(&req, &ctx).await?;
    let id = ctx.param("file").cloned().unwrap_or_default();
    let Some((attachment, bytes)) = crate::files::load(&ctx.env, &site, &conversation, &id).await?
    else {
        return refuse(ErrorCode::NotFound, "no such file");
    };
    let inline = attachment.is_image() || attachment.content_type == "application/pdf";
    let disposition = format!(
        "{}; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        encode(&attachment.name)
    );
    let headers = http::stored_file_headers(&attachment.content_type, "private, max-age=3600")?;
    headers.set("Content-Disposition", &disposition)?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// Decodes a percent-encoded UTF-8 string; malformed input is kept as typed.
pub(super) fn decode_component(value: &str) -> String {
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
