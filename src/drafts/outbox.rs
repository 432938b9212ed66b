//! What `send` may send: an `.eml` read back as far as deciding that. A message is sent only
//! when it is complete: not a draft for a person to finish (`X-Unsent`, or a `[TO FILL IN: …]`
//! or `[OPTIONAL: …]` line still in it), with a From, at least one To, and the attachment its
//! body announces.

/// One message read from the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The sender's address.
    pub from: Option<String>,
    /// Every To and Cc address, in order: the envelope's recipients.
    pub recipients: Vec<String>,
    pub has_to: bool,
    pub message_id: Option<String>,
    /// Why it is not sent, when it is not.
    pub held: Option<&'static str>,
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
    let from = header("From").first().and_then(|value| addresses(value).into_iter().next());
    let to: Vec<String> = header("To").iter().flat_map(|value| addresses(value)).collect();
    let cc: Vec<String> = header("Cc").iter().flat_map(|value| addresses(value)).collect();
    // Quoted-printable soft line breaks would split a placeholder across lines.
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let held = if !header("X-Unsent").is_empty() {
        Some("a draft for a person to finish (X-Unsent)")
    } else if joined.contains("[TO FILL IN") || joined.contains("[OPTIONAL") {
        Some("it still holds a line to fill in")
    } else if from.is_none() {
        Some("it has no From")
    } else if to.is_empty() {
        Some("it has no To")
    } else if joined.contains(" is attached (") && !head_or_parts_have_attachment(body) {
        Some("it announces an attachment it does not have")
    } else {
        None
    };
    Outgoing {
        from,
        has_to: !to.is_empty(),
        recipients: to.into_iter().chain(cc).collect(),
        message_id: header("Message-ID").first().map(|id| id.trim().to_string()),
        held,
    }
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

/// The addresses of an address list: those in `<…>`, or a bare address.
fn addresses(value: &str) -> Vec<String> {
    let bracketed: Vec<String> = value
        .split('<')
        .skip(1)
        .filter_map(|part| part.split_once('>').map(|(address, _)| address.trim().to_string()))
        .filter(|address| address.contains('@'))
        .collect();
    if !bracketed.is_empty() {
        return bracketed;
    }
    value
        .split(',')
        .map(str::trim)
        .filter(|part| part.contains('@') && !part.contains(' '))
        .map(str::to_string)
        .collect()
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
        assert_eq!(read_held(draft), Some("a draft for a person to finish (X-Unsent)"));
        let placeholder = b"From: a@example.org\r\nTo: b@example.org\r\n\r\n[TO FILL IN: the=\r\n link]\r\n";
        assert_eq!(read_held(placeholder), Some("it still holds a line to fill in"));
        assert_eq!(read_held(b"To: b@example.org\r\n\r\nHi\r\n"), Some("it has no From"));
        let announced =
            b"From: a@example.org\r\nTo: b@example.org\r\n\r\nThe report is attached (x.pdf).\r\n";
        assert_eq!(read_held(announced), Some("it announces an attachment it does not have"));
    }

    fn read_held(eml: &[u8]) -> Option<&'static str> {
        read(eml).held
    }
}
