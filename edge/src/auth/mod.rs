//! Who is asking: signed tokens for visitors and operators, and password hashing.

pub mod identity;
pub mod password;
pub mod reply_address;
pub mod token;
