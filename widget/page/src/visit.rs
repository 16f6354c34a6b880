//! Runs the site's trigger rules on this page: tracks the visit (in localStorage), builds the
//! [`Visit`] every second and carries out what `protocol::triggers::Engine` says is due.
//! Actions that need the chat window (an invitation, opening it) go to [`crate::window`].

use crate::{presence, window};
use protocol::lean::{visit_record, visit_record_json};
use protocol::triggers::{weekday_and_hour, Action, Engine, Fired, Utm, Visit, VisitRecord};
use protocol::visitors::PageView;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;

thread_local! {
    static RECORD: RefCell<Option<VisitRecord>> = const { RefCell::new(None) };
    static PAGE_STARTED_AT: Cell<f64> = const { Cell::new(0.0) };
    /// The visitor has written in his conversation (the window says so once it runs).
    static CHATTED: Cell<bool> = const { Cell::new(false) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

fn save() {
    if let Some(record) = RECORD.with(|r| r.borrow().clone()) {
        crate::store("visit", &visit_record_json(&record));
    }
}

/// Counts this page view and starts evaluating the rules every second.
pub fn start() {
    let previous = crate::stored("visit")
        .and_then(|json| browser::json::parse(&json))
        .and_then(|v| visit_record(&v));
    let mut record = VisitRecord::page_view(previous, now());
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        record.landed(&document.url().unwrap_or_default(), &document.referrer());
    }
    RECORD.with(|r| *r.borrow_mut() = Some(record));
    PAGE_STARTED_AT.with(|p| p.set(js_sys::Date::now()));
    save();
    tick();
    browser::every(1_000, tick);
}

/// The visitor closed the window himself: no rule reopens it or invites him in this visit.
pub fn closed_by_visitor() {
    RECORD.with(|r| {
        if let Some(record) = r.borrow_mut().as_mut() {
            record.state.closed_by_visitor = true;
        }
    });
    save();
}

pub fn set_chatted(chatted: bool) {
    CHATTED.with(|c| c.set(chatted));
}

/// `Consultant.reset()`: the visitor is a new one, who has not chatted.
pub fn forget_chat() {
    set_chatted(false);
}

fn current_visit() -> Option<Visit> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let location = window.location();
    let config = crate::config()?;
    let record = RECORD.with(|r| r.borrow().clone())?;
    let (weekday, hour) = weekday_and_hour(now(), config.utc_offset_minutes);
    let page_started = PAGE_STARTED_AT.with(Cell::get);
    Some(Visit {
        seconds_on_page: ((js_sys::Date::now() - page_started) / 1000.0) as u32,
        seconds_on_site: record.seconds_on_site(now()),
        pages_viewed: record.pages,
        visit_number: record.number,
        url: location.href().unwrap_or_default(),
        title: document.title(),
        referrer: document.referrer(),
        utm: Utm::from_query(&location.search().unwrap_or_default()),
        country: config.geo.country.clone(),
        city: config.geo.city.clone(),
        weekday,
        hour,
        operator_online: window::operators_online().unwrap_or(config.operators_online),
        already_chatted: CHATTED.with(Cell::get),
        // The relay kept only the rules this visitor's device meets.
        device: None,
    })
}

/// This page as the operators' live list shows it.
pub fn page_view() -> Option<PageView> {
    let document = web_sys::window()?.document()?;
    let record = RECORD.with(|r| r.borrow().clone())?;
    Some(PageView {
        url: document.url().ok()?,
        title: document.title(),
        referrer: record.landing_referrer.clone(),
        landing_url: record.landing_url.clone(),
        pages_viewed: record.pages,
        visit_number: record.number,
        visit_started_at: record.started_at,
    })
}

fn tick() {
    presence::page_viewed(page_view());
    let (Some(visit), Some(config)) = (current_visit(), crate::config()) else {
        return;
    };
    let engine = Engine {
        rules: &config.triggers,
        invitation_interval_seconds: config.invitation_interval_seconds,
        fold: browser::fold_case,
    };
    crate::set_hidden_by_rule(engine.hidden(&visit));
    let fired = RECORD.with(|r| {
        let mut r = r.borrow_mut();
        let record = r.as_mut()?;
        record.touch(now());
        Some(engine.due(&visit, &mut record.state, now() / 1000))
    });
    // `touch` keeps the visit alive while the visitor stays on a page: saved when a rule fired,
    // else every 30 s, not on every tick.
    let fired = fired.unwrap_or_default();
    let ticks = TICKS.with(|t| {
        t.set(t.get().wrapping_add(1));
        t.get()
    });
    if !fired.is_empty() || ticks.is_multiple_of(30) {
        save();
    }
    for f in fired {
        carry_out(f);
    }
}

/// `Consultant.startTrigger(id)`.
pub fn start_trigger(id: &str) -> bool {
    let Some(config) = crate::config() else {
        return false;
    };
    let engine = Engine {
        rules: &config.triggers,
        invitation_interval_seconds: config.invitation_interval_seconds,
        fold: browser::fold_case,
    };
    let fired =
        RECORD.with(|r| engine.start(id, &mut r.borrow_mut().as_mut()?.state, now() / 1000));
    match fired {
        Some(f) => {
            save();
            carry_out(f);
            true
        }
        None => false,
    }
}

fn carry_out(fired: Fired) {
    let rule = JsValue::from_str(&fired.rule);
    crate::emit("trigger", &rule);
    for action in fired.actions {
        match action {
            Action::Invite {
                text,
                operator_name,
                avatar_url,
                department,
            } => {
                if !window::is_open() {
                    crate::note_unread();
                }
                let given =
                    |v: Option<String>| v.map_or(JsValue::UNDEFINED, |v| JsValue::from_str(&v));
                window::call(
                    "invite",
                    &[
                        JsValue::from_str(&operator_name),
                        given(avatar_url),
                        JsValue::from_str(&text),
                        given(department),
                    ],
                );
                crate::emit("invitation", &rule);
            }
            Action::OpenWindow => {
                window::call("open", &[]);
            }
            Action::ShowContactForm => {
                window::call("requestContact", &[]);
                window::call("open", &[]);
            }
            // Only a visitor who writes can wait for an answer: the window checks it.
            Action::SlowReplyNotice {
                after_seconds,
                text,
            } => {
                let _ = window::call_when_loaded(
                    "armSlowReply",
                    &[after_seconds.into(), JsValue::from_str(&text)],
                );
            }
            Action::HideWidget => {}
        }
    }
}
