//! E-mail. Outgoing through Cloudflare's `send_email` binding (`EMAIL`), from the address in
//! the `EMAIL_FROM` variable; with no sender configured (local runs) e-mails are only queued in
//! the site's outbox, where admins and the tests read them. Incoming: visitors' answers to
//! `reply+…@EMAIL_REPLY_DOMAIN` (`inbound`, read by `parse`).

pub mod inbound;
pub mod parse;

use protocol::{Delivery, OutboxEmail};
use worker::{Env, SendEmailBuilder};

pub async fn deliver(env: &Env, email: &OutboxEmail) -> Delivery {
    let Some(from) = crate::config::get(env)
        .ok()
        .and_then(|c| c.email_from.clone())
    else {
        return Delivery::Queued;
    };
    let sender = match env.send_email("EMAIL") {
        Ok(sender) => sender,
        Err(e) => {
            return Delivery::Failed {
                reason: format!("no EMAIL binding: {e}"),
            }
        }
    };
    let message = SendEmailBuilder::new(&from, &email.to, &email.subject);
    message.set_text(&email.body);
    if let Some(reply_to) = &email.reply_to {
        message.set_reply_to(reply_to);
    }
    match sender.send_with_builder(&message).await {
        Ok(_) => Delivery::Sent,
        Err(e) => {
            let reason = format!("{e:?}");
            // The reason may hold the address: it stays in the outbox, not in the log.
            crate::log::error("email.failed", &"send_email refused the message", &[]);
            Delivery::Failed { reason }
        }
    }
}
