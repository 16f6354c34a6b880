//! The console's screens.

mod account;
mod assignment;
mod conversation;
mod history;
mod inbox;
mod replies;
mod reports;
mod settings;
mod sign_in;
mod status;
mod team;
mod visitors;

use crate::desk::{Desk, Screen};
use leptos::prelude::*;
use protocol::Locale;

/// A table row's action button ("Remove", "Revoke"…), announced with what it acts on
/// ("Remove Alla") so a screen reader's list of buttons is not a column of identical "Remove"s.
#[component]
pub(crate) fn RowAction(
    desk: Desk,
    verb: fn(&'static crate::i18n::Texts) -> &'static str,
    subject: String,
    on_press: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class="secondary"
            aria-label=move || format!("{} {subject}", verb(desk.texts()))
            on:click=move |_| on_press()>
            {move || verb(desk.texts())}
        </button>
    }
}

/// The message of a relay error body (`{"code", "message"}`), or the body as it is.
pub(crate) fn message_of(body: &str) -> String {
    serde_json::from_str::<protocol::ErrorBody>(body)
        .map(|e| e.message)
        .unwrap_or_else(|_| body.to_owned())
}

/// `HH:MM` in the operator's local time.
pub(crate) fn clock(ms: u64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Day and time in the operator's local time, e.g. `24.11.2026 09:05`.
pub(crate) fn date_time(ms: u64) -> String {
    let date = js_sys::Date::new(&(ms as f64).into());
    format!(
        "{:02}.{:02}.{} {}",
        date.get_date(),
        date.get_month() + 1,
        date.get_full_year(),
        clock(ms)
    )
}

/// A short, stable label for a visitor who has not introduced himself.
pub(crate) fn visitor_label(desk: Desk, visitor: &protocol::VisitorId) -> String {
    let short: String = visitor.as_str().chars().take(4).collect();
    format!("{} {short}", desk.texts().visitor)
}

#[component]
pub fn App() -> impl IntoView {
    let desk = Desk::new();
    // Keep <html lang> and the title in step with the chosen language (screen readers use it).
    Effect::new(move |_| {
        let locale = desk.locale.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(html) = doc.document_element() {
                let _ = html.set_attribute("lang", if locale == Locale::Ru { "ru" } else { "en" });
            }
            doc.set_title(desk.texts().title);
        }
    });
    view! {
        <Show
            when=move || desk.session.with(Option::is_some)
            fallback=move || view! { <sign_in::SignIn desk/> }
        >
            <Workspace desk/>
        </Show>
    }
}

#[component]
fn LanguageSwitch(desk: Desk) -> impl IntoView {
    view! {
        <button
            type="button"
            class="lang"
            aria-label=move || desk.texts().other_language_label
            on:click=move |_| desk.switch_locale()
        >
            {move || desk.texts().other_language}
        </button>
    }
}

/// Asks for desktop notifications (browsers only allow it from a click).
#[component]
fn NotificationsButton(desk: Desk) -> impl IntoView {
    let shown = RwSignal::new(crate::notify::can_ask());
    view! {
        <Show when=move || shown.get()>
            <button type="button" on:click=move |_| {
                crate::notify::ask();
                shown.set(false);
            }>
                {move || desk.texts().enable_notifications}
            </button>
        </Show>
    }
}

#[component]
fn ScreenButton(
    desk: Desk,
    screen: Screen,
    label: fn(&'static crate::i18n::Texts) -> &'static str,
) -> impl IntoView {
    view! {
        <button
            type="button"
            aria-current=move || (desk.screen.get() == screen).then_some("page")
            on:click=move |_| desk.screen.set(screen)
        >
            {move || label(desk.texts())}
        </button>
    }
}

#[component]
fn Workspace(desk: Desk) -> impl IntoView {
    let me = move || {
        desk.session
            .with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default())
    };
    let site = move || {
        desk.current_site.track();
        desk.session
            .with(|_| desk.site().map(|s| s.to_string()))
            .unwrap_or_else(|| desk.texts().no_sites.to_owned())
    };
    view! {
        <div class="workspace">
            <header class="topbar">
                <h1>{move || desk.texts().title}" · "{site}</h1>
                <span class="me">{me}</span>
                <status::SitePicker desk/>
                <status::StatusPicker desk/>
                <nav class="screens" aria-label=move || desk.texts().title>
                    <ScreenButton desk screen=Screen::Chats label=|t| t.chats/>
                    <ScreenButton desk screen=Screen::Visitors label=|t| t.visitors_tab/>
                    <ScreenButton desk screen=Screen::History label=|t| t.history/>
                    <ScreenButton desk screen=Screen::Team label=|t| t.team/>
                    <ScreenButton desk screen=Screen::Replies label=|t| t.canned_replies/>
                    <Show when=move || desk.is_admin()>
                        <ScreenButton desk screen=Screen::Reports label=|t| t.reports/>
                        <ScreenButton desk screen=Screen::Settings label=|t| t.settings/>
                    </Show>
                    <ScreenButton desk screen=Screen::Account label=|t| t.account/>
                </nav>
                <NotificationsButton desk/>
                <LanguageSwitch desk/>
                <button type="button" on:click=move |_| desk.sign_out()>
                    {move || desk.texts().sign_out}
                </button>
            </header>
            {move || match desk.screen.get() {
                Screen::Chats => view! {
                    <inbox::InboxList desk/>
                    <conversation::ConversationPanel desk/>
                }
                .into_any(),
                Screen::History => view! {
                    <history::History desk/>
                    <conversation::ConversationPanel desk/>
                }
                .into_any(),
                Screen::Visitors => view! { <visitors::Visitors desk/> }.into_any(),
                Screen::Account => view! { <account::Account desk/> }.into_any(),
                Screen::Team => view! { <team::Team desk/> }.into_any(),
                Screen::Replies => view! { <replies::Replies desk/> }.into_any(),
                Screen::Settings => view! { <settings::Settings desk/> }.into_any(),
                Screen::Reports => view! { <reports::Reports desk/> }.into_any(),
            }}
        </div>
    }
}
