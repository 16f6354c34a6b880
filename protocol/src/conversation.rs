//! What a conversation knows besides its messages: the visitor's contact data and custom data,
//! department, status, rating, callback request; and the validation of what visitors send.

use crate::error::ErrorCode;
use crate::error::ProtocolError;
use crate::ids::OperatorId;
use crate::settings::{ContactFormSettings, FieldRule, RatingScale, SiteSettings};
use crate::triggers::VisitSource;
use crate::validate::invalid;
use crate::validate::{display_name, email_folded};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest custom field value, custom data item and rating comment.
pub const MAX_FIELD_CHARS: usize = 500;
/// Most custom data items a page may attach.
pub const MAX_CUSTOM_ITEMS: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, String>,
}

pub use crate::validate::phone;

fn text_field(field: &str, value: &str) -> Result<String, ProtocolError> {
    let value = value.trim();
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(invalid(format!(
            "{field} longer than {MAX_FIELD_CHARS} characters"
        )));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(invalid(format!("{field} contains control characters")));
    }
    Ok(value.to_owned())
}

impl ContactInfo {
    /// Validates and normalises every present field; empty strings count as absent.
    pub fn normalized(&self) -> Result<ContactInfo, ProtocolError> {
        self.normalized_folded(str::to_lowercase)
    }

    /// [`ContactInfo::normalized`], lower-casing the e-mail address by `fold`.
    pub fn normalized_folded(
        &self,
        fold: crate::pattern::Fold,
    ) -> Result<ContactInfo, ProtocolError> {
        fn present(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let mut custom = BTreeMap::new();
        if self.custom.len() > MAX_CUSTOM_ITEMS {
            return Err(invalid("too many custom fields"));
        }
        for (key, value) in &self.custom {
            if !crate::validate::is_slug(key) {
                return Err(invalid(format!("custom field id {key:?} is not valid")));
            }
            let value = text_field(key, value)?;
            if !value.is_empty() {
                custom.insert(key.clone(), value);
            }
        }
        Ok(ContactInfo {
            name: present(&self.name)
                .map(|n| display_name("name", n))
                .transpose()?,
            email: present(&self.email)
                .map(|e| email_folded(e, fold))
                .transpose()?,
            phone: present(&self.phone).map(phone).transpose()?,
            custom,
        })
    }

    /// Fields present in `newer` replace ours; others are kept.
    pub fn merge(&mut self, newer: ContactInfo) {
        if newer.name.is_some() {
            self.name = newer.name;
        }
        if newer.email.is_some() {
            self.email = newer.email;
        }
        if newer.phone.is_some() {
            self.phone = newer.phone;
        }
        self.custom.extend(newer.custom);
    }

    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.custom.is_empty()
    }
}

/// Masks an e-mail address: `ivan@mail.ru` → `i***@mail.ru`.
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Masks a phone number but its last two digits: `+7 912 345-67-89` → `*** **89`.
fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
    format!("*** **{tail}")
}

impl ContactInfo {
    /// The same contact with e-mail and phone masked (the site's masking setting).
    pub fn masked(&self) -> ContactInfo {
        ContactInfo {
            email: self.email.as_deref().map(mask_email),
            phone: self.phone.as_deref().map(mask_phone),
            ..self.clone()
        }
    }
}

impl ConversationState {
    /// What an operator with `role` may see of this state under the site's masking setting.
    pub fn for_role(
        &self,
        role: crate::roles::Role,
        masking: &crate::settings::ContactMasking,
    ) -> Self {
        let mut seen = self.clone();
        if masking.hides_from(role) {
            seen.contact = self.contact.masked();
            seen.callback = self.callback.as_deref().map(mask_phone);
        }
        if masking.hides_ratings_from(role) {
            seen.rating = None;
        }
        seen
    }

    /// What the visitor may see of this state: all but the operators' tags.
    pub fn for_visitor(&self) -> Self {
        Self {
            tags: Vec::new(),
            ..self.clone()
        }
    }
}

impl ContactFormSettings {
    /// Required fields `contact` lacks, by name (`name`, `email`, `phone`, custom ids).
    pub fn missing(&self, contact: &ContactInfo) -> Vec<String> {
        let mut missing = Vec::new();
        for (field, rule, value) in [
            ("name", self.name, &contact.name),
            ("email", self.email, &contact.email),
            ("phone", self.phone, &contact.phone),
        ] {
            if rule == FieldRule::Required && value.is_none() {
                missing.push(field.to_owned());
            }
        }
        for field in &self.custom {
            if field.required && !contact.custom.contains_key(&field.id) {
                missing.push(field.id.clone());
            }
        }
        missing
    }
}

/// Extra facts a host page attaches with `Consultant.setCustomData([...])`, shown to operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomDataItem {
    pub title: String,
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

pub fn custom_data(items: &[CustomDataItem]) -> Result<Vec<CustomDataItem>, ProtocolError> {
    if items.len() > MAX_CUSTOM_ITEMS {
        return Err(invalid(format!(
            "at most {MAX_CUSTOM_ITEMS} custom data items"
        )));
    }
    items
        .iter()
        .map(|item| {
            let link = match item
                .link
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                Some(l) if l.starts_with("https://") || l.starts_with("http://") => {
                    Some(text_field("link", l)?)
                }
                Some(_) => return Err(invalid("custom data links must be http(s) URLs")),
                None => None,
            };
            Ok(CustomDataItem {
                title: text_field("title", &item.title)?,
                content: text_field("content", &item.content)?,
                link,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Open,
    /// Closed by an operator or ended by the visitor; writing again reopens it.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub score: u8,
    pub scale: RatingScale,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Rating {
    /// Where the score sits on its scale: 0 % for the lowest, 100 % for the highest.
    pub fn percent(&self) -> u32 {
        let max = self.scale.max() as u32;
        if max < 2 {
            return 0;
        }
        (self.score.clamp(1, max as u8) as u32 - 1) * 100 / (max - 1)
    }
}

/// Everything about a conversation except its messages. Sent in the welcome and on change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationState {
    pub status: Status,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub contact: ContactInfo,
    #[serde(default)]
    pub custom_data: Vec<CustomDataItem>,
    #[serde(default)]
    pub rating: Option<Rating>,
    /// A phone number to call back, while the request is open.
    #[serde(default)]
    pub callback: Option<String>,
    /// Started through the offline form (no operator was online).
    #[serde(default)]
    pub offline: bool,
    /// Marked as spam by an operator: the visitor can no longer write or rate.
    #[serde(default)]
    pub spam: bool,
    /// The operator the chat is assigned to; `None` while it waits in "unassigned".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<crate::conversation::OperatorCard>,
    /// Colleagues invited into the chat beside the assignee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invited: Vec<crate::conversation::OperatorCard>,
    /// Where the visitor came from (landing page, referrer, UTM tags), once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<VisitSource>,
    /// The host site's user id, when the visitor was verified (see `api::Identity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_user: Option<String>,
    /// The channel the visitor writes from, when not the web chat (a Telegram user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<crate::events::Channel>,
    /// His picture from that channel, a file of the conversation (for the visitor card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<crate::files::Attachment>,
    /// Operators' tags (see `tags`); the visitor never receives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The visitor agreed to the site's personal data policy (see `consent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<crate::consent::ConsentRecord>,
    /// The visitor is asked to rate the chat (when it ended, or after a silence; see
    /// `settings::SurveyOffer`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub survey: bool,
    /// The automatic answer the visitor's first message got, and what he made of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_answer: Option<crate::answers::AutoAnswered>,
}

impl ConversationState {
    /// Whether an operator with `role` may open this conversation: admins and the owner see
    /// every chat; an operator sees unassigned chats, his own and those he was invited to.
    pub fn open_to(&self, operator: &crate::ids::OperatorId, role: crate::roles::Role) -> bool {
        role != crate::roles::Role::Operator || self.assignee.is_none() || self.involves(operator)
    }

    /// Assigned to `operator` or he was invited.
    pub fn involves(&self, operator: &crate::ids::OperatorId) -> bool {
        self.assignee.as_ref().is_some_and(|a| &a.id == operator)
            || self.invited.iter().any(|i| &i.id == operator)
    }
}

/// Who is online to answer, as the widget needs to know it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub operators_online: bool,
    /// Ids of departments with at least one operator online.
    #[serde(default)]
    pub departments_online: Vec<String>,
    /// Outside working hours: when the site opens again (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back_at: Option<crate::error::Millis>,
}

impl Presence {
    /// Whether someone can answer in `department` (any operator when none is chosen).
    pub fn can_answer(&self, department: Option<&str>) -> bool {
        match department {
            Some(d) => self.departments_online.iter().any(|x| x == d),
            None => self.operators_online,
        }
    }
}

/// The rules a visitor's message must pass, given the site's settings and the conversation.
pub fn check_visitor_may_write(
    settings: &SiteSettings,
    state: &ConversationState,
) -> Result<(), ProtocolError> {
    if state.spam {
        return Err(ProtocolError::new(
            ErrorCode::Forbidden,
            "the operator ended this chat",
        ));
    }
    if !settings.departments.is_empty() && state.department.is_none() {
        return Err(ProtocolError::new(
            ErrorCode::DepartmentRequired,
            "choose a department before writing",
        ));
    }
    if settings.contact_form.mode == crate::settings::ContactFormMode::Before {
        let missing = settings.contact_form.missing(&state.contact);
        if !missing.is_empty() {
            return Err(ProtocolError::new(
                ErrorCode::ContactRequired,
                format!("fill in the contact form first: {}", missing.join(", ")),
            ));
        }
    }
    Ok(())
}

/// Validates a rating against the site's scale and the conversation's state.
pub fn check_rating(
    settings: &SiteSettings,
    state: &ConversationState,
    score: u8,
    comment: Option<&str>,
) -> Result<Rating, ProtocolError> {
    let scale = settings.rating.scale;
    if scale == RatingScale::Off {
        return Err(ProtocolError::new(
            ErrorCode::Forbidden,
            "this site does not ask for ratings",
        ));
    }
    if state.spam {
        return Err(ProtocolError::new(
            ErrorCode::Forbidden,
            "the operator ended this chat",
        ));
    }
    if state.rating.is_some() {
        return Err(ProtocolError::new(
            ErrorCode::AlreadyRated,
            "this chat is already rated",
        ));
    }
    if state.status != Status::Closed && !state.survey {
        return Err(ProtocolError::new(
            ErrorCode::Forbidden,
            "a chat is rated once it has ended",
        ));
    }
    if !(1..=scale.max()).contains(&score) {
        return Err(invalid(format!("score must be 1 to {}", scale.max())));
    }
    let comment = comment
        .map(|c| text_field("comment", c))
        .transpose()?
        .filter(|c| !c.is_empty());
    Ok(Rating {
        score,
        scale,
        comment,
    })
}

/// The operator a visitor is talking to, as the widget shows him.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorCard {
    pub id: OperatorId,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{ContactFormMode, CustomField, Department};

    fn contact(name: &str, email: &str, phone: &str) -> ContactInfo {
        let opt = |s: &str| Some(s.to_owned());
        ContactInfo {
            name: opt(name),
            email: opt(email),
            phone: opt(phone),
            custom: BTreeMap::new(),
        }
    }

    #[test]
    fn contact_fields_are_validated_and_normalised() {
        let ok = contact(" Ivan ", "Ivan@Mail.RU", "+7 (912) 345-67-89")
            .normalized()
            .unwrap();
        assert_eq!(ok.name.as_deref(), Some("Ivan"));
        assert_eq!(ok.email.as_deref(), Some("ivan@mail.ru"));
        assert_eq!(ok.phone.as_deref(), Some("+7 (912) 345-67-89"));
        assert_eq!(
            contact("", "", "").normalized().unwrap(),
            ContactInfo::default()
        );
        assert!(contact("Ivan", "ivan@", "").normalized().is_err());
        for bad in ["12345", "+7 912 abc", "1234567890123456"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
        let mut c = ContactInfo::default();
        c.custom.insert("Order No".into(), "1".into());
        assert!(c.normalized().is_err());
    }

    #[test]
    fn masking_by_role() {
        use crate::roles::Role;
        use crate::settings::ContactMasking;
        let state = ConversationState {
            contact: contact("Ivan", "ivan@mail.ru", "+7 912 345-67-89"),
            callback: Some("+7 900 000-00-12".into()),
            ..Default::default()
        };
        let masking = ContactMasking {
            operators: true,
            admins: false,
            ratings: false,
        };
        let seen = state.for_role(Role::Operator, &masking);
        assert_eq!(seen.contact.email.as_deref(), Some("i***@mail.ru"));
        assert_eq!(seen.contact.phone.as_deref(), Some("*** **89"));
        assert_eq!(seen.callback.as_deref(), Some("*** **12"));
        assert_eq!(seen.contact.name.as_deref(), Some("Ivan"), "names stay");
        assert_eq!(state.for_role(Role::Admin, &masking), state);
        let all = ContactMasking {
            operators: true,
            admins: true,
            ratings: true,
        };
        assert_ne!(state.for_role(Role::Admin, &all), state);
        assert_eq!(
            state.for_role(Role::Owner, &all),
            state,
            "the owner always sees"
        );
        let rated = ConversationState {
            rating: Some(Rating {
                score: 1,
                scale: crate::settings::RatingScale::FiveFaces,
                comment: Some("rude".into()),
            }),
            ..state.clone()
        };
        let hidden = ContactMasking {
            ratings: true,
            ..Default::default()
        };
        assert_eq!(rated.for_role(Role::Operator, &hidden).rating, None);
        assert_eq!(
            rated.for_role(Role::Operator, &hidden).contact,
            rated.contact
        );
        assert_eq!(
            rated.for_role(Role::Admin, &hidden),
            rated,
            "admins see ratings"
        );
        assert_eq!(rated.for_role(Role::Owner, &hidden), rated);
    }

    #[test]
    fn merge_keeps_what_is_not_replaced() {
        let mut a = contact("Ivan", "i@x.io", "");
        a.phone = None;
        a.merge(ContactInfo {
            phone: Some("+79123456789".into()),
            ..Default::default()
        });
        assert_eq!(a.name.as_deref(), Some("Ivan"));
        assert_eq!(a.phone.as_deref(), Some("+79123456789"));
    }

    fn settings() -> SiteSettings {
        let mut s = SiteSettings::new("Shop");
        s.contact_form = ContactFormSettings {
            mode: ContactFormMode::Before,
            name: FieldRule::Required,
            email: FieldRule::Optional,
            phone: FieldRule::Required,
            custom: vec![CustomField {
                id: "order".into(),
                label: "Order".into(),
                required: true,
            }],
        };
        s
    }

    #[test]
    fn before_mode_blocks_writing_until_required_fields_are_in() {
        let s = settings();
        let mut state = ConversationState::default();
        let err = check_visitor_may_write(&s, &state).unwrap_err();
        assert_eq!(err.code, ErrorCode::ContactRequired);
        assert!(err.message.contains("name, phone, order"));
        state.contact = contact("Ivan", "", "+79123456789");
        state.contact.email = None;
        state.contact.custom.insert("order".into(), "A-1".into());
        assert!(check_visitor_may_write(&s, &state).is_ok());

        let mut during = settings();
        during.contact_form.mode = ContactFormMode::During;
        assert!(check_visitor_may_write(&during, &ConversationState::default()).is_ok());
    }

    #[test]
    fn spam_ends_writing_and_rating() {
        let mut s = SiteSettings::new("Shop");
        s.rating.scale = RatingScale::Thumbs;
        let state = ConversationState {
            status: Status::Closed,
            spam: true,
            ..Default::default()
        };
        assert_eq!(
            check_visitor_may_write(&s, &state).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert_eq!(
            check_rating(&s, &state, 2, None).unwrap_err().code,
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn departments_must_be_chosen_when_the_site_has_them() {
        let mut s = SiteSettings::new("Shop");
        s.departments = vec![Department {
            id: "sales".into(),
            name: "Sales".into(),
            visitor_name: None,
            hours: None,
        }];
        let mut state = ConversationState::default();
        assert_eq!(
            check_visitor_may_write(&s, &state).unwrap_err().code,
            ErrorCode::DepartmentRequired
        );
        state.department = Some("sales".into());
        assert!(check_visitor_may_write(&s, &state).is_ok());
    }

    #[test]
    fn the_survey_after_a_silence_is_asked_once_of_an_answered_open_chat() {
        use crate::settings::SurveyOffer;
        let mut settings = SiteSettings::new("Shop");
        settings.rating.scale = RatingScale::FiveFaces;
        let open = ConversationState::default();
        let rating = &mut settings.rating;
        assert_eq!(
            rating.silence_survey_at(&open, true, 1_000, 60_000),
            None,
            "on close only"
        );
        rating.offer = SurveyOffer::AfterSilence;
        rating.silence_minutes = 5;
        assert_eq!(
            rating.silence_survey_at(&open, true, 1_000, 60_000),
            Some(301_000)
        );
        assert_eq!(
            rating.silence_survey_at(&open, false, 1_000, 60_000),
            None,
            "not answered"
        );
        let asked = ConversationState {
            survey: true,
            ..Default::default()
        };
        assert_eq!(
            rating.silence_survey_at(&asked, true, 1_000, 60_000),
            None,
            "asked already"
        );
        let closed = ConversationState {
            status: Status::Closed,
            ..Default::default()
        };
        assert_eq!(rating.silence_survey_at(&closed, true, 1_000, 60_000), None);
        assert!(rating.asks_on_close());
        rating.offer = SurveyOffer::Never;
        assert!(!rating.asks_on_close());
        assert_eq!(rating.silence_survey_at(&open, true, 1_000, 60_000), None);
        // Asked after a silence, an open chat may be rated.
        assert!(check_rating(&settings, &asked, 4, None).is_ok());
        assert!(check_rating(&settings, &open, 4, None).is_err());
        settings.rating.silence_minutes = 0;
        assert!(settings.validate().is_err());
    }

    #[test]
    fn ratings_once_after_the_end_within_the_scale() {
        let mut s = SiteSettings::new("Shop");
        s.rating.scale = RatingScale::FiveFaces;
        let mut state = ConversationState::default();
        assert_eq!(
            check_rating(&s, &state, 5, None).unwrap_err().code,
            ErrorCode::Forbidden
        );
        state.status = Status::Closed;
        assert_eq!(
            check_rating(&s, &state, 6, None).unwrap_err().code,
            ErrorCode::InvalidField
        );
        assert_eq!(
            check_rating(&s, &state, 0, None).unwrap_err().code,
            ErrorCode::InvalidField
        );
        let rating = check_rating(&s, &state, 4, Some("  thanks ")).unwrap();
        assert_eq!(rating.comment.as_deref(), Some("thanks"));
        state.rating = Some(rating);
        assert_eq!(
            check_rating(&s, &state, 4, None).unwrap_err().code,
            ErrorCode::AlreadyRated
        );
        s.rating.scale = RatingScale::Off;
        assert_eq!(
            check_rating(
                &s,
                &ConversationState {
                    status: Status::Closed,
                    ..Default::default()
                },
                1,
                None
            )
            .unwrap_err()
            .code,
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn custom_data_is_checked() {
        let item = |link: Option<&str>| CustomDataItem {
            title: "Cart".into(),
            content: "2 teapots".into(),
            link: link.map(Into::into),
        };
        assert!(custom_data(&[item(Some("https://shop.test/cart"))]).is_ok());
        assert!(custom_data(&[item(Some("javascript:alert(1)"))]).is_err());
        assert!(custom_data(&vec![item(None); 21]).is_err());
    }

    #[test]
    fn presence_per_department() {
        let p = Presence {
            operators_online: true,
            departments_online: vec!["sales".into()],
            back_at: None,
        };
        assert!(p.can_answer(None));
        assert!(p.can_answer(Some("sales")));
        assert!(!p.can_answer(Some("support")));
    }
}
