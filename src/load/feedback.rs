//! `feedback.csv` (optional): the wrap-up's feedback form, as Google Forms exports its responses:
//! a Timestamp, then one column per question. The form's own question titles map to these
//! columns through the settings' column map (`[columns.feedback] score = "How valuable …?"`).

use chrono::NaiveDate;

use super::spec::{Column, TableSpec};
use super::table::Row;
use crate::settings::FeedbackScale;

pub const TIMESTAMP: Column = Column::required(0, "Timestamp").date();
pub const COMMUNITY: Column = Column::required(1, "Community");
pub const ALLOCATION: Column = Column::required(2, "Allocation");
pub const SCORE: Column = Column::required(3, "Score");
pub const COMMENT: Column = Column::optional(4, "Comment");
/// Google Forms adds it when the form collects respondents' addresses.
pub const EMAIL: Column = Column::optional(5, "Email").or(&["Email Address"]);

pub const SPEC: TableSpec =
    TableSpec { file: "feedback.csv", columns: &[TIMESTAMP, COMMUNITY, ALLOCATION, SCORE, COMMENT, EMAIL] };

#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRow {
    pub line: u64,
    /// When the response was sent (its date).
    pub timestamp: NaiveDate,
    pub community: String,
    pub allocation: String,
    pub score: u32,
    pub comment: String,
    /// The respondent, when the form collects addresses: a second answer replaces the first.
    pub email: String,
}

pub fn parse(row: &mut Row<'_>, scale: FeedbackScale) -> Option<FeedbackRow> {
    let timestamp = row.required_date(TIMESTAMP);
    let community = row.required_text(COMMUNITY);
    let allocation = row.required_text(ALLOCATION);
    let score = parse_score(row, scale);
    Some(FeedbackRow {
        line: row.line,
        timestamp: timestamp?,
        community: community?,
        allocation: allocation?,
        score: score?,
        comment: row.free_text(COMMENT),
        email: row.text(EMAIL).trim().to_lowercase(),
    })
}

/// A whole number on the settings' scale.
fn parse_score(row: &mut Row<'_>, scale: FeedbackScale) -> Option<u32> {
    let text = row.required_str(SCORE)?;
    match text.parse::<u32>() {
        Ok(score) if (scale.lowest..=scale.highest).contains(&score) => Some(score),
        _ => {
            row.error(SCORE, format!("expected a score from {} to {}", scale.lowest, scale.highest));
            None
        }
    }
}
