//! Reading picture sets from disk: the set file, and checking that the
//! pictures and clips it names are there.
//!
//! A set lives in a folder: `set.toml` plus the files it names, by paths
//! relative to that folder. A problem with the set file stops the set from
//! loading (with the file and the problem named); a missing picture or clip
//! only gives a warning, so the rest of the set still works.

pub mod boards;
pub mod bundled;
pub mod check;
pub mod home;
pub mod home_for_kiosks;
pub mod house_questions;
pub mod import;
pub mod obf;
pub mod photo;
pub mod picture;
pub mod plan_sets;
pub mod recording;
pub mod set_file;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod test_photos;

use std::path::{Path, PathBuf};

use crate::core::scale::BUNDLED;
use crate::core::{PictureSet, SetError};

/// The file name of a set inside its folder.
pub const SET_FILE: &str = "set.toml";

/// How a set's paths name files of sets taken from the support plan
/// (`plan:SET/VERSION/…`, see [`plan_sets`]).
pub const PLAN_PREFIX: &str = "plan:";

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("cannot read the picture set file {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("the picture set file {path} has a problem: {cause}")]
    Invalid { path: PathBuf, cause: SetError },
}

#[derive(Debug, Clone)]
pub struct LoadedSet {
    pub set: PictureSet,
    /// The set file itself.
    pub path: PathBuf,
    /// The folder that relative paths in the set are resolved against.
    pub root: PathBuf,
    /// Problems that leave the set usable, for staff: missing pictures and clips.
    pub warnings: Vec<String>,
    /// Where the sets taken from the support plan are (`plan:` paths, see
    /// [`plan_sets`]), once the kiosk has added their topics.
    pub plan_sets: Option<PathBuf>,
}

impl LoadedSet {
    /// The file a relative path in the set refers to; `bundled:` paths
    /// (the built-in scales' symbols) are in sayso's own images folder.
    pub fn resolve(&self, relative: &str) -> PathBuf {
        let (folder, inner) = self.folder_of(relative);
        folder.join(inner)
    }

    /// The folder a path in the set is relative to, and the path within it.
    fn folder_of<'a>(&self, relative: &'a str) -> (PathBuf, &'a str) {
        if let Some(bundled) = relative.strip_prefix(BUNDLED) {
            return (bundled_images_dir(), bundled);
        }
        match (relative.strip_prefix(PLAN_PREFIX), &self.plan_sets) {
            (Some(inner), Some(folder)) => (folder.clone(), inner),
            _ => (self.root.clone(), relative),
        }
    }

    /// The same, refused if the path leads out of its folder (`..`, an
    /// absolute path, a link pointing elsewhere): a set shows its own
    /// pictures and nothing else on the device.
    pub fn resolve_inside(&self, relative: &str) -> Result<PathBuf, OutsideSet> {
        let (folder, inner) = self.folder_of(relative);
        let stays_inside = Path::new(inner).components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if !stays_inside {
            return Err(OutsideSet(relative.to_string()));
        }
        let path = folder.join(inner);
        if let (Ok(real), Ok(real_folder)) = (path.canonicalize(), folder.canonicalize()) {
            if !real.starts_with(real_folder) {
                return Err(OutsideSet(relative.to_string()));
            }
        }
        Ok(path)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is outside the picture set's folder")]
pub struct OutsideSet(pub String);

/// Loads a set from its `set.toml`, or from the folder holding one.
pub fn load_set(path: &Path) -> Result<LoadedSet, LibraryError> {
    let path = if path.is_dir() {
        path.join(SET_FILE)
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&path).map_err(|source| LibraryError::Read {
        path: path.clone(),
        cause: source,
    })?;
    let set = PictureSet::from_toml(&text).map_err(|source| LibraryError::Invalid {
        path: path.clone(),
        cause: source,
    })?;
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded = LoadedSet {
        set,
        path,
        root,
        warnings: Vec::new(),
        plan_sets: None,
    };
    loaded.warnings = missing_files(&loaded);
    Ok(loaded)
}

fn missing_files(loaded: &LoadedSet) -> Vec<String> {
    let set = &loaded.set;
    let mut warnings = Vec::new();
    let mut check = |what: String, relative: &str| match loaded.resolve_inside(relative) {
        Err(outside) => warnings.push(format!("{what}: {outside}")),
        Ok(path) => match std::fs::metadata(&path) {
            Err(_) => warnings.push(format!("{what}: file {relative} is missing")),
            // A folder, a FIFO, a device: nothing a picture or clip can be.
            Ok(meta) if !meta.is_file() => {
                warnings.push(format!("{what}: {relative} is not a plain file"))
            }
            Ok(_) => {}
        },
    };
    for topic in &set.topics {
        if let Some(picture) = &topic.picture {
            check(format!("topic \"{}\" picture", topic.id), picture);
        }
        for point in &topic.scale.points {
            check(
                format!(
                    "scale \"{}\" symbol for \"{}\"",
                    topic.scale.id, point.label
                ),
                &point.symbol,
            );
        }
        for card in &topic.cards {
            if let Some(picture) = &card.picture {
                check(format!("card \"{}\" picture", card.id), picture);
            }
            if let Some(clip) = &card.clip {
                check(format!("card \"{}\" clip", card.id), clip);
            }
        }
    }
    warnings.sort();
    warnings.dedup();
    warnings
}

/// Where the bundled demo set is.
pub fn default_set_path() -> PathBuf {
    bundled_images_dir().join("demo").join(SET_FILE)
}

/// sayso's own `images/` folder: next to the sources when run from a
/// checkout, or where the Pi install script puts it.
pub fn bundled_images_dir() -> PathBuf {
    let installed = Path::new("/usr/share/sayso/images");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("images");
    if checkout.is_dir() || !installed.is_dir() {
        checkout
    } else {
        installed.to_path_buf()
    }
}

/// Every picture a set shows, with what it is for: topic pictures, scale
/// symbols, card pictures.
pub fn pictures_of(set: &PictureSet) -> Vec<(String, String)> {
    let mut pictures = Vec::new();
    for topic in &set.topics {
        if let Some(picture) = &topic.picture {
            pictures.push((format!("topic \"{}\" picture", topic.id), picture.clone()));
        }
        for point in &topic.scale.points {
            let what = format!(
                "scale \"{}\" symbol for \"{}\"",
                topic.scale.id, point.label
            );
            pictures.push((what, point.symbol.clone()));
        }
        for card in &topic.cards {
            if let Some(picture) = &card.picture {
                pictures.push((format!("card \"{}\" picture", card.id), picture.clone()));
            }
        }
    }
    pictures.sort();
    pictures.dedup();
    pictures
}
