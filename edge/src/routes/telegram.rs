//! Settings → Channels → Telegram (owners and admins), and the endpoint Telegram posts the
//! bot's updates to, which takes only updates carrying the secret the relay set.

use super::*;
use crate::objects::telegram::link::{BotLink, BotRoute};
use protocol::channels::{check_bot_token, TelegramConnect};

/// The largest update taken (a message is at most 4,096 characters).
const MAX_UPDATE_BYTES: usize = 64 * 1024;

pub(super) async fn status(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Admin).await?;
    Ok(http::json(&BotLink::new(&ctx.env, &site)?.status().await?)?)
}

pub(super) async fn connect(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Admin).await?;
    let TelegramConnect { token } = http::read_json(&mut req).await?;
    let token = token.trim().to_owned();
    check_bot_token(&token)?;
    // Telegram posts to the relay's public address.
    let origin = http::public_origin(&req, &ctx.env)?;
    let webhook_url = format!("{origin}/api/v1/telegram/{site}");
    let route = BotRoute::Connect { token, webhook_url };
    Ok(BotLink::new(&ctx.env, &site)?.send(&route).await?)
}

pub(super) async fn disconnect(req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Admin).await?;
    Ok(BotLink::new(&ctx.env, &site)?
        .send(&BotRoute::Disconnect)
        .await?)
}

/// `POST /api/v1/telegram/:site`: 401 without the secret header, 403 with another secret
/// (nothing is read or stored), 200 once handled. A failure answers 500, and Telegram
/// delivers the update again (a message is stored once).
pub(super) async fn update(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let site = site_param(&ctx)?;
    let Some(secret) = req.headers().get(crate::telegram::SECRET_HEADER)? else {
        return refuse(
            ErrorCode::Unauthorized,
            "an update carries the bot's secret",
        );
    };
    let Some(token) = BotLink::new(&ctx.env, &site)?.check(&secret).await? else {
        crate::log::event("telegram.forged_update", &[("site", site.as_str())]);
        return refuse(ErrorCode::Forbidden, "not the secret of this site's bot");
    };
    let body = http::read_capped(&mut req, MAX_UPDATE_BYTES, || {
        format!("an update may be at most {MAX_UPDATE_BYTES} bytes")
    })
    .await?;
    let body = String::from_utf8_lossy(&body);
    crate::telegram::inbound::receive(&ctx.env, &site, &token, &body).await?;
    Ok(Response::ok("")?)
}
