use super::LanguageSwitch;
use crate::desk::Desk;
use crate::session::{self, SignInError};
use leptos::prelude::*;

#[component]
pub fn SignIn(desk: Desk) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);

    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (email, password) = (email.get_untracked(), password.get_untracked());
        wasm_bindgen_futures::spawn_local(async move {
            match session::sign_in(email, password).await {
                Ok(session) => desk.signed_in(session),
                Err(SignInError::BadCredentials) => error.set(Some(desk.texts().bad_credentials)),
                Err(SignInError::Network) => error.set(Some(desk.texts().network_error)),
            }
            busy.set(false);
        });
    };

    view! {
        <main class="sign-in">
            <h1>{move || desk.texts().title}</h1>
            <form on:submit=submit>
                <Show when=move || error.with(Option::is_some)>
                    <p class="error" role="alert">{move || error.get()}</p>
                </Show>
                <div class="field">
                    <label for="email">{move || desk.texts().email}</label>
                    <input
                        id="email"
                        type="email"
                        autocomplete="username"
                        required
                        bind:value=email
                    />
                </div>
                <div class="field">
                    <label for="password">{move || desk.texts().password}</label>
                    <input
                        id="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </div>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { desk.texts().signing_in } else { desk.texts().sign_in }}
                </button>
                " "
                <LanguageSwitch desk/>
            </form>
        </main>
    }
}
