//! Site administration over HTTP: settings, the team, the outbox.

use super::*;

/// Reads from the site's object for an operator of the site (an admin when `admin`).
pub(super) async fn site_admin_call(
    req: Request,
    ctx: RouteContext<()>,
    route: SiteRoute,
    admin: bool,
) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, admin).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    SiteLink::new(&ctx.env, &site).send(&route).await
}

/// Reads what only the owner may read while admins are masked (see `contact_tool_operator`).
pub(super) async fn contact_tool_call(
    req: Request,
    ctx: RouteContext<()>,
    route: SiteRoute,
) -> Result<Response> {
    let (site, _, _) = match contact_tool_operator(&req, &ctx).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    SiteLink::new(&ctx.env, &site).send(&route).await
}

/// Owners and admins, except that while the site masks visitors' contact data from admins,
/// the tools that would hand it to an admin anyway — the CSV export, API keys, webhooks and
/// their log, the outbox, the identity secret — are the owner's alone.
pub(super) async fn contact_tool_operator(
    req: &Request,
    ctx: &RouteContext<()>,
) -> Result<std::result::Result<(SiteId, OperatorId, Role), Response>> {
    let found = site_operator(req, ctx, true).await?;
    let Ok((site, op, role)) = found else {
        return Ok(found);
    };
    if role == Role::Admin
        && SiteLink::new(&ctx.env, &site)
            .settings()
            .await?
            .masking
            .admins
    {
        return Ok(Err(http::error(
            ErrorCode::Forbidden,
            "visitors' contact data is masked from admins: only the owner uses this",
        )?));
    }
    Ok(Ok((site, op, role)))
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
    link.send(&SiteRoute::SaveSettings(Box::new(settings)))
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
        .send(&SiteRoute::Unban { id: id as i64 })
        .await
}

pub(super) async fn list_operators(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, _) = match site_operator(&req, &ctx, false).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::Team {
            site: site.to_string(),
        })
        .await
}

/// Adds a colleague. A new e-mail gets a new account with the password given. An e-mail that
/// already has an account (he works on another site) is attached only when the password given
/// is that account's own: the person himself is adding it, within the sign-in limits. Without
/// that, an admin of any site could attach and then remove anyone's account.
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
    let link = DirectoryLink::new(&ctx.env)?;
    // Only a lookup: it spends nothing of the account's sign-ins.
    let query = crate::objects::directory::CredentialsQuery {
        email: Some(operator.email.clone()),
        ..Default::default()
    };
    let exists = match link.credentials(query.clone()).await? {
        crate::objects::directory::CredentialsAnswer::Account(account) => account.is_some(),
        crate::objects::directory::CredentialsAnswer::Wait { retry_after_ms } => {
            return too_many(retry_after_ms)
        }
    };
    let (password, existing) = if exists {
        let query = crate::objects::directory::CredentialsQuery {
            ip: client_ip(&req),
            ..query
        };
        match account::check_password(&ctx.env, query, &operator.password).await? {
            Ok(account) => (None, Some(account.id)),
            Err(refused) if refused.status_code() == 429 => return Ok(refused),
            Err(_) => {
                return http::error(
                    ErrorCode::Conflict,
                    "this e-mail already has an account: to add it to this site, enter that \
                     account's own password (its holder types it), or use another e-mail",
                )
            }
        }
    } else {
        let stored = crate::auth::password::hash_new(&operator.password)
            .await
            .map_err(worker::Error::RustError)?;
        (Some(stored.encode()), None)
    };
    link.send(&DirectoryRoute::AddOperator(AddOperator {
        site,
        operator,
        password,
        existing,
    }))
    .await
}

/// Removes an operator from this site; his open sockets here close at once.
pub(super) async fn remove_operator(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, actor, actor_role) = match site_operator(&req, &ctx, true).await? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let Ok(id) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return http::error(ErrorCode::NotFound, "no such operator on this site");
    };
    let answer = DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::RemoveOperator(RemoveOperator {
            site: site.clone(),
            id: id.clone(),
            actor,
            actor_role,
        }))
        .await?;
    if answer.status_code() == 204 {
        let revoke = crate::objects::revoke::Revoke {
            op: id,
            only: None,
            keep: None,
            reason: "removed from the team".into(),
        };
        SiteLink::new(&ctx.env, &site).revoke(&revoke).await?;
    }
    Ok(answer)
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
    let query = req.url()?.query_pairs().into_owned().collect();
    SiteLink::new(&ctx.env, &site)
        .send(&SiteRoute::History { participant, query })
        .await
}

/// `GET` (whether one is set), `POST` (a new one, shown once) or `DELETE` (verification off)
/// `…/sites/{site}/identity-secret`: owners and admins.
pub(super) async fn identity_secret(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let (site, _, _) = match contact_tool_operator(&req, &ctx).await? {
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
    link.send(&SiteRoute::SetIdentitySecret(body)).await?;
    http::json(&serde_json::json!({ "enabled": secret.is_some(), "secret": secret }))
}

/// `GET …/sites/{site}/reports` (JSON) and `…/reports.csv`: owners and admins.
pub(super) async fn reports(req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let url = req.url()?;
    // The CSV lists conversations with their contacts; the JSON report only counts.
    let found = if url.path().ends_with(".csv") {
        contact_tool_operator(&req, &ctx).await?
    } else {
        site_operator(&req, &ctx, true).await?
    };
    let (site, _, _) = match found {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let route = SiteRoute::Reports {
        query: url.query_pairs().into_owned().collect(),
        csv: url.path().ends_with(".csv"),
    };
    SiteLink::new(&ctx.env, &site).send(&route).await
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
    let route = SiteRoute::Export {
        after: query(&req, "after")?,
        limit: query(&req, "limit")?.and_then(|v| v.parse().ok()),
    };
    SiteLink::new(&ctx.env, &site).send(&route).await
}

/// `POST …/sites/{site}/import[?settings=replace]`: the owner only; the document is checked
/// whole before anything is written; the site keeps its settings unless told to replace them.
pub(super) async fn import_site(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    use protocol::export::{SiteExport, MAX_IMPORT_BYTES};
    let site = match owner_only(&req, &ctx).await? {
        Ok(site) => site,
        Err(response) => return Ok(response),
    };
    let bytes = match http::read_capped(&mut req, MAX_IMPORT_BYTES, || {
        let most = MAX_IMPORT_BYTES / 1024 / 1024;
        format!("an import may be at most {most} MB: import page by page")
    })
    .await
    {
        Ok(bytes) => bytes,
        Err(e) => return http::protocol_error(e),
    };
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
    let route = SiteRoute::Import {
        export: Box::new(export),
        replace_settings: query(&req, "settings")?.as_deref() == Some("replace"),
    };
    SiteLink::new(&ctx.env, &site).send(&route).await
}
