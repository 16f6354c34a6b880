//! Operators' push devices: one browser subscription per device, held with the account and
//! the session that registered it. Signing out (that session, or everywhere) forgets the
//! device, so a shared or lost phone stops receiving visitors' words; a site only reaches the
//! devices of its current team.

use super::{parse_role, AccountDirectory};
use crate::http;
use protocol::push::{NewPushDevice, PushDevice, MAX_DEVICES};
use protocol::{OperatorId, Role, SiteId};
use serde::{Deserialize, Serialize};
use worker::Result;

pub(super) const MIGRATION: &str = "
CREATE TABLE IF NOT EXISTS push_devices (
    id TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS push_devices_by_operator ON push_devices (operator_id);";

/// `op`'s session `sid` registers a device (validated by the router).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddPushDevice {
    pub op: OperatorId,
    pub sid: String,
    pub device: NewPushDevice,
}

/// The devices a site's change should reach: of `operators` (all of the team when `None`),
/// but not of those in `except` (their console is open), and only current members.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushTargetsQuery {
    pub site: SiteId,
    pub operators: Option<Vec<OperatorId>>,
    pub except: Vec<OperatorId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushTarget {
    pub device: String,
    pub op: OperatorId,
    pub role: Role,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

#[derive(Deserialize)]
struct DeviceRow {
    id: String,
    label: String,
    endpoint: String,
    created_at: i64,
}

#[derive(Deserialize)]
struct TargetRow {
    id: String,
    operator_id: String,
    role: String,
    endpoint: String,
    p256dh: String,
    auth: String,
}

/// The push service's host, all a list shows of an endpoint.
fn service_of(endpoint: &str) -> String {
    endpoint
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default())
        .unwrap_or_default()
        .to_owned()
}

impl AccountDirectory {
    pub(super) fn push_devices(&self, op: &OperatorId) -> Result<Vec<PushDevice>> {
        let rows: Vec<DeviceRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT id, label, endpoint, created_at FROM push_devices
                 WHERE operator_id = ? ORDER BY created_at DESC",
                vec![op.as_str().into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .map(|r| PushDevice {
                service: service_of(&r.endpoint),
                id: r.id,
                label: r.label,
                created_at: r.created_at as u64,
            })
            .collect())
    }

    /// Registers the device. The same subscription again (the same browser, perhaps now
    /// signed in as someone else) moves to this account and session.
    pub(super) fn add_push_device(&self, add: &AddPushDevice) -> Result<PushDevice> {
        let sql = self.state.storage().sql();
        let now = http::now_ms() as i64;
        let id = crate::random::id();
        let label = add.device.label.trim();
        sql.exec(
            "INSERT INTO push_devices (id, operator_id, session_id, endpoint, p256dh, auth, label, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (endpoint) DO UPDATE SET id = excluded.id, operator_id = excluded.operator_id,
                 session_id = excluded.session_id, p256dh = excluded.p256dh, auth = excluded.auth,
                 label = excluded.label, created_at = excluded.created_at",
            vec![
                id.as_str().into(),
                add.op.as_str().into(),
                add.sid.as_str().into(),
                add.device.endpoint.as_str().into(),
                add.device.keys.p256dh.as_str().into(),
                add.device.keys.auth.as_str().into(),
                label.into(),
                now.into(),
            ],
        )?;
        // The oldest go beyond the cap: a loop of registrations cannot grow the table.
        sql.exec(
            "DELETE FROM push_devices WHERE operator_id = ? AND id NOT IN
                (SELECT id FROM push_devices WHERE operator_id = ? ORDER BY created_at DESC LIMIT ?)",
            vec![
                add.op.as_str().into(),
                add.op.as_str().into(),
                (MAX_DEVICES as i64).into(),
            ],
        )?;
        Ok(PushDevice {
            id,
            label: label.to_owned(),
            service: service_of(&add.device.endpoint),
            created_at: now as u64,
        })
    }

    /// Forgets a device of `op`'s: `false` when he has none by that id.
    pub(super) fn remove_push_device(&self, op: &OperatorId, id: &str) -> Result<bool> {
        let before = self.push_devices(op)?.len();
        self.state.storage().sql().exec(
            "DELETE FROM push_devices WHERE operator_id = ? AND id = ?",
            vec![op.as_str().into(), id.into()],
        )?;
        Ok(self.push_devices(op)?.len() < before)
    }

    /// Devices whose push subscription is gone (the push service said 404 or 410).
    pub(super) fn forget_push_devices(&self, ids: &[String]) -> Result<()> {
        for id in ids {
            self.state.storage().sql().exec(
                "DELETE FROM push_devices WHERE id = ?",
                vec![id.as_str().into()],
            )?;
        }
        Ok(())
    }

    /// Devices of sessions that ended by signing out (here or everywhere) or a new password.
    pub(super) fn forget_devices_of_revoked_sessions(&self, op: &OperatorId) -> Result<()> {
        self.state.storage().sql().exec(
            "DELETE FROM push_devices WHERE operator_id = ? AND session_id IN
                (SELECT id FROM sessions WHERE operator_id = ? AND revoked_at IS NOT NULL)",
            vec![op.as_str().into(), op.as_str().into()],
        )?;
        Ok(())
    }

    pub(super) fn push_targets(&self, query: &PushTargetsQuery) -> Result<Vec<PushTarget>> {
        let rows: Vec<TargetRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT d.id, d.operator_id, m.role, d.endpoint, d.p256dh, d.auth FROM push_devices d
                 JOIN memberships m ON m.operator_id = d.operator_id
                 WHERE m.site = ? AND m.removed_at IS NULL",
                vec![query.site.as_str().into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let op = OperatorId::parse(r.operator_id).ok()?;
                let wanted = query.operators.as_ref().is_none_or(|ops| ops.contains(&op));
                (wanted && !query.except.contains(&op)).then_some(PushTarget {
                    device: r.id,
                    role: parse_role(&r.role)?,
                    op,
                    endpoint: r.endpoint,
                    p256dh: r.p256dh,
                    auth: r.auth,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_list_shows_only_the_service_of_an_endpoint() {
        assert_eq!(
            super::service_of("https://fcm.googleapis.com/fcm/send/secret-token"),
            "fcm.googleapis.com"
        );
        assert_eq!(
            super::service_of("http://127.0.0.1:8899/push?x"),
            "127.0.0.1:8899"
        );
        assert_eq!(super::service_of("nonsense"), "");
    }
}
