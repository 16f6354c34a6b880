//! The REST API for the site's own server (`/api/rest/v1/sites/{site}/…`, described in
//! `docs/openapi.json`), authorised by the site's API keys; and `…/sites/{site}/api-keys`,
//! where owners and admins create and revoke them.

use super::*;
use crate::objects::site::link::StoredKey;
use protocol::history::HistoryPage;
use protocol::rest::{
    looks_like_key, ApiKey, ContactPage, ContactRecord, ConversationDetail, CreatedApiKey,
    CustomDataUpdate, NewApiKey,
};
use sha2::{Digest, Sha256};

fn key_hash(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `POST` creates a key, shown this once (`GET` lists them, never the keys themselves).
pub(super) async fn create_api_key(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (site, operator, _) = contact_tool_operator(&req, &ctx).await?;
    let link = SiteLink::new(&ctx.env, &site);
    let new: NewApiKey = http::read_json(&mut req).await?;
    new.validate()?;
    let key = format!(
        "{}{}{}",
        protocol::rest::KEY_PREFIX,
        crate::random::id(),
        crate::random::id()
    );
    let listed = ApiKey {
        id: crate::random::id(),
        name: new.name.trim().to_owned(),
        prefix: key.chars().take(10).collect(),
        created_at: http::now_ms(),
        created_by: operator,
        last_used_at: None,
    };
    let stored = StoredKey {
        listed: listed.clone(),
        hash: key_hash(&key),
    };
    let response = link.send(&SiteRoute::AddApiKey(stored)).await?;
    if response.status_code() != 204 {
        return Ok(response);
    }
    Ok(http::json(&CreatedApiKey { listed, key })?.with_status(201))
}

/// The site of a REST request whose `Authorization: Bearer ck_…` is one of its keys.
async fn keyed_site(req: &Request, ctx: &RouteContext<()>) -> Handled<SiteId> {
    let site = site_param(ctx)?;
    let token = req
        .headers()
        .get("Authorization")?
        .and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned));
    let Some(key) = token.filter(|t| looks_like_key(t)) else {
        return refuse(
            ErrorCode::Unauthorized,
            "send an API key of the site: Authorization: Bearer ck_…",
        );
    };
    let link = SiteLink::new(&ctx.env, &site);
    let mut answer = link
        .send(&SiteRoute::ApiKey {
            hash: key_hash(&key),
        })
        .await?;
    if answer.status_code() != 200 {
        return Err(Refusal::Answer(answer));
    }
    let key: ApiKey = answer.json().await?;
    // A key acts as the site's owner. While contact data is masked from admins, only keys the
    // owner created work: an admin's key would hand him what the masking hides.
    if link.settings().await?.masking.admins {
        let team = crate::objects::directory::DirectoryLink::new(&ctx.env)?
            .team(&site)
            .await?;
        let by_owner = team
            .iter()
            .any(|o| o.id == key.created_by && o.role == Role::Owner && !o.removed);
        if !by_owner {
            return refuse(
                ErrorCode::Forbidden,
                "contact data is masked from admins: keys made by admins are paused; the \
                 owner makes the keys while masking is on",
            );
        }
    }
    Ok(site)
}

/// The site's history as the owner sees it (the key is the site's own server).
async fn history_page(env: &Env, site: &SiteId, query: Vec<(String, String)>) -> Handled {
    let participant = Participant::Operator {
        id: protocol::OperatorId::parse("api")
            .map_err(|e| worker::Error::RustError(e.to_string()))?,
        name: "API".into(),
        role: protocol::Role::Owner,
    };
    Ok(SiteLink::new(env, site)
        .send(&SiteRoute::History { participant, query })
        .await?)
}

/// `GET …/conversations?from&to&before&text&operator&rating&department`: newest activity
/// first, 50 a page.
pub(super) async fn conversations(req: Request, ctx: RouteContext<()>) -> Handled {
    let site = keyed_site(&req, &ctx).await?;
    history_page(&ctx.env, &site, http::query_pairs(&req)?).await
}

/// `GET …/contacts?from&to&before`: visitors who left contact data, newest activity first.
pub(super) async fn contacts(req: Request, ctx: RouteContext<()>) -> Handled {
    let site = keyed_site(&req, &ctx).await?;
    let query = http::query_pairs(&req)?;
    if let Some((key, _)) = query
        .iter()
        .find(|(k, _)| !matches!(k.as_str(), "from" | "to" | "before"))
    {
        return refuse(
            ErrorCode::InvalidField,
            format!("{key}: unknown filter (from, to, before)"),
        );
    }
    let mut response = history_page(&ctx.env, &site, query).await?;
    if response.status_code() != 200 {
        return Ok(response);
    }
    let page: HistoryPage = response.json().await?;
    Ok(http::json(&ContactPage {
        contacts: page
            .conversations
            .iter()
            .filter_map(ContactRecord::of)
            .collect(),
        next_before: page.next_before,
    })?)
}

/// `GET …/conversations/{id}`: the conversation and every message (no private notes).
pub(super) async fn conversation(req: Request, ctx: RouteContext<()>) -> Handled {
    let site = keyed_site(&req, &ctx).await?;
    let Some(id) = conversation_param(&ctx) else {
        return refuse(ErrorCode::NotFound, "no such conversation");
    };
    let mut summary = site_summary(&SiteLink::new(&ctx.env, &site), &id).await?;
    if summary.status_code() != 200 {
        return Ok(summary);
    }
    let messages = ConversationLink::new(&ctx.env, &site, &id)?
        .transcript(None)
        .await?;
    Ok(http::json(&ConversationDetail {
        conversation: summary.json().await?,
        messages,
    })?)
}

/// `PUT …/conversations/{id}/custom-data` and `PUT …/users/{user_id}/custom-data` (a
/// verified user's conversation): replaces what operators see beside the chat.
pub(super) async fn custom_data(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let site = keyed_site(&req, &ctx).await?;
    let mut update: CustomDataUpdate = http::read_json(&mut req).await?;
    update.items = protocol::conversation::custom_data(&update.items)?;
    let link = SiteLink::new(&ctx.env, &site);
    let id = match (conversation_param(&ctx), ctx.param("user")) {
        (Some(id), _) => {
            let known = site_summary(&link, &id).await?;
            if known.status_code() != 200 {
                return Ok(known);
            }
            id
        }
        (None, Some(user)) => {
            let route = SiteRoute::Identity {
                user_id: user.to_owned(),
            };
            let mut found = link.send(&route).await?;
            if found.status_code() != 200 {
                return Ok(found);
            }
            found.json().await?
        }
        (None, None) => return refuse(ErrorCode::NotFound, "no such conversation"),
    };
    Ok(ConversationLink::new(&ctx.env, &site, &id)?
        .set_custom_data(update)
        .await?)
}

/// The site's summary of a conversation: 200 with it, or 404 when the site has none.
async fn site_summary(link: &SiteLink<'_>, id: &ConversationId) -> Handled {
    Ok(link.send(&SiteRoute::Summary { id: id.clone() }).await?)
}

fn conversation_param(ctx: &RouteContext<()>) -> Option<ConversationId> {
    ctx.param("conversation")
        .and_then(|c| ConversationId::parse(c.as_str()).ok())
}
