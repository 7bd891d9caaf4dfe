//! The command line: what each command and flag means, as `sayso --help`
//! says it.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "sayso",
    version,
    about = "An assistive-communication kiosk: say what you think, one picture at a time."
)]
pub struct Cli {
    /// Where the journal and the support plan are kept.
    /// Default: $SAYSO_DATA_DIR, else the XDG data directory (~/.local/share/sayso).
    #[arg(long, global = true, env = "SAYSO_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The picture set to show: a set.toml file or its folder. Default: the bundled demo.
    #[arg(long, global = true, env = "SAYSO_SET", value_name = "PATH")]
    pub set: Option<PathBuf>,

    /// The support plan the kiosk syncs into and `report` reads, e.g. on a
    /// shared folder (it must exist: see `sayso plan init`).
    /// Default: plan.sqlite in the data directory, made on first use.
    #[arg(long, global = true, env = "SAYSO_PLAN", value_name = "PATH")]
    pub plan: Option<PathBuf>,

    /// The home file: the people who use the kiosk, their topics, settings
    /// and check-ins. Default: home.toml in the data directory; with neither
    /// and the demo set, the demo home; else one person with every topic.
    #[arg(long, global = true, env = "SAYSO_HOME", value_name = "PATH")]
    pub home: Option<PathBuf>,

    /// The voice pack: a folder with a pack.toml. Default: voices/en-GB.
    #[arg(long, global = true, env = "SAYSO_VOICE_PACK", value_name = "DIR")]
    pub voice_pack: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the kiosk (what `sayso` does with no subcommand).
    Run,
    /// Bring finished mats from the journal into the support plan. Safe to run any time, any number of times.
    Sync {
        /// The support plan database, which must exist (see `sayso plan init`).
        /// Default: --plan, else plan.sqlite in the data directory, made on first use.
        #[arg(long, value_name = "PATH")]
        to: Option<PathBuf>,
    },
    /// Pair this kiosk with the home's hub (`sayso serve` on another
    /// machine), with a code from the web app's Kiosks page; from then on
    /// it syncs with the hub over HTTPS. Its history goes there once.
    Pair {
        /// The hub's address, as the Kiosks page shows it: https://HOST:8470
        #[arg(value_name = "URL")]
        url: String,
        /// The pairing code (letters and digits; spaces and dashes do not matter).
        #[arg(value_name = "CODE")]
        code: String,
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
pub enum ExportCommand {
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
pub enum FamilyCommand {
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
pub enum ReportFormat {
    Table,
    Csv,
    Json,
    Pdf,
}

#[derive(Subcommand)]
pub enum StaffCommand {
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
    /// Make a staff member a home manager: they make the questions the
    /// whole house answers, and can make other staff managers.
    Manager {
        name: String,
        /// No longer a manager.
        #[arg(long)]
        no_longer: bool,
    },
    /// Remove an account for good; its browsers are signed out at once.
    Remove { name: String },
    /// Sign an account out of every browser.
    SignOut { name: String },
    /// A new one-time code for a forgotten (or known) passphrase: the old
    /// one stops working and every browser is signed out.
    Reset { name: String },
}

#[derive(Subcommand)]
pub enum SetCommand {
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
pub enum PlanCommand {
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
