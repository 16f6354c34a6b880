//! Trigger rules: the list with on/off switches, each rule's conditions and actions edited with
//! pickers and fields (`rule_editor`) or, as the advanced view, as JSON (the shape of
//! `protocol::triggers`), checked as it is typed and again by the relay.

use super::{new_id, Draft, Section};
use leptos::prelude::*;
use protocol::triggers::{Action, TriggerRule};

/// What a new rule starts with: an invitation after 30 seconds on a page.
fn template() -> TriggerRule {
    TriggerRule {
        id: new_id("rule-"),
        enabled: false,
        conditions: vec![protocol::triggers::Condition::SecondsOnPage { at_least: 30 }],
        actions: vec![Action::Invite {
            text: String::new(),
            operator_name: String::new(),
            avatar_url: None,
            department: None,
        }],
    }
}

fn pretty(rule: &TriggerRule) -> String {
    serde_json::to_string_pretty(rule).unwrap_or_default()
}

#[component]
pub(super) fn Triggers(draft: Draft) -> impl IntoView {
    let texts = move || draft.session.texts();
    // The first rule whose text does not parse, and why: saving waits until it is fixed.
    let broken = RwSignal::new(Vec::<(String, String)>::new());
    let blocked =
        Signal::derive(move || broken.with(|b| b.first().map(|(id, why)| format!("{id}: {why}"))));
    let ids = move || draft.read(|s| s.triggers.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    view! {
        <Section draft id="triggers" title=|t| t.triggers blocked
            apply=|from, to| to.triggers = from.triggers.clone()>
            <p class="muted">{move || texts().triggers_hint}</p>
            <details>
                <summary>{move || texts().triggers_reference}</summary>
                <pre>{REFERENCE}</pre>
            </details>
            <For each=ids key=|id| id.clone() let:id>
                <RuleEditor draft id broken/>
            </For>
            <button type="button" class="secondary"
                on:click=move |_| draft.edit(|s| s.triggers.push(template()))>
                {move || texts().add_rule}
            </button>
        </Section>
    }
}

#[component]
fn RuleEditor(draft: Draft, id: String, broken: RwSignal<Vec<(String, String)>>) -> impl IntoView {
    let texts = move || draft.session.texts();
    let rule_id = StoredValue::new(id.clone());
    let rule = move || {
        rule_id.with_value(|id| draft.read(|s| s.triggers.iter().find(|r| &r.id == id).cloned()))
    };
    let (toggle_id, text_id, error_id) = (
        format!("{id}-enabled"),
        format!("{id}-json"),
        format!("{id}-error"),
    );
    let error = move || {
        rule_id.with_value(|id| {
            broken.with(|b| b.iter().find(|(r, _)| r == id).map(|(_, why)| why.clone()))
        })
    };
    let on_text = {
        let id = id.clone();
        move |e: leptos::ev::Event| {
            let text = event_target_value(&e);
            broken.update(|b| b.retain(|(r, _)| r != &id));
            match serde_json::from_str::<TriggerRule>(&text) {
                Ok(edited) => draft.edit(|s| {
                    if let Some(slot) = s.triggers.iter_mut().find(|r| r.id == id) {
                        *slot = edited;
                    }
                }),
                Err(why) => broken.update(|b| b.push((id.clone(), why.to_string()))),
            }
        }
    };
    let (on_toggle_id, delete_id) = (id.clone(), id.clone());
    let title = rule().map(|r| r.id).unwrap_or_default();
    view! {
        <div class="rule">
            <div class="check">
                <input id=toggle_id.clone() type="checkbox"
                    prop:checked=move || rule().is_some_and(|r| r.enabled)
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        draft.edit(|s| {
                            if let Some(r) = s.triggers.iter_mut().find(|r| r.id == on_toggle_id) {
                                r.enabled = on;
                            }
                        })
                    }/>
                <label for=toggle_id>{move || format!("{} {title}", texts().rule_enabled)}</label>
            </div>
            <super::rule_editor::RuleForm draft id=id.clone()/>
            <details class="rule-json">
                <summary>{move || draft.session.trigger_texts().json}</summary>
                <label class="sr" for=text_id.clone()>{move || texts().rule_json}</label>
                <textarea id=text_id class="code" rows="8" spellcheck="false"
                    aria-invalid=move || error().is_some().then_some("true")
                    aria-describedby=error_id.clone()
                    prop:value=move || rule().map(|r| pretty(&r)).unwrap_or_default()
                    on:change=on_text></textarea>
            </details>
            <p id=error_id class="error">{error}</p>
            <button type="button" class="secondary" on:click=move |_| {
                broken.update(|b| b.retain(|(r, _)| r != &delete_id));
                draft.edit(|s| s.triggers.retain(|r| r.id != delete_id))
            }>{move || texts().delete}</button>
        </div>
    }
}

/// Every condition and action a rule may use, as JSON.
const REFERENCE: &str = r#"conditions (all must hold):
  {"if": "seconds_on_page", "at_least": 30}     {"if": "seconds_on_site", "at_least": 120}
  {"if": "pages_viewed", "at_least": 3}         {"if": "visit_number", "at_least": 2, "at_most": 5}
  {"if": "url", "pattern": {"kind": "contains", "value": "/pricing"}}
  {"if": "title" | "referrer", "pattern": {...}}   kinds: contains, equals, starts_with, ends_with, wildcard (*); "negate": true
  {"if": "utm", "param": "campaign", "pattern": {...}}   params: source, medium, campaign, term, content
  {"if": "country", "codes": ["RU", "KZ"]}      {"if": "city", "names": ["Kazan"]}
  {"if": "weekday", "days": [1, 2, 3, 4, 5]}    {"if": "hours", "from": 9, "to": 18}
  {"if": "operator_online", "online": true}     {"if": "already_chatted", "chatted": false}
actions:
  {"do": "invite", "text": "…", "operator_name": "Anna", "avatar_url": null, "department": null}
  {"do": "open_window"}   {"do": "show_contact_form"}   {"do": "hide_widget"}
  {"do": "slow_reply_notice", "after_seconds": 60, "text": "…"}"#;
