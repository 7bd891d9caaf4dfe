//! The `sayso` command: runs the kiosk, or a staff task (sync, report, check).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use sayso::access::gpio::{describe_step, run_buttons, ButtonPanel, PinSource, RppalPins};
use sayso::access::lights::{Lights, RppalLights};
use sayso::access::settings::{AccessSettings, ACCESS_FILE};
use sayso::clock::{Clock, SystemClock};
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::library::home::find_home;
use sayso::library::{default_set_path, load_set};
use sayso::report::Format;
use sayso::store::accounts::AccountChange;
use sayso::store::{Journal, Plan, PLAN_SCHEMA_VERSION};
use sayso::voice::{ClipVoice, Speaker};

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

    /// The support plan the kiosk syncs into and `report` reads, e.g. on a
    /// shared folder (it must exist: see `sayso plan init`).
    /// Default: plan.sqlite in the data directory, made on first use.
    #[arg(long, global = true, env = "SAYSO_PLAN", value_name = "PATH")]
    plan: Option<PathBuf>,

    /// The home file: the people who use the kiosk, their topics, settings
    /// and check-ins. Default: home.toml in the data directory; with neither
    /// and the demo set, the demo home; else one person with every topic.
    #[arg(long, global = true, env = "SAYSO_HOME", value_name = "PATH")]
    home: Option<PathBuf>,

    /// The voice pack: a folder with a pack.toml. Default: voices/en-GB.
    #[arg(long, global = true, env = "SAYSO_VOICE_PACK", value_name = "DIR")]
    voice_pack: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the kiosk (what `sayso` does with no subcommand).
    Run,
    /// Bring finished mats from the journal into the support plan. Safe to run any time, any number of times.
    Sync {
        /// The support plan database, which must exist (see `sayso plan init`).
        /// Default: --plan, else plan.sqlite in the data directory, made on first use.
        #[arg(long, value_name = "PATH")]
        to: Option<PathBuf>,
    },
    /// Copy the journal, the support plan, the settings, the kept mats and
    /// the picture set into a new folder inside DIR (a USB stick, a share),
    /// with a manifest and checksums. Safe while the kiosk runs.
    Backup {
        #[arg(value_name = "DIR")]
        into: PathBuf,
    },
    /// Put a backup (a folder `sayso backup` made) back into the data
    /// directory: on a new device, or after a damaged SD card. Stop the
    /// kiosk first.
    Restore {
        #[arg(value_name = "BACKUP")]
        from: PathBuf,
        /// Replace the mats this device has already.
        #[arg(long)]
        overwrite: bool,
    },
    /// Show each person's views as they stand in the support plan.
    Report {
        /// Only this person (by name); needed for a PDF.
        #[arg(long)]
        person: Option<String>,
        /// A table for people, CSV or JSON for a spreadsheet or another
        /// tool, or the review-meeting report as a PDF.
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// The PDF's first day (YYYY-MM-DD). Default: three months before --to.
        #[arg(long, value_name = "DATE")]
        from: Option<chrono::NaiveDate>,
        /// The PDF's last day (YYYY-MM-DD). Default: today.
        #[arg(long, value_name = "DATE")]
        to: Option<chrono::NaiveDate>,
        /// Where to write the PDF. Default: NAME-review-FROM-TO.pdf here.
        #[arg(long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
    /// Export this device's journal for other tools.
    #[command(subcommand)]
    Export(ExportCommand),
    /// The support plan as a FHIR R4 Bundle (JSON), for a care-record
    /// system: an Observation per current view, a QuestionnaireResponse per
    /// mat, a Provenance per staff verdict.
    Fhir {
        /// Only this person (by name).
        #[arg(long)]
        person: Option<String>,
    },
    /// The support plan database itself.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Change a picture set (the one given with --set).
    #[command(subcommand)]
    Set(SetCommand),
    /// Check a picture set and list every problem found in it.
    Check,
    /// Draw the picture of a finished mat into the data directory and link it
    /// from the journal (the next sync takes it into the support plan). The
    /// kiosk runs this itself when a mat is finished.
    KeepMat { session: String },
    /// Draw every screen at 800x480, 720x1280 and 1920x1080, in the standard
    /// and high-contrast themes, as PNG files in DIR: with the demo set, or
    /// the set given with --set, to see how a family's pictures look.
    Screenshots { dir: PathBuf },
    /// Draw the mat of the set's first topic at 800x480, as the kiosk
    /// shows it, with the card numbered --card (from 0) on offer and the
    /// ones before it placed, into the PNG file OUT: the web app's preview
    /// of a family's set.
    Preview {
        out: PathBuf,
        #[arg(long, default_value_t = 0)]
        card: usize,
        /// The person's name, shown in the top bar.
        #[arg(long)]
        person: Option<String>,
        /// Drawn in high contrast, as the person sees it.
        #[arg(long)]
        high_contrast: bool,
        /// Drawn with large text, as the person sees it.
        #[arg(long)]
        large_text: bool,
    },
    /// Show every press of the GPIO buttons live, with its pin, its timing and
    /// whether the timing filter accepted it: for whoever wires the buttons.
    Buttons,
    /// Run the staff web app over the support plan (--plan, else the data
    /// directory's). On this machine only (127.0.0.1) unless another address
    /// is given, and then over HTTPS.
    Serve {
        /// The address and port to listen on; e.g. 0.0.0.0:8470 for the
        /// home's network (HTTPS).
        #[arg(long, default_value = sayso::web::DEFAULT_LISTEN, value_name = "ADDR:PORT")]
        listen: std::net::SocketAddr,
        /// HTTPS on this machine's own address too.
        #[arg(long)]
        https: bool,
        /// A certificate (PEM) of your own, instead of one made for this machine.
        #[arg(long, requires = "key", value_name = "PATH")]
        cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "cert", value_name = "PATH")]
        key: Option<PathBuf>,
    },
    /// Staff accounts of the web app.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Family accounts of the web app.
    #[command(subcommand)]
    Family(FamilyCommand),
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Every finished mat in the journal as an Open Board Logging file
    /// (.obl): a session a mat, an event for each card placed, skipped or
    /// taken back. People appear by their ids only.
    Obl {
        /// Where to write it. Default: sayso-journal.obl here.
        #[arg(long, value_name = "PATH", default_value = "sayso-journal.obl")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum FamilyCommand {
    /// Invite a family member to make PERSON's picture sets: makes their
    /// account and prints a one-time link (also as a QR code to scan with a
    /// phone) and code, valid for 7 days. They see none of PERSON's views
    /// unless staff share them.
    Invite {
        /// The person (by name, as in the support plan, or by id).
        person: String,
        /// The family member's name, which they sign in with, e.g. "Sam's mum".
        #[arg(long = "name", value_name = "NAME")]
        family_member: String,
    },
    /// Remove a family member's account; they are signed out at once.
    Remove { name: String },
    /// A new one-time code for a family member's forgotten passphrase.
    Reset { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Table,
    Csv,
    Json,
    Pdf,
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Make an account and print its one-time set-up code and link (valid
    /// for 7 days). The person chooses their own passphrase with it; there
    /// is no default password.
    Add {
        /// The name they sign in with (as they are known at work).
        name: String,
    },
    /// List the accounts.
    List,
    /// Turn an account off (an agency worker whose week is over): it signs
    /// in nowhere, its PIN opens no kiosk, its browsers are signed out.
    Disable { name: String },
    /// Turn an account that was turned off on again.
    Enable { name: String },
    /// Remove an account for good; its browsers are signed out at once.
    Remove { name: String },
    /// Sign an account out of every browser.
    SignOut { name: String },
    /// A new one-time code for a forgotten (or known) passphrase: the old
    /// one stops working and every browser is signed out.
    Reset { name: String },
}

#[derive(Subcommand)]
enum SetCommand {
    /// Add the boards of an Open Board Format file (.obf or .obz, as Cboard,
    /// CoughDrop, AsTeRICS Grid and other AAC apps export them) to the set
    /// given with --set, each board as a topic and each button as a card,
    /// with its picture and sound.
    Import { file: PathBuf },
    /// Write a set out as an .obz package other AAC apps open: `sayso set
    /// export SET FILE.obz`, or `sayso --set SET set export FILE.obz`.
    #[command(arg_required_else_help = true)]
    Export {
        /// [SET] FILE.obz
        #[arg(num_args = 1..=2, value_name = "SET FILE.obz")]
        paths: Vec<PathBuf>,
    },
    /// Make a card of each photo in DIR (JPEG, PNG or WebP), in the topic
    /// TOPIC (made if the set has none): turned upright, scaled for the
    /// kiosk, stripped of their location and other metadata, labelled from
    /// their file names (edit the labels in set.toml after).
    ImportPhotos {
        dir: PathBuf,
        /// The topic's id, e.g. food.
        #[arg(long)]
        topic: String,
        /// Keep only the middle square of each photo.
        #[arg(long)]
        square: bool,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Create an empty support plan, e.g. on a shared folder for several devices.
    Init {
        /// Where to create it. An existing file is never overwritten.
        path: PathBuf,
    },
    /// List people who may be one person twice (the same name under more
    /// than one id); with --merge and --into, merge them, keeping every
    /// piece of evidence. Never done without being asked.
    MergePeople {
        /// The id of the person to merge away.
        #[arg(long, requires = "into")]
        merge: Option<String>,
        /// The id of the person to keep.
        #[arg(long, requires = "merge")]
        into: Option<String>,
        /// Who is doing it, for the audit log.
        #[arg(long, default_value = "staff")]
        by: String,
    },
    /// Join a shared plan after using a plan of this device's own: the
    /// device moves to the shared plan's home and brings its history along,
    /// exactly once. Its people must match the plan's by id.
    Join {
        /// The shared plan, which must exist.
        path: PathBuf,
    },
}

fn main() -> ExitCode {
    start_logging();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sayso: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A picture is decoded whole before it is scaled down for the screen.
/// glibc's allocator raises its threshold for handing large blocks back to
/// the system each time one is freed, so after the first few pictures those
/// megabytes stay with the kiosk for good; a fixed threshold gives them back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_allocations_at_once() {
    // SAFETY: mallopt only changes the allocator's tuning; called before the
    // kiosk starts its threads.
    let set = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024) };
    if set != 1 {
        tracing::debug!("the allocator's threshold was not changed");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_allocations_at_once() {}

/// Where the web app answers people on the home's network, as this
/// device's `web.toml` says; else this machine's own address.
/// Where the web app of this data directory is reached (its `web.toml`),
/// as links are given to people.
fn web_address(data_dir: &Path) -> sayso::web::Reach {
    let settings =
        sayso::web::settings::WebSettings::load(&data_dir.join(sayso::web::settings::WEB_FILE))
            .unwrap_or_default();
    let listen = settings.listen();
    let scheme = if listen.uses_https() { "https" } else { "http" };
    let serving = sayso::web::Serving {
        url: format!("{scheme}://{}", listen.address),
        fingerprint: None,
    };
    sayso::web::Reach::of(&serving, listen.address)
}

/// A set-up link for `code`, and on a web app that answers on this machine
/// only, what to run so that a phone can open it.
/// `sayso staff disable|enable|remove|sign-out`, `sayso family remove`.
fn change_account(
    plan: &Path,
    name: &str,
    change: AccountChange,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan)?;
    plan.change_account(name, change, "sayso (command line)", clock.now().wall)?
        .map_err(anyhow::Error::new)?;
    let done = match change {
        AccountChange::Disable => "turned off and signed out",
        AccountChange::Enable => "turned on again",
        AccountChange::Remove => "removed and signed out",
        AccountChange::EndSessions => "signed out of every browser",
    };
    println!("{}: {done}.", name.trim());
    Ok(())
}

fn print_setup_link(data_dir: &Path, code: &str) {
    match web_address(data_dir) {
        sayso::web::Reach::Network { url } => println!("  {url}/setup?code={code}"),
        sayso::web::Reach::ThisMachineOnly { url } => {
            println!("  {url}/setup?code={code}");
            println!(
                "  (the web app answers on this machine only: a phone cannot open this link \
                 until it serves the home's network: {})",
                sayso::web::SERVE_THE_HOME
            );
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
    let chosen_set = cli.set.clone();
    let set = cli.set.unwrap_or_else(default_set_path);
    let mut paths = KioskPaths::in_data_dir(&data_dir, &set);
    if let Some(plan) = cli.plan {
        paths.plan = plan;
    }
    if let Some(pack) = cli.voice_pack {
        paths.voice_pack = pack;
    }
    paths.home = find_home(cli.home, &data_dir, &set);
    paths.keeper = std::env::current_exe().ok();
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            return_large_allocations_at_once();
            let opened = Kiosk::open(
                paths.clone(),
                Box::new(Speaker::start()),
                Box::new(SystemClock::new()),
            );
            let mut kiosk = match opened {
                Ok(kiosk) => kiosk,
                Err(e) => return cannot_start(&e, &paths.set),
            };
            if let Some(leds) = kiosk.access().leds.clone() {
                match RppalLights::open(&leds.pin_numbers()) {
                    Ok(outputs) => kiosk.attach_lights(Lights::new(leds, Box::new(outputs))),
                    Err(e) => tracing::warn!("button lights: {e}"),
                }
            }
            let map = kiosk.access().pins.clone();
            let buttons = match RppalPins::open(&map.pin_numbers()) {
                Ok(pins) => {
                    tracing::info!("GPIO buttons on pins {:?}", map.pin_numbers());
                    let panel = ButtonPanel::new(map, kiosk.access().buttons);
                    Some((Box::new(pins) as Box<dyn PinSource>, panel))
                }
                Err(e) => {
                    let model = sayso::access::gpio::machine_model();
                    match sayso::access::gpio::buttons_problem(model.as_deref(), &e) {
                        Some(problem) => {
                            tracing::warn!("{e}; the kiosk runs without GPIO buttons");
                            kiosk.problem(problem);
                        }
                        None => tracing::info!("{e}; the kiosk runs without GPIO buttons"),
                    }
                    None
                }
            };
            serve_staff_pages(&mut kiosk, &paths);
            if sayso::ui::draws_without_desktop() {
                let devices = std::path::Path::new(sayso::access::devices::INPUT_DIR);
                if let Some(problem) = sayso::access::devices::input_problem(devices) {
                    tracing::warn!("{problem}");
                    kiosk.problem(problem);
                }
            }
            kiosk.connect_power(Box::new(sayso::kiosk::SystemPower));
            let desktop = sayso::ui::screen::has_desktop();
            let screen_device =
                sayso::ui::screen::has_screen_device(&sayso::ui::screen::device_dir());
            let said_plainly = sayso::ui::screen::no_screen_said_plainly(desktop, screen_device);
            if cfg!(target_os = "linux") && !desktop && !screen_device {
                // Nowhere Slint could draw: say so rather than let it try.
                anyhow::bail!(said_plainly);
            }
            sayso::ui::run(kiosk, buttons).context(said_plainly)
        }
        Command::Buttons => {
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
        Command::Sync { to } => {
            if let Some(to) = to {
                paths.plan = to;
            }
            let plan = paths.plan_target();
            let journal = paths.journal();
            anyhow::ensure!(
                journal.is_file(),
                "there is no journal at {}",
                journal.display()
            );
            let report = sayso::kiosk::sync_and_report(
                &journal,
                &plan,
                chrono::Utc::now(),
                None,
                Some(&paths.to_share()),
                Some(sayso::clock::Clock::since_boot(&SystemClock::new())),
            )?;
            println!(
                "Synced {} finished mat(s), {} card(s), into {}",
                report.sessions,
                report.placements,
                plan.path.display()
            );
            if report.waiting_for_clock > 0 {
                println!(
                    "{} mat(s) recorded before this machine's clock was set wait for it to be set",
                    report.waiting_for_clock
                );
            }
            Ok(())
        }
        Command::Backup { into } => {
            let set_dir = paths.set_folder();
            let bundled = sayso::library::default_set_path();
            let sources = sayso::store::backup::Sources {
                data_dir: paths.data_dir.clone(),
                plan: paths.plan.clone(),
                set_dir: (set_dir != bundled.with_file_name("")).then_some(set_dir),
            };
            let folder = sayso::store::backup::backup(&sources, &into, chrono::Utc::now())?;
            println!("Backed up into {}", folder.display());
            Ok(())
        }
        Command::Restore { from, overwrite } => {
            let targets = sayso::store::backup::Targets {
                data_dir: paths.data_dir.clone(),
                plan: paths.plan.clone(),
            };
            let restored = sayso::store::backup::restore(&from, &targets, overwrite)?;
            println!(
                "Restored the backup of {} ({} files) into {}",
                restored.manifest.made_at.format("%-d %b %Y %H:%M UTC"),
                restored.manifest.files.len(),
                paths.data_dir.display()
            );
            if let Some(set) = restored.set_dir {
                println!(
                    "Its picture set is in {}: start sayso with --set {}",
                    set.display(),
                    set.display()
                );
            }
            Ok(())
        }
        Command::Report {
            person,
            format,
            from,
            to,
            output,
        } => {
            let text = match format {
                ReportFormat::Table => Format::Table,
                ReportFormat::Csv => Format::Csv,
                ReportFormat::Json => Format::Json,
                ReportFormat::Pdf => {
                    let name = person
                        .as_deref()
                        .context("a PDF report is about one person: give --person NAME")?;
                    return review_pdf(&paths, name, from, to, output);
                }
            };
            report(&paths.plan, person.as_deref(), text)
        }
        Command::Fhir { person } => fhir(&paths.plan, person.as_deref()),
        Command::Set(SetCommand::Import { file }) => {
            let set = chosen_set.context("give the set to add the boards to with --set")?;
            let imported = sayso::library::boards::import_into_set(&file, &set)?;
            for (title, cards) in &imported.topics {
                println!("Added the topic {title:?} with {cards} card(s).");
            }
            for note in &imported.notes {
                println!("  {note}");
            }
            Ok(())
        }
        Command::Set(SetCommand::Export { paths: given }) => {
            let (set, out) = match given.as_slice() {
                [set, out] => (set.clone(), out.clone()),
                [out] => (set.clone(), out.clone()),
                _ => anyhow::bail!("give the file to write (and the set, or --set)"),
            };
            let topics = sayso::library::boards::export_set(&set, &out)?;
            println!("Wrote {} with {topics} topic(s).", out.display());
            Ok(())
        }
        Command::Set(SetCommand::ImportPhotos { dir, topic, square }) => {
            let set = chosen_set.context("give the set to add the photos to with --set")?;
            import_photos(&set, &dir, &topic, square)
        }
        Command::Plan(PlanCommand::Init { path }) => {
            Plan::create(&path)?;
            println!(
                "Created an empty support plan (schema {PLAN_SCHEMA_VERSION}) at {}",
                path.display()
            );
            Ok(())
        }
        Command::Plan(PlanCommand::MergePeople { merge, into, by }) => {
            let mut plan = Plan::open(&paths.plan)?;
            match (merge, into) {
                (Some(from), Some(into)) => {
                    let moved = plan.merge_people(
                        &from.as_str().into(),
                        &into.as_str().into(),
                        &by,
                        chrono::Utc::now(),
                    )?;
                    println!("Merged {from} into {into}: {moved} mat(s) moved.");
                }
                _ => {
                    let candidates = plan.merge_candidates()?;
                    if candidates.is_empty() {
                        println!("Nobody appears twice in {}.", paths.plan.display());
                    }
                    for candidate in candidates {
                        let ids = &candidate.ids;
                        println!("{}:", candidate.name);
                        for (id, mats) in ids {
                            println!("  {id}  ({mats} mat(s))");
                        }
                        println!(
                            "  to merge: sayso plan merge-people --merge {} --into {}",
                            ids[1].0, ids[0].0
                        );
                    }
                }
            }
            Ok(())
        }
        Command::Plan(PlanCommand::Join { path }) => {
            let journal = paths.journal();
            anyhow::ensure!(
                journal.is_file(),
                "there is no journal at {}",
                journal.display()
            );
            let journal = Journal::open(&journal)?;
            let mut plan = Plan::open(&path)?;
            let report = sayso::store::join(&journal, &mut plan, chrono::Utc::now())?;
            println!(
                "Joined {}: {} finished mat(s) brought in. Run the kiosk with --plan {} \
                 (or SAYSO_PLAN) to keep syncing there.",
                path.display(),
                report.sessions,
                path.display()
            );
            Ok(())
        }
        Command::KeepMat { session } => {
            sayso::ui::screenshots::use_offscreen_platform()?;
            let set = load_set(&set)?;
            let journal = Journal::open(&paths.journal())?;
            let now = chrono::Utc::now();
            let path = sayso::ui::kept_mat::keep(&paths.data_dir, &journal, &set, &session, now)?;
            println!("kept {}", path.display());
            // The kiosk's next sync carries the picture into the plan: one
            // writer to the plan per device.
            Ok(())
        }
        Command::Serve {
            listen,
            https,
            cert,
            key,
        } => {
            // Each passphrase check takes about 19 MiB: handed back at once.
            return_large_allocations_at_once();
            sayso::web::serve(
                paths.plan.clone(),
                paths.data_dir.clone(),
                sayso::web::Listen {
                    address: listen,
                    https,
                    certificate: cert.zip(key),
                },
                {
                    let clock = SystemClock::new();
                    std::sync::Arc::new(move || clock.now().wall)
                },
            )
        }
        Command::Staff(StaffCommand::Add { name }) => {
            let mut plan = Plan::open(&paths.plan)?;
            let code = plan
                .add_account(
                    &name,
                    sayso::store::accounts::Role::Staff,
                    None,
                    "sayso staff add",
                    chrono::Utc::now(),
                )?
                .map_err(anyhow::Error::new)?;
            println!(
                "Account {} made. To set a passphrase, within 7 days:",
                name.trim()
            );
            println!("  set-up code: {code}");
            println!("  or open:");
            print_setup_link(&data_dir, &code);
            Ok(())
        }
        Command::Family(FamilyCommand::Invite {
            person,
            family_member,
        }) => {
            let mut plan = Plan::open(&paths.plan)?;
            let people = plan.people()?;
            let wanted = person.trim();
            let found: Vec<_> = people
                .iter()
                .filter(|p| p.id.as_str() == wanted || p.name.eq_ignore_ascii_case(wanted))
                .collect();
            let person = match found[..] {
                [one] => one.clone(),
                [] => anyhow::bail!(
                    "nobody called {wanted} is in the support plan (people: {})",
                    people
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => anyhow::bail!("more than one person is called {wanted}: give their id"),
            };
            let code = plan
                .add_account(
                    &family_member,
                    sayso::store::accounts::Role::Family,
                    Some(&person.id),
                    "sayso family invite",
                    chrono::Utc::now(),
                )?
                .map_err(anyhow::Error::new)?;
            let link = match web_address(&data_dir) {
                sayso::web::Reach::Network { url } | sayso::web::Reach::ThisMachineOnly { url } => {
                    format!("{url}/setup?code={code}")
                }
            };
            println!(
                "{} can now make {}'s picture sets. Within 7 days, they open this link \
                 (or scan the code) and choose a passphrase:",
                family_member.trim(),
                person.name
            );
            print_setup_link(&data_dir, &code);
            println!("  set-up code: {code}");
            println!("{}", sayso::web::invite::qr_for_terminal(&link));
            Ok(())
        }
        Command::Staff(StaffCommand::List) => {
            let plan = Plan::open(&paths.plan)?;
            for summary in plan.account_summaries(SystemClock::new().now().wall)? {
                let state = if summary.disabled_at.is_some() {
                    ", turned off"
                } else if !summary.set_up {
                    ", waiting for its code"
                } else {
                    ""
                };
                println!(
                    "{} ({}{state})",
                    summary.account.name,
                    summary.account.role.as_str()
                );
            }
            Ok(())
        }
        Command::Staff(StaffCommand::Disable { name }) => change_account(
            &paths.plan,
            &name,
            AccountChange::Disable,
            &SystemClock::new(),
        ),
        Command::Staff(StaffCommand::Enable { name }) => change_account(
            &paths.plan,
            &name,
            AccountChange::Enable,
            &SystemClock::new(),
        ),
        Command::Staff(StaffCommand::SignOut { name }) => change_account(
            &paths.plan,
            &name,
            AccountChange::EndSessions,
            &SystemClock::new(),
        ),
        Command::Staff(StaffCommand::Remove { name })
        | Command::Family(FamilyCommand::Remove { name }) => change_account(
            &paths.plan,
            &name,
            AccountChange::Remove,
            &SystemClock::new(),
        ),
        Command::Staff(StaffCommand::Reset { ref name })
        | Command::Family(FamilyCommand::Reset { ref name }) => {
            let mut plan = Plan::open(&paths.plan)?;
            let code = plan
                .reset_passphrase(name, "sayso (command line)", SystemClock::new().now().wall)?
                .map_err(anyhow::Error::new)?;
            println!(
                "{}'s passphrase no longer works and every browser is signed out. \
                 To choose a new one, within 7 days:",
                name.trim()
            );
            println!("  set-up code: {code}");
            println!("  or open:");
            print_setup_link(&data_dir, &code);
            Ok(())
        }
        Command::Screenshots { dir } => {
            sayso::ui::screenshots::use_offscreen_platform()?;
            let written = sayso::ui::screenshots::render_all(&dir, &set)?;
            println!("{} screen(s) drawn in {}", written.len(), dir.display());
            Ok(())
        }
        Command::Export(ExportCommand::Obl { out }) => {
            let journal = Journal::open(&paths.journal())?;
            let mut mats = Vec::new();
            for id in journal.finished_session_ids()? {
                mats.extend(journal.finished_session(id.as_str())?);
            }
            let log = sayso::report::obl::log(&mats);
            let text = serde_json::to_vec_pretty(&log)?;
            sayso::library::set_file::write_whole(&out, &text)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("Wrote {} mat(s) to {}", mats.len(), out.display());
            Ok(())
        }
        Command::Preview {
            out,
            card,
            person,
            high_contrast,
            large_text,
        } => {
            sayso::ui::screenshots::use_offscreen_platform()?;
            let display = sayso::core::Display {
                high_contrast,
                large_text,
            };
            sayso::ui::screenshots::render_preview(&set, person.as_deref(), display, card, &out)
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
            for problem in &loaded.set.set_aside {
                println!("warning: {problem}");
            }
            for warning in &loaded.warnings {
                println!("warning: {warning}");
            }
            // A picture that is there but cannot be shown (empty, cut short,
            // text, too big) gets the placeholder on the kiosk; say so now.
            for (what, relative) in sayso::library::pictures_of(&loaded.set) {
                let Ok(path) = loaded.resolve_inside(&relative) else {
                    continue;
                };
                if path.is_file() {
                    if let Err(e) =
                        sayso::ui::pictures::decode(&path, sayso::ui::pictures::MAX_SIDE)
                    {
                        println!("warning: {what}: {relative}: {e}");
                    } else if let Some((w, h)) = sayso::library::picture::oversized_svg(&path) {
                        println!(
                            "warning: {what}: {relative}: it says it is {w}x{h} pixels; \
                             sayso draws it smaller, but an app the set is shared with may \
                             not: save it at the size it is meant to be"
                        );
                    }
                }
            }
            // A clip that is there but will not play is spoken with TTS instead; say so now.
            for card in loaded.set.topics.iter().flat_map(|t| &t.cards) {
                let Some(clip) = card.clip.as_deref() else {
                    continue;
                };
                let Ok(path) = loaded.resolve_inside(clip) else {
                    continue;
                };
                if path.is_file() {
                    if let Err(e) = ClipVoice::check(&path.to_string_lossy()) {
                        println!("warning: card \"{}\": {e}", card.id);
                    }
                }
            }
            // The home file: every problem, with its line.
            if let Some(path) = &paths.home {
                let home = sayso::library::home::Home::load(path, &loaded.set)?;
                for problem in &home.problems {
                    println!("warning: {}: {problem}", path.display());
                }
            }
            Ok(())
        }
    }
}

/// The kiosk cannot start: staff see why on the screen (not a restart loop
/// behind a blank one), and the kiosk starts afresh by itself once the set
/// is mended.
fn cannot_start(problem: &anyhow::Error, set: &Path) -> anyhow::Result<()> {
    tracing::error!("the kiosk cannot start; the reason is on its screen");
    let set = set.to_path_buf();
    let mended = move || load_set(&set).is_ok_and(|loaded| !loaded.set.topics.is_empty());
    match sayso::ui::show_cannot_start(&format!("{problem:#}"), mended) {
        Ok(true) => {
            // Start again as a new process, on the mended set.
            use std::os::unix::process::CommandExt;
            let exe = std::env::current_exe()?;
            Err(std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .exec())
            .context("cannot start the kiosk again")
        }
        // Closed, or no screen to show it on either: say it here.
        Ok(false) | Err(_) => Err(anyhow::anyhow!("{problem:#}")),
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

fn import_photos(set: &Path, dir: &Path, topic: &str, square: bool) -> anyhow::Result<()> {
    use sayso::library::import::{self, ImportError};
    use sayso::library::photo::Framing;
    let set_file = if set.is_dir() {
        set.join(sayso::library::SET_FILE)
    } else {
        set.to_path_buf()
    };
    let photos = import::photos_in(dir)?;
    let bar = indicatif::ProgressBar::new(photos.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} photos  {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let framing = if square {
        Framing::Square
    } else {
        Framing::AsTaken
    };
    let imported = import::import_photos(&set_file, topic, &photos, framing, |done| {
        bar.set_message(
            done.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        );
        bar.inc(1);
    });
    bar.finish_and_clear();
    let report = match imported {
        Ok(report) => report,
        Err(ImportError::NoneUsable(report)) => {
            for (path, why) in &report.refused {
                eprintln!("{}: {why}", path.display());
            }
            anyhow::bail!("none of the photos could be used, so the set was left as it was");
        }
        Err(e) => return Err(e.into()),
    };
    let cards = match report.added.len() {
        1 => "1 card".to_string(),
        n => format!("{n} cards"),
    };
    println!(
        "Added {cards} to the topic \"{topic}\"{} in {}.",
        if report.new_topic {
            " (a new topic)"
        } else {
            ""
        },
        set_file.display()
    );
    if !report.refused.is_empty() {
        match report.refused.len() {
            1 => println!("1 photo was left out:"),
            n => println!("{n} photos were left out:"),
        }
        for (path, why) in &report.refused {
            println!("  {}: {why}", path.display());
        }
    }
    Ok(())
}

/// The staff web app beside the kiosk, when `web.toml` turns it on; staff
/// turn it on or off on the kiosk's staff screen. A problem with it is the
/// staff's to see; the person's mat goes on.
fn serve_staff_pages(kiosk: &mut Kiosk, paths: &KioskPaths) {
    use sayso::web::settings::WEB_FILE;
    let mut web = sayso::web::KioskWebApp::new(
        paths.plan.clone(),
        paths.data_dir.clone(),
        std::sync::Arc::new(chrono::Utc::now),
    );
    match web.start_if_enabled() {
        Ok(Some(address)) => {
            kiosk.serving_staff_pages(address);
            if let Some(problem) = sayso::kiosk::StaffPages::network_problem(&web) {
                kiosk.problem(problem);
            }
        }
        Ok(None) => {}
        Err(e) => {
            tracing::warn!("the staff web app cannot start: {e:#}");
            kiosk.problem(format!("Staff web app not started ({WEB_FILE}): {e:#}"));
        }
    }
    kiosk.connect_staff_pages(Box::new(web));
}

fn review_pdf(
    paths: &KioskPaths,
    name: &str,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(&paths.plan).context("cannot report")?;
    plan.check_integrity().context("cannot report")?;
    let person = sayso::store::staff::StaffPlan::people(&plan)?
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .with_context(|| format!("there is nobody called {name} in {}", paths.plan.display()))?;
    let to = to.unwrap_or_else(|| chrono::Local::now().date_naive());
    let from = from.unwrap_or(to - chrono::Months::new(3));
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

fn fhir(plan_path: &Path, person: Option<&str>) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan_path).context("cannot export")?;
    plan.check_integrity().context("cannot export")?;
    let people: Vec<_> = sayso::store::staff::StaffPlan::people(&plan)?
        .into_iter()
        .filter(|p| person.is_none_or(|name| p.name.eq_ignore_ascii_case(name)))
        .collect();
    if let Some(name) = person {
        anyhow::ensure!(
            !people.is_empty(),
            "there is nobody called {name} in {}",
            plan_path.display()
        );
    }
    let bundle = sayso::report::fhir::bundle(&plan, &people, chrono::Utc::now())?;
    println!("{}", serde_json::to_string_pretty(&bundle)?);
    Ok(())
}

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
