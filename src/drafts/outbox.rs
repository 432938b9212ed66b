//! What `send` may send: an `.eml` read back as far as deciding that. A message is sent only
//! when it is complete: not a draft for a person to finish (`X-Unsent`, or a `[TO FILL IN: …]`
//! or `[OPTIONAL: …]` line still in it), with a From, at least one To, every address header
//! readable as RFC 5322 addresses (see [`super::addresses`]), and the attachment its body
//! announces. Its recipients are its To, Cc and Bcc addresses; the Bcc header itself is taken
//! out of what is sent ([`without_bcc`]).

use std::borrow::Cow;

use super::addresses::parse_list;

/// One message read from the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The sender's address.
    pub from: Option<String>,
    /// Every To, Cc and Bcc address, in that order, each once: the envelope's recipients.
    pub recipients: Vec<String>,
    /// The Bcc addresses among them.
    pub bcc: Vec<String>,
    pub has_to: bool,
    pub message_id: Option<String>,
    /// Why it is not sent, when it is not.
    pub held: Option<Cow<'static, str>>,
}

/// Reads the headers of `eml` and decides whether it may be sent.
pub fn read(eml: &[u8]) -> Outgoing {
    let text = String::from_utf8_lossy(eml);
    let (head, body) = text.split_once("\r\n\r\n").or_else(|| text.split_once("\n\n")).unwrap_or((&text, ""));
    let headers = unfold(head);
    let header = |name: &str| {
        headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect::<Vec<&str>>()
    };
    let mut unreadable = None;
    let mut list = |name: &str| -> Vec<String> {
        let mut addresses = Vec::new();
        for value in header(name) {
            match parse_list(value) {
                Ok(found) => addresses.extend(found),
                Err(error) => {
                    unreadable.get_or_insert(format!("its {name} cannot be read as addresses: {error}"));
                }
            }
        }
        addresses
    };
    let from = list("From").into_iter().next();
    let (to, cc, bcc) = (list("To"), list("Cc"), list("Bcc"));
    // Quoted-printable soft line breaks would split a placeholder across lines.
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let held: Option<Cow<'static, str>> = if !header("X-Unsent").is_empty() {
        Some("a draft for a person to finish (X-Unsent)".into())
    } else if joined.contains("[TO FILL IN") || joined.contains("[OPTIONAL") {
        Some("it still holds a line to fill in".into())
    } else if let Some(problem) = unreadable {
        Some(problem.into())
    } else if from.is_none() {
        Some("it has no From".into())
    } else if to.is_empty() {
        Some("it has no To".into())
    } else if joined.contains(" is attached (") && !head_or_parts_have_attachment(body) {
        Some("it announces an attachment it does not have".into())
    } else {
        None
    };
    let mut recipients: Vec<String> = Vec::new();
    for address in to.iter().chain(&cc).chain(&bcc) {
        if !recipients.iter().any(|known| known.eq_ignore_ascii_case(address)) {
            recipients.push(address.clone());
        }
    }
    Outgoing {
        from,
        has_to: !to.is_empty(),
        recipients,
        bcc,
        message_id: header("Message-ID").first().map(|id| id.trim().to_string()),
        held,
    }
}

/// The message as it goes to the server: its header lines named Bcc (and the lines that
/// continue them) left out, every other byte as it was.
pub fn without_bcc(eml: &[u8]) -> Cow<'_, [u8]> {
    // The head with its last line's line break; the blank line and the body after it.
    let end = eml
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 2)
        .or_else(|| eml.windows(2).position(|w| w == b"\n\n").map(|at| at + 1));
    let Some(end) = end else { return Cow::Borrowed(eml) };
    let (head, rest) = eml.split_at(end);
    let is_bcc = |line: &[u8]| line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"bcc:");
    if !head.split(|b| *b == b'\n').any(is_bcc) {
        return Cow::Borrowed(eml);
    }
    let mut out = Vec::with_capacity(eml.len());
    let mut skipping = false;
    for line in head.split_inclusive(|b| *b == b'\n') {
        let continues = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        skipping = if continues { skipping } else { is_bcc(line) };
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

fn head_or_parts_have_attachment(body: &str) -> bool {
    body.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("content-disposition:") && line.contains("attachment")
    })
}

/// Header lines, continuation lines joined to the one they continue.
fn unfold(head: &str) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_message_is_sent_and_a_draft_held() {
        let complete = b"From: CES <ces@example.org>\r\nTo: =?utf-8?b?Um9zYQ==?= <rosa@example.org>,\r\n Lee <lee@example.org>\r\nCc: ann@example.org\r\nMessage-ID: <usage.1@x>\r\n\r\nHello\r\n";
        let read = read(complete);
        assert_eq!(read.held, None);
        assert_eq!(read.from.as_deref(), Some("ces@example.org"));
        assert_eq!(read.recipients, ["rosa@example.org", "lee@example.org", "ann@example.org"]);
        let draft = b"To: a@example.org\r\nX-Unsent: 1\r\n\r\nHi\r\n";
        assert_eq!(read_held(draft).as_deref(), Some("a draft for a person to finish (X-Unsent)"));
        let placeholder = b"From: a@example.org\r\nTo: b@example.org\r\n\r\n[TO FILL IN: the=\r\n link]\r\n";
        assert_eq!(read_held(placeholder).as_deref(), Some("it still holds a line to fill in"));
        assert_eq!(read_held(b"To: b@example.org\r\n\r\nHi\r\n").as_deref(), Some("it has no From"));
        let announced =
            b"From: a@example.org\r\nTo: b@example.org\r\n\r\nThe report is attached (x.pdf).\r\n";
        assert_eq!(read_held(announced).as_deref(), Some("it announces an attachment it does not have"));
    }

    fn read_held(eml: &[u8]) -> Option<String> {
        read(eml).held.map(|held| held.to_string())
    }

    #[test]
    fn recipients_are_addresses_never_names_and_bcc_is_kept_out_of_the_message() {
        let eml = b"From: CES <ces@example.org>\r\nTo: \"Mallory <evil@x.org>\" <real@y.org>\r\nCc: other@y.org (<evil@x.org>)\r\nBcc: hidden@y.org,\r\n second@y.org\r\nSubject: Hi\r\n\r\nBcc: not a header\r\n";
        let read = read(eml);
        assert_eq!(read.held, None);
        assert_eq!(read.recipients, ["real@y.org", "other@y.org", "hidden@y.org", "second@y.org"]);
        assert_eq!(read.bcc, ["hidden@y.org", "second@y.org"]);
        let sent = without_bcc(eml);
        assert_eq!(
            String::from_utf8_lossy(&sent),
            "From: CES <ces@example.org>\r\nTo: \"Mallory <evil@x.org>\" <real@y.org>\r\nCc: other@y.org (<evil@x.org>)\r\nSubject: Hi\r\n\r\nBcc: not a header\r\n"
        );
        let last = b"To: a@y.org\r\nBcc: b@y.org\r\n\r\nHi\r\n";
        assert_eq!(&without_bcc(last)[..], b"To: a@y.org\r\n\r\nHi\r\n");
        let unreadable = b"From: a@example.org\r\nTo: Mallory\r\n\r\nHi\r\n";
        assert_eq!(
            read_held(unreadable).as_deref(),
            Some("its To cannot be read as addresses: `Mallory` is not an address")
        );
    }
}
