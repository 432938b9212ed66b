//! One draft as RFC 5322 bytes, encoded by `lettre`: names in headers per RFC 2047, the body
//! as `text/plain; charset=utf-8`, the report as a PDF attachment. Every header value is one
//! line, whatever the data holds. The output depends only on the inputs: the Date is the
//! as-of date, the Message-ID and the MIME boundary are hashes, never random.

use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use lettre::message::header::{ContentType, HeaderName, HeaderValue, MessageId};
use lettre::message::{header, Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

/// Marks the message as a draft: Outlook and other mail clients open it ready to edit and send.
const UNSENT: HeaderName = HeaderName::new_from_ascii_str("X-Unsent");

/// The right-hand side of every Message-ID: a reserved name (RFC 2606), since the sender's
/// domain is not known.
const MESSAGE_ID_DOMAIN: &str = "ces-report.invalid";

/// A file to attach.
pub(super) struct Attachment<'a> {
    pub(super) file_name: &'a str,
    pub(super) pdf: &'a [u8],
}

/// Everything one draft holds.
pub(super) struct Message<'a> {
    /// None: left to the sender's mail client.
    pub(super) from: Option<Mailbox>,
    pub(super) to: Vec<Mailbox>,
    pub(super) cc: Vec<Mailbox>,
    pub(super) subject: String,
    pub(super) body: String,
    /// Written as midnight UTC of that day.
    pub(super) date: NaiveDate,
    pub(super) id: String,
    pub(super) attachment: Option<Attachment<'a>>,
    /// A draft for a person to finish (marked `X-Unsent`), or a message complete as it is.
    pub(super) draft: bool,
}

impl Message<'_> {
    /// The `.eml` bytes (CRLF line endings).
    pub(super) fn encode(self) -> Result<Vec<u8>> {
        // lettre will not build a message without a From; a draft's is left to the sender, so
        // a stand-in is set and taken out again.
        let stand_in: Mailbox = "draft@ces-report.invalid".parse().context("stand-in sender")?;
        let mut builder = lettre::Message::builder().from(self.from.clone().unwrap_or(stand_in));
        for mailbox in self.to {
            builder = builder.to(mailbox);
        }
        for mailbox in self.cc {
            builder = builder.cc(mailbox);
        }
        let mut builder = builder
            .subject(one_line(&self.subject))
            .date(midnight_utc(self.date)?)
            .header(MessageId::from(self.id));
        if self.draft {
            builder = builder.raw_header(HeaderValue::new(UNSENT, "1".to_string()));
        }
        let text = |body: &str| SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body.to_string());
        let built = match self.attachment {
            // lettre ends a single-part message with a line break of its own: the body's last
            // one would read as an extra empty line.
            None => builder.singlepart(text(self.body.strip_suffix('\n').unwrap_or(&self.body))),
            Some(attachment) => {
                let pdf = MimeAttachment::new(attachment.file_name.to_string())
                    .body(attachment.pdf.to_vec(), ContentType::parse("application/pdf")?);
                let parts = MultiPart::mixed()
                    .boundary(boundary(&self.body, attachment.pdf))
                    .singlepart(text(&self.body))
                    .singlepart(pdf);
                builder.multipart(parts)
            }
        };
        let mut message = built.context("cannot build the email")?;
        if self.from.is_none() {
            message.headers_mut().remove::<header::From>();
        }
        Ok(message.formatted())
    }
}

/// `<kind.hash@ces-report.invalid>`: the same email (organisation, engagement, allocation,
/// kind) gets the same id on every run, so a job can tell which drafts it has already sent.
pub(super) fn message_id(parts: &[&str]) -> String {
    let hash = hex(&Sha256::digest(parts.join("\u{0}").as_bytes()))[..32].to_string();
    let kind = parts.last().copied().unwrap_or_default();
    format!("<{kind}.{hash}@{MESSAGE_ID_DOMAIN}>")
}

/// A MIME boundary from a hash of the content: the same on every run, and since `=_` never
/// occurs in quoted-printable or base64 text and the hash is of the body itself, never a line
/// of the body.
fn boundary(body: &str, pdf: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(body.as_bytes());
    hasher.update(pdf);
    format!("=_{}", &hex(&hasher.finalize())[..40])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn midnight_utc(date: NaiveDate) -> Result<SystemTime> {
    let seconds = date.and_hms_opt(0, 0, 0).context("midnight")?.and_utc().timestamp();
    let seconds = u64::try_from(seconds).with_context(|| format!("{date} is before 1970"))?;
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

/// Text for a header (or a one-line field): every run of whitespace, line breaks included,
/// becomes one space, so nothing from a cell can start a header line of its own.
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, subject: &str) -> String {
        let message = Message {
            from: None,
            to: vec![Mailbox::new(Some(name.to_string()), "rosa@example.org".parse().unwrap())],
            cc: vec![],
            subject: subject.to_string(),
            body: "Dear Rosa,\n".to_string(),
            date: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            id: message_id(&["2i2c", "E", "A", "introduction"]),
            attachment: None,
            draft: true,
        };
        String::from_utf8(message.encode().unwrap()).unwrap()
    }

    #[test]
    fn headers_are_fixed_and_one_line_each() {
        let eml = draft("Rosa Díaz", "Alpha\r\nBcc: evil@example.org");
        let headers = eml.split("\r\n\r\n").next().unwrap();
        assert!(!headers.contains("From:"), "{headers}");
        assert!(headers.contains("Date: Mon, 05 Oct 2026 00:00:00 +0000"), "{headers}");
        assert!(headers.contains("X-Unsent: 1"), "{headers}");
        assert!(headers.contains("Subject: Alpha Bcc: evil@example.org"), "{headers}");
        assert!(!headers.lines().any(|line| line.starts_with("Bcc")), "{headers}");
        assert!(headers.contains("=?utf-8?"), "the name is encoded per RFC 2047: {headers}");
        assert!(headers.contains("Content-Type: text/plain; charset=utf-8"), "{headers}");
        assert_eq!(eml, draft("Rosa Díaz", "Alpha\r\nBcc: evil@example.org"), "the same bytes every time");
    }

    #[test]
    fn message_ids_name_the_email_not_the_run() {
        let id = message_id(&["2i2c", "E", "A", "wrap-up"]);
        assert!(id.starts_with("<wrap-up.") && id.ends_with("@ces-report.invalid>"), "{id}");
        assert_ne!(id, message_id(&["2i2c", "E", "A", "introduction"]));
        assert_ne!(id, message_id(&["2i2c", "E", "B", "wrap-up"]));
    }
}
