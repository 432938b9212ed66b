//! `pull`: the six tables of a base through Airtable's Web API, written as the CSV files every
//! other command reads, all together (staged, then swapped in), with `pull.json` beside them.
//! Everything that can be checked without the API (the settings, the token, `--out`, the
//! address) is checked before the first request.

use std::path::Path;

use anyhow::{Context, Result};

use crate::output::OutputKind;
use crate::pull::{self, Client, Limits, PullRecord, Pulled, TableRecord};
use crate::settings::{Settings, SETTINGS_FILE};

pub(super) fn run(base: &str, out: &Path, api: &str, settings: Option<&Path>) -> Result<i32> {
    let settings_path = settings.map_or_else(|| out.join(SETTINGS_FILE), Path::to_path_buf);
    if settings.is_some() && !settings_path.exists() {
        anyhow::bail!("settings file {} does not exist", settings_path.display());
    }
    let settings = Settings::load_optional(&settings_path)?;
    let sources = pull::sources(&settings.airtable)
        .with_context(|| format!("{} is not valid", settings_path.display()))?;
    let token = std::env::var("AIRTABLE_TOKEN")
        .ok()
        .filter(|token| !token.trim().is_empty())
        .context("set AIRTABLE_TOKEN to a personal access token with the data.records:read scope (never give it on the command line)")?;
    let mut client = Client::new(api, base, token.trim().to_string(), Limits::from_env()?)?;
    crate::output::check_target(out, OutputKind::Exports)?;

    let schema = client.schema()?;
    if schema.is_none() {
        crate::say!(
            "note: the token cannot read base {base}'s list of fields (the schema.bases:read scope): columns come from the records and the columns each table must have"
        );
    }
    let mut pulled = Vec::new();
    for ((key, _, file, required), source) in pull::TABLES.iter().zip(sources) {
        let table = &source.table;
        let Some(records) = client.records(&source, &[])? else {
            if *required {
                anyhow::bail!(
                    "base {base} has no table \"{table}\" (404): check the base id, and the table's name or id (`table` under [airtable.{key}] in the settings)"
                );
            }
            crate::say!("note: base {base} has no table \"{table}\"; {file} is not written");
            continue;
        };
        pulled.push(Pulled { key, file, source, records });
    }
    let tables = pulled
        .iter()
        .map(|t| TableRecord { source: t.source.clone(), file: t.file.to_string(), records: t.records.len() })
        .collect();
    let files = pull::files(&mut client, &mut pulled, schema.as_ref(), &settings)?;
    let record = PullRecord {
        base: base.to_string(),
        api: client.api().to_string(),
        tables,
        pulled_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
    };
    crate::output::write(&pull::plan(files, &record)?, out, OutputKind::Exports)?;
    let counts: Vec<String> =
        record.tables.iter().map(|t| format!("{} {}", t.records, t.source.table.to_lowercase())).collect();
    crate::say!(
        "pulled {} from base {base} into {} ({} requests)",
        counts.join(", "),
        out.display(),
        client.requests()
    );
    Ok(0)
}
