//! "You said, we did": what staff did about something the person said, told
//! to them on the kiosk the next time they are chosen. It is told as a mat of
//! one card: the card they spoke about (its picture) with the words staff
//! wrote, on the scale of that card's topic, so the person can answer it
//! like any card, and that answer is evidence too (topic [`TOLD_BACK_TOPIC`], card
//! `action-<id>`).

use super::ids::{CardId, PersonId, TopicId};
use super::phrases::{Phrases, Prompt};
use super::picture_set::Topic;
use super::scale;
use super::set_text::Card;

/// The topic every "you said, we did" mat is kept under.
pub const TOLD_BACK_TOPIC: &str = "you-said-we-did";

/// One thing staff did, to tell one person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ToldBack {
    /// The support plan's action.
    pub action_id: i64,
    pub person_id: PersonId,
    /// The card the person spoke about.
    pub topic_id: TopicId,
    pub card_id: CardId,
    pub card_label: String,
    /// What they said about it when the action was made (a point's label).
    pub said_view: String,
    /// What staff wrote for them: "Jo found a new class: trampolining."
    pub words: String,
}

impl ToldBack {
    /// The card the person answers: the staff's words, with the picture of
    /// the card they spoke about.
    pub fn card_id_told(&self) -> CardId {
        CardId::new(format!("action-{}", self.action_id))
    }

    /// The mat that tells it, with the set's `topics` to find the card's
    /// picture and scale (the "like" scale if the topic has gone since).
    pub fn as_topic(&self, topics: &[Topic], phrases: &Phrases) -> Topic {
        let original = topics.iter().find(|t| t.id == self.topic_id);
        let scale = original.map_or_else(
            || scale::preset("like").expect("the like scale is built in"),
            |t| t.scale.clone(),
        );
        let picture = original
            .and_then(|t| t.cards.iter().find(|c| c.id == self.card_id))
            .and_then(|c| c.picture.clone());
        let what = match scale.points.iter().find(|p| p.label == self.said_view) {
            Some(point) => lower_first(
                point
                    .review_phrase(&[self.card_label.as_str()])
                    .trim_end_matches('.'),
            ),
            None => format!("\"{}\" about {}", self.said_view, self.card_label),
        };
        Topic {
            id: TopicId::new(TOLD_BACK_TOPIC),
            title: phrases.get(Prompt::YouSaidWeDid).text.clone(),
            question: phrases.get(Prompt::YouSaid).text.replace("{what}", &what),
            picture: None,
            scale,
            cards: vec![Card {
                id: self.card_id_told(),
                label: self.words.clone(),
                picture,
                clip: None,
                says: None,
            }],
            from_set: original.and_then(|t| t.from_set.clone()),
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::picture_set::tests::small_set;

    fn told_back(said_view: &str) -> ToldBack {
        ToldBack {
            action_id: 7,
            person_id: PersonId::new("alex"),
            topic_id: TopicId::new("food"),
            card_id: CardId::new("tea"),
            card_label: "tea".into(),
            said_view: said_view.into(),
            words: "Jo makes it with oat milk now".into(),
        }
    }

    #[test]
    fn the_mat_says_what_the_person_said_and_shows_the_staffs_words_on_their_card() {
        let set = small_set();
        let topic = told_back("don't like").as_topic(&set.topics, &Phrases::default());
        assert_eq!(topic.id.as_str(), TOLD_BACK_TOPIC);
        assert_eq!(topic.title, "You said, we did");
        assert_eq!(topic.question, "You said you don't like tea.");
        let [card] = &topic.cards[..] else {
            panic!("one card")
        };
        assert_eq!(card.id.as_str(), "action-7");
        assert_eq!(card.label, "Jo makes it with oat milk now");
        let food = set.topic("food").unwrap();
        assert_eq!(topic.scale, food.scale, "answered on the card's own scale");
        assert_eq!(
            card.picture,
            food.cards
                .iter()
                .find(|c| c.id.as_str() == "tea")
                .unwrap()
                .picture
        );
    }

    #[test]
    fn a_view_or_topic_no_longer_in_the_set_is_still_told() {
        let mut gone = told_back("loved it");
        gone.topic_id = TopicId::new("holidays");
        let topic = gone.as_topic(&small_set().topics, &Phrases::default());
        assert_eq!(topic.question, "You said \"loved it\" about tea.");
        assert_eq!(topic.scale.points.len(), 3, "the like scale");
        assert_eq!(topic.cards[0].picture, None);
    }
}
