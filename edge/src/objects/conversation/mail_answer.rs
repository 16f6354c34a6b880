//! A visitor's answer by e-mail to a reply mail (read and checked by `crate::mail::inbound`):
//! stored as his messages, marked as come by e-mail, routed and reported like any other; a
//! mail delivered twice is stored once.

use super::commands::Written;
use super::store::Meta;
use super::ConversationRoom;
use crate::auth::reply_address;
use crate::auth::token::TokenKey;
use crate::http;
use crate::participant::Participant;
use protocol::{Attachment, Channel, ClientMessageId, ErrorCode, OutboxEmail, SiteSettings};
use serde::{Deserialize, Serialize};
use worker::{Response, Result};

/// What the answer holds; its files are already in this conversation's storage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailAnswer {
    /// From the mail's Message-ID: the same mail is the same message.
    pub client_id: ClientMessageId,
    pub text: String,
    pub attachments: Vec<Attachment>,
}

impl ConversationRoom {
    /// With `EMAIL_REPLY_DOMAIN` set, a mail to the visitor that his answer by e-mail comes
    /// back from into this chat; without, the mail as it is (answers reach the site's address).
    pub(super) fn answerable_mail(
        &self,
        meta: &Meta,
        settings: &SiteSettings,
        mail: OutboxEmail,
    ) -> Result<OutboxEmail> {
        let config = crate::config::of(&self.env)?;
        let Some(domain) = config.email_reply_domain.as_deref() else {
            return Ok(mail);
        };
        let key = TokenKey::new(&config.token_secret).map_err(worker::Error::RustError)?;
        let address =
            reply_address::address(&key, &meta.site, &meta.conversation, http::now_ms(), domain);
        Ok(protocol::chat_mail::answerable(mail, settings, address))
    }

    /// 204 once stored; 404 for no such conversation; 403 or 429 with why (sent back to the
    /// visitor in the bounce).
    pub(super) async fn mail_answer(&self, answer: MailAnswer) -> Result<Response> {
        let store = self.store();
        let Some(meta) = store.meta()? else {
            return http::error(ErrorCode::NotFound, "no such conversation");
        };
        if store.state()?.spam {
            return http::error(ErrorCode::Forbidden, "the operator ended this chat");
        }
        if self
            .site(&meta)
            .is_banned(Some(&meta.visitor), None)
            .await?
        {
            return http::error(ErrorCode::Forbidden, "this visitor may not chat here");
        }
        if let Err(e) = self.within_length(&answer.text, &answer.client_id) {
            return http::protocol_error(e);
        }
        if self.visitor_may(true).is_err() {
            return http::error(
                ErrorCode::RateLimited,
                "too many messages in a short time: please write again later",
            );
        }
        let visitor = Participant::Visitor {
            visitor: meta.visitor.clone(),
        };
        let by_mail = |client_id, text, attachment| Written {
            client_id,
            text,
            attachment,
            via: Some(Channel::Email),
        };
        let MailAnswer {
            client_id,
            text,
            attachments,
        } = answer;
        if !text.is_empty() || attachments.is_empty() {
            let written = by_mail(client_id.clone(), text, None);
            self.store_message(None, &visitor, &meta, written).await?;
        }
        // A message carries one file: each file of the mail is a message of its own.
        for (i, file) in attachments.into_iter().enumerate() {
            self.file_sent(&file.id)?;
            let id = ClientMessageId::parse(format!("{}-{i}", client_id.as_str()))
                .map_err(|e| worker::Error::RustError(e.to_string()))?;
            self.store_message(
                None,
                &visitor,
                &meta,
                by_mail(id, String::new(), Some(file)),
            )
            .await?;
        }
        Ok(Response::empty()?.with_status(204))
    }
}
