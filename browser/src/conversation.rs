//! One conversation as both apps hold it (the widget its visitor's, the console the open
//! chat's): the timeline (`protocol::Timeline`: stored messages and the outbox) and the socket
//! behind its sync gate. Commands go out only once the relay's welcome was handled and the
//! outbox resent, so no new message overtakes an unsent one; "typing" goes out at most every
//! few seconds; the other side's typing indicator clears itself if "stopped" never comes; a
//! file is uploaded first, then sent as a message.

use crate::socket::Connection;
use leptos::prelude::*;
use protocol::{Applied, Attachment, ClientMessageId, ConversationCommand, Timeline};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::thread::LocalKey;

/// The conversation a client holds: what it shows and the socket its commands go through.
#[derive(Clone, Copy)]
pub struct ConversationClient {
    pub timeline: RwSignal<Timeline>,
    /// The app's own slot (a `thread_local!`), not a reactive value: closing a socket runs its
    /// status callback at once, which sets signals, which must not happen while the reactive
    /// arena is borrowed.
    socket: &'static LocalKey<ConversationSocket>,
}

impl ConversationClient {
    pub fn new(socket: &'static LocalKey<ConversationSocket>) -> Self {
        Self {
            timeline: RwSignal::new(Timeline::default()),
            socket,
        }
    }

    /// The socket, for what the sync gate decides (`replace`, `unsynced`, `welcomed`).
    pub fn socket<R>(&self, f: impl FnOnce(&ConversationSocket) -> R) -> R {
        self.socket.with(f)
    }

    /// Reads a frame from the relay into the timeline: what it changed, or `None` for a frame
    /// that is not a conversation event.
    pub fn receive(&self, frame: &str) -> Option<Applied> {
        // Read by hand over the browser's JSON.parse (`protocol::lean`): no serde in the wasm.
        let event = crate::json::read(frame, protocol::lean::conversation_event)?;
        Some(
            self.timeline
                .try_update(|t| t.apply(event))
                .unwrap_or(Applied::Nothing),
        )
    }

    /// Hands a command to the socket if it is up and synced (see [`ConversationSocket::transmit`]).
    pub fn transmit(&self, command: &ConversationCommand) -> bool {
        self.socket(|s| s.transmit(command))
    }

    /// Queues a message (text, a file, or both) in the outbox and sends it if the socket is up;
    /// `Err` is why the text cannot be sent (empty, too long), in the relay's words.
    pub fn send(&self, typed: &str, attachment: Option<Attachment>) -> Result<(), String> {
        let client_id = ClientMessageId::parse(crate::client_id()).map_err(|e| e.to_string())?;
        let command = self
            .timeline
            .try_update(|t| t.compose(client_id, typed, attachment))
            .ok_or_else(String::new)?
            .map_err(|e| e.message)?;
        self.transmit(&command);
        self.socket(ConversationSocket::message_sent);
        Ok(())
    }

    /// Uploads a file to `url` (the conversation's files), then sends it as a message; `Err`
    /// is the relay's reason.
    pub async fn send_file(
        &self,
        url: &str,
        token: &str,
        file: &web_sys::File,
    ) -> Result<(), String> {
        let body = crate::http::upload_file(url, token, file).await?;
        let attachment = crate::json::read(&body, protocol::lean::attachment)
            .ok_or_else(|| format!("the relay's answer is not a file: {body}"))?;
        self.send("", Some(attachment))
    }

    /// The user is typing: "typing" goes out unless it did a moment ago.
    pub fn typing(&self) {
        self.socket(|s| s.typing(js_sys::Date::now()));
    }

    /// The oldest message held.
    pub fn earliest_seq(&self) -> Option<u64> {
        self.timeline.with(|t| t.messages().first().map(|m| m.seq))
    }
}

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
    use super::{ConversationClient, ConversationSocket, TypingThrottle};
    use protocol::{Applied, Author, ConversationEvent};

    thread_local! {
        static SOCKET: ConversationSocket = const { ConversationSocket::new() };
    }

    #[test]
    fn frames_from_the_relay_reach_the_timeline_and_garbage_does_not() {
        let client = ConversationClient::new(&SOCKET);
        let frame = serde_json::to_string(&ConversationEvent::Typing {
            author: Author::Visitor,
            typing: true,
        })
        .unwrap();
        assert!(frame.contains(r#""type":"typing""#), "{frame}");
        assert_eq!(
            client.receive(&frame),
            Some(Applied::Typing {
                author: Author::Visitor,
                typing: true
            })
        );
        assert_eq!(client.receive(r#"{"type":"no such frame"}"#), None);
        assert_eq!(client.receive("not json"), None);
    }

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
