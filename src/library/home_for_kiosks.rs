//! The hub's home file made ready for the kiosks of the home: every person
//! with an id (written in first, as a kiosk does, from the people the plan
//! knows by name), each person's photo prepared as the plan keeps pictures
//! and named by its hash, so a kiosk needs nothing of the hub's folders.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::home::{people_in, write_missing_ids, HomeTextError};
use super::picture::{self, PlanPicture};
use crate::core::PersonRef;

/// The folder of a kiosk's data directory that holds the photos its home
/// file names, each by its hash.
pub const HOME_PHOTOS_DIR: &str = "home-photos";

/// The hub's home file as read, before its photos are prepared (which is
/// done only when it changed).
#[derive(Debug)]
pub struct HubHome {
    text: String,
    /// Each person's photo, by the person's place in the file, with the
    /// SHA-256 of the file (or why it cannot be read).
    photos: Vec<(usize, PathBuf, Result<String, picture::PictureError>)>,
    /// The SHA-256 of the file and of each photo it names: it changes when
    /// any of them does.
    pub source_hash: String,
}

/// The home file as kiosks take it.
#[derive(Debug)]
pub struct ReadyHome {
    /// Each photo named `home-photos/HASH.EXT`.
    pub home_toml: String,
    /// Each photo as prepared, with the SHA-256 of the file it was made from.
    pub photos: Vec<(String, PlanPicture)>,
    /// Photos that could not be used (those people are shown without one).
    pub problems: Vec<String>,
}

/// Why the hub's home file cannot be given to its kiosks.
#[derive(Debug, thiserror::Error)]
pub enum HubHomeError {
    #[error("cannot read the home file {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("the home file {path} has a problem: {cause}")]
    Invalid { path: PathBuf, cause: HomeTextError },
    #[error(
        "{people} person(s) in the home file {path} have no id and it cannot be written: \
         kiosks keep the home file they have, so that nobody becomes two people"
    )]
    WithoutIds { path: PathBuf, people: usize },
}

impl HubHome {
    /// The hub's home file at `path`, if there is one. A person without an
    /// id is given the one the plan knows them by (`known`, by name), else a
    /// new one, written into the file first.
    pub fn read(path: &Path, known: &[PersonRef]) -> Result<Option<HubHome>, HubHomeError> {
        HubHome::read_writing_ids(path, Some(known))
    }

    /// Reads the file; with `known`, writes in the ids it lacks and reads
    /// it again (once: without `known`, a person still without one is an
    /// error).
    fn read_writing_ids(
        path: &Path,
        known: Option<&[PersonRef]>,
    ) -> Result<Option<HubHome>, HubHomeError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(cause) => {
                return Err(HubHomeError::Read {
                    path: path.to_path_buf(),
                    cause,
                })
            }
        };
        let people = people_in(&text).map_err(|cause| HubHomeError::Invalid {
            path: path.to_path_buf(),
            cause,
        })?;
        let without_ids = people.iter().filter(|(id, _)| id.is_none()).count();
        if without_ids == 0 {
            return Ok(Some(HubHome::from_text(path, text)));
        }
        let by_name = |name: &str| known?.iter().find(|p| p.name == name).map(|p| p.id.clone());
        if known.is_none() || write_missing_ids(path, by_name).is_err() {
            return Err(HubHomeError::WithoutIds {
                path: path.to_path_buf(),
                people: without_ids,
            });
        }
        HubHome::read_writing_ids(path, None)
    }

    fn from_text(path: &Path, text: String) -> HubHome {
        let root = path.parent().unwrap_or(Path::new("."));
        let photos: Vec<_> = photo_entries(&text)
            .into_iter()
            .map(|(index, photo)| {
                let path = root.join(photo);
                let of_file = picture::file_hash(&path);
                (index, path, of_file)
            })
            .collect();
        let mut hash = Sha256::new();
        hash.update(text.as_bytes());
        for (index, _, of_file) in &photos {
            hash.update(index.to_le_bytes());
            match of_file {
                Ok(of_file) => hash.update(of_file.as_bytes()),
                Err(e) => hash.update(format!("unreadable {e}").as_bytes()),
            }
        }
        HubHome {
            text,
            photos,
            source_hash: crate::store::hex(&hash.finalize()),
        }
    }

    /// The file as kiosks take it: each photo prepared (decoded within
    /// limits, at most 480 px, written again) and named by its hash; a
    /// photo that cannot be used is left out, with a problem saying which.
    pub fn for_kiosks(&self) -> ReadyHome {
        let mut doc: toml_edit::DocumentMut = self
            .text
            .parse()
            .expect("the home file was read as TOML already");
        let mut photos = Vec::new();
        let mut problems = Vec::new();
        for (index, path, of_file) in &self.photos {
            let Some(person) = doc
                .get_mut("people")
                .and_then(|p| p.as_array_of_tables_mut())
                .and_then(|people| people.get_mut(*index))
            else {
                continue;
            };
            let prepared = match of_file {
                Ok(source) => picture::for_plan(path)
                    .map(|prepared| (source.clone(), prepared))
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match prepared {
                Ok((source, prepared)) => {
                    let hash = crate::store::hex(&Sha256::digest(&prepared.bytes));
                    let name = format!("{HOME_PHOTOS_DIR}/{hash}.{}", extension(&prepared));
                    person.insert("photo", toml_edit::value(name));
                    photos.push((source, prepared));
                }
                Err(e) => {
                    person.remove("photo");
                    problems.push(format!(
                        "Person {} in the home file: the photo {} cannot be used ({e}), \
                         so the kiosks show them without one",
                        index + 1,
                        path.display()
                    ));
                }
            }
        }
        ReadyHome {
            home_toml: doc.to_string(),
            photos,
            problems,
        }
    }
}

fn extension(picture: &PlanPicture) -> &'static str {
    match picture.media_type {
        "image/jpeg" => "jpg",
        _ => "png",
    }
}

/// Each person's photo as a home file names it, by the person's place.
pub fn photo_entries(text: &str) -> Vec<(usize, String)> {
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    let Some(people) = doc.get("people").and_then(|p| p.as_array_of_tables()) else {
        return Vec::new();
    };
    people
        .iter()
        .enumerate()
        .filter_map(|(i, person)| Some((i, person.get("photo")?.as_str()?.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::PersonId;

    const HOME: &str = r#"
# Rose House
supporters = ["Jo"]

[[people]]
id = "019a4c2e-5f00-7000-8000-00000000a1e5"
name = "Alex"
photo = "photos/alex.png"

[[people]]
name = "Sam"
large_text = true
"#;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([200, 120, 40]));
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn home_in(dir: &Path, text: &str) -> PathBuf {
        std::fs::create_dir_all(dir.join("photos")).unwrap();
        let png = png(40, 30);
        std::fs::write(dir.join("photos/alex.png"), png).unwrap();
        let path = dir.join("home.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn ids_are_written_in_from_the_plan_and_photos_named_by_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = home_in(dir.path(), HOME);
        let known = [PersonRef {
            id: PersonId::new("sam-in-the-plan"),
            name: "Sam".into(),
        }];
        let hub_home = HubHome::read(&path, &known).unwrap().unwrap();
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(on_disk.contains("id = \"sam-in-the-plan\""), "{on_disk}");
        assert!(on_disk.contains("# Rose House"), "comments kept: {on_disk}");

        let ready = hub_home.for_kiosks();
        assert!(ready.problems.is_empty(), "{:?}", ready.problems);
        assert_eq!(ready.photos.len(), 1);
        let (source, picture) = &ready.photos[0];
        let photo = std::fs::read(dir.path().join("photos/alex.png")).unwrap();
        assert_eq!(*source, crate::store::hex(&Sha256::digest(&photo)));
        let hash = crate::store::hex(&Sha256::digest(&picture.bytes));
        let expected = format!("photo = \"home-photos/{hash}.{}\"", extension(picture));
        assert!(ready.home_toml.contains(&expected), "{}", ready.home_toml);
        let people = people_in(&ready.home_toml).unwrap();
        assert!(people.iter().all(|(id, _)| id.is_some()));
    }

    #[test]
    fn the_source_changes_with_the_file_and_with_a_photo_and_with_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = home_in(
            dir.path(),
            &HOME.replace("name = \"Sam\"", "id = \"s\"\nname = \"Sam\""),
        );
        let first = HubHome::read(&path, &[]).unwrap().unwrap().source_hash;
        let again = HubHome::read(&path, &[]).unwrap().unwrap().source_hash;
        assert_eq!(first, again);

        let other_png = png(41, 30);
        std::fs::write(dir.path().join("photos/alex.png"), other_png).unwrap();
        let new_photo = HubHome::read(&path, &[]).unwrap().unwrap().source_hash;
        assert_ne!(new_photo, first);

        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("[\"Jo\"]", "[\"Jo\", \"Priya\"]");
        std::fs::write(&path, text).unwrap();
        let new_text = HubHome::read(&path, &[]).unwrap().unwrap().source_hash;
        assert_ne!(new_text, new_photo);
    }

    #[test]
    fn a_photo_that_cannot_be_used_is_left_out_and_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = home_in(
            dir.path(),
            &HOME.replace("name = \"Sam\"", "id = \"s\"\nname = \"Sam\""),
        );
        std::fs::write(dir.path().join("photos/alex.png"), b"not a picture").unwrap();
        let ready = HubHome::read(&path, &[]).unwrap().unwrap().for_kiosks();
        assert!(ready.photos.is_empty());
        assert!(!ready.home_toml.contains("photo"), "{}", ready.home_toml);
        assert_eq!(ready.problems.len(), 1, "{:?}", ready.problems);
        assert!(
            ready.problems[0].starts_with("Person 1 in"),
            "{:?}",
            ready.problems
        );
    }

    #[test]
    fn no_file_is_nothing_to_give_and_a_broken_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("home.toml");
        assert!(HubHome::read(&missing, &[]).unwrap().is_none());
        std::fs::write(&missing, "[[people]\nname = ").unwrap();
        let refused = HubHome::read(&missing, &[]).unwrap_err();
        assert!(matches!(refused, HubHomeError::Invalid { .. }), "{refused}");
    }
}
