//! Which answer a message asks for: word forms in both languages, keywords and phrasings,
//! greetings and chance words matching nothing.

use super::matching::{best, Stemmers};
use super::AutoAnswer;

fn answer(id: &str, question: &str, keywords: &[&str], phrasings: &[&str]) -> AutoAnswer {
    AutoAnswer {
        id: id.into(),
        question: question.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        phrasings: phrasings.iter().map(|p| p.to_string()).collect(),
        answer: format!("The answer about {id}"),
    }
}

fn shop() -> Vec<AutoAnswer> {
    vec![
        answer(
            "delivery",
            "Доставка",
            &["доставка", "shipping", "курьер"],
            &["Когда привезут заказ?", "How long does delivery take?"],
        ),
        answer(
            "returns",
            "Returns and refunds",
            &["refund", "вернуть деньги", "возврат"],
            &["How do I return an item?", "Можно ли обменять товар?"],
        ),
        answer(
            "hours",
            "Часы работы",
            &["opening hours"],
            &["До скольки вы работаете?", "Are you open on Sunday?"],
        ),
    ]
}

fn asked(message: &str) -> Option<String> {
    best(&shop(), message).map(|a| a.id.clone())
}

#[test]
fn word_forms_of_keywords_match() {
    for (message, id) in [
        ("Сколько стоит доставка в Казань?", "delivery"),
        ("а доставку вы делаете?", "delivery"),
        ("Доставки по выходным нет?", "delivery"),
        ("курьером можно?", "delivery"),
        ("Do you offer SHIPPING to Berlin", "delivery"),
        ("I want a refund", "returns"),
        ("refunds?", "returns"),
        ("как оформить возврат", "returns"),
        ("хочу вернуть свои деньги", "returns"),
        ("What are your opening hours?", "hours"),
    ] {
        assert_eq!(asked(message).as_deref(), Some(id), "{message}");
    }
}

#[test]
fn phrasings_match_by_most_of_their_words() {
    for (message, id) in [
        ("когда вы привезёте мой заказ", "delivery"),
        ("how long will the delivery take", "delivery"),
        ("How can I return this item", "returns"),
        ("можно обменять товар на другой размер?", "returns"),
        ("до скольки работаете сегодня", "hours"),
        ("are you open this sunday", "hours"),
        // The question itself is a phrasing.
        ("часы работы?", "hours"),
    ] {
        assert_eq!(asked(message).as_deref(), Some(id), "{message}");
    }
}

#[test]
fn greetings_and_chance_words_match_nothing() {
    for message in [
        "",
        "   ",
        "Здравствуйте!",
        "Hello, is anyone there?",
        "спасибо",
        // One word of a three-word phrasing is chance.
        "мой заказ",
        "I have a question about an item",
        "12345",
    ] {
        assert_eq!(asked(message), None, "{message:?}");
    }
}

#[test]
fn words_that_differ_only_in_their_endings_are_one() {
    let stemmers = Stemmers::default();
    let one = |a: &str, b: &str| stemmers.words(a).shared(&stemmers.words(b)) == 1;
    assert!(one("привезут", "привезёте"), "a verb's persons");
    assert!(one("доставить", "доставка"), "a stem that begins another");
    assert!(one("работаете", "работы"));
    assert!(
        !one("заказ", "закат"),
        "four letters in common are not a word"
    );
    assert!(!one("цена", "цель"));
}

#[test]
fn a_keyword_of_several_words_needs_all_of_them() {
    assert_eq!(asked("верните деньги").as_deref(), Some("returns"));
    assert_eq!(asked("деньги").as_deref(), None);
}

#[test]
fn keywords_beat_phrasings_and_the_earlier_wins_ties() {
    // "delivery" by its phrasing, "returns" by its keyword: the keyword wins.
    assert_eq!(
        asked("how long does delivery take for a refund").as_deref(),
        Some("returns")
    );
    let twins = vec![
        answer("first", "Доставка", &["доставка"], &[]),
        answer("second", "Доставка снова", &["доставка"], &[]),
    ];
    assert_eq!(
        best(&twins, "доставка?").map(|a| a.id.as_str()),
        Some("first")
    );
    assert_eq!(best(&[], "доставка"), None);
}

#[test]
fn little_words_and_letter_case_are_ignored() {
    let stemmers = Stemmers::default();
    assert!(stemmers.words("Здравствуйте, а как вы?").is_empty());
    assert!(stemmers.words("The, and OF!").is_empty());
    assert!(!stemmers.words("ДОСТАВКА").is_empty());
}
