use super::{clock, visitor_label};
use crate::desk::Desk;
use leptos::prelude::*;
use protocol::{ConversationSummary, InboxView};

#[component]
pub fn InboxList(desk: Desk) -> impl IntoView {
    view! {
        <nav class="inbox" aria-labelledby="inbox-title">
            <h2 id="inbox-title">
                {move || desk.texts().conversations}
                <span class="sr">
                    " — " {move || if desk.inbox_live.get() { desk.texts().live } else { desk.texts().reconnecting }}
                </span>
            </h2>
            <div class="views" role="group" aria-label=move || desk.texts().conversations>
                <ViewButton desk view=InboxView::Unassigned label=|t| t.unassigned/>
                <ViewButton desk view=InboxView::Mine label=|t| t.mine/>
                <Show when=move || desk.is_admin()>
                    <ViewButton desk view=InboxView::All label=|t| t.all_chats/>
                </Show>
            </div>
            <Show when=move || shown(desk).is_empty()>
                <p class="empty">{move || desk.texts().no_conversations}</p>
            </Show>
            <ul aria-live="polite" aria-relevant="additions">
                <For
                    each=move || shown(desk)
                    key=|c| (c.id.clone(), c.last_at, c.message_count, c.state.assignee.as_ref().map(|a| a.id.clone()))
                    let:summary
                >
                    <li><Entry desk summary/></li>
                </For>
            </ul>
            <h2 id="team-online">{move || desk.texts().team_online}</h2>
            <ul class="colleagues" aria-labelledby="team-online">
                <For each=move || desk.team.get()
                    key=|c| (c.id.clone(), c.availability, c.since, c.custom.clone())
                    let:colleague>
                    {
                        let away = colleague.availability != protocol::Availability::Online;
                        let status = super::status::colleague_status(desk, &colleague);
                        view! {
                            <li>
                                <super::status::Avatar desk id=colleague.id.clone() name=colleague.name.clone()/>
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
fn shown(desk: Desk) -> Vec<ConversationSummary> {
    let me = desk.me();
    let view = desk.view.get();
    desk.inbox.with(|i| match &me {
        Some(me) => i.in_view(view, me),
        None => Vec::new(),
    })
}

/// One of the lists, with how many of its chats wait (unassigned) or have unread messages.
#[component]
fn ViewButton(
    desk: Desk,
    view: InboxView,
    label: fn(&'static crate::i18n::Texts) -> &'static str,
) -> impl IntoView {
    let count = move || {
        let Some(me) = desk.me() else { return 0 };
        desk.inbox.with(|i| match view {
            InboxView::Unassigned => i.in_view(view, &me).len(),
            _ => i.unread_in(view, &me),
        })
    };
    view! {
        <button
            type="button"
            class="view"
            aria-pressed=move || (desk.view.get() == view).to_string()
            on:click=move |_| desk.view.set(view)
        >
            {move || label(desk.texts())}
            {move || (count() > 0).then(|| view! { <span class="count">{count()}</span> })}
        </button>
    }
}

#[component]
fn Entry(desk: Desk, summary: ConversationSummary) -> impl IntoView {
    let id = summary.id.clone();
    let current = {
        let id = id.clone();
        move || desk.selected.with(|s| s.as_ref() == Some(&id)).to_string()
    };
    let waiting = summary.awaits_reply();
    let callback = summary.state.callback.is_some();
    let offline = summary.state.offline;
    let closed = summary.state.status == protocol::Status::Closed;
    let name = summary
        .state
        .contact
        .name
        .clone()
        .unwrap_or_else(|| visitor_label(desk, &summary.visitor));
    let unread = {
        let id = id.clone();
        move || desk.inbox.with(|i| i.unread(&id))
    };
    let assignee = summary.state.assignee.clone().map(|a| {
        let removed = desk.is_removed(&a.id);
        move || {
            let t = desk.texts();
            let mark = if removed { t.removed_mark } else { "" };
            format!("{}: {} {mark}", t.assigned_to, a.name)
        }
    });
    view! {
        <button
            type="button"
            class="conv"
            aria-current=current
            on:click=move |_| desk.select(id.clone())
        >
            <span class="line">
                <span class="name">
                    {name}
                    {waiting.then(|| view! { <span class="badge">{move || desk.texts().awaiting_reply}</span> })}
                    {callback.then(|| view! { <span class="badge task">{move || desk.texts().callback}</span> })}
                    {offline.then(|| view! { <span class="badge">{move || desk.texts().offline}</span> })}
                    {closed.then(|| view! { <span class="badge muted">{move || desk.texts().closed}</span> })}
                </span>
                <time>{clock(summary.last_at)}</time>
            </span>
            <span class="preview">
                {summary.last_preview.clone()}
                {move || (unread() > 0).then(|| view! {
                    <span class="count">{unread()}<span class="sr">" " {desk.texts().unread}</span></span>
                })}
            </span>
            {assignee.map(|a| view! { <span class="assignee">{a}</span> })}
        </button>
    }
}
