//! Every `sayso` command, by name: [`run`] finds the data directory, the
//! set, the plan and the home, and calls the command's own function.

mod accounts;
mod args;
mod backup;
mod plan;
mod report;
mod screens;
mod set;

use std::path::PathBuf;

use anyhow::Context;

use sayso::access::gpio::{describe_step, run_buttons, ButtonPanel, RppalPins};
use sayso::access::settings::{AccessSettings, ACCESS_FILE};
use sayso::clock::{Clock, SystemClock};
use sayso::kiosk::KioskPaths;
use sayso::library::default_set_path;
use sayso::library::home::find_home;
use sayso::store::accounts::AccountChange;

pub use args::Cli;
use args::{Command, ExportCommand, FamilyCommand, PlanCommand, SetCommand, StaffCommand};

/// Carries out the command given; the kiosk when none is.
pub fn run(cli: Cli, clock: &SystemClock) -> anyhow::Result<()> {
    let data_dir = match &cli.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .context("no data directory: give --data-dir or set SAYSO_DATA_DIR")?
            .join("sayso"),
    };
    // Commands that change a set need one named; the others show the demo.
    let chosen_set = cli.set.clone();
    let set = cli.set.clone().unwrap_or_else(default_set_path);
    let paths = paths_of(&cli, &data_dir, &set);
    let plan_path = paths.plan.clone();
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => crate::app::run_kiosk(&paths),
        Command::Buttons => buttons(&paths),
        Command::Sync { to } => plan::sync(&paths, to, clock),
        Command::Pair { url, code } => plan::pair(&paths, &url, &code, clock),
        Command::Backup { into } => backup::backup(&paths, &into, clock),
        Command::Restore { from, overwrite } => backup::restore(&paths, &from, overwrite),
        Command::Report {
            person,
            format,
            from,
            to,
            output,
        } => report::any_format(
            &paths,
            person.as_deref(),
            format,
            (report::Period { from, to }, output),
            clock,
        ),
        Command::Fhir { person } => report::fhir(&plan_path, person.as_deref(), clock),
        Command::Export(ExportCommand::Obl { out }) => report::export_obl(&paths, &out),
        Command::Set(SetCommand::Import { file }) => {
            set::import_boards(chosen_set.as_deref(), &file)
        }
        Command::Set(SetCommand::Export { paths: given }) => set::export_boards(&set, &given),
        Command::Set(SetCommand::ImportPhotos { dir, topic, square }) => {
            set::import_photos(chosen_set.as_deref(), &dir, &topic, square)
        }
        Command::Check => set::check(&paths),
        Command::Plan(PlanCommand::Init { path }) => plan::init(&path),
        Command::Plan(PlanCommand::MergePeople { merge, into, by }) => {
            plan::merge_people(&plan_path, merge.zip(into), &by, clock)
        }
        Command::Plan(PlanCommand::Join { path }) => plan::join(&paths, &path, clock),
        Command::KeepMat { session } => screens::keep_mat(&paths, &session, clock),
        Command::Screenshots { dir } => screens::screenshots(&set, &dir),
        Command::Preview {
            out,
            card,
            person,
            high_contrast,
            large_text,
        } => {
            let display = sayso::core::Display {
                high_contrast,
                large_text,
            };
            screens::preview(&set, &out, card, person.as_deref(), display)
        }
        Command::Serve {
            listen,
            https,
            cert,
            key,
        } => serve(&paths, listen, https, cert.zip(key)),
        Command::Staff(command) => staff(command, &plan_path, &data_dir, clock),
        Command::Family(command) => family(command, &plan_path, &data_dir, clock),
    }
}

/// `sayso staff …`: staff accounts of the web app.
fn staff(
    command: StaffCommand,
    plan_path: &std::path::Path,
    data_dir: &std::path::Path,
    clock: &SystemClock,
) -> anyhow::Result<()> {
    let change = |name: &str, change| accounts::change(plan_path, name, change, clock);
    match command {
        StaffCommand::Add { name } => accounts::add_staff(plan_path, data_dir, &name, clock),
        StaffCommand::List => accounts::list(plan_path, clock),
        StaffCommand::Disable { name } => change(&name, AccountChange::Disable),
        StaffCommand::Enable { name } => change(&name, AccountChange::Enable),
        StaffCommand::Manager { name, no_longer } => change(
            &name,
            if no_longer {
                AccountChange::EndManager
            } else {
                AccountChange::MakeManager
            },
        ),
        StaffCommand::SignOut { name } => change(&name, AccountChange::EndSessions),
        StaffCommand::Remove { name } => change(&name, AccountChange::Remove),
        StaffCommand::Reset { name } => accounts::reset(plan_path, data_dir, &name, clock),
    }
}

/// `sayso family …`: family accounts of the web app.
fn family(
    command: FamilyCommand,
    plan_path: &std::path::Path,
    data_dir: &std::path::Path,
    clock: &SystemClock,
) -> anyhow::Result<()> {
    match command {
        FamilyCommand::Invite {
            person,
            family_member,
        } => accounts::invite_family(plan_path, data_dir, &person, &family_member, clock),
        FamilyCommand::Remove { name } => {
            accounts::change(plan_path, &name, AccountChange::Remove, clock)
        }
        FamilyCommand::Reset { name } => accounts::reset(plan_path, data_dir, &name, clock),
    }
}

/// Where the kiosk's files are, with what the command line says instead.
fn paths_of(cli: &Cli, data_dir: &std::path::Path, set: &std::path::Path) -> KioskPaths {
    let mut paths = KioskPaths::in_data_dir(data_dir, set);
    if let Some(plan) = &cli.plan {
        paths.plan = plan.clone();
    }
    if let Some(pack) = &cli.voice_pack {
        paths.voice_pack = pack.clone();
    }
    paths.home = find_home(cli.home.clone(), data_dir, set);
    paths.keeper = std::env::current_exe().ok();
    paths
}

/// `sayso serve`: the staff web app, until it is stopped.
fn serve(
    paths: &KioskPaths,
    listen: std::net::SocketAddr,
    https: bool,
    certificate: Option<(PathBuf, PathBuf)>,
) -> anyhow::Result<()> {
    // Each passphrase check takes about 19 MiB: handed back at once.
    crate::app::return_large_allocations_at_once();
    let clock = SystemClock::new();
    sayso::web::serve(
        paths.plan.clone(),
        paths.data_dir.clone(),
        sayso::web::Listen {
            address: listen,
            https,
            certificate,
        },
        std::sync::Arc::new(move || clock.now().wall),
    )
}

/// `sayso buttons`: every press of the GPIO buttons, live, for whoever
/// wires them.
fn buttons(paths: &KioskPaths) -> anyhow::Result<()> {
    let access = AccessSettings::load(&paths.data_dir.join(ACCESS_FILE))?;
    let map = access.pins.clone();
    let pins = RppalPins::open(&map.pin_numbers())?;
    println!("Press each button; Ctrl+C to stop. Pins:");
    for (pin, role) in &map.pins {
        println!("  GPIO {pin}: {}", role.describe());
    }
    let panel = ButtonPanel::new(map.clone(), access.buttons);
    run_buttons(Box::new(pins), panel, |step| {
        for line in describe_step(&step, &map) {
            println!("{line}");
        }
    });
    Ok(())
}
