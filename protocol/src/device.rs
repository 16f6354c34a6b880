//! What kind of device a visitor uses — phone, tablet or desktop — as the relay reads it from
//! his browser's User-Agent when the widget asks for its configuration. Trigger rules may
//! name device kinds, and a site may hide the widget on phones.

use serde::{Deserialize, Serialize};

/// Ordered as [`Device::ALL`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    Phone,
    Tablet,
    Desktop,
}

impl Device {
    pub const ALL: [Device; 3] = [Device::Phone, Device::Tablet, Device::Desktop];

    pub fn as_str(self) -> &'static str {
        match self {
            Device::Phone => "phone",
            Device::Tablet => "tablet",
            Device::Desktop => "desktop",
        }
    }

    pub fn parse(name: &str) -> Option<Device> {
        Device::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// The kind a User-Agent names. Phones' browsers put "Mobi" in it (as browsers agreed for
    /// that purpose); tablets say "iPad" or "Tablet", or are Android without "Mobi"; anything
    /// else, bots and empty agents included, counts as a desktop. An iPad asking for desktop
    /// sites says "Macintosh" like a Mac: a desktop here, as it wished.
    pub fn of_user_agent(agent: &str) -> Device {
        if agent.contains("iPad") || agent.contains("Tablet") {
            Device::Tablet
        } else if agent.contains("Mobi") || agent.contains("iPhone") {
            Device::Phone
        } else if agent.contains("Android") {
            Device::Tablet
        } else {
            Device::Desktop
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_of_phones_tablets_and_desktops() {
        for (agent, device) in [
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Device::Phone),
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36", Device::Phone),
            ("Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0", Device::Phone),
            ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", Device::Tablet),
            ("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36", Device::Tablet),
            ("Mozilla/5.0 (Android 14; Tablet; rv:127.0) Gecko/127.0 Firefox/127.0", Device::Tablet),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36", Device::Desktop),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", Device::Desktop),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", Device::Desktop),
            ("", Device::Desktop),
        ] {
            assert_eq!(Device::of_user_agent(agent), device, "{agent}");
        }
    }

    #[test]
    fn names_round_trip() {
        for device in Device::ALL {
            assert_eq!(Device::parse(device.as_str()), Some(device));
        }
        assert_eq!(Device::parse("watch"), None);
    }
}
