//! `pull` against a stand-in for Airtable's Web API, written here from its documentation: pages
//! of at most 100 records followed by `offset`, empty fields absent from a record, a bearer
//! token, tables by name or `tbl…` id, views, 401/404/422/429/503 answers. It serves
//! `sample-data/` as a base; the pull must give the same figures as the CSVs, and the token
//! must appear nowhere.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::{ces_report, files_under, root, temp_folder, text};

const TOKEN: &str = "patSECRETtoken.0123456789abcdef";
const BASE: &str = "appSAMPLE0000001";

/// The tables of `folder` as the API serves them: (name, records of field → text).
fn tables(folder: &Path) -> BTreeMap<String, Vec<BTreeMap<String, String>>> {
    let mut tables = BTreeMap::new();
    for (name, file) in [
        ("Engagements", "engagements.csv"),
        ("Projects", "projects.csv"),
        ("Allocations", "allocations.csv"),
        ("Activities", "activities.csv"),
        ("Contacts", "contacts.csv"),
        ("Capacity", "capacity.csv"),
    ] {
        let mut reader = csv::Reader::from_path(folder.join(file)).unwrap();
        let headers: Vec<String> =
            reader.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
        let records = reader
            .records()
            .map(|record| {
                let record = record.unwrap();
                // An empty field is absent from a record, as the API leaves it out.
                headers
                    .iter()
                    .zip(record.iter())
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(h, v)| (h.clone(), v.to_string()))
                    .collect()
            })
            .collect();
        tables.insert(name.to_string(), records);
    }
    tables
}

/// The id the stand-in gives the Activities table, as Airtable's `tbl…` ids look.
const ACTIVITIES_ID: &str = "tblActivities00001";
/// The one view the stand-in's Activities table has besides the whole table: the activities
/// that started in October.
const OCTOBER_VIEW: &str = "Started in October";

/// Serves the API on loopback: every request is counted; the first page request of Activities
/// gets a 429 and the first of Projects a 503, as a busy Airtable would answer.
fn stand_in(tables: BTreeMap<String, Vec<BTreeMap<String, String>>>) -> (u16, Arc<AtomicUsize>) {
    slow_stand_in(tables, std::time::Duration::ZERO)
}

/// [`stand_in`], each answer `delay` late.
fn slow_stand_in(
    tables: BTreeMap<String, Vec<BTreeMap<String, String>>>,
    delay: std::time::Duration,
) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    std::thread::spawn(move || {
        let (mut limited, mut failed) = (false, false);
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let (status, body) = answer(&stream, &tables, &mut limited, &mut failed);
            std::thread::sleep(delay);
            let mut stream = stream;
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    (port, requests)
}

fn answer(
    stream: &TcpStream,
    tables: &BTreeMap<String, Vec<BTreeMap<String, String>>>,
    limited: &mut bool,
    failed: &mut bool,
) -> (&'static str, String) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let mut authorised = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if line.to_lowercase().starts_with("authorization:") {
            authorised = line.trim_end() == format!("Authorization: Bearer {TOKEN}")
                || line.trim_end() == format!("authorization: Bearer {TOKEN}");
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !authorised {
        return (
            "401 Unauthorized",
            r#"{"error":{"type":"AUTHENTICATION_REQUIRED","message":"Authentication required"}}"#.to_string(),
        );
    }
    let parts: Vec<&str> = path.split('/').collect();
    let (Some(base), Some(table)) = (parts.get(2), parts.get(3)) else {
        return ("404 Not Found", r#"{"error":"NOT_FOUND"}"#.to_string());
    };
    let table = match table.replace("%20", " ") {
        id if id == ACTIVITIES_ID => "Activities".to_string(),
        name => name,
    };
    let Some(records) = tables.get(&table).filter(|_| *base == BASE) else {
        return (
            "404 Not Found",
            r#"{"error":{"type":"TABLE_NOT_FOUND","message":"Could not find table"}}"#.to_string(),
        );
    };
    let params: BTreeMap<&str, &str> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    assert_eq!(
        (params.get("cellFormat"), params.get("pageSize")),
        (Some(&"string"), Some(&"100")),
        "{query}"
    );
    let records: Vec<&BTreeMap<String, String>> = match params.get("view").map(|v| v.replace("%20", " ")) {
        None => records.iter().collect(),
        Some(view) if table == "Activities" && view == OCTOBER_VIEW => {
            records.iter().filter(|fields| fields["Start date"].starts_with("10/")).collect()
        }
        Some(_) => {
            return (
                "422 Unprocessable Entity",
                r#"{"error":{"type":"VIEW_NAME_NOT_FOUND","message":"Could not find view"}}"#.to_string(),
            )
        }
    };
    if table == "Activities" && !*limited {
        *limited = true;
        return ("429 Too Many Requests", r#"{"errors":[{"error":"RATE_LIMIT_REACHED"}]}"#.to_string());
    }
    if table == "Projects" && !*failed {
        *failed = true;
        return ("503 Service Unavailable", "{}".to_string());
    }
    let start: usize = params.get("offset").map_or(0, |o| o.trim_start_matches("itr").parse().unwrap());
    let page: Vec<serde_json::Value> = records
        .iter()
        .enumerate()
        .skip(start)
        .take(100)
        .map(|(i, fields)| serde_json::json!({"id": format!("rec{i:014}"), "createdTime": "2026-11-01T09:00:00.000Z", "fields": fields}))
        .collect();
    let mut body = serde_json::json!({ "records": page });
    if start + 100 < records.len() {
        body["offset"] = serde_json::json!(format!("itr{}", start + 100));
    }
    ("200 OK", body.to_string())
}

/// `pull` of the stand-in's base into `out` with `token`, the 429 wait cut to 20 ms.
fn pull_command(port: u16, out: &Path, token: &str) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ces-report"));
    command
        .args(["pull", "--base", BASE, "--out", out.to_str().unwrap()])
        .args(["--api-url", &format!("http://127.0.0.1:{port}")])
        .env("AIRTABLE_TOKEN", token)
        .env("CES_AIRTABLE_RATE_LIMIT_WAIT_MS", "20");
    command
}

fn pull(port: u16, out: &Path, token: &str) -> std::process::Output {
    pull_command(port, out, token).output().unwrap()
}

#[test]
fn a_pull_gives_the_figures_of_the_exports_and_never_shows_the_token() {
    let sample = root().join("sample-data");
    let (port, requests) = stand_in(tables(&sample));
    let out = temp_folder("pull").join("exports");
    let output = pull(port, &out, TOKEN);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    // 523 activities: 6 pages; one 429 and one 503 retried; 6 tables.
    assert!(
        stderr.contains("pulled 10 engagements, 18 projects, 67 allocations, 523 activities, "),
        "{stderr}"
    );
    assert!(requests.load(Ordering::SeqCst) >= 6 + 5 + 2, "paged and retried");
    let settings = sample.join("settings.toml");
    let summary = |folder: &Path| {
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
    };
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
    let output = pull(port, &out, "patWRONG");
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error: Airtable refused the token in AIRTABLE_TOKEN (401)"), "{stderr}");
    assert!(!stderr.contains("patWRONG"));
    assert!(files_under(&out, &|_| false) == before, "a failed pull changed the folder");
}

fn pull_with(port: u16, out: &Path, settings: &Path) -> std::process::Output {
    pull_command(port, out, TOKEN).args(["--settings", settings.to_str().unwrap()]).output().unwrap()
}

#[test]
fn the_settings_name_each_table_by_name_or_id_and_a_view() {
    let sample = root().join("sample-data");
    let (port, _) = stand_in(tables(&sample));
    let folder = temp_folder("pull-settings");
    let out = folder.join("exports");
    let settings = folder.join("settings.toml");
    std::fs::write(
        &settings,
        format!("[airtable.activities]\ntable = \"{ACTIVITIES_ID}\"\nview = \"{OCTOBER_VIEW}\"\n"),
    )
    .unwrap();
    let output = pull_with(port, &out, &settings);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let october = tables(&sample)["Activities"].iter().filter(|a| a["Start date"].starts_with("10/")).count();
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
        let output = pull_with(port, &out, &settings);
        assert_eq!((output.status.code(), text(&output.stderr).as_str()), (Some(1), expected));
        assert!(files_under(&out, &|_| false) == before, "a failed pull changed the folder");
    }
    // The default place for the settings is the --out folder itself: a first pull into a
    // folder holding only settings.toml is allowed, and leaves the file as it was.
    let fresh = folder.join("fresh");
    std::fs::create_dir_all(&fresh).unwrap();
    let in_folder = format!("[airtable.activities]\nview = \"{OCTOBER_VIEW}\"\n");
    std::fs::write(fresh.join("settings.toml"), &in_folder).unwrap();
    let output = pull(port, &fresh, TOKEN);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(csv::Reader::from_path(fresh.join("activities.csv")).unwrap().records().count(), october);
    assert_eq!(std::fs::read_to_string(fresh.join("settings.toml")).unwrap(), in_folder);

    std::fs::write(&settings, "[airtable.activity]\nview = \"Grid\"\n").unwrap();
    let output = pull_with(port, &out, &settings);
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
    let (port, _) = stand_in(tables(&sample));
    assert!(pull(port, &out, TOKEN).status.success());
    let old = files_under(&out, &|_| false);
    // The new base has one activity fewer, and answers slowly enough to be killed mid-pull.
    let mut fewer = tables(&sample);
    fewer.get_mut("Activities").unwrap().pop();
    let (slow, _) = slow_stand_in(fewer, std::time::Duration::from_millis(40));
    let start = std::time::Instant::now();
    let output = pull(slow, &folder.join("reference"), TOKEN);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let whole = start.elapsed();
    let new = files_under(&folder.join("reference"), &|name| !name.ends_with(".csv"));
    assert_ne!(new["activities.csv"], old["activities.csv"]);
    for fraction in [0.1, 0.4, 0.7, 0.9, 0.97, 1.0] {
        let mut child = pull_command(slow, &out, TOKEN).stderr(std::process::Stdio::null()).spawn().unwrap();
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
    let output = pull(slow, &out, TOKEN);
    assert!(output.status.success(), "the pull after the kills: {}", text(&output.stderr));
    let after: BTreeMap<String, Vec<u8>> = files_under(&out, &|name| !name.ends_with(".csv"));
    assert!(after == new, "the pull after the kills is not the new base");
}
