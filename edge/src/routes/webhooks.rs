//! `…/sites/{site}/webhooks`: owners and admins register endpoints, remove them and read the
//! delivery log.

use super::*;
use protocol::webhooks::{NewWebhook, WebhookEndpoint};

/// `POST` registers an endpoint (validated; the relay makes its secret).
pub(super) async fn add_webhook(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, _, role) = contact_tool_operator(&req, &ctx).await?;
    let link = SiteLink::new(&ctx.env, &site);
    let new: NewWebhook = http::read_json(&mut req).await?;
    new.validate(dev_mode(&ctx.env))?;
    let endpoint = WebhookEndpoint {
        id: crate::random::id(),
        url: new.url.trim().to_owned(),
        events: new.events,
        secret: format!("whsec_{}{}", crate::random::id(), crate::random::id()),
        created_at: http::now_ms(),
        created_by_owner: role == Role::Owner,
    };
    let response = link.send(&SiteRoute::AddWebhook(endpoint)).await?;
    Ok(if response.status_code() == 200 {
        response.with_status(201)
    } else {
        response
    })
}
