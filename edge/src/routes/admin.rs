//! Site administration over HTTP: settings, the team, the outbox.

use super::*;

/// Reads from the site's object for an operator of the site who has what `need` asks.
pub(super) async fn site_admin_call(
    req: Request,
    ctx: RouteContext<()>,
    route: SiteRoute,
    need: Need,
) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, need).await?;
    Ok(SiteLink::new(&ctx.env, &site).send(&route).await?)
}

/// Reads what only the owner may read while admins are masked (see `contact_tool_operator`).
pub(super) async fn contact_tool_call(
    req: Request,
    ctx: RouteContext<()>,
    route: SiteRoute,
) -> Handled {
    let (site, _, _) = contact_tool_operator(&req, &ctx).await?;
    Ok(SiteLink::new(&ctx.env, &site).send(&route).await?)
}

/// `contact_tool_call` for one item the path names: `param` is its path parameter.
pub(super) async fn contact_tool_item(
    req: Request,
    ctx: RouteContext<()>,
    param: &str,
    route: fn(String) -> SiteRoute,
) -> Handled {
    let id = ctx.param(param).cloned().unwrap_or_default();
    contact_tool_call(req, ctx, route(id)).await
}

/// Owners and admins, except that while the site masks visitors' contact data from admins,
/// the tools that would hand it to an admin anyway — the CSV export, API keys, webhooks and
/// their log, the outbox, the identity secret — are the owner's alone.
pub(super) async fn contact_tool_operator(
    req: &Request,
    ctx: &RouteContext<()>,
) -> Handled<(SiteId, OperatorId, Role)> {
    let (site, op, role) = site_operator(req, ctx, Need::Admin).await?;
    if role == Role::Admin
        && SiteLink::new(&ctx.env, &site)
            .settings()
            .await?
            .masking
            .admins
    {
        return refuse(
            ErrorCode::Forbidden,
            "visitors' contact data is masked from admins: only the owner uses this",
        );
    }
    Ok((site, op, role))
}

pub(super) async fn put_settings(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, role) = site_operator(&req, &ctx, Need::Admin).await?;
    let settings: SiteSettings = http::read_json(&mut req).await?;
    settings.validate()?;
    // An older shape (the alert's own hours) becomes today's before it crosses to the site.
    let settings = settings.migrated();
    let link = SiteLink::new(&ctx.env, &site);
    // Masking decides what admins themselves may see: only the owner changes it.
    if !role.changes_masking()
        && link.settings().await?.masking.contacts() != settings.masking.contacts()
    {
        return refuse(
            ErrorCode::Forbidden,
            "only the owner changes contact masking",
        );
    }
    Ok(link
        .send(&SiteRoute::SaveSettings(Box::new(settings)))
        .await?)
}

/// Lifts a ban (owners and admins only).
pub(super) async fn unban(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Admin).await?;
    let Ok(id) = ctx.param("ban").cloned().unwrap_or_default().parse::<u64>() else {
        return refuse(ErrorCode::NotFound, "no such ban");
    };
    let Some(part) = protocol::bans::BanPart::parse(query(&req, "part")?.as_deref()) else {
        return refuse(ErrorCode::InvalidField, "part: visitor, ip or all");
    };
    Ok(SiteLink::new(&ctx.env, &site)
        .send(&SiteRoute::Unban {
            id: id as i64,
            part,
        })
        .await?)
}

/// Bans an IP address or range by hand (owners and admins only).
pub(super) async fn add_ban(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Admin).await?;
    let by = match token_key(&ctx.env)?.verify(&bearer(&req).unwrap_or_default(), http::now_ms()) {
        Ok(Claims::Operator { name, .. }) => name,
        _ => String::new(),
    };
    let ban: protocol::bans::NewBan = http::read_json(&mut req).await?;
    let range = protocol::bans::IpRange::parse(&ban.ip)?;
    let ban = protocol::Ban {
        id: 0,
        visitor: None,
        ip: Some(range.to_string()),
        by,
        at: http::now_ms(),
    };
    SiteLink::new(&ctx.env, &site).ban(&ban).await?;
    Ok(Response::empty()?.with_status(201))
}

pub(super) async fn list_operators(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Operator).await?;
    Ok(DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::Team {
            site: site.to_string(),
        })
        .await?)
}

/// Adds a colleague. A new e-mail gets a new account with the password given. An e-mail that
/// already has an account (he works on another site) is attached only when the password given
/// is that account's own: the person himself is adding it, within the sign-in limits. Without
/// that, an admin of any site could attach and then remove anyone's account.
pub(super) async fn add_operator(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, actor_role) = site_operator(&req, &ctx, Need::Admin).await?;
    let operator: NewOperator = http::read_json(&mut req).await?;
    operator.validate()?;
    if !actor_role.may_add(operator.role) {
        return refuse(ErrorCode::Forbidden, "only the owner makes admins");
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
        match account::check_password(&ctx.env, query, &operator.password).await {
            Ok(account) => (None, Some(account.id)),
            // Too many tries, or the relay failing: said as it is.
            Err(refusal @ (Refusal::Answer(_) | Refusal::Failed(_))) => return Err(refusal),
            Err(Refusal::Refused { .. }) => {
                return refuse(
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
    Ok(link
        .send(&DirectoryRoute::AddOperator(AddOperator {
            site,
            operator,
            password,
            existing,
        }))
        .await?)
}

/// Removes an operator from this site; his open sockets here close at once.
pub(super) async fn remove_operator(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, actor, actor_role) = site_operator(&req, &ctx, Need::Admin).await?;
    let Ok(id) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return refuse(ErrorCode::NotFound, "no such operator on this site");
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
        let revoke = crate::objects::revoke::Revoke::everywhere(id, "removed from the team");
        SiteLink::new(&ctx.env, &site).revoke(&revoke).await?;
    }
    Ok(answer)
}

/// Searches the conversation history: admins search every chat, operators the ones they may
/// open. Filters are the query string (`protocol::history::HistoryQuery`).
pub(super) async fn history(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, id, role) = site_operator(&req, &ctx, Need::Operator).await?;
    let participant = Participant::Operator {
        id,
        name: String::new(),
        role,
    };
    let query = http::query_pairs(&req)?;
    Ok(SiteLink::new(&ctx.env, &site)
        .send(&SiteRoute::History { participant, query })
        .await?)
}

/// `GET` (whether one is set), `POST` (a new one, shown once) or `DELETE` (verification off)
/// `…/sites/{site}/identity-secret`: owners and admins.
pub(super) async fn identity_secret(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = contact_tool_operator(&req, &ctx).await?;
    let link = SiteLink::new(&ctx.env, &site);
    let secret = match req.method() {
        Method::Get => {
            let enabled = link.identity_secret().await?.is_some();
            return Ok(http::json(&serde_json::json!({ "enabled": enabled }))?);
        }
        Method::Post => Some(format!("{}{}", crate::random::id(), crate::random::id())),
        _ => None,
    };
    let body = crate::objects::site::link::IdentitySecret {
        secret: secret.clone(),
    };
    link.send(&SiteRoute::SetIdentitySecret(body)).await?;
    Ok(http::json(
        &serde_json::json!({ "enabled": secret.is_some(), "secret": secret }),
    )?)
}

/// `GET …/sites/{site}/reports` (JSON) and `…/reports.csv`: owners and admins.
pub(super) async fn reports(req: Request, ctx: RouteContext<()>) -> Handled {
    let csv = req.path().ends_with(".csv");
    // The CSV lists conversations with their contacts; the JSON report only counts.
    let (site, _, _) = if csv {
        contact_tool_operator(&req, &ctx).await?
    } else {
        site_operator(&req, &ctx, Need::Admin).await?
    };
    let route = SiteRoute::Reports {
        query: http::query_pairs(&req)?,
        csv,
        chat_links: format!(
            "{}/console/#/{site}/chats/",
            http::public_origin(&req, &ctx.env)?
        ),
    };
    Ok(SiteLink::new(&ctx.env, &site).send(&route).await?)
}

/// The owner of `site`, or the response refusing everyone else.
async fn owner_only(req: &Request, ctx: &RouteContext<()>) -> Handled<SiteId> {
    match site_operator(req, ctx, Need::Admin).await? {
        (site, _, Role::Owner) => Ok(site),
        _ => refuse(
            ErrorCode::Forbidden,
            "only the owner exports and imports a site's data",
        ),
    }
}

/// `GET …/sites/{site}/export?after=<id>`: the owner only (protocol::export).
pub(super) async fn export_site(req: Request, ctx: RouteContext<()>) -> Handled {
    let site = owner_only(&req, &ctx).await?;
    let route = SiteRoute::Export {
        after: query(&req, "after")?,
        limit: query(&req, "limit")?.and_then(|v| v.parse().ok()),
    };
    Ok(SiteLink::new(&ctx.env, &site).send(&route).await?)
}

/// `POST …/sites/{site}/import[?settings=replace]`: the owner only; the document is checked
/// whole before anything is written; the site keeps its settings unless told to replace them.
pub(super) async fn import_site(mut req: Request, ctx: RouteContext<()>) -> Handled {
    use protocol::export::{SiteExport, MAX_IMPORT_BYTES};
    let site = owner_only(&req, &ctx).await?;
    let bytes = match http::read_capped(&mut req, MAX_IMPORT_BYTES, || {
        let most = MAX_IMPORT_BYTES / 1024 / 1024;
        format!("an import may be at most {most} MB: import page by page")
    })
    .await
    {
        Ok(bytes) => bytes,
        Err(e) => return Ok(http::protocol_error(e)?),
    };
    let export: SiteExport = match serde_json::from_slice(&bytes) {
        Ok(export) => export,
        Err(e) => {
            return refuse(
                ErrorCode::InvalidField,
                format!("not an export document: {e}"),
            )
        }
    };
    if let Err(e) = export.validate().and_then(|_| export.settings.validate()) {
        return Err(e.into());
    }
    let export = SiteExport {
        settings: export.settings.migrated(),
        ..export
    };
    let route = SiteRoute::Import {
        export: Box::new(export),
        replace_settings: query(&req, "settings")?.as_deref() == Some("replace"),
    };
    Ok(SiteLink::new(&ctx.env, &site).send(&route).await?)
}
