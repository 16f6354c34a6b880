//! The operator's own account: his photo, his custom statuses, and his sites with their
//! install code (owners add sites here).

use leptos::prelude::*;
use protocol::{Availability, CustomStatus, NewSite, OperatorSession, Role, SiteId};

/// Uploads (or with `None` removes) an operator's photo; `Err` is the relay's reason.
pub(crate) async fn set_photo(
    session: crate::state::Session,
    site: crate::state::Site,
    operator: &protocol::OperatorId,
    file: Option<web_sys::File>,
) -> Result<(), String> {
    let site_id = session.site().ok_or("no site")?;
    let url = format!("/api/v1/sites/{site_id}/operators/{operator}/avatar");
    let auth = format!("Bearer {}", session.token());
    let answer = match file {
        Some(file) => {
            let kind = file.type_();
            browser::http::send_body(
                "PUT",
                &url,
                &file.into(),
                &[
                    ("Authorization", auth.as_str()),
                    ("Content-Type", kind.as_str()),
                ],
            )
            .await?
        }
        None => {
            browser::http::request("DELETE", &url, None, &[("Authorization", auth.as_str())])
                .await?
        }
    };
    if answer.ok() {
        session.load_account();
        site.load_roster();
        Ok(())
    } else {
        Err(answer.error_message())
    }
}

/// The first file of a file input's change event.
pub(crate) fn chosen_file(e: &leptos::ev::Event) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    e.target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?
        .files()?
        .get(0)
}

#[component]
pub fn Account() -> impl IntoView {
    let session = crate::state::use_session();
    view! {
        <main class="team settings account">
            <h2>{move || session.texts().account}</h2>
            <Photo/>
            <section class="section">
                <h3>{move || session.workplace_texts().theme}</h3>
                <super::theme::ThemePicker/>
            </section>
            <Statuses/>
            <super::push_devices::PushDeviceList/>
            <ChangePassword/>
            <Sites/>
        </main>
    }
}

#[component]
fn Photo() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let texts = move || session.texts();
    let error = RwSignal::new(None::<String>);
    let avatar = move || {
        session
            .account
            .with(|a| a.as_ref().and_then(|a| a.avatar.clone()))
    };
    let change = move |file: Option<web_sys::File>| {
        let Some(me) = session.me() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            error.set(set_photo(session, site, &me, file).await.err());
        });
    };
    view! {
        <section class="section" aria-labelledby="photo-title">
            <h3 id="photo-title">{move || texts().my_photo}</h3>
            {move || avatar().map(|src| view! { <img class="avatar big" src=src alt=move || texts().my_photo/> })}
            <p class="muted" id="photo-hint">{move || texts().photo_hint}</p>
            <p class="error" role="alert">{move || error.get()}</p>
            <label class="secondary file-button">
                {move || texts().upload_photo}
                <input type="file" class="sr" accept="image/png,image/jpeg,image/webp" aria-describedby="photo-hint"
                    on:change=move |e| change(chosen_file(&e))/>
            </label>
            <Show when=move || avatar().is_some()>
                " "
                <button type="button" class="secondary" on:click=move |_| change(None)>{move || texts().remove_photo}</button>
            </Show>
        </section>
    }
}

#[component]
fn Statuses() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let list = RwSignal::new(Vec::<CustomStatus>::new());
    // Starts from what is saved, once the account has loaded.
    Effect::new(move |_| {
        if let Some(saved) = session
            .account
            .with(|a| a.as_ref().map(|a| a.statuses.clone()))
        {
            list.set(saved);
        }
    });
    let status = RwSignal::new(None::<Result<(), String>>);
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let body = serde_json::to_string(&list.get_untracked()).unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let auth = format!("Bearer {}", session.token());
            let result = match browser::http::request(
                "PUT",
                "/api/v1/account/statuses",
                Some(&body),
                &[("Authorization", auth.as_str())],
            )
            .await
            {
                Ok(a) if a.ok() => {
                    session.load_account();
                    Ok(())
                }
                Ok(a) => Err(a.error_message()),
                Err(e) => Err(e),
            };
            status.set(Some(result));
        });
    };
    let edit = move |i: usize, f: &mut dyn FnMut(&mut CustomStatus)| {
        list.update(|l| {
            if let Some(s) = l.get_mut(i) {
                f(s)
            }
        })
    };
    view! {
        <form class="section" aria-labelledby="statuses-title" on:submit=save>
            <h3 id="statuses-title">{move || texts().my_statuses}</h3>
            <p class="muted">{move || texts().my_statuses_hint}</p>
            {move || (0..list.with(Vec::len)).map(|i| {
                let (emoji_id, text_id, chats_id) = (format!("status-{i}-emoji"), format!("status-{i}-text"), format!("status-{i}-chats"));
                let read = move |f: fn(&CustomStatus) -> String| list.with(|l| l.get(i).map(f).unwrap_or_default());
                view! {
                    <div class="row">
                        <label class="sr" for=emoji_id.clone()>{move || texts().status_emoji}</label>
                        <input id=emoji_id class="emoji" type="text" maxlength="8" required
                            prop:value=move || read(|s| s.emoji.clone())
                            on:input=move |e| edit(i, &mut |s| s.emoji = event_target_value(&e))/>
                        <label class="sr" for=text_id.clone()>{move || texts().status_text}</label>
                        <input id=text_id type="text" maxlength="60" required placeholder=move || texts().status_text
                            prop:value=move || read(|s| s.text.clone())
                            on:input=move |e| edit(i, &mut |s| s.text = event_target_value(&e))/>
                        <input id=chats_id.clone() type="checkbox"
                            prop:checked=move || list.with(|l| l.get(i).is_some_and(|s| s.availability == Availability::Online))
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                edit(i, &mut |s| s.availability = if on { Availability::Online } else { Availability::Away })
                            }/>
                        <label for=chats_id>{move || texts().takes_chats}</label>
                        <button type="button" class="secondary" on:click=move |_| list.update(|l| { if i < l.len() { l.remove(i); } })>
                            {move || texts().delete}
                        </button>
                    </div>
                }
            }).collect_view()}
            <Show when=move || list.with(|l| l.len() < protocol::MAX_CUSTOM_STATUSES)>
                <button type="button" class="secondary" on:click=move |_| list.update(|l| l.push(CustomStatus {
                    emoji: "🍔".into(),
                    text: String::new(),
                    availability: Availability::Away,
                }))>{move || texts().add_status}</button>
            </Show>
            <div class="save">
                <button type="submit" class="primary">{move || texts().save}</button>
                <span role="status" class=move || if matches!(status.get(), Some(Err(_))) { "error" } else { "saved" }>
                    {move || match status.get() {
                        Some(Ok(())) => texts().saved.to_owned(),
                        Some(Err(e)) => e,
                        None => String::new(),
                    }}
                </span>
            </div>
        </form>
    }
}

/// The one-tag install for a site, served by this relay.
fn snippet(site: &SiteId) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!(r#"<script src="{origin}/widget.js" data-site="{site}" async></script>"#)
}

#[component]
fn Sites() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let sites = move || {
        session
            .current
            .with(|s| s.as_ref().map(|s| s.sites.clone()).unwrap_or_default())
    };
    let owner = move || sites().iter().any(|m| m.role == Role::Owner);
    let (id, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let add = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let site = match SiteId::parse(id.get_untracked().trim()) {
            Ok(site) => site,
            Err(e) => return error.set(Some(e.to_string())),
        };
        let new = NewSite {
            site: site.clone(),
            name: name.get_untracked(),
        };
        if let Err(e) = new.validate() {
            return error.set(Some(e.message));
        }
        let body = serde_json::to_string(&new).unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let auth = format!("Bearer {}", session.token());
            match browser::http::request(
                "POST",
                "/api/v1/sites",
                Some(&body),
                &[("Authorization", auth.as_str())],
            )
            .await
            {
                Ok(a) if a.ok() => match serde_json::from_str::<OperatorSession>(&a.body) {
                    Ok(adopted) => {
                        error.set(None);
                        session.adopt_session(adopted, site);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                },
                Ok(a) => error.set(Some(a.error_message())),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="section" aria-labelledby="sites-title">
            <h3 id="sites-title">{move || texts().sites}</h3>
            <p class="muted">{move || texts().install_hint}</p>
            <For each=sites key=|m| m.site.clone() let:membership>
                {
                    let code = snippet(&membership.site);
                    let field = format!("snippet-{}", membership.site);
                    let copied = RwSignal::new(false);
                    let copy_text = code.clone();
                    view! {
                        <div class="field">
                            <label for=field.clone()>{move || texts().install_snippet} " " {membership.site.to_string()}</label>
                            <textarea id=field class="code" rows="2" readonly>{code}</textarea>
                            <button type="button" class="secondary" on:click=move |_| {
                                if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                                    let _ = clipboard.write_text(&copy_text);
                                }
                                copied.set(true);
                            }>{move || if copied.get() { texts().copied } else { texts().copy }}</button>
                        </div>
                    }
                }
            </For>
            <Show when=owner>
                <form class="add-operator" on:submit=add>
                    <h4>{move || texts().add_site}</h4>
                    <p class="error" role="alert">{move || error.get()}</p>
                    <div class="field">
                        <label for="new-site-id">{move || texts().site_id}</label>
                        <input id="new-site-id" type="text" required pattern="[a-z0-9\\-]+" bind:value=id/>
                    </div>
                    <div class="field">
                        <label for="new-site-name">{move || texts().site_name}</label>
                        <input id="new-site-name" type="text" required bind:value=name/>
                    </div>
                    <button type="submit" class="primary">{move || texts().add_site}</button>
                </form>
            </Show>
        </section>
    }
}

/// Changing the password: the current one first (a borrowed, signed-in computer must not be
/// enough to lock the owner out); the account's other sessions end.
#[component]
fn ChangePassword() -> impl IntoView {
    let session = crate::state::use_session();
    let t = move || session.account_texts();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let status = RwSignal::new(None::<Result<&'static str, String>>);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if new.get_untracked() != repeat.get_untracked() {
            return status.set(Some(Err(t().passwords_differ.to_owned())));
        }
        let change = protocol::PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        if let Err(e) = change.validate() {
            return status.set(Some(Err(e.message)));
        }
        let body = serde_json::to_string(&change).unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let auth = format!("Bearer {}", session.token());
            let result = match browser::http::request(
                "PUT",
                "/api/v1/account/password",
                Some(&body),
                &[("Authorization", auth.as_str())],
            )
            .await
            {
                Ok(a) if a.ok() => {
                    for field in [current, new, repeat] {
                        field.set(String::new());
                    }
                    Ok(t().password_changed)
                }
                Ok(a) if a.status == 429 => Err(format!(
                    "{} {} {}.",
                    t().too_many,
                    crate::auth::retry_after_s(&a.body),
                    t().seconds
                )),
                Ok(a) => Err(a.error_message()),
                Err(e) => Err(e),
            };
            status.set(Some(result));
        });
    };
    view! {
        <section class="section" aria-labelledby="password-title">
            <h3 id="password-title">{move || t().change_password}</h3>
            <form on:submit=submit>
                {move || match status.get() {
                    Some(Ok(done)) => view! { <p class="notice" role="status">{done}</p> }.into_any(),
                    Some(Err(why)) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
                    None => ().into_any(),
                }}
                <div class="field">
                    <label for="current-password">{move || t().current_password}</label>
                    <input id="current-password" type="password" autocomplete="current-password" required bind:value=current/>
                </div>
                <div class="field">
                    <label for="changed-password">{move || t().new_password}</label>
                    <input id="changed-password" type="password" autocomplete="new-password" required minlength="8" bind:value=new/>
                </div>
                <div class="field">
                    <label for="changed-password-again">{move || t().repeat_password}</label>
                    <input id="changed-password-again" type="password" autocomplete="new-password" required minlength="8" bind:value=repeat/>
                </div>
                <button type="submit" class="primary">{move || t().change_password}</button>
            </form>
        </section>
    }
}
