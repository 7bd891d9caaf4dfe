//! The `sayso` command: a dispatcher. It starts the log, reads the command
//! line and the system's clock, and hands them to the command's function
//! in `cli/`; the kiosk's own wiring is `app.rs`. An error is printed once,
//! as a chain of what went wrong.

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    start_logging();
    let clock = sayso::clock::SystemClock::new();
    match cli::run(cli::Cli::parse(), &clock) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sayso: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The log: to journald, with each line's priority, when systemd started
/// sayso with its output going there (`JOURNAL_STREAM`); else to stderr.
/// Only ids and counts are logged, never names or answers.
fn start_logging() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let journald = std::env::var_os("JOURNAL_STREAM")
        .is_some()
        .then(|| tracing_journald::layer().ok())
        .flatten();
    match journald {
        Some(journald) => tracing_subscriber::registry()
            .with(filter)
            .with(journald.with_syslog_identifier("sayso".into()))
            .init(),
        None => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
    }
}
