//! Changing a set file's text ([`SetText`]) the way a family member does
//! from a phone: topics and cards added, changed, moved and removed,
//! scales of their own, and every problem found, said next to the topic
//! or card that has it. No I/O: the plan keeps the versions, the web app
//! carries the forms.

use std::collections::BTreeMap;

use super::picture_set::PictureSet;
use super::scale::{ScalePoint, PRESETS};
use super::set_text::{Card, ScaleText, SetText, TopicText};
use super::CardId;

/// At most this many topics in a set, and cards in a topic.
pub const MAX_TOPICS: usize = 40;
pub const MAX_CARDS: usize = 60;
/// Longest label, title or spoken text, in characters.
pub const MAX_TEXT: usize = 120;

/// The pictures a scale of the family's own can show above each choice
/// (sayso's own symbols), with the colour each is drawn on and what it
/// shows, for the form.
pub const OWN_SCALE_SYMBOLS: [(&str, &str, &str); 15] = [
    ("like", "#1b7f3b", "thumb up"),
    ("not-sure", "#8a5a00", "thinking face"),
    ("dont-like", "#b3261e", "thumb down"),
    ("want", "#1b7f3b", "hand reaching"),
    ("sometimes", "#8a5a00", "sometimes"),
    ("dont-want", "#b3261e", "hand pushing away"),
    ("very-important", "#5b2a86", "three stars"),
    ("quite-important", "#1f5f8b", "one star"),
    ("not-important", "#5a5a5a", "no star"),
    ("going-well", "#1b7f3b", "sun"),
    ("so-so", "#8a5a00", "cloud and sun"),
    ("not-going-well", "#b3261e", "rain cloud"),
    ("calm", "#1f5f8b", "calm face"),
    ("unsure", "#8a5a00", "unsure face"),
    ("anxious", "#8a1c4a", "worried face"),
];

/// Up or down a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

/// Why a change was not made, said for the family member who made it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("Please give {0}.")]
    Missing(&'static str),
    #[error("That is too long: {0} can have at most {MAX_TEXT} letters.")]
    TooLong(&'static str),
    #[error("A set can have at most {MAX_TOPICS} topics.")]
    TooManyTopics,
    #[error("A topic can have at most {MAX_CARDS} cards.")]
    TooManyCards,
    #[error("That topic is not in this set any more (someone may have changed it meanwhile).")]
    NoSuchTopic,
    #[error("That card is not in this topic any more (someone may have changed it meanwhile).")]
    NoSuchCard,
    #[error("Choose one of the scales offered.")]
    UnknownScale,
    #[error("Give from 2 to 5 choices, each with its words.")]
    ScalePoints,
    #[error("Choose one of the pictures offered for each choice.")]
    UnknownSymbol,
    #[error("This set file cannot be changed here: {0}")]
    NotEditable(String),
}

impl From<toml::de::Error> for EditError {
    fn from(e: toml::de::Error) -> EditError {
        EditError::NotEditable(e.message().to_string())
    }
}

/// What is wrong with a set, next to what has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetProblems {
    /// About the whole set.
    pub set: Vec<String>,
    /// By topic id.
    pub topics: BTreeMap<String, Vec<String>>,
}

impl SetProblems {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.topics.values().all(Vec::is_empty)
    }

    pub fn of_topic(&self, id: &str) -> &[String] {
        self.topics.get(id).map_or(&[], Vec::as_slice)
    }
}

fn text(what: &'static str, value: &str) -> Result<String, EditError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(EditError::Missing(what));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(EditError::TooLong(what));
    }
    // Control characters have no place in a label a kiosk shows and speaks.
    Ok(value.chars().filter(|c| !c.is_control()).collect())
}

fn optional_text(what: &'static str, value: &str) -> Result<Option<String>, EditError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        text(what, value).map(Some)
    }
}

/// An id for the set file and a file name: lowercase letters, digits and
/// dashes only, whatever the photo was called.
pub fn card_id_from(stem: &str) -> String {
    let mut id = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "photo".to_string()
    } else {
        id.chars().take(40).collect()
    }
}

/// `id`, or `id-2`, `id-3`… if it is taken.
pub fn fresh_id(id: &str, taken: &[String]) -> String {
    let free = |candidate: &str| !taken.iter().any(|t| t == candidate);
    if free(id) {
        return id.to_string();
    }
    (2..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| free(candidate))
        .expect("a free number")
}

fn moved<T>(items: &mut [T], index: usize, direction: Move) {
    match direction {
        Move::Up if index > 0 => items.swap(index, index - 1),
        Move::Down if index + 1 < items.len() => items.swap(index, index + 1),
        _ => {}
    }
}

impl SetText {
    pub fn new(id: &str, title: &str) -> Result<SetText, EditError> {
        Ok(SetText {
            id: id.to_string(),
            title: text("the set a name", title)?,
            scales: BTreeMap::new(),
            topics: Vec::new(),
        })
    }

    fn topic_index(&self, id: &str) -> Result<usize, EditError> {
        self.topics
            .iter()
            .position(|t| t.id == id)
            .ok_or(EditError::NoSuchTopic)
    }

    fn topic_mut(&mut self, id: &str) -> Result<&mut TopicText, EditError> {
        let index = self.topic_index(id)?;
        Ok(&mut self.topics[index])
    }

    /// A topic, and where its card is in it.
    fn card_index(
        &mut self,
        topic: &str,
        card: &str,
    ) -> Result<(&mut TopicText, usize), EditError> {
        let topic = self.topic_mut(topic)?;
        let index = topic
            .cards
            .iter()
            .position(|c| c.id == card)
            .ok_or(EditError::NoSuchCard)?;
        Ok((topic, index))
    }

    fn check_scale(&self, scale: &str) -> Result<(), EditError> {
        if PRESETS.contains(&scale) || self.scales.contains_key(scale) {
            Ok(())
        } else {
            Err(EditError::UnknownScale)
        }
    }

    /// Adds a scale of the family's own: from 2 to 5 choices, left to
    /// right, each its words and one of [`OWN_SCALE_SYMBOLS`]; returns its
    /// id, for topics to use.
    pub fn add_own_scale(&mut self, choices: &[(String, String)]) -> Result<String, EditError> {
        let mut points = Vec::new();
        for (label, symbol) in choices.iter().filter(|(label, _)| !label.trim().is_empty()) {
            let label = text("each choice its words", label)?;
            let (stem, colour, _) = OWN_SCALE_SYMBOLS
                .iter()
                .find(|(stem, _, _)| stem == symbol)
                .ok_or(EditError::UnknownSymbol)?;
            points.push(ScalePoint {
                placed: format!("{{card}}: {label}."),
                review: format!("{label}: {{cards}}."),
                label,
                symbol: format!("{}scales/{stem}.svg", crate::core::scale::BUNDLED),
                colour: colour.to_string(),
            });
        }
        if !(crate::core::scale::MIN_POINTS..=crate::core::scale::MAX_POINTS)
            .contains(&points.len())
        {
            return Err(EditError::ScalePoints);
        }
        let taken: Vec<String> = self.scales.keys().cloned().collect();
        let id = fresh_id("own", &taken);
        self.scales.insert(id.clone(), ScaleText { points });
        Ok(id)
    }

    /// A scale's choices as they read, left to right: "like / not sure".
    pub fn scale_words(&self, scale: &str) -> String {
        let labels: Vec<String> = match self.scales.get(scale) {
            Some(own) => own.points.iter().map(|p| p.label.clone()).collect(),
            None => crate::core::scale::preset(scale)
                .map(|s| s.points.into_iter().map(|p| p.label).collect())
                .unwrap_or_else(|| vec![scale.to_string()]),
        };
        labels.join(" / ")
    }

    /// Adds a topic at the end; returns its id.
    pub fn add_topic(
        &mut self,
        title: &str,
        question: &str,
        scale: &str,
    ) -> Result<String, EditError> {
        if self.topics.len() >= MAX_TOPICS {
            return Err(EditError::TooManyTopics);
        }
        let title = text("the topic a title", title)?;
        let question = match optional_text("the question", question)? {
            Some(question) => question,
            None => format!("What do you think about {}?", in_a_sentence(&title)),
        };
        self.check_scale(scale)?;
        let taken: Vec<String> = self.topics.iter().map(|t| t.id.clone()).collect();
        let id = fresh_id(&card_id_from(&title), &taken);
        self.topics.push(TopicText {
            id: id.clone(),
            title,
            question,
            picture: None,
            scale: scale.to_string(),
            cards: Vec::new(),
        });
        Ok(id)
    }

    pub fn change_topic(
        &mut self,
        id: &str,
        title: &str,
        question: &str,
        scale: &str,
    ) -> Result<(), EditError> {
        let title = text("the topic a title", title)?;
        let question = text("the question", question)?;
        self.check_scale(scale)?;
        let topic = self.topic_mut(id)?;
        topic.title = title;
        topic.question = question;
        topic.scale = scale.to_string();
        Ok(())
    }

    pub fn set_topic_picture(
        &mut self,
        id: &str,
        picture: Option<String>,
    ) -> Result<(), EditError> {
        self.topic_mut(id)?.picture = picture;
        Ok(())
    }

    pub fn move_topic(&mut self, id: &str, direction: Move) -> Result<(), EditError> {
        let index = self.topic_index(id)?;
        moved(&mut self.topics, index, direction);
        Ok(())
    }

    pub fn remove_topic(&mut self, id: &str) -> Result<TopicText, EditError> {
        let index = self.topic_index(id)?;
        Ok(self.topics.remove(index))
    }

    /// Adds a card at the end of a topic; returns its id.
    pub fn add_card(
        &mut self,
        topic: &str,
        label: &str,
        says: &str,
        picture: Option<String>,
    ) -> Result<String, EditError> {
        let label = text("the card a label", label)?;
        let says = optional_text("what is said", says)?;
        let topic = self.topic_mut(topic)?;
        if topic.cards.len() >= MAX_CARDS {
            return Err(EditError::TooManyCards);
        }
        let taken: Vec<String> = topic.cards.iter().map(|c| c.id.to_string()).collect();
        let id = fresh_id(&card_id_from(&label), &taken);
        topic.cards.push(Card {
            id: CardId::new(id.clone()),
            label,
            picture,
            clip: None,
            says,
        });
        Ok(id)
    }

    fn card_mut(&mut self, topic: &str, card: &str) -> Result<&mut Card, EditError> {
        let (topic, index) = self.card_index(topic, card)?;
        Ok(&mut topic.cards[index])
    }

    pub fn change_card(
        &mut self,
        topic: &str,
        card: &str,
        label: &str,
        says: &str,
    ) -> Result<(), EditError> {
        let label = text("the card a label", label)?;
        let says = optional_text("what is said", says)?;
        let card = self.card_mut(topic, card)?;
        card.label = label;
        card.says = says;
        Ok(())
    }

    pub fn set_card_picture(
        &mut self,
        topic: &str,
        card: &str,
        picture: Option<String>,
    ) -> Result<(), EditError> {
        self.card_mut(topic, card)?.picture = picture;
        Ok(())
    }

    pub fn set_card_clip(
        &mut self,
        topic: &str,
        card: &str,
        clip: Option<String>,
    ) -> Result<(), EditError> {
        self.card_mut(topic, card)?.clip = clip;
        Ok(())
    }

    pub fn move_card(&mut self, topic: &str, card: &str, direction: Move) -> Result<(), EditError> {
        let (topic, index) = self.card_index(topic, card)?;
        moved(&mut topic.cards, index, direction);
        Ok(())
    }

    pub fn remove_card(&mut self, topic: &str, card: &str) -> Result<Card, EditError> {
        let (topic, index) = self.card_index(topic, card)?;
        Ok(topic.cards.remove(index))
    }

    /// Checks the set the way `sayso check` does, each topic on its own so
    /// its problems are said next to it; `has_file` says whether a named
    /// picture or clip is there.
    pub fn problems(&self, has_file: impl Fn(&str) -> bool) -> SetProblems {
        let mut problems = SetProblems::default();
        if self.topics.is_empty() {
            problems
                .set
                .push("Add a topic: the kiosk shows this set once it has one with cards.".into());
        }
        for topic in &self.topics {
            let mut found = Vec::new();
            let alone = SetText {
                topics: vec![topic.clone()],
                ..self.clone()
            };
            match PictureSet::from_toml(&alone.to_toml()) {
                Ok(set) => found.extend(set.set_aside.iter().flat_map(|p| plain(p, &topic.id))),
                Err(e) => found.extend(plain(&e.to_string(), &topic.id)),
            }
            for card in &topic.cards {
                for (what, file) in [("picture", &card.picture), ("recording", &card.clip)] {
                    if let Some(file) = file.as_deref().filter(|f| !has_file(f)) {
                        found.push(format!(
                            "The {what} of \"{}\" is missing ({file}).",
                            card.label
                        ));
                    }
                }
            }
            problems.topics.insert(topic.id.clone(), found);
        }
        problems
    }
}

/// Problems as `sayso check` says them, one by one and without the
/// topic's id in front (they are shown next to the topic).
fn plain(problem: &str, topic_id: &str) -> Vec<String> {
    let problem = problem
        .strip_prefix(&format!("topic \"{topic_id}\" is set aside: "))
        .unwrap_or(problem);
    problem
        .split("; ")
        .map(|one| match one {
            "it has no cards" => {
                "It has no cards yet: add one, and the kiosk offers this topic.".to_string()
            }
            other => {
                let mut chars = other.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        })
        .collect()
}

/// A title as it reads inside a sentence: only its first letter is made
/// small, and only when its first word is an ordinary one ("My things" →
/// "my things"); every other capital the family wrote stays ("Visiting Mum",
/// "TV").
fn in_a_sentence(title: &str) -> String {
    let first_word = title.split_whitespace().next().unwrap_or("");
    let ordinary = first_word.chars().skip(1).all(|c| !c.is_uppercase());
    let mut chars = title.chars();
    match chars.next() {
        Some(first) if ordinary => first.to_lowercase().chain(chars).collect(),
        _ => title.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sams() -> SetText {
        let mut set = SetText::new("sams", "Sam's things").unwrap();
        let drinks = set.add_topic("Drinks", "", "like").unwrap();
        set.add_card(&drinks, "My red mug", "", Some("pictures/mug.jpg".into()))
            .unwrap();
        set.add_card(&drinks, "Tea", "a cup of tea", None).unwrap();
        set
    }

    #[test]
    fn a_set_made_here_is_an_ordinary_set_file_that_loads() {
        let set = sams();
        let loaded = PictureSet::from_toml(&set.to_toml()).unwrap();
        assert_eq!(loaded.topics[0].question, "What do you think about drinks?");
        assert_eq!(loaded.topics[0].cards[1].spoken(), "a cup of tea");
        assert_eq!(SetText::from_toml(&set.to_toml()).unwrap(), set);
    }

    #[test]
    fn a_made_up_question_keeps_the_familys_capitals() {
        let mut set = SetText::new("sams", "Sam's things").unwrap();
        for (title, question) in [
            ("Visiting Mum", "What do you think about visiting Mum?"),
            ("TV", "What do you think about TV?"),
            ("My things", "What do you think about my things?"),
        ] {
            let id = set.add_topic(title, "", "like").unwrap();
            let topic = set.topics.iter().find(|t| t.id == id).unwrap();
            assert_eq!(topic.question, question);
        }
    }

    #[test]
    fn cards_and_topics_move_and_go_and_ids_stay_unique() {
        let mut set = sams();
        let second = set.add_topic("Drinks", "", "want").unwrap();
        assert_ne!(second, "drinks");
        set.move_topic(&second, Move::Up).unwrap();
        assert_eq!(set.topics[0].id, second);
        set.move_topic(&second, Move::Up).unwrap();
        assert_eq!(set.topics[0].id, second, "the first stays first");
        set.move_card("drinks", "tea", Move::Up).unwrap();
        assert_eq!(set.topics[1].cards[0].label, "Tea");
        let removed = set.remove_card("drinks", "tea").unwrap();
        assert_eq!(removed.label, "Tea");
        assert_eq!(set.remove_card("drinks", "tea"), Err(EditError::NoSuchCard));
        assert_eq!(set.remove_topic("nothing"), Err(EditError::NoSuchTopic));
    }

    #[test]
    fn bad_input_is_refused_in_plain_words() {
        let mut set = sams();
        assert_eq!(
            set.add_card("drinks", "   ", "", None),
            Err(EditError::Missing("the card a label"))
        );
        assert_eq!(
            set.add_card("drinks", &"x".repeat(MAX_TEXT + 1), "", None),
            Err(EditError::TooLong("the card a label"))
        );
        assert_eq!(
            set.add_topic("Walks", "", "made-up"),
            Err(EditError::UnknownScale)
        );
        for n in 0..MAX_CARDS - 2 {
            set.add_card("drinks", &format!("cup {n}"), "", None)
                .unwrap();
        }
        assert_eq!(
            set.add_card("drinks", "one more", "", None),
            Err(EditError::TooManyCards)
        );
        let id = set.add_card("drinks", "x", "", None);
        assert!(id.is_err());
        let label = set.topics[0].cards[0].label.clone();
        set.change_card("drinks", "my-red-mug", "Red\u{7}mug", "")
            .unwrap();
        assert_ne!(label, set.topics[0].cards[0].label);
        assert_eq!(set.topics[0].cards[0].label, "Redmug");
    }

    #[test]
    fn a_scale_of_their_own_has_2_to_5_choices_and_loads_as_a_set() {
        let mut set = sams();
        let two = |a: &str, b: &str| {
            vec![
                (a.to_string(), "want".to_string()),
                (b.to_string(), "dont-want".to_string()),
                (String::new(), String::new()),
            ]
        };
        let own = set.add_own_scale(&two("go", "stay home")).unwrap();
        let walks = set.add_topic("Walks", "", &own).unwrap();
        set.add_card(&walks, "the park", "", None).unwrap();
        let loaded = PictureSet::from_toml(&set.to_toml()).unwrap();
        let scale = &loaded.topic(&walks).unwrap().scale;
        assert_eq!(scale.points.len(), 2);
        assert_eq!(
            scale.points[1].placed_phrase("the park"),
            "the park: stay home."
        );
        assert_eq!(set.scale_words(&own), "go / stay home");
        assert_eq!(
            set.add_own_scale(&two("only one", "")),
            Err(EditError::ScalePoints)
        );
        let six: Vec<(String, String)> = (0..6).map(|n| (n.to_string(), "like".into())).collect();
        assert_eq!(set.add_own_scale(&six), Err(EditError::ScalePoints));
        assert_eq!(
            set.add_own_scale(&[("a".into(), "../x".into()), ("b".into(), "like".into())]),
            Err(EditError::UnknownSymbol)
        );
    }

    #[test]
    fn problems_are_said_next_to_the_topic_that_has_them() {
        let mut set = sams();
        let walks = set.add_topic("Walks", "", "like").unwrap();
        let problems = set.problems(|file| file == "pictures/mug.jpg");
        assert!(problems.set.is_empty());
        assert!(problems.of_topic("drinks").is_empty(), "{problems:?}");
        assert_eq!(
            problems.of_topic(&walks),
            ["It has no cards yet: add one, and the kiosk offers this topic."]
        );
        set.set_card_clip("drinks", "tea", Some("clips/tea.wav".into()))
            .unwrap();
        let problems = set.problems(|file| file == "pictures/mug.jpg");
        assert_eq!(
            problems.of_topic("drinks"),
            ["The recording of \"Tea\" is missing (clips/tea.wav)."]
        );
        assert!(
            SetText::new("empty", "Empty")
                .unwrap()
                .problems(|_| true)
                .set
                .len()
                == 1
        );
    }
}
