//! `check`: validate the exports, print every error and warning.

use std::io::Write;

use anyhow::Result;

use crate::cli::DataArgs;

pub(super) fn run(data: &DataArgs) -> Result<i32> {
    let Some(super::Loaded { dataset, diagnostics, .. }) = super::read(data)? else {
        return Ok(1);
    };
    super::print_diagnostics(diagnostics.all().iter());
    let warnings = diagnostics.warnings().count();
    writeln!(
        std::io::stdout().lock(),
        "{} engagements, {} projects, {} allocations, {} activities: no errors, {warnings} warning{}",
        dataset.engagements.len(),
        dataset.projects.len(),
        dataset.allocations.len(),
        dataset.activities.len(),
        if warnings == 1 { "" } else { "s" }
    )?;
    super::leave_to_exit(dataset);
    Ok(0)
}
