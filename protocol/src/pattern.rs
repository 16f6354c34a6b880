//! Text patterns for trigger rules (URL, title, referrer, UTM values): small and predictable,
//! without a regex engine in the widget.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Contains,
    Equals,
    StartsWith,
    EndsWith,
    /// `*` stands for any run of characters, e.g. `*/pricing*`.
    Wildcard,
}

/// Lower-cases a text for a case-insensitive comparison.
pub type Fold = fn(&str) -> String;

/// A case-insensitive text test, optionally negated ("URL does not contain /checkout").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    pub kind: MatchKind,
    pub value: String,
    #[serde(default)]
    pub negate: bool,
}

impl Pattern {
    pub fn new(kind: MatchKind, value: &str) -> Self {
        Self {
            kind,
            value: value.into(),
            negate: false,
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        self.matches_folded(text, str::to_lowercase)
    }

    /// [`Pattern::matches`] with the caller's lower-casing: the page-view module passes the
    /// browser's own, so it carries no Unicode case tables (12 KB of its wasm).
    pub fn matches_folded(&self, text: &str, fold: Fold) -> bool {
        let text = fold(text);
        let value = fold(&self.value);
        let hit = match self.kind {
            MatchKind::Contains => text.contains(&value),
            MatchKind::Equals => text == value,
            MatchKind::StartsWith => text.starts_with(&value),
            MatchKind::EndsWith => text.ends_with(&value),
            MatchKind::Wildcard => wildcard(&value, &text),
        };
        hit != self.negate
    }
}

/// Glob match with `*` only, linear time (greedy with backtracking to the last star).
fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases = [
            (
                MatchKind::Contains,
                "pricing",
                "https://shop.test/Pricing.html",
                true,
            ),
            (
                MatchKind::Contains,
                "cart",
                "https://shop.test/pricing",
                false,
            ),
            (MatchKind::Equals, "Pricing", "pricing", true),
            (MatchKind::Equals, "pricing", "pricing!", false),
            (
                MatchKind::StartsWith,
                "https://shop",
                "https://shop.test/",
                true,
            ),
            (MatchKind::EndsWith, ".html", "/a/b.html", true),
            (
                MatchKind::Wildcard,
                "*/pricing*",
                "https://shop.test/pricing.html",
                true,
            ),
            (
                MatchKind::Wildcard,
                "*/pricing",
                "https://shop.test/pricing.html",
                false,
            ),
            (MatchKind::Wildcard, "a*b*c", "axxbyyc", true),
            (MatchKind::Wildcard, "a*b*c", "axxbyy", false),
            (MatchKind::Wildcard, "*", "", true),
            (MatchKind::Wildcard, "", "x", false),
        ];
        for (kind, value, text, expected) in cases {
            assert_eq!(
                Pattern::new(kind, value).matches(text),
                expected,
                "{kind:?} {value} {text}"
            );
        }
    }

    #[test]
    fn negation() {
        let mut p = Pattern::new(MatchKind::Contains, "/checkout");
        p.negate = true;
        assert!(p.matches("/pricing"));
        assert!(!p.matches("/checkout/pay"));
    }
}
