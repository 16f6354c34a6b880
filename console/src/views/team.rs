//! The team: who works on the site, adding operators (owners and admins; only the owner makes
//! admins) and removing them (their chats stay in history).

use leptos::prelude::*;
use protocol::{NewOperator, OperatorInfo, Role};

async fn load(
    session: crate::state::Session,
    list: RwSignal<Vec<OperatorInfo>>,
    error: RwSignal<Option<String>>,
) {
    let Some(site) = session.site() else { return };
    let auth = format!("Bearer {}", session.token());
    let url = format!("/api/v1/sites/{site}/operators");
    match browser::http::request("GET", &url, None, &[("Authorization", auth.as_str())]).await {
        Ok(a) if a.ok() => list.set(serde_json::from_str(&a.body).unwrap_or_default()),
        Ok(a) => error.set(Some(a.body)),
        Err(e) => error.set(Some(e)),
    }
}

#[component]
pub fn Team() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let list = RwSignal::new(Vec::<OperatorInfo>::new());
    let error = RwSignal::new(None::<String>);
    let my_role = session.role();
    let can_manage = my_role.is_some_and(Role::manages_site);
    wasm_bindgen_futures::spawn_local(load(session, list, error));

    let (name, email, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let admin = RwSignal::new(false);
    let add = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let new = NewOperator {
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            role: if admin.get_untracked() {
                Role::Admin
            } else {
                Role::Operator
            },
        };
        if let Err(e) = new.validate() {
            error.set(Some(e.message));
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let Some(site) = session.site() else { return };
            let auth = format!("Bearer {}", session.token());
            let body = serde_json::to_string(&new).unwrap_or_default();
            let url = format!("/api/v1/sites/{site}/operators");
            match browser::http::request(
                "POST",
                &url,
                Some(&body),
                &[("Authorization", auth.as_str())],
            )
            .await
            {
                Ok(a) if a.ok() => {
                    error.set(None);
                    name.set(String::new());
                    email.set(String::new());
                    password.set(String::new());
                    load(session, list, error).await;
                }
                Ok(a) => error.set(Some(a.error_message())),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |operator: OperatorInfo| {
        wasm_bindgen_futures::spawn_local(async move {
            let Some(site) = session.site() else { return };
            let auth = format!("Bearer {}", session.token());
            let url = format!("/api/v1/sites/{site}/operators/{}", operator.id);
            match browser::http::request("DELETE", &url, None, &[("Authorization", auth.as_str())])
                .await
            {
                Ok(a) if a.ok() => load(session, list, error).await,
                Ok(a) => error.set(Some(a.error_message())),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let notice = RwSignal::new(None::<String>);
    let sign_out_everywhere = move |operator: OperatorInfo| {
        wasm_bindgen_futures::spawn_local(async move {
            let Some(site) = session.site() else { return };
            let auth = format!("Bearer {}", session.token());
            let url = format!("/api/v1/sites/{site}/operators/{}/sign-out", operator.id);
            match browser::http::request("POST", &url, None, &[("Authorization", auth.as_str())])
                .await
            {
                Ok(a) if a.ok() => notice.set(Some(format!(
                    "{} {}",
                    operator.name,
                    session.account_texts().signed_out_everywhere
                ))),
                Ok(a) => error.set(Some(a.error_message())),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let role_name = move |role: Role| {
        let t = session.texts();
        match role {
            Role::Owner => t.role_owner,
            Role::Admin => t.role_admin,
            Role::Operator => t.role_operator,
        }
    };

    view! {
        <main class="team">
            <h2>{move || session.texts().team}</h2>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <Show when=move || notice.with(Option::is_some)>
                <p class="notice" role="status">{move || notice.get()}</p>
            </Show>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{move || session.texts().my_photo}</th>
                        <th scope="col">{move || session.texts().name}</th>
                        <th scope="col">{move || session.texts().email}</th>
                        <th scope="col">{move || session.texts().role}</th>
                        <th scope="col"><span class="sr">{move || session.texts().actions}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || list.get() key=|o| (o.id.clone(), o.removed) let:operator>
                        {
                            let removable = !operator.removed
                                && my_role.is_some_and(|r| r.may_remove(operator.role))
                                && session.current.with_untracked(|s| s.as_ref().map(|s| &s.operator) != Some(&operator.id));
                            let who = operator.clone();
                            let label = operator.name.clone();
                            // The owner ends a member's sessions (a lost phone, a shared computer).
                            let may_sign_out = my_role.is_some_and(Role::signs_members_out)
                                && !operator.removed
                                && session.me().as_ref() != Some(&operator.id);
                            let sign_out_label = format!(
                                "{} — {}",
                                session.account_texts().sign_out_everywhere,
                                operator.name
                            );
                            let signed_out = operator.clone();
                            let me = session.me();
                            let may_change_photo = !operator.removed
                                && (me.as_ref() == Some(&operator.id)
                                    || my_role.is_some_and(|r| r.may_change_photo_of(operator.role)));
                            let photo_alt = format!("{} {}", session.texts().photo_of, operator.name);
                            let target = operator.id.clone();
                            let upload_label = format!("{} — {}", session.texts().upload_photo, operator.name);
                            let upload = move |e: leptos::ev::Event| {
                                let file = super::account::chosen_file(&e);
                                let target = target.clone();
                                wasm_bindgen_futures::spawn_local(async move {
                                    match super::account::set_photo(session, site, &target, file).await {
                                        Ok(()) => load(session, list, error).await,
                                        Err(e) => error.set(Some(e)),
                                    }
                                });
                            };
                            view! {
                                <tr class:removed=operator.removed>
                                    <td>
                                        {operator.avatar.clone().map(|src| view! { <img class="avatar" src=src alt=photo_alt/> })}
                                        {may_change_photo.then(|| view! {
                                            <label class="secondary file-button small">
                                                <span aria-hidden="true">"📷"</span>
                                                <span class="sr">{upload_label}</span>
                                                <input type="file" class="sr" accept="image/png,image/jpeg,image/webp" on:change=upload/>
                                            </label>
                                        })}
                                    </td>
                                    <td>
                                        {operator.name.clone()}
                                        {operator.removed.then(|| view! { " " <span class="badge muted">{move || session.texts().removed}</span> })}
                                    </td>
                                    <td>{operator.email.clone()}</td>
                                    <td>{move || role_name(operator.role)}</td>
                                    <td>
                                        {removable.then(|| view! {
                                            <super::RowAction verb=|t| t.remove subject=label
                                                on_press=move || remove(who.clone())/>
                                        })}
                                        {may_sign_out.then(|| view! {
                                            " "
                                            <button type="button" class="secondary" aria-label=sign_out_label
                                                on:click=move |_| sign_out_everywhere(signed_out.clone())>
                                                {move || session.account_texts().sign_out_everywhere}
                                            </button>
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
                    <h3>{move || session.texts().add_operator}</h3>
                    <div class="field">
                        <label for="op-name">{move || session.texts().name}</label>
                        <input id="op-name" type="text" required bind:value=name/>
                    </div>
                    <div class="field">
                        <label for="op-email">{move || session.texts().email}</label>
                        <input id="op-email" type="email" required bind:value=email/>
                    </div>
                    <div class="field">
                        <label for="op-password">{move || session.texts().password}</label>
                        <input id="op-password" type="password" autocomplete="new-password" required bind:value=password/>
                    </div>
                    {(my_role == Some(Role::Owner)).then(|| view! {
                        <label class="check"><input id="op-admin" type="checkbox" bind:checked=admin/>
                            " " {move || session.texts().make_admin}</label>
                    })}
                    <button type="submit" class="primary">{move || session.texts().add_operator}</button>
                </form>
            })}
        </main>
    }
}
