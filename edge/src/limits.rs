//! Rate limits, read from the environment (`wrangler.toml` `[vars]`) as `burst/per_minute`, so
//! a deployment (or a load test) can set its own; defaults are `protocol::limits`.

use protocol::limits::{Rate, NEW_VISITORS_PER_IP, UPLOADS_PER_IP, VISITOR_MESSAGES};
use worker::Env;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limited {
    /// Messages and other writes of one visitor (per conversation).
    VisitorMessages,
    /// New visitors, i.e. new conversations, from one IP address.
    NewVisitors,
    /// Visitors' file uploads from one IP address.
    Uploads,
}

impl Limited {
    fn var(self) -> &'static str {
        match self {
            Limited::VisitorMessages => "RATE_VISITOR_MESSAGES",
            Limited::NewVisitors => "RATE_NEW_VISITORS_PER_IP",
            Limited::Uploads => "RATE_UPLOADS_PER_IP",
        }
    }

    fn default_rate(self) -> Rate {
        match self {
            Limited::VisitorMessages => VISITOR_MESSAGES,
            Limited::NewVisitors => NEW_VISITORS_PER_IP,
            Limited::Uploads => UPLOADS_PER_IP,
        }
    }
}

/// `"10/30"` → a burst of 10, then 30 a minute.
pub fn parse_rate(value: &str) -> Option<Rate> {
    let (burst, per_minute) = value.trim().split_once('/')?;
    let rate = Rate {
        burst: burst.trim().parse().ok()?,
        per_minute: per_minute.trim().parse().ok()?,
    };
    (rate.burst > 0).then_some(rate)
}

/// The rate for `what` in this environment. A value that does not read is reported and the
/// default applies.
pub fn rate(env: &Env, what: Limited) -> Rate {
    match env.var(what.var()).map(|v| v.to_string()) {
        Ok(value) if !value.is_empty() => parse_rate(&value).unwrap_or_else(|| {
            worker::console_error!("{} = {value:?} is not burst/per_minute", what.var());
            what.default_rate()
        }),
        _ => what.default_rate(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_burst_slash_per_minute() {
        assert_eq!(
            parse_rate("10/30"),
            Some(Rate {
                burst: 10,
                per_minute: 30
            })
        );
        assert_eq!(
            parse_rate(" 500 / 60000 "),
            Some(Rate {
                burst: 500,
                per_minute: 60000
            })
        );
        for bad in ["", "10", "a/b", "0/10", "-1/5"] {
            assert_eq!(parse_rate(bad), None, "{bad}");
        }
    }
}
