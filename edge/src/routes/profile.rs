//! The operator's own account (profile, custom statuses), avatars, and owners adding sites.

use super::*;
use crate::objects::directory::{AvatarChanged, ClaimSite, SaveStatuses};
use crate::objects::revoke::SocketSession;
use protocol::{AccountProfile, CustomStatus, NewSite};

/// The active account behind `Authorization: Bearer <operator token>`: a live session of an
/// account that works on some site.
pub(super) async fn account_request(
    req: &Request,
    env: &Env,
) -> Handled<(OperatorId, SocketSession)> {
    let (op, session) = account::operator_session(req, env).await?;
    let status = DirectoryLink::new(env)?.status(&op, &session.sid).await?;
    if !status.session {
        return refuse(
            ErrorCode::Unauthorized,
            "this session has ended: sign in again",
        );
    }
    if !status.active {
        return refuse(ErrorCode::Unauthorized, "this account was removed");
    }
    Ok((op, session))
}

async fn profile_of(env: &Env, op: &OperatorId) -> Result<AccountProfile> {
    DirectoryLink::new(env)?.profile(op).await
}

/// `GET /api/v1/account`.
pub(super) async fn get_account(req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, _) = account_request(&req, &ctx.env).await?;
    Ok(http::json(&profile_of(&ctx.env, &op).await?)?)
}

/// `PUT /api/v1/account/statuses`: the operator's own custom statuses, at most three.
pub(super) async fn put_statuses(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, _) = account_request(&req, &ctx.env).await?;
    let statuses: Vec<CustomStatus> = http::read_json(&mut req).await?;
    if let Err(e) = CustomStatus::validate_list(&statuses) {
        return Err(e.into());
    }
    let body = SaveStatuses { op, statuses };
    Ok(DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::SaveStatuses(body))
        .await?)
}

fn avatar_key(operator: &OperatorId) -> String {
    format!("avatars/{operator}")
}

/// `PUT` (the image as the body) or `DELETE …/sites/{site}/operators/{id}/avatar`: the operator
/// himself, the owner, or an admin for an operator (not for another admin or the owner).
pub(super) async fn put_avatar(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, actor, role) = site_operator(&req, &ctx, Need::Operator).await?;
    let Ok(target) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return refuse(ErrorCode::NotFound, "no such operator");
    };
    let Some(member) = crate::objects::directory::colleague(&ctx.env, &site, &target).await? else {
        return refuse(ErrorCode::NotFound, "no such operator on this site");
    };
    let allowed = actor == target || role.may_change_photo_of(member.role);
    if !allowed {
        return refuse(ErrorCode::Forbidden, "your role may not change this avatar");
    }
    // The photo belongs to the account, shown on every site it works on: of an account that
    // also works elsewhere, only its holder changes it.
    let elsewhere = DirectoryLink::new(&ctx.env)?
        .memberships(&target)
        .await?
        .iter()
        .any(|m| m.site != site);
    if actor != target && elsewhere {
        return refuse(
            ErrorCode::Forbidden,
            "this operator also works on other sites: only he changes his photo",
        );
    }
    let blobs = crate::blobs::Blobs::open(&ctx.env)?;
    let at = if req.method() == Method::Delete {
        blobs.delete(&avatar_key(&target)).await?;
        None
    } else {
        let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
        let bytes = match http::read_capped(&mut req, protocol::files::MAX_AVATAR_BYTES, || {
            "an avatar may be at most 512 KB".into()
        })
        .await
        {
            Ok(bytes) => bytes,
            Err(e) => return Ok(http::protocol_error(e)?),
        };
        let kind = protocol::files::check_avatar(&content_type, &bytes)?;
        blobs.put(&avatar_key(&target), bytes, kind, None).await?;
        Some(http::now_ms())
    };
    let body = AvatarChanged {
        op: target.clone(),
        at,
    };
    DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::Avatar(body))
        .await?;
    let avatar = at.map(|at| protocol::avatar_path(&target, at));
    Ok(http::json(&serde_json::json!({ "avatar": avatar }))?)
}

/// `GET /api/v1/avatars/{id}`: public (visitors see operators' photos), never sniffed; 204
/// when he has none.
pub(super) async fn get_avatar(_req: Request, ctx: RouteContext<()>) -> Handled {
    let Ok(id) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return refuse(ErrorCode::NotFound, "no such avatar");
    };
    let Some((info, bytes)) = crate::blobs::Blobs::open(&ctx.env)?
        .get(&avatar_key(&id))
        .await?
    else {
        // "No photo" is an answer, not an error: the widget asks for every operator's photo
        // and draws his initial when there is none.
        let headers = Headers::new();
        headers.set("Cache-Control", "public, max-age=300")?;
        return Ok(Response::empty()?.with_status(204).with_headers(headers));
    };
    let content_type = info.content_type;
    // The URL carries the version (`?v=`), so the image may be cached for long.
    let headers = http::stored_file_headers(&content_type, "public, max-age=86400")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// `POST /api/v1/sites`: an owner adds a site; answers a fresh session that includes it.
pub(super) async fn create_site(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, session) = account_request(&req, &ctx.env).await?;
    let new: NewSite = http::read_json(&mut req).await?;
    new.validate()?;
    let claim = ClaimSite {
        op: op.clone(),
        site: new.site.clone(),
    };
    let claimed = DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::ClaimSite(claim))
        .await?;
    if claimed.status_code() != 201 {
        return Ok(claimed);
    }
    init_site(&ctx.env, &new.site, &new.name).await?;
    let key = token_key(&ctx.env)?;
    let profile = profile_of(&ctx.env, &op).await?;
    // The same session, now with the new site: it ends when it would have.
    let expires_at = session.exp;
    let token = key.sign(&Claims::Operator {
        op: op.clone(),
        name: profile.name.clone(),
        sites: profile.sites.clone(),
        exp: expires_at,
        sid: session.sid,
    });
    Ok(http::json(&OperatorSession {
        token,
        operator: op,
        name: profile.name,
        sites: profile.sites,
        expires_at,
    })?
    .with_status(201))
}
