//! Canned replies, managed by owners and admins; every operator uses them from the reply box.

use leptos::prelude::*;
use protocol::canned::CannedReply;
use protocol::Role;

/// A change to the list of canned replies.
type ListChange = Box<dyn FnOnce(&mut Vec<CannedReply>)>;

#[component]
pub fn Replies() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let can_manage = session.role().is_some_and(Role::manages_site);
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let replies = move || {
        site.settings
            .with(|s| s.as_ref().map(|s| s.canned_replies.clone()))
            .unwrap_or_default()
    };
    let save = move |change: ListChange| {
        wasm_bindgen_futures::spawn_local(async move {
            match site
                .update_settings(|s| change(&mut s.canned_replies))
                .await
            {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let add = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let reply = CannedReply {
            id: format!("r{}", (js_sys::Math::random() * 1e12) as u64),
            title: title.get_untracked().trim().to_owned(),
            text: text.get_untracked().trim().to_owned(),
        };
        title.set(String::new());
        text.set(String::new());
        save(Box::new(move |list| list.push(reply)));
    };
    view! {
        <main class="team">
            <h2>{move || session.texts().canned_replies}</h2>
            <p class="muted">{move || session.texts().canned_hint}</p>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{move || session.texts().title_label}</th>
                        <th scope="col">{move || session.texts().text_label}</th>
                        <th scope="col"><span class="sr">{move || session.texts().actions}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=replies key=|r| r.id.clone() let:reply>
                        {
                            let id = reply.id.clone();
                            let label = reply.title.clone();
                            view! {
                                <tr>
                                    <td>{reply.title.clone()}</td>
                                    <td>{reply.text.clone()}</td>
                                    <td>
                                        {can_manage.then(|| view! {
                                            <super::RowAction verb=|t| t.delete subject=label
                                                on_press=move || {
                                                    let id = id.clone();
                                                    save(Box::new(move |list| list.retain(|r| r.id != id)));
                                                }/>
                                        })}
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            {can_manage.then(|| view! {
                <form class="add-operator" on:submit=add>
                    <h3>{move || session.texts().add_reply}</h3>
                    <div class="field">
                        <label for="reply-title">{move || session.texts().title_label}</label>
                        <input id="reply-title" type="text" required bind:value=title/>
                    </div>
                    <div class="field">
                        <label for="reply-text">{move || session.texts().text_label}</label>
                        <textarea id="reply-text" rows="3" required bind:value=text></textarea>
                    </div>
                    <button type="submit" class="primary">{move || session.texts().add_reply}</button>
                </form>
            })}
        </main>
    }
}
