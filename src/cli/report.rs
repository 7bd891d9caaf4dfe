//! `sayso report`, `sayso fhir` and `sayso export obl`: what the plan and
//! the journal say, for people and for other tools.

use std::path::{Path, PathBuf};

use anyhow::Context;

use sayso::clock::Clock;
use sayso::core::find_person;
use sayso::kiosk::KioskPaths;
use sayso::report::Format;
use sayso::store::ports::StaffPlan;
use sayso::store::{Journal, Plan};

use super::args::ReportFormat;

/// The days a review-meeting PDF covers.
pub struct Period {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// `sayso report`: a table, CSV or JSON of everyone's views (or one
/// person's), or one person's review-meeting PDF.
pub fn any_format(
    paths: &KioskPaths,
    person: Option<&str>,
    format: ReportFormat,
    (period, output): (Period, Option<PathBuf>),
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let format = match format {
        ReportFormat::Table => Format::Table,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Json => Format::Json,
        ReportFormat::Pdf => {
            let name = person.context("a PDF report is about one person: give --person NAME")?;
            return review_pdf(paths, name, period, output, clock);
        }
    };
    report(&paths.plan, person, format)
}

/// `sayso report [--person NAME] --format table|csv|json`.
fn report(plan_path: &Path, person: Option<&str>, format: Format) -> anyhow::Result<()> {
    let mut plan = match Plan::open(plan_path) {
        Ok(plan) => plan,
        Err(sayso::store::StoreError::Missing { .. }) => anyhow::bail!(
            "no support plan to report on yet at {}: finish a mat, or run `sayso sync`",
            plan_path.display()
        ),
        Err(e) => return Err(e).context("cannot report"),
    };
    // A damaged plan is said to be damaged, not read as far as it goes.
    plan.check_integrity().context("cannot report")?;
    let rows = plan.preferences(person)?;
    if rows.is_empty() && format == Format::Table {
        match person {
            Some(name) => println!("No views recorded for {name} in {}.", plan_path.display()),
            None => println!("No views recorded yet in {}.", plan_path.display()),
        }
        return Ok(());
    }
    print!("{}", sayso::report::render(&rows, format));
    Ok(())
}

/// `sayso report --person NAME --format pdf`: the review-meeting report.
fn review_pdf(
    paths: &KioskPaths,
    name: &str,
    period: Period,
    output: Option<PathBuf>,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(&paths.plan).context("cannot report")?;
    plan.check_integrity().context("cannot report")?;
    let people = StaffPlan::people(&plan)?;
    let person = find_person(&people, name)?;
    let today = clock.now().wall.with_timezone(&chrono::Local).date_naive();
    let to = period.to.unwrap_or(today);
    let from = period.from.unwrap_or(to - chrono::Months::new(3));
    anyhow::ensure!(from <= to, "--from {from} comes after --to {to}");
    let report = sayso::report::review::review(&plan, &person.id, from, to)?
        .context("the person is no longer in the plan")?;
    let pdf = sayso::report::pdf::review_pdf(&report)?;
    let output =
        output.unwrap_or_else(|| PathBuf::from(format!("{}-review-{from}-{to}.pdf", person.name)));
    std::fs::write(&output, pdf).with_context(|| format!("cannot write {}", output.display()))?;
    println!("Wrote {}", output.display());
    Ok(())
}

/// `sayso fhir [--person NAME]`: a FHIR R4 Bundle on standard output.
pub fn fhir(plan_path: &Path, person: Option<&str>, clock: &dyn Clock) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan_path).context("cannot export")?;
    plan.check_integrity().context("cannot export")?;
    let everyone = StaffPlan::people(&plan)?;
    let people = match person {
        Some(wanted) => vec![find_person(&everyone, wanted)?.clone()],
        None => everyone,
    };
    let bundle = sayso::report::fhir::bundle(&plan, &people, clock.now().wall)?;
    println!("{}", serde_json::to_string_pretty(&bundle)?);
    Ok(())
}

/// `sayso export obl`: every finished mat as an Open Board Logging file.
pub fn export_obl(paths: &KioskPaths, out: &Path) -> anyhow::Result<()> {
    let journal = Journal::open(&paths.journal())?;
    let mut mats = Vec::new();
    for id in journal.finished_session_ids()? {
        mats.extend(journal.finished_session(id.as_str())?);
    }
    let log = sayso::report::obl::log(&mats);
    let text = serde_json::to_vec_pretty(&log)?;
    sayso::library::set_file::write_whole(out, &text)
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("Wrote {} mat(s) to {}", mats.len(), out.display());
    Ok(())
}
