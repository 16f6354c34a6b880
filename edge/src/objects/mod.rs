//! Durable Objects: one [`directory::AccountDirectory`] for accounts, one [`site::SiteRoom`] per
//! site, one [`conversation::ConversationRoom`] per conversation, one [`telegram::TelegramBot`] per
//! site with a Telegram bot.

pub mod conversation;
pub mod directory;
pub mod revoke;
pub mod site;
pub mod telegram;

/// Reads a header the router set on an internal request.
pub(crate) fn header(req: &worker::Request, name: &str) -> worker::Result<String> {
    req.headers()
        .get(name)?
        .ok_or_else(|| worker::Error::RustError(format!("internal request without {name}")))
}

/// Lets the runtime answer clients' heartbeat pings on this object's sockets by itself, without
/// waking the object (`protocol::heartbeat`).
pub(crate) fn answer_pings(state: &worker::State) {
    use protocol::heartbeat::{PING, PONG};
    if let Ok(pair) = worker::worker_sys::WebSocketRequestResponsePair::new(PING, PONG) {
        state.set_websocket_auto_response(&pair);
    }
}

/// Completes a closing handshake the client started. 1005 and 1006 only describe what happened
/// and may not be sent, so those are answered with a normal 1000.
pub(crate) fn finish_close(ws: &worker::WebSocket, code: usize) {
    let code = match code {
        1005 | 1006 => 1000,
        other => other as u16,
    };
    // The socket may already be gone; then there is nothing left to finish.
    let _ = ws.close(Some(code), Some("closed"));
}

/// What schema migrations need of a SQLite database: Durable Object storage here, an in-memory
/// SQLite in the native tests (`schema_tests`).
pub(crate) trait Database {
    /// Runs one or more statements.
    fn batch(&self, sql: &str) -> Result<(), String>;
    /// `meta.schema`: how many migrations have run (0 when unset).
    fn schema_version(&self) -> Result<usize, String>;
}

impl Database for worker::SqlStorage {
    fn batch(&self, sql: &str) -> Result<(), String> {
        self.exec(sql, None).map(|_| ()).map_err(|e| e.to_string())
    }

    fn schema_version(&self) -> Result<usize, String> {
        #[derive(serde::Deserialize)]
        struct Row {
            value: String,
        }
        let rows: Vec<Row> = self
            .exec("SELECT value FROM meta WHERE key = 'schema'", None)
            .and_then(|c| c.to_array())
            .map_err(|e| e.to_string())?;
        Ok(rows.first().and_then(|r| r.value.parse().ok()).unwrap_or(0))
    }
}

/// Runs schema migrations on wake: `base` creates the first version (idempotently, with a
/// `meta (key, value)` table), then each of `migrations` runs once, in order; `meta.schema`
/// records how many have run. An object last woken under older code catches up here.
pub(crate) fn migrate(db: &impl Database, base: &str, migrations: &[&str]) -> worker::Result<()> {
    let fail = |i: usize, e: String| worker::Error::RustError(format!("schema migration {i}: {e}"));
    db.batch(base).map_err(|e| fail(0, e))?;
    let done = db.schema_version().map_err(|e| fail(0, e))?;
    for (i, migration) in migrations.iter().enumerate().skip(done) {
        db.batch(migration).map_err(|e| fail(i + 1, e))?;
        db.batch(&format!(
            "INSERT INTO meta (key, value) VALUES ('schema', '{}')
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            i + 1
        ))
        .map_err(|e| fail(i + 1, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod schema_tests;
