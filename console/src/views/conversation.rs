use super::{clock, visitor_label};
use leptos::html;
use leptos::prelude::*;
use protocol::words::{self, Reader};
use protocol::{Author, ChatMessage, Status, SystemEvent};

#[component]
pub fn ConversationPanel() -> impl IntoView {
    let session = crate::state::use_session();
    let chat = crate::state::use_chat();
    view! {
        <main class="chat">
            <Show
                when=move || chat.selected.with(Option::is_some)
                fallback=move || view! { <p class="placeholder">{move || session.texts().pick_conversation}</p> }
            >
                <OpenConversation/>
            </Show>
        </main>
    }
}

#[component]
fn OpenConversation() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let inbox = crate::state::use_inbox();
    let chat = crate::state::use_chat();
    let draft = RwSignal::new(String::new());
    let log: NodeRef<html::Ol> = NodeRef::new();
    Effect::new(move |_| {
        chat.timeline()
            .with(|t| t.messages().len() + t.pending().len());
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });
    let summary = move || {
        chat.selected.get().and_then(|id| {
            inbox
                .list
                .with(|i| i.get(&id).cloned())
                .or_else(|| chat.from_history.get().filter(|s| s.id == id))
        })
    };
    let title = move || {
        summary()
            .map(|s| visitor_label(session, &s.visitor))
            .unwrap_or_else(|| session.texts().visitor.to_owned())
    };
    let subtitle = move || {
        let t = session.texts();
        let started = summary()
            .map(|s| format!("{} {}", t.started, clock(s.started_at)))
            .unwrap_or_default();
        let link = if chat.connected.get() {
            t.live
        } else {
            t.reconnecting
        };
        format!("{started} · {link}")
    };
    let note_mode = RwSignal::new(false);
    let submit = move || {
        let typed = draft.get_untracked();
        let sent = if note_mode.get_untracked() {
            chat.note(&typed)
        } else {
            chat.reply(&typed)
        };
        if sent {
            draft.set(String::new());
        }
    };

    view! {
            <header class="chat-head">
                <div>
                    <h2 id="chat-title">{title}</h2>
                    <p>{subtitle}</p>
                </div>
    <div class="chat-actions">
                <button type="button" class="secondary"
                    disabled=move || chat.state.with(|s| s.status == Status::Closed)
                    on:click=move |_| chat.close_conversation()>
                    {move || session.texts().close_chat}
                </button>
                <button type="button" class="secondary"
                    disabled=move || chat.state.with(|s| s.spam)
                    on:click=move |_| chat.mark_spam()>
                    {move || session.texts().spam}
                </button>
                <button type="button" class="secondary" on:click=move |_| chat.ban()>
                    {move || session.texts().ban}
                </button>
    </div>
            </header>
            <super::assignment::Assignment/>
            <VisitorCard/>
            // A long conversation arrives with its newest messages; older ones on request.
            {move || chat.earliest_seq().filter(|seq| *seq > 1).map(|_| view! {
                <button type="button" class="secondary earlier" on:click=move |_| chat.load_earlier()>
                    {move || session.texts().load_earlier}
                </button>
            })}
            <ol class="log" node_ref=log aria-live="polite" aria-relevant="additions"
                aria-label=move || session.texts().messages tabindex="0">
                <For
                    each=move || chat.timeline().with(|t| t.messages().to_vec())
                    key=|m| (m.seq, m.edited_at, m.deleted)
                    let:message
                >
                    <Message message/>
                </For>
                <For
                    each=move || chat.timeline().with(|t| t.pending().to_vec())
                    key=|p| p.client_id.clone()
                    let:pending
                >
                    <li class="msg mine">
                        <p>{pending.text}</p>
                        <span class="state">{move || session.texts().sending}</span>
                    </li>
                </For>
            </ol>
            <p class="typing" aria-live="polite">
                {move || chat.visitor_typing.get().then(|| session.texts().typing)}
            </p>
            <Show when=move || chat.notice.with(Option::is_some)>
                <p class="notice" role="alert">{move || chat.notice.get()}</p>
            </Show>
            <Show when=move || draft.with(|d| d.starts_with('/'))>
                <CannedList draft/>
            </Show>
            <p id="reply-hint" class="sr">{move || session.texts().canned_hint}</p>
            <form class="composer" on:submit=move |e: leptos::ev::SubmitEvent| {
                e.prevent_default();
                submit();
            }>
                <label class="attach secondary">
                    {move || session.texts().attach}
                    <input type="file" class="sr"
                        accept=protocol::files::ALLOWED_TYPES.join(",")
                        on:change=move |e| {
                            use wasm_bindgen::JsCast;
                            let input = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                            if let Some(input) = input {
                                if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                    chat.send_file(file);
                                }
                                input.set_value("");
                            }
                        }/>
                </label>
                <label for="reply" class="sr">{move || session.texts().reply_label}</label>
                <textarea
                    id="reply"
                    rows="2"
                    maxlength=protocol::limits::MAX_MESSAGE_CHARS.to_string()
                    placeholder=move || session.texts().reply_placeholder
                    bind:value=draft
                    on:input=move |_| chat.typing()
                    aria-describedby="reply-hint"
                    on:keydown=move |e: web_sys::KeyboardEvent| {
                        let canned = draft.with_untracked(|d| d.starts_with('/'));
                        if canned && (e.key() == "Enter" || e.key() == "Tab") {
                            // "/words" + Enter: the best matching canned reply replaces the draft.
                            e.prevent_default();
                            if let Some(text) = first_canned(site, &draft.get_untracked()) {
                                draft.set(text);
                            }
                        } else if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                            e.prevent_default();
                            submit();
                        }
                    }
                ></textarea>
                <label class="check note-toggle">
                    <input type="checkbox" bind:checked=note_mode/>
                    " " {move || session.texts().private_note}
                </label>
                <button type="submit" class="primary">
                    {move || if note_mode.get() { session.texts().add_note } else { session.texts().send }}
                </button>
            </form>
        }
}

fn canned_matches(site: crate::state::Site, typed: &str) -> Vec<protocol::canned::CannedReply> {
    let query = typed.trim_start_matches('/');
    site.settings.with(|s| {
        s.as_ref()
            .map(|s| {
                protocol::canned::search(&s.canned_replies, query)
                    .into_iter()
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    })
}

fn first_canned(site: crate::state::Site, typed: &str) -> Option<String> {
    canned_matches(site, typed)
        .into_iter()
        .next()
        .map(|r| r.text)
}

/// Canned replies matching what follows "/" in the reply box; a click (or Enter on one) puts
/// its text in the box.
#[component]
fn CannedList(draft: RwSignal<String>) -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    view! {
        <section class="canned" aria-labelledby="canned-title">
            <h3 id="canned-title" class="sr">{move || session.texts().canned_replies}</h3>
            <ul>
                <For
                    each=move || canned_matches(site, &draft.get())
                    key=|r| r.id.clone()
                    let:reply
                >
                    {
                        let text = reply.text.clone();
                        view! {
                            <li>
                                <button type="button" class="canned-item" on:click=move |_| draft.set(text.clone())>
                                    <strong>{reply.title.clone()}</strong>
                                    " — "
                                    <span>{reply.text.clone()}</span>
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}

/// Contact data, department, call-back request and the site's custom data, beside the chat.
#[component]
fn VisitorCard() -> impl IntoView {
    let session = crate::state::use_session();
    let chat = crate::state::use_chat();
    let row = move |label: fn(&'static crate::i18n::Texts) -> &'static str,
                    value: Option<String>| {
        value.map(|v| view! { <dt>{move || label(session.texts())}</dt><dd>{v}</dd> })
    };
    view! {
        <section class="card" aria-labelledby="card-title">
            <h3 id="card-title">{move || session.texts().card}</h3>
            {move || {
                let s = chat.state.get();
                let empty = s.contact.is_empty()
                    && s.department.is_none()
                    && s.callback.is_none()
                    && s.verified_user.is_none();
                view! {
                    <dl>
                        {row(|t| t.verified_user, s.verified_user.clone().map(|u| format!("✓ {u}")))}
                        {row(|t| t.name, s.contact.name.clone())}
                        {row(|t| t.email, s.contact.email.clone())}
                        {row(|t| t.phone, s.contact.phone.clone())}
                        {s.contact.custom.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                        {row(|t| t.department, s.department.clone())}
                        {row(|t| t.callback, s.callback.clone())}
                    </dl>
                    {empty.then(|| view! { <p class="muted">{move || session.texts().no_contact}</p> })}
                    <VisitorNow/>
                    {s.source.clone().map(|source| {
                        let utm = &source.utm;
                        let tags = [("source", &utm.source), ("medium", &utm.medium), ("campaign", &utm.campaign), ("term", &utm.term), ("content", &utm.content)]
                            .iter()
                            .filter_map(|(k, v)| v.as_ref().map(|v| format!("utm_{k}={v}")))
                            .collect::<Vec<_>>();
                        let tags = (!tags.is_empty()).then(|| tags.join(", "));
                        let present = |v: &String| (!v.is_empty()).then(|| v.clone());
                        view! {
                            <h4>{move || session.texts().visit_source}</h4>
                            <dl class="source">
                                {row(|t| t.utm_tags, tags)}
                                {row(|t| t.landing_page, present(&source.landing))}
                                {row(|t| t.referrer, present(&source.referrer))}
                            </dl>
                        }
                    })}
                    {(!s.custom_data.is_empty()).then(|| view! {
                        <h4>{move || session.texts().custom_data}</h4>
                        <dl>
                            {s.custom_data.iter().map(|item| {
                                let content = item.content.clone();
                                let value = match item.link.clone() {
                                    Some(link) => view! { <a href=link target="_blank" rel="noopener noreferrer">{content}</a> }.into_any(),
                                    None => view! { <span>{content}</span> }.into_any(),
                                };
                                view! { <dt>{item.title.clone()}</dt><dd>{value}</dd> }
                            }).collect_view()}
                        </dl>
                    })}
                }
            }}
        </section>
    }
}

/// Where the visitor is now (when he is on the site) and how many earlier chats this
/// conversation holds (each ended chat before the current one).
#[component]
fn VisitorNow() -> impl IntoView {
    let session = crate::state::use_session();
    let inbox = crate::state::use_inbox();
    let chat = crate::state::use_chat();
    let live = move || {
        let selected = chat.selected.get()?;
        inbox.visitors.with(|l| {
            l.visitors()
                .iter()
                .find(|v| v.conversation.as_ref() == Some(&selected))
                .cloned()
        })
    };
    let earlier = move || {
        chat.timeline().with(|t| {
            t.messages()
                .iter()
                .filter(|m| {
                    matches!(
                        m.event,
                        Some(SystemEvent::ClosedByOperator { .. } | SystemEvent::EndedByVisitor)
                    )
                })
                .count()
        })
    };
    view! {
        <dl>
            {move || live().map(|v| {
                let place = [v.geo.city.clone(), v.geo.country.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
                let page = if v.page.title.is_empty() { v.page.url.clone() } else { v.page.title.clone() };
                view! {
                    <dt>{move || session.texts().on_site_now}</dt>
                    <dd>{page} " · " {format!("{} {}", v.page.pages_viewed, session.texts().pages_viewed.to_lowercase())}</dd>
                    <dt>{move || session.texts().browser_os}</dt>
                    <dd>{format!("{}, {}", v.browser, v.os)}</dd>
                    {(!place.is_empty()).then(|| view! { <dt>{move || session.texts().location}</dt><dd>{place}</dd> })}
                }
            })}
            <Show when=move || { earlier() > 0 }>
                <dt>{move || session.texts().earlier_chats}</dt>
                <dd>{earlier}</dd>
            </Show>
        </dl>
    }
}

#[component]
fn Message(message: ChatMessage) -> impl IntoView {
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
    };
    let system = message.author == Author::System;
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
                if system {
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
    let deleted = message
        .deleted
        .then(|| view! { <p class="muted">{move || session.texts().deleted}</p> });
    let edited = message
        .edited_at
        .is_some()
        .then_some(move || format!(" · {}", session.texts().edited));
    let note = message.note;
    view! {
        <li class=class class:note=note>
            <span class="who">
                {who}
                {note.then(|| view! { " " <span class="badge">{move || session.texts().private_note}</span> })}
            </span>
            {file}
            {text}
            {deleted}
            <time>{clock(message.sent_at)}{edited}</time>
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
        let size = browser::human_size(file.size);
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
