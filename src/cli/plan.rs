//! `sayso sync`, `sayso pair` and `sayso plan init|merge-people|join`: the
//! support plan from the command line.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sayso::clock::Clock;
use sayso::kiosk::KioskPaths;
use sayso::store::ports::StaffPlan;
use sayso::store::{Journal, Plan, PLAN_SCHEMA_VERSION};
use sayso::sync::{PlanTarget, SyncOptions};

/// `sayso sync [--to PLAN]`.
pub fn sync(paths: &KioskPaths, to: Option<PathBuf>, clock: &dyn Clock) -> anyhow::Result<()> {
    // A plan named on the command line is that file, even on a kiosk
    // paired with a hub.
    let plan = match to {
        Some(path) => PlanTarget::File {
            path,
            create_if_missing: false,
        },
        None => paths.plan_target(),
    };
    let journal = paths.journal();
    anyhow::ensure!(
        journal.is_file(),
        "there is no journal at {}",
        journal.display()
    );
    let options = SyncOptions {
        clock: Some(clock.since_boot()),
        files: Some(Arc::new(paths.to_share())),
        home_file: paths.home_from_hub(&plan),
        ..SyncOptions::default()
    };
    let report = sayso::sync::run(&journal, &plan, clock.now().wall, &options)?;
    println!(
        "Synced {} finished mat(s), {} card(s), into {}",
        report.sessions,
        report.placements,
        plan.describe()
    );
    if report.questions_changed {
        println!(
            "Took the house's questions from the plan: the kiosk asks them when nobody is using it"
        );
    }
    if let Some(version) = report.home_taken {
        println!("Took the home file from the hub (its version {version}): the kiosk takes it up when nobody is using it");
    }
    if report.waiting_for_clock > 0 {
        println!(
            "{} mat(s) recorded before this machine's clock was set wait for it to be set",
            report.waiting_for_clock
        );
    }
    Ok(())
}

/// `sayso plan init PATH`.
pub fn init(path: &Path) -> anyhow::Result<()> {
    Plan::create(path)?;
    println!(
        "Created an empty support plan (schema {PLAN_SCHEMA_VERSION}) at {}",
        path.display()
    );
    Ok(())
}

/// `sayso plan merge-people`: lists who may be one person twice, or with
/// `--merge` and `--into`, merges them.
pub fn merge_people(
    plan_path: &Path,
    merge: Option<(String, String)>,
    by: &str,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan_path)?;
    if let Some((from, into)) = merge {
        let moved = plan.merge_people(
            &from.as_str().into(),
            &into.as_str().into(),
            by,
            clock.now().wall,
        )?;
        println!("Merged {from} into {into}: {moved} mat(s) moved.");
        return Ok(());
    }
    let candidates = plan.merge_candidates()?;
    if candidates.is_empty() {
        println!("Nobody appears twice in {}.", plan_path.display());
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
    Ok(())
}

/// `sayso plan join PATH`.
pub fn join(paths: &KioskPaths, shared: &Path, clock: &dyn Clock) -> anyhow::Result<()> {
    anyhow::ensure!(
        !shared.to_string_lossy().starts_with("https://"),
        "a home's hub is joined by pairing with it, with a code from its Kiosks page: \
         sayso pair {} CODE",
        shared.display()
    );
    let journal = paths.journal();
    anyhow::ensure!(
        journal.is_file(),
        "there is no journal at {}",
        journal.display()
    );
    let journal = Journal::open(&journal)?;
    let mut plan = Plan::open(shared)?;
    let report = sayso::sync::join(&journal, &mut plan, clock.now().wall)?;
    println!(
        "Joined {}: {} finished mat(s) brought in. Run the kiosk with --plan {} \
         (or SAYSO_PLAN) to keep syncing there.",
        shared.display(),
        report.sessions,
        shared.display()
    );
    Ok(())
}

/// `sayso pair https://HUB:8470 CODE`: pairs this kiosk with the home's
/// hub, then brings its history there, exactly once. A kiosk whose people
/// do not match the hub's by id is not kept paired: nothing of it is sent.
pub fn pair(paths: &KioskPaths, url: &str, code: &str, clock: &dyn Clock) -> anyhow::Result<()> {
    let journal = Journal::open(&paths.journal())?;
    let joined =
        sayso::sync::hub::join_home(&paths.data_dir, &journal, url, code, None, clock.now().wall)?;
    println!("The hub's key: {}", joined.hub.key_words());
    println!("Check that the hub's Kiosks page shows the same four words.");
    println!(
        "Paired with the home's hub at {}: this kiosk now syncs with it ({} keeps its \
         address and key).",
        joined.hub.url,
        joined.saved.display()
    );
    println!(
        "{} finished mat(s) from this kiosk's journal brought in.",
        joined.report.sessions
    );
    Ok(())
}
