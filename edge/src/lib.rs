//! The relay. A Cloudflare Worker whose router checks every request's credentials and hands it
//! to the Durable Object that owns the data: see [`objects`]. Static files (loader, widget,
//! console, demo site) are served by the platform's assets binding before this code runs.

pub mod auth;
pub mod blobs;
pub mod config;
pub mod files;
pub mod http;
pub mod limits;
pub mod log;
pub mod mail;
pub mod objects;
pub mod participant;
pub mod push;
pub mod random;
pub mod refusal;
mod routes;
pub mod telegram;

use worker::{event, Context, Env, ForwardableEmailMessage, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    // A bad or missing setting stops the relay: every request, the health check included,
    // answers 503 naming it (never a secret's value), and so does `scripts/start`.
    if let Err(e) = config::get(&env) {
        log::error("config.invalid", &e, &[]);
        let body = serde_json::json!({ "ok": false, "error": e.to_string() });
        return Ok(http::json(&body)?.with_status(503));
    }
    let response = routes::handle(req, env).await?;
    http::with_security_headers(response)
}

/// Mail from Cloudflare Email Routing: visitors' answers to reply mails (`mail::inbound`).
#[event(email)]
async fn email(message: ForwardableEmailMessage, env: Env, _ctx: Context) -> Result<()> {
    if let Err(e) = config::get(&env) {
        log::error("config.invalid", &e, &[]);
        // Thrown, not rejected: the sender's server keeps the mail and tries again later.
        return Err(worker::Error::RustError(
            "the relay is not configured".into(),
        ));
    }
    mail::inbound::receive(&message, &env).await
}
