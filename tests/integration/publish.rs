//! The monthly job end to end, as CI runs it: `scripts/monthly-job` renders the book, writes
//! the usage emails and publishes the PDFs with the real rclone, here to a local-folder remote
//! standing in for Google Drive. Run twice, it leaves one copy of each file.

use std::path::Path;
use std::process::Command;

use crate::support::{files_under, root, temp_folder, text};

fn monthly_job(out: &Path, drive: &Path) -> std::process::Output {
    Command::new(root().join("scripts/monthly-job"))
        .args([root().join("sample-data").to_str().unwrap(), "2026-10"])
        .current_dir(root())
        .env("CES_REPORT", env!("CARGO_BIN_EXE_ces-report"))
        .env("CES_OUT", out)
        .env("CES_FROM", "2i2c Community Enablement Service <ces@2i2c.example.org>")
        .env("CES_DRIVE_REMOTE", format!("standin:{}", drive.display()))
        .env("RCLONE_CONFIG", "/dev/null")
        .env("RCLONE_CONFIG_STANDIN_TYPE", "local")
        .output()
        .expect("rclone and the scripts run (scripts/setup installs rclone)")
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
