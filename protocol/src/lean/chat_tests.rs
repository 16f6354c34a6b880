//! `lean::chat` and `lean::config` against the serde form of each type: every reader reads what
//! serde writes, every writer writes exactly what serde writes. The samples fill every member
//! (a reader that forgot one would give its default and fail), and the `every_…` lists are
//! checked by exhaustive matches, so a new variant cannot be added without a sample here.

use super::*;
use crate::api::{Identity, VisitorSession, VisitorSessionRequest, WidgetConfig};
use crate::conversation::{
    ContactInfo, ConversationState, CustomDataItem, OperatorCard, Presence, Rating, Status,
};
use crate::error::{ErrorBody, ErrorCode};
use crate::events::{
    Author, ChatMessage, ConversationCommand, ConversationEvent, SystemEvent, TransferTarget,
};
use crate::files::Attachment;
use crate::ids::{ClientMessageId, ConversationId, OperatorId, SiteId, VisitorId};
use crate::lean::config::{session_request_json, visitor_session, widget_config, window_config};
use crate::settings::{
    ContactFormMode, CustomField, Department, FieldRule, Locale, Position, RatingScale,
    SiteSettings,
};
use crate::timeline::Pending;
use crate::triggers::{Action, TriggerRule, Utm, VisitSource};
use crate::visitors::Geo;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;

/// `read` gives back what serde wrote.
fn reads<T: Serialize + PartialEq + Debug>(value: &T, read: impl Fn(&Value) -> Option<T>) {
    let wire = serde_json::to_value(value).unwrap();
    assert_eq!(read(&wire).as_ref(), Some(value), "{wire}");
}

/// `write` writes what serde writes, member for member.
fn writes<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T, write: fn(&T) -> String) {
    let lean = write(value);
    let ours: Value = serde_json::from_str(&lean).unwrap_or_else(|e| panic!("{e}: {lean}"));
    assert_eq!(ours, serde_json::to_value(value).unwrap(), "{lean}");
    assert_eq!(&serde_json::from_str::<T>(&lean).unwrap(), value);
}

fn operator() -> OperatorCard {
    OperatorCard {
        id: OperatorId::parse("op-1").unwrap(),
        name: "Анна \"Ann\"".into(),
    }
}

fn file() -> Attachment {
    Attachment {
        id: "f1".into(),
        name: "счёт.pdf".into(),
        size: 123_456,
        content_type: "application/pdf".into(),
    }
}

fn a_contact() -> ContactInfo {
    ContactInfo {
        name: Some("Ivan".into()),
        email: Some("ivan@example.com".into()),
        phone: Some("+7 912 345 67 89".into()),
        custom: [("order".to_owned(), "A-17".to_owned())].into(),
    }
}

fn source() -> VisitSource {
    VisitSource {
        landing: "https://shop.example/?utm_source=mail".into(),
        referrer: "https://search.example/".into(),
        utm: Utm {
            source: Some("mail".into()),
            medium: None,
            campaign: Some("зима".into()),
            term: None,
            content: Some("b".into()),
        },
        invitation: true,
    }
}

fn every_author() -> Vec<Author> {
    let _exhaustive = |a: &Author| match a {
        Author::Visitor | Author::Operator { .. } | Author::System | Author::Bot => {}
    };
    let card = operator();
    vec![
        Author::Visitor,
        Author::Operator {
            id: card.id,
            name: card.name,
        },
        Author::System,
        Author::Bot,
    ]
}

fn every_system_event() -> Vec<SystemEvent> {
    use SystemEvent::*;
    let _exhaustive = |e: &SystemEvent| match e {
        ClosedByOperator { .. } | EndedByVisitor | EndedAsSpam | Rated { .. } => {}
        CallbackRequested { .. } | Assigned { .. } | Transferred { .. } => {}
        TransferredToDepartment { .. } | Invited { .. } | NotDelivered { .. } => {}
        NoAnswer | OfferedToEveryone => {}
    };
    vec![
        ClosedByOperator { name: "Ann".into() },
        EndedByVisitor,
        EndedAsSpam,
        Rated {
            score: 3,
            scale: RatingScale::ThreeFaces,
        },
        Rated {
            score: 5,
            scale: RatingScale::FiveFaces,
        },
        Rated {
            score: 0,
            scale: RatingScale::Off,
        },
        CallbackRequested {
            phone: "+49 30 1234567".into(),
        },
        Assigned { name: "Bob".into() },
        Transferred {
            from: "Ann".into(),
            to: "Bob".into(),
        },
        TransferredToDepartment {
            department: "Sales".into(),
        },
        Invited { name: "Eve".into() },
        NotDelivered {
            seq: 7,
            reason: "Forbidden: bot was blocked by the user".into(),
        },
        NoAnswer,
        OfferedToEveryone,
    ]
}

fn message(seq: u64) -> ChatMessage {
    ChatMessage {
        seq,
        client_id: ClientMessageId::parse(format!("m-{seq}")).unwrap(),
        author: Author::Visitor,
        text: "Привет\n\"quoted\" \\ \u{1} tab\t".into(),
        sent_at: 1_764_000_000_123 + seq,
        event: None,
        attachment: None,
        note: false,
        edited_at: None,
        deleted: false,
        via: None,
    }
}

fn every_message() -> Vec<ChatMessage> {
    let mut messages = vec![message(1)];
    for (i, author) in every_author().into_iter().enumerate() {
        messages.push(ChatMessage {
            author,
            attachment: Some(file()),
            note: i == 1,
            edited_at: Some(1_764_000_009_999),
            deleted: i == 2,
            via: (i == 0).then_some(Channel::Email),
            ..message(2 + i as u64)
        });
    }
    for (i, event) in every_system_event().into_iter().enumerate() {
        messages.push(ChatMessage {
            author: Author::System,
            text: String::new(),
            event: Some(event),
            ..message(10 + i as u64)
        });
    }
    messages
}

fn full_state() -> ConversationState {
    ConversationState {
        status: Status::Closed,
        department: Some("sales".into()),
        contact: a_contact(),
        custom_data: vec![
            CustomDataItem {
                title: "Plan".into(),
                content: "Pro".into(),
                link: Some("https://shop.example/plan".into()),
            },
            CustomDataItem {
                title: "Cart".into(),
                content: "3 items".into(),
                link: None,
            },
        ],
        rating: Some(Rating {
            score: 2,
            scale: RatingScale::Thumbs,
            comment: Some("спасибо".into()),
        }),
        callback: Some("+7 900 000 00 00".into()),
        offline: true,
        spam: true,
        assignee: Some(operator()),
        invited: vec![OperatorCard {
            id: OperatorId::parse("op-2").unwrap(),
            name: "Bob".into(),
        }],
        source: Some(source()),
        verified_user: Some("user-7".into()),
        channel: Some(Channel::Telegram),
        photo: Some(Attachment {
            id: "photo-1".into(),
            name: "photo.jpg".into(),
            size: 2_048,
            content_type: "image/jpeg".into(),
        }),
        tags: vec!["Refund".into(), "Доставка \"быстро\"".into()],
        survey: true,
        consent: Some(crate::consent::ConsentRecord {
            at: 1_764_000_000_000,
            text: "I agree".into(),
            policy_url: "/privacy".into(),
        }),
        auto_answer: Some(crate::answers::AutoAnswered {
            id: "delivery".into(),
            question: "Доставка \"быстро\"".into(),
            seq: 3,
            outcome: crate::answers::AutoOutcome::HandedOver,
        }),
    }
}

fn every_error() -> Vec<ErrorBody> {
    use ErrorCode::*;
    let _exhaustive = |c: ErrorCode| match c {
        MalformedFrame | UnknownType | TooLarge | UnsupportedType | InvalidField => {}
        Unauthorized | Forbidden | NotFound | Conflict | ContactRequired => {}
        DepartmentRequired | AlreadyRated | RateLimited | Internal => {}
        ConsentRequired => {}
    };
    let codes = [
        MalformedFrame,
        UnknownType,
        TooLarge,
        UnsupportedType,
        InvalidField,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        ContactRequired,
        DepartmentRequired,
        AlreadyRated,
        ConsentRequired,
        RateLimited,
        Internal,
    ];
    let mut errors: Vec<ErrorBody> = codes
        .into_iter()
        .map(|code| ErrorBody::new(code, "why"))
        .collect();
    errors.push(ErrorBody::rate_limited(
        Some(ClientMessageId::parse("m-9").unwrap()),
        1500,
    ));
    errors
}

fn every_event() -> Vec<ConversationEvent> {
    use ConversationEvent::*;
    let _exhaustive = |e: &ConversationEvent| match e {
        Welcome { .. } | Messages { .. } | State { .. } | Typing { .. } | Done { .. } => {}
        Message { .. } | Changed { .. } | Ack { .. } | Error(_) => {}
    };
    let mut events = vec![
        Welcome {
            conversation: ConversationId::parse("c1").unwrap(),
            messages: every_message(),
            operator: Some(operator()),
            state: full_state(),
            presence: Presence {
                operators_online: true,
                departments_online: vec!["sales".into(), "support".into()],
                back_at: None,
            },
        },
        Welcome {
            conversation: ConversationId::parse("c3").unwrap(),
            messages: Vec::new(),
            operator: None,
            state: ConversationState::default(),
            presence: Presence {
                operators_online: false,
                departments_online: Vec::new(),
                back_at: Some(1_796_000_000_000),
            },
        },
        Welcome {
            conversation: ConversationId::parse("c2").unwrap(),
            messages: Vec::new(),
            operator: None,
            state: ConversationState::default(),
            presence: Presence::default(),
        },
        Messages {
            messages: every_message(),
        },
        State {
            state: full_state(),
        },
        State {
            state: ConversationState::default(),
        },
        Done {
            command: "transcript".into(),
        },
        Ack {
            client_id: ClientMessageId::parse("m-1").unwrap(),
            seq: 42,
        },
    ];
    for author in every_author() {
        events.push(Typing {
            author,
            typing: true,
        });
    }
    for message in every_message() {
        events.push(Message {
            message: message.clone(),
        });
        events.push(Changed { message });
    }
    events.extend(every_error().into_iter().map(Error));
    events
}

fn every_command() -> Vec<ConversationCommand> {
    use ConversationCommand::*;
    let _exhaustive = |c: &ConversationCommand| match c {
        Send { .. } | Typing { .. } | Earlier { .. } | Contact { .. } | CustomData { .. } => {}
        Source { .. } | Department { .. } | Close | Rate { .. } | Transcript { .. } => {}
        Callback { .. } | Offline { .. } | Note { .. } | Edit { .. } | Delete { .. } => {}
        Spam | Ban | Assign { .. } | Transfer { .. } | Invite { .. } => {}
        Tag { .. } | Untag { .. } | Consent { .. } | AutoFeedback { .. } => {}
    };
    let id = |s: &str| ClientMessageId::parse(s).unwrap();
    let op = || OperatorId::parse("op-2").unwrap();
    vec![
        Send {
            client_id: id("m-1"),
            text: "Hello\n\"there\"".into(),
            attachment: None,
        },
        Send {
            client_id: id("m-2"),
            text: String::new(),
            attachment: Some(file()),
        },
        Typing { typing: true },
        Typing { typing: false },
        Earlier { before: 101 },
        Contact {
            contact: a_contact(),
        },
        Contact {
            contact: ContactInfo::default(),
        },
        CustomData {
            items: full_state().custom_data,
        },
        CustomData { items: Vec::new() },
        Source { source: source() },
        Source {
            source: VisitSource::default(),
        },
        Department { id: "sales".into() },
        Close,
        Rate {
            score: 5,
            comment: Some("great".into()),
        },
        Rate {
            score: 1,
            comment: None,
        },
        Transcript {
            email: "a@example.com".into(),
        },
        Callback {
            phone: "+7 912 000 00 00".into(),
        },
        Offline {
            client_id: id("m-3"),
            contact: a_contact(),
            text: "Call me".into(),
        },
        Note {
            client_id: id("m-4"),
            text: "VIP".into(),
        },
        Edit {
            seq: 7,
            text: "fixed".into(),
        },
        Delete { seq: 8 },
        Spam,
        Ban,
        Assign { operator: op() },
        Transfer {
            to: TransferTarget::Operator { id: op() },
            note: Some("knows the order".into()),
        },
        Transfer {
            to: TransferTarget::Department { id: "sales".into() },
            note: None,
        },
        Invite {
            operator: op(),
            note: None,
        },
        Invite {
            operator: op(),
            note: Some("help".into()),
        },
        Tag {
            tag: "VIP \"gold\"".into(),
        },
        Untag {
            tag: "доставка".into(),
        },
        Consent {
            text: "Согласен на обработку \"данных\"".into(),
            policy_url: "https://shop.example/privacy".into(),
        },
        AutoFeedback { helpful: true },
        AutoFeedback { helpful: false },
    ]
}

#[test]
fn every_event_the_relay_sends_reads_as_serde_wrote_it() {
    for event in every_event() {
        reads(&event, conversation_event);
    }
    assert_eq!(conversation_event(&json!({"type": "self_destruct"})), None);
    assert_eq!(conversation_event(&json!({"type": "ack", "seq": 1})), None);
    assert_eq!(conversation_event(&json!("welcome")), None);
}

#[test]
fn every_command_is_written_as_serde_writes_it() {
    for command in every_command() {
        writes(&command, command_json);
        assert_eq!(
            crate::decode::decode_command(&command.to_frame()).unwrap(),
            command,
            "the relay reads what the clients write"
        );
    }
}

#[test]
fn messages_and_their_parts_round_trip() {
    for message in every_message() {
        reads(&message, chat_message);
        writes(&message, chat_message_json);
    }
    for pending in [
        Pending {
            client_id: ClientMessageId::parse("m-1").unwrap(),
            text: "later".into(),
            attachment: Some(file()),
        },
        Pending {
            client_id: ClientMessageId::parse("m-2").unwrap(),
            text: String::new(),
            attachment: None,
        },
    ] {
        reads(&pending, super::pending);
        writes(&pending, pending_json);
    }
    for contact in [a_contact(), ContactInfo::default()] {
        reads(&contact, super::contact);
        writes(&contact, contact_json);
    }
}

#[test]
fn contact_data_a_developer_typed_wrong_is_refused_not_half_read() {
    assert_eq!(contact(&json!({"name": 5})), None);
    assert_eq!(contact(&json!({"email": ["a@b.c"]})), None);
    assert_eq!(contact(&json!({"custom": {"order": 17}})), None);
    assert_eq!(contact(&json!({"custom": "order"})), None);
    assert_eq!(
        custom_data_item(&json!({"title": "a", "content": "b", "link": 3})),
        None
    );
    assert_eq!(
        contact(&json!({"name": "Ivan", "nickname": "ignored"})),
        Some(ContactInfo {
            name: Some("Ivan".into()),
            ..ContactInfo::default()
        })
    );
}

#[test]
fn every_error_reads_as_serde_wrote_it() {
    for error in every_error() {
        reads(&error, error_body);
    }
    assert_eq!(error_body(&json!({"code": "oops", "message": "x"})), None);
}

fn full_config() -> WidgetConfig {
    let mut settings = SiteSettings::new("Магазин");
    settings.locale = Some(Locale::Ru);
    settings.theme.position = Position::Left;
    settings.theme.launcher_label = Some("Чат".into());
    settings.theme.logo_url = Some("https://shop.example/logo.png".into());
    settings.contact_form.mode = ContactFormMode::Before;
    settings.consent = crate::consent::ConsentSettings {
        required: true,
        policy_url: Some("https://shop.example/privacy".into()),
        text: Some("Согласен на обработку данных".into()),
    };
    settings.contact_form.name = FieldRule::Required;
    settings.contact_form.email = FieldRule::Hidden;
    settings.contact_form.custom = vec![
        CustomField {
            id: "order".into(),
            label: "Order".into(),
            required: true,
        },
        CustomField {
            id: "city".into(),
            label: "City".into(),
            required: false,
        },
    ];
    settings.departments = vec![Department {
        id: "sales".into(),
        name: "Продажи".into(),
        visitor_name: None,
        hours: None,
    }];
    settings.rating.scale = RatingScale::FiveFaces;
    settings.offline.hide_launcher = true;
    settings.triggers = vec![TriggerRule {
        id: "open".into(),
        enabled: true,
        conditions: Vec::new(),
        actions: vec![Action::OpenWindow],
    }];
    settings.invitation_interval_seconds = 45;
    settings.utc_offset_minutes = -300;
    settings.texts.greeting = Some("Здравствуйте!".into());
    settings.texts.offline_intro = Some("Оставьте сообщение".into());
    settings.widget_config(
        SiteId::parse("shop").unwrap(),
        Presence {
            operators_online: true,
            departments_online: vec!["sales".into()],
            back_at: Some(1_796_000_000_000),
        },
        Geo {
            country: Some("RU".into()),
            city: Some("Казань".into()),
        },
    )
}

#[test]
fn the_widget_config_and_the_visitor_session_read_as_the_relay_writes_them() {
    let plain = SiteSettings::new("Shop").widget_config(
        SiteId::parse("shop").unwrap(),
        Presence::default(),
        Geo::default(),
    );
    for config in [full_config(), plain] {
        reads(&config, widget_config);
    }
    let session = VisitorSession {
        token: "tok".into(),
        visitor: VisitorId::parse("v1").unwrap(),
        conversation: ConversationId::parse("c1").unwrap(),
        config: full_config(),
    };
    let wire = serde_json::to_value(&session).unwrap();
    let read = visitor_session(&wire).unwrap();
    assert!(
        read.config.triggers.is_empty(),
        "the window leaves the rules to the page"
    );
    assert_eq!(
        read,
        VisitorSession {
            config: WidgetConfig {
                triggers: Vec::new(),
                ..full_config()
            },
            ..session
        }
    );
    assert_eq!(
        window_config(&serde_json::to_value(full_config()).unwrap()),
        visitor_session(&wire).map(|s| s.config)
    );
    let mut wire = serde_json::to_value(full_config()).unwrap();
    wire["theme"]["position"] = json!("top");
    assert_eq!(widget_config(&wire), None, "an unknown position is refused");
}

#[test]
fn the_session_request_is_written_as_serde_writes_it() {
    for request in [
        VisitorSessionRequest {
            token: Some("tok".into()),
            identity: Some(Identity {
                user_id: "user-7".into(),
                user_hash: "ab".repeat(32),
            }),
        },
        VisitorSessionRequest::default(),
    ] {
        writes(&request, session_request_json);
    }
}
