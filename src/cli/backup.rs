//! `sayso backup` and `sayso restore`.

use std::path::Path;

use sayso::clock::Clock;
use sayso::kiosk::KioskPaths;

/// `sayso backup DIR`.
pub fn backup(paths: &KioskPaths, into: &Path, clock: &dyn Clock) -> anyhow::Result<()> {
    let set_dir = paths.set_folder();
    let bundled = sayso::library::default_set_path();
    let sources = sayso::store::backup::Sources {
        data_dir: paths.data_dir.clone(),
        plan: paths.plan.clone(),
        set_dir: (set_dir != bundled.with_file_name("")).then_some(set_dir),
    };
    let folder = sayso::store::backup::backup(&sources, into, clock.now().wall)?;
    println!("Backed up into {}", folder.display());
    Ok(())
}

/// `sayso restore BACKUP [--overwrite]`.
pub fn restore(paths: &KioskPaths, from: &Path, overwrite: bool) -> anyhow::Result<()> {
    let targets = sayso::store::backup::Targets {
        data_dir: paths.data_dir.clone(),
        plan: paths.plan.clone(),
    };
    let restored = sayso::store::backup::restore(from, &targets, overwrite)?;
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
