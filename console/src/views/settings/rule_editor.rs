//! One trigger rule's conditions and actions as pickers with fields, in the console's
//! language. It edits the same draft as the rule's JSON beside it (the advanced view), so a
//! change in either shows in both; the relay checks every rule again on save.

use super::Draft;
use leptos::prelude::*;
use protocol::device::Device;
use protocol::pattern::{MatchKind, Pattern};
use protocol::triggers::{Action, Condition, TriggerRule, UtmParam};

type Texts = &'static crate::i18n::TriggerTexts;
type Label = fn(Texts) -> &'static str;

/// The rule named by `id` in the draft, read (tracked) or changed.
#[derive(Clone, Copy)]
struct Rule {
    draft: Draft,
    id: StoredValue<String>,
}

impl Rule {
    fn read<R>(self, f: impl FnOnce(&TriggerRule) -> R) -> Option<R> {
        self.id.with_value(|id| {
            self.draft
                .read(|s| s.triggers.iter().find(|r| &r.id == id).map(f))
        })
    }

    fn edit(self, f: impl FnOnce(&mut TriggerRule)) {
        let id = self.id.get_value();
        self.draft.edit(|s| {
            if let Some(rule) = s.triggers.iter_mut().find(|r| r.id == id) {
                f(rule)
            }
        });
    }

    fn texts(self) -> Texts {
        self.draft.session.trigger_texts()
    }

    fn condition(self, index: usize) -> Option<Condition> {
        self.read(|r| r.conditions.get(index).cloned()).flatten()
    }

    fn edit_condition(self, index: usize, f: impl FnOnce(&mut Condition)) {
        self.edit(|r| {
            if let Some(c) = r.conditions.get_mut(index) {
                f(c)
            }
        })
    }

    fn action(self, index: usize) -> Option<Action> {
        self.read(|r| r.actions.get(index).cloned()).flatten()
    }

    fn edit_action(self, index: usize, f: impl FnOnce(&mut Action)) {
        self.edit(|r| {
            if let Some(a) = r.actions.get_mut(index) {
                f(a)
            }
        })
    }
}

const CONDITIONS: [&str; 15] = [
    "seconds_on_page",
    "seconds_on_site",
    "pages_viewed",
    "visit_number",
    "url",
    "title",
    "referrer",
    "utm",
    "country",
    "city",
    "weekday",
    "hours",
    "operator_online",
    "already_chatted",
    "device",
];

fn condition_kind(c: &Condition) -> &'static str {
    match c {
        Condition::SecondsOnPage { .. } => "seconds_on_page",
        Condition::SecondsOnSite { .. } => "seconds_on_site",
        Condition::PagesViewed { .. } => "pages_viewed",
        Condition::VisitNumber { .. } => "visit_number",
        Condition::Url { .. } => "url",
        Condition::Title { .. } => "title",
        Condition::Referrer { .. } => "referrer",
        Condition::Utm { .. } => "utm",
        Condition::Country { .. } => "country",
        Condition::City { .. } => "city",
        Condition::Weekday { .. } => "weekday",
        Condition::Hours { .. } => "hours",
        Condition::OperatorOnline { .. } => "operator_online",
        Condition::AlreadyChatted { .. } => "already_chatted",
        Condition::Device { .. } => "device",
    }
}

/// What a condition picked anew starts with.
fn new_condition(kind: &str) -> Condition {
    let pattern = || Pattern::new(MatchKind::Contains, "");
    match kind {
        "seconds_on_site" => Condition::SecondsOnSite { at_least: 60 },
        "pages_viewed" => Condition::PagesViewed { at_least: 2 },
        "visit_number" => Condition::VisitNumber {
            at_least: 2,
            at_most: None,
        },
        "url" => Condition::Url { pattern: pattern() },
        "title" => Condition::Title { pattern: pattern() },
        "referrer" => Condition::Referrer { pattern: pattern() },
        "utm" => Condition::Utm {
            param: UtmParam::Campaign,
            pattern: pattern(),
        },
        "country" => Condition::Country { codes: vec![] },
        "city" => Condition::City { names: vec![] },
        "weekday" => Condition::Weekday {
            days: vec![1, 2, 3, 4, 5],
        },
        "hours" => Condition::Hours { from: 9, to: 18 },
        "operator_online" => Condition::OperatorOnline { online: true },
        "already_chatted" => Condition::AlreadyChatted { chatted: false },
        "device" => Condition::Device {
            devices: vec![Device::Phone],
        },
        _ => Condition::SecondsOnPage { at_least: 30 },
    }
}

fn condition_label(kind: &str) -> Label {
    match kind {
        "seconds_on_site" => |t| t.seconds_on_site,
        "pages_viewed" => |t| t.pages_viewed,
        "visit_number" => |t| t.visit_number,
        "url" => |t| t.url,
        "title" => |t| t.title,
        "referrer" => |t| t.referrer,
        "utm" => |t| t.utm,
        "country" => |t| t.country,
        "city" => |t| t.city,
        "weekday" => |t| t.weekday,
        "hours" => |t| t.hours,
        "operator_online" => |t| t.operator_online,
        "already_chatted" => |t| t.already_chatted,
        "device" => |t| t.device,
        _ => |t| t.seconds_on_page,
    }
}

const ACTIONS: [&str; 5] = [
    "invite",
    "open_window",
    "show_contact_form",
    "slow_reply_notice",
    "hide_widget",
];

fn action_kind(a: &Action) -> &'static str {
    match a {
        Action::Invite { .. } => "invite",
        Action::OpenWindow => "open_window",
        Action::ShowContactForm => "show_contact_form",
        Action::SlowReplyNotice { .. } => "slow_reply_notice",
        Action::HideWidget => "hide_widget",
    }
}

fn new_action(kind: &str) -> Action {
    match kind {
        "open_window" => Action::OpenWindow,
        "show_contact_form" => Action::ShowContactForm,
        "slow_reply_notice" => Action::SlowReplyNotice {
            after_seconds: 60,
            text: String::new(),
        },
        "hide_widget" => Action::HideWidget,
        _ => Action::Invite {
            text: String::new(),
            operator_name: String::new(),
            avatar_url: None,
            department: None,
        },
    }
}

fn action_label(kind: &str) -> Label {
    match kind {
        "open_window" => |t| t.open_window,
        "show_contact_form" => |t| t.show_contact_form,
        "slow_reply_notice" => |t| t.slow_reply_notice,
        "hide_widget" => |t| t.hide_widget,
        _ => |t| t.invite,
    }
}

#[component]
pub(super) fn RuleForm(draft: Draft, id: String) -> impl IntoView {
    let rule = Rule {
        draft,
        id: StoredValue::new(id),
    };
    let t = move || rule.texts();
    // Rows are drawn again only when their number changes, so typing keeps its focus.
    let conditions = Memo::new(move |_| rule.read(|r| r.conditions.len()).unwrap_or(0));
    let actions = Memo::new(move |_| rule.read(|r| r.actions.len()).unwrap_or(0));
    view! {
        <fieldset class="rule-part">
            <legend>{move || t().conditions}</legend>
            {move || (conditions.get() == 0).then(|| view! { <p class="muted">{move || t().no_conditions}</p> })}
            {move || (0..conditions.get()).map(|index| view! { <ConditionRow rule index/> }).collect_view()}
            <button type="button" class="secondary"
                on:click=move |_| rule.edit(|r| r.conditions.push(new_condition("seconds_on_page")))>
                {move || t().add_condition}
            </button>
        </fieldset>
        <fieldset class="rule-part">
            <legend>{move || t().actions}</legend>
            {move || (0..actions.get()).map(|index| view! { <ActionRow rule index/> }).collect_view()}
            <button type="button" class="secondary"
                on:click=move |_| rule.edit(|r| r.actions.push(new_action("invite")))>
                {move || t().add_action}
            </button>
        </fieldset>
    }
}

/// The picker of a row's kind: a labelled select whose options are `kinds`.
fn kind_picker(
    rule: Rule,
    id: String,
    label: Label,
    kinds: &'static [&'static str],
    name: fn(&str) -> Label,
    current: Memo<&'static str>,
    pick: impl Fn(String) + 'static,
) -> impl IntoView {
    let t = move || rule.texts();
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(t())}</label>
            <select id=id on:change=move |e| pick(event_target_value(&e))>
                {kinds.iter().map(|kind| view! {
                    <option value=*kind selected=move || current.get() == *kind>
                        {move || name(kind)(t())}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn ConditionRow(rule: Rule, index: usize) -> impl IntoView {
    let t = move || rule.texts();
    let prefix = rule.id.with_value(|id| format!("{id}-c{index}"));
    let kind = Memo::new(move |_| rule.condition(index).as_ref().map_or("", condition_kind));
    let picker = kind_picker(
        rule,
        format!("{prefix}-kind"),
        |t| t.condition,
        &CONDITIONS,
        condition_label,
        kind,
        move |picked| rule.edit_condition(index, |c| *c = new_condition(&picked)),
    );
    let fields = {
        let prefix = prefix.clone();
        move || condition_fields(rule, index, kind.get(), &prefix)
    };
    view! {
        <div class="rule-row">
            {picker}
            {fields}
            <button type="button" class="secondary"
                aria-label=move || format!("{} {}", t().remove, condition_label(kind.get())(t()))
                on:click=move |_| rule.edit(|r| { r.conditions.remove(index); })>
                {move || t().remove}
            </button>
        </div>
    }
}

/// The fields of a condition of `kind`.
fn condition_fields(rule: Rule, index: usize, kind: &str, prefix: &str) -> AnyView {
    let id = |field: &str| format!("{prefix}-{field}");
    let get = move |read: fn(&Condition) -> Option<String>| {
        move || {
            rule.condition(index)
                .as_ref()
                .and_then(read)
                .unwrap_or_default()
        }
    };
    match kind {
        "seconds_on_page" | "seconds_on_site" | "pages_viewed" => number(
            rule,
            id("at-least"),
            |t| t.at_least,
            get(|c| match c {
                Condition::SecondsOnPage { at_least }
                | Condition::SecondsOnSite { at_least }
                | Condition::PagesViewed { at_least } => Some(at_least.to_string()),
                _ => None,
            }),
            move |n| {
                rule.edit_condition(index, |c| match c {
                    Condition::SecondsOnPage { at_least }
                    | Condition::SecondsOnSite { at_least }
                    | Condition::PagesViewed { at_least } => *at_least = n.unwrap_or(0),
                    _ => {}
                })
            },
        )
        .into_any(),
        "visit_number" => view! {
            {number(rule, id("at-least"), |t| t.at_least,
                get(|c| match c { Condition::VisitNumber { at_least, .. } => Some(at_least.to_string()), _ => None }),
                move |n| rule.edit_condition(index, |c| if let Condition::VisitNumber { at_least, .. } = c { *at_least = n.unwrap_or(1) }))}
            {number(rule, id("at-most"), |t| t.at_most,
                get(|c| match c { Condition::VisitNumber { at_most, .. } => at_most.map(|n| n.to_string()), _ => None }),
                move |n| rule.edit_condition(index, |c| if let Condition::VisitNumber { at_most, .. } = c { *at_most = n }))}
        }
        .into_any(),
        "url" | "title" | "referrer" | "utm" => {
            let param = (kind == "utm").then(|| utm_param(rule, index, id("param")));
            view! { {param} {pattern_fields(rule, index, prefix)} }.into_any()
        }
        "country" | "city" => text(
            rule,
            id("list"),
            if kind == "country" { |t| t.codes } else { |t| t.names },
            get(|c| match c {
                Condition::Country { codes } => Some(codes.join(", ")),
                Condition::City { names } => Some(names.join(", ")),
                _ => None,
            }),
            move |typed| {
                let list: Vec<String> = typed
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
                rule.edit_condition(index, |c| match c {
                    Condition::Country { codes } => {
                        *codes = list.iter().map(|s| s.to_uppercase()).collect()
                    }
                    Condition::City { names } => *names = list,
                    _ => {}
                })
            },
        )
        .into_any(),
        "weekday" => weekdays(rule, index, prefix).into_any(),
        "device" => devices(rule, index, prefix).into_any(),
        "hours" => view! {
            {number(rule, id("from"), |t| t.from_hour,
                get(|c| match c { Condition::Hours { from, .. } => Some(from.to_string()), _ => None }),
                move |n| rule.edit_condition(index, |c| if let Condition::Hours { from, .. } = c { *from = n.unwrap_or(0).min(24) as u8 }))}
            {number(rule, id("to"), |t| t.to_hour,
                get(|c| match c { Condition::Hours { to, .. } => Some(to.to_string()), _ => None }),
                move |n| rule.edit_condition(index, |c| if let Condition::Hours { to, .. } = c { *to = n.unwrap_or(0).min(24) as u8 }))}
        }
        .into_any(),
        "operator_online" | "already_chatted" => check(
            rule,
            id("yes"),
            |t| t.yes,
            move || {
                rule.condition(index).is_some_and(|c| match c {
                    Condition::OperatorOnline { online } => online,
                    Condition::AlreadyChatted { chatted } => chatted,
                    _ => false,
                })
            },
            move |on| {
                rule.edit_condition(index, |c| match c {
                    Condition::OperatorOnline { online } => *online = on,
                    Condition::AlreadyChatted { chatted } => *chatted = on,
                    _ => {}
                })
            },
        )
        .into_any(),
        _ => ().into_any(),
    }
}

fn pattern_of(c: &Condition) -> Option<&Pattern> {
    match c {
        Condition::Url { pattern }
        | Condition::Title { pattern }
        | Condition::Referrer { pattern }
        | Condition::Utm { pattern, .. } => Some(pattern),
        _ => None,
    }
}

fn pattern_mut(c: &mut Condition) -> Option<&mut Pattern> {
    match c {
        Condition::Url { pattern }
        | Condition::Title { pattern }
        | Condition::Referrer { pattern }
        | Condition::Utm { pattern, .. } => Some(pattern),
        _ => None,
    }
}

const MATCH_KINDS: [(&str, MatchKind, Label); 5] = [
    ("contains", MatchKind::Contains, |t| t.contains),
    ("equals", MatchKind::Equals, |t| t.equals),
    ("starts_with", MatchKind::StartsWith, |t| t.starts_with),
    ("ends_with", MatchKind::EndsWith, |t| t.ends_with),
    ("wildcard", MatchKind::Wildcard, |t| t.wildcard),
];

fn pattern_fields(rule: Rule, index: usize, prefix: &str) -> impl IntoView {
    let t = move || rule.texts();
    let pattern = move || rule.condition(index).as_ref().and_then(pattern_of).cloned();
    let edit = move |f: &dyn Fn(&mut Pattern)| {
        rule.edit_condition(index, |c| {
            if let Some(p) = pattern_mut(c) {
                f(p)
            }
        })
    };
    let kind_id = format!("{prefix}-match");
    let (value_id, negate_id) = (format!("{prefix}-value"), format!("{prefix}-negate"));
    view! {
        <div class="field">
            <label for=kind_id.clone()>{move || t().match_kind}</label>
            <select id=kind_id on:change=move |e| {
                let picked = event_target_value(&e);
                if let Some((_, kind, _)) = MATCH_KINDS.iter().find(|(name, _, _)| *name == picked) {
                    edit(&|p| p.kind = *kind);
                }
            }>
                {MATCH_KINDS.iter().map(|(name, kind, label)| view! {
                    <option value=*name selected=move || pattern().is_some_and(|p| p.kind == *kind)>
                        {move || label(t())}
                    </option>
                }).collect_view()}
            </select>
        </div>
        {text(rule, value_id, |t| t.value,
            move || pattern().map(|p| p.value).unwrap_or_default(),
            move |typed| edit(&|p| p.value = typed.clone()))}
        {check(rule, negate_id, |t| t.negate,
            move || pattern().is_some_and(|p| p.negate),
            move |on| edit(&|p| p.negate = on))}
    }
}

const UTM_PARAMS: [(&str, UtmParam); 5] = [
    ("source", UtmParam::Source),
    ("medium", UtmParam::Medium),
    ("campaign", UtmParam::Campaign),
    ("term", UtmParam::Term),
    ("content", UtmParam::Content),
];

fn utm_param(rule: Rule, index: usize, id: String) -> impl IntoView {
    let t = move || rule.texts();
    let current = move || match rule.condition(index) {
        Some(Condition::Utm { param, .. }) => Some(param),
        _ => None,
    };
    view! {
        <div class="field">
            <label for=id.clone()>{move || t().utm_param}</label>
            <select id=id on:change=move |e| {
                let picked = event_target_value(&e);
                if let Some((_, chosen)) = UTM_PARAMS.iter().find(|(name, _)| *name == picked) {
                    rule.edit_condition(index, |c| if let Condition::Utm { param, .. } = c { *param = *chosen });
                }
            }>
                {UTM_PARAMS.iter().map(|(name, param)| view! {
                    <option value=*name selected=move || current() == Some(*param)>{format!("utm_{name}")}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

type Said = fn(crate::state::Session) -> &'static str;

fn weekdays(rule: Rule, index: usize, prefix: &str) -> impl IntoView {
    let days: [(u8, Said); 7] = [
        (1, |s| s.texts().day_1),
        (2, |s| s.texts().day_2),
        (3, |s| s.texts().day_3),
        (4, |s| s.texts().day_4),
        (5, |s| s.texts().day_5),
        (6, |s| s.texts().day_6),
        (7, |s| s.texts().day_7),
    ];
    let options = days.map(|(day, said)| (day, format!("{prefix}-day{day}"), said));
    checkbox_set(
        rule,
        index,
        |t| t.weekday,
        options,
        |c| match c {
            Condition::Weekday { days } => Some(days),
            _ => None,
        },
    )
}

fn devices(rule: Rule, index: usize, prefix: &str) -> impl IntoView {
    let kinds: [(Device, Said); 3] = [
        (Device::Phone, |s| s.trigger_texts().phone),
        (Device::Tablet, |s| s.trigger_texts().tablet),
        (Device::Desktop, |s| s.trigger_texts().desktop),
    ];
    let options =
        kinds.map(|(device, said)| (device, format!("{prefix}-{}", device.as_str()), said));
    checkbox_set(
        rule,
        index,
        |t| t.device,
        options,
        |c| match c {
            Condition::Device { devices } => Some(devices),
            _ => None,
        },
    )
}

/// A condition's list of chosen values (weekdays, devices) as one checkbox each, kept sorted.
fn checkbox_set<T, const N: usize>(
    rule: Rule,
    index: usize,
    legend: Label,
    options: [(T, String, Said); N],
    list: fn(&mut Condition) -> Option<&mut Vec<T>>,
) -> impl IntoView
where
    T: Copy + Ord + Send + Sync + 'static,
{
    let session = rule.draft.session;
    let has = move |value: T| {
        rule.condition(index)
            .as_mut()
            .and_then(list)
            .is_some_and(|chosen| chosen.contains(&value))
    };
    view! {
        <fieldset class="days">
            <legend>{move || legend(rule.texts())}</legend>
            {options.into_iter().map(|(value, id, said)| view! {
                <span class="check">
                    <input id=id.clone() type="checkbox" prop:checked=move || has(value)
                        on:change=move |e| {
                            let on = event_target_checked(&e);
                            rule.edit_condition(index, |c| if let Some(chosen) = list(c) {
                                chosen.retain(|v| *v != value);
                                if on {
                                    chosen.push(value);
                                    chosen.sort_unstable();
                                }
                            });
                        }/>
                    <label for=id>{move || said(session)}</label>
                </span>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn ActionRow(rule: Rule, index: usize) -> impl IntoView {
    let t = move || rule.texts();
    let prefix = rule.id.with_value(|id| format!("{id}-a{index}"));
    let kind = Memo::new(move |_| rule.action(index).as_ref().map_or("", action_kind));
    let picker = kind_picker(
        rule,
        format!("{prefix}-kind"),
        |t| t.action,
        &ACTIONS,
        action_label,
        kind,
        move |picked| rule.edit_action(index, |a| *a = new_action(&picked)),
    );
    let fields = {
        let prefix = prefix.clone();
        move || action_fields(rule, index, kind.get(), &prefix)
    };
    view! {
        <div class="rule-row">
            {picker}
            {fields}
            <button type="button" class="secondary"
                aria-label=move || format!("{} {}", t().remove, action_label(kind.get())(t()))
                on:click=move |_| rule.edit(|r| { r.actions.remove(index); })>
                {move || t().remove}
            </button>
        </div>
    }
}

fn action_fields(rule: Rule, index: usize, kind: &str, prefix: &str) -> AnyView {
    let id = |field: &str| format!("{prefix}-{field}");
    let get = move |read: fn(&Action) -> Option<String>| {
        move || {
            rule.action(index)
                .as_ref()
                .and_then(read)
                .unwrap_or_default()
        }
    };
    match kind {
        "invite" => view! {
            {text(rule, id("text"), |t| t.invite_text,
                get(|a| match a { Action::Invite { text, .. } => Some(text.clone()), _ => None }),
                move |typed| rule.edit_action(index, |a| if let Action::Invite { text, .. } = a { *text = typed }))}
            {text(rule, id("name"), |t| t.operator_name,
                get(|a| match a { Action::Invite { operator_name, .. } => Some(operator_name.clone()), _ => None }),
                move |typed| rule.edit_action(index, |a| if let Action::Invite { operator_name, .. } = a { *operator_name = typed }))}
            {text(rule, id("avatar"), |t| t.avatar_url,
                get(|a| match a { Action::Invite { avatar_url, .. } => avatar_url.clone(), _ => None }),
                move |typed| rule.edit_action(index, |a| if let Action::Invite { avatar_url, .. } = a {
                    *avatar_url = Some(typed).filter(|u| !u.trim().is_empty())
                }))}
            {department(rule, index, id("department"))}
        }
        .into_any(),
        "slow_reply_notice" => view! {
            {number(rule, id("after"), |t| t.after_seconds,
                get(|a| match a { Action::SlowReplyNotice { after_seconds, .. } => Some(after_seconds.to_string()), _ => None }),
                move |n| rule.edit_action(index, |a| if let Action::SlowReplyNotice { after_seconds, .. } = a { *after_seconds = n.unwrap_or(0) }))}
            {text(rule, id("text"), |t| t.notice_text,
                get(|a| match a { Action::SlowReplyNotice { text, .. } => Some(text.clone()), _ => None }),
                move |typed| rule.edit_action(index, |a| if let Action::SlowReplyNotice { text, .. } = a { *text = typed }))}
        }
        .into_any(),
        _ => ().into_any(),
    }
}

/// Where an invitation's chat goes: one of the site's departments, or wherever routing puts it.
fn department(rule: Rule, index: usize, id: String) -> impl IntoView {
    let t = move || rule.texts();
    let current = move || match rule.action(index) {
        Some(Action::Invite { department, .. }) => department.unwrap_or_default(),
        _ => String::new(),
    };
    let departments = move || rule.draft.read(|s| s.departments.clone());
    view! {
        <div class="field">
            <label for=id.clone()>{move || t().department}</label>
            <select id=id on:change=move |e| {
                let picked = Some(event_target_value(&e)).filter(|d| !d.is_empty());
                rule.edit_action(index, |a| if let Action::Invite { department, .. } = a { *department = picked });
            }>
                <option value="" selected=move || current().is_empty()>{move || t().any_department}</option>
                {move || departments().into_iter().map(|d| {
                    let value = d.id.clone();
                    view! { <option value=d.id selected=move || current() == value>{d.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn text(
    rule: Rule,
    id: String,
    label: Label,
    get: impl Fn() -> String + Send + Sync + 'static,
    set: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(rule.texts())}</label>
            <input id=id type="text" prop:value=get on:input=move |e| set(event_target_value(&e))/>
        </div>
    }
}

/// A whole number; an empty field is `None`, anything else unreadable changes nothing.
fn number(
    rule: Rule,
    id: String,
    label: Label,
    get: impl Fn() -> String + Send + Sync + 'static,
    set: impl Fn(Option<u32>) + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(rule.texts())}</label>
            <input id=id type="number" min="0" inputmode="numeric" prop:value=get
                on:input=move |e| {
                    let typed = event_target_value(&e);
                    match typed.trim() {
                        "" => set(None),
                        digits => if let Ok(n) = digits.parse() { set(Some(n)) },
                    }
                }/>
        </div>
    }
}

fn check(
    rule: Rule,
    id: String,
    label: Label,
    get: impl Fn() -> bool + Send + Sync + 'static,
    set: impl Fn(bool) + 'static,
) -> impl IntoView {
    view! {
        <div class="check">
            <input id=id.clone() type="checkbox" prop:checked=get
                on:change=move |e| set(event_target_checked(&e))/>
            <label for=id>{move || label(rule.texts())}</label>
        </div>
    }
}
