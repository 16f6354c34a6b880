//! Who is signed in, on which of his sites, in which language, on which screen; and the relay's
//! API called as him.

use super::Screen;
use crate::{auth, i18n};
use leptos::prelude::*;
use protocol::{Locale, OperatorSession, Role, SiteId, SiteMembership};

const LOCALE_KEY: &str = "consultant:console:locale";
/// The site last worked on.
const SITE_KEY: &str = "consultant:console:site";

#[derive(Clone, Copy)]
pub struct Session {
    pub locale: RwSignal<Locale>,
    /// The signed-in operator's session; `None` shows the sign-in form.
    pub current: RwSignal<Option<OperatorSession>>,
    /// The site he chose to work on (he may have several).
    pub chosen_site: RwSignal<Option<SiteId>>,
    /// His own account (saved statuses, avatar, sites).
    pub account: RwSignal<Option<protocol::AccountProfile>>,
    /// Which screen the workspace shows.
    pub screen: RwSignal<Screen>,
}

fn initial_locale() -> Locale {
    browser::storage::get(LOCALE_KEY)
        .and_then(|l| Locale::from_tag(&l))
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .and_then(|l| Locale::from_tag(&l))
        })
        .unwrap_or_default()
}

impl Session {
    pub fn new() -> Self {
        Self {
            locale: RwSignal::new(initial_locale()),
            current: RwSignal::new(auth::stored()),
            chosen_site: RwSignal::new(
                browser::storage::get(SITE_KEY).and_then(|s| SiteId::parse(s).ok()),
            ),
            account: RwSignal::new(None),
            screen: RwSignal::new(Screen::Chats),
        }
    }

    pub fn texts(&self) -> &'static i18n::Texts {
        i18n::texts(self.locale.get())
    }

    /// Texts of the workplace's frame (navigation, panes, theme).
    pub fn workplace_texts(&self) -> &'static i18n::WorkplaceTexts {
        i18n::workplace_texts(self.locale.get())
    }

    pub fn push_texts(&self) -> &'static i18n::PushTexts {
        i18n::push_texts(self.locale.get())
    }

    pub fn answer_texts(&self) -> &'static i18n::AnswerTexts {
        i18n::answer_texts(self.locale.get())
    }

    pub fn trigger_texts(&self) -> &'static i18n::TriggerTexts {
        i18n::trigger_texts(self.locale.get())
    }

    pub fn tag_texts(&self) -> &'static i18n::TagTexts {
        i18n::tag_texts(self.locale.get())
    }

    /// Texts of the account's safety (sign-in help, passwords, sessions).
    pub fn account_texts(&self) -> &'static i18n::AccountTexts {
        i18n::account_texts(self.locale.get())
    }

    pub fn channel_texts(&self) -> &'static i18n::ChannelTexts {
        i18n::channel_texts(self.locale.get())
    }

    pub fn switch_locale(&self) {
        let next = match self.locale.get_untracked() {
            Locale::En => Locale::Ru,
            Locale::Ru => Locale::En,
        };
        browser::storage::set(LOCALE_KEY, if next == Locale::Ru { "ru" } else { "en" });
        self.locale.set(next);
    }

    /// The operator's membership on the site this console works on: the chosen one while he
    /// is still on it, else his first site.
    fn membership(&self) -> Option<SiteMembership> {
        let chosen = self.chosen_site.get_untracked();
        self.current.with_untracked(|s| {
            let sites = &s.as_ref()?.sites;
            sites
                .iter()
                .find(|m| Some(&m.site) == chosen.as_ref())
                .or_else(|| sites.first())
                .cloned()
        })
    }

    pub fn site(&self) -> Option<SiteId> {
        self.membership().map(|m| m.site)
    }

    /// The operator's role on the current site.
    pub fn role(&self) -> Option<Role> {
        self.membership().map(|m| m.role)
    }

    /// Admins and the owner see every chat and assign them.
    pub fn is_admin(&self) -> bool {
        self.role().is_some_and(Role::manages_site)
    }

    pub fn me(&self) -> Option<protocol::OperatorId> {
        self.current
            .with_untracked(|s| s.as_ref().map(|s| s.operator.clone()))
    }

    pub fn token(&self) -> String {
        self.current
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
            .unwrap_or_default()
    }

    /// What the console works in, tracked: his session on one site. When it changes, every
    /// connection and list starts over (`super::provide`).
    pub(super) fn workspace(&self) -> Option<(String, SiteId)> {
        self.current.track();
        self.chosen_site.track();
        self.site().map(|site| (self.token(), site))
    }

    /// A session from the sign-in form.
    pub fn signed_in(&self, session: OperatorSession) {
        self.current.set(Some(session));
    }

    /// Works on another of his sites.
    pub fn switch_site(&self, site: SiteId) {
        browser::storage::set(SITE_KEY, site.as_str());
        self.chosen_site.set(Some(site));
    }

    /// A new session from the relay (e.g. after adding a site), kept like a sign-in.
    pub fn adopt_session(&self, session: OperatorSession, site: SiteId) {
        auth::remember(&session);
        self.current.set(Some(session));
        self.switch_site(site);
    }

    /// Signs out here: the relay ends this session (its sockets close everywhere).
    pub fn sign_out(&self) {
        let auth = format!("Bearer {}", self.token());
        wasm_bindgen_futures::spawn_local(async move {
            let _ = browser::http::request(
                "POST",
                "/api/v1/auth/sign-out",
                None,
                &[("Authorization", auth.as_str())],
            )
            .await;
        });
        self.signed_out();
    }

    /// Forgets the session on this device (the relay ended it, or the operator signed out).
    pub fn signed_out(&self) {
        super::address::remember_place();
        auth::forget();
        self.current.set(None);
        self.screen.set(Screen::Chats);
    }

    /// Reads his own account: saved statuses, avatar, sites.
    pub fn load_account(&self) {
        let session = *self;
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(body) = session.request("GET", "/api/v1/account", None).await {
                session.account.set(serde_json::from_str(&body).ok());
            }
        });
    }

    /// Calls the relay's API at `url` as this operator; `Ok` is the answer's body, `Err` the
    /// relay's reason.
    pub async fn request(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
    ) -> Result<String, String> {
        let auth = format!("Bearer {}", self.token());
        let answer =
            browser::http::request(method, url, body, &[("Authorization", auth.as_str())]).await?;
        if answer.ok() {
            Ok(answer.body)
        } else {
            Err(answer.error_message())
        }
    }

    /// Calls the relay's API for the current site (`path` after `/api/v1/sites/{site}`).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<String, String> {
        let site = self.site().ok_or("no site")?;
        self.request(method, &format!("/api/v1/sites/{site}{path}"), body)
            .await
    }

    /// `call` in the background: `then` gets the answer's body; a failure is shown in `error`,
    /// which a success clears.
    pub fn call_then(
        self,
        method: &'static str,
        path: String,
        body: Option<String>,
        error: RwSignal<Option<String>>,
        then: impl FnOnce(String) + 'static,
    ) {
        wasm_bindgen_futures::spawn_local(async move {
            match self.call(method, &path, body.as_deref()).await {
                Ok(answer) => {
                    error.set(None);
                    then(answer);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    }

    /// The URL of an operator socket with a fresh ticket appended (`base` ends in `?` or `&`):
    /// the session token itself never goes in a URL. A session the relay ended signs out.
    pub(super) fn ticketed(
        &self,
        base: String,
        conversation: Option<protocol::ConversationId>,
    ) -> browser::socket::UrlFuture {
        let session = *self;
        Box::pin(async move {
            let site = session.site()?;
            let auth = format!("Bearer {}", session.token());
            let body = serde_json::to_string(&protocol::TicketRequest { conversation }).ok()?;
            let answer = browser::http::request(
                "POST",
                &format!("/api/v1/sites/{site}/tickets"),
                Some(&body),
                &[("Authorization", auth.as_str())],
            )
            .await
            .ok()?;
            if answer.status == 401 {
                session.signed_out();
                return None;
            }
            let ticket: protocol::SocketTicket = serde_json::from_str(&answer.body).ok()?;
            Some(format!("{base}ticket={}", ticket.ticket))
        })
    }
}
