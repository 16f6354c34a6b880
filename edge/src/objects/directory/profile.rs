//! An operator's own account: his profile, saved custom statuses, avatar version, and the
//! sites an owner adds.

use super::{role_name, AccountDirectory};
use crate::http;
use protocol::{AccountProfile, CustomStatus, ErrorCode, OperatorId, Role, SiteId};
use serde::{Deserialize, Serialize};
use worker::{Response, Result};

/// `POST /statuses` (internal): the router has validated the list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SaveStatuses {
    pub op: OperatorId,
    pub statuses: Vec<CustomStatus>,
}

/// `POST /avatar` (internal): the image is stored (or deleted, `at: None`) in R2.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AvatarChanged {
    pub op: OperatorId,
    pub at: Option<u64>,
}

/// `POST /sites` (internal): `op` owns the new site `site`, unless it is taken.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimSite {
    pub op: OperatorId,
    pub site: SiteId,
}

#[derive(Deserialize)]
struct ProfileRow {
    name: String,
    email: String,
    statuses: String,
    avatar_at: Option<i64>,
}

impl AccountDirectory {
    pub(super) fn profile(&self, op: &str) -> Result<Option<AccountProfile>> {
        let rows: Vec<ProfileRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT name, email, statuses, avatar_at FROM operators
                 WHERE id = ? AND removed_at IS NULL",
                vec![op.into()],
            )?
            .to_array()?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let Ok(id) = OperatorId::parse(op) else {
            return Ok(None);
        };
        Ok(Some(AccountProfile {
            avatar: row
                .avatar_at
                .map(|at| protocol::avatar_path(&id, at as u64)),
            id,
            name: row.name,
            email: row.email,
            statuses: serde_json::from_str(&row.statuses).unwrap_or_default(),
            sites: self.memberships(op)?,
        }))
    }

    pub(super) fn save_statuses(&self, body: &SaveStatuses) -> Result<Response> {
        self.state.storage().sql().exec(
            "UPDATE operators SET statuses = ? WHERE id = ?",
            vec![
                serde_json::to_string(&body.statuses)?.into(),
                body.op.as_str().into(),
            ],
        )?;
        Ok(Response::empty()?.with_status(204))
    }

    pub(super) fn avatar_changed(&self, body: &AvatarChanged) -> Result<Response> {
        self.state.storage().sql().exec(
            "UPDATE operators SET avatar_at = ? WHERE id = ?",
            vec![body.at.map(|at| at as i64).into(), body.op.as_str().into()],
        )?;
        Ok(Response::empty()?.with_status(204))
    }

    /// Makes `op` the owner of a new site; 409 when anyone already has that site.
    pub(super) fn claim_site(&self, body: &ClaimSite) -> Result<Response> {
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let sql = self.state.storage().sql();
        let taken: Vec<Count> = sql
            .exec(
                "SELECT COUNT(*) AS n FROM memberships WHERE site = ?",
                vec![body.site.as_str().into()],
            )?
            .to_array()?;
        if taken.first().is_some_and(|c| c.n > 0) {
            return http::error(ErrorCode::Conflict, "this site id is taken");
        }
        let owns_a_site = self
            .memberships(body.op.as_str())?
            .iter()
            .any(|m| m.role == Role::Owner);
        if !owns_a_site {
            return http::error(ErrorCode::Forbidden, "only site owners add sites");
        }
        sql.exec(
            "INSERT INTO memberships (operator_id, site, role) VALUES (?, ?, ?)",
            vec![
                body.op.as_str().into(),
                body.site.as_str().into(),
                role_name(Role::Owner).into(),
            ],
        )?;
        Ok(Response::empty()?.with_status(201))
    }
}
