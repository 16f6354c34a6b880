//! Consent to the processing of personal data (152-ФЗ, GDPR): a site may require a checkbox
//! with its policy link on the contact and offline forms. The conversation keeps what the
//! visitor agreed to (the words shown, the policy's address, when); until he has, it keeps no
//! contact data.

use crate::error::{ErrorCode, Millis, ProtocolError};
use crate::validate::invalid;
use serde::{Deserialize, Serialize};

/// Longest wording of the checkbox.
pub const MAX_CONSENT_TEXT_CHARS: usize = 500;
/// Longest policy address.
pub const MAX_POLICY_URL_CHARS: usize = 500;

/// `settings.consent`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentSettings {
    /// Contact data is taken only with the visitor's agreement.
    #[serde(default)]
    pub required: bool,
    /// The site's privacy policy (`https://…` or `/relative`), linked beside the checkbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_url: Option<String>,
    /// The checkbox's words in the site's own language; `None`: the widget's own ru/en text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What the conversation keeps of the visitor's agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub at: Millis,
    /// The checkbox's words as the visitor read them.
    pub text: String,
    pub policy_url: String,
}

fn words(field: &str, text: &str) -> Result<String, ProtocolError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_CONSENT_TEXT_CHARS {
        return Err(invalid(format!(
            "{field}: 1 to {MAX_CONSENT_TEXT_CHARS} characters"
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid(format!("{field}: no control characters")));
    }
    Ok(text.to_owned())
}

/// A policy address: `https://…` or a path on the site (`/privacy`), no spaces or quotes.
pub fn policy_url(field: &str, url: &str) -> Result<String, ProtocolError> {
    let url = url.trim();
    let shaped = url.starts_with("https://") || (url.starts_with('/') && !url.starts_with("//"));
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if !shaped || !clean || url.chars().count() > MAX_POLICY_URL_CHARS {
        return Err(invalid(format!(
            "{field}: expected an https:// address or a /path on the site"
        )));
    }
    Ok(url.to_owned())
}

impl ConsentSettings {
    pub fn validate(&self) -> Result<(), ProtocolError> {
        if let Some(text) = &self.text {
            words("consent.text", text)?;
        }
        match &self.policy_url {
            Some(url) => {
                policy_url("consent.policy_url", url)?;
            }
            None if self.required => {
                return Err(invalid(
                    "consent.policy_url: required when consent is required",
                ))
            }
            None => {}
        }
        Ok(())
    }

    /// What the widget is told: the checkbox to show, when the site requires one.
    pub fn for_widget(&self) -> Option<ConsentSettings> {
        self.required.then(|| self.clone())
    }

    /// Whether contact data may be kept in a conversation that has (or has not) the visitor's
    /// agreement: always when the site does not ask for it.
    pub fn admits_contact(&self, agreed: bool) -> Result<(), ProtocolError> {
        if self.required && !agreed {
            return Err(ProtocolError::new(
                ErrorCode::ConsentRequired,
                "agree to the site's personal data policy before leaving contact data",
            ));
        }
        Ok(())
    }
}

/// The `consent` command's fields, tidied: the words shown and the policy's address.
pub fn agreement(text: &str, url: &str) -> Result<(String, String), ProtocolError> {
    Ok((words("text", text)?, policy_url("policy_url", url)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required(url: Option<&str>, text: Option<&str>) -> ConsentSettings {
        ConsentSettings {
            required: true,
            policy_url: url.map(str::to_owned),
            text: text.map(str::to_owned),
        }
    }

    #[test]
    fn settings_need_a_policy_when_consent_is_required() {
        assert!(ConsentSettings::default().validate().is_ok());
        assert!(required(Some("https://shop.example/privacy"), None)
            .validate()
            .is_ok());
        assert!(
            required(Some("/privacy"), Some("Согласен на обработку данных"))
                .validate()
                .is_ok()
        );
        for (bad, field) in [
            (required(None, None), "consent.policy_url"),
            (
                required(Some("http://shop.example/p"), None),
                "consent.policy_url",
            ),
            (
                required(Some("javascript:alert(1)"), None),
                "consent.policy_url",
            ),
            (
                required(Some("//evil.example/p"), None),
                "consent.policy_url",
            ),
            (required(Some("/a b"), None), "consent.policy_url"),
            (required(Some("/p"), Some("   ")), "consent.text"),
            (required(Some("/p"), Some(&"я".repeat(501))), "consent.text"),
            (required(Some("/p"), Some("a\u{0}")), "consent.text"),
        ] {
            let error = bad.validate().unwrap_err();
            assert!(error.message.starts_with(field), "{bad:?}: {error:?}");
        }
    }

    #[test]
    fn contact_is_kept_only_with_agreement_when_required() {
        let site = required(Some("/privacy"), None);
        assert_eq!(
            site.admits_contact(false).unwrap_err().code,
            ErrorCode::ConsentRequired
        );
        assert!(site.admits_contact(true).is_ok());
        assert!(ConsentSettings::default().admits_contact(false).is_ok());
        assert_eq!(site.for_widget(), Some(site.clone()));
        assert_eq!(ConsentSettings::default().for_widget(), None);
    }

    #[test]
    fn the_command_keeps_tidy_words_and_a_real_address() {
        assert_eq!(
            agreement("  I agree  ", "https://shop.example/privacy ").unwrap(),
            (
                "I agree".to_owned(),
                "https://shop.example/privacy".to_owned()
            )
        );
        assert!(agreement("", "/privacy").is_err());
        assert!(agreement("I agree", "data:text/html,x").is_err());
    }
}
