//! The top bar's pickers: the operator's status (online, away, offline or one of his own
//! statuses) and, when he works on several sites, the site.

use leptos::prelude::*;
use protocol::{Availability, CustomStatus, SiteId};

/// How a status reads: "🍔 Lunch", or the built-in word.
pub(crate) fn status_label(
    session: crate::state::Session,
    availability: Availability,
    custom: Option<&CustomStatus>,
) -> String {
    let t = session.texts();
    match custom {
        Some(c) => format!("{} {}", c.emoji, c.text),
        None => match availability {
            Availability::Online => t.online.to_owned(),
            Availability::Away => t.away.to_owned(),
            Availability::Offline => t.status_offline.to_owned(),
        },
    }
}

/// A colleague's status as the team sees it: "online", "🍔 Lunch since 12:30",
/// "away since 12:05".
pub(crate) fn colleague_status(
    session: crate::state::Session,
    colleague: &protocol::ColleagueStatus,
) -> String {
    let label = status_label(session, colleague.availability, colleague.custom.as_ref());
    if colleague.availability == Availability::Online && colleague.custom.is_none() {
        return label;
    }
    format!(
        "{label} {} {}",
        session.texts().since,
        super::clock(colleague.since)
    )
}

/// A small round photo of an operator, or his initial; hovering tells his status and since.
#[component]
pub(crate) fn Avatar(id: protocol::OperatorId, name: String) -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let photo = {
        let id = id.clone();
        move || {
            site.roster
                .with(|r| r.iter().find(|o| o.id == id).and_then(|o| o.avatar.clone()))
        }
    };
    let hover = {
        let (id, name) = (id.clone(), name.clone());
        move || {
            let status = site.online.with(|t| {
                t.iter()
                    .find(|c| c.id == id)
                    .map(|c| colleague_status(session, c))
            });
            format!(
                "{name} — {}",
                status.unwrap_or_else(|| session.texts().status_offline.to_owned())
            )
        }
    };
    let initial: String = name.chars().take(1).collect();
    view! {
        <span class="avatar" title=hover aria-hidden="true">
            {move || match photo() {
                Some(src) => view! { <img src=src alt=""/> }.into_any(),
                None => view! { <span>{initial.clone()}</span> }.into_any(),
            }}
        </span>
    }
}

#[component]
pub fn StatusPicker() -> impl IntoView {
    let session = crate::state::use_session();
    let inbox = crate::state::use_inbox();
    let saved = move || {
        session
            .account
            .with(|a| a.as_ref().map(|a| a.statuses.clone()))
            .unwrap_or_default()
    };
    let current = move || {
        if let Some(custom) = inbox.custom.get() {
            let index = saved().iter().position(|s| s == &custom);
            return index.map(|i| format!("custom-{i}")).unwrap_or_default();
        }
        match inbox.availability.get() {
            Availability::Online => "online".into(),
            Availability::Away => "away".into(),
            Availability::Offline => "offline".into(),
        }
    };
    let choose = move |value: String| {
        if let Some(index) = value.strip_prefix("custom-") {
            let chosen = index
                .parse::<usize>()
                .ok()
                .and_then(|i| saved().get(i).cloned());
            if let Some(custom) = chosen {
                inbox.set_status(custom.availability, Some(custom));
            }
            return;
        }
        let availability = match value.as_str() {
            "away" => Availability::Away,
            "offline" => Availability::Offline,
            _ => Availability::Online,
        };
        inbox.set_status(availability, None);
    };
    view! {
        <span class="status">
            <label class="sr" for="status-picker">{move || session.texts().my_status}</label>
            <select id="status-picker" prop:value=current on:change=move |e| choose(event_target_value(&e))>
                <option value="online" selected=move || current() == "online">{move || session.texts().online}</option>
                <option value="away" selected=move || current() == "away">{move || session.texts().away}</option>
                <option value="offline" selected=move || current() == "offline">{move || session.texts().status_offline}</option>
                {move || saved().into_iter().enumerate().map(|(i, s)| {
                    let value = format!("custom-{i}");
                    let selected = value.clone();
                    view! {
                        <option value=value selected=move || current() == selected>
                            {format!("{} {}", s.emoji, s.text)}
                        </option>
                    }
                }).collect_view()}
            </select>
        </span>
    }
}

/// Shown only to operators of more than one site.
#[component]
pub fn SitePicker() -> impl IntoView {
    let session = crate::state::use_session();
    let sites = move || {
        session
            .current
            .with(|s| s.as_ref().map(|s| s.sites.clone()))
            .unwrap_or_default()
    };
    let current = move || {
        session.chosen_site.track();
        session.site().map(|s| s.to_string()).unwrap_or_default()
    };
    view! {
        <Show when=move || { sites().len() > 1 }>
            <span class="status">
                <label class="sr" for="site-picker">{move || session.texts().site_label}</label>
                <select id="site-picker" prop:value=current on:change=move |e| {
                    if let Ok(site) = SiteId::parse(event_target_value(&e)) {
                        session.switch_site(site);
                    }
                }>
                    {move || sites().into_iter().map(|m| {
                        let (value, label) = (m.site.to_string(), m.site.to_string());
                        let selected = value.clone();
                        view! { <option value=value selected=move || current() == selected>{label}</option> }
                    }).collect_view()}
                </select>
            </span>
        </Show>
    }
}
