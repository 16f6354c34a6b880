//! The ground floor's field checks, shared by every body and setting that carries such a
//! field: an e-mail address, a password, a name people see, a phone number, a slug.

use crate::error::{ErrorCode, ProtocolError};
use crate::limits::{MAX_EMAIL_CHARS, MAX_NAME_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

/// `invalid_field` with a sentence.
pub(crate) fn invalid(message: impl Into<String>) -> ProtocolError {
    ProtocolError::new(ErrorCode::InvalidField, message)
}

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces;
/// lower-cased.
pub fn email(value: &str) -> Result<String, ProtocolError> {
    email_folded(value, str::to_lowercase)
}

/// [`email`] with the caller's lower-casing: the widget passes the browser's own, so it
/// carries no Unicode case tables.
pub fn email_folded(value: &str, fold: crate::pattern::Fold) -> Result<String, ProtocolError> {
    let value = value.trim();
    if value.chars().count() > MAX_EMAIL_CHARS {
        return Err(invalid(format!(
            "email longer than {MAX_EMAIL_CHARS} characters"
        )));
    }
    let Some((local, domain)) = value.split_once('@') else {
        return Err(invalid("email must contain @"));
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || value.chars().any(char::is_whitespace) {
        return Err(invalid("email is not a valid address"));
    }
    Ok(fold(value))
}

pub fn password(value: &str) -> Result<(), ProtocolError> {
    let n = value.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(invalid(format!(
            "password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(invalid(format!(
            "password must have at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

pub fn display_name(field: &str, value: &str) -> Result<String, ProtocolError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(format!("{field} is empty")));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!(
            "{field} longer than {MAX_NAME_CHARS} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(format!("{field} contains control characters")));
    }
    Ok(value.to_owned())
}

/// A phone number as people type it: digits with `+`, spaces, dashes, dots and parentheses;
/// 6 to 15 digits. Returned with the formatting kept, trimmed.
pub fn phone(value: &str) -> Result<String, ProtocolError> {
    let value = value.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !allowed || !(6..=15).contains(&digits) || value.len() > 30 {
        return Err(invalid("phone is not a valid number"));
    }
    Ok(value.to_owned())
}

/// Lowercase letters, digits and dashes, 1 to `MAX_NAME_CHARS` long.
pub fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_NAME_CHARS
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
