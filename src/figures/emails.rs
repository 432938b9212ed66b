//! Which of seed 002's emails are due as of a date, and what each still lacks.
//!
//! An allocation provider writes two emails per allocation: an **introduction** when it starts
//! and a **wrap-up** when it ends. As of a date T:
//!
//! - an introduction is due for an allocation starting within the next 14 days (1 to 14 days
//!   after T), or that started in the last 7 days (0 to 7 days before T, the start day
//!   included) and has no activity counted yet: once work is logged, the provider has been in
//!   touch;
//! - a wrap-up is due for an allocation that ended in the last 14 days (1 to 14 days before
//!   T) or ends within the next 7 (0 to 7 days after T, the end day included).
//!
//! One email per person and day: a complete wrap-up already announces the project's next
//! period, so that period's introduction due the same day is not drafted beside it.
//!
//! A draft that cannot be complete is not written: what it lacks is returned instead, so the
//! caller can say so.

use chrono::NaiveDate;

use super::allocations::AllocationFigures;
use super::report::{recipients, Recipients};
use crate::calendar::Month;
use crate::model::{AllocationId, Dataset, IdVec};

/// Days ahead of its start that an allocation's introduction is due.
pub const INTRODUCTION_DAYS_AHEAD: i64 = 14;
/// Days after its start that an introduction is still due while nothing is logged.
pub const INTRODUCTION_DAYS_LATE: i64 = 7;
/// Days after its end that an allocation's wrap-up is still due.
pub const WRAP_UP_DAYS_AFTER: i64 = 14;
/// Days ahead of its end that an allocation's wrap-up is due.
pub const WRAP_UP_DAYS_AHEAD: i64 = 7;

/// Seed 002's two emails to a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EmailKind {
    /// When an allocation starts: To Technical contacts, Cc Administrative contacts.
    Introduction,
    /// When it ends, with the report and a request for feedback: To Technical contacts, Cc
    /// Administrative contacts and Business Development.
    WrapUp,
    /// Not seed 002's: the monthly usage email, from the service, with the community's PDF
    /// and the figures of its first box. Complete, ready to send.
    Usage,
}

/// What an email needs from the data and the data does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The allocation has no provider: nobody to introduce or sign.
    Provider,
    /// The engagement has no Technical contact with an email address: nobody to write to.
    TechnicalContact,
    /// The project has no description: no objectives and outcome to name.
    ProjectDescription,
}

/// One email due as of the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueEmail {
    pub kind: EmailKind,
    pub allocation: AllocationId,
    /// Empty when a complete draft can be written.
    pub missing: Vec<Missing>,
    /// For a wrap-up: the project's next allocation, whose provider takes over.
    pub next: Option<AllocationId>,
    /// Who it goes to: its engagement's recipients.
    pub recipients: Recipients,
    /// The month the allocation ends in: a wrap-up attaches only the community's report of
    /// that month. An earlier one leaves out its last weeks, a later one speaks of months the
    /// wrap-up is not about.
    pub ended_in: Month,
}

/// Whether an allocation's introduction is due as of `as_of` (see the module docs).
pub fn introduction_due(start: NaiveDate, as_of: NaiveDate, has_activity: bool) -> bool {
    let days_ahead = (start - as_of).num_days();
    (1..=INTRODUCTION_DAYS_AHEAD).contains(&days_ahead)
        || ((-INTRODUCTION_DAYS_LATE..=0).contains(&days_ahead) && !has_activity)
}

/// Whether an allocation's wrap-up is due as of `as_of` (see the module docs).
pub fn wrap_up_due(end: NaiveDate, as_of: NaiveDate) -> bool {
    (-WRAP_UP_DAYS_AFTER..=WRAP_UP_DAYS_AHEAD).contains(&(end - as_of).num_days())
}

/// Every email due as of `as_of`: introductions by start date, then wrap-ups by end date.
pub fn due_emails(
    dataset: &Dataset,
    allocations: &IdVec<AllocationId, AllocationFigures>,
    as_of: NaiveDate,
) -> Vec<DueEmail> {
    let mut introductions: Vec<AllocationId> = dataset
        .allocations
        .iter_enumerated()
        .filter(|(id, allocation)| {
            introduction_due(allocation.start, as_of, allocations[*id].last_activity.is_some())
        })
        .map(|(id, _)| id)
        .collect();
    introductions.sort_by_key(|id| (dataset.allocations[*id].start, *id));
    let mut wrap_ups: Vec<AllocationId> = dataset
        .allocations
        .iter_enumerated()
        .filter(|(_, allocation)| wrap_up_due(allocation.end, as_of))
        .map(|(id, _)| id)
        .collect();
    wrap_ups.sort_by_key(|id| (dataset.allocations[*id].end, *id));
    let due = |kind: EmailKind, allocation: AllocationId| DueEmail {
        kind,
        allocation,
        missing: missing(dataset, allocation),
        next: (kind == EmailKind::WrapUp).then(|| next_allocation(dataset, allocation)).flatten(),
        recipients: recipients(dataset, dataset.allocations[allocation].engagement),
        ended_in: Month::of(dataset.allocations[allocation].end),
    };
    let wrap_ups: Vec<DueEmail> = wrap_ups.into_iter().map(|id| due(EmailKind::WrapUp, id)).collect();
    let announced: Vec<AllocationId> =
        wrap_ups.iter().filter(|email| email.missing.is_empty()).filter_map(|email| email.next).collect();
    introductions
        .into_iter()
        .filter(|id| !announced.contains(id))
        .map(|id| due(EmailKind::Introduction, id))
        .chain(wrap_ups)
        .collect()
}

/// What either email needs and the data lacks: the provider who writes it, a Technical
/// contact to write to, the project's objectives and outcome to name.
fn missing(dataset: &Dataset, allocation: AllocationId) -> Vec<Missing> {
    let record = &dataset.allocations[allocation];
    let engagement = record.engagement;
    let mut missing = Vec::new();
    if record.provider.as_deref().is_none_or(|provider| provider.trim().is_empty()) {
        missing.push(Missing::Provider);
    }
    if recipients(dataset, engagement).to.is_empty() {
        missing.push(Missing::TechnicalContact);
    }
    if dataset.project_of(allocation).description.trim().is_empty() {
        missing.push(Missing::ProjectDescription);
    }
    missing
}

/// The allocation of the same project that starts next after `allocation` starts (earliest
/// start, then file order): the period the wrap-up hands over to.
pub fn next_allocation(dataset: &Dataset, allocation: AllocationId) -> Option<AllocationId> {
    let start = dataset.allocations[allocation].start;
    dataset
        .project_of(allocation)
        .allocations
        .iter()
        .copied()
        .filter(|other| dataset.allocations[*other].start > start)
        .min_by_key(|other| (dataset.allocations[*other].start, *other))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// As of Thu 2026-10-01, hand-counted: Oct 15 is 14 days ahead, Oct 16 is 15.
    #[test]
    fn an_introduction_is_due_from_14_days_before_the_start() {
        let as_of = day("2026-10-01");
        assert!(introduction_due(day("2026-10-15"), as_of, false));
        assert!(
            introduction_due(day("2026-10-15"), as_of, true),
            "activity before the start does not matter"
        );
        assert!(!introduction_due(day("2026-10-16"), as_of, false));
        assert!(introduction_due(day("2026-10-02"), as_of, true));
    }

    /// As of 2026-10-08: Oct 1 started 7 days ago, Sep 30 started 8 days ago.
    #[test]
    fn an_introduction_stays_due_7_days_after_the_start_while_nothing_is_logged() {
        let as_of = day("2026-10-08");
        assert!(introduction_due(day("2026-10-08"), as_of, false), "starts today");
        assert!(!introduction_due(day("2026-10-08"), as_of, true), "starts today, already logged");
        assert!(introduction_due(day("2026-10-01"), as_of, false));
        assert!(!introduction_due(day("2026-10-01"), as_of, true));
        assert!(!introduction_due(day("2026-09-30"), as_of, false));
        assert!(!introduction_due(day("2026-09-30"), as_of, true));
    }

    /// As of 2026-10-14: Sep 30 ended 14 days ago, Sep 29 ended 15 days ago; Oct 21 is 7 days
    /// ahead, Oct 22 is 8.
    #[test]
    fn a_wrap_up_is_due_from_7_days_before_to_14_days_after_the_end() {
        let as_of = day("2026-10-14");
        assert!(wrap_up_due(day("2026-09-30"), as_of));
        assert!(!wrap_up_due(day("2026-09-29"), as_of));
        assert!(wrap_up_due(day("2026-10-14"), as_of), "ends today");
        assert!(wrap_up_due(day("2026-10-21"), as_of));
        assert!(!wrap_up_due(day("2026-10-22"), as_of));
    }
}
