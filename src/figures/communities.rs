//! Communities as a reader sees them: one community, however many engagements it has had.
//!
//! A community is every engagement whose Community cell holds the same name (exactly: "Acme"
//! and "ACME" are two). Its *current* engagement ([`current_engagement`]) leads its page, its
//! PDF, its dashboard row and its manifest entry; the others are its history.

use chrono::NaiveDate;

use crate::model::{CommunityId, Dataset, EngagementId, IdVec};

#[derive(Debug, Clone, PartialEq)]
pub struct Community {
    pub name: String,
    /// Every engagement of the community, oldest first (by start date, then row).
    pub engagements: Vec<EngagementId>,
    /// The one that leads: see [`current_engagement`].
    pub current: EngagementId,
}

impl Community {
    /// The engagements before or beside the current one, oldest first: its history.
    pub fn earlier(&self) -> impl Iterator<Item = EngagementId> + '_ {
        self.engagements.iter().copied().filter(|id| *id != self.current)
    }
}

/// The communities of the data, in the order their first engagement appears.
pub fn communities(dataset: &Dataset, as_of: NaiveDate) -> IdVec<CommunityId, Community> {
    let mut names: Vec<&str> = Vec::new();
    let mut members: Vec<Vec<EngagementId>> = Vec::new();
    for (id, engagement) in dataset.engagements.iter_enumerated() {
        match names.iter().position(|name| *name == engagement.community) {
            Some(index) => members[index].push(id),
            None => {
                names.push(&engagement.community);
                members.push(vec![id]);
            }
        }
    }
    names
        .into_iter()
        .zip(members)
        .map(|(name, mut engagements)| {
            engagements.sort_by_key(|id| (dataset.engagements[*id].start, *id));
            let current =
                current_engagement(dataset, &engagements, as_of).expect("a community has an engagement");
            Community { name: name.to_string(), engagements, current }
        })
        .collect()
}

/// Of a community's engagements, the current one on `as_of`: the one running on that day (no
/// start date counts as started, no end date as still running) that started last, so that a
/// renewal overlapping the engagement it renews leads from its first day; when none is running,
/// the one that ended last; when all are still to start, the one that starts first. The later
/// row on a tie.
pub fn current_engagement(
    dataset: &Dataset,
    engagements: &[EngagementId],
    as_of: NaiveDate,
) -> Option<EngagementId> {
    let record = |id: &EngagementId| &dataset.engagements[*id];
    let started = |id: &&EngagementId| record(id).start.is_none_or(|start| start <= as_of);
    let ended = |id: &&EngagementId| record(id).end.is_some_and(|end| end < as_of);
    let running = engagements.iter().filter(started).filter(|id| !ended(id));
    running
        .max_by_key(|id| (record(id).start, **id))
        .or_else(|| engagements.iter().filter(ended).max_by_key(|id| (record(id).end, **id)))
        .or_else(|| engagements.iter().min_by_key(|id| (record(id).start, std::cmp::Reverse(**id))))
        .copied()
}
