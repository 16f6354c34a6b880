//! The chat window. Visitor and operator text is always rendered as text nodes, never as HTML.

mod forms;
mod log;
mod verdict;

use crate::chat::{Chat, Panel, RelayState};
use leptos::html;
use leptos::prelude::*;
use protocol::settings::ContactFormMode;
use wasm_bindgen::JsCast;

const STYLE: &str = include_str!("../style.css");

/// Adds the window's styles to the shadow root as a constructable stylesheet: it applies even
/// under a host-page CSP that forbids inline `<style>`.
pub fn adopt_styles(root: &web_sys::ShadowRoot) -> Result<(), wasm_bindgen::JsValue> {
    let sheet = web_sys::CssStyleSheet::new()?;
    sheet.replace_sync(STYLE)?;
    let sheets = root.adopted_style_sheets();
    sheets.push(&sheet);
    root.set_adopted_style_sheets(&sheets);
    Ok(())
}

/// The first letter of a name, in capitals (by the browser: Rust's own brings its tables).
pub(crate) fn initial(name: &str) -> String {
    let first: String = name.chars().take(1).collect();
    js_sys::JsString::from(first).to_upper_case().into()
}

pub(crate) fn input_value(e: &leptos::ev::Event) -> String {
    e.target()
        .and_then(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| {
                    t.dyn_ref::<web_sys::HtmlTextAreaElement>()
                        .map(|t| t.value())
                })
                .or_else(|| t.dyn_ref::<web_sys::HtmlSelectElement>().map(|s| s.value()))
        })
        .unwrap_or_default()
}

/// The first control a visitor would use in the open window: the composer when he can write,
/// else the first field of the form shown instead (leave a message, department, contact); the
/// window itself when there is none.
fn focus_into(section: &web_sys::HtmlElement) {
    let target = [
        "form.composer:not([hidden]) textarea",
        "form:not(.composer):not([hidden]) :is(input:not([type=hidden]), textarea, select, button)",
        "ul.log button",
    ]
    .iter()
    .find_map(|selector| section.query_selector(selector).ok().flatten())
    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    .unwrap_or_else(|| section.clone());
    let _ = target.focus();
}

/// The window closed: if focus was inside it, it goes back to the launcher instead of falling
/// to the page's body.
fn return_focus(section: &web_sys::HtmlElement) {
    let Some(root) = section
        .get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
    else {
        return;
    };
    // Focus on a control that just hid is dropped to the page's body: that counts as inside.
    let inside = match root.active_element() {
        Some(active) => section.contains(Some(&active)),
        None => web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .is_none_or(|active| active.tag_name() == "BODY"),
    };
    if !inside {
        return;
    }
    if let Some(launcher) = root
        .query_selector(".launcher")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = launcher.focus();
    }
}

#[component]
pub fn Widget(chat: Chat) -> impl IntoView {
    let window: NodeRef<html::Section> = NodeRef::new();
    let menu_open = RwSignal::new(false);

    // Focus follows the window: into it when it opens (the composer, or the first field of the
    // form it shows instead), back to the launcher when it closes with focus inside.
    Effect::new(move |was_open: Option<bool>| {
        let open = chat.open.get();
        if let Some(section) = window.get() {
            match (was_open, open) {
                (Some(false) | None, true) => {
                    request_animation_frame(move || focus_into(&section));
                }
                (Some(true), false) => return_focus(&section),
                _ => {}
            }
        }
        open
    });
    Effect::new(move |_| crate::host::set_launcher(chat.unread.get(), chat.is_hidden()));
    Effect::new(move |_| {
        let wrote = chat.client.timeline.with(|t| {
            t.messages()
                .iter()
                .any(|m| m.author == protocol::Author::Visitor)
        });
        crate::host::chatted(wrote);
    });
    Effect::new(move |_| crate::host::online(chat.presence.with(|p| p.operators_online)));

    let title = move || {
        chat.operator
            .with(|op| op.as_ref().map(|op| op.name.clone()))
            .or_else(|| {
                chat.config
                    .with(|c| c.as_ref().map(|c| c.site_name.clone()))
            })
            .unwrap_or_else(|| chat.texts().default_title.to_owned())
    };
    // The operator's photo, when he has one (the relay answers 404 otherwise).
    let photo_failed = RwSignal::new(false);
    let operator_photo = move || {
        let id = chat
            .operator
            .with(|op| op.as_ref().map(|op| op.id.clone()))?;
        (!photo_failed.get()).then(|| format!("{}/api/v1/avatars/{id}", chat.relay()))
    };
    Effect::new(move |_| {
        chat.operator.track();
        photo_failed.set(false);
    });
    let logo = move || {
        chat.config
            .with(|c| c.as_ref().and_then(|c| c.theme.logo_url.clone()))
    };
    let subtitle = move || {
        let t = chat.texts();
        if let Some(name) = chat.operator_typing.get() {
            return format!("{name} {}", t.typing);
        }
        let text = match chat.relay_state.get() {
            RelayState::Idle if chat.offline() => t.offline_hint,
            RelayState::Idle | RelayState::Starting | RelayState::Connecting => t.connecting,
            RelayState::Reconnecting => t.reconnecting,
            RelayState::Failed => t.start_failed,
            RelayState::Open if chat.offline() => t.offline_hint,
            RelayState::Open => t.online_hint,
        };
        text.to_owned()
    };
    let submit = move || {
        let text = chat.draft.get_untracked();
        if chat.send(&text) {
            chat.draft.set(String::new());
        }
    };
    let on_keydown = move |e: web_sys::KeyboardEvent| {
        if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
            e.prevent_default();
            submit();
        }
    };
    let composer_blocked = move || {
        chat.offline()
            || chat.needs_department()
            || chat.contact_form() == Some(ContactFormMode::Before)
            || chat.ended_as_spam()
    };

    view! {
        <forms::Teaser chat/>
        <section
            node_ref=window
            class="window"
            tabindex="-1"
            role="dialog"
            aria-labelledby="cw-title"
            hidden=move || !chat.open.get()
            on:keydown=move |e: web_sys::KeyboardEvent| {
                if e.key() == "Escape" {
                    chat.set_open(false, true);
                }
            }
        >
            <header class="head">
                {move || match (operator_photo(), logo()) {
                    (Some(src), _) => view! {
                        <img class="avatar" src=src alt="" on:error=move |_| photo_failed.set(true)/>
                    }.into_any(),
                    (None, Some(src)) => view! { <img class="logo" src=src alt=""/> }.into_any(),
                    (None, None) => view! { <div class="avatar" aria-hidden="true">{move || initial(&title())}</div> }.into_any(),
                }}
                <div class="who">
                    <h2 id="cw-title">{title}</h2>
                    <p class="sub" role="status">{subtitle}</p>
                </div>
                <button
                    type="button"
                    class="icon"
                    aria-label=move || chat.texts().menu
                    aria-expanded=move || menu_open.get().to_string()
                    aria-controls="cw-menu"
                    on:click=move |_| menu_open.update(|o| *o = !*o)
                >
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <circle cx="5" cy="12" r="2" fill="currentColor"/>
                        <circle cx="12" cy="12" r="2" fill="currentColor"/>
                        <circle cx="19" cy="12" r="2" fill="currentColor"/>
                    </svg>
                </button>
                <button
                    type="button"
                    class="icon close"
                    aria-label=move || chat.texts().close
                    on:click=move |_| chat.set_open(false, true)
                >
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" fill="none"/>
                    </svg>
                </button>
            </header>
            <Show when=move || menu_open.get()>
                <forms::Menu chat menu_open/>
            </Show>
            <log::Log chat/>
            <Show when=move || chat.state.with(|s| s.awaits_verdict())>
                <verdict::Verdict chat/>
            </Show>
            <Show when=move || chat.uploading.get()>
                <p class="notice" role="status">{move || chat.texts().uploading}</p>
            </Show>
            <Show when=move || chat.notice.with(Option::is_some)>
                <p class="notice" role="alert">{move || chat.notice.get()}</p>
            </Show>
            <Show when=move || chat.relay_state.get() == RelayState::Failed>
                <button type="button" class="retry" on:click=move |_| chat.retry()>
                    {move || chat.texts().retry}
                </button>
            </Show>
            <Show when=move || chat.panel.get() != Panel::None>
                <forms::PanelForm chat/>
            </Show>
            <Show when=move || chat.awaits_rating()>
                <forms::RatingSurvey chat/>
            </Show>
            <Show when=move || chat.offline() && !chat.offline_sent.get()>
                <forms::OfflineForm chat/>
            </Show>
            <Show when=move || !chat.offline() && chat.needs_department()>
                <forms::DepartmentPicker chat/>
            </Show>
            <Show when=move || !chat.offline() && !chat.needs_department() && chat.contact_form().is_some()>
                <forms::ContactForm chat/>
            </Show>
            <form
                class="composer"
                hidden=composer_blocked
                on:submit=move |e: leptos::ev::SubmitEvent| {
                    e.prevent_default();
                    submit();
                }
            >
                <label class="icon attach" title=move || chat.texts().attach>
                    <span class="sr">{move || chat.texts().attach}</span>
                    <input
                        type="file"
                        class="sr"
                        accept=protocol::files::ALLOWED_TYPES.join(",")
                        on:change=move |e| {
                            let input = e
                                .target()
                                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                            if let Some(input) = input {
                                if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                    chat.send_file(file);
                                }
                                input.set_value("");
                            }
                        }
                    />
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path d="M16.5 6.5l-8 8a2 2 0 0 0 2.8 2.8l8.5-8.5a4 4 0 0 0-5.7-5.7L5.6 11.6a6 6 0 0 0 8.5 8.5l6-6"
                            stroke="currentColor" stroke-width="1.8" fill="none"/>
                    </svg>
                </label>
                <label for="cw-input" class="sr">{move || chat.texts().message_label}</label>
                <textarea
                    id="cw-input"
                    rows="1"
                    maxlength=move || chat.max_message_chars().to_string()
                    placeholder=move || chat.texts().placeholder
                    prop:value=move || chat.draft.get()
                    on:input=move |e| {
                        chat.draft.set(input_value(&e));
                        chat.typing();
                    }
                    on:keydown=on_keydown
                ></textarea>
                <button type="submit" class="send" aria-label=move || chat.texts().send>
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor"/>
                    </svg>
                </button>
            </form>
        </section>
    }
}
