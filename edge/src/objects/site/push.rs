//! Web Push when a conversation changes (`protocol::push::push_for`): to the devices of the
//! operators who should hear of it, who may open the chat and have no console open now, after
//! the answer to the conversation (`wait_until`), so a push service's latency delays nobody.

use super::inbox::masked_summary;
use super::SiteRoom;
use crate::objects::directory::{DirectoryLink, PushTargetsQuery};
use crate::participant::Participant;
use crate::push::{Sent, Target};
use protocol::push::{message, push_for, PushReason};
use protocol::settings::ContactMasking;
use protocol::{ConversationSummary, Locale, OperatorId, SiteId};

impl SiteRoom {
    pub(super) fn push_change(
        &self,
        site: &SiteId,
        before: Option<&ConversationSummary>,
        after: &ConversationSummary,
    ) {
        let Some((reason, operators)) = push_for(before, after) else {
            return;
        };
        let Some(sender) = crate::push::sender(&self.env) else {
            return;
        };
        // Whoever has a console open sees it there (and gets its sound and notification).
        let except: Vec<OperatorId> = self
            .members(None)
            .into_iter()
            .filter_map(|m| match m.participant {
                Participant::Operator { id, .. } => Some(id),
                _ => None,
            })
            .collect();
        let locale = self
            .settings()
            .ok()
            .flatten()
            .and_then(|s| s.locale)
            .unwrap_or(Locale::En);
        let change = Change {
            site: site.clone(),
            summary: after.clone(),
            reason,
            locale,
            masking: self.masking(),
        };
        let query = PushTargetsQuery {
            site: site.clone(),
            operators,
            except,
        };
        let env = self.env.clone();
        self.state.wait_until(async move {
            if let Err(e) = deliver(&env, &sender, query, &change).await {
                crate::log::error("push.failed", &e, &[("site", change.site.as_str())]);
            }
        });
    }
}

struct Change {
    site: SiteId,
    summary: ConversationSummary,
    reason: PushReason,
    locale: Locale,
    masking: ContactMasking,
}

async fn deliver(
    env: &worker::Env,
    sender: &crate::push::vapid::Vapid,
    query: PushTargetsQuery,
    change: &Change,
) -> worker::Result<()> {
    let directory = DirectoryLink::new(env)?;
    let mut gone = Vec::new();
    for target in directory.push_targets(query).await? {
        // An operator hears only of chats he may open (not a colleague's).
        if !change.summary.state.open_to(&target.op, target.role) {
            continue;
        }
        let shown = masked_summary(change.summary.clone(), Some(target.role), &change.masking);
        let payload =
            serde_json::to_vec(&message(&shown, change.reason, change.locale, &change.site))?;
        let to = Target {
            endpoint: &target.endpoint,
            p256dh: &target.p256dh,
            auth: &target.auth,
        };
        match crate::push::send(sender, &to, &payload).await {
            Sent::Accepted => crate::log::event(
                "push.sent",
                &[
                    ("site", change.site.as_str()),
                    ("conversation", change.summary.id.as_str()),
                ],
            ),
            Sent::Gone => gone.push(target.device),
            Sent::Failed(why) => {
                crate::log::error("push.refused", &why, &[("site", change.site.as_str())])
            }
        }
    }
    if !gone.is_empty() {
        directory.forget_push_devices(gone).await?;
    }
    Ok(())
}
