//! Who may not chat on the site: visitors and IP addresses banned by its operators from a
//! chat, and addresses or ranges its admins add by hand.

use super::SiteRoom;
use protocol::bans::{BanPart, IpRange};
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

    /// Lifts `part` of ban `id`; a ban with nothing left is gone.
    pub(super) fn lift_ban(&self, id: i64, part: BanPart) -> Result<()> {
        let sql = self.state.storage().sql();
        if part != BanPart::All {
            #[derive(Deserialize)]
            struct Row {
                ban: String,
            }
            let rows: Vec<Row> = sql
                .exec("SELECT ban FROM bans WHERE id = ?", vec![id.into()])?
                .to_array()?;
            let Some(row) = rows.first() else {
                return Ok(());
            };
            let mut ban: protocol::Ban = serde_json::from_str(&row.ban)?;
            match part {
                BanPart::Visitor => ban.visitor = None,
                BanPart::Ip => ban.ip = None,
                BanPart::All => {}
            }
            sql.exec(
                "UPDATE bans SET visitor = ?, ip = ?, ban = ? WHERE id = ?",
                vec![
                    ban.visitor.as_ref().map(|v| v.to_string()).into(),
                    ban.ip.clone().into(),
                    serde_json::to_string(&ban)?.into(),
                    id.into(),
                ],
            )?;
        }
        sql.exec(
            "DELETE FROM bans WHERE id = ? AND (? OR (visitor IS NULL AND ip IS NULL))",
            vec![id.into(), i64::from(part == BanPart::All).into()],
        )?;
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
        if rows.first().is_some_and(|c| c.n > 0) {
            return Ok(true);
        }
        // Ranges an admin added (few: checked one by one).
        let Some(ip) = ip else {
            return Ok(false);
        };
        #[derive(Deserialize)]
        struct Range {
            ip: String,
        }
        let ranges: Vec<Range> = self
            .state
            .storage()
            .sql()
            .exec("SELECT ip FROM bans WHERE ip LIKE '%/%'", None)?
            .to_array()?;
        Ok(ranges
            .iter()
            .any(|r| IpRange::parse(&r.ip).is_ok_and(|range| range.contains(ip))))
    }
}
