//! The account directory: operator accounts (with hashed passwords) and their site memberships.
//! A single instance, named [`DIRECTORY_NAME`].

use crate::auth::password::{self, StoredPassword};
use crate::http;
use protocol::{
    BootstrapRequest, ErrorCode, NewOperator, OperatorId, OperatorInfo, Role, SignInRequest,
    SiteId, SiteMembership,
};
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

mod profile;

pub use profile::{AvatarChanged, ClaimSite, SaveStatuses};

pub const DIRECTORY_NAME: &str = "main";

fn query_value(req: &Request, key: &str) -> Result<String> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default())
}

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
];

/// `POST /operators` (internal): the router has checked the actor may add this role.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddOperator {
    pub site: SiteId,
    pub operator: NewOperator,
}

/// `POST /operators/remove` (internal).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoveOperator {
    pub site: SiteId,
    pub id: OperatorId,
    pub actor: OperatorId,
    pub actor_role: Role,
}

/// `GET /active?op=…`: whether an account may still act, and its sites now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountStatus {
    pub active: bool,
    pub sites: Vec<SiteMembership>,
}

/// A current (not removed) member of `site`'s team, as the directory knows him.
pub async fn colleague(
    env: &worker::Env,
    site: &SiteId,
    id: &OperatorId,
) -> Result<Option<OperatorInfo>> {
    let stub = env
        .durable_object("DIRECTORY")?
        .id_from_name(DIRECTORY_NAME)?
        .get_stub()?;
    let path = format!("/operators?site={}", http::encode(site.as_str()));
    let mut answer = http::call_object(
        &stub,
        worker::Method::Get,
        &path,
        worker::Headers::new(),
        None,
    )
    .await?;
    let team: Vec<OperatorInfo> = answer.json().await?;
    Ok(team.into_iter().find(|o| &o.id == id && !o.removed))
}

#[derive(Deserialize)]
struct TeamRow {
    id: String,
    name: String,
    email: String,
    role: String,
    removed_at: Option<i64>,
    avatar_at: Option<i64>,
}

/// What the directory answers to a successful sign-in; the router turns it into a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifiedOperator {
    pub id: OperatorId,
    pub name: String,
    pub sites: Vec<SiteMembership>,
}

#[derive(Deserialize)]
struct OperatorRow {
    id: String,
    name: String,
    password: String,
}

#[derive(Deserialize)]
struct MembershipRow {
    site: String,
    role: String,
}

#[derive(Deserialize)]
struct CountRow {
    n: i64,
}

#[durable_object]
pub struct AccountDirectory {
    state: State,
    #[allow(dead_code)]
    env: Env,
}

impl DurableObject for AccountDirectory {
    fn new(state: State, env: Env) -> Self {
        if let Err(e) = crate::objects::migrate(&state.storage().sql(), SCHEMA, MIGRATIONS) {
            crate::log::error("schema.migration_failed", &e, &[("object", "directory")]);
        }
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/bootstrap" => {
                let body: BootstrapRequest = req.json().await?;
                self.bootstrap(body).await
            }
            "/sign-in" => {
                let body: SignInRequest = req.json().await?;
                self.sign_in(body).await
            }
            "/operators" if req.method() == worker::Method::Get => {
                let site: String = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "site")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                http::json(&self.team(&site)?)
            }
            "/operators" => {
                let body: AddOperator = req.json().await?;
                self.add(body).await
            }
            "/operators/remove" => {
                let body: RemoveOperator = req.json().await?;
                self.remove(body)
            }
            "/profile" => {
                let op = query_value(&req, "op")?;
                match self.profile(&op)? {
                    Some(profile) => http::json(&profile),
                    None => http::error(ErrorCode::NotFound, "no such account"),
                }
            }
            "/statuses" => {
                let body: SaveStatuses = req.json().await?;
                self.save_statuses(&body)
            }
            "/avatar" => {
                let body: AvatarChanged = req.json().await?;
                self.avatar_changed(&body)
            }
            "/sites" => {
                let body: ClaimSite = req.json().await?;
                self.claim_site(&body)
            }
            "/active" => {
                let op: String = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "op")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                http::json(&self.status(&op)?)
            }
            other => http::error(ErrorCode::NotFound, format!("no internal route {other}")),
        }
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Admin => "admin",
        Role::Operator => "operator",
    }
}

fn parse_role(name: &str) -> Option<Role> {
    match name {
        "owner" => Some(Role::Owner),
        "admin" => Some(Role::Admin),
        "operator" => Some(Role::Operator),
        _ => None,
    }
}

impl AccountDirectory {
    fn memberships(&self, id: &str) -> Result<Vec<SiteMembership>> {
        let rows: Vec<MembershipRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT site, role FROM memberships WHERE operator_id = ? ORDER BY site",
                vec![id.into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|m| {
                Some(SiteMembership {
                    site: SiteId::parse(m.site).ok()?,
                    role: parse_role(&m.role)?,
                })
            })
            .collect())
    }

    fn status(&self, id: &str) -> Result<AccountStatus> {
        #[derive(Deserialize)]
        struct Row {
            removed_at: Option<i64>,
        }
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT removed_at FROM operators WHERE id = ?",
                vec![id.into()],
            )?
            .to_array()?;
        let active = rows.first().is_some_and(|r| r.removed_at.is_none());
        Ok(AccountStatus {
            active,
            sites: if active {
                self.memberships(id)?
            } else {
                Vec::new()
            },
        })
    }

    fn team(&self, site: &str) -> Result<Vec<OperatorInfo>> {
        let rows: Vec<TeamRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT o.id, o.name, o.email, m.role, o.removed_at, o.avatar_at FROM operators o
                 JOIN memberships m ON m.operator_id = o.id WHERE m.site = ?
                 ORDER BY o.removed_at IS NOT NULL, o.name",
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

    /// Adds an operator to a site: a new account, or a membership for an existing one.
    async fn add(&self, body: AddOperator) -> Result<Response> {
        let new = body.operator;
        let Ok(email) = protocol::api::email(&new.email) else {
            return http::error(ErrorCode::InvalidField, "email is not a valid address");
        };
        let sql = self.state.storage().sql();
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        let existing: Vec<Row> = sql
            .exec(
                "SELECT id FROM operators WHERE email = ?",
                vec![email.as_str().into()],
            )?
            .to_array()?;
        let id = match existing.into_iter().next() {
            Some(row) => {
                if self
                    .memberships(&row.id)?
                    .iter()
                    .any(|m| m.site == body.site)
                {
                    return http::error(ErrorCode::Conflict, "this e-mail is already on the team");
                }
                row.id
            }
            None => {
                let stored = password::hash_new(&new.password)
                    .await
                    .map_err(worker::Error::RustError)?;
                let id = crate::random::id();
                sql.exec(
                    "INSERT INTO operators (id, email, name, password, created_at)
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING",
                    vec![
                        id.as_str().into(),
                        email.into(),
                        new.name.trim().into(),
                        stored.encode().into(),
                        (http::now_ms() as i64).into(),
                    ],
                )?;
                id
            }
        };
        sql.exec(
            "INSERT INTO memberships (operator_id, site, role) VALUES (?, ?, ?)
             ON CONFLICT (operator_id, site) DO NOTHING",
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

    /// Removes an operator: his chats stay in history; he can no longer sign in or connect.
    fn remove(&self, body: RemoveOperator) -> Result<Response> {
        let Some(target) = self
            .team(body.site.as_str())?
            .into_iter()
            .find(|o| o.id == body.id)
        else {
            return http::error(ErrorCode::NotFound, "no such operator on this site");
        };
        if target.id == body.actor {
            return http::error(ErrorCode::Forbidden, "you cannot remove yourself");
        }
        let allowed = match target.role {
            Role::Owner => false,
            Role::Admin => body.actor_role == Role::Owner,
            Role::Operator => body.actor_role != Role::Operator,
        };
        if !allowed {
            return http::error(
                ErrorCode::Forbidden,
                "your role may not remove this operator",
            );
        }
        self.state.storage().sql().exec(
            "UPDATE operators SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            vec![(http::now_ms() as i64).into(), body.id.as_str().into()],
        )?;
        Ok(Response::empty()?.with_status(204))
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

    /// Creates the first owner. Refused once any account exists, so a leaked bootstrap secret
    /// cannot take over a running installation.
    async fn bootstrap(&self, body: BootstrapRequest) -> Result<Response> {
        let sql = self.state.storage().sql();
        if self.has_accounts()? {
            return http::error(
                ErrorCode::Conflict,
                "this installation already has an owner",
            );
        }
        let email = match protocol::api::email(&body.owner_email) {
            Ok(email) => email,
            Err(e) => return http::protocol_error(e),
        };
        let stored = password::hash_new(&body.owner_password)
            .await
            .map_err(worker::Error::RustError)?;
        let id = crate::random::id();
        // The KDF awaited: check again so two racing bootstraps cannot both succeed.
        if self.has_accounts()? {
            return http::error(
                ErrorCode::Conflict,
                "this installation already has an owner",
            );
        }
        sql.exec(
            "INSERT INTO operators (id, email, name, password, created_at) VALUES (?, ?, ?, ?, ?)",
            vec![
                id.as_str().into(),
                email.into(),
                body.owner_name.trim().into(),
                stored.encode().into(),
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
        Ok(Response::empty()?.with_status(204))
    }

    async fn sign_in(&self, body: SignInRequest) -> Result<Response> {
        let denied = || http::error(ErrorCode::Unauthorized, "wrong e-mail or password");
        let Ok(email) = protocol::api::email(&body.email) else {
            return denied();
        };
        let sql = self.state.storage().sql();
        let rows: Vec<OperatorRow> = sql
            .exec(
                "SELECT id, name, password FROM operators WHERE email = ? AND removed_at IS NULL",
                vec![email.into()],
            )?
            .to_array()?;
        let Some(row) = rows.into_iter().next() else {
            // Spend the same KDF time for unknown addresses, so timing does not reveal accounts.
            let _ = password::hash_new(&body.password).await;
            return denied();
        };
        let stored = StoredPassword::parse(&row.password)
            .ok_or_else(|| worker::Error::RustError("stored password is unreadable".into()))?;
        if !password::verify(&body.password, &stored)
            .await
            .map_err(worker::Error::RustError)?
        {
            return denied();
        }
        let sites = self.memberships(&row.id)?;
        http::json(&VerifiedOperator {
            id: OperatorId::parse(row.id).map_err(|e| worker::Error::RustError(e.to_string()))?,
            name: row.name,
            sites,
        })
    }
}
