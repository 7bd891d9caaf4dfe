//! `sayso screenshots`, `sayso preview` and `sayso keep-mat`: the kiosk's
//! screens drawn into PNG files, with no window.

use std::path::Path;

use sayso::clock::Clock;
use sayso::kiosk::KioskPaths;
use sayso::library::load_set;
use sayso::store::Journal;

/// `sayso screenshots DIR`.
pub fn screenshots(set: &Path, dir: &Path) -> anyhow::Result<()> {
    sayso::ui::screenshots::use_offscreen_platform()?;
    let written = sayso::ui::screenshots::render_all(dir, set)?;
    println!("{} screen(s) drawn in {}", written.len(), dir.display());
    Ok(())
}

/// `sayso preview OUT`: the web app's preview of a family's set.
pub fn preview(
    set: &Path,
    out: &Path,
    card: usize,
    person: Option<&str>,
    display: sayso::core::Display,
) -> anyhow::Result<()> {
    sayso::ui::screenshots::use_offscreen_platform()?;
    sayso::ui::screenshots::render_preview(set, person, display, card, out)
}

/// `sayso keep-mat SESSION`.
pub fn keep_mat(paths: &KioskPaths, session: &str, clock: &dyn Clock) -> anyhow::Result<()> {
    sayso::ui::screenshots::use_offscreen_platform()?;
    let set = load_set(&paths.set)?;
    let journal = Journal::open(&paths.journal())?;
    let path =
        sayso::ui::kept_mat::keep(&paths.data_dir, &journal, &set, session, clock.now().wall)?;
    println!("kept {}", path.display());
    // The kiosk's next sync carries the picture into the plan: one writer
    // to the plan per device.
    Ok(())
}
