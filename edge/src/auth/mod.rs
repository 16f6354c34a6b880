//! Who is asking: signed tokens for visitors and operators, and password hashing.

pub mod identity;
pub mod password;
pub mod reply_address;
pub mod token;

/// Constant-time string comparison for secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
