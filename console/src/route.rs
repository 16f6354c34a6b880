//! Where the console is, as an address: `#/{site}/{screen}[/{conversation}]`. A notification, an
//! alert e-mail or a colleague can link to a chat; Back and Forward move between places; a reload
//! keeps the place. In the fragment, so the page is the same static file on every host (the
//! relay's assets, nginx, Caddy) and a chat's id never reaches a server log.

use crate::state::Screen;
use protocol::{ConversationId, SiteId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub site: Option<SiteId>,
    pub screen: Screen,
    /// The chat open on the screen (only chats and history open one).
    pub conversation: Option<ConversationId>,
}

impl Screen {
    const ALL: [Screen; 9] = [
        Screen::Chats,
        Screen::Visitors,
        Screen::History,
        Screen::Team,
        Screen::Replies,
        Screen::Answers,
        Screen::Reports,
        Screen::Settings,
        Screen::Account,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Screen::Chats => "chats",
            Screen::Visitors => "visitors",
            Screen::History => "history",
            Screen::Team => "team",
            Screen::Replies => "replies",
            Screen::Answers => "answers",
            Screen::Reports => "reports",
            Screen::Settings => "settings",
            Screen::Account => "account",
        }
    }

    fn from_slug(slug: &str) -> Option<Screen> {
        Self::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Screens that show a chat beside their list.
    pub fn opens_chats(self) -> bool {
        matches!(self, Screen::Chats | Screen::History)
    }
}

impl Place {
    /// Reads `location.hash`; anything malformed is no place (the console starts on its inbox).
    pub fn parse(hash: &str) -> Option<Place> {
        let path = hash.strip_prefix('#')?.strip_prefix('/')?;
        let mut parts = path.split('/');
        let site = SiteId::parse(parts.next()?).ok()?;
        let screen = Screen::from_slug(parts.next().unwrap_or("chats"))?;
        let conversation = match parts.next() {
            Some(id) if screen.opens_chats() => Some(ConversationId::parse(id).ok()?),
            Some(_) => return None,
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Place {
            site: Some(site),
            screen,
            conversation,
        })
    }

    /// The fragment for this place; a place without a site (no site yet) has none.
    pub fn to_hash(&self) -> String {
        let Some(site) = &self.site else {
            return String::new();
        };
        match &self.conversation {
            Some(id) if self.screen.opens_chats() => {
                format!("#/{site}/{}/{id}", self.screen.slug())
            }
            _ => format!("#/{site}/{}", self.screen.slug()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(site: &str, screen: Screen, chat: Option<&str>) -> Place {
        Place {
            site: Some(SiteId::parse(site).unwrap()),
            screen,
            conversation: chat.map(|c| ConversationId::parse(c).unwrap()),
        }
    }

    #[test]
    fn every_place_reads_back_from_its_address() {
        for screen in Screen::ALL {
            let plain = place("shop-42", screen, None);
            assert_eq!(Place::parse(&plain.to_hash()), Some(plain.clone()));
            if screen.opens_chats() {
                let chat = place("shop-42", screen, Some("c_9Xy-1"));
                assert_eq!(
                    chat.to_hash(),
                    format!("#/shop-42/{}/c_9Xy-1", screen.slug())
                );
                assert_eq!(Place::parse(&chat.to_hash()), Some(chat));
            }
        }
    }

    #[test]
    fn a_site_alone_is_its_inbox() {
        assert_eq!(
            Place::parse("#/demo"),
            Some(place("demo", Screen::Chats, None))
        );
    }

    #[test]
    fn malformed_addresses_are_no_place() {
        for hash in [
            "",
            "#",
            "#/",
            "#demo/chats",
            "#/Demo/chats",
            "#/demo/nowhere",
            "#/demo/team/c1",
            "#/demo/chats/c1/more",
            "#/demo/chats/a b",
            "#/../chats",
        ] {
            assert_eq!(Place::parse(hash), None, "{hash}");
        }
    }

    #[test]
    fn a_chat_only_goes_in_the_address_of_a_screen_that_shows_it() {
        let mut p = place("demo", Screen::Team, None);
        p.conversation = Some(ConversationId::parse("c1").unwrap());
        assert_eq!(p.to_hash(), "#/demo/team");
        p.site = None;
        assert_eq!(p.to_hash(), "");
    }
}
