//! Canned replies: ready answers admins keep per site, found by title and text while typing.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// Replies whose title or text contain every word of `query` (case-insensitive), those matching
/// in the title first, then by title. An empty query lists all.
pub fn search<'a>(replies: &'a [CannedReply], query: &str) -> Vec<&'a CannedReply> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut found: Vec<(bool, &CannedReply)> = replies
        .iter()
        .filter_map(|reply| {
            let title = reply.title.to_lowercase();
            let text = reply.text.to_lowercase();
            let all = words.iter().all(|w| title.contains(w) || text.contains(w));
            all.then(|| (words.iter().all(|w| title.contains(w)), reply))
        })
        .collect();
    found.sort_by(|(a_title, a), (b_title, b)| b_title.cmp(a_title).then(a.title.cmp(&b.title)));
    found.into_iter().map(|(_, reply)| reply).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: &str, title: &str, text: &str) -> CannedReply {
        CannedReply {
            id: id.into(),
            title: title.into(),
            text: text.into(),
        }
    }

    #[test]
    fn finds_by_title_and_text_titles_first() {
        let replies = [
            reply(
                "hours",
                "Opening hours",
                "We work 9 to 18, Monday to Friday.",
            ),
            reply(
                "delivery",
                "Delivery",
                "Free delivery over 7000 roubles; we ship in two days.",
            ),
            reply(
                "wholesale",
                "Wholesale",
                "Orders of ten teapots get 15% off, free delivery.",
            ),
        ];
        let ids = |q: &str| {
            search(&replies, q)
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids("delivery"),
            ["delivery", "wholesale"],
            "title match first"
        );
        assert_eq!(ids("FREE days"), ["delivery"]);
        assert_eq!(ids("monday"), ["hours"]);
        assert_eq!(ids("nothing like this"), Vec::<&str>::new());
        assert_eq!(ids(""), ["delivery", "hours", "wholesale"]);
    }
}
