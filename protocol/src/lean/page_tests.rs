//! Every reader and writer of `lean` against the serde form of the same type.

use super::*;
use crate::pattern::{MatchKind, Pattern};
use crate::settings::{Locale, Position, SiteSettings};
use crate::triggers::{Action, Condition, TriggerRule, UtmParam, VisitRecord, VisitState};
use crate::visitors::{Geo, PageView, PresenceCommand, PresenceEvent};
use crate::{Presence, SiteId};
use serde_json::json;

fn every_condition() -> Vec<Condition> {
    let pattern = |kind, value: &str| Pattern {
        kind,
        value: value.into(),
        negate: false,
    };
    vec![
        Condition::SecondsOnPage { at_least: 5 },
        Condition::SecondsOnSite { at_least: 60 },
        Condition::PagesViewed { at_least: 3 },
        Condition::VisitNumber {
            at_least: 2,
            at_most: Some(4),
        },
        Condition::VisitNumber {
            at_least: 1,
            at_most: None,
        },
        Condition::Url {
            pattern: pattern(MatchKind::Wildcard, "*/pricing*"),
        },
        Condition::Title {
            pattern: Pattern {
                negate: true,
                ..pattern(MatchKind::Contains, "Оплата")
            },
        },
        Condition::Referrer {
            pattern: pattern(MatchKind::StartsWith, "https://search."),
        },
        Condition::Utm {
            param: UtmParam::Campaign,
            pattern: pattern(MatchKind::Equals, "winter"),
        },
        Condition::Utm {
            param: UtmParam::Content,
            pattern: pattern(MatchKind::EndsWith, "b"),
        },
        Condition::Country {
            codes: vec!["RU".into(), "DE".into()],
        },
        Condition::City {
            names: vec!["Berlin".into()],
        },
        Condition::Weekday {
            days: vec![1, 5, 7],
        },
        Condition::Hours { from: 22, to: 6 },
        Condition::OperatorOnline { online: false },
        Condition::AlreadyChatted { chatted: true },
    ]
}

fn every_action() -> Vec<Action> {
    vec![
        Action::Invite {
            text: "Нужна помощь? \"Ask\" away".into(),
            operator_name: "Anna".into(),
            avatar_url: Some("https://example.com/a.png".into()),
            department: Some("sales".into()),
        },
        Action::Invite {
            text: "Hi".into(),
            operator_name: "Bob".into(),
            avatar_url: None,
            department: None,
        },
        Action::OpenWindow,
        Action::ShowContactForm,
        Action::SlowReplyNotice {
            after_seconds: 30,
            text: String::new(),
        },
        Action::HideWidget,
    ]
}

#[test]
fn every_condition_and_action_reads_as_serde_wrote_it() {
    for condition in every_condition() {
        let wire = serde_json::to_value(&condition).unwrap();
        assert_eq!(super::condition(&wire), Some(condition), "{wire}");
    }
    for action in every_action() {
        let wire = serde_json::to_value(&action).unwrap();
        assert_eq!(super::action(&wire), Some(action), "{wire}");
    }
}

#[test]
fn the_page_config_is_the_widget_configs_own_values() {
    let mut settings = SiteSettings::new("Shop");
    settings.locale = Some(Locale::Ru);
    settings.theme.accent_color = "#aa0011".into();
    settings.theme.position = Position::Left;
    settings.theme.launcher_label = Some("Чат".into());
    settings.offline.hide_launcher = true;
    settings.invitation_interval_seconds = 90;
    settings.utc_offset_minutes = -180;
    settings.triggers = vec![
        TriggerRule {
            id: "all".into(),
            enabled: true,
            conditions: every_condition(),
            actions: every_action(),
        },
        TriggerRule {
            id: "off".into(),
            enabled: false,
            conditions: Vec::new(),
            actions: vec![Action::OpenWindow],
        },
    ];
    let presence = Presence {
        operators_online: true,
        departments_online: vec!["sales".into()],
        back_at: None,
    };
    let geo = Geo {
        country: Some("DE".into()),
        city: None,
    };
    settings.hide_on_phones = true;
    let config = settings.widget_config_for(
        SiteId::parse("shop").unwrap(),
        presence.clone(),
        geo.clone(),
        crate::device::Device::Phone,
    );
    let wire = serde_json::to_value(&config).unwrap();
    assert_eq!(
        page_config(&wire),
        PageConfig {
            locale: Some(Locale::Ru),
            accent_color: Some("#aa0011".into()),
            position: Position::Left,
            launcher_label: Some("Чат".into()),
            hide_launcher_when_offline: true,
            // "Hide on phones" is one more rule (its device settled by the relay), with an id no
            // site's rule can have.
            triggers: settings
                .triggers
                .iter()
                .cloned()
                .chain([TriggerRule {
                    id: crate::api::HIDE_ON_PHONES_RULE.into(),
                    enabled: true,
                    conditions: vec![],
                    actions: vec![Action::HideWidget],
                }])
                .collect(),
            invitation_interval_seconds: 90,
            utc_offset_minutes: -180,
            operators_online: true,
            geo,
        }
    );
}

#[test]
fn a_rule_without_enabled_is_on_and_a_malformed_part_is_skipped_not_the_rest() {
    let wire = json!([
        {"id": "a", "actions": [{"do": "open_window"}, {"do": "dance"}],
         "conditions": [{"if": "seconds_on_page", "at_least": -3}, {"if": "pages_viewed", "at_least": 2}]},
        {"actions": [{"do": "open_window"}]},
        {"id": "b", "actions": [{"do": "hide_widget"}]}
    ]);
    let rules: Vec<TriggerRule> = wire.items().unwrap().iter().filter_map(rule).collect();
    assert_eq!(rules.len(), 2, "the rule without an id is dropped");
    assert!(rules[0].enabled);
    assert_eq!(rules[0].actions, vec![Action::OpenWindow]);
    assert_eq!(
        rules[0].conditions,
        vec![Condition::PagesViewed { at_least: 2 }]
    );
    assert_eq!(rules[1].id, "b");
}

fn record() -> VisitRecord {
    VisitRecord {
        number: 3,
        started_at: 1_764_000_000_123,
        last_seen_at: 1_764_000_100_456,
        pages: 7,
        state: VisitState {
            fired: vec!["welcome".into(), "price \"talk\"".into()],
            closed_by_visitor: true,
            last_invitation_at: Some(1_764_000_050),
        },
        landing_url: "https://shop.example/?utm_source=mail&q=a\\b".into(),
        landing_referrer: "https://search.example/?q=чай\u{1}".into(),
    }
}

#[test]
fn a_visit_record_written_here_reads_back_in_serde_and_the_other_way() {
    for record in [record(), VisitRecord::default()] {
        let lean = visit_record_json(&record);
        assert_eq!(
            serde_json::from_str::<VisitRecord>(&lean).unwrap(),
            record,
            "{lean}"
        );
        let wire = serde_json::to_value(&record).unwrap();
        assert_eq!(visit_record(&wire), Some(record));
    }
    assert_eq!(visit_record(&json!({"number": "three"})), None);
}

#[test]
fn the_page_command_is_the_presence_sockets_own() {
    let page = PageView {
        url: "https://shop.example/tea?x=1".into(),
        title: "Tea \"green\" \t\n\\ — чай".into(),
        referrer: String::new(),
        landing_url: "https://shop.example/".into(),
        pages_viewed: 2,
        visit_number: 1,
        visit_started_at: 1_764_000_000_000,
    };
    let lean = page_command_json(&page);
    assert_eq!(
        serde_json::from_str::<PresenceCommand>(&lean).unwrap(),
        PresenceCommand::Page { page }
    );
}

#[test]
fn presence_events_read_as_the_relay_writes_them() {
    let started = PresenceEvent::ChatStarted {
        token: "tok".into(),
        conversation: crate::ConversationId::parse("c1").unwrap(),
    };
    for event in [started, PresenceEvent::OpenChat] {
        let wire = serde_json::to_value(&event).unwrap();
        assert_eq!(presence_event(&wire), Some(event));
    }
    assert_eq!(presence_event(&json!({"type": "self_destruct"})), None);
}

#[test]
fn numbers_are_written_in_full() {
    for n in [0, 7, 10, 1_764_000_000_123, u64::MAX] {
        assert_eq!(crate::lean::digits(n), n.to_string());
    }
}

#[test]
fn an_identity_reads_as_serde_wrote_it() {
    let user = crate::Identity {
        user_id: "user-7".into(),
        user_hash: "ab".repeat(32),
    };
    assert_eq!(identity(&serde_json::to_value(&user).unwrap()), Some(user));
    assert_eq!(identity(&json!({"user_id": 7, "user_hash": "x"})), None);
}
