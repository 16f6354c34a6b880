//! The open chat: its log, the reply box (with canned replies and private notes), the chat's
//! actions, and the visitor card beside it.

use super::{clock, visitor_label};
use leptos::html;
mod message;
mod tags;
mod visitor_card;

use leptos::prelude::*;
use message::Message;
use protocol::Status;
use visitor_card::VisitorCard;

#[component]
pub fn ConversationPanel() -> impl IntoView {
    let session = crate::state::use_session();
    let chat = crate::state::use_chat();
    view! {
        <main class="chat" class:card-open=move || chat.card_open.get()>
            <Show
                when=move || chat.selected.with(Option::is_some)
                fallback=move || view! { <p class="placeholder">{move || session.texts().pick_conversation}</p> }
            >
                <OpenConversation/>
            </Show>
        </main>
    }
}

#[component]
fn OpenConversation() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let inbox = crate::state::use_inbox();
    let chat = crate::state::use_chat();
    let draft = RwSignal::new(String::new());
    let log: NodeRef<html::Ol> = NodeRef::new();
    Effect::new(move |_| {
        chat.timeline()
            .with(|t| t.messages().len() + t.pending().len());
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    let summary = move || {
        chat.selected.get().and_then(|id| {
            inbox
                .list
                .with(|i| i.get(&id).cloned())
                .or_else(|| chat.from_history.get().filter(|s| s.id == id))
        })
    };
    let title = move || {
        summary()
            .map(|s| visitor_label(session, &s.visitor))
            .unwrap_or_else(|| session.texts().visitor.to_owned())
    };
    let subtitle = move || {
        let t = session.texts();
        let started = summary()
            .map(|s| format!("{} {}", t.started, clock(s.started_at)))
            .unwrap_or_default();
        let link = if chat.connected.get() {
            t.live
        } else {
            t.reconnecting
        };
        format!("{started} · {link}")
    };
    let note_mode = RwSignal::new(false);
    let submit = move || {
        let typed = draft.get_untracked();
        let sent = if note_mode.get_untracked() {
            chat.note(&typed)
        } else {
            chat.reply(&typed)
        };
        if sent {
            draft.set(String::new());
        }
    };

    let w = move || session.workplace_texts();
    view! {
        <div class="thread">
            <header class="chat-head">
                <a class="back icon-button" href=move || super::workspace::screen_href(session, session.screen.get())>
                    {super::icons::svg_icon(super::icons::BACK)}
                    <span class="sr">{move || w().back_to_list}</span>
                </a>
                <div class="who">
                    <h2 id="chat-title">{title}</h2>
                    <p>{subtitle}</p>
                </div>
                <button type="button" class="card-toggle icon-button"
                    aria-expanded=move || chat.card_open.get().to_string()
                    aria-controls="visitor-card"
                    on:click=move |_| chat.card_open.update(|o| *o = !*o)>
                    {super::icons::svg_icon(super::icons::CARD)}
                    <span class="sr">{move || w().visitor_details}</span>
                </button>
            <div class="chat-actions">
                <button type="button" class="secondary"
                    disabled=move || chat.state.with(|s| s.status == Status::Closed)
                    on:click=move |_| chat.close_conversation()>
                    {move || session.texts().close_chat}
                </button>
                <button type="button" class="secondary"
                    disabled=move || chat.state.with(|s| s.spam)
                    on:click=move |_| chat.mark_spam()>
                    {move || session.texts().spam}
                </button>
                <button type="button" class="secondary" on:click=move |_| chat.ban()>
                    {move || session.texts().ban}
                </button>
            </div>
            </header>
            <super::assignment::Assignment/>
            // A long conversation arrives with its newest messages; older ones on request.
            {move || chat.earliest_seq().filter(|seq| *seq > 1).map(|_| view! {
                <button type="button" class="secondary earlier" on:click=move |_| chat.load_earlier()>
                    {move || session.texts().load_earlier}
                </button>
            })}
            <ol class="log" node_ref=log aria-live="polite" aria-relevant="additions"
                aria-label=move || session.texts().messages tabindex="0">
                <For
                    each=move || chat.timeline().with(|t| t.messages().to_vec())
                    key=|m| (m.seq, m.edited_at, m.deleted)
                    let:message
                >
                    <Message message/>
                </For>
                <For
                    each=move || chat.timeline().with(|t| t.pending().to_vec())
                    key=|p| p.client_id.clone()
                    let:pending
                >
                    <li class="msg mine">
                        <p>{pending.text}</p>
                        <span class="state">{move || session.texts().sending}</span>
                    </li>
                </For>
            </ol>
            <p class="typing" aria-live="polite">
                {move || chat.visitor_typing.get().then(|| session.texts().typing)}
            </p>
            <Show when=move || chat.notice.with(Option::is_some)>
                <p class="notice" role="alert">{move || chat.notice.get()}</p>
            </Show>
            <Show when=move || draft.with(|d| d.starts_with('/'))>
                <CannedList draft/>
            </Show>
            <p id="reply-hint" class="sr">{move || session.texts().canned_hint}</p>
            <form class="composer" on:submit=move |e: leptos::ev::SubmitEvent| {
                e.prevent_default();
                submit();
            }>
                <label class="attach secondary">
                    {move || session.texts().attach}
                    <input type="file" class="sr"
                        accept=protocol::files::ALLOWED_TYPES.join(",")
                        on:change=move |e| {
                            use wasm_bindgen::JsCast;
                            let input = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                            if let Some(input) = input {
                                if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                    chat.send_file(file);
                                }
                                input.set_value("");
                            }
                        }/>
                </label>
                <label for="reply" class="sr">{move || session.texts().reply_label}</label>
                <textarea
                    id="reply"
                    rows="2"
                    maxlength=protocol::limits::MAX_MESSAGE_CHARS.to_string()
                    placeholder=move || session.texts().reply_placeholder
                    bind:value=draft
                    on:input=move |_| chat.typing()
                    aria-describedby="reply-hint"
                    on:keydown=move |e: web_sys::KeyboardEvent| {
                        let canned = draft.with_untracked(|d| d.starts_with('/'));
                        if canned && (e.key() == "Enter" || e.key() == "Tab") {
                            // "/words" + Enter: the best matching canned reply replaces the draft.
                            e.prevent_default();
                            if let Some(text) = first_canned(site, &draft.get_untracked()) {
                                draft.set(text);
                            }
                        } else if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                            e.prevent_default();
                            submit();
                        }
                    }
                ></textarea>
                <label class="check note-toggle">
                    <input type="checkbox" bind:checked=note_mode/>
                    " " {move || session.texts().private_note}
                </label>
                <button type="submit" class="primary">
                    {move || if note_mode.get() { session.texts().add_note } else { session.texts().send }}
                </button>
            </form>
        </div>
        <VisitorCard/>
    }
}

fn canned_matches(site: crate::state::Site, typed: &str) -> Vec<protocol::canned::CannedReply> {
    let query = typed.trim_start_matches('/');
    site.settings.with(|s| {
        s.as_ref()
            .map(|s| {
                protocol::canned::search(&s.canned_replies, query)
                    .into_iter()
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    })
}

fn first_canned(site: crate::state::Site, typed: &str) -> Option<String> {
    canned_matches(site, typed)
        .into_iter()
        .next()
        .map(|r| r.text)
}

/// Canned replies matching what follows "/" in the reply box; a click (or Enter on one) puts
/// its text in the box.
#[component]
fn CannedList(draft: RwSignal<String>) -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    view! {
        <section class="canned" aria-labelledby="canned-title">
            <h3 id="canned-title" class="sr">{move || session.texts().canned_replies}</h3>
            <ul>
                <For
                    each=move || canned_matches(site, &draft.get())
                    key=|r| r.id.clone()
                    let:reply
                >
                    {
                        let text = reply.text.clone();
                        view! {
                            <li>
                                <button type="button" class="canned-item" on:click=move |_| draft.set(text.clone())>
                                    <strong>{reply.title.clone()}</strong>
                                    " — "
                                    <span>{reply.text.clone()}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
