//! The site's settings, for owners and admins: what the widget does (contact form, offline
//! behaviour, departments, rating, triggers, texts, theme), who gets chats (routing), contact
//! masking, tags, webhooks, API keys and the ban list. Each section is its own form with its own Save, and saves only
//! its part: a colleague's change to another section is not overwritten.

mod alerts;
mod api_keys;
mod bans;
mod channels;
mod hours;
mod identity;
mod routing;
mod rule_editor;
mod tags;
mod triggers;
mod webhooks;
mod widget;

use crate::i18n::Texts;
use crate::state::{Session, Site};
use leptos::prelude::*;
use protocol::SiteSettings;

/// Copies one section from the edited draft onto the relay's current settings.
pub(super) type Apply = fn(&SiteSettings, &mut SiteSettings);
/// A text of the console in the current language.
pub(super) type Label = fn(&'static Texts) -> &'static str;

/// The settings being edited, loaded once from the relay when the screen opens.
#[derive(Clone, Copy)]
pub(super) struct Draft {
    pub session: Session,
    pub site: Site,
    pub data: RwSignal<SiteSettings>,
}

impl Draft {
    pub fn read<T>(&self, f: impl FnOnce(&SiteSettings) -> T) -> T {
        self.data.with(f)
    }

    pub fn edit(&self, f: impl FnOnce(&mut SiteSettings)) {
        self.data.update(f);
    }
}

/// A random id for a new list entry (department, custom field, rule): lowercase, unique.
pub(super) fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", (js_sys::Math::random() * 1e12) as u64)
}

#[component]
pub fn Settings() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let data = RwSignal::new(None::<SiteSettings>);
    let failed = RwSignal::new(None::<String>);
    wasm_bindgen_futures::spawn_local(async move {
        match session.call("GET", "/settings", None).await {
            Ok(body) => match serde_json::from_str(&body) {
                Ok(settings) => data.set(Some(settings)),
                Err(e) => failed.set(Some(e.to_string())),
            },
            Err(e) => failed.set(Some(e)),
        }
    });
    view! {
        <main class="team settings">
            <h2>{move || session.texts().settings}</h2>
            <Show when=move || failed.with(Option::is_some)>
                <p class="error" role="alert">{move || failed.get()}</p>
            </Show>
            {move || data.get().map(|loaded| {
                let draft = Draft { session, site, data: RwSignal::new(loaded) };
                view! {
                    <widget::WidgetSections draft/>
                    <hours::WorkingHours draft/>
                    <triggers::Triggers draft/>
                    <routing::RoutingSection draft/>
                    <routing::MaskingSection draft/>
                    <tags::Tags draft/>
                    <alerts::Alerts draft/>
                    <channels::Telegram/>
                    <identity::Identity/>
                    <webhooks::Webhooks/>
                    <api_keys::ApiKeys/>
                    <bans::Bans/>
                }
            })}
        </main>
    }
}

/// One form: a heading, its fields, and a Save that stores only this part.
#[component]
pub(super) fn Section(
    draft: Draft,
    id: &'static str,
    title: Label,
    apply: Apply,
    /// Why the section cannot be saved yet (e.g. a rule that does not parse).
    #[prop(optional, into)]
    blocked: Option<Signal<Option<String>>>,
    children: Children,
) -> impl IntoView {
    let (session, site) = (draft.session, draft.site);
    let status = RwSignal::new(None::<Result<(), String>>);
    let busy = RwSignal::new(false);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if let Some(why) = blocked.and_then(|b| b.get_untracked()) {
            status.set(Some(Err(why)));
            return;
        }
        let edited = draft.data.get_untracked();
        busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let result = site
                .update_settings(|current| apply(&edited, current))
                .await;
            busy.set(false);
            status.set(Some(result));
        });
    };
    let (heading, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    view! {
        <form class="section" aria-labelledby=labelled_by on:submit=submit on:input=move |_| status.set(None)>
            <h3 id=heading>{move || title(session.texts())}</h3>
            {children()}
            <div class="save">
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || session.texts().save}
                </button>
                <span role="status" class=move || match status.get() {
                    Some(Err(_)) => "error",
                    _ => "saved",
                }>
                    {move || match status.get() {
                        Some(Ok(())) => session.texts().saved.to_owned(),
                        Some(Err(e)) => e,
                        None => String::new(),
                    }}
                </span>
            </div>
        </form>
    }
}

/// A labelled text input bound to one string of the draft (empty means "none" for optional
/// ones: `set` decides).
#[component]
pub(super) fn TextInput(
    draft: Draft,
    id: &'static str,
    label: Label,
    get: fn(&SiteSettings) -> String,
    set: fn(&mut SiteSettings, String),
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<Label>,
) -> impl IntoView {
    let texts = move || draft.session.texts();
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{move || label(texts())}</label>
            <input id=id type=kind
                aria-describedby=hint.map(|_| hint_id.clone())
                prop:value=move || draft.read(get)
                on:input=move |e| draft.edit(|s| set(s, event_target_value(&e)))/>
            {hint.map(|hint| view! { <small id=hint_id class="muted">{move || hint(texts())}</small> })}
        </div>
    }
}

/// A labelled multi-line text bound to one string of the draft.
#[component]
pub(super) fn TextArea(
    draft: Draft,
    id: &'static str,
    label: Label,
    get: fn(&SiteSettings) -> String,
    set: fn(&mut SiteSettings, String),
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{move || label(draft.session.texts())}</label>
            <textarea id=id rows="2"
                prop:value=move || draft.read(get)
                on:input=move |e| draft.edit(|s| set(s, event_target_value(&e)))></textarea>
        </div>
    }
}

/// A labelled checkbox bound to one flag of the draft.
#[component]
pub(super) fn Check(
    draft: Draft,
    id: &'static str,
    label: Label,
    get: fn(&SiteSettings) -> bool,
    set: fn(&mut SiteSettings, bool),
) -> impl IntoView {
    view! {
        <div class="check">
            <input id=id type="checkbox"
                prop:checked=move || draft.read(get)
                on:change=move |e| draft.edit(|s| set(s, event_target_checked(&e)))/>
            <label for=id>{move || label(draft.session.texts())}</label>
        </div>
    }
}

/// A labelled select bound to one value of the draft, kept as its wire name.
#[component]
pub(super) fn Choice(
    draft: Draft,
    id: &'static str,
    label: Label,
    options: Vec<(&'static str, Label)>,
    get: fn(&SiteSettings) -> String,
    set: fn(&mut SiteSettings, &str),
) -> impl IntoView {
    let texts = move || draft.session.texts();
    view! {
        <div class="field">
            <label for=id>{move || label(texts())}</label>
            <select id=id
                prop:value=move || draft.read(get)
                on:change=move |e| draft.edit(|s| set(s, &event_target_value(&e)))>
                {options.into_iter().map(|(value, text)| view! {
                    <option value=value selected=move || draft.read(get) == value>
                        {move || text(texts())}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The wire name of a unit enum value (`"before"`, `"five_faces"`…), for select options.
pub(super) fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The enum value a select option names; `None` for anything else.
pub(super) fn from_wire<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// `None` for an empty (or blank) input, else the text as typed.
pub(super) fn optional(value: String) -> Option<String> {
    (!value.trim().is_empty()).then_some(value)
}
