//! The parts of the loader's launcher the widget updates once it runs: theme (colour,
//! position, label), the unread badge, hiding the whole widget, and the invitation teaser.

use crate::i18n::Texts;
use protocol::settings::Theme;
use protocol::Position;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ShadowRoot};

thread_local! {
    static ROOT: RefCell<Option<ShadowRoot>> = const { RefCell::new(None) };
}

pub fn attach(root: ShadowRoot) {
    ROOT.with(|r| *r.borrow_mut() = Some(root));
}

fn with_root<T>(f: impl FnOnce(&ShadowRoot) -> Option<T>) -> Option<T> {
    ROOT.with(|r| r.borrow().as_ref().and_then(f))
}

fn host() -> Option<HtmlElement> {
    with_root(|root| root.host().dyn_into::<HtmlElement>().ok())
}

fn launcher() -> Option<Element> {
    with_root(|root| root.query_selector(".launcher").ok().flatten())
}

pub fn apply_theme(theme: &Theme, texts: &Texts) {
    if let Some(host) = host() {
        let _ = host.style().set_property("--accent", &theme.accent_color);
        let position = match theme.position {
            Position::Left => "left",
            Position::Right => "right",
        };
        let _ = host.set_attribute("data-position", position);
    }
    if let (Some(launcher), Some(label)) = (launcher(), theme.launcher_label.as_deref()) {
        let span = match launcher.query_selector(".label").ok().flatten() {
            Some(span) => span,
            None => {
                let Some(span) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.create_element("span").ok())
                else {
                    return;
                };
                span.set_class_name("label");
                let _ = launcher.append_child(&span);
                span
            }
        };
        span.set_text_content(Some(label));
        let _ = launcher.class_list().add_1("labeled");
        let _ = launcher.set_attribute("aria-label", &format!("{} — {label}", texts.open_chat));
    }
}

/// Shows `count` unread messages on the launcher (and in its accessible name).
pub fn set_unread(count: u32, texts: &Texts) {
    let Some(launcher) = launcher() else { return };
    let badge = launcher.query_selector(".badge").ok().flatten();
    let label = launcher
        .get_attribute("aria-label")
        .unwrap_or_default()
        .split(" (")
        .next()
        .unwrap_or_default()
        .to_owned();
    if count == 0 {
        if let Some(badge) = badge {
            badge.remove();
        }
        let _ = launcher.set_attribute("aria-label", &label);
        return;
    }
    let badge = badge.or_else(|| {
        let span = web_sys::window()?.document()?.create_element("span").ok()?;
        span.set_class_name("badge");
        let _ = span.set_attribute("aria-hidden", "true");
        launcher.append_child(&span).ok()?;
        Some(span)
    });
    if let Some(badge) = badge {
        badge.set_text_content(Some(&count.to_string()));
    }
    let _ = launcher.set_attribute("aria-label", &format!("{label} ({count} {})", texts.unread));
}

pub fn set_hidden(hidden: bool) {
    if let Some(host) = host() {
        let _ = host.toggle_attribute_with_force("hidden", hidden);
    }
}
