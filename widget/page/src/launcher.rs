//! The loader's launcher, as this module updates it: theme (colour, position, label), the
//! unread badge and hiding the whole widget.

use protocol::lean::PageConfig;
use protocol::{Locale, Position};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

fn host() -> Option<HtmlElement> {
    crate::root()?.host().dyn_into::<HtmlElement>().ok()
}

fn launcher() -> Option<Element> {
    crate::root()?.query_selector(".launcher").ok().flatten()
}

fn span(class: &str) -> Option<Element> {
    let span = web_sys::window()?.document()?.create_element("span").ok()?;
    span.set_class_name(class);
    Some(span)
}

thread_local! {
    /// What the launcher's accessible name is made of: the window open, the site's label,
    /// unread messages.
    static NAME: std::cell::RefCell<(bool, Option<String>, u32)> =
        const { std::cell::RefCell::new((false, None, 0)) };
}

/// "Open chat — Help, 2 unread": the verb follows the window, so a screen reader hears what
/// pressing the launcher will do. The count is not in parentheses: the badge shows it, and
/// a name must contain what is seen (WCAG 2.5.3; checkers drop parenthesised words).
fn refresh_name(locale: Locale) {
    let Some(launcher) = launcher() else { return };
    let (open, label, unread) = NAME.with(|n| n.borrow().clone());
    let verb = match (open, locale) {
        (false, Locale::En) => "Open chat",
        (false, Locale::Ru) => "Открыть чат",
        (true, Locale::En) => "Close chat",
        (true, Locale::Ru) => "Закрыть чат",
    };
    let mut name = String::from(verb);
    if let Some(label) = label {
        name.push_str(" — ");
        name.push_str(&label);
    }
    if unread > 0 {
        let count = unread.to_string();
        let tail = match locale {
            Locale::En => [", ", &count, " unread"].concat(),
            Locale::Ru => [", непрочитанных: ", &count].concat(),
        };
        name.push_str(&tail);
    }
    let _ = launcher.set_attribute("aria-label", &name);
}

pub fn apply_theme(config: &PageConfig, locale: Locale) {
    if let Some(host) = host() {
        if let Some(accent) = &config.accent_color {
            let _ = host.style().set_property("--accent", accent);
        }
        let position = match config.position {
            Position::Left => "left",
            Position::Right => "right",
        };
        let _ = host.set_attribute("data-position", position);
    }
    let Some(launcher) = launcher() else { return };
    if let Some(label) = config.launcher_label.as_deref() {
        let existing = launcher.query_selector(".label").ok().flatten();
        if let Some(text) = existing.or_else(|| {
            let span = span("label")?;
            launcher.append_child(&span).ok()?;
            Some(span)
        }) {
            text.set_text_content(Some(label));
            let _ = launcher.class_list().add_1("labeled");
        }
    }
    NAME.with(|n| n.borrow_mut().1 = config.launcher_label.clone());
    refresh_name(locale);
}

/// The window opened or closed.
pub fn set_open(open: bool, locale: Locale) {
    NAME.with(|n| n.borrow_mut().0 = open);
    refresh_name(locale);
}

/// Shows `count` unread messages on the launcher (and in its accessible name).
pub fn set_unread(count: u32, locale: Locale) {
    let Some(launcher) = launcher() else { return };
    NAME.with(|n| n.borrow_mut().2 = count);
    refresh_name(locale);
    let badge = launcher.query_selector(".badge").ok().flatten();
    if count == 0 {
        if let Some(badge) = badge {
            badge.remove();
        }
        return;
    }
    let badge = badge.or_else(|| {
        let span = span("badge")?;
        let _ = span.set_attribute("aria-hidden", "true");
        launcher.append_child(&span).ok()?;
        Some(span)
    });
    if let Some(badge) = badge {
        badge.set_text_content(Some(&count.to_string()));
    }
}

pub fn set_hidden(hidden: bool) {
    if let Some(host) = host() {
        let _ = host.toggle_attribute_with_force("hidden", hidden);
    }
}
