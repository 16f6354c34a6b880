//! Passwords: change (asks the current one), "forgot password" with a one-time link, and the
//! owner signing an operator out everywhere. Each ends the sessions it must, sockets included.

use super::account::{check_password, close_sockets, operator_session};
use super::*;
use crate::auth::password;
use crate::objects::directory::{
    AskReset, ConfirmReset, CredentialsQuery, DirectoryLink, DirectoryRoute, RevokeSessions,
    SetPassword,
};
use crate::objects::revoke::Revoke;
use protocol::{PasswordChange, PasswordReset, PasswordResetRequest};

/// `PUT /api/v1/account/password`: the current password, then the new one; the account's
/// other sessions end (this one stays signed in).
pub(super) async fn change_password(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, session) = operator_session(&req, &ctx.env).await?;
    let link = DirectoryLink::new(&ctx.env)?;
    if !link.status(&op, &session.sid).await?.active {
        return refuse(
            ErrorCode::Unauthorized,
            "this session has ended: sign in again",
        );
    }
    let change: PasswordChange = http::read_json(&mut req).await?;
    change.validate()?;
    let query = CredentialsQuery {
        op: Some(op.clone()),
        ip: client_ip(&req),
        ..Default::default()
    };
    match check_password(&ctx.env, query, &change.current).await {
        // 401 would sign the console out: a wrong current password is a bad field here.
        Err(Refusal::Refused {
            code: ErrorCode::Unauthorized,
            ..
        }) => return refuse(ErrorCode::InvalidField, "the current password is wrong"),
        Err(refusal) => return Err(refusal),
        Ok(_) => {}
    }
    let stored = password::hash_new(&change.new)
        .await
        .map_err(worker::Error::RustError)?;
    link.set_password(SetPassword {
        op: op.clone(),
        password: stored.encode(),
        keep: Some(session.sid.clone()),
    })
    .await?;
    let revoke = Revoke {
        op,
        only: None,
        keep: Some(session.sid),
        reason: "the password was changed".into(),
    };
    close_sockets(&ctx.env, revoke).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/v1/auth/password-reset`: 202 whether or not the address has an account.
pub(super) async fn ask_reset(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let request: PasswordResetRequest = http::read_json(&mut req).await?;
    if request.email.chars().count() > protocol::limits::MAX_EMAIL_CHARS {
        return refuse(ErrorCode::TooLarge, "email is too long");
    }
    // A link to a host of the asker's choosing would hand him the code.
    let origin = http::public_origin(&req, &ctx.env)?;
    let console = format!("{origin}/console/");
    let ask = AskReset {
        email: request.email,
        ip: client_ip(&req),
        locale: request.locale,
        console,
    };
    let answer = DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::AskReset(ask))
        .await?;
    if answer.status_code() == 429 {
        return Ok(answer);
    }
    Ok(Response::empty()?.with_status(202))
}

/// `POST /api/v1/auth/password-reset/confirm`: the code from the link and a new password;
/// every session of the account ends.
pub(super) async fn confirm_reset(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let reset: PasswordReset = http::read_json(&mut req).await?;
    reset.validate()?;
    let stored = password::hash_new(&reset.password)
        .await
        .map_err(worker::Error::RustError)?;
    let mut answer = DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::ConfirmReset(ConfirmReset {
            code: reset.code,
            password: stored.encode(),
        }))
        .await?;
    if answer.status_code() != 200 {
        return Ok(answer);
    }
    #[derive(serde::Deserialize)]
    struct Done {
        operator: OperatorId,
    }
    let done: Done = answer.json().await?;
    let revoke = Revoke::everywhere(done.operator, "the password was reset");
    close_sockets(&ctx.env, revoke).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `POST /api/v1/sites/{site}/operators/{id}/sign-out`: the owner ends every session of a
/// member of his team (a lost phone, a shared computer).
pub(super) async fn sign_out_everywhere(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, role) = site_operator(&req, &ctx, Need::Admin).await?;
    if !role.signs_members_out() {
        return refuse(ErrorCode::Forbidden, "only the owner signs operators out");
    }
    let Ok(target) = OperatorId::parse(ctx.param("operator").cloned().unwrap_or_default()) else {
        return refuse(ErrorCode::NotFound, "no such operator on this site");
    };
    let link = DirectoryLink::new(&ctx.env)?;
    if !link.team(&site).await?.iter().any(|o| o.id == target) {
        return refuse(ErrorCode::NotFound, "no such operator on this site");
    }
    link.revoke_sessions(RevokeSessions {
        op: target.clone(),
        only: None,
        keep: None,
    })
    .await?;
    let revoke = Revoke::everywhere(target, "signed out by the owner");
    close_sockets(&ctx.env, revoke).await?;
    Ok(Response::empty()?.with_status(204))
}

/// `GET /api/v1/dev/account-mail`: local runs only (`ALLOW_DEV_HEADERS`), where no mail is
/// sent, so that a developer (and the tests) can follow a reset link. 404 in production.
pub(super) async fn dev_account_mail(_req: Request, ctx: RouteContext<()>) -> Handled {
    if !dev_mode(&ctx.env) {
        return refuse(ErrorCode::NotFound, "no such endpoint");
    }
    Ok(DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::Mail)
        .await?)
}
