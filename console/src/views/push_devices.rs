//! My account → notifications on my devices: turn Web Push on for this device, see every
//! device that has it, turn any of them off.

use crate::push::{subscribe, SubscribeError};
use leptos::prelude::*;
use protocol::push::{NewPushDevice, PushDevice, PushDevices};

const PATH: &str = "/api/v1/account/push-devices";
/// The id this browser's device got, to mark it in the list.
const THIS_DEVICE: &str = "consultant:console:push-device";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn this_device() -> Option<String> {
    storage().and_then(|s| s.get_item(THIS_DEVICE).ok().flatten())
}

#[component]
pub fn PushDeviceList() -> impl IntoView {
    let session = crate::state::use_session();
    let t = move || session.push_texts();
    let state = RwSignal::new(None::<PushDevices>);
    let status = RwSignal::new(None::<Result<&'static str, String>>);
    let busy = RwSignal::new(false);
    let load = move || {
        wasm_bindgen_futures::spawn_local(async move {
            match session.request("GET", PATH, None).await {
                Ok(body) => state.set(serde_json::from_str(&body).ok()),
                Err(e) => status.set(Some(Err(e))),
            }
        })
    };
    load();
    let turn_on = move |_| {
        let Some(key) = state.with_untracked(|s| s.as_ref().and_then(|s| s.public_key.clone()))
        else {
            return;
        };
        busy.set(true);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match subscribe(&key).await {
                Ok(json) => match serde_json::from_str::<NewPushDevice>(&json) {
                    Ok(mut device) => {
                        device.label = crate::push::this_device_label();
                        let body = serde_json::to_string(&device).unwrap_or_default();
                        match session.request("POST", PATH, Some(&body)).await {
                            Ok(answer) => {
                                if let (Ok(added), Some(s)) =
                                    (serde_json::from_str::<PushDevice>(&answer), storage())
                                {
                                    let _ = s.set_item(THIS_DEVICE, &added.id);
                                }
                                Ok(t().turned_on)
                            }
                            Err(e) => Err(e),
                        }
                    }
                    Err(e) => Err(format!("{} {e}", t().failed)),
                },
                Err(SubscribeError::Unsupported) => Err(t().unsupported.to_owned()),
                Err(SubscribeError::Denied) => Err(t().denied.to_owned()),
                Err(SubscribeError::Failed(why)) => Err(format!("{} {why}", t().failed)),
            };
            busy.set(false);
            status.set(Some(result));
            load();
        });
    };
    let turn_off = move |id: String| {
        wasm_bindgen_futures::spawn_local(async move {
            match session
                .request("DELETE", &format!("{PATH}/{id}"), None)
                .await
            {
                Ok(_) => {
                    status.set(None);
                    load();
                }
                Err(e) => status.set(Some(Err(e))),
            }
        })
    };
    let configured = move || state.with(|s| s.as_ref().is_some_and(|s| s.public_key.is_some()));
    view! {
        <section class="section push-devices" aria-labelledby="push-title">
            <h3 id="push-title">{move || t().title}</h3>
            <p class="hint">{move || t().intro}</p>
            {move || match status.get() {
                Some(Ok(done)) => view! { <p class="notice" role="status">{done}</p> }.into_any(),
                Some(Err(why)) => view! { <p class="error" role="alert">{why}</p> }.into_any(),
                None => ().into_any(),
            }}
            <Show when=move || state.with(Option::is_some)>
                <Show when=configured fallback=move || view! { <p>{move || t().not_configured}</p> }>
                    <Show when=crate::push::supported fallback=move || view! { <p>{move || t().unsupported}</p> }>
                        <button type="button" class="primary" disabled=move || busy.get() on:click=turn_on>
                            {move || if busy.get() { t().turning_on } else { t().turn_on }}
                        </button>
                    </Show>
                </Show>
                <ul class="devices">
                    <For each=move || state.with(|s| s.as_ref().map(|s| s.devices.clone()).unwrap_or_default())
                        key=|d| d.id.clone()
                        let:device>
                        {
                            let mine = this_device().as_deref() == Some(device.id.as_str());
                            let id = device.id.clone();
                            let name = device.label.clone();
                            view! {
                                <li>
                                    <span class="device">
                                        <strong>{device.label.clone()}</strong>
                                        {mine.then(|| view! { " (" {move || t().this_device} ")" })}
                                        <span class="muted">
                                            " · " {device.service.clone()} " · " {move || t().added} " "
                                            {move || super::date_time(device.created_at, session.locale.get())}
                                        </span>
                                    </span>
                                    <button type="button" class="secondary"
                                        aria-label=move || format!("{} {name}", t().turn_off)
                                        on:click=move |_| turn_off(id.clone())>
                                        {move || t().turn_off}
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <Show when=move || state.with(|s| s.as_ref().is_some_and(|s| s.devices.is_empty()))>
                    <p class="muted">{move || t().none_yet}</p>
                </Show>
            </Show>
        </section>
    }
}
