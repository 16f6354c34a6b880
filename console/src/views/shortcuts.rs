//! The workplace's keyboard: listens for the keys of `crate::shortcuts` anywhere on the page
//! and shows their list in a modal dialog ("?", or the keyboard button of the top bar).

use super::icons::{svg_icon, KEYBOARD};
use crate::shortcuts::{command, neighbour, Command, Press, LIST};
use crate::state::Screen;
use leptos::{ev, html, prelude::*};
use protocol::Status;
use wasm_bindgen::JsCast;

/// Text fields, selects and editable elements keep their keys.
fn typing_into(target: Option<web_sys::EventTarget>) -> bool {
    let Some(element) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || element.is_content_editable()
}

fn focus(selector: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// After the next render, so that what the command opened is there to take the focus.
fn focus_soon(selector: &'static str) {
    request_animation_frame(move || focus(selector));
}

fn label(texts: &crate::i18n::WorkplaceTexts, command: Command) -> &'static str {
    match command {
        Command::NextChat => texts.next_chat,
        Command::PreviousChat => texts.previous_chat,
        Command::Reply => texts.go_to_reply,
        Command::Take => texts.take_chat,
        Command::Close => texts.close_open_chat,
        Command::Search => texts.search_history,
        Command::Help => texts.show_shortcuts,
    }
}

#[component]
pub fn Shortcuts() -> impl IntoView {
    let session = crate::state::use_session();
    let inbox = crate::state::use_inbox();
    let chat = crate::state::use_chat();
    let dialog: NodeRef<html::Dialog> = NodeRef::new();
    let show = move || {
        if let Some(dialog) = dialog.get_untracked() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    };
    let run = move |command: Command| {
        let on_chats = session.screen.get_untracked() == Screen::Chats;
        let open = chat.selected.get_untracked();
        match command {
            Command::NextChat | Command::PreviousChat if on_chats => {
                let list: Vec<_> = super::inbox::shown(session, inbox)
                    .into_iter()
                    .map(|c| c.id)
                    .collect();
                if let Some(next) = neighbour(&list, open.as_ref(), command == Command::NextChat) {
                    chat.select(next);
                    focus_soon("nav.inbox button.conv[aria-current=true]");
                }
            }
            Command::Reply if open.is_some() => focus("#reply"),
            Command::Take
                if open.is_some() && chat.state.with_untracked(|s| s.assignee.is_none()) =>
            {
                if let Some(me) = session.me() {
                    chat.assign(me);
                }
            }
            Command::Close
                if open.is_some() && chat.state.with_untracked(|s| s.status != Status::Closed) =>
            {
                chat.close_conversation()
            }
            Command::Search => {
                session.screen.set(Screen::History);
                focus_soon("#history-text");
            }
            Command::Help => show(),
            _ => return false,
        }
        true
    };
    let listener = window_event_listener(ev::keydown, move |e| {
        let modal_open = dialog.get_untracked().is_some_and(|d| d.open());
        if modal_open || e.default_prevented() {
            return;
        }
        let (key, code) = (e.key(), e.code());
        let press = Press {
            key: &key,
            code: &code,
            shift: e.shift_key(),
            chord: e.ctrl_key() || e.alt_key() || e.meta_key(),
            typing: typing_into(e.target()),
        };
        if let Some(command) = command(press) {
            if run(command) {
                e.prevent_default();
            }
        }
    });
    on_cleanup(move || listener.remove());
    let w = move || session.workplace_texts();
    view! {
        <button type="button" class="icon-button shortcuts-button" on:click=move |_| show()>
            {svg_icon(KEYBOARD)}
            <span class="sr">{move || w().show_shortcuts}</span>
        </button>
        <dialog node_ref=dialog class="shortcuts" aria-labelledby="shortcuts-title">
            <h2 id="shortcuts-title">{move || w().shortcuts_title}</h2>
            <p>{move || w().shortcuts_hint}</p>
            <dl>
                {LIST.iter().map(|(keys, command)| view! {
                    <div>
                        <dt><kbd>{*keys}</kbd></dt>
                        <dd>{move || label(w(), *command)}</dd>
                    </div>
                }).collect_view()}
            </dl>
            <form method="dialog">
                <button type="submit" class="primary">{move || w().close_shortcuts}</button>
            </form>
        </dialog>
    }
}
