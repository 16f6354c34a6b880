//! The product's rules, shared by every part of the online consultant: its wire types, limits,
//! validation, the words of its e-mails, and the pure logic the apps and the relay run.
//!
//! The relay (`edge`), the visitor widget and the operator console all speak the JSON defined here:
//! nobody else declares these shapes. Every decoder of client input lives in [`decode`] and returns a
//! [`ProtocolError`] instead of panicking, so a bad frame always gets a clear error back.

pub mod account_mail;
pub mod alerts;
pub mod answers;
pub mod api;
pub mod bans;
pub mod canned;
pub mod channels;
pub mod chat_mail;
pub mod config;
pub mod consent;
pub mod conversation;
pub mod decode;
pub mod device;
pub mod error;
pub mod events;
pub mod export;
pub mod files;
pub mod heartbeat;
pub mod history;
pub mod hours;
pub mod ids;
pub mod inbox;
pub mod lean;
pub mod limits;
pub mod online_time;
pub mod pattern;
pub mod push;
pub mod rate_table;
pub mod reports;
pub mod rest;
pub mod roles;
pub mod routing;
pub mod settings;
pub mod smtp;
pub mod tagged;
pub mod tags;
pub mod time;
pub mod timeline;
pub mod triggers;
pub mod units;
pub mod validate;
pub mod visitors;
pub mod webhooks;
pub mod words;
#[cfg(feature = "zones")]
pub mod zone;

pub use api::*;
pub use conversation::{
    ContactInfo, ConversationState, CustomDataItem, OperatorCard, Presence, Rating, Status,
};
pub use decode::decode_command;
pub use error::{ErrorBody, ErrorCode, Millis, ProtocolError};
pub use events::*;
pub use files::Attachment;
pub use ids::*;
pub use inbox::{Inbox, InboxView};
pub use roles::Role;
pub use settings::{Locale, Position, SiteSettings};
pub use timeline::{Applied, Pending, Timeline};
pub use visitors::Geo;
