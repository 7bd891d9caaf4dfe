//! Checking a set the way the kiosk will use it: on disk (`sayso check`),
//! every problem with the set, its pictures, its clips and the home file,
//! each in words staff can act on; and a symbol from another app's board
//! (kept as it came, not made anew) before the picture set editor or
//! `sayso set import` takes it. The editor's own uploads are made anew by
//! sayso as they arrive, and what it shows next to each topic is
//! `core::set_edit`'s.

use std::path::{Path, PathBuf};

use super::home::{Home, HomeError};
use super::picture::{decode, decode_svg_bytes, oversized_svg, PictureError, MAX_SIDE};
use super::{load_set, pictures_of, LibraryError};
use crate::voice::ClipVoice;

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCheck {
    /// The set file checked.
    pub path: PathBuf,
    pub title: String,
    pub topics: usize,
    pub cards: usize,
    /// Each problem, in the order found: the set's, its pictures', its
    /// clips', the home file's.
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Set(#[from] LibraryError),
    #[error(transparent)]
    Home(#[from] HomeError),
}

/// Why the kiosk could not show an SVG symbol, or `None` when it can:
/// what the kiosk's own decoder says of it.
pub fn symbol_problem(svg: &[u8]) -> Option<PictureError> {
    decode_svg_bytes(svg, SYMBOL_CHECK_SIDE).err()
}

/// The side a symbol is drawn at to check it. Its effects are measured
/// against its own pixels, so the answer is the same at any size, and a
/// small one keeps an import of a few thousand symbols quick.
const SYMBOL_CHECK_SIDE: u32 = 64;

/// Checks the set at `set` (and the home file at `home`), decoding each
/// picture as the kiosk would.
pub fn check_set(set: &Path, home: Option<&Path>) -> Result<SetCheck, CheckError> {
    let loaded = load_set(set)?;
    let mut warnings: Vec<String> = loaded.set.set_aside.clone();
    warnings.extend(loaded.warnings.iter().cloned());
    // A picture that is there but cannot be shown (empty, cut short,
    // text, too big) gets the placeholder on the kiosk; say so now.
    for (what, relative) in pictures_of(&loaded.set) {
        let Ok(path) = loaded.resolve_inside(&relative) else {
            continue;
        };
        if !path.is_file() {
            continue;
        }
        if let Err(e) = decode(&path, MAX_SIDE) {
            warnings.push(format!("{what}: {relative}: {e}"));
        } else if let Some((w, h)) = oversized_svg(&path) {
            warnings.push(format!(
                "{what}: {relative}: it says it is {w}x{h} pixels; sayso draws it smaller, \
                 but an app the set is shared with may not: save it at the size it is meant \
                 to be"
            ));
        }
    }
    // A clip that is there but will not play is spoken with TTS instead;
    // say so now.
    for card in loaded.set.topics.iter().flat_map(|t| &t.cards) {
        let Some(clip) = card.clip.as_deref() else {
            continue;
        };
        let Ok(path) = loaded.resolve_inside(clip) else {
            continue;
        };
        if path.is_file() {
            if let Err(e) = ClipVoice::check(&path.to_string_lossy()) {
                warnings.push(format!("card \"{}\": {e}", card.id));
            }
        }
    }
    // The home file: every problem, with its line.
    if let Some(path) = home {
        let home = Home::load(path, &loaded.set)?;
        warnings.extend(
            home.problems
                .iter()
                .map(|problem| format!("{}: {problem}", path.display())),
        );
    }
    Ok(SetCheck {
        title: loaded.set.title.clone(),
        topics: loaded.set.topics.len(),
        cards: loaded.set.topics.iter().map(|t| t.cards.len()).sum(),
        path: loaded.path,
        warnings,
    })
}
