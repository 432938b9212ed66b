//! `pull` against `scripts/airtable-stand-in.py`, the stand-in for Airtable's Web API written
//! from its documentation (pages of at most 100 records followed by `offset`, `cellFormat=json`
//! with linked records as record ids, the metadata API, a bearer token, tables by name or
//! `tbl…` id, views, 401/403/404/422/429/503 answers, 5 requests a second), with faults
//! injected: a silent server, an offset served twice, a record id served twice, a connection
//! dropped mid-body, empty tables and fields. It serves `sample-data/` (or a changed copy) as a
//! base; a pull must give the same figures and recipients as the CSVs, and the token must
//! appear nowhere.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{ces_report, files_under, root, temp_folder, text};

const TOKEN: &str = "patSECRETtoken.0123456789abcdef";
const BASE: &str = "appSAMPLE0000001";
/// The id the stand-in gives the Activities table in the settings test.
const ACTIVITIES_ID: &str = "tblActivities00001";
/// A view of Activities: the activities that started in October.
const OCTOBER_VIEW: &str = "Started in October";

/// The stand-in, serving `folder` with `options` (its command-line flags); ended on drop.
pub(crate) struct StandIn {
    child: Child,
    pub(crate) port: u16,
}

impl StandIn {
    pub(crate) fn start(folder: &Path, options: &[&str]) -> StandIn {
        let mut child = Command::new("python3")
            .arg(root().join("scripts/airtable-stand-in.py"))
            .arg(folder)
            .args(["--base", BASE, "--token", TOKEN])
            // Pulls one after the other may meet the limit (a new pull knows nothing of the
            // last one's requests): a lockout shorter than the pulls' wait after a 429.
            .args(["--lockout-ms", "20"])
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the stand-in");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("listening on ").expect("the stand-in started").parse().unwrap();
        StandIn { child, port }
    }

    /// (requests answered, of which 429s).
    pub(crate) fn stats(&self) -> (u64, u64) {
        let mut response =
            ureq::get(&format!("http://127.0.0.1:{}/_stand-in/stats", self.port)).call().unwrap();
        let stats: serde_json::Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        (stats["requests"].as_u64().unwrap(), stats["rate_limited"].as_u64().unwrap())
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `pull` of the stand-in's base into `out` with `token`, short waits for a 429 (longer than
/// the stand-in's lockout, as Airtable's 30 s are) and short time limits.
fn pull_command(api: &str, out: &Path, token: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ces-report"));
    command
        .args(["pull", "--base", BASE, "--out", out.to_str().unwrap()])
        .args(["--api-url", api])
        .env("AIRTABLE_TOKEN", token)
        .env("CES_AIRTABLE_RATE_LIMIT_WAIT_MS", "300")
        .env("CES_AIRTABLE_TIMEOUT_MS", "3000")
        .env("CES_AIRTABLE_RETRY_BUDGET_MS", "6000");
    command
}

fn pull(stand_in: &StandIn, out: &Path) -> std::process::Output {
    pull_command(&stand_in.url(), out, TOKEN).output().unwrap()
}

/// `summary --format json` of a data folder with the sample's settings.
fn summary(folder: &Path) -> String {
    let settings = root().join("sample-data/settings.toml");
    let output = ces_report(&[
        "summary",
        folder.to_str().unwrap(),
        "--settings",
        settings.to_str().unwrap(),
        "--as-of",
        "2026-10-31",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

/// A copy of `sample-data/`'s CSV files, each cell passed through `change(file, column, cell)`.
fn changed_sample(name: &str, change: &dyn Fn(&str, &str, &str) -> String) -> PathBuf {
    let folder = temp_folder(name);
    for file in ["engagements", "projects", "allocations", "activities", "contacts", "capacity"] {
        let file = format!("{file}.csv");
        let mut reader = csv::Reader::from_path(root().join("sample-data").join(&file)).unwrap();
        let headers: Vec<String> =
            reader.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        let mut writer = csv::Writer::from_path(folder.join(&file)).unwrap();
        writer.write_record(&headers).unwrap();
        for record in reader.records() {
            let record = record.unwrap();
            let row: Vec<String> =
                headers.iter().zip(record.iter()).map(|(column, cell)| change(&file, column, cell)).collect();
            writer.write_record(&row).unwrap();
        }
        writer.flush().unwrap();
    }
    folder
}

#[test]
fn a_pull_gives_the_figures_of_the_exports_and_never_shows_the_token() {
    let sample = root().join("sample-data");
    let stand_in = StandIn::start(&sample, &["--first-429", "Activities", "--first-503", "Projects"]);
    let out = temp_folder("pull").join("exports");
    let output = pull(&stand_in, &out);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    // 523 activities: 6 pages; one 429 and one 503 retried; 6 tables and the metadata.
    assert!(
        stderr.contains("pulled 10 engagements, 18 projects, 67 allocations, 523 activities, "),
        "{stderr}"
    );
    let (requests, rate_limited) = stand_in.stats();
    assert!(requests > 6 + 5 + 2, "paged and retried: {requests}");
    assert_eq!(rate_limited, 1, "only the 429 served on purpose: the pacing never meets the limit");
    assert_eq!(summary(&out), summary(&sample));
    let pulled: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("pull.json")).unwrap()).unwrap();
    assert_eq!((pulled["base"].as_str(), pulled["tables"].as_array().unwrap().len()), (Some(BASE), 6));
    for (path, bytes) in files_under(&out, &|_| false) {
        assert!(!String::from_utf8_lossy(&bytes).contains(TOKEN), "{path} holds the token");
    }
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));

    // A wrong token: one clear line, the token not in it, the folder as it was.
    let before = files_under(&out, &|_| false);
    let output = pull_command(&stand_in.url(), &out, "patWRONG").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: Airtable refused the token in AIRTABLE_TOKEN (401)"), "{stderr}");
    assert!(!stderr.contains("patWRONG"));
    assert!(files_under(&out, &|_| false) == before, "a failed pull changed the folder");
}

fn pull_with(stand_in: &StandIn, out: &Path, settings: &Path) -> std::process::Output {
    pull_command(&stand_in.url(), out, TOKEN)
        .args(["--settings", settings.to_str().unwrap()])
        .output()
        .unwrap()
}

#[test]
fn the_settings_name_each_table_by_name_or_id_and_a_view() {
    let sample = root().join("sample-data");
    let view = format!("Activities/{OCTOBER_VIEW}/Start date/10/");
    let stand_in =
        StandIn::start(&sample, &["--table-id", &format!("Activities={ACTIVITIES_ID}"), "--view", &view]);
    let folder = temp_folder("pull-settings");
    let out = folder.join("exports");
    let settings = folder.join("settings.toml");
    std::fs::write(
        &settings,
        format!("[airtable.activities]\ntable = \"{ACTIVITIES_ID}\"\nview = \"{OCTOBER_VIEW}\"\n"),
    )
    .unwrap();
    let output = pull_with(&stand_in, &out, &settings);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let october = csv::Reader::from_path(sample.join("activities.csv"))
        .unwrap()
        .records()
        .filter(|r| r.as_ref().unwrap()[1].starts_with("10/"))
        .count();
    assert_eq!(october, 38, "the sample's activities with an October start date (523 in all)");
    let pulled = csv::Reader::from_path(out.join("activities.csv")).unwrap().records().count();
    assert_eq!(pulled, october);
    let record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("pull.json")).unwrap()).unwrap();
    assert_eq!(record["tables"][3]["table"], ACTIVITIES_ID);
    assert_eq!(record["tables"][3]["view"], OCTOBER_VIEW);
    assert_eq!(record["tables"][0]["table"], "Engagements");
    assert!(record["tables"][0].get("view").is_none());

    // A view or a table the base does not have, and a key that names no table: one line each,
    // naming what to fix; the folder as it was.
    let before = files_under(&out, &|_| false);
    let cases = [
        (
            "[airtable.activities]\nview = \"Grid\"\n",
            "error: table Activities has no view \"Grid\" (422): check `view` under [airtable.activities] in the settings\n",
        ),
        (
            "[airtable.projects]\ntable = \"Project list\"\n",
            "error: base appSAMPLE0000001 has no table \"Project list\" (404): check the base id, and the table's name or id (`table` under [airtable.projects] in the settings)\n",
        ),
    ];
    for (toml, expected) in cases {
        std::fs::write(&settings, toml).unwrap();
        let output = pull_with(&stand_in, &out, &settings);
        assert_eq!((output.status.code(), text(&output.stderr).as_str()), (Some(1), expected));
        assert!(files_under(&out, &|_| false) == before, "a failed pull changed the folder");
    }
    // The default place for the settings is the --out folder itself: a first pull into a
    // folder holding only settings.toml is allowed, and leaves the file as it was.
    let fresh = folder.join("fresh");
    std::fs::create_dir_all(&fresh).unwrap();
    let in_folder = format!("[airtable.activities]\nview = \"{OCTOBER_VIEW}\"\n");
    std::fs::write(fresh.join("settings.toml"), &in_folder).unwrap();
    let output = pull(&stand_in, &fresh);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(csv::Reader::from_path(fresh.join("activities.csv")).unwrap().records().count(), october);
    assert_eq!(std::fs::read_to_string(fresh.join("settings.toml")).unwrap(), in_folder);

    std::fs::write(&settings, "[airtable.activity]\nview = \"Grid\"\n").unwrap();
    let output = pull_with(&stand_in, &out, &settings);
    assert_eq!(
        text(&output.stderr),
        format!(
            "error: {} is not valid: [airtable.activity]: unknown table \"activity\": expected one of engagements, projects, allocations, activities, contacts, capacity\n",
            settings.display()
        )
    );
}

/// A pull killed at any moment leaves `--out` with the complete earlier pull or the complete
/// new one, and the next pull succeeds.
#[test]
fn a_pull_killed_at_any_moment_leaves_the_folder_whole() {
    let sample = root().join("sample-data");
    let folder = temp_folder("pull-killed");
    let out = folder.join("exports");
    let stand_in = StandIn::start(&sample, &[]);
    assert!(pull(&stand_in, &out).status.success());
    let old = files_under(&out, &|_| false);
    // The new base has one activity fewer, and answers slowly enough to be killed mid-pull.
    let fewer = changed_sample("pull-killed-base", &|_, _, cell| cell.to_string());
    let activities = std::fs::read_to_string(fewer.join("activities.csv")).unwrap();
    let mut rows: Vec<String> = csv_rows(&activities);
    rows.pop();
    std::fs::write(fewer.join("activities.csv"), rows.concat()).unwrap();
    let slow = StandIn::start(&fewer, &["--delay-ms", "40"]);
    let start = Instant::now();
    let output = pull(&slow, &folder.join("reference"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let whole = start.elapsed();
    let new = files_under(&folder.join("reference"), &|name| !name.ends_with(".csv"));
    assert_ne!(new["activities.csv"], old["activities.csv"]);
    for fraction in [0.1, 0.4, 0.7, 0.9, 0.97, 1.0] {
        let mut child =
            pull_command(&slow.url(), &out, TOKEN).stderr(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(whole.mul_f64(fraction));
        let _ = child.kill();
        let _ = child.wait();
        let now = files_under(&out, &|_| false);
        let csvs: BTreeMap<String, Vec<u8>> = now
            .iter()
            .filter(|(name, _)| name.ends_with(".csv"))
            .map(|(n, b)| (n.clone(), b.clone()))
            .collect();
        assert!(
            now == old || (csvs == new && now.contains_key("pull.json")),
            "killed at {fraction} of a pull: the folder is neither the old pull nor the new one: {:?}",
            now.keys().collect::<Vec<_>>()
        );
    }
    let output = pull(&slow, &out);
    assert!(output.status.success(), "the pull after the kills: {}", text(&output.stderr));
    let after: BTreeMap<String, Vec<u8>> = files_under(&out, &|name| !name.ends_with(".csv"));
    assert!(after == new, "the pull after the kills is not the new base");
}

/// The records of a CSV text, each with its line break (a quoted cell may hold several lines).
fn csv_rows(text: &str) -> Vec<String> {
    let mut rows = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        current.push_str(line);
        if current.matches('"').count() % 2 == 0 {
            rows.push(std::mem::take(&mut current));
        }
    }
    rows
}

/// A name as Airtable's CSV export writes it in a linked-record cell: in double quotes when it
/// holds a comma or a quote.
fn quoted(name: &str) -> String {
    if name.contains([',', '"']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

/// The sample's engagements renamed with commas and quotes, in every place that names one: a
/// hand export of such a base.
fn comma_names() -> PathBuf {
    let rename = |name: &str| match name {
        "Tidewater Ocean Lab 2025 Premier Tier" => "Tidewater Ocean Lab, 2025, \"Premier\" Tier".to_string(),
        "Saltmarsh Ecology Network 2025 Essential Tier" => "Saltmarsh, Ecology Network 2025".to_string(),
        other => other.to_string(),
    };
    changed_sample("pull-comma-names", &move |file, column, cell| match (file, column) {
        ("engagements.csv", "Engagement name") => rename(cell),
        ("projects.csv", "Engagement") | ("contacts.csv", "Engagement") => {
            let names = ces_report::load::cells::split_links(cell);
            names.iter().map(|name| quoted(&rename(name))).collect::<Vec<_>>().join(",")
        }
        _ => cell.to_string(),
    })
}

/// The recipients of each community's usage email in the manifest `build` writes for `data`.
fn recipients(data: &Path, out: &Path) -> Vec<(String, String, String)> {
    let settings = root().join("sample-data/settings.toml");
    let output =
        crate::support::build(data, out, &["--month", "2026-10", "--settings", settings.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("exports/manifest.json")).unwrap()).unwrap();
    manifest["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| (entry["community"].to_string(), entry["to"].to_string(), entry["cc"].to_string()))
        .collect()
}

/// Linked records are read as record ids and written as the linked record's name, quoted as
/// Airtable's export quotes it: a contact linked to two engagements whose names hold commas
/// and quotes is linked to exactly those two, with or without the metadata API.
#[test]
fn names_with_commas_link_as_in_the_csv_export() {
    let hand = comma_names();
    let folder = temp_folder("pull-comma-names-out");
    let expected = recipients(&hand, &folder.join("hand-book"));
    let tidewater = expected.iter().find(|(community, ..)| community.contains("Tidewater")).unwrap();
    assert!(tidewater.1.contains("marisol.vega@") && tidewater.2.contains("i.achterberg@"), "{tidewater:?}");
    for (label, options) in [("metadata", &[][..]), ("no-metadata", &["--no-metadata"][..])] {
        let stand_in = StandIn::start(&hand, options);
        let out = folder.join(label);
        let output = pull(&stand_in, &out);
        assert!(output.status.success(), "{label}: {}", text(&output.stderr));
        assert_eq!(recipients(&out, &folder.join(format!("{label}-book"))), expected, "{label}");
        assert_eq!(summary(&out), summary(&hand), "{label}");
    }
}

/// Columns come from the table's fields (the metadata API), or without it from the columns
/// each table must have: an empty table or a field empty in every record still gives a CSV
/// that `check` accepts.
#[test]
fn an_empty_table_or_field_still_gives_readable_exports() {
    let blank_descriptions = changed_sample("pull-blank-field", &|file, column, cell| match (file, column) {
        ("engagements.csv", "Engagement description") => String::new(),
        _ => cell.to_string(),
    });
    let check = |folder: &Path| ces_report(&["check", folder.to_str().unwrap()]);
    assert_eq!(
        check(&blank_descriptions).status.code(),
        Some(0),
        "{}",
        text(&check(&blank_descriptions).stderr)
    );
    let folder = temp_folder("pull-empty");
    for (label, options) in [("metadata", &[][..]), ("no-metadata", &["--no-metadata"][..])] {
        let stand_in =
            StandIn::start(&root().join("sample-data"), &[&["--empty", "Capacity"], options].concat());
        let out = folder.join(format!("capacity-{label}"));
        let output = pull(&stand_in, &out);
        assert!(output.status.success(), "{label}: {}", text(&output.stderr));
        let capacity = std::fs::read_to_string(out.join("capacity.csv")).unwrap();
        assert!(capacity.starts_with("Effective from,Hours per working day"), "{label}: {capacity:?}");
        let checked = check(&out);
        assert_eq!(checked.status.code(), Some(0), "{label}: {}", text(&checked.stderr));

        let stand_in = StandIn::start(&blank_descriptions, options);
        let out = folder.join(format!("field-{label}"));
        let output = pull(&stand_in, &out);
        assert!(output.status.success(), "{label}: {}", text(&output.stderr));
        let checked = check(&out);
        assert_eq!(checked.status.code(), Some(0), "{label}: {}", text(&checked.stderr));
    }
}

/// A base that serves a record twice, repeats an offset, or cuts a page off: the first two
/// are errors naming the table, and the folder is left as it was; the cut page is retried.
#[test]
fn pages_that_cannot_be_right_are_errors_and_a_cut_page_is_retried() {
    let sample = root().join("sample-data");
    let out = temp_folder("pull-pages").join("exports");
    let good = StandIn::start(&sample, &[]);
    assert!(pull(&good, &out).status.success());
    let before = files_under(&out, &|_| false);
    let cases = [
        (
            "--duplicate-record",
            "error: table Activities: Airtable sent record rec30000000000000 twice; nothing was written: try again later\n",
        ),
        (
            "--repeat-offset",
            "error: table Activities: Airtable sent the same page offset twice, which would page forever; nothing was written: try again later\n",
        ),
    ];
    for (fault, expected) in cases {
        let stand_in = StandIn::start(&sample, &[fault, "Activities"]);
        let started = Instant::now();
        let output = pull(&stand_in, &out);
        assert_eq!((output.status.code(), text(&output.stderr).as_str()), (Some(1), expected), "{fault}");
        assert!(started.elapsed() < Duration::from_secs(30), "{fault}");
        assert!(files_under(&out, &|_| false) == before, "{fault} changed the folder");
    }
    let cut = StandIn::start(&sample, &["--drop-mid-body", "Activities", "--drop-mid-body", "Engagements"]);
    let output = pull(&cut, &out);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(summary(&out), summary(&sample));
}

/// A server that accepts and never answers: with the default limits, exit 1 well within two
/// minutes, and the folder as it was.
#[test]
fn a_silent_server_ends_the_pull_within_two_minutes() {
    let out = temp_folder("pull-silent").join("exports");
    let good = StandIn::start(&root().join("sample-data"), &[]);
    assert!(pull(&good, &out).status.success());
    let before = files_under(&out, &|_| false);
    let silent = StandIn::start(&root().join("sample-data"), &["--silent"]);
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args(["pull", "--base", BASE, "--out", out.to_str().unwrap(), "--api-url", &silent.url()])
        .env("AIRTABLE_TOKEN", TOKEN)
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(took < Duration::from_secs(120), "took {took:?}");
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: Airtable did not answer"), "{stderr}");
    assert!(files_under(&out, &|_| false) == before, "a failed pull changed the folder");
}

/// What can be checked before the first request is: a token with a line break in it, an
/// `--out` that is a file, credentials in `--api-url` (never echoed nor written).
#[test]
fn the_token_the_folder_and_the_address_are_checked_before_any_request() {
    let stand_in = StandIn::start(&root().join("sample-data"), &[]);
    let folder = temp_folder("pull-checked");
    let file = folder.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let started = Instant::now();
    let output =
        pull_command(&stand_in.url(), &folder.join("exports"), &format!("{TOKEN}\nmore")).output().unwrap();
    assert_eq!(
        (output.status.code(), text(&output.stderr).as_str()),
        (Some(1), "error: AIRTABLE_TOKEN holds a line break or another control character: set it to the token alone\n")
    );
    let output = pull_command(&stand_in.url(), &file, TOKEN).output().unwrap();
    assert_eq!(
        (output.status.code(), text(&output.stderr)),
        (Some(1), format!("error: {} is not a folder; choose a folder for the output\n", file.display()))
    );
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(stand_in.stats().0, 0, "no request was made");

    let with_credentials = format!("http://someone:hunter2secret@127.0.0.1:{}", stand_in.port);
    let out = folder.join("exports");
    let output = pull_command(&with_credentials, &out, TOKEN).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let pulled = std::fs::read_to_string(out.join("pull.json")).unwrap();
    assert!(!pulled.contains("hunter2secret") && !text(&output.stderr).contains("hunter2secret"), "{pulled}");
    let output = pull_command("https://someone:hunter2secret@", &out, TOKEN).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!text(&output.stderr).contains("hunter2secret"), "{}", text(&output.stderr));
}
