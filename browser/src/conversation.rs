//! One conversation socket as both apps hold it (the widget its visitor's, the console the open
//! chat's): commands go out only once the relay's welcome was handled and the outbox resent
//! (the sync gate), so no new message overtakes an unsent one; "typing" goes out at most every
//! few seconds; the other side's typing indicator clears itself if "stopped" never comes.

use crate::socket::Connection;
use protocol::ConversationCommand;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// How often "typing" goes out while someone keeps typing.
pub const TYPING_EVERY_MS: f64 = 3_000.0;
/// How long the other side's typing indicator stays without news.
pub const TYPING_SHOWN_MS: u32 = 6_000;

/// The socket of one conversation, behind its sync gate.
pub struct ConversationSocket {
    connection: RefCell<Option<Connection>>,
    synced: Cell<bool>,
    typing: RefCell<TypingThrottle>,
}

impl ConversationSocket {
    pub const fn new() -> Self {
        Self {
            connection: RefCell::new(None),
            synced: Cell::new(false),
            typing: RefCell::new(TypingThrottle::new(TYPING_EVERY_MS)),
        }
    }

    /// A new socket (or none) replaces the current one, which is closed; commands wait for the
    /// new one's welcome.
    pub fn replace(&self, connection: Option<Connection>) {
        self.synced.set(false);
        if let Some(previous) = self.connection.replace(connection) {
            previous.close();
        }
    }

    /// The socket dropped or is reconnecting: commands wait for the next welcome.
    pub fn unsynced(&self) {
        self.synced.set(false);
    }

    /// The relay's welcome was handled: what `resend` holds (the outbox, oldest first) goes out
    /// now, then every command goes straight out.
    pub fn welcomed(&self, resend: &[ConversationCommand]) {
        self.synced.set(true);
        for command in resend {
            self.transmit(command);
        }
    }

    /// Hands a command to the socket if it is up and synced; `false` means it did not go (a
    /// message stays in the outbox and goes with the next welcome).
    pub fn transmit(&self, command: &ConversationCommand) -> bool {
        self.synced.get()
            && self
                .connection
                .borrow()
                .as_ref()
                .is_some_and(|connection| connection.send(&command.to_frame()))
    }

    /// The user is typing: "typing" goes out unless it did a moment ago.
    pub fn typing(&self, now_ms: f64) {
        if self.typing.borrow_mut().due(now_ms) {
            self.transmit(&ConversationCommand::Typing { typing: true });
        }
    }

    /// A message went: the next keystroke says "typing" again at once.
    pub fn message_sent(&self) {
        self.typing.borrow_mut().reset();
    }
}

impl Default for ConversationSocket {
    fn default() -> Self {
        Self::new()
    }
}

/// When "typing" may go out again.
#[derive(Debug, Clone, PartialEq)]
pub struct TypingThrottle {
    every_ms: f64,
    last_sent_ms: Option<f64>,
}

impl TypingThrottle {
    pub const fn new(every_ms: f64) -> Self {
        Self {
            every_ms,
            last_sent_ms: None,
        }
    }

    /// Whether to send "typing" now; if so, counts it as sent.
    pub fn due(&mut self, now_ms: f64) -> bool {
        let due = self
            .last_sent_ms
            .is_none_or(|last| now_ms - last > self.every_ms);
        if due {
            self.last_sent_ms = Some(now_ms);
        }
        due
    }

    pub fn reset(&mut self) {
        self.last_sent_ms = None;
    }
}

/// The other side's typing indicator: each change starts a new generation, and a shown
/// indicator is cleared after [`TYPING_SHOWN_MS`] unless something newer happened.
#[derive(Clone, Default)]
pub struct TypingIndicator(Rc<Cell<u32>>);

impl TypingIndicator {
    /// Records a change; `clear` runs later if the indicator is still the one shown now.
    pub fn changed(&self, typing: bool, clear: impl FnOnce() + 'static) {
        let generation = self.0.get().wrapping_add(1);
        self.0.set(generation);
        if typing {
            let current = self.0.clone();
            crate::later(TYPING_SHOWN_MS, move || {
                if current.get() == generation {
                    clear();
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TypingThrottle;

    #[test]
    fn typing_goes_out_at_most_every_few_seconds_and_again_after_a_message() {
        let mut throttle = TypingThrottle::new(3_000.0);
        assert!(throttle.due(10_000.0), "the first keystroke says so");
        assert!(!throttle.due(11_000.0));
        assert!(!throttle.due(13_000.0), "3 s after: not yet");
        assert!(throttle.due(13_001.0));
        throttle.reset();
        assert!(throttle.due(13_500.0), "after a message, at once");
    }
}
