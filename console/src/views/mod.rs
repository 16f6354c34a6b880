//! The console's screens.

mod account;
mod answers;
mod assignment;
mod conversation;
mod history;
mod icons;
mod inbox;
mod push_devices;
mod replies;
mod reports;
mod settings;
mod shortcuts;
mod sign_in;
mod status;
mod team;
mod theme;
mod visitors;
mod workspace;

use leptos::prelude::*;
use protocol::Locale;

/// A table row's action button ("Remove", "Revoke"…), announced with what it acts on
/// ("Remove Alla") so a screen reader's list of buttons is not a column of identical "Remove"s.
#[component]
pub(crate) fn RowAction(
    verb: fn(&'static crate::i18n::Texts) -> &'static str,
    subject: String,
    on_press: impl Fn() + 'static,
) -> impl IntoView {
    let session = crate::state::use_session();
    view! {
        <button type="button" class="secondary"
            aria-label=move || format!("{} {subject}", verb(session.texts()))
            on:click=move |_| on_press()>
            {move || verb(session.texts())}
        </button>
    }
}

/// `HH:MM` in the operator's local time.
pub(crate) fn clock(ms: u64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Day and time in the operator's language and time zone: `24 Nov 2026, 09:05`.
pub(crate) fn date_time(ms: u64, locale: protocol::Locale) -> String {
    browser::format::date_time(ms, locale)
}

/// A short, stable label for a visitor who has not introduced himself.
pub(crate) fn visitor_label(
    session: crate::state::Session,
    visitor: &protocol::VisitorId,
) -> String {
    let short: String = visitor.as_str().chars().take(4).collect();
    format!("{} {short}", session.texts().visitor)
}

#[component]
pub fn App() -> impl IntoView {
    crate::state::provide();
    let session = crate::state::use_session();
    // Keep <html lang> and the title in step with the chosen language (screen readers use it).
    Effect::new(move |_| {
        let locale = session.locale.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(html) = doc.document_element() {
                let _ = html.set_attribute("lang", if locale == Locale::Ru { "ru" } else { "en" });
            }
        }
    });
    let online = crate::connection::watch();
    view! {
        <Show when=move || !online.get()>
            <p class="offline-banner" role="status">{move || session.workplace_texts().no_connection}</p>
        </Show>
        <Show
            when=move || session.current.with(Option::is_some)
            fallback=move || view! { <sign_in::SignIn/> }
        >
            <workspace::Workspace/>
        </Show>
    }
}
