//! The site's team as its consoles show it: who is signed in, with which status, and who of
//! them can answer visitors now (per department).

use super::inbox::InboxMember;
use super::SiteRoom;
use crate::http;
use crate::participant::Participant;
use protocol::{Availability, ColleagueStatus, InboxEvent, OperatorCard, Presence, SiteSettings};
use worker::WebSocket;

impl SiteRoom {
    /// Signed-in operators (one entry per open console), except a socket that is closing.
    pub(super) fn members(&self, closing: Option<&WebSocket>) -> Vec<InboxMember> {
        self.state
            .get_websockets_with_tag("operator")
            .into_iter()
            .filter(|ws| Some(ws) != closing)
            .filter_map(|ws| ws.deserialize_attachment::<InboxMember>().ok().flatten())
            .collect()
    }

    /// Tells every open console who of the team is signed in and available.
    pub(super) fn announce_team(&self, closing: Option<&WebSocket>) {
        let mut colleagues: Vec<ColleagueStatus> = Vec::new();
        for member in self.members(closing) {
            if let Participant::Operator { id, name, .. } = member.participant {
                // One entry per operator, however many consoles he has open.
                match colleagues.iter_mut().find(|c| c.id == id) {
                    Some(existing) if member.since > existing.since => {
                        existing.availability = member.availability;
                        existing.since = member.since;
                        existing.custom = member.custom;
                    }
                    Some(_) => {}
                    None => colleagues.push(ColleagueStatus {
                        id,
                        name,
                        availability: member.availability,
                        since: member.since,
                        custom: member.custom,
                    }),
                }
            }
        }
        let online: Vec<OperatorCard> = colleagues
            .iter()
            .filter(|c| c.availability == Availability::Online)
            .map(|c| OperatorCard {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect();
        if let Err(e) = self.record_online(&online) {
            crate::log::error("online_time.record_failed", &e, &[]);
        }
        let event = InboxEvent::Team { colleagues };
        for socket in crate::objects::revoke::live_operator_sockets(&self.state, http::now_ms()) {
            if Some(&socket) != closing {
                let _ = socket.send(&event);
            }
        }
    }

    /// Operators online now: signed in with the console open (an inbox socket) and not away.
    pub(super) fn online_operators(&self) -> Vec<OperatorCard> {
        let mut online: Vec<OperatorCard> = Vec::new();
        for member in self.members(None) {
            if member.availability != Availability::Online {
                continue;
            }
            if let Participant::Operator { id, name, .. } = member.participant {
                if !online.iter().any(|o| o.id == id) {
                    online.push(OperatorCard { id, name });
                }
            }
        }
        online
    }

    /// Who can answer: any online operator, and per department the online operators the
    /// routing settings let serve it; within working hours only (the site's, or a
    /// department's own), with the time it opens again when closed.
    pub(super) fn presence(&self) -> Presence {
        let online = self.online_operators();
        let settings = self
            .settings()
            .ok()
            .flatten()
            .unwrap_or_else(|| SiteSettings::new(""));
        let now = http::now_ms();
        // The zone is looked up once for the site and all its departments.
        let zone = settings.zone();
        let opening = |department: Option<&str>| {
            protocol::hours::opening(settings.hours_of(department), &zone, now)
        };
        let serves = |operator: &OperatorCard, department: &str| {
            let (departments, _) = settings.routing.for_operator(&operator.id);
            departments.is_empty() || departments.iter().any(|d| d == department)
        };
        let departments_online: Vec<String> = settings
            .departments
            .iter()
            .filter(|d| opening(Some(&d.id)).open)
            .filter(|d| online.iter().any(|o| serves(o, &d.id)))
            .map(|d| d.id.clone())
            .collect();
        let site = opening(None);
        // Closed, a department with hours of its own may still take chats.
        let operators_online = if site.open {
            !online.is_empty()
        } else {
            !departments_online.is_empty()
        };
        let back_at = (!operators_online && !site.open)
            .then_some(site.changes_at)
            .flatten();
        Presence {
            operators_online,
            departments_online,
            back_at,
        }
    }
}
