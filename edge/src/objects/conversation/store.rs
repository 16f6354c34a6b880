//! The conversation's SQLite tables: the message log and a small key/value `meta` table, with
//! schema migrations that run when the object wakes.

use crate::http;
use protocol::{
    Attachment, Author, Channel, ChatMessage, ClientMessageId, ConversationState, SystemEvent,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{Result, SqlStorage};

pub(crate) const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sender TEXT NOT NULL,
    client_id TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    UNIQUE (sender, client_id)
);";

/// Migrations after v1, in order; `meta.schema` records how many have run.
pub(crate) const MIGRATIONS: &[&str] = &[
    // v2: system messages record what happened.
    "ALTER TABLE messages ADD COLUMN event TEXT",
    // v3: messages may carry a file.
    "ALTER TABLE messages ADD COLUMN attachment TEXT",
    // v4: private notes among operators; edits and deletions by the author.
    "ALTER TABLE messages ADD COLUMN note INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE messages ADD COLUMN edited_at INTEGER;
     ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;",
    // v5: messages that came another way than the web chat (an e-mail answer) say so.
    "ALTER TABLE messages ADD COLUMN via TEXT",
];

/// Facts about the conversation, written once when the visitor first connects.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub site: protocol::SiteId,
    pub conversation: protocol::ConversationId,
    pub visitor: protocol::VisitorId,
    pub started_at: u64,
    /// The visitor's IP address at his last connect (for bans).
    #[serde(default)]
    pub ip: Option<String>,
    /// Where the visitor is, from the edge's request data (for region routing).
    #[serde(default)]
    pub geo: protocol::Geo,
}

#[derive(Deserialize)]
struct MessageRow {
    seq: i64,
    client_id: String,
    author: String,
    text: String,
    sent_at: i64,
    event: Option<String>,
    attachment: Option<String>,
    note: i64,
    edited_at: Option<i64>,
    deleted: i64,
    via: Option<String>,
}

impl MessageRow {
    fn into_message(self) -> Result<ChatMessage> {
        Ok(ChatMessage {
            seq: self.seq as u64,
            client_id: ClientMessageId::parse(self.client_id)
                .map_err(|e| worker::Error::RustError(e.to_string()))?,
            author: serde_json::from_str(&self.author)?,
            text: self.text,
            sent_at: self.sent_at as u64,
            event: self.event.map(|e| serde_json::from_str(&e)).transpose()?,
            attachment: self
                .attachment
                .map(|a| serde_json::from_str(&a))
                .transpose()?,
            note: self.note != 0,
            edited_at: self.edited_at.map(|t| t as u64),
            deleted: self.deleted != 0,
            via: self.via.and_then(|c| Channel::parse(&c)),
        })
    }
}

#[derive(Deserialize)]
struct SeqRow {
    seq: i64,
}

#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

/// A message about to be stored; the store assigns `seq` and the time.
pub struct Draft {
    /// Whose client ids this one must be unique among (see `Participant::sender_key`).
    pub sender: String,
    pub client_id: ClientMessageId,
    pub author: Author,
    pub text: String,
    pub event: Option<SystemEvent>,
    pub attachment: Option<Attachment>,
    pub note: bool,
    pub via: Option<Channel>,
}

const COLUMNS: &str =
    "seq, client_id, author, text, sent_at, event, attachment, note, edited_at, deleted, via";

pub struct Store(pub SqlStorage);

impl Store {
    pub fn migrate(&self) -> Result<()> {
        crate::objects::migrate(&self.0, SCHEMA_V1, MIGRATIONS)
    }

    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let rows: Vec<ValueRow> = self
            .0
            .exec("SELECT value FROM meta WHERE key = ?", vec![key.into()])?
            .to_array()?;
        rows.into_iter()
            .next()
            .map(|row| serde_json::from_str(&row.value).map_err(Into::into))
            .transpose()
    }

    pub fn put<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        self.0.exec(
            "INSERT INTO meta (key, value) VALUES (?, ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![key.into(), serde_json::to_string(value)?.into()],
        )?;
        Ok(())
    }

    pub fn meta(&self) -> Result<Option<Meta>> {
        self.get("meta")
    }

    pub fn state(&self) -> Result<ConversationState> {
        Ok(self.get("state")?.unwrap_or_default())
    }

    /// What reports need to know about this conversation (`protocol::reports::ChatFacts`).
    pub fn facts(&self) -> Result<protocol::reports::ChatFacts> {
        Ok(self.get("facts")?.unwrap_or_default())
    }

    pub fn set_facts(&self, facts: &protocol::reports::ChatFacts) -> Result<()> {
        self.put("facts", facts)
    }

    pub fn set_state(&self, state: &ConversationState) -> Result<()> {
        self.put("state", state)
    }

    /// Messages matching `condition` (on `seq`, with one `?` for `bound`), `limit` of them
    /// taken in `order`, returned oldest first; private notes only `with_notes`.
    fn messages_where(
        &self,
        condition: &str,
        bound: u64,
        order: &str,
        limit: usize,
        with_notes: bool,
    ) -> Result<Vec<ChatMessage>> {
        let rows: Vec<MessageRow> = self
            .0
            .exec(
                &format!(
                    "SELECT * FROM (SELECT {COLUMNS} FROM messages WHERE {condition} AND (note = 0 OR ?)
                     ORDER BY seq {order} LIMIT ?) ORDER BY seq ASC"
                ),
                vec![
                    (bound as i64).into(),
                    (with_notes as i64).into(),
                    (limit as i64).into(),
                ],
            )?
            .to_array()?;
        rows.into_iter().map(MessageRow::into_message).collect()
    }

    /// The newest `limit` messages with `seq > after`, oldest first; private notes only for
    /// operators.
    pub fn newest_after(
        &self,
        after: u64,
        limit: usize,
        with_notes: bool,
    ) -> Result<Vec<ChatMessage>> {
        self.messages_where("seq > ?", after, "DESC", limit, with_notes)
    }

    /// The oldest `limit` messages with `seq > after`, in order (catching a client up).
    pub fn oldest_after(
        &self,
        after: u64,
        limit: usize,
        with_notes: bool,
    ) -> Result<Vec<ChatMessage>> {
        self.messages_where("seq > ?", after, "ASC", limit, with_notes)
    }

    /// The newest `limit` messages with `seq < before`, in order (paging back in history).
    pub fn newest_before(
        &self,
        before: u64,
        limit: usize,
        with_notes: bool,
    ) -> Result<Vec<ChatMessage>> {
        self.messages_where("seq < ?", before, "DESC", limit, with_notes)
    }

    pub fn message(&self, seq: u64) -> Result<Option<ChatMessage>> {
        let rows: Vec<MessageRow> = self
            .0
            .exec(
                &format!("SELECT {COLUMNS} FROM messages WHERE seq = ?"),
                vec![(seq as i64).into()],
            )?
            .to_array()?;
        rows.into_iter()
            .next()
            .map(MessageRow::into_message)
            .transpose()
    }

    /// The author's edit: new text, marked edited.
    pub fn edit(&self, seq: u64, text: &str) -> Result<()> {
        self.0.exec(
            "UPDATE messages SET text = ?, edited_at = ? WHERE seq = ?",
            vec![
                text.into(),
                (http::now_ms() as i64).into(),
                (seq as i64).into(),
            ],
        )?;
        Ok(())
    }

    /// The author's deletion: the text and file are dropped, the entry stays as "deleted".
    pub fn delete(&self, seq: u64) -> Result<()> {
        self.0.exec(
            "UPDATE messages SET text = '', attachment = NULL, deleted = 1 WHERE seq = ?",
            vec![(seq as i64).into()],
        )?;
        Ok(())
    }

    pub fn last_operator_author(&self) -> Result<Option<Author>> {
        let rows: Vec<ValueRow> = self
            .0
            .exec(
                "SELECT author AS value FROM messages WHERE sender LIKE 'operator:%' AND note = 0
                 ORDER BY seq DESC LIMIT 1",
                None,
            )?
            .to_array()?;
        rows.into_iter()
            .next()
            .map(|row| serde_json::from_str(&row.value).map_err(Into::into))
            .transpose()
    }

    /// The sequence number this sender's `client_id` was stored under, if it was.
    pub fn stored_seq(&self, sender: &str, client_id: &ClientMessageId) -> Result<Option<u64>> {
        let rows: Vec<SeqRow> = self
            .0
            .exec(
                "SELECT seq FROM messages WHERE sender = ? AND client_id = ?",
                vec![sender.into(), client_id.as_str().into()],
            )?
            .to_array()?;
        Ok(rows.first().map(|r| r.seq as u64))
    }

    /// Appends a message (check `stored_seq` first: a conflicting insert would burn a number).
    pub fn append(&self, draft: Draft) -> Result<ChatMessage> {
        let Draft {
            sender,
            client_id,
            author,
            text,
            event,
            attachment,
            note,
            via,
        } = draft;
        let sent_at = http::now_ms();
        let event_json = event.as_ref().map(serde_json::to_string).transpose()?;
        let attachment_json = attachment.as_ref().map(serde_json::to_string).transpose()?;
        let inserted: Vec<SeqRow> = self
            .0
            .exec(
                "INSERT INTO messages (sender, client_id, author, text, sent_at, event, attachment, note, via)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
                vec![
                    sender.as_str().into(),
                    client_id.as_str().into(),
                    serde_json::to_string(&author)?.into(),
                    text.clone().into(),
                    (sent_at as i64).into(),
                    event_json.into(),
                    attachment_json.into(),
                    (note as i64).into(),
                    via.map(Channel::as_str).into(),
                ],
            )?
            .to_array()?;
        let seq = inserted
            .first()
            .ok_or_else(|| worker::Error::RustError("insert returned no sequence".into()))?
            .seq as u64;
        Ok(ChatMessage {
            seq,
            client_id,
            author,
            text,
            sent_at,
            event,
            attachment,
            note,
            edited_at: None,
            deleted: false,
            via,
        })
    }

    /// The message the inbox previews: the last one written (not a note), or when there is
    /// none yet the last event (e.g. a call-back request).
    pub fn last_message(&self) -> Result<Option<ChatMessage>> {
        let rows: Vec<MessageRow> = self
            .0
            .exec(
                &format!(
                    "SELECT {COLUMNS} FROM messages WHERE note = 0
                     ORDER BY event IS NULL DESC, seq DESC LIMIT 1"
                ),
                None,
            )?
            .to_array()?;
        rows.into_iter()
            .next()
            .map(MessageRow::into_message)
            .transpose()
    }

    pub fn count(&self) -> Result<u64> {
        let rows: Vec<SeqRow> = self
            .0
            .exec("SELECT COUNT(*) AS seq FROM messages", None)?
            .to_array()?;
        Ok(rows.first().map(|r| r.seq as u64).unwrap_or_default())
    }

    /// Every message but private notes, oldest first (transcripts).
    pub fn all_but_notes(&self) -> Result<Vec<ChatMessage>> {
        self.newest_after(0, crate::http::NO_LIMIT as usize, false)
    }

    /// Every message, private notes included (export).
    pub fn all_with_notes(&self) -> Result<Vec<ChatMessage>> {
        self.newest_after(0, crate::http::NO_LIMIT as usize, true)
    }

    /// Stores a message as it was exported: its number, time, edits and deletion kept.
    pub fn restore(&self, message: &ChatMessage) -> Result<()> {
        self.0.exec(
            "INSERT INTO messages (seq, sender, client_id, author, text, sent_at, event, attachment,
                 note, edited_at, deleted, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                (message.seq as i64).into(),
                protocol::export::sender_key(&message.author).into(),
                message.client_id.as_str().into(),
                serde_json::to_string(&message.author)?.into(),
                message.text.as_str().into(),
                (message.sent_at as i64).into(),
                message.event.as_ref().map(serde_json::to_string).transpose()?.into(),
                message.attachment.as_ref().map(serde_json::to_string).transpose()?.into(),
                i64::from(message.note).into(),
                message.edited_at.map(|t| t as i64).into(),
                i64::from(message.deleted).into(),
                message.via.map(Channel::as_str).into(),
            ],
        )?;
        Ok(())
    }
}
