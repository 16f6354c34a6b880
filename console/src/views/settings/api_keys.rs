//! API keys for the REST API: created with a name (the key shown once), listed by name and
//! first characters with when each was last used, revoked.

use leptos::prelude::*;
use protocol::rest::{ApiKey, CreatedApiKey, NewApiKey};

#[component]
pub(super) fn ApiKeys() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let keys = RwSignal::new(Vec::<ApiKey>::new());
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<String>);
    let load = move || {
        session.call_then("GET", "/api-keys".into(), None, error, move |body| {
            keys.set(serde_json::from_str(&body).unwrap_or_default())
        })
    };
    load();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewApiKey {
            name: name.get_untracked().trim().to_owned(),
        };
        let Ok(body) = serde_json::to_string(&new) else {
            return;
        };
        session.call_then(
            "POST",
            "/api-keys".into(),
            Some(body),
            error,
            move |answer| {
                name.set(String::new());
                let created = serde_json::from_str::<CreatedApiKey>(&answer).ok();
                shown.set(created.map(|k| k.key));
                load();
            },
        )
    };
    let revoke = move |id: String| {
        session.call_then(
            "DELETE",
            format!("/api-keys/{id}"),
            None,
            error,
            move |_| load(),
        )
    };
    view! {
        <section class="section webhooks" aria-labelledby="api-keys-title">
            <h3 id="api-keys-title">{move || texts().api_keys}</h3>
            <p class="muted">{move || texts().api_keys_hint}</p>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || shown.get().map(|key| view! {
                <div class="field" role="status">
                    <label for="new-api-key">{move || texts().api_key_created}</label>
                    <input id="new-api-key" class="code" type="text" readonly prop:value=key/>
                </div>
            })}
            <Show when=move || !keys.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || texts().no_api_keys}</p> }>
                <table>
                    <thead><tr>
                        <th scope="col">{move || texts().api_key_name}</th>
                        <th scope="col">{move || texts().key_created_at}</th>
                        <th scope="col">{move || texts().key_last_used}</th>
                        <th scope="col"><span class="sr">{move || texts().actions}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || keys.get() key=|k| (k.id.clone(), k.last_used_at) let:key>
                            {
                                let id = key.id.clone();
                                let label = key.name.clone();
                                view! {
                                    <tr>
                                        <td>{key.name.clone()} " " <code>{format!("{}…", key.prefix)}</code></td>
                                        <td>{move || super::super::date_time(key.created_at, session.locale.get())}</td>
                                        <td>{move || key.last_used_at.map(|at| super::super::date_time(at, session.locale.get())).unwrap_or_else(|| texts().never_used.to_owned())}</td>
                                        <td>
                                            <super::super::RowAction verb=|t| t.api_key_revoke subject=label
                                                on_press=move || revoke(id.clone())/>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </Show>
            <form on:submit=create>
                <div class="field">
                    <label for="api-key-name">{move || texts().api_key_name}</label>
                    <input id="api-key-name" type="text" required maxlength="80"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
                <button type="submit">{move || texts().api_key_create}</button>
            </form>
        </section>
    }
}
