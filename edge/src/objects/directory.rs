//! The account directory: operator accounts (with hashed passwords) and their site memberships.
//! A single instance, named [`DIRECTORY_NAME`].

use crate::auth::password::{self, StoredPassword};
use crate::http;
use protocol::{
    BootstrapRequest, ErrorCode, OperatorId, Role, SignInRequest, SiteId, SiteMembership,
};
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

pub const DIRECTORY_NAME: &str = "main";

const SCHEMA: &str = "
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
        if let Err(e) = state.storage().sql().exec(SCHEMA, None) {
            worker::console_error!("directory schema failed: {e}");
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
                "SELECT id, name, password FROM operators WHERE email = ?",
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
        let memberships: Vec<MembershipRow> = sql
            .exec(
                "SELECT site, role FROM memberships WHERE operator_id = ? ORDER BY site",
                vec![row.id.as_str().into()],
            )?
            .to_array()?;
        let sites = memberships
            .into_iter()
            .filter_map(|m| {
                Some(SiteMembership {
                    site: SiteId::parse(m.site).ok()?,
                    role: parse_role(&m.role)?,
                })
            })
            .collect();
        http::json(&VerifiedOperator {
            id: OperatorId::parse(row.id).map_err(|e| worker::Error::RustError(e.to_string()))?,
            name: row.name,
            sites,
        })
    }
}
