//! Stage 2: typed rows → one linked, validated dataset.
//!
//! Each record has a typed id (see [`ids`]); links between records are ids, resolved once
//! from the names in the exports ([`link`]). The accessors here are the only joins the later
//! stages need: an engagement's projects, allocations and activities, a record's parents.

mod checks;
mod link;
mod long_cells;

use std::ops::Deref;

use chrono::NaiveDate;

use crate::calendar::WorkCalendar;

pub use self::link::link;
use crate::hours::Hours;
pub use crate::ids;
pub use crate::ids::{
    ActivityId, AllocationId, CommunityId, ContactId, EngagementId, Id, IdVec, MemberId, ProjectId,
};
use crate::load::activities::Texts;
use crate::load::allocations::AllocationRow;
use crate::load::capacity::CapacityRow;
use crate::load::contacts::{ContactRow, Role};
use crate::load::engagements::EngagementRow;
use crate::load::projects::ProjectRow;
use crate::load::Symbols;

#[derive(Debug, Clone)]
pub struct Engagement {
    pub record: EngagementRow,
    pub projects: Vec<ProjectId>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub record: ProjectRow,
    pub engagement: EngagementId,
    pub allocations: Vec<AllocationId>,
}

#[derive(Debug, Clone)]
pub struct Allocation {
    pub record: AllocationRow,
    pub project: ProjectId,
    pub engagement: EngagementId,
    /// In file order.
    pub activities: Vec<ActivityId>,
}

pub use crate::load::activities::Activity;

#[derive(Debug, Clone)]
pub struct Contact {
    pub record: ContactRow,
    pub engagements: Vec<EngagementId>,
}

macro_rules! deref_to_record {
    ($($model:ty => $row:ty),*) => {$(
        impl Deref for $model {
            type Target = $row;
            fn deref(&self) -> &$row {
                &self.record
            }
        }
    )*};
}
deref_to_record!(Engagement => EngagementRow, Project => ProjectRow, Allocation => AllocationRow, Contact => ContactRow);

impl Activity {
    /// Whether a report as of `as_of` counts this activity at all: once it has started.
    pub fn counts_as_of(&self, as_of: NaiveDate) -> bool {
        self.start <= as_of
    }

    /// The one rule for the hours a report as of `as_of` counts: none before the activity
    /// starts, all once it has ended, and in between its share of its working days up to
    /// `as_of` (of its calendar days when its range has no working day, e.g. weekend work).
    /// An activity logged as one range (`10/1/2024–2/28/2025, 560 h`) is thus counted as it
    /// was delivered, in used hours, pace and the delivered series alike.
    pub fn hours_as_of(&self, as_of: NaiveDate, calendar: &WorkCalendar) -> Hours {
        if as_of < self.start {
            return Hours::ZERO;
        }
        if as_of >= self.end {
            return self.units;
        }
        let (elapsed, total) = match calendar.working_days(self.start, self.end) {
            0 => (calendar_days(self.start, as_of), calendar_days(self.start, self.end)),
            total => (calendar.working_days(self.start, as_of), total),
        };
        self.units.share(elapsed, total)
    }

    /// The part of [`Activity::hours_as_of`] that falls within `first..=last` (an allocation's
    /// window): its units spread evenly over its working days (calendar days when it has none),
    /// the days up to `as_of` and inside the window counted. What falls outside the window is
    /// `hours_as_of − hours_within`, so the two always add up to what was delivered.
    pub fn hours_within(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        as_of: NaiveDate,
        calendar: &WorkCalendar,
    ) -> Hours {
        if self.start >= first && self.end <= last {
            return self.hours_as_of(as_of, calendar);
        }
        let (from, to) = (self.start.max(first), self.end.min(last).min(as_of));
        if from > to {
            return Hours::ZERO;
        }
        match calendar.working_days(self.start, self.end) {
            0 => self.units.share(calendar_days(from, to), calendar_days(self.start, self.end)),
            total => self.units.share(calendar.working_days(from, to), total),
        }
    }

    /// The description as logged: the team's words.
    pub fn description(&self) -> &str {
        self.texts.description()
    }

    /// The public description as logged, empty when there is none.
    pub fn public_description(&self) -> &str {
        self.texts.public()
    }

    /// The description a community reads: the public description when there is one.
    pub fn community_description(&self) -> &str {
        match self.texts.public() {
            "" => self.description(),
            public => public,
        }
    }

    /// Replaces the descriptions (the logged one and an optional public one).
    pub fn set_descriptions(&mut self, description: &str, public: &str) {
        self.texts = Texts::own(description, public);
    }

    /// Whether its dates fall (partly) outside its allocation's window.
    pub fn is_outside(&self, allocation: &Allocation) -> bool {
        self.start < allocation.start || self.end > allocation.end
    }

    /// An activity of allocation 0 by team member 0, for examples and tests.
    pub fn standalone(start: NaiveDate, end: NaiveDate, units: Hours) -> Activity {
        Activity {
            line: 2,
            allocation: AllocationId::from_index(0),
            team_member: MemberId::from_index(0),
            units,
            start,
            end,
            created: None,
            texts: Texts::EMPTY,
        }
    }
}

/// Days from `first` to `last`, both included.
fn calendar_days(first: NaiveDate, last: NaiveDate) -> u32 {
    u32::try_from((last - first).num_days() + 1).unwrap_or(0)
}

impl Allocation {
    /// An allocation outside any dataset (project and engagement 0), for examples and tests.
    pub fn standalone(name: &str, start: NaiveDate, end: NaiveDate, available: Hours) -> Allocation {
        let record = AllocationRow {
            line: 2,
            name: name.to_string(),
            project: String::new(),
            start,
            end,
            available,
            description: String::new(),
            provider: None,
        };
        Allocation {
            record,
            project: ProjectId::from_index(0),
            engagement: EngagementId::from_index(0),
            activities: Vec::new(),
        }
    }
}

impl Engagement {
    /// Ended before `as_of` but still marked Active in Airtable: a contract that lapsed
    /// without anyone closing or renewing it.
    pub fn is_lapsed(&self, as_of: NaiveDate) -> bool {
        self.end.is_some_and(|end| end < as_of) && self.status.trim().eq_ignore_ascii_case("active")
    }
}

impl Contact {
    /// Administrative and Technical contacts are reported; Billing-only contacts never are.
    pub fn is_reported(&self) -> bool {
        self.roles.iter().any(|role| *role != Role::Billing)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub engagements: IdVec<EngagementId, Engagement>,
    pub projects: IdVec<ProjectId, Project>,
    pub allocations: IdVec<AllocationId, Allocation>,
    pub activities: IdVec<ActivityId, Activity>,
    pub contacts: IdVec<ContactId, Contact>,
    /// Team member names, indexed by [`MemberId`].
    pub team_members: Symbols,
    /// Sorted by date; `None` when unknown.
    pub capacity: Option<Vec<CapacityRow>>,
    /// The feedback form's responses that name an allocation of the data, in file order;
    /// `None` without `feedback.csv`.
    pub feedback: Option<Vec<Response>>,
}

/// One answer to the wrap-up's feedback form, about one allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// Its line in `feedback.csv`.
    pub line: u64,
    pub sent: NaiveDate,
    pub allocation: AllocationId,
    pub score: u32,
    pub comment: String,
    /// The respondent's address, lower case; empty when the form does not collect it.
    pub respondent: String,
}

impl Dataset {
    pub fn team_member(&self, member: MemberId) -> &str {
        self.team_members.name(member.index() as u32)
    }

    /// An engagement's allocations, project by project.
    pub fn allocations_of(&self, engagement: EngagementId) -> impl Iterator<Item = AllocationId> + '_ {
        self.engagements[engagement]
            .projects
            .iter()
            .flat_map(|project| self.projects[*project].allocations.iter().copied())
    }

    /// An allocation's activities, in file order.
    pub fn activities_of(
        &self,
        allocation: AllocationId,
    ) -> impl Iterator<Item = (ActivityId, &Activity)> + '_ {
        self.allocations[allocation].activities.iter().map(|id| (*id, &self.activities[*id]))
    }

    /// An engagement's activities, allocation by allocation.
    pub fn engagement_activities(
        &self,
        engagement: EngagementId,
    ) -> impl Iterator<Item = (ActivityId, &Activity)> + '_ {
        self.allocations_of(engagement).flat_map(|allocation| self.activities_of(allocation))
    }

    /// The contacts of an engagement with `role` (a contact may have several roles and
    /// engagements), in file order.
    pub fn contacts_with_role(
        &self,
        engagement: EngagementId,
        role: Role,
    ) -> impl Iterator<Item = (ContactId, &Contact)> {
        self.contacts.iter_enumerated().filter(move |(_, contact)| {
            contact.engagements.contains(&engagement) && contact.roles.contains(&role)
        })
    }

    /// The contacts of an engagement who appear in reports (never Billing-only ones).
    pub fn reported_contacts(&self, engagement: EngagementId) -> impl Iterator<Item = ContactId> + '_ {
        self.contacts
            .iter_enumerated()
            .filter(move |(_, contact)| contact.engagements.contains(&engagement) && contact.is_reported())
            .map(|(id, _)| id)
    }

    /// The dataset as it was known on `known_at`: the activities logged (Created) after that
    /// day left out, as `--known-at` reads an export. Rows without a Created date stay: nothing
    /// says when they were logged.
    pub fn known_at(&self, known_at: NaiveDate) -> Dataset {
        let mut dataset = Dataset {
            activities: self
                .activities
                .iter()
                .filter(|activity| activity.created.is_none_or(|created| created <= known_at))
                .cloned()
                .collect(),
            feedback: self.feedback.as_ref().map(|responses| {
                responses.iter().filter(|response| response.sent <= known_at).cloned().collect()
            }),
            ..self.clone_without_activities()
        };
        for allocation in dataset.allocations.iter_mut() {
            allocation.activities.clear();
        }
        for index in 0..dataset.activities.len() {
            let id = ActivityId::from_index(index);
            let allocation = dataset.activities[id].allocation;
            dataset.allocations.get_mut(allocation).activities.push(id);
        }
        dataset
    }

    fn clone_without_activities(&self) -> Dataset {
        Dataset {
            engagements: self.engagements.clone(),
            projects: self.projects.clone(),
            allocations: self.allocations.clone(),
            activities: IdVec::default(),
            contacts: self.contacts.clone(),
            team_members: self.team_members.clone(),
            capacity: self.capacity.clone(),
            feedback: None,
        }
    }

    pub fn engagement_of(&self, allocation: AllocationId) -> &Engagement {
        &self.engagements[self.allocations[allocation].engagement]
    }

    pub fn project_of(&self, allocation: AllocationId) -> &Project {
        &self.projects[self.allocations[allocation].project]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Hours outside an allocation's window do not draw on it: the part within is its units
    /// spread over the activity's working days, those inside the window and up to the as-of
    /// date counted.
    #[test]
    fn hours_within_a_window_are_the_working_days_inside_it() {
        let calendar = WorkCalendar::default();
        let (august_1, august_31) = (day("2026-08-01"), day("2026-08-31"));
        // Fri 28 August to Fri 4 September: 6 working days (28, 31, 1–4), 6 h, 1 h a day.
        let across = Activity::standalone(day("2026-08-28"), day("2026-09-04"), Hours::whole(6));
        let end = day("2026-10-31");
        assert_eq!(across.hours_within(august_1, august_31, end, &calendar), Hours::whole(2));
        assert_eq!(across.hours_as_of(end, &calendar), Hours::whole(6));
        // As of Wed 2 September: 4 h delivered (28, 31, 1, 2), 2 h of them in August.
        let september_2 = day("2026-09-02");
        assert_eq!(across.hours_as_of(september_2, &calendar), Hours::whole(4));
        assert_eq!(across.hours_within(august_1, august_31, september_2, &calendar), Hours::whole(2));
        // Inside: all of it, as of the date; after the window: none.
        let inside = Activity::standalone(day("2026-08-10"), day("2026-08-10"), Hours::whole(3));
        assert_eq!(inside.hours_within(august_1, august_31, end, &calendar), Hours::whole(3));
        let after = Activity::standalone(day("2026-09-17"), day("2026-09-17"), Hours::whole(3));
        assert_eq!(after.hours_within(august_1, august_31, end, &calendar), Hours::ZERO);
        // A weekend with no working day is split by calendar days: Sat 29 in, Sun 30 out of a
        // window ending on the 29th.
        let weekend = Activity::standalone(day("2026-08-29"), day("2026-08-30"), Hours::whole(2));
        assert_eq!(weekend.hours_within(august_1, day("2026-08-29"), end, &calendar), Hours::whole(1));
    }

    /// An export can hold a million activities: each stays at 56 bytes, read and linked in
    /// place.
    #[test]
    fn an_activity_stays_small() {
        assert_eq!(std::mem::size_of::<super::Activity>(), 56);
    }
}
