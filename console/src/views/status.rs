//! The top bar's pickers: the operator's status (online, away, offline or one of his own
//! statuses) and, when he works on several sites, the site.

use crate::desk::Desk;
use leptos::prelude::*;
use protocol::{Availability, CustomStatus, SiteId};

/// How a status reads: "🍔 Lunch", or the built-in word.
pub(crate) fn status_label(
    desk: Desk,
    availability: Availability,
    custom: Option<&CustomStatus>,
) -> String {
    let t = desk.texts();
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
pub(crate) fn colleague_status(desk: Desk, colleague: &protocol::ColleagueStatus) -> String {
    let label = status_label(desk, colleague.availability, colleague.custom.as_ref());
    if colleague.availability == Availability::Online && colleague.custom.is_none() {
        return label;
    }
    format!(
        "{label} {} {}",
        desk.texts().since,
        super::clock(colleague.since)
    )
}

/// A small round photo of an operator, or his initial; hovering tells his status and since.
#[component]
pub(crate) fn Avatar(desk: Desk, id: protocol::OperatorId, name: String) -> impl IntoView {
    let photo = {
        let id = id.clone();
        move || {
            desk.roster
                .with(|r| r.iter().find(|o| o.id == id).and_then(|o| o.avatar.clone()))
        }
    };
    let hover = {
        let (id, name) = (id.clone(), name.clone());
        move || {
            let status = desk.team.with(|t| {
                t.iter()
                    .find(|c| c.id == id)
                    .map(|c| colleague_status(desk, c))
            });
            format!(
                "{name} — {}",
                status.unwrap_or_else(|| desk.texts().status_offline.to_owned())
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
pub fn StatusPicker(desk: Desk) -> impl IntoView {
    let saved = move || {
        desk.account
            .with(|a| a.as_ref().map(|a| a.statuses.clone()))
            .unwrap_or_default()
    };
    let current = move || {
        if let Some(custom) = desk.custom.get() {
            let index = saved().iter().position(|s| s == &custom);
            return index.map(|i| format!("custom-{i}")).unwrap_or_default();
        }
        match desk.availability.get() {
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
                desk.set_status(custom.availability, Some(custom));
            }
            return;
        }
        let availability = match value.as_str() {
            "away" => Availability::Away,
            "offline" => Availability::Offline,
            _ => Availability::Online,
        };
        desk.set_status(availability, None);
    };
    view! {
        <span class="status">
            <label class="sr" for="status-picker">{move || desk.texts().my_status}</label>
            <select id="status-picker" prop:value=current on:change=move |e| choose(event_target_value(&e))>
                <option value="online" selected=move || current() == "online">{move || desk.texts().online}</option>
                <option value="away" selected=move || current() == "away">{move || desk.texts().away}</option>
                <option value="offline" selected=move || current() == "offline">{move || desk.texts().status_offline}</option>
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
pub fn SitePicker(desk: Desk) -> impl IntoView {
    let sites = move || {
        desk.session
            .with(|s| s.as_ref().map(|s| s.sites.clone()))
            .unwrap_or_default()
    };
    let current = move || {
        desk.current_site.track();
        desk.site().map(|s| s.to_string()).unwrap_or_default()
    };
    view! {
        <Show when=move || { sites().len() > 1 }>
            <span class="status">
                <label class="sr" for="site-picker">{move || desk.texts().site_label}</label>
                <select id="site-picker" prop:value=current on:change=move |e| {
                    if let Ok(site) = SiteId::parse(event_target_value(&e)) {
                        desk.switch_site(site);
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
