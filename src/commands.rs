//! One function per subcommand; each returns the process exit code.

use std::io::Write;

use anyhow::Result;

use crate::cli::{AsOfArgs, BookArgs, Command, DataArgs, Format};
use crate::diagnostics::{Diagnostics, InputErrors};
use crate::figures;
use crate::load::Folder;
use crate::model::Dataset;
use crate::settings::Settings;
use crate::summary;

pub fn run(command: &Command) -> Result<i32> {
    match command {
        Command::Check { data } => check(data),
        Command::Summary { data, as_of, format } => summary(data, as_of, *format),
        Command::Build { data, as_of, book } => build(data, as_of, book).map(|built| built.map_or(1, |_| 0)),
        Command::Templates { dir } => templates(dir),
        Command::Plan { data, all } => plan(data, *all),
        Command::WhatIf { data, hours, from, to, format } => what_if(data, *hours, from, to, *format),
        Command::Render { data, as_of, book, jobs, html } => render(data, as_of, book, *jobs, *html),
    }
}

fn print_diagnostics(diagnostics: &Diagnostics) {
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics.all() {
        let _ = writeln!(stderr, "{}", crate::text::replace_unsafe(&diagnostic.report_line()));
    }
}

/// The data of a run, read and linked.
struct Loaded {
    dataset: Dataset,
    diagnostics: Diagnostics,
    settings: Settings,
}

/// Reads the data. Input errors are all printed to stderr and give `Ok(None)`: the command
/// then exits 1 without computing anything.
fn read(data: &DataArgs) -> Result<Option<Loaded>> {
    let settings = data.settings()?;
    match crate::read_dataset(&Folder(data.folder()?), &settings) {
        Ok((dataset, diagnostics)) => Ok(Some(Loaded { dataset, diagnostics, settings })),
        Err(error) => {
            let InputErrors(diagnostics) = error.downcast::<InputErrors>()?;
            print_diagnostics(&diagnostics);
            let count = diagnostics.errors().count();
            eprintln!(
                "error: the data has {count} error{}; nothing was computed",
                if count == 1 { "" } else { "s" }
            );
            Ok(None)
        }
    }
}

fn check(data: &DataArgs) -> Result<i32> {
    let Some(Loaded { dataset, diagnostics, .. }) = read(data)? else {
        return Ok(1);
    };
    print_diagnostics(&diagnostics);
    let warnings = diagnostics.warnings().count();
    println!(
        "{} engagements, {} projects, {} allocations, {} activities: no errors, {warnings} warning{}",
        dataset.engagements.len(),
        dataset.projects.len(),
        dataset.allocations.len(),
        dataset.activities.len(),
        if warnings == 1 { "" } else { "s" }
    );
    Ok(0)
}

fn summary(data: &DataArgs, as_of: &AsOfArgs, format: Format) -> Result<i32> {
    let (as_of, _) = as_of.resolve()?;
    let Some(Loaded { dataset, diagnostics, settings }) = read(data)? else {
        return Ok(1);
    };
    let figures = figures::compute(&dataset, &settings, as_of);
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Text => {
            let text = summary::text::render(&dataset, &figures, &diagnostics, &settings.organisation);
            stdout.write_all(crate::text::replace_unsafe(&text).as_bytes())?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut stdout,
                &summary::json::summary(&dataset, &figures, &diagnostics),
            )?;
            writeln!(stdout)?;
        }
    }
    stdout.flush()?;
    Ok(0)
}

/// What `build` wrote, for the summary line and for `render`.
pub struct Built {
    pub out: std::path::PathBuf,
    pub files: usize,
    pub as_of: chrono::NaiveDate,
    pub pdfs: Vec<crate::book::PdfExport>,
}

/// Generates the MyST project; `Ok(None)` when the data has errors (already printed).
pub fn build(data: &DataArgs, as_of: &AsOfArgs, book: &BookArgs) -> Result<Option<Built>> {
    let (as_of, month) = as_of.resolve()?;
    let templates = crate::pages::TemplateSet::load(book.templates.as_deref())?;
    let Some(Loaded { dataset, diagnostics, settings }) = read(data)? else {
        return Ok(None);
    };
    for warning in diagnostics.warnings() {
        eprintln!("{}", crate::text::replace_unsafe(&warning.report_line()));
    }
    let figures = figures::compute(&dataset, &settings, as_of);
    let context = crate::book::BookContext {
        dataset: &dataset,
        figures: &figures,
        settings: &settings,
        as_of,
        month,
        warnings: diagnostics.warnings().map(|w| w.to_string()).collect(),
    };
    let mut generated = crate::book::build(&context, &templates)?;
    for clash in &generated.clashes {
        eprintln!("warning: {}", crate::text::replace_unsafe(&crate::book::clash_warning(clash)));
    }
    // render writes these PDFs later: the tool owns them from now on.
    for pdf in &generated.pdfs {
        generated.plan.reserve(pdf.output.clone());
    }
    crate::output::write(&generated.plan, &book.out)?;
    let files = generated.plan.len();
    eprintln!("wrote {files} files to {} (figures as of {as_of})", book.out.display());
    Ok(Some(Built { out: book.out.clone(), files, as_of, pdfs: generated.pdfs }))
}

fn templates(dir: &std::path::Path) -> Result<i32> {
    anyhow::ensure!(!dir.exists(), "{} already exists; choose a new folder", dir.display());
    for (path, text) in crate::pages::EMBEDDED {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("a file has a folder"))?;
        std::fs::write(&file, text)?;
    }
    eprintln!(
        "wrote {} templates to {}; edit them and pass --templates {}",
        crate::pages::EMBEDDED.len(),
        dir.display(),
        dir.display()
    );
    Ok(0)
}

fn render(
    data: &DataArgs,
    as_of: &AsOfArgs,
    book: &BookArgs,
    jobs: Option<usize>,
    html: bool,
) -> Result<i32> {
    use crate::render;
    let started = std::time::Instant::now();
    let tools = render::Toolchain::find()?;
    eprintln!("generating the book…");
    let Some(built) = build(data, as_of, book)? else { return Ok(1) };
    let generated = started.elapsed().as_secs_f64();
    let pdf_jobs = render::pdf_jobs(&built.out, &built.pdfs);
    let parallel = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    eprintln!("building {} PDFs, {parallel} at a time…", pdf_jobs.len());
    let pdf_started = std::time::Instant::now();
    let pdfs = render::build_pdfs(&tools, &built.out, &pdf_jobs, parallel)?;
    let pdf_seconds = pdf_started.elapsed().as_secs_f64();
    eprintln!("building the site{}…", if html { "" } else { " content (offline)" });
    let site_started = std::time::Instant::now();
    let pages = render::build_site(&tools, &built.out, html)?;
    let site_seconds = site_started.elapsed().as_secs_f64();
    println!(
        "book      {} ({} files, figures as of {}) in {generated:.1} s",
        built.out.display(),
        built.files,
        built.as_of
    );
    println!("site      {} ({pages} pages) in {site_seconds:.1} s", built.out.join("_build/site").display());
    println!("PDFs      {} in {pdf_seconds:.1} s", pdfs.len());
    for pdf in &pdfs {
        let pages = pdf.pages.map_or("?".to_string(), |p| p.to_string());
        println!("  {:<62} {pages:>3} pages {:>6} KB", pdf.path.display(), pdf.bytes.div_ceil(1024));
    }
    println!("manifest  {}", built.out.join("exports/manifest.json").display());
    println!("total     {:.1} s", started.elapsed().as_secs_f64());
    Ok(0)
}

fn what_if(data: &DataArgs, hours: f64, from: &str, to: &str, format: Format) -> Result<i32> {
    let from = crate::cli::parse_date_flag("--from", from)?;
    let to = crate::cli::parse_date_flag("--to", to)?;
    anyhow::ensure!(to >= from, "--to {to} is before --from {from}");
    anyhow::ensure!(hours > 0.0, "--hours must be above 0");
    let Some(Loaded { dataset, settings, .. }) = read(data)? else {
        return Ok(1);
    };
    let calendar = figures::calendar::WorkCalendar::new(&settings.holidays);
    let answer = figures::what_if::what_if(&dataset, &calendar, hours, from, to);
    anyhow::ensure!(answer.working_days > 0, "{from} to {to} has no working days");
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
        Format::Text => print!("{}", summary::text::what_if(&answer)),
    }
    Ok(0)
}

fn plan(data: &DataArgs, all: bool) -> Result<i32> {
    let Some(Loaded { dataset, .. }) = read(data)? else {
        return Ok(1);
    };
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    let mut header =
        vec!["Allocation name", "Project", "Allocation start date", "Allocation end date", "Hours available"];
    if all {
        header.push("Already allocated as");
    }
    writer.write_record(&header)?;
    for project in &dataset.projects {
        let Some(planned) = figures::planning::plan_project(&dataset, project) else {
            let reason = if project.capacity.trim().is_empty() {
                continue;
            } else if figures::planning::parse_capacity(&project.capacity).is_none() {
                format!("its capacity \"{}\" names no period (month, quarter or year)", project.capacity)
            } else {
                "it has no start or end date".to_string()
            };
            eprintln!("note: project \"{}\" is not planned: {reason}", project.name);
            continue;
        };
        for row in planned.iter().filter(|row| all || row.existing.is_none()) {
            let mut record = vec![
                row.name.clone(),
                row.project.clone(),
                row.start.to_string(),
                row.end.to_string(),
                crate::text::round(row.hours, 2).to_string(),
            ];
            if all {
                record.push(row.existing.clone().unwrap_or_default());
            }
            writer
                .write_record(record.iter().map(|cell| crate::text::spreadsheet_safe(cell).into_owned()))?;
        }
    }
    writer.flush()?;
    Ok(0)
}
