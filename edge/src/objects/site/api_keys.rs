//! The site's API keys for the REST API: only a SHA-256 hash of each key is stored (keys are
//! 256 random bits, so a plain hash is enough), with its name, its first characters and when
//! it was last used.

use super::link::StoredKey;
use super::{no_content, SiteRoom};
use crate::http;
use protocol::rest::{ApiKey, MAX_KEYS};
use protocol::ErrorCode;
use serde::Deserialize;
use worker::{Response, Result};

pub const MIGRATION: &str = "CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, listed TEXT NOT NULL);";

/// How often `last_used_at` is written for a busy key (ms).
const USE_RESOLUTION_MS: u64 = 60_000;

#[derive(Deserialize)]
struct KeyRow {
    listed: String,
}

impl SiteRoom {
    pub(super) fn api_keys(&self) -> Result<Vec<ApiKey>> {
        let rows: Vec<KeyRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT listed FROM api_keys", None)?
            .to_array()?;
        let mut keys = rows
            .iter()
            .map(|r| serde_json::from_str(&r.listed))
            .collect::<std::result::Result<Vec<ApiKey>, _>>()?;
        keys.sort_by_key(|k| k.created_at);
        Ok(keys)
    }

    pub(super) fn add_api_key(&self, key: &StoredKey) -> Result<Response> {
        if self.api_keys()?.len() >= MAX_KEYS {
            return http::error(ErrorCode::InvalidField, "at most 10 API keys a site");
        }
        self.state.storage().sql().exec(
            "INSERT INTO api_keys (id, hash, listed) VALUES (?, ?, ?)",
            vec![
                key.listed.id.as_str().into(),
                key.hash.as_str().into(),
                serde_json::to_string(&key.listed)?.into(),
            ],
        )?;
        no_content()
    }

    pub(super) fn revoke_api_key(&self, id: &str) -> Result<Response> {
        if !self.api_keys()?.iter().any(|k| k.id == id) {
            return http::error(ErrorCode::NotFound, "no such API key");
        }
        self.state
            .storage()
            .sql()
            .exec("DELETE FROM api_keys WHERE id = ?", vec![id.into()])?;
        no_content()
    }

    /// The key whose hash is `hash` (its use noted), else 401.
    pub(super) fn check_api_key(&self, hash: &str) -> Result<Response> {
        let sql = self.state.storage().sql();
        let rows: Vec<KeyRow> = sql
            .exec(
                "SELECT listed FROM api_keys WHERE hash = ?",
                vec![hash.into()],
            )?
            .to_array()?;
        let Some(row) = rows.first() else {
            return http::error(ErrorCode::Unauthorized, "unknown or revoked API key");
        };
        let mut key: ApiKey = serde_json::from_str(&row.listed)?;
        let now = http::now_ms();
        if key
            .last_used_at
            .is_none_or(|at| now.saturating_sub(at) >= USE_RESOLUTION_MS)
        {
            key.last_used_at = Some(now);
            sql.exec(
                "UPDATE api_keys SET listed = ? WHERE hash = ?",
                vec![serde_json::to_string(&key)?.into(), hash.into()],
            )?;
        }
        http::json(&key)
    }
}
