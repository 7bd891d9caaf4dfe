//! A picture set: topics, their cards, and the scales they use, as described
//! by a family- and staff-editable TOML file (`set.toml`, see
//! `docs/picture-sets.md`). This module parses and checks the text; reading
//! the file and the pictures is `crate::library`'s job.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::scale::{parse_hex_colour, Scale, ScalePoint, MAX_POINTS, MIN_POINTS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureSet {
    pub id: String,
    pub title: String,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: String,
    pub title: String,
    /// Spoken when the topic starts: "What do you think about food?"
    pub question: String,
    pub picture: Option<String>,
    pub scale: Scale,
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Card {
    pub id: String,
    /// Shown under the picture and spoken, unless `says` is given.
    pub label: String,
    /// Picture file, relative to the set folder.
    pub picture: Option<String>,
    /// A recorded clip (e.g. a family member's voice), relative to the set folder.
    pub clip: Option<String>,
    /// What to speak, when it should differ from the label.
    pub says: Option<String>,
}

impl Card {
    pub fn spoken(&self) -> &str {
        self.says.as_deref().unwrap_or(&self.label)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SetError {
    #[error("it is not valid TOML: {0}")]
    Syntax(String),
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFile {
    id: String,
    title: String,
    #[serde(default)]
    scales: BTreeMap<String, ScaleFile>,
    #[serde(default)]
    topics: Vec<TopicFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleFile {
    points: Vec<ScalePoint>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicFile {
    id: String,
    title: String,
    question: String,
    picture: Option<String>,
    scale: String,
    #[serde(default)]
    cards: Vec<Card>,
}

impl PictureSet {
    /// Parses and checks a set file's text. Every problem found is reported,
    /// not only the first, so whoever edits the file can fix them in one go.
    pub fn from_toml(text: &str) -> Result<PictureSet, SetError> {
        let file: SetFile =
            toml::from_str(text).map_err(|e| SetError::Syntax(e.to_string().trim().to_string()))?;
        let mut problems = Vec::new();

        for (id, scale) in &file.scales {
            check_scale(id, scale, &mut problems);
        }
        if file.topics.is_empty() {
            problems.push("the set has no topics ([[topics]])".to_string());
        }

        let mut topic_ids = HashSet::new();
        let mut topics = Vec::new();
        for topic in file.topics {
            if !topic_ids.insert(topic.id.clone()) {
                problems.push(format!("topic id \"{}\" is used twice", topic.id));
            }
            check_topic(&topic, &mut problems);
            let Some(scale) = file.scales.get(&topic.scale) else {
                problems.push(format!(
                    "topic \"{}\" uses scale \"{}\", which is not defined under [scales]",
                    topic.id, topic.scale
                ));
                continue;
            };
            topics.push(Topic {
                id: topic.id,
                title: topic.title,
                question: topic.question,
                picture: topic.picture,
                scale: Scale {
                    id: topic.scale,
                    points: scale.points.clone(),
                },
                cards: topic.cards,
            });
        }

        if problems.is_empty() {
            Ok(PictureSet {
                id: file.id,
                title: file.title,
                topics,
            })
        } else {
            Err(SetError::Invalid(problems))
        }
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }
}

fn check_scale(id: &str, scale: &ScaleFile, problems: &mut Vec<String>) {
    let n = scale.points.len();
    if !(MIN_POINTS..=MAX_POINTS).contains(&n) {
        problems.push(format!(
            "scale \"{id}\" has {n} points; a scale needs {MIN_POINTS} to {MAX_POINTS}"
        ));
    }
    for point in &scale.points {
        if parse_hex_colour(&point.colour).is_none() {
            problems.push(format!(
                "scale \"{id}\", point \"{}\": colour \"{}\" is not like #1b7f3b",
                point.label, point.colour
            ));
        }
        if !point.placed.contains("{card}") {
            problems.push(format!(
                "scale \"{id}\", point \"{}\": `placed` must contain {{card}}",
                point.label
            ));
        }
        if !point.review.contains("{cards}") {
            problems.push(format!(
                "scale \"{id}\", point \"{}\": `review` must contain {{cards}}",
                point.label
            ));
        }
    }
}

fn check_topic(topic: &TopicFile, problems: &mut Vec<String>) {
    if topic.cards.is_empty() {
        problems.push(format!("topic \"{}\" has no cards", topic.id));
    }
    let mut card_ids = HashSet::new();
    for card in &topic.cards {
        if !card_ids.insert(&card.id) {
            problems.push(format!(
                "topic \"{}\": card id \"{}\" is used twice",
                topic.id, card.id
            ));
        }
        if card.label.trim().is_empty() {
            problems.push(format!(
                "topic \"{}\": card \"{}\" has an empty label",
                topic.id, card.id
            ));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SMALL_SET: &str = r##"
        id = "test"
        title = "Test set"

        [scales.like]
        points = [
          { label = "like", symbol = "like.svg", colour = "#1b7f3b", placed = "I like {card}.", review = "You like {cards}." },
          { label = "not sure", symbol = "unsure.svg", colour = "#8a5a00", placed = "I'm not sure about {card}.", review = "You're not sure about {cards}." },
          { label = "don't like", symbol = "dislike.svg", colour = "#b3261e", placed = "I don't like {card}.", review = "You don't like {cards}." },
        ]

        [[topics]]
        id = "food"
        title = "Food"
        question = "What do you think about food?"
        scale = "like"
        cards = [
          { id = "tea", label = "tea" },
          { id = "cake", label = "cake", clip = "cake.wav" },
          { id = "pizza", label = "pizza", says = "a pizza" },
        ]
    "##;

    pub(crate) fn small_set() -> PictureSet {
        PictureSet::from_toml(SMALL_SET).expect("the test set parses")
    }

    #[test]
    fn a_valid_set_parses_with_its_scale_attached_to_each_topic() {
        let set = small_set();
        let food = set.topic("food").unwrap();
        assert_eq!(food.scale.points.len(), 3);
        assert_eq!(food.cards[1].clip.as_deref(), Some("cake.wav"));
        assert_eq!(food.cards[2].spoken(), "a pizza");
    }

    #[test]
    fn toml_syntax_errors_say_where() {
        let err = PictureSet::from_toml("id = \"x\"\ntitle = ").unwrap_err();
        let SetError::Syntax(message) = err else {
            panic!("expected a syntax error")
        };
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = SMALL_SET
            .replace("scale = \"like\"", "scale = \"smileys\"")
            .replace("#b3261e", "red")
            .replace("{ id = \"cake\"", "{ id = \"tea\"");
        let err = PictureSet::from_toml(&text).unwrap_err().to_string();
        assert!(
            err.contains("scale \"smileys\", which is not defined"),
            "{err}"
        );
        assert!(err.contains("colour \"red\""), "{err}");
        assert!(err.contains("card id \"tea\" is used twice"), "{err}");
    }

    #[test]
    fn a_scale_needs_two_to_five_points() {
        let one_point = r##"
            id = "x"
            title = "x"
            [scales.one]
            points = [ { label = "yes", symbol = "y.svg", colour = "#000000", placed = "{card}", review = "{cards}" } ]
            [[topics]]
            id = "t"
            title = "T"
            question = "?"
            scale = "one"
            cards = [ { id = "a", label = "a" } ]
        "##;
        let err = PictureSet::from_toml(one_point).unwrap_err().to_string();
        assert!(err.contains("has 1 points; a scale needs 2 to 5"), "{err}");
    }

    #[test]
    fn unknown_fields_are_rejected_rather_than_ignored() {
        let text = SMALL_SET.replace("says = \"a pizza\"", "sayz = \"a pizza\"");
        assert!(matches!(
            PictureSet::from_toml(&text),
            Err(SetError::Syntax(_))
        ));
    }
}
