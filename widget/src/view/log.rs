//! The message list: greeting, invitation, stored messages, unsent messages, local notes.

use super::initial;
use crate::chat::{Chat, Note};
use leptos::html;
use leptos::prelude::*;
use protocol::words::{self, Reader};
use protocol::{Author, ChatMessage};

/// `HH:MM` in the visitor's local time.
fn clock(ms: u64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Messages rendered at first, and added per "show earlier": a long history opens fast.
const PAGE: usize = 100;

#[component]
pub fn Log(chat: Chat) -> impl IntoView {
    let log: NodeRef<html::Ol> = NodeRef::new();
    let shown = RwSignal::new(PAGE);
    // Keep the newest entry in view (not when older ones are added above).
    Effect::new(move |_| {
        chat.client
            .timeline
            .with(|t| (t.last_seq(), t.pending().len()));
        chat.notes.with(Vec::len);
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    view! {
        <ol
            class="log"
            node_ref=log
            aria-live="polite"
            aria-relevant="additions"
            aria-label=move || chat.texts().messages_label
            tabindex="0"
        >
            <li class="msg operator greeting">{move || chat.site_text(|t| &t.greeting).unwrap_or(chat.texts().greeting.into())}</li>
            <For
                each=move || chat.notes.with(|n| n.iter().filter(|n| matches!(n, Note::Invitation { .. })).cloned().collect::<Vec<_>>())
                key=|n| n.clone()
                let:note
            >
                <NoteView chat note/>
            </For>
            {move || {
                let (held, first) = chat.client.timeline.with(|t| (t.messages().len(), t.messages().first().map(|m| m.seq)));
                (held > shown.get() || first.is_some_and(|seq| seq > 1)).then(|| view! {
                    <li class="earlier">
                        <button type="button" class="link" on:click=move |_| {
                            // Older ones held here are shown; beyond them, the relay sends more.
                            if held <= shown.get_untracked() {
                                if let Some(before) = first {
                                    chat.command(protocol::ConversationCommand::Earlier { before });
                                }
                            }
                            shown.update(|n| *n += PAGE);
                        }>{move || chat.texts().show_earlier}</button>
                    </li>
                })
            }}
            <For
                each=move || chat.client.timeline.with(|t| {
                    let all = t.messages();
                    all[all.len().saturating_sub(shown.get())..].to_vec()
                })
                key=|m| (m.seq, m.edited_at, m.deleted)
                let:message
            >
                <Message chat message/>
            </For>
            <For
                each=move || chat.client.timeline.with(|t| t.pending().to_vec())
                key=|p| p.client_id.clone()
                let:pending
            >
                <li class="msg visitor pending">
                    <span class="sr">{move || chat.texts().you}": "</span>
                    <p class="text">
                        {pending.attachment.as_ref().map(|file| format!("📎 {} ", file.name))}
                        {pending.text}
                    </p>
                    <span class="meta">{move || chat.texts().sending}</span>
                </li>
            </For>
            <For
                each=move || chat.notes.with(|n| n.iter().filter(|n| !matches!(n, Note::Invitation { .. })).cloned().collect::<Vec<_>>())
                key=|n| n.clone()
                let:note
            >
                <NoteView chat note/>
            </For>
        </ol>
    }
}

#[component]
fn NoteView(chat: Chat, note: Note) -> impl IntoView {
    match note {
        Note::Invitation {
            operator_name,
            avatar_url,
            text,
            ..
        } => view! {
            <li class="msg operator invitation">
                <span class="who">
                    {match avatar_url {
                        Some(src) => view! { <img class="mini" src=src alt=""/> }.into_any(),
                        None => view! { <span class="mini" aria-hidden="true">{initial(&operator_name)}</span> }.into_any(),
                    }}
                    {operator_name}
                </span>
                <p class="text">{text}</p>
            </li>
        }
        .into_any(),
        Note::SlowReply(text) => view! { <li class="msg system">{text}</li> }.into_any(),
        Note::Confirmation(text) => {
            let _ = chat;
            view! { <li class="msg system">{text}</li> }.into_any()
        }
    }
}

#[component]
fn Message(chat: Chat, message: ChatMessage) -> impl IntoView {
    if let Some(event) = message.event.clone() {
        let text = move || words::system_event(&event, chat.locale.get(), Reader::Visitor);
        return view! { <li class="msg system">{text}</li> }.into_any();
    }
    let (class, who) = match &message.author {
        Author::Visitor => ("msg visitor", None),
        Author::Operator { name, .. } => ("msg operator", Some(name.clone())),
        Author::System => ("msg system", None),
        Author::Bot => (
            "msg operator",
            Some(words::bot_name(chat.locale.get_untracked()).into()),
        ),
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
    let file = message.attachment.clone().map(|file| {
        let url = chat.file_url(&file).unwrap_or_default();
        if file.is_image() {
            let src = url.clone();
            view! {
                <a class="file" href=url target="_blank" rel="noopener">
                    <img class="thumb" src=src alt=file.name.clone()/>
                </a>
            }
            .into_any()
        } else {
            view! {
                <a class="file" href=url download=file.name.clone()>
                    "📎 " {file.name.clone()} " (" {move || protocol::units::size(file.size, chat.locale.get())} ")"
                </a>
            }
            .into_any()
        }
    });
    let text =
        (!message.text.is_empty()).then(|| view! { <p class="text">{message.text.clone()}</p> });
    let deleted = message
        .deleted
        .then(|| view! { <p class="text deleted">{move || chat.texts().deleted}</p> });
    let edited = message
        .edited_at
        .is_some()
        .then_some(move || format!(" · {}", chat.texts().edited));
    view! {
        <li class=class>
            <span class="sr">{who}": "</span>
            {file}
            {text}
            {deleted}
            <time class="meta">{clock(message.sent_at)}{edited}</time>
        </li>
    }
    .into_any()
}
