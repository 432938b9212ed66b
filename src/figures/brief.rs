//! Business Development's check-in brief (seed 000): what one engagement has received over
//! its whole life, as of a date: hours delivered per calendar quarter, days to renewal, who
//! worked with the community, the kinds of work, and the notable months.
//!
//! Every hour here is counted by the delivered rule ([`activity_months`], which spreads what
//! [`crate::model::Activity::hours_as_of`] counts over the activity's working days), so the
//! quarters, the months, the team members and the kinds of work each add up to the
//! engagement's hours used.
//!
//! The kinds of work come from the activity descriptions through a keyword table
//! ([`TopicTable`], `templates/brief-topics.toml`): the words of a description are its runs of
//! letters and digits, lowercased; a keyword (one word or several, such as `office hours` or
//! `check-in`) matches when its words appear one after another among them; the first group
//! of the table with a matching keyword is the activity's kind, and a description no group
//! matches is "other".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::Deserialize;

use super::allocations::allocation_figures;
use super::commitment::activity_months;
use super::delivery::{counted_activities, hours_by_member};
use super::revenue::contract_value;
use super::Figures;
use crate::calendar::{Month, WorkCalendar};
use crate::hours::Hours;
use crate::model::{ActivityId, AllocationId, Dataset, EngagementId, MemberId};

/// How many of the busiest months a brief names.
const BUSIEST_MONTHS: usize = 3;
/// How many descriptions a brief quotes for each kind of work.
const EXAMPLES: usize = 2;

/// A calendar quarter: January to March is Q1, April to June Q2, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    pub fn of(month: Month) -> Quarter {
        Quarter { year: month.year, number: (month.month - 1) / 3 + 1 }
    }

    pub fn last_day(self) -> NaiveDate {
        Month { year: self.year, month: self.number * 3 }.last_day()
    }

    pub fn following(self) -> Quarter {
        if self.number == 4 {
            Quarter { year: self.year + 1, number: 1 }
        } else {
            Quarter { year: self.year, number: self.number + 1 }
        }
    }

    /// Every quarter from `first` to `last`, both included; none when `first` is later.
    pub fn range(first: Quarter, last: Quarter) -> impl Iterator<Item = Quarter> {
        std::iter::successors(Some(first).filter(|first| *first <= last), move |quarter| {
            Some(quarter.following()).filter(|next| *next <= last)
        })
    }
}

/// `2026 Q1`.
impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.year, self.number)
    }
}

/// The hours delivered in one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterHours {
    pub quarter: Quarter,
    pub hours: Hours,
    /// Whether the quarter is over by the as-of date (the last one may be counted to date).
    pub complete: bool,
}

/// The hours `activities` delivered in each month up to `as_of` (months with none left out).
pub fn delivered_by_month(
    dataset: &Dataset,
    activities: &[ActivityId],
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> BTreeMap<Month, Hours> {
    let mut by_month: BTreeMap<Month, Hours> = BTreeMap::new();
    for id in activities {
        for (month, hours) in activity_months(&dataset.activities[*id], calendar, as_of) {
            *by_month.entry(month).or_default() += hours;
        }
    }
    by_month
}

/// The hours delivered in every calendar quarter from the one the engagement starts in (or
/// that of its first delivered hours, when earlier) to the one of the as-of date (or of the
/// engagement's end, when earlier; or of its last delivered hours, when later), quarters
/// without any included.
pub fn hours_by_quarter(
    (start, end): (Option<NaiveDate>, Option<NaiveDate>),
    by_month: &BTreeMap<Month, Hours>,
    as_of: NaiveDate,
) -> Vec<QuarterHours> {
    let first_delivered = by_month.keys().next().copied();
    let last_delivered = by_month.keys().next_back().copied();
    let first = match (start.map(Month::of), first_delivered) {
        (Some(start), Some(delivered)) => start.min(delivered),
        (start, delivered) => match start.or(delivered) {
            Some(first) => first,
            None => return Vec::new(),
        },
    };
    let until = end.map_or(as_of, |end| end.min(as_of));
    let last = last_delivered.map_or(Month::of(until), |delivered| delivered.max(Month::of(until)));
    let mut by_quarter: BTreeMap<Quarter, Hours> = BTreeMap::new();
    for (month, hours) in by_month {
        *by_quarter.entry(Quarter::of(*month)).or_default() += *hours;
    }
    Quarter::range(Quarter::of(first), Quarter::of(last))
        .map(|quarter| QuarterHours {
            quarter,
            hours: by_quarter.get(&quarter).copied().unwrap_or_default(),
            complete: quarter.last_day() <= as_of,
        })
        .collect()
}

/// Days from the as-of date to the engagement's end: negative once it has ended, `None`
/// without an end date.
pub fn days_to_renewal(end: Option<NaiveDate>, as_of: NaiveDate) -> Option<i64> {
    end.map(|end| (end - as_of).num_days())
}

/// The months with the most hours delivered, most first (the earlier on a tie), at most
/// [`BUSIEST_MONTHS`].
pub fn busiest_months(by_month: &BTreeMap<Month, Hours>) -> Vec<(Month, Hours)> {
    let mut months: Vec<(Month, Hours)> =
        by_month.iter().filter(|(_, hours)| !hours.is_zero()).map(|(m, h)| (*m, *h)).collect();
    months.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    months.truncate(BUSIEST_MONTHS);
    months
}

/// The quiet months: over by the as-of date, wholly inside the window of one of
/// `allocations` that still had hours left when the month began, and with no hours delivered
/// to the engagement. Hours were there to use and nothing was logged.
pub fn quiet_months(
    dataset: &Dataset,
    allocations: &[AllocationId],
    by_month: &BTreeMap<Month, Hours>,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<Month> {
    let mut quiet = BTreeSet::new();
    for id in allocations {
        let allocation = &dataset.allocations[*id];
        let whole_months = Month::range(Month::of(allocation.start), Month::of(allocation.end))
            .filter(|m| allocation.start <= m.first_day() && m.last_day() <= allocation.end);
        for month in whole_months.filter(|m| m.last_day() <= as_of) {
            let delivered = by_month.get(&month).is_some_and(|hours| !hours.is_zero());
            if delivered || quiet.contains(&month) {
                continue;
            }
            let before = month.first_day().pred_opt().expect("a day before");
            let activities = dataset.activities_of(*id).map(|(_, activity)| activity);
            if allocation_figures(allocation, activities, calendar, before).hours.used < allocation.available
            {
                quiet.insert(month);
            }
        }
    }
    quiet.into_iter().collect()
}

/// The words of a text: its runs of letters and digits, lowercased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// A kind of work: a group of the [`TopicTable`], by its place in the table, or the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    Group(usize),
    Other,
}

#[derive(Debug, Clone, PartialEq)]
struct TopicGroup {
    name: String,
    /// Each keyword as its words.
    keywords: Vec<Vec<String>>,
    contact: bool,
}

/// The kinds of work and the keywords that make an activity one of them, tried in order.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicTable {
    groups: Vec<TopicGroup>,
    other: String,
}

/// `brief-topics.toml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicFile {
    other: String,
    #[serde(default, rename = "group")]
    groups: Vec<GroupEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupEntry {
    name: String,
    keywords: Vec<String>,
    /// Whether work of this kind is contact with the community (a call, a meeting): the
    /// brief's "last contact" is the latest such activity.
    #[serde(default)]
    contact: bool,
}

impl TopicTable {
    /// Reads the table from its TOML text; the error says what is wrong.
    pub fn from_toml(text: &str) -> Result<TopicTable, String> {
        let file: TopicFile = toml::from_str(text).map_err(|error| error.message().to_string())?;
        let mut groups = Vec::new();
        for entry in file.groups {
            if entry.name.trim().is_empty() {
                return Err("a group has an empty name".to_string());
            }
            let mut keywords = Vec::new();
            for keyword in &entry.keywords {
                let phrase = words(keyword);
                if phrase.is_empty() {
                    return Err(format!(
                        "group \"{}\": keyword \"{keyword}\" has no letters or digits",
                        entry.name
                    ));
                }
                keywords.push(phrase);
            }
            groups.push(TopicGroup { name: entry.name, keywords, contact: entry.contact });
        }
        Ok(TopicTable { groups, other: file.other })
    }

    /// The kind of work a description is: the first group with one of its keywords among the
    /// description's words, else [`Topic::Other`].
    pub fn kind_of(&self, description: &str) -> Topic {
        let words = words(description);
        let has = |keyword: &Vec<String>| words.windows(keyword.len()).any(|window| window == keyword);
        self.groups.iter().position(|group| group.keywords.iter().any(has)).map_or(Topic::Other, Topic::Group)
    }

    /// Whether a kind of work is contact with the community (`contact = true` in the table).
    pub fn is_contact(&self, topic: Topic) -> bool {
        matches!(topic, Topic::Group(index) if self.groups[index].contact)
    }

    /// A kind of work's name, as the table gives it.
    pub fn name(&self, topic: Topic) -> &str {
        match topic {
            Topic::Group(index) => &self.groups[index].name,
            Topic::Other => &self.other,
        }
    }
}

/// The work of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicHours {
    pub topic: Topic,
    /// Its name in the table.
    pub name: String,
    pub hours: Hours,
    pub entries: usize,
    /// Its most frequent descriptions (first lines), most first: at most [`EXAMPLES`].
    pub examples: Vec<String>,
}

/// The kinds of work among `activities` (the team's own descriptions), most hours first
/// (more entries, then table order, on a tie) and the rest last; kinds with no entry left out.
pub fn topics(
    dataset: &Dataset,
    activities: &[ActivityId],
    table: &TopicTable,
    as_of: NaiveDate,
    calendar: &WorkCalendar,
) -> Vec<TopicHours> {
    let mut tallies: BTreeMap<Topic, Tally<'_>> = BTreeMap::new();
    for id in activities {
        let activity = &dataset.activities[*id];
        let hours = activity.hours_as_of(as_of, calendar);
        let tally = tallies.entry(table.kind_of(activity.description())).or_default();
        tally.entries.add(hours);
        if let Some(first_line) = activity.description().lines().map(str::trim).find(|line| !line.is_empty())
        {
            tally.texts.entry(first_line).or_default().add(hours);
        }
    }
    let mut topics: Vec<TopicHours> = tallies
        .into_iter()
        .map(|(topic, tally)| TopicHours {
            name: table.name(topic).to_string(),
            topic,
            hours: tally.entries.hours,
            entries: tally.entries.count,
            examples: most_frequent(tally.texts),
        })
        .collect();
    topics.sort_by(|a, b| {
        (a.topic == Topic::Other)
            .cmp(&(b.topic == Topic::Other))
            .then(b.hours.cmp(&a.hours))
            .then(b.entries.cmp(&a.entries))
            .then(a.topic.cmp(&b.topic))
    });
    topics
}

/// How many entries and how many hours.
#[derive(Debug, Default, Clone, Copy)]
struct Count {
    count: usize,
    hours: Hours,
}

impl Count {
    fn add(&mut self, hours: Hours) {
        self.count += 1;
        self.hours += hours;
    }
}

/// One kind of work as it is summed up: its entries, and each description's.
#[derive(Default)]
struct Tally<'a> {
    entries: Count,
    texts: BTreeMap<&'a str, Count>,
}

/// The texts logged most often (more hours, then alphabetical, on a tie), at most [`EXAMPLES`].
fn most_frequent(texts: BTreeMap<&str, Count>) -> Vec<String> {
    let mut ranked: Vec<(&str, Count)> = texts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(b.1.hours.cmp(&a.1.hours)).then(a.0.cmp(b.0)));
    ranked.into_iter().take(EXAMPLES).map(|(text, _)| text.to_string()).collect()
}

/// Everything a check-in brief says about one engagement, as of the figures' date.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub engagement: EngagementId,
    /// Negative once the engagement has ended; `None` without an end date.
    pub days_to_renewal: Option<i64>,
    /// Hours delivered over the whole engagement: its hours used.
    pub delivered: Hours,
    /// How many activities count.
    pub entries: usize,
    pub first_activity: Option<NaiveDate>,
    pub last_activity: Option<NaiveDate>,
    pub quarters: Vec<QuarterHours>,
    pub by_member: Vec<(MemberId, Hours)>,
    pub topics: Vec<TopicHours>,
    pub busiest: Vec<(Month, Hours)>,
    pub quiet: Vec<Month>,
    /// The contract value in currency units, and its revenue per hour delivered (when any
    /// hours were), as [`super::revenue`] defines them.
    pub contract_value: Option<f64>,
    pub revenue_per_hour: Option<f64>,
    /// The latest day of an activity whose kind is contact with the community
    /// ([`TopicTable::is_contact`]): the last call or meeting logged.
    pub last_contact: Option<NaiveDate>,
    /// Hours left to use now and the day they expire: the active allocations' hours left,
    /// added up per use-by date (their end), soonest first.
    pub left_now: Vec<(NaiveDate, Hours)>,
    /// Deliverables of projects whose hours expired ([`expired_deliverables`]).
    pub expired_deliverables: Vec<ExpiredDeliverable>,
    /// The engagement's findings, as the internal action list has them.
    pub findings: Vec<super::findings::Finding>,
    /// What the community told the feedback form since its engagement began (or since the
    /// first response); `None` without `feedback.csv`.
    pub feedback: Option<super::satisfaction::Score>,
    /// The contacts the brief names, with their roles other than Billing.
    pub contacts: Vec<(crate::model::ContactId, Vec<crate::load::contacts::Role>)>,
}

/// A project promising a deliverable (a line of its description starting `Deliverable:`, such
/// as a pilot's go/no-go recommendation) whose allocations have all ended, with hours expired
/// unused: whether the deliverable was handed over is a question for the check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpiredDeliverable {
    pub project: crate::model::ProjectId,
    /// The line's text after `Deliverable:`.
    pub deliverable: String,
    pub expired: Hours,
    /// The last allocation's end.
    pub ended: NaiveDate,
    /// The day the hours expired: the day after the end.
    pub since: NaiveDate,
}

/// The prefix of the description line that names a project's deliverable (any case).
const DELIVERABLE: &str = "deliverable:";

/// The engagement's projects whose promised deliverable's hours expired: every allocation of
/// the project has ended by the as-of date and some hours expired unused.
pub fn expired_deliverables(
    dataset: &Dataset,
    figures: &Figures,
    engagement: EngagementId,
) -> Vec<ExpiredDeliverable> {
    dataset.engagements[engagement]
        .projects
        .iter()
        .filter_map(|id| {
            let project = &dataset.projects[*id];
            let deliverable = project.description.lines().find_map(|line| {
                let line = line.trim();
                let head = line.get(..DELIVERABLE.len())?;
                head.eq_ignore_ascii_case(DELIVERABLE).then(|| line[DELIVERABLE.len()..].trim().to_string())
            })?;
            let ended = project.allocations.iter().map(|a| dataset.allocations[*a].end).max()?;
            let expired: Hours =
                project.allocations.iter().map(|a| figures.allocations[*a].hours.expired).sum();
            (ended < figures.as_of && expired > Hours::ZERO && !deliverable.is_empty()).then_some(
                ExpiredDeliverable {
                    project: *id,
                    deliverable,
                    expired,
                    ended,
                    since: ended + chrono::Days::new(1),
                },
            )
        })
        .collect()
}

pub fn brief(dataset: &Dataset, figures: &Figures, engagement: EngagementId, table: &TopicTable) -> Brief {
    let (as_of, calendar) = (figures.as_of, &figures.calendar);
    let record = &dataset.engagements[engagement];
    let activities = counted_activities(dataset, engagement, as_of);
    let by_month = delivered_by_month(dataset, &activities, as_of, calendar);
    let allocations: Vec<AllocationId> = dataset.allocations_of(engagement).collect();
    Brief {
        engagement,
        days_to_renewal: days_to_renewal(record.end, as_of),
        delivered: by_month.values().copied().sum(),
        entries: activities.len(),
        first_activity: activities.iter().map(|id| dataset.activities[*id].start).min(),
        last_activity: activities.iter().map(|id| dataset.activities[*id].end.min(as_of)).max(),
        quarters: hours_by_quarter((record.start, record.end), &by_month, as_of),
        by_member: hours_by_member(dataset, &activities, as_of, calendar),
        topics: topics(dataset, &activities, table, as_of, calendar),
        busiest: busiest_months(&by_month),
        quiet: quiet_months(dataset, &allocations, &by_month, as_of, calendar),
        contract_value: contract_value(dataset, engagement),
        revenue_per_hour: super::revenue::per_delivered_hour(dataset, figures, engagement),
        last_contact: activities
            .iter()
            .map(|id| &dataset.activities[*id])
            .filter(|activity| table.is_contact(table.kind_of(activity.description())))
            .map(|activity| activity.end.min(as_of))
            .max(),
        left_now: {
            let mut by_date: BTreeMap<NaiveDate, Hours> = BTreeMap::new();
            for id in &allocations {
                let left = figures.allocations[*id].hours.left_now;
                if left > Hours::ZERO {
                    *by_date.entry(dataset.allocations[*id].end).or_default() += left;
                }
            }
            by_date.into_iter().collect()
        },
        expired_deliverables: expired_deliverables(dataset, figures, engagement),
        findings: super::findings::engagement_findings(dataset, figures, engagement),
        contacts: super::report::named_contacts(dataset, engagement),
        feedback: figures.satisfaction.as_ref().map(|found| {
            let since = record.start.unwrap_or(NaiveDate::MIN);
            super::satisfaction::engagement_since(dataset, found, engagement, since, as_of)
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::model::Id;
    use crate::settings::Settings;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn month(text: &str) -> Month {
        Month::parse(text).unwrap()
    }

    /// A dataset from the data rows of each file (headers given here).
    fn read(engagements: &str, projects: &str, allocations: &str, activities: &str) -> Dataset {
        let files = [
            ("engagements.csv", "Engagement name,Community,Engagement start date,Engagement end date,Engagement description,Status", engagements),
            ("projects.csv", "Project name,Engagement,Project start date,Project end date,Project description", projects),
            ("allocations.csv", "Allocation name,Project,Allocation start date,Allocation end date,Hours available", allocations),
            ("activities.csv", "Allocation,Units,Start date,End date,Description,Team member", activities),
        ]
        .map(|(name, header, rows)| (name, format!("{header}\n{rows}")));
        let source: HashMap<&str, &str> = files.iter().map(|(name, text)| (*name, text.as_str())).collect();
        crate::read_dataset(&source, &Settings::default()).expect("valid data").0
    }

    /// One engagement of `start`–`end` with one project, the allocations given as
    /// `name,start,end,hours` rows and the activities as `allocation,hours,start,end,description,member`.
    fn dataset(start: &str, end: &str, allocations: &str, activities: &str) -> Dataset {
        let allocations: String = allocations.lines().map(|row| row.replacen(',', ",P,", 1) + "\n").collect();
        read(&format!("E,Community,{start},{end},Tier,Active\n"), "P,E,,,Project\n", &allocations, activities)
    }

    fn figures_of(dataset: &Dataset, as_of: &str) -> Figures {
        super::super::compute(dataset, &Settings::default(), day(as_of))
    }

    fn table() -> TopicTable {
        TopicTable::from_toml(include_str!("../../templates/brief-topics.toml")).expect("the default table")
    }

    fn quarter_totals(brief: &Brief) -> Vec<(String, f64, bool)> {
        brief.quarters.iter().map(|q| (q.quarter.to_string(), q.hours.as_f64(), q.complete)).collect()
    }

    #[test]
    fn quarters_across_a_year_boundary() {
        // Engagement 1 November 2025 – 30 June 2026, as of Wednesday 15 April 2026.
        // - 10 November 2025: 3 h, in 2025 Q4.
        // - Monday 29 December 2025 to Friday 2 January 2026, 10 h over its 5 working days
        //   (29, 30, 31 December; 1, 2 January): 2 h a day, 6 h in 2025 Q4 and 4 h in 2026 Q1.
        // - 10 February 2026: 2 h, in 2026 Q1.
        // - 14 April 2026: 1.5 h, in 2026 Q2, which is counted to date.
        // - 20 April 2026: after the as-of date, not counted.
        let dataset = dataset(
            "11/1/2025",
            "6/30/2026",
            "A,11/1/2025,6/30/2026,40",
            "A,3,11/10/2025,,Kick-off call,Ana\n\
             A,10,12/29/2025,1/2/2026,Environment upgrade,Ben\n\
             A,2,2/10/2026,,Workshop,Ana\n\
             A,1.5,4/14/2026,,Office hours,Ana\n\
             A,4,4/20/2026,,Later,Ana\n",
        );
        let figures = figures_of(&dataset, "2026-04-15");
        let id = EngagementId::from_index(0);
        let brief = brief(&dataset, &figures, id, &table());
        assert_eq!(
            quarter_totals(&brief),
            [
                ("2025 Q4".to_string(), 9.0, true),
                ("2026 Q1".to_string(), 6.0, true),
                ("2026 Q2".to_string(), 1.5, false)
            ]
        );
        // 3 + 10 + 2 + 1.5 = 16.5 h: the engagement's hours used.
        assert_eq!(brief.delivered, Hours::rounded(16.5));
        assert_eq!(brief.delivered, figures.engagements[id].hours.used);
        assert_eq!(brief.entries, 4);
        assert_eq!(brief.days_to_renewal, Some(76));

        // On New Year's Eve the range has counted 3 of its 5 working days: 6 h, all in 2025 Q4,
        // which is then over; 2026 Q1 has not begun and is not shown.
        let figures = figures_of(&dataset, "2025-12-31");
        let brief = super::brief(&dataset, &figures, id, &table());
        assert_eq!(quarter_totals(&brief), [("2025 Q4".to_string(), 9.0, true)]);
    }

    #[test]
    fn quarters_run_from_the_first_hours_to_the_end_or_the_last_hours() {
        let by_month: BTreeMap<Month, Hours> =
            [(month("2025-02"), Hours::whole(1)), (month("2026-01"), Hours::whole(2))].into();
        let quarters = |start: &str, end: &str, as_of: &str| -> Vec<String> {
            let date = |text: &str| (!text.is_empty()).then(|| day(text));
            hours_by_quarter((date(start), date(end)), &by_month, day(as_of))
                .iter()
                .map(|q| format!("{} {}", q.quarter, q.hours))
                .collect()
        };
        // Logged before the engagement's start and after its end: the quarters widen to them.
        assert_eq!(
            quarters("2025-04-01", "2025-09-30", "2026-06-01"),
            ["2025 Q1 1", "2025 Q2 0", "2025 Q3 0", "2025 Q4 0", "2026 Q1 2"]
        );
        // Still running: up to the as-of quarter, with no hours in it yet.
        assert_eq!(
            quarters("", "", "2026-04-01"),
            ["2025 Q1 1", "2025 Q2 0", "2025 Q3 0", "2025 Q4 0", "2026 Q1 2", "2026 Q2 0"]
        );
        assert!(hours_by_quarter((None, None), &BTreeMap::new(), day("2026-01-01")).is_empty());
        // An engagement still to start, with nothing logged: no quarter yet.
        assert!(
            hours_by_quarter((Some(day("2026-07-01")), None), &BTreeMap::new(), day("2026-04-01")).is_empty()
        );
    }

    #[test]
    fn days_to_renewal_count_calendar_days() {
        assert_eq!(days_to_renewal(Some(day("2027-03-31")), day("2026-10-31")), Some(151));
        assert_eq!(days_to_renewal(Some(day("2026-10-31")), day("2026-10-31")), Some(0));
        assert_eq!(days_to_renewal(Some(day("2026-08-31")), day("2026-10-31")), Some(-61));
        assert_eq!(days_to_renewal(None, day("2026-10-31")), None);
    }

    #[test]
    fn activity_kinds_from_a_fixed_set_of_descriptions() {
        let table = table();
        let kind = |description: &str| table.name(table.kind_of(description)).to_string();
        let cases = [
            // Matched whole words, in any case, anywhere in the description.
            ("Monthly steering call", "Meetings and check-ins"),
            ("CHECK-IN with the observatory data team", "Meetings and check-ins"),
            ("Check in call", "Meetings and check-ins"),
            ("Environment upgrade", "Hub and environment"),
            ("Debugged CUDA image build", "Hub and environment"),
            ("Answered questions in the modelling channel", "Support and troubleshooting"),
            ("Troubleshooting: workers killed at 80% memory", "Support and troubleshooting"),
            ("Quarterly summary email", "Emails, reports and docs"),
            ("Reviewed analysis notebook from the data manager", "Notebooks and code"),
            // The first group of the table wins: workshops come before meetings, meetings
            // before emails.
            ("Workshop retrospective and survey summary", "Workshops and training"),
            ("Hackweek planning call", "Workshops and training"),
            ("Email follow-up after community meeting", "Meetings and check-ins"),
            // A keyword of several words needs them one after another.
            ("Office hours", "Workshops and training"),
            ("Hours logged at the office", "Other"),
            // Parts of words do not match: "calling" is not "call", "supported" not "support".
            ("Recalling the supported browsers", "Other"),
            ("", "Other"),
            ("Mise à jour de l'environnement", "Other"),
        ];
        for (description, expected) in cases {
            assert_eq!(kind(description), expected, "{description:?}");
        }
    }

    #[test]
    fn kinds_of_work_add_up_with_the_rest_last() {
        let dataset = dataset(
            "1/1/2026",
            "12/31/2026",
            "A,1/1/2026,12/31/2026,100",
            "A,1,1/5/2026,,Check-in call,Ana\n\
             A,1,1/6/2026,,Check-in call,Ana\n\
             A,2,1/7/2026,,Steering meeting,Ana\n\
             A,3,1/8/2026,,Environment upgrade,Ben\n\
             A,1,1/9/2026,,Environment upgrade,Ben\n\
             A,5,1/12/2026,,Gardening,Ben\n\
             A,0.5,1/13/2026,,\"Image rebuild\nnotes on a second line\",Ana\n",
        );
        let figures = figures_of(&dataset, "2026-01-31");
        let table = table();
        let activities = counted_activities(&dataset, EngagementId::from_index(0), figures.as_of);
        let found: Vec<(String, f64, usize, Vec<String>)> =
            topics(&dataset, &activities, &table, figures.as_of, &figures.calendar)
                .into_iter()
                .map(|t| (table.name(t.topic).to_string(), t.hours.as_f64(), t.entries, t.examples))
                .collect();
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            found,
            [
                // 3 + 1 + 0.5 h; "Environment upgrade" twice, then the image rebuild (first line).
                (
                    "Hub and environment".to_string(),
                    4.5,
                    3,
                    strings(&["Environment upgrade", "Image rebuild"])
                ),
                // 4 h; the check-in call twice before the one steering meeting.
                (
                    "Meetings and check-ins".to_string(),
                    4.0,
                    3,
                    strings(&["Check-in call", "Steering meeting"])
                ),
                // 5 h, the most of all, but the rest comes last.
                ("Other".to_string(), 5.0, 1, strings(&["Gardening"])),
            ]
        );
    }

    #[test]
    fn a_table_with_a_keyword_without_words_is_refused() {
        let text = "other = \"Other\"\n[[group]]\nname = \"Meetings\"\nkeywords = [\"call\", \"--\"]\n";
        assert_eq!(
            TopicTable::from_toml(text),
            Err("group \"Meetings\": keyword \"--\" has no letters or digits".to_string())
        );
        assert!(TopicTable::from_toml("other = \"Other\"\n[[group]]\nname = \"M\"\nwords = []\n").is_err());
        let empty = TopicTable::from_toml("other = \"Everything\"\n").unwrap();
        assert_eq!(empty.name(empty.kind_of("Check-in call")), "Everything");
    }

    #[test]
    fn busiest_and_quiet_months() {
        // Allocation A (Jan–Jun, 10 h) and B (15 February – 31 March, 2 h), as of 15 June.
        // January and April have activity. February is not wholly inside B's window but is
        // inside A's, with hours left: quiet. March: quiet. May: A used up by 30 April
        // (10 h by then), B closed: not quiet. June is not over.
        let dataset = dataset(
            "1/1/2026",
            "12/31/2026",
            "A,1/1/2026,6/30/2026,10\nB,2/15/2026,3/31/2026,2",
            "A,4,1/12/2026,,Call,Ana\n\
             A,6,4/13/2026,,Workshop,Ana\n",
        );
        let figures = figures_of(&dataset, "2026-06-15");
        let brief = brief(&dataset, &figures, EngagementId::from_index(0), &table());
        assert_eq!(brief.quiet, [month("2026-02"), month("2026-03")]);
        assert_eq!(brief.busiest, [(month("2026-04"), Hours::whole(6)), (month("2026-01"), Hours::whole(4))]);
        assert_eq!(brief.first_activity, Some(day("2026-01-12")));
        assert_eq!(brief.last_activity, Some(day("2026-04-13")));
    }

    #[test]
    fn a_month_cut_by_the_allocations_start_or_end_is_not_quiet() {
        // 6 h from 15 October to 15 December, nothing logged, as of 15 January: October and
        // December are only partly inside the window; November alone is quiet.
        let dataset = dataset("1/1/2026", "12/31/2026", "A,10/15/2026,12/15/2026,6", "");
        let figures = figures_of(&dataset, "2027-01-15");
        let brief = brief(&dataset, &figures, EngagementId::from_index(0), &table());
        assert_eq!(brief.quiet, [month("2026-11")]);
    }

    #[test]
    fn a_deliverable_is_listed_once_every_allocation_has_ended_with_hours_expired() {
        // A (1 January – 30 June, 10 h) used 6 h: 4 h expired. B (1 July – 31 December, 4 h)
        // used them all. On 31 December B is still open: not listed. On 4 January: listed,
        // 4 h expired since 1 January. With A used up too, nothing expired: never listed.
        let data = |a_used: u32| {
            read(
                "E,Community,1/1/2026,12/31/2026,Tier,Active\n",
                "P,E,,,\"Pilot\nDeliverable: go/no-go recommendation\"\n",
                "A,P,1/1/2026,6/30/2026,10\nB,P,7/1/2026,12/31/2026,4\n",
                &format!("A,{a_used},3/2/2026,,Workshop,Ana\nB,4,9/1/2026,,Call,Ana\n"),
            )
        };
        let listed = |dataset: &Dataset, as_of: &str| {
            expired_deliverables(dataset, &figures_of(dataset, as_of), EngagementId::from_index(0))
                .into_iter()
                .map(|d| (d.deliverable, d.expired, d.ended, d.since))
                .collect::<Vec<_>>()
        };
        let part_used = data(6);
        assert_eq!(listed(&part_used, "2026-12-31"), []);
        assert_eq!(
            listed(&part_used, "2027-01-04"),
            [("go/no-go recommendation".to_string(), Hours::whole(4), day("2026-12-31"), day("2027-01-01"))]
        );
        assert_eq!(listed(&data(10), "2027-01-04"), []);
    }

    #[test]
    fn busiest_months_keep_the_earlier_on_a_tie() {
        let by_month: BTreeMap<Month, Hours> = [
            (month("2026-01"), Hours::whole(2)),
            (month("2026-02"), Hours::whole(5)),
            (month("2026-03"), Hours::whole(2)),
            (month("2026-04"), Hours::whole(1)),
            (month("2026-05"), Hours::ZERO),
        ]
        .into();
        let busiest: Vec<Month> = busiest_months(&by_month).into_iter().map(|(m, _)| m).collect();
        assert_eq!(busiest, [month("2026-02"), month("2026-01"), month("2026-03")]);
    }

    #[test]
    fn the_checkin_is_about_the_engagement_running_then() {
        let dataset = read(
            "Old,C,1/1/2024,12/31/2024,T,Closed\n\
             Current,C,1/1/2025,12/31/2026,T,Active\n\
             Overlapping,C,7/1/2026,6/30/2027,T,Active\n\
             Next,C,1/1/2027,12/31/2027,T,Closed-Won\n",
            "",
            "",
            "",
        );
        let all: Vec<EngagementId> = dataset.engagements.ids().collect();
        let name = |as_of: &str| {
            crate::figures::communities::current_engagement(&dataset, &all, day(as_of))
                .map(|id| dataset.engagements[id].name.clone())
        };
        // Two running: the one that started last.
        assert_eq!(name("2026-10-31").as_deref(), Some("Overlapping"));
        assert_eq!(name("2026-06-30").as_deref(), Some("Current"));
        // Between two engagements none runs: the one that ended last.
        let gap = vec![all[0], all[3]];
        assert_eq!(
            crate::figures::communities::current_engagement(&dataset, &gap, day("2025-06-01")),
            Some(all[0])
        );
        // All still to start: the first to start.
        assert_eq!(name("2023-01-01").as_deref(), Some("Old"));
        assert_eq!(crate::figures::communities::current_engagement(&dataset, &[], day("2026-01-01")), None);
    }
}
