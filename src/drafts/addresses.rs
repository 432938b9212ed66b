//! Address lists of a message's headers (From, To, Cc, Bcc) read as RFC 5322 says: a mailbox
//! is an address in angle brackets after an optional display name, or a bare address; a
//! display name (quoted or not), a comment in parentheses and a group's name are never
//! addresses, whatever they hold. `"Mallory <evil@x>" <real@y>` is real@y alone, and so is
//! `real@y (<evil@x>)`.

/// One piece of a header value: an atom (dots included: `first.last`, `=?utf-8?b?…?=`), a
/// quoted string, a domain literal or one of the specials that structure an address.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Atom(String),
    Quoted(String),
    Literal(String),
    Special(char),
}

/// The addresses of an address list, in order; an error says what cannot be read.
pub(crate) fn parse_list(value: &str) -> Result<Vec<String>, String> {
    let tokens = tokenize(value)?;
    let mut addresses = Vec::new();
    let mut rest = tokens.as_slice();
    while !rest.is_empty() {
        let (address, after) = split_address(rest)?;
        addresses.extend(mailboxes(address)?);
        rest = after;
    }
    Ok(addresses)
}

/// The tokens of one address (a mailbox or a group) and what follows its comma.
fn split_address(tokens: &[Token]) -> Result<(&[Token], &[Token]), String> {
    let (mut angle, mut group) = (false, false);
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Special('<') => angle = true,
            Token::Special('>') => angle = false,
            Token::Special(':') if !angle => group = true,
            Token::Special(';') if group => group = false,
            Token::Special(',') if !angle && !group => return Ok((&tokens[..index], &tokens[index + 1..])),
            _ => {}
        }
    }
    if angle {
        return Err("an address in < > is not closed".to_string());
    }
    Ok((tokens, &[]))
}

/// The addresses of one mailbox or group.
fn mailboxes(tokens: &[Token]) -> Result<Vec<String>, String> {
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(colon) = tokens.iter().position(|t| *t == Token::Special(':')) {
        let inner = &tokens[colon + 1..];
        let inner = match inner.last() {
            Some(Token::Special(';')) => &inner[..inner.len() - 1],
            _ => return Err("a group of addresses does not end with ;".to_string()),
        };
        let mut addresses = Vec::new();
        let mut rest = inner;
        while !rest.is_empty() {
            let (mailbox, after) = split_address(rest)?;
            addresses.extend(mailboxes(mailbox)?);
            rest = after;
        }
        return Ok(addresses);
    }
    match tokens.iter().position(|t| *t == Token::Special('<')) {
        Some(open) => {
            if tokens[..open].iter().any(|t| matches!(t, Token::Special(_))) {
                return Err(format!("`{}` is not a name", render(&tokens[..open])));
            }
            let close = tokens.iter().position(|t| *t == Token::Special('>')).unwrap_or(tokens.len());
            if close + 1 < tokens.len() {
                return Err(format!("`{}` follows an address", render(&tokens[close + 1..])));
            }
            Ok(vec![addr_spec(&tokens[open + 1..close])?])
        }
        None => Ok(vec![addr_spec(tokens)?]),
    }
}

/// `local@domain` from its tokens.
fn addr_spec(tokens: &[Token]) -> Result<String, String> {
    let text = render(tokens);
    let at = tokens.iter().position(|t| *t == Token::Special('@'));
    let (Some(at), true) = (at, tokens.iter().filter(|t| **t == Token::Special('@')).count() == 1) else {
        return Err(format!("`{text}` is not an address"));
    };
    let (local, domain) = (&tokens[..at], &tokens[at + 1..]);
    let local_ok = local.len() == 1 && matches!(local[0], Token::Atom(_) | Token::Quoted(_));
    let domain_ok = domain.len() == 1 && matches!(domain[0], Token::Atom(_) | Token::Literal(_));
    if !local_ok || !domain_ok {
        return Err(format!("`{text}` is not an address"));
    }
    Ok(text)
}

fn render(tokens: &[Token]) -> String {
    let mut out = String::new();
    for token in tokens {
        match token {
            Token::Atom(text) => {
                if out.chars().last().is_some_and(|c| !"<@".contains(c)) && !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(text);
            }
            Token::Quoted(text) => {
                out.push_str(&format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")))
            }
            Token::Literal(text) => out.push_str(&format!("[{text}]")),
            Token::Special(c) => out.push(*c),
        }
    }
    out
}

/// The tokens of a header value, comments (nested, with escapes) dropped.
fn tokenize(value: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {}
            '(' => {
                let mut depth = 1;
                while depth > 0 {
                    match chars.next() {
                        Some('\\') => {
                            chars.next();
                        }
                        Some('(') => depth += 1,
                        Some(')') => depth -= 1,
                        Some(_) => {}
                        None => return Err("a comment in ( ) is not closed".to_string()),
                    }
                }
            }
            '"' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => text.extend(chars.next()),
                        Some('"') => break,
                        Some(c) => text.push(c),
                        None => return Err("a quoted name is not closed".to_string()),
                    }
                }
                tokens.push(Token::Quoted(text));
            }
            '[' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some(']') => break,
                        Some(c) => text.push(c),
                        None => return Err("a [ ] domain is not closed".to_string()),
                    }
                }
                tokens.push(Token::Literal(text));
            }
            '<' | '>' | ',' | ':' | ';' | '@' => tokens.push(Token::Special(c)),
            ')' | ']' | '\\' => return Err(format!("a stray `{c}`")),
            _ => {
                let mut atom = c.to_string();
                while let Some(&next) = chars.peek() {
                    if " \t\r\n()<>,:;@\"[]\\".contains(next) {
                        break;
                    }
                    atom.push(next);
                    chars.next();
                }
                tokens.push(Token::Atom(atom));
            }
        }
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(value: &str) -> Vec<String> {
        parse_list(value).unwrap_or_else(|error| panic!("{value}: {error}"))
    }

    #[test]
    fn names_and_comments_are_never_addresses() {
        assert_eq!(list("\"Mallory <evil@x.org>\" <real@y.org>"), ["real@y.org"]);
        assert_eq!(list("real@y.org (<evil@x.org>)"), ["real@y.org"]);
        assert_eq!(list("(evil@x.org) real@y.org (a (nested) comment, evil2@x.org)"), ["real@y.org"]);
        assert_eq!(list("\"a, b\" <a@y.org>, c@y.org"), ["a@y.org", "c@y.org"]);
    }

    #[test]
    fn the_forms_mail_tools_write() {
        assert_eq!(
            list("=?utf-8?b?Um9zYQ==?= <rosa@example.org>,\r\n Lee Park <lee@example.org>, ann@example.org"),
            ["rosa@example.org", "lee@example.org", "ann@example.org"]
        );
        assert_eq!(list("first.last@example.org"), ["first.last@example.org"]);
        assert_eq!(list("Team: a@x.org, B <b@x.org>;, c@x.org"), ["a@x.org", "b@x.org", "c@x.org"]);
        assert_eq!(list("undisclosed-recipients:;"), Vec::<String>::new());
        assert_eq!(list(""), Vec::<String>::new());
    }

    #[test]
    fn what_is_not_an_address_is_an_error() {
        assert_eq!(parse_list("Mallory"), Err("`Mallory` is not an address".to_string()));
        assert_eq!(
            parse_list("Mallory evil@x.org <real@y.org>"),
            Err("`Mallory evil@x.org` is not a name".to_string())
        );
        assert_eq!(parse_list("a@b@c"), Err("`a@b@c` is not an address".to_string()));
        assert_eq!(parse_list("<a@x.org"), Err("an address in < > is not closed".to_string()));
        assert_eq!(parse_list("a@x.org (open"), Err("a comment in ( ) is not closed".to_string()));
        assert_eq!(parse_list("<a@x.org> b@y.org"), Err("`b@y.org` follows an address".to_string()));
    }
}
