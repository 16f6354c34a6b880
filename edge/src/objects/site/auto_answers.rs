//! The site's automatic answers, kept by its admins in order, and which of them a visitor's
//! first message asks (`protocol::answers::matching`). Read from memory after the first
//! request: conversations ask on every new chat.

use super::SiteRoom;
use crate::http;
use protocol::answers::{matching, AutoAnswer, MAX_ANSWERS};
use protocol::ErrorCode;
use serde::Deserialize;
use worker::{Response, Result};

pub const MIGRATION: &str = "CREATE TABLE IF NOT EXISTS auto_answers (
        id TEXT PRIMARY KEY, position INTEGER NOT NULL, answer TEXT NOT NULL);";

#[derive(Deserialize)]
struct AnswerRow {
    answer: String,
}

impl SiteRoom {
    pub(super) fn auto_answers(&self) -> Result<Vec<AutoAnswer>> {
        if let Some(answers) = self.cached_answers.borrow().as_ref() {
            return Ok(answers.clone());
        }
        let rows: Vec<AnswerRow> = self
            .state
            .storage()
            .sql()
            .exec("SELECT answer FROM auto_answers ORDER BY position", None)?
            .to_array()?;
        let answers = rows
            .iter()
            .map(|r| serde_json::from_str(&r.answer))
            .collect::<std::result::Result<Vec<AutoAnswer>, _>>()?;
        self.cached_answers.replace(Some(answers.clone()));
        Ok(answers)
    }

    /// Adds `answer` (`new`: last in the list) or replaces the one with its id, in its place.
    /// The router tidied it and, for a new one, gave it its id.
    pub(super) fn save_auto_answer(&self, answer: &AutoAnswer, new: bool) -> Result<Response> {
        let answers = self.auto_answers()?;
        let exists = answers.iter().any(|a| a.id == answer.id);
        if new && answers.len() >= MAX_ANSWERS {
            return http::error(
                ErrorCode::InvalidField,
                format!("at most {MAX_ANSWERS} automatic answers a site"),
            );
        }
        if !new && !exists {
            return http::error(ErrorCode::NotFound, "no such automatic answer");
        }
        self.state.storage().sql().exec(
            "INSERT INTO auto_answers (id, position, answer)
             VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM auto_answers), ?)
             ON CONFLICT (id) DO UPDATE SET answer = excluded.answer",
            vec![
                answer.id.as_str().into(),
                serde_json::to_string(answer)?.into(),
            ],
        )?;
        self.cached_answers.replace(None);
        Ok(http::json(answer)?.with_status(if new { 201 } else { 200 }))
    }

    pub(super) fn remove_auto_answer(&self, id: &str) -> Result<Response> {
        if !self.auto_answers()?.iter().any(|a| a.id == id) {
            return http::error(ErrorCode::NotFound, "no such automatic answer");
        }
        self.state
            .storage()
            .sql()
            .exec("DELETE FROM auto_answers WHERE id = ?", vec![id.into()])?;
        self.cached_answers.replace(None);
        super::no_content()
    }

    /// All answers at once, in the given order (an import; the router checked them).
    pub(super) fn replace_auto_answers(&self, answers: &[AutoAnswer]) -> Result<()> {
        let sql = self.state.storage().sql();
        sql.exec("DELETE FROM auto_answers", None)?;
        for (position, answer) in answers.iter().enumerate() {
            let answer = answer
                .clone()
                .tidied()
                .map_err(|e| worker::Error::RustError(e.message))?;
            sql.exec(
                "INSERT INTO auto_answers (id, position, answer) VALUES (?, ?, ?)",
                vec![
                    answer.id.as_str().into(),
                    (position as i64).into(),
                    serde_json::to_string(&answer)?.into(),
                ],
            )?;
        }
        self.cached_answers.replace(None);
        Ok(())
    }

    /// The answer `text` asks for, if any.
    pub(super) fn match_auto_answer(&self, text: &str) -> Result<Option<AutoAnswer>> {
        Ok(matching::best(&self.auto_answers()?, text).cloned())
    }
}
