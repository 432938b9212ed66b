//! Seed 002's emails as drafts and the monthly email manifest: who each email goes to, which
//! emails are due and when, their exact text, and every draft read back by a real parser
//! (Python's `email` package; the tests fail, never skip, without `python3`).

use crate::support::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ces_report::figures::emails::{due_emails, EmailKind};
use ces_report::figures::report::recipients;
use ces_report::settings::Settings;

/// Reads each `.eml` given with Python's `email` package (policy `default`, the strict modern
/// parser) and prints what it found as JSON; each attachment is saved into the folder given
/// first, so its bytes can be compared with the file it came from.
const PARSE_EML: &str = r#"
import email, email.policy, json, pathlib, sys
saved_to = pathlib.Path(sys.argv[1])
found = []
for name in sys.argv[2:]:
    path = pathlib.Path(name)
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    def addresses(header):
        value = msg[header]
        return None if value is None else [[a.display_name, a.addr_spec] for a in value.addresses]
    defects = []
    for part in msg.walk():
        defects += [type(d).__name__ for d in part.defects]
        for _, value in part.items():
            defects += [type(d).__name__ for d in getattr(value, "defects", ())]
    body = msg.get_body(preferencelist=("plain",))
    attachments = []
    for index, part in enumerate(msg.iter_attachments()):
        saved = saved_to / (path.name + ".attachment-" + str(index))
        saved.write_bytes(part.get_content())
        attachments.append({"filename": part.get_filename(), "type": part.get_content_type(), "saved": str(saved)})
    found.append({
        "file": path.name,
        "keys": list(msg.keys()),
        "from": addresses("From"),
        "to": addresses("To"),
        "cc": addresses("Cc"),
        "subject": str(msg["Subject"]),
        "date": str(msg["Date"]),
        "message_id": str(msg["Message-ID"]),
        "unsent": str(msg["X-Unsent"]),
        "body_type": body.get_content_type(),
        "charset": body.get_content_charset(),
        "body": body.get_content().replace("\r\n", "\n"),
        "attachments": attachments,
        "defects": defects,
    })
print(json.dumps(found))
"#;

/// Every draft in `folder`, parsed, by file name.
pub(crate) fn parse_drafts(folder: &Path) -> BTreeMap<String, serde_json::Value> {
    let files = eml_files(folder);
    if files.is_empty() {
        return BTreeMap::new();
    }
    let saved = folder.with_extension("attachments");
    let _ = std::fs::remove_dir_all(&saved);
    std::fs::create_dir_all(&saved).unwrap();
    let output =
        Command::new("python3").arg("-c").arg(PARSE_EML).arg(&saved).args(&files).output().unwrap_or_else(
            |error| panic!("python3 is needed to parse the drafts ({error}): install Python 3"),
        );
    assert!(output.status.success(), "python3 failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let parsed: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    parsed.into_iter().map(|draft| (draft["file"].as_str().unwrap().to_string(), draft)).collect()
}

fn eml_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|x| x == "eml"))
        .collect();
    files.sort();
    files
}

/// `[["Rosa Díaz", "rosa@alpha.example.org"], …]` as pairs.
fn mailboxes(value: &serde_json::Value) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .map(|pair| (pair[0].as_str().unwrap().to_string(), pair[1].as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn pair(name: &str, email: &str) -> (String, String) {
    (name.to_string(), email.to_string())
}

/// Writes an in-memory data folder to disk.
fn write_data(data: &Data, folder: &Path) {
    std::fs::create_dir_all(folder).unwrap();
    for (name, text) in &data.files {
        std::fs::write(folder.join(name), text).unwrap();
    }
}

/// `ces-report emails DATA --out OUT EXTRA…`, which must succeed; its stdout and stderr.
/// Without `--book` in EXTRA, the book is a folder that does not exist.
pub(crate) fn emails(data: &Path, out: &Path, extra: &[&str]) -> (String, String) {
    let no_book = out.with_extension("no-book");
    let mut args = vec!["emails", data.to_str().unwrap(), "--out", out.to_str().unwrap()];
    if !extra.contains(&"--book") {
        args.extend(["--book", no_book.to_str().unwrap()]);
    }
    args.extend_from_slice(extra);
    let output = ces_report(&args);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "emails failed:\n{stderr}\n{stdout}");
    (stdout, stderr)
}

const CONTACTS: &str = "Name,Email,Engagement,Role
Rosa Díaz,rosa@alpha.example.org,Alpha 2026 Premier,Technical
\"Park, Lee\",lee@alpha.example.org,Alpha 2026 Premier,Administrative
Kim Ode,billing@alpha.example.org,Alpha 2026 Premier,Billing
";

const SETTINGS: &str = "business_development_email = \"2i2c Business Development <bd@2i2c.example.org>\"\n";

/// The baseline (Alpha 2026 Q4: 12 h from 2026-10-01 to 2026-12-31 by Ana Silva, 2 h logged
/// on Oct 5 and 2 h on Oct 20), with contacts, a next quarter by Ben Okafor and a
/// Business Development address.
fn alpha(name: &str) -> PathBuf {
    let folder = temp_folder(name).join("data");
    let data = Data::baseline()
        .with("contacts.csv", CONTACTS)
        .add("allocations.csv", "Alpha 2027 Q1,Alpha hub,1/1/2027,3/31/2027,12,Ben Okafor\n")
        .with("settings.toml", SETTINGS);
    write_data(&data, &folder);
    folder
}

const FILL_IN_AVAILABILITY: &str = "your availability and preferred ways to be contacted during";
const EXAMPLES: &str = "for example a meeting to discuss changes to your image environment, the community meetings you plan to attend (with dates and times), the Slack channel where you will be active, what you intend to do on the community's behalf, and any periods when you are not likely to be available.]";

#[test]
fn the_exact_text_of_an_introduction() {
    let data = alpha("introduction-text");
    let out = data.with_file_name("drafts");
    let (stdout, stderr) = emails(&data, &out, &["--as-of", "2026-09-20"]);
    assert_eq!(stdout, format!("introduction {}\n", out.join("introduction-alpha-2026-q4.eml").display()));
    assert_eq!(stderr, format!("wrote 1 draft to {} (emails due as of 2026-09-20)\n", out.display()));
    let eml = std::fs::read_to_string(out.join("introduction-alpha-2026-q4.eml")).unwrap();
    let headers = eml.split("\r\n\r\n").next().unwrap();
    assert_eq!(
        headers,
        [
            "To: =?utf-8?b?Um9zYSBEw61heg==?= <rosa@alpha.example.org>",
            "Cc: =?utf-8?b?UGFyaywgTGVl?= <lee@alpha.example.org>",
            "Subject: 2i2c Community Enablement Service for Alpha Lab: up to 12 hours",
            " from 2026-10-01 to 2026-12-31",
            "Date: Sun, 20 Sep 2026 00:00:00 +0000",
            "Message-ID: <introduction.15eea47ec983b03f646f98b61bdd50d4@ces-report.invalid>",
            "X-Unsent: 1",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        .join("\r\n")
    );
    let drafts = parse_drafts(&out);
    let draft = &drafts["introduction-alpha-2026-q4.eml"];
    assert_eq!(
        draft["subject"],
        "2i2c Community Enablement Service for Alpha Lab: up to 12 hours from 2026-10-01 to 2026-12-31"
    );
    assert_eq!(mailboxes(&draft["to"]), [pair("Rosa Díaz", "rosa@alpha.example.org")]);
    assert_eq!(mailboxes(&draft["cc"]), [pair("Park, Lee", "lee@alpha.example.org")]);
    assert_eq!(
        draft["body"].as_str().unwrap(),
        format!(
            "Dear Rosa Díaz,

I've been assigned by the 2i2c Product and Services team to provide additional support to your community (up to 12 hours) between 2026-10-01 and 2026-12-31.

I am looking forward to collaborating with Alpha Lab on Hub support.

[TO FILL IN: {FILL_IN_AVAILABILITY} this period, {EXAMPLES}

Thank you, and looking forward to working with Alpha Lab.

Ana Silva
"
        )
    );
}

#[test]
fn the_exact_text_of_a_wrap_up_handing_over_to_a_colleague() {
    let data = alpha("wrap-up-text");
    let out = data.with_file_name("drafts");
    let links = [
        "--report-url",
        "https://drive.example.org/reports",
        "--feedback-url",
        "https://forms.example.org/ces",
    ];
    let (stdout, _) = emails(&data, &out, &[&["--as-of", "2027-01-05"][..], &links[..]].concat());
    // The next quarter started 4 days ago with nothing logged, so its introduction is due too;
    // but the wrap-up announces that period to the same people on the same day: one email.
    assert_eq!(stdout, format!("wrap-up      {}\n", out.join("wrap-up-alpha-2026-q4.eml").display()));
    let drafts = parse_drafts(&out);
    let draft = &drafts["wrap-up-alpha-2026-q4.eml"];
    assert_eq!(
        draft["subject"],
        "2i2c Community Enablement Service for Alpha Lab: wrap-up of 2026-10-01 to 2026-12-31"
    );
    assert_eq!(mailboxes(&draft["to"]), [pair("Rosa Díaz", "rosa@alpha.example.org")]);
    assert_eq!(
        mailboxes(&draft["cc"]),
        [
            pair("Park, Lee", "lee@alpha.example.org"),
            pair("2i2c Business Development", "bd@2i2c.example.org")
        ]
    );
    assert_eq!(draft["date"], "Tue, 05 Jan 2027 00:00:00 +0000");
    assert_eq!(draft["attachments"], serde_json::json!([]));
    assert_eq!(
        draft["body"].as_str().unwrap(),
        "Dear Rosa Díaz,

Between 2026-10-01 and 2026-12-31, I have been collaborating with Alpha Lab on Hub support.

Of the 12 hours available, 4 were used and 8 expired unused when the period ended on 2026-12-31. Hours do not roll over to the next period.

The Community Enablement Service report: https://drive.example.org/reports

Please fill out this form about the value your community received from 2i2c: https://forms.example.org/ces

Thank you for the opportunity to work on this project. In the next period, 2027-01-01 to 2027-03-31 (up to 12 hours), my colleague Ben Okafor will be in contact with you regarding their availability.

[OPTIONAL: a call to action from Business Development, such as a request for renewal; delete this line if there is none.]

2i2c is pleased to continue to work with Alpha Lab.

Ana Silva
"
    );
}

#[test]
fn a_wrap_up_before_the_end_says_what_is_left_and_marks_what_to_fill_in() {
    let data = alpha("wrap-up-before-end");
    // Without a next allocation by another provider: the same provider goes on.
    let allocations =
        std::fs::read_to_string(data.join("allocations.csv")).unwrap().replace("Ben Okafor", "Ana Silva");
    std::fs::write(data.join("allocations.csv"), allocations).unwrap();
    let out = data.with_file_name("drafts");
    let (_, stderr) = emails(&data, &out, &["--as-of", "2026-12-28", "--settings", "/dev/null"]);
    assert!(
        stderr.contains("warning: the wrap-ups are not copied to Business Development: set business_development_email in settings.toml\n"),
        "{stderr}"
    );
    let no_book = out.with_extension("no-book");
    assert!(
        stderr.contains(&format!("warning: {} holds no book written by ces-report: no report is attached to the wrap-ups (run render first, or give --book)\n", no_book.display())),
        "{stderr}"
    );
    let draft = &parse_drafts(&out)["wrap-up-alpha-2026-q4.eml"];
    assert_eq!(mailboxes(&draft["cc"]), [pair("Park, Lee", "lee@alpha.example.org")]);
    let body = draft["body"].as_str().unwrap();
    for expected in [
        "Of the 12 hours available, 4 have been used so far and 8 are left until 2026-12-31. Hours do not roll over to the next period.\n",
        "\n[TO FILL IN: the link to the Community Enablement Service report]\n",
        "\n[TO FILL IN: the request for feedback, with the link to the feedback form]\n",
        &format!("\n[TO FILL IN: {FILL_IN_AVAILABILITY} the next period, 2027-01-01 to 2027-03-31 (up to 12 hours), {EXAMPLES}\n"),
    ] {
        assert!(body.contains(expected), "lacks {expected:?}:\n{body}");
    }
    assert!(!body.contains("my colleague"), "{body}");
}

#[test]
fn recipients_by_role_never_billing() {
    let data = Data::baseline()
        .add(
            "engagements.csv",
            "Beta 2026 Essential,Beta Network,1/1/2026,12/31/2026,Essential Tier,Active,rec2\n",
        )
        .add("projects.csv", "Beta hub,Beta 2026 Essential,1/1/2026,12/31/2026,Beta hub care,\n")
        .add("allocations.csv", "Beta 2026 Q4,Beta hub,10/1/2026,12/31/2026,4,Ana Silva\n")
        .with(
            "contacts.csv",
            "Name,Email,Engagement,Role
Rosa Díaz,rosa@alpha.example.org,Alpha 2026 Premier,Technical
Ana Both,ana.both@alpha.example.org,Alpha 2026 Premier,\"Technical,Administrative\"
Lee Park,lee@alpha.example.org,Alpha 2026 Premier,Administrative
Kim Ode,billing@alpha.example.org,\"Alpha 2026 Premier,Beta 2026 Essential\",Billing
Sam Two,sam@shared.example.org,Alpha 2026 Premier,Technical
Sam Two,sam@shared.example.org,Beta 2026 Essential,Administrative
Beta Tech,tech@beta.example.org,Beta 2026 Essential,Technical
Tess NoMail,,Alpha 2026 Premier,Technical
",
        );
    let (dataset, _) = data.read();
    let names = |contacts: &[ces_report::model::ContactId]| {
        contacts.iter().map(|c| dataset.contacts[*c].name.clone()).collect::<Vec<_>>()
    };
    // A contact with two roles is in To only; a contact without an address is in neither.
    let alpha = recipients(&dataset, id(0));
    assert_eq!(names(&alpha.to), ["Rosa Díaz", "Ana Both", "Sam Two"]);
    assert_eq!(names(&alpha.cc), ["Lee Park"]);
    // The same person, Technical in one engagement and Administrative in the other.
    let beta = recipients(&dataset, id(1));
    assert_eq!(names(&beta.to), ["Beta Tech"]);
    assert_eq!(names(&beta.cc), ["Sam Two"]);

    // The same in the drafts' headers, and Billing nowhere in any draft or manifest.
    let folder = temp_folder("recipients");
    write_data(&data, &folder.join("data"));
    let out = folder.join("drafts");
    emails(&folder.join("data"), &out, &["--as-of", "2026-09-25"]);
    let drafts = parse_drafts(&out);
    assert_eq!(drafts.len(), 2, "{:?}", drafts.keys());
    let alpha = &drafts["introduction-alpha-2026-q4.eml"];
    let to: Vec<String> = mailboxes(&alpha["to"]).into_iter().map(|(name, _)| name).collect();
    assert_eq!(to, ["Rosa Díaz", "Ana Both", "Sam Two"]);
    assert_eq!(mailboxes(&alpha["cc"]), [pair("Lee Park", "lee@alpha.example.org")]);
    let beta = &drafts["introduction-beta-2026-q4.eml"];
    assert_eq!(mailboxes(&beta["to"]), [pair("Beta Tech", "tech@beta.example.org")]);
    assert_eq!(mailboxes(&beta["cc"]), [pair("Sam Two", "sam@shared.example.org")]);
    let book = folder.join("book");
    let output = build(&folder.join("data"), &book, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mut outputs: Vec<(String, String)> = eml_files(&out)
        .into_iter()
        .map(|file| (file.display().to_string(), std::fs::read_to_string(&file).unwrap()))
        .collect();
    outputs.extend(drafts.iter().map(|(file, draft)| (format!("{file} (decoded)"), draft.to_string())));
    for file in ["exports/manifest.json", "exports/manifest.csv"] {
        outputs.push((file.to_string(), std::fs::read_to_string(book.join(file)).unwrap()));
    }
    for (file, text) in &outputs {
        assert!(!text.contains("Kim Ode") && !text.contains("billing@"), "{file} names the Billing contact");
    }
}

#[test]
fn introductions_and_wrap_ups_are_due_at_their_window_edges() {
    // Alpha 2026 Q4 runs 2026-10-01 to 2026-12-31; activity on Oct 5 and Oct 20.
    let due_on = |data: &Data, as_of: &str| -> Vec<EmailKind> {
        let (dataset, _) = data.read();
        let figures = ces_report::figures::compute(&dataset, &Settings::default(), day(as_of));
        due_emails(&dataset, &figures.allocations, day(as_of)).iter().map(|email| email.kind).collect()
    };
    let logged = Data::baseline();
    let silent =
        Data::baseline().with("activities.csv", "Allocation,Team member,Units,Description,Start date\n");
    let introduction = [EmailKind::Introduction];
    let wrap_up = [EmailKind::WrapUp];
    assert_eq!(due_on(&logged, "2026-09-16"), [], "15 days ahead");
    assert_eq!(due_on(&logged, "2026-09-17"), introduction, "14 days ahead");
    assert_eq!(due_on(&silent, "2026-10-08"), introduction, "7 days after the start, nothing logged");
    assert_eq!(due_on(&silent, "2026-10-09"), [], "8 days after the start, nothing logged");
    assert_eq!(due_on(&logged, "2026-10-08"), [], "7 days after the start, already logged");
    assert_eq!(due_on(&logged, "2026-12-23"), [], "ends in 8 days");
    assert_eq!(due_on(&logged, "2026-12-24"), wrap_up, "ends in 7 days");
    assert_eq!(due_on(&logged, "2027-01-14"), wrap_up, "ended 14 days ago");
    assert_eq!(due_on(&logged, "2027-01-15"), [], "ended 15 days ago");
}

#[test]
fn non_ascii_names_commas_and_line_breaks_stay_inside_their_headers() {
    let folder = temp_folder("header-text");
    let engagements = ENGAGEMENTS.replace("Alpha Lab", "\"Alpha\nBcc: evil@example.org\"");
    let data = Data::baseline().with("engagements.csv", &engagements).with(
        "contacts.csv",
        "Name,Email,Engagement,Role
\"Quispe, Tomás\",tomas@alpha.example.org,Alpha 2026 Premier,Technical
\"Lee\nBcc: evil@example.org\",lee@alpha.example.org,Alpha 2026 Premier,Administrative
\"Zoë \"\"Zed\"\" Ålund\",zoe@alpha.example.org,Alpha 2026 Premier,Administrative
",
    );
    write_data(&data, &folder.join("data"));
    let out = folder.join("drafts");
    emails(
        &folder.join("data"),
        &out,
        &["--as-of", "2026-09-20", "--from", "\"Silva, Ana\" <ana@2i2c.example.org>"],
    );
    let eml = std::fs::read(out.join("introduction-alpha-2026-q4.eml")).unwrap();
    let end = eml.windows(4).position(|window| window == b"\r\n\r\n").unwrap();
    let headers = String::from_utf8(eml[..end].to_vec()).unwrap();
    assert!(headers.is_ascii(), "headers carry raw non-ASCII bytes:\n{headers}");
    assert!(!headers.lines().any(|line| line.to_lowercase().starts_with("bcc")), "{headers}");
    let draft = &parse_drafts(&out)["introduction-alpha-2026-q4.eml"];
    assert_eq!(draft["defects"], serde_json::json!([]));
    let keys: Vec<&str> = draft["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "From",
            "To",
            "Cc",
            "Subject",
            "Date",
            "Message-ID",
            "X-Unsent",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding"
        ]
    );
    assert_eq!(mailboxes(&draft["to"]), [pair("Quispe, Tomás", "tomas@alpha.example.org")]);
    assert_eq!(
        mailboxes(&draft["cc"]),
        [
            pair("Lee Bcc: evil@example.org", "lee@alpha.example.org"),
            pair("Zoë \"Zed\" Ålund", "zoe@alpha.example.org")
        ]
    );
    assert_eq!(
        draft["subject"],
        "2i2c Community Enablement Service for Alpha Bcc: evil@example.org: up to 12 hours from 2026-10-01 to 2026-12-31"
    );
    assert!(draft["body"].as_str().unwrap().starts_with("Dear Quispe, Tomás,\n"));
}

#[test]
fn an_email_cell_with_a_line_break_or_a_second_address_is_an_error() {
    let folder = temp_folder("email-cell");
    let data = Data::baseline().with(
        "contacts.csv",
        "Name,Email,Engagement,Role
Rosa Diaz,\"rosa@example.org\nBcc: someone@else.org\",Alpha 2026 Premier,Technical
Lee Park,\"lee@example.org, kim@example.org\",Alpha 2026 Premier,Administrative
",
    );
    write_data(&data, &folder.join("data"));
    let out = folder.join("drafts");
    let output = ces_report(&[
        "emails",
        folder.join("data").to_str().unwrap(),
        "--as-of",
        "2026-09-20",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: contacts.csv:2: column \"Email\": value \"rosa@example.org\\nBcc: someone@else.org\": expected one email address on one line, such as name@example.org
error: contacts.csv:4: column \"Email\": value \"lee@example.org, kim@example.org\": expected one email address such as name@example.org, not several: give each person a row of their own
error: the data has 2 errors; nothing was computed
"
    );
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn an_email_that_cannot_be_complete_is_a_warning_not_a_draft() {
    let folder = temp_folder("incomplete");
    let data = Data::baseline()
        .with(
            "allocations.csv",
            "Allocation name,Project,Allocation start date,Allocation end date,Hours available,Allocation provider
Alpha 2026 Q4,Alpha hub,10/1/2026,12/31/2026,12,
",
        )
        .with("contacts.csv", CONTACTS);
    write_data(&data, &folder.join("data"));
    let out = folder.join("drafts");
    let (stdout, stderr) = emails(&folder.join("data"), &out, &["--as-of", "2026-09-20"]);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "warning: no introduction drafted for allocation \"Alpha 2026 Q4\": no provider assigned (allocations.csv line 2, column \"Allocation provider\")\nwrote 0 drafts to {} (emails due as of 2026-09-20)\n",
            out.display()
        )
    );
    assert!(eml_files(&out).is_empty());

    // Everything missing at once: each named.
    let data = data
        .with(
            "contacts.csv",
            "Name,Email,Engagement,Role\nLee Park,lee@example.org,Alpha 2026 Premier,Administrative\n",
        )
        .with("projects.csv", &PROJECTS.replace(",Hub support,", ",,"));
    write_data(&data, &folder.join("data"));
    let (_, stderr) = emails(&folder.join("data"), &out, &["--as-of", "2026-09-20"]);
    assert!(
        stderr.contains("warning: no introduction drafted for allocation \"Alpha 2026 Q4\": no provider assigned (allocations.csv line 2, column \"Allocation provider\"); engagement \"Alpha 2026 Premier\" has no Technical contact with an email address (contacts.csv); project \"Alpha hub\" has no description (projects.csv line 2, column \"Project description\")\n"),
        "{stderr}"
    );
}

#[test]
fn the_manifest_lists_a_community_without_technical_contact_with_an_empty_to() {
    let folder = temp_folder("manifest-no-technical");
    // As of 2026-10-31: Q4 (12 h, 4 used) has 8 h left to use by 2026-12-31; the workshop that
    // ended on Oct 15 (5 h, 1 used) and Q3 (10 h, 3 used) expired 4 + 7 = 11 h. Worked in
    // October: 2 + 2 = 4 h; in September: the workshop's 1 h (Q3's 3 h were in August). In all:
    // 27 h available = 8 used + 8 left now + 11 expired.
    let data = Data::baseline()
        .add("allocations.csv", "Alpha workshop,Alpha hub,9/15/2026,10/15/2026,5,Ana Silva\nAlpha 2026 Q3,Alpha hub,7/1/2026,9/30/2026,10,Ana Silva\n")
        .add("activities.csv", "Alpha workshop,Ana Silva,1,Prep,9/20/2026,,\nAlpha 2026 Q3,Ana Silva,3,Support,8/20/2026,,\n")
        .with(
            "contacts.csv",
            "Name,Email,Engagement,Role\n+Eve Admin,eve@alpha.example.org,Alpha 2026 Premier,Administrative\nLee Park,lee@alpha.example.org,Alpha 2026 Premier,Administrative\nKim Ode,billing@alpha.example.org,Alpha 2026 Premier,Billing\n",
        );
    write_data(&data, &folder.join("data"));
    let book = folder.join("book");
    let output = build(&folder.join("data"), &book, &["--month", "2026-10"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let warning = "community \"Alpha Lab\" (engagement \"Alpha 2026 Premier\") has no Technical contact with an email address: its usage email has no To recipient";
    assert!(text(&output.stderr).contains(&format!("warning: {warning}\n")), "{}", text(&output.stderr));
    let warnings = literal_text(&std::fs::read_to_string(book.join("data-warnings.md")).unwrap());
    assert!(warnings.contains(warning), "the data warnings page lacks it");
    let dashboard = literal_text(&std::fs::read_to_string(book.join("index.md")).unwrap());
    let count = warnings.lines().filter(|line| line.starts_with("- ")).count();
    assert!(
        dashboard.contains(&format!("| Data warnings | [{count}](data-warnings.md) |")),
        "the dashboard counts the {count} warnings"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(book.join("exports/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["warnings"], serde_json::json!([warning]));
    assert_eq!(
        manifest["communities"],
        serde_json::json!([{
            "community": "Alpha Lab",
            "engagement": "Alpha 2026 Premier",
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "internal_status": "on-track",
            "pdf": "exports/communities/alpha-lab-2026-10.pdf",
            "to": [],
            "cc": [
                {"name": "+Eve Admin", "email": "eve@alpha.example.org"},
                {"name": "Lee Park", "email": "lee@alpha.example.org"}
            ],
            "left_to_use_now": {
                "hours": 8.0,
                "allocations": [{"allocation": "Alpha 2026 Q4", "hours": 8.0, "use_by": "2026-12-31"}]
            },
            "coming_next": {"hours": 0.0, "allocations": []},
            "worked_this_month": 4.0,
            "worked_last_month": 1.0,
            "in_all": {
                "available": 27.0,
                "used": 8.0,
                "left_to_use_now": 8.0,
                "not_started": 0.0,
                "expired_unused": 11.0,
                "overrun": 0.0,
                "outside_allocation_dates": 0.0
            }
        }])
    );
    assert_eq!(
        std::fs::read_to_string(book.join("exports/manifest.csv")).unwrap(),
        "community,engagement,period_start,period_end,internal_status,pdf,to_names,to_emails,cc_names,cc_emails,left_to_use_now,use_by,coming_next,coming_from,worked_this_month,worked_last_month,available_in_all,used_in_all,left_to_use_now_in_all,not_started_in_all,expired_unused_in_all,overrun_in_all,outside_allocation_dates_in_all
Alpha Lab,Alpha 2026 Premier,2026-10-01,2026-10-31,on-track,exports/communities/alpha-lab-2026-10.pdf,,,'+Eve Admin; Lee Park,eve@alpha.example.org; lee@alpha.example.org,8,2026-12-31,0,,4,1,27,8,8,0,11,0,0
"
    );
}

/// Runs `emails` on the sample data as of `as_of` into a fresh folder; the folder and stderr.
fn sample_drafts(name: &str, as_of: &str, book: &Path) -> (PathBuf, String) {
    let out = temp_folder(name).join("drafts");
    let (_, stderr) =
        emails(&root().join("sample-data"), &out, &["--as-of", as_of, "--book", book.to_str().unwrap()]);
    (out, stderr)
}

#[test]
fn every_sample_draft_parses_with_the_expected_headers_body_and_attachment() {
    let (book, _) = rendered_sample();
    let dataset = sample_dataset();
    let settings = Settings::default();
    let billing: Vec<_> = dataset.contacts.iter().filter(|c| !c.is_reported()).collect();
    for as_of in ["2026-07-01", "2026-10-05", "2026-11-05", "2026-12-28", "2027-01-04"] {
        let (out, stderr) = sample_drafts(&format!("sample-drafts-{as_of}"), as_of, book);
        let figures = ces_report::figures::compute(&dataset, &settings, day(as_of));
        let due = due_emails(&dataset, &figures.allocations, day(as_of));
        let complete: Vec<_> = due.iter().filter(|email| email.missing.is_empty()).collect();
        let drafts = parse_drafts(&out);
        assert_eq!(drafts.len(), complete.len(), "{as_of}: {:?}", drafts.keys());
        assert!(!drafts.is_empty(), "{as_of}: the sample must have emails due");
        for email in complete {
            let allocation = &dataset.allocations[email.allocation];
            let slug = ces_report::site::slug::slugify(&allocation.name, 80);
            let file = format!("{}-{slug}.eml", ces_report::present::codes::email_slug(email.kind));
            let draft = drafts.get(&file).unwrap_or_else(|| panic!("{as_of}: no {file}"));
            let expected = recipients(&dataset, allocation.engagement);
            let contact = |id: &ces_report::model::ContactId| &dataset.contacts[*id];
            let expected_to: Vec<_> =
                expected.to.iter().map(|c| pair(&contact(c).name, &contact(c).email)).collect();
            let expected_cc: Vec<_> =
                expected.cc.iter().map(|c| pair(&contact(c).name, &contact(c).email)).collect();
            assert_eq!(mailboxes(&draft["to"]), expected_to, "{file}");
            assert_eq!(mailboxes(&draft["cc"]), expected_cc, "{file}");
            assert_eq!(draft["defects"], serde_json::json!([]), "{file}");
            assert_eq!(draft["unsent"], "1", "{file}");
            assert_eq!(
                (draft["body_type"].as_str(), draft["charset"].as_str()),
                (Some("text/plain"), Some("utf-8"))
            );
            let date = day(as_of).format("%d %b %Y 00:00:00 +0000").to_string();
            assert!(draft["date"].as_str().unwrap().ends_with(&date), "{file}: {}", draft["date"]);
            assert!(
                !draft["keys"].as_array().unwrap().contains(&"From".into()),
                "{file}: From is the sender's"
            );
            let community = &dataset.engagements[allocation.engagement].community;
            assert!(draft["subject"].as_str().unwrap().contains(community.as_str()), "{file}");
            let body = draft["body"].as_str().unwrap();
            assert!(
                body.ends_with(&format!("\n\n{}\n", allocation.provider.as_deref().unwrap())),
                "{file}:\n{body}"
            );
            assert!(
                body.contains(&format!("between {} and {}", allocation.start, allocation.end))
                    || body.contains(&format!("Between {} and {}", allocation.start, allocation.end)),
                "{file}:\n{body}"
            );
            let raw = std::fs::read_to_string(out.join(&file)).unwrap();
            for contact in &billing {
                for text in [&raw, &draft.to_string()] {
                    assert!(
                        !text.contains(&contact.name) && !text.contains(&contact.email),
                        "{file} names Billing contact {}",
                        contact.name
                    );
                }
            }
            // The book is October's and no sample allocation ends in October: no wrap-up takes
            // its report, whether it ended before (June, September) or after (December).
            assert_eq!(draft["attachments"], serde_json::json!([]), "{file}");
            if email.kind == EmailKind::WrapUp {
                let warning = format!(
                    "warning: the wrap-up of allocation \"{}\" has no report attached: the allocation ended in {}, the book's report is for October 2026\n",
                    allocation.name,
                    allocation.end.format("%B %Y")
                );
                assert!(stderr.contains(&warning), "{as_of}: lacks {warning:?}:\n{stderr}");
                assert!(!body.contains("is attached"), "{file}:\n{body}");
            }
        }
    }
}

#[test]
fn the_same_inputs_give_byte_identical_drafts() {
    let (book, _) = rendered_sample();
    let (first, _) = sample_drafts("drafts-twice-a", "2026-10-05", book);
    let (second, _) = sample_drafts("drafts-twice-b", "2026-10-05", book);
    let files = eml_files(&first);
    assert!(files.len() >= 5, "{files:?}");
    assert_eq!(files.len(), eml_files(&second).len());
    for file in files {
        let name = file.file_name().unwrap();
        assert!(
            std::fs::read(&file).unwrap() == std::fs::read(second.join(name)).unwrap(),
            "{name:?} differs between two runs"
        );
    }
}

#[test]
fn the_email_templates_can_be_overridden() {
    let data = alpha("email-templates");
    let templates = data.with_file_name("templates");
    std::fs::create_dir_all(templates.join("emails")).unwrap();
    let template = templates.join("emails/introduction.txt.j2");
    std::fs::write(
        &template,
        "Hello {{ community }}\n\nDear {{ greeting|join(\", \") }}: {{ hours }} hours.\n",
    )
    .unwrap();
    let out = data.with_file_name("drafts");
    let templates_arg = templates.to_str().unwrap();
    emails(&data, &out, &["--as-of", "2026-09-20", "--templates", templates_arg]);
    let draft = &parse_drafts(&out)["introduction-alpha-2026-q4.eml"];
    assert_eq!(draft["subject"], "Hello Alpha Lab");
    assert_eq!(draft["body"], "Dear Rosa Díaz: 12 hours.\n");

    std::fs::write(&template, "Hello {{ community }}\nDear all\n").unwrap();
    let output = ces_report(&[
        "emails",
        data.to_str().unwrap(),
        "--as-of",
        "2026-09-20",
        "--out",
        out.to_str().unwrap(),
        "--templates",
        templates_arg,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).ends_with("error: template emails/introduction.txt.j2: expected the Subject on the first line, then a blank line, then the body\n"),
        "{}",
        text(&output.stderr)
    );
}

/// `ces-report emails …` with any outcome: (exit code, stdout, stderr).
fn emails_run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = ces_report(&[&["emails"][..], args].concat());
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn a_wrap_up_and_a_usage_email_attach_the_report_of_their_month_and_state_its_figures() {
    let data = alpha("month-report");
    let book = data.with_file_name("book");
    let output = ces_report(&[
        "render",
        data.to_str().unwrap(),
        "--month",
        "2026-12",
        "--out",
        book.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let pdf = std::fs::read(book.join("exports/communities/alpha-lab-2026-12.pdf")).unwrap();
    let out = data.with_file_name("drafts");
    let (data_arg, out_arg, book_arg) =
        (data.to_str().unwrap(), out.to_str().unwrap(), book.to_str().unwrap());
    let from = "2i2c Community Enablement Service <ces@2i2c.example.org>";
    let (code, _, stderr) = emails_run(&[
        data_arg,
        "--out",
        out_arg,
        "--book",
        book_arg,
        "--as-of",
        "2027-01-05",
        "--month",
        "2026-12",
        "--from",
        from,
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let drafts = parse_drafts(&out);
    assert_eq!(
        drafts.keys().collect::<Vec<_>>(),
        ["usage-alpha-lab-2026-12.eml", "wrap-up-alpha-2026-q4.eml"]
    );

    // Q4 ended on 2026-12-31, in the book's month: its wrap-up takes the report, and the hours
    // of the report (4 of 12 used as of 31 December), now expired.
    let wrap_up = &drafts["wrap-up-alpha-2026-q4.eml"];
    let body = wrap_up["body"].as_str().unwrap();
    assert!(body.contains("Of the 12 hours available, 4 were used and 8 expired unused when the period ended on 2026-12-31."), "{body}");
    assert!(
        body.contains(
            "The Community Enablement Service report for December 2026 is attached (alpha-lab-2026-12.pdf)."
        ),
        "{body}"
    );
    let attached = wrap_up["attachments"].as_array().unwrap();
    assert_eq!((attached.len(), attached[0]["filename"].as_str()), (1, Some("alpha-lab-2026-12.pdf")));
    assert!(std::fs::read(attached[0]["saved"].as_str().unwrap()).unwrap() == pdf);

    // The usage email: complete, from the service, To the Technical contact, Cc the
    // Administrative one, never Billing; the PDF byte for byte; the card's figures as of
    // 31 December: 8 h of Q4 left to use by then, Q1 2027's 12 h next, no work in December.
    let usage = &drafts["usage-alpha-lab-2026-12.eml"];
    assert_eq!(
        mailboxes(&usage["from"]),
        [pair("2i2c Community Enablement Service", "ces@2i2c.example.org")]
    );
    assert_eq!(mailboxes(&usage["to"]), [pair("Rosa Díaz", "rosa@alpha.example.org")]);
    assert_eq!(mailboxes(&usage["cc"]), [pair("Park, Lee", "lee@alpha.example.org")]);
    assert_eq!((usage["unsent"].as_str(), &usage["defects"]), (Some("None"), &serde_json::json!([])));
    assert_eq!(
        usage["subject"],
        "2i2c Community Enablement Service for Alpha Lab: your hours, December 2026"
    );
    let attached = usage["attachments"].as_array().unwrap();
    assert_eq!(attached.len(), 1);
    assert!(std::fs::read(attached[0]["saved"].as_str().unwrap()).unwrap() == pdf);
    assert_eq!(
        usage["body"].as_str().unwrap(),
        "Dear Rosa Díaz,

The Community Enablement Service report for Alpha Lab for December 2026 is attached (alpha-lab-2026-12.pdf). In short, as of 31 December 2026:

- Left to use now: 8 hours of Alpha 2026 Q4, to use by 31 December 2026.
- Coming next: 12 hours of Alpha 2027 Q1, from 1 January 2027.
- This month: we worked 0 hours with you in December 2026 (0 hours in November 2026).
- In all, since your agreement began: 24 h available: 4 h used, 8 h left to use now, 12 h not started yet, 0 h expired unused.

For you to act on:
- Alpha 2026 Q4 still has 8 h to use by 31 December 2026. Tell us what we can help with, so that they do not expire.

Hours do not roll over: hours not used by an allocation's end date expire.

To plan your hours or ask for help, reply to this email or write to Ana Silva and Ben Okafor.

2i2c Community Enablement Service
"
    );

    // Usage emails need a From; a book of another month is not this month's.
    let (code, _, stderr) = emails_run(&[
        data_arg,
        "--out",
        out_arg,
        "--book",
        book_arg,
        "--as-of",
        "2027-01-05",
        "--month",
        "2026-12",
    ]);
    assert_eq!((code, stderr.as_str()), (Some(1), "error: usage emails are sent as they are and need a From: give --from or set email_from in settings.toml\n"));
    let (code, _, stderr) =
        emails_run(&[data_arg, "--out", out_arg, "--book", book_arg, "--month", "2026-11", "--from", from]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("--month 2026-11: the book in")
            && stderr.contains("reports December 2026 (2026-12), not November 2026"),
        "{stderr}"
    );

    // A wrap-up of a later month never takes this book's report: as of 2027-04-02, Q1 2027
    // ended in March.
    let (code, _, stderr) =
        emails_run(&[data_arg, "--out", out_arg, "--book", book_arg, "--as-of", "2027-04-02"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("warning: the wrap-up of allocation \"Alpha 2027 Q1\" has no report attached: the allocation ended in March 2027, the book's report is for December 2026\n"), "{stderr}");
    assert_eq!(parse_drafts(&out)["wrap-up-alpha-2027-q1.eml"]["attachments"], serde_json::json!([]));

    // A PDF swapped for a symlink (here to a file outside the book) is never attached.
    let pdf_path = book.join("exports/communities/alpha-lab-2026-12.pdf");
    std::fs::remove_file(&pdf_path).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", &pdf_path).unwrap();
    let (code, _, stderr) =
        emails_run(&[data_arg, "--out", out_arg, "--book", book_arg, "--as-of", "2027-01-05"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: no report for community \"Alpha Lab\": ")
            && stderr.contains("alpha-lab-2026-12.pdf is not a regular file; no email attaches one"),
        "{stderr}"
    );
    assert_eq!(parse_drafts(&out)["wrap-up-alpha-2026-q4.eml"]["attachments"], serde_json::json!([]));

    // Exports changed since the book was made: its PDF would not say what the email says.
    std::fs::write(
        data.join("activities.csv"),
        std::fs::read_to_string(data.join("activities.csv")).unwrap()
            + "Alpha 2026 Q4,Ana Silva,1,Call,12/1/2026,,\n",
    )
    .unwrap();
    let (code, _, stderr) =
        emails_run(&[data_arg, "--out", out_arg, "--book", book_arg, "--as-of", "2027-01-05"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("was made from another activities.csv than the one in"), "{stderr}");
}

#[test]
fn one_hour_reads_in_the_singular_and_more_in_the_plural() {
    // Q4 has 2 h, of which 1 h is used on 2026-10-05.
    let data = alpha("singular");
    let allocations = std::fs::read_to_string(data.join("allocations.csv"))
        .unwrap()
        .replace(",12,Ana Silva", ",2,Ana Silva");
    std::fs::write(data.join("allocations.csv"), allocations).unwrap();
    let activities = "Allocation,Team member,Units,Description,Start date,End date,Created\nAlpha 2026 Q4,Ana Silva,1,Kick-off call,10/5/2026,,10/5/2026 3:00pm\n";
    std::fs::write(data.join("activities.csv"), activities).unwrap();
    let out = data.with_file_name("drafts");
    emails(&data, &out, &["--as-of", "2026-12-28"]);
    let body = parse_drafts(&out)["wrap-up-alpha-2026-q4.eml"]["body"].as_str().unwrap().to_string();
    assert!(
        body.contains("Of the 2 hours available, 1 has been used so far and 1 is left until 2026-12-31."),
        "{body}"
    );
    emails(&data, &out, &["--as-of", "2027-01-05"]);
    let body = parse_drafts(&out)["wrap-up-alpha-2026-q4.eml"]["body"].as_str().unwrap().to_string();
    assert!(
        body.contains(
            "Of the 2 hours available, 1 was used and 1 expired unused when the period ended on 2026-12-31."
        ),
        "{body}"
    );

    let allocations = std::fs::read_to_string(data.join("allocations.csv"))
        .unwrap()
        .replace(",2,Ana Silva", ",1,Ana Silva");
    std::fs::write(data.join("allocations.csv"), allocations).unwrap();
    emails(&data, &out, &["--as-of", "2027-01-05"]);
    let body = parse_drafts(&out)["wrap-up-alpha-2026-q4.eml"]["body"].as_str().unwrap().to_string();
    assert!(body.contains("Of the 1 hour available, 1 was used. Hours do not roll over"), "{body}");
    emails(&data, &out, &["--as-of", "2026-09-20"]);
    let draft = &parse_drafts(&out)["introduction-alpha-2026-q4.eml"];
    assert_eq!(
        draft["subject"],
        "2i2c Community Enablement Service for Alpha Lab: up to 1 hour from 2026-10-01 to 2026-12-31"
    );
    assert!(draft["body"].as_str().unwrap().contains("(up to 1 hour) between"), "{}", draft["body"]);
    for draft in parse_drafts(&out).values() {
        assert!(!draft["body"].as_str().unwrap().contains(" 1 were "), "{draft}");
    }
}
