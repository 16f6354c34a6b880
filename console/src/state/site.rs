//! The site the console works on: its settings and its team (everyone on it, and who is
//! signed in now).

use super::Session;
use leptos::prelude::*;
use protocol::{ColleagueStatus, OperatorId, OperatorInfo, SiteSettings};

#[derive(Clone, Copy)]
pub struct Site {
    session: Session,
    /// The site's settings (canned replies, departments…), read after sign-in.
    pub settings: RwSignal<Option<SiteSettings>>,
    /// Everyone on the site's team, removed ones included (names in history, transfers).
    pub roster: RwSignal<Vec<OperatorInfo>>,
    /// Colleagues signed in now, with their status (from the inbox socket).
    pub online: RwSignal<Vec<ColleagueStatus>>,
}

impl Site {
    pub fn new(session: Session) -> Self {
        Self {
            session,
            settings: RwSignal::new(None),
            roster: RwSignal::new(Vec::new()),
            online: RwSignal::new(Vec::new()),
        }
    }

    /// Reads what the console shows of the site: settings and team.
    pub(super) fn load(&self) {
        self.load_settings();
        self.load_roster();
    }

    pub(super) fn clear(&self) {
        self.settings.set(None);
        self.roster.set(Vec::new());
        self.online.set(Vec::new());
    }

    /// Reads the site's settings (operators may read them; admins may change them).
    pub fn load_settings(&self) {
        let site = *self;
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(body) = site.session.call("GET", "/settings", None).await {
                site.settings.set(serde_json::from_str(&body).ok());
            }
        });
    }

    /// Changes the settings (admins): reads the current ones first, so a change made meanwhile
    /// elsewhere is not overwritten; `Err` carries the relay's reason.
    pub async fn update_settings(
        &self,
        change: impl FnOnce(&mut SiteSettings),
    ) -> Result<(), String> {
        let current = self.session.call("GET", "/settings", None).await?;
        let mut settings: SiteSettings =
            serde_json::from_str(&current).map_err(|e| e.to_string())?;
        change(&mut settings);
        let body = serde_json::to_string(&settings).map_err(|e| e.to_string())?;
        self.session.call("PUT", "/settings", Some(&body)).await?;
        self.settings.set(Some(settings));
        Ok(())
    }

    /// Reads the site's team (names for history and transfers).
    pub fn load_roster(&self) {
        let site = *self;
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(body) = site.session.call("GET", "/operators", None).await {
                if let Ok(team) = serde_json::from_str(&body) {
                    site.roster.set(team);
                }
            }
        });
    }

    /// Whether this operator was removed from the team (his chats stay, marked).
    pub fn is_removed(&self, id: &OperatorId) -> bool {
        self.roster
            .with(|r| r.iter().any(|o| &o.id == id && o.removed))
    }
}
