//! `send` against a real SMTP server on loopback (aiosmtpd): complete messages arrive once with
//! their attachment, drafts are skipped, a second run sends nothing, and a refused recipient or
//! a server that is down leave the ledger right.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{ces_report, temp_folder, text, Data};

/// An SMTP server that saves each message it accepts as DIR/N.eml with its envelope's
/// recipients in DIR/N.rcpt, and refuses any recipient whose address starts with "refuse".
const SERVER: &str = r#"
import asyncio, pathlib, sys
from aiosmtpd.controller import Controller
out = pathlib.Path(sys.argv[1]); port = int(sys.argv[2])
class Handler:
    count = 0
    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("refuse"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"
    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        (out / f"{Handler.count}.eml").write_bytes(envelope.original_content)
        (out / f"{Handler.count}.rcpt").write_text("\n".join(envelope.rcpt_tos))
        return "250 OK"
controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
asyncio.get_event_loop().run_forever()
"#;

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(received: &Path) -> Server {
        std::fs::create_dir_all(received).unwrap();
        let port = free_port();
        let child = Command::new("python3")
            .args(["-c", SERVER, received.to_str().unwrap(), &port.to_string()])
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

    // A refused recipient: nothing recorded, exit 1, and the next run tries again.
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
    assert!(stdout.starts_with("failed    usage-alpha-lab-2026-12.eml: "), "{stdout}");
    assert!(!refused.join(".ces-report-sent").exists());
    assert_eq!(received(&inbox), 1);

    // A server that is down: the same.
    drop(server);
    let (code, stdout, _) = send(&refused, &["--smtp", &format!("smtp://127.0.0.1:{}", free_port())]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(!refused.join(".ces-report-sent").exists());
}
