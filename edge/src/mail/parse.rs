//! A visitor's e-mail answer, read with `mail-parser`: who wrote it, what is new in it (quotes
//! and signature cut by `protocol::mail_reply`) and the files he attached.

use crate::files::ReceivedFile;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMail {
    /// Stable for the mail (from its Message-ID, or its bytes): a mail delivered twice is
    /// stored once.
    pub client_id: String,
    /// The `From:` address, as the mail says.
    pub from: Option<String>,
    /// What he wrote, without what he answers.
    pub text: String,
    pub files: Vec<ReceivedFile>,
}

/// The mail, or `None` when it is not one.
pub fn parse(raw: &[u8]) -> Option<InboundMail> {
    let message = MessageParser::default().parse(raw)?;
    let identity = message.message_id().map(str::as_bytes).unwrap_or(raw);
    let digest = Sha256::digest(identity);
    let client_id = format!("mail-{}", B64.encode(&digest[..16]));
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_owned);
    let body = message.body_text(0).unwrap_or_default();
    let text = super::reply_text::new_text(&body);
    let files = message
        .attachments()
        // Images shown inside the HTML (logos of signatures) have a Content-ID and no
        // disposition of their own; forwarded mails are not files of his.
        .filter(|part| !part.is_message())
        .filter(|part| {
            part.content_id().is_none()
                || part
                    .content_disposition()
                    .is_some_and(|d| d.is_attachment())
        })
        .map(|part| ReceivedFile {
            name: part.attachment_name().unwrap_or("file").to_owned(),
            content_type: part
                .content_type()
                .map(|t| match t.subtype() {
                    Some(sub) => format!("{}/{}", t.ctype(), sub),
                    None => t.ctype().to_owned(),
                })
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase(),
            bytes: part.contents().to_vec(),
        })
        .collect();
    Some(InboundMail {
        client_id,
        from,
        text,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "From: Olga <olga@example.com>\r
To: reply+demo.c1.20500.tag@mail.shop.test\r
Subject: Re: New reply from Tea Shop\r
Message-ID: <answer-1@example.com>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"mix\"\r
\r
--mix\r
Content-Type: multipart/alternative; boundary=\"alt\"\r
\r
--alt\r
Content-Type: text/plain; charset=utf-8\r
Content-Transfer-Encoding: quoted-printable\r
\r
Yes, please reserve one. =D0=A1=D0=BF=D0=B0=D1=81=D0=B8=D0=B1=D0=BE!\r
\r
On Mon, 7 Dec 2026 at 10:00, Tea Shop <reply+demo.c1.20500.tag@mail.shop.test> wrote:\r
> Shall I reserve one?\r
--alt\r
Content-Type: text/html; charset=utf-8\r
\r
<div>Yes, please reserve one. <img src=\"cid:logo\"></div><blockquote>Shall I reserve one?</blockquote>\r
--alt--\r
--mix\r
Content-Type: image/png\r
Content-ID: <logo>\r
Content-Disposition: inline\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0KGgo=\r
--mix\r
Content-Type: application/pdf; name=\"order.pdf\"\r
Content-Disposition: attachment; filename=\"order.pdf\"\r
Content-Transfer-Encoding: base64\r
\r
JVBERi0xLjQK\r
--mix--\r
";

    #[test]
    fn an_answer_gives_its_new_text_sender_and_files() {
        let mail = parse(ANSWER.as_bytes()).unwrap();
        assert_eq!(mail.from.as_deref(), Some("olga@example.com"));
        assert_eq!(mail.text, "Yes, please reserve one. Спасибо!");
        assert_eq!(
            mail.files.len(),
            1,
            "the signature's inline logo is not a file of hers"
        );
        let file = &mail.files[0];
        assert_eq!(
            (file.name.as_str(), file.content_type.as_str()),
            ("order.pdf", "application/pdf")
        );
        assert_eq!(file.bytes, b"%PDF-1.4\n");
        assert!(mail.client_id.starts_with("mail-") && mail.client_id.len() <= 64);
    }

    #[test]
    fn the_same_mail_twice_has_one_id_and_another_mail_another() {
        let again = parse(ANSWER.as_bytes()).unwrap();
        assert_eq!(parse(ANSWER.as_bytes()).unwrap().client_id, again.client_id);
        let other = ANSWER.replace("answer-1@", "answer-2@");
        assert_ne!(parse(other.as_bytes()).unwrap().client_id, again.client_id);
    }

    #[test]
    fn an_html_only_answer_is_read_as_text() {
        let raw = "From: ivan@example.com\r\nSubject: Re\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Call me <b>tomorrow</b></p>\r\n";
        let mail = parse(raw.as_bytes()).unwrap();
        assert_eq!(mail.text, "Call me tomorrow");
        assert!(mail.files.is_empty());
    }
}
