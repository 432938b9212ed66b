//! Invariants of the accounting model, checked on generated inputs.

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use ces_report::calendar::WorkCalendar;
use ces_report::figures::allocations::allocation_figures;
use ces_report::figures::commitment::{activity_months, allocation_months};
use ces_report::hours::Hours;
use ces_report::load::Source;
use ces_report::model::{Activity, Allocation};
use ces_report::settings::Settings;
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

fn date_from(offset: u64) -> NaiveDate {
    base() + Days::new(offset)
}

fn holidays() -> impl Strategy<Value = BTreeSet<NaiveDate>> {
    prop::collection::btree_set((0u64..900).prop_map(date_from), 0..20)
}

proptest! {
    #[test]
    fn every_allocations_hours_are_used_left_or_expired(
        available in 1i64..200_000,
        units in prop::collection::vec((0u64..800, 0i64..4_000), 0..30),
        as_of in 0u64..900,
    ) {
        // available = used − overrun + left now + not started + expired, exactly, at any date,
        // and at most one of the last three is ever non-zero.
        let alloc = Allocation::standalone("A", date_from(100), date_from(500), Hours::from_hundredths(available));
        let log: Vec<Activity> = units
            .iter()
            .map(|(day, hundredths)| Activity::standalone(date_from(*day), date_from(*day), Hours::from_hundredths(*hundredths)))
            .collect();
        let f = allocation_figures(&alloc, log.iter(), &WorkCalendar::default(), date_from(as_of));
        prop_assert_eq!(f.hours.available, f.hours.used - f.hours.overrun + f.hours.left_now + f.hours.not_started + f.hours.expired);
        prop_assert!(f.hours.left_now >= Hours::ZERO && f.hours.not_started >= Hours::ZERO);
        prop_assert!(f.hours.expired >= Hours::ZERO && f.hours.overrun >= Hours::ZERO);
        let non_zero = [f.hours.left_now, f.hours.not_started, f.hours.expired].iter().filter(|h| !h.is_zero()).count();
        prop_assert!(non_zero <= 1);
    }

    #[test]
    fn an_allocations_months_add_up_to_its_hours(
        start in 0u64..700,
        length in 0u64..800,
        available in 1i64..500_000,
        holidays in holidays(),
    ) {
        // Even when the window has no working day (a holiday week).
        let calendar = WorkCalendar::new(&holidays);
        let (first, last) = (date_from(start), date_from(start + length));
        let available = Hours::from_hundredths(available);
        let months = allocation_months(&Allocation::standalone("A", first, last, available), &calendar);
        let total: f64 = months.iter().map(|(_, hours)| hours).sum();
        prop_assert!((total - available.as_f64()).abs() <= 1e-9 * available.as_f64().max(1.0), "{total} != {available}");
    }

    #[test]
    fn delivered_hours_add_up_to_the_units_logged(
        spans in prop::collection::vec((0u64..800, 0u64..70, 0i64..6_400), 1..40),
        holidays in holidays(),
        as_of in 0u64..900,
    ) {
        // As of any date, the months add up to the hours each activity counts then, and once
        // everything has ended, to the hours logged.
        let calendar = WorkCalendar::new(&holidays);
        let (mut logged, mut counted, mut delivered) = (Hours::ZERO, Hours::ZERO, Hours::ZERO);
        for (start, length, hundredths) in spans {
            let activity = Activity::standalone(date_from(start), date_from(start + length), Hours::from_hundredths(hundredths));
            logged += activity.units;
            counted += activity.hours_as_of(date_from(as_of), &calendar);
            delivered += activity_months(&activity, &calendar, date_from(as_of)).into_iter().map(|(_, h)| h).sum::<Hours>();
            let everything = activity_months(&activity, &calendar, date_from(2000)).into_iter().map(|(_, h)| h).sum::<Hours>();
            prop_assert_eq!(everything, activity.units);
        }
        prop_assert_eq!(delivered, counted);
        prop_assert!(counted <= logged);
    }

    #[test]
    fn the_loader_never_panics(
        engagements in prop::collection::vec(any::<u8>(), 0..300),
        activities in prop::collection::vec(any::<u8>(), 0..300),
        header_kept in any::<bool>(),
    ) {
        let mut files = HashMap::new();
        let activity_bytes = if header_kept {
            let mut bytes = b"Allocation,Team member,Units,Start date,End date,Created\n".to_vec();
            bytes.extend(activities);
            bytes
        } else {
            activities
        };
        files.insert("engagements.csv", engagements);
        files.insert("activities.csv", activity_bytes);
        files.insert("projects.csv", b"Project name,Engagement,Project start date,Project end date,Project description\n".to_vec());
        files.insert("allocations.csv", b"Allocation name,Project,Allocation start date,Allocation end date,Hours available\n".to_vec());
        let result = ces_report::read_dataset(&Bytes(files), &Settings::default());
        // Either a clean (possibly empty) dataset or an error: never a panic.
        if let Ok((dataset, _)) = result {
            prop_assert!(dataset.activities.is_empty());
        }
    }
}

/// A data folder of raw bytes, which need not be UTF-8.
struct Bytes(HashMap<&'static str, Vec<u8>>);

impl Source for Bytes {
    fn open(&self, file: &str) -> anyhow::Result<Option<Box<dyn Read + Send + '_>>> {
        Ok(self.0.get(file).map(|bytes| Box::new(bytes.as_slice()) as Box<dyn Read + Send>))
    }
}
