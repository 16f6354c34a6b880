//! `/api/v1/account/push-devices`: the operator's own devices for Web Push. Each request
//! acts only on the signed-in account's devices; a device is tied to the session that added
//! it, and signing that session out forgets it.

use super::profile::account_request;
use super::*;
use crate::objects::directory::{AddPushDevice, DirectoryRoute};
use protocol::push::{NewPushDevice, PushDevices};

/// `GET`: the relay's public key to subscribe with (none: no pushes here) and my devices.
pub(super) async fn list(req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, _) = account_request(&req, &ctx.env).await?;
    let devices = PushDevices {
        public_key: crate::push::sender(&ctx.env).map(|s| s.public_key().to_owned()),
        devices: DirectoryLink::new(&ctx.env)?.push_devices(&op).await?,
    };
    Ok(http::json(&devices)?)
}

/// `POST`: this device's subscription (`PushSubscription.toJSON()` and a label).
pub(super) async fn add(mut req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, session) = account_request(&req, &ctx.env).await?;
    if crate::push::sender(&ctx.env).is_none() {
        return refuse(
            ErrorCode::Conflict,
            "this relay sends no pushes: VAPID_PRIVATE_KEY is not set",
        );
    }
    let device: NewPushDevice = http::read_json(&mut req).await?;
    device.validate(dev_mode(&ctx.env))?;
    if !crate::push::keys_usable(&device.keys.p256dh, &device.keys.auth) {
        return refuse(
            ErrorCode::InvalidField,
            "keys.p256dh: not a P-256 public key",
        );
    }
    let add = AddPushDevice {
        op,
        sid: session.sid,
        device,
    };
    Ok(DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::AddPushDevice(add))
        .await?)
}

/// `DELETE …/{device}`: turns one of my devices off (someone else's is not found).
pub(super) async fn remove(req: Request, ctx: RouteContext<()>) -> Handled {
    let (op, _) = account_request(&req, &ctx.env).await?;
    let id = ctx.param("device").cloned().unwrap_or_default();
    Ok(DirectoryLink::new(&ctx.env)?
        .send(&DirectoryRoute::RemovePushDevice { op, id })
        .await?)
}
