//! The chat window. Visitor and operator text is always rendered as text nodes, never as HTML.

use crate::chat::{Chat, Link};
use leptos::html;
use leptos::prelude::*;
use protocol::{Author, ChatMessage};
use wasm_bindgen::JsCast;

const STYLE: &str = include_str!("style.css");

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

/// `HH:MM` in the visitor's local time.
fn clock(ms: u64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

#[component]
pub fn Widget(chat: Chat) -> impl IntoView {
    let log: NodeRef<html::Ol> = NodeRef::new();
    let input: NodeRef<html::Textarea> = NodeRef::new();

    // Keep the newest message in view.
    Effect::new(move |_| {
        chat.timeline
            .with(|t| t.messages().len() + t.pending().len());
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    // Put the cursor in the composer when the window opens.
    Effect::new(move |_| {
        if chat.open.get() {
            if let Some(input) = input.get() {
                let _ = input.focus();
            }
        }
    });

    let title = move || {
        chat.operator
            .with(|op| op.as_ref().map(|op| op.name.clone()))
            .or_else(|| {
                chat.config
                    .with(|c| c.as_ref().map(|c| c.site_name.clone()))
            })
            .unwrap_or_else(|| chat.texts().default_title.to_owned())
    };
    let subtitle = move || {
        let t = chat.texts();
        match chat.link.get() {
            Link::Idle | Link::Starting | Link::Connecting => t.connecting,
            Link::Reconnecting => t.reconnecting,
            Link::Failed => t.start_failed,
            Link::Open => t.online_hint,
        }
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
        } else if e.key() == "Escape" {
            chat.set_open(false);
        }
    };

    view! {
        <section
            class="window"
            role="dialog"
            aria-labelledby="cw-title"
            hidden=move || !chat.open.get()
            on:keydown=move |e: web_sys::KeyboardEvent| {
                if e.key() == "Escape" {
                    chat.set_open(false);
                }
            }
        >
            <header class="head">
                <div class="avatar" aria-hidden="true">{move || initial(&title())}</div>
                <div class="who">
                    <h2 id="cw-title">{title}</h2>
                    <p class="sub" role="status">{subtitle}</p>
                </div>
                <button
                    type="button"
                    class="close"
                    aria-label=move || chat.texts().close
                    on:click=move |_| chat.set_open(false)
                >
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" fill="none"/>
                    </svg>
                </button>
            </header>
            <ol
                class="log"
                node_ref=log
                aria-live="polite"
                aria-relevant="additions"
                aria-label=move || chat.texts().messages_label
                tabindex="0"
            >
                <li class="msg operator greeting">{move || chat.texts().greeting}</li>
                <For
                    each=move || chat.timeline.with(|t| t.messages().to_vec())
                    key=|m| m.seq
                    let:message
                >
                    <Message chat message/>
                </For>
                <For
                    each=move || chat.timeline.with(|t| t.pending().to_vec())
                    key=|p| p.client_id.clone()
                    let:pending
                >
                    <li class="msg visitor pending">
                        <span class="sr">{move || chat.texts().you}": "</span>
                        <p class="text">{pending.text}</p>
                        <span class="meta">{move || chat.texts().sending}</span>
                    </li>
                </For>
            </ol>
            <Show when=move || chat.notice.with(Option::is_some)>
                <p class="notice" role="alert">{move || chat.notice.get()}</p>
            </Show>
            <Show when=move || chat.link.get() == Link::Failed>
                <button type="button" class="retry" on:click=move |_| chat.retry()>
                    {move || chat.texts().retry}
                </button>
            </Show>
            <form
                class="composer"
                on:submit=move |e: leptos::ev::SubmitEvent| {
                    e.prevent_default();
                    submit();
                }
            >
                <label for="cw-input" class="sr">{move || chat.texts().message_label}</label>
                <textarea
                    id="cw-input"
                    node_ref=input
                    rows="1"
                    maxlength=protocol::limits::MAX_MESSAGE_CHARS.to_string()
                    placeholder=move || chat.texts().placeholder
                    prop:value=move || chat.draft.get()
                    on:input=move |e| {
                        let value = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                            .map(|t| t.value())
                            .unwrap_or_default();
                        chat.draft.set(value);
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

#[component]
fn Message(chat: Chat, message: ChatMessage) -> impl IntoView {
    let (class, who) = match &message.author {
        Author::Visitor => ("msg visitor", None),
        Author::Operator { name, .. } => ("msg operator", Some(name.clone())),
        Author::System => ("msg system", None),
    };
    let is_visitor = message.author == Author::Visitor;
    let who = move || {
        who.clone().unwrap_or_else(|| {
            if is_visitor {
                chat.texts().you.to_owned()
            } else {
                chat.texts().operator.to_owned()
            }
        })
    };
    view! {
        <li class=class>
            <span class="sr">{who}": "</span>
            <p class="text">{message.text}</p>
            <time class="meta">{clock(message.sent_at)}</time>
        </li>
    }
}
