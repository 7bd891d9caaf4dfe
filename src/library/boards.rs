//! Open Board Format files and a set's folder, for a laptop without the
//! web app: `sayso set import FILE.obz` adds the boards as topics to a set
//! (their pictures and sounds made anew into the set's folder), and `sayso
//! set export FILE.obz` writes a set out for other AAC apps. A file that
//! cannot be used leaves the set as it was.

use std::path::{Path, PathBuf};

use super::obf::{self, CardOut, ImportedTopic, ObfError, TopicOut};
use super::set_file::{write_whole, NewCard, SetFile, SetFileError};
use super::{load_set, LibraryError, SET_FILE};
use crate::core::scale::PRESETS;
use crate::core::set_edit::{card_id_from, fresh_id};

#[derive(Debug, thiserror::Error)]
pub enum BoardsError {
    #[error("cannot read {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}: {cause}")]
    NotUsable { path: PathBuf, cause: ObfError },
    #[error(transparent)]
    SetFile(#[from] SetFileError),
    #[error(transparent)]
    Set(#[from] LibraryError),
    #[error("cannot write {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardsImported {
    /// Each topic's title and how many cards it has.
    pub topics: Vec<(String, usize)>,
    /// Pictures and sounds left out, and why.
    pub notes: Vec<String>,
}

/// The file a set path names (`set.toml`, or the folder holding it).
fn set_file_of(set: &Path) -> PathBuf {
    if set.is_dir() {
        set.join(SET_FILE)
    } else {
        set.to_path_buf()
    }
}

/// Adds the boards of an `.obf` or `.obz` file to the set as topics.
pub fn import_into_set(file: &Path, set: &Path) -> Result<BoardsImported, BoardsError> {
    let metadata = std::fs::metadata(file).map_err(|cause| BoardsError::Read {
        path: file.to_path_buf(),
        cause,
    })?;
    if metadata.len() > obf::MAX_TOTAL_BYTES {
        return Err(BoardsError::NotUsable {
            path: file.to_path_buf(),
            cause: ObfError::TooBig,
        });
    }
    let bytes = std::fs::read(file).map_err(|cause| BoardsError::Read {
        path: file.to_path_buf(),
        cause,
    })?;
    let imported = obf::import(bytes).map_err(|cause| BoardsError::NotUsable {
        path: file.to_path_buf(),
        cause,
    })?;
    let set_path = set_file_of(set);
    let mut set_file = SetFile::open(&set_path)?;
    let folder = set_file.folder();
    let mut written = Vec::new();
    let added = add_topics(&mut set_file, &folder, &imported.topics, &mut written)
        .and_then(|topics| Ok((topics, set_file.save()?)));
    match added {
        Ok((topics, _)) => Ok(BoardsImported {
            topics,
            notes: imported.notes,
        }),
        Err(e) => {
            for path in written {
                let _ = std::fs::remove_file(path);
            }
            Err(e)
        }
    }
}

fn add_topics(
    set_file: &mut SetFile,
    folder: &Path,
    topics: &[ImportedTopic],
    written: &mut Vec<PathBuf>,
) -> Result<Vec<(String, usize)>, BoardsError> {
    let mut topic_ids = set_file.topic_ids()?;
    let mut added = Vec::new();
    for topic in topics {
        let topic_id = fresh_id(&card_id_from(&topic.title), &topic_ids);
        topic_ids.push(topic_id.clone());
        let question = topic
            .question
            .clone()
            .filter(|q| !q.trim().is_empty())
            .unwrap_or_else(|| format!("What do you think about {}?", topic.title.to_lowercase()));
        // A scale of the exporting set's own is not in this one: the usual.
        let scale = topic
            .scale
            .as_deref()
            .filter(|s| PRESETS.contains(s))
            .unwrap_or("like");
        set_file.add_topic_asking(&topic_id, &topic.title, &question, scale)?;
        let mut card_ids = Vec::new();
        for card in &topic.cards {
            let card_id = fresh_id(&card_id_from(&card.label), &card_ids);
            card_ids.push(card_id.clone());
            let mut keep = |relative: String, bytes: &[u8]| -> Result<String, BoardsError> {
                let path = folder.join(&relative);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|cause| BoardsError::Write {
                        path: parent.to_path_buf(),
                        cause,
                    })?;
                }
                if path.exists() {
                    return Err(BoardsError::Write {
                        path,
                        cause: std::io::ErrorKind::AlreadyExists.into(),
                    });
                }
                write_whole(&path, bytes).map_err(|cause| BoardsError::Write {
                    path: path.clone(),
                    cause,
                })?;
                written.push(path);
                Ok(relative)
            };
            let picture = match &card.picture {
                Some((bytes, extension)) => Some(keep(
                    format!("cards/{topic_id}-{card_id}.{extension}"),
                    bytes,
                )?),
                None => None,
            };
            let clip = match &card.clip {
                Some(bytes) => Some(keep(format!("clips/{topic_id}-{card_id}.wav"), bytes)?),
                None => None,
            };
            set_file.add_card(
                &topic_id,
                NewCard {
                    id: &card_id,
                    label: &card.label,
                    picture: picture.as_deref(),
                    clip: clip.as_deref(),
                    says: card.says.as_deref(),
                },
            )?;
        }
        added.push((topic.title.clone(), topic.cards.len()));
    }
    Ok(added)
}

/// A picture or clip of a set: its extension and bytes, if it can be read.
type FileOf = Option<(String, Vec<u8>)>;

/// Writes the set as an `.obz` package; returns how many topics it holds.
/// Pictures and clips that cannot be read are left out.
pub fn export_set(set: &Path, out: &Path) -> Result<usize, BoardsError> {
    let loaded = load_set(set)?;
    // A file of the set, with its extension (lowercase, as packages name them).
    let read = |relative: &Option<String>| -> Option<(String, Vec<u8>)> {
        let relative = relative.as_deref()?;
        let extension = relative.rsplit_once('.')?.1.to_ascii_lowercase();
        let path = loaded.resolve_inside(relative).ok()?;
        Some((extension, std::fs::read(path).ok()?))
    };
    let files: Vec<Vec<(FileOf, FileOf)>> = loaded
        .set
        .topics
        .iter()
        .map(|topic| {
            topic
                .cards
                .iter()
                .map(|card| (read(&card.picture), read(&card.clip)))
                .collect()
        })
        .collect();
    let mut topics = Vec::new();
    for (topic, files) in loaded.set.topics.iter().zip(&files) {
        let cards = topic
            .cards
            .iter()
            .zip(files)
            .map(|(card, (picture, clip))| CardOut {
                id: card.id.as_str(),
                label: &card.label,
                says: card.says.as_deref(),
                picture: picture
                    .as_ref()
                    .map(|(ext, bytes)| (ext.as_str(), bytes.clone())),
                clip: clip
                    .as_ref()
                    .map(|(ext, bytes)| (ext.as_str(), bytes.clone())),
            })
            .collect();
        topics.push(TopicOut {
            id: topic.id.as_str(),
            title: &topic.title,
            question: &topic.question,
            scale: &topic.scale.id,
            cards,
        });
    }
    let bytes = obf::export(&loaded.set.title, &topics).map_err(|cause| BoardsError::Write {
        path: out.to_path_buf(),
        cause,
    })?;
    write_whole(out, &bytes).map_err(|cause| BoardsError::Write {
        path: out.to_path_buf(),
        cause,
    })?;
    Ok(topics.len())
}
