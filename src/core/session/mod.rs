//! The mat session: one person, one topic, one card at a time.
//!
//! A session is a state machine driven by `(input, now)`. Each call returns the
//! [`Effect`]s the shell must carry out: what to say, what to record in the
//! journal, which screen to show. The session never speaks, writes or draws
//! anything itself.
//!
//! Stages: `Offering` a card → (every card placed or skipped) → `Reviewing`
//! the whole mat → (explicit finish) → `Finished`. A placed card can be picked
//! up (`Moving`) and put somewhere else, on the mat or on the review; a move is
//! a new placement, never an overwrite. "Something else" adds a blank card,
//! "skip" passes over the card on offer, "tell me more" marks a card for
//! staff. Undo steps back one action at a time, from the review too; once
//! finished, the mat is final.

use super::event::{Event, Input, InputMethod, Spot, Step};
use super::ids::{CardId, PersonId, SessionId};
use super::phrases::{Phrase, Phrases, Prompt};
use super::picture_set::Topic;
use super::replay::{standing, FinalPlacement, JournalAction, ReplayedMat};
use super::scale::{join_naturally, ScalePoint};
use super::set_text::Card;
use super::time::{Mono, Now};

use super::record::{Company, Record, WouldHave};

mod moves;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PersonRef {
    pub id: PersonId,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The card at this index is on offer.
    Offering {
        card: usize,
    },
    /// The card at this index was picked up to be put somewhere else; it
    /// goes back to the review, or to the card on offer, afterwards.
    Moving {
        card: usize,
        from_review: bool,
    },
    Reviewing,
    Finished,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The people of a shared home, by their photos.
    People,
    /// Who is with the person: a supporter, or on my own.
    Company,
    /// A mat left part-way: carry on, or start afresh.
    Resume,
    /// A person's topics, where their turn begins.
    Topics,
    Mat,
    /// Back from a mat's first card: carry on with it, or stop for now.
    Leave,
    Review,
    Finished,
}

/// What the highlight can rest on in each stage (for switch users and arrow
/// keys), in the order it moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Point(usize),
    /// A card on the mat, by index, to pick up and move.
    Card(usize),
    Skip,
    SomethingElse,
    TellMeMore,
    /// Put a picked-up card back where it was.
    PutBack,
    Finish,
    Undo,
    SayAgain,
    StartAgain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeakMode {
    /// Cut off whatever is being said: the answer to a press.
    Interrupt,
    /// Wait for what is being said to end: a prompt that follows.
    Queue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    pub text: String,
    /// A recorded clip for this utterance, relative to the picture set folder.
    pub clip: Option<String>,
    pub mode: SpeakMode,
    /// An auditory-scanning cue: said more quietly than full speech.
    pub cue: bool,
    /// How loud, 0..100, when it differs from the voice's volume; the shell
    /// sets it (for cues), the core never does.
    pub volume: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Say(Utterance),
    Record(Record),
    Show(Screen),
    /// The finished screen asked for a new mat; the shell picks the topic.
    StartNewMat,
}

/// How a session speaks and who is there: its prompts, whether moving the
/// highlight speaks what it lands on (auditory scanning, for people who
/// cannot see the screen well), and the company recorded with the mat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSettings {
    pub phrases: Phrases,
    pub auditory_cues: bool,
    pub company: Company,
    /// How long a card (or the review) is on screen before a press can
    /// answer it; earlier presses are ignored and recorded as such.
    pub answer_after_ms: u64,
}

/// The id every "something else" card starts with; a number after it tells
/// several apart within a mat.
pub const SOMETHING_ELSE_ID: &str = "something-else";
/// Its picture, one of sayso's own (see `scale::BUNDLED`).
pub const SOMETHING_ELSE_PICTURE: &str = "bundled:something-else.svg";

/// One step the person took, kept so undo can take it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// `before`: where the card was, if this was a move.
    Placed {
        seq: u32,
        card: usize,
        before: Option<Spot>,
    },
    Skipped {
        seq: u32,
        card: usize,
    },
    Marked {
        seq: u32,
        card: usize,
    },
    /// A blank card added; nothing is recorded until it is placed.
    AddedSomethingElse,
}

#[derive(Debug, Clone)]
pub struct MatSession {
    id: SessionId,
    person: PersonRef,
    topic: Topic,
    settings: SessionSettings,
    /// Where each card sits, by card index.
    placed: Vec<Option<Spot>>,
    skipped: Vec<bool>,
    marked: Vec<bool>,
    /// Cards in the order they were last put on the mat.
    mat_order: Vec<usize>,
    history: Vec<Action>,
    next_seq: u32,
    stage: Stage,
    highlight: Option<usize>,
    offered_at: Mono,
    /// The journal cannot be written just now.
    unsaved: bool,
}

impl MatSession {
    /// Starts a mat. `id` must be unique across devices (the shell uses a
    /// UUIDv7); it keys the session in the journal and the support plan.
    pub fn start(
        id: SessionId,
        person: PersonRef,
        set_id: &str,
        topic: Topic,
        settings: SessionSettings,
        now: Now,
    ) -> (MatSession, Vec<Effect>) {
        let mut session = MatSession::untouched(id, person, topic, settings, now);
        let stage = match session.next_open_card() {
            Some(card) => Stage::Offering { card },
            None => Stage::Reviewing,
        };
        session.stage = stage;
        let mut effects = vec![
            Effect::Record(Record::Started {
                session_id: session.id.clone(),
                person_id: session.person.id.clone(),
                set_id: set_id.to_string(),
                topic_id: session.topic.id.clone(),
                topic_title: session.topic.title.clone(),
                company: session.settings.company.clone(),
                at: now.wall,
            }),
            Effect::Show(Screen::Mat),
            say(&session.topic.question, SpeakMode::Interrupt),
        ];
        match stage {
            Stage::Offering { card } => effects.push(session.offer(card, SpeakMode::Queue)),
            _ => effects.extend(session.enter_review()),
        }
        (session, effects)
    }

    /// A mat left unfinished (the kiosk stopped, or the person walked
    /// away), rebuilt from its journal actions so the person can carry on:
    /// the same cards where they were, the same marks, undo still working
    /// back through them, the next card offered. The rule is the one
    /// [`super::replay::replay`] reads finished mats with.
    pub fn resume(
        id: SessionId,
        person: PersonRef,
        mut topic: Topic,
        settings: SessionSettings,
        actions: &[JournalAction],
        now: Now,
    ) -> MatSession {
        // "Something else" cards are not in the set: they come back blank.
        for card_id in actions.iter().filter_map(JournalAction::card_id) {
            let known = topic.cards.iter().any(|c| c.id == *card_id);
            if !known && card_id.starts_with(SOMETHING_ELSE_ID) {
                topic
                    .cards
                    .push(blank_card(card_id.clone(), &settings.phrases));
            }
        }
        let mut session = MatSession::untouched(id, person, topic, settings, now);
        session.next_seq = actions.iter().map(|a| a.seq() + 1).max().unwrap_or(1);
        for action in standing(actions) {
            // A card no longer in the set cannot be shown again.
            let Some(card) = action
                .card_id()
                .and_then(|id| session.topic.cards.iter().position(|c| c.id == *id))
            else {
                continue;
            };
            match *action {
                JournalAction::Placed { seq, spot, .. } => {
                    let before = session.placed[card];
                    session.placed[card] = Some(spot);
                    session.mat_order.retain(|&c| c != card);
                    session.mat_order.push(card);
                    session.history.push(Action::Placed { seq, card, before });
                }
                JournalAction::Skipped { seq, .. } => {
                    session.skipped[card] = true;
                    session.history.push(Action::Skipped { seq, card });
                }
                JournalAction::Marked { seq, .. } if !session.marked[card] => {
                    session.marked[card] = true;
                    session.history.push(Action::Marked { seq, card });
                }
                JournalAction::Marked { .. } | JournalAction::Undone { .. } => {}
            }
        }
        if let Some(card) = session.next_open_card() {
            session.stage = Stage::Offering { card };
        }
        session
    }

    /// A mat with nothing done on it yet, on the review until told otherwise.
    fn untouched(
        id: SessionId,
        person: PersonRef,
        topic: Topic,
        settings: SessionSettings,
        now: Now,
    ) -> MatSession {
        let cards = topic.cards.len();
        MatSession {
            placed: vec![None; cards],
            skipped: vec![false; cards],
            marked: vec![false; cards],
            mat_order: Vec::new(),
            id,
            person,
            topic,
            settings,
            history: Vec::new(),
            next_seq: 1,
            stage: Stage::Reviewing,
            highlight: None,
            offered_at: now.mono,
            unsaved: false,
        }
    }

    /// The mat is back on screen (carried on after a break or a restart):
    /// what is on offer counts as shown from `now`, for the presses too
    /// early to answer it and for response times.
    pub fn shown_again(&mut self, now: Now) {
        self.offered_at = now.mono;
    }

    pub fn handle(&mut self, input: Input, now: Now) -> Vec<Effect> {
        let Input { event, via } = input;
        // While a card is on offer, a tap on a card already placed is a tap
        // on its column: the offered card goes there. Cards are moved on
        // the review.
        let event = match (self.stage, event) {
            (Stage::Offering { .. }, Event::PickUp(card)) => match self.spot_of(card) {
                Some(spot) => Event::PlaceOn(spot.point),
                None => event,
            },
            _ => event,
        };
        if let Some(would_have) = self.would_answer(event) {
            if now.mono.since(self.offered_at) < self.settings.answer_after_ms {
                return vec![Effect::Record(Record::Ignored {
                    session_id: self.id.clone(),
                    at: now.wall,
                    via,
                    would_have,
                })];
            }
        }
        match (self.stage, event) {
            (_, Event::MoveHighlight(step)) => {
                self.move_highlight(step);
                as_cue(self.cue())
            }
            (_, Event::Select) => match self.highlighted_choice() {
                Some(choice) => self.choose(choice, via, now),
                None if self.stage == Stage::Reviewing => self.finish(via, now),
                None if self.stage == Stage::Finished => vec![Effect::StartNewMat],
                None => Vec::new(),
            },
            (_, Event::PlaceOn(point)) => self.place_at(Spot::on(point), via, now),
            (_, Event::PlaceAt(spot)) => self.place_at(spot, via, now),
            (_, Event::DropAt(permille)) if permille <= 1000 => {
                let fraction = f32::from(permille) / 1000.0;
                let spot = Spot::from_fraction(fraction, self.topic.scale.points.len());
                self.place_at(spot, via, now)
            }
            (_, Event::DropAt(_)) => Vec::new(),
            (_, Event::PickUp(card)) => self.pick_up(card, now),
            (Stage::Moving { .. }, Event::PutBack) => self.put_back(),
            (_, Event::PutBack) => Vec::new(),
            (Stage::Offering { card }, Event::Skip) => self.skip(card, via, now),
            (_, Event::Skip) => Vec::new(),
            (Stage::Offering { .. }, Event::SomethingElse) => self.add_something_else(now),
            (_, Event::SomethingElse) => Vec::new(),
            (_, Event::TellMeMore) => self.tell_me_more(via, now),
            (_, Event::Undo) => self.undo(via, now),
            (_, Event::SayAgain) => self.say_again(),
            (Stage::Reviewing, Event::Finish) => self.finish(via, now),
            (_, Event::Finish) => Vec::new(),
            (Stage::Finished, Event::StartAgain) => vec![Effect::StartNewMat],
            (_, Event::StartAgain) => Vec::new(),
            // The topic picker's own events.
            (_, Event::Choose(_) | Event::NextPage | Event::NotNow | Event::SomeoneElse) => {
                Vec::new()
            }
        }
    }

    /// Whether this event would answer the card on offer, or finish the mat
    /// from the review: what a press too soon after they appear must not do.
    fn would_answer(&self, event: Event) -> Option<WouldHave> {
        let highlighted = self.highlighted_choice();
        match (self.stage, event) {
            (
                Stage::Offering { .. },
                Event::PlaceOn(_) | Event::PlaceAt(_) | Event::DropAt(_) | Event::Skip,
            ) => Some(WouldHave::Answered),
            (Stage::Offering { .. }, Event::Select)
                if matches!(highlighted, Some(Choice::Point(_) | Choice::Skip)) =>
            {
                Some(WouldHave::Answered)
            }
            (Stage::Reviewing, Event::Finish) => Some(WouldHave::Finished),
            (Stage::Reviewing, Event::Select)
                if matches!(highlighted, None | Some(Choice::Finish)) =>
            {
                Some(WouldHave::Finished)
            }
            _ => None,
        }
    }

    /// Whether what happens is being saved (the journal can be written); the
    /// shell tells the flow, the flow tells the mat.
    pub fn set_saving(&mut self, saving: bool) {
        self.unsaved = !saving;
    }

    fn finished_prompt(&self) -> Prompt {
        if self.unsaved {
            Prompt::FinishedUnsaved
        } else {
            Prompt::Finished
        }
    }

    pub fn id(&self) -> &SessionId {
        &self.id
    }

    /// The supporter starts or stops helping to place cards: placements from
    /// now on are marked as helped. Not the person's action: no event.
    pub fn set_helping(&mut self, helping: bool) {
        self.settings.company.helped = helping && self.settings.company.supporter.is_some();
    }

    pub fn company(&self) -> &Company {
        &self.settings.company
    }

    pub fn person(&self) -> &PersonRef {
        &self.person
    }

    /// The topic, with any "something else" cards added to it.
    pub fn topic(&self) -> &Topic {
        &self.topic
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Whether there is a step to take back: on the first card, there is
    /// none, and "Back" asks whether to leave the mat.
    pub fn can_undo(&self) -> bool {
        !self.history.is_empty() || matches!(self.stage, Stage::Moving { .. })
    }

    /// Whether the mat is still open: not finished yet.
    pub fn is_open(&self) -> bool {
        self.stage != Stage::Finished
    }

    pub fn screen(&self) -> Screen {
        match self.stage {
            Stage::Offering { .. }
            | Stage::Moving {
                from_review: false, ..
            } => Screen::Mat,
            Stage::Reviewing
            | Stage::Moving {
                from_review: true, ..
            } => Screen::Review,
            Stage::Finished => Screen::Finished,
        }
    }

    pub fn card_on_offer(&self) -> Option<&Card> {
        match self.stage {
            Stage::Offering { card } => self.topic.cards.get(card),
            _ => None,
        }
    }

    /// The card picked up to be moved, by index.
    pub fn card_picked_up(&self) -> Option<usize> {
        match self.stage {
            Stage::Moving { card, .. } => Some(card),
            _ => None,
        }
    }

    /// While a card is picked up, what the person is asked: "Where does tea go?"
    pub fn picked_prompt(&self) -> Option<String> {
        let card = self.card_picked_up()?;
        let template = &self.settings.phrases.get(Prompt::PickedUp).text;
        Some(template.replace("{card}", self.topic.cards[card].spoken()))
    }

    /// How many cards have been placed or skipped so far: the "n" of
    /// "card n of m" is one more.
    pub fn dealt_count(&self) -> usize {
        (0..self.topic.cards.len())
            .filter(|&i| self.placed[i].is_some() || self.skipped[i])
            .count()
    }

    pub fn is_marked(&self, card: usize) -> bool {
        self.marked.get(card).copied().unwrap_or(false)
    }

    pub fn is_skipped(&self, card: usize) -> bool {
        self.skipped.get(card).copied().unwrap_or(false)
    }

    /// Where a card sits, if it is on the mat.
    pub fn spot_of(&self, card: usize) -> Option<Spot> {
        self.placed.get(card).copied().flatten()
    }

    /// The cards under one scale point, by index, in the order they were
    /// put there.
    pub fn cards_on(&self, point: usize) -> Vec<usize> {
        self.mat_order
            .iter()
            .copied()
            .filter(|&card| self.placed[card].is_some_and(|spot| spot.point == point))
            .collect()
    }

    /// What the highlight is on, if anything.
    pub fn highlighted_choice(&self) -> Option<Choice> {
        self.highlight.and_then(|i| self.choices().get(i).copied())
    }

    /// The choices the highlight moves through in this stage, in order.
    pub fn choices(&self) -> Vec<Choice> {
        let points = (0..self.topic.scale.points.len()).map(Choice::Point);
        match self.stage {
            Stage::Offering { .. } => points
                .chain([
                    Choice::Skip,
                    Choice::SomethingElse,
                    Choice::SayAgain,
                    Choice::Undo,
                ])
                .collect(),
            Stage::Moving { .. } => points
                .chain([Choice::TellMeMore, Choice::PutBack])
                .collect(),
            Stage::Reviewing => [Choice::Finish, Choice::Undo, Choice::SayAgain]
                .into_iter()
                .chain(self.mat_in_scale_order().into_iter().map(Choice::Card))
                .collect(),
            Stage::Finished => vec![Choice::StartAgain],
        }
    }

    /// The mat as its journal rows replay to (see [`super::replay`]): what
    /// was placed where, skipped and marked, each with its seq.
    pub fn as_replayed(&self) -> ReplayedMat {
        let mut order: Vec<usize> = self.mat_order.clone();
        order.sort_by_key(|&c| self.last_put_seq(c));
        let placements = order
            .into_iter()
            .filter_map(|card| {
                Some(FinalPlacement {
                    card_id: self.topic.cards[card].id.clone(),
                    spot: self.placed[card]?,
                    seq: self.last_put_seq(card),
                })
            })
            .collect();
        let mut skipped = Vec::new();
        let mut marked = Vec::new();
        for action in &self.history {
            match *action {
                Action::Skipped { seq, card } if self.placed[card].is_none() => {
                    skipped.push((self.topic.cards[card].id.clone(), seq));
                }
                Action::Marked { seq, card } => {
                    marked.push((self.topic.cards[card].id.clone(), seq));
                }
                _ => {}
            }
        }
        ReplayedMat {
            placements,
            skipped,
            marked,
        }
    }

    /// The review, one sentence per scale point that has cards, in scale
    /// order ("You like tea and cake."), then the cards marked "tell me more".
    pub fn summary(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .topic
            .scale
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, point)| {
                let cards = self.cards_on(i);
                if cards.is_empty() {
                    return None;
                }
                let names: Vec<&str> = cards
                    .iter()
                    .map(|&c| self.topic.cards[c].spoken())
                    .collect();
                Some(point.review_phrase(&names))
            })
            .collect();
        let marked: Vec<&str> = (0..self.topic.cards.len())
            .filter(|&c| self.marked[c] && self.placed[c].is_some())
            .map(|c| self.topic.cards[c].spoken())
            .collect();
        if !marked.is_empty() {
            let template = &self.settings.phrases.get(Prompt::ReviewTellMeMore).text;
            lines.push(template.replace("{cards}", &join_naturally(&marked)));
        }
        lines
    }

    fn mat_in_scale_order(&self) -> Vec<usize> {
        (0..self.topic.scale.points.len())
            .flat_map(|point| self.cards_on(point))
            .collect()
    }

    fn point(&self, index: usize) -> &ScalePoint {
        &self.topic.scale.points[index]
    }
}

/// A "something else" card: blank, in the person's own words for it.
fn blank_card(id: CardId, phrases: &Phrases) -> Card {
    let phrase = phrases.get(Prompt::SomethingElse);
    Card {
        id,
        label: phrase.text.clone(),
        picture: Some(SOMETHING_ELSE_PICTURE.to_string()),
        clip: phrase.clip.clone(),
        says: None,
    }
}

fn say(text: &str, mode: SpeakMode) -> Effect {
    Effect::Say(Utterance {
        text: text.to_string(),
        clip: None,
        mode,
        cue: false,
        volume: None,
    })
}

/// Marks what is said as a scanning cue.
fn as_cue(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .map(|effect| match effect {
            Effect::Say(utterance) => Effect::Say(Utterance {
                cue: true,
                ..utterance
            }),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests;
