//! What the operator sees of the visitor beside the chat: contact data, where he came from,
//! what he is doing on the site now.

use leptos::prelude::*;
use protocol::SystemEvent;

/// Contact data, department, call-back request and the site's custom data, beside the chat.
#[component]
pub(super) fn VisitorCard() -> impl IntoView {
    let session = crate::state::use_session();
    let chat = crate::state::use_chat();
    let row = move |label: fn(&'static crate::i18n::Texts) -> &'static str,
                    value: Option<String>| {
        value.map(|v| view! { <dt>{move || label(session.texts())}</dt><dd>{v}</dd> })
    };
    view! {
        <section class="card" id="visitor-card" aria-labelledby="card-title">
            <div class="card-head">
                <h3 id="card-title">{move || session.texts().card}</h3>
                <button type="button" class="icon-button" on:click=move |_| chat.card_open.set(false)>
                    {super::super::icons::svg_icon(super::super::icons::BACK)}
                    <span class="sr">{move || session.workplace_texts().hide_details}</span>
                </button>
            </div>
            {move || {
                let s = chat.state.get();
                let empty = s.contact.is_empty()
                    && s.department.is_none()
                    && s.callback.is_none()
                    && s.verified_user.is_none();
                let photo = s.photo.clone().map(|file| {
                    let name = s.contact.name.clone().unwrap_or_default();
                    view! { <Photo file name/> }
                });
                view! {
                    {photo}
                    <dl>
                        {row(|t| t.verified_user, s.verified_user.clone().map(|u| format!("✓ {u}")))}
                        {row(|t| t.name, s.contact.name.clone())}
                        {row(|t| t.email, s.contact.email.clone())}
                        {row(|t| t.phone, s.contact.phone.clone())}
                        {s.contact.custom.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                        {row(|t| t.department, s.department.clone())}
                        {row(|t| t.callback, s.callback.clone())}
                        {s.consent.clone().map(|c| {
                            let when = super::super::date_time(c.at, session.locale.get());
                            view! {
                                <dt>{move || session.texts().consent_given}</dt>
                                <dd class="consent">
                                    "✓ " {when} " — «" {c.text} "» "
                                    // A /path is the host site's, not the console's: shown as text.
                                    {if c.policy_url.starts_with("https://") {
                                        view! { <a href=c.policy_url target="_blank" rel="noopener noreferrer">{move || session.texts().consent_policy_link}</a> }.into_any()
                                    } else {
                                        view! { <span>{c.policy_url}</span> }.into_any()
                                    }}
                                </dd>
                            }
                        })}
                        {s.auto_answer.clone().map(|given| {
                            use protocol::answers::AutoOutcome;
                            let outcome = move || {
                                let t = session.answer_texts();
                                match given.outcome {
                                    AutoOutcome::Offered => t.offered,
                                    AutoOutcome::Helpful => t.helped,
                                    AutoOutcome::HandedOver => t.handed,
                                }
                            };
                            view! {
                                <dt>{move || session.answer_texts().card}</dt>
                                <dd class="auto-answer">"«" {given.question} "» — " {outcome}</dd>
                            }
                        })}
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
                        // Shown as words (a search phrase in Cyrillic), kept as sent.
                        let present = |v: &String| {
                            (!v.is_empty()).then(|| protocol::triggers::percent_decoded(v))
                        };
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
            <super::tags::ChatTags/>
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

/// The visitor's picture from his channel (a file of the conversation, fetched with the
/// session's token like every file).
#[component]
fn Photo(file: protocol::Attachment, name: String) -> impl IntoView {
    let session = crate::state::use_session();
    let chat = crate::state::use_chat();
    let src = RwSignal::new(None::<String>);
    let url = chat.file_url(&file);
    let auth = format!("Bearer {}", session.token());
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(object) =
            browser::http::fetch_blob_url(&url, &[("Authorization", auth.as_str())]).await
        {
            src.set(Some(object));
        }
    });
    let alt = move || format!("{} {name}", session.workplace_texts().photo_of);
    view! { <img class="visitor-photo" src=move || src.get() alt=alt width="64" height="64"/> }
}
