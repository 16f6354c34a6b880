//! Operators' sockets end with their right to them: each is tagged with the operator, his
//! session and when it expires, so a removal, a sign-out or a password change closes exactly
//! his sockets (1008, no reconnect), and a socket outliving its session is closed the next
//! time something is sent on it.

use protocol::OperatorId;
use serde::{Deserialize, Serialize};
use worker::{State, WebSocket};

/// Close code for "no longer allowed": clients do not reconnect after it.
pub const POLICY_VIOLATION: u16 = 1008;

/// The session an operator's socket was opened under (router → object, `x-consultant-session`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketSession {
    pub sid: String,
    /// When the session ends, ms since the epoch.
    pub exp: u64,
}

impl SocketSession {
    pub fn encode(&self) -> String {
        format!("{} {}", self.sid, self.exp)
    }

    pub fn decode(header: &str) -> Option<Self> {
        let (sid, exp) = header.split_once(' ')?;
        Some(Self {
            sid: sid.to_owned(),
            exp: exp.parse().ok()?,
        })
    }

    /// The tags of an operator's socket (the object adds its own kind tag first).
    pub fn tags(&self, op: &OperatorId) -> [String; 3] {
        [
            format!("op:{op}"),
            format!("sid:{}", self.sid),
            format!("exp:{}", self.exp),
        ]
    }
}

/// The tags a new socket is accepted with: its kind, and for an operator who he is and the
/// session the router passed (`x-consultant-session`).
pub fn socket_tags(
    req: &worker::Request,
    participant: &crate::participant::Participant,
) -> Vec<String> {
    use crate::participant::Participant;
    match participant {
        Participant::Visitor { .. } => vec!["visitor".into()],
        Participant::Operator { id, .. } => {
            let mut tags = vec!["operator".to_owned()];
            let session = req
                .headers()
                .get(crate::http::internal::SESSION)
                .ok()
                .flatten()
                .and_then(|h| SocketSession::decode(&h));
            match session {
                Some(session) => tags.extend(session.tags(id)),
                None => tags.push(format!("op:{id}")),
            }
            tags
        }
    }
}

/// Which of an operator's sockets to close.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revoke {
    pub op: OperatorId,
    /// Only this session's sockets (signing out).
    pub only: Option<String>,
    /// All but this session's (a password change keeps the session that made it).
    pub keep: Option<String>,
    /// Said in the close frame.
    pub reason: String,
}

impl Revoke {
    /// Every socket of `op`, on every device.
    pub fn everywhere(op: OperatorId, reason: &str) -> Self {
        Self {
            op,
            only: None,
            keep: None,
            reason: reason.to_owned(),
        }
    }
}

/// Closes the sockets `revoke` names among this object's; answers how many.
pub fn close_revoked(state: &State, revoke: &Revoke) -> usize {
    let selector = match &revoke.only {
        Some(sid) => format!("sid:{sid}"),
        None => format!("op:{}", revoke.op),
    };
    let keep = revoke.keep.as_ref().map(|sid| format!("sid:{sid}"));
    let mut closed = 0;
    for socket in state.get_websockets_with_tag(&selector) {
        if keep
            .as_ref()
            .is_some_and(|k| state.get_tags(&socket).contains(k))
        {
            continue;
        }
        // Closing twice, or a socket already gone, is harmless.
        let _ = socket.close(Some(POLICY_VIOLATION), Some(&revoke.reason));
        closed += 1;
    }
    closed
}

/// The operator sockets (tag `operator`) whose sessions are still running; those past their
/// session's end are closed on the way.
pub fn live_operator_sockets(state: &State, now_ms: u64) -> Vec<WebSocket> {
    state
        .get_websockets_with_tag("operator")
        .into_iter()
        .filter(|socket| {
            let expired = state
                .get_tags(socket)
                .iter()
                .filter_map(|t| t.strip_prefix("exp:"))
                .filter_map(|t| t.parse::<u64>().ok())
                .any(|exp| exp <= now_ms);
            if expired {
                let _ = socket.close(
                    Some(POLICY_VIOLATION),
                    Some("session expired: sign in again"),
                );
            }
            !expired
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_header_round_trips() {
        let session = SocketSession {
            sid: "abc".into(),
            exp: 42,
        };
        assert_eq!(SocketSession::decode(&session.encode()), Some(session));
        assert_eq!(SocketSession::decode("abc"), None);
        assert_eq!(SocketSession::decode("abc x"), None);
    }
}
