//! Who has the open chat, and the controls to take, transfer and invite.

use leptos::prelude::*;
use protocol::{OperatorId, Status, TransferTarget};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Transfer,
    Invite,
}

/// A colleague's status as the team sees it: online, away since, or offline.
fn status_of(session: crate::state::Session, site: crate::state::Site, id: &OperatorId) -> String {
    let t = session.texts();
    site.online
        .with(|team| match team.iter().find(|c| &c.id == id) {
            Some(c) => super::status::colleague_status(session, c),
            None => t.offline_status.to_owned(),
        })
}

fn value_of(event: &web_sys::Event) -> String {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

#[component]
pub fn Assignment() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let chat = crate::state::use_chat();
    let mode = RwSignal::new(None::<Mode>);
    let target = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let me = session.me();
    let assignee = move || chat.state.with(|s| s.assignee.clone());
    let unassigned = move || {
        chat.state
            .with(|s| s.assignee.is_none() && s.status == Status::Open)
    };
    let mine = {
        let me = me.clone();
        move || {
            chat.state
                .with(|s| s.assignee.as_ref().map(|a| Some(&a.id) == me.as_ref()))
                .unwrap_or(true)
        }
    };
    let involved = {
        let me = me.clone();
        move || {
            me.as_ref()
                .is_some_and(|me| chat.state.with(|s| s.involves(me)))
        }
    };
    let name_of = move |card: &protocol::OperatorCard| {
        let mark = if site.is_removed(&card.id) {
            session.texts().removed_mark
        } else {
            ""
        };
        format!("{} {mark}", card.name).trim_end().to_owned()
    };
    let open = move |m: Mode| {
        target.set(String::new());
        note.set(String::new());
        mode.set(if mode.get_untracked() == Some(m) {
            None
        } else {
            Some(m)
        });
    };
    let submit = move || {
        let chosen = target.get_untracked();
        let text = note.get_untracked();
        let operator = chosen
            .strip_prefix("op:")
            .and_then(|id| OperatorId::parse(id).ok());
        match (mode.get_untracked(), operator) {
            (Some(Mode::Invite), Some(op)) => chat.invite(op, text),
            (Some(Mode::Transfer), Some(op)) => {
                chat.transfer(TransferTarget::Operator { id: op }, text)
            }
            (Some(Mode::Transfer), None) => match chosen.strip_prefix("dep:") {
                Some(id) => chat.transfer(TransferTarget::Department { id: id.to_owned() }, text),
                None => return,
            },
            _ => return,
        }
        mode.set(None);
    };
    let colleagues = move || {
        let me = session.me();
        let state = chat.state.get();
        site.roster.with(|r| {
            r.iter()
                .filter(|o| !o.removed && Some(&o.id) != me.as_ref())
                .filter(|o| mode.get() != Some(Mode::Invite) || !state.involves(&o.id))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let departments = move || {
        site.settings.with(|s| {
            s.as_ref()
                .map(|s| s.departments.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="assignment" aria-labelledby="assignment-title">
            <h3 id="assignment-title" class="sr">{move || session.texts().assigned_to}</h3>
            <p>
                {move || session.texts().assigned_to} ": "
                <strong class="assignee-name">
                    {move || assignee().map(|a| name_of(&a)).unwrap_or_else(|| session.texts().nobody.to_owned())}
                </strong>
                {move || {
                    let invited = chat.state.with(|s| s.invited.clone());
                    (!invited.is_empty()).then(|| {
                        let names: Vec<String> = invited.iter().map(name_of).collect();
                        format!(" · {}: {}", session.texts().invited, names.join(", "))
                    })
                }}
            </p>
            <div class="chat-actions">
                <Show when=unassigned>
                    <button type="button" class="primary" on:click=move |_| {
                        if let Some(me) = session.me() { chat.assign(me) }
                    }>{move || session.texts().take}</button>
                </Show>
                <Show when=move || mine() || session.is_admin()>
                    <button type="button" class="secondary"
                        aria-expanded=move || (mode.get() == Some(Mode::Transfer)).to_string()
                        on:click=move |_| open(Mode::Transfer)>
                        {move || session.texts().transfer}
                    </button>
                </Show>
                <Show when=move || involved() || session.is_admin()>
                    <button type="button" class="secondary"
                        aria-expanded=move || (mode.get() == Some(Mode::Invite)).to_string()
                        on:click=move |_| open(Mode::Invite)>
                        {move || session.texts().invite}
                    </button>
                </Show>
            </div>
            <Show when=move || mode.get().is_some()>
                <form class="transfer" on:submit=move |e: leptos::ev::SubmitEvent| {
                    e.prevent_default();
                    submit();
                }>
                    <label for="assign-target">
                        {move || if mode.get() == Some(Mode::Invite) { session.texts().invite_whom } else { session.texts().transfer_to }}
                    </label>
                    <select id="assign-target" required
                        prop:value=move || target.get()
                        on:change=move |e| target.set(value_of(&e))>
                        <option value="">"—"</option>
                        <optgroup label=move || session.texts().colleagues>
                            <For each=colleagues key=|o| o.id.clone() let:colleague>
                                {
                                    let id = colleague.id.clone();
                                    let status = move || status_of(session, site, &id);
                                    view! {
                                        <option value=format!("op:{}", colleague.id)>
                                            {colleague.name.clone()} " — " {status}
                                        </option>
                                    }
                                }
                            </For>
                        </optgroup>
                        <Show when=move || mode.get() == Some(Mode::Transfer) && !departments().is_empty()>
                            <optgroup label=move || session.texts().departments>
                                <For each=departments key=|d| d.id.clone() let:department>
                                    <option value=format!("dep:{}", department.id)>{department.name.clone()}</option>
                                </For>
                            </optgroup>
                        </Show>
                    </select>
                    <label for="assign-note">{move || session.texts().note_for_colleague}</label>
                    <textarea id="assign-note" rows="2"
                        maxlength=protocol::limits::MAX_MESSAGE_CHARS.to_string()
                        bind:value=note></textarea>
                    <div class="chat-actions">
                        <button type="submit" class="primary">
                            {move || if mode.get() == Some(Mode::Invite) { session.texts().invite } else { session.texts().transfer }}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| mode.set(None)>
                            {move || session.texts().cancel}
                        </button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
