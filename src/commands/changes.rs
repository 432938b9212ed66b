//! `changes`: what changed since the last meeting, from one export (the state on --since as it
//! was known then) or from two (`--before`, an export pulled on --since).

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Result};
use chrono::NaiveDate;

use crate::cli::{DataArgs, Format, TemplateArgs};
use crate::figures::changes::{self, State};
use crate::present::changes::ChangesInput;
use crate::present::{Phrases, Terminal};
use crate::summary;

/// The dates compared: `since` [default: the last meeting before `as_of`].
pub(super) struct Period {
    pub(super) since: Option<NaiveDate>,
    pub(super) as_of: NaiveDate,
}

pub(super) fn run(
    data: &DataArgs,
    period: Period,
    before: Option<&Path>,
    format: Format,
    templates: &TemplateArgs,
) -> Result<i32> {
    let templates = templates.load()?;
    let (phrases, terminal) = (Phrases::new(&templates)?, Terminal::new(&templates)?);
    let settings = data.settings()?;
    let as_of = period.as_of;
    let since = period.since.unwrap_or_else(|| settings.meeting.last_before(as_of));
    if since >= as_of {
        bail!("--since {since} is not before the as-of date {as_of}: give the day of the last meeting");
    }
    let Some(super::Loaded { dataset: now, settings, .. }) = super::read(data)? else {
        return Ok(1);
    };
    let earlier = match before {
        Some(folder) => {
            let old = DataArgs {
                data: folder.to_path_buf(),
                settings: data.settings_file(),
                slash_dates: data.slash_dates,
                known_at: Some(since),
            };
            let Some(super::Loaded { dataset, .. }) = super::read(&old)? else {
                return Ok(1);
            };
            dataset
        }
        None => now.known_at(since),
    };
    let (now_figures, before_figures) = super::figures_now_and_then(&now, &earlier, &settings, as_of, since);
    let edits = before.map(|_| changes::edits(&earlier, &now, since));
    let found = changes::changes(
        State { dataset: &earlier, figures: &before_figures },
        State { dataset: &now, figures: &now_figures },
        &settings,
        edits,
    );
    let no_page = |_| String::new();
    let input = ChangesInput {
        before: &earlier,
        now: &now,
        changes: &found,
        communities: &now_figures.communities,
        phrases: &phrases,
        page: &no_page,
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Text => {
            let text = summary::changes::text(&input, &terminal, &settings)?;
            stdout.write_all(crate::text::replace_unsafe(&text).as_bytes())?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut stdout, &summary::changes::json(&input)?)?;
            writeln!(stdout)?;
        }
    }
    stdout.flush()?;
    Ok(0)
}
