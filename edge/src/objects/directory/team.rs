//! A site's team: who works on it, adding and removing operators. Removal is per site: it
//! never touches the account's other sites.

use super::{no_content, parse_role, role_name, AccountDirectory, AddOperator, RemoveOperator};
use crate::http;
use protocol::{ErrorCode, OperatorId, OperatorInfo};
use serde::Deserialize;
use worker::{Response, Result};

#[derive(Deserialize)]
struct TeamRow {
    id: String,
    name: String,
    email: String,
    role: String,
    removed_at: Option<i64>,
    avatar_at: Option<i64>,
}

impl AccountDirectory {
    pub(super) fn team(&self, site: &str) -> Result<Vec<OperatorInfo>> {
        let rows: Vec<TeamRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT o.id, o.name, o.email, m.role, m.removed_at, o.avatar_at FROM operators o
                 JOIN memberships m ON m.operator_id = o.id WHERE m.site = ?
                 ORDER BY m.removed_at IS NOT NULL, o.name",
                vec![site.into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let id = OperatorId::parse(r.id).ok()?;
                Some(OperatorInfo {
                    avatar: r.avatar_at.map(|at| protocol::avatar_path(&id, at as u64)),
                    id,
                    name: r.name,
                    email: r.email,
                    role: parse_role(&r.role)?,
                    removed: r.removed_at.is_some(),
                })
            })
            .collect())
    }

    /// Adds an operator to a site: a new account, or (proven by the router) an existing one,
    /// which may also be one this site removed before.
    pub(super) fn add(&self, body: AddOperator) -> Result<Response> {
        let new = body.operator;
        let Ok(email) = protocol::api::email(&new.email) else {
            return http::error(ErrorCode::InvalidField, "email is not a valid address");
        };
        let sql = self.state.storage().sql();
        let id = match (body.existing, body.password) {
            (Some(existing), _) => {
                let on_team = self
                    .memberships(existing.as_str())?
                    .iter()
                    .any(|m| m.site == body.site);
                if on_team {
                    return http::error(ErrorCode::Conflict, "this e-mail is already on the team");
                }
                existing.to_string()
            }
            (None, Some(password)) => {
                let taken: Vec<super::CountRow> = sql
                    .exec(
                        "SELECT COUNT(*) AS n FROM operators WHERE email = ?",
                        vec![email.as_str().into()],
                    )?
                    .to_array()?;
                if taken.first().is_some_and(|c| c.n > 0) {
                    // Created meanwhile: the router must check that account's password first.
                    return http::error(ErrorCode::Conflict, "this e-mail already has an account");
                }
                let id = crate::random::id();
                sql.exec(
                    "INSERT INTO operators (id, email, name, password, created_at)
                     VALUES (?, ?, ?, ?, ?)",
                    vec![
                        id.as_str().into(),
                        email.into(),
                        new.name.trim().into(),
                        password.into(),
                        (http::now_ms() as i64).into(),
                    ],
                )?;
                id
            }
            (None, None) => return http::error(ErrorCode::InvalidField, "password is required"),
        };
        sql.exec(
            "INSERT INTO memberships (operator_id, site, role) VALUES (?, ?, ?)
             ON CONFLICT (operator_id, site) DO UPDATE SET role = excluded.role, removed_at = NULL",
            vec![
                id.as_str().into(),
                body.site.as_str().into(),
                role_name(new.role).into(),
            ],
        )?;
        let info = self
            .team(body.site.as_str())?
            .into_iter()
            .find(|o| o.id.as_str() == id);
        Ok(http::json(&info)?.with_status(201))
    }

    /// Removes an operator from one site: his chats there stay in history; he can no longer
    /// act on that site. His account and his other sites are untouched.
    pub(super) fn remove(&self, body: RemoveOperator) -> Result<Response> {
        let Some(target) = self
            .team(body.site.as_str())?
            .into_iter()
            .find(|o| o.id == body.id && !o.removed)
        else {
            return http::error(ErrorCode::NotFound, "no such operator on this site");
        };
        if target.id == body.actor {
            return http::error(ErrorCode::Forbidden, "you cannot remove yourself");
        }
        if !body.actor_role.may_remove(target.role) {
            return http::error(
                ErrorCode::Forbidden,
                "your role may not remove this operator",
            );
        }
        self.state.storage().sql().exec(
            "UPDATE memberships SET removed_at = ?
             WHERE operator_id = ? AND site = ? AND removed_at IS NULL",
            vec![
                (http::now_ms() as i64).into(),
                body.id.as_str().into(),
                body.site.as_str().into(),
            ],
        )?;
        no_content()
    }
}
