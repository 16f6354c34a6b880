//! Sign-in limits, sessions and passwords. The router hashes and checks passwords; this object
//! only hands out what it needs, keeps the rates and records the outcome.

use super::{
    AccountDirectory, AskReset, ConfirmReset, Credentials, CredentialsAnswer, CredentialsQuery,
    Limited, OpenSession, RevokeSessions, SessionOpened, SetPassword,
};
use crate::http;
use protocol::limits::{PASSWORD_CHECKS_PER_ACCOUNT, PASSWORD_RESETS_PER_ACCOUNT};
use protocol::rate_table::ip_key;
use protocol::{ErrorCode, OperatorId, OutboxEmail};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use worker::{Response, Result};

/// A reset link works for an hour.
const RESET_VALID_MS: u64 = 60 * 60 * 1000;
/// Account e-mails listed (local runs).
const MAIL_PAGE: i64 = 50;

#[derive(Deserialize)]
struct AccountRow {
    id: String,
    email: String,
    name: String,
    password: String,
}

fn code_hash(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl AccountDirectory {
    fn account_by(&self, query: &CredentialsQuery) -> Result<Option<AccountRow>> {
        let sql = self.state.storage().sql();
        let rows: Vec<AccountRow> = match (&query.op, &query.email) {
            (Some(op), _) => sql
                .exec(
                    "SELECT id, email, name, password FROM operators WHERE id = ?",
                    vec![op.as_str().into()],
                )?
                .to_array()?,
            (None, Some(email)) => match protocol::api::email(email) {
                Ok(email) => sql
                    .exec(
                        "SELECT id, email, name, password FROM operators WHERE email = ?",
                        vec![email.into()],
                    )?
                    .to_array()?,
                Err(_) => Vec::new(),
            },
            (None, None) => Vec::new(),
        };
        Ok(rows.into_iter().next())
    }

    /// Takes a password check from the address's rate and from the account's (counted before
    /// the check, so a parallel flood cannot get past it; a sign-in forgives the account's),
    /// and answers the stored hash for the router to check.
    pub(super) fn credentials(&self, query: CredentialsQuery) -> Result<Response> {
        let now = http::now_ms();
        let mut limits = self.limits.borrow_mut();
        if let Some(ip) = &query.ip {
            let rate = crate::config::of(&self.env)?.rate_sign_in_per_ip;
            if let Err(retry_after_ms) = limits.take(&Limited::Ip(ip_key(ip)), rate, now) {
                return http::json(&CredentialsAnswer::Wait { retry_after_ms });
            }
        }
        let account = self.account_by(&query)?;
        let key = account
            .as_ref()
            .map(|a| a.email.clone())
            .or_else(|| query.email.as_deref().map(str::to_lowercase))
            .unwrap_or_default();
        // Only a password check counts: looking an account up (a team's admin asking whether
        // an e-mail has one) must not spend its holder's sign-ins.
        if query.check {
            let failures = limits.take(&Limited::Attempts(key), PASSWORD_CHECKS_PER_ACCOUNT, now);
            if let Err(retry_after_ms) = failures {
                return http::json(&CredentialsAnswer::Wait { retry_after_ms });
            }
        }
        drop(limits);
        let answer = match account {
            None => None,
            Some(row) => {
                let active = !self.memberships(&row.id)?.is_empty();
                Some(Credentials {
                    id: OperatorId::parse(row.id)
                        .map_err(|e| worker::Error::RustError(e.to_string()))?,
                    email: row.email,
                    name: row.name,
                    password: row.password,
                    active,
                })
            }
        };
        http::json(&CredentialsAnswer::Account(answer))
    }

    /// A new session after a good password: the account's attempts are forgiven.
    pub(super) fn open_session(&self, open: &OpenSession) -> Result<SessionOpened> {
        self.limits
            .borrow_mut()
            .forget(&Limited::Attempts(open.email.to_lowercase()));
        let now = http::now_ms();
        let sid = crate::random::id();
        let expires_at = now + open.ms;
        let sql = self.state.storage().sql();
        // Sessions long over are of no use to anyone: clear them as new ones come.
        sql.exec(
            "DELETE FROM sessions WHERE expires_at < ?",
            vec![(now as i64 - 86_400_000).into()],
        )?;
        sql.exec(
            "INSERT INTO sessions (id, operator_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            vec![
                sid.as_str().into(),
                open.op.as_str().into(),
                (now as i64).into(),
                (expires_at as i64).into(),
            ],
        )?;
        let profile = self.profile(open.op.as_str())?;
        Ok(SessionOpened {
            sid,
            expires_at,
            name: profile.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            sites: self.memberships(open.op.as_str())?,
        })
    }

    pub(super) fn session_live(&self, op: &str, sid: &str) -> Result<bool> {
        if sid.is_empty() {
            return Ok(false);
        }
        #[derive(Deserialize)]
        struct Row {
            expires_at: i64,
        }
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT expires_at FROM sessions
                 WHERE id = ? AND operator_id = ? AND revoked_at IS NULL",
                vec![sid.into(), op.into()],
            )?
            .to_array()?;
        Ok(rows
            .first()
            .is_some_and(|r| r.expires_at as u64 > http::now_ms()))
    }

    pub(super) fn revoke_sessions(&self, revoke: &RevokeSessions) -> Result<()> {
        let now = (http::now_ms() as i64).into();
        let sql = self.state.storage().sql();
        match (&revoke.only, &revoke.keep) {
            (Some(only), _) => sql.exec(
                "UPDATE sessions SET revoked_at = ? WHERE operator_id = ? AND id = ?
                 AND revoked_at IS NULL",
                vec![now, revoke.op.as_str().into(), only.as_str().into()],
            )?,
            (None, keep) => sql.exec(
                "UPDATE sessions SET revoked_at = ? WHERE operator_id = ? AND id != ?
                 AND revoked_at IS NULL",
                vec![
                    now,
                    revoke.op.as_str().into(),
                    keep.clone().unwrap_or_default().into(),
                ],
            )?,
        };
        // A device registered by an ended session hears nothing more.
        self.forget_devices_of_revoked_sessions(&revoke.op)
    }

    pub(super) fn set_password(&self, set: &SetPassword) -> Result<()> {
        self.state.storage().sql().exec(
            "UPDATE operators SET password = ? WHERE id = ?",
            vec![set.password.as_str().into(), set.op.as_str().into()],
        )?;
        self.revoke_sessions(&RevokeSessions {
            op: set.op.clone(),
            only: None,
            keep: set.keep.clone(),
        })
    }

    /// Queues a reset link for an active account; answers 204 whether or not there is one, so
    /// the answer tells nobody which addresses have accounts. 429 only for the asking address.
    pub(super) async fn ask_reset(&self, ask: AskReset) -> Result<Response> {
        let now = http::now_ms();
        if let Some(ip) = &ask.ip {
            let rate = crate::config::of(&self.env)?.rate_sign_in_per_ip;
            let taken = self
                .limits
                .borrow_mut()
                .take(&Limited::Ip(ip_key(ip)), rate, now);
            if let Err(retry_after_ms) = taken {
                let error = protocol::ErrorBody::rate_limited(None, retry_after_ms);
                return Ok(http::json(&error)?.with_status(429));
            }
        }
        let query = CredentialsQuery {
            email: Some(ask.email.clone()),
            ..Default::default()
        };
        let Some(account) = self.account_by(&query)? else {
            return super::no_content();
        };
        if self.memberships(&account.id)?.is_empty() {
            return super::no_content();
        }
        let allowed = self.limits.borrow_mut().take(
            &Limited::Resets(account.email.clone()),
            PASSWORD_RESETS_PER_ACCOUNT,
            now,
        );
        if allowed.is_err() {
            // Quietly: the same answer as for an address with no account.
            return super::no_content();
        }
        let code = format!("{}{}", crate::random::id(), crate::random::id());
        // Links long spent or expired are of use to nobody.
        self.state.storage().sql().exec(
            "DELETE FROM password_resets WHERE expires_at < ?",
            vec![(now as i64 - 86_400_000).into()],
        )?;
        self.state.storage().sql().exec(
            "INSERT INTO password_resets (code_hash, operator_id, expires_at) VALUES (?, ?, ?)",
            vec![
                code_hash(&code).into(),
                account.id.as_str().into(),
                ((now + RESET_VALID_MS) as i64).into(),
            ],
        )?;
        let link = format!("{}#reset={code}", ask.console);
        let (subject, body) =
            protocol::account_mail::password_reset(ask.locale, &account.name, &link);
        let mut email = OutboxEmail {
            to: account.email,
            reply_to: None,
            subject,
            body,
            created_at: now,
            delivery: Default::default(),
        };
        let message_id = format!("{}@consultant", crate::random::id());
        email.delivery = crate::mail::deliver(&self.env, &email, &message_id)
            .await
            .delivery();
        // Reset links are spent within the hour: a week of account mail is plenty to keep.
        self.state.storage().sql().exec(
            "DELETE FROM mail WHERE created_at < ?",
            vec![(now as i64 - 7 * 86_400_000).into()],
        )?;
        self.state.storage().sql().exec(
            "INSERT INTO mail (email, created_at) VALUES (?, ?)",
            vec![serde_json::to_string(&email)?.into(), (now as i64).into()],
        )?;
        super::no_content()
    }

    /// Sets the new password of the code's account, once, within the hour; every session of
    /// the account ends (whoever had it signed in is out).
    pub(super) fn confirm_reset(&self, confirm: &ConfirmReset) -> Result<Response> {
        #[derive(Deserialize)]
        struct Row {
            operator_id: String,
        }
        let now = http::now_ms() as i64;
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT operator_id FROM password_resets
                 WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
                vec![code_hash(&confirm.code).into(), now.into()],
            )?
            .to_array()?;
        let Some(row) = rows.into_iter().next() else {
            return http::error(
                ErrorCode::InvalidField,
                "this reset link is not valid: it was used, it expired or it is mistyped",
            );
        };
        // Every outstanding link of the account is spent with this one.
        self.state.storage().sql().exec(
            "UPDATE password_resets SET used_at = ? WHERE operator_id = ? AND used_at IS NULL",
            vec![now.into(), row.operator_id.as_str().into()],
        )?;
        let op = OperatorId::parse(row.operator_id)
            .map_err(|e| worker::Error::RustError(e.to_string()))?;
        // Whoever hammered the account's sign-in, its holder may sign in now.
        if let Some(account) = self.account_by(&CredentialsQuery {
            op: Some(op.clone()),
            ..Default::default()
        })? {
            self.limits
                .borrow_mut()
                .forget(&Limited::Attempts(account.email));
        }
        self.set_password(&SetPassword {
            op: op.clone(),
            password: confirm.password.clone(),
            keep: None,
        })?;
        http::json(&serde_json::json!({ "operator": op }))
    }

    pub(super) fn mail(&self) -> Result<Vec<OutboxEmail>> {
        #[derive(Deserialize)]
        struct Row {
            email: String,
        }
        let rows: Vec<Row> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT email FROM mail ORDER BY id DESC LIMIT ?",
                vec![MAIL_PAGE.into()],
            )?
            .to_array()?;
        Ok(rows
            .into_iter()
            .filter_map(|r| serde_json::from_str(&r.email).ok())
            .collect())
    }
}
