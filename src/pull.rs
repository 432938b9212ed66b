//! The edge that reads a base from Airtable's Web API and turns each table into the CSV file its
//! export would be, so every other command reads a pull as it reads a hand export.
//!
//! Records are listed with `cellFormat=string` (`timeZone=UTC`, `userLocale=en-us`): Airtable
//! then writes every cell as its CSV export does (dates as 1/2/2025, linked records by their
//! names, multiple selects joined), so no cell is re-formatted here. Pages hold at most 100
//! records and are followed by `offset`; a field missing from a record is an empty cell.
//! Requests are paced to Airtable's 5 per second; a 429 waits and retries, a 5xx or a dropped
//! connection retries with backoff, a 422 iterator error restarts the table, each a bounded
//! number of times. The token is sent in a header and never printed.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::file_plan::Plan;
use crate::settings::AirtableTable;

/// Airtable's API.
pub const DEFAULT_API: &str = "https://api.airtable.com";

/// (its key in `[airtable.KEY]`, its default name in the base, the file it is written to,
/// whether a base must have it).
pub const TABLES: [(&str, &str, &str, bool); 6] = [
    ("engagements", "Engagements", "engagements.csv", true),
    ("projects", "Projects", "projects.csv", true),
    ("allocations", "Allocations", "allocations.csv", true),
    ("activities", "Activities", "activities.csv", true),
    ("contacts", "Contacts", "contacts.csv", false),
    ("capacity", "Capacity", "capacity.csv", false),
];

/// Where one table is read from: its name or id in the base and an optional view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    /// Its key in `[airtable.KEY]`, for messages.
    #[serde(skip)]
    pub key: &'static str,
    pub table: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
}

/// Each table's source: the default name, or what `[airtable.KEY]` gives. An unknown key or
/// an empty or multi-line name is an error naming the key.
pub fn sources(settings: &BTreeMap<String, AirtableTable>) -> Result<Vec<Source>> {
    for key in settings.keys() {
        if !TABLES.iter().any(|(known, ..)| known == key) {
            let keys: Vec<&str> = TABLES.iter().map(|(key, ..)| *key).collect();
            bail!("[airtable.{key}]: unknown table \"{key}\": expected one of {}", keys.join(", "));
        }
    }
    TABLES
        .iter()
        .map(|(key, name, ..)| {
            let given = settings.get(*key).cloned().unwrap_or_default();
            for (field, value) in [("table", &given.table), ("view", &given.view)] {
                if let Some(value) = value {
                    if value.trim().is_empty() || value.contains(['\n', '\r']) {
                        bail!("[airtable.{key}] {field} = {value:?}: expected a name on one line");
                    }
                }
            }
            Ok(Source { key, table: given.table.unwrap_or_else(|| name.to_string()), view: given.view })
        })
        .collect()
}

/// One record: its fields (name → cell text) and its creation time.
pub type Record = (BTreeMap<String, String>, String);

/// How the client talks to the API.
pub struct Client {
    agent: ureq::Agent,
    api: String,
    base: String,
    token: String,
    /// The wait after a 429 (Airtable asks for 30 s).
    rate_limited_wait: Duration,
    last_request: Option<Instant>,
    pub requests: usize,
}

/// At most 5 requests a second per base.
const PACE: Duration = Duration::from_millis(200);
const TRIES: usize = 5;

impl Client {
    pub fn new(api: &str, base: &str, token: String, rate_limited_wait: Duration) -> Result<Client> {
        let api = api.trim_end_matches('/').to_string();
        let loopback =
            ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| api.starts_with(p));
        if !api.starts_with("https://") && !loopback {
            bail!("--api-url {api}: plain http is only for this machine; give an https:// address");
        }
        if base.is_empty() || !base.chars().all(|c| c.is_ascii_alphanumeric()) {
            bail!("--base {base}: expected a base id such as appXXXXXXXXXXXXXX");
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Ok(Client {
            agent,
            api,
            base: base.to_string(),
            token,
            rate_limited_wait,
            last_request: None,
            requests: 0,
        })
    }

    /// Every record of a table (of its view, when one is given), as (field name → cell text,
    /// created time), in the API's order. `Ok(None)` when the base has no such table.
    pub fn records(&mut self, source: &Source) -> Result<Option<Vec<Record>>> {
        'table: for _ in 0..3 {
            let mut records = Vec::new();
            let mut offset: Option<String> = None;
            loop {
                let page = match self.page(source, offset.as_deref())? {
                    Page::Records(page) => page,
                    Page::Missing => return Ok(None),
                    Page::IteratorExpired => continue 'table,
                };
                for record in page["records"].as_array().context("an API page without records")? {
                    let fields = record["fields"]
                        .as_object()
                        .map(|fields| {
                            fields.iter().map(|(name, value)| (name.clone(), cell(value))).collect()
                        })
                        .unwrap_or_default();
                    let created = record["createdTime"].as_str().unwrap_or_default().to_string();
                    records.push((fields, created));
                }
                match page["offset"].as_str() {
                    Some(next) => offset = Some(next.to_string()),
                    None => return Ok(Some(records)),
                }
            }
        }
        bail!("table {}: Airtable kept expiring its list of records; try again later", source.table)
    }

    fn page(&mut self, source: &Source, offset: Option<&str>) -> Result<Page> {
        let table = &source.table;
        let url = format!("{}/v0/{}/{}", self.api, self.base, encode(table));
        let mut backoff = Duration::from_secs(1);
        for _ in 0..TRIES {
            if let Some(last) = self.last_request {
                if let Some(wait) = PACE.checked_sub(last.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
            crate::interrupt::check()?;
            self.last_request = Some(Instant::now());
            self.requests += 1;
            let mut request = self
                .agent
                .get(&url)
                .header("Authorization", &format!("Bearer {}", self.token))
                .query("cellFormat", "string")
                .query("timeZone", "UTC")
                .query("userLocale", "en-us")
                .query("pageSize", "100");
            if let Some(view) = &source.view {
                request = request.query("view", view);
            }
            if let Some(offset) = offset {
                request = request.query("offset", offset);
            }
            let mut response = match request.call() {
                Ok(response) => response,
                Err(_) => {
                    // A dropped connection or a timeout: try again a little later.
                    std::thread::sleep(backoff);
                    backoff *= 2;
                    continue;
                }
            };
            let status = response.status().as_u16();
            let body = response.body_mut().read_to_string().unwrap_or_default();
            match status {
                200 => return Ok(Page::Records(serde_json::from_str(&body).context("Airtable sent a page that is not JSON")?)),
                401 => bail!("Airtable refused the token in AIRTABLE_TOKEN (401): it is wrong or expired; create a personal access token with the data.records:read scope"),
                403 => bail!("the token in AIRTABLE_TOKEN cannot read base {} (403): give it access to the base", self.base),
                404 => return Ok(Page::Missing),
                422 if body.contains("LIST_RECORDS_ITERATOR_NOT_AVAILABLE") => return Ok(Page::IteratorExpired),
                422 if body.contains("VIEW_NAME_NOT_FOUND") => bail!(
                    "table {table} has no view {:?} (422): check `view` under [airtable.{}] in the settings",
                    source.view.as_deref().unwrap_or_default(),
                    source.key
                ),
                429 => std::thread::sleep(self.rate_limited_wait),
                500..=599 => {
                    std::thread::sleep(backoff);
                    backoff *= 2;
                }
                other => bail!("Airtable answered {other} for table {table}: {}", one_line(&body)),
            }
        }
        bail!("table {table}: Airtable did not answer after {TRIES} tries; try again later")
    }
}

enum Page {
    Records(Value),
    Missing,
    IteratorExpired,
}

/// A cell as text: with `cellFormat=string` every value is a string already.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect()
}

/// A table name as a URL path segment.
fn encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One table's records as its CSV export: the fields in the order they first appear, and a
/// Created column from each record's creation time when the table has none.
pub fn csv(records: &[Record], order: &[String]) -> Result<Vec<u8>> {
    let has_created = order.iter().any(|name| name.to_lowercase().starts_with("created"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = order.iter().map(String::as_str).collect();
    if !has_created {
        header.push("Created");
    }
    writer.write_record(&header)?;
    for (fields, created) in records {
        let mut row: Vec<&str> =
            order.iter().map(|name| fields.get(name).map_or("", String::as_str)).collect();
        if !has_created {
            row.push(created);
        }
        writer.write_record(&row)?;
    }
    Ok(writer.into_inner()?)
}

/// The field names of `records` in the order the API gives them, first appearance first.
/// (serde_json keeps a record's fields sorted, so within a record the order is by name.)
pub fn field_order(records: &[Record]) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    for (fields, _) in records {
        for name in fields.keys() {
            if !order.contains(name) {
                order.push(name.clone());
            }
        }
    }
    order
}

/// What a pull wrote, for `pull.json`.
#[derive(serde::Serialize)]
pub struct PullRecord {
    pub base: String,
    pub api: String,
    pub tables: Vec<TableRecord>,
    /// When the pull ran (UTC).
    pub pulled_at: String,
    pub tool: &'static str,
    pub version: &'static str,
}

#[derive(serde::Serialize)]
pub struct TableRecord {
    #[serde(flatten)]
    pub source: Source,
    pub file: String,
    pub records: usize,
}

/// The plan of a pull: each table's file and `pull.json`.
pub fn plan(files: Vec<(String, Vec<u8>)>, record: &PullRecord) -> Result<Plan> {
    let mut plan = Plan::default();
    for (file, bytes) in files {
        plan.add(file, bytes);
    }
    plan.add("pull.json", format!("{}\n", serde_json::to_string_pretty(record)?));
    Ok(plan)
}
