//! Rates of many senders at once (IP addresses, accounts), in bounded memory.
//!
//! A flood from many addresses must neither grow memory without end nor let the busiest
//! senders off: when the table is full, the quietest entries (the fullest buckets, which would
//! admit their sender anyway) are forgotten first, so an address that is being limited stays
//! limited.

use crate::limits::{Bucket, Rate};
use std::collections::HashMap;
use std::hash::Hash;

/// Token buckets by key, at most `capacity` of them.
#[derive(Debug, Clone)]
pub struct RateTable<K> {
    buckets: HashMap<K, Bucket>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone> RateTable<K> {
    pub fn new(capacity: usize) -> Self {
        Self {
            buckets: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Takes one token of `key`'s bucket; `Err` says in how many ms the next one is there.
    pub fn take(&mut self, key: &K, rate: Rate, now_ms: u64) -> Result<(), u64> {
        if !self.buckets.contains_key(key) && self.buckets.len() >= self.capacity {
            self.forget_quietest(rate, now_ms);
        }
        self.buckets
            .entry(key.clone())
            .or_insert_with(|| Bucket::new(rate, now_ms))
            .take(rate, now_ms)
    }

    /// Forgets `key` (e.g. after a successful sign-in its failures no longer count).
    pub fn forget(&mut self, key: &K) {
        self.buckets.remove(key);
    }

    /// Drops the quieter half of the table: entries whose buckets hold the most tokens now.
    fn forget_quietest(&mut self, rate: Rate, now_ms: u64) {
        let mut levels: Vec<(K, f64)> = self
            .buckets
            .iter()
            .map(|(k, b)| (k.clone(), b.level(rate, now_ms)))
            .collect();
        levels.sort_by(|a, b| b.1.total_cmp(&a.1));
        let drop = (self.buckets.len() / 2).max(1);
        for (key, _) in levels.into_iter().take(drop) {
            self.buckets.remove(&key);
        }
    }
}

/// The key an address is limited under: an IPv4 address as it is, an IPv6 address by its /64
/// network (one subscriber usually holds a whole /64, so single addresses are free to rotate).
pub fn ip_key(ip: &str) -> String {
    let ip = ip.trim();
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        burst: 2,
        per_minute: 60,
    };

    #[test]
    fn limits_each_key_on_its_own() {
        let mut table = RateTable::new(10);
        assert!(table.take(&"a", RATE, 0).is_ok());
        assert!(table.take(&"a", RATE, 0).is_ok());
        assert_eq!(table.take(&"a", RATE, 0), Err(1000));
        assert!(table.take(&"b", RATE, 0).is_ok());
        table.forget(&"a");
        assert!(table.take(&"a", RATE, 0).is_ok());
    }

    #[test]
    fn a_full_table_forgets_the_quiet_and_keeps_the_busy() {
        let mut table = RateTable::new(4);
        // "busy" has used its burst: it is being limited.
        table.take(&"busy".to_string(), RATE, 0).unwrap();
        table.take(&"busy".to_string(), RATE, 0).unwrap();
        for i in 0..100 {
            // Each new address takes one token, leaving one: quieter than "busy".
            let _ = table.take(&format!("quiet{i}"), RATE, 0);
            assert!(table.len() <= 4, "bounded at {i}: {}", table.len());
        }
        assert_eq!(
            table.take(&"busy".to_string(), RATE, 0),
            Err(1000),
            "the flood of new addresses did not reset the busy one"
        );
    }

    #[test]
    fn ipv6_is_grouped_by_64() {
        assert_eq!(ip_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(
            ip_key("2001:db8:1:2:aaaa::1"),
            ip_key("2001:db8:1:2:ffff:1:2:3")
        );
        assert_eq!(ip_key("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_ne!(ip_key("2001:db8:1:2::1"), ip_key("2001:db8:1:3::1"));
        assert_eq!(ip_key("::ffff:198.51.100.4"), "198.51.100.4");
        assert_eq!(ip_key("not an ip"), "not an ip");
    }
}
