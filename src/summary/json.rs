//! The machine-readable summary (`summary --format json`) read by the email job and CI alerts.
//! Field names are a contract: change them only with the programs that read them.

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostics::Diagnostics;
use crate::figures::allocations::{HoursTotals, State};
use crate::figures::commitment::CommitmentRow;
use crate::figures::satisfaction::Score;
use crate::figures::status::{Reason, Status};
use crate::figures::team::{MemberMonth, Renewal};
use crate::figures::{Cost, Figures};
use crate::hours::Hours;
use crate::model::{AllocationId, Dataset, EngagementId, Id};
use crate::present::codes::reason_code;
use crate::present::format::round;
use crate::present::logging::{self, LateEntry, QuietEntry};
use crate::present::Phrases;

#[derive(Serialize)]
pub(crate) struct Summary<'a> {
    pub as_of: NaiveDate,
    pub engagements: Vec<EngagementJson<'a>>,
    pub allocations: Vec<AllocationJson<'a>>,
    pub commitment: &'a [CommitmentRow],
    pub upcoming: Vec<UpcomingJson<'a>>,
    pub ending_soon: Vec<UpcomingJson<'a>>,
    pub logging: LoggingJson<'a>,
    pub cost: &'a Cost,
    /// The as-of month's team load (see `figures::team`).
    pub team: Vec<MemberJson<'a>>,
    /// Current engagements ending within `windows.renewals_days`.
    pub renewals: Vec<RenewalJson<'a>>,
    /// The feedback form read back; null without feedback.csv.
    pub satisfaction: Option<SatisfactionJson<'a>>,
    pub warnings: Vec<String>,
}

/// `figures::satisfaction`'s scores.
#[derive(Serialize)]
pub(crate) struct SatisfactionJson<'a> {
    pub service: ScoreJson,
    pub by_quarter: Vec<Named>,
    pub by_community: Vec<Named>,
    pub by_provider: Vec<Named>,
    pub by_allocation: Vec<Named>,
    /// Communities whose last two wrap-ups went unanswered: ask again.
    pub ask_again: Vec<AskAgainJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct Named {
    pub name: String,
    #[serde(flatten)]
    pub score: ScoreJson,
}

#[derive(Serialize)]
pub(crate) struct ScoreJson {
    pub responses: usize,
    /// Two decimals; null without a response.
    pub mean: Option<f64>,
    pub wrap_ups_due: usize,
    pub wrap_ups_answered: usize,
    /// Answered ÷ due, three decimals; null when none was due.
    pub response_rate: Option<f64>,
    /// The latest comments, latest first.
    pub comments: Vec<CommentJson>,
}

#[derive(Serialize)]
pub(crate) struct CommentJson {
    pub sent: NaiveDate,
    pub text: String,
}

#[derive(Serialize)]
pub(crate) struct AskAgainJson<'a> {
    pub community: &'a str,
    pub allocations: Vec<&'a str>,
}

fn score_json(score: &Score) -> ScoreJson {
    ScoreJson {
        responses: score.responses,
        mean: score.mean.map(|mean| round(mean, 2)),
        wrap_ups_due: score.due,
        wrap_ups_answered: score.answered,
        response_rate: score.rate.map(|rate| round(rate, 3)),
        comments: score
            .comments
            .iter()
            .map(|(sent, text)| CommentJson { sent: *sent, text: text.clone() })
            .collect(),
    }
}

fn satisfaction_json<'a>(dataset: &'a Dataset, figures: &'a Figures) -> Option<SatisfactionJson<'a>> {
    let found = figures.satisfaction.as_ref()?;
    let named = |name: &str, score: &Score| Named { name: name.to_string(), score: score_json(score) };
    Some(SatisfactionJson {
        service: score_json(&found.service),
        by_quarter: found
            .by_quarter
            .iter()
            .map(|(quarter, score)| named(&quarter.to_string(), score))
            .collect(),
        by_community: found
            .by_community
            .iter()
            .map(|(id, score)| named(&figures.communities[*id].name, score))
            .collect(),
        by_provider: found.by_provider.iter().map(|(provider, score)| named(provider, score)).collect(),
        by_allocation: found
            .by_allocation
            .iter()
            .map(|(id, score)| named(&dataset.allocations[*id].name, score))
            .collect(),
        ask_again: found
            .ask_again
            .iter()
            .map(|(community, allocations)| AskAgainJson {
                community: &figures.communities[*community].name,
                allocations: allocations.iter().map(|id| dataset.allocations[*id].name.as_str()).collect(),
            })
            .collect(),
    })
}

#[derive(Serialize)]
pub(crate) struct MemberJson<'a> {
    pub member: String,
    pub delivered_month: Hours,
    #[serde(serialize_with = "crate::rounding::cents")]
    pub committed_month: f64,
    /// The engagements they logged hours for in the month.
    pub engagements: Vec<&'a str>,
    /// Their even share of the month's team capacity; null when the capacity is not known on
    /// every working day.
    pub share: Option<f64>,
    /// Committed beyond the share; delivered beyond it: each judged on its own.
    pub committed_over_share: bool,
    pub delivered_over_share: bool,
}

#[derive(Serialize)]
pub(crate) struct RenewalJson<'a> {
    pub engagement: &'a str,
    pub community: &'a str,
    pub end: NaiveDate,
    pub days_left: i64,
    /// In the settings' currency, when engagements.csv has it.
    pub contract_value: Option<f64>,
    pub left_now: Hours,
    pub last_activity: Option<NaiveDate>,
}

#[derive(Serialize)]
pub(crate) struct EngagementJson<'a> {
    pub name: &'a str,
    pub community: &'a str,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub status: Status,
    pub reasons: Vec<ReasonJson>,
    /// Overruns of allocations that ended too long ago to count against the status.
    pub history: Vec<ReasonJson>,
    /// Counted activities dated outside their allocation's window.
    pub outside_window: Vec<OutsideJson<'a>>,
    /// available, used, left_now, not_started, expired, overrun and outside_window_hours.
    #[serde(flatten)]
    pub hours: HoursTotals,
}

/// A reason with its stable code (see `figures::status::Reason::code`) and its sentence.
#[derive(Serialize)]
pub(crate) struct ReasonJson {
    pub(crate) code: &'static str,
    pub(crate) text: String,
}

#[derive(Serialize)]
pub(crate) struct OutsideJson<'a> {
    pub(crate) line: u32,
    pub(crate) allocation: &'a str,
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
}

pub(crate) fn reasons(dataset: &Dataset, phrases: &Phrases, reasons: &[Reason]) -> Result<Vec<ReasonJson>> {
    reasons
        .iter()
        .map(|reason| Ok(ReasonJson { code: reason_code(reason), text: phrases.reason(dataset, reason)? }))
        .collect()
}

#[derive(Serialize)]
pub(crate) struct AllocationJson<'a> {
    pub name: &'a str,
    pub project: &'a str,
    pub engagement: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub provider: Option<&'a str>,
    #[serde(flatten)]
    pub hours: HoursTotals,
    pub usage_percent: f64,
    pub state: State,
    pub expected_used: f64,
    pub forecast_at_end: f64,
}

#[derive(Serialize)]
pub(crate) struct UpcomingJson<'a> {
    pub allocation: &'a str,
    pub project: &'a str,
    pub engagement: &'a str,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub available: Hours,
    pub provider: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct LoggingJson<'a> {
    /// Activities logged more than the allowed delay after they ended.
    pub late: Vec<LateEntry<'a>>,
    /// Active allocations with no activity in the quiet window.
    pub quiet: Vec<QuietEntry<'a>>,
}

/// The summary of `figures`, with the as-of month's `team` and the `renewals` coming up.
pub(crate) fn summary<'a>(
    dataset: &'a Dataset,
    figures: &'a Figures,
    team: &[MemberMonth],
    renewals: &[Renewal],
    phrases: &Phrases,
    diagnostics: &Diagnostics,
) -> Result<Summary<'a>> {
    // The allocations' rows and the warnings' lines are made on a thread of their own while
    // the engagements' reasons are worded on the cores.
    let (engagements, (allocations, warnings)) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            let warnings: Vec<String> = diagnostics.warnings().map(|warning| warning.to_string()).collect();
            (allocations(dataset, figures), warnings)
        });
        let engagements = engagements(dataset, figures, phrases);
        (engagements, others.join().expect("the summary's thread panicked"))
    });
    Ok(Summary {
        as_of: figures.as_of,
        engagements: engagements?,
        allocations,
        commitment: &figures.commitment,
        upcoming: figures.upcoming.iter().map(|id| upcoming_entry(dataset, *id)).collect(),
        ending_soon: figures.ending_soon.iter().map(|id| upcoming_entry(dataset, *id)).collect(),
        logging: logging(dataset, figures),
        cost: &figures.cost,
        team: team
            .iter()
            .map(|member| MemberJson {
                committed_over_share: member.committed_over_share,
                delivered_over_share: member.delivered_over_share,
                share: member.share.map(|share| round(share, 2)),
                engagements: member
                    .engagements
                    .iter()
                    .map(|id| dataset.engagements[*id].name.as_str())
                    .collect(),
                delivered_month: member.delivered,
                committed_month: member.committed,
                member: member.member.clone(),
            })
            .collect(),
        renewals: renewals
            .iter()
            .map(|renewal| {
                let engagement = &dataset.engagements[renewal.engagement];
                RenewalJson {
                    engagement: &engagement.name,
                    community: &engagement.community,
                    end: renewal.end,
                    days_left: renewal.days_left,
                    contract_value: engagement.contract_value.map(|cents| cents as f64 / 100.0),
                    left_now: renewal.left_now,
                    last_activity: renewal.last_activity,
                }
            })
            .collect(),
        satisfaction: satisfaction_json(dataset, figures),
        warnings,
    })
}

fn engagements<'a>(
    dataset: &'a Dataset,
    figures: &'a Figures,
    phrases: &Phrases,
) -> Result<Vec<EngagementJson<'a>>> {
    // The reasons' sentences come from templates: a thousand engagements share the cores.
    let engagement = |index| {
        let id = EngagementId::from_index(index);
        let (engagement, totals) = (&dataset.engagements[id], &figures.engagements[id]);
        Ok(EngagementJson {
            name: &engagement.name,
            community: &engagement.community,
            start: engagement.start,
            end: engagement.end,
            status: totals.status.status,
            reasons: reasons(dataset, phrases, &totals.status.reasons)?,
            history: reasons(dataset, phrases, &totals.status.history)?,
            outside_window: totals
                .outside_window
                .iter()
                .map(|id| {
                    let activity = &dataset.activities[*id];
                    OutsideJson {
                        line: activity.line,
                        allocation: &dataset.allocations[activity.allocation].name,
                        start: activity.start,
                        end: activity.end,
                    }
                })
                .collect(),
            hours: totals.hours,
        })
    };
    crate::parallel::map(dataset.engagements.len(), engagement).into_iter().collect()
}

fn allocations<'a>(dataset: &'a Dataset, figures: &'a Figures) -> Vec<AllocationJson<'a>> {
    dataset
        .allocations
        .iter_enumerated()
        .map(|(id, allocation)| {
            let totals = &figures.allocations[id];
            AllocationJson {
                name: &allocation.name,
                project: &dataset.projects[allocation.project].name,
                engagement: &dataset.engagements[allocation.engagement].name,
                start: allocation.start,
                end: allocation.end,
                provider: allocation.provider.as_deref(),
                hours: totals.hours,
                usage_percent: round(totals.usage_percent, 1),
                state: totals.state,
                expected_used: round(totals.expected_used, 2),
                forecast_at_end: round(totals.forecast_at_end, 2),
            }
        })
        .collect()
}

fn upcoming_entry(dataset: &Dataset, id: AllocationId) -> UpcomingJson<'_> {
    let allocation = &dataset.allocations[id];
    UpcomingJson {
        allocation: &allocation.name,
        project: &dataset.projects[allocation.project].name,
        engagement: &dataset.engagements[allocation.engagement].name,
        start: allocation.start,
        end: allocation.end,
        available: allocation.available,
        provider: allocation.provider.as_deref(),
    }
}

fn logging<'a>(dataset: &'a Dataset, figures: &'a Figures) -> LoggingJson<'a> {
    let late = logging::late(dataset, figures).collect();
    let quiet = logging::quiet(dataset, figures).collect();
    LoggingJson { late, quiet }
}
