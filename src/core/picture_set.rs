//! A picture set: topics, their cards, and the scales they use, as described
//! by a family- and staff-editable TOML file (`set.toml`, see
//! `docs/picture-sets.md`). This module parses and checks the text; reading
//! the file and the pictures is `crate::library`'s job.

use std::collections::{BTreeMap, HashSet};

use super::ids::TopicId;
use super::scale::{parse_hex_colour, preset, Scale, ScalePoint, MAX_POINTS, MIN_POINTS, PRESETS};
use super::set_text::{Card, SetText, TopicText};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureSet {
    pub id: String,
    pub title: String,
    pub topics: Vec<Topic>,
    /// Topics that could not be used, each with why: for staff.
    pub set_aside: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub id: TopicId,
    pub title: String,
    /// Spoken when the topic starts: "What do you think about food?"
    pub question: String,
    pub picture: Option<String>,
    pub scale: Scale,
    pub cards: Vec<Card>,
    /// The set kept in the support plan this topic came from, with its
    /// version (`sams@3`), recorded with each mat on it; `None`: the
    /// kiosk's own set.
    pub from_set: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SetError {
    #[error("it is not valid TOML: {0}")]
    Syntax(String),
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
}

impl PictureSet {
    /// Parses and checks a set file's text. Every problem found is reported,
    /// not only the first, so whoever edits the file can fix them in one go.
    ///
    /// A problem with one topic (no cards, a scale of the wrong size, an
    /// unknown scale) sets that topic aside and is listed in `set_aside`;
    /// the other topics still work. Only a set with no usable topic at all,
    /// or a file that is not a set, is an error.
    pub fn from_toml(text: &str) -> Result<PictureSet, SetError> {
        let file = SetText::from_toml(text)
            .map_err(|e| SetError::Syntax(e.to_string().trim().to_string()))?;
        let mut set_aside = Vec::new();

        let mut scale_problems: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (id, scale) in &file.scales {
            let mut problems = Vec::new();
            check_scale(id, &scale.points, &mut problems);
            scale_problems.insert(id, problems);
        }
        if file.topics.is_empty() {
            return Err(SetError::Invalid(vec![
                "the set has no topics ([[topics]])".to_string(),
            ]));
        }

        let mut topic_ids = HashSet::new();
        let mut topics = Vec::new();
        for topic in &file.topics {
            let mut problems = Vec::new();
            if !topic_ids.insert(topic.id.clone()) {
                problems.push(format!("topic id \"{}\" is used twice", topic.id));
            }
            check_topic(topic, &mut problems);
            let scale = match file.scales.get(&topic.scale) {
                Some(own) => {
                    problems.extend(scale_problems[topic.scale.as_str()].iter().cloned());
                    Some(Scale {
                        id: topic.scale.clone(),
                        points: own.points.clone(),
                    })
                }
                None => preset(&topic.scale),
            };
            let Some(scale) = scale else {
                problems.push(format!(
                    "it uses scale \"{}\", which is neither built in ({}) nor defined under [scales]",
                    topic.scale,
                    PRESETS.join(", ")
                ));
                set_aside.push(topic_set_aside(&topic.id, &problems));
                continue;
            };
            if !problems.is_empty() {
                set_aside.push(topic_set_aside(&topic.id, &problems));
                continue;
            }
            topics.push(Topic {
                id: TopicId::new(topic.id.clone()),
                title: topic.title.clone(),
                question: topic.question.clone(),
                picture: topic.picture.clone(),
                scale,
                cards: topic.cards.clone(),
                from_set: None,
            });
        }

        if topics.is_empty() {
            return Err(SetError::Invalid(set_aside));
        }
        Ok(PictureSet {
            id: file.id,
            title: file.title,
            topics,
            set_aside,
        })
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }
}

fn topic_set_aside(id: &str, problems: &[String]) -> String {
    format!("topic \"{id}\" is set aside: {}", problems.join("; "))
}

fn check_scale(id: &str, points: &[ScalePoint], problems: &mut Vec<String>) {
    let n = points.len();
    if !(MIN_POINTS..=MAX_POINTS).contains(&n) {
        problems.push(format!(
            "scale \"{id}\" has {n} point{}; a scale needs {MIN_POINTS} to {MAX_POINTS}",
            if n == 1 { "" } else { "s" }
        ));
    }
    for point in points {
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

fn check_topic(topic: &TopicText, problems: &mut Vec<String>) {
    if topic.cards.is_empty() {
        problems.push("it has no cards".to_string());
    }
    let mut card_ids = HashSet::new();
    for card in &topic.cards {
        if !card_ids.insert(&card.id) {
            problems.push(format!("card id \"{}\" is used twice", card.id));
        }
        if card.label.trim().is_empty() {
            problems.push(format!("card \"{}\" has an empty label", card.id));
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
    fn a_topic_with_problems_is_set_aside_with_every_problem_named() {
        let text = SMALL_SET
            .replace("#b3261e", "red")
            .replace("{ id = \"cake\"", "{ id = \"tea\"")
            + r#"
            [[topics]]
            id = "drinks"
            title = "Drinks"
            question = "?"
            scale = "want"
            cards = [ { id = "water", label = "water" } ]
        "#;
        let set = PictureSet::from_toml(&text).unwrap();
        assert_eq!(set.topics.len(), 1, "the good topic still works");
        assert_eq!(set.topics[0].id, "drinks");
        let [problem] = &set.set_aside[..] else {
            panic!("{:?}", set.set_aside)
        };
        assert!(
            problem.starts_with("topic \"food\" is set aside"),
            "{problem}"
        );
        assert!(problem.contains("colour \"red\""), "{problem}");
        assert!(
            problem.contains("card id \"tea\" is used twice"),
            "{problem}"
        );
    }

    #[test]
    fn topics_use_built_in_scales_by_name_unless_the_set_defines_its_own() {
        let text = SMALL_SET.to_string()
            + r#"
            [[topics]]
            id = "feelings"
            title = "Feelings"
            question = "How do you feel about these?"
            scale = "calm"
            cards = [ { id = "dentist", label = "the dentist" } ]
        "#;
        let set = PictureSet::from_toml(&text).unwrap();
        let labels = |topic: &str| -> Vec<String> {
            let topic = set.topic(topic).unwrap();
            topic.scale.points.iter().map(|p| p.label.clone()).collect()
        };
        assert_eq!(labels("feelings"), ["calm", "unsure", "anxious"]);
        // The set's own "like" scale, not the built-in one.
        assert_eq!(
            set.topic("food").unwrap().scale.points[1].symbol,
            "unsure.svg"
        );
    }

    #[test]
    fn an_unknown_scale_or_a_topic_with_no_cards_is_set_aside() {
        let text = SMALL_SET.to_string()
            + r#"
            [[topics]]
            id = "empty"
            title = "Empty"
            question = "?"
            scale = "like"
            [[topics]]
            id = "smiles"
            title = "Smiles"
            question = "?"
            scale = "smileys"
            cards = [ { id = "a", label = "a" } ]
        "#;
        let set = PictureSet::from_toml(&text).unwrap();
        assert_eq!(set.topics.len(), 1);
        assert!(set.set_aside[0].contains("\"empty\" is set aside: it has no cards"));
        assert!(set.set_aside[1].contains("scale \"smileys\", which is neither built in"));
    }

    #[test]
    fn a_set_with_no_usable_topic_is_an_error() {
        let text = SMALL_SET.replace("scale = \"like\"\n", "scale = \"smileys\"\n");
        let err = PictureSet::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("\"food\" is set aside"), "{err}");
    }

    #[test]
    fn a_scale_needs_two_to_five_points() {
        let point = r##"{ label = "p", symbol = "p.svg", colour = "#000000", placed = "{card}", review = "{cards}" }"##;
        let with_points = |n: usize| {
            format!(
                "id = \"x\"\ntitle = \"x\"\n[scales.own]\npoints = [ {} ]\n\
                 [[topics]]\nid = \"t\"\ntitle = \"T\"\nquestion = \"?\"\nscale = \"own\"\n\
                 cards = [ {{ id = \"a\", label = \"a\" }} ]\n",
                vec![point; n].join(", ")
            )
        };
        let one = PictureSet::from_toml(&with_points(1))
            .unwrap_err()
            .to_string();
        assert!(one.contains("has 1 point; a scale needs 2 to 5"), "{one}");
        let six = PictureSet::from_toml(&with_points(6))
            .unwrap_err()
            .to_string();
        assert!(six.contains("has 6 points; a scale needs 2 to 5"), "{six}");
        for n in 2..=5 {
            assert!(PictureSet::from_toml(&with_points(n)).is_ok(), "{n} points");
        }
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
