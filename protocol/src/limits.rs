//! Size limits enforced by the relay and respected by the clients.

/// Longest message text, in Unicode scalar values (what a visitor perceives as characters).
pub const MAX_MESSAGE_CHARS: usize = 4_000;
/// Largest WebSocket frame the relay will parse. A message of `MAX_MESSAGE_CHARS` four-byte
/// characters plus its envelope fits; anything bigger is refused before JSON parsing.
pub const MAX_FRAME_BYTES: usize = 20 * 1024;
/// Largest JSON body of an HTTP request to the API.
pub const MAX_HTTP_BODY_BYTES: usize = 16 * 1024;
/// How many of the newest messages a new client (nothing seen yet) receives on connect. A
/// reconnecting client receives everything after the last message it saw, however much.
pub const HISTORY_PAGE: usize = 500;
/// Messages per frame of the log sent on connect (the welcome, then `messages` frames): at
/// most `MAX_FRAME_BYTES` each, so a frame stays well under a WebSocket message's limit.
pub const LOG_FRAME_MESSAGES: usize = 50;
/// Operator display names, site names and similar short labels.
pub const MAX_NAME_CHARS: usize = 80;
/// E-mail addresses (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Passwords: a lower bound for safety, an upper bound so the KDF input stays small.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Characters of the last message shown in the operator's conversation list.
pub const PREVIEW_CHARS: usize = 140;

/// A rate: a burst allowed at once, refilled steadily per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub per_minute: u32,
}

/// Messages (and other writes) one visitor may send: 10 at once, 30 a minute after that.
pub const VISITOR_MESSAGES: Rate = Rate {
    burst: 10,
    per_minute: 30,
};
/// New visitors (each one a new conversation) from one IP address.
pub const NEW_VISITORS_PER_IP: Rate = Rate {
    burst: 20,
    per_minute: 6,
};
/// File uploads by visitors from one IP address.
pub const UPLOADS_PER_IP: Rate = Rate {
    burst: 5,
    per_minute: 10,
};

/// Sign-in attempts (and other password checks) from one IP address.
pub const SIGN_IN_PER_IP: Rate = Rate {
    burst: 10,
    per_minute: 10,
};
/// Password checks of one account, from anywhere (a sign-in resets them): then it waits,
/// whoever asks.
pub const PASSWORD_CHECKS_PER_ACCOUNT: Rate = Rate {
    burst: 5,
    per_minute: 2,
};
/// Password-reset e-mails for one account.
pub const PASSWORD_RESETS_PER_ACCOUNT: Rate = Rate {
    burst: 3,
    per_minute: 1,
};
/// Transcripts one conversation may have e-mailed.
pub const TRANSCRIPTS_PER_CONVERSATION: u32 = 3;
/// E-mails to visitors' addresses (transcripts) one site may queue per day.
pub const VISITOR_EMAILS_PER_SITE_DAY: u32 = 200;

/// Page views one presence socket may report: SPAs change pages often, scripts faster.
pub const PAGE_VIEWS_PER_SOCKET: Rate = Rate {
    burst: 20,
    per_minute: 30,
};
/// Commands of one visitor other than writes (typing, contact, department, rating…).
pub const VISITOR_OTHER_COMMANDS: Rate = Rate {
    burst: 30,
    per_minute: 60,
};
/// Commands of one operator in one conversation (messages, notes, tags, typing…): far above
/// what a person types, so that only a script in a loop meets it (each command may save the
/// state and report to the site).
pub const OPERATOR_COMMANDS: Rate = Rate {
    burst: 60,
    per_minute: 300,
};
/// Operators whose rates one conversation remembers at once.
pub const MAX_RATED_OPERATORS: usize = 64;
/// Presence sockets (pages with the widget open) from one IP address, and on one site.
pub const MAX_PRESENCE_PER_IP: usize = 100;
pub const MAX_PRESENCE_PER_SITE: usize = 20_000;

/// A token bucket: full at first, one token per use, refilled at the rate's pace.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bucket {
    tokens: f64,
    at_ms: u64,
}

impl Bucket {
    pub fn new(rate: Rate, now_ms: u64) -> Self {
        Self {
            tokens: rate.burst as f64,
            at_ms: now_ms,
        }
    }

    /// The tokens the bucket would hold at `now_ms` (for choosing which buckets to forget).
    pub fn level(&self, rate: Rate, now_ms: u64) -> f64 {
        let per_ms = rate.per_minute as f64 / 60_000.0;
        let elapsed = now_ms.saturating_sub(self.at_ms) as f64;
        (self.tokens + elapsed * per_ms).min(rate.burst as f64)
    }

    /// Takes one token; `Err` says in how many ms the next one is there.
    pub fn take(&mut self, rate: Rate, now_ms: u64) -> Result<(), u64> {
        let per_ms = rate.per_minute as f64 / 60_000.0;
        let elapsed = now_ms.saturating_sub(self.at_ms) as f64;
        self.tokens = (self.tokens + elapsed * per_ms).min(rate.burst as f64);
        self.at_ms = now_ms.max(self.at_ms);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else if per_ms <= 0.0 {
            Err(u64::MAX)
        } else {
            Err(((1.0 - self.tokens) / per_ms).ceil() as u64)
        }
    }
}

/// Longest landing or referrer URL kept.
pub const MAX_SOURCE_URL_CHARS: usize = 2_000;

/// Longest `utm_*` value kept.
pub const MAX_UTM_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_steady_rate() {
        let rate = Rate {
            burst: 3,
            per_minute: 60,
        };
        let mut bucket = Bucket::new(rate, 0);
        assert_eq!(
            (0..3).map(|_| bucket.take(rate, 0)).collect::<Vec<_>>(),
            [Ok(()); 3]
        );
        assert_eq!(
            bucket.take(rate, 0),
            Err(1000),
            "one a second after the burst"
        );
        assert_eq!(bucket.take(rate, 400), Err(600));
        assert_eq!(bucket.take(rate, 1000), Ok(()));
        // A long pause refills to the burst, no further.
        assert_eq!(
            (0..4)
                .map(|_| bucket.take(rate, 60_000).is_ok())
                .collect::<Vec<_>>(),
            [true, true, true, false]
        );
        // A clock that goes backwards refills nothing.
        assert!(bucket.take(rate, 10).is_err());
    }
}
