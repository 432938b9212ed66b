//! A cell longer than a cell may sensibly hold (`load`'s warned limit) is cut where it is shown:
//! a stray quote can merge a whole file into one cell, and carrying megabytes into every page,
//! chart, file name and PDF costs minutes and hundreds of megabytes. The records keep the first
//! [`LONG_CELL`] characters and say once what was cut and where. Links are resolved before the
//! cut, so they use the whole value.

use crate::load::{cut_long_cell as cut, LONG_CELL};

use super::Dataset;

/// Cuts every long text cell of the records, after they are linked. An activity's texts, a
/// million rows' worth, are cut as they are read (`load::activities`), on all cores.
pub(super) fn cut_long_cells(dataset: &mut Dataset) {
    // A community is its engagements' Community cells read alike: the same long name is cut
    // the same way on every row, naming the row it first appears on.
    let mut communities: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for engagement in dataset.engagements.iter_mut() {
        let line = engagement.record.line;
        let record = &mut engagement.record;
        for text in [&mut record.name, &mut record.description, &mut record.status, &mut record.agreement] {
            cut(text, "engagements.csv", line);
        }
        if record.community.len() > LONG_CELL {
            let community = std::mem::take(&mut record.community);
            record.community = communities
                .entry(community)
                .or_insert_with_key(|full| {
                    let mut shown = full.clone();
                    cut(&mut shown, "engagements.csv", line);
                    shown
                })
                .clone();
        }
    }
    for project in dataset.projects.iter_mut() {
        let record = &mut project.record;
        let line = record.line;
        for text in [&mut record.name, &mut record.description, &mut record.capacity] {
            cut(text, "projects.csv", line);
        }
    }
    for allocation in dataset.allocations.iter_mut() {
        let record = &mut allocation.record;
        let line = record.line;
        for text in [&mut record.name, &mut record.description] {
            cut(text, "allocations.csv", line);
        }
        if let Some(provider) = record.provider.as_mut() {
            cut(provider, "allocations.csv", line);
        }
    }
    for contact in dataset.contacts.iter_mut() {
        let record = &mut contact.record;
        let line = record.line;
        for text in [
            &mut record.name,
            &mut record.github,
            &mut record.phone,
            &mut record.organization,
            &mut record.position,
        ] {
            cut(text, "contacts.csv", line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_cell_keeps_its_first_characters_and_says_how_many_more_and_where() {
        let mut text = "é".repeat(LONG_CELL + 4_999_000);
        cut(&mut text, "engagements.csv", 2);
        assert_eq!(text.chars().take(LONG_CELL).filter(|c| *c == 'é').count(), LONG_CELL);
        assert!(
            text.ends_with("é… 4,999,000 more characters in engagements.csv line 2"),
            "{}",
            &text[text.len() - 80..]
        );
        let mut short = "x".repeat(LONG_CELL);
        cut(&mut short, "engagements.csv", 2);
        assert_eq!(short, "x".repeat(LONG_CELL));
    }
}
