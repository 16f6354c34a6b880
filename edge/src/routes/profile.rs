//! The operator's own account (profile, custom statuses), avatars, and owners adding sites.

use super::*;
use crate::objects::directory::{AvatarChanged, ClaimSite, SaveStatuses};
use protocol::{AccountProfile, CustomStatus, NewSite};

/// The active account behind `Authorization: Bearer <operator token>`.
async fn account_request(
    req: &Request,
    env: &Env,
) -> Result<std::result::Result<OperatorId, Response>> {
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
            return Ok(Err(http::error(ErrorCode::Forbidden, "operators only")?))
        }
        Err(e) => return Ok(Err(http::error(ErrorCode::Unauthorized, e.to_string())?)),
    };
    let path = format!("/active?op={}", encode(op.as_str()));
    let mut answer =
        http::call_object(&directory(env)?, Method::Get, &path, Headers::new(), None).await?;
    let status: AccountStatus = answer.json().await?;
    if !status.active {
        return Ok(Err(http::error(
            ErrorCode::Unauthorized,
            "this account was removed",
        )?));
    }
    Ok(Ok(op))
}

async fn profile_of(env: &Env, op: &OperatorId) -> Result<AccountProfile> {
    let path = format!("/profile?op={}", encode(op.as_str()));
    http::call_object(&directory(env)?, Method::Get, &path, Headers::new(), None)
        .await?
        .json()
        .await
}

/// `GET /api/v1/account`.
pub(super) async fn get_account(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    match account_request(&req, &ctx.env).await? {
        Ok(op) => http::json(&profile_of(&ctx.env, &op).await?),
        Err(response) => Ok(response),
    }
}

/// `PUT /api/v1/account/statuses`: the operator's own custom statuses, at most three.
pub(super) async fn put_statuses(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let op = match account_request(&req, &ctx.env).await? {
        Ok(op) => op,
        Err(response) => return Ok(response),
    };
    let statuses: Vec<CustomStatus> = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if let Err(e) = CustomStatus::validate_list(&statuses) {
        return http::protocol_error(e);
    }
    let body = SaveStatuses { op, statuses };
    http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/statuses",
        Headers::new(),
        Some(serde_json::to_string(&body)?),
    )
    .await
}

fn avatar_key(operator: &OperatorId) -> String {
    format!("avatars/{operator}")
}

/// `PUT` (the image as the body) or `DELETE …/sites/{site}/operators/{id}/avatar`: the operator
/// himself, the owner, or an admin for an operator (not for another admin or the owner).
pub(super) async fn put_avatar(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, actor, role) = match site_operator(&req, &ctx, false).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let Ok(target) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return http::error(ErrorCode::NotFound, "no such operator");
    };
    let Some(member) = crate::objects::directory::colleague(&ctx.env, &site, &target).await? else {
        return http::error(ErrorCode::NotFound, "no such operator on this site");
    };
    let allowed = actor == target
        || role == Role::Owner
        || (role == Role::Admin && member.role == Role::Operator);
    if !allowed {
        return http::error(ErrorCode::Forbidden, "your role may not change this avatar");
    }
    let blobs = crate::blobs::Blobs::open(&ctx.env)?;
    let at = if req.method() == Method::Delete {
        blobs.delete(&avatar_key(&target)).await?;
        None
    } else {
        let declared = req
            .headers()
            .get("Content-Length")?
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        if declared > protocol::files::MAX_AVATAR_BYTES {
            return http::error(ErrorCode::TooLarge, "an avatar may be at most 512 KB");
        }
        let content_type = req.headers().get("Content-Type")?.unwrap_or_default();
        let bytes = req.bytes().await?;
        let kind = match protocol::files::check_avatar(&content_type, &bytes) {
            Ok(kind) => kind,
            Err(e) => return http::protocol_error(e),
        };
        blobs.put(&avatar_key(&target), bytes, kind, None).await?;
        Some(http::now_ms())
    };
    let body = AvatarChanged {
        op: target.clone(),
        at,
    };
    http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/avatar",
        Headers::new(),
        Some(serde_json::to_string(&body)?),
    )
    .await?;
    let avatar = at.map(|at| protocol::avatar_path(&target, at));
    http::json(&serde_json::json!({ "avatar": avatar }))
}

/// `GET /api/v1/avatars/{id}`: public (visitors see operators' photos), never sniffed; 204
/// when he has none.
pub(super) async fn get_avatar(_req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let Ok(id) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return http::error(ErrorCode::NotFound, "no such avatar");
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
    let headers = Headers::new();
    headers.set("Content-Type", &content_type)?;
    headers.set("X-Content-Type-Options", "nosniff")?;
    headers.set("Content-Security-Policy", "default-src 'none'; sandbox")?;
    // The URL carries the version (`?v=`), so the image may be cached for long.
    headers.set("Cache-Control", "public, max-age=86400")?;
    headers.set("Cross-Origin-Resource-Policy", "cross-origin")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// `POST /api/v1/sites`: an owner adds a site; answers a fresh session that includes it.
pub(super) async fn create_site(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let op = match account_request(&req, &ctx.env).await? {
        Ok(op) => op,
        Err(response) => return Ok(response),
    };
    let new: NewSite = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if let Err(e) = new.validate() {
        return http::protocol_error(e);
    }
    let claim = ClaimSite {
        op: op.clone(),
        site: new.site.clone(),
    };
    let claimed = http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/sites",
        Headers::new(),
        Some(serde_json::to_string(&claim)?),
    )
    .await?;
    if claimed.status_code() != 201 {
        return Ok(claimed);
    }
    let init = SiteInit {
        site: new.site.clone(),
        site_name: new.name.trim().to_owned(),
    };
    SiteLink::new(&ctx.env, &new.site)
        .forward(
            Method::Post,
            "/init",
            Headers::new(),
            Some(serde_json::to_string(&init)?),
        )
        .await?;
    let key = match token_key(&ctx.env) {
        Ok(key) => key,
        Err(e) => return misconfigured(e),
    };
    let profile = profile_of(&ctx.env, &op).await?;
    let expires_at = http::now_ms() + OPERATOR_SESSION_MS;
    let token = key.sign(&Claims::Operator {
        op: op.clone(),
        name: profile.name.clone(),
        sites: profile.sites.clone(),
        exp: expires_at,
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
