//! Site administration over HTTP: settings, the team, the outbox.

use super::*;

/// Reads from the site's object for an operator of the site (an admin when `admin`).
pub(super) async fn site_admin_call(
    req: Request,
    ctx: RouteContext<()>,
    method: Method,
    path: &str,
    admin: bool,
) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, admin).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    SiteLink::new(&ctx.env, &site)
        .forward(method, path, Headers::new(), None)
        .await
}

pub(super) async fn put_settings(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, role) = match site_operator(&req, &ctx, true).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let settings: SiteSettings = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if let Err(e) = settings.validate() {
        return http::protocol_error(e);
    }
    let link = SiteLink::new(&ctx.env, &site);
    // Masking decides what admins themselves may see: only the owner changes it.
    if role != Role::Owner && link.settings().await?.masking != settings.masking {
        return http::error(
            ErrorCode::Forbidden,
            "only the owner changes contact masking",
        );
    }
    link.forward(
        Method::Put,
        "/settings",
        Headers::new(),
        Some(serde_json::to_string(&settings)?),
    )
    .await
}

/// Lifts a ban (owners and admins only).
pub(super) async fn unban(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, true).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let Ok(id) = ctx.param("ban").cloned().unwrap_or_default().parse::<u64>() else {
        return http::error(ErrorCode::NotFound, "no such ban");
    };
    SiteLink::new(&ctx.env, &site)
        .forward(
            Method::Delete,
            &format!("/bans?id={id}"),
            Headers::new(),
            None,
        )
        .await
}

pub(super) async fn list_operators(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, false).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
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

pub(super) async fn add_operator(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, actor_role) = match site_operator(&req, &ctx, true).await? {
        Ok(found) => found,
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

pub(super) async fn remove_operator(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, actor, actor_role) = match site_operator(&req, &ctx, true).await? {
        Ok(found) => found,
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

/// Searches the conversation history: admins search every chat, operators the ones they may
/// open. Filters are the query string (`protocol::history::HistoryQuery`).
pub(super) async fn history(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, id, role) = match site_operator(&req, &ctx, false).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let participant = Participant::Operator {
        id,
        name: String::new(),
        role,
    };
    let headers = Headers::new();
    headers.set(internal::PARTICIPANT, &participant.encode())?;
    let query = req.url()?.query().unwrap_or_default().to_owned();
    SiteLink::new(&ctx.env, &site)
        .forward(Method::Get, &format!("/history?{query}"), headers, None)
        .await
}

/// `GET` (whether one is set), `POST` (a new one, shown once) or `DELETE` (verification off)
/// `…/sites/{site}/identity-secret`: owners and admins.
pub(super) async fn identity_secret(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, true).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let link = SiteLink::new(&ctx.env, &site);
    let secret = match req.method() {
        Method::Get => {
            let enabled = link.identity_secret().await?.is_some();
            return http::json(&serde_json::json!({ "enabled": enabled }));
        }
        Method::Post => Some(format!("{}{}", crate::random::id(), crate::random::id())),
        _ => None,
    };
    let body = crate::objects::site::IdentitySecret {
        secret: secret.clone(),
    };
    link.forward(
        Method::Put,
        "/identity-secret",
        Headers::new(),
        Some(serde_json::to_string(&body)?),
    )
    .await?;
    http::json(&serde_json::json!({ "enabled": secret.is_some(), "secret": secret }))
}

/// `GET …/sites/{site}/reports` (JSON) and `…/reports.csv`: owners and admins.
pub(super) async fn reports(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, true).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let url = req.url()?;
    let file = if url.path().ends_with(".csv") {
        "/reports.csv"
    } else {
        "/reports"
    };
    let path = format!("{file}?{}", url.query().unwrap_or_default());
    SiteLink::new(&ctx.env, &site)
        .forward(Method::Get, &path, Headers::new(), None)
        .await
}

/// The owner of `site`, or the response refusing everyone else.
async fn owner_only(
    req: &Request,
    ctx: &RouteContext<()>,
) -> Result<std::result::Result<SiteId, Response>> {
    match site_operator(req, ctx, true).await? {
        Ok((site, _, Role::Owner)) => Ok(Ok(site)),
        Ok(_) => Ok(Err(http::error(
            ErrorCode::Forbidden,
            "only the owner exports and imports a site's data",
        )?)),
        Err(response) => Ok(Err(response)),
    }
}

/// `GET …/sites/{site}/export?after=<id>`: the owner only (protocol::export).
pub(super) async fn export_site(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let site = match owner_only(&req, &ctx).await? {
        Ok(site) => site,
        Err(response) => return Ok(response),
    };
    let path = format!("/export?{}", req.url()?.query().unwrap_or_default());
    SiteLink::new(&ctx.env, &site)
        .forward(Method::Get, &path, Headers::new(), None)
        .await
}

/// `POST …/sites/{site}/import`: the owner only; the document is checked whole before
/// anything is written.
pub(super) async fn import_site(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    use protocol::export::{SiteExport, MAX_IMPORT_BYTES};
    let site = match owner_only(&req, &ctx).await? {
        Ok(site) => site,
        Err(response) => return Ok(response),
    };
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_IMPORT_BYTES {
        let most = MAX_IMPORT_BYTES / 1024 / 1024;
        return http::error(
            ErrorCode::TooLarge,
            format!("an import may be at most {most} MB: import page by page"),
        );
    }
    let export: SiteExport = match serde_json::from_slice(&bytes) {
        Ok(export) => export,
        Err(e) => {
            return http::error(
                ErrorCode::InvalidField,
                format!("not an export document: {e}"),
            )
        }
    };
    if let Err(e) = export.validate().and_then(|_| export.settings.validate()) {
        return http::protocol_error(e);
    }
    let body = Some(serde_json::to_string(&export)?);
    SiteLink::new(&ctx.env, &site)
        .forward(Method::Post, "/import", Headers::new(), body)
        .await
}
