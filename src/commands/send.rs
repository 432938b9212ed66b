//! `send`: the complete messages of a folder over SMTP, each once. A ledger records a message
//! as sent only once the server has accepted it, so a second run sends nothing again and a run
//! stopped halfway leaves every unsent message unsent.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};

use crate::drafts::outbox;

/// The ledger's default name, inside the folder.
const LEDGER: &str = ".ces-report-sent";

pub(super) fn run(dir: &Path, smtp: Option<&str>, dry_run: bool, ledger: Option<&Path>) -> Result<i32> {
    let ledger = ledger.map_or_else(|| dir.join(LEDGER), Path::to_path_buf);
    let sent_before = read_ledger(&ledger)?;
    let transport = match smtp {
        Some(url) if !dry_run => Some(transport(url)?),
        _ => None,
    };
    let mut stdout = std::io::stdout().lock();
    let (mut sent, mut failed, mut skipped) = (0, 0, 0);
    for file in messages(dir)? {
        let name = file.file_name().map_or_else(String::new, |n| n.to_string_lossy().to_string());
        let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        let message = outbox::read(&bytes);
        let key = message.message_id.clone().unwrap_or_else(|| name.clone());
        if let Some(reason) = message.held {
            writeln!(stdout, "skipped   {name}: {reason}")?;
            skipped += 1;
            continue;
        }
        if sent_before.contains(&key) {
            writeln!(stdout, "already   {name} (sent before)")?;
            continue;
        }
        let to = message.recipients.join(", ");
        let Some(transport) = &transport else {
            writeln!(stdout, "would send {name} to {to}")?;
            continue;
        };
        match send_one(transport, &message, &bytes) {
            Ok(()) => {
                record(&ledger, &key, &name)?;
                writeln!(stdout, "sent      {name} to {to}")?;
                sent += 1;
            }
            Err(error) => {
                writeln!(stdout, "failed    {name}: {error:#}")?;
                failed += 1;
            }
        }
        crate::interrupt::check()?;
    }
    if transport.is_some() {
        crate::say!(
            "{sent} sent, {failed} failed, {skipped} skipped; the sent ones are recorded in {}",
            ledger.display()
        );
    } else {
        crate::say!("nothing sent: {}", if dry_run { "--dry-run" } else { "no --smtp given" });
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// The `.eml` files of `dir`, by name.
fn messages(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    Ok(files)
}

fn read_ledger(path: &Path) -> Result<BTreeSet<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.lines().filter_map(|line| line.split('\t').next()).map(str::to_string).collect()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(error) => Err(error).with_context(|| format!("cannot read the ledger {}", path.display())),
    }
}

/// Appends one sent message to the ledger, on disk before the next is sent.
fn record(path: &Path, key: &str, file: &str) -> Result<()> {
    let mut ledger = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot write the ledger {}", path.display()))?;
    writeln!(ledger, "{key}\t{file}")?;
    ledger.sync_all()?;
    Ok(())
}

fn send_one(transport: &SmtpTransport, message: &outbox::Outgoing, bytes: &[u8]) -> Result<()> {
    let from = message.from.as_deref().context("no From")?.parse().context("the From address")?;
    let recipients = message
        .recipients
        .iter()
        .map(|address| address.parse().with_context(|| format!("the address {address}")))
        .collect::<Result<Vec<_>>>()?;
    let envelope = Envelope::new(Some(from), recipients)?;
    transport.send_raw(&envelope, bytes)?;
    Ok(())
}

/// The SMTP transport for `url`: `smtps://` (TLS), `smtp://` with STARTTLS, or plain `smtp://`
/// to this machine only. The user comes from the URL, the password from `CES_SMTP_PASSWORD`.
fn transport(url: &str) -> Result<SmtpTransport> {
    let (scheme, rest) =
        url.split_once("://").context("--smtp: expected smtp://host[:port] or smtps://host[:port]")?;
    let rest = rest.trim_end_matches('/');
    let (user, host_port) = match rest.rsplit_once('@') {
        Some((user, host_port)) => (Some(user), host_port),
        None => (None, rest),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => {
            (host, Some(port.parse::<u16>().with_context(|| format!("--smtp: port {port}"))?))
        }
        None => (host_port, None),
    };
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let builder = match scheme {
        "smtps" => SmtpTransport::relay(host)?.port(port.unwrap_or(465)),
        "smtp" if loopback => SmtpTransport::builder_dangerous(host).port(port.unwrap_or(25)),
        "smtp" => SmtpTransport::starttls_relay(host)?.port(port.unwrap_or(587)),
        other => bail!("--smtp: {other}:// is not SMTP: give smtp:// (STARTTLS) or smtps://"),
    };
    let builder = builder.timeout(Some(Duration::from_secs(30)));
    let builder = match user {
        Some(user) => {
            let password = std::env::var("CES_SMTP_PASSWORD")
                .context("--smtp names a user: give the password in CES_SMTP_PASSWORD")?;
            builder.credentials(Credentials::new(user.to_string(), password))
        }
        None => builder,
    };
    Ok(builder.build())
}
