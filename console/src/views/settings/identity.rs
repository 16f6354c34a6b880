//! Identity verification of the site's logged-in users: on or off, and a new secret (shown
//! once; the relay never shows it again).

use leptos::prelude::*;

#[derive(serde::Deserialize)]
struct SecretState {
    enabled: bool,
    #[serde(default)]
    secret: Option<String>,
}

#[component]
pub(super) fn Identity() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let enabled = RwSignal::new(false);
    let shown = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let call = move |method: &'static str| {
        wasm_bindgen_futures::spawn_local(async move {
            match session.call(method, "/identity-secret", None).await {
                Ok(body) => match serde_json::from_str::<SecretState>(&body) {
                    Ok(state) => {
                        enabled.set(state.enabled);
                        shown.set(state.secret);
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e.to_string())),
                },
                Err(e) => error.set(Some(e)),
            }
        })
    };
    call("GET");
    view! {
        <section class="section" aria-labelledby="identity-title">
            <h3 id="identity-title">{move || texts().identity}</h3>
            <p class="muted">{move || texts().identity_hint}</p>
            <p role="status">
                <strong>{move || if enabled.get() { texts().identity_on } else { texts().identity_off }}</strong>
            </p>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || shown.get().map(|secret| view! {
                <div class="field">
                    <label for="identity-secret">{move || texts().secret_once}</label>
                    <input id="identity-secret" class="code" type="text" readonly prop:value=secret/>
                </div>
                <pre>{"user_hash = hex(HMAC-SHA256(secret, user_id))\nConsultant.identify({ user_id: \"42\", user_hash: \"…\" });"}</pre>
            })}
            <button type="button" class="secondary" on:click=move |_| call("POST")>{move || texts().new_secret}</button>
            " "
            <Show when=move || enabled.get()>
                <button type="button" class="secondary" on:click=move |_| call("DELETE")>{move || texts().turn_off}</button>
            </Show>
        </section>
    }
}
