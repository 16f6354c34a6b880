//! The console's one set of icons: 24 × 24 outlines drawn with the text's colour, always beside
//! a visible label (so they are hidden from screen readers).

use crate::state::Screen;
use leptos::prelude::*;

fn path_of(screen: Screen) -> &'static str {
    match screen {
        Screen::Chats => "M4 5h16v11H9l-5 4z",
        Screen::Visitors => "M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zm10 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6z",
        Screen::History => "M12 3a9 9 0 1 1-9 9M3 4v5h5M12 7v5l3 3",
        Screen::Team => "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2 20c0-3.5 3-6 7-6s7 2.5 7 6M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14c2.5.6 4 2.8 4 6",
        Screen::Replies => "M5 4h14v16H5zM8 8h8M8 12h8M8 16h5",
        Screen::Answers => "M4 5h16v11H9l-5 4zM9 9h6M9 12h4",
        Screen::Reports => "M4 20V10M10 20V4M16 20v-7M22 20H2",
        Screen::Settings => "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-1-3-2 .3-1.4-1.4L17 5l-3-1-1 2h-2l-1-2-3 1 .4 2-1.4 1.4L4 8 3 11l2 1v0l-2 1 1 3 2-.3 1.4 1.4L7 19l3 1 1-2h2l1 2 3-1-.4-2 1.4-1.4 2 .4 1-3z",
        Screen::Account => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-7 8-7s8 3 8 7",
    }
}

#[component]
pub fn ScreenIcon(screen: Screen) -> impl IntoView {
    svg_icon(path_of(screen))
}

/// Other icons of the chrome.
pub const MENU: &str = "M3 6h18M3 12h18M3 18h18";
pub const BACK: &str = "M15 5l-7 7 7 7";
pub const KEYBOARD: &str = "M2 7h20v11H2zM6 11h0M10 11h0M14 11h0M18 11h0M7 14.5h10";
pub const CARD: &str = "M3 5h18v14H3zM7 10h4M7 14h6M15 9h3v4h-3z";

pub fn svg_icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}
