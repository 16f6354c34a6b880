//! How many chats wait for this operator, shown where he looks when the console is not in
//! front: the tab's title, the favicon and the installed app's badge.

use wasm_bindgen::JsValue;

/// The favicon: a speech bubble, with the count on a red disc when something waits.
fn favicon(count: usize) -> String {
    let bubble = "<path d='M4 6h24v16H13l-7 6v-6H4z' fill='%231a5fd6'/>";
    let disc = match count {
        0 => String::new(),
        n => {
            let text = if n > 9 {
                "9+".to_owned()
            } else {
                n.to_string()
            };
            format!(
                "<circle cx='23' cy='9' r='9' fill='%23cf222e'/><text x='23' y='13' font-size='12' \
                 font-family='sans-serif' font-weight='700' text-anchor='middle' fill='white'>{text}</text>"
            )
        }
    };
    format!("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>{bubble}{disc}</svg>")
}

/// "(3) Operator console · demo" while three chats wait.
pub fn title(count: usize, title: &str) -> String {
    match count {
        0 => title.to_owned(),
        n => format!("({n}) {title}"),
    }
}

pub fn show(count: usize, page_title: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(&title(count, page_title));
    if let Ok(Some(icon)) = document.query_selector("link[rel=icon]") {
        let _ = icon.set_attribute("href", &favicon(count));
    }
    // The app badge exists only where the browser supports it (installed apps in Chromium).
    let navigator: JsValue = web_sys::window()
        .map(|w| w.navigator().into())
        .unwrap_or_default();
    let method = if count == 0 {
        "clearAppBadge"
    } else {
        "setAppBadge"
    };
    if let Ok(f) = js_sys::Reflect::get(&navigator, &method.into()) {
        if let Some(f) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&f) {
            let _ = f.call1(&navigator, &(count as f64).into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_leads_with_what_waits() {
        assert_eq!(title(0, "Console · demo"), "Console · demo");
        assert_eq!(title(3, "Console · demo"), "(3) Console · demo");
    }

    #[test]
    fn the_favicon_shows_the_count_up_to_nine() {
        assert!(!favicon(0).contains("<text"));
        assert!(favicon(4).contains(">4</text>"));
        assert!(favicon(12).contains(">9+</text>"));
    }
}
