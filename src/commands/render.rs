//! `render`: the whole job: build the book, every PDF and the site content, then report what
//! was written.

use std::io::Write;
use std::time::Instant;

use anyhow::Result;

use crate::cli::{AsOfArgs, BookArgs, DataArgs};
use crate::render::{self, Toolchain};
use crate::site::layout;

pub(super) fn run(
    data: &DataArgs,
    as_of: &AsOfArgs,
    book: &BookArgs,
    jobs: Option<usize>,
    html: bool,
) -> Result<i32> {
    let started = Instant::now();
    let tools = Toolchain::find()?;
    // One hold on the folder for the whole job: no other run writes it while PDFs are built.
    let _lock = crate::output::RunLock::take(&book.out)?;
    crate::say!("generating the book…");
    let Some(built) = super::build::run(data, as_of, book)? else { return Ok(1) };
    crate::interrupt::check()?;
    let generated = started.elapsed().as_secs_f64();
    let pdf_jobs = render::pdf_jobs(&built.out, &built.pdfs);
    let parallel = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    crate::say!("building {} PDFs, {parallel} at a time…", pdf_jobs.len());
    let pdf_started = Instant::now();
    let pdfs = render::build_pdfs(&tools, &built.out, &pdf_jobs, parallel, built.as_of)?;
    let pdf_seconds = pdf_started.elapsed().as_secs_f64();
    crate::say!("building the site{}…", if html { "" } else { " content (offline)" });
    let site_started = Instant::now();
    let pages = render::build_site(&tools, &built.out, html)?;
    let site_seconds = site_started.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "book      {} ({} files, figures as of {}) in {generated:.1} s",
        built.out.display(),
        built.files,
        built.as_of
    )?;
    writeln!(
        out,
        "site      {} ({pages} pages) in {site_seconds:.1} s",
        built.out.join("_build/site").display()
    )?;
    writeln!(out, "PDFs      {} in {pdf_seconds:.1} s", pdfs.len())?;
    let width = pdfs.iter().map(|pdf| pdf.path.display().to_string().chars().count()).max().unwrap_or(0);
    for pdf in &pdfs {
        let pages = pdf.pages.map_or("?".to_string(), |p| p.to_string());
        let path = pdf.path.display().to_string();
        writeln!(out, "  {path:<width$} {pages:>3} pages {:>6} KB", pdf.bytes.div_ceil(1024))?;
    }
    writeln!(
        out,
        "manifest  {}, {}",
        built.out.join(layout::MANIFEST).display(),
        built.out.join(layout::MANIFEST_CSV).display()
    )?;
    writeln!(out, "total     {:.1} s", started.elapsed().as_secs_f64())?;
    Ok(0)
}
