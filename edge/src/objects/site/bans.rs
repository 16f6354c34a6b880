//! Who may not chat on the site: visitors and IP addresses banned by its operators.

use super::SiteRoom;
use serde::Deserialize;
use worker::Result;

impl SiteRoom {
    pub(super) fn add_ban(&self, ban: &protocol::Ban) -> Result<()> {
        self.state.storage().sql().exec(
            "INSERT INTO bans (visitor, ip, ban) VALUES (?, ?, ?)",
            vec![
                ban.visitor.as_ref().map(|v| v.to_string()).into(),
                ban.ip.clone().into(),
                serde_json::to_string(ban)?.into(),
            ],
        )?;
        Ok(())
    }

    pub(super) fn remove_ban(&self, id: i64) -> Result<()> {
        self.state
            .storage()
            .sql()
            .exec("DELETE FROM bans WHERE id = ?", vec![id.into()])?;
        Ok(())
    }

    pub(super) fn bans(&self) -> Result<Vec<protocol::Ban>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            ban: String,
        }
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec("SELECT id, ban FROM bans ORDER BY id DESC", None)?
            .to_array()?;
        rows.into_iter()
            .map(|r| {
                let mut ban: protocol::Ban = serde_json::from_str(&r.ban)?;
                ban.id = r.id as u64;
                Ok(ban)
            })
            .collect()
    }

    pub(super) fn banned(&self, visitor: Option<&String>, ip: Option<&String>) -> Result<bool> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let empty = String::new();
        let rows: Vec<Count> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT COUNT(*) AS n FROM bans WHERE (visitor IS NOT NULL AND visitor = ?)
                 OR (ip IS NOT NULL AND ip = ?)",
                vec![
                    visitor.unwrap_or(&empty).as_str().into(),
                    ip.unwrap_or(&empty).as_str().into(),
                ],
            )?
            .to_array()?;
        Ok(rows.first().is_some_and(|c| c.n > 0))
    }
}
