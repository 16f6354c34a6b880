//! Alerts: where they are e-mailed, the rating that counts as low, and the working hours in
//! which nobody online is an alert.

use super::{Check, Choice, Draft, Section, TextInput};
use leptos::prelude::*;
use protocol::settings::WorkingHours;
use protocol::SiteSettings;

fn hours(s: &mut SiteSettings) -> Option<&mut WorkingHours> {
    s.alerts.working_hours.as_mut()
}

fn has_day(s: &SiteSettings, day: u8) -> bool {
    s.alerts
        .working_hours
        .as_ref()
        .is_some_and(|h| h.days.contains(&day))
}

fn set_day(s: &mut SiteSettings, day: u8, on: bool) {
    if let Some(h) = hours(s) {
        h.days.retain(|d| *d != day);
        if on {
            h.days.push(day);
            h.days.sort_unstable();
        }
    }
}

#[component]
pub(super) fn Alerts(draft: Draft) -> impl IntoView {
    let enabled = move || draft.data.with(|s| s.alerts.working_hours.is_some());
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
                get=|s| s.alerts.working_hours.is_some()
                set=|s, on| s.alerts.working_hours = on.then(|| WorkingHours {
                    days: vec![1, 2, 3, 4, 5],
                    from: "09:00".into(),
                    to: "18:00".into(),
                })/>
            <Show when=enabled>
                <fieldset class="inline">
                    <legend>{move || draft.session.texts().nobody_online_alert}</legend>
                    <Check draft id="day-1" label=|t| t.day_1 get=|s| has_day(s, 1) set=|s, on| set_day(s, 1, on)/>
                    <Check draft id="day-2" label=|t| t.day_2 get=|s| has_day(s, 2) set=|s, on| set_day(s, 2, on)/>
                    <Check draft id="day-3" label=|t| t.day_3 get=|s| has_day(s, 3) set=|s, on| set_day(s, 3, on)/>
                    <Check draft id="day-4" label=|t| t.day_4 get=|s| has_day(s, 4) set=|s, on| set_day(s, 4, on)/>
                    <Check draft id="day-5" label=|t| t.day_5 get=|s| has_day(s, 5) set=|s, on| set_day(s, 5, on)/>
                    <Check draft id="day-6" label=|t| t.day_6 get=|s| has_day(s, 6) set=|s, on| set_day(s, 6, on)/>
                    <Check draft id="day-7" label=|t| t.day_7 get=|s| has_day(s, 7) set=|s, on| set_day(s, 7, on)/>
                </fieldset>
                <TextInput draft id="work-from" label=|t| t.work_from kind="time"
                    get=|s| s.alerts.working_hours.as_ref().map(|h| h.from.clone()).unwrap_or_default()
                    set=|s, v| if let Some(h) = hours(s) { h.from = v }/>
                <TextInput draft id="work-to" label=|t| t.work_to kind="time"
                    get=|s| s.alerts.working_hours.as_ref().map(|h| h.to.clone()).unwrap_or_default()
                    set=|s, v| if let Some(h) = hours(s) { h.to = v }/>
            </Show>
        </Section>
    }
}
