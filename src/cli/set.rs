//! `sayso set import|export|import-photos` and `sayso check`: a family's
//! picture set from the command line.

use std::path::{Path, PathBuf};

use anyhow::Context;

use sayso::kiosk::KioskPaths;

/// `sayso --set SET set import FILE.obf|.obz`.
pub fn import_boards(set: Option<&Path>, file: &Path) -> anyhow::Result<()> {
    let set = set.context("give the set to add the boards to with --set")?;
    let imported = sayso::library::boards::import_into_set(file, set)?;
    for (title, cards) in &imported.topics {
        println!("Added the topic {title:?} with {cards} card(s).");
    }
    for note in &imported.notes {
        println!("  {note}");
    }
    Ok(())
}

/// `sayso set export [SET] FILE.obz`.
pub fn export_boards(set: &Path, given: &[PathBuf]) -> anyhow::Result<()> {
    let (set, out) = match given {
        [set, out] => (set.as_path(), out),
        [out] => (set, out),
        _ => anyhow::bail!("give the file to write (and the set, or --set)"),
    };
    let topics = sayso::library::boards::export_set(set, out)?;
    println!("Wrote {} with {topics} topic(s).", out.display());
    Ok(())
}

/// `sayso check`: every problem with the set, its pictures, its clips and
/// the home file, as warnings.
pub fn check(paths: &KioskPaths) -> anyhow::Result<()> {
    let found = sayso::library::check::check_set(&paths.set, paths.home.as_deref())?;
    println!(
        "{}: \"{}\", {} topic(s), {} card(s)",
        found.path.display(),
        found.title,
        found.topics,
        found.cards
    );
    for warning in &found.warnings {
        println!("warning: {warning}");
    }
    Ok(())
}

/// `sayso --set SET set import-photos DIR --topic TOPIC [--square]`.
pub fn import_photos(
    set: Option<&Path>,
    dir: &Path,
    topic: &str,
    square: bool,
) -> anyhow::Result<()> {
    let set = set.context("give the set to add the photos to with --set")?;
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
