//! `activities.csv`: time logged by a team member against an allocation. This table can hold
//! millions of rows, so repeated names are interned rather than stored per row.

use chrono::NaiveDate;

use super::table::{Row, TableSpec};
use super::Symbols;

pub const ALLOCATION: &str = "Allocation";
pub const TEAM_MEMBER: &str = "Team member";
pub const UNITS: &str = "Units";
pub const DESCRIPTION: &str = "Description";
pub const START: &str = "Start date";
pub const END: &str = "End date";
pub const CREATED: &str = "Created";

pub const SPEC: TableSpec = TableSpec {
    file: "activities.csv",
    required: &[ALLOCATION, TEAM_MEMBER, UNITS, START],
    optional: &[DESCRIPTION, END, CREATED],
};

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub line: u32,
    /// Interned allocation name (see [`Symbols`]).
    pub allocation: u32,
    /// Interned team member name.
    pub team_member: u32,
    pub units: f64,
    pub start: NaiveDate,
    /// Equal to `start` when the export leaves it empty (a one-day activity).
    pub end: NaiveDate,
    pub created: Option<NaiveDate>,
    pub description: Box<str>,
}

pub fn parse(
    row: &mut Row<'_>,
    allocations: &mut Symbols,
    members: &mut Symbols,
) -> Option<ActivityRow> {
    let allocation = row.required_text(ALLOCATION);
    let member = row.required_text(TEAM_MEMBER);
    let units = row.required_number(UNITS);
    let start = row.required_date(START);
    let end = row.optional_date(END);
    let created = row.optional_date(CREATED);
    if units.is_some_and(|units| units < 0.0) {
        row.error(UNITS, "expected units of 0 or more");
        return None;
    }
    let (end, created) = (end.ok()?, created.ok()?);
    if !row.check_order(start, end, END) {
        return None;
    }
    let start = start?;
    Some(ActivityRow {
        line: row.line as u32,
        allocation: allocations.intern(&allocation?),
        team_member: members.intern(&member?),
        units: units?,
        start,
        end: end.unwrap_or(start),
        created,
        description: row.free_text(DESCRIPTION).into_boxed_str(),
    })
}
