//! E-mails about a chat, in the site's language (Russian or English; English when the site
//! names none): the transcript a visitor asks for, and the offline message sent to the site's
//! address for them.

use crate::time::iso_time;
use crate::words::{self, Reader};
use crate::{Author, ChatMessage, ContactInfo, Locale, OutboxEmail, SiteSettings};

/// The chat as plain text, one line a message, e-mailed to the address the visitor typed.
pub fn transcript_email(
    settings: &SiteSettings,
    messages: &[ChatMessage],
    to: String,
    now_ms: u64,
) -> OutboxEmail {
    let ru = settings.locale == Some(Locale::Ru);
    let subject = if ru {
        format!("Ваш чат с {}", settings.name)
    } else {
        format!("Your chat with {}", settings.name)
    };
    OutboxEmail {
        to,
        subject,
        body: transcript(settings, messages),
        created_at: now_ms,
        delivery: Default::default(),
    }
}

/// A message a visitor left while nobody was online, with what he told about himself.
pub fn offline_email(
    settings: &SiteSettings,
    contact: &ContactInfo,
    text: &str,
    to: String,
    now_ms: u64,
) -> OutboxEmail {
    let ru = settings.locale == Some(Locale::Ru);
    let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let name = field(&contact.name);
    let (subject, labels) = if ru {
        (
            format!(
                "Сообщение от {name}, пока никого не было в сети — {}",
                settings.name
            ),
            ["Имя", "E-mail", "Телефон"],
        )
    } else {
        (
            format!("Offline message from {name} — {}", settings.name),
            ["Name", "E-mail", "Phone"],
        )
    };
    OutboxEmail {
        to,
        subject,
        body: format!(
            "{}: {name}\n{}: {}\n{}: {}\n\n{text}\n",
            labels[0],
            labels[1],
            field(&contact.email),
            labels[2],
            field(&contact.phone),
        ),
        created_at: now_ms,
        delivery: Default::default(),
    }
}

/// `[2026-11-30 09:15 UTC] Anna: Hello`, a line a message (private notes are never given here).
fn transcript(settings: &SiteSettings, messages: &[ChatMessage]) -> String {
    let ru = settings.locale == Some(Locale::Ru);
    let mut out = String::new();
    for m in messages {
        let who = match &m.author {
            Author::Visitor => if ru { "Вы" } else { "You" }.to_owned(),
            Author::Operator { name, .. } => name.clone(),
            Author::System => settings.name.clone(),
        };
        let locale = if ru { Locale::Ru } else { Locale::En };
        let text = match &m.event {
            None => m.text.clone(),
            Some(event) => words::system_event(event, locale, Reader::Visitor),
        };
        let time = iso_time(m.sent_at);
        let minute = time.get(..16).unwrap_or("").replace('T', " ");
        out.push_str(&format!("[{minute} UTC] {who}: {text}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::RatingScale;
    use crate::{ClientMessageId, OperatorId, SystemEvent};

    fn message(
        seq: u64,
        sent_at: u64,
        author: Author,
        text: &str,
        event: Option<SystemEvent>,
    ) -> ChatMessage {
        ChatMessage {
            seq,
            client_id: ClientMessageId::parse(format!("m-{seq}")).unwrap(),
            author,
            text: text.into(),
            sent_at,
            event,
            attachment: None,
            note: false,
            edited_at: None,
            deleted: false,
        }
    }

    fn chat() -> Vec<ChatMessage> {
        let anna = Author::Operator {
            id: OperatorId::parse("op-anna").unwrap(),
            name: "Anna".into(),
        };
        // 2026-11-30 09:15:42 UTC
        let at = 1_796_030_142_000;
        vec![
            message(1, at, Author::Visitor, "My teapot leaks", None),
            message(2, at + 60_000, anna, "Send a photo, please", None),
            message(
                3,
                at + 120_000,
                Author::System,
                "",
                Some(SystemEvent::Rated {
                    score: 5,
                    scale: RatingScale::FiveFaces,
                }),
            ),
        ]
    }

    #[test]
    fn a_transcript_has_a_line_a_message_in_the_site_language() {
        let mut settings = SiteSettings::new("Teapot Shop");
        let mail = transcript_email(&settings, &chat(), "ivan@example.com".into(), 7);
        assert_eq!(mail.subject, "Your chat with Teapot Shop");
        assert_eq!(mail.to, "ivan@example.com");
        assert_eq!(mail.created_at, 7);
        assert_eq!(
            mail.body,
            "[2026-11-30 09:15 UTC] You: My teapot leaks\n\
             [2026-11-30 09:16 UTC] Anna: Send a photo, please\n\
             [2026-11-30 09:17 UTC] Teapot Shop: You rated the chat: 😍 Excellent\n"
        );
        settings.locale = Some(Locale::Ru);
        let mail = transcript_email(&settings, &chat(), "ivan@example.com".into(), 7);
        assert_eq!(mail.subject, "Ваш чат с Teapot Shop");
        assert!(mail
            .body
            .starts_with("[2026-11-30 09:15 UTC] Вы: My teapot leaks\n"));
        assert!(mail
            .body
            .ends_with("Teapot Shop: Вы оценили чат: 😍 Отлично\n"));
    }

    #[test]
    fn an_offline_message_names_what_the_visitor_left_out() {
        let mut settings = SiteSettings::new("Teapot Shop");
        let contact = ContactInfo {
            name: Some("Ivan".into()),
            email: Some("ivan@example.com".into()),
            ..Default::default()
        };
        let mail = offline_email(&settings, &contact, "Call me", "desk@shop.test".into(), 9);
        assert_eq!(mail.subject, "Offline message from Ivan — Teapot Shop");
        assert_eq!(
            mail.body,
            "Name: Ivan\nE-mail: ivan@example.com\nPhone: —\n\nCall me\n"
        );
        settings.locale = Some(Locale::Ru);
        let mail = offline_email(
            &settings,
            &contact,
            "Позвоните мне",
            "desk@shop.test".into(),
            9,
        );
        assert_eq!(
            mail.subject,
            "Сообщение от Ivan, пока никого не было в сети — Teapot Shop"
        );
        assert_eq!(
            mail.body,
            "Имя: Ivan\nE-mail: ivan@example.com\nТелефон: —\n\nПозвоните мне\n"
        );
    }
}
