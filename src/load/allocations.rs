//! `allocations.csv`: a commitment of up to N hours between two dates.

use chrono::NaiveDate;

use super::spec::{Column, TableSpec};
use super::table::Row;
use crate::hours::Hours;

pub const NAME: Column = Column::required(0, "Allocation name");
pub const PROJECT: Column = Column::required(1, "Project");
pub const START: Column = Column::required(2, "Allocation start date").date();
pub const END: Column = Column::required(3, "Allocation end date").date();
pub const HOURS: Column = Column::required(4, "Hours available");
pub const DESCRIPTION: Column = Column::optional(5, "Allocation description");
pub const PROVIDER: Column = Column::optional(6, "Allocation provider");

pub const SPEC: TableSpec = TableSpec {
    file: "allocations.csv",
    columns: &[NAME, PROJECT, START, END, HOURS, DESCRIPTION, PROVIDER],
};

#[derive(Debug, Clone, PartialEq)]
pub struct AllocationRow {
    pub line: u64,
    pub name: String,
    pub project: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub available: Hours,
    pub description: String,
    /// `None` while nobody is assigned.
    pub provider: Option<String>,
}

pub fn parse(row: &mut Row<'_>) -> Option<AllocationRow> {
    let name = row.required_text(NAME);
    let project = row.required_text(PROJECT);
    let start = row.required_date(START);
    let end = row.required_date(END);
    let available = row.required_hours(HOURS);
    let ordered = row.check_order(start, end, END);
    if available.is_some_and(|hours| hours <= Hours::ZERO) {
        row.error(HOURS, "expected a number of hours above 0");
        return None;
    }
    let provider = Some(row.single_link(PROVIDER).into_owned()).filter(|p| !p.is_empty());
    ordered.then_some(())?;
    Some(AllocationRow {
        line: row.line,
        name: name?,
        project: project?,
        start: start?,
        end: end?,
        available: available?,
        description: row.free_text(DESCRIPTION),
        provider,
    })
}
