//! Telling a dead connection from a quiet one. A socket whose network went away without a
//! goodbye (a laptop lid closed, Wi-Fi switched, a proxy dropped it) can look open for many
//! minutes; meanwhile the visitor waits for replies that never come. So a client that heard
//! nothing for `QUIET_MS` sends `PING`; the relay answers `PONG` without waking the room
//! (a Durable Object auto-response); no frame at all within `ANSWER_MS` means the connection
//! is dead, and the client drops it and reconnects (catching up on what it missed).

/// The text frame a client sends to ask whether the connection is alive.
pub const PING: &str = "ping";
/// The relay's answer to `PING`.
pub const PONG: &str = "pong";
/// Silence after which a client asks.
pub const QUIET_MS: f64 = 25_000.0;
/// How long a client waits for any frame after asking.
pub const ANSWER_MS: f64 = 10_000.0;
/// How often a client looks at the connection (often enough to keep the timings above).
pub const CHECK_EVERY_MS: u32 = 5_000;

/// What a client should do now about its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Beat {
    Nothing,
    SendPing,
    /// No answer: close it and reconnect.
    Dead,
}

/// One connection's liveness, by the time (ms) of the last frame heard and of the last ask.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    last_heard: f64,
    asked_at: Option<f64>,
}

impl Liveness {
    /// A connection that has just opened.
    pub fn new(now: f64) -> Self {
        Self {
            last_heard: now,
            asked_at: None,
        }
    }

    /// Any frame from the relay, `PONG` or not, shows the connection is alive.
    pub fn heard(&mut self, now: f64) {
        self.last_heard = now;
        self.asked_at = None;
    }

    /// Called every `CHECK_EVERY_MS` (or later: background tabs' timers are throttled).
    pub fn check(&mut self, now: f64) -> Beat {
        match self.asked_at {
            Some(asked) if now - asked >= ANSWER_MS => Beat::Dead,
            Some(_) => Beat::Nothing,
            None if now - self.last_heard >= QUIET_MS => {
                self.asked_at = Some(now);
                Beat::SendPing
            }
            None => Beat::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_connection_is_asked_once_then_declared_dead_without_an_answer() {
        let mut live = Liveness::new(0.0);
        assert_eq!(live.check(QUIET_MS - 1.0), Beat::Nothing);
        assert_eq!(live.check(QUIET_MS), Beat::SendPing);
        assert_eq!(live.check(QUIET_MS + 5_000.0), Beat::Nothing, "asks once");
        assert_eq!(live.check(QUIET_MS + ANSWER_MS), Beat::Dead);
    }

    #[test]
    fn any_frame_keeps_it_alive_and_cancels_the_question() {
        let mut live = Liveness::new(0.0);
        live.heard(20_000.0);
        assert_eq!(live.check(40_000.0), Beat::Nothing, "quiet for 20 s only");
        assert_eq!(live.check(45_000.0), Beat::SendPing);
        live.heard(45_100.0);
        assert_eq!(live.check(60_000.0), Beat::Nothing, "answered");
        assert_eq!(
            live.check(70_100.0),
            Beat::SendPing,
            "asks again after the next silence"
        );
    }

    #[test]
    fn a_throttled_timer_still_asks_before_it_gives_up() {
        // A background tab checks once a minute: the first late check asks, it does not
        // declare dead a connection it never asked.
        let mut live = Liveness::new(0.0);
        assert_eq!(live.check(60_000.0), Beat::SendPing);
        assert_eq!(live.check(120_000.0), Beat::Dead);
    }
}
