//! `summary`: each engagement's status and hours, what starts soon and what is unlogged, as
//! text for a person or JSON for programs.

use std::io::Write;

use anyhow::Result;

use crate::calendar::Month;
use crate::cli::{AsOfArgs, DataArgs, Format, TemplateArgs};
use crate::figures;
use crate::present::{Phrases, Terminal};
use crate::summary;

pub(super) fn run(
    data: &DataArgs,
    as_of: &AsOfArgs,
    format: Format,
    templates: &TemplateArgs,
) -> Result<i32> {
    let (as_of, _) = as_of.resolve();
    let templates = templates.load()?;
    let phrases = Phrases::new(&templates)?;
    let terminal = Terminal::new(&templates)?;
    let Some(super::Loaded { dataset, diagnostics, settings }) = super::read(data)? else {
        return Ok(1);
    };
    let figures = figures::compute(&dataset, &settings, as_of);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Text => {
            let text =
                summary::text::render(&dataset, &figures, &phrases, &terminal, &diagnostics, &settings)?;
            stdout.write_all(crate::text::replace_unsafe(&text).as_bytes())?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut stdout,
                &summary::json::summary(
                    &dataset,
                    &figures,
                    &figures::team::team_month(&dataset, &figures, Month::of(as_of)),
                    &figures::team::renewals(&dataset, &figures, settings.windows.renewals_days),
                    &phrases,
                    &diagnostics,
                )?,
            )?;
            writeln!(stdout)?;
        }
    }
    stdout.flush()?;
    super::leave_to_exit(dataset);
    Ok(0)
}
