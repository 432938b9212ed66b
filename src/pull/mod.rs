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

/// One record as the API lists it (`cellFormat=json`), its fields by their number in
/// [`Records`].
pub struct Record {
    pub id: String,
    pub created: String,
    cells: Vec<(u16, Value)>,
}

/// The records of one table, each field name kept once (a pull holds every record until the
/// links are named, so a record holds no copy of its field names).
#[derive(Default)]
pub struct Records {
    /// Field names in the order they first appear.
    names: Vec<String>,
    pub list: Vec<Record>,
}

impl Records {
    fn push(&mut self, id: String, created: String, fields: Map<String, Value>) {
        let cells = fields.into_iter().map(|(name, value)| (self.intern(name), value)).collect();
        self.list.push(Record { id, created, cells });
    }

    fn intern(&mut self, name: String) -> u16 {
        let index = match self.names.iter().position(|known| *known == name) {
            Some(index) => index,
            None => {
                self.names.push(name);
                self.names.len() - 1
            }
        };
        u16::try_from(index).unwrap_or(u16::MAX)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The field names, in the order they first appear.
    fn field_names(&self) -> &[String] {
        &self.names
    }

    /// A record's fields: (name, value).
    fn cells<'a>(&'a self, record: &'a Record) -> impl Iterator<Item = (&'a str, &'a Value)> {
        record.cells.iter().map(|(index, value)| (self.names[usize::from(*index)].as_str(), value))
    }

    fn get<'a>(&'a self, record: &'a Record, name: &str) -> Option<&'a Value> {
        let index = self.names.iter().position(|known| known == name)?;
        record.cells.iter().find(|(i, _)| usize::from(*i) == index).map(|(_, value)| value)
    }
}

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
    pub fn records(&mut self, source: &Source, fields: &[&str]) -> Result<Option<Records>> {
        'table: for _ in 0..3 {
            let mut records = Records::default();
            let mut ids = HashSet::new();
            let mut offsets = HashSet::new();
            let mut offset: Option<String> = None;
            loop {
                let mut page = match self.page(source, offset.as_deref(), fields)? {
                    Page::Records(page) => page,
                    Page::Missing => return Ok(None),
                    Page::IteratorExpired => continue 'table,
                };
                let listed = page["records"].as_array_mut().context("an API page without records")?;
                let empty = listed.is_empty();
                for record in listed {
                    let id = record["id"].as_str().unwrap_or_default().to_string();
                    if !ids.insert(id.clone()) {
                        bail!(
                            "table {}: Airtable sent record {id} twice; nothing was written: try again later",
                            source.table
                        );
                    }
                    let created = record["createdTime"].as_str().unwrap_or_default().to_string();
                    let fields = match record["fields"].take() {
                        Value::Object(fields) => fields,
                        _ => Map::new(),
                    };
                    records.push(id, created, fields);
                }
                let Some(next) = page["offset"].as_str() else { return Ok(Some(records)) };
                if empty || !offsets.insert(next.to_string()) {
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
        let url = format!("{}/v0/{}/{}", self.api, self.base, crate::text::percent_encoded(table));
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
    pub records: Records,
}

/// Each pulled table as the CSV file its export would be, links written as names. Names of
/// records in tables not pulled (a link to another table, or to records a view leaves out)
/// are read from their table when the schema is known.
/// Each table's records are let go once its file is written.
pub fn files(
    client: &mut Client,
    pulled: &mut [Pulled],
    schema: Option<&Schema>,
    settings: &Settings,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut names = cells::Names::new();
    for table in pulled.iter() {
        let primary = primary_field(table, schema, settings);
        for record in &table.records.list {
            let name = primary.as_deref().and_then(|field| table.records.get(record, field)).map(cells::text);
            names.insert(record.id.clone(), name.unwrap_or_default());
        }
    }
    if let Some(schema) = schema {
        read_missing_names(client, pulled, schema, &mut names)?;
    }
    pulled
        .iter_mut()
        .map(|table| {
            let links = link_fields(table, schema);
            let strict = if schema.is_some() { links.clone() } else { read_links(table, settings) };
            let columns = columns(table, schema, settings);
            let bytes = csv(table, &columns, &links, &strict, &names)?;
            table.records = Records::default();
            Ok((table.file.to_string(), bytes))
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
    table.records.field_names().iter().find(|name| same_header(name, header)).cloned()
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
    for record in &table.records.list {
        for (name, value) in table.records.cells(record) {
            if let Value::Array(items) = value {
                if !items.is_empty()
                    && items.iter().all(|item| item.as_str().is_some_and(cells::is_record_id))
                {
                    links.insert(name.to_string());
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
            let records = &table.records;
            let missing = records.list.iter().filter_map(|r| records.get(r, &field.name)).any(|value| {
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
        let records = client.records(&source, &[&primary.name])?.unwrap_or_default();
        for record in &records.list {
            let name = records.get(record, &primary.name).map(cells::text).unwrap_or_default();
            names.entry(record.id.clone()).or_insert(name);
        }
    }
    Ok(())
}

/// The linked-record columns `load` reads in a table (under the settings' header for each):
/// without the schema, a link among them to a record no table read has is an error; another
/// field's record ids that cannot be named (a lookup of ids, say) stay ids.
fn read_links(table: &Pulled, settings: &Settings) -> HashSet<String> {
    const READ_LINKS: [(&str, &str); 4] = [
        ("projects.csv", "engagement"),
        ("allocations.csv", "project"),
        ("activities.csv", "allocation"),
        ("contacts.csv", "engagement"),
    ];
    let Some(spec) = spec(table.file) else { return HashSet::new() };
    let fields = table.records.field_names();
    let mut links = HashSet::new();
    for column in spec.columns {
        if READ_LINKS.contains(&(table.file, column.key().as_str())) {
            let header = settings.column_header(spec.table_name(), &column.key()).unwrap_or(column.name);
            links.extend(fields.iter().filter(|name| same_header(name, header)).cloned());
        }
    }
    links
}

/// One cell as the export writes it, a link as names; a link in `strict` to a record no table
/// read has is an error, another one stays a record id.
fn cell_text(
    table: &Pulled,
    record: &Record,
    (field, value): (&str, &Value),
    (links, strict): (&HashSet<String>, &HashSet<String>),
    names: &cells::Names,
) -> Result<String> {
    let Some(ids) = value.as_array().filter(|_| links.contains(field)) else { return Ok(cells::text(value)) };
    match cells::links(ids, names) {
        Ok(text) => Ok(text),
        Err(_) if !strict.contains(field) => Ok(cells::text(value)),
        Err(id) => bail!(
            "table {}, field \"{field}\": record {} links {id}, which no table read has; give the token the schema.bases:read scope so that pull can read the linked table's names",
            table.source.table,
            record.id
        ),
    }
}

/// The table's columns: the schema's fields, else the fields the records have and every
/// column `load` needs that none has (under the settings' header for it).
fn columns(table: &Pulled, schema: Option<&Schema>, settings: &Settings) -> Vec<String> {
    let mut columns = match schema.and_then(|s| s.table(&table.source.table)) {
        Some(found) => found.columns(),
        None => Vec::new(),
    };
    for name in table.records.field_names() {
        if !columns.contains(name) {
            columns.push(name.clone());
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

/// One table's records as its CSV export: a row per record, a Created column from each
/// record's creation time when the table has none.
fn csv(
    table: &Pulled,
    columns: &[String],
    links: &HashSet<String>,
    strict: &HashSet<String>,
    names: &cells::Names,
) -> Result<Vec<u8>> {
    let has_created = columns.iter().any(|name| name.to_lowercase().starts_with("created"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = columns.iter().map(String::as_str).collect();
    if !has_created {
        header.push("Created");
    }
    writer.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for record in &table.records.list {
        row.clear();
        row.resize(columns.len(), String::new());
        for cell in table.records.cells(record) {
            if let Some(at) = columns.iter().position(|name| name == cell.0) {
                row[at] = cell_text(table, record, cell, (links, strict), names)?;
            }
        }
        if !has_created {
            row.push(record.created.clone());
        }
        writer.write_record(&row)?;
    }
    Ok(writer.into_inner()?)
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
