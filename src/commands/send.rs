//! `send`: the complete messages of a folder over SMTP, each at most once.
//!
//! The ledger ([`ledger`]) is opened for writing before the first message, so a ledger that
//! cannot be written sends nothing. Each message is recorded as being sent just before its
//! content goes to the server and as sent after the server's 250 ([`smtp`] drives the
//! transaction step by step). A message left `sending` by a run that was killed, or whose
//! connection broke after the content went, may have been delivered: it is listed as unknown
//! and never sent again unless `--resend FILE` asks for it (`--mark-sent FILE` records it as
//! sent instead). Every wait for the server is bounded, and so is the whole run: a server that
//! cannot be reached or does not answer ends the run, the messages after it not tried.

mod ledger;
mod smtp;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use lettre::address::Address;

use self::ledger::{Ledger, State};
use self::smtp::{Outcome, Server};
use crate::drafts::outbox;

/// The ledger's default name, inside the folder.
const LEDGER: &str = ".ces-report-sent";

/// What the run was asked to do.
pub(super) struct SendArgs<'a> {
    pub(super) dir: &'a Path,
    pub(super) smtp: Option<&'a str>,
    pub(super) dry_run: bool,
    pub(super) ledger: Option<&'a Path>,
    /// Files to send again although the ledger has them as being sent or sent.
    pub(super) resend: &'a [PathBuf],
    /// Files to record as sent without sending them.
    pub(super) mark_sent: &'a [PathBuf],
}

/// The time limits: each wait for the server (`CES_SMTP_TIMEOUT_MS`, default 20 s), one
/// message (three waits), and the whole run (`CES_SMTP_TOTAL_LIMIT_MS`, default 100 s): no
/// message is started after it.
fn limits() -> Result<(Duration, Duration)> {
    use crate::settings::wait_from_env;
    Ok((
        wait_from_env("CES_SMTP_TIMEOUT_MS", Duration::from_secs(20))?,
        wait_from_env("CES_SMTP_TOTAL_LIMIT_MS", Duration::from_secs(100))?,
    ))
}

/// How the run went, for the closing line and the exit code.
#[derive(Default)]
struct Tally {
    sent: usize,
    failed: usize,
    unknown: usize,
    skipped: usize,
    not_tried: usize,
}

pub(super) fn run(args: &SendArgs) -> Result<i32> {
    let ledger_path = args.ledger.map_or_else(|| args.dir.join(LEDGER), Path::to_path_buf);
    let files = messages(args.dir)?;
    let resend = named_files(args.resend, &files, "--resend")?;
    let mark_sent = named_files(args.mark_sent, &files, "--mark-sent")?;
    let (timeout, total) = limits()?;
    let server = match args.smtp {
        Some(url) if !args.dry_run => Some(Server::from_url(url, timeout)?),
        _ => None,
    };
    let writes = server.is_some() || !mark_sent.is_empty();
    let mut ledger = if writes { Ledger::open(&ledger_path)? } else { Ledger::read(&ledger_path)? };
    let started = Instant::now();
    let mut stdout = std::io::stdout().lock();
    let mut tally = Tally::default();
    let mut stop: Option<String> = None;
    for file in &files {
        let name = file_name(file);
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let message = outbox::read(&bytes);
        let key = message.message_id.clone().unwrap_or_else(|| name.clone());
        if let Some(reason) = &message.held {
            writeln!(stdout, "skipped   {name}: {reason}")?;
            tally.skipped += 1;
            continue;
        }
        if mark_sent.contains(&name) {
            ledger.record(State::Sent, &key, &name)?;
            writeln!(stdout, "marked    {name} as sent (--mark-sent); not sent")?;
            continue;
        }
        let asked_again = resend.contains(&name);
        match ledger.state(&key) {
            Some(State::Sent) if !asked_again => {
                writeln!(stdout, "already   {name} (sent before)")?;
                continue;
            }
            Some(State::Sending) if !asked_again => {
                writeln!(
                    stdout,
                    "unknown   {name}: {}",
                    unknown_advice(args, &name, "a run was stopped while sending it")
                )?;
                tally.unknown += 1;
                continue;
            }
            _ => {}
        }
        let to = message.recipients.join(", ");
        let Some(server) = &server else {
            writeln!(stdout, "would send {name} to {to}")?;
            continue;
        };
        if let Some(why) = &stop {
            writeln!(stdout, "not tried {name}: {why}")?;
            tally.not_tried += 1;
            continue;
        }
        if started.elapsed() > total {
            stop = Some(format!("the run has taken more than {} s", total.as_secs()));
            writeln!(stdout, "not tried {name}: {}", stop.as_deref().unwrap_or_default())?;
            tally.not_tried += 1;
            continue;
        }
        let outcome = send_one(server, &message, &bytes, &mut ledger, &key, &name)?;
        match outcome {
            Outcome::Sent => {
                ledger.record(State::Sent, &key, &name)?;
                writeln!(stdout, "sent      {name} to {to}")?;
                tally.sent += 1;
            }
            Outcome::Unknown(why) => {
                let advice = unknown_advice(args, &name, &format!("the server did not confirm it ({why})"));
                writeln!(stdout, "unknown   {name}: {advice}")?;
                tally.unknown += 1;
            }
            Outcome::Refused(refused) => {
                forget_sending(&mut ledger, &key, &name)?;
                let named: Vec<String> =
                    refused.iter().map(|(address, why)| format!("{address} ({why})")).collect();
                let others: Vec<&String> =
                    message.recipients.iter().filter(|r| !refused.iter().any(|(a, _)| a == *r)).collect();
                let others = if others.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; not sent to the others either: {}",
                        others.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    )
                };
                writeln!(stdout, "failed    {name}: the server refused {}{others}", named.join(", "))?;
                tally.failed += 1;
            }
            Outcome::NotSent(why) => {
                forget_sending(&mut ledger, &key, &name)?;
                writeln!(stdout, "failed    {name}: {why}")?;
                tally.failed += 1;
            }
            Outcome::Unreachable(why) => {
                forget_sending(&mut ledger, &key, &name)?;
                writeln!(stdout, "failed    {name}: {why}")?;
                tally.failed += 1;
                stop = Some("the server did not answer the message before".to_string());
            }
        }
        crate::interrupt::check()?;
    }
    if server.is_some() {
        crate::say!(
            "{} sent, {} failed, {} unknown, {} not tried, {} skipped; recorded in {}",
            tally.sent,
            tally.failed,
            tally.unknown,
            tally.not_tried,
            tally.skipped,
            ledger.path().display()
        );
    } else {
        crate::say!("nothing sent: {}", if args.dry_run { "--dry-run" } else { "no --smtp given" });
    }
    Ok(if tally.failed + tally.unknown + tally.not_tried > 0 { 1 } else { 0 })
}

/// One message through the server, recorded as being sent just before its content goes.
fn send_one(
    server: &Server,
    message: &outbox::Outgoing,
    bytes: &[u8],
    ledger: &mut Ledger,
    key: &str,
    name: &str,
) -> Result<Outcome> {
    let address = |text: &str| text.parse::<Address>().map_err(|_| format!("`{text}` is not an address"));
    let from = match message.from.as_deref().map(address) {
        Some(Ok(from)) => from,
        Some(Err(why)) => return Ok(Outcome::NotSent(format!("its From: {why}"))),
        None => return Ok(Outcome::NotSent("it has no From".to_string())),
    };
    let mut recipients = Vec::new();
    for recipient in &message.recipients {
        match address(recipient) {
            Ok(recipient) => recipients.push(recipient),
            Err(why) => return Ok(Outcome::NotSent(why)),
        }
    }
    let content = outbox::without_bcc(bytes);
    server.send(&from, &recipients, &content, &mut || ledger.record(State::Sending, key, name))
}

/// A message recorded as being sent that certainly was not: recorded as failed, so the next
/// run sends it.
fn forget_sending(ledger: &mut Ledger, key: &str, name: &str) -> Result<()> {
    if ledger.state(key) == Some(State::Sending) {
        ledger.record(State::Failed, key, name)?;
    }
    Ok(())
}

/// What an unknown outcome means and what to do about it.
fn unknown_advice(args: &SendArgs, name: &str, why: &str) -> String {
    let dir = args.dir.display();
    format!(
        "{why}, so it may have been delivered; it is not sent again. Ask a recipient whether it arrived: if it did not, `ces-report send {dir} --smtp URL --resend {name}` sends it; if it did, `ces-report send {dir} --mark-sent {name}` records it as sent"
    )
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

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(String::new, |n| n.to_string_lossy().to_string())
}

/// The names of the files `--resend` or `--mark-sent` give, each one of the folder's messages.
fn named_files(given: &[PathBuf], files: &[PathBuf], flag: &str) -> Result<Vec<String>> {
    given
        .iter()
        .map(|path| {
            let name = file_name(path);
            if !files.iter().any(|file| file_name(file) == name) {
                bail!("{flag} {}: the folder has no message of that name; nothing was sent", path.display());
            }
            Ok(name)
        })
        .collect()
}
