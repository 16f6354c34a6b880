//! The ban list: who was banned, by whom and when; owners and admins ban an address or range
//! by hand and lift bans — a visitor's and his address's each on its own.

use leptos::prelude::*;
use protocol::Ban;

#[component]
pub(super) fn Bans() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let bans = RwSignal::new(Vec::<Ban>::new());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        session.call_then("GET", "/bans".into(), None, error, move |body| {
            bans.set(serde_json::from_str(&body).unwrap_or_default())
        })
    };
    reload();
    let lift = move |id: u64, part: &'static str| {
        let path = format!("/bans/{id}?part={part}");
        session.call_then("DELETE", path, None, error, move |_| reload())
    };
    let address = RwSignal::new(String::new());
    let add = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let ban = protocol::bans::NewBan {
            ip: address.get_untracked(),
        };
        let Ok(body) = serde_json::to_string(&ban) else {
            return;
        };
        session.call_then("POST", "/bans".into(), Some(body), error, move |_| {
            address.set(String::new());
            reload();
        });
    };
    view! {
        <section class="section" aria-labelledby="bans-title">
            <h3 id="bans-title">{move || texts().ban_list}</h3>
            <p class="error" role="alert">{move || error.get()}</p>
            <form on:submit=add>
                <div class="field">
                    <label for="ban-ip">{move || texts().ban_ip_label}</label>
                    <input id="ban-ip" type="text" required autocomplete="off" bind:value=address/>
                </div>
                <button type="submit">{move || texts().ban_ip}</button>
            </form>
            <Show when=move || !bans.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || texts().no_bans}</p> }>
                <table>
                    <thead><tr>
                        <th scope="col">{move || texts().visitor}</th>
                        <th scope="col">"IP"</th>
                        <th scope="col">{move || texts().banned_by}</th>
                        <th scope="col">{move || texts().banned_at}</th>
                        <th scope="col"><span class="sr">{move || texts().actions}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || bans.get() key=|b| (b.id, b.visitor.is_some(), b.ip.is_some()) let:ban>
                            {
                                let who = ban.visitor.as_ref().map(|v| super::super::visitor_label(session, v)).unwrap_or_default();
                                let label = format!("{who} {}", ban.ip.clone().unwrap_or_default());
                                view! {
                                    <tr>
                                        <td>{who.clone()}</td>
                                        <td>{ban.ip.clone().unwrap_or_default()}</td>
                                        <td>{ban.by.clone()}</td>
                                        <td>{move || super::super::date_time(ban.at, session.locale.get())}</td>
                                        <td>
                                            {if ban.visitor.is_some() && ban.ip.is_some() {
                                                view! {
                                                    <super::super::RowAction verb=|t| t.lift_visitor_ban subject=label.clone()
                                                        on_press=move || lift(ban.id, "visitor")/>
                                                    " "
                                                    <super::super::RowAction verb=|t| t.lift_ip_ban subject=label
                                                        on_press=move || lift(ban.id, "ip")/>
                                                }.into_any()
                                            } else {
                                                view! {
                                                    <super::super::RowAction verb=|t| t.unban subject=label
                                                        on_press=move || lift(ban.id, "all")/>
                                                }.into_any()
                                            }}
                                        </td>
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
