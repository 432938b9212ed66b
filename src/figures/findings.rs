//! The internal report's action list: every reason an engagement is not On Track, and the
//! activities dated outside their allocation's window, each condition once, with the date it
//! started, grouped by the kind of work it asks for (commercial decisions first, then
//! delivery, then data fixes) and, within a kind, most urgent engagement first.
//!
//! Two rules can find one condition; [`merge`] is the decision that keeps it one finding, and
//! [`since`] the one that dates it.

use chrono::NaiveDate;

use super::status::{FindingKind, Reason};
use super::Figures;
use crate::model::{ActivityId, AllocationId, Dataset, EngagementId};

/// What a finding is about: a status reason, or activities dated outside their allocation's
/// window (counted, but a data owner should look at them).
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Reason(Reason),
    OutsideWindow {
        activities: Vec<ActivityId>,
        /// The allocations they are logged against, in file order, each once: their providers
        /// act on them.
        allocations: Vec<AllocationId>,
    },
    /// The community's last two wrap-ups due both went unanswered on the feedback form
    /// ([`super::satisfaction`]): their providers ask again.
    NoFeedback {
        allocations: Vec<AllocationId>,
    },
}

impl Subject {
    pub fn kind(&self) -> FindingKind {
        match self {
            Subject::Reason(reason) => reason.kind(),
            Subject::OutsideWindow { .. } => FindingKind::Data,
            Subject::NoFeedback { .. } => FindingKind::Delivery,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub engagement: EngagementId,
    pub kind: FindingKind,
    /// The finding kept: it says what to do.
    pub subject: Subject,
    /// What other rules found of the same condition ([`merge`]): the finding's sentence states
    /// these facts too, and they are not listed again.
    pub merged: Vec<Subject>,
    /// The day the condition started ([`since`]), the earliest of its parts; `None` only when
    /// no date in the data says it.
    pub since: Option<NaiveDate>,
}

/// Every finding, once each, commercial decisions first, then delivery, then data fixes; within
/// a kind, in the engagements' urgency order, and within an engagement in the order its rules
/// fired (activities outside their windows last).
pub fn findings(dataset: &Dataset, figures: &Figures) -> Vec<Finding> {
    let mut findings: Vec<(usize, Finding)> = Vec::new();
    for (rank, engagement) in figures.urgency.iter().enumerate() {
        for finding in engagement_findings(dataset, figures, *engagement) {
            findings.push((rank, finding));
        }
    }
    findings.sort_by_key(|(rank, finding)| (finding.kind, *rank));
    findings.into_iter().map(|(_, finding)| finding).collect()
}

/// One engagement's findings, merged ([`merge`]) and dated ([`since`]), in the order its rules
/// fired.
pub fn engagement_findings(dataset: &Dataset, figures: &Figures, engagement: EngagementId) -> Vec<Finding> {
    let mut subjects: Vec<Subject> =
        figures.engagements[engagement].status.reasons.iter().cloned().map(Subject::Reason).collect();
    let outside = &figures.engagements[engagement].outside_window;
    if !outside.is_empty() {
        subjects.push(outside_window(dataset, outside.clone()));
    }
    let community = figures.community_of[engagement];
    let unanswered = figures.satisfaction.iter().flat_map(|s| &s.ask_again).find(|(c, _)| *c == community);
    if let Some((_, allocations)) =
        unanswered.filter(|_| figures.communities[community].current == engagement)
    {
        subjects.push(Subject::NoFeedback { allocations: allocations.clone() });
    }
    merge(dataset, engagement, subjects)
        .into_iter()
        .map(|(subject, merged)| {
            let since = std::iter::once(&subject)
                .chain(&merged)
                .filter_map(|s| since(dataset, figures, engagement, s))
                .min();
            Finding { engagement, kind: subject.kind(), subject, merged, since }
        })
        .collect()
}

fn outside_window(dataset: &Dataset, activities: Vec<ActivityId>) -> Subject {
    let mut allocations: Vec<AllocationId> = Vec::new();
    for id in &activities {
        let allocation = dataset.activities[*id].allocation;
        if !allocations.contains(&allocation) {
            allocations.push(allocation);
        }
    }
    allocations.sort();
    Subject::OutsideWindow { activities, allocations }
}

/// **The merge rule: one condition, one finding.** Two rules find the same condition in two
/// cases, and each is kept once, as the more urgent finding, whose sentence also states what
/// the other rule found:
///
/// 1. *Services beyond the contract period.* Activities dated after the engagement's end, the
///    engagement still marked Active after it, and those same activities being outside their
///    allocation's window are one condition: work past the contract. The commercial finding
///    (activities after the end) keeps it; the Status left at Active and the activities dated
///    after the end that are outside their windows merge into it (its action names closing the
///    engagement and moving the activities too). Outside-window activities dated within the
///    contract stay a data finding of their own; "still marked Active" with no work after the
///    end stays a data finding too.
/// 2. *An allocation used too fast.* An allocation overrun, or forecast to overrun, and ahead of
///    pace is one condition seen twice. The overrun (or forecast overrun, commercial) keeps it;
///    the ahead-of-pace finding (delivery) merges into it. Behind pace is never merged.
///
/// A merged finding's `since` is the earliest of its parts'.
pub fn merge(
    dataset: &Dataset,
    engagement: EngagementId,
    subjects: Vec<Subject>,
) -> Vec<(Subject, Vec<Subject>)> {
    let mut kept: Vec<(Subject, Vec<Subject>)> = Vec::new();
    let beyond_contract =
        subjects.iter().any(|s| matches!(s, Subject::Reason(Reason::ActivitiesAfterEnd { .. })));
    let fast = |allocation: AllocationId| {
        subjects.iter().any(|s| {
            matches!(s, Subject::Reason(Reason::Overrun { allocation: a, .. } | Reason::ForecastOverrun { allocation: a, .. }) if *a == allocation)
        })
    };
    let mut into_contract: Vec<Subject> = Vec::new();
    let mut into_allocation: Vec<(AllocationId, Subject)> = Vec::new();
    for subject in subjects.iter().cloned() {
        match &subject {
            Subject::Reason(Reason::StillMarkedActive { .. }) if beyond_contract => {
                into_contract.push(subject)
            }
            Subject::Reason(Reason::OffPace { allocation, ahead: true, .. }) if fast(*allocation) => {
                into_allocation.push((*allocation, subject))
            }
            Subject::OutsideWindow { activities, .. } if beyond_contract => {
                let ended = dataset.engagements[engagement].end;
                let (after, within): (Vec<ActivityId>, Vec<ActivityId>) = activities
                    .iter()
                    .partition(|id| ended.is_some_and(|end| dataset.activities[**id].end > end));
                if !after.is_empty() {
                    into_contract.push(outside_window(dataset, after));
                }
                if !within.is_empty() {
                    kept.push((outside_window(dataset, within), Vec::new()));
                }
            }
            _ => kept.push((subject, Vec::new())),
        }
    }
    for (subject, merged) in &mut kept {
        match subject {
            Subject::Reason(Reason::ActivitiesAfterEnd { .. }) => merged.append(&mut into_contract),
            Subject::Reason(
                Reason::Overrun { allocation, .. } | Reason::ForecastOverrun { allocation, .. },
            ) => {
                let allocation = *allocation;
                merged
                    .extend(into_allocation.iter().filter(|(a, _)| *a == allocation).map(|(_, s)| s.clone()));
            }
            _ => {}
        }
    }
    // Outside-window activities go last, after the reasons (the order `findings` promises).
    let (mut reasons, outside): (Vec<_>, Vec<_>) =
        kept.into_iter().partition(|(subject, _)| matches!(subject, Subject::Reason(_)));
    reasons.extend(outside);
    reasons
}

/// **Since when a finding has stood**, the rule for each:
///
/// - work after the engagement's end and its Status still Active: the day after the end;
/// - an overrun: the day the hours used first went beyond the hours available;
/// - a forecast overrun or a pace far from expected: the first day of the unbroken run of days,
///   up to the as-of date, on which the rule fired, each day judged as of itself
///   (`status::held_since`);
/// - renewal due: the first day of the renewal window;
/// - a record to complete (an engagement's missing end date or description, its missing
///   projects; a project's missing dates, description or allocations; an allocation without a
///   provider): the exports carry no date for when an engagement, project or allocation record
///   was made, so the finding is dated from the start of the record it is about, once that has
///   come (from then the work it describes was under way with the record incomplete); a record
///   that has not started yet, or has no start date, is dated from its engagement's start,
///   the day the engagement's records (set up from its agreement) began to be reported on;
/// - activities dated outside their allocation's window: the day the first of them was logged
///   (its Created date), or the first day of its dates when Created is empty.
///
/// Blank (`None`) only when the engagement has no start date, or has not started by the as-of
/// date, and the record's own start does not say it: nothing in the data dates the record then.
pub fn since(
    dataset: &Dataset,
    figures: &Figures,
    engagement: EngagementId,
    subject: &Subject,
) -> Option<NaiveDate> {
    let as_of = figures.as_of;
    let started = |day: Option<NaiveDate>| day.filter(|day| *day <= as_of);
    let engagement_start = started(dataset.engagements[engagement].start);
    let record_start = |start: Option<NaiveDate>| started(start).or(engagement_start);
    match subject {
        Subject::Reason(reason) => reason.since().or_else(|| match reason {
            Reason::EngagementIncomplete { .. } | Reason::NoProjects => engagement_start,
            Reason::ProjectIncomplete { project, .. } | Reason::NoAllocations { project } => {
                record_start(dataset.projects[*project].start)
            }
            Reason::NoProvider { allocation } => record_start(Some(dataset.allocations[*allocation].start)),
            _ => None,
        }),
        Subject::OutsideWindow { activities, .. } => activities
            .iter()
            .map(|id| {
                let activity = &dataset.activities[*id];
                activity.created.unwrap_or(activity.start)
            })
            .min(),
        // Since the later wrap-up went unanswered: the day after its allocation ended.
        Subject::NoFeedback { allocations } => {
            allocations.iter().map(|id| dataset.allocations[*id].end).max().and_then(|end| end.succ_opt())
        }
    }
}
