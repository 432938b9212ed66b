//! `projects.csv`: a time-bound outcome within an engagement.

use chrono::NaiveDate;

use super::spec::{Column, TableSpec};
use super::table::Row;

pub const NAME: Column = Column::required(0, "Project name");
pub const ENGAGEMENT: Column = Column::required(1, "Engagement");
pub const START: Column = Column::required(2, "Project start date").date();
pub const END: Column = Column::required(3, "Project end date").date();
pub const DESCRIPTION: Column = Column::required(4, "Project description");
pub const CAPACITY: Column = Column::optional(5, "Capacity");

pub const SPEC: TableSpec =
    TableSpec { file: "projects.csv", columns: &[NAME, ENGAGEMENT, START, END, DESCRIPTION, CAPACITY] };

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRow {
    pub line: u64,
    pub name: String,
    pub engagement: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub description: String,
    /// The SoW phrase, e.g. "Up to 4 hours / quarter by 2i2c's Product and Services Team".
    pub capacity: String,
}

pub fn parse(row: &mut Row<'_>) -> Option<ProjectRow> {
    let name = row.required_text(NAME);
    let engagement = row.required_text(ENGAGEMENT);
    let start = row.optional_date(START);
    let end = row.optional_date(END);
    let (start, end) = (start.ok()?, end.ok()?);
    let ordered = row.check_order(start, end, END);
    Some(ProjectRow {
        line: row.line,
        name: name?,
        engagement: engagement?,
        start,
        end: end.filter(|_| ordered),
        description: row.free_text(DESCRIPTION),
        capacity: row.text(CAPACITY).to_string(),
    })
}
