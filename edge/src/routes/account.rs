//! Accounts: the first owner's bootstrap, sign-in and sign-out, passwords, and checking an
//! operator's current standing on every request.

use super::*;
use crate::auth::password;
use crate::objects::directory::{
    Bootstrap, Credentials, CredentialsAnswer, CredentialsQuery, DirectoryLink, OpenSession,
    RevokeSessions,
};
use crate::objects::revoke::{Revoke, SocketSession};

pub(super) async fn bootstrap(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let config = crate::config::of(&ctx.env)?;
    let Some(expected) = config.bootstrap_token.clone() else {
        return refuse(
            ErrorCode::Forbidden,
            "bootstrap is disabled: BOOTSTRAP_TOKEN is not set",
        );
    };
    let presented = bearer(&req).unwrap_or_default();
    if expected.is_empty() || !same_secret(&presented, &expected) {
        return refuse(
            ErrorCode::Unauthorized,
            "a valid bootstrap token is required",
        );
    }
    let request: BootstrapRequest = http::read_json(&mut req).await?;
    request.validate()?;
    let stored = password::hash_new(&request.owner_password)
        .await
        .map_err(worker::Error::RustError)?;
    // The account first: the directory refuses once any exists, and only then is the site
    // written (before, a refused bootstrap had already renamed an existing site).
    let answer = DirectoryLink::new(&ctx.env)?
        .send(&crate::objects::directory::DirectoryRoute::Bootstrap(
            Bootstrap {
                email: protocol::api::email(&request.owner_email)
                    .map_err(|e| worker::Error::RustError(e.message))?,
                name: request.owner_name.clone(),
                password: stored.encode(),
                site: request.site.clone(),
            },
        ))
        .await?;
    if answer.status_code() != 204 {
        return Ok(answer);
    }
    init_site(&ctx.env, &request.site, &request.site_name).await?;
    Ok(Response::empty()?.with_status(204))
}

/// Writes a new site's object once its owner holds it in the directory.
pub(super) async fn init_site(env: &Env, site: &SiteId, name: &str) -> Result<()> {
    let init = SiteInit {
        site: site.clone(),
        site_name: name.trim().to_owned(),
    };
    SiteLink::new(env, site).init(init).await
}

/// Checks `password` against the account `query` names, within the sign-in limits: the
/// asking address's rate and the account's (429 with `Retry-After`).
/// Unknown accounts cost the same hashing time, so timing tells nothing.
pub(super) async fn check_password(
    env: &Env,
    query: CredentialsQuery,
    password_given: &str,
) -> Handled<Credentials> {
    let query = CredentialsQuery {
        check: true,
        ..query
    };
    let account = match DirectoryLink::new(env)?.credentials(query).await? {
        CredentialsAnswer::Wait { retry_after_ms } => return too_many(retry_after_ms),
        CredentialsAnswer::Account(account) => account,
    };
    let good = match &account {
        Some(account) if account.active => match password::StoredPassword::parse(&account.password)
        {
            Some(stored) => password::verify(password_given, &stored)
                .await
                .map_err(worker::Error::RustError)?,
            None => false,
        },
        _ => {
            let _ = password::hash_new(password_given).await;
            false
        }
    };
    match account {
        Some(account) if good => Ok(account),
        _ => refuse(ErrorCode::Unauthorized, "wrong e-mail or password"),
    }
}

pub(super) async fn sign_in(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let key = token_key(&ctx.env)?;
    let request: SignInRequest = http::read_json(&mut req).await?;
    if request.password.chars().count() > protocol::limits::MAX_PASSWORD_CHARS {
        return refuse(ErrorCode::TooLarge, "password is too long");
    }
    let query = CredentialsQuery {
        email: Some(request.email.clone()),
        ip: client_ip(&req),
        ..Default::default()
    };
    let account = check_password(&ctx.env, query, &request.password).await?;
    let opened = DirectoryLink::new(&ctx.env)?
        .open_session(OpenSession {
            op: account.id.clone(),
            email: account.email,
            ms: OPERATOR_SESSION_MS,
        })
        .await?;
    let token = key.sign(&Claims::Operator {
        op: account.id.clone(),
        name: opened.name.clone(),
        sites: opened.sites.clone(),
        exp: opened.expires_at,
        sid: opened.sid,
    });
    Ok(http::json(&OperatorSession {
        token,
        operator: account.id,
        name: opened.name,
        sites: opened.sites,
        expires_at: opened.expires_at,
    })?)
}

/// `POST /api/v1/auth/sign-out`: ends this session; its sockets close.
pub(super) async fn sign_out(req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, session) = operator_session(&req, &ctx.env).await?;
    DirectoryLink::new(&ctx.env)?
        .revoke_sessions(RevokeSessions {
            op: op.clone(),
            only: Some(session.sid.clone()),
            keep: None,
        })
        .await?;
    let revoke = Revoke {
        op,
        only: Some(session.sid),
        keep: None,
        reason: "signed out".into(),
    };
    close_sockets(&ctx.env, revoke).await?;
    Ok(Response::empty()?.with_status(204))
}

/// Closes the operator's sockets `revoke` names on every site he works on or was removed from.
pub(super) async fn close_sockets(env: &Env, revoke: Revoke) -> Result<()> {
    let link = DirectoryLink::new(env)?;
    let status = link.status(&revoke.op, "").await?;
    let sites = status
        .sites
        .into_iter()
        .map(|m| m.site)
        .chain(status.removed_from);
    for site in sites {
        SiteLink::new(env, &site).revoke(&revoke).await?;
    }
    Ok(())
}

/// The `Authorization: Bearer …` value.
pub(super) fn bearer(req: &Request) -> Option<String> {
    req.headers()
        .get("Authorization")
        .ok()
        .flatten()
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned))
}

/// The operator and session behind the bearer token, if it verifies and its session is live
/// (the account may have no site left: `GET /account` says so with 401 later).
pub(super) async fn operator_session(
    req: &Request,
    env: &Env,
) -> Handled<(OperatorId, SocketSession)> {
    let key = token_key(env)?;
    let Some(token) = bearer(req) else {
        return refuse(ErrorCode::Unauthorized, "missing bearer token");
    };
    match key.verify(&token, http::now_ms()) {
        Ok(claims @ Claims::Operator { .. }) => {
            let session = claims.session().expect("operator claims have a session");
            let Claims::Operator { op, .. } = claims else {
                unreachable!()
            };
            Ok((op, session))
        }
        Ok(Claims::Visitor { .. } | Claims::Ticket { .. }) => refuse(
            ErrorCode::Forbidden,
            "this token does not grant access to this site",
        ),
        Err(e) => refuse(ErrorCode::Unauthorized, e.to_string()),
    }
}

/// The account's standing now, from the directory rather than the token: a removed operator,
/// an ended session or a changed role takes effect at once, not when the token expires.
pub(super) async fn current_role(
    env: &Env,
    op: &OperatorId,
    sid: &str,
    site: &SiteId,
) -> Handled<Role> {
    let status = DirectoryLink::new(env)?.status(op, sid).await?;
    if !status.session {
        return refuse(
            ErrorCode::Unauthorized,
            "this session has ended: sign in again",
        );
    }
    if let Some(membership) = status.sites.iter().find(|m| &m.site == site) {
        return Ok(membership.role);
    }
    if status.sites.is_empty() || status.removed_from.contains(site) {
        return refuse(
            ErrorCode::Unauthorized,
            "this account was removed from this site",
        );
    }
    refuse(
        ErrorCode::Forbidden,
        "this account has no access to this site",
    )
}

/// Re-checks an operator participant against the directory; visitors pass unchanged.
pub(super) async fn recheck(
    env: &Env,
    participant: Participant,
    session: Option<&SocketSession>,
    site: &SiteId,
) -> Handled<Participant> {
    match participant {
        Participant::Operator { id, name, .. } => {
            let sid = session.map(|s| s.sid.as_str()).unwrap_or_default();
            let role = current_role(env, &id, sid, site).await?;
            Ok(Participant::Operator { id, name, role })
        }
        visitor => Ok(visitor),
    }
}

/// What a request needs of the operator behind it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    /// Anyone of the site's team.
    Operator,
    /// An owner or an admin.
    Admin,
}

/// The route's site and the operator behind the request, checked as `operator_request` does
/// (404 for a malformed site id).
pub(super) async fn site_operator(
    req: &Request,
    ctx: &RouteContext<()>,
    need: Need,
) -> Handled<(SiteId, OperatorId, Role)> {
    let site = site_param(ctx)?;
    let (op, role) = operator_request(req, &ctx.env, &site, need).await?;
    Ok((site, op, role))
}

/// The operator behind `Authorization: Bearer <token>`, if the token verifies, its session is
/// live, the account is on `site` (with an owner or admin role when the request needs one).
pub(super) async fn operator_request(
    req: &Request,
    env: &Env,
    site: &SiteId,
    need: Need,
) -> Handled<(OperatorId, Role)> {
    let (op, session) = operator_session(req, env).await?;
    let role = current_role(env, &op, &session.sid, site).await?;
    if need == Need::Admin && !role.manages_site() {
        return refuse(ErrorCode::Forbidden, "only owners and admins may do this");
    }
    Ok((op, role))
}
