//! A folder of photos made into a topic's cards, for a family member on a
//! laptop (`sayso set import-photos`): each photo prepared as the web app
//! prepares an upload ([`super::photo`]), written into the set's `cards/`
//! folder under a name sayso makes (never the file's own name as a path),
//! and the set file changed once, at the end, only if the set still loads.

use std::path::{Path, PathBuf};

use super::photo::{self, Framing, PhotoError};
use super::set_file::{self, NewCard, SetFile, SetFileError};
use crate::core::set_edit::card_id_from;

/// The most photos taken in one go: a topic is offered one card at a time,
/// and a person tires long before this.
pub const MAX_PHOTOS: usize = 200;

/// What became of each photo.
#[derive(Debug, Default)]
pub struct PhotoImport {
    /// Card ids added, in order.
    pub added: Vec<String>,
    /// Photos left out, each with why (in plain words).
    pub refused: Vec<(PathBuf, PhotoError)>,
    /// Whether the topic was made for these photos.
    pub new_topic: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the folder {path}: {cause}")]
    Folder {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("there are no photos in {0} (JPEG, PNG or WebP files)")]
    NoPhotos(PathBuf),
    #[error("{found} photos is more than one topic takes ({MAX_PHOTOS}): split them into folders")]
    TooMany { found: usize },
    #[error(transparent)]
    SetFile(#[from] SetFileError),
    #[error("cannot write the picture {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("none of the photos could be used, so the set was left as it was")]
    NoneUsable(PhotoImport),
}

/// The photo files in `folder` (by their extension), sorted by name.
pub fn photos_in(folder: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let entries = std::fs::read_dir(folder).map_err(|cause| ImportError::Folder {
        path: folder.to_path_buf(),
        cause,
    })?;
    let mut photos: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .is_some_and(|e| {
                    matches!(
                        e.as_str(),
                        "jpg" | "jpeg" | "png" | "webp" | "heic" | "heif"
                    )
                })
        })
        .collect();
    photos.sort();
    if photos.is_empty() {
        return Err(ImportError::NoPhotos(folder.to_path_buf()));
    }
    if photos.len() > MAX_PHOTOS {
        return Err(ImportError::TooMany {
            found: photos.len(),
        });
    }
    Ok(photos)
}

/// Adds a card for each photo to `topic` of the set at `set_path` (the
/// topic is made if the set has none by that id). `progress` is told after
/// each photo. Photos that cannot be used are listed, the others added; if
/// none can be, nothing changes.
pub fn import_photos(
    set_path: &Path,
    topic: &str,
    photos: &[PathBuf],
    framing: Framing,
    mut progress: impl FnMut(&Path),
) -> Result<PhotoImport, ImportError> {
    let mut file = SetFile::open(set_path)?;
    let mut report = PhotoImport::default();
    if !file.has_topic(topic)? {
        file.add_topic(topic, &label_from(topic))?;
        report.new_topic = true;
    }
    let cards_folder = file.folder().join("cards");
    std::fs::create_dir_all(&cards_folder).map_err(|cause| ImportError::Write {
        path: cards_folder.clone(),
        cause,
    })?;
    let mut taken = file.card_ids()?;
    let mut written = Vec::new();
    for path in photos {
        match photo::prepare_file(path, framing) {
            Ok(prepared) => {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let id = unused_id(&card_id_from(&stem), &taken, &cards_folder);
                let file_name = format!("{id}.{}", prepared.extension);
                let target = cards_folder.join(&file_name);
                if let Err(cause) = set_file::write_whole(&target, &prepared.bytes) {
                    remove_all(&written);
                    return Err(ImportError::Write {
                        path: target,
                        cause,
                    });
                }
                written.push(target);
                let added = file.add_card(
                    topic,
                    NewCard {
                        id: &id,
                        label: &label_from(&stem),
                        picture: Some(&format!("cards/{file_name}")),
                        ..NewCard::default()
                    },
                );
                if let Err(e) = added {
                    remove_all(&written);
                    return Err(e.into());
                }
                taken.push(id.clone());
                report.added.push(id);
            }
            Err(why) => report.refused.push((path.clone(), why)),
        }
        progress(path);
    }
    if report.added.is_empty() {
        return Err(ImportError::NoneUsable(report));
    }
    if let Err(e) = file.save() {
        remove_all(&written);
        return Err(e.into());
    }
    Ok(report)
}

fn remove_all(files: &[PathBuf]) {
    for file in files {
        let _ = std::fs::remove_file(file);
    }
}

/// A card's words from a file name: "my_mug" → "my mug".
pub fn label_from(stem: &str) -> String {
    let words: Vec<&str> = stem
        .split(|c: char| c == '_' || c == '-' || c == '.' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        "photo".to_string()
    } else {
        words.join(" ")
    }
}

/// `id`, or `id-2`, `id-3`… when a card or a file already has it.
fn unused_id(id: &str, taken: &[String], folder: &Path) -> String {
    let free = |candidate: &str| {
        !taken.iter().any(|t| t == candidate)
            && !["jpg", "png"]
                .iter()
                .any(|ext| folder.join(format!("{candidate}.{ext}")).exists())
    };
    if free(id) {
        return id.to_string();
    }
    (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| free(candidate))
        .expect("a free id")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_files_are_words_for_people_and_safe_ids_for_files() {
        assert_eq!(label_from("my_mug"), "my mug");
        assert_eq!(label_from("Nan-and-Grandad"), "Nan and Grandad");
        assert_eq!(label_from("___"), "photo");
        assert_eq!(card_id_from("Nan & Grandad (2019)"), "nan-grandad-2019");
        assert_eq!(card_id_from("../../etc/passwd"), "etc-passwd");
        assert_eq!(card_id_from("çà"), "photo");
        assert_eq!(card_id_from("IMG_0042"), "img-0042");
    }

    #[test]
    fn a_set_file_that_cannot_take_the_cards_keeps_no_stray_pictures() {
        let dir = tempfile::tempdir().unwrap();
        let set = dir.path().join("set.toml");
        let text = "id = \"s\"\ntitle = \"S\"\n[[topics]]\nid = \"food\"\ntitle = \"Food\"\nquestion = \"?\"\nscale = \"like\"\ncards = \"not a list\"\n";
        std::fs::write(&set, text).unwrap();
        let photo = dir.path().join("mug.jpg");
        let scene = image::RgbImage::from_pixel(64, 48, image::Rgb([200, 100, 0]));
        std::fs::write(&photo, crate::library::test_photos::phone_jpeg(&scene, 1)).unwrap();
        let result = import_photos(&set, "food", &[photo], Framing::AsTaken, |_| {});
        assert!(matches!(result, Err(ImportError::SetFile(_))), "{result:?}");
        assert_eq!(
            std::fs::read_dir(dir.path().join("cards")).unwrap().count(),
            0
        );
        assert_eq!(std::fs::read_to_string(&set).unwrap(), text);
    }

    #[test]
    fn an_id_in_use_gets_a_number() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mug.jpg"), b"").unwrap();
        assert_eq!(unused_id("tea", &["tea".to_string()], dir.path()), "tea-2");
        assert_eq!(unused_id("mug", &[], dir.path()), "mug-2");
        assert_eq!(unused_id("dog", &[], dir.path()), "dog");
    }
}
