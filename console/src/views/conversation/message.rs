//! One entry of the chat's log: a message (with its file, edits, deletion, own actions) or an
//! event of the chat's course.

use super::super::clock;
use leptos::prelude::*;
use protocol::words::{self, Reader};
use protocol::{Author, ChatMessage};

#[component]
pub(super) fn Message(message: ChatMessage) -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let chat = crate::state::use_chat();
    if let Some(event) = message.event.clone() {
        let text = move || words::system_event(&event, session.locale.get(), Reader::Operator);
        return view! { <li class="msg system"><p>{text}</p><time>{clock(message.sent_at)}</time></li> }.into_any();
    }
    let (class, who) = match &message.author {
        Author::Visitor => ("msg visitor", None),
        Author::Operator { name, id } => ("msg operator", Some((name.clone(), id.clone()))),
        Author::System => ("msg system", None),
        Author::Bot => ("msg operator bot", None),
    };
    let system = message.author == Author::System;
    let bot = message.author == Author::Bot;
    let who = move || {
        who.clone()
            .map(|(name, id)| {
                // History keeps the chats of removed operators, marked as such.
                if site.is_removed(&id) {
                    format!("{name} {}", session.texts().removed_mark)
                } else {
                    name
                }
            })
            .unwrap_or_else(|| {
                if bot {
                    words::bot_name(session.locale.get())
                } else if system {
                    session.texts().auto_reply
                } else {
                    session.texts().visitor
                }
                .to_owned()
            })
    };
    let file = message
        .attachment
        .clone()
        .map(|file| view! { <FileLink file/> });
    let seq = message.seq;
    let mine = matches!(&message.author, Author::Operator { id, .. } if Some(id) == session.me().as_ref())
        && !message.deleted;
    let editing = RwSignal::new(false);
    let edit_text = RwSignal::new(message.text.clone());
    let original = message.text.clone();
    let text = move || {
        if editing.get() {
            view! {
                <form class="edit" on:submit=move |e: leptos::ev::SubmitEvent| {
                    e.prevent_default();
                    if chat.edit(seq, &edit_text.get_untracked()) {
                        editing.set(false);
                    }
                }>
                    <label class="sr" for=format!("edit-{seq}")>{move || session.texts().edit}</label>
                    <textarea id=format!("edit-{seq}") rows="2" bind:value=edit_text></textarea>
                    <button type="submit" class="secondary">{move || session.texts().save}</button>
                    <button type="button" class="secondary" on:click=move |_| editing.set(false)>
                        {move || session.texts().cancel}
                    </button>
                </form>
            }
            .into_any()
        } else if original.is_empty() {
            ().into_any()
        } else {
            view! { <p>{original.clone()}</p> }.into_any()
        }
    };
    let note = message.note;
    view! {
        <li class=class class:note=note>
            <span class="who">
                {who}
                {note.then(|| view! { " " <span class="badge">{move || session.texts().private_note}</span> })}
            </span>
            {file}
            {text}
            {message.deleted.then(|| view! { <p class="muted">{move || session.texts().deleted}</p> })}
            <time>
                {clock(message.sent_at)}
                {message.edited_at.map(|_| move || format!(" · {}", session.texts().edited))}
                {message.via.map(|via| move || {
                    let how = match via {
                        protocol::Channel::Email => session.texts().by_email,
                        protocol::Channel::Telegram => session.texts().by_telegram,
                    };
                    format!(" · {how}")
                })}
            </time>
            {mine.then(|| view! {
                <span class="own-actions">
                    <button type="button" class="link" on:click=move |_| editing.set(true)>{move || session.texts().edit}</button>
                    <button type="button" class="link" on:click=move |_| chat.delete(seq)>{move || session.texts().delete}</button>
                </span>
            })}
        </li>
    }
    .into_any()
}

/// A file of the chat. The session token goes in the `Authorization` header, never in a URL:
/// an image is fetched into an object URL to show; another file when it is clicked.
#[component]
fn FileLink(file: protocol::Attachment) -> impl IntoView {
    let session = crate::state::use_session();
    let chat = crate::state::use_chat();
    let url = chat.file_url(&file);
    let auth = format!("Bearer {}", session.token());
    let name = file.name.clone();
    if file.is_image() {
        let src = RwSignal::new(None::<String>);
        let (url, auth) = (url.clone(), auth.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(object) =
                browser::http::fetch_blob_url(&url, &[("Authorization", auth.as_str())]).await
            {
                src.set(Some(object));
            }
        });
        let open = move |e: leptos::ev::MouseEvent| {
            e.prevent_default();
            if let (Some(object), Some(window)) = (src.get_untracked(), web_sys::window()) {
                let _ = window.open_with_url_and_target(&object, "_blank");
            }
        };
        view! {
            <a class="file" href="#" on:click=open>
                <img class="thumb" src=move || src.get() alt=name/>
            </a>
        }
        .into_any()
    } else {
        let size = move || protocol::units::size(file.size, session.locale.get());
        let download = {
            let name = name.clone();
            move |e: leptos::ev::MouseEvent| {
                e.prevent_default();
                let (url, auth, name) = (url.clone(), auth.clone(), name.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(object) =
                        browser::http::fetch_blob_url(&url, &[("Authorization", auth.as_str())])
                            .await
                    else {
                        return;
                    };
                    save_as(&object, &name);
                });
            }
        };
        view! {
            <a class="file" href="#" on:click=download>
                "📎 " {name.clone()} " (" {size} ")"
            </a>
        }
        .into_any()
    }
}

/// Starts the browser's download of an object URL under `name`.
fn save_as(object: &str, name: &str) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(link) = document.create_element("a") else {
        return;
    };
    let _ = link.set_attribute("href", object);
    let _ = link.set_attribute("download", name);
    if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
        link.click();
    }
}
