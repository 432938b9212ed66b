//! Nothing mixed up, nothing lost at the edges: each command's output folder kept apart,
//! `--community` never picks another community, a closed or full stderr is not a panic.

use std::path::Path;
use std::process::Command;

use crate::support::{build, ces_report, files_under, text, Data};

/// Runs `ces-report ARGS`; (exit code, stdout, stderr).
fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = ces_report(args);
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files_under(dir, &|_| false)
}

#[test]
fn a_command_refuses_an_output_folder_that_holds_another_commands_output() {
    let folder = Data::baseline().folder("kinds");
    let book = folder.join("book");
    assert!(build(&folder, &book, &["--month", "2026-10"]).status.success());
    let before = snapshot(&book);
    assert_eq!(std::fs::read_to_string(book.join(".ces-report-kind")).unwrap(), "book\n");
    let data = folder.to_str().unwrap();
    let out = book.to_str().unwrap();
    let refusals = [
        (vec!["emails", data, "--as-of", "2026-09-20", "--out", out], "emails (written by emails)"),
        (
            vec!["initiatives", data, "--as-of", "2026-10-01", "--out", out],
            "initiative drafts (written by initiatives)",
        ),
        (
            vec![
                "brief",
                data,
                "--community",
                "Alpha Lab",
                "--as-of",
                "2026-10-31",
                "--no-pdf",
                "--out",
                out,
            ],
            "a check-in brief (written by brief)",
        ),
    ];
    for (args, writes) in &refusals {
        let (code, _, stderr) = run(args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().last().unwrap(),
            format!("error: {out} holds a book (written by build or render); this command writes {writes}: give it another folder"),
            "{args:?}"
        );
        assert!(snapshot(&book) == before, "{args:?} changed the book");
    }

    // A book written before folders were marked is known by its files.
    std::fs::remove_file(book.join(".ces-report-kind")).unwrap();
    let list =
        std::fs::read_to_string(book.join(".ces-report-files")).unwrap().replace(".ces-report-kind\n", "");
    std::fs::write(book.join(".ces-report-files"), list).unwrap();
    let (code, _, stderr) = run(&refusals[0].0);
    assert_eq!(code, Some(1), "{stderr}");

    // And the other way round: drafts are not a book.
    let drafts = folder.join("drafts");
    let (code, _, stderr) =
        run(&["emails", data, "--as-of", "2026-09-20", "--out", drafts.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let output = build(&folder, &drafts, &["--month", "2026-10"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("holds emails (written by emails); this command writes a book"),
        "{}",
        text(&output.stderr)
    );
}

/// Two communities whose names differ only in case, and one with an accent.
fn acme_and_acme() -> Data {
    Data::baseline()
        .add("engagements.csv", "Acme 2026,Acme,1/1/2026,12/31/2026,Tier,Active,rec2\nACME 2026,ACME,1/1/2026,12/31/2026,Tier,Active,rec3\nRío 2026,Río Claro,1/1/2026,12/31/2026,Tier,Active,rec4\n")
        .add("projects.csv", "Acme hub,Acme 2026,1/1/2026,12/31/2026,Hub,\nACME hub,ACME 2026,1/1/2026,12/31/2026,Hub,\nRío hub,Río 2026,1/1/2026,12/31/2026,Hub,\n")
}

/// The engagement `brief --community NAME` briefs, or its error.
fn briefed(folder: &Path, name: &str) -> Result<String, String> {
    let out = folder.join("brief");
    let _ = std::fs::remove_dir_all(&out);
    let (code, stdout, stderr) = run(&[
        "brief",
        folder.to_str().unwrap(),
        "--community",
        name,
        "--as-of",
        "2026-10-31",
        "--no-pdf",
        "--out",
        out.to_str().unwrap(),
    ]);
    if code == Some(0) {
        Ok(stdout.split(" (").nth(1).unwrap().split(',').next().unwrap().to_string())
    } else {
        Err(stderr.lines().last().unwrap().to_string())
    }
}

#[test]
fn community_names_match_exactly_first_then_unambiguously() {
    let folder = acme_and_acme().folder("community-names");
    let book = folder.join("book");
    let output = build(&folder, &book, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let pages: Vec<String> = crate::support::names_in(&book.join("engagements"));
    let slug = |prefix: &str| -> Vec<String> {
        pages
            .iter()
            .filter(|p| p.starts_with(prefix))
            .map(|p| p.trim_end_matches(".md").to_string())
            .collect()
    };
    let acme_slugs = slug("acme-");
    assert_eq!(acme_slugs.len(), 2, "{pages:?}");

    assert_eq!(briefed(&folder, "Acme"), Ok("Acme 2026".to_string()));
    assert_eq!(briefed(&folder, "ACME"), Ok("ACME 2026".to_string()));
    // Neither exactly: both match in another case, so the user must say which.
    let error = briefed(&folder, "acme").unwrap_err();
    assert!(
        error.starts_with("error: community \"acme\" matches \"Acme\" (acme-")
            && error.contains(") and \"ACME\" (acme-"),
        "{error}"
    );
    // The book's own file names reach each one.
    let by_slug: Vec<String> = acme_slugs.iter().map(|s| briefed(&folder, s).unwrap()).collect();
    assert_eq!(by_slug.len(), 2);
    assert_ne!(by_slug[0], by_slug[1]);
    // A name typed decomposed or with a no-break space is the same name.
    assert_eq!(briefed(&folder, "Ri\u{301}o Claro"), Ok("Río 2026".to_string()));
    assert_eq!(briefed(&folder, "Río\u{a0}Claro"), Ok("Río 2026".to_string()));
    assert_eq!(briefed(&folder, "rio-claro"), Ok("Río 2026".to_string()));
    // The brief's folder is named by the book's slug, hash included.
    let output = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["brief", folder.to_str().unwrap(), "--community", "ACME", "--as-of", "2026-10-31", "--no-pdf"])
        .current_dir(&folder)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let written = crate::support::names_in(&folder.join("briefs"));
    assert_eq!(written.len(), 1);
    assert!(acme_slugs.contains(&written[0]), "{written:?} vs {acme_slugs:?}");
}

#[test]
fn a_full_or_closed_stderr_is_an_exit_code_not_a_panic() {
    let sample = crate::support::root().join("sample-data");
    let data = sample.to_str().unwrap();
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let status =
        Command::new(env!("CARGO_BIN_EXE_ces-report")).args(["check", data]).stderr(full()).status().unwrap();
    assert_eq!(status.code(), Some(1), "check 2>/dev/full");
    let out = crate::support::temp_folder("full-stderr").join("book");
    let status = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["build", data, "--month", "2026-10", "--out", out.to_str().unwrap()])
        .stdout(full())
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "build >/dev/full 2>/dev/full");

    // `check … 2>&1 | head -1` on data with thousands of warnings: the reader goes away after
    // one line; the writer stops quietly, never with a panic (exit 101).
    let late: String =
        (0..4000).map(|_| "Alpha 2026 Q4,Ana Silva,0.01,Call,10/1/2026,,12/1/2026 9:00am\n").collect();
    let folder = Data::baseline().add("activities.csv", &late).folder("closed-stderr");
    let script = r#""$0" check "$1" 2>&1 | head -1; exit "${PIPESTATUS[0]}""#;
    let output = Command::new("bash")
        .args(["-c", script, env!("CARGO_BIN_EXE_ces-report"), folder.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(text(&output.stdout).starts_with("warning: activities.csv:"), "{}", text(&output.stdout));
    let status = output.status;
    assert_eq!(status.code(), Some(0), "a closed pipe is a quiet success");
}

#[test]
fn a_column_map_that_feeds_one_header_to_two_columns_is_an_error_naming_the_settings() {
    for (line, expected) in [
        (
            "team_member = \"Description\"",
            "error: activities.csv:1: the header \"Description\" would feed two columns, \"Team member\" ([columns.activities] team_member = \"Description\") and \"Description\" (\"Description\" by its own name): a header feeds one column; correct the mapping in settings.toml",
        ),
        (
            "description = \"Units\"",
            "error: activities.csv:1: the header \"Units\" would feed two columns, \"Units\" (\"Units\" by its own name) and \"Description\" ([columns.activities] description = \"Units\"): a header feeds one column; correct the mapping in settings.toml",
        ),
    ] {
        let data = Data::baseline().with("settings.toml", &format!("[columns.activities]\n{line}\n"));
        let folder = data.folder("column-map-twice");
        let (code, _, stderr) = run(&["check", folder.to_str().unwrap()]);
        assert_eq!(code, Some(1), "{line}");
        assert_eq!(stderr.lines().next(), Some(expected), "{line}: {stderr}");
    }
}

/// Reads the To and Cc display names of an `.eml` with Python's `email` (policy `default`).
fn names_read_back(eml: &Path) -> Vec<String> {
    let script = "import email, email.policy, sys\nm = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)\nfor h in ('To', 'Cc'):\n    for a in (m[h].addresses if m[h] else ()):\n        print(a.display_name)\n";
    let output = Command::new("python3").args(["-c", script, eml.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout).lines().map(str::to_string).collect()
}

#[test]
fn long_and_accented_names_are_encoded_between_words_and_folded() {
    let long_name = format!("Rosa Díaz {}", ["Ñandú"; 200].join(" "));
    let contacts = format!(
        "Name,Email,Engagement,Role\n{long_name},rosa@alpha.example.org,Alpha 2026 Premier,Technical\nLee Park,lee@alpha.example.org,Alpha 2026 Premier,Administrative\n"
    );
    let settings = "business_development_email = \"2i2c Business Dévelopment <bd@2i2c.example.org>\"\n";
    let folder =
        Data::baseline().with("contacts.csv", &contacts).with("settings.toml", settings).folder("long-names");
    let out = folder.join("drafts");
    let (code, _, stderr) =
        run(&["emails", folder.to_str().unwrap(), "--as-of", "2027-01-05", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let eml = out.join("wrap-up-alpha-2026-q4.eml");
    let raw = std::fs::read_to_string(&eml).unwrap();
    let headers = raw.split("\r\n\r\n").next().unwrap();
    for line in headers.split("\r\n") {
        assert!(line.len() <= 78, "a header line of {} characters: {line}", line.len());
    }
    assert_eq!(names_read_back(&eml), [long_name.as_str(), "Lee Park", "2i2c Business Dévelopment"]);
}

#[test]
fn an_address_a_header_cannot_carry_is_refused_with_its_name() {
    let contacts = "Name,Email,Engagement,Role\nJosé,josé@alpha.example.org,Alpha 2026 Premier,Technical\n";
    let folder = Data::baseline().with("contacts.csv", contacts).folder("idn-address");
    let out = folder.join("drafts");
    let (code, _, stderr) =
        run(&["emails", folder.to_str().unwrap(), "--as-of", "2026-09-20", "--out", out.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("the address josé@alpha.example.org has characters other than ASCII"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_dangling_symlink_as_output_folder_is_named_as_such() {
    let folder = crate::support::temp_folder("dangling-out");
    let link = folder.join("link18");
    std::os::unix::fs::symlink(folder.join("gone"), &link).unwrap();
    let output = build(&crate::support::root().join("sample-data"), &link, &["--month", "2026-10"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.ends_with(&format!("error: {} is a symbolic link to {}, which does not exist: create that folder, or give another one\n", link.display(), folder.join("gone").display())), "{stderr}");
}

#[test]
fn a_missing_templates_folder_is_an_error_and_a_stray_override_a_warning() {
    let folder = crate::support::temp_folder("templates-args");
    let sample = crate::support::root().join("sample-data");
    let missing = folder.join("no-such-templates");
    let (code, _, stderr) =
        run(&["summary", sample.to_str().unwrap(), "--templates", missing.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!(
            "error: --templates {}: no such folder (ces-report templates DIR writes one to start from)\n",
            missing.display()
        )
    );
    let templates = folder.join("templates");
    std::fs::create_dir_all(templates.join("emails")).unwrap();
    std::fs::write(templates.join("sumary.txt.j2"), "typo\n").unwrap();
    std::fs::write(templates.join("emails/usage.txt.j2"), "Subject\n\nBody\n").unwrap();
    let (code, _, stderr) =
        run(&["summary", sample.to_str().unwrap(), "--templates", templates.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.starts_with(
            "warning: --templates: sumary.txt.j2 is not the name of a template, so it changes nothing"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("usage.txt.j2"), "{stderr}");
}

/// Every word a reader sees can be renamed from the templates: the status names, in the
/// terminal, the pages and the PDFs, and the PDFs' titles, headers and download labels.
#[test]
fn status_names_come_from_the_templates_everywhere() {
    let folder = Data::baseline().folder("status-labels");
    let templates = folder.join("my-templates");
    std::fs::create_dir_all(&templates).unwrap();
    let labels = std::fs::read_to_string(crate::support::root().join("templates/labels.toml")).unwrap();
    let renamed = labels
        .replace("\"On Track\"", "\"Going well\"")
        .replace("\"Monthly report, {month}\"", "\"Informe mensual, {month}\"")
        .replace("\"{community} · {month}\"", "\"{month} — {community}\"")
        .replace("\"Allocations (CSV)\"", "\"Asignaciones (CSV)\"");
    std::fs::write(templates.join("labels.toml"), renamed).unwrap();
    let (data, with) = (folder.to_str().unwrap(), templates.to_str().unwrap());
    let (code, stdout, stderr) = run(&["summary", data, "--as-of", "2026-10-31", "--templates", with]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("\nGOING WELL · Alpha 2026 Premier · Alpha Lab\n"), "{stdout}");
    let book = folder.join("book");
    let (code, _, stderr) =
        run(&["render", data, "--month", "2026-10", "--out", book.to_str().unwrap(), "--templates", with]);
    assert_eq!(code, Some(0), "{stderr}");
    let dashboard = std::fs::read_to_string(book.join("index.md")).unwrap();
    assert!(dashboard.contains("🟢\u{a0}Going\u{a0}well"), "{dashboard}");
    let page = std::fs::read_to_string(book.join("engagements/alpha-lab.md")).unwrap();
    assert!(page.contains("## Status: 🟢\u{a0}Going\u{a0}well"), "{page}");
    // The community's PDF carries no internal status, renamed or not.
    let pdf = crate::support::pdf_text(&book.join("exports/communities/alpha-lab-2026-10.pdf"));
    assert!(!pdf.contains("Going well") && !pdf.contains("On Track"), "{pdf}");
    assert!(pdf.contains("Informe mensual, October 2026"), "{pdf}");
    assert!(pdf.contains("October 2026 — Alpha Lab"), "{pdf}");
    let page = std::fs::read_to_string(book.join("engagements/alpha-lab.md")).unwrap();
    assert!(page.contains("Asignaciones \\(CSV\\)"), "{page}");
}

#[test]
fn a_column_map_whose_cells_do_not_fit_is_named_with_its_settings_line() {
    // "Notes" holds words, not dates: every row's start date fails, and one more error points
    // at the settings line that reads it from there.
    let activities = "Allocation,Team member,Units,Description,Start date,End date,Created,Notes\nAlpha 2026 Q4,Ana Silva,2,Kick-off call,10/5/2026,,10/5/2026 3:00pm,call\nAlpha 2026 Q4,Ben Okafor,2,Image update,10/20/2026,,10/21/2026 9:12am,update\nAlpha 2026 Q4,Ben Okafor,1,Review,10/22/2026,,10/22/2026 9:12am,review\n";
    let data = Data::baseline()
        .with("activities.csv", activities)
        .with("settings.toml", "[columns.activities]\nstart_date = \"Notes\"\n");
    let folder = data.folder("column-map-misfit");
    let (code, _, stderr) = run(&["check", folder.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("error: activities.csv:1: 3 cells of the column \"Notes\" cannot be read as \"Start date\", which settings.toml reads from it ([columns.activities] start_date = \"Notes\"): check that line\n"),
        "{stderr}"
    );
}

#[test]
fn a_long_name_is_cut_at_120_characters_in_a_message() {
    // An allocation named with 300 characters, and an activity outside its window.
    let long = format!("Alpha {}", "x".repeat(294));
    let allocations = format!(
        "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider\n{long},Alpha hub,10/1/2026,12/31/2026,12,Ana Silva\n"
    );
    let activities = format!("Allocation,Team member,Units,Description,Start date,End date,Created\n{long},Ana Silva,2,Call,9/28/2026,,9/28/2026 3:00pm\n");
    let folder = Data::baseline()
        .with("allocations.csv", &allocations)
        .with("activities.csv", &activities)
        .folder("long-name");
    let (code, _, stderr) = run(&["check", folder.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    let line = stderr.lines().find(|l| l.contains("is outside its allocation")).expect("the warning");
    let shown = format!("\"Alpha {}…\"", "x".repeat(113));
    assert!(line.contains(&shown), "{line}");
    assert!(line.chars().count() < 300, "{line}");
}
