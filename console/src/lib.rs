//! The operator console: sign in, see the site's conversations update live, open one, reply.

mod auth;
mod badge;
mod connection;
mod i18n;
mod notify;
mod push;
mod route;
mod shortcuts;
mod state;
mod views;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn start() {
    let app = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .expect("index.html has #app");
    app.set_inner_html("");
    leptos::mount::mount_to(app, views::App).forget();
}
