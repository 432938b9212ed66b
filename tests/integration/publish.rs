//! The monthly job end to end, as CI runs it: `scripts/monthly-job` renders the book, writes
//! the usage emails, sends them to a local SMTP server (aiosmtpd) and publishes the PDFs with
//! the real rclone, here to a local-folder remote standing in for Google Drive, where the
//! ledger of what was sent lives too. Run twice, it leaves one copy of each file and sends no
//! email twice, even from a fresh folder; a refused address does not stop the publishing; a
//! month that is not YYYY-MM is refused.

use std::path::Path;
use std::process::Command;

use crate::send::Server;
use crate::support::{files_under, root, temp_folder, text};

fn monthly_job(out: &Path, drive: &Path) -> std::process::Output {
    job(&root().join("sample-data"), out, drive)
        .output()
        .expect("rclone and the scripts run (scripts/setup installs rclone)")
}

fn job(data: &Path, out: &Path, drive: &Path) -> Command {
    let mut command = Command::new(root().join("scripts/monthly-job"));
    command
        .args([data.to_str().unwrap(), "2026-10"])
        .current_dir(root())
        .env("CES_REPORT", env!("CARGO_BIN_EXE_ces-report"))
        .env("CES_OUT", out)
        .env("CES_FROM", "2i2c Community Enablement Service <ces@2i2c.example.org>")
        .env("CES_DRIVE_REMOTE", format!("standin:{}", drive.display()))
        .env("RCLONE_CONFIG", "/dev/null")
        .env("RCLONE_CONFIG_STANDIN_TYPE", "local")
        .env_remove("CES_SMTP")
        .env_remove("CES_LEDGER");
    command
}

#[test]
fn the_monthly_job_run_twice_publishes_one_copy_of_each_pdf() {
    let folder = temp_folder("monthly-job");
    let (out, drive) = (folder.join("job"), folder.join("drive"));
    std::fs::create_dir_all(&out).unwrap();
    let first = monthly_job(&out, &drive);
    assert!(first.status.success(), "{}\n{}", text(&first.stdout), text(&first.stderr));
    // A PDF of an earlier run that the book no longer has goes on the next run.
    std::fs::write(drive.join("2026-10/communities/gone-2026-10.pdf"), "%PDF old").unwrap();
    let second = monthly_job(&out, &drive);
    assert!(second.status.success(), "{}\n{}", text(&second.stdout), text(&second.stderr));
    assert!(
        text(&second.stdout).contains("published the PDFs of 2026-10 to standin:"),
        "{}",
        text(&second.stdout)
    );

    let published = files_under(&drive, &|_| false);
    let book = files_under(&out.join("book/exports"), &|path| !path.ends_with(".pdf") && path.contains('.'));
    let book_pdfs: Vec<(&String, &Vec<u8>)> =
        book.iter().filter(|(path, _)| path.ends_with(".pdf")).collect();
    assert_eq!(book_pdfs.len(), 10);
    assert_eq!(published.len(), 10, "{:?}", published.keys());
    for (path, bytes) in book_pdfs {
        assert!(published.get(&format!("2026-10/{path}")) == Some(bytes), "2026-10/{path} is not the book's");
    }
    let emails: Vec<String> = crate::support::names_in(&out.join("emails"))
        .into_iter()
        .filter(|n| n.starts_with("usage-"))
        .collect();
    assert_eq!(emails.len(), 9, "{emails:?}");
}

/// One refused Cc address: the other emails are sent, the PDFs published, and the job exits 1
/// naming the step that failed. The ledger is kept beside the PDFs: a re-run from a fresh
/// folder (a new CI runner) sends nothing twice.
#[test]
fn the_monthly_job_publishes_when_sending_fails_and_keeps_its_ledger_beside_the_pdfs() {
    let folder = temp_folder("monthly-job-send");
    let data = folder.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for entry in std::fs::read_dir(root().join("sample-data")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    // An Administrative contact (Cc) of Tidewater Ocean Lab and Saltmarsh Ecology Network that
    // the server refuses.
    let contacts = std::fs::read_to_string(data.join("contacts.csv")).unwrap();
    assert!(contacts.contains("i.achterberg@coastal-sciences.example.edu"));
    std::fs::write(
        data.join("contacts.csv"),
        contacts.replace(
            "i.achterberg@coastal-sciences.example.edu",
            "refused.achterberg@coastal-sciences.example.edu",
        ),
    )
    .unwrap();
    let inbox = folder.join("inbox");
    let server = Server::start(&inbox);
    let drive = folder.join("drive");
    let run = |out: &Path| {
        std::fs::create_dir_all(out).unwrap();
        job(&data, out, &drive).env("CES_SMTP", server.url()).output().unwrap()
    };
    let first = run(&folder.join("job-1"));
    let stderr = text(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{stderr}");
    assert!(stderr.ends_with("monthly-job: failed: send; the other steps ran\n"), "{stderr}");
    let stdout = text(&first.stdout);
    assert!(
        stdout.contains("the server refused refused.achterberg@coastal-sciences.example.edu"),
        "{stdout}"
    );
    assert!(stdout.contains("published the PDFs of 2026-10 to standin:"), "{stdout}");
    let pdfs = files_under(&drive.join("2026-10"), &|_| false);
    assert_eq!(pdfs.len(), 10, "{:?}", pdfs.keys());
    let sent = received(&inbox);
    assert_eq!(sent, 7, "the 9 usage emails but the two that copy the refused address");
    let ledger = std::fs::read_to_string(drive.join("sent.ledger")).unwrap();
    assert_eq!(ledger.lines().filter(|line| line.starts_with("sent\t")).count(), 7, "{ledger}");

    // A fresh folder, as a new runner has: the ledger comes down from beside the PDFs.
    let second = run(&folder.join("job-2"));
    assert_eq!(second.status.code(), Some(1), "{}", text(&second.stderr));
    assert_eq!(text(&second.stdout).matches("already ").count(), 7, "{}", text(&second.stdout));
    assert_eq!(received(&inbox), sent, "a re-run sent an email twice");
}

fn received(inbox: &Path) -> usize {
    std::fs::read_dir(inbox)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "eml"))
        .count()
}

#[test]
fn publish_refuses_a_month_that_is_not_yyyy_mm() {
    let drive = temp_folder("publish-months");
    for month in [".*", "2026-1.", "2026-13", "../2026-10", "2026-10/x"] {
        let output = Command::new(root().join("scripts/publish"))
            .args([root().join("book").to_str().unwrap(), month, &format!("standin:{}", drive.display())])
            .env("RCLONE_CONFIG", "/dev/null")
            .env("RCLONE_CONFIG_STANDIN_TYPE", "local")
            .output()
            .unwrap();
        assert_eq!(
            (output.status.code(), text(&output.stderr)),
            (Some(2), format!("publish: `{month}` is not a month: expected YYYY-MM, e.g. 2026-10\n"))
        );
    }
    assert!(files_under(&drive, &|_| false).is_empty());
}
