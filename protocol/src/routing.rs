//! Who gets a new chat. Pure logic; the site's object feeds it the operators' state.
//!
//! Rules, in order: only operators who are online, serve the chat's department and are under
//! their limit of simultaneous chats are candidates; a returning visitor goes back to his
//! previous operator when that operator is a candidate; region rules (city first, then country)
//! narrow the candidates when one of theirs is available; then the least loaded candidate wins,
//! ties going to whoever was assigned longest ago (round robin). A chat nobody answers in time
//! escalates ([`Escalation`]): to the next operator, to everyone, then to a left message.

use crate::ids::OperatorId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorLoad {
    pub id: OperatorId,
    pub online: bool,
    /// Departments served; empty means all.
    pub departments: Vec<String>,
    pub active_chats: u32,
    /// Most simultaneous chats; `None` means no limit.
    pub max_chats: Option<u32>,
    /// When this operator last got a chat (ms), for round robin.
    pub last_assigned_at: u64,
}

impl OperatorLoad {
    fn serves(&self, department: Option<&str>) -> bool {
        match department {
            None => true,
            Some(d) => self.departments.is_empty() || self.departments.iter().any(|x| x == d),
        }
    }

    fn has_room(&self) -> bool {
        self.max_chats.is_none_or(|max| self.active_chats < max)
    }
}

/// Chats from these places go to these operators (when one of them can take it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionRule {
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub cities: Vec<String>,
    pub operators: Vec<OperatorId>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ChatRequest<'a> {
    pub department: Option<&'a str>,
    pub previous_operator: Option<&'a OperatorId>,
    pub country: Option<&'a str>,
    pub city: Option<&'a str>,
}

pub fn route(
    operators: &[OperatorLoad],
    regions: &[RegionRule],
    request: ChatRequest<'_>,
) -> Option<OperatorId> {
    let candidates: Vec<&OperatorLoad> = operators
        .iter()
        .filter(|o| o.online && o.serves(request.department) && o.has_room())
        .collect();
    if let Some(previous) = request.previous_operator {
        if candidates.iter().any(|o| &o.id == previous) {
            return Some(previous.clone());
        }
    }
    let matches = |list: &[String], value: Option<&str>| {
        value.is_some_and(|v| list.iter().any(|x| x.eq_ignore_ascii_case(v)))
    };
    let by_city = regions.iter().filter(|r| matches(&r.cities, request.city));
    let by_country = regions
        .iter()
        .filter(|r| matches(&r.countries, request.country));
    let regional = by_city.chain(by_country).find_map(|rule| {
        let chosen: Vec<&OperatorLoad> = candidates
            .iter()
            .copied()
            .filter(|o| rule.operators.contains(&o.id))
            .collect();
        (!chosen.is_empty()).then_some(chosen)
    });
    regional
        .unwrap_or(candidates)
        .into_iter()
        .min_by(|a, b| {
            a.active_chats
                .cmp(&b.active_chats)
                .then(a.last_assigned_at.cmp(&b.last_assigned_at))
                .then(a.id.cmp(&b.id))
        })
        .map(|o| o.id.clone())
}

/// The range `routing.no_answer_seconds` may take.
pub const NO_ANSWER_SECONDS: std::ops::RangeInclusive<u32> = 5..=3600;

/// The steps a chat nobody answers goes through, each `no_answer_seconds` after the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    /// Offered to the next operator (routing, without the one who did not answer).
    NextOperator,
    /// Unassigned: offered to everyone online.
    Everyone,
    /// The visitor is offered the leave-a-message form.
    LeaveMessage,
}

impl Escalation {
    /// The step after `done` steps; `None` once all were taken.
    pub fn after(done: u8) -> Option<Self> {
        match done {
            0 => Some(Escalation::NextOperator),
            1 => Some(Escalation::Everyone),
            2 => Some(Escalation::LeaveMessage),
            _ => None,
        }
    }
}

/// When the next step is due for a chat whose visitor waits for a person (see
/// `ChatFacts::waiting_since`): `None` when the site does not escalate, nobody waits (an
/// automatic answer may do), an operator has answered, or every step was taken.
pub fn escalation_due(
    seconds: Option<u32>,
    facts: &crate::reports::ChatFacts,
    done: u8,
) -> Option<crate::error::Millis> {
    let seconds = u64::from(seconds?);
    let since = facts.waiting_since()?;
    if facts.first_reply_at.is_some() || facts.operator_started {
        return None;
    }
    Escalation::after(done)?;
    Some(since + seconds * 1000 * (u64::from(done) + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> OperatorId {
        OperatorId::parse(s).unwrap()
    }

    fn op(name: &str, active: u32, last: u64) -> OperatorLoad {
        OperatorLoad {
            id: id(name),
            online: true,
            departments: vec![],
            active_chats: active,
            max_chats: None,
            last_assigned_at: last,
        }
    }

    fn pick(ops: &[OperatorLoad], regions: &[RegionRule], req: ChatRequest) -> Option<String> {
        route(ops, regions, req).map(|o| o.to_string())
    }

    #[test]
    fn least_loaded_then_round_robin() {
        let ops = [op("anna", 2, 10), op("boris", 1, 20), op("vera", 1, 5)];
        assert_eq!(
            pick(&ops, &[], ChatRequest::default()).as_deref(),
            Some("vera")
        );
        let ops = [op("anna", 0, 30), op("boris", 0, 20)];
        assert_eq!(
            pick(&ops, &[], ChatRequest::default()).as_deref(),
            Some("boris")
        );
    }

    #[test]
    fn spreads_chats_evenly_over_a_run() {
        let mut ops = vec![op("anna", 0, 0), op("boris", 0, 0), op("vera", 0, 0)];
        for t in 1..=9 {
            let chosen = route(&ops, &[], ChatRequest::default()).unwrap();
            let o = ops.iter_mut().find(|o| o.id == chosen).unwrap();
            o.active_chats += 1;
            o.last_assigned_at = t;
        }
        assert!(ops.iter().all(|o| o.active_chats == 3), "{ops:?}");
    }

    #[test]
    fn offline_full_and_other_departments_are_skipped() {
        let mut offline = op("anna", 0, 0);
        offline.online = false;
        let mut full = op("boris", 3, 0);
        full.max_chats = Some(3);
        let mut support = op("vera", 5, 0);
        support.departments = vec!["support".into()];
        let ops = [offline, full, support];
        assert_eq!(
            pick(&ops, &[], ChatRequest::default()).as_deref(),
            Some("vera")
        );
        let sales = ChatRequest {
            department: Some("sales"),
            ..Default::default()
        };
        assert_eq!(pick(&ops, &[], sales), None, "nobody can take it");
    }

    #[test]
    fn returning_visitors_get_their_operator_when_possible() {
        let ops = [op("anna", 5, 0), op("boris", 0, 0)];
        let anna = id("anna");
        let req = ChatRequest {
            previous_operator: Some(&anna),
            ..Default::default()
        };
        assert_eq!(pick(&ops, &[], req).as_deref(), Some("anna"));
        let mut busy = ops.clone();
        busy[0].max_chats = Some(5);
        assert_eq!(pick(&busy, &[], req).as_deref(), Some("boris"));
    }

    #[test]
    fn region_rules_by_city_then_country() {
        let ops = [op("anna", 3, 0), op("boris", 0, 0), op("vera", 1, 0)];
        let regions = [
            RegionRule {
                countries: vec!["RU".into()],
                cities: vec![],
                operators: vec![id("vera")],
            },
            RegionRule {
                countries: vec![],
                cities: vec!["Kazan".into()],
                operators: vec![id("anna")],
            },
        ];
        let kazan = ChatRequest {
            country: Some("RU"),
            city: Some("kazan"),
            ..Default::default()
        };
        assert_eq!(pick(&ops, &regions, kazan).as_deref(), Some("anna"));
        let moscow = ChatRequest {
            country: Some("RU"),
            city: Some("Moscow"),
            ..Default::default()
        };
        assert_eq!(pick(&ops, &regions, moscow).as_deref(), Some("vera"));
        let berlin = ChatRequest {
            country: Some("DE"),
            city: Some("Berlin"),
            ..Default::default()
        };
        assert_eq!(pick(&ops, &regions, berlin).as_deref(), Some("boris"));
        // The regional operator is offline: the chat still goes to someone.
        let mut vera_off = ops.clone();
        vera_off[2].online = false;
        assert_eq!(pick(&vera_off, &regions, moscow).as_deref(), Some("boris"));
    }

    #[test]
    fn a_chat_nobody_answers_goes_to_the_next_operator_then_everyone_then_a_message() {
        use crate::reports::ChatFacts;
        let waiting = ChatFacts {
            first_visitor_at: Some(1_000),
            visitor_messages: 1,
            ..ChatFacts::default()
        };
        assert_eq!(escalation_due(Some(30), &waiting, 0), Some(31_000));
        assert_eq!(escalation_due(Some(30), &waiting, 1), Some(61_000));
        assert_eq!(escalation_due(Some(30), &waiting, 2), Some(91_000));
        assert_eq!(
            escalation_due(Some(30), &waiting, 3),
            None,
            "every step taken"
        );
        assert_eq!(
            escalation_due(None, &waiting, 0),
            None,
            "the site lets chats wait"
        );
        let answered = ChatFacts {
            first_reply_at: Some(20_000),
            ..waiting.clone()
        };
        assert_eq!(escalation_due(Some(30), &answered, 0), None);
        let proactive = ChatFacts {
            operator_started: true,
            ..waiting.clone()
        };
        assert_eq!(
            escalation_due(Some(30), &proactive, 0),
            None,
            "an operator started it"
        );
        assert_eq!(
            escalation_due(Some(30), &ChatFacts::default(), 0),
            None,
            "nobody wrote"
        );
        let answered_automatically = ChatFacts {
            auto_answered: true,
            ..waiting.clone()
        };
        assert_eq!(
            escalation_due(Some(30), &answered_automatically, 0),
            None,
            "the automatic answer may do"
        );
        let handed_over = ChatFacts {
            handed_over_at: Some(500_000),
            ..answered_automatically
        };
        assert_eq!(
            escalation_due(Some(30), &handed_over, 0),
            Some(530_000),
            "from when he asked for a person"
        );
        let replied = ChatFacts {
            first_reply_at: Some(520_000),
            ..handed_over
        };
        assert_eq!(replied.first_response_ms(), Some(20_000));
        let steps: Vec<_> = (0..4).map(Escalation::after).collect();
        assert_eq!(
            steps,
            vec![
                Some(Escalation::NextOperator),
                Some(Escalation::Everyone),
                Some(Escalation::LeaveMessage),
                None
            ]
        );
    }
}
