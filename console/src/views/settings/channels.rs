//! Settings → Channels: the site's Telegram bot — connect it with its token (the relay checks
//! it with Telegram and never shows it again), see which bot it is, disconnect it.

use leptos::prelude::*;
use protocol::channels::{TelegramConnect, TelegramStatus};

#[component]
pub(super) fn Telegram() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.channel_texts();
    let status = RwSignal::new(None::<TelegramStatus>);
    let token = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let call = move |method: &'static str, body: Option<String>| {
        busy.set(true);
        session.call_then(method, "/telegram".into(), body, error, move |answer| {
            busy.set(false);
            match serde_json::from_str::<TelegramStatus>(&answer) {
                Ok(state) => status.set(Some(state)),
                // A 204 (disconnected) has no body.
                Err(_) => status.set(Some(TelegramStatus::default())),
            }
        });
    };
    call("GET", None);
    // `call_then` reports a failure in `error`: the form is usable again.
    Effect::new(move || {
        if error.with(Option::is_some) {
            busy.set(false);
        }
    });
    let connect = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let body = TelegramConnect {
            token: token.get_untracked().trim().to_owned(),
        };
        if let Ok(body) = serde_json::to_string(&body) {
            token.set(String::new());
            call("PUT", Some(body));
        }
    };
    let connected = move || status.with(|s| s.as_ref().is_some_and(|s| s.connected));
    let shown = move || {
        status.get().map(|s| {
            if !s.connected {
                return texts().not_connected.to_owned();
            }
            let mut line = format!(
                "{} @{} ({})",
                texts().connected,
                s.username.unwrap_or_default(),
                s.name.unwrap_or_default()
            );
            if s.waiting > 0 {
                line.push_str(&format!(" · {} {}", s.waiting, texts().waiting));
            }
            line
        })
    };
    view! {
        <section class="section" aria-labelledby="channels-title">
            <h3 id="channels-title">{move || texts().channels}</h3>
            <h4>{move || texts().telegram}</h4>
            <p class="muted">{move || texts().telegram_hint}</p>
            <p role="status" id="telegram-status"><strong>{shown}</strong></p>
            <p class="error" role="alert">{move || error.get()}</p>
            <form on:submit=connect>
                <div class="field">
                    <label for="telegram-token">{move || texts().bot_token}</label>
                    <input id="telegram-token" class="code" type="password" autocomplete="off"
                        required bind:value=token/>
                </div>
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { texts().connecting } else { texts().connect }}
                </button>
                " "
                <Show when=connected>
                    <button type="button" class="secondary" on:click=move |_| call("DELETE", None)>
                        {move || texts().disconnect}
                    </button>
                </Show>
            </form>
        </section>
    }
}
