//! The typed link to the account directory: every request it takes is a variant of
//! [`DirectoryRoute`], sent as one JSON body, so the client and the object cannot disagree on
//! a path or a field; the client's methods say what each one answers.

use super::DIRECTORY_NAME;
use crate::http;
use protocol::{
    AccountProfile, Locale, NewOperator, OperatorId, OperatorInfo, Role, SiteId, SiteMembership,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use worker::{Env, Headers, Method, Response, Result, Stub};

/// Everything the directory does, with what each request carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "route", rename_all = "snake_case")]
pub enum DirectoryRoute {
    Bootstrap(Bootstrap),
    /// An account's password hash for the router to check, after the sign-in limits.
    Credentials(CredentialsQuery),
    OpenSession(OpenSession),
    RevokeSessions(RevokeSessions),
    SetPassword(SetPassword),
    AskReset(AskReset),
    ConfirmReset(ConfirmReset),
    /// Account e-mail (resets) as queued: only local runs expose it.
    Mail,
    Team {
        site: String,
    },
    AddOperator(AddOperator),
    RemoveOperator(RemoveOperator),
    Status {
        op: String,
        sid: String,
    },
    Memberships {
        op: String,
    },
    Profile {
        op: String,
    },
    SaveStatuses(super::SaveStatuses),
    Avatar(super::AvatarChanged),
    ClaimSite(super::ClaimSite),
    PushDevices {
        op: OperatorId,
    },
    AddPushDevice(super::push::AddPushDevice),
    RemovePushDevice {
        op: OperatorId,
        id: String,
    },
    PushTargets(super::push::PushTargetsQuery),
    ForgetPushDevices {
        ids: Vec<String>,
    },
}

/// The first owner: his password already hashed by the router.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bootstrap {
    pub email: String,
    pub name: String,
    pub password: String,
    pub site: SiteId,
}

/// Whose password is to be checked (by e-mail or account id), from which address: a check
/// takes from the address's rate and from the account's.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CredentialsQuery {
    pub email: Option<String>,
    pub op: Option<OperatorId>,
    pub ip: Option<String>,
    /// A password is about to be checked: the account's rate is taken. `false` only looks
    /// the account up.
    #[serde(default)]
    pub check: bool,
}

/// An account as the password check needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub id: OperatorId,
    pub email: String,
    pub name: String,
    /// `protocol`'s stored form (`pbkdf2-sha256$…`).
    pub password: String,
    /// Whether the account works on any site now.
    pub active: bool,
}

/// The answer to [`CredentialsQuery`]: the account (if there is one), or how long to wait.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum CredentialsAnswer {
    Account(Option<Credentials>),
    Wait { retry_after_ms: u64 },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenSession {
    pub op: OperatorId,
    pub email: String,
    pub ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionOpened {
    pub sid: String,
    pub expires_at: u64,
    pub name: String,
    pub sites: Vec<SiteMembership>,
}

/// Ends sessions of `op`: only `only` when given, else all of them but `keep`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevokeSessions {
    pub op: OperatorId,
    pub only: Option<String>,
    pub keep: Option<String>,
}

/// A new password (hashed); every other session of the account ends.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SetPassword {
    pub op: OperatorId,
    pub password: String,
    pub keep: Option<String>,
}

/// "Forgot password": the directory makes the one-time code and queues the e-mail.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AskReset {
    pub email: String,
    pub ip: Option<String>,
    pub locale: Locale,
    /// Where the console is: the link in the e-mail opens it.
    pub console: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfirmReset {
    pub code: String,
    /// The new password, hashed.
    pub password: String,
}

/// Adds `operator` to `site`. A new account gets `password` (hashed by the router); an
/// existing one is attached only as `existing`, after the router checked that the request
/// carries that account's own password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AddOperator {
    pub site: SiteId,
    pub operator: NewOperator,
    pub password: Option<String>,
    pub existing: Option<OperatorId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemoveOperator {
    pub site: SiteId,
    pub id: OperatorId,
    pub actor: OperatorId,
    pub actor_role: Role,
}

/// Whether a session of an account may act, and its sites now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountStatus {
    /// The session is live and the account works on some site.
    pub active: bool,
    /// The session is live (not signed out, revoked or expired).
    pub session: bool,
    pub sites: Vec<SiteMembership>,
    /// Sites that removed this account.
    pub removed_from: Vec<SiteId>,
}

/// The client side.
pub struct DirectoryLink(Stub);

impl DirectoryLink {
    pub fn new(env: &Env) -> Result<Self> {
        Ok(Self(
            env.durable_object("DIRECTORY")?
                .id_from_name(DIRECTORY_NAME)?
                .get_stub()?,
        ))
    }

    /// Sends `route` and returns the object's response as it is.
    pub async fn send(&self, route: &DirectoryRoute) -> Result<Response> {
        http::call_object(
            &self.0,
            Method::Post,
            "/",
            Headers::new(),
            Some(serde_json::to_string(route)?),
        )
        .await
    }

    /// Sends `route`; an answer that is not a success is an error with its message.
    async fn succeed(&self, route: &DirectoryRoute) -> Result<Response> {
        http::expect_success(self.send(route).await?).await
    }

    async fn ask<T: DeserializeOwned>(&self, route: &DirectoryRoute) -> Result<T> {
        self.succeed(route).await?.json().await
    }

    async fn done(&self, route: &DirectoryRoute) -> Result<()> {
        self.succeed(route).await.map(|_| ())
    }

    pub async fn credentials(&self, query: CredentialsQuery) -> Result<CredentialsAnswer> {
        self.ask(&DirectoryRoute::Credentials(query)).await
    }

    pub async fn open_session(&self, open: OpenSession) -> Result<SessionOpened> {
        self.ask(&DirectoryRoute::OpenSession(open)).await
    }

    pub async fn revoke_sessions(&self, revoke: RevokeSessions) -> Result<()> {
        self.done(&DirectoryRoute::RevokeSessions(revoke)).await
    }

    pub async fn set_password(&self, set: SetPassword) -> Result<()> {
        self.done(&DirectoryRoute::SetPassword(set)).await
    }

    pub async fn status(&self, op: &OperatorId, sid: &str) -> Result<AccountStatus> {
        self.ask(&DirectoryRoute::Status {
            op: op.to_string(),
            sid: sid.to_owned(),
        })
        .await
    }

    /// The sites an account works on now, whoever asks (no session involved).
    pub async fn memberships(&self, op: &OperatorId) -> Result<Vec<SiteMembership>> {
        self.ask(&DirectoryRoute::Memberships { op: op.to_string() })
            .await
    }

    pub async fn team(&self, site: &SiteId) -> Result<Vec<OperatorInfo>> {
        self.ask(&DirectoryRoute::Team {
            site: site.to_string(),
        })
        .await
    }

    pub async fn push_devices(&self, op: &OperatorId) -> Result<Vec<protocol::push::PushDevice>> {
        self.ask(&DirectoryRoute::PushDevices { op: op.clone() })
            .await
    }

    pub async fn push_targets(
        &self,
        query: super::push::PushTargetsQuery,
    ) -> Result<Vec<super::push::PushTarget>> {
        self.ask(&DirectoryRoute::PushTargets(query)).await
    }

    pub async fn forget_push_devices(&self, ids: Vec<String>) -> Result<()> {
        self.done(&DirectoryRoute::ForgetPushDevices { ids }).await
    }

    pub async fn profile(&self, op: &OperatorId) -> Result<AccountProfile> {
        self.ask(&DirectoryRoute::Profile { op: op.to_string() })
            .await
    }
}

/// A current (not removed) member of `site`'s team, as the directory knows him.
pub async fn colleague(env: &Env, site: &SiteId, id: &OperatorId) -> Result<Option<OperatorInfo>> {
    let team = DirectoryLink::new(env)?.team(site).await?;
    Ok(team.into_iter().find(|o| &o.id == id && !o.removed))
}
