//! Accounts: the first owner's bootstrap, sign-in, and checking an operator's current role.

use super::*;

pub(super) async fn bootstrap(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let config = crate::config::of(&ctx.env)?;
    let Some(expected) = config.bootstrap_token.clone() else {
        return http::error(
            ErrorCode::Forbidden,
            "bootstrap is disabled: BOOTSTRAP_TOKEN is not set",
        );
    };
    let presented = req
        .headers()
        .get("Authorization")?
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned))
        .unwrap_or_default();
    if expected.is_empty() || !same_secret(&presented, &expected) {
        return http::error(
            ErrorCode::Unauthorized,
            "a valid bootstrap token is required",
        );
    }
    let request: BootstrapRequest = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if let Err(e) = request.validate() {
        return http::protocol_error(e);
    }
    let init = SiteInit {
        site: request.site.clone(),
        site_name: request.site_name.trim().to_owned(),
    };
    let init_body = Some(serde_json::to_string(&init)?);
    SiteLink::new(&ctx.env, &request.site)
        .forward(Method::Post, "/init", Headers::new(), init_body)
        .await?;
    http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/bootstrap",
        Headers::new(),
        Some(serde_json::to_string(&request)?),
    )
    .await
}

pub(super) async fn sign_in(mut req: Request, ctx: RouteContext<()>) -> Result<Response> {
    let key = match token_key(&ctx.env) {
        Ok(key) => key,
        Err(e) => return misconfigured(e),
    };
    let request: SignInRequest = match http::read_json(&mut req).await {
        Ok(value) => value,
        Err(e) => return http::protocol_error(e),
    };
    if request.password.chars().count() > protocol::limits::MAX_PASSWORD_CHARS {
        return http::error(ErrorCode::TooLarge, "password is too long");
    }
    let mut answer = http::call_object(
        &directory(&ctx.env)?,
        Method::Post,
        "/sign-in",
        Headers::new(),
        Some(serde_json::to_string(&request)?),
    )
    .await?;
    if answer.status_code() != 200 {
        return Ok(answer);
    }
    let verified: VerifiedOperator = answer.json().await?;
    let expires_at = http::now_ms() + OPERATOR_SESSION_MS;
    let token = key.sign(&Claims::Operator {
        op: verified.id.clone(),
        name: verified.name.clone(),
        sites: verified.sites.clone(),
        exp: expires_at,
    });
    http::json(&OperatorSession {
        token,
        operator: verified.id,
        name: verified.name,
        sites: verified.sites,
        expires_at,
    })
}

/// The account's standing now, from the directory rather than the token: a removed operator
/// or a changed role takes effect at once, not when the token expires.
pub(super) async fn current_role(
    env: &Env,
    op: &OperatorId,
    site: &SiteId,
) -> Result<std::result::Result<Role, (ErrorCode, &'static str)>> {
    let path = format!("/active?op={}", encode(op.as_str()));
    let mut answer =
        http::call_object(&directory(env)?, Method::Get, &path, Headers::new(), None).await?;
    let status: AccountStatus = answer.json().await?;
    if !status.active {
        return Ok(Err((ErrorCode::Unauthorized, "this account was removed")));
    }
    Ok(status
        .sites
        .iter()
        .find(|m| &m.site == site)
        .map(|m| m.role)
        .ok_or((
            ErrorCode::Forbidden,
            "this account has no access to this site",
        )))
}

/// Re-checks an operator participant against the directory; visitors pass unchanged.
pub(super) async fn recheck(
    env: &Env,
    participant: Participant,
    site: &SiteId,
) -> Result<std::result::Result<Participant, Response>> {
    match participant {
        Participant::Operator { id, name, .. } => match current_role(env, &id, site).await? {
            Ok(role) => Ok(Ok(Participant::Operator { id, name, role })),
            Err((code, why)) => Ok(Err(http::error(code, why)?)),
        },
        visitor => Ok(Ok(visitor)),
    }
}

/// The route's site and the operator behind the request, checked as `operator_request` does;
/// `Err` is the answer refusing him (404 for a malformed site id).
pub(super) async fn site_operator(
    req: &Request,
    ctx: &RouteContext<()>,
    admin: bool,
) -> Result<std::result::Result<(SiteId, OperatorId, Role), Response>> {
    let site = match site_param(ctx) {
        Ok(site) => site,
        Err(e) => return Ok(Err(http::error(ErrorCode::NotFound, e)?)),
    };
    Ok(operator_request(req, &ctx.env, &site, admin)
        .await?
        .map(|(op, role)| (site, op, role)))
}

/// The operator behind `Authorization: Bearer <token>`, if the token verifies, the account is
/// active and on `site` (with an owner or admin role when `admin` is asked for).
pub(super) async fn operator_request(
    req: &Request,
    env: &Env,
    site: &SiteId,
    admin: bool,
) -> Result<std::result::Result<(OperatorId, Role), Response>> {
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
            return Ok(Err(http::error(
                ErrorCode::Forbidden,
                "this token does not grant access to this site",
            )?))
        }
        Err(e) => return Ok(Err(http::error(ErrorCode::Unauthorized, e.to_string())?)),
    };
    let role = match current_role(env, &op, site).await? {
        Ok(role) => role,
        Err((code, why)) => return Ok(Err(http::error(code, why)?)),
    };
    if admin && role == Role::Operator {
        return Ok(Err(http::error(
            ErrorCode::Forbidden,
            "only owners and admins may do this",
        )?));
    }
    Ok(Ok((op, role)))
}
