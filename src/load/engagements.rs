//! `engagements.csv`: one service agreement with a community.

use chrono::NaiveDate;

use super::cells::single_link;
use super::spec::{Column, TableSpec};
use super::table::Row;

pub const NAME: Column = Column::required(0, "Engagement name");
pub const COMMUNITY: Column = Column::required(1, "Community");
pub const START: Column = Column::required(2, "Engagement start date").date();
pub const END: Column = Column::required(3, "Engagement end date").date();
pub const DESCRIPTION: Column = Column::required(4, "Engagement description");
pub const STATUS: Column = Column::required(5, "Status");
pub const AGREEMENT: Column = Column::optional(6, "Service agreement");
/// What the community pays for the engagement, in the settings' currency.
pub const CONTRACT_VALUE: Column = Column::optional(7, "Contract value");

pub const SPEC: TableSpec = TableSpec {
    file: "engagements.csv",
    columns: &[NAME, COMMUNITY, START, END, DESCRIPTION, STATUS, AGREEMENT, CONTRACT_VALUE],
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
    /// The contract's value in cents, when the export has one.
    pub contract_value: Option<i64>,
}

pub fn parse(row: &mut Row<'_>) -> Option<EngagementRow> {
    let name = row.required_text(NAME);
    let community = row.required_text(COMMUNITY).map(|community| single_link(&community).into_owned());
    let start = row.optional_date(START);
    let end = row.optional_date(END);
    let (start, end) = (start.ok()?, end.ok()?);
    let ordered = row.check_order(start, end, END);
    let contract_value = row.optional_money(CONTRACT_VALUE).ok()?;
    Some(EngagementRow {
        line: row.line,
        name: name?,
        community: community?,
        start,
        end: end.filter(|_| ordered),
        description: row.free_text(DESCRIPTION),
        status: row.text(STATUS).to_string(),
        agreement: row.text(AGREEMENT).to_string(),
        contract_value,
    })
}
