//! Visitors on the site now, updating live, and starting a chat with any of them.

use super::{clock, visitor_label};
use crate::state::Screen;
use leptos::prelude::*;
use protocol::visitors::{LiveVisitor, ProactiveChat};

/// Where the visitor came from: the UTM campaign (or source), else the referrer's host.
fn came_from(v: &LiveVisitor) -> String {
    let utm = [&v.utm.campaign, &v.utm.source]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" / ");
    if !utm.is_empty() {
        return format!("UTM: {utm}");
    }
    v.page
        .referrer
        .split("//")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("")
        .to_owned()
}

/// Rows the live list renders at first and adds per "Show more visitors".
const PAGE_ROWS: usize = 100;

#[component]
pub fn Visitors() -> impl IntoView {
    let session = crate::state::use_session();
    let inbox = crate::state::use_inbox();
    let texts = move || session.texts();
    // Thousands of visitors are searched, not scrolled: the list renders a page of rows, so an
    // arrival or a ticking clock touches at most that many (a 5,000-row table blocked the tab
    // for 1.4 s, and each update for up to 0.7 s).
    let limit = RwSignal::new(PAGE_ROWS);
    let query = RwSignal::new(String::new());
    // One pass over the list per change: how many match, and the rows to render.
    let found = Memo::new(move |_| {
        let shown = limit.get();
        query.with(|q| {
            inbox.visitors.with(|l| {
                let mut rows = Vec::new();
                let mut count = 0;
                for v in l.search(q) {
                    if count < shown {
                        rows.push(v.clone());
                    }
                    count += 1;
                }
                (count, rows)
            })
        })
    });
    let matching = move || found.with(|(count, _)| *count);
    let visitors = move || found.with(|(_, rows)| rows.clone());
    let composing = RwSignal::new(None::<LiveVisitor>);
    view! {
        <main class="team visitors">
            <h2 id="visitors-title">
                {move || texts().visitors_now} " "
                <span class="total">{move || inbox.visitors.with(|l| l.visitors().len())}</span>
            </h2>
            <Show when=move || inbox.visitors.with(|l| l.visitors().is_empty())>
                <p class="muted">{move || texts().no_visitors}</p>
            </Show>
            <Show when=move || !inbox.visitors.with(|l| l.visitors().is_empty())>
                <p class="find">
                    <label for="find-visitor">{move || texts().find_visitor}</label>
                    <input id="find-visitor" type="search" autocomplete="off"
                        prop:value=move || query.get()
                        on:input=move |e| { query.set(event_target_value(&e)); limit.set(PAGE_ROWS); }/>
                    <span class="muted" aria-live="polite">
                        {move || texts().list_shown} " "
                        {move || matching().min(limit.get())} " " {move || texts().count_of} " " {matching}
                    </span>
                </p>
                <table aria-labelledby="visitors-title">
                    <thead><tr>
                        <th scope="col">{move || texts().visitor}</th>
                        <th scope="col">{move || texts().current_page}</th>
                        <th scope="col">{move || texts().pages_viewed}</th>
                        <th scope="col">{move || texts().time_on_site}</th>
                        <th scope="col">{move || texts().came_from}</th>
                        <th scope="col">{move || texts().location}</th>
                        <th scope="col">{move || texts().browser_os}</th>
                        <th scope="col">"IP"</th>
                        <th scope="col">{move || texts().visit_number}</th>
                        <th scope="col">{move || texts().previous_chats}</th>
                        <th scope="col"><span class="sr">{move || texts().actions}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=visitors
                            key=|v| (v.id.clone(), v.page.url.clone(), v.conversation.clone(), v.tabs)
                            let:v>
                            <Row v=v composing/>
                        </For>
                    </tbody>
                </table>
                <Show when=move || { matching() > limit.get() }>
                    <button type="button" class="secondary more"
                        on:click=move |_| limit.update(|n| *n += PAGE_ROWS)>
                        {move || texts().show_more_visitors}
                    </button>
                </Show>
            </Show>
            {move || composing.get().map(|v| view! { <StartChat v composing/> })}
        </main>
    }
}

#[component]
fn Row(v: LiveVisitor, composing: RwSignal<Option<LiveVisitor>>) -> impl IntoView {
    let session = crate::state::use_session();
    let inbox = crate::state::use_inbox();
    let texts = move || session.texts();
    let name = v.name.clone().unwrap_or_else(|| match &v.visitor {
        Some(id) => visitor_label(session, id),
        None => format!("{} {}", texts().visitor, &v.id[..4.min(v.id.len())]),
    });
    let location = [&v.geo.city, &v.geo.country]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let started = v.page.visit_started_at;
    let on_site = move || {
        protocol::units::duration(
            inbox.now.get().saturating_sub(started),
            session.locale.get(),
        )
    };
    let previous = v.previous_chat.as_ref().map(|p| {
        let (count, at) = (p.message_count, p.last_at);
        move || format!("{count} {} · {}", texts().messages_short, clock(at))
    });
    // An address with a Cyrillic path or query reads as words.
    let url = protocol::triggers::percent_decoded(&v.page.url);
    let title = if v.page.title.is_empty() {
        url.clone()
    } else {
        v.page.title.clone()
    };
    let label = name.clone();
    let chosen = v.clone();
    view! {
        <tr>
            <th scope="row">{name}</th>
            <td class="page">
                <span>{title}</span>
                <small class="muted">{url}</small>
            </td>
            <td>{v.page.pages_viewed}</td>
            <td>{on_site}</td>
            <td>{came_from(&v)}</td>
            <td>{location}</td>
            <td>{format!("{}, {}", v.browser, v.os)}</td>
            <td>{v.ip.clone().unwrap_or_default()}</td>
            <td>{v.page.visit_number}</td>
            <td>{previous}</td>
            <td>
                <button type="button" class="secondary"
                    aria-label=move || format!("{} — {label}", texts().start_chat)
                    on:click=move |_| composing.set(Some(chosen.clone()))>
                    {move || texts().start_chat}
                </button>
            </td>
        </tr>
    }
}

/// The first message to a visitor; sending it opens his chat window.
#[component]
fn StartChat(v: LiveVisitor, composing: RwSignal<Option<LiveVisitor>>) -> impl IntoView {
    let session = crate::state::use_session();
    let chat = crate::state::use_chat();
    let texts = move || session.texts();
    let text = RwSignal::new(texts().proactive_greeting.to_owned());
    let error = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    let id = v.id.clone();
    let send = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let typed = text.get_untracked();
        if typed.trim().is_empty() {
            return;
        }
        let path = format!("/live-visitors/{}/chat", js_sys::encode_uri_component(&id));
        wasm_bindgen_futures::spawn_local(async move {
            match session.call("POST", &path, Some("{}")).await {
                Ok(body) => match serde_json::from_str::<ProactiveChat>(&body) {
                    Ok(started) => {
                        composing.set(None);
                        session.screen.set(Screen::Chats);
                        chat.select(started.conversation);
                        chat.reply(&typed);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                },
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let who = v.name.clone().unwrap_or_else(|| v.page.title.clone());
    view! {
        <form class="add-operator start-chat" on:submit=send aria-labelledby="start-chat-title">
            <h3 id="start-chat-title">{move || format!("{} — {who}", texts().start_chat)}</h3>
            <p class="error" role="alert">{move || error.get()}</p>
            <div class="field">
                <label for="start-chat-text">{move || texts().first_message}</label>
                <textarea id="start-chat-text" rows="3" node_ref=input bind:value=text></textarea>
            </div>
            <button type="submit" class="primary">{move || texts().send}</button>
            " "
            <button type="button" class="secondary" on:click=move |_| composing.set(None)>
                {move || texts().cancel}
            </button>
        </form>
    }
}
