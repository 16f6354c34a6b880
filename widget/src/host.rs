//! The page-view module (`widget/page`) that started this window and keeps running beside it:
//! it owns the launcher, the presence socket and the trigger rules. This window tells it what
//! it needs of the chat, and carries out the rule actions it hands over.

use crate::chat::{Chat, Note};
use leptos::prelude::*;
use protocol::triggers::{slow_reply_due, VisitSource};
use protocol::{Author, SiteId};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

thread_local! {
    /// The page module's exports.
    static HOST: RefCell<JsValue> = const { RefCell::new(JsValue::UNDEFINED) };
    /// The armed "operator will answer shortly" notice: seconds and text.
    static SLOW_REPLY: RefCell<Option<(u32, String)>> = const { RefCell::new(None) };
}

pub fn attach(host: JsValue) {
    HOST.with(|h| *h.borrow_mut() = host);
}

fn call(name: &str, args: &[JsValue]) {
    HOST.with(|host| {
        let host = host.borrow();
        let Ok(function) = js_sys::Reflect::get(&host, &JsValue::from_str(name)) else {
            return;
        };
        if let Some(function) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&function) {
            let _ = function.apply(&host, &args.iter().collect::<js_sys::Array>());
        }
    });
}

pub fn closed_by_visitor() {
    call("closedByVisitor", &[]);
}

pub fn session_changed(_: Chat) {
    call("sessionChanged", &[]);
}

/// The launcher as this window sees it: unread count and whether the widget is hidden.
pub fn set_launcher(unread: u32, hidden: bool) {
    call("setLauncher", &[unread.into(), hidden.into()]);
}

/// Whether the visitor wrote in this conversation (a trigger condition on the page).
pub fn chatted(chatted: bool) {
    call("chatted", &[chatted.into()]);
}

/// Whether an operator is online (a trigger condition on the page).
pub fn online(online: bool) {
    call("online", &[online.into()]);
}

/// Where this visit came from (landing page, referrer, UTM tags), for the conversation: the
/// visit record the page module keeps.
pub fn source(site: &SiteId) -> Option<VisitSource> {
    let json = browser::storage::get(&format!("consultant:{site}:visit"))?;
    let record = browser::json::parse(&json).and_then(|v| protocol::lean::visit_record(&v))?;
    Some(record.source()).filter(|source| !source.is_empty())
}

/// A rule's proactive invitation (the page has already chimed and counted it).
pub fn invite(
    chat: Chat,
    operator_name: String,
    avatar_url: Option<String>,
    text: String,
    department: Option<String>,
) {
    chat.note(Note::Invitation {
        operator_name,
        avatar_url,
        text,
        department,
    });
    if !chat.is_open() {
        chat.unread.update(|n| *n += 1);
    }
}

/// Arms a rule's "operator will answer shortly" notice, checked every second.
pub fn arm_slow_reply(chat: Chat, after_seconds: u32, text: String) {
    let first = SLOW_REPLY
        .with(|s| s.replace(Some((after_seconds, text))))
        .is_none();
    if first {
        browser::every(1_000, move || check_slow_reply(chat));
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
    let now = js_sys::Date::now() as u64 / 1000;
    if slow_reply_due(visitor_at, operator_at, now, after) {
        let text = if text.trim().is_empty() {
            chat.texts().slow_reply.to_owned()
        } else {
            text
        };
        chat.note(Note::SlowReply(text));
    }
}
