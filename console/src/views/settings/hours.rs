//! The site's time zone and working hours, and a department's own hours: outside them the
//! widget offers the leave-a-message form with the time it opens again.

use super::{Draft, Section};
use crate::i18n::hours_texts;
use leptos::prelude::*;
use protocol::hours::{DayHours, OpeningHours};
use protocol::SiteSettings;

/// Whose hours an editor changes: the site's, or the department with this id.
#[derive(Clone, PartialEq)]
pub(super) enum HoursOf {
    Site,
    Department(String),
}

impl HoursOf {
    fn slot<'a>(&self, s: &'a mut SiteSettings) -> Option<&'a mut Option<OpeningHours>> {
        match self {
            HoursOf::Site => Some(&mut s.hours),
            HoursOf::Department(id) => s
                .departments
                .iter_mut()
                .find(|d| &d.id == id)
                .map(|d| &mut d.hours),
        }
    }

    fn read<T>(&self, draft: Draft, f: impl FnOnce(Option<&OpeningHours>) -> T) -> T {
        draft.read(|s| match self {
            HoursOf::Site => f(s.hours.as_ref()),
            HoursOf::Department(id) => f(s
                .departments
                .iter()
                .find(|d| &d.id == id)
                .and_then(|d| d.hours.as_ref())),
        })
    }

    fn edit(&self, draft: Draft, f: impl FnOnce(&mut OpeningHours)) {
        draft.edit(|s| {
            if let Some(Some(hours)) = self.slot(s) {
                f(hours);
            }
        });
    }

    /// A prefix for the ids of this editor's inputs.
    fn prefix(&self) -> String {
        match self {
            HoursOf::Site => "hours".into(),
            HoursOf::Department(id) => format!("{id}-hours"),
        }
    }
}

/// Monday to Friday, 09:00–18:00: where a new schedule starts.
fn office_week() -> OpeningHours {
    OpeningHours::same_hours(&[1, 2, 3, 4, 5], "09:00", "18:00")
}

/// IANA names the browser knows (`Intl.supportedValuesOf`), the current one first if missing.
fn zone_names(current: Option<&str>) -> Vec<String> {
    let intl = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()).ok();
    let supported = intl
        .as_ref()
        .and_then(|i| js_sys::Reflect::get(i, &"supportedValuesOf".into()).ok())
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
    let mut names: Vec<String> = supported
        .and_then(|f| f.call1(intl.as_ref()?, &"timeZone".into()).ok())
        .map(|list| {
            js_sys::Array::from(&list)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    if let Some(current) = current.filter(|c| !names.iter().any(|n| n == c)) {
        names.insert(0, current.to_owned());
    }
    names
}

fn utc_label(minutes: i32) -> String {
    let sign = if minutes < 0 { '−' } else { '+' };
    let minutes = minutes.abs();
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[component]
pub(super) fn WorkingHours(draft: Draft) -> impl IntoView {
    let texts = move || hours_texts(draft.session.locale.get());
    let names = zone_names(draft.read(|s| s.time_zone.clone()).as_deref());
    let fixed = move || {
        let offset = draft.read(|s| s.utc_offset_minutes);
        texts().fixed_offset.replace("{offset}", &utc_label(offset))
    };
    view! {
        <Section draft id="hours" title=|t| t.working_hours apply=|from, to| {
            to.time_zone = from.time_zone.clone();
            to.hours = from.hours.clone();
        }>
            <p class="muted">{move || texts().hours_hint}</p>
            <div class="field">
                <label for="time-zone">{move || texts().time_zone}</label>
                <select id="time-zone"
                    on:change=move |e| {
                        let name = event_target_value(&e);
                        draft.edit(|s| s.time_zone = (!name.is_empty()).then_some(name));
                    }>
                    <option value="" selected=move || draft.read(|s| s.time_zone.is_none())>{fixed}</option>
                    {names.into_iter().map(|name| {
                        let value = name.clone();
                        view! {
                            <option value=value.clone()
                                selected=move || draft.read(|s| s.time_zone.as_deref() == Some(value.as_str()))>
                                {name.replace('_', " ")}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </div>
            <div class="check">
                <input id="hours-on" type="checkbox"
                    prop:checked=move || draft.read(|s| s.hours.is_some())
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        draft.edit(|s| s.hours = on.then(office_week));
                    }/>
                <label for="hours-on">{move || texts().hours_on}</label>
            </div>
            <Show when=move || draft.read(|s| s.hours.is_some())>
                <HoursEditor draft of=HoursOf::Site/>
            </Show>
        </Section>
    }
}

/// "Own working hours" for a department, and its editor when on.
#[component]
pub(super) fn DepartmentHours(draft: Draft, id: String) -> impl IntoView {
    let texts = move || hours_texts(draft.session.locale.get());
    let of = HoursOf::Department(id.clone());
    let check_id = format!("{id}-own-hours");
    let (read, write, shown) = (of.clone(), of.clone(), of.clone());
    view! {
        <div class="check">
            <input id=check_id.clone() type="checkbox"
                prop:checked=move || read.read(draft, |h| h.is_some())
                on:change=move |e| {
                    let on = event_target_checked(&e);
                    draft.edit(|s| if let Some(slot) = write.slot(s) { *slot = on.then(office_week) });
                }/>
            <label for=check_id>{move || texts().own_hours}</label>
        </div>
        <Show when=move || shown.read(draft, |h| h.is_some())>
            <HoursEditor draft of=of.clone()/>
        </Show>
    }
}

/// The intervals of a week (several a day for a break) and the holidays.
#[component]
fn HoursEditor(draft: Draft, of: HoursOf) -> impl IntoView {
    let texts = move || hours_texts(draft.session.locale.get());
    let day_names = move || {
        let t = draft.session.texts();
        [
            t.day_1, t.day_2, t.day_3, t.day_4, t.day_5, t.day_6, t.day_7,
        ]
    };
    let prefix = of.prefix();
    let count = {
        let of = of.clone();
        move || of.read(draft, |h| h.map_or(0, |h| h.week.len()))
    };
    let holidays = {
        let of = of.clone();
        move || of.read(draft, |h| h.map_or(0, |h| h.holidays.len()))
    };
    let (add, add_holiday) = (of.clone(), of.clone());
    let (rows_of, holidays_of) = (of.clone(), of);
    let holidays_prefix = prefix.clone();
    view! {
        <fieldset class="hours">
            <legend>{move || texts().week}</legend>
            <small class="muted">{move || texts().time_hint}</small>
            <For each=move || 0..count() key=|i| *i let:i>
                {
                    let of = rows_of.clone();
                    let field = move |f: fn(&DayHours) -> String| {
                        let of = of.clone();
                        move || of.read(draft, |h| h.and_then(|h| h.week.get(i)).map(f).unwrap_or_default())
                    };
                    let (day, from, to) = (field(|d| d.day.to_string()), field(|d| d.from.clone()), field(|d| d.to.clone()));
                    let (e1, e2, e3, e4) = (rows_of.clone(), rows_of.clone(), rows_of.clone(), rows_of.clone());
                    let set = move |of: &HoursOf, f: &dyn Fn(&mut DayHours)| {
                        of.edit(draft, |h| if let Some(d) = h.week.get_mut(i) { f(d) })
                    };
                    let row = format!("{prefix}-{i}");
                    let row_label = move || format!("{} {}", texts().interval, i + 1);
                    view! {
                        <div class="row" role="group" aria-label=row_label>
                            <select id=format!("{row}-day") aria-label=move || texts().day
                                on:change=move |e| {
                                    if let Ok(n) = event_target_value(&e).parse() { set(&e1, &|d| d.day = n) }
                                }>
                                {(1..=7u8).map(|n| {
                                    let day = day.clone();
                                    view! {
                                        <option value=n.to_string() selected=move || day() == n.to_string()>
                                            {move || day_names()[usize::from(n - 1)]}
                                        </option>
                                    }
                                }).collect_view()}
                            </select>
                            <input id=format!("{row}-from") type="text" inputmode="numeric" size="5"
                                placeholder="09:00" aria-label=move || texts().from
                                prop:value=from
                                on:input=move |e| { let v = event_target_value(&e); set(&e2, &|d| d.from = v.clone()) }/>
                            <span aria-hidden="true">"–"</span>
                            <input id=format!("{row}-to") type="text" inputmode="numeric" size="5"
                                placeholder="18:00" aria-label=move || texts().to
                                prop:value=to
                                on:input=move |e| { let v = event_target_value(&e); set(&e3, &|d| d.to = v.clone()) }/>
                            <button type="button" class="secondary"
                                on:click=move |_| e4.edit(draft, |h| { if i < h.week.len() { h.week.remove(i); } })>
                                {move || draft.session.texts().delete}
                            </button>
                        </div>
                    }
                }
            </For>
            <button type="button" class="secondary" on:click=move |_| add.edit(draft, |h| {
                h.week.push(DayHours { day: 1, from: "09:00".into(), to: "18:00".into() })
            })>{move || texts().add_interval}</button>
        </fieldset>
        <fieldset class="hours">
            <legend>{move || texts().holidays}</legend>
            <For each=move || 0..holidays() key=|i| *i let:i>
                {
                    let (value_of, edit_of, remove_of) = (holidays_of.clone(), holidays_of.clone(), holidays_of.clone());
                    view! {
                        <div class="row">
                            <input id=format!("{holidays_prefix}-holiday-{i}") type="date"
                                aria-label=move || format!("{} {}", texts().holiday, i + 1)
                                prop:value=move || value_of.read(draft, |h| h.and_then(|h| h.holidays.get(i).cloned()).unwrap_or_default())
                                on:input=move |e| {
                                    let v = event_target_value(&e);
                                    edit_of.edit(draft, |h| if let Some(d) = h.holidays.get_mut(i) { *d = v })
                                }/>
                            <button type="button" class="secondary"
                                on:click=move |_| remove_of.edit(draft, |h| { if i < h.holidays.len() { h.holidays.remove(i); } })>
                                {move || draft.session.texts().delete}
                            </button>
                        </div>
                    }
                }
            </For>
            <button type="button" class="secondary" on:click=move |_| add_holiday.edit(draft, |h| {
                h.holidays.push(today())
            })>{move || texts().add_holiday}</button>
        </fieldset>
    }
}

/// Today's date in the operator's calendar, `YYYY-MM-DD`.
fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}
