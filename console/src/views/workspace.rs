//! The workplace's frame: a navigation rail (a drawer behind a menu button on a phone), the top
//! bar, and the screen. On a phone the chats screen shows one pane at a time: the inbox, the
//! chat, or the visitor card (`data-pane`, read by console.css).

use super::icons::{svg_icon, ScreenIcon, MENU};
use super::{conversation, history, inbox, status};
use crate::route::Place;
use crate::state::Screen;
use leptos::prelude::*;
use protocol::InboxView;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let session = crate::state::use_session();
    // The visible word is the name (WCAG 2.5.3), in the language it names.
    view! {
        <button type="button" class="lang"
            lang=move || if session.locale.get() == protocol::Locale::Ru { "en" } else { "ru" }
            on:click=move |_| session.switch_locale()>
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
            <button type="button" class="secondary" on:click=move |_| {
                crate::notify::ask();
                shown.set(false);
            }>
                {move || session.texts().enable_notifications}
            </button>
        </Show>
    }
}

/// The address of a screen on the current site.
pub(crate) fn screen_href(session: crate::state::Session, screen: Screen) -> String {
    session.chosen_site.track();
    session.current.track();
    Place {
        site: session.site(),
        screen,
        conversation: None,
    }
    .to_hash()
}

#[component]
fn ScreenLink(
    screen: Screen,
    label: fn(&'static crate::i18n::Texts) -> &'static str,
    menu_open: RwSignal<bool>,
) -> impl IntoView {
    let session = crate::state::use_session();
    view! {
        <a class="screen"
            href=move || screen_href(session, screen)
            aria-current=move || (session.screen.get() == screen).then_some("page")
            on:click=move |_| menu_open.set(false)>
            <ScreenIcon screen/>
            <span>{move || label(session.texts())}</span>
        </a>
    }
}

/// Chats waiting for this operator: unassigned ones and unread messages in his own.
fn waiting(session: crate::state::Session, inbox: crate::state::InboxState) -> usize {
    let Some(me) = session.me() else { return 0 };
    inbox
        .list
        .with(|i| i.in_view(InboxView::Unassigned, &me).len() + i.unread_in(InboxView::Mine, &me))
}

#[component]
pub fn Workspace() -> impl IntoView {
    let session = crate::state::use_session();
    let inbox = crate::state::use_inbox();
    let chat = crate::state::use_chat();
    let menu_open = RwSignal::new(false);
    let site = move || {
        session.chosen_site.track();
        session
            .current
            .with(|_| session.site().map(|s| s.to_string()))
            .unwrap_or_else(|| session.texts().no_sites.to_owned())
    };
    let me = move || {
        session
            .current
            .with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default())
    };
    Effect::new(move |_| {
        let title = format!("{} · {}", session.texts().title, site());
        crate::badge::show(waiting(session, inbox), &title);
    });
    let pane = move || {
        if !session.screen.get().opens_chats() || chat.selected.with(Option::is_none) {
            "list"
        } else if chat.card_open.get() {
            "card"
        } else {
            "chat"
        }
    };
    view! {
        <div class="workspace" class:menu-open=menu_open data-pane=pane
            on:keydown=move |e: web_sys::KeyboardEvent| {
                if e.key() == "Escape" && menu_open.get_untracked() {
                    menu_open.set(false);
                }
            }>
            <header class="topbar">
                <button type="button" class="menu-button icon-button"
                    aria-expanded=move || menu_open.get().to_string()
                    aria-controls="rail"
                    on:click=move |_| menu_open.update(|o| *o = !*o)>
                    {svg_icon(MENU)}
                    <span class="sr">{move || session.workplace_texts().menu}</span>
                </button>
                <h1>
                    <span class="product">{move || session.texts().title}</span>
                    <span class="site">{site}</span>
                </h1>
                <status::SitePicker/>
                <status::StatusPicker/>
                <NotificationsButton/>
                <super::shortcuts::Shortcuts/>
            </header>
            <nav id="rail" class="rail" aria-label=move || session.workplace_texts().navigation>
                <ScreenLink screen=Screen::Chats label=|t| t.chats menu_open/>
                <ScreenLink screen=Screen::Visitors label=|t| t.visitors_tab menu_open/>
                <ScreenLink screen=Screen::History label=|t| t.history menu_open/>
                <ScreenLink screen=Screen::Team label=|t| t.team menu_open/>
                <ScreenLink screen=Screen::Replies label=|t| t.canned_replies menu_open/>
                <Show when=move || session.is_admin()>
                    <ScreenLink screen=Screen::Answers label=|t| t.auto_answers menu_open/>
                    <ScreenLink screen=Screen::Reports label=|t| t.reports menu_open/>
                    <ScreenLink screen=Screen::Settings label=|t| t.settings menu_open/>
                </Show>
                <ScreenLink screen=Screen::Account label=|t| t.account menu_open/>
                <div class="rail-end">
                    <span class="me">{me}</span>
                    <LanguageSwitch/>
                    <button type="button" class="secondary" on:click=move |_| session.sign_out()>
                        {move || session.texts().sign_out}
                    </button>
                </div>
            </nav>
            <div class="scrim" aria-hidden="true" on:click=move |_| menu_open.set(false)></div>
            <div class=move || format!("body {}", session.screen.get().slug())>
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
                    Screen::Visitors => view! { <super::visitors::Visitors/> }.into_any(),
                    Screen::Account => view! { <super::account::Account/> }.into_any(),
                    Screen::Team => view! { <super::team::Team/> }.into_any(),
                    Screen::Replies => view! { <super::replies::Replies/> }.into_any(),
                    Screen::Answers => view! { <super::answers::Answers/> }.into_any(),
                    Screen::Settings => view! { <super::settings::Settings/> }.into_any(),
                    Screen::Reports => view! { <super::reports::Reports/> }.into_any(),
                }}
            </div>
        </div>
    }
}
