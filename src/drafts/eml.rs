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
        let sender = self.from.clone().unwrap_or(stand_in);
        let recipients: Vec<lettre::Address> =
            self.to.iter().chain(&self.cc).map(|mailbox| mailbox.email.clone()).collect();
        let envelope = lettre::address::Envelope::new(Some(sender.email.clone()), recipients)
            .context("an email needs a recipient")?;
        // To and Cc are encoded here, not by lettre, which splits encoded-words inside words.
        let mut builder = lettre::Message::builder().from(sender).envelope(envelope);
        for (name, list) in [("To", &self.to), ("Cc", &self.cc)] {
            if !list.is_empty() {
                let header = HeaderName::new_from_ascii(name.to_string()).context("header name")?;
                let raw = list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                builder = builder.raw_header(HeaderValue::dangerous_new_pre_encoded(
                    header,
                    raw,
                    address_list(name, list)?,
                ));
            }
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

/// The longest encoded-word RFC 2047 allows, and the line length headers are folded to.
const ENCODED_WORD_MAX: usize = 75;
const FOLD_AT: usize = 76;

/// A To or Cc value, folded (CRLF and a space) to lines of at most [`FOLD_AT`] characters where
/// it can be. Each display name is one encoded-word when it fits ([`ENCODED_WORD_MAX`]), as
/// mail tools write short names; a longer one is split between words only, never inside one, so
/// a reader that keeps the space between encoded-words (Python's `email`) and one that drops it
/// both read the name back whole. An address must be ASCII: without SMTPUTF8 a header cannot
/// carry any other.
fn address_list(name: &str, list: &[Mailbox]) -> Result<String> {
    let mut tokens: Vec<String> = Vec::new();
    for (index, mailbox) in list.iter().enumerate() {
        let address = mailbox.email.to_string();
        anyhow::ensure!(
            address.is_ascii(),
            "the address {address} has characters other than ASCII, which an email header cannot carry: write its domain in ASCII (xn--…) or give another address"
        );
        if let Some(display) = mailbox.name.as_deref().filter(|n| !n.is_empty()) {
            tokens.extend(display_name(display));
        }
        let separator = if index + 1 < list.len() { "," } else { "" };
        tokens.push(format!("<{address}>{separator}"));
    }
    Ok(fold(name.len() + 2, &tokens))
}

/// A display name as phrase tokens: plain words when all are atoms, else encoded-words.
fn display_name(name: &str) -> Vec<String> {
    let is_atom = |word: &str| {
        !word.is_empty()
            && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b))
    };
    if name.split(' ').all(is_atom) {
        return name.split(' ').map(str::to_string).collect();
    }
    let whole = encoded_word(name);
    if whole.len() <= ENCODED_WORD_MAX {
        return vec![whole];
    }
    // Words packed into encoded-words of at most the limit each, split between words.
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in name.split(' ') {
        let joined = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if encoded_word(&joined).len() <= ENCODED_WORD_MAX || current.is_empty() {
            current = joined;
        } else {
            words.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    words.push(current);
    words.iter().flat_map(|text| split_long_word(text)).map(|text| encoded_word(&text)).collect()
}

/// A single word too long for one encoded-word, cut between characters.
fn split_long_word(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let mut next = current.clone();
        next.push(c);
        if encoded_word(&next).len() > ENCODED_WORD_MAX && !current.is_empty() {
            parts.push(std::mem::replace(&mut current, c.to_string()));
        } else {
            current = next;
        }
    }
    parts.push(current);
    parts
}

/// `=?utf-8?b?…?=`.
fn encoded_word(text: &str) -> String {
    format!("=?utf-8?b?{}?=", base64(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
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

/// Tokens joined by spaces, a line break and a space before a token that would pass
/// [`FOLD_AT`]; `start` is the width already taken on the first line (`To: `).
fn fold(start: usize, tokens: &[String]) -> String {
    let mut out = String::new();
    let mut width = start;
    for (index, token) in tokens.iter().enumerate() {
        if index > 0 {
            if width + 1 + token.len() > FOLD_AT {
                out.push_str("\r\n ");
                width = 1;
            } else {
                out.push(' ');
                width += 1;
            }
        }
        out.push_str(token);
        width += token.len();
    }
    out
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
