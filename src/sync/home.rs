//! The home file down from the home's hub: the people, their settings and
//! check-ins, the same on every kiosk of the home. A kiosk takes the
//! newest version whole (its photos first, each checked against its hash,
//! then the file, written under a temporary name and renamed), and only
//! when it keeps everyone who they are: every person with an id, and
//! nobody this kiosk's journal knows under another id. Its own home file
//! from before the hub is kept beside it, once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tracing::{info, warn};

use crate::library::home::people_in;
use crate::library::home_for_kiosks::{photo_entries, HOME_PHOTOS_DIR};
use crate::library::set_file::write_whole;
use crate::store::ports::device::HomeSettings;
use crate::store::{DevicePlan, Journal, StoreError};

/// Where a kiosk keeps the home file it had before it took the hub's.
pub const BEFORE_HUB_FILE: &str = "home.before-hub.toml";

/// How the staff line begins when the hub's home file is not taken; it
/// goes once a version is taken up.
pub const HOME_NOT_TAKEN: &str = "Home file from the hub not taken";

/// What became of the hub's home file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeTaken {
    /// The hub gives none, or the kiosk has it already.
    Unchanged,
    /// This version is the kiosk's home file now.
    Taken { version: i64 },
    /// Not taken, and why, for the staff line (no names).
    Refused(String),
}

#[derive(Debug, thiserror::Error)]
pub enum TakeHomeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("a photo of the home file did not come whole from the hub: taken at the next sync")]
    PhotoNotWhole,
}

/// Takes the newest home file of `plan` into `home_file` (the kiosk's
/// `home.toml`), its photos into `home-photos/` beside it.
pub fn take_newest(
    plan: &dyn DevicePlan,
    home_file: &Path,
    journal: &Journal,
) -> Result<HomeTaken, TakeHomeError> {
    let Some(newest) = plan.newest_home()? else {
        return Ok(HomeTaken::Unchanged);
    };
    if std::fs::read_to_string(home_file).is_ok_and(|text| text == newest.home_toml) {
        return Ok(HomeTaken::Unchanged);
    }
    if let Some(refused) = refusal(&newest, journal) {
        warn!(
            version = newest.version,
            "the hub's home file is not taken; see the staff line"
        );
        return Ok(HomeTaken::Refused(refused));
    }
    let folder = home_file.parent().unwrap_or(Path::new("."));
    let photos_dir = folder.join(HOME_PHOTOS_DIR);
    let writing = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| TakeHomeError::Write { path, cause }
    };
    std::fs::create_dir_all(&photos_dir).map_err(writing(&photos_dir))?;
    for (hash, name) in photo_names(&newest.home_toml) {
        let path = folder.join(&name);
        if path.is_file() {
            continue;
        }
        let bytes = plan
            .home_photo(&hash)?
            .filter(|bytes| crate::store::hex(&Sha256::digest(bytes)) == hash)
            .ok_or(TakeHomeError::PhotoNotWhole)?;
        write_whole(&path, &bytes).map_err(writing(&path))?;
    }
    let before_hub = folder.join(BEFORE_HUB_FILE);
    if home_file.is_file() && !before_hub.exists() {
        let own = std::fs::read(home_file).map_err(writing(home_file))?;
        write_whole(&before_hub, &own).map_err(writing(&before_hub))?;
    }
    write_whole(home_file, newest.home_toml.as_bytes()).map_err(writing(home_file))?;
    forget_other_photos(&photos_dir, &newest.home_toml);
    info!(version = newest.version, "the hub's home file taken");
    Ok(HomeTaken::Taken {
        version: newest.version,
    })
}

/// Why a home file must not be taken, if it must not.
fn refusal(newest: &HomeSettings, journal: &Journal) -> Option<String> {
    let people = match people_in(&newest.home_toml) {
        Ok(people) => people,
        Err(e) => return Some(format!("{HOME_NOT_TAKEN}: {e}")),
    };
    let without_ids = people.iter().filter(|(id, _)| id.is_none()).count();
    if without_ids > 0 {
        return Some(format!(
            "{HOME_NOT_TAKEN}: {without_ids} person(s) in it have no id"
        ));
    }
    let known = journal.people().unwrap_or_default();
    let known_ids: HashSet<_> = known.iter().map(|p| &p.id).collect();
    let split = people.iter().filter(|(id, name)| {
        let id = id.as_ref().expect("checked above");
        !known_ids.contains(id) && known.iter().any(|p| p.name == *name && p.id != *id)
    });
    let split = split.count();
    if split > 0 {
        return Some(format!(
            "{HOME_NOT_TAKEN}: it gives {split} person(s) this kiosk knows \
             another id (check the hub's home file: ids must not change)"
        ));
    }
    let named = photo_names(&newest.home_toml);
    let unsent = named.iter().any(|(hash, _)| !newest.photos.contains(hash));
    let photos_named = photo_entries(&newest.home_toml).len();
    if unsent || photos_named != named.len() {
        return Some(format!(
            "{HOME_NOT_TAKEN}: it names a photo the hub did not send"
        ));
    }
    None
}

/// The photos named as the hub names them (`home-photos/HASH.png` or
/// `.jpg`): each one's hash and name. Anything else is left out.
fn photo_names(text: &str) -> Vec<(String, String)> {
    photo_entries(text)
        .into_iter()
        .filter_map(|(_, name)| {
            let file = name.strip_prefix(HOME_PHOTOS_DIR)?.strip_prefix('/')?;
            let hash = file
                .strip_suffix(".png")
                .or_else(|| file.strip_suffix(".jpg"))?;
            let hash = hash.to_string();
            crate::store::pictures::is_picture_hash(&hash).then_some((hash, name))
        })
        .collect()
}

/// Photos no longer named go: a home's photos do not pile up.
fn forget_other_photos(photos_dir: &Path, text: &str) {
    let keep: HashSet<String> = photo_names(text)
        .into_iter()
        .filter_map(|(_, name)| Some(Path::new(&name).file_name()?.to_str()?.to_string()))
        .collect();
    let Ok(entries) = std::fs::read_dir(photos_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !keep.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
