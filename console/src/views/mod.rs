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

use crate::state::Screen;
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
            doc.set_title(session.texts().title);
        }
    });
    view! {
        <Show
            when=move || session.current.with(Option::is_some)
            fallback=move || view! { <sign_in::SignIn/> }
        >
            <Workspace/>
        </Show>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let session = crate::state::use_session();
    view! {
        <button
            type="button"
            class="lang"
            aria-label=move || session.texts().other_language_label
            on:click=move |_| session.switch_locale()
        >
            {move || session.texts().other_language}
        </button>
    }
}

/// Asks for desktop notifications (browsers only allow it from a click).
#[component]
fn NotificationsButton() -> impl IntoView {
    let session = crate::state::use_session();
    let shown = RwSignal::new(crate::notify::can_ask());
    view! {
        <Show when=move || shown.get()>
            <button type="button" on:click=move |_| {
                crate::notify::ask();
                shown.set(false);
            }>
                {move || session.texts().enable_notifications}
            </button>
        </Show>
    }
}

#[component]
fn ScreenButton(
    screen: Screen,
    label: fn(&'static crate::i18n::Texts) -> &'static str,
) -> impl IntoView {
    let session = crate::state::use_session();
    view! {
        <button
            type="button"
            aria-current=move || (session.screen.get() == screen).then_some("page")
            on:click=move |_| session.screen.set(screen)
        >
            {move || label(session.texts())}
        </button>
    }
}

#[component]
fn Workspace() -> impl IntoView {
    let session = crate::state::use_session();
    let me = move || {
        session
            .current
            .with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default())
    };
    let site = move || {
        session.chosen_site.track();
        session
            .current
            .with(|_| session.site().map(|s| s.to_string()))
            .unwrap_or_else(|| session.texts().no_sites.to_owned())
    };
    view! {
        <div class="workspace">
            <header class="topbar">
                <h1>{move || session.texts().title}" · "{site}</h1>
                <span class="me">{me}</span>
                <status::SitePicker/>
                <status::StatusPicker/>
                <nav class="screens" aria-label=move || session.texts().title>
                    <ScreenButton screen=Screen::Chats label=|t| t.chats/>
                    <ScreenButton screen=Screen::Visitors label=|t| t.visitors_tab/>
                    <ScreenButton screen=Screen::History label=|t| t.history/>
                    <ScreenButton screen=Screen::Team label=|t| t.team/>
                    <ScreenButton screen=Screen::Replies label=|t| t.canned_replies/>
                    <Show when=move || session.is_admin()>
                        <ScreenButton screen=Screen::Reports label=|t| t.reports/>
                        <ScreenButton screen=Screen::Settings label=|t| t.settings/>
                    </Show>
                    <ScreenButton screen=Screen::Account label=|t| t.account/>
                </nav>
                <NotificationsButton/>
                <LanguageSwitch/>
                <button type="button" on:click=move |_| session.sign_out()>
                    {move || session.texts().sign_out}
                </button>
            </header>
            {move || match session.screen.get() {
                Screen::Chats => view! {
                    <inbox::InboxList/>
                    <conversation::ConversationPanel/>
                }
                .into_any(),
                Screen::History => view! {
                    <history::History/>
                    <conversation::ConversationPanel/>
                }
                .into_any(),
                Screen::Visitors => view! { <visitors::Visitors/> }.into_any(),
                Screen::Account => view! { <account::Account/> }.into_any(),
                Screen::Team => view! { <team::Team/> }.into_any(),
                Screen::Replies => view! { <replies::Replies/> }.into_any(),
                Screen::Settings => view! { <settings::Settings/> }.into_any(),
                Screen::Reports => view! { <reports::Reports/> }.into_any(),
            }}
        </div>
    }
}
