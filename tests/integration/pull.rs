//! `pull` against a stand-in for Airtable's Web API, written here from its documentation: pages
//! of at most 100 records followed by `offset`, empty fields absent from a record, a bearer
//! token, 401/404/429/503 answers. It serves `sample-data/` as a base; the pull must give the
//! same figures as the CSVs, and the token must appear nowhere.

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

/// Serves the API on loopback: every request is counted; the first page request of Activities
/// gets a 429 and the first of Projects a 503, as a busy Airtable would answer.
fn stand_in(tables: BTreeMap<String, Vec<BTreeMap<String, String>>>) -> (u16, Arc<AtomicUsize>) {
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
    let table = table.replace("%20", " ");
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

fn pull(port: u16, out: &Path, token: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ces-report"))
        .args([
            "pull",
            "--base",
            BASE,
            "--out",
            out.to_str().unwrap(),
            "--api-url",
            &format!("http://127.0.0.1:{port}"),
        ])
        .env("AIRTABLE_TOKEN", token)
        .env("CES_AIRTABLE_RATE_LIMIT_WAIT_MS", "20")
        .output()
        .unwrap()
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
