//! A conversation socket's frames without serde: the events the relay sends (read by the chat
//! window and by the console's conversation client), the commands they send, and the pieces
//! both are made of (messages, authors, files, the conversation's state).

use super::{array, JsonValue, ObjectWriter};
use crate::conversation::{
    ContactInfo, ConversationState, CustomDataItem, OperatorCard, Presence, Rating, Status,
};
use crate::error::{ErrorBody, ErrorCode};
use crate::events::{
    Author, Channel, ChatMessage, ConversationCommand, ConversationEvent, SystemEvent,
    TransferTarget,
};
use crate::files::Attachment;
use crate::ids::{ClientMessageId, ConversationId, OperatorId};
use crate::settings::RatingScale;
use crate::timeline::Pending;
use crate::triggers::{Utm, VisitSource};

pub fn conversation_event<V: JsonValue>(v: &V) -> Option<ConversationEvent> {
    let message = || v.member("message", chat_message);
    Some(match v.text("type")?.as_str() {
        "welcome" => ConversationEvent::Welcome {
            conversation: ConversationId::parse(v.text("conversation")?).ok()?,
            messages: v.list("messages", chat_message),
            operator: v.member("operator", operator_card),
            state: v.member("state", conversation_state).unwrap_or_default(),
            presence: v.member("presence", presence).unwrap_or_default(),
        },
        "messages" => ConversationEvent::Messages {
            messages: v.list("messages", chat_message),
        },
        "state" => ConversationEvent::State {
            state: v.member("state", conversation_state)?,
        },
        "typing" => ConversationEvent::Typing {
            author: v.member("author", author)?,
            typing: v.flag("typing")?,
        },
        "done" => ConversationEvent::Done {
            command: v.text("command")?,
        },
        "message" => ConversationEvent::Message {
            message: message()?,
        },
        "changed" => ConversationEvent::Changed {
            message: message()?,
        },
        "ack" => ConversationEvent::Ack {
            client_id: client_id(v)?,
            seq: v.u64("seq")?,
        },
        "error" => ConversationEvent::Error(error_body(v)?),
        _ => return None,
    })
}

fn client_id<V: JsonValue>(v: &V) -> Option<ClientMessageId> {
    ClientMessageId::parse(v.text("client_id")?).ok()
}

pub fn chat_message<V: JsonValue>(v: &V) -> Option<ChatMessage> {
    Some(ChatMessage {
        seq: v.u64("seq")?,
        client_id: client_id(v)?,
        author: v.member("author", author)?,
        text: v.text("text")?,
        sent_at: v.u64("sent_at")?,
        event: v.member("event", system_event),
        attachment: v.member("attachment", attachment),
        note: v.flag("note").unwrap_or(false),
        edited_at: v.u64("edited_at"),
        deleted: v.flag("deleted").unwrap_or(false),
        via: v.text("via").and_then(|c| Channel::parse(&c)),
    })
}

pub fn author<V: JsonValue>(v: &V) -> Option<Author> {
    Some(match v.text("kind")?.as_str() {
        "visitor" => Author::Visitor,
        "operator" => Author::Operator {
            id: OperatorId::parse(v.text("id")?).ok()?,
            name: v.text("name")?,
        },
        "system" => Author::System,
        "bot" => Author::Bot,
        _ => return None,
    })
}

pub fn system_event<V: JsonValue>(v: &V) -> Option<SystemEvent> {
    let name = || v.text("name");
    Some(match v.text("event")?.as_str() {
        "closed_by_operator" => SystemEvent::ClosedByOperator { name: name()? },
        "ended_by_visitor" => SystemEvent::EndedByVisitor,
        "ended_as_spam" => SystemEvent::EndedAsSpam,
        "rated" => SystemEvent::Rated {
            score: v.u8("score")?,
            scale: rating_scale(&v.text("scale")?)?,
        },
        "callback_requested" => SystemEvent::CallbackRequested {
            phone: v.text("phone")?,
        },
        "assigned" => SystemEvent::Assigned { name: name()? },
        "transferred" => SystemEvent::Transferred {
            from: v.text("from")?,
            to: v.text("to")?,
        },
        "transferred_to_department" => SystemEvent::TransferredToDepartment {
            department: v.text("department")?,
        },
        "invited" => SystemEvent::Invited { name: name()? },
        "not_delivered" => SystemEvent::NotDelivered {
            seq: v.u64("seq")?,
            reason: v.text("reason")?,
        },
        "no_answer" => SystemEvent::NoAnswer,
        "offered_to_everyone" => SystemEvent::OfferedToEveryone,
        _ => return None,
    })
}

pub fn rating_scale(name: &str) -> Option<RatingScale> {
    Some(match name {
        "off" => RatingScale::Off,
        "thumbs" => RatingScale::Thumbs,
        "three_faces" => RatingScale::ThreeFaces,
        "five_faces" => RatingScale::FiveFaces,
        _ => return None,
    })
}

fn rating_scale_name(scale: RatingScale) -> &'static str {
    match scale {
        RatingScale::Off => "off",
        RatingScale::Thumbs => "thumbs",
        RatingScale::ThreeFaces => "three_faces",
        RatingScale::FiveFaces => "five_faces",
    }
}

pub fn attachment<V: JsonValue>(v: &V) -> Option<Attachment> {
    Some(Attachment {
        id: v.text("id")?,
        name: v.text("name")?,
        size: v.u64("size")?,
        content_type: v.text("content_type")?,
    })
}

pub fn operator_card<V: JsonValue>(v: &V) -> Option<OperatorCard> {
    Some(OperatorCard {
        id: OperatorId::parse(v.text("id")?).ok()?,
        name: v.text("name")?,
    })
}

pub fn presence<V: JsonValue>(v: &V) -> Option<Presence> {
    Some(Presence {
        operators_online: v.flag("operators_online")?,
        departments_online: v.list("departments_online", JsonValue::string),
        back_at: v.u64("back_at"),
    })
}

pub fn conversation_state<V: JsonValue>(v: &V) -> Option<ConversationState> {
    Some(ConversationState {
        status: match v.text("status")?.as_str() {
            "open" => Status::Open,
            "closed" => Status::Closed,
            _ => return None,
        },
        department: v.text("department"),
        contact: v.member("contact", contact).unwrap_or_default(),
        custom_data: v.list("custom_data", custom_data_item),
        rating: v.member("rating", rating),
        callback: v.text("callback"),
        offline: v.flag("offline").unwrap_or(false),
        spam: v.flag("spam").unwrap_or(false),
        assignee: v.member("assignee", operator_card),
        invited: v.list("invited", operator_card),
        source: v.member("source", visit_source),
        verified_user: v.text("verified_user"),
        channel: v.text("channel").and_then(|c| Channel::parse(&c)),
        photo: v.member("photo", attachment),
        tags: v.list("tags", JsonValue::string),
        survey: v.flag("survey").unwrap_or(false),
        consent: v.member("consent", |c| {
            Some(crate::consent::ConsentRecord {
                at: c.u64("at")?,
                text: c.text("text")?,
                policy_url: c.text("policy_url")?,
            })
        }),
        auto_answer: v.member("auto_answer", |a| {
            use crate::answers::{AutoAnswered, AutoOutcome};
            Some(AutoAnswered {
                id: a.text("id")?,
                question: a.text("question")?,
                seq: a.u64("seq")?,
                outcome: match a.text("outcome")?.as_str() {
                    "offered" => AutoOutcome::Offered,
                    "helpful" => AutoOutcome::Helpful,
                    "handed_over" => AutoOutcome::HandedOver,
                    _ => return None,
                },
            })
        }),
    })
}

/// Contact details; `None` when a member is not a string (they come from a page's developer
/// too, `Consultant.setContactInfo`, where that is a mistake to report).
pub fn contact<V: JsonValue>(v: &V) -> Option<ContactInfo> {
    let mut custom = std::collections::BTreeMap::new();
    if let Some(members) = v.field("custom") {
        for (key, value) in members.entries()? {
            custom.insert(key, value.string()?);
        }
    }
    Some(ContactInfo {
        name: v.strict_text("name")?,
        email: v.strict_text("email")?,
        phone: v.strict_text("phone")?,
        custom,
    })
}

/// One item of custom data; like [`contact`], strict about the members' types.
pub fn custom_data_item<V: JsonValue>(v: &V) -> Option<CustomDataItem> {
    Some(CustomDataItem {
        title: v.text("title")?,
        content: v.text("content")?,
        link: v.strict_text("link")?,
    })
}

pub fn rating<V: JsonValue>(v: &V) -> Option<Rating> {
    Some(Rating {
        score: v.u8("score")?,
        scale: rating_scale(&v.text("scale")?)?,
        comment: v.text("comment"),
    })
}

pub fn visit_source<V: JsonValue>(v: &V) -> Option<VisitSource> {
    let utm = v.field("utm");
    let tag = |key| utm.as_ref().and_then(|u| u.text(key));
    Some(VisitSource {
        landing: v.text("landing").unwrap_or_default(),
        referrer: v.text("referrer").unwrap_or_default(),
        utm: Utm {
            source: tag("source"),
            medium: tag("medium"),
            campaign: tag("campaign"),
            term: tag("term"),
            content: tag("content"),
        },
        invitation: v.flag("invitation").unwrap_or(false),
    })
}

/// An error frame or an HTTP error body.
pub fn error_body<V: JsonValue>(v: &V) -> Option<ErrorBody> {
    use ErrorCode::*;
    let code = match v.text("code")?.as_str() {
        "malformed_frame" => MalformedFrame,
        "unknown_type" => UnknownType,
        "too_large" => TooLarge,
        "unsupported_type" => UnsupportedType,
        "invalid_field" => InvalidField,
        "unauthorized" => Unauthorized,
        "forbidden" => Forbidden,
        "not_found" => NotFound,
        "conflict" => Conflict,
        "contact_required" => ContactRequired,
        "department_required" => DepartmentRequired,
        "already_rated" => AlreadyRated,
        "consent_required" => ConsentRequired,
        "rate_limited" => RateLimited,
        "internal" => Internal,
        _ => return None,
    };
    Some(ErrorBody {
        code,
        message: v.text("message")?,
        client_id: v.member("client_id", |id| ClientMessageId::parse(id.string()?).ok()),
        retry_after_ms: v.u64("retry_after_ms"),
    })
}

/// A message of the widget's outbox, as it keeps them across reloads.
pub fn pending<V: JsonValue>(v: &V) -> Option<Pending> {
    Some(Pending {
        client_id: client_id(v)?,
        text: v.text("text")?,
        attachment: v.member("attachment", attachment),
    })
}

// Writers. Each writes what serde writes for the type (the tests compare the two), members
// serde leaves out when empty left out here too.

/// The JSON text frame of a command (`ConversationCommand::to_frame`).
pub fn command_json(command: &ConversationCommand) -> String {
    use ConversationCommand as C;
    let mut w = ObjectWriter::new();
    let kind = |w: &mut ObjectWriter, kind: &str| {
        w.text("type", kind);
    };
    match command {
        C::Send {
            client_id,
            text,
            attachment,
        } => {
            kind(&mut w, "send");
            w.text("client_id", client_id.as_str())
                .text("text", text)
                .raw_if("attachment", attachment.as_ref().map(attachment_json));
        }
        C::Typing { typing } => {
            kind(&mut w, "typing");
            w.flag("typing", *typing);
        }
        C::Earlier { before } => {
            kind(&mut w, "earlier");
            w.number("before", *before);
        }
        C::Contact { contact } => {
            kind(&mut w, "contact");
            w.raw("contact", &contact_json(contact));
        }
        C::CustomData { items } => {
            kind(&mut w, "custom_data");
            w.raw("items", &array(items.iter().map(custom_data_item_json)));
        }
        C::Source { source } => {
            kind(&mut w, "source");
            w.raw("source", &visit_source_json(source));
        }
        C::Department { id } => {
            kind(&mut w, "department");
            w.text("id", id);
        }
        C::Close => kind(&mut w, "close"),
        C::Rate { score, comment } => {
            kind(&mut w, "rate");
            w.number("score", u64::from(*score))
                .text_or_null("comment", comment.as_deref());
        }
        C::Transcript { email } => {
            kind(&mut w, "transcript");
            w.text("email", email);
        }
        C::Callback { phone } => {
            kind(&mut w, "callback");
            w.text("phone", phone);
        }
        C::Offline {
            client_id,
            contact,
            text,
        } => {
            kind(&mut w, "offline");
            w.text("client_id", client_id.as_str())
                .raw("contact", &contact_json(contact))
                .text("text", text);
        }
        C::Note { client_id, text } => {
            kind(&mut w, "note");
            w.text("client_id", client_id.as_str()).text("text", text);
        }
        C::Edit { seq, text } => {
            kind(&mut w, "edit");
            w.number("seq", *seq).text("text", text);
        }
        C::Delete { seq } => {
            kind(&mut w, "delete");
            w.number("seq", *seq);
        }
        C::Spam => kind(&mut w, "spam"),
        C::Ban => kind(&mut w, "ban"),
        C::Assign { operator } => {
            kind(&mut w, "assign");
            w.text("operator", operator.as_str());
        }
        C::Transfer { to, note } => {
            let (target, id) = match to {
                TransferTarget::Operator { id } => ("operator", id.as_str()),
                TransferTarget::Department { id } => ("department", id.as_str()),
            };
            let to = ObjectWriter::new()
                .text("kind", target)
                .text("id", id)
                .finish();
            kind(&mut w, "transfer");
            w.raw("to", &to).text_if("note", note.as_deref());
        }
        C::Invite { operator, note } => {
            kind(&mut w, "invite");
            w.text("operator", operator.as_str())
                .text_if("note", note.as_deref());
        }
        C::Consent { text, policy_url } => {
            kind(&mut w, "consent");
            w.text("text", text).text("policy_url", policy_url);
        }
        C::Tag { tag } => {
            kind(&mut w, "tag");
            w.text("tag", tag);
        }
        C::Untag { tag } => {
            kind(&mut w, "untag");
            w.text("tag", tag);
        }
        C::AutoFeedback { helpful } => {
            kind(&mut w, "auto_feedback");
            w.flag("helpful", *helpful);
        }
    }
    w.finish()
}

pub fn attachment_json(a: &Attachment) -> String {
    ObjectWriter::new()
        .text("id", &a.id)
        .text("name", &a.name)
        .number("size", a.size)
        .text("content_type", &a.content_type)
        .finish()
}

pub fn contact_json(contact: &ContactInfo) -> String {
    let mut w = ObjectWriter::new();
    w.text_if("name", contact.name.as_deref())
        .text_if("email", contact.email.as_deref())
        .text_if("phone", contact.phone.as_deref());
    if !contact.custom.is_empty() {
        let mut custom = ObjectWriter::new();
        for (key, value) in &contact.custom {
            custom.text(key, value);
        }
        w.raw("custom", &custom.finish());
    }
    w.finish()
}

pub fn custom_data_item_json(item: &CustomDataItem) -> String {
    ObjectWriter::new()
        .text("title", &item.title)
        .text("content", &item.content)
        .text_if("link", item.link.as_deref())
        .finish()
}

pub fn visit_source_json(source: &VisitSource) -> String {
    let utm = &source.utm;
    let utm = ObjectWriter::new()
        .text_or_null("source", utm.source.as_deref())
        .text_or_null("medium", utm.medium.as_deref())
        .text_or_null("campaign", utm.campaign.as_deref())
        .text_or_null("term", utm.term.as_deref())
        .text_or_null("content", utm.content.as_deref())
        .finish();
    let mut w = ObjectWriter::new();
    if !source.landing.is_empty() {
        w.text("landing", &source.landing);
    }
    if !source.referrer.is_empty() {
        w.text("referrer", &source.referrer);
    }
    w.raw("utm", &utm)
        .flag_if("invitation", source.invitation)
        .finish()
}

pub fn pending_json(pending: &Pending) -> String {
    ObjectWriter::new()
        .text("client_id", pending.client_id.as_str())
        .text("text", &pending.text)
        .raw(
            "attachment",
            &pending
                .attachment
                .as_ref()
                .map_or_else(|| "null".to_owned(), attachment_json),
        )
        .finish()
}

pub fn author_json(author: &Author) -> String {
    match author {
        Author::Visitor => ObjectWriter::new().text("kind", "visitor").finish(),
        Author::Operator { id, name } => ObjectWriter::new()
            .text("kind", "operator")
            .text("id", id.as_str())
            .text("name", name)
            .finish(),
        Author::System => ObjectWriter::new().text("kind", "system").finish(),
        Author::Bot => ObjectWriter::new().text("kind", "bot").finish(),
    }
}

pub fn system_event_json(event: &SystemEvent) -> String {
    let mut w = ObjectWriter::new();
    match event {
        SystemEvent::ClosedByOperator { name } => {
            w.text("event", "closed_by_operator").text("name", name)
        }
        SystemEvent::EndedByVisitor => w.text("event", "ended_by_visitor"),
        SystemEvent::EndedAsSpam => w.text("event", "ended_as_spam"),
        SystemEvent::Rated { score, scale } => w
            .text("event", "rated")
            .number("score", u64::from(*score))
            .text("scale", rating_scale_name(*scale)),
        SystemEvent::CallbackRequested { phone } => {
            w.text("event", "callback_requested").text("phone", phone)
        }
        SystemEvent::Assigned { name } => w.text("event", "assigned").text("name", name),
        SystemEvent::Transferred { from, to } => w
            .text("event", "transferred")
            .text("from", from)
            .text("to", to),
        SystemEvent::TransferredToDepartment { department } => w
            .text("event", "transferred_to_department")
            .text("department", department),
        SystemEvent::Invited { name } => w.text("event", "invited").text("name", name),
        SystemEvent::NotDelivered { seq, reason } => w
            .text("event", "not_delivered")
            .number("seq", *seq)
            .text("reason", reason),
        SystemEvent::NoAnswer => w.text("event", "no_answer"),
        SystemEvent::OfferedToEveryone => w.text("event", "offered_to_everyone"),
    };
    w.finish()
}

pub fn chat_message_json(m: &ChatMessage) -> String {
    let mut w = ObjectWriter::new();
    w.number("seq", m.seq)
        .text("client_id", m.client_id.as_str())
        .raw("author", &author_json(&m.author))
        .text("text", &m.text)
        .number("sent_at", m.sent_at)
        .raw_if("event", m.event.as_ref().map(system_event_json))
        .raw_if("attachment", m.attachment.as_ref().map(attachment_json))
        .flag_if("note", m.note);
    if let Some(at) = m.edited_at {
        w.number("edited_at", at);
    }
    w.flag_if("deleted", m.deleted)
        .text_if("via", m.via.map(Channel::as_str))
        .finish()
}

#[cfg(test)]
#[path = "chat_tests.rs"]
mod tests;
