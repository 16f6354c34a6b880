//! Sending through the owner's own mail server (`SMTP_URL`, self-hosting): the server's address
//! as configured, the message as it goes over the wire, and what its replies mean. The socket
//! dialogue itself is the relay's (`edge/src/mail/smtp.rs`).

use crate::OutboxEmail;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://`: plain connection upgraded with STARTTLS, which the server must offer.
    StartTls,
    /// `smtps://`: TLS from the first byte (port 465).
    Tls,
    /// `smtp+plain://`: no TLS at all, for a server on the same machine or private network.
    Plain,
}

#[derive(Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// `AUTH PLAIN` with these, when given.
    pub login: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpServer {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SmtpServer({:?} {}:{})",
            self.security, self.host, self.port
        )
    }
}

/// `smtp://user:password@host:587`, `smtps://…@host:465` or `smtp+plain://host:25`; the user
/// and password percent-encoded.
pub fn parse_smtp_url(url: &str) -> Result<SmtpServer, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("must look like smtp://user:password@host:587")?;
    let (security, default_port) = match scheme {
        "smtp" => (SmtpSecurity::StartTls, 587),
        "smtps" => (SmtpSecurity::Tls, 465),
        "smtp+plain" => (SmtpSecurity::Plain, 25),
        _ => return Err("must start with smtp://, smtps:// or smtp+plain://".into()),
    };
    let rest = rest.trim_end_matches('/');
    let (login, address) = match rest.rsplit_once('@') {
        Some((login, address)) => {
            let (user, password) = login
                .split_once(':')
                .ok_or("names a user without a password (user:password@host)")?;
            (
                Some((percent_decode(user)?, percent_decode(password)?)),
                address,
            )
        }
        None => (None, rest),
    };
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => (
            host,
            port.parse::<u16>()
                .map_err(|_| "has a bad port".to_owned())?,
        ),
        None => (address, default_port),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    if !host_ok || port == 0 {
        return Err("has no valid host".into());
    }
    Ok(SmtpServer {
        host: host.to_owned(),
        port,
        security,
        login,
    })
}

fn percent_decode(value: &str) -> Result<String, String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("has a bad %-escape")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "is not UTF-8 once decoded".into())
}

/// The base64 `AUTH PLAIN` argument: `\0user\0password`.
pub fn auth_plain(user: &str, password: &str) -> String {
    base64(format!("\0{user}\0{password}").as_bytes())
}

/// The message as sent after `DATA`, up to (not including) the final `.` line: headers
/// (the subject RFC 2047-encoded), a UTF-8 plain-text body in base64 (so no line of it can
/// start with a dot or run long), CRLF line ends.
pub fn message_text(email: &OutboxEmail, from: &str, message_id: &str, date: &str) -> String {
    let mut out = String::new();
    let mut header = |name: &str, value: &str| {
        // Line breaks in a value would start new headers: never.
        let value: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        out.push_str(&format!("{name}: {value}\r\n"));
    };
    header("From", from);
    header("To", &email.to);
    if let Some(reply_to) = &email.reply_to {
        header("Reply-To", reply_to);
    }
    header("Subject", &encoded_word(&email.subject));
    header("Date", date);
    header("Message-ID", &format!("<{message_id}>"));
    header("MIME-Version", "1.0");
    header("Content-Type", "text/plain; charset=utf-8");
    header("Content-Transfer-Encoding", "base64");
    out.push_str("\r\n");
    let body = base64(
        email
            .body
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .as_bytes(),
    );
    for line in body.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push_str("\r\n");
    }
    out
}

/// The subject as-is when plain ASCII, else `=?UTF-8?B?…?=`.
fn encoded_word(text: &str) -> String {
    if text.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        return text.to_owned();
    }
    format!("=?UTF-8?B?{}?=", base64(text.as_bytes()))
}

/// A server's reply: its code, and whether the final line of it has come (`250-` lines go on).
pub fn reply_code(line: &str) -> Option<(u16, bool)> {
    let code = line.get(..3)?.parse().ok()?;
    let last = line.as_bytes().get(3) != Some(&b'-');
    Some((code, last))
}

/// A refusal the server means for good (5xx: bad address, mail refused): retrying is no use.
pub fn is_permanent(code: u16) -> bool {
    (500..600).contains(&code)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_are_read_with_their_security_and_login() {
        let s = parse_smtp_url("smtp://chat%40shop.test:p%3Ass@mail.shop.test:2587").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.security),
            ("mail.shop.test", 2587, SmtpSecurity::StartTls)
        );
        assert_eq!(s.login, Some(("chat@shop.test".into(), "p:ss".into())));
        assert_eq!(parse_smtp_url("smtps://u:p@mx.example").unwrap().port, 465);
        let plain = parse_smtp_url("smtp+plain://127.0.0.1:2525").unwrap();
        assert_eq!((plain.security, plain.login), (SmtpSecurity::Plain, None));
        for bad in [
            "mail.shop.test",
            "http://mail.shop.test",
            "smtp://user@mail.shop.test",
            "smtp://u:p@mail.shop.test:99999",
            "smtp://u:p@",
            "smtp://u:p@host name",
            "smtp://u:%zz@host",
        ] {
            assert!(parse_smtp_url(bad).is_err(), "{bad}");
        }
        assert!(
            !format!("{s:?}").contains("p:ss"),
            "the password is never printed"
        );
    }

    #[test]
    fn a_message_is_headers_and_a_base64_body_that_cannot_end_it_early() {
        let email = OutboxEmail {
            to: "olga@example.com".into(),
            reply_to: Some("reply+demo.c.1.t@mail.shop.test".into()),
            subject: "Новый ответ — Shop\r\nBcc: victim@example.com".into(),
            body: "line one\n.\nline three".into(),
            created_at: 0,
            delivery: Default::default(),
        };
        let text = message_text(
            &email,
            "chat@shop.test",
            "m1@shop.test",
            "Mon, 07 Dec 2026 10:00:00 +0000",
        );
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("Reply-To: reply+demo.c.1.t@mail.shop.test\r\n"));
        assert!(head.contains("Message-ID: <m1@shop.test>\r\n"));
        assert!(
            !head.contains("\r\nBcc:"),
            "a line break in the subject starts no header"
        );
        assert!(head.contains("Subject: =?UTF-8?B?"));
        assert_eq!(
            base64(b"line one\r\n.\r\nline three"),
            body.replace("\r\n", "")
        );
        assert!(body.lines().all(|l| l.len() <= 76 && !l.starts_with('.')));
        assert_eq!(base64(b"\0u\0p"), auth_plain("u", "p"));
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn mail_dates_are_rfc_5322() {
        assert_eq!(
            crate::time::mail_date(1_796_637_900_000),
            "Mon, 07 Dec 2026 10:05:00 +0000"
        );
    }

    #[test]
    fn replies_are_read_line_by_line() {
        assert_eq!(reply_code("250-STARTTLS"), Some((250, false)));
        assert_eq!(reply_code("250 OK"), Some((250, true)));
        assert_eq!(reply_code("354"), Some((354, true)));
        assert_eq!(reply_code("hello"), None);
        assert!(is_permanent(550) && !is_permanent(451));
    }
}
