//! Automatic answers: the question/answer pairs admins write, and what became of one a visitor
//! was given. A visitor's first message that asks one of the questions is answered at once
//! (marked as automatic) with "Was this helpful? / Talk to a person"; asking for a person or
//! writing again sends the chat to routing as usual. Which question a message asks is
//! [`matching`] (the relay and the console only: the widget never matches).

#[cfg(feature = "answers")]
pub mod matching;
#[cfg(all(test, feature = "answers"))]
mod matching_tests;

use crate::error::ProtocolError;
use crate::validate::invalid;
use serde::{Deserialize, Serialize};

/// Most answers a site keeps.
pub const MAX_ANSWERS: usize = 100;
pub const MAX_QUESTION_CHARS: usize = 200;
pub const MAX_ANSWER_CHARS: usize = 2_000;
/// Most keywords, and most phrasings, of one answer.
pub const MAX_KEYWORDS: usize = 20;
pub const MAX_PHRASINGS: usize = 20;
pub const MAX_KEYWORD_CHARS: usize = 60;
pub const MAX_PHRASING_CHARS: usize = 300;

/// One automatic answer (`GET/POST …/auto-answers`, `PUT/DELETE …/auto-answers/:id`). The
/// relay gives the `id`; a body's own is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoAnswer {
    #[serde(default)]
    pub id: String,
    /// The question as staff name it ("Delivery costs"); also matched as a phrasing.
    pub question: String,
    /// Words or short phrases any of which, in any word form, means the question
    /// ("доставка", "shipping cost").
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Ways visitors ask it ("Сколько стоит доставка?", "When will my order arrive?").
    #[serde(default)]
    pub phrasings: Vec<String>,
    /// What the visitor reads (plain text).
    pub answer: String,
}

impl AutoAnswer {
    /// The answer as stored: texts trimmed, keywords and phrasings tidied (inner whitespace one
    /// space, empty lines dropped, doubles in any case dropped), every field within its cap.
    pub fn tidied(self) -> Result<AutoAnswer, ProtocolError> {
        let question = self.question.trim().to_string();
        let answer = self.answer.trim().to_string();
        if question.is_empty() {
            return Err(invalid("question: write the question"));
        }
        if answer.is_empty() {
            return Err(invalid("answer: write the answer"));
        }
        if question.chars().count() > MAX_QUESTION_CHARS {
            return Err(invalid(format!(
                "question: at most {MAX_QUESTION_CHARS} characters"
            )));
        }
        if answer.chars().count() > MAX_ANSWER_CHARS {
            return Err(invalid(format!(
                "answer: at most {MAX_ANSWER_CHARS} characters"
            )));
        }
        Ok(AutoAnswer {
            id: self.id,
            question,
            keywords: tidy_list("keywords", self.keywords, MAX_KEYWORDS, MAX_KEYWORD_CHARS)?,
            phrasings: tidy_list(
                "phrasings",
                self.phrasings,
                MAX_PHRASINGS,
                MAX_PHRASING_CHARS,
            )?,
            answer,
        })
    }
}

fn tidy_list(
    field: &str,
    entries: Vec<String>,
    most: usize,
    longest: usize,
) -> Result<Vec<String>, ProtocolError> {
    let mut tidy: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.split_whitespace().collect::<Vec<_>>().join(" ");
        if entry.is_empty()
            || tidy
                .iter()
                .any(|t| t.to_lowercase() == entry.to_lowercase())
        {
            continue;
        }
        if entry.chars().count() > longest {
            return Err(invalid(format!(
                "{field}: {entry:?} is longer than {longest} characters"
            )));
        }
        if entry.chars().any(char::is_control) {
            return Err(invalid(format!(
                "{field}: {entry:?} has a control character"
            )));
        }
        tidy.push(entry);
    }
    if tidy.len() > most {
        return Err(invalid(format!("{field}: at most {most}")));
    }
    Ok(tidy)
}

/// `state.auto_answer`: the automatic answer a conversation got, and what the visitor made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoAnswered {
    /// The answer's id and question, as they were then.
    pub id: String,
    pub question: String,
    /// The log message that carries it.
    pub seq: u64,
    pub outcome: AutoOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoOutcome {
    /// Waiting for the visitor: "Was this helpful? / Talk to a person".
    Offered,
    /// The visitor said it helped; the chat needs nobody.
    Helpful,
    /// The visitor asked for a person or wrote again, or an operator answered: routed as usual.
    HandedOver,
}

impl AutoOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AutoOutcome::Offered => "offered",
            AutoOutcome::Helpful => "helpful",
            AutoOutcome::HandedOver => "handed_over",
        }
    }
}

impl crate::conversation::ConversationState {
    /// An automatic answer waits for the visitor's verdict ("Was this helpful?").
    pub fn awaits_verdict(&self) -> bool {
        self.auto_answer
            .as_ref()
            .is_some_and(|a| a.outcome == AutoOutcome::Offered)
    }

    /// Someone wrote while an automatic answer waited: the chat is the people's now.
    pub fn hand_over_from_automatic(&mut self) {
        if let Some(given) = self.auto_answer.as_mut() {
            if given.outcome == AutoOutcome::Offered {
                given.outcome = AutoOutcome::HandedOver;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(question: &str, keywords: &[&str], answer: &str) -> AutoAnswer {
        AutoAnswer {
            id: String::new(),
            question: question.into(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            phrasings: vec![],
            answer: answer.into(),
        }
    }

    #[test]
    fn answers_are_tidied() {
        let tidy = draft(
            "  Delivery ",
            &[" shipping  cost ", "", "Shipping cost", "доставка"],
            " We ship in two days. ",
        )
        .tidied()
        .unwrap();
        assert_eq!(tidy.question, "Delivery");
        assert_eq!(tidy.answer, "We ship in two days.");
        assert_eq!(tidy.keywords, vec!["shipping cost", "доставка"]);
    }

    #[test]
    fn bad_answers_are_refused_naming_the_field() {
        let cases = [
            (draft(" ", &[], "a"), "question"),
            (draft("q", &[], "  "), "answer"),
            (draft(&"q".repeat(201), &[], "a"), "question"),
            (draft("q", &[], &"a".repeat(2001)), "answer"),
            (draft("q", &[&"k".repeat(61)], "a"), "keywords"),
            (draft("q", &["tab\u{7}bell"], "a"), "keywords"),
        ];
        for (answer, field) in cases {
            let error = answer.tidied().unwrap_err();
            assert!(error.message.starts_with(field), "{}", error.message);
        }
        let many: Vec<String> = (0..21).map(|i| format!("word{i}")).collect();
        let mut answer = draft("q", &[], "a");
        answer.phrasings = many;
        assert!(answer
            .tidied()
            .unwrap_err()
            .message
            .starts_with("phrasings"));
    }
}
