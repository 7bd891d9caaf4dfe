//! A question for the whole house ("What shall we plant in the garden?"):
//! what staff must give for one to be asked, and what its answers come to
//! for the residents' meeting. Each resident answers alone, on the kiosk, as
//! a mat on the question's own topic (`house-<id>`); here those mats are
//! counted, the newest of each resident's counting once, and every count
//! under three people is hidden, so that nobody's answer can be told from
//! the page unless they agreed to be named.

use chrono::{DateTime, Utc};

use super::ids::{CardId, PersonId, SessionId};
use super::scale;
use super::set_edit::{card_id_from, fresh_id};

/// Counts below this are not shown: with two people in a cell, each of
/// them knows what the other said.
pub const FEWEST_SHOWN: usize = 3;
/// Cards a question may have: one mat's worth.
pub const MOST_CARDS: usize = 12;
pub const MOST_TITLE_CHARS: usize = 80;
pub const MOST_QUESTION_CHARS: usize = 200;
pub const MOST_CARD_CHARS: usize = 60;
/// Topic ids of house questions start with this, so that the kiosk, sync
/// and the plan tell a question's mats from a set's.
pub const TOPIC_PREFIX: &str = "house-";

/// The topic a question is answered under on the kiosk.
pub fn topic_of(question: &str) -> String {
    format!("{TOPIC_PREFIX}{question}")
}

/// A question as staff made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuestion {
    /// Short, for lists and the report: "The garden".
    pub title: String,
    /// Spoken and shown at the start: "What shall we plant in the garden?"
    pub question: String,
    /// One of the built-in scales, the same for everyone (`scale::PRESETS`).
    pub scale: String,
    /// The cards' words, in the order they are offered.
    pub cards: Vec<String>,
    /// Who it is for.
    pub people: Vec<PersonId>,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
    /// The question this one asks again, for the change since then.
    pub asks_again: Option<String>,
}

/// A question as a kiosk takes it: only while its window is still to close,
/// with only the residents of that kiosk, its cards not taken off.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct QuestionForKiosk {
    pub id: String,
    pub title: String,
    pub question: String,
    pub scale: String,
    pub cards: Vec<KioskCard>,
    pub people: Vec<PersonId>,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KioskCard {
    pub id: CardId,
    pub label: String,
    /// Its picture's file name as the plan names it (`HASH.jpg`), if it has
    /// one; the kiosk keeps it beside the questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
}

impl QuestionForKiosk {
    /// The question as a topic of the kiosk: asked with its own words, on
    /// its one scale, its cards shown with their words.
    pub fn topic(&self) -> Option<super::Topic> {
        Some(super::Topic {
            id: super::TopicId::new(topic_of(&self.id)),
            title: self.title.clone(),
            question: self.question.clone(),
            picture: Some(HOUSE_PICTURE.to_string()),
            scale: scale::preset(&self.scale)?,
            cards: self
                .cards
                .iter()
                .map(|c| super::Card {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    picture: None,
                    clip: None,
                    says: None,
                })
                .collect(),
            from_set: Some(HOUSE_SET.to_string()),
        })
    }

    /// When it is offered, as a check-in that happens once.
    pub fn window(&self) -> super::schedule::OnceWindow {
        super::schedule::OnceWindow {
            topic: topic_of(&self.id),
            opens: self.opens,
            closes: self.closes,
        }
    }
}

/// The picture of every house question on a person's topics.
pub const HOUSE_PICTURE: &str = "bundled:the-house.svg";

/// What a mat on a house question records as its set.
pub const HOUSE_SET: &str = "house";

/// Why a question cannot be asked, in words for the manager making it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionRefused {
    #[error("Give the question a short title (at most {MOST_TITLE_CHARS} characters).")]
    Title,
    #[error("Write the question the kiosk asks (at most {MOST_QUESTION_CHARS} characters).")]
    Question,
    #[error("\"{0}\" is not one of the scales sayso knows.")]
    Scale(String),
    #[error("A question needs at least one card: write each one on a line of its own.")]
    NoCards,
    #[error("A question can have at most {MOST_CARDS} cards; it has {0}.")]
    TooManyCards(usize),
    #[error("A card's words are at most {MOST_CARD_CHARS} characters: \"{0}…\" is longer.")]
    CardTooLong(String),
    #[error("Two cards say \"{0}\": each card needs words of its own.")]
    SameCardTwice(String),
    #[error("Choose at least one resident to ask.")]
    NoPeople,
    #[error("The window closes before it opens: choose a closing day after the opening day.")]
    WindowBackwards,
    #[error("The window has already closed: choose a closing day that is still to come.")]
    WindowPast,
}

/// A card of a question: its id is made from its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionCard {
    pub id: CardId,
    pub label: String,
    /// Taken off after answers came in: its answers stay counted.
    pub removed: bool,
    /// Its picture in the plan (a hash), once staff gave it one.
    pub picture: Option<String>,
}

impl NewQuestion {
    /// The question's cards once checked, or why it cannot be asked.
    pub fn check(&self, now: DateTime<Utc>) -> Result<Vec<QuestionCard>, QuestionRefused> {
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MOST_TITLE_CHARS {
            return Err(QuestionRefused::Title);
        }
        let question = self.question.trim();
        if question.is_empty() || question.chars().count() > MOST_QUESTION_CHARS {
            return Err(QuestionRefused::Question);
        }
        if scale::preset(&self.scale).is_none() {
            return Err(QuestionRefused::Scale(self.scale.clone()));
        }
        let labels: Vec<&str> = self
            .cards
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        if labels.is_empty() {
            return Err(QuestionRefused::NoCards);
        }
        if labels.len() > MOST_CARDS {
            return Err(QuestionRefused::TooManyCards(labels.len()));
        }
        let mut cards: Vec<QuestionCard> = Vec::new();
        for label in labels {
            if label.chars().count() > MOST_CARD_CHARS {
                let start: String = label.chars().take(20).collect();
                return Err(QuestionRefused::CardTooLong(start));
            }
            if cards
                .iter()
                .any(|c| c.label.to_lowercase() == label.to_lowercase())
            {
                return Err(QuestionRefused::SameCardTwice(label.to_string()));
            }
            // Words in any script make a card: where they give no letters
            // for an id ("ٹماٹر"), the card is numbered.
            let base = match card_id_from(label) {
                id if id == "photo" => "card".to_string(),
                id => id,
            };
            let taken: Vec<String> = cards.iter().map(|c| c.id.to_string()).collect();
            cards.push(QuestionCard {
                id: CardId::new(fresh_id(&base, &taken)),
                label: label.to_string(),
                removed: false,
                picture: None,
            });
        }
        if self.people.is_empty() {
            return Err(QuestionRefused::NoPeople);
        }
        if self.closes <= self.opens {
            return Err(QuestionRefused::WindowBackwards);
        }
        if self.closes <= now {
            return Err(QuestionRefused::WindowPast);
        }
        Ok(cards)
    }
}

/// One resident's finished mat on a question, as the plan keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseAnswer {
    pub person: PersonId,
    pub session: SessionId,
    pub finished_at: DateTime<Utc>,
    /// A supporter helped with the mat.
    pub helped: bool,
    pub placements: Vec<Placed>,
}

/// Where one card ended on a resident's mat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub card: CardId,
    /// The card's words as the resident saw them ("something else" cards
    /// have none of the question's).
    pub label: String,
    /// The scale point (0 = leftmost); `None`: skipped.
    pub point: Option<usize>,
    pub tell_me_more: bool,
}

/// A count as the meeting sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Shown(usize),
    /// Under [`FEWEST_SHOWN`] people (none included): not shown.
    FewerThanThree,
}

impl Count {
    pub fn of(n: usize) -> Count {
        if n < FEWEST_SHOWN {
            Count::FewerThanThree
        } else {
            Count::Shown(n)
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Count::Shown(n) => write!(f, "{n}"),
            Count::FewerThanThree => write!(f, "fewer than {FEWEST_SHOWN}"),
        }
    }
}

/// One card's row of the meeting's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardCounts {
    pub card: CardId,
    pub label: String,
    pub removed: bool,
    /// Residents who placed it at each point of the scale, left to right.
    pub points: Vec<Count>,
    pub skipped: Count,
    pub tell_me_more: Count,
}

/// A resident who agreed to be named, and where they put each card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedAnswer {
    pub person: PersonId,
    pub helped: bool,
    pub finished_at: DateTime<Utc>,
    pub placements: Vec<Placed>,
}

/// What a question's answers come to, as the meeting may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingCounts {
    /// Residents it was asked of.
    pub asked: usize,
    /// Residents who answered it (shown whatever the number: who took part
    /// is known in the house, what they said is not).
    pub answered: usize,
    pub alone: Count,
    pub helped: Count,
    /// Residents it was offered to who let it pass, and did not answer.
    pub declined: Count,
    pub cards: Vec<CardCounts>,
    /// "Something else" cards placed at each point of the scale.
    pub something_else: Vec<Count>,
    /// Only those whose consent to be named is recorded.
    pub named: Vec<NamedAnswer>,
}

/// Counts a question's answers: each resident's newest mat only (a
/// resident who answered on two kiosks counts once), residents it was not
/// asked of left out, and every count under three hidden.
pub fn count_answers(
    cards: &[QuestionCard],
    points: usize,
    asked: &[PersonId],
    answers: &[HouseAnswer],
    declined: &[PersonId],
    may_name: &[PersonId],
) -> MeetingCounts {
    let newest = newest_of_each(asked, answers);
    let raw_cell = |card: &CardId, point: Option<usize>| {
        newest
            .iter()
            .filter(|a| {
                a.placements
                    .iter()
                    .any(|p| &p.card == card && p.point == point)
            })
            .count()
    };
    let card_counts = cards
        .iter()
        .map(|card| CardCounts {
            card: card.id.clone(),
            label: card.label.clone(),
            removed: card.removed,
            points: (0..points)
                .map(|p| Count::of(raw_cell(&card.id, Some(p))))
                .collect(),
            skipped: Count::of(raw_cell(&card.id, None)),
            tell_me_more: Count::of(
                newest
                    .iter()
                    .filter(|a| {
                        a.placements
                            .iter()
                            .any(|p| p.card == card.id && p.tell_me_more)
                    })
                    .count(),
            ),
        })
        .collect();
    let something_else = (0..points)
        .map(|point| {
            Count::of(
                newest
                    .iter()
                    .filter(|a| {
                        a.placements.iter().any(|p| {
                            p.point == Some(point) && p.card.starts_with(super::SOMETHING_ELSE_ID)
                        })
                    })
                    .count(),
            )
        })
        .collect();
    let helped = newest.iter().filter(|a| a.helped).count();
    let declined = declined
        .iter()
        .filter(|p| asked.contains(p) && !newest.iter().any(|a| &a.person == *p))
        .count();
    let named = newest
        .iter()
        .filter(|a| may_name.contains(&a.person))
        .map(|a| NamedAnswer {
            person: a.person.clone(),
            helped: a.helped,
            finished_at: a.finished_at,
            placements: a.placements.clone(),
        })
        .collect();
    MeetingCounts {
        asked: asked.len(),
        answered: newest.len(),
        alone: Count::of(newest.len() - helped),
        helped: Count::of(helped),
        declined: Count::of(declined),
        cards: card_counts,
        something_else,
        named,
    }
}

/// Each resident's newest answer, residents it was not asked of left out.
fn newest_of_each<'a>(asked: &[PersonId], answers: &'a [HouseAnswer]) -> Vec<&'a HouseAnswer> {
    let mut newest: Vec<&HouseAnswer> = Vec::new();
    for answer in answers.iter().filter(|a| asked.contains(&a.person)) {
        match newest.iter_mut().find(|n| n.person == answer.person) {
            Some(kept)
                if (kept.finished_at, &kept.session) < (answer.finished_at, &answer.session) =>
            {
                *kept = answer;
            }
            Some(_) => {}
            None => newest.push(answer),
        }
    }
    newest.sort_by(|a, b| a.person.cmp(&b.person));
    newest
}

/// How one card's counts moved since the question was last asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardChange {
    pub label: String,
    /// Point by point: `(then, now)`, each hidden under three as ever.
    pub points: Vec<(Count, Count)>,
}

/// Each card asked both times, and how its counts moved.
pub fn change_since(before: &MeetingCounts, now: &MeetingCounts) -> Vec<CardChange> {
    now.cards
        .iter()
        .filter_map(|card| {
            let earlier = before.cards.iter().find(|c| c.card == card.card)?;
            let moved = earlier
                .points
                .iter()
                .zip(&card.points)
                .map(|(then, now)| (*then, *now))
                .collect();
            Some(CardChange {
                label: card.label.clone(),
                points: moved,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap()
    }

    fn garden() -> NewQuestion {
        NewQuestion {
            title: "The garden".into(),
            question: "What shall we plant in the garden?".into(),
            scale: "like".into(),
            cards: vec![
                "Tomatoes".into(),
                "Roses".into(),
                " ".into(),
                "Herbs".into(),
            ],
            people: vec![PersonId::new("alex"), PersonId::new("sam")],
            opens: at(1),
            closes: at(15),
            asks_again: None,
        }
    }

    #[test]
    fn a_question_with_cards_people_and_a_window_to_come_can_be_asked() {
        let cards = garden().check(at(2)).unwrap();
        let labels: Vec<&str> = cards.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Tomatoes", "Roses", "Herbs"],
            "blank lines are no cards"
        );
        assert_eq!(cards[0].id, "tomatoes");
    }

    #[test]
    fn cards_in_any_script_each_get_an_id_of_their_own() {
        let mut question = garden();
        question.cards = vec!["ٹماٹر".into(), "گلاب".into(), "Ŵy".into(), "wy".into()];
        let ids: Vec<String> = question
            .check(at(2))
            .unwrap()
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(ids, ["card", "card-2", "y", "wy"]);
    }

    #[test]
    fn a_question_without_cards_people_or_a_window_to_come_is_refused_in_words() {
        let refused = |change: &dyn Fn(&mut NewQuestion)| {
            let mut question = garden();
            change(&mut question);
            question.check(at(2)).unwrap_err()
        };
        assert_eq!(
            refused(&|q| q.cards = vec!["  ".into()]),
            QuestionRefused::NoCards
        );
        assert_eq!(refused(&|q| q.people.clear()), QuestionRefused::NoPeople);
        assert_eq!(
            refused(&|q| q.closes = at(1)),
            QuestionRefused::WindowBackwards
        );
        assert_eq!(
            refused(&|q| {
                q.opens = at(1) - chrono::Duration::days(9);
                q.closes = at(2) - chrono::Duration::hours(1);
            }),
            QuestionRefused::WindowPast
        );
        assert_eq!(
            refused(&|q| q.scale = "loud".into()),
            QuestionRefused::Scale("loud".into())
        );
        assert_eq!(
            refused(&|q| q.cards = vec!["Roses".into(), "roses".into()]),
            QuestionRefused::SameCardTwice("roses".into())
        );
        assert_eq!(refused(&|q| q.title = " ".into()), QuestionRefused::Title);
        assert!(refused(&|q| q.cards = vec!["x".repeat(61)])
            .to_string()
            .contains("at most 60"));
        assert_eq!(
            refused(&|q| q.cards = (0..13).map(|n| format!("card {n}")).collect()),
            QuestionRefused::TooManyCards(13)
        );
    }

    fn answer(person: &str, day: u32, placed: &[(&str, Option<usize>)]) -> HouseAnswer {
        HouseAnswer {
            person: PersonId::new(person),
            session: SessionId::new(format!("{person}-{day}")),
            finished_at: at(day),
            helped: false,
            placements: placed
                .iter()
                .map(|(card, point)| Placed {
                    card: CardId::new(*card),
                    label: card.to_string(),
                    point: *point,
                    tell_me_more: false,
                })
                .collect(),
        }
    }

    fn cards() -> Vec<QuestionCard> {
        ["tomatoes", "roses"]
            .iter()
            .map(|id| QuestionCard {
                id: CardId::new(*id),
                label: id.to_string(),
                removed: false,
                picture: None,
            })
            .collect()
    }

    fn people(ids: &[&str]) -> Vec<PersonId> {
        ids.iter().map(|id| PersonId::new(*id)).collect()
    }

    #[test]
    fn counts_under_three_are_hidden_and_three_or_more_are_shown() {
        let asked = people(&["a", "b", "c", "d"]);
        let answers = vec![
            answer("a", 3, &[("tomatoes", Some(0)), ("roses", Some(2))]),
            answer("b", 3, &[("tomatoes", Some(0)), ("roses", Some(0))]),
            answer("c", 4, &[("tomatoes", Some(0)), ("roses", None)]),
        ];
        let counts = count_answers(&cards(), 3, &asked, &answers, &people(&["d"]), &[]);
        assert_eq!((counts.answered, counts.asked), (3, 4));
        assert_eq!(counts.cards[0].points[0], Count::Shown(3));
        assert_eq!(
            counts.cards[0].points[1],
            Count::FewerThanThree,
            "none is under three too"
        );
        assert_eq!(counts.cards[1].points[0], Count::FewerThanThree);
        assert_eq!(counts.cards[1].skipped.to_string(), "fewer than 3");
        assert_eq!(counts.alone, Count::Shown(3));
        assert_eq!(counts.declined, Count::FewerThanThree);
        assert!(counts.named.is_empty(), "nobody agreed to be named");
    }

    #[test]
    fn a_resident_who_answered_twice_counts_once_with_their_newest_mat() {
        let asked = people(&["a", "b", "c"]);
        let answers = vec![
            answer("a", 9, &[("tomatoes", Some(0))]),
            answer("a", 3, &[("tomatoes", Some(2))]),
            answer("b", 3, &[("tomatoes", Some(0))]),
            answer("c", 3, &[("tomatoes", Some(0))]),
            answer("stranger", 3, &[("tomatoes", Some(0))]),
        ];
        let counts = count_answers(&cards(), 3, &asked, &answers, &[], &people(&["a"]));
        assert_eq!(
            counts.answered, 3,
            "one each; someone not asked is not counted"
        );
        assert_eq!(counts.cards[0].points[0], Count::Shown(3));
        assert_eq!(counts.named.len(), 1);
        assert_eq!(
            counts.named[0].finished_at,
            at(9),
            "the newest mat is the one named"
        );
    }

    #[test]
    fn the_change_since_the_last_asking_pairs_each_cards_counts() {
        let asked = people(&["a", "b", "c"]);
        let then = count_answers(
            &cards(),
            3,
            &asked,
            &[
                answer("a", 3, &[("tomatoes", Some(2))]),
                answer("b", 3, &[("tomatoes", Some(2))]),
                answer("c", 3, &[("tomatoes", Some(2))]),
            ],
            &[],
            &[],
        );
        let now = count_answers(
            &cards(),
            3,
            &asked,
            &[
                answer("a", 9, &[("tomatoes", Some(0))]),
                answer("b", 9, &[("tomatoes", Some(0))]),
                answer("c", 9, &[("tomatoes", Some(0))]),
            ],
            &[],
            &[],
        );
        let change = change_since(&then, &now);
        assert_eq!(change[0].label, "tomatoes");
        assert_eq!(
            change[0].points[0],
            (Count::FewerThanThree, Count::Shown(3))
        );
        assert_eq!(
            change[0].points[2],
            (Count::Shown(3), Count::FewerThanThree)
        );
    }
}
