use super::workspace::LanguageSwitch;
use crate::auth::{self, SignInError};
use leptos::prelude::*;
use protocol::{PasswordReset, PasswordResetRequest};

/// What the sign-in screen shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    SignIn,
    /// "Forgot password?": ask for a link.
    Forgot,
    /// Opened from a reset link: choose the new password.
    Reset,
}

#[component]
pub fn SignIn() -> impl IntoView {
    let session = crate::state::use_session();
    let code = auth::reset_code();
    let mode = RwSignal::new(if code.is_some() {
        Mode::Reset
    } else {
        Mode::SignIn
    });
    // A message above the form that is not an error (a link sent, a password set).
    let notice = RwSignal::new(None::<&'static str>);
    view! {
        <main class="sign-in">
            <h1>{move || session.texts().title}</h1>
            <Show when=move || notice.with(Option::is_some)>
                <p class="notice" role="status">{move || notice.get()}</p>
            </Show>
            {move || match mode.get() {
                Mode::SignIn => view! { <SignInForm mode/> }.into_any(),
                Mode::Forgot => view! { <ForgotForm mode notice/> }.into_any(),
                Mode::Reset => view! { <ResetForm mode notice code=code.clone().unwrap_or_default()/> }.into_any(),
            }}
        </main>
    }
}

fn too_many(session: crate::state::Session, seconds: u64) -> String {
    let t = session.account_texts();
    format!("{} {seconds} {}.", t.too_many, t.seconds)
}

#[component]
fn SignInForm(mode: RwSignal<Mode>) -> impl IntoView {
    let session = crate::state::use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (email, password) = (email.get_untracked(), password.get_untracked());
        wasm_bindgen_futures::spawn_local(async move {
            match auth::sign_in(email, password).await {
                Ok(signed_in) => session.signed_in(signed_in),
                Err(SignInError::BadCredentials) => {
                    error.set(Some(session.texts().bad_credentials.to_owned()))
                }
                Err(SignInError::TooMany(seconds)) => error.set(Some(too_many(session, seconds))),
                Err(SignInError::Network) => {
                    error.set(Some(session.texts().network_error.to_owned()))
                }
            }
            busy.set(false);
        });
    };

    view! {
        <form on:submit=submit>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="field">
                <label for="email">{move || session.texts().email}</label>
                <input id="email" type="email" autocomplete="username" required bind:value=email/>
            </div>
            <div class="field">
                <label for="password">{move || session.texts().password}</label>
                <input id="password" type="password" autocomplete="current-password" required bind:value=password/>
            </div>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { session.texts().signing_in } else { session.texts().sign_in }}
            </button>
            " "
            <LanguageSwitch/>
            <p>
                <button type="button" class="link" on:click=move |_| mode.set(Mode::Forgot)>
                    {move || session.account_texts().forgot_password}
                </button>
            </p>
        </form>
    }
}

#[component]
fn ForgotForm(mode: RwSignal<Mode>, notice: RwSignal<Option<&'static str>>) -> impl IntoView {
    let session = crate::state::use_session();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        busy.set(true);
        let request = PasswordResetRequest {
            email: email.get_untracked(),
            locale: session.locale.get_untracked(),
        };
        let body = serde_json::to_string(&request).unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            match browser::http::post_json("/api/v1/auth/password-reset", &body).await {
                Ok(a) if a.ok() => {
                    error.set(None);
                    notice.set(Some(session.account_texts().link_sent));
                    mode.set(Mode::SignIn);
                }
                Ok(a) if a.status == 429 => {
                    error.set(Some(too_many(session, auth::retry_after_s(&a.body))))
                }
                Ok(a) => error.set(Some(a.error_message())),
                Err(_) => error.set(Some(session.texts().network_error.to_owned())),
            }
            busy.set(false);
        });
    };
    view! {
        <form on:submit=submit>
            <h2>{move || session.account_texts().reset_title}</h2>
            <p>{move || session.account_texts().reset_intro}</p>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="field">
                <label for="reset-email">{move || session.texts().email}</label>
                <input id="reset-email" type="email" autocomplete="username" required bind:value=email/>
            </div>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || session.account_texts().send_link}
            </button>
            " "
            <button type="button" class="secondary" on:click=move |_| mode.set(Mode::SignIn)>
                {move || session.account_texts().back_to_sign_in}
            </button>
        </form>
    }
}

#[component]
fn ResetForm(
    mode: RwSignal<Mode>,
    notice: RwSignal<Option<&'static str>>,
    code: String,
) -> impl IntoView {
    let session = crate::state::use_session();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let t = session.account_texts();
        if password.get_untracked() != repeat.get_untracked() {
            return error.set(Some(t.passwords_differ.to_owned()));
        }
        let reset = PasswordReset {
            code: code.clone(),
            password: password.get_untracked(),
        };
        if let Err(e) = reset.validate() {
            return error.set(Some(e.message));
        }
        busy.set(true);
        let body = serde_json::to_string(&reset).unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            match browser::http::post_json("/api/v1/auth/password-reset/confirm", &body).await {
                Ok(a) if a.ok() => {
                    auth::clear_reset_code();
                    notice.set(Some(t.password_set));
                    mode.set(Mode::SignIn);
                }
                Ok(a) if a.status == 400 => error.set(Some(t.bad_link.to_owned())),
                Ok(a) => error.set(Some(a.error_message())),
                Err(_) => error.set(Some(session.texts().network_error.to_owned())),
            }
            busy.set(false);
        });
    };
    view! {
        <form on:submit=submit>
            <h2>{move || session.account_texts().reset_title}</h2>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="field">
                <label for="new-password">{move || session.account_texts().new_password}</label>
                <input id="new-password" type="password" autocomplete="new-password" required minlength="8" bind:value=password/>
            </div>
            <div class="field">
                <label for="repeat-password">{move || session.account_texts().repeat_password}</label>
                <input id="repeat-password" type="password" autocomplete="new-password" required minlength="8" bind:value=repeat/>
            </div>
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || session.account_texts().set_password}
            </button>
            " "
            <button type="button" class="secondary" on:click=move |_| {
                auth::clear_reset_code();
                mode.set(Mode::SignIn);
            }>
                {move || session.account_texts().back_to_sign_in}
            </button>
        </form>
    }
}
