//! The Durable Objects' schema migrations, run against a real SQLite from every older version:
//! an object last woken under older code must reach the current schema with its rows intact,
//! and end up exactly like an object created today.

use super::{conversation, directory, migrate, site, Database};
use rusqlite::Connection;

impl Database for Connection {
    fn batch(&self, sql: &str) -> Result<(), String> {
        self.execute_batch(sql).map_err(|e| e.to_string())
    }

    fn schema_version(&self) -> Result<usize, String> {
        let value: Option<String> = self
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .ok();
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(0))
    }
}

/// Every table's columns (name, type, not null, default) and every index, sorted.
fn shape(db: &Connection) -> Vec<String> {
    let mut names = db
        .prepare("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    let objects: Vec<(String, String, String)> = names
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut shape = Vec::new();
    for (kind, name, table) in objects {
        if kind == "table" {
            let mut columns = db.prepare(&format!("PRAGMA table_info({name})")).unwrap();
            let rows = columns
                .query_map([], |r| {
                    let (column, ty, not_null): (String, String, i64) =
                        (r.get(1)?, r.get(2)?, r.get(3)?);
                    let default: Option<String> = r.get(4)?;
                    Ok(format!(
                        "{name}.{column} {ty} not_null={not_null} default={default:?}"
                    ))
                })
                .unwrap();
            shape.extend(rows.map(Result::unwrap));
        } else {
            shape.push(format!("{kind} {name} on {table}"));
        }
    }
    shape.sort();
    shape
}

/// For each older version: migrate to it (what older code did), put `row` in, wake under the
/// current code; the result matches a fresh object and `check` finds the row.
fn upgrades_from_every_version(base: &str, migrations: &[&str], row: &str, check: &str) {
    let fresh = Connection::open_in_memory().unwrap();
    migrate(&fresh, base, migrations).unwrap();
    for older in 0..migrations.len() {
        let db = Connection::open_in_memory().unwrap();
        migrate(&db, base, &migrations[..older]).unwrap();
        db.execute_batch(row).unwrap();
        migrate(&db, base, migrations).unwrap_or_else(|e| panic!("from version {older}: {e}"));
        assert_eq!(shape(&db), shape(&fresh), "from version {older}");
        assert_eq!(db.schema_version().unwrap(), migrations.len());
        let kept: i64 = db.query_row(check, [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 1, "from version {older}: the row survives");
        // Waking again changes nothing.
        migrate(&db, base, migrations).unwrap();
        assert_eq!(shape(&db), shape(&fresh));
    }
}

#[test]
fn site_objects_upgrade_from_every_older_schema() {
    upgrades_from_every_version(
        site::SCHEMA,
        site::MIGRATIONS,
        "INSERT INTO conversations (id, last_at, summary) VALUES ('c1', 5, '{}');
         INSERT INTO settings (key, value) VALUES ('settings', '{}');",
        "SELECT COUNT(*) FROM conversations WHERE id = 'c1' AND last_at = 5",
    );
}

#[test]
fn conversation_objects_upgrade_from_every_older_schema() {
    upgrades_from_every_version(
        conversation::store::SCHEMA_V1,
        conversation::store::MIGRATIONS,
        "INSERT INTO messages (sender, client_id, author, text, sent_at)
         VALUES ('v', 'm1', '{\"kind\":\"visitor\"}', 'hello', 7);",
        "SELECT COUNT(*) FROM messages WHERE client_id = 'm1' AND text = 'hello'",
    );
}

#[test]
fn directory_objects_upgrade_from_every_older_schema() {
    upgrades_from_every_version(
        directory::SCHEMA,
        directory::MIGRATIONS,
        "INSERT INTO operators (id, email, name, password, created_at)
         VALUES ('o1', 'a@b.c', 'Anna', 'x', 1);",
        "SELECT COUNT(*) FROM operators WHERE id = 'o1' AND email = 'a@b.c'",
    );
}
