//! Who gets new chats (routing) and who sees visitors' contact data (masking).

use super::{Check, Draft, Section, TextInput};
use leptos::prelude::*;
use protocol::routing::RegionRule;
use protocol::settings::OperatorRouting;
use protocol::{OperatorId, Role, SiteSettings};

/// The operator's routing entry, created when first edited.
fn entry<'a>(s: &'a mut SiteSettings, id: &OperatorId) -> &'a mut OperatorRouting {
    let routing = &mut s.routing.operators;
    let index = match routing.iter().position(|o| &o.id == id) {
        Some(index) => index,
        None => {
            routing.push(OperatorRouting {
                id: id.clone(),
                departments: Vec::new(),
                max_chats: None,
            });
            routing.len() - 1
        }
    };
    &mut routing[index]
}

/// Comma-separated values, trimmed, empties dropped.
fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub(super) fn RoutingSection(draft: Draft) -> impl IntoView {
    let (session, site) = (draft.session, draft.site);
    let texts = move || session.texts();
    let team = move || {
        site.roster
            .with(|r| r.iter().filter(|o| !o.removed).cloned().collect::<Vec<_>>())
    };
    let departments = move || draft.read(|s| s.departments.clone());
    let regions = move || draft.read(|s| s.routing.regions.len());
    view! {
        <Section draft id="routing" title=|t| t.routing apply=|from, to| to.routing = from.routing.clone()>
            <Check draft id="auto-assign" label=|t| t.auto_assign
                get=|s| s.routing.auto_assign set=|s, v| s.routing.auto_assign = v/>
            <TextInput draft id="max-chats" label=|t| t.max_chats kind="number" hint=|t| t.max_chats_hint
                get=|s| s.routing.max_chats.map(|m| m.to_string()).unwrap_or_default()
                set=|s, v| s.routing.max_chats = v.parse().ok()/>
            <TextInput draft id="no-answer" label=|t| t.no_answer kind="number" hint=|t| t.no_answer_hint
                get=|s| s.routing.no_answer_seconds.map(|n| n.to_string()).unwrap_or_default()
                set=|s, v| s.routing.no_answer_seconds = v.trim().parse().ok()/>
            <table>
                <caption>{move || texts().per_operator}</caption>
                <thead><tr>
                    <th scope="col">{move || texts().name_label}</th>
                    <th scope="col">{move || texts().departments}</th>
                    <th scope="col">{move || texts().max_chats}</th>
                </tr></thead>
                <tbody>
                    <For each=team key=|o| o.id.clone() let:operator>
                        {
                            let id = operator.id.clone();
                            let limit_id = format!("limit-{id}");
                            let (a, b) = (id.clone(), id.clone());
                            let name = operator.name.clone();
                            view! {
                                <tr>
                                    <th scope="row">{operator.name.clone()}</th>
                                    <td>
                                        {move || departments().into_iter().map(|d| {
                                            let check = format!("dep-{}-{}", id, d.id);
                                            let (c, e) = (id.clone(), id.clone());
                                            let (dc, de) = (d.id.clone(), d.id.clone());
                                            view! {
                                                <span class="check">
                                                    <input id=check.clone() type="checkbox"
                                                        prop:checked=move || draft.read(|s| s.routing.operators.iter().any(|o| o.id == c && o.departments.contains(&dc)))
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            draft.edit(|s| {
                                                                let entry = entry(s, &e);
                                                                entry.departments.retain(|x| x != &de);
                                                                if on { entry.departments.push(de.clone()) }
                                                            })
                                                        }/>
                                                    <label for=check>{d.name.clone()}</label>
                                                </span>
                                            }
                                        }).collect_view()}
                                        <Show when=move || departments().is_empty()>
                                            <span class="muted">{move || texts().all_departments}</span>
                                        </Show>
                                    </td>
                                    <td>
                                        <label class="sr" for=limit_id.clone()>{format!("{} — {name}", texts().max_chats)}</label>
                                        <input id=limit_id type="number" min="1" max="100" class="narrow"
                                            prop:value=move || draft.read(|s| s.routing.operators.iter().find(|o| o.id == a).and_then(|o| o.max_chats).map(|m| m.to_string()).unwrap_or_default())
                                            on:input=move |ev| {
                                                let limit = event_target_value(&ev).parse().ok();
                                                draft.edit(|s| entry(s, &b).max_chats = limit)
                                            }/>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <fieldset>
                <legend>{move || texts().region_rules}</legend>
                <p class="muted">{move || texts().region_rules_hint}</p>
                {move || (0..regions()).map(|index| view! { <RegionRow draft index/> }).collect_view()}
                <button type="button" class="secondary" on:click=move |_| draft.edit(|s| {
                    s.routing.regions.push(RegionRule { countries: Vec::new(), cities: Vec::new(), operators: Vec::new() })
                })>{move || texts().add_region_rule}</button>
            </fieldset>
        </Section>
    }
}

#[component]
fn RegionRow(draft: Draft, index: usize) -> impl IntoView {
    let (session, site) = (draft.session, draft.site);
    let texts = move || session.texts();
    let read = move |f: fn(&RegionRule) -> String| {
        draft.read(|s| s.routing.regions.get(index).map(f).unwrap_or_default())
    };
    let edit = move |f: &mut dyn FnMut(&mut RegionRule)| {
        draft.edit(|s| {
            if let Some(rule) = s.routing.regions.get_mut(index) {
                f(rule)
            }
        })
    };
    let (countries, cities) = (
        format!("region-{index}-countries"),
        format!("region-{index}-cities"),
    );
    let team = move || {
        site.roster
            .with(|r| r.iter().filter(|o| !o.removed).cloned().collect::<Vec<_>>())
    };
    view! {
        <div class="rule">
            <div class="field">
                <label for=countries.clone()>{move || texts().countries}</label>
                <input id=countries type="text" placeholder="DE, AT"
                    prop:value=move || read(|r| r.countries.join(", "))
                    on:change=move |e| {
                        let value = list(&event_target_value(&e).to_uppercase());
                        edit(&mut |r| r.countries = value.clone())
                    }/>
            </div>
            <div class="field">
                <label for=cities.clone()>{move || texts().cities}</label>
                <input id=cities type="text" placeholder="Kazan, Samara"
                    prop:value=move || read(|r| r.cities.join(", "))
                    on:change=move |e| {
                        let value = list(&event_target_value(&e));
                        edit(&mut |r| r.cities = value.clone())
                    }/>
            </div>
            <fieldset class="inline">
                <legend>{move || texts().to_operators}</legend>
                <For each=team key=|o| o.id.clone() let:operator>
                    {
                        let check = format!("region-{index}-{}", operator.id);
                        let (a, b) = (operator.id.clone(), operator.id.clone());
                        view! {
                            <span class="check">
                                <input id=check.clone() type="checkbox"
                                    prop:checked=move || draft.read(|s| s.routing.regions.get(index).is_some_and(|r| r.operators.contains(&a)))
                                    on:change=move |e| {
                                        let on = event_target_checked(&e);
                                        edit(&mut |r| {
                                            r.operators.retain(|o| o != &b);
                                            if on { r.operators.push(b.clone()) }
                                        })
                                    }/>
                                <label for=check>{operator.name.clone()}</label>
                            </span>
                        }
                    }
                </For>
            </fieldset>
            <button type="button" class="secondary"
                on:click=move |_| draft.edit(|s| { if index < s.routing.regions.len() { s.routing.regions.remove(index); } })>
                {move || texts().delete}
            </button>
        </div>
    }
}

/// Only the owner changes masking: it decides what admins themselves may see.
#[component]
pub(super) fn MaskingSection(draft: Draft) -> impl IntoView {
    let owner = draft.session.role().is_some_and(Role::changes_masking);
    view! {
        <Section draft id="masking" title=|t| t.masking apply=|from, to| to.masking = from.masking.clone()>
            <p class="muted">{move || draft.session.texts().masking_hint}</p>
            <fieldset class="plain" disabled=!owner>
                <Check draft id="mask-operators" label=|t| t.mask_for_operators
                    get=|s| s.masking.operators set=|s, v| s.masking.operators = v/>
                <Check draft id="mask-admins" label=|t| t.mask_for_admins
                    get=|s| s.masking.admins set=|s, v| s.masking.admins = v/>
            </fieldset>
        </Section>
    }
}
