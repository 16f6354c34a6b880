//! The account directory: operator accounts (with hashed passwords), their site memberships,
//! their sessions and password resets. A single instance, named [`DIRECTORY_NAME`].
//!
//! Passwords are hashed and checked by the router, never here: PBKDF2 takes tens of ms, and
//! every operator request and socket asks this one object, which must answer at once.

use crate::http;
use protocol::rate_table::RateTable;
use protocol::{ErrorCode, Role, SiteId, SiteMembership};
use serde::Deserialize;
use std::cell::RefCell;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

mod link;
mod profile;
mod push;
mod sessions;
mod team;

pub use link::*;
pub use profile::{AvatarChanged, ClaimSite, SaveStatuses};
pub use push::{AddPushDevice, PushTarget, PushTargetsQuery};

pub const DIRECTORY_NAME: &str = "main";

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS operators (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS memberships (
    operator_id TEXT NOT NULL REFERENCES operators (id),
    site TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (operator_id, site)
);";

pub(crate) const MIGRATIONS: &[&str] = &[
    // v2: removed operators keep their chats but can no longer sign in.
    "ALTER TABLE operators ADD COLUMN removed_at INTEGER",
    // v3: the operator's own statuses and his avatar's version (the image is in R2).
    "ALTER TABLE operators ADD COLUMN statuses TEXT NOT NULL DEFAULT '[]';
     ALTER TABLE operators ADD COLUMN avatar_at INTEGER;",
    // v4: removal is per site (an admin of one site could remove an account from all of them);
    // accounts removed before keep being removed from every site they had. Sessions, so that
    // signing out, a password change and the owner can end them; one-time password resets;
    // account e-mail (resets), kept apart from the sites' outboxes that admins read.
    "ALTER TABLE memberships ADD COLUMN removed_at INTEGER;
     UPDATE memberships SET removed_at =
        (SELECT o.removed_at FROM operators o WHERE o.id = memberships.operator_id);
     UPDATE operators SET removed_at = NULL;
     CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER);
     CREATE INDEX IF NOT EXISTS sessions_by_operator ON sessions (operator_id);
     CREATE TABLE IF NOT EXISTS password_resets (
        code_hash TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER);
     CREATE TABLE IF NOT EXISTS mail (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL,
        created_at INTEGER NOT NULL);",
    push::MIGRATION,
];

#[derive(Deserialize)]
struct MembershipRow {
    site: String,
    role: String,
    removed_at: Option<i64>,
}

#[derive(Deserialize)]
struct CountRow {
    n: i64,
}

/// Which rate a key of the directory's limiter is under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Limited {
    /// Password checks from one address (`protocol::rate_table::ip_key`).
    Ip(String),
    /// Password checks of one account (its e-mail, so unknown addresses count too).
    Attempts(String),
    /// Reset e-mails of one account.
    Resets(String),
}

/// Most keys the limiter remembers (the quietest are forgotten first).
const MAX_LIMITED_KEYS: usize = 20_000;

#[durable_object]
pub struct AccountDirectory {
    state: State,
    env: Env,
    /// In memory: limits over seconds and minutes need not survive the object's eviction.
    limits: RefCell<RateTable<Limited>>,
}

impl DurableObject for AccountDirectory {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = crate::objects::migrate(&state.storage().sql(), SCHEMA, MIGRATIONS) {
            crate::log::error("schema.migration_failed", &e, &[("object", "directory")]);
        }
        Self {
            state,
            env,
            limits: RefCell::new(RateTable::new(MAX_LIMITED_KEYS)),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let route = match http::read_route::<DirectoryRoute>(&mut req).await {
            Ok(route) => route,
            Err(e) => return http::error(ErrorCode::NotFound, e.to_string()),
        };
        match route {
            DirectoryRoute::Bootstrap(body) => self.bootstrap(body),
            DirectoryRoute::Credentials(query) => self.credentials(query),
            DirectoryRoute::OpenSession(open) => http::json(&self.open_session(&open)?),
            DirectoryRoute::RevokeSessions(revoke) => {
                self.revoke_sessions(&revoke)?;
                no_content()
            }
            DirectoryRoute::SetPassword(set) => {
                self.set_password(&set)?;
                no_content()
            }
            DirectoryRoute::AskReset(ask) => self.ask_reset(ask).await,
            DirectoryRoute::ConfirmReset(confirm) => self.confirm_reset(&confirm),
            DirectoryRoute::Mail => http::json(&self.mail()?),
            DirectoryRoute::Team { site } => http::json(&self.team(&site)?),
            DirectoryRoute::AddOperator(body) => self.add(body),
            DirectoryRoute::RemoveOperator(body) => self.remove(body),
            DirectoryRoute::Status { op, sid } => http::json(&self.status(&op, &sid)?),
            DirectoryRoute::Memberships { op } => http::json(&self.memberships(&op)?),
            DirectoryRoute::Profile { op } => match self.profile(&op)? {
                Some(profile) => http::json(&profile),
                None => http::error(ErrorCode::NotFound, "no such account"),
            },
            DirectoryRoute::SaveStatuses(body) => self.save_statuses(&body),
            DirectoryRoute::Avatar(body) => self.avatar_changed(&body),
            DirectoryRoute::ClaimSite(body) => self.claim_site(&body),
            DirectoryRoute::PushDevices { op } => http::json(&self.push_devices(&op)?),
            DirectoryRoute::AddPushDevice(add) => http::json(&self.add_push_device(&add)?),
            DirectoryRoute::RemovePushDevice { op, id } => {
                if self.remove_push_device(&op, &id)? {
                    no_content()
                } else {
                    http::error(ErrorCode::NotFound, "no such device of yours")
                }
            }
            DirectoryRoute::PushTargets(query) => http::json(&self.push_targets(&query)?),
            DirectoryRoute::ForgetPushDevices { ids } => {
                self.forget_push_devices(&ids)?;
                no_content()
            }
        }
    }
}

fn no_content() -> Result<Response> {
    Ok(Response::empty()?.with_status(204))
}

/// The memberships not removed, as the protocol names them.
fn active_sites(rows: &[MembershipRow]) -> Vec<SiteMembership> {
    rows.iter()
        .filter(|m| m.removed_at.is_none())
        .filter_map(|m| {
            Some(SiteMembership {
                site: SiteId::parse(m.site.clone()).ok()?,
                role: parse_role(&m.role)?,
            })
        })
        .collect()
}

pub(crate) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Admin => "admin",
        Role::Operator => "operator",
    }
}

pub(crate) fn parse_role(name: &str) -> Option<Role> {
    match name {
        "owner" => Some(Role::Owner),
        "admin" => Some(Role::Admin),
        "operator" => Some(Role::Operator),
        _ => None,
    }
}

impl AccountDirectory {
    fn membership_rows(&self, id: &str) -> Result<Vec<MembershipRow>> {
        self.state
            .storage()
            .sql()
            .exec(
                "SELECT site, role, removed_at FROM memberships WHERE operator_id = ? ORDER BY site",
                vec![id.into()],
            )?
            .to_array()
    }

    /// The sites the account works on now (not those it was removed from).
    fn memberships(&self, id: &str) -> Result<Vec<SiteMembership>> {
        Ok(active_sites(&self.membership_rows(id)?))
    }

    /// The account's standing for a request of session `sid`: active while the session is and
    /// the account still works on some site.
    fn status(&self, id: &str, sid: &str) -> Result<AccountStatus> {
        // Asked on every operator request: one read of the memberships serves both lists.
        let rows = self.membership_rows(id)?;
        let removed_from = rows
            .iter()
            .filter(|m| m.removed_at.is_some())
            .filter_map(|m| SiteId::parse(m.site.clone()).ok())
            .collect();
        let sites = active_sites(&rows);
        let session = self.session_live(id, sid)?;
        Ok(AccountStatus {
            active: session && !sites.is_empty(),
            session,
            sites,
            removed_from,
        })
    }

    fn has_accounts(&self) -> Result<bool> {
        let count: Vec<CountRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT COUNT(*) AS n FROM operators", None)?
            .to_array()?;
        Ok(count.first().map(|c| c.n).unwrap_or(0) > 0)
    }

    /// Creates the first owner (the router hashed his password). Refused once any account
    /// exists, so a leaked bootstrap secret cannot take over a running installation.
    fn bootstrap(&self, body: Bootstrap) -> Result<Response> {
        if self.has_accounts()? {
            return http::error(
                ErrorCode::Conflict,
                "this installation already has an owner",
            );
        }
        let sql = self.state.storage().sql();
        let id = crate::random::id();
        sql.exec(
            "INSERT INTO operators (id, email, name, password, created_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                id.as_str().into(),
                body.email.into(),
                body.name.trim().into(),
                body.password.into(),
                (http::now_ms() as i64).into(),
            ],
        )?;
        sql.exec(
            "INSERT INTO memberships (operator_id, site, role) VALUES (?, ?, ?)",
            vec![
                id.as_str().into(),
                body.site.as_str().into(),
                role_name(Role::Owner).into(),
            ],
        )?;
        no_content()
    }
}
