//! A WebSocket that reconnects by itself. Every rebuild or deploy of the relay drops all
//! sockets, so reconnecting is the normal path, not an edge case. A connection that went
//! silently dead is noticed by a heartbeat (`protocol::heartbeat`) and replaced too.

use crate::backoff;
use protocol::heartbeat::{self, Beat, Liveness};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Connecting,
    Open,
    /// Dropped; the next attempt starts after a backoff delay.
    Waiting,
    /// The server refused us for good (bad token, no such conversation) or we closed it.
    Closed,
}

type Handler<T> = Box<dyn Fn(T)>;

/// The URL of a later attempt, once known (`None`: not now, try again after the backoff).
pub type UrlFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Option<String>>>>;

/// Where each attempt connects to.
enum Url {
    /// Known at once (it may carry e.g. the last sequence number seen).
    Now(Box<dyn Fn() -> String>),
    /// Asked for first, e.g. a one-time ticket from the server.
    Later(Box<dyn Fn() -> UrlFuture>),
}

struct Inner {
    /// Builds the URL for each attempt.
    url: Url,
    /// Counts attempts, so that a URL arriving for an abandoned attempt is dropped.
    generation: u32,
    on_message: Handler<String>,
    on_status: Handler<Status>,
    socket: Option<WebSocket>,
    attempt: u32,
    stopped: bool,
    // The JS callbacks must live as long as the socket they are attached to.
    callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    liveness: Liveness,
}

thread_local! {
    /// Connections whose liveness the page's one heartbeat timer checks.
    static WATCHED: RefCell<Vec<Weak<RefCell<Inner>>>> = const { RefCell::new(Vec::new()) };
    static HEARTBEAT_STARTED: Cell<bool> = const { Cell::new(false) };
}

/// Puts a connection under the heartbeat. One timer for the page, never cleared: connections
/// that are closed or gone are simply dropped from the list.
fn watch(connection: &Connection) {
    WATCHED.with(|w| w.borrow_mut().push(Rc::downgrade(&connection.0)));
    if !HEARTBEAT_STARTED.with(|s| s.replace(true)) {
        crate::every(heartbeat::CHECK_EVERY_MS, || {
            let live: Vec<Connection> = WATCHED.with(|w| {
                let mut watched = w.borrow_mut();
                watched.retain(|c| c.upgrade().is_some_and(|c| !c.borrow().stopped));
                watched
                    .iter()
                    .filter_map(Weak::upgrade)
                    .map(Connection)
                    .collect()
            });
            // Checked outside the borrow: a check may lead to opening or closing connections.
            for connection in live {
                connection.check_liveness();
            }
        });
    }
}

/// Cloning gives another handle to the same connection.
#[derive(Clone)]
pub struct Connection(Rc<RefCell<Inner>>);

/// Close codes after which reconnecting cannot help: the relay refused this client.
const POLICY_VIOLATION: u16 = 1008;

/// Closes a socket this connection no longer uses. Its handlers go first: the callbacks are
/// replaced (dropped) by the next attempt, and a late event must not call into them.
fn retire(ws: &WebSocket) {
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
    let _ = ws.close();
}

impl Connection {
    pub fn open(
        url: impl Fn() -> String + 'static,
        on_message: impl Fn(String) + 'static,
        on_status: impl Fn(Status) + 'static,
    ) -> Self {
        Self::start(Url::Now(Box::new(url)), on_message, on_status)
    }

    /// Like [`Connection::open`], for a URL that must be asked for before each attempt.
    pub fn open_later(
        url: impl Fn() -> UrlFuture + 'static,
        on_message: impl Fn(String) + 'static,
        on_status: impl Fn(Status) + 'static,
    ) -> Self {
        Self::start(Url::Later(Box::new(url)), on_message, on_status)
    }

    fn start(
        url: Url,
        on_message: impl Fn(String) + 'static,
        on_status: impl Fn(Status) + 'static,
    ) -> Self {
        let connection = Connection(Rc::new(RefCell::new(Inner {
            url,
            generation: 0,
            on_message: Box::new(on_message),
            on_status: Box::new(on_status),
            socket: None,
            attempt: 0,
            stopped: false,
            callbacks: Vec::new(),
            liveness: Liveness::new(js_sys::Date::now()),
        })));
        connection.connect();
        watch(&connection);
        connection
    }

    fn check_liveness(&self) {
        if !self.is_open() {
            return;
        }
        let beat = self.0.borrow_mut().liveness.check(js_sys::Date::now());
        match beat {
            Beat::Nothing => {}
            Beat::SendPing => {
                self.send(heartbeat::PING);
            }
            Beat::Dead => {
                // Forget the socket first so its late close event is not taken for this one.
                let socket = self.0.borrow_mut().socket.take();
                if let Some(ws) = socket {
                    retire(&ws);
                }
                self.schedule_retry();
            }
        }
    }

    /// Sends a text frame if the socket is open; returns whether it was handed to the browser.
    pub fn send(&self, text: &str) -> bool {
        let inner = self.0.borrow();
        match &inner.socket {
            Some(ws) if ws.ready_state() == WebSocket::OPEN => ws.send_with_str(text).is_ok(),
            _ => false,
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(&self.0.borrow().socket, Some(ws) if ws.ready_state() == WebSocket::OPEN)
    }

    /// Closes for good: no reconnect follows.
    pub fn close(&self) {
        let socket = {
            let mut inner = self.0.borrow_mut();
            inner.stopped = true;
            inner.socket.take()
        };
        if let Some(ws) = socket {
            retire(&ws);
        }
        (self.0.borrow().on_status)(Status::Closed);
    }

    fn connect(&self) {
        (self.0.borrow().on_status)(Status::Connecting);
        let generation = {
            let mut inner = self.0.borrow_mut();
            inner.generation = inner.generation.wrapping_add(1);
            inner.generation
        };
        let pending = match &self.0.borrow().url {
            Url::Now(url) => Ok(url()),
            Url::Later(url) => Err(url()),
        };
        match pending {
            Ok(url) => self.open_socket(&url),
            Err(future) => {
                let this = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let url = future.await;
                    let current = {
                        let inner = this.0.borrow();
                        !inner.stopped && inner.generation == generation
                    };
                    match url {
                        _ if !current => {}
                        Some(url) => this.open_socket(&url),
                        None => this.schedule_retry(),
                    }
                });
            }
        }
    }

    fn open_socket(&self, url: &str) {
        let ws = match WebSocket::new(url) {
            Ok(ws) => ws,
            Err(_) => return self.schedule_retry(),
        };
        let mut callbacks = Vec::new();

        let this = self.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let mut inner = this.0.borrow_mut();
            inner.attempt = 0;
            inner.liveness = Liveness::new(js_sys::Date::now());
            drop(inner);
            (this.0.borrow().on_status)(Status::Open);
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        callbacks.push(on_open);

        let this = self.clone();
        let on_message = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if let Some(text) = e
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            {
                this.0.borrow_mut().liveness.heard(js_sys::Date::now());
                if text != heartbeat::PONG {
                    (this.0.borrow().on_message)(text);
                }
            }
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        callbacks.push(on_message);

        let this = self.clone();
        let socket_of_this_attempt = ws.clone();
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let code = e.dyn_ref::<CloseEvent>().map(|c| c.code()).unwrap_or(1006);
            let current = {
                let inner = this.0.borrow();
                !inner.stopped && inner.socket.as_ref() == Some(&socket_of_this_attempt)
            };
            if !current {
                return;
            }
            if code == POLICY_VIOLATION {
                this.0.borrow_mut().stopped = true;
                (this.0.borrow().on_status)(Status::Closed);
            } else {
                this.schedule_retry();
            }
        });
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        callbacks.push(on_close);

        let mut inner = self.0.borrow_mut();
        inner.socket = Some(ws);
        inner.callbacks = callbacks;
    }

    fn schedule_retry(&self) {
        let delay = {
            let mut inner = self.0.borrow_mut();
            if inner.stopped {
                return;
            }
            let delay = backoff::delay_ms(inner.attempt, js_sys::Math::random());
            inner.attempt = inner.attempt.saturating_add(1);
            delay
        };
        (self.0.borrow().on_status)(Status::Waiting);
        let this = self.clone();
        let retry = Closure::once_into_js(move || {
            if !this.0.borrow().stopped {
                this.connect();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.unchecked_ref(),
                delay as i32,
            );
        }
    }
}
