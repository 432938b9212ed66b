//! The edge that reads a base from Airtable's Web API and turns each table into the CSV file its
//! export would be, so every other command reads a pull as it reads a hand export.
//!
//! Records are listed with `cellFormat=json`, where a linked record is its record id: every
//! link is written as the linked record's name (its primary field), quoted as the CSV export
//! quotes a name that holds a comma (see [`cells`]), so names link exactly. The columns are
//! the table's fields as the metadata API lists them (when the token has the
//! `schema.bases:read` scope), else the fields the records have and the columns `load` needs,
//! so a table with no records or a field empty in every record still reads. Pages hold at
//! most 100 records and are followed by `offset`; a record id or an offset served twice, or an
//! empty page that names a next one, is an error naming the table (a base that changes while
//! it is read, or a server at fault, would otherwise be paged forever or counted twice).
//! Requests are paced and bounded in time ([`client`], [`pace`]); the token is sent in a
//! header and never printed, and credentials in `--api-url` are neither sent nor shown.

mod cells;
mod client;
mod pace;
mod schema;

use std::collections::{BTreeMap, HashSet};

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

pub use client::Limits;
use client::{Answer, Http};
pub use schema::Schema;

use crate::file_plan::Plan;
use crate::settings::{AirtableTable, Settings};

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

/// One record as the API lists it (`cellFormat=json`).
pub struct Record {
    pub id: String,
    pub created: String,
    pub fields: Map<String, Value>,
}

/// One row of a CSV file: its cells (column → text) and its record's creation time.
pub type Row = (BTreeMap<String, String>, String);

/// A pull's connection to one base.
pub struct Client {
    http: Http,
    /// The API's address, without credentials.
    api: String,
    base: String,
}

impl Client {
    /// The address is checked here: https, or plain http to this machine only; a user and
    /// password in it are dropped (never sent, shown or written).
    pub fn new(api: &str, base: &str, token: String, limits: Limits) -> Result<Client> {
        let api = without_credentials(api.trim_end_matches('/'));
        let loopback =
            ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| api.starts_with(p));
        if !api.starts_with("https://") && !loopback {
            bail!("--api-url {api}: plain http is only for this machine; give an https:// address");
        }
        if api.split_once("://").is_none_or(|(_, host)| host.is_empty()) {
            bail!("--api-url {api}: expected an address such as {DEFAULT_API}");
        }
        if base.is_empty() || !base.chars().all(|c| c.is_ascii_alphanumeric()) {
            bail!("--base {base}: expected a base id such as appXXXXXXXXXXXXXX");
        }
        if token.chars().any(char::is_control) {
            bail!(
                "AIRTABLE_TOKEN holds a line break or another control character: set it to the token alone"
            );
        }
        Ok(Client { http: Http::new(token, limits), api, base: base.to_string() })
    }

    /// The API's address as given, without credentials: what `pull.json` records.
    pub fn api(&self) -> &str {
        &self.api
    }

    pub fn requests(&self) -> usize {
        self.http.requests
    }

    /// The base's tables and fields, or `None` when the token may not read them (it lacks the
    /// `schema.bases:read` scope).
    pub fn schema(&mut self) -> Result<Option<Schema>> {
        let url = format!("{}/v0/meta/bases/{}/tables", self.api, self.base);
        match self.http.get(&url, &[], "the base's list of tables")? {
            Answer::Json(schema) => Ok(Some(
                serde_json::from_value(schema)
                    .context("Airtable sent a list of tables that cannot be read")?,
            )),
            Answer::Status(401, _) => bail!(token_refused()),
            Answer::Status(403 | 404, _) => Ok(None),
            Answer::Status(other, body) => {
                bail!("Airtable answered {other} for the base's list of tables: {}", one_line(&body))
            }
        }
    }

    /// Every record of a table (of its view, when one is given), in the API's order; `None`
    /// when the base has no such table. `fields` keeps only those fields (all when empty).
    pub fn records(&mut self, source: &Source, fields: &[&str]) -> Result<Option<Vec<Record>>> {
        'table: for _ in 0..3 {
            let mut records = Vec::new();
            let mut ids = HashSet::new();
            let mut offsets = HashSet::new();
            let mut offset: Option<String> = None;
            loop {
                let page = match self.page(source, offset.as_deref(), fields)? {
                    Page::Records(page) => page,
                    Page::Missing => return Ok(None),
                    Page::IteratorExpired => continue 'table,
                };
                let listed = page["records"].as_array().context("an API page without records")?;
                for record in listed {
                    let id = record["id"].as_str().unwrap_or_default().to_string();
                    if !ids.insert(id.clone()) {
                        bail!(
                            "table {}: Airtable sent record {id} twice; nothing was written: try again later",
                            source.table
                        );
                    }
                    records.push(Record {
                        id,
                        created: record["createdTime"].as_str().unwrap_or_default().to_string(),
                        fields: record["fields"].as_object().cloned().unwrap_or_default(),
                    });
                }
                let Some(next) = page["offset"].as_str() else { return Ok(Some(records)) };
                if listed.is_empty() || !offsets.insert(next.to_string()) {
                    bail!(
                        "table {}: Airtable sent the same page offset twice, which would page forever; nothing was written: try again later",
                        source.table
                    );
                }
                offset = Some(next.to_string());
            }
        }
        bail!("table {}: Airtable kept expiring its list of records; try again later", source.table)
    }

    fn page(&mut self, source: &Source, offset: Option<&str>, fields: &[&str]) -> Result<Page> {
        let table = &source.table;
        let url = format!("{}/v0/{}/{}", self.api, self.base, encode(table));
        let mut query = vec![("cellFormat", "json"), ("pageSize", "100")];
        if let Some(view) = &source.view {
            query.push(("view", view));
        }
        if let Some(offset) = offset {
            query.push(("offset", offset));
        }
        query.extend(fields.iter().map(|field| ("fields[]", *field)));
        match self.http.get(&url, &query, &format!("table {table}"))? {
            Answer::Json(page) => Ok(Page::Records(page)),
            Answer::Status(401, _) => bail!(token_refused()),
            Answer::Status(403, _) => bail!(
                "the token in AIRTABLE_TOKEN cannot read base {} (403): give it access to the base",
                self.base
            ),
            Answer::Status(404, _) => Ok(Page::Missing),
            Answer::Status(422, body) if body.contains("LIST_RECORDS_ITERATOR_NOT_AVAILABLE") => {
                Ok(Page::IteratorExpired)
            }
            Answer::Status(422, body) if body.contains("VIEW_NAME_NOT_FOUND") => bail!(
                "table {table} has no view {:?} (422): check `view` under [airtable.{}] in the settings",
                source.view.as_deref().unwrap_or_default(),
                source.key
            ),
            Answer::Status(other, body) => {
                bail!("Airtable answered {other} for table {table}: {}", one_line(&body))
            }
        }
    }
}

fn token_refused() -> &'static str {
    "Airtable refused the token in AIRTABLE_TOKEN (401): it is wrong or expired; create a personal access token with the data.records:read scope"
}

enum Page {
    Records(Value),
    Missing,
    IteratorExpired,
}

/// An address without the `user:password@` part.
fn without_credentials(api: &str) -> String {
    match api.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            match rest[..host_end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => api.to_string(),
            }
        }
        None => api.to_string(),
    }
}

/// One table as read: where from, which file it goes to, its records.
pub struct Pulled {
    pub key: &'static str,
    pub file: &'static str,
    pub source: Source,
    pub records: Vec<Record>,
}

/// Each pulled table as the CSV file its export would be, links written as names. Names of
/// records in tables not pulled (a link to another table, or to records a view leaves out)
/// are read from their table when the schema is known.
pub fn files(
    client: &mut Client,
    pulled: &[Pulled],
    schema: Option<&Schema>,
    settings: &Settings,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut names = cells::Names::new();
    for table in pulled {
        let primary = primary_field(table, schema, settings);
        for record in &table.records {
            let name = primary.as_ref().and_then(|field| record.fields.get(field)).map(cells::text);
            names.insert(record.id.clone(), name.unwrap_or_default());
        }
    }
    if let Some(schema) = schema {
        read_missing_names(client, pulled, schema, &mut names)?;
    }
    pulled
        .iter()
        .map(|table| {
            let links = link_fields(table, schema);
            let rows = rows(table, &links, &names)?;
            let columns = columns(table, &rows, schema, settings);
            Ok((table.file.to_string(), csv(&rows, &columns)?))
        })
        .collect()
}

/// The name of a table's primary field: the schema's, else the first column `load` reads.
fn primary_field(table: &Pulled, schema: Option<&Schema>, settings: &Settings) -> Option<String> {
    if let Some(found) = schema.and_then(|s| s.table(&table.source.table)) {
        return found.primary().map(|field| field.name.clone());
    }
    let spec = spec(table.file)?;
    let first = spec.columns.iter().find(|column| column.index == 0)?;
    let header = settings.column_header(spec.table_name(), &first.key()).unwrap_or(first.name);
    let fields: HashSet<&String> = table.records.iter().flat_map(|r| r.fields.keys()).collect();
    fields.into_iter().find(|name| same_header(name, header)).cloned()
}

fn spec(file: &str) -> Option<&'static crate::load::TableSpec> {
    crate::load::TABLES.iter().copied().find(|spec| spec.file == file)
}

fn same_header(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The linked-record fields of a table: the schema's, else those whose values are lists of
/// record ids.
fn link_fields(table: &Pulled, schema: Option<&Schema>) -> HashSet<String> {
    if let Some(found) = schema.and_then(|s| s.table(&table.source.table)) {
        return found
            .fields
            .iter()
            .filter(|f| f.kind == "multipleRecordLinks")
            .map(|f| f.name.clone())
            .collect();
    }
    let mut links = HashSet::new();
    for record in &table.records {
        for (name, value) in &record.fields {
            if let Value::Array(items) = value {
                if !items.is_empty()
                    && items.iter().all(|item| item.as_str().is_some_and(cells::is_record_id))
                {
                    links.insert(name.clone());
                }
            }
        }
    }
    links
}

/// Reads the names of linked records that no pulled table holds from the table each link
/// field links to (its primary field only, every record).
fn read_missing_names(
    client: &mut Client,
    pulled: &[Pulled],
    schema: &Schema,
    names: &mut cells::Names,
) -> Result<()> {
    let mut wanted: Vec<&str> = Vec::new();
    for table in pulled {
        let Some(found) = schema.table(&table.source.table) else { continue };
        for field in &found.fields {
            let Some(linked) = field.linked_table() else { continue };
            let missing = table.records.iter().filter_map(|r| r.fields.get(&field.name)).any(|value| {
                value.as_array().is_some_and(|ids| {
                    ids.iter().any(|id| !names.contains_key(id.as_str().unwrap_or_default()))
                })
            });
            if missing && !wanted.contains(&linked) {
                wanted.push(linked);
            }
        }
    }
    for linked in wanted {
        let Some(table) = schema.tables.iter().find(|t| t.id == linked) else { continue };
        let Some(primary) = table.primary() else { continue };
        let source = Source { key: "", table: table.id.clone(), view: None };
        for record in client.records(&source, &[&primary.name])?.unwrap_or_default() {
            let name = record.fields.get(&primary.name).map(cells::text).unwrap_or_default();
            names.entry(record.id).or_insert(name);
        }
    }
    Ok(())
}

/// The table's rows: each cell as the export writes it, links as names.
fn rows(table: &Pulled, links: &HashSet<String>, names: &cells::Names) -> Result<Vec<Row>> {
    table
        .records
        .iter()
        .map(|record| {
            let mut cells_of = BTreeMap::new();
            for (field, value) in &record.fields {
                let text = match value.as_array() {
                    Some(ids) if links.contains(field) => cells::links(ids, names).map_err(|id| {
                        anyhow::anyhow!(
                            "table {}, field \"{field}\": record {} links {id}, which no table read has; give the token the schema.bases:read scope so that pull can read the linked table's names",
                            table.source.table,
                            record.id
                        )
                    })?,
                    _ => cells::text(value),
                };
                cells_of.insert(field.clone(), text);
            }
            Ok((cells_of, record.created.clone()))
        })
        .collect()
}

/// The table's columns: the schema's fields, else the fields the records have and every
/// column `load` needs that none has (under the settings' header for it).
fn columns(table: &Pulled, rows: &[Row], schema: Option<&Schema>, settings: &Settings) -> Vec<String> {
    let mut columns = match schema.and_then(|s| s.table(&table.source.table)) {
        Some(found) => found.columns(),
        None => Vec::new(),
    };
    for name in field_order(rows) {
        if !columns.contains(&name) {
            columns.push(name);
        }
    }
    if let Some(spec) = spec(table.file) {
        for column in spec.columns.iter().filter(|column| column.required) {
            let header = settings.column_header(spec.table_name(), &column.key()).unwrap_or(column.name);
            let known = |name: &String| {
                same_header(name, header) || column.synonyms.iter().any(|synonym| same_header(name, synonym))
            };
            if !columns.iter().any(known) {
                columns.push(header.to_string());
            }
        }
    }
    columns
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
pub fn csv(records: &[Row], order: &[String]) -> Result<Vec<u8>> {
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
fn field_order(records: &[Row]) -> Vec<String> {
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
