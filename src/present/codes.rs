//! The fixed names programs, file names and style classes use for the figures' kinds: a
//! status's slug, an allocation's state, a reason's code, an email's kind. They are a contract
//! (the JSON, the manifest, the Typst template's chips, the drafts' file names), not wording:
//! the words people read are in `templates/`.

use crate::figures::allocations::State;
use crate::figures::changes::EditKind;
use crate::figures::emails::EmailKind;
use crate::figures::findings::Subject;
use crate::figures::status::{Reason, Status};

/// `on-track`, `at-risk`, …: the JSON's and the manifest's value, the chips' style class.
pub fn status_slug(status: Status) -> &'static str {
    match status {
        Status::Ended => "ended",
        Status::OnTrack => "on-track",
        Status::AtRisk => "at-risk",
        Status::ActionNeeded => "action-needed",
    }
}

/// An allocation's state for programs: the JSON's value and the CSV downloads'.
pub fn state_code(state: State) -> &'static str {
    match state {
        State::Upcoming => "upcoming",
        State::Active => "active",
        State::Completed => "completed",
    }
}

/// A reason's stable code for programs (JSON) and for `templates/reasons.txt.j2`.
pub fn reason_code(reason: &Reason) -> &'static str {
    match reason {
        Reason::ActivitiesAfterEnd { .. } => "activities-after-end",
        Reason::StillMarkedActive { .. } => "still-marked-active",
        Reason::Overrun { .. } => "overrun",
        Reason::PastOverrun { .. } => "past-overrun",
        Reason::ForecastOverrun { .. } => "forecast-overrun",
        Reason::EngagementIncomplete { .. } => "engagement-incomplete",
        Reason::NoProjects => "no-projects",
        Reason::ProjectIncomplete { .. } => "project-incomplete",
        Reason::NoAllocations { .. } => "no-allocations",
        Reason::NoProvider { .. } => "no-provider",
        Reason::RenewalDue { .. } => "renewal-due",
        Reason::OffPace { .. } => "off-pace",
    }
}

/// A finding's code: its reason's, or `outside-window`.
pub fn subject_code(subject: &Subject) -> &'static str {
    match subject {
        Subject::Reason(reason) => reason_code(reason),
        Subject::OutsideWindow { .. } => "outside-window",
        Subject::NoFeedback { .. } => "no-feedback",
    }
}

/// `introduction`, `wrap-up`, `usage`: the drafts' file names and templates.
pub fn email_slug(kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::Introduction => "introduction",
        EmailKind::WrapUp => "wrap-up",
        EmailKind::Usage => "usage",
    }
}

/// `added`, `edited`, `deleted`: an edit's code in the JSON of `changes`.
pub fn edit_code(kind: EditKind) -> &'static str {
    match kind {
        EditKind::Added => "added",
        EditKind::Edited => "edited",
        EditKind::Deleted => "deleted",
    }
}
