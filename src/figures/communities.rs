//! Communities as a reader sees them: one community, however many engagements it has had.
//!
//! A community is every engagement whose Community cell holds the same name: the same
//! characters once composed and spaced alike (`load::names::link_key`), but case counts ("Acme"
//! and "ACME" are two). Its *current* engagement ([`current_engagement`]) leads its page, its
//! PDF, its dashboard row and its manifest entry; the others are its history.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::load::names::link_key;

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
    let mut keys: HashMap<Cow<'_, str>, usize> = HashMap::new();
    let mut members: Vec<Vec<EngagementId>> = Vec::new();
    for (id, engagement) in dataset.engagements.iter_enumerated() {
        match keys.get(&link_key(&engagement.community)) {
            Some(index) => members[*index].push(id),
            None => {
                keys.insert(link_key(&engagement.community), names.len());
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

/// One way a typed name can match a community.
type Rule<'a> = &'a dyn Fn(CommunityId, &Community) -> bool;

/// What a community name typed on the command line matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    One(CommunityId),
    /// Several communities match equally well: the user must say which.
    Several(Vec<CommunityId>),
    None,
}

/// The community `wanted` names, trying in turn: its name as written (spaces, accents and
/// invisible characters compared as for linking), then the name in any case when only one
/// community has it, then the file name the book gives it, then the plain slug of its name when
/// only one community makes it. `slugs` gives a community's (file name, plain slug).
pub fn matching(
    communities: &IdVec<CommunityId, Community>,
    wanted: &str,
    slugs: impl Fn(CommunityId) -> (String, String),
) -> Found {
    let wanted_key = link_key(wanted);
    let folded = wanted_key.to_lowercase();
    let matching = |test: &dyn Fn(CommunityId, &Community) -> bool| -> Vec<CommunityId> {
        communities.iter_enumerated().filter(|(id, c)| test(*id, c)).map(|(id, _)| id).collect()
    };
    let rules: [Rule<'_>; 4] = [
        &|_, c| link_key(&c.name) == wanted_key,
        &|_, c| link_key(&c.name).to_lowercase() == folded,
        &|id, _| slugs(id).0 == wanted.trim(),
        &|id, _| slugs(id).1 == wanted.trim(),
    ];
    for rule in rules {
        match matching(rule).as_slice() {
            [] => continue,
            [one] => return Found::One(*one),
            several => return Found::Several(several.to_vec()),
        }
    }
    Found::None
}
