//! What the chat is: its department, its end (closed, spam, a ban), the visitor's rating,
//! a call back, the transcript e-mailed to the visitor, and the operators' tags.

use super::super::store::Meta;
use super::super::ConversationRoom;
use super::done;
use super::refuse;
use crate::http;
use crate::participant::Participant;
use protocol::conversation::{check_rating, Status};
use protocol::{ErrorCode, ProtocolError, SystemEvent};
use worker::{Result, WebSocket};

/// How many transcripts this conversation has e-mailed (store key).
const TRANSCRIPTS_SENT: &str = "transcripts_sent";

impl ConversationRoom {
    /// `Department`: the visitor's choice, one of the site's.
    pub(super) async fn choose_department(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        id: String,
    ) -> Result<()> {
        let settings = self.settings(meta).await?;
        if !settings.departments.iter().any(|d| d.id == id) {
            return refuse(
                ws,
                ProtocolError::new(ErrorCode::InvalidField, "no such department"),
            );
        }
        self.save_state(meta, |s| s.department = Some(id)).await?;
        done(ws, "department")
    }

    /// `Close`: either side ends the chat (once).
    pub(super) async fn close(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
    ) -> Result<()> {
        if self.store().state()?.status == Status::Closed {
            return done(ws, "close");
        }
        let event = match participant {
            Participant::Operator { name, .. } => {
                SystemEvent::ClosedByOperator { name: name.clone() }
            }
            Participant::Visitor { .. } => SystemEvent::EndedByVisitor,
        };
        let survey = self.settings(meta).await?.rating.asks_on_close();
        self.system_message(String::new(), Some(event))?;
        self.save_state(meta, |s| {
            s.status = Status::Closed;
            s.survey |= survey;
        })
        .await?;
        if matches!(participant, Participant::Operator { .. }) {
            self.survey_to_telegram(meta).await?;
        }
        done(ws, "close")
    }

    /// `Spam`: the chat ends as spam (the visitor reads that the operator ended it).
    pub(super) async fn spam(&self, ws: &WebSocket, meta: &Meta) -> Result<()> {
        self.end_as_spam(meta).await?;
        done(ws, "spam")
    }

    /// `Ban`: the visitor and his address may not chat on the site again; the chat ends as
    /// spam and his sockets close (reconnecting is refused at the edge).
    pub(super) async fn ban(
        &self,
        ws: &WebSocket,
        participant: &Participant,
        meta: &Meta,
    ) -> Result<()> {
        let by = match participant {
            Participant::Operator { name, .. } => name.clone(),
            Participant::Visitor { .. } => String::new(),
        };
        self.site(meta)
            .ban(&protocol::Ban {
                id: 0,
                visitor: Some(meta.visitor.clone()),
                ip: meta.ip.clone(),
                by,
                at: http::now_ms(),
            })
            .await?;
        self.end_as_spam(meta).await?;
        for socket in self.state.get_websockets_with_tag("visitor") {
            let _ = socket.close(Some(1008), Some("banned"));
        }
        done(ws, "ban")
    }

    /// Ends the chat as spam, once.
    async fn end_as_spam(&self, meta: &Meta) -> Result<()> {
        if self.store().state()?.spam {
            return Ok(());
        }
        self.system_message(String::new(), Some(SystemEvent::EndedAsSpam))?;
        self.save_state(meta, |s| {
            s.status = Status::Closed;
            s.spam = true;
        })
        .await
    }

    /// `Rate`: the visitor's score (once, on the site's scale), then the site's reply to it.
    pub(super) async fn rate(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        score: u8,
        comment: Option<String>,
    ) -> Result<()> {
        match self.rated(meta, score, comment).await? {
            Ok(()) => done(ws, "rate"),
            Err(e) => refuse(ws, e),
        }
    }

    /// Records the visitor's rating (from the widget or Telegram's buttons); `Err` when it is
    /// not taken (rated already, not on the scale).
    pub(in super::super) async fn rated(
        &self,
        meta: &Meta,
        score: u8,
        comment: Option<String>,
    ) -> Result<std::result::Result<(), ProtocolError>> {
        let settings = self.settings(meta).await?;
        let state = self.store().state()?;
        let rating = match check_rating(&settings, &state, score, comment.as_deref()) {
            Ok(rating) => rating,
            Err(e) => return Ok(Err(e)),
        };
        let positive = rating.scale.is_positive(score);
        let event = SystemEvent::Rated {
            score,
            scale: rating.scale,
        };
        self.system_message(String::new(), Some(event))?;
        let reply = if positive {
            settings.rating.positive_reply.clone()
        } else {
            settings.rating.negative_reply.clone()
        };
        if let Some(reply) = reply.filter(|r| !r.trim().is_empty()) {
            self.system_message(reply, None)?;
        }
        self.save_state(meta, |s| s.rating = Some(rating)).await?;
        Ok(Ok(()))
    }

    /// `Callback`: the visitor asks to be called back.
    pub(super) async fn callback(&self, ws: &WebSocket, meta: &Meta, phone: String) -> Result<()> {
        let event = SystemEvent::CallbackRequested {
            phone: phone.clone(),
        };
        self.system_message(String::new(), Some(event))?;
        self.save_state(meta, |s| s.callback = Some(phone)).await?;
        done(ws, "callback")
    }

    /// `Transcript`: the chat e-mailed to an address the visitor typed — his word only, so a
    /// few per chat, a chat with something in it, and a daily cap per site (the site's).
    pub(super) async fn send_transcript(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        email: String,
    ) -> Result<()> {
        let store = self.store();
        let sent: u32 = store.get(TRANSCRIPTS_SENT)?.unwrap_or(0);
        if sent >= protocol::limits::TRANSCRIPTS_PER_CONVERSATION {
            return refuse(
                ws,
                ProtocolError::new(
                    ErrorCode::RateLimited,
                    "this chat's transcript was sent as many times as it may be",
                ),
            );
        }
        let messages = store.all_but_notes()?;
        if messages.is_empty() {
            return refuse(
                ws,
                ProtocolError::new(ErrorCode::InvalidField, "this chat has no messages yet"),
            );
        }
        let settings = self.settings(meta).await?;
        let mail =
            protocol::chat_mail::transcript_email(&settings, &messages, email, http::now_ms());
        let mail = self.answerable_mail(meta, &settings, mail)?;
        if !self.site(meta).queue_visitor_email(&mail).await? {
            return refuse(
                ws,
                ProtocolError::new(
                    ErrorCode::RateLimited,
                    "transcripts cannot be sent today: try again tomorrow",
                ),
            );
        }
        store.put(TRANSCRIPTS_SENT, &(sent + 1))?;
        done(ws, "transcript")
    }

    /// Whether the site's consent rule lets this conversation keep contact data now.
    pub(super) async fn may_keep_contact(
        &self,
        meta: &Meta,
    ) -> Result<std::result::Result<(), ProtocolError>> {
        let settings = self.settings(meta).await?;
        let agreed = self.store().state()?.consent.is_some();
        Ok(settings.consent.admits_contact(agreed))
    }

    /// `Contact`: the visitor's contact data, kept once he agreed when the site asks that.
    pub(super) async fn save_contact(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        contact: protocol::ContactInfo,
    ) -> Result<()> {
        if !contact.is_empty() {
            if let Err(error) = self.may_keep_contact(meta).await? {
                return refuse(ws, error);
            }
        }
        self.save_state(meta, |s| s.contact.merge(contact)).await?;
        done(ws, "contact")
    }

    /// `Consent`: the visitor agreed to the site's policy; the newest agreement is kept, with
    /// the words he read and when.
    pub(super) async fn consent(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        text: String,
        policy_url: String,
    ) -> Result<()> {
        let record = protocol::consent::ConsentRecord {
            at: http::now_ms(),
            text,
            policy_url,
        };
        self.save_state(meta, |s| s.consent = Some(record)).await?;
        done(ws, "consent")
    }

    /// `Tag` / `Untag`: an operator puts a tag on the chat (as the site's list spells it, or
    /// a free one when the site allows them) or takes one off.
    pub(super) async fn retag(
        &self,
        ws: &WebSocket,
        meta: &Meta,
        tag: String,
        add: bool,
    ) -> Result<()> {
        let settings = self.settings(meta).await?;
        let retagged = |current: &[String]| match add {
            true => settings.tags.add(current, &tag),
            false => Ok(protocol::tags::remove(current, &tag)),
        };
        // Checked on the state as it is now; the change below reads it again (nothing can
        // come between: there is no await until it is written).
        if let Err(error) = retagged(&self.store().state()?.tags) {
            return refuse(ws, error);
        }
        self.save_state(meta, |s| {
            if let Ok(tags) = retagged(&s.tags) {
                s.tags = tags;
            }
        })
        .await?;
        done(ws, if add { "tag" } else { "untag" })
    }
}
