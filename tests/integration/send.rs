//! `send` against a real SMTP server on loopback (aiosmtpd): complete messages arrive once with
//! their attachment, drafts are skipped, a second run sends nothing; recipients are the
//! addresses of To, Cc and Bcc read as RFC 5322 mailboxes, Bcc kept out of the message; a
//! refused recipient is named; a ledger that cannot be written sends nothing; a server that
//! never answers ends the run; and 10 kills at seeded moments deliver no message twice, the
//! unknown ones listed and not resent.

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{ces_report, temp_folder, text, Data};

/// An SMTP server that saves each message it accepts as DIR/N.eml with its envelope's
/// recipients in DIR/N.rcpt, refuses any recipient whose address starts with "refuse", takes
/// any user and password (written to DIR/auth.txt), and waits DELAY_MS after saving a message
/// before it answers 250 (a client killed then has delivered a message it never heard of).
const SERVER: &str = r#"
import asyncio, pathlib, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
out = pathlib.Path(sys.argv[1]); port = int(sys.argv[2]); delay = int(sys.argv[3]) / 1000
def authenticate(server, session, envelope, mechanism, auth_data):
    (out / "auth.txt").write_bytes(auth_data.login + b"\n" + auth_data.password)
    return AuthResult(success=True)
class Handler:
    count = 0
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("refuse"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        (out / f"{Handler.count}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        (out / f"{Handler.count}.eml").write_bytes(envelope.original_content)
        await asyncio.sleep(delay)
        return "250 OK"
controller = Controller(Handler(), hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False)
controller.start()
print("ready", flush=True)
asyncio.get_event_loop().run_forever()
"#;

pub(crate) struct Server {
    child: Child,
    port: u16,
}

impl Server {
    pub(crate) fn start(received: &Path) -> Server {
        Server::with_delay(received, 0)
    }

    fn with_delay(received: &Path, delay_ms: u64) -> Server {
        std::fs::create_dir_all(received).unwrap();
        let port = free_port();
        let child = Command::new("python3")
            .args(["-c", SERVER, received.to_str().unwrap(), &port.to_string(), &delay_ms.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (scripts/setup installs it)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the SMTP server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn received(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "eml"))
        .count()
}

fn send(dir: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let output = ces_report(&[&["send", dir.to_str().unwrap()][..], extra].concat());
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn complete_messages_are_sent_once_and_drafts_never() {
    let folder = temp_folder("send");
    let data = Data::baseline()
        .with("contacts.csv", "Name,Email,Engagement,Role\nRosa Díaz,rosa@alpha.example.org,Alpha 2026 Premier,Technical\nLee Park,lee@alpha.example.org,Alpha 2026 Premier,Administrative\n")
        .folder("send-data");
    let book = folder.join("book");
    let output = ces_report(&[
        "render",
        data.to_str().unwrap(),
        "--month",
        "2026-12",
        "--out",
        book.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let outbox = folder.join("outbox");
    let output = ces_report(&[
        "emails",
        data.to_str().unwrap(),
        "--as-of",
        "2027-01-05",
        "--month",
        "2026-12",
        "--book",
        book.to_str().unwrap(),
        "--out",
        outbox.to_str().unwrap(),
        "--from",
        "CES <ces@2i2c.example.org>",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));

    // Without --smtp: what would be sent, nothing sent.
    let (code, stdout, _) = send(&outbox, &[]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains(
            "would send usage-alpha-lab-2026-12.eml to rosa@alpha.example.org, lee@alpha.example.org"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped   wrap-up-alpha-2026-q4.eml: a draft for a person to finish (X-Unsent)"),
        "{stdout}"
    );

    let inbox = folder.join("inbox");
    let server = Server::start(&inbox);
    let smtp = format!("smtp://127.0.0.1:{}", server.port);
    let (code, stdout, stderr) = send(&outbox, &["--smtp", &smtp]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "sent      usage-alpha-lab-2026-12.eml to rosa@alpha.example.org, lee@alpha.example.org"
        ),
        "{stdout}"
    );
    assert_eq!(received(&inbox), 1);
    let delivered = std::fs::read(inbox.join("1.eml")).unwrap();
    // As written, attachment included; SMTP's framing may add one line break at the end.
    let written = std::fs::read(outbox.join("usage-alpha-lab-2026-12.eml")).unwrap();
    assert!(
        delivered == written || delivered.strip_suffix(b"\r\n") == Some(&written[..]),
        "delivered differs from what was written"
    );
    assert_eq!(
        std::fs::read_to_string(inbox.join("1.rcpt")).unwrap(),
        "rosa@alpha.example.org\nlee@alpha.example.org"
    );

    // A second run sends nothing.
    let (code, stdout, _) = send(&outbox, &["--smtp", &smtp]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("already   usage-alpha-lab-2026-12.eml (sent before)"), "{stdout}");
    assert_eq!(received(&inbox), 1);

    // A refused recipient: named, the others said not to have it either; nothing recorded as
    // sent, exit 1, and the next run tries again.
    let refused = folder.join("refused");
    std::fs::create_dir_all(&refused).unwrap();
    let eml = std::fs::read_to_string(outbox.join("usage-alpha-lab-2026-12.eml")).unwrap().replacen(
        "<lee@alpha.example.org>",
        "<refuse@alpha.example.org>",
        1,
    );
    std::fs::write(refused.join("usage-alpha-lab-2026-12.eml"), eml).unwrap();
    let (code, stdout, _) = send(&refused, &["--smtp", &smtp]);
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(
        stdout,
        "failed    usage-alpha-lab-2026-12.eml: the server refused refuse@alpha.example.org (permanent error (550): 5.1.1 no such user); not sent to the others either: rosa@alpha.example.org\n"
    );
    assert!(sent_in_ledger(&refused.join(".ces-report-sent")).is_empty());
    assert_eq!(received(&inbox), 1);

    // A server that is down: the same.
    drop(server);
    let (code, stdout, _) = send(&refused, &["--smtp", &format!("smtp://127.0.0.1:{}", free_port())]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(sent_in_ledger(&refused.join(".ces-report-sent")).is_empty());
}

/// The keys a ledger records as sent.
fn sent_in_ledger(ledger: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(ledger).unwrap_or_default();
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        last.insert(fields[1].to_string(), fields[0].to_string());
    }
    last.into_iter().filter(|(_, state)| state == "sent").map(|(key, _)| key).collect()
}

/// A complete message written by hand, as a person editing an `.eml` might.
fn message(id: usize, headers: &str) -> String {
    format!(
        "From: CES <ces@example.org>\r\n{headers}Subject: Usage {id}\r\nMessage-ID: <usage.{id}@ces-report.invalid>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYour hours this month.\r\n"
    )
}

/// A folder of `count` messages, each to one address of its own.
fn outbox(name: &str, count: usize) -> std::path::PathBuf {
    let folder = temp_folder(name).join("outbox");
    std::fs::create_dir_all(&folder).unwrap();
    for id in 1..=count {
        let eml = message(id, &format!("To: Person {id} <person{id}@example.org>\r\n"));
        std::fs::write(folder.join(format!("usage-{id:02}.eml")), eml).unwrap();
    }
    folder
}

/// Message-ID → how many times the server received it.
fn deliveries(inbox: &Path) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for entry in std::fs::read_dir(inbox).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "eml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let id = text.lines().find_map(|l| l.strip_prefix("Message-ID: ")).unwrap().to_string();
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    counts
}

#[test]
fn a_ledger_that_cannot_be_written_sends_nothing() {
    let dir = outbox("send-no-ledger", 3);
    let inbox = dir.parent().unwrap().join("inbox");
    let server = Server::start(&inbox);
    let missing = dir.parent().unwrap().join("missing-folder/sent");
    for _ in 0..3 {
        let (code, stdout, stderr) =
            send(&dir, &["--smtp", &server.url(), "--ledger", missing.to_str().unwrap()]);
        assert_eq!((code, stdout.as_str()), (Some(1), ""));
        assert_eq!(
            stderr,
            format!(
                "error: the ledger's folder {} does not exist: create it, or give --ledger a file in a folder that exists; nothing was sent\n",
                missing.parent().unwrap().display()
            )
        );
    }
    assert_eq!(received(&inbox), 0);
}

/// Recipients are the addresses of To, Cc and Bcc, never a display name or a comment; Bcc is
/// delivered and kept out of the message; a user and password in the URL log in as such and
/// are never printed.
#[test]
fn recipients_are_mailboxes_and_bcc_stays_hidden() {
    let dir = temp_folder("send-mailboxes").join("outbox");
    std::fs::create_dir_all(&dir).unwrap();
    let headers = "To: \"Mallory <evil@x.example>\" <real@y.example>\r\nCc: other@y.example (<evil2@x.example>)\r\nBcc: hidden@y.example\r\n";
    std::fs::write(dir.join("usage-01.eml"), message(1, headers)).unwrap();
    let inbox = dir.parent().unwrap().join("inbox");
    let server = Server::start(&inbox);
    let url = format!("smtp://ces-user:Pa55w0rd%21@127.0.0.1:{}", server.port);
    let (code, stdout, stderr) = send(&dir, &["--smtp", &url]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(
        std::fs::read_to_string(inbox.join("1.rcpt")).unwrap(),
        "real@y.example\nother@y.example\nhidden@y.example"
    );
    let delivered = std::fs::read_to_string(inbox.join("1.eml")).unwrap();
    assert!(!delivered.contains("Bcc") && !delivered.contains("hidden@"), "{delivered}");
    assert!(delivered.contains("To: \"Mallory <evil@x.example>\" <real@y.example>"), "{delivered}");
    assert_eq!(std::fs::read_to_string(inbox.join("auth.txt")).unwrap(), "ces-user\nPa55w0rd!");
    assert!(!stdout.contains("Pa55w0rd") && !stderr.contains("Pa55w0rd"), "{stdout}{stderr}");
    assert_eq!(stdout, "sent      usage-01.eml to real@y.example, other@y.example, hidden@y.example\n");
}

/// A server that accepts connections and never answers: with the default limits the run ends
/// within two minutes, exit 1, the first message failed and the others not tried.
#[test]
fn a_silent_smtp_server_ends_the_run_within_two_minutes() {
    let dir = outbox("send-silent", 9);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(20) {
            held.push(stream);
        }
    });
    let started = Instant::now();
    let (code, stdout, _) = send(&dir, &["--smtp", &format!("smtp://127.0.0.1:{port}")]);
    assert!(started.elapsed() < Duration::from_secs(120), "{:?}", started.elapsed());
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "failed    usage-01.eml: cannot talk to the SMTP server 127.0.0.1:{port}: the server did not answer within 20 s\nnot tried usage-02.eml: the server did not answer the message before\n"
        )),
        "{stdout}"
    );
    assert_eq!(stdout.matches("not tried").count(), 8, "{stdout}");
}

/// `send` killed (SIGKILL) at 10 seeded moments, each run followed by the next, then a run to
/// the end: no message is delivered twice; each message is delivered or listed as unknown, an
/// unknown one is not resent, and `--resend` / `--mark-sent` settle it.
#[test]
fn killed_sends_never_deliver_a_message_twice() {
    let dir = outbox("send-killed", 9);
    let inbox = dir.parent().unwrap().join("inbox");
    // 60 ms between a message's arrival and the server's 250: kills land there too.
    let server = Server::with_delay(&inbox, 60);
    let command = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ces-report"));
        command.args(["send", dir.to_str().unwrap(), "--smtp", &server.url()]);
        command.stdout(Stdio::piped()).stderr(Stdio::null());
        command
    };
    // A run to the end takes about 9 × 60 ms and the set-up of each message.
    let mut seed: u64 = 31;
    for _ in 0..10 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let after = Duration::from_millis(30 + (seed >> 33) % 400);
        let mut child = command().spawn().unwrap();
        std::thread::sleep(after);
        let _ = child.kill();
        let _ = child.wait();
    }
    let last = command().output().unwrap();
    let stdout = text(&last.stdout);
    let delivered = deliveries(&inbox);
    let unknown: Vec<String> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("unknown   "))
        .map(|rest| rest.split(':').next().unwrap().to_string())
        .collect();
    for (id, times) in &delivered {
        assert_eq!(*times, 1, "{id} was delivered {times} times\n{stdout}");
    }
    assert_eq!(
        delivered.len() + unknown.iter().filter(|name| !was_delivered(&delivered, name)).count(),
        9,
        "{stdout}"
    );
    assert_eq!(last.status.code(), Some(if unknown.is_empty() { 0 } else { 1 }), "{stdout}");
    for name in &unknown {
        assert!(stdout.contains(&format!("--resend {name}` sends it")), "{stdout}");
    }
    // The next run sends nothing again, unknown ones included.
    let again = command().output().unwrap();
    assert_eq!(deliveries(&inbox), delivered);
    assert_eq!(text(&again.stdout).matches("unknown   ").count(), unknown.len());

    // An unknown outcome settled by hand: --mark-sent records it, --resend sends it again.
    let ledger = dir.join(".ces-report-sent");
    let mut text_of_ledger = std::fs::read_to_string(&ledger).unwrap();
    text_of_ledger.push_str("sending\t<usage.8@ces-report.invalid>\tusage-08.eml\nsending\t<usage.9@ces-report.invalid>\tusage-09.eml\n");
    std::fs::write(&ledger, text_of_ledger).unwrap();
    let before = deliveries(&inbox);
    let output = command()
        .args(["--mark-sent", "usage-08.eml", "--resend", dir.join("usage-09.eml").to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = text(&output.stdout);
    assert!(stdout.contains("marked    usage-08.eml as sent (--mark-sent); not sent\n"), "{stdout}");
    assert!(stdout.contains("sent      usage-09.eml to person9@example.org\n"), "{stdout}");
    let after = deliveries(&inbox);
    assert_eq!(after.get("<usage.8@ces-report.invalid>"), before.get("<usage.8@ces-report.invalid>"));
    assert_eq!(
        after["<usage.9@ces-report.invalid>"],
        before.get("<usage.9@ces-report.invalid>").unwrap_or(&0) + 1
    );
    let output = command().output().unwrap();
    assert!(
        !text(&output.stdout).contains("usage-08.eml: ") && !text(&output.stdout).contains("usage-09.eml: ")
    );
}

fn was_delivered(delivered: &BTreeMap<String, usize>, name: &str) -> bool {
    let id = name.trim_start_matches("usage-").trim_end_matches(".eml").trim_start_matches('0');
    delivered.contains_key(&format!("<usage.{id}@ces-report.invalid>"))
}
