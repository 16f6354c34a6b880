//! Reports for owners and admins: a period, the figures of it, SVG bar charts (chats per day
//! and per hour, sources, ratings), the operators' load and efficiency, chats by tag, and a
//! CSV export. The numbers come from the relay (`protocol::reports::aggregate`); this screen
//! only draws them.

use crate::i18n::Texts;
use leptos::prelude::*;
use protocol::reports::{civil_from_days, ChatSource, Report, Timing};

const DAY_MS: f64 = 86_400_000.0;

/// Local midnight of a `YYYY-MM-DD` date input, in ms.
fn local_midnight(date: &str) -> Option<f64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let at = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d).get_time();
    (!at.is_nan()).then_some(at)
}

/// `YYYY-MM-DD` of a moment, in local time.
fn date_input(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    format!(
        "{}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}

fn median(t: &Timing, locale: protocol::Locale) -> String {
    t.median_ms
        .map_or("—".into(), |ms| protocol::units::duration(ms, locale))
}

fn source_label(texts: &'static Texts, source: ChatSource) -> &'static str {
    match source {
        ChatSource::Visitor => texts.source_visitor,
        ChatSource::Invitation => texts.source_invitation,
        ChatSource::Operator => texts.source_operator,
        ChatSource::Campaign => texts.source_campaign,
    }
}

/// A bar chart in SVG, with the same numbers in a table for screen readers.
#[component]
fn Bars(
    id: &'static str,
    title: String,
    /// (label, value, highlighted part of the value, e.g. missed chats)
    bars: Vec<(String, u32, u32)>,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let width = 640.0;
    let height = 160.0;
    let slot = width / bars.len().max(1) as f64;
    let bar = (slot * 0.7).max(1.0);
    // Label every bar when they fit, else every n-th: at most 16 labels, 8 on a phone (the
    // labels are HTML under the chart, so the stretched SVG does not stretch them).
    let every = bars.len().div_ceil(16).max(1);
    let every_narrow = bars.len().div_ceil(8).max(1);
    let count = bars.len().max(1) as f64;
    let ticks = bars
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, (label, _, _))| {
            let class = if i % every_narrow == 0 {
                "tick major"
            } else {
                "tick"
            };
            // Set through the CSSOM (`style:`): the console's CSP refuses style attributes.
            let left = format!("{:.2}%", (i as f64 + 0.5) / count * 100.0);
            view! { <span class=class style:left=left aria-hidden="true">{label.clone()}</span> }
        })
        .collect_view();
    let total: u32 = bars.iter().map(|b| b.1).sum();
    let summary = format!("{title}: {total}");
    view! {
        <figure class="chart" aria-labelledby=format!("{id}-caption")>
            <figcaption id=format!("{id}-caption")>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-label=summary preserveAspectRatio="none">
                {bars.iter().enumerate().map(|(i, (label, value, part))| {
                    let x = i as f64 * slot + (slot - bar) / 2.0;
                    let h = *value as f64 / max * height;
                    let p = *part as f64 / max * height;
                    view! {
                        <g>
                            <title>{format!("{label}: {value}")}</title>
                            <rect x=x y=height - h width=bar height=h class="bar"/>
                            <rect x=x y=height - p width=bar height=p class="bar part"/>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <div class="ticks">{ticks}</div>
            <table class="sr">
                <caption>{title}</caption>
                <tbody>
                    {bars.into_iter().map(|(label, value, part)| view! {
                        <tr><th scope="row">{label}</th><td>{value}</td><td>{part}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

#[component]
pub fn Reports() -> impl IntoView {
    let session = crate::state::use_session();
    let texts = move || session.texts();
    let now = js_sys::Date::now();
    let from = RwSignal::new(date_input(now - 29.0 * DAY_MS));
    let to = RwSignal::new(date_input(now));
    let report = RwSignal::new(None::<Report>);
    let error = RwSignal::new(None::<String>);
    // The period as the relay wants it: from local midnight to the midnight after `to`.
    let query = move || -> Option<String> {
        let start = local_midnight(&from.get_untracked())?;
        let end = local_midnight(&to.get_untracked())? + DAY_MS;
        let tz = -js_sys::Date::new_0().get_timezone_offset() as i32;
        Some(format!("from={}&to={}&tz={tz}", start as u64, end as u64))
    };
    let load = move || {
        let Some(q) = query() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            match session.call("GET", &format!("/reports?{q}"), None).await {
                Ok(body) => match serde_json::from_str(&body) {
                    Ok(r) => {
                        error.set(None);
                        report.set(Some(r));
                    }
                    Err(e) => error.set(Some(e.to_string())),
                },
                Err(e) => error.set(Some(e)),
            }
        })
    };
    load();
    let export = move |_| {
        let Some(q) = query() else { return };
        let name = format!("chats-{}-{}.csv", from.get_untracked(), to.get_untracked());
        wasm_bindgen_futures::spawn_local(async move {
            match session
                .call("GET", &format!("/reports.csv?{q}"), None)
                .await
            {
                Ok(csv) => download(&name, &csv),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    view! {
        <main class="team reports">
            <h2>{move || texts().reports}</h2>
            <form class="period" on:submit=move |ev| { ev.prevent_default(); load(); }>
                <div class="field">
                    <label for="report-from">{move || texts().period_from}</label>
                    <input id="report-from" type="date" prop:value=move || from.get()
                        on:change=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="report-to">{move || texts().period_to}</label>
                    <input id="report-to" type="date" prop:value=move || to.get()
                        on:change=move |ev| to.set(event_target_value(&ev))/>
                </div>
                <button type="submit">{move || texts().show_report}</button>
                " "
                <button type="button" class="secondary" on:click=export>{move || texts().export_csv}</button>
            </form>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || report.get().map(|r| {
                let t = texts();
                let locale = session.locale.get();
                if r.chats == 0 {
                    return view! { <p class="muted" role="status">{t.no_data}</p> }.into_any();
                }
                let days: Vec<(String, u32, u32)> = r.per_day.iter().map(|d| {
                    let (_, m, day) = civil_from_days(d.day);
                    (format!("{day:02}.{m:02}"), d.chats, d.missed)
                }).collect();
                let hours: Vec<(String, u32, u32)> = r.per_hour.iter().enumerate()
                    .map(|(h, n)| (format!("{h}"), *n, 0)).collect();
                let sources: Vec<(String, u32, u32)> = r.sources.iter()
                    .map(|(s, n)| (source_label(t, *s).to_owned(), *n, 0)).collect();
                let ratings = vec![
                    (t.good_ratings.to_owned(), r.ratings.good, 0),
                    (t.poor_ratings.to_owned(), r.ratings.poor, r.ratings.poor),
                ];
                let mean = r.ratings.mean_percent.map(|p| format!("{p} %")).unwrap_or_else(|| "—".into());
                view! {
                    <div role="status"><dl class="figures">
                        <div><dt>{t.chats_total}</dt><dd>{r.chats}</dd></div>
                        <div><dt>{t.missed_chats}</dt><dd>{r.missed}</dd></div>
                        <div><dt>{t.offline_chats}</dt><dd>{r.offline}</dd></div>
                        <div><dt>{t.first_response}</dt><dd>{median(&r.first_response, locale)}</dd></div>
                        <div><dt>{t.chat_duration}</dt><dd>{median(&r.duration, locale)}</dd></div>
                        <div><dt>{t.mean_rating}</dt><dd>{mean}</dd></div>
                    </dl></div>
                    <Bars id="per-day" title=format!("{} ({} — {})", t.chats_per_day, t.chats_total, t.of_them_missed) bars=days/>
                    <Bars id="per-hour" title=t.chats_per_hour.to_owned() bars=hours/>
                    <div class="pair">
                        <Bars id="sources" title=t.chats_by_source.to_owned() bars=sources/>
                        <Bars id="ratings" title=t.ratings_title.to_owned() bars=ratings/>
                    </div>
                    <h3>{t.operators_load}</h3>
                    <table class="operators">
                        <thead><tr>
                            <th scope="col">{t.operator}</th>
                            <th scope="col">{t.chats_total}</th>
                            <th scope="col">{t.messages_col}</th>
                            <th scope="col">{t.first_response}</th>
                            <th scope="col">{t.mean_rating}</th>
                            <th scope="col">{t.online_time}</th>
                        </tr></thead>
                        <tbody>
                            {r.operators.iter().map(|o| view! {
                                <tr>
                                    <th scope="row">{o.name.clone()}</th>
                                    <td>{o.chats}</td>
                                    <td>{o.messages}</td>
                                    <td>{median(&o.first_response, locale)}</td>
                                    <td>{o.rating_percent.map(|p| format!("{p} %")).unwrap_or_else(|| "—".into())}</td>
                                    <td>{if o.online_ms > 0 { protocol::units::duration(o.online_ms, locale) } else { "—".into() }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {(r.automatic.answered > 0).then(|| {
                        let at = session.answer_texts();
                        let a = &r.automatic;
                        view! {
                            <h3>{at.screen}</h3>
                            <dl class="figures automatic">
                                <div><dt>{at.answered}</dt><dd>{a.answered}</dd></div>
                                <div><dt>{at.helpful}</dt><dd>{a.helpful}</dd></div>
                                <div><dt>{at.handed_over}</dt><dd>{a.handed_over}</dd></div>
                            </dl>
                        }
                    })}
                    {(!r.tags.is_empty()).then(|| {
                        let tt = session.tag_texts();
                        view! {
                            <h3>{tt.by_tag}</h3>
                            <table class="tags-report">
                                <thead><tr>
                                    <th scope="col">{tt.tag}</th>
                                    <th scope="col">{tt.chats}</th>
                                </tr></thead>
                                <tbody>
                                    {r.tags.iter().map(|c| view! {
                                        <tr><th scope="row">{c.tag.clone()}</th><td>{c.chats}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }
                    })}
                }.into_any()
            })}
        </main>
    }
}

/// Saves `text` as a file the browser downloads.
fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(link) = document.create_element("a") else {
        return;
    };
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        js_sys::encode_uri_component(text)
    );
    let _ = link.set_attribute("href", &href);
    let _ = link.set_attribute("download", name);
    if let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(link) {
        link.click();
    }
}
