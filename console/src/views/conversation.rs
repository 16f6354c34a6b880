use super::{clock, visitor_label};
use crate::desk::Desk;
use leptos::html;
use leptos::prelude::*;
use protocol::{Author, ChatMessage};

#[component]
pub fn ConversationPanel(desk: Desk) -> impl IntoView {
    view! {
        <main class="chat">
            <Show
                when=move || desk.selected.with(Option::is_some)
                fallback=move || view! { <p class="placeholder">{move || desk.texts().pick_conversation}</p> }
            >
                <OpenConversation desk/>
            </Show>
        </main>
    }
}

#[component]
fn OpenConversation(desk: Desk) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let log: NodeRef<html::Ol> = NodeRef::new();
    Effect::new(move |_| {
        desk.timeline
            .with(|t| t.messages().len() + t.pending().len());
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    let summary = move || {
        desk.selected
            .get()
            .and_then(|id| desk.inbox.with(|i| i.get(&id).cloned()))
    };
    let title = move || {
        summary()
            .map(|s| visitor_label(desk, &s.visitor))
            .unwrap_or_else(|| desk.texts().visitor.to_owned())
    };
    let subtitle = move || {
        let t = desk.texts();
        let started = summary()
            .map(|s| format!("{} {}", t.started, clock(s.started_at)))
            .unwrap_or_default();
        let link = if desk.open_live.get() {
            t.live
        } else {
            t.reconnecting
        };
        format!("{started} · {link}")
    };
    let submit = move || {
        if desk.reply(&draft.get_untracked()) {
            draft.set(String::new());
        }
    };

    view! {
        <header>
            <h2 id="chat-title">{title}</h2>
            <p>{subtitle}</p>
        </header>
        <ol class="log" node_ref=log aria-live="polite" aria-relevant="additions"
            aria-label=move || desk.texts().messages tabindex="0">
            <For
                each=move || desk.timeline.with(|t| t.messages().to_vec())
                key=|m| m.seq
                let:message
            >
                <Message desk message/>
            </For>
            <For
                each=move || desk.timeline.with(|t| t.pending().to_vec())
                key=|p| p.client_id.clone()
                let:pending
            >
                <li class="msg mine">
                    <p>{pending.text}</p>
                    <span class="state">{move || desk.texts().sending}</span>
                </li>
            </For>
        </ol>
        <Show when=move || desk.notice.with(Option::is_some)>
            <p class="notice" role="alert">{move || desk.notice.get()}</p>
        </Show>
        <form class="composer" on:submit=move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            submit();
        }>
            <label for="reply" class="sr">{move || desk.texts().reply_label}</label>
            <textarea
                id="reply"
                rows="2"
                maxlength=protocol::limits::MAX_MESSAGE_CHARS.to_string()
                placeholder=move || desk.texts().reply_placeholder
                bind:value=draft
                on:keydown=move |e: web_sys::KeyboardEvent| {
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        submit();
                    }
                }
            ></textarea>
            <button type="submit" class="primary">{move || desk.texts().send}</button>
        </form>
    }
}

#[component]
fn Message(desk: Desk, message: ChatMessage) -> impl IntoView {
    let (class, who) = match &message.author {
        Author::Visitor => ("msg visitor", None),
        Author::Operator { name, .. } => ("msg operator", Some(name.clone())),
        Author::System => ("msg system", None),
    };
    let who = move || {
        who.clone()
            .unwrap_or_else(|| desk.texts().visitor.to_owned())
    };
    view! {
        <li class=class>
            <span class="who">{who}</span>
            <p>{message.text}</p>
            <time>{clock(message.sent_at)}</time>
        </li>
    }
}
