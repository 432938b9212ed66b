//! `engagements.csv`: one service agreement with a community.

use chrono::NaiveDate;

use super::table::{Row, TableSpec};

pub const NAME: &str = "Engagement name";
pub const COMMUNITY: &str = "Community";
pub const START: &str = "Engagement start date";
pub const END: &str = "Engagement end date";
pub const DESCRIPTION: &str = "Engagement description";
pub const STATUS: &str = "Status";
pub const AGREEMENT: &str = "Service agreement";

pub const SPEC: TableSpec = TableSpec {
    file: "engagements.csv",
    required: &[NAME, COMMUNITY, START, END, DESCRIPTION, STATUS],
    optional: &[AGREEMENT],
};

#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRow {
    pub line: u64,
    pub name: String,
    pub community: String,
    /// Missing dates are allowed: the engagement is then "not fully refined".
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub description: String,
    pub status: String,
    pub agreement: String,
}

pub fn parse(row: &mut Row<'_>) -> Option<EngagementRow> {
    let name = row.required_text(NAME);
    let community = row.required_text(COMMUNITY);
    let start = row.optional_date(START);
    let end = row.optional_date(END);
    let (start, end) = (start.ok()?, end.ok()?);
    let ordered = row.check_order(start, end, END);
    Some(EngagementRow {
        line: row.line,
        name: name?,
        community: community?,
        start,
        end: end.filter(|_| ordered),
        description: row.free_text(DESCRIPTION),
        status: row.text(STATUS).to_string(),
        agreement: row.text(AGREEMENT).to_string(),
    })
}
