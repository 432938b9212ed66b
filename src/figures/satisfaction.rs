//! Did it help? The wrap-up's feedback form read back (seed 002: "Please fill out this Google
//! Form regarding the value received by your community"): per allocation, community and
//! provider, and per quarter for the service.
//!
//! - A response **counts** as of the date when it was sent by then; a respondent who answered
//!   twice about one allocation (the form collects addresses) counts once, with the later
//!   answer.
//! - The **mean** is the counted scores' mean.
//! - The **response rate** is the wrap-ups answered ÷ the wrap-ups due: each allocation that
//!   ended on or after `[feedback] since` (by default the first response's day) and before the
//!   as-of date is one wrap-up, answered when at least one response about it counts.
//! - A community whose last two wrap-ups due are both unanswered is asked again, by the
//!   providers of those allocations.
//!
//! Internal only: no comment and no score reaches a community's report or email.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::brief::Quarter;
use super::Figures;
use crate::calendar::Month;
use crate::model::{AllocationId, CommunityId, Dataset, Response};
use crate::settings::FeedbackScale;

/// The latest comments a score quotes.
const COMMENTS: usize = 3;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Score {
    /// Responses counted.
    pub responses: usize,
    pub mean: Option<f64>,
    /// Wrap-ups due, and of them those answered; `due` is 0 for a quarter (not judged).
    pub due: usize,
    pub answered: usize,
    /// Answered ÷ due, when any wrap-up was due.
    pub rate: Option<f64>,
    /// The latest comments, latest first: (sent, text).
    pub comments: Vec<(NaiveDate, String)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Satisfaction {
    /// The responses counted as of the date, in file order.
    pub counted: Vec<Response>,
    /// Wrap-ups of allocations that ended from this day on were due (`[feedback] since`, or the
    /// first response's day).
    pub since: Option<NaiveDate>,
    pub service: Score,
    /// The service's trend: each quarter with a response, in order.
    pub by_quarter: Vec<(Quarter, Score)>,
    /// Each community with a response or a wrap-up due, lowest mean first (none last).
    pub by_community: Vec<(CommunityId, Score)>,
    /// Each provider likewise.
    pub by_provider: Vec<(String, Score)>,
    /// Each allocation with a response, in allocation order.
    pub by_allocation: Vec<(AllocationId, Score)>,
    /// Communities whose last two wrap-ups due went unanswered, with those allocations.
    pub ask_again: Vec<(CommunityId, Vec<AllocationId>)>,
}

/// The counted responses: sent by `as_of`, a respondent's later answer about an allocation
/// replacing the earlier one.
fn counted(responses: &[Response], as_of: NaiveDate) -> Vec<Response> {
    let mut latest: BTreeMap<(AllocationId, &str), usize> = BTreeMap::new();
    for (index, response) in responses.iter().enumerate().filter(|(_, r)| r.sent <= as_of) {
        if response.respondent.is_empty() {
            continue;
        }
        let key = (response.allocation, response.respondent.as_str());
        let replaces = latest.get(&key).is_none_or(|earlier| responses[*earlier].sent <= response.sent);
        if replaces {
            latest.insert(key, index);
        }
    }
    let kept: BTreeSet<usize> = latest.into_values().collect();
    responses
        .iter()
        .enumerate()
        .filter(|(index, r)| r.sent <= as_of && (r.respondent.is_empty() || kept.contains(index)))
        .map(|(_, r)| r.clone())
        .collect()
}

/// The score of some responses, with the wrap-ups of `due` allocations.
fn score<'a>(responses: impl Iterator<Item = &'a Response>, due: &[AllocationId]) -> Score {
    let responses: Vec<&Response> = responses.collect();
    let answered: BTreeSet<AllocationId> = responses.iter().map(|r| r.allocation).collect();
    let total: u32 = responses.iter().map(|r| r.score).sum();
    let mut comments: Vec<(NaiveDate, usize, String)> = responses
        .iter()
        .filter(|r| !r.comment.trim().is_empty())
        .map(|r| (r.sent, r.line as usize, r.comment.trim().to_string()))
        .collect();
    comments.sort_by_key(|(sent, line, _)| std::cmp::Reverse((*sent, *line)));
    let answered = due.iter().filter(|id| answered.contains(id)).count();
    Score {
        rate: (!due.is_empty()).then(|| answered as f64 / due.len() as f64),
        responses: responses.len(),
        mean: (!responses.is_empty()).then(|| f64::from(total) / responses.len() as f64),
        due: due.len(),
        answered,
        comments: comments.into_iter().take(COMMENTS).map(|(sent, _, text)| (sent, text)).collect(),
    }
}

/// Lowest mean first, scores without a response last, then by name.
fn lowest_first<K: Ord + Clone>(mut scores: Vec<(K, Score)>) -> Vec<(K, Score)> {
    scores.sort_by(|a, b| {
        let mean = |score: &Score| score.mean.unwrap_or(f64::INFINITY);
        mean(&a.1).total_cmp(&mean(&b.1)).then_with(|| a.0.cmp(&b.0))
    });
    scores
}

/// The satisfaction as of the figures' date; `None` without `feedback.csv`.
pub fn satisfaction(dataset: &Dataset, figures: &Figures, scale: FeedbackScale) -> Option<Satisfaction> {
    let responses = dataset.feedback.as_ref()?;
    let as_of = figures.as_of;
    let counted = counted(responses, as_of);
    let since = scale.since.or_else(|| counted.iter().map(|r| r.sent).min());
    let due: Vec<AllocationId> = match since {
        Some(since) => dataset
            .allocations
            .iter_enumerated()
            .filter(|(_, a)| since <= a.end && a.end < as_of)
            .map(|(id, _)| id)
            .collect(),
        None => Vec::new(),
    };
    let community_of = |id: AllocationId| figures.community_of[dataset.allocations[id].engagement];
    let provider_of = |id: AllocationId| dataset.allocations[id].provider.clone();

    let communities: BTreeSet<CommunityId> = counted
        .iter()
        .map(|r| community_of(r.allocation))
        .chain(due.iter().map(|a| community_of(*a)))
        .collect();
    let by_community = communities
        .into_iter()
        .map(|community| {
            let due: Vec<AllocationId> =
                due.iter().copied().filter(|a| community_of(*a) == community).collect();
            (community, score(counted.iter().filter(|r| community_of(r.allocation) == community), &due))
        })
        .collect();
    let providers: BTreeSet<String> = counted
        .iter()
        .filter_map(|r| provider_of(r.allocation))
        .chain(due.iter().filter_map(|a| provider_of(*a)))
        .collect();
    let by_provider = providers
        .into_iter()
        .map(|provider| {
            let mine = |id: AllocationId| provider_of(id).as_deref() == Some(provider.as_str());
            let due: Vec<AllocationId> = due.iter().copied().filter(|a| mine(*a)).collect();
            let score = score(counted.iter().filter(|r| mine(r.allocation)), &due);
            (provider, score)
        })
        .collect();
    let quarters: BTreeSet<Quarter> = counted.iter().map(|r| Quarter::of(Month::of(r.sent))).collect();
    let by_quarter = quarters
        .into_iter()
        .map(|quarter| {
            (quarter, score(counted.iter().filter(|r| Quarter::of(Month::of(r.sent)) == quarter), &[]))
        })
        .collect();
    let allocations: BTreeSet<AllocationId> = counted.iter().map(|r| r.allocation).collect();
    let by_allocation = allocations
        .into_iter()
        .map(|allocation| {
            let due: Vec<AllocationId> = due.iter().copied().filter(|a| *a == allocation).collect();
            (allocation, score(counted.iter().filter(|r| r.allocation == allocation), &due))
        })
        .collect();
    Some(Satisfaction {
        since,
        service: score(counted.iter(), &due),
        by_quarter,
        by_community: lowest_first(by_community),
        by_provider: lowest_first(by_provider),
        by_allocation,
        ask_again: ask_again(dataset, &counted, &due, &community_of),
        counted,
    })
}

/// One engagement's score from `since` on (its start, for a brief): the counted responses about
/// its allocations sent since then, and its wrap-ups due (see [`Satisfaction::since`]) that
/// ended since then.
pub fn engagement_since(
    dataset: &Dataset,
    found: &Satisfaction,
    engagement: crate::model::EngagementId,
    since: NaiveDate,
    as_of: NaiveDate,
) -> Score {
    let due_from = found.since.map_or(since, |first| first.max(since));
    let mine = |id: AllocationId| dataset.allocations[id].engagement == engagement;
    let due: Vec<AllocationId> = dataset
        .allocations_of(engagement)
        .filter(|id| {
            let end = dataset.allocations[*id].end;
            due_from <= end && end < as_of
        })
        .collect();
    score(found.counted.iter().filter(|r| mine(r.allocation) && r.sent >= since), &due)
}

/// The communities whose last two wrap-ups due (by end date) went unanswered.
fn ask_again(
    dataset: &Dataset,
    counted: &[Response],
    due: &[AllocationId],
    community_of: &dyn Fn(AllocationId) -> CommunityId,
) -> Vec<(CommunityId, Vec<AllocationId>)> {
    let answered: BTreeSet<AllocationId> = counted.iter().map(|r| r.allocation).collect();
    let mut by_community: BTreeMap<CommunityId, Vec<AllocationId>> = BTreeMap::new();
    for id in due {
        by_community.entry(community_of(*id)).or_default().push(*id);
    }
    by_community
        .into_iter()
        .filter_map(|(community, mut ended)| {
            ended.sort_by_key(|id| (dataset.allocations[*id].end, *id));
            let last_two: Vec<AllocationId> = ended.iter().rev().take(2).rev().copied().collect();
            (last_two.len() == 2 && last_two.iter().all(|id| !answered.contains(id)))
                .then_some((community, last_two))
        })
        .collect()
}
