//! `…/auto-answers`: the site's automatic answers, kept by its owners and admins (operators
//! read what an answer said in the chat itself).

use super::*;
use protocol::answers::AutoAnswer;

pub(super) async fn list(req: Request, ctx: RouteContext<()>) -> Handled {
    site_admin_call(req, ctx, SiteRoute::AutoAnswers, Need::Admin).await
}

/// `POST`: a new answer, last in the list; the relay gives its id.
pub(super) async fn add(req: Request, ctx: RouteContext<()>) -> Handled {
    save(req, ctx, None).await
}

/// `PUT …/:answer`: replaces that answer, in its place.
pub(super) async fn replace(req: Request, ctx: RouteContext<()>) -> Handled {
    let id = ctx.param("answer").cloned().unwrap_or_default();
    save(req, ctx, Some(id)).await
}

async fn save(mut req: Request, ctx: RouteContext<()>, id: Option<String>) -> Handled {
    let (site, _, _) = site_operator(&req, &ctx, Need::Admin).await?;
    let mut answer: AutoAnswer = http::read_json(&mut req).await?;
    let new = id.is_none();
    answer.id = id.unwrap_or_else(crate::random::id);
    let answer = answer.tidied()?;
    let route = SiteRoute::SaveAutoAnswer { answer, new };
    Ok(SiteLink::new(&ctx.env, &site).send(&route).await?)
}

pub(super) async fn remove(req: Request, ctx: RouteContext<()>) -> Handled {
    let id = ctx.param("answer").cloned().unwrap_or_default();
    site_admin_call(req, ctx, SiteRoute::RemoveAutoAnswer { id }, Need::Admin).await
}
