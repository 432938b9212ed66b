//! The internal report's action list: every reason an engagement is not On Track, and every
//! activity dated outside its allocation's window, as one finding each, grouped by the kind of
//! work it asks for (commercial decisions first, then delivery, then data fixes) and, within a
//! kind, most urgent engagement first.

use chrono::NaiveDate;

use super::status::{FindingKind, Reason};
use super::Figures;
use crate::model::EngagementId;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub engagement: EngagementId,
    pub kind: FindingKind,
    pub reason: Reason,
    pub since: Option<NaiveDate>,
}

pub fn findings(figures: &Figures) -> Vec<Finding> {
    let mut findings: Vec<(usize, Finding)> = figures
        .urgency
        .iter()
        .enumerate()
        .flat_map(|(rank, engagement)| {
            figures.engagements[*engagement].status.reasons.iter().map(move |reason| {
                let finding = Finding {
                    engagement: *engagement,
                    kind: reason.kind(),
                    reason: reason.clone(),
                    since: reason.since(),
                };
                (rank, finding)
            })
        })
        .collect();
    findings.sort_by_key(|(rank, finding)| (finding.kind, *rank));
    findings.into_iter().map(|(_, finding)| finding).collect()
}

/// The engagements with activities dated outside their allocation's window, with how many: a
/// data finding of its own.
pub fn outside_windows(figures: &Figures) -> Vec<(EngagementId, usize)> {
    figures
        .urgency
        .iter()
        .map(|id| (*id, figures.engagements[*id].outside_window.len()))
        .filter(|(_, count)| *count > 0)
        .collect()
}
