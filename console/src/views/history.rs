//! History: every conversation, searched by text and filtered by operator, dates, rating,
//! department and tag; a result opens beside the list with its full transcript and system events.

use super::{date_time, visitor_label};
use leptos::prelude::*;
use protocol::history::HistoryPage;
use protocol::ConversationSummary;

/// Local midnight of a `yyyy-mm-dd` date input, in ms; `days_later` shifts it.
fn local_midnight(date: &str, days_later: i32) -> Option<u64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    let date = js_sys::Date::new_with_year_month_day(year as u32, month - 1, day + days_later);
    let ms = date.get_time();
    (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}

fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

#[component]
pub fn History() -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let texts = move || session.texts();
    let (text, operator, from, to, rating, department, tag) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let results = RwSignal::new(Vec::<ConversationSummary>::new());
    let next_before = RwSignal::new(None::<u64>);
    let searched = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let search = move |before: Option<u64>| {
        let mut query = vec![
            ("text", text.get_untracked()),
            ("operator", operator.get_untracked()),
            ("rating", rating.get_untracked()),
            ("department", department.get_untracked()),
            ("tag", tag.get_untracked()),
        ];
        if let Some(ms) = local_midnight(&from.get_untracked(), 0) {
            query.push(("from", ms.to_string()));
        }
        // "To" is inclusive: up to the end of that day.
        if let Some(ms) = local_midnight(&to.get_untracked(), 1) {
            query.push(("to", ms.to_string()));
        }
        if let Some(before) = before {
            query.push(("before", before.to_string()));
        }
        let query: Vec<String> = query
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect();
        let path = format!("/history?{}", query.join("&"));
        wasm_bindgen_futures::spawn_local(async move {
            match session.call("GET", &path, None).await {
                Ok(body) => {
                    let page: HistoryPage = serde_json::from_str(&body).unwrap_or_default();
                    error.set(None);
                    searched.set(true);
                    next_before.set(page.next_before);
                    if before.is_some() {
                        results.update(|r| r.extend(page.conversations));
                    } else {
                        results.set(page.conversations);
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    search(None);
    let operators = move || site.roster.get();
    let departments = move || {
        site.settings
            .with(|s| s.as_ref().map(|s| s.departments.clone()))
            .unwrap_or_default()
    };
    let site_tags = move || {
        site.settings
            .with(|s| s.as_ref().map(|s| s.tags.list.clone()))
            .unwrap_or_default()
    };
    view! {
        <nav class="inbox history" aria-labelledby="history-title">
            <h2 id="history-title">{move || texts().history}</h2>
            <form class="filters" role="search" on:submit=move |e| { e.prevent_default(); search(None) }>
                <div class="field">
                    <label for="history-text">{move || texts().search_words}</label>
                    <input id="history-text" type="search" bind:value=text/>
                </div>
                <Show when=move || session.is_admin()>
                    <div class="field">
                        <label for="history-operator">{move || texts().operator}</label>
                        <select id="history-operator" on:change=move |e| operator.set(event_target_value(&e))>
                            <option value="">{move || texts().anyone}</option>
                            <For each=operators key=|o| o.id.clone() let:o>
                                <option value=o.id.to_string()>
                                    {o.name.clone()} " " {move || if o.removed { texts().removed_mark } else { "" }}
                                </option>
                            </For>
                        </select>
                    </div>
                </Show>
                <div class="dates">
                    <div class="field">
                        <label for="history-from">{move || texts().date_from}</label>
                        <input id="history-from" type="date" bind:value=from/>
                    </div>
                    <div class="field">
                        <label for="history-to">{move || texts().date_to}</label>
                        <input id="history-to" type="date" bind:value=to/>
                    </div>
                </div>
                <div class="field">
                    <label for="history-rating">{move || texts().rating}</label>
                    <select id="history-rating" on:change=move |e| rating.set(event_target_value(&e))>
                        <option value="">{move || texts().any_rating}</option>
                        <option value="good">{move || texts().rating_good}</option>
                        <option value="poor">{move || texts().rating_poor}</option>
                        <option value="unrated">{move || texts().rating_none}</option>
                    </select>
                </div>
                <Show when=move || !departments().is_empty()>
                    <div class="field">
                        <label for="history-department">{move || texts().department}</label>
                        <select id="history-department" on:change=move |e| department.set(event_target_value(&e))>
                            <option value="">{move || texts().all_departments}</option>
                            {move || departments().into_iter().map(|d| view! {
                                <option value=d.id.clone()>{d.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </Show>
                <div class="field">
                    <label for="history-tag">{move || session.tag_texts().tag}</label>
                    <input id="history-tag" list="history-tags" autocomplete="off"
                        placeholder=move || session.tag_texts().any_tag bind:value=tag/>
                    <datalist id="history-tags">
                        {move || site_tags().into_iter().map(|t| view! { <option value=t/> }).collect_view()}
                    </datalist>
                </div>
                <button type="submit" class="primary">{move || texts().search}</button>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
            <p class="sr" role="status">
                {move || searched.get().then(|| format!("{}: {}", texts().found, results.with(Vec::len)))}
            </p>
            <Show when=move || searched.get() && results.with(Vec::is_empty)>
                <p class="empty">{move || texts().nothing_found}</p>
            </Show>
            <ul>
                <For each=move || results.get() key=|c| c.id.clone() let:summary>
                    <li><Result summary/></li>
                </For>
            </ul>
            <Show when=move || next_before.with(Option::is_some)>
                <button type="button" class="secondary more" on:click=move |_| search(next_before.get_untracked())>
                    {move || texts().load_more}
                </button>
            </Show>
        </nav>
    }
}

#[component]
fn Result(summary: ConversationSummary) -> impl IntoView {
    let session = crate::state::use_session();
    let site = crate::state::use_site();
    let chat = crate::state::use_chat();
    let texts = move || session.texts();
    let id = summary.id.clone();
    let current = {
        let id = id.clone();
        move || chat.selected.with(|s| s.as_ref() == Some(&id)).to_string()
    };
    let name = summary
        .state
        .contact
        .name
        .clone()
        .unwrap_or_else(|| visitor_label(session, &summary.visitor));
    let rating = summary.state.rating.as_ref().map(|r| {
        let good = r.scale.is_positive(r.score);
        let (score, max) = (r.score, r.scale.max());
        move || {
            let word = if good {
                texts().rating_good
            } else {
                texts().rating_poor
            };
            format!("{word} {score}/{max}")
        }
    });
    let comment = summary
        .state
        .rating
        .as_ref()
        .and_then(|r| r.comment.clone());
    let operator = summary.state.assignee.clone().map(|a| {
        let removed = site.is_removed(&a.id);
        move || {
            let mark = if removed { texts().removed_mark } else { "" };
            format!("{} {mark}", a.name).trim_end().to_owned()
        }
    });
    let tags = (!summary.state.tags.is_empty()).then(|| summary.state.tags.join(", "));
    let opened = summary.clone();
    view! {
        <button type="button" class="conv" aria-current=current
            on:click=move |_| {
                chat.from_history.set(Some(opened.clone()));
                chat.select(id.clone());
            }>
            <span class="line">
                <span class="name">{name}</span>
                <time>{move || date_time(summary.started_at, session.locale.get())}</time>
            </span>
            <span class="preview">{summary.last_preview.clone()}</span>
            <span class="assignee">
                {operator}
                {rating.map(|r| view! { " · " <span class="badge muted">{r}</span> })}
            </span>
            {comment.map(|c| view! { <span class="preview rating-comment">{move || texts().rating_comment} ": «" {c} "»"</span> })}
            {tags.map(|tags| view! { <span class="preview tags-line">{move || session.tag_texts().tags} ": " {tags}</span> })}
        </button>
    }
}
