//! Runs the site's trigger rules on this page: tracks the visit (in localStorage), builds the
//! [`Visit`] every second and carries out what `protocol::triggers::Engine` says is due.

use crate::chat::{Chat, Note};
use crate::{emit, launcher};
use leptos::prelude::*;
use protocol::triggers::Utm;
use protocol::triggers::{
    slow_reply_due, weekday_and_hour, Action, Engine, Fired, Visit, VisitRecord,
};
use protocol::{Author, SiteId};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    static RECORD: RefCell<Option<VisitRecord>> = const { RefCell::new(None) };
    static PAGE_STARTED_AT: RefCell<f64> = const { RefCell::new(0.0) };
    static SITE: RefCell<Option<SiteId>> = const { RefCell::new(None) };
    /// The armed "operator will answer shortly" notice: seconds and text.
    static SLOW_REPLY: RefCell<Option<(u32, String)>> = const { RefCell::new(None) };
}

fn storage_key(site: &SiteId) -> String {
    format!("consultant:{site}:visit")
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

fn save() {
    let site = SITE.with(|s| s.borrow().clone());
    let record = RECORD.with(|r| r.borrow().clone());
    if let (Some(site), Some(record)) = (site, record) {
        if let Ok(json) = serde_json::to_string(&record) {
            browser::storage::set(&storage_key(&site), &json);
        }
    }
}

/// Counts this page view and starts evaluating the rules every second.
pub fn start(chat: Chat) {
    let site = chat.site();
    let previous = browser::storage::get(&storage_key(&site))
        .and_then(|json| crate::json::decode::<VisitRecord>(&json).ok());
    let mut record = VisitRecord::page_view(previous, now());
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        record.landed(&document.url().unwrap_or_default(), &document.referrer());
    }
    RECORD.with(|r| *r.borrow_mut() = Some(record));
    PAGE_STARTED_AT.with(|p| *p.borrow_mut() = js_sys::Date::now());
    SITE.with(|s| *s.borrow_mut() = Some(site));
    save();
    tick(chat);
    browser::every(1_000, move || tick(chat));
}

/// Where this visit came from (landing page, referrer, UTM tags), for the conversation.
pub fn source() -> Option<protocol::triggers::VisitSource> {
    RECORD
        .with(|r| r.borrow().as_ref().map(VisitRecord::source))
        .filter(|source| !source.is_empty())
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

fn current_visit(chat: &Chat) -> Option<Visit> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let location = window.location();
    let config = chat.config.get_untracked()?;
    let record = RECORD.with(|r| r.borrow().clone())?;
    let (weekday, hour) = weekday_and_hour(now(), config.utc_offset_minutes);
    let page_started = PAGE_STARTED_AT.with(|p| *p.borrow());
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
        operator_online: chat.presence.with_untracked(|p| p.operators_online),
        already_chatted: chat
            .client
            .timeline
            .with_untracked(|t| t.messages().iter().any(|m| m.author == Author::Visitor)),
    })
}

/// This page as the operators' live list shows it.
pub fn page_view() -> Option<protocol::visitors::PageView> {
    let document = web_sys::window()?.document()?;
    let record = RECORD.with(|r| r.borrow().clone())?;
    Some(protocol::visitors::PageView {
        url: document.url().ok()?,
        title: document.title(),
        referrer: record.landing_referrer.clone(),
        landing_url: record.landing_url.clone(),
        pages_viewed: record.pages,
        visit_number: record.number,
        visit_started_at: record.started_at,
    })
}

/// Hears of the page every second while the visit runs.
type PageListener = fn(Option<protocol::visitors::PageView>);

thread_local! {
    /// The presence socket, set by `lib.rs`.
    static PAGE_LISTENER: std::cell::Cell<Option<PageListener>> = const { std::cell::Cell::new(None) };
}

/// Hands the current page to `listener` every second while the visit runs.
pub fn on_page(listener: PageListener) {
    PAGE_LISTENER.with(|l| l.set(Some(listener)));
}

fn tick(chat: Chat) {
    if let Some(listener) = PAGE_LISTENER.with(std::cell::Cell::get) {
        listener(page_view());
    }
    let Some(visit) = current_visit(&chat) else {
        return;
    };
    let Some(config) = chat.config.get_untracked() else {
        return;
    };
    let engine = Engine {
        rules: &config.triggers,
        invitation_interval_seconds: config.invitation_interval_seconds,
    };
    chat.hidden_by_rule.set(engine.hidden(&visit));
    let fired = RECORD.with(|r| {
        let mut r = r.borrow_mut();
        let record = r.as_mut()?;
        record.touch(now());
        Some(engine.due(&visit, &mut record.state, now() / 1000))
    });
    let fired = fired.unwrap_or_default();
    if !fired.is_empty() {
        save();
    }
    for f in fired {
        carry_out(chat, f);
    }
    check_slow_reply(chat);
}

/// `Consultant.startTrigger(id)`.
pub fn start_trigger(chat: Chat, id: &str) -> bool {
    let Some(config) = chat.config.get_untracked() else {
        return false;
    };
    let engine = Engine {
        rules: &config.triggers,
        invitation_interval_seconds: config.invitation_interval_seconds,
    };
    let fired = RECORD.with(|r| {
        let mut r = r.borrow_mut();
        engine.start(id, &mut r.as_mut()?.state, now() / 1000)
    });
    match fired {
        Some(f) => {
            save();
            carry_out(chat, f);
            true
        }
        None => false,
    }
}

fn carry_out(chat: Chat, fired: Fired) {
    emit("trigger", JsValue::from_str(&fired.rule));
    for action in fired.actions {
        match action {
            Action::Invite {
                text,
                operator_name,
                avatar_url,
                ..
            } => {
                chat.note(Note::Invitation {
                    operator_name,
                    avatar_url,
                    text,
                });
                if !chat.is_open() {
                    chat.unread.update(|n| *n += 1);
                    browser::sound::chime();
                }
                emit("invitation", JsValue::from_str(&fired.rule));
            }
            Action::OpenWindow => chat.set_open(true, false),
            Action::ShowContactForm => {
                chat.contact_requested.set(true);
                chat.set_open(true, false);
            }
            Action::SlowReplyNotice {
                after_seconds,
                text,
            } => SLOW_REPLY.with(|s| *s.borrow_mut() = Some((after_seconds, text))),
            Action::HideWidget => launcher::set_hidden(true),
        }
    }
}

fn check_slow_reply(chat: Chat) {
    let Some((after, text)) = SLOW_REPLY.with(|s| s.borrow().clone()) else {
        return;
    };
    let (visitor_at, operator_at) = chat.client.timeline.with_untracked(|t| {
        let last = |visitor: bool| {
            t.messages()
                .iter()
                .rev()
                .find(|m| (m.author == Author::Visitor) == visitor && m.author != Author::System)
                .map(|m| m.sent_at / 1000)
        };
        (last(true), last(false))
    });
    if slow_reply_due(visitor_at, operator_at, now() / 1000, after) {
        let text = if text.trim().is_empty() {
            chat.texts().slow_reply.to_owned()
        } else {
            text
        };
        chat.note(Note::SlowReply(text));
    }
}
