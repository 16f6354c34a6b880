//! Visitors on the site now. Every page with the widget holds a presence socket to its site's
//! object; operators' consoles get the list on connect and every change after. Several tabs
//! of one browser (one `key`) are one visitor, shown on his most recent page.

use super::inbox::SummaryRow;
use super::link::{PresenceInit, StartChat, StartOutcome, StartedChat};
use super::SiteRoom;
use crate::http;
use protocol::visitors::{
    LiveVisitor, PageView, PresenceCommand, PresenceEvent, PreviousChat, ProactiveChat,
};
use protocol::{ConversationId, ConversationSummary, ErrorCode, InboxEvent};
use serde::{Deserialize, Serialize};
use worker::{Response, Result, WebSocket, WebSocketPair};

/// Biggest presence frame read.
const MAX_FRAME: usize = 8 * 1024;

/// A presence socket's attachment (survives hibernation).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PresenceSocket {
    key: String,
    live: LiveVisitor,
    /// When this tab last reported a page (the newest tab is the one shown).
    at: u64,
    /// The page views it may still report (`PAGE_VIEWS_PER_SOCKET`).
    #[serde(default)]
    pages: Option<protocol::limits::Bucket>,
}

/// The tag of a browser's presence sockets (his tabs), so they are found without reading
/// every socket of the site.
fn key_tag(key: &str) -> String {
    format!("key:{key}")
}

/// The tag of presence sockets from one address (IPv6 by /64), for the per-address cap.
fn ip_tag(ip: &str) -> String {
    format!("ip:{}", protocol::rate_table::ip_key(ip))
}

impl SiteRoom {
    /// The presence sockets with `tag`, but `skip`, with what each remembers.
    fn tagged_presence(
        &self,
        tag: &str,
        skip: Option<&WebSocket>,
    ) -> Vec<(WebSocket, PresenceSocket)> {
        self.state
            .get_websockets_with_tag(tag)
            .into_iter()
            .filter(|ws| Some(ws) != skip)
            .filter_map(|ws| {
                let socket = ws.deserialize_attachment::<PresenceSocket>().ok()??;
                Some((ws, socket))
            })
            .collect()
    }

    fn presence_sockets(&self, skip: Option<&WebSocket>) -> Vec<(WebSocket, PresenceSocket)> {
        self.tagged_presence("visitor", skip)
    }

    /// The tabs of the browser behind `key` (found by their tag).
    fn tabs_of(&self, key: &str, skip: Option<&WebSocket>) -> Vec<(WebSocket, PresenceSocket)> {
        self.tagged_presence(&key_tag(key), skip)
    }

    /// The visitor behind `key` as the list shows him: his newest tab that reported a page.
    fn live_entry(&self, key: &str, skip: Option<&WebSocket>) -> Option<LiveVisitor> {
        let tabs: Vec<PresenceSocket> = self
            .tabs_of(key, skip)
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        newest_tab(tabs)
    }

    /// Every visitor on the site now, one entry per browser: one pass over the sockets.
    pub(super) fn live_visitors(&self) -> Vec<LiveVisitor> {
        let mut by_key: std::collections::HashMap<String, Vec<PresenceSocket>> = Default::default();
        let mut order: Vec<String> = Vec::new();
        for (_, socket) in self.presence_sockets(None) {
            let tabs = by_key.entry(socket.key.clone()).or_default();
            if tabs.is_empty() {
                order.push(socket.key.clone());
            }
            tabs.push(socket);
        }
        order
            .into_iter()
            .filter_map(|key| newest_tab(by_key.remove(&key)?))
            .collect()
    }

    /// Tells the consoles how the visitor behind `key` stands now.
    fn announce_visitor(&self, key: &str, id: &str, skip: Option<&WebSocket>) {
        let event = match self.live_entry(key, skip) {
            Some(live) => InboxEvent::VisitorUpdated {
                visitor: Box::new(live),
            },
            None => InboxEvent::VisitorLeft { id: id.to_owned() },
        };
        for socket in crate::objects::revoke::live_operator_sockets(&self.state, http::now_ms()) {
            let _ = socket.send(&event);
        }
    }

    /// The site's latest summary of a conversation, if it has one.
    pub(super) fn summary_of(
        &self,
        conversation: &ConversationId,
    ) -> Result<Option<ConversationSummary>> {
        let rows: Vec<SummaryRow> = self
            .state
            .storage()
            .sql()
            .exec(
                "SELECT summary FROM conversations WHERE id = ?",
                vec![conversation.as_str().into()],
            )?
            .to_array()?;
        Ok(rows
            .first()
            .and_then(|r| serde_json::from_str(&r.summary).ok()))
    }

    /// Accepts a visitor's presence socket; he shows up once he reports his page. Pages from
    /// one address, and on the whole site, are capped: a script opening sockets in a loop
    /// fills neither the object nor the operators' list.
    pub(super) fn open_presence(&self, init: PresenceInit) -> Result<Response> {
        use protocol::limits::{MAX_PRESENCE_PER_IP, MAX_PRESENCE_PER_SITE};
        let ip = init.ip.as_deref().map(ip_tag);
        let from_ip = ip
            .as_ref()
            .map_or(0, |tag| self.state.get_websockets_with_tag(tag).len());
        let on_site = self.state.get_websockets_with_tag("visitor").len();
        if from_ip >= MAX_PRESENCE_PER_IP || on_site >= MAX_PRESENCE_PER_SITE {
            return http::error(
                ErrorCode::RateLimited,
                "too many pages with the chat open from this address",
            );
        }
        let id = self
            .tabs_of(&init.key, None)
            .into_iter()
            .next()
            .map(|(_, s)| s.live.id)
            .unwrap_or_else(crate::random::id);
        let previous = match &init.conversation {
            Some(conversation) => self.summary_of(conversation)?,
            None => None,
        };
        let live = LiveVisitor {
            id,
            visitor: init.visitor,
            conversation: init.conversation,
            name: previous.as_ref().and_then(|s| s.state.contact.name.clone()),
            page: PageView::default(),
            utm: Default::default(),
            geo: init.geo,
            ip: init.ip,
            browser: init.browser,
            os: init.os,
            tabs: 1,
            previous_chat: previous.map(|s| PreviousChat {
                last_at: s.last_at,
                message_count: s.message_count,
            }),
        };
        let pair = WebSocketPair::new()?;
        let mut tags = vec!["visitor".to_owned(), key_tag(&init.key)];
        tags.extend(ip);
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.serialize_attachment(&PresenceSocket {
            key: init.key,
            live,
            at: http::now_ms(),
            pages: None,
        })?;
        Response::from_websocket(pair.client)
    }

    /// A frame on a presence socket: the page he is on now.
    pub(super) fn presence_frame(&self, ws: &WebSocket, frame: &str) -> Result<()> {
        let Some(mut socket) = ws.deserialize_attachment::<PresenceSocket>()? else {
            return Ok(());
        };
        let refuse =
            |message: &str| ws.send(&protocol::ErrorBody::new(ErrorCode::InvalidField, message));
        if frame.len() > MAX_FRAME {
            return refuse("frame too large");
        }
        let page = match serde_json::from_str::<PresenceCommand>(frame) {
            Ok(PresenceCommand::Page { page }) => page.validated(),
            Err(e) => return refuse(&e.to_string()),
        };
        let now = http::now_ms();
        let rate = protocol::limits::PAGE_VIEWS_PER_SOCKET;
        let pages = socket
            .pages
            .get_or_insert_with(|| protocol::limits::Bucket::new(rate, now));
        if let Err(retry_after_ms) = pages.take(rate, now) {
            return ws.send(&protocol::ErrorBody::rate_limited(None, retry_after_ms));
        }
        match page {
            Ok(page) => {
                socket.live.utm = page.utm();
                socket.live.page = page;
                socket.at = http::now_ms();
                ws.serialize_attachment(&socket)?;
                self.announce_visitor(&socket.key, &socket.live.id, None);
                Ok(())
            }
            Err(e) => refuse(&e.message),
        }
    }

    /// A tab closed: the visitor moves to his other tab, or leaves the list.
    pub(super) fn presence_closed(&self, ws: &WebSocket) {
        if let Ok(Some(socket)) = ws.deserialize_attachment::<PresenceSocket>() {
            self.announce_visitor(&socket.key, &socket.live.id, Some(ws));
        }
    }

    /// Starts (or reopens) a chat with a live visitor.
    pub(super) fn start_chat(&self, start: StartChat) -> Result<StartOutcome> {
        let tabs: Vec<(WebSocket, PresenceSocket)> = self
            .presence_sockets(None)
            .into_iter()
            .filter(|(_, s)| s.live.id == start.id)
            .collect();
        let Some((_, first)) = tabs.first().cloned() else {
            return Ok(StartOutcome::Left);
        };
        if self.banned(
            first.live.visitor.as_ref().map(|v| v.to_string()).as_ref(),
            first.live.ip.as_ref(),
        )? {
            return Ok(StartOutcome::Banned);
        }
        let existing = first
            .live
            .conversation
            .clone()
            .zip(first.live.visitor.clone());
        let (conversation, visitor, created) = match existing {
            Some((conversation, visitor)) => {
                for (ws, _) in &tabs {
                    let _ = ws.send(&PresenceEvent::OpenChat);
                }
                (conversation, visitor, false)
            }
            None => {
                let event = PresenceEvent::ChatStarted {
                    token: start.token.clone(),
                    conversation: start.conversation.clone(),
                };
                for (ws, mut socket) in tabs {
                    let _ = ws.send(&event);
                    socket.live.visitor = Some(start.visitor.clone());
                    socket.live.conversation = Some(start.conversation.clone());
                    ws.serialize_attachment(&socket)?;
                }
                self.announce_visitor(&first.key, &first.live.id, None);
                (start.conversation, start.visitor, true)
            }
        };
        Ok(StartOutcome::Started(StartedChat {
            chat: ProactiveChat { conversation },
            created,
            visitor,
            ip: first.live.ip,
            geo: first.live.geo,
        }))
    }
}

/// A browser's entry in the list: his newest tab that reported a page, with the tab count.
fn newest_tab(tabs: Vec<PresenceSocket>) -> Option<LiveVisitor> {
    let shown: Vec<&PresenceSocket> = tabs
        .iter()
        .filter(|s| !s.live.page.url.is_empty())
        .collect();
    let newest = shown.iter().max_by_key(|s| s.at)?;
    let mut live = newest.live.clone();
    live.tabs = shown.len() as u32;
    Some(live)
}
