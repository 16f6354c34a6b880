//! E-mail. Outgoing through Cloudflare's `send_email` binding (`EMAIL`), from the address in
//! the `EMAIL_FROM` variable; with no sender configured (local runs) e-mails are only queued in
//! the site's outbox, where admins and the tests read them. Incoming: visitors' answers to
//! `reply+…@EMAIL_REPLY_DOMAIN` (`inbound`, read by `parse`).

pub mod inbound;
pub mod parse;
pub mod reply_text;

use protocol::OutboxEmail;
use worker::{Env, SendEmailBuilder};

pub mod smtp;

/// What became of one attempt to send a mail.
pub enum Outcome {
    Sent,
    /// No sender configured (`EMAIL_FROM` empty): the mail stays in the outbox.
    NoSender,
    /// Worth another try later (server down, busy, connection lost).
    Retry(String),
    /// Refused for good (the server said 5xx).
    Failed(String),
}

impl Outcome {
    /// As the outbox shows it, for a mail tried once and not again (account mail).
    pub fn delivery(self) -> protocol::Delivery {
        match self {
            Outcome::Sent => protocol::Delivery::Sent,
            Outcome::NoSender => protocol::Delivery::Queued,
            Outcome::Retry(reason) | Outcome::Failed(reason) => {
                protocol::Delivery::Failed { reason }
            }
        }
    }
}

/// One attempt: through the owner's SMTP server when `SMTP_URL` is set, else Cloudflare's
/// `send_email` binding. `message_id` is the mail's own, the same on every attempt.
pub async fn deliver(env: &Env, email: &OutboxEmail, message_id: &str) -> Outcome {
    let Ok(config) = crate::config::get(env) else {
        return Outcome::Retry("the relay is not configured".into());
    };
    let Some(from) = config.email_from.clone() else {
        return Outcome::NoSender;
    };
    if let Some(server) = &config.smtp {
        let date = protocol::time::mail_date(crate::http::now_ms());
        return match smtp::send(server, &from, email, message_id, &date).await {
            Ok(()) => Outcome::Sent,
            Err(e) if e.permanent => Outcome::Failed(e.reason),
            Err(e) => Outcome::Retry(e.reason),
        };
    }
    let sender = match env.send_email("EMAIL") {
        Ok(sender) => sender,
        Err(e) => return Outcome::Failed(format!("no EMAIL binding: {e}")),
    };
    let message = SendEmailBuilder::new(&from, &email.to, &email.subject);
    message.set_text(&email.body);
    if let Some(reply_to) = &email.reply_to {
        message.set_reply_to(reply_to);
    }
    match sender.send_with_builder(&message).await {
        Ok(_) => Outcome::Sent,
        // The reason may hold the address: it stays in the outbox, not in the log.
        Err(e) => Outcome::Retry(format!("{e:?}")),
    }
}
