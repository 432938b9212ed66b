//! A book this tool wrote, read back: the edge through which `emails` takes the PDFs it
//! attaches. Only files listed in the book's `.ces-report-files`, regular files inside it, are
//! read; which PDF goes to whom is computed from the data, never read from the manifest, and
//! the data must be the book's own (its `provenance.json`).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use crate::calendar::Month;
use crate::drafts::Report;
use crate::figures::report::community_reported_in_month;
use crate::figures::Figures;
use crate::model::{CommunityId, Dataset};
use crate::output::{owned_files, read_owned};
use crate::site::layout::{self, Communities};
use crate::site::{manifest, WrittenProvenance};

/// A book this tool wrote, as far as `emails` reads it.
pub(crate) struct WrittenBook {
    folder: PathBuf,
    owned: BTreeSet<String>,
    /// The month its report is for, and the date its figures are as of.
    pub(crate) month: Month,
    pub(crate) as_of: NaiveDate,
}

impl WrittenBook {
    /// The book in `folder`, or `None` when it holds no book the tool wrote. An error when it
    /// was made from other data than the data folder's `inputs` (file names and fingerprints)
    /// or with another `known_at`: its PDFs would not say what the emails say.
    pub(crate) fn read(
        folder: &Path,
        (data_folder, inputs): (&Path, &[(String, String)]),
        known_at: Option<NaiveDate>,
    ) -> Result<Option<WrittenBook>> {
        let Some(owned) = owned_files(folder)? else { return Ok(None) };
        if !owned.contains(layout::MANIFEST) {
            return Ok(None);
        }
        let text = |relative: &str| -> Result<String> {
            String::from_utf8(read_owned(folder, relative, &owned)?)
                .with_context(|| format!("{} is not UTF-8", folder.join(relative).display()))
        };
        let (month, as_of) = manifest::written_month(&text(layout::MANIFEST)?).with_context(|| {
            format!("{} is not a manifest written by ces-report", folder.join(layout::MANIFEST).display())
        })?;
        let provenance = WrittenProvenance::parse(&text(layout::PROVENANCE)?).with_context(|| {
            format!("{} is not written by ces-report", folder.join(layout::PROVENANCE).display())
        })?;
        match provenance.differs_from(inputs, known_at) {
            None => Ok(Some(WrittenBook { folder: folder.to_path_buf(), owned, month, as_of })),
            Some(Some(file)) => bail!(
                "the book in {} was made from another {file} than the one in {}: render it again from this data, or give the book made from it",
                folder.display(),
                data_folder.display()
            ),
            Some(None) => bail!(
                "the book in {} was made with another --known-at: give the same one, or render it again",
                folder.display()
            ),
        }
    }

    /// The PDF of every community the book reports, as the tool names it; a PDF missing or not
    /// the tool's is a warning, and no email attaches it.
    pub(crate) fn reports(
        &self,
        dataset: &Dataset,
        figures: &Figures,
        paths: &Communities,
        warnings: &mut Vec<String>,
    ) -> HashMap<CommunityId, Report> {
        let mut reports = HashMap::new();
        for (id, community) in figures.communities.iter_enumerated() {
            if !community_reported_in_month(dataset, community, self.month, self.as_of) {
                continue;
            }
            let relative = paths[community.current].pdf(self.month);
            match read_owned(&self.folder, &relative, &self.owned) {
                Ok(pdf) => {
                    let file_name = relative.rsplit('/').next().unwrap_or_default().to_string();
                    reports.insert(id, Report { month: self.month, as_of: self.as_of, file_name, pdf });
                }
                Err(error) => warnings.push(format!(
                    "no report for community \"{}\": {error:#}; no email attaches one",
                    community.name
                )),
            }
        }
        reports
    }
}
