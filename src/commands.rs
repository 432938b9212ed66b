//! One function per subcommand; each returns the process exit code.

use std::io::Write;

use anyhow::Result;

use crate::cli::{AsOfArgs, Command, DataArgs, Format};
use crate::diagnostics::{Diagnostics, InputErrors};
use crate::figures;
use crate::load::Folder;
use crate::summary;

pub fn run(command: &Command) -> Result<i32> {
    match command {
        Command::Check { data } => check(data),
        Command::Summary { data, as_of, format } => summary(data, as_of, *format),
    }
}

fn print_diagnostics(diagnostics: &Diagnostics) {
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics.all() {
        let _ = writeln!(stderr, "{}", diagnostic.report_line());
    }
}

/// Reads the data; on input errors prints them all and yields `Ok(Err(exit_code))`.
fn read(
    data: &DataArgs,
) -> Result<Result<(crate::model::Dataset, Diagnostics, crate::settings::Settings), i32>> {
    let settings = data.settings()?;
    match crate::read_dataset(&Folder(data.folder()?), &settings) {
        Ok((dataset, diagnostics)) => Ok(Ok((dataset, diagnostics, settings))),
        Err(error) => match error.downcast::<InputErrors>() {
            Ok(InputErrors(diagnostics)) => {
                print_diagnostics(&diagnostics);
                let count = diagnostics.errors().count();
                eprintln!(
                    "error: the data has {count} error{}; nothing was computed",
                    if count == 1 { "" } else { "s" }
                );
                Ok(Err(1))
            }
            Err(error) => Err(error),
        },
    }
}

fn check(data: &DataArgs) -> Result<i32> {
    let (dataset, diagnostics, _) = match read(data)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    print_diagnostics(&diagnostics);
    let warnings = diagnostics.warnings().count();
    println!(
        "{} engagements, {} projects, {} allocations, {} activities: no errors, {warnings} warning{}",
        dataset.engagements.len(),
        dataset.projects.len(),
        dataset.allocations.len(),
        dataset.activities.len(),
        if warnings == 1 { "" } else { "s" }
    );
    Ok(0)
}

fn summary(data: &DataArgs, as_of: &AsOfArgs, format: Format) -> Result<i32> {
    let (as_of, _) = as_of.resolve()?;
    let (dataset, diagnostics, settings) = match read(data)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    let figures = figures::compute(&dataset, &settings, as_of);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Text => {
            stdout.write_all(
                summary::text::render(&dataset, &figures, &diagnostics, &settings.organisation).as_bytes(),
            )?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut stdout,
                &summary::json::summary(&dataset, &figures, &diagnostics),
            )?;
            writeln!(stdout)?;
        }
    }
    stdout.flush()?;
    Ok(0)
}
