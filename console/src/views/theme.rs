//! Light or dark: the system's choice unless the operator picked one in My account (kept on
//! this device). `boot.js` applies the kept choice before the wasm runs, so nothing flashes.

use leptos::prelude::*;

const THEME_KEY: &str = "consultant:console:theme";

fn apply(theme: &str) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = match theme {
            "light" | "dark" => html.set_attribute("data-theme", theme),
            _ => html.remove_attribute("data-theme"),
        };
    }
}

#[component]
pub fn ThemePicker() -> impl IntoView {
    let session = crate::state::use_session();
    let chosen = RwSignal::new(browser::storage::get(THEME_KEY).unwrap_or_default());
    let choose = move |theme: String| {
        browser::storage::set(THEME_KEY, &theme);
        apply(&theme);
        chosen.set(theme);
    };
    let option =
        move |value: &'static str,
              label: fn(&'static crate::i18n::WorkplaceTexts) -> &'static str| {
            view! {
                <option value=value selected=move || chosen.get() == value>
                    {move || label(session.workplace_texts())}
                </option>
            }
        };
    view! {
        <div class="field">
            <label for="theme">{move || session.workplace_texts().theme}</label>
            <select id="theme" on:change=move |e| choose(event_target_value(&e))>
                {option("", |t| t.theme_system)}
                {option("light", |t| t.theme_light)}
                {option("dark", |t| t.theme_dark)}
            </select>
        </div>
    }
}
