//! The relay's configuration, in one place: every variable and secret it reads, with its
//! default, parsed and checked together so a bad or missing one is named before anything runs.
//! `docs/configuration.md` lists the same names; a test keeps the two in step.

use crate::files::{ALLOWED_TYPES, MAX_FILE_BYTES};
use crate::limits::{Rate, NEW_VISITORS_PER_IP, SIGN_IN_PER_IP, UPLOADS_PER_IP, VISITOR_MESSAGES};

/// Every setting: (name, is it a secret, default shown in the docs, what it does).
pub const SETTINGS: &[(&str, bool, &str, &str)] = &[
    ("TOKEN_SECRET", true, "(required)", "Signs visitor and operator tokens; 32+ characters."),
    ("BOOTSTRAP_TOKEN", true, "(none)", "Authorises creating the first owner; 16+ characters. Remove it afterwards."),
    ("ALLOW_DEV_HEADERS", false, "false", "Local runs only: X-Dev-Geo stands in for Cloudflare's geo data, and pages on this machine may run any site's widget."),
    ("EMAIL_FROM", false, "(empty)", "Sender of outgoing e-mail (send_email binding); empty keeps e-mail in each site's outbox."),
    ("SMTP_URL", true, "(none)", "Self-hosting: send e-mail through your mail server, smtp://user:password@host:587 (STARTTLS), smtps://…:465 (TLS) or smtp+plain://host:25 (no TLS, a server on the same machine); needs EMAIL_FROM."),
    ("EMAIL_REPLY_DOMAIN", false, "(empty)", "Domain whose reply+…@ addresses receive visitors' e-mail answers (Cloudflare Email Routing to this Worker); empty: answers go to the site's offline address."),
    ("PUBLIC_ORIGIN", false, "(the request's)", "The relay's public address, e.g. https://chat.example.com, for links in e-mails (password resets). Set it when self-hosting behind a proxy."),
    ("TELEGRAM_API_URL", false, "https://api.telegram.org", "Where the Telegram Bot API is: a local Bot API server, or a fake in tests; an address with no path."),
    ("VAPID_PRIVATE_KEY", true, "(none)", "Web Push to operators' devices: the relay's P-256 private key, base64url (43 characters); none sends no pushes."),
    ("VAPID_SUBJECT", false, "mailto:push@localhost", "Who push services may contact about our pushes: mailto: or https:."),
    ("RATE_VISITOR_MESSAGES", false, "10/30", "Messages of one visitor: burst/per minute."),
    ("RATE_OPERATOR_COMMANDS", false, "60/300", "Commands of one operator in one conversation (messages, notes, tags, typing…): burst/per minute."),
    ("RATE_NEW_VISITORS_PER_IP", false, "20/6", "New visitors (conversations) per IP address: burst/per minute."),
    ("RATE_UPLOADS_PER_IP", false, "5/10", "Visitors' file uploads per IP address: burst/per minute."),
    ("RATE_SIGN_IN_PER_IP", false, "10/10", "Sign-in attempts and other password checks per IP address: burst/per minute."),
    ("MAX_MESSAGE_CHARS", false, "4000", "Longest message, in characters, 1 to 4000 (the widget's input follows it)."),
    ("MAX_UPLOAD_MB", false, "10", "Largest file a visitor or operator may send, 1 to 10 MB."),
    ("UPLOAD_TYPES", false, "(all supported)", "Comma-separated content types accepted for files, from the supported list."),
    ("RETENTION_DAYS", false, "0", "Finished conversations older than this many days are deleted with their files; 0 keeps them."),
    ("RETENTION_DAY_MS", false, "86400000", "The length of a retention day in ms; only tests shorten it."),
    ("WEBHOOK_RETRY_UNIT_MS", false, "60000", "Webhook and e-mail retries wait 1, 5, 30, 120, 360 and 720 of these."),
    ("ALERT_CHECK_MS", false, "300000", "How often a site with alerts checks, in working hours, that someone is online."),
    ("REPLY_MAIL_DELAY_MS", false, "120000", "How long an operator's replies to a visitor who left the page wait (collecting the next ones) before they are e-mailed to him."),
    ("SURVEY_MINUTE_MS", false, "60000", "The length of a minute of the rating survey's silence (`rating.silence_minutes`), in ms; only tests shorten it."),
];

/// The parsed configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayConfig {
    pub token_secret: String,
    pub bootstrap_token: Option<String>,
    pub allow_dev_headers: bool,
    pub email_from: Option<String>,
    /// The owner's mail server, when e-mail goes out by SMTP.
    pub smtp: Option<crate::smtp::SmtpServer>,
    /// Visitors' e-mail answers come back to `reply+…@` this domain.
    pub email_reply_domain: Option<String>,
    /// `scheme://host[:port]` without a path; `None`: links use the request's origin.
    pub public_origin: Option<String>,
    /// `scheme://host[:port]` of the Telegram Bot API.
    pub telegram_api_url: String,
    /// The VAPID private key (base64url scalar): Web Push is on when set.
    pub vapid_private_key: Option<String>,
    pub vapid_subject: String,
    pub rate_visitor_messages: Rate,
    pub rate_operator_commands: Rate,
    pub rate_new_visitors_per_ip: Rate,
    pub rate_uploads_per_ip: Rate,
    pub rate_sign_in_per_ip: Rate,
    pub max_message_chars: usize,
    pub max_upload_bytes: usize,
    pub upload_types: Vec<String>,
    /// 0: keep everything.
    pub retention_days: u32,
    pub retention_day_ms: u64,
    pub webhook_retry_unit_ms: u64,
    pub alert_check_ms: u64,
    pub reply_mail_delay_ms: u64,
    pub survey_minute_ms: u64,
}

/// `https://host[:port]` or `http://…`, with no path, query or user part.
fn is_origin(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// What was wrong, one line per setting, each naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bad configuration: {}", self.0.join("; "))
    }
}

impl RelayConfig {
    /// Reads every setting through `lookup` (an unset or empty one takes its default) and
    /// reports all the bad ones at once.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut errors = Vec::new();
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let mut bad = |name: &str, why: String| errors.push(format!("{name} {why}"));

        let token_secret = match get("TOKEN_SECRET") {
            Some(s) if s.chars().count() >= 32 => s,
            Some(_) => {
                bad(
                    "TOKEN_SECRET",
                    "is too short: use 32 or more random characters".into(),
                );
                String::new()
            }
            None => {
                bad("TOKEN_SECRET", "is missing: set it to 32+ random characters (`wrangler secret put TOKEN_SECRET` on Cloudflare, the env file when self-hosting)".into());
                String::new()
            }
        };
        let bootstrap_token = get("BOOTSTRAP_TOKEN");
        if bootstrap_token
            .as_ref()
            .is_some_and(|t| t.chars().count() < 16)
        {
            bad(
                "BOOTSTRAP_TOKEN",
                "is too short: use 16 or more random characters".into(),
            );
        }
        let allow_dev_headers = match get("ALLOW_DEV_HEADERS").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                bad(
                    "ALLOW_DEV_HEADERS",
                    format!("must be true or false, not {other:?}"),
                );
                false
            }
        };
        let email_from = get("EMAIL_FROM");
        if let Some(from) = &email_from {
            if crate::validate::email(from).is_err() {
                bad("EMAIL_FROM", format!("is not an e-mail address: {from:?}"));
            }
        }
        let smtp = get("SMTP_URL").and_then(|url| match crate::smtp::parse_smtp_url(&url) {
            Ok(server) => Some(server),
            Err(why) => {
                // The value holds a password: only why, never it.
                bad("SMTP_URL", why);
                None
            }
        });
        if get("SMTP_URL").is_some() && email_from.is_none() {
            bad(
                "SMTP_URL",
                "is set without EMAIL_FROM, the sender address".into(),
            );
        }
        let email_reply_domain = get("EMAIL_REPLY_DOMAIN").map(|d| d.to_ascii_lowercase());
        if let Some(domain) = &email_reply_domain {
            if crate::validate::email(&format!("reply@{domain}")).is_err() {
                bad(
                    "EMAIL_REPLY_DOMAIN",
                    format!("is not a mail domain: {domain:?}"),
                );
            }
        }
        let public_origin = get("PUBLIC_ORIGIN").map(|o| o.trim_end_matches('/').to_owned());
        if let Some(origin) = &public_origin {
            if !is_origin(origin) {
                bad(
                    "PUBLIC_ORIGIN",
                    format!("must be an address like https://chat.example.com (no path), not {origin:?}"),
                );
            }
        }
        let telegram_api_url = get("TELEGRAM_API_URL")
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| "https://api.telegram.org".into());
        if !is_origin(&telegram_api_url) {
            bad(
                "TELEGRAM_API_URL",
                format!("must be an address like https://api.telegram.org (no path), not {telegram_api_url:?}"),
            );
        }
        let vapid_private_key = get("VAPID_PRIVATE_KEY");
        let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if vapid_private_key
            .as_ref()
            .is_some_and(|k| k.len() != 43 || !k.chars().all(base64url))
        {
            bad(
                "VAPID_PRIVATE_KEY",
                "must be a P-256 private key as 43 base64url characters (a JWK's \"d\"; scripts/start makes one)".into(),
            );
        }
        let vapid_subject = get("VAPID_SUBJECT").unwrap_or_else(|| "mailto:push@localhost".into());
        if !(vapid_subject.starts_with("mailto:") || vapid_subject.starts_with("https://")) {
            bad(
                "VAPID_SUBJECT",
                format!("must start with mailto: or https://, not {vapid_subject:?}"),
            );
        }
        let mut rate = |name: &str, default: Rate| match get(name) {
            None => default,
            Some(value) => parse_rate(&value).unwrap_or_else(|| {
                bad(
                    name,
                    format!("must be burst/per_minute like 10/30, not {value:?}"),
                );
                default
            }),
        };
        let rate_visitor_messages = rate("RATE_VISITOR_MESSAGES", VISITOR_MESSAGES);
        let rate_operator_commands =
            rate("RATE_OPERATOR_COMMANDS", crate::limits::OPERATOR_COMMANDS);
        let rate_new_visitors_per_ip = rate("RATE_NEW_VISITORS_PER_IP", NEW_VISITORS_PER_IP);
        let rate_uploads_per_ip = rate("RATE_UPLOADS_PER_IP", UPLOADS_PER_IP);
        let rate_sign_in_per_ip = rate("RATE_SIGN_IN_PER_IP", SIGN_IN_PER_IP);
        let mut number =
            |name: &str, default: u64, range: std::ops::RangeInclusive<u64>| match get(name) {
                None => default,
                Some(value) => match value.parse::<u64>() {
                    Ok(n) if range.contains(&n) => n,
                    _ => {
                        bad(
                            name,
                            format!(
                                "must be a whole number from {} to {}, not {value:?}",
                                range.start(),
                                range.end()
                            ),
                        );
                        default
                    }
                },
            };
        let most = crate::limits::MAX_MESSAGE_CHARS as u64;
        let max_message_chars = number("MAX_MESSAGE_CHARS", most, 1..=most) as usize;
        let max_mb = (MAX_FILE_BYTES / 1024 / 1024) as u64;
        let max_upload_bytes = number("MAX_UPLOAD_MB", max_mb, 1..=max_mb) as usize * 1024 * 1024;
        let retention_days = number("RETENTION_DAYS", 0, 0..=36_500) as u32;
        let retention_day_ms = number("RETENTION_DAY_MS", 86_400_000, 1_000..=86_400_000);
        let webhook_retry_unit_ms = number("WEBHOOK_RETRY_UNIT_MS", 60_000, 1..=3_600_000);
        let alert_check_ms = number("ALERT_CHECK_MS", 300_000, 100..=86_400_000);
        let reply_mail_delay_ms = number("REPLY_MAIL_DELAY_MS", 120_000, 100..=3_600_000);
        let survey_minute_ms = number("SURVEY_MINUTE_MS", 60_000, 100..=60_000);
        let upload_types = match get("UPLOAD_TYPES") {
            None => ALLOWED_TYPES.iter().map(|t| t.to_string()).collect(),
            Some(list) => {
                let types: Vec<String> = list
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect();
                let unknown: Vec<&str> = types
                    .iter()
                    .map(String::as_str)
                    .filter(|t| !ALLOWED_TYPES.contains(t))
                    .collect();
                if !unknown.is_empty() || types.is_empty() {
                    bad(
                        "UPLOAD_TYPES",
                        format!(
                            "may list only supported types ({}); not {unknown:?}",
                            ALLOWED_TYPES.join(", ")
                        ),
                    );
                }
                types
            }
        };
        if !errors.is_empty() {
            return Err(ConfigError(errors));
        }
        Ok(Self {
            token_secret,
            bootstrap_token,
            allow_dev_headers,
            email_from,
            smtp,
            email_reply_domain,
            public_origin,
            telegram_api_url,
            vapid_private_key,
            vapid_subject,
            rate_visitor_messages,
            rate_operator_commands,
            rate_new_visitors_per_ip,
            rate_uploads_per_ip,
            rate_sign_in_per_ip,
            max_message_chars,
            max_upload_bytes,
            upload_types,
            retention_days,
            retention_day_ms,
            webhook_retry_unit_ms,
            alert_check_ms,
            reply_mail_delay_ms,
            survey_minute_ms,
        })
    }

    /// How long finished conversations are kept (ms), if not forever.
    pub fn retention_ms(&self) -> Option<u64> {
        (self.retention_days > 0).then(|| u64::from(self.retention_days) * self.retention_day_ms)
    }

    /// What uploads may be, for `files::check_upload`.
    pub fn upload_policy(&self) -> crate::files::UploadPolicy<'_> {
        crate::files::UploadPolicy {
            max_bytes: self.max_upload_bytes,
            types: &self.upload_types,
        }
    }
}

/// `"10/30"` → a burst of 10, then 30 a minute.
pub fn parse_rate(value: &str) -> Option<Rate> {
    let (burst, per_minute) = value.trim().split_once('/')?;
    let rate = Rate {
        burst: burst.trim().parse().ok()?,
        per_minute: per_minute.trim().parse().ok()?,
    };
    (rate.burst > 0).then_some(rate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn config(pairs: &[(&str, &str)]) -> Result<RelayConfig, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        RelayConfig::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_need_only_the_token_secret() {
        let c = config(&[("TOKEN_SECRET", SECRET)]).unwrap();
        assert_eq!(c.rate_visitor_messages, VISITOR_MESSAGES);
        assert_eq!(c.rate_operator_commands, crate::limits::OPERATOR_COMMANDS);
        assert_eq!(c.max_upload_bytes, MAX_FILE_BYTES);
        assert_eq!(c.max_message_chars, crate::limits::MAX_MESSAGE_CHARS);
        assert_eq!(c.upload_types.len(), ALLOWED_TYPES.len());
        assert_eq!(
            (c.retention_days, c.webhook_retry_unit_ms, c.alert_check_ms),
            (0, 60_000, 300_000)
        );
        assert!(!c.allow_dev_headers && c.email_from.is_none() && c.bootstrap_token.is_none());
        assert_eq!(
            config(&[("TOKEN_SECRET", SECRET), ("EMAIL_FROM", "  ")])
                .unwrap()
                .email_from,
            None,
            "empty is unset"
        );
    }

    #[test]
    fn settings_are_read() {
        let c = config(&[
            ("TOKEN_SECRET", SECRET),
            ("ALLOW_DEV_HEADERS", "true"),
            ("EMAIL_FROM", "chat@shop.example"),
            ("EMAIL_REPLY_DOMAIN", "Mail.Shop.Example"),
            ("RATE_UPLOADS_PER_IP", " 2 / 4 "),
            ("MAX_UPLOAD_MB", "3"),
            ("MAX_MESSAGE_CHARS", "500"),
            ("UPLOAD_TYPES", "image/png, application/pdf"),
            ("RETENTION_DAYS", "365"),
        ])
        .unwrap();
        assert!(c.allow_dev_headers);
        assert_eq!(c.email_from.as_deref(), Some("chat@shop.example"));
        assert_eq!(c.email_reply_domain.as_deref(), Some("mail.shop.example"));
        let bad_smtp = config(&[
            ("TOKEN_SECRET", SECRET),
            ("SMTP_URL", "smtp://user:hunter2@"),
        ])
        .unwrap_err()
        .to_string();
        assert!(bad_smtp.contains("SMTP_URL") && bad_smtp.contains("EMAIL_FROM"));
        assert!(!bad_smtp.contains("hunter2"), "never the password");
        let bad_domain = config(&[("TOKEN_SECRET", SECRET), ("EMAIL_REPLY_DOMAIN", "a@b")]);
        assert!(bad_domain
            .unwrap_err()
            .to_string()
            .contains("EMAIL_REPLY_DOMAIN"));
        let with_origin = |o: &str| config(&[("TOKEN_SECRET", SECRET), ("PUBLIC_ORIGIN", o)]);
        assert_eq!(
            with_origin("https://chat.example.com/")
                .unwrap()
                .public_origin
                .as_deref(),
            Some("https://chat.example.com")
        );
        for bad in [
            "chat.example.com",
            "https://chat.example.com/path",
            "https://a@b",
            "ftp://x",
        ] {
            assert!(with_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(
            c.rate_uploads_per_ip,
            Rate {
                burst: 2,
                per_minute: 4
            }
        );
        assert_eq!(c.max_upload_bytes, 3 * 1024 * 1024);
        assert_eq!(c.max_message_chars, 500);
        assert_eq!(c.upload_types, ["image/png", "application/pdf"]);
        assert_eq!(c.retention_days, 365);
        assert_eq!(c.retention_ms(), Some(365 * 86_400_000));
        assert_eq!(
            config(&[("TOKEN_SECRET", SECRET)]).unwrap().retention_ms(),
            None,
            "0 keeps all"
        );
    }

    #[test]
    fn every_bad_setting_is_named_at_once() {
        let error = config(&[
            ("TOKEN_SECRET", "short"),
            ("BOOTSTRAP_TOKEN", "x"),
            ("ALLOW_DEV_HEADERS", "yes"),
            ("EMAIL_FROM", "not an address"),
            ("RATE_VISITOR_MESSAGES", "10"),
            ("MAX_UPLOAD_MB", "500"),
            ("UPLOAD_TYPES", "text/html"),
            ("RETENTION_DAYS", "-1"),
            ("WEBHOOK_RETRY_UNIT_MS", "soon"),
            ("ALERT_CHECK_MS", "5"),
        ])
        .unwrap_err();
        let named: Vec<&str> = error
            .0
            .iter()
            .map(|line| line.split(' ').next().unwrap())
            .collect();
        assert_eq!(
            named,
            [
                "TOKEN_SECRET",
                "BOOTSTRAP_TOKEN",
                "ALLOW_DEV_HEADERS",
                "EMAIL_FROM",
                "RATE_VISITOR_MESSAGES",
                "MAX_UPLOAD_MB",
                "RETENTION_DAYS",
                "WEBHOOK_RETRY_UNIT_MS",
                "ALERT_CHECK_MS",
                "UPLOAD_TYPES",
            ]
        );
        assert!(error
            .to_string()
            .starts_with("bad configuration: TOKEN_SECRET is too short"));
        let missing = config(&[]).unwrap_err();
        assert_eq!(missing.0.len(), 1);
        assert!(
            missing.0[0].starts_with("TOKEN_SECRET is missing"),
            "{missing}"
        );
    }

    #[test]
    fn secrets_never_appear_in_errors() {
        let error = config(&[
            ("TOKEN_SECRET", "my-short-secret"),
            ("BOOTSTRAP_TOKEN", "tiny"),
        ])
        .unwrap_err();
        let text = error.to_string();
        assert!(
            !text.contains("my-short-secret") && !text.contains("tiny"),
            "{text}"
        );
    }

    #[test]
    fn rates_read_as_burst_slash_per_minute() {
        assert_eq!(
            parse_rate("10/30"),
            Some(Rate {
                burst: 10,
                per_minute: 30
            })
        );
        assert_eq!(
            parse_rate(" 500 / 60000 "),
            Some(Rate {
                burst: 500,
                per_minute: 60000
            })
        );
        for bad in ["", "10", "a/b", "0/10", "-1/5"] {
            assert_eq!(parse_rate(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_configuration_docs_list_every_setting() {
        let docs = include_str!("../../docs/configuration.md");
        for (name, _, default, _) in SETTINGS {
            let row = docs
                .lines()
                .find(|l| l.starts_with(&format!("| `{name}` |")));
            let row = row.unwrap_or_else(|| panic!("docs/configuration.md has no row for {name}"));
            assert!(
                row.contains(default),
                "{name}: the docs should show its default {default}"
            );
        }
    }
}
