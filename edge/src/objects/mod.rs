//! Durable Objects: one [`directory::AccountDirectory`] for accounts, one [`site::SiteRoom`] per
//! site, one [`conversation::ConversationRoom`] per conversation.

pub mod conversation;
pub mod directory;
pub mod site;

/// Reads a header the router set on an internal request.
pub(crate) fn header(req: &worker::Request, name: &str) -> worker::Result<String> {
    req.headers()
        .get(name)?
        .ok_or_else(|| worker::Error::RustError(format!("internal request without {name}")))
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

/// Runs schema migrations on wake: `base` creates the first version (idempotently, with a
/// `meta (key, value)` table), then each of `migrations` runs once, in order; `meta.schema`
/// records how many have run.
pub(crate) fn migrate(
    sql: &worker::SqlStorage,
    base: &str,
    migrations: &[&str],
) -> worker::Result<()> {
    #[derive(serde::Deserialize)]
    struct Row {
        value: String,
    }
    sql.exec(base, None)?;
    let rows: Vec<Row> = sql
        .exec("SELECT value FROM meta WHERE key = 'schema'", None)?
        .to_array()?;
    let done: usize = rows.first().and_then(|r| r.value.parse().ok()).unwrap_or(0);
    for (i, migration) in migrations.iter().enumerate().skip(done) {
        sql.exec(migration, None)?;
        sql.exec(
            "INSERT INTO meta (key, value) VALUES ('schema', ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![(i + 1).to_string().into()],
        )?;
    }
    Ok(())
}
