//! Webhooks: the endpoints that hear about chats (added with the events they want, removed),
//! their signing secrets, and the log of recent deliveries with each one's outcome.

use crate::i18n::Texts;
use leptos::prelude::*;
use protocol::webhooks::{NewWebhook, WebhookDelivery, WebhookEndpoint, WebhookEvent};

fn event_label(texts: &'static Texts, event: WebhookEvent) -> &'static str {
    match event {
        WebhookEvent::ChatStarted => texts.event_chat_started,
        WebhookEvent::ChatAccepted => texts.event_chat_accepted,
        WebhookEvent::ChatFinished => texts.event_chat_finished,
        WebhookEvent::OfflineMessage => texts.event_offline_message,
        WebhookEvent::ChatRated => texts.event_chat_rated,
        WebhookEvent::AlertLowRating => texts.event_alert_low_rating,
        WebhookEvent::AlertNobodyOnline => texts.event_alert_nobody_online,
    }
}

/// "Delivered", "HTTP 500 · next try 12:30" or "could not connect · given up".
fn outcome(texts: &'static Texts, locale: protocol::Locale, d: &WebhookDelivery) -> String {
    if d.delivered_at.is_some() {
        return format!("{} ({})", texts.delivered_ok, d.status.unwrap_or_default());
    }
    let error = d.error.clone().unwrap_or_default();
    match d.next_at {
        Some(at) if d.attempts > 0 => {
            format!(
                "{error} · {} {}",
                texts.retry_at,
                super::super::date_time(at, locale)
            )
        }
        Some(_) => String::from("…"),
        None => format!("{error} · {}", texts.given_up),
    }
}

#[component]
pub(super) fn Webhooks() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let endpoints = RwSignal::new(Vec::<WebhookEndpoint>::new());
    let log = RwSignal::new(Vec::<WebhookDelivery>::new());
    let error = RwSignal::new(None::<String>);
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(WebhookEvent::ALL.to_vec());
    let load = move || {
        wasm_bindgen_futures::spawn_local(async move {
            let listed = session.call("GET", "/webhooks", None).await;
            let delivered = session.call("GET", "/webhooks/deliveries", None).await;
            match (listed, delivered) {
                (Ok(a), Ok(b)) => {
                    endpoints.set(serde_json::from_str(&a).unwrap_or_default());
                    log.set(serde_json::from_str(&b).unwrap_or_default());
                }
                (Err(e), _) | (_, Err(e)) => error.set(Some(e)),
            }
        })
    };
    load();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewWebhook {
            url: url.get_untracked().trim().to_owned(),
            events: chosen.get_untracked(),
        };
        let Ok(body) = serde_json::to_string(&new) else {
            return;
        };
        session.call_then("POST", "/webhooks".into(), Some(body), error, move |_| {
            url.set(String::new());
            load();
        })
    };
    let remove = move |id: String| {
        session.call_then(
            "DELETE",
            format!("/webhooks/{id}"),
            None,
            error,
            move |_| load(),
        )
    };
    view! {
        <section class="section webhooks" aria-labelledby="webhooks-title">
            <h3 id="webhooks-title">{move || texts().webhooks}</h3>
            <p class="muted">{move || texts().webhooks_hint}</p>
            <p class="error" role="alert">{move || error.get()}</p>
            <Show when=move || !endpoints.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || texts().no_webhooks}</p> }>
                <ul class="plain">
                    <For each=move || endpoints.get() key=|e| e.id.clone() let:endpoint>
                        {
                            let id = endpoint.id.clone();
                            let secret_id = format!("secret-{}", endpoint.id);
                            let secret_for = secret_id.clone();
                            let events = endpoint.events.clone();
                            let target = endpoint.url.clone();
                            view! {
                                <li class="webhook">
                                    <p><strong class="code">{endpoint.url.clone()}</strong></p>
                                    <p class="muted">{move || events.iter().map(|e| event_label(texts(), *e)).collect::<Vec<_>>().join(", ")}</p>
                                    <div class="field">
                                        <label for=secret_for>{move || texts().webhook_secret}</label>
                                        <input id=secret_id class="code" type="text" readonly prop:value=endpoint.secret.clone()/>
                                    </div>
                                    <super::super::RowAction verb=|t| t.webhook_remove subject=target
                                        on_press=move || remove(id.clone())/>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
            <form on:submit=add>
                <div class="field">
                    <label for="webhook-url">{move || texts().webhook_url}</label>
                    <input id="webhook-url" type="url" required placeholder="https://crm.example/hooks/chat"
                        prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                </div>
                <fieldset>
                    <legend>{move || texts().webhook_events}</legend>
                    {WebhookEvent::ALL.into_iter().map(|event| {
                        let id = format!("webhook-event-{}", event.name().replace('.', "-"));
                        let for_id = id.clone();
                        view! {
                            <label class="check" for=for_id>
                                <input id=id type="checkbox"
                                    prop:checked=move || chosen.with(|c| c.contains(&event))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|e| *e != event);
                                            if on { c.push(event); c.sort(); }
                                        });
                                    }/>
                                {move || event_label(texts(), event)}
                                " " <code>{event.name()}</code>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit">{move || texts().webhook_add}</button>
            </form>
            <h4>{move || texts().webhook_log}</h4>
            <button type="button" class="secondary" on:click=move |_| load()>{move || texts().refresh}</button>
            <Show when=move || !log.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || texts().no_deliveries}</p> }>
                <table class="deliveries">
                    <thead><tr>
                        <th scope="col">{move || texts().delivery_time}</th>
                        <th scope="col">{move || texts().delivery_event}</th>
                        <th scope="col">"URL"</th>
                        <th scope="col">{move || texts().delivery_attempts}</th>
                        <th scope="col">{move || texts().delivery_result}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || log.get() key=|d| (d.id.clone(), d.attempts, d.delivered_at) let:delivery>
                            {
                                let event = delivery.event;
                                let result = delivery.clone();
                                view! {
                                    <tr>
                                        <td>{move || super::super::date_time(delivery.created_at, session.locale.get())}</td>
                                        <td>{move || event_label(texts(), event)}</td>
                                        <td class="code">{delivery.url.clone()}</td>
                                        <td>{delivery.attempts}</td>
                                        <td>{move || outcome(texts(), session.locale.get(), &result)}</td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
