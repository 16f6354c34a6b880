//! Where files and avatars are kept: Cloudflare R2 (binding `FILES`) on Cloudflare and under
//! `wrangler dev`, or a directory on the server's disk under plain workerd (a writable disk
//! service bound as `FILES_DISK`, see selfhost/). On disk each object is two files: its bytes
//! and `<key>.meta` (JSON: content type, name, size).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use wasm_bindgen::JsValue;
use worker::{Bucket, Env, Fetcher, HttpMetadata, Method, RequestInit, Result};

/// What is known about a stored object without reading it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BlobInfo {
    pub size: u64,
    pub content_type: String,
    #[serde(default)]
    pub name: Option<String>,
}

pub enum Blobs {
    R2(Bucket),
    Disk(Fetcher),
}

/// Disk-service requests need an absolute URL; only the path matters.
fn disk_url(key: &str) -> String {
    format!("http://files/{key}")
}

fn init(method: Method, body: Option<JsValue>) -> RequestInit {
    let mut init = RequestInit::new();
    init.with_method(method).with_body(body);
    init
}

impl Blobs {
    pub fn open(env: &Env) -> Result<Self> {
        match env.bucket("FILES") {
            Ok(bucket) => Ok(Blobs::R2(bucket)),
            Err(_) => env.service("FILES_DISK").map(Blobs::Disk).map_err(|_| {
                worker::Error::RustError(
                    "no file storage: bind FILES (R2) or FILES_DISK (disk)".into(),
                )
            }),
        }
    }

    pub async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
        name: Option<&str>,
    ) -> Result<()> {
        match self {
            Blobs::R2(bucket) => {
                let mut put = bucket.put(key, bytes).http_metadata(HttpMetadata {
                    content_type: Some(content_type.to_owned()),
                    ..Default::default()
                });
                if let Some(name) = name {
                    put =
                        put.custom_metadata(HashMap::from([("name".to_owned(), name.to_owned())]));
                }
                put.execute().await?;
                Ok(())
            }
            Blobs::Disk(disk) => {
                let info = BlobInfo {
                    size: bytes.len() as u64,
                    content_type: content_type.to_owned(),
                    name: name.map(str::to_owned),
                };
                let body = js_sys::Uint8Array::from(bytes.as_slice());
                disk_ok(
                    disk.fetch(disk_url(key), Some(init(Method::Put, Some(body.into()))))
                        .await?,
                )?;
                let meta = JsValue::from_str(&serde_json::to_string(&info)?);
                disk_ok(
                    disk.fetch(
                        disk_url(&format!("{key}.meta")),
                        Some(init(Method::Put, Some(meta))),
                    )
                    .await?,
                )
            }
        }
    }

    pub async fn head(&self, key: &str) -> Result<Option<BlobInfo>> {
        match self {
            Blobs::R2(bucket) => Ok(bucket.head(key).await?.map(|object| BlobInfo {
                size: object.size(),
                content_type: object
                    .http_metadata()
                    .content_type
                    .unwrap_or_else(|| "application/octet-stream".into()),
                name: object
                    .custom_metadata()
                    .ok()
                    .and_then(|mut m| m.remove("name")),
            })),
            Blobs::Disk(disk) => {
                let mut response = disk.fetch(disk_url(&format!("{key}.meta")), None).await?;
                if response.status_code() == 404 {
                    return Ok(None);
                }
                Ok(Some(serde_json::from_str(&response.text().await?)?))
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<(BlobInfo, Vec<u8>)>> {
        let Some(info) = self.head(key).await? else {
            return Ok(None);
        };
        let bytes = match self {
            Blobs::R2(bucket) => {
                let Some(object) = bucket.get(key).execute().await? else {
                    return Ok(None);
                };
                match object.body() {
                    Some(body) => body.bytes().await?,
                    None => return Ok(None),
                }
            }
            Blobs::Disk(disk) => {
                let mut response = disk.fetch(disk_url(key), None).await?;
                if response.status_code() == 404 {
                    return Ok(None);
                }
                response.bytes().await?
            }
        };
        Ok(Some((info, bytes)))
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        match self {
            Blobs::R2(bucket) => bucket.delete(key).await,
            Blobs::Disk(disk) => {
                for path in [key.to_owned(), format!("{key}.meta")] {
                    let response = disk
                        .fetch(disk_url(&path), Some(init(Method::Delete, None)))
                        .await?;
                    if response.status_code() != 404 {
                        disk_ok(response)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Deletes every object whose key starts with `dir` (which ends with `/`).
    pub async fn delete_dir(&self, dir: &str) -> Result<()> {
        match self {
            Blobs::R2(bucket) => {
                let mut cursor = None;
                loop {
                    let mut list = bucket.list().prefix(dir.to_owned());
                    if let Some(at) = cursor.take() {
                        list = list.cursor(at);
                    }
                    let page = list.execute().await?;
                    for object in page.objects() {
                        bucket.delete(object.key()).await?;
                    }
                    match (page.truncated(), page.cursor()) {
                        (true, Some(next)) => cursor = Some(next),
                        _ => return Ok(()),
                    }
                }
            }
            Blobs::Disk(disk) => {
                #[derive(Deserialize)]
                struct Entry {
                    name: String,
                }
                let mut response = disk.fetch(disk_url(dir), None).await?;
                if response.status_code() == 404 {
                    return Ok(());
                }
                let entries: Vec<Entry> = serde_json::from_str(&response.text().await?)?;
                for entry in entries {
                    let path = format!("{dir}{}", entry.name);
                    disk_ok(
                        disk.fetch(disk_url(&path), Some(init(Method::Delete, None)))
                            .await?,
                    )?;
                }
                Ok(())
            }
        }
    }
}

fn disk_ok(response: worker::Response) -> Result<()> {
    match response.status_code() {
        200..=299 => Ok(()),
        status => Err(worker::Error::RustError(format!(
            "file storage answered {status}"
        ))),
    }
}
