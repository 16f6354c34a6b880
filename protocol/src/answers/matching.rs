//! Which automatic answer a visitor's message asks for, if any. Words are compared by their
//! stems (Snowball, Russian for Cyrillic words and English for the rest), so "доставку",
//! "доставки" and "доставка", or "refunds" and "refund", are one word; a stem that begins
//! another of at least four letters also counts ("достав" in "доставить" and "доставка"), as
//! do stems sharing their first six letters.
//! Little words ("the", "как", "здравствуйте") are left out.
//!
//! An answer is asked for when its message holds every word of one of its keywords, or most
//! of the words of one of its phrasings (its question among them); the best scoring wins,
//! the earlier on ties.

use super::AutoAnswer;
use rust_stemmers::{Algorithm, Stemmer};

/// Share of a phrasing's words (per mille) a message must hold to ask it.
pub const PHRASING_THRESHOLD: u32 = 600;

/// Stems of a text's words, little words left out, in order, each once.
pub struct Words(Vec<String>);

/// Both stemmers, made once per matching.
pub struct Stemmers {
    russian: Stemmer,
    english: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Self {
            russian: Stemmer::create(Algorithm::Russian),
            english: Stemmer::create(Algorithm::English),
        }
    }
}

impl Stemmers {
    pub fn words(&self, text: &str) -> Words {
        let mut stems: Vec<String> = Vec::new();
        let lower = text.to_lowercase().replace('ё', "е");
        for word in lower.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() || LITTLE_WORDS.contains(&word) {
                continue;
            }
            let cyrillic = word.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
            let stemmer = if cyrillic {
                &self.russian
            } else {
                &self.english
            };
            let stem = stemmer.stem(word).into_owned();
            if !stems.contains(&stem) {
                stems.push(stem);
            }
        }
        Words(stems)
    }
}

impl Words {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn holds(&self, stem: &str) -> bool {
        self.0.iter().any(|own| same_word(own, stem))
    }

    /// How many of `other`'s words this text holds.
    pub(super) fn shared(&self, other: &Words) -> usize {
        other.0.iter().filter(|s| self.holds(s)).count()
    }
}

/// One word in two forms: one stem begins the other and has at least four letters
/// ("достав", "доставк"), or they share their first six (a verb's persons: "привезут",
/// "привезет").
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let common = short
        .chars()
        .zip(long.chars())
        .take_while(|(x, y)| x == y)
        .count();
    (common == short.chars().count() && common >= 4) || common >= 6
}

/// How strongly `message` asks `answer` (per mille; above 1000 for keywords, one more per
/// keyword held), or 0.
pub fn score(stemmers: &Stemmers, answer: &AutoAnswer, message: &Words) -> u32 {
    let keywords = answer
        .keywords
        .iter()
        .map(|k| stemmers.words(k))
        .filter(|k| !k.is_empty() && message.shared(k) == k.0.len())
        .count() as u32;
    if keywords > 0 {
        return 1000 + keywords;
    }
    std::iter::once(&answer.question)
        .chain(&answer.phrasings)
        .map(|p| stemmers.words(p))
        .filter(|p| !p.is_empty())
        .map(|p| {
            let shared = message.shared(&p);
            // One shared word of a longer phrasing is chance, not the question.
            if shared < p.0.len().min(2) {
                return 0;
            }
            (shared * 1000 / p.0.len()) as u32
        })
        .filter(|&s| s >= PHRASING_THRESHOLD)
        .max()
        .unwrap_or(0)
}

/// The answer `message` asks for: the best scoring, the earlier on ties; `None` when none
/// scores.
pub fn best<'a>(answers: &'a [AutoAnswer], message: &str) -> Option<&'a AutoAnswer> {
    let stemmers = Stemmers::default();
    let words = stemmers.words(message);
    if words.is_empty() {
        return None;
    }
    let mut best: Option<(u32, &AutoAnswer)> = None;
    for answer in answers {
        let score = score(&stemmers, answer, &words);
        if score > 0 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, answer));
        }
    }
    best.map(|(_, answer)| answer)
}

/// Words that say nothing of what is asked: greetings, pronouns, prepositions, question words.
const LITTLE_WORDS: &[&str] = &[
    // English
    "a",
    "an",
    "the",
    "is",
    "are",
    "am",
    "was",
    "were",
    "be",
    "been",
    "do",
    "does",
    "did",
    "i",
    "you",
    "we",
    "he",
    "she",
    "it",
    "they",
    "me",
    "my",
    "your",
    "our",
    "us",
    "to",
    "of",
    "in",
    "on",
    "at",
    "for",
    "and",
    "or",
    "but",
    "with",
    "from",
    "by",
    "this",
    "that",
    "these",
    "those",
    "what",
    "how",
    "when",
    "where",
    "why",
    "who",
    "which",
    "can",
    "could",
    "would",
    "will",
    "should",
    "may",
    "have",
    "has",
    "had",
    "there",
    "here",
    "please",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "so",
    "if",
    "about",
    "any",
    "some",
    "get",
    "just",
    "much",
    "many",
    "im",
    // Russian
    "и",
    "в",
    "во",
    "не",
    "что",
    "он",
    "на",
    "я",
    "с",
    "со",
    "как",
    "а",
    "то",
    "все",
    "она",
    "так",
    "его",
    "но",
    "да",
    "ты",
    "к",
    "у",
    "же",
    "вы",
    "за",
    "бы",
    "по",
    "ее",
    "мне",
    "было",
    "вот",
    "от",
    "меня",
    "еще",
    "о",
    "из",
    "ему",
    "ли",
    "если",
    "уже",
    "или",
    "быть",
    "был",
    "до",
    "вас",
    "вам",
    "там",
    "они",
    "тут",
    "где",
    "есть",
    "для",
    "мы",
    "их",
    "чем",
    "была",
    "будет",
    "кто",
    "этот",
    "того",
    "этого",
    "какой",
    "какая",
    "какие",
    "здесь",
    "мой",
    "моя",
    "мою",
    "мои",
    "чтобы",
    "когда",
    "почему",
    "зачем",
    "куда",
    "откуда",
    "можно",
    "при",
    "об",
    "про",
    "эти",
    "нас",
    "эту",
    "этой",
    "ваш",
    "ваша",
    "вашей",
    "ваши",
    "здравствуйте",
    "привет",
    "добрый",
    "пожалуйста",
    "спасибо",
    "подскажите",
    "скажите",
    "хочу",
    "сколько",
];
