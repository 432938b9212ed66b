//! `capacity.csv`: the Product and Services team's capacity, changing over time.

use chrono::NaiveDate;

use super::spec::{Column, TableSpec};
use super::table::Row;
use crate::hours::Hours;

pub const FROM: Column = Column::required(0, "Effective from").date();
pub const HOURS: Column = Column::required(1, "Hours per working day");

pub const SPEC: TableSpec = TableSpec { file: "capacity.csv", columns: &[FROM, HOURS] };

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityRow {
    pub line: u64,
    pub from: NaiveDate,
    pub hours_per_working_day: Hours,
}

pub fn parse(row: &mut Row<'_>) -> Option<CapacityRow> {
    let from = row.required_date(FROM);
    let hours = row.required_hours(HOURS);
    if hours.is_some_and(|hours| hours < Hours::ZERO) {
        row.error(HOURS, "expected a number of hours of 0 or more");
        return None;
    }
    Some(CapacityRow { line: row.line, from: from?, hours_per_working_day: hours? })
}
