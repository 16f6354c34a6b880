//! What goes out to Telegram users, in the order operators did it: stored first, then sent
//! one by one. The first item Telegram does not take holds everything after it (a later
//! edit must not overtake its message): a 429 waits the `retry_after` Telegram names, a 5xx
//! or no answer waits the webhooks' schedule; an item refused for good (the user blocked the
//! bot), or still not taken when the schedule runs out, is dropped and its operator told in
//! the chat.

use super::link::{Action, Outgoing};
use super::TelegramBot;
use crate::http;
use crate::objects::conversation::link::ConversationLink;
use crate::telegram::api::{Answer, BotApi};
use crate::telegram::update::rating_data;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::Result;

/// Telegram's longest caption: a longer text goes as a message of its own before the file.
const MAX_CAPTION_CHARS: usize = 1024;
/// Types Telegram shows as a photo; every other file goes as a document.
const PHOTO_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp"];

#[derive(Deserialize)]
struct Row {
    id: i64,
    item: String,
    attempts: i64,
    next_at: i64,
}

/// What came of one item.
enum Outcome {
    Done,
    /// Not now: everything waits until `at`.
    WaitUntil {
        at: u64,
        reason: Option<String>,
    },
    /// Dropped, with why (told to the operator when it was his message).
    Dropped(String),
}

impl TelegramBot {
    pub(super) fn enqueue(&self, outgoing: &Outgoing) -> Result<()> {
        self.state.storage().sql().exec(
            "INSERT INTO queue (item, next_at) VALUES (?, ?)",
            vec![
                serde_json::to_string(outgoing)?.into(),
                (http::now_ms() as i64).into(),
            ],
        )?;
        Ok(())
    }

    pub(super) fn waiting(&self) -> Result<u32> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let rows: Vec<Count> = self
            .state
            .storage()
            .sql()
            .exec("SELECT COUNT(*) AS n FROM queue", None)?
            .to_array()?;
        Ok(rows.first().map_or(0, |c| c.n as u32))
    }

    fn head(&self) -> Result<Option<Row>> {
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT id, item, attempts, next_at FROM queue ORDER BY id LIMIT 1",
                None,
            )?
            .to_array()?;
        Ok(rows.into_iter().next())
    }

    /// Sends what is due, in order, until the queue is empty or its head must wait (then the
    /// alarm is set for it). One flush at a time: one started meanwhile leaves it to this one.
    pub(super) async fn flush(&self) -> Result<()> {
        if self.flushing.replace(true) {
            return Ok(());
        }
        let result = self.flush_queue().await;
        self.flushing.set(false);
        result
    }

    async fn flush_queue(&self) -> Result<()> {
        let sql = self.state.storage().sql();
        while let Some(row) = self.head()? {
            let now = http::now_ms();
            if row.next_at as u64 > now {
                return self.wake_at(row.next_at as u64).await;
            }
            let attempts = row.attempts as u32 + 1;
            // Claimed before it is sent: whatever happens next, the attempt is counted.
            sql.exec(
                "UPDATE queue SET attempts = ? WHERE id = ?",
                vec![i64::from(attempts).into(), row.id.into()],
            )?;
            let outgoing: Outgoing = serde_json::from_str(&row.item)?;
            match self.perform(&outgoing, attempts).await? {
                Outcome::Done => {}
                Outcome::WaitUntil { at, reason } => {
                    sql.exec(
                        "UPDATE queue SET next_at = ? WHERE id = ?",
                        vec![(at as i64).into(), row.id.into()],
                    )?;
                    // Told once, on the first failure: the operator knows it is late.
                    if let (Some(reason), 1) = (reason, attempts) {
                        let reason = format!("{reason}; trying again");
                        self.tell_operator(&outgoing, reason).await?;
                    }
                    continue;
                }
                Outcome::Dropped(reason) => {
                    crate::log::event("telegram.not_delivered", &[("reason", &reason)]);
                    self.tell_operator(&outgoing, reason).await?;
                }
            }
            sql.exec("DELETE FROM queue WHERE id = ?", vec![row.id.into()])?;
        }
        Ok(())
    }

    pub(super) async fn wake_at(&self, at: u64) -> Result<()> {
        let storage = self.state.storage();
        let set = storage.get_alarm().await?;
        if set.is_none_or(|set| set as u64 > at) {
            storage
                .set_alarm(at.saturating_sub(http::now_ms()) as i64)
                .await?;
        }
        Ok(())
    }

    /// A message of an operator's that did not go out: a note in its chat.
    async fn tell_operator(&self, outgoing: &Outgoing, reason: String) -> Result<()> {
        let seq = match &outgoing.action {
            Action::Send { seq, .. } | Action::Edit { seq, .. } | Action::Delete { seq } => *seq,
            Action::Survey { .. } => return Ok(()),
        };
        ConversationLink::new(&self.env, &outgoing.site, &outgoing.conversation)?
            .not_delivered(seq, &reason)
            .await
    }

    async fn perform(&self, outgoing: &Outgoing, attempts: u32) -> Result<Outcome> {
        let Some(bot) = self.bot()? else {
            return Ok(Outcome::Dropped("no Telegram bot is connected".into()));
        };
        let api = BotApi::new(&self.env, &bot.token)?;
        let chat = outgoing.chat_id;
        let conversation = outgoing.conversation.as_str();
        let answer = match &outgoing.action {
            Action::Send {
                seq,
                text,
                attachment: None,
            } => {
                let answer = api
                    .call("sendMessage", &json!({ "chat_id": chat, "text": text }))
                    .await?;
                self.record(conversation, *seq, &answer, false)?;
                answer
            }
            Action::Send {
                seq,
                text,
                attachment: Some(file),
            } => {
                let Some((file, bytes)) =
                    crate::files::load(&self.env, &outgoing.site, &outgoing.conversation, &file.id)
                        .await?
                else {
                    return Ok(Outcome::Dropped("the file is gone".into()));
                };
                let caption = text.chars().count() <= MAX_CAPTION_CHARS;
                if !caption && !self.sent(conversation, *seq)?.iter().any(|(_, c)| !c) {
                    let answer = api
                        .call("sendMessage", &json!({ "chat_id": chat, "text": text }))
                        .await?;
                    self.record(conversation, *seq, &answer, false)?;
                    if !matches!(answer, Answer::Done(_)) {
                        return Ok(self.outcome(answer, attempts));
                    }
                }
                let (method, field) = if PHOTO_TYPES.contains(&file.content_type.as_str()) {
                    ("sendPhoto", "photo")
                } else {
                    ("sendDocument", "document")
                };
                let mut fields = vec![("chat_id", chat.to_string())];
                if caption && !text.is_empty() {
                    fields.push(("caption", text.clone()));
                }
                let answer = api
                    .upload(
                        method,
                        &fields,
                        field,
                        &file.name,
                        &file.content_type,
                        &bytes,
                    )
                    .await?;
                self.record(conversation, *seq, &answer, true)?;
                answer
            }
            Action::Edit { seq, text } => {
                // Its message never went out (or is gone): nothing to change there.
                let Some((message_id, caption)) = self
                    .sent(conversation, *seq)?
                    .into_iter()
                    .min_by_key(|(_, c)| *c)
                else {
                    return Ok(Outcome::Done);
                };
                let (method, field) = if caption {
                    ("editMessageCaption", "caption")
                } else {
                    ("editMessageText", "text")
                };
                let body = json!({ "chat_id": chat, "message_id": message_id, field: text });
                api.call(method, &body).await?
            }
            Action::Delete { seq } => {
                let mut last = Answer::Done(Value::Null);
                for (message_id, _) in self.sent(conversation, *seq)? {
                    let body = json!({ "chat_id": chat, "message_id": message_id });
                    last = api.call("deleteMessage", &body).await?;
                    if !matches!(last, Answer::Done(_)) {
                        break;
                    }
                    self.state.storage().sql().exec(
                        "DELETE FROM sent WHERE conversation = ? AND seq = ? AND message_id = ?",
                        vec![conversation.into(), (*seq as i64).into(), message_id.into()],
                    )?;
                }
                last
            }
            Action::Survey { scale, locale } => {
                let labels = protocol::words::scale_labels(*scale, *locale);
                let buttons: Vec<Value> = labels
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        json!({ "text": label, "callback_data": rating_data(i as u8 + 1) })
                    })
                    .collect();
                let question = match locale {
                    protocol::Locale::Ru => "Оцените, пожалуйста, чат:",
                    protocol::Locale::En => "How was the chat? Please rate it:",
                };
                let body = json!({
                    "chat_id": chat,
                    "text": question,
                    "reply_markup": { "inline_keyboard": [buttons] },
                });
                api.call("sendMessage", &body).await?
            }
        };
        Ok(self.outcome(answer, attempts))
    }

    fn outcome(&self, answer: Answer, attempts: u32) -> Outcome {
        let now = http::now_ms();
        match answer {
            Answer::Done(_) => Outcome::Done,
            Answer::WaitSeconds(seconds) => Outcome::WaitUntil {
                at: now + seconds * 1000,
                reason: None,
            },
            Answer::Refused(reason) => Outcome::Dropped(reason),
            Answer::Later(reason) => {
                let unit = crate::config::of(&self.env).map_or(60_000, |c| c.webhook_retry_unit_ms);
                match protocol::webhooks::retry_delay_ms(attempts, unit) {
                    Some(delay) => Outcome::WaitUntil {
                        at: now + delay,
                        reason: Some(reason),
                    },
                    None => Outcome::Dropped(format!("{reason}; gave up")),
                }
            }
        }
    }

    /// Remembers the Telegram message that `seq` became (to edit or delete it later).
    fn record(&self, conversation: &str, seq: u64, answer: &Answer, caption: bool) -> Result<()> {
        let Answer::Done(message) = answer else {
            return Ok(());
        };
        let Some(message_id) = message.get("message_id").and_then(Value::as_i64) else {
            return Ok(());
        };
        self.state.storage().sql().exec(
            "INSERT OR IGNORE INTO sent (conversation, seq, message_id, caption) VALUES (?, ?, ?, ?)",
            vec![
                conversation.into(),
                (seq as i64).into(),
                message_id.into(),
                i64::from(caption).into(),
            ],
        )?;
        Ok(())
    }

    /// The Telegram messages `seq` became: (message id, is it a file's caption).
    fn sent(&self, conversation: &str, seq: u64) -> Result<Vec<(i64, bool)>> {
        #[derive(Deserialize)]
        struct Sent {
            message_id: i64,
            caption: i64,
        }
        let rows: Vec<Sent> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT message_id, caption FROM sent WHERE conversation = ? AND seq = ?",
                vec![conversation.into(), (seq as i64).into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| (r.message_id, r.caption != 0))
            .collect())
    }
}
