//! Channels besides the web chat that an admin connects in Settings → Channels: what the
//! console sends and reads. (How the relay talks to each messenger is the relay's own.)

use crate::error::{ErrorCode, ProtocolError};
use serde::{Deserialize, Serialize};

/// `PUT /api/v1/sites/:site/telegram`: connect the bot with this token from @BotFather.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramConnect {
    pub token: String,
}

/// `GET /api/v1/sites/:site/telegram`: the connected bot, never its token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelegramStatus {
    pub connected: bool,
    /// The bot's @username, without the @.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Messages waiting to go out (the Bot API asked to wait, or could not be reached).
    #[serde(default)]
    pub waiting: u32,
}

/// A token as @BotFather issues it: the bot's number, a colon, a secret of letters, digits,
/// `_` and `-`. Checked before it is used in a Bot API address, where anything else (a `/`, a
/// `?`) could change which address is called.
pub fn check_bot_token(token: &str) -> Result<(), ProtocolError> {
    let bad = || {
        ProtocolError::new(
            ErrorCode::InvalidField,
            "this is not a bot token: it looks like 123456789:AAH… (from @BotFather)",
        )
    };
    let (bot, secret) = token.split_once(':').ok_or_else(bad)?;
    let secret_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if bot.is_empty()
        || bot.len() > 20
        || !bot.chars().all(|c| c.is_ascii_digit())
        || !(20..=100).contains(&secret.len())
        || !secret.chars().all(secret_char)
    {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_of_botfathers_shape_are_taken() {
        assert!(check_bot_token("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw").is_ok());
        for bad in [
            "",
            "123456789",
            ":AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            "12a:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            "123:short",
            "123:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/../getMe",
            "123:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw?x=1",
            "123:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDs w",
        ] {
            assert!(check_bot_token(bad).is_err(), "{bad:?}");
        }
    }
}
