//! The ban list: who was banned, by whom and when; owners and admins lift bans.

use leptos::prelude::*;
use protocol::Ban;

#[component]
pub(super) fn Bans() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let bans = RwSignal::new(Vec::<Ban>::new());
    let error = RwSignal::new(None::<String>);
    session.call_then("GET", "/bans".into(), None, error, move |body| {
        bans.set(serde_json::from_str(&body).unwrap_or_default())
    });
    let unban = move |id: u64| {
        session.call_then("DELETE", format!("/bans/{id}"), None, error, move |_| {
            bans.update(|b| b.retain(|x| x.id != id))
        })
    };
    view! {
        <section class="section" aria-labelledby="bans-title">
            <h3 id="bans-title">{move || texts().ban_list}</h3>
            <p class="error" role="alert">{move || error.get()}</p>
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
                        <For each=move || bans.get() key=|b| b.id let:ban>
                            {
                                let who = ban.visitor.as_ref().map(|v| super::super::visitor_label(session, v)).unwrap_or_default();
                                let label = format!("{who} {}", ban.ip.clone().unwrap_or_default());
                                view! {
                                    <tr>
                                        <td>{who.clone()}</td>
                                        <td>{ban.ip.clone().unwrap_or_default()}</td>
                                        <td>{ban.by.clone()}</td>
                                        <td>{super::super::date_time(ban.at)}</td>
                                        <td>
                                            <super::super::RowAction verb=|t| t.unban subject=label
                                                on_press=move || unban(ban.id)/>
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
