//! The words for what happens in a chat (ended, rated, transferred…) and for the points of a
//! rating scale, in Russian and English: as the visitor reads them (the widget, the transcript
//! e-mailed to him) and as operators do (the console). One table for all three.

use crate::settings::RatingScale;
use crate::{Locale, SystemEvent};

/// Who reads the words: the visitor is "you" and never learns of spam marks; operators are
/// told who did what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Visitor,
    Operator,
}

/// The labels of a rating scale's points, score 1 first.
pub fn scale_labels(scale: RatingScale, locale: Locale) -> &'static [&'static str] {
    let ru = locale == Locale::Ru;
    match scale {
        RatingScale::Off => &[],
        RatingScale::Thumbs if ru => &["👎 Плохо", "👍 Хорошо"],
        RatingScale::Thumbs => &["👎 Bad", "👍 Good"],
        RatingScale::ThreeFaces if ru => &["☹️ Плохо", "😐 Нормально", "🙂 Хорошо"],
        RatingScale::ThreeFaces => &["☹️ Bad", "😐 OK", "🙂 Good"],
        RatingScale::FiveFaces if ru => &[
            "😠 Ужасно",
            "☹️ Плохо",
            "😐 Нормально",
            "🙂 Хорошо",
            "😍 Отлично",
        ],
        RatingScale::FiveFaces => &["😠 Awful", "☹️ Bad", "😐 OK", "🙂 Good", "😍 Excellent"],
    }
}

/// Who signs the site's automatic answers.
pub fn bot_name(locale: Locale) -> &'static str {
    match locale {
        Locale::Ru => "Автоответ",
        Locale::En => "Automatic answer",
    }
}

/// A system event as `reader` reads it.
pub fn system_event(event: &SystemEvent, locale: Locale, reader: Reader) -> String {
    let ru = locale == Locale::Ru;
    let visitor = reader == Reader::Visitor;
    match event {
        SystemEvent::ClosedByOperator { name } if ru => format!("{name} завершил(а) чат"),
        SystemEvent::ClosedByOperator { name } => format!("{name} closed the chat"),
        SystemEvent::EndedByVisitor => match (visitor, ru) {
            (true, true) => "Вы завершили чат".into(),
            (true, false) => "You ended the chat".into(),
            (false, true) => "Посетитель завершил чат".into(),
            (false, false) => "The visitor ended the chat".into(),
        },
        SystemEvent::EndedAsSpam => match (visitor, ru) {
            (true, true) => "Оператор завершил чат".into(),
            (true, false) => "The operator ended the chat".into(),
            (false, true) => {
                "Отмечено как спам; посетителю сообщено, что оператор завершил чат".into()
            }
            (false, false) => {
                "Marked as spam; the visitor was told the operator ended the chat".into()
            }
        },
        SystemEvent::Rated { score, scale } if visitor => {
            let label = scale_labels(*scale, locale)
                .get((*score as usize).wrapping_sub(1))
                .copied()
                .unwrap_or("");
            let rated = if ru {
                "Вы оценили чат"
            } else {
                "You rated the chat"
            };
            format!("{rated}: {label}")
        }
        // What operators are shown when the site hides ratings from them.
        SystemEvent::Rated {
            scale: RatingScale::Off,
            ..
        } => if ru {
            "Посетитель оценил чат"
        } else {
            "The visitor rated the chat"
        }
        .to_owned(),
        SystemEvent::Rated { score, scale } => {
            let rated = if ru { "Оценка" } else { "Rated" };
            format!("{rated}: {score}/{}", scale.max())
        }
        SystemEvent::CallbackRequested { phone } if ru => {
            format!("Заказан обратный звонок: {phone}")
        }
        SystemEvent::CallbackRequested { phone } => format!("Call back requested: {phone}"),
        SystemEvent::Assigned { name } | SystemEvent::Invited { name } if visitor => {
            if ru {
                format!("{name} в чате")
            } else {
                format!("{name} joined the chat")
            }
        }
        SystemEvent::Assigned { name } if ru => format!("{name} взял(а) чат"),
        SystemEvent::Assigned { name } => format!("{name} took the chat"),
        SystemEvent::Invited { name } if ru => format!("{name} приглашён(а) в чат"),
        SystemEvent::Invited { name } => format!("{name} was invited to the chat"),
        SystemEvent::Transferred { to, .. } if visitor => {
            let transferred = if ru {
                "Чат передан"
            } else {
                "The chat was transferred to"
            };
            format!("{transferred}: {to}")
        }
        SystemEvent::Transferred { from, to } => {
            let transferred = if ru { "Передан" } else { "Transferred" };
            format!("{transferred}: {from} → {to}")
        }
        SystemEvent::TransferredToDepartment { department } => {
            let transferred = match (visitor, ru) {
                (true, true) => "Чат передан",
                (true, false) => "The chat was transferred to",
                (false, true) => "Передан",
                (false, false) => "Transferred",
            };
            format!("{transferred}: {department}")
        }
        SystemEvent::NotDelivered { reason, .. } if ru => {
            format!("Сообщение не доставлено в Telegram: {reason}")
        }
        SystemEvent::NotDelivered { reason, .. } => {
            format!("The message did not reach Telegram: {reason}")
        }
        SystemEvent::NoAnswer => match (visitor, ru) {
            (true, true) => "Извините, сейчас никто не может ответить. Оставьте сообщение — мы ответим по почте.".into(),
            (true, false) => "Sorry, nobody can answer right now. Leave a message and we will reply by e-mail.".into(),
            (false, true) => "Никто не ответил вовремя: посетителю предложено оставить сообщение".into(),
            (false, false) => "Nobody answered in time: the visitor was offered to leave a message".into(),
        },
        SystemEvent::OfferedToEveryone if ru => {
            "Никто не ответил вовремя: чат предложен всем, кто в сети".into()
        }
        SystemEvent::OfferedToEveryone => {
            "Nobody answered in time: the chat is offered to everyone online".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visitor_reads_you_and_never_spam_operators_read_who_did_what() {
        let spam = SystemEvent::EndedAsSpam;
        assert_eq!(
            system_event(&spam, Locale::En, Reader::Visitor),
            "The operator ended the chat"
        );
        assert!(system_event(&spam, Locale::En, Reader::Operator).starts_with("Marked as spam"));
        let transferred = SystemEvent::Transferred {
            from: "Anna".into(),
            to: "Oleg".into(),
        };
        assert_eq!(
            system_event(&transferred, Locale::En, Reader::Visitor),
            "The chat was transferred to: Oleg"
        );
        assert_eq!(
            system_event(&transferred, Locale::Ru, Reader::Operator),
            "Передан: Anna → Oleg"
        );
        let assigned = SystemEvent::Assigned {
            name: "Anna".into(),
        };
        assert_eq!(
            system_event(&assigned, Locale::Ru, Reader::Visitor),
            "Anna в чате"
        );
        assert_eq!(
            system_event(&assigned, Locale::En, Reader::Operator),
            "Anna took the chat"
        );
    }

    #[test]
    fn a_rating_reads_as_its_label_to_the_visitor_and_as_a_score_to_operators() {
        let rated = SystemEvent::Rated {
            score: 5,
            scale: RatingScale::FiveFaces,
        };
        assert_eq!(
            system_event(&rated, Locale::En, Reader::Visitor),
            "You rated the chat: 😍 Excellent"
        );
        assert_eq!(
            system_event(&rated, Locale::Ru, Reader::Operator),
            "Оценка: 5/5"
        );
        for scale in [
            RatingScale::Thumbs,
            RatingScale::ThreeFaces,
            RatingScale::FiveFaces,
        ] {
            for locale in [Locale::En, Locale::Ru] {
                assert_eq!(scale_labels(scale, locale).len(), scale.max() as usize);
            }
        }
        let out_of_scale = SystemEvent::Rated {
            score: 0,
            scale: RatingScale::Thumbs,
        };
        assert_eq!(
            system_event(&out_of_scale, Locale::En, Reader::Visitor),
            "You rated the chat: "
        );
    }
}
