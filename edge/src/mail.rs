//! Outgoing e-mail through Cloudflare's `send_email` binding (`EMAIL`), from the address in the
//! `EMAIL_FROM` variable. With no sender configured (local runs) e-mails are only queued in the
//! site's outbox, where admins and the tests read them.

use protocol::{Delivery, OutboxEmail};
use worker::{Env, SendEmailBuilder};

pub async fn deliver(env: &Env, email: &OutboxEmail) -> Delivery {
    let from = env
        .var("EMAIL_FROM")
        .map(|v| v.to_string())
        .unwrap_or_default();
    if from.trim().is_empty() {
        return Delivery::Queued;
    }
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
    match sender.send_with_builder(&message).await {
        Ok(_) => Delivery::Sent,
        Err(e) => {
            let reason = format!("{e:?}");
            worker::console_error!("e-mail to the outbox could not be sent: {reason}");
            Delivery::Failed { reason }
        }
    }
}
