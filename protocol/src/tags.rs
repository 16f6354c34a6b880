//! Tags: the labels operators put on conversations ("delivery", "refund"), the site's list of
//! them that admins keep, and how a tag an operator types is matched to that list. History
//! filters by tag and reports count by tag; visitors never see tags.

use crate::error::ProtocolError;
use crate::validate::invalid;
use serde::{Deserialize, Serialize};

/// Longest tag.
pub const MAX_TAG_CHARS: usize = 40;
/// Most tags on a site's list.
pub const MAX_SITE_TAGS: usize = 100;
/// Most tags on one conversation.
pub const MAX_CONVERSATION_TAGS: usize = 10;

/// `settings.tags`: what operators may tag conversations with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagSettings {
    /// The tags operators pick from, in the order shown.
    #[serde(default)]
    pub list: Vec<String>,
    /// Operators may also type a tag that is not on the list.
    #[serde(default)]
    pub free: bool,
}

/// A tag as typed, tidied: trimmed, inner runs of whitespace made one space. Refused when
/// empty, longer than [`MAX_TAG_CHARS`], or holding control characters or a comma (commas
/// separate tags in the CSV and in search boxes).
pub fn tag(field: &str, typed: &str) -> Result<String, ProtocolError> {
    let tidy = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if tidy.is_empty() {
        return Err(invalid(format!("{field}: a tag is empty")));
    }
    if tidy.chars().count() > MAX_TAG_CHARS {
        return Err(invalid(format!(
            "{field}: a tag is longer than {MAX_TAG_CHARS} characters"
        )));
    }
    if tidy.chars().any(|c| c.is_control() || c == ',') {
        return Err(invalid(format!(
            "{field}: a tag has a comma or a control character"
        )));
    }
    Ok(tidy)
}

/// Two spellings of one tag: they differ only in letter case ("Refund", "refund").
pub fn same(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Whether `tags` holds `wanted`, in any letter case.
pub fn has_tag(tags: &[String], wanted: &str) -> bool {
    tags.iter().any(|t| same(t, wanted))
}

impl TagSettings {
    /// Every tag of the list tidy as [`tag`] leaves it, none twice (in any letter case).
    pub fn validate(&self) -> Result<(), ProtocolError> {
        if self.list.len() > MAX_SITE_TAGS {
            return Err(invalid(format!("tags.list: at most {MAX_SITE_TAGS} tags")));
        }
        for (i, entry) in self.list.iter().enumerate() {
            if tag("tags.list", entry)? != *entry {
                return Err(invalid(format!(
                    "tags.list: {entry:?} has spaces at its ends or inside"
                )));
            }
            if self.list[..i].iter().any(|earlier| same(earlier, entry)) {
                return Err(invalid(format!("tags.list: {entry:?} is listed twice")));
            }
        }
        Ok(())
    }

    /// The tags of a conversation once an operator adds `typed` to `current`: spelled as the
    /// site's list spells it, or as typed when free tags are allowed; a tag it already has
    /// changes nothing.
    pub fn add(&self, current: &[String], typed: &str) -> Result<Vec<String>, ProtocolError> {
        let typed = tag("tag", typed)?;
        if has_tag(current, &typed) {
            return Ok(current.to_vec());
        }
        let spelled = match self.list.iter().find(|listed| same(listed, &typed)) {
            Some(listed) => listed.clone(),
            None if self.free => typed,
            None => {
                return Err(invalid(format!(
                    "tag: {typed:?} is not on the site's list of tags"
                )))
            }
        };
        if current.len() >= MAX_CONVERSATION_TAGS {
            return Err(invalid(format!(
                "tag: a conversation has at most {MAX_CONVERSATION_TAGS} tags"
            )));
        }
        let mut tags = current.to_vec();
        tags.push(spelled);
        Ok(tags)
    }
}

/// The tags of a conversation once `untagged` is taken off (in any letter case). A tag no
/// longer on the site's list may always be taken off.
pub fn remove(current: &[String], untagged: &str) -> Vec<String> {
    current
        .iter()
        .filter(|t| !same(t, untagged.trim()))
        .cloned()
        .collect()
}

/// How many conversations carry each tag, the spelling seen first naming each, most used
/// first (then by name).
pub fn count<'a>(conversations: impl IntoIterator<Item = &'a [String]>) -> Vec<(String, u32)> {
    let mut counts: Vec<(String, u32)> = Vec::new();
    for tags in conversations {
        for tag in tags {
            match counts.iter_mut().find(|(seen, _)| same(seen, tag)) {
                Some((_, n)) => *n += 1,
                None => counts.push((tag.clone(), 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn listed(free: bool) -> TagSettings {
        TagSettings {
            list: strings(&["Доставка", "Refund", "VIP client"]),
            free,
        }
    }

    #[test]
    fn typed_tags_are_tidied_or_refused() {
        for (typed, tidy) in [
            ("  refund ", "refund"),
            ("VIP \t  client", "VIP client"),
            ("доставка", "доставка"),
            ("a-b_c.d #1", "a-b_c.d #1"),
        ] {
            assert_eq!(tag("tag", typed).unwrap(), tidy, "{typed:?}");
        }
        let long = "я".repeat(MAX_TAG_CHARS + 1);
        for bad in ["", "   ", "a,b", "a\u{0}b", "a\u{7}", long.as_str()] {
            let error = tag("tag", bad).unwrap_err();
            assert!(error.message.starts_with("tag:"), "{bad:?}: {error:?}");
        }
        assert!(tag("tag", &"я".repeat(MAX_TAG_CHARS)).is_ok());
    }

    #[test]
    fn a_site_list_is_tidy_and_has_no_doubles() {
        assert!(listed(false).validate().is_ok());
        assert!(TagSettings::default().validate().is_ok());
        for list in [
            strings(&["Refund", "refund"]),
            strings(&["Доставка", "ДОСТАВКА"]),
            strings(&[" padded"]),
            strings(&["two  spaces"]),
            strings(&["a,b"]),
            strings(&[""]),
        ] {
            let settings = TagSettings { list, free: false };
            let error = settings.validate().unwrap_err();
            assert!(error.message.starts_with("tags.list"), "{settings:?}");
        }
        let many = TagSettings {
            list: (0..=MAX_SITE_TAGS).map(|i| format!("t{i}")).collect(),
            free: true,
        };
        assert!(many.validate().is_err());
    }

    #[test]
    fn operators_pick_from_the_list_spelled_as_listed() {
        let site = listed(false);
        assert_eq!(site.add(&[], "refund").unwrap(), strings(&["Refund"]));
        assert_eq!(site.add(&[], "ДОСТАВКА").unwrap(), strings(&["Доставка"]));
        assert_eq!(
            site.add(&strings(&["Refund"]), " vip   CLIENT ").unwrap(),
            strings(&["Refund", "VIP client"])
        );
        // Already there (in another case): nothing changes, nothing is refused.
        assert_eq!(
            site.add(&strings(&["Refund"]), "REFUND").unwrap(),
            strings(&["Refund"])
        );
        let error = site.add(&[], "angry").unwrap_err();
        assert!(error.message.contains("not on the site's list"));
        assert!(site.add(&[], "a,b").is_err());
    }

    #[test]
    fn free_tags_are_kept_as_typed_when_allowed() {
        let site = listed(true);
        assert_eq!(
            site.add(&[], "  Angry  customer ").unwrap(),
            strings(&["Angry customer"])
        );
        assert_eq!(site.add(&[], "refund").unwrap(), strings(&["Refund"]));
    }

    #[test]
    fn a_conversation_holds_a_limited_number_of_tags() {
        let site = TagSettings {
            list: Vec::new(),
            free: true,
        };
        let full: Vec<String> = (0..MAX_CONVERSATION_TAGS)
            .map(|i| format!("t{i}"))
            .collect();
        assert!(site.add(&full, "one more").is_err());
        // Re-adding one it has is no new tag.
        assert_eq!(site.add(&full, "T3").unwrap(), full);
        assert!(site.add(&full[1..], "one more").is_ok());
    }

    #[test]
    fn tags_come_off_in_any_case_even_when_no_longer_listed() {
        let current = strings(&["Refund", "old tag"]);
        assert_eq!(remove(&current, "refund"), strings(&["old tag"]));
        assert_eq!(remove(&current, " OLD TAG "), strings(&["Refund"]));
        assert_eq!(remove(&current, "absent"), current);
        assert!(has_tag(&current, "REFUND") && !has_tag(&current, "Ref"));
    }

    #[test]
    fn counts_group_spellings_and_put_the_most_used_first() {
        let chats = [
            strings(&["Refund", "VIP"]),
            strings(&["refund"]),
            strings(&["Доставка", "vip"]),
            strings(&["Refund"]),
            Vec::new(),
        ];
        assert_eq!(
            count(chats.iter().map(Vec::as_slice)),
            vec![
                ("Refund".to_string(), 3),
                ("VIP".to_string(), 2),
                ("Доставка".to_string(), 1),
            ]
        );
    }
}
