//! The set file (`set.toml`, see `docs/picture-sets.md`) as data: the one
//! model every reader and writer of a set is built from. The kiosk checks
//! it into a [`PictureSet`](super::PictureSet); the web app's editor
//! changes it (`core::set_edit`) and saves it as a new version; changing a
//! set's folder on disk keeps the file's comments (`library::set_file`)
//! and checks the result the kiosk's way.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::CardId;
use super::scale::ScalePoint;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetText {
    pub id: String,
    pub title: String,
    /// Scales of the set's own, by id (the built-in ones need no entry).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scales: BTreeMap<String, ScaleText>,
    #[serde(default)]
    pub topics: Vec<TopicText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleText {
    pub points: Vec<ScalePoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicText {
    pub id: String,
    pub title: String,
    /// Spoken when the topic starts: "What do you think about food?"
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// A built-in scale's id, or one of the set's own.
    pub scale: String,
    #[serde(default)]
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    pub id: CardId,
    /// Shown under the picture and spoken, unless `says` is given.
    pub label: String,
    /// Picture file, relative to the set folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// A recorded clip (e.g. a family member's voice), relative to the set folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip: Option<String>,
    /// What to speak, when it should differ from the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub says: Option<String>,
}

impl Card {
    pub fn spoken(&self) -> &str {
        self.says.as_deref().unwrap_or(&self.label)
    }
}

impl SetText {
    /// Reads a set file's text, unchecked.
    pub fn from_toml(text: &str) -> Result<SetText, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a set is plain strings and lists")
    }

    pub fn topic(&self, id: &str) -> Option<&TopicText> {
        self.topics.iter().find(|t| t.id == id)
    }

    pub fn card(&self, topic: &str, card: &str) -> Option<&Card> {
        self.topic(topic)?.cards.iter().find(|c| c.id == card)
    }

    /// Every file the set names (pictures and clips).
    pub fn files(&self) -> Vec<&str> {
        let mut files = Vec::new();
        for topic in &self.topics {
            files.extend(topic.picture.as_deref());
            for card in &topic.cards {
                files.extend(card.picture.as_deref());
                files.extend(card.clip.as_deref());
            }
        }
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_file_reads_and_writes_back_the_same() {
        let text = r#"
            id = "sams"
            title = "Sam's things"

            [[topics]]
            id = "drinks"
            title = "Drinks"
            question = "What do you think about drinks?"
            scale = "like"
            cards = [
              { id = "mug", label = "My red mug", picture = "pictures/mug.jpg" },
              { id = "tea", label = "Tea", says = "a cup of tea" },
            ]
        "#;
        let set = SetText::from_toml(text).unwrap();
        assert_eq!(set.card("drinks", "tea").unwrap().spoken(), "a cup of tea");
        assert_eq!(set.files(), ["pictures/mug.jpg"]);
        let written = set.to_toml();
        assert!(!written.contains("clip"), "no empty fields: {written}");
        assert_eq!(SetText::from_toml(&written).unwrap(), set);
    }

    #[test]
    fn a_field_the_format_does_not_have_is_refused() {
        let text = "id = \"s\"\ntitle = \"S\"\ncolour = \"red\"\n";
        assert!(SetText::from_toml(text).is_err());
    }
}
