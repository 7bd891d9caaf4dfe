//! The `sayso` command: runs the kiosk, or a staff task (sync, report, check).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use sayso::clock::SystemClock;
use sayso::kiosk::{sync_files, Kiosk, KioskPaths};
use sayso::library::{default_set_path, load_set};
use sayso::store::{Plan, PreferenceRow, JOURNAL_FILE, PLAN_FILE};
use sayso::voice::Speaker;

#[derive(Parser)]
#[command(
    name = "sayso",
    version,
    about = "An assistive-communication kiosk: say what you think, one picture at a time."
)]
struct Cli {
    /// Where the journal and the support plan are kept.
    /// Default: $SAYSO_DATA_DIR, else the XDG data directory (~/.local/share/sayso).
    #[arg(long, global = true, env = "SAYSO_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// The picture set to show: a set.toml file or its folder. Default: the bundled demo.
    #[arg(long, global = true, env = "SAYSO_SET", value_name = "PATH")]
    set: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk (what `sayso` does with no subcommand).
    Run,
    /// Bring finished mats from the journal into the support plan. Safe to run any time, any number of times.
    Sync {
        /// The support plan database. Default: plan.sqlite in the data directory.
        #[arg(long, value_name = "PATH")]
        to: Option<PathBuf>,
    },
    /// Show each person's views as they stand in the support plan.
    Report {
        /// Only this person (by name).
        #[arg(long)]
        person: Option<String>,
        /// The support plan database. Default: plan.sqlite in the data directory.
        #[arg(long, value_name = "PATH")]
        plan: Option<PathBuf>,
    },
    /// Check a picture set and list every problem found in it.
    Check,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sayso: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let data_dir = match cli.data_dir {
        Some(dir) => dir,
        None => dirs::data_dir()
            .context("no data directory: give --data-dir or set SAYSO_DATA_DIR")?
            .join("sayso"),
    };
    let set = cli.set.unwrap_or_else(default_set_path);
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            let paths = KioskPaths::in_data_dir(&data_dir, &set);
            let kiosk = Kiosk::open(paths, Box::new(Speaker::start()), Box::new(SystemClock))?;
            sayso::ui::run(kiosk).context("cannot show the kiosk window")
        }
        Command::Sync { to } => {
            let plan = to.unwrap_or_else(|| data_dir.join(PLAN_FILE));
            let journal = data_dir.join(JOURNAL_FILE);
            anyhow::ensure!(
                journal.is_file(),
                "there is no journal at {}",
                journal.display()
            );
            let report = sync_files(&journal, &plan, chrono::Utc::now())?;
            println!(
                "Synced {} finished mat(s), {} card(s), into {}",
                report.sessions,
                report.placements,
                plan.display()
            );
            Ok(())
        }
        Command::Report { person, plan } => {
            let plan = plan.unwrap_or_else(|| data_dir.join(PLAN_FILE));
            report(&plan, person.as_deref())
        }
        Command::Check => {
            let loaded = load_set(&set)?;
            let cards: usize = loaded.set.topics.iter().map(|t| t.cards.len()).sum();
            println!(
                "{}: \"{}\", {} topic(s), {} card(s)",
                loaded.path.display(),
                loaded.set.title,
                loaded.set.topics.len(),
                cards
            );
            for warning in &loaded.warnings {
                println!("warning: {warning}");
            }
            Ok(())
        }
    }
}

fn report(plan_path: &Path, person: Option<&str>) -> anyhow::Result<()> {
    anyhow::ensure!(
        plan_path.is_file(),
        "there is no support plan at {} yet: finish a mat, or run `sayso sync`",
        plan_path.display()
    );
    let plan = Plan::open(plan_path)?;
    let rows = plan.preferences(person)?;
    if rows.is_empty() {
        match person {
            Some(name) => println!("No views recorded for {name} in {}.", plan_path.display()),
            None => println!("No views recorded yet in {}.", plan_path.display()),
        }
        return Ok(());
    }
    print!("{}", format_report(&rows));
    Ok(())
}

/// A plain table per person: topic, card, current view, how many times, last date.
fn format_report(rows: &[PreferenceRow]) -> String {
    let mut out = String::new();
    let headings = ["Topic", "Card", "View", "Times", "Last"];
    for (i, person) in rows.iter().map(|r| r.person.as_str()).enumerate() {
        if i > 0 && rows[i - 1].person == person {
            continue;
        }
        let table: Vec<[String; 5]> = rows
            .iter()
            .filter(|r| r.person == person)
            .map(|r| {
                let view = match &r.changed_from {
                    Some(before) => format!("{} (was {before})", r.current_view),
                    None => r.current_view.clone(),
                };
                [
                    r.topic.clone(),
                    r.card.clone(),
                    view,
                    format!("{} of {}", r.times_said, r.times_asked),
                    r.last_at
                        .with_timezone(&chrono::Local)
                        .format("%Y-%m-%d")
                        .to_string(),
                ]
            })
            .collect();
        let widths: Vec<usize> = (0..5)
            .map(|c| {
                table
                    .iter()
                    .map(|row| row[c].chars().count())
                    .chain([headings[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("{person}\n"));
        let line = |cells: [&str; 5]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            format!("  {}\n", padded.join("  ").trim_end())
        };
        out.push_str(&line(headings));
        for row in &table {
            out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
        }
    }
    out
}
