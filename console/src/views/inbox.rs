use super::{clock, visitor_label};
use leptos::prelude::*;
use protocol::{ConversationSummary, InboxView};

#[component]
pub fn InboxList() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let inbox = crate::state::use_inbox();
    view! {
        <nav class="inbox" aria-labelledby="inbox-title">
            <h2 id="inbox-title">
                {move || session.texts().conversations}
                <span class="sr">
                    " — " {move || if inbox.connected.get() { session.texts().live } else { session.texts().reconnecting }}
                </span>
            </h2>
            <div class="views" role="group" aria-label=move || session.texts().conversations>
                <ViewButton view=InboxView::Unassigned label=|t| t.unassigned/>
                <ViewButton view=InboxView::Mine label=|t| t.mine/>
                <Show when=move || session.is_admin()>
                    <ViewButton view=InboxView::All label=|t| t.all_chats/>
                </Show>
            </div>
            <Show when=move || shown(session, inbox).is_empty()>
                <p class="empty">{move || session.texts().no_conversations}</p>
            </Show>
            <ul aria-live="polite" aria-relevant="additions">
                <For
                    each=move || shown(session, inbox)
                    key=|c| (c.id.clone(), c.last_at, c.message_count, c.state.assignee.as_ref().map(|a| a.id.clone()))
                    let:summary
                >
                    <li><Entry summary/></li>
                </For>
            </ul>
            <h2 id="team-online">{move || session.texts().team_online}</h2>
            <ul class="colleagues" aria-labelledby="team-online">
                <For each=move || site.online.get()
                    key=|c| (c.id.clone(), c.availability, c.since, c.custom.clone())
                    let:colleague>
                    {
                        let away = colleague.availability != protocol::Availability::Online;
                        let status = super::status::colleague_status(session, &colleague);
                        view! {
                            <li>
                                <super::status::Avatar id=colleague.id.clone() name=colleague.name.clone()/>
                                <span class=if away { "dot away" } else { "dot" } aria-hidden="true"></span>
                                {colleague.name.clone()}
                                " — "
                                {status}
                            </li>
                        }
                    }
                </For>
            </ul>
        </nav>
    }
}

/// The conversations of the chosen list.
pub(crate) fn shown(
    session: crate::state::Session,
    inbox: crate::state::InboxState,
) -> Vec<ConversationSummary> {
    let me = session.me();
    let view = inbox.view.get();
    inbox.list.with(|i| match &me {
        Some(me) => i.in_view(view, me),
        None => Vec::new(),
    })
}

/// One of the lists, with how many of its chats wait (unassigned) or have unread messages.
#[component]
fn ViewButton(
    view: InboxView,
    label: fn(&'static crate::i18n::Texts) -> &'static str,
) -> impl IntoView {
    let session = crate::state::use_session();
    let inbox = crate::state::use_inbox();
    let count = move || {
        let Some(me) = session.me() else { return 0 };
        inbox.list.with(|i| match view {
            InboxView::Unassigned => i.in_view(view, &me).len(),
            _ => i.unread_in(view, &me),
        })
    };
    view! {
        <button
            type="button"
            class="view"
            aria-pressed=move || (inbox.view.get() == view).to_string()
            on:click=move |_| inbox.view.set(view)
        >
            {move || label(session.texts())}
            {move || (count() > 0).then(|| view! { <span class="count">{count()}</span> })}
        </button>
    }
}

#[component]
fn Entry(summary: ConversationSummary) -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let inbox = crate::state::use_inbox();
    let chat = crate::state::use_chat();
    let id = summary.id.clone();
    let current = {
        let id = id.clone();
        move || chat.selected.with(|s| s.as_ref() == Some(&id)).to_string()
    };
    let waiting = summary.awaits_reply();
    let callback = summary.state.callback.is_some();
    let offline = summary.state.offline;
    let closed = summary.state.status == protocol::Status::Closed;
    let telegram = summary.state.channel == Some(protocol::Channel::Telegram);
    let name = summary
        .state
        .contact
        .name
        .clone()
        .unwrap_or_else(|| visitor_label(session, &summary.visitor));
    let unread = {
        let id = id.clone();
        move || inbox.list.with(|i| i.unread(&id))
    };
    let assignee = summary.state.assignee.clone().map(|a| {
        let removed = site.is_removed(&a.id);
        move || {
            let t = session.texts();
            let mark = if removed { t.removed_mark } else { "" };
            format!("{}: {} {mark}", t.assigned_to, a.name)
        }
    });
    let tags = (!summary.state.tags.is_empty()).then(|| summary.state.tags.join(", "));
    // The relay answered the visitor's question; he has not said yet whether it helped.
    let automatic = summary.state.awaits_verdict();
    view! {
        <button
            type="button"
            class="conv"
            aria-current=current
            on:click=move |_| chat.select(id.clone())
        >
            <span class="line">
                <span class="name">
                    {name}
                    {waiting.then(|| view! { <span class="badge">{move || session.texts().awaiting_reply}</span> })}
                    {callback.then(|| view! { <span class="badge task">{move || session.texts().callback}</span> })}
                    {offline.then(|| view! { <span class="badge">{move || session.texts().offline}</span> })}
                    {automatic.then(|| view! { <span class="badge muted">{move || session.answer_texts().badge}</span> })}
                    {closed.then(|| view! { <span class="badge muted">{move || session.texts().closed}</span> })}
                    {telegram.then(|| view! { <span class="badge channel">{move || session.workplace_texts().telegram_badge}</span> })}
                </span>
                <time>{clock(summary.last_at)}</time>
            </span>
            <span class="preview">
                <span class="text">{summary.last_preview.clone()}</span>
                {move || (unread() > 0).then(|| view! {
                    <span class="count">{unread()}<span class="sr">" " {session.texts().unread}</span></span>
                })}
            </span>
            {assignee.map(|a| view! { <span class="assignee">{a}</span> })}
            {tags.map(|tags| view! {
                <span class="assignee tags-line">
                    <span class="sr">{move || session.tag_texts().tags} ": "</span>
                    <span aria-hidden="true">"# "</span>
                    {tags}
                </span>
            })}
        </button>
    }
}
