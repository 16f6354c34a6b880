use super::{clock, visitor_label};
use crate::desk::Desk;
use leptos::prelude::*;
use protocol::ConversationSummary;

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
            <Show when=move || desk.inbox.with(|i| i.conversations().is_empty())>
                <p class="empty">{move || desk.texts().no_conversations}</p>
            </Show>
            <ul aria-live="polite" aria-relevant="additions">
                <For
                    each=move || desk.inbox.with(|i| i.conversations().to_vec())
                    key=|c| (c.id.clone(), c.last_at, c.message_count)
                    let:summary
                >
                    <li><Entry desk summary/></li>
                </For>
            </ul>
            <h2 id="team-online">{move || desk.texts().team_online}</h2>
            <ul class="colleagues" aria-labelledby="team-online">
                <For each=move || desk.team.get() key=|c| (c.id.clone(), c.availability) let:colleague>
                    {
                        let away = colleague.availability == protocol::Availability::Away;
                        view! {
                            <li>
                                <span class=if away { "dot away" } else { "dot" } aria-hidden="true"></span>
                                {colleague.name.clone()}
                                " — "
                                {move || if away {
                                    format!("{} {} {}", desk.texts().away, desk.texts().since, clock(colleague.since))
                                } else {
                                    desk.texts().online.to_owned()
                                }}
                            </li>
                        }
                    }
                </For>
            </ul>
        </nav>
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
            <span class="preview">{summary.last_preview.clone()}</span>
        </button>
    }
}
