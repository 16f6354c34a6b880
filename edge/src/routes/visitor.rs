//! The widget's entry points: its start-up config and the visitor's session.

use super::*;

/// The widget's start-up config for this request's visitor; `None` when the site is unknown.
pub(super) async fn widget_config(
    req: &Request,
    env: &Env,
    site: &SiteId,
) -> Handled<WidgetConfig> {
    let geo = visitor_geo(req, env);
    let agent = req.headers().get("User-Agent")?.unwrap_or_default();
    let route = SiteRoute::Config {
        page: page_origin(req, env),
        geo,
        device: protocol::device::Device::of_user_agent(&agent),
    };
    let mut answer = SiteLink::new(env, site).send(&route).await?;
    match answer.status_code() {
        200 => Ok(answer.json().await?),
        403 => refuse(
            ErrorCode::Forbidden,
            "this site does not allow its chat on this page's origin",
        ),
        _ => refuse(ErrorCode::NotFound, format!("no site {site}")),
    }
}

/// `GET …/widget-config`: what the widget needs before any session exists (theme, triggers,
/// who is online), so a page view costs no visitor record.
pub(super) async fn get_widget_config(req: Request, ctx: RouteContext<()>) -> Handled {
    let site = site_param(&ctx)?;
    let config = widget_config(&req, &ctx.env, &site).await?;
    Ok(http::json(&config)?)
}

/// Starts a visitor session, or resumes the one whose token the widget kept.
pub(super) async fn visitor_session(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let site = site_param(&ctx)?;
    let key = token_key(&ctx.env)?;
    let body = http::body_text(&mut req).await?;
    let request: VisitorSessionRequest = if body.trim().is_empty() {
        VisitorSessionRequest::default()
    } else {
        decode_body(&body)?
    };
    let config = widget_config(&req, &ctx.env, &site).await?;

    // A token for this site is resumed; anything else (none, another site's, forged) starts a
    // new visitor, because the widget cannot do anything better with a token we refuse.
    let resumed = request
        .token
        .as_deref()
        .and_then(|t| key.verify(t, http::now_ms()).ok())
        .and_then(|claims| match claims {
            // A token without an expiry (issued before tokens had one) is resumed once and
            // replaced by one that has.
            Claims::Visitor {
                site: s,
                visitor,
                conversation,
                ..
            } if s == site => Some((visitor, conversation)),
            _ => None,
        });
    let ip = client_ip(&req);
    let banned = SiteLink::new(&ctx.env, &site)
        .is_banned(resumed.as_ref().map(|(v, _)| v), ip.as_deref())
        .await?;
    if banned {
        return refuse(
            ErrorCode::Forbidden,
            "this visitor may not start a chat here",
        );
    }
    if let (None, Some(ip)) = (&resumed, &ip) {
        let admitted = SiteLink::new(&ctx.env, &site)
            .admit(crate::limits::Limited::NewVisitors, ip)
            .await?;
        if let Err(retry_after_ms) = admitted {
            return too_many(retry_after_ms);
        }
    }
    let (mut visitor, mut conversation) = match resumed {
        Some(ids) => ids,
        None => (
            VisitorId::parse(crate::random::id()).expect("random ids are valid"),
            ConversationId::parse(crate::random::id()).expect("random ids are valid"),
        ),
    };
    if let Some(identity) = &request.identity {
        (visitor, conversation) =
            verified_conversation(&ctx.env, &site, identity, visitor, conversation, ip).await?;
    }
    // Each page view that resumes the session renews its expiry: a visitor who keeps coming
    // keeps his chat, a token left behind on a shared computer ends.
    let token = key.sign(&Claims::Visitor {
        site,
        visitor: visitor.clone(),
        conversation: conversation.clone(),
        exp: Some(http::now_ms() + VISITOR_SESSION_MS),
    });
    Ok(http::json(&VisitorSession {
        token,
        visitor,
        conversation,
        config,
    })?)
}

/// A logged-in user of the host site, vouched for by its server: checked against the site's
/// identity secret, then given his own conversation (the one he had on any device).
async fn verified_conversation(
    env: &Env,
    site: &SiteId,
    identity: &protocol::Identity,
    visitor: VisitorId,
    conversation: ConversationId,
    ip: Option<String>,
) -> Handled<(VisitorId, ConversationId)> {
    identity.validate()?;
    let link = SiteLink::new(env, site);
    let Some(secret) = link.identity_secret().await? else {
        return refuse(
            ErrorCode::InvalidField,
            "identity: this site has no identity secret (an admin creates one in Settings)",
        );
    };
    let user_id = identity.user_id.trim().to_owned();
    if !crate::auth::identity::verify(&secret, &user_id, &identity.user_hash) {
        return refuse(
            ErrorCode::Forbidden,
            "identity: the user hash does not match this user id",
        );
    }
    let bound = link
        .bind_identity(&crate::objects::site::link::IdentityBinding {
            user_id: user_id.clone(),
            visitor,
            conversation,
        })
        .await?;
    let verified = crate::objects::conversation::link::VerifiedVisitor {
        conversation: crate::objects::conversation::link::NewConversation {
            site: site.clone(),
            conversation: bound.conversation.clone(),
            visitor: bound.visitor.clone(),
            ip,
            geo: Geo::default(),
        },
        user_id,
    };
    ConversationLink::new(env, site, &bound.conversation)?
        .verify(verified)
        .await?;
    Ok((bound.visitor, bound.conversation))
}
