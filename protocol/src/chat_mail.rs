//! E-mails about a chat, in the site's language (Russian or English; English when the site
//! names none): the transcript a visitor asks for, the offline message sent to the site's
//! address for them, and the operators' replies mailed to a visitor who has left the page.

use crate::time::iso_time;
use crate::words::{self, Reader};
use crate::{Author, ChatMessage, ContactInfo, Locale, Millis, OutboxEmail, SiteSettings};
use serde::{Deserialize, Serialize};

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
        reply_to: settings.offline.notify_email.clone(),
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
        // Answering from the mail client reaches the visitor; only an address that passes
        // the check goes into a header (no line breaks, one address).
        reply_to: contact
            .email
            .as_deref()
            .and_then(|e| crate::validate::email(e).ok()),
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

/// An operator's replies waiting to be mailed to a visitor who is not on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingReplyMail {
    /// The first reply the visitor has not seen.
    pub first_seq: u64,
    pub first_at: Millis,
    /// When to mail, unless he comes back first.
    pub due_at: Millis,
}

/// A burst of replies holds its mail back at most this many delays after the first reply.
const LONGEST_HOLD_DELAYS: u64 = 5;

impl PendingReplyMail {
    /// After an operator's reply `seq` at `now`: the first reply starts the wait, each next one
    /// moves it on by `delay_ms` (so a burst of replies is one mail), but never past
    /// `LONGEST_HOLD_DELAYS` delays after the first (an operator who keeps writing still
    /// reaches the visitor).
    pub fn after_reply(pending: Option<Self>, seq: u64, now: Millis, delay_ms: u64) -> Self {
        match pending {
            None => PendingReplyMail {
                first_seq: seq,
                first_at: now,
                due_at: now + delay_ms,
            },
            Some(p) => PendingReplyMail {
                due_at: (now + delay_ms).min(p.first_at + LONGEST_HOLD_DELAYS * delay_ms),
                ..p
            },
        }
    }
}

/// Of a chat's messages, what a reply mail holds: the operators' replies from `first_seq` on,
/// and up to `CONTEXT_MESSAGES` messages before them for context. Notes and deleted messages
/// are never given to a visitor; `None` when no reply is left to mail (all deleted).
pub fn reply_mail_parts(
    messages: &[ChatMessage],
    first_seq: u64,
) -> Option<(Vec<ChatMessage>, Vec<ChatMessage>)> {
    const CONTEXT_MESSAGES: usize = 5;
    let visible = |m: &&ChatMessage| !m.note && !m.deleted;
    let replies: Vec<ChatMessage> = messages
        .iter()
        .filter(visible)
        .filter(|m| m.seq >= first_seq && matches!(m.author, Author::Operator { .. }))
        .cloned()
        .collect();
    if replies.is_empty() {
        return None;
    }
    let earlier: Vec<&ChatMessage> = messages
        .iter()
        .filter(visible)
        .filter(|m| m.seq < first_seq)
        .collect();
    let context = earlier[earlier.len().saturating_sub(CONTEXT_MESSAGES)..]
        .iter()
        .map(|m| (*m).clone())
        .collect();
    Some((replies, context))
}

/// The address of the visitor's page that opens the chat again (the loader opens the window
/// for `#consultant-chat`). Only a page of the site's own allowed origins: the page comes from
/// the visitor's browser, and a hostile one must not make the site's e-mail to someone else
/// carry a link of his choosing. `None` without such a page (or with no origins set, when any
/// page may run the widget).
pub fn reopen_link(page: &str, allowed_origins: &[String]) -> Option<String> {
    let page = page.split('#').next().unwrap_or_default();
    let (scheme, rest) = page.split_once("://")?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let origin = format!("{scheme}://{authority}");
    let web = scheme == "https" || scheme == "http";
    let ours = !allowed_origins.is_empty()
        && !authority.contains('@')
        && crate::settings::origin_allowed(allowed_origins, Some(&origin), false);
    (web && ours).then(|| format!("{page}#consultant-chat"))
}

/// The operators' replies to a visitor who left, with the link back to the chat and the
/// messages before them. Answering it goes to the site's own address.
pub fn reply_email(
    settings: &SiteSettings,
    replies: &[ChatMessage],
    context: &[ChatMessage],
    link: Option<&str>,
    to: String,
    now_ms: u64,
) -> OutboxEmail {
    let ru = settings.locale == Some(Locale::Ru);
    let site = &settings.name;
    let mut body = if ru {
        format!("Вам ответили в чате на сайте {site}:\n\n")
    } else {
        format!("You have a reply in the chat on {site}:\n\n")
    };
    body.push_str(&transcript(settings, replies));
    if let Some(link) = link {
        let label = if ru {
            "Продолжить чат"
        } else {
            "Continue the chat"
        };
        body.push_str(&format!("\n{label}: {link}\n"));
    }
    if !context.is_empty() {
        body.push_str(if ru {
            "\nРанее в чате:\n"
        } else {
            "\nEarlier in the chat:\n"
        });
        body.push_str(&transcript(settings, context));
    }
    body.push_str(&if ru {
        format!("\nВы получили это письмо, потому что оставили адрес в чате на сайте {site}.\n")
    } else {
        format!("\nYou get this e-mail because you left your address in the chat on {site}.\n")
    });
    OutboxEmail {
        to,
        reply_to: settings.offline.notify_email.clone(),
        subject: if ru {
            format!("Новый ответ — {site}")
        } else {
            format!("New reply from {site}")
        },
        body,
        created_at: now_ms,
        delivery: Default::default(),
    }
}

/// A mail to a visitor (replies, transcript) he may answer by e-mail: `Reply-To` is his
/// conversation's reply address (which brings the answer back into the chat), and the mail
/// says so.
pub fn answerable(mut mail: OutboxEmail, settings: &SiteSettings, address: String) -> OutboxEmail {
    let ru = settings.locale == Some(Locale::Ru);
    mail.reply_to = Some(address);
    mail.body.push_str(if ru {
        "Чтобы ответить, просто ответьте на это письмо: ответ придёт в чат.\n"
    } else {
        "To answer, simply reply to this e-mail: your answer goes to the chat.\n"
    });
    mail
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
            Author::Bot => words::bot_name(if ru { Locale::Ru } else { Locale::En }).to_owned(),
        };
        let locale = if ru { Locale::Ru } else { Locale::En };
        let mut text = match &m.event {
            None => m.text.clone(),
            Some(event) => words::system_event(event, locale, Reader::Visitor),
        };
        if let Some(file) = &m.attachment {
            let label = if ru { "файл" } else { "file" };
            let gap = if text.is_empty() { "" } else { " " };
            text.push_str(&format!("{gap}[{label}: {}]", file.name));
        }
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
            via: None,
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

    #[test]
    fn an_offline_message_answers_to_the_visitor_and_only_to_a_clean_address() {
        let settings = SiteSettings::new("Teapot Shop");
        let mut contact = ContactInfo {
            email: Some("Ivan@Example.com".into()),
            ..Default::default()
        };
        let mail = offline_email(&settings, &contact, "Hi", "desk@shop.test".into(), 1);
        assert_eq!(mail.reply_to.as_deref(), Some("ivan@example.com"));
        contact.email = Some("ivan@example.com\r\nBcc: all@victims.test".into());
        let mail = offline_email(&settings, &contact, "Hi", "desk@shop.test".into(), 1);
        assert_eq!(mail.reply_to, None, "a header never takes a line break");
        contact.email = None;
        let mail = offline_email(&settings, &contact, "Hi", "desk@shop.test".into(), 1);
        assert_eq!(mail.reply_to, None);
    }

    #[test]
    fn a_burst_of_replies_is_one_mail_but_a_long_one_is_not_held_forever() {
        let delay = 1_000;
        let first = PendingReplyMail::after_reply(None, 7, 10_000, delay);
        assert_eq!((first.first_seq, first.due_at), (7, 11_000));
        let second = PendingReplyMail::after_reply(Some(first), 8, 10_500, delay);
        assert_eq!((second.first_seq, second.due_at), (7, 11_500));
        let much_later = PendingReplyMail::after_reply(Some(second), 30, 14_900, delay);
        assert_eq!(
            much_later.due_at, 15_000,
            "at most five delays after the first"
        );
        assert_eq!(much_later.first_seq, 7);
    }

    fn with(m: ChatMessage, f: impl FnOnce(&mut ChatMessage)) -> ChatMessage {
        let mut m = m;
        f(&mut m);
        m
    }

    #[test]
    fn a_reply_mail_holds_the_replies_and_a_little_context_never_notes_or_deleted_ones() {
        let anna = Author::Operator {
            id: OperatorId::parse("op-anna").unwrap(),
            name: "Anna".into(),
        };
        let at = 1_796_030_142_000;
        let mut log: Vec<ChatMessage> = (1..=7)
            .map(|seq| message(seq, at + seq, Author::Visitor, &format!("q{seq}"), None))
            .collect();
        log.push(message(8, at + 8, anna.clone(), "First answer", None));
        log.push(with(
            message(9, at + 9, anna.clone(), "secret", None),
            |m| m.note = true,
        ));
        log.push(with(message(10, at + 10, anna.clone(), "", None), |m| {
            m.deleted = true
        }));
        log.push(message(11, at + 11, Author::Visitor, "late question", None));
        log.push(message(12, at + 12, anna.clone(), "Second answer", None));
        let (replies, context) = reply_mail_parts(&log, 8).unwrap();
        let seqs = |v: &[ChatMessage]| v.iter().map(|m| m.seq).collect::<Vec<_>>();
        assert_eq!(seqs(&replies), vec![8, 12]);
        assert_eq!(seqs(&context), vec![3, 4, 5, 6, 7], "the five before");
        assert_eq!(
            reply_mail_parts(&log[..10], 9),
            None,
            "nothing left to mail"
        );
    }

    #[test]
    fn the_link_back_is_the_visitors_page_opening_the_chat_and_only_a_page_of_the_site() {
        let ours = [
            "https://shop.test".to_owned(),
            "https://*.shop.test".to_owned(),
        ];
        assert_eq!(
            reopen_link("https://shop.test/tea?x=1#reviews", &ours).as_deref(),
            Some("https://shop.test/tea?x=1#consultant-chat")
        );
        assert_eq!(
            reopen_link("https://m.shop.test?x", &ours).as_deref(),
            Some("https://m.shop.test?x#consultant-chat")
        );
        for forged in [
            "https://evil.test/shop.test",
            "https://shop.test@evil.test/",
            "https://evil.test?.shop.test",
            "https://shop.test.evil.test/",
            "http://shop.test/",
            "javascript:alert(1)//https://shop.test",
            "",
        ] {
            assert_eq!(reopen_link(forged, &ours), None, "{forged}");
        }
        assert_eq!(
            reopen_link("https://shop.test/", &[]),
            None,
            "with no origins set any page runs the widget: no page is the site's"
        );
    }

    #[test]
    fn a_reply_mail_reads_in_the_site_language() {
        let mut settings = SiteSettings::new("Teapot Shop");
        settings.offline.notify_email = Some("desk@shop.test".into());
        let chat = chat();
        let file = with(chat[1].clone(), |m| {
            m.seq = 4;
            m.text = String::new();
            m.attachment = Some(crate::Attachment {
                id: "f".into(),
                name: "manual.pdf".into(),
                size: 1,
                content_type: "application/pdf".into(),
            });
        });
        let replies = [chat[1].clone(), file];
        let link = "https://shop.test/#consultant-chat";
        let mail = reply_email(
            &settings,
            &replies,
            &chat[..1],
            Some(link),
            "ivan@example.com".into(),
            5,
        );
        assert_eq!(mail.subject, "New reply from Teapot Shop");
        assert_eq!(mail.reply_to.as_deref(), Some("desk@shop.test"));
        assert_eq!(
            mail.body,
            "You have a reply in the chat on Teapot Shop:\n\n\
             [2026-11-30 09:16 UTC] Anna: Send a photo, please\n\
             [2026-11-30 09:16 UTC] Anna: [file: manual.pdf]\n\
             \nContinue the chat: https://shop.test/#consultant-chat\n\
             \nEarlier in the chat:\n\
             [2026-11-30 09:15 UTC] You: My teapot leaks\n\
             \nYou get this e-mail because you left your address in the chat on Teapot Shop.\n"
        );
        settings.locale = Some(Locale::Ru);
        let mail = reply_email(&settings, &replies, &[], None, "ivan@example.com".into(), 5);
        let address = "reply+demo.c.1.t@mail.shop.test".to_owned();
        let answerable = answerable(mail.clone(), &settings, address.clone());
        assert_eq!(answerable.reply_to, Some(address));
        assert!(answerable.body.starts_with(&mail.body) && answerable.body.len() > mail.body.len());
        assert_eq!(mail.subject, "Новый ответ — Teapot Shop");
        assert!(
            mail.body.contains("Anna: [файл: manual.pdf]"),
            "{}",
            mail.body
        );
        assert!(!mail.body.contains("Продолжить чат"), "no page, no link");
    }
}
