//! Bans an admin adds by hand: an IP address or a range of them (`203.0.113.0/24`,
//! `2001:db8::/48`), and which part of a ban is lifted.

use crate::error::{ErrorCode, ProtocolError};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// `POST /api/v1/sites/:site/bans`: ban this address or range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBan {
    pub ip: String,
}

/// `DELETE …/bans/:id?part=`: a ban made from a chat holds the visitor and his address; each
/// is lifted on its own (he may move to a shared address, or the address may be a shop's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BanPart {
    Visitor,
    Ip,
    /// Both (the whole row).
    All,
}

impl BanPart {
    pub fn parse(name: Option<&str>) -> Option<Self> {
        match name {
            None | Some("") | Some("all") => Some(BanPart::All),
            Some("visitor") => Some(BanPart::Visitor),
            Some("ip") => Some(BanPart::Ip),
            _ => None,
        }
    }
}

/// An address, or every address sharing its first `prefix` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

/// The widest ranges taken: a ban must not shut out a country's worth of people by a typo.
const WIDEST_V4: u8 = 8;
const WIDEST_V6: u8 = 16;

impl IpRange {
    /// `1.2.3.4`, `1.2.3.0/24`, `2001:db8::1`, `2001:db8::/32`; the network part is kept as
    /// the range's first address (`1.2.3.9/24` is `1.2.3.0/24`).
    pub fn parse(text: &str) -> Result<Self, ProtocolError> {
        let bad = |why: &str| ProtocolError::new(ErrorCode::InvalidField, format!("ip: {why}"));
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| bad("not an IP address or range like 203.0.113.0/24"))?;
        let (bits, widest) = match addr {
            IpAddr::V4(_) => (32, WIDEST_V4),
            IpAddr::V6(_) => (128, WIDEST_V6),
        };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| bad("the range's length is not a number of bits"))?,
        };
        if prefix < widest {
            return Err(bad(&format!(
                "a range may be at most /{widest} wide, not /{prefix}"
            )));
        }
        Ok(IpRange {
            network: masked(addr, prefix),
            prefix,
        })
    }

    pub fn contains(&self, ip: &str) -> bool {
        let Ok(ip) = ip.trim().parse::<IpAddr>() else {
            return false;
        };
        let same_family = matches!(
            (ip, self.network),
            (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_))
        );
        same_family && masked(ip, self.prefix) == self.network
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let single = matches!(
            (self.network, self.prefix),
            (IpAddr::V4(_), 32) | (IpAddr::V6(_), 128)
        );
        if single {
            write!(f, "{}", self.network)
        } else {
            write!(f, "{}/{}", self.network, self.prefix)
        }
    }
}

fn masked(addr: IpAddr, prefix: u8) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & mask).into())
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges() {
        let range = IpRange::parse("203.0.113.77/24").unwrap();
        assert_eq!(range.to_string(), "203.0.113.0/24");
        assert!(range.contains("203.0.113.1"));
        assert!(range.contains("203.0.113.255"));
        assert!(!range.contains("203.0.114.1"));
        assert!(!range.contains("::ffff:203.0.113.1"), "another family");
        let one = IpRange::parse(" 198.51.100.7 ").unwrap();
        assert_eq!(one.to_string(), "198.51.100.7");
        assert!(one.contains("198.51.100.7") && !one.contains("198.51.100.8"));
        let v6 = IpRange::parse("2001:db8:abcd::/48").unwrap();
        assert!(v6.contains("2001:db8:abcd:12::1"));
        assert!(!v6.contains("2001:db8:abce::1"));
        assert!(!v6.contains("not an ip"));
        assert_eq!(
            IpRange::parse("2001:db8::1").unwrap().to_string(),
            "2001:db8::1"
        );
    }

    #[test]
    fn typos_and_whole_internets_are_refused() {
        for bad in [
            "",
            "localhost",
            "1.2.3",
            "1.2.3.4/33",
            "1.2.3.4/x",
            "1.2.3.4/",
            "0.0.0.0/0",
            "10.0.0.0/7",
            "::/0",
            "2001::/15",
        ] {
            assert!(IpRange::parse(bad).is_err(), "{bad:?}");
        }
        assert!(IpRange::parse("10.0.0.0/8").is_ok());
    }

    #[test]
    fn parts_of_a_ban() {
        assert_eq!(BanPart::parse(None), Some(BanPart::All));
        assert_eq!(BanPart::parse(Some("ip")), Some(BanPart::Ip));
        assert_eq!(BanPart::parse(Some("visitor")), Some(BanPart::Visitor));
        assert_eq!(BanPart::parse(Some("everything")), None);
    }
}
