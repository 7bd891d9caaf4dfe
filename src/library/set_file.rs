//! Changing a set file the way a person would: a topic or a card added in
//! place, the comments and the layout around them kept, and the file
//! written whole or not at all, only once the changed set still loads.

use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value};

use crate::core::{PictureSet, SetError};

#[derive(Debug, thiserror::Error)]
pub enum SetFileError {
    #[error("cannot read {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path} is not a set file sayso can change: {reason}")]
    NotASetFile { path: PathBuf, reason: String },
    #[error("the changed set would not load, so {path} was left as it was: {cause}")]
    WouldNotLoad { path: PathBuf, cause: SetError },
    #[error("cannot write {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// A set file open for changes.
pub struct SetFile {
    path: PathBuf,
    document: DocumentMut,
}

/// A card as it is added to a topic.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewCard<'a> {
    pub id: &'a str,
    pub label: &'a str,
    /// Relative to the set's folder.
    pub picture: Option<&'a str>,
    /// A recording, relative to the set's folder.
    pub clip: Option<&'a str>,
    /// What is said, when it differs from the label.
    pub says: Option<&'a str>,
}

impl SetFile {
    pub fn open(path: &Path) -> Result<SetFile, SetFileError> {
        let text = std::fs::read_to_string(path).map_err(|cause| SetFileError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let document = text
            .parse::<DocumentMut>()
            .map_err(|e| SetFileError::NotASetFile {
                path: path.to_path_buf(),
                reason: e.message().to_string(),
            })?;
        Ok(SetFile {
            path: path.to_path_buf(),
            document,
        })
    }

    /// The folder the set's paths are relative to.
    pub fn folder(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    fn not_a_set(&self, reason: &str) -> SetFileError {
        SetFileError::NotASetFile {
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }

    fn topics(&mut self) -> Result<&mut toml_edit::ArrayOfTables, SetFileError> {
        if self.document.get("topics").is_none() {
            self.document
                .insert("topics", Item::ArrayOfTables(Default::default()));
        }
        match self.document.get_mut("topics") {
            Some(Item::ArrayOfTables(topics)) => Ok(topics),
            _ => Err(SetFileError::NotASetFile {
                path: self.path.clone(),
                reason: "its topics are not written as [[topics]]".to_string(),
            }),
        }
    }

    /// Whether the set has a topic with this id.
    pub fn has_topic(&mut self, id: &str) -> Result<bool, SetFileError> {
        Ok(self
            .topics()?
            .iter()
            .any(|topic| topic.get("id").and_then(Item::as_str) == Some(id)))
    }

    /// Adds a topic on the built-in like / not sure / don't like scale.
    pub fn add_topic(&mut self, id: &str, title: &str) -> Result<(), SetFileError> {
        let question = format!("What do you think about {}?", title.to_lowercase());
        self.add_topic_asking(id, title, &question, "like")
    }

    /// Adds a topic with its question and scale.
    pub fn add_topic_asking(
        &mut self,
        id: &str,
        title: &str,
        question: &str,
        scale: &str,
    ) -> Result<(), SetFileError> {
        let mut topic = Table::new();
        topic.insert("id", toml_edit::value(id));
        topic.insert("title", toml_edit::value(title));
        topic.insert("question", toml_edit::value(question));
        topic.insert("scale", toml_edit::value(scale));
        topic.insert("cards", toml_edit::value(Array::new()));
        self.topics()?.push(topic);
        Ok(())
    }

    /// Every topic id in the set.
    pub fn topic_ids(&mut self) -> Result<Vec<String>, SetFileError> {
        Ok(self
            .topics()?
            .iter()
            .filter_map(|topic| topic.get("id").and_then(Item::as_str).map(str::to_string))
            .collect())
    }

    /// Every card id in the set's topics.
    pub fn card_ids(&mut self) -> Result<Vec<String>, SetFileError> {
        let mut ids = Vec::new();
        for topic in self.topics()?.iter() {
            if let Some(cards) = topic.get("cards").and_then(Item::as_array) {
                ids.extend(cards.iter().filter_map(|card| {
                    card.as_inline_table()
                        .and_then(|c| c.get("id"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                }));
            }
        }
        Ok(ids)
    }

    /// Adds a card at the end of a topic, one card a line as in the demo.
    pub fn add_card(&mut self, topic_id: &str, card: NewCard<'_>) -> Result<(), SetFileError> {
        let not_cards = self.not_a_set("its cards are not written as cards = [ { … }, … ]");
        let no_topic = self.not_a_set(&format!("it has no topic \"{topic_id}\""));
        let topic = self
            .topics()?
            .iter_mut()
            .find(|topic| topic.get("id").and_then(Item::as_str) == Some(topic_id))
            .ok_or(no_topic)?;
        if topic.get("cards").is_none() {
            topic.insert("cards", toml_edit::value(Array::new()));
        }
        let cards = topic
            .get_mut("cards")
            .and_then(Item::as_array_mut)
            .ok_or(not_cards)?;
        let mut entry = InlineTable::new();
        entry.insert("id", card.id.into());
        entry.insert("label", card.label.into());
        if let Some(picture) = card.picture {
            entry.insert("picture", picture.into());
        }
        if let Some(clip) = card.clip {
            entry.insert("clip", clip.into());
        }
        if let Some(says) = card.says {
            entry.insert("says", says.into());
        }
        let mut value = Value::InlineTable(entry);
        value.decor_mut().set_prefix("\n  ");
        cards.push_formatted(value);
        cards.set_trailing("\n");
        cards.set_trailing_comma(true);
        Ok(())
    }

    /// Writes the changed set in place of the old one, if it still loads:
    /// a new file beside it, flushed to the disk, then renamed over it.
    pub fn save(&self) -> Result<PictureSet, SetFileError> {
        let text = self.document.to_string();
        let set = PictureSet::from_toml(&text).map_err(|cause| SetFileError::WouldNotLoad {
            path: self.path.clone(),
            cause,
        })?;
        write_whole(&self.path, text.as_bytes()).map_err(|cause| SetFileError::Write {
            path: self.path.clone(),
            cause,
        })?;
        Ok(set)
    }
}

/// Writes `bytes` to `path` whole or not at all, even if the power goes:
/// a new file beside it, flushed, renamed over it, and the folder flushed.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.partial"));
    let written = (|| {
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        // Some file systems cannot flush a folder; the rename stands.
        let _ = std::fs::File::open(folder).and_then(|f| f.sync_all());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: &str = r#"# Alex's pictures: keep this comment.
id = "alex"
title = "Alex"

[[topics]]
id = "food"
title = "Food"
question = "What do you think about food?"
scale = "like"
cards = [
  { id = "tea", label = "tea" },
]
"#;

    /// Alex's set written to a folder of its own, and opened for changes.
    fn alexs_set() -> (tempfile::TempDir, PathBuf, SetFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("set.toml");
        std::fs::write(&path, SET).unwrap();
        let file = SetFile::open(&path).unwrap();
        (dir, path, file)
    }

    #[test]
    fn a_card_is_added_on_a_line_of_its_own_and_the_comments_stay() {
        let (_dir, path, mut file) = alexs_set();
        file.add_card(
            "food",
            NewCard {
                id: "my-mug",
                label: "my mug",
                picture: Some("cards/my-mug.jpg"),
                ..NewCard::default()
            },
        )
        .unwrap();
        let set = file.save().unwrap();
        assert_eq!(set.topics[0].cards.len(), 2);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Alex's pictures: keep this comment."));
        assert!(
            text.contains(
                "\n  { id = \"my-mug\", label = \"my mug\", picture = \"cards/my-mug.jpg\" },\n]"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_new_topic_asks_its_question_and_uses_the_like_scale() {
        let (_dir, _path, mut file) = alexs_set();
        assert!(!file.has_topic("people").unwrap());
        file.add_topic("people", "People").unwrap();
        file.add_card(
            "people",
            NewCard {
                id: "nan",
                label: "Nan",
                picture: Some("cards/nan.jpg"),
                ..NewCard::default()
            },
        )
        .unwrap();
        let set = file.save().unwrap();
        let people = set.topic("people").unwrap();
        assert_eq!(people.question, "What do you think about people?");
        assert_eq!(people.scale.points.len(), 3);
    }

    #[test]
    fn a_change_that_would_break_the_set_leaves_the_file_as_it_was() {
        let (dir, path, mut file) = alexs_set();
        // A second card "tea" in the same topic: the set check refuses it.
        file.add_card(
            "food",
            NewCard {
                id: "tea",
                label: "more tea",
                picture: Some("cards/tea.jpg"),
                ..NewCard::default()
            },
        )
        .unwrap();
        assert!(matches!(
            file.save(),
            Err(SetFileError::WouldNotLoad { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), SET);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
