//! One SMTP transaction per message, driven step by step with lettre's `SmtpConnection` so
//! that each step's outcome is known: until the message's content is handed over nothing can
//! have been delivered; after it, only the server's 250 says it was. Every recipient is tried,
//! so a refusal names each refused address; a message with a refused recipient is sent to
//! nobody (sending it to the others would make a later retry send it to them twice).

use std::io::ErrorKind;
use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use lettre::address::Address;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// TLS from the start (`smtps://`).
    Tls,
    /// STARTTLS (`smtp://` to another machine).
    StartTls,
    /// None (`smtp://` to this machine).
    Plain,
}

/// Where and how messages are sent.
pub(super) struct Server {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    /// The longest wait for one answer of the server.
    pub(super) timeout: Duration,
    /// The longest one message's transaction may take.
    pub(super) per_message: Duration,
}

/// What became of one message.
pub(super) enum Outcome {
    /// The server answered 250 to its content.
    Sent,
    /// Certainly not delivered: why.
    NotSent(String),
    /// Not delivered: these recipients were refused (address, the server's answer).
    Refused(Vec<(String, String)>),
    /// Handed over, and no answer came back: it may have been delivered.
    Unknown(String),
    /// The server could not be reached or did not answer at all: why.
    Unreachable(String),
}

impl Server {
    /// The server of `--smtp URL`: `smtps://` (TLS), `smtp://` with STARTTLS, or plain
    /// `smtp://` to this machine only; `user[:password]@` before the host (percent-encoded as
    /// URLs are), the password else from `CES_SMTP_PASSWORD`. No message repeats the URL, so
    /// a password in it is never printed.
    pub(super) fn from_url(url: &str, timeout: Duration) -> Result<Server> {
        let (scheme, rest) =
            url.split_once("://").context("--smtp: expected smtp://host[:port] or smtps://host[:port]")?;
        let rest = rest.trim_end_matches('/');
        let (userinfo, host_port) = match rest.rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(userinfo), host_port),
            None => (None, rest),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => (
                host,
                Some(
                    port.parse::<u16>()
                        .with_context(|| format!("--smtp: the port `{port}` is not a number"))?,
                ),
            ),
            _ => (host_port, None),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', '@', ' ']) {
            bail!("--smtp: expected smtp://host[:port] or smtps://host[:port] with a host name");
        }
        let loopback =
            host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        let (security, default_port) = match scheme {
            "smtps" => (Security::Tls, 465),
            "smtp" if loopback => (Security::Plain, 25),
            "smtp" => (Security::StartTls, 587),
            other => bail!("--smtp: {other}:// is not SMTP: give smtp:// (STARTTLS) or smtps://"),
        };
        let credentials = match userinfo {
            None => None,
            Some(userinfo) => {
                let (user, password) = match userinfo.split_once(':') {
                    Some((user, password)) => (decode(user)?, decode(password)?),
                    None => (
                        decode(userinfo)?,
                        std::env::var("CES_SMTP_PASSWORD")
                            .context("--smtp names a user: give the password in CES_SMTP_PASSWORD")?,
                    ),
                };
                Some(Credentials::new(user, password))
            }
        };
        Ok(Server {
            host: host.to_string(),
            port: port.unwrap_or(default_port),
            security,
            credentials,
            timeout,
            per_message: timeout * 3,
        })
    }

    /// Sends `message` from `from` to `recipients`. `before_content` runs once every
    /// recipient is accepted, just before the content goes (the ledger's `sending`); its error
    /// ends the transaction with nothing sent and is returned.
    pub(super) fn send(
        &self,
        from: &Address,
        recipients: &[Address],
        message: &[u8],
        before_content: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Outcome> {
        let started = Instant::now();
        let mut connection = match self.connect() {
            Ok(connection) => connection,
            Err(outcome) => return Ok(outcome),
        };
        let outcome = self.transaction(&mut connection, started, from, recipients, message, before_content);
        match &outcome {
            Ok(Outcome::Sent) => {
                let _ = connection.quit();
            }
            _ => connection.abort(),
        }
        outcome
    }

    fn connect(&self) -> Result<SmtpConnection, Outcome> {
        let unreachable = |error: &dyn std::fmt::Display| {
            Outcome::Unreachable(format!(
                "cannot talk to the SMTP server {}:{}: {error}",
                self.host, self.port
            ))
        };
        let tls = || TlsParameters::new(self.host.clone()).map_err(|e| unreachable(&e));
        let implicit = if self.security == Security::Tls { Some(tls()?) } else { None };
        let addresses: Vec<_> =
            (self.host.as_str(), self.port).to_socket_addrs().map_err(|e| unreachable(&e))?.collect();
        let hello = ClientId::default();
        let mut connection = SmtpConnection::connect(
            addresses.as_slice(),
            Some(self.timeout),
            &hello,
            implicit.as_ref(),
            None,
        )
        .map_err(|e| unreachable(&error_text(&e, self.timeout)))?;
        if self.security == Security::StartTls {
            connection.starttls(&tls()?, &hello).map_err(|e| unreachable(&error_text(&e, self.timeout)))?;
        }
        if let Some(credentials) = &self.credentials {
            connection.auth(DEFAULT_MECHANISMS, credentials).map_err(|e| {
                Outcome::Unreachable(format!(
                    "the SMTP server refused the user name and password: {}",
                    error_text(&e, self.timeout)
                ))
            })?;
        }
        Ok(connection)
    }

    fn transaction(
        &self,
        connection: &mut SmtpConnection,
        started: Instant,
        from: &Address,
        recipients: &[Address],
        message: &[u8],
        before_content: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Outcome> {
        let not_sent = |step: &str, error: &lettre::transport::smtp::Error| {
            Outcome::NotSent(format!("{step}: {}", error_text(error, self.timeout)))
        };
        let mut options = Vec::new();
        if !message.is_ascii() {
            if !connection.server_info().supports_feature(Extension::EightBitMime) {
                return Ok(Outcome::NotSent(
                    "the message is not ASCII and the server does not take 8BITMIME".into(),
                ));
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        if let Err(error) = connection.command(Mail::new(Some(from.clone()), options)) {
            return Ok(not_sent("the server refused the sender", &error));
        }
        let mut refused = Vec::new();
        for recipient in recipients {
            match connection.command(Rcpt::new(recipient.clone(), vec![])) {
                Ok(_) => {}
                Err(error) if error.is_permanent() || error.is_transient() => {
                    refused.push((recipient.to_string(), error_text(&error, self.timeout)));
                }
                Err(error) => return Ok(not_sent("the connection broke", &error)),
            }
        }
        if !refused.is_empty() {
            let _ = connection.command(Rset);
            return Ok(Outcome::Refused(refused));
        }
        if started.elapsed() > self.per_message {
            return Ok(Outcome::NotSent(format!(
                "the server took longer than {} s to accept the recipients",
                self.per_message.as_secs()
            )));
        }
        before_content()?;
        if let Err(error) = connection.command(Data) {
            return Ok(not_sent("the server refused the message", &error));
        }
        match connection.message(message) {
            Ok(_) => Ok(Outcome::Sent),
            Err(error) if error.is_permanent() || error.is_transient() => {
                Ok(not_sent("the server refused the message", &error))
            }
            Err(error) => Ok(Outcome::Unknown(error_text(&error, self.timeout))),
        }
    }
}

/// An error of lettre's in words: a time-out says how long was waited.
fn error_text(error: &lettre::transport::smtp::Error, timeout: Duration) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    let mut timed_out = false;
    while let Some(cause) = source {
        let io = cause.downcast_ref::<std::io::Error>();
        timed_out |= io.is_some_and(|io| matches!(io.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut));
        source = cause.source();
    }
    if timed_out {
        return format!("the server did not answer within {} s", timeout.as_secs());
    }
    error.to_string()
}

/// A percent-encoded part of a URL.
fn decode(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            let byte =
                hex.context("--smtp: a % in the user or password is not followed by two hex digits")?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).context("--smtp: the user or password is not UTF-8 once decoded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_password_come_apart_and_are_decoded() {
        let server =
            Server::from_url("smtps://ces%40example.org:p%3Ass@mail.example.org", Duration::from_secs(1))
                .unwrap();
        assert_eq!(
            (server.host.as_str(), server.port, server.security),
            ("mail.example.org", 465, Security::Tls)
        );
        let expected = Credentials::new("ces@example.org".to_string(), "p:ss".to_string());
        assert!(server.credentials == Some(expected));
        let local = Server::from_url("smtp://127.0.0.1:2525", Duration::from_secs(1)).unwrap();
        assert_eq!((local.port, local.security), (2525, Security::Plain));
        assert!(local.credentials.is_none());
        let error = Server::from_url("http://u:secret@host", Duration::from_secs(1)).err().unwrap();
        assert!(!format!("{error:#}").contains("secret"), "{error:#}");
    }
}
