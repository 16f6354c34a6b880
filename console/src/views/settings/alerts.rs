//! Alerts: where they are e-mailed, the rating that counts as low, and whether nobody online
//! within the working hours is one.

use super::{Check, Choice, Draft, Section, TextInput};
use leptos::prelude::*;

#[component]
pub(super) fn Alerts(draft: Draft) -> impl IntoView {
    let no_hours = move || {
        draft
            .data
            .with(|s| s.alerts.nobody_online && s.hours.is_none())
    };
    view! {
        <Section draft id="alerts" title=|t| t.alerts_settings apply=|from, to| to.alerts = from.alerts.clone()>
            <p class="muted">{move || draft.session.texts().alerts_hint}</p>
            <TextInput draft id="alerts-email" label=|t| t.alerts_email kind="email"
                get=|s| s.alerts.email.clone().unwrap_or_default()
                set=|s, v| s.alerts.email = Some(v.trim().to_owned()).filter(|v| !v.is_empty())/>
            <Choice draft id="low-rating" label=|t| t.low_rating_alert
                options=vec![("off", |t| t.alert_off), ("25", |t| t.below_25), ("50", |t| t.below_50), ("75", |t| t.below_75)]
                get=|s| s.alerts.low_rating_below_percent.map_or("off".into(), |p| p.to_string())
                set=|s, v| s.alerts.low_rating_below_percent = v.parse().ok()/>
            <Check draft id="nobody-online" label=|t| t.nobody_online_alert
                get=|s| s.alerts.nobody_online
                set=|s, on| s.alerts.nobody_online = on/>
            <Show when=no_hours>
                <p class="muted" role="note">{move || draft.session.texts().alert_needs_hours}</p>
            </Show>
        </Section>
    }
}
