//! Who is on the other end of a socket, as a Durable Object knows it. The router decides this
//! from a verified token and passes it along; the object keeps it in the socket's attachment so
//! it survives hibernation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use protocol::{Author, OperatorCard, OperatorId, Role, VisitorId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Participant {
    Visitor {
        visitor: VisitorId,
    },
    Operator {
        id: OperatorId,
        name: String,
        role: Role,
    },
}

impl Participant {
    /// The author recorded on the messages this participant sends.
    pub fn author(&self) -> Author {
        match self {
            Participant::Visitor { .. } => Author::Visitor,
            Participant::Operator { id, name, .. } => Author::Operator {
                id: id.clone(),
                name: name.clone(),
            },
        }
    }

    /// Key under which this sender's client message ids are unique.
    pub fn sender_key(&self) -> String {
        match self {
            Participant::Visitor { .. } => "visitor".into(),
            Participant::Operator { id, .. } => format!("operator:{id}"),
        }
    }

    pub fn operator_card(&self) -> Option<OperatorCard> {
        match self {
            Participant::Operator { id, name, .. } => Some(OperatorCard {
                id: id.clone(),
                name: name.clone(),
            }),
            Participant::Visitor { .. } => None,
        }
    }

    pub fn encode(&self) -> String {
        B64.encode(serde_json::to_vec(self).expect("participant serializes"))
    }

    pub fn decode(header: &str) -> Option<Self> {
        serde_json::from_slice(&B64.decode(header).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_keeps_non_latin_names() {
        let p = Participant::Operator {
            id: OperatorId::parse("op").unwrap(),
            name: "Анна".into(),
            role: Role::Operator,
        };
        let header = p.encode();
        assert!(header.is_ascii());
        assert_eq!(Participant::decode(&header), Some(p));
        assert_eq!(Participant::decode("%%"), None);
    }

    #[test]
    fn senders_are_distinct() {
        let v = Participant::Visitor {
            visitor: VisitorId::parse("v").unwrap(),
        };
        assert_eq!(v.author(), Author::Visitor);
        assert_ne!(
            v.sender_key(),
            Participant::Operator {
                id: OperatorId::parse("visitor").unwrap(),
                name: "x".into(),
                role: Role::Admin
            }
            .sender_key()
        );
    }
}
