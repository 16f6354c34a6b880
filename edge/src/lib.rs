//! The relay. A Cloudflare Worker whose router checks every request's credentials and hands it
//! to the Durable Object that owns the data: see [`objects`]. Static files (loader, widget,
//! console, demo site) are served by the platform's assets binding before this code runs.

pub mod auth;
pub mod files;
pub mod http;
pub mod limits;
pub mod mail;
pub mod objects;
pub mod participant;
pub mod random;
mod routes;

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    routes::handle(req, env).await
}
