//! Who gets a new chat: the site's routing rules (`protocol::routing`) over who is online.

use super::link::AssignRequest;
use super::SiteRoom;
use crate::http;
use protocol::routing::{route, ChatRequest, OperatorLoad};
use protocol::OperatorCard;
use serde::Deserialize;
use worker::Result;

impl SiteRoom {
    /// Picks the operator for a chat (`protocol::routing`) from who is online, their open chats
    /// and the site's routing settings, and counts the chat against him at once so that chats
    /// arriving together spread out.
    pub(super) fn assign(&self, request: &AssignRequest) -> Result<Option<OperatorCard>> {
        #[derive(Deserialize)]
        struct Load {
            assignee: String,
            n: i64,
        }
        #[derive(Deserialize)]
        struct Routed {
            operator: String,
            at: i64,
        }
        let sql = self.state.storage().sql();
        let loads: Vec<Load> = sql
            .exec(
                "SELECT assignee, COUNT(*) AS n FROM conversations
                 WHERE open = 1 AND assignee IS NOT NULL AND id != ? GROUP BY assignee",
                vec![request.conversation.as_str().into()],
            )?
            .to_array()?;
        let routed: Vec<Routed> = sql
            .exec("SELECT operator, at FROM routed", None)?
            .to_array()?;
        let Some(settings) = self.settings()? else {
            return Ok(None);
        };
        let online = self.online_operators();
        let operators: Vec<OperatorLoad> = online
            .iter()
            .filter(|o| request.exclude.as_ref() != Some(&o.id))
            .map(|o| {
                let (departments, max_chats) = settings.routing.for_operator(&o.id);
                OperatorLoad {
                    id: o.id.clone(),
                    online: true,
                    departments,
                    active_chats: loads
                        .iter()
                        .find(|l| l.assignee == o.id.as_str())
                        .map_or(0, |l| l.n as u32),
                    max_chats,
                    last_assigned_at: routed
                        .iter()
                        .find(|r| r.operator == o.id.as_str())
                        .map_or(0, |r| r.at as u64),
                }
            })
            .collect();
        let chosen = route(
            &operators,
            &settings.routing.regions,
            ChatRequest {
                // A closed department's chat goes to whoever is online.
                department: request
                    .department
                    .as_deref()
                    .filter(|d| settings.opening(Some(d), http::now_ms()).open),
                previous_operator: request.previous.as_ref(),
                country: request.geo.country.as_deref(),
                city: request.geo.city.as_deref(),
            },
        );
        let Some(chosen) = chosen else {
            return Ok(None);
        };
        sql.exec(
            "INSERT INTO routed (operator, at) VALUES (?, ?)
             ON CONFLICT (operator) DO UPDATE SET at = excluded.at",
            vec![chosen.as_str().into(), (http::now_ms() as i64).into()],
        )?;
        sql.exec(
            "UPDATE conversations SET assignee = ?, open = 1 WHERE id = ?",
            vec![chosen.as_str().into(), request.conversation.as_str().into()],
        )?;
        Ok(online.into_iter().find(|o| o.id == chosen))
    }
}
