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
use super::picture_set::{Card, Topic};
use super::replay::{standing, FinalPlacement, JournalAction, ReplayedMat};
use super::scale::{join_naturally, ScalePoint};
use super::time::{Mono, Now};

use super::record::{Company, Record, WouldHave};

#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// Places the card on offer, or moves the card picked up.
    fn place_at(&mut self, spot: Spot, via: InputMethod, now: Now) -> Vec<Effect> {
        let points = self.topic.scale.points.len();
        if spot.point >= points {
            return Vec::new();
        }
        let spot = spot.clamped(points);
        let (card, back_to_review) = match self.stage {
            Stage::Offering { card } => (card, false),
            Stage::Moving { card, from_review } => (card, from_review),
            Stage::Reviewing | Stage::Finished => return Vec::new(),
        };
        let seq = self.take_seq();
        let before = self.placed[card];
        let placed_card = &self.topic.cards[card];
        let point_def = self.point(spot.point);
        let mut effects = vec![
            say(
                &point_def.placed_phrase(placed_card.spoken()),
                SpeakMode::Interrupt,
            ),
            Effect::Record(Record::Placed {
                session_id: self.id.clone(),
                seq,
                card_id: placed_card.id.clone(),
                card_label: placed_card.label.clone(),
                spot,
                point_label: point_def.label.clone(),
                at: now.wall,
                via,
                response_ms: i64::try_from(now.mono.since(self.offered_at)).unwrap_or(i64::MAX),
                helped: self.settings.company.helped,
            }),
        ];
        self.placed[card] = Some(spot);
        self.mat_order.retain(|&c| c != card);
        self.mat_order.push(card);
        self.history.push(Action::Placed { seq, card, before });
        self.highlight = None;
        if back_to_review {
            self.stage = Stage::Reviewing;
        } else {
            effects.extend(self.offer_next(now));
        }
        effects
    }

    /// Offers the next card not yet dealt with, or opens the review.
    fn offer_next(&mut self, now: Now) -> Vec<Effect> {
        match self.next_open_card() {
            Some(next) => {
                let changed = self.stage != Stage::Offering { card: next };
                self.stage = Stage::Offering { card: next };
                self.offered_at = now.mono;
                if changed {
                    vec![self.offer(next, SpeakMode::Queue)]
                } else {
                    Vec::new()
                }
            }
            None => {
                self.stage = Stage::Reviewing;
                self.offered_at = now.mono;
                let mut effects = vec![Effect::Show(Screen::Review)];
                effects.extend(self.enter_review());
                effects
            }
        }
    }

    fn pick_up(&mut self, card: usize, now: Now) -> Vec<Effect> {
        let from_review = match self.stage {
            Stage::Offering { .. } => false,
            Stage::Reviewing => true,
            Stage::Moving { from_review, .. } => from_review,
            Stage::Finished => return Vec::new(),
        };
        if self.spot_of(card).is_none() {
            return Vec::new();
        }
        self.stage = Stage::Moving { card, from_review };
        self.highlight = None;
        self.offered_at = now.mono;
        let name = self.topic.cards[card].spoken();
        vec![self.prompt_with(Prompt::PickedUp, "{card}", name, SpeakMode::Interrupt)]
    }

    /// Leaves a picked-up card where it was.
    fn put_back(&mut self) -> Vec<Effect> {
        let Stage::Moving { from_review, .. } = self.stage else {
            return Vec::new();
        };
        self.highlight = None;
        if from_review {
            self.stage = Stage::Reviewing;
            return Vec::new();
        }
        match self.next_open_card() {
            Some(card) => {
                self.stage = Stage::Offering { card };
                vec![self.offer(card, SpeakMode::Interrupt)]
            }
            None => {
                self.stage = Stage::Reviewing;
                let mut effects = vec![Effect::Show(Screen::Review)];
                effects.extend(self.enter_review());
                effects
            }
        }
    }

    fn skip(&mut self, card: usize, via: InputMethod, now: Now) -> Vec<Effect> {
        let seq = self.take_seq();
        let skipped = &self.topic.cards[card];
        let mut effects = vec![
            self.prompt_with(
                Prompt::Skipped,
                "{card}",
                skipped.spoken(),
                SpeakMode::Interrupt,
            ),
            Effect::Record(Record::Skipped {
                session_id: self.id.clone(),
                seq,
                card_id: skipped.id.clone(),
                card_label: skipped.label.clone(),
                at: now.wall,
                via,
                response_ms: i64::try_from(now.mono.since(self.offered_at)).unwrap_or(i64::MAX),
            }),
        ];
        self.skipped[card] = true;
        self.history.push(Action::Skipped { seq, card });
        self.highlight = None;
        effects.extend(self.offer_next(now));
        effects
    }

    /// Adds a blank card and offers it now; the card that was on offer
    /// comes back after it.
    fn add_something_else(&mut self, now: Now) -> Vec<Effect> {
        let number = self
            .topic
            .cards
            .iter()
            .filter(|c| c.id.starts_with(SOMETHING_ELSE_ID))
            .count()
            + 1;
        let id = CardId::new(format!("{SOMETHING_ELSE_ID}-{number}"));
        self.topic
            .cards
            .push(blank_card(id, &self.settings.phrases));
        self.placed.push(None);
        self.skipped.push(false);
        self.marked.push(false);
        self.history.push(Action::AddedSomethingElse);
        let card = self.topic.cards.len() - 1;
        self.stage = Stage::Offering { card };
        self.highlight = None;
        self.offered_at = now.mono;
        vec![self.offer(card, SpeakMode::Interrupt)]
    }

    /// Marks the card picked up (or, on the mat, the card on offer) for staff
    /// to follow up. Marking twice changes nothing; undo takes a mark back.
    fn tell_me_more(&mut self, via: InputMethod, now: Now) -> Vec<Effect> {
        let card = match self.stage {
            Stage::Offering { card } | Stage::Moving { card, .. } => card,
            Stage::Reviewing | Stage::Finished => return Vec::new(),
        };
        let mut effects = Vec::new();
        let name = self.topic.cards[card].spoken().to_string();
        effects.push(self.prompt_with(Prompt::TellMeMore, "{card}", &name, SpeakMode::Interrupt));
        if !self.marked[card] {
            let seq = self.take_seq();
            self.marked[card] = true;
            self.history.push(Action::Marked { seq, card });
            effects.push(Effect::Record(Record::Marked {
                session_id: self.id.clone(),
                seq,
                card_id: self.topic.cards[card].id.clone(),
                card_label: self.topic.cards[card].label.clone(),
                at: now.wall,
                via,
            }));
        }
        if let Stage::Moving { .. } = self.stage {
            effects.extend(self.put_back());
        }
        effects
    }

    fn undo(&mut self, via: InputMethod, now: Now) -> Vec<Effect> {
        match self.stage {
            Stage::Finished => return Vec::new(),
            // Undo while a card is picked up only puts it down again.
            Stage::Moving { .. } => return self.put_back(),
            _ => {}
        }
        let Some(action) = self.history.pop() else {
            return Vec::new();
        };
        let was_reviewing = self.stage == Stage::Reviewing;
        self.highlight = None;
        let undone = |seq: u32, session: &mut MatSession| {
            let own = session.take_seq();
            Effect::Record(Record::Undone {
                session_id: session.id.clone(),
                seq: own,
                undoes: seq,
                at: now.wall,
                via,
            })
        };
        let mut effects = Vec::new();
        // The card to offer again, if the step taken back had dealt with it.
        let offer_again = match action {
            Action::Placed { seq, card, before } => {
                effects.push(undone(seq, self));
                self.placed[card] = before;
                self.mat_order.retain(|&c| c != card);
                if before.is_some() {
                    // A move taken back: the card goes back where it was.
                    self.mat_order.push(card);
                    let mut order = std::mem::take(&mut self.mat_order);
                    order.sort_by_key(|&c| self.last_put_seq(c));
                    self.mat_order = order;
                    None
                } else {
                    Some(card)
                }
            }
            Action::Skipped { seq, card } => {
                effects.push(undone(seq, self));
                self.skipped[card] = false;
                Some(card)
            }
            Action::Marked { seq, card } => {
                effects.push(undone(seq, self));
                self.marked[card] = false;
                None
            }
            Action::AddedSomethingElse => {
                self.topic.cards.pop();
                self.placed.pop();
                self.skipped.pop();
                self.marked.pop();
                let next = self.next_open_card();
                if next.is_none() {
                    self.stage = Stage::Reviewing;
                    effects.push(Effect::Show(Screen::Review));
                    effects.extend(self.enter_review());
                }
                next
            }
        };
        if let Some(card) = offer_again {
            self.stage = Stage::Offering { card };
            self.offered_at = now.mono;
            if was_reviewing {
                effects.push(Effect::Show(Screen::Mat));
            }
            effects.push(self.offer(card, SpeakMode::Interrupt));
        }
        effects
    }

    /// The first card neither placed nor skipped.
    fn next_open_card(&self) -> Option<usize> {
        (0..self.topic.cards.len()).find(|&i| self.placed[i].is_none() && !self.skipped[i])
    }

    /// The seq of the placement that put a card where it now is.
    fn last_put_seq(&self, card: usize) -> u32 {
        self.history
            .iter()
            .rev()
            .find_map(|action| match action {
                Action::Placed { seq, card: c, .. } if *c == card => Some(*seq),
                _ => None,
            })
            .unwrap_or(0)
    }

    fn finish(&mut self, via: InputMethod, now: Now) -> Vec<Effect> {
        self.stage = Stage::Finished;
        self.highlight = None;
        vec![
            self.prompt(self.finished_prompt(), SpeakMode::Interrupt),
            Effect::Record(Record::Finished {
                session_id: self.id.clone(),
                at: now.wall,
                via,
            }),
            Effect::Show(Screen::Finished),
        ]
    }

    fn say_again(&self) -> Vec<Effect> {
        match self.stage {
            Stage::Offering { card } => vec![self.offer(card, SpeakMode::Interrupt)],
            Stage::Moving { card, .. } => vec![self.prompt_with(
                Prompt::PickedUp,
                "{card}",
                self.topic.cards[card].spoken(),
                SpeakMode::Interrupt,
            )],
            Stage::Reviewing => {
                let mut effects = self.enter_review();
                if let Some(Effect::Say(first)) = effects.first_mut() {
                    first.mode = SpeakMode::Interrupt;
                }
                effects
            }
            Stage::Finished => vec![self.prompt(self.finished_prompt(), SpeakMode::Interrupt)],
        }
    }

    fn choose(&mut self, choice: Choice, via: InputMethod, now: Now) -> Vec<Effect> {
        match (choice, self.stage) {
            (Choice::Point(point), _) => self.place_at(Spot::on(point), via, now),
            (Choice::Card(card), _) => self.pick_up(card, now),
            (Choice::Skip, Stage::Offering { card }) => self.skip(card, via, now),
            (Choice::SomethingElse, Stage::Offering { .. }) => self.add_something_else(now),
            (Choice::TellMeMore, _) => self.tell_me_more(via, now),
            (Choice::PutBack, _) => self.put_back(),
            (Choice::Finish, Stage::Reviewing) => self.finish(via, now),
            (Choice::Undo, _) => self.undo(via, now),
            (Choice::SayAgain, _) => self.say_again(),
            (Choice::StartAgain, Stage::Finished) => vec![Effect::StartNewMat],
            _ => Vec::new(),
        }
    }

    fn move_highlight(&mut self, step: Step) {
        self.highlight = step.from(self.highlight, self.choices().len());
    }

    /// With auditory scanning, the name of what the highlight is on. A new
    /// cue cuts off the last one, so cues never pile up.
    fn cue(&self) -> Vec<Effect> {
        if !self.settings.auditory_cues {
            return Vec::new();
        }
        let prompt = match self.highlighted_choice() {
            Some(Choice::Point(i)) => return vec![say(&self.point(i).label, SpeakMode::Interrupt)],
            Some(Choice::Card(c)) => {
                return vec![say(self.topic.cards[c].spoken(), SpeakMode::Interrupt)]
            }
            Some(Choice::Skip) => Prompt::CueSkip,
            Some(Choice::SomethingElse) => Prompt::CueSomethingElse,
            Some(Choice::TellMeMore) => Prompt::CueTellMeMore,
            Some(Choice::PutBack) => Prompt::CuePutBack,
            Some(Choice::SayAgain) => Prompt::CueSayAgain,
            Some(Choice::Undo) => Prompt::CueBack,
            Some(Choice::Finish) => Prompt::CueFinish,
            Some(Choice::StartAgain) => Prompt::CueStartAgain,
            None => return Vec::new(),
        };
        vec![self.prompt(prompt, SpeakMode::Interrupt)]
    }

    /// A card, as the voice pack offers it ("{card}", or "What about {card}?");
    /// the card's own recorded clip comes before everything else.
    fn offer(&self, card: usize, mode: SpeakMode) -> Effect {
        let card = &self.topic.cards[card];
        let template = &self.settings.phrases.get(Prompt::Offer).text;
        Effect::Say(Utterance {
            text: template.replace("{card}", card.spoken()),
            clip: card.clip.clone(),
            mode,
            cue: false,
            volume: None,
        })
    }

    /// One of the kiosk's own prompts, with its recorded clip if it has one.
    fn prompt(&self, prompt: Prompt, mode: SpeakMode) -> Effect {
        let Phrase { text, clip } = self.settings.phrases.get(prompt).clone();
        Effect::Say(Utterance {
            text,
            clip,
            mode,
            cue: false,
            volume: None,
        })
    }

    /// A prompt with a name put in; a recorded clip cannot say the name, so
    /// these are always spoken.
    fn prompt_with(
        &self,
        prompt: Prompt,
        placeholder: &str,
        name: &str,
        mode: SpeakMode,
    ) -> Effect {
        let text = self
            .settings
            .phrases
            .get(prompt)
            .text
            .replace(placeholder, name);
        say(&text, mode)
    }

    /// The spoken review: the intro, then one sentence per point.
    fn enter_review(&self) -> Vec<Effect> {
        let mut effects = vec![self.prompt(Prompt::ReviewIntro, SpeakMode::Queue)];
        let summary = self.summary();
        if summary.is_empty() {
            effects.push(self.prompt(Prompt::ReviewEmpty, SpeakMode::Queue));
        }
        effects.extend(summary.iter().map(|line| say(line, SpeakMode::Queue)));
        effects
    }

    fn take_seq(&mut self) -> u32 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
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
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::core::picture_set::tests::small_set;

    fn t(second: u32) -> Now {
        Now::new(
            Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, second).unwrap(),
            Mono(u64::from(second) * 1000),
        )
    }

    fn key(event: Event) -> Input {
        Input::new(event, InputMethod::Key)
    }

    fn start() -> (MatSession, Vec<Effect>) {
        let person = PersonRef {
            id: "p1".into(),
            name: "Alex".into(),
        };
        let topic = small_set().topic("food").unwrap().clone();
        MatSession::start(
            "s1".into(),
            person,
            "test",
            topic,
            SessionSettings::default(),
            t(0),
        )
    }

    fn spoken(effects: &[Effect]) -> Vec<(&str, SpeakMode)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Say(u) => Some((u.text.as_str(), u.mode)),
                _ => None,
            })
            .collect()
    }

    fn records(effects: &[Effect]) -> Vec<&Record> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Record(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// Places every card on the points given, in order.
    fn place_all(session: &mut MatSession, points: &[usize]) -> Vec<Effect> {
        let mut effects = Vec::new();
        for (i, point) in points.iter().enumerate() {
            effects = session.handle(key(Event::PlaceOn(*point)), t(i as u32 + 1));
        }
        effects
    }

    #[test]
    fn starting_records_the_session_asks_the_question_and_offers_the_first_card() {
        let (session, effects) = start();
        assert_eq!(session.stage(), Stage::Offering { card: 0 });
        assert!(matches!(records(&effects)[..], [Record::Started { .. }]));
        assert_eq!(
            spoken(&effects),
            vec![
                ("What do you think about food?", SpeakMode::Interrupt),
                ("tea", SpeakMode::Queue)
            ]
        );
        assert!(effects.contains(&Effect::Show(Screen::Mat)));
    }

    #[test]
    fn placing_speaks_for_the_person_records_and_offers_the_next_card() {
        let (mut session, _) = start();
        let effects = session.handle(key(Event::PlaceOn(0)), t(4));
        assert_eq!(
            spoken(&effects),
            vec![
                ("I like tea.", SpeakMode::Interrupt),
                ("cake", SpeakMode::Queue)
            ]
        );
        let [Record::Placed {
            seq,
            card_id,
            spot,
            point_label,
            via,
            response_ms,
            ..
        }] = records(&effects)[..]
        else {
            panic!("expected one placement, got {effects:?}");
        };
        assert_eq!(
            (*seq, card_id.as_str(), *spot, point_label.as_str()),
            (1, "tea", Spot::on(0), "like")
        );
        assert_eq!((*via, *response_ms), (InputMethod::Key, 4000));
        assert_eq!(session.stage(), Stage::Offering { card: 1 });
        assert_eq!(session.cards_on(0).len(), 1);
    }

    #[test]
    fn the_next_card_carries_its_recorded_clip() {
        let (mut session, _) = start();
        let effects = session.handle(key(Event::PlaceOn(0)), t(1));
        let clip = effects.iter().find_map(|e| match e {
            Effect::Say(u) if u.text == "cake" => Some(u.clip.clone()),
            _ => None,
        });
        assert_eq!(clip, Some(Some("cake.wav".to_string())));
    }

    #[test]
    fn a_press_before_the_card_could_be_seen_is_ignored_and_recorded_as_ignored() {
        let person = PersonRef {
            id: "p1".into(),
            name: "Alex".into(),
        };
        let settings = SessionSettings {
            answer_after_ms: 600,
            ..SessionSettings::default()
        };
        let topic = small_set().topic("food").unwrap().clone();
        let at = |ms: u64| Now::new(t(0).wall, Mono(ms));
        let (mut session, _) =
            MatSession::start("s1".into(), person, "test", topic, settings, at(0));
        // A bounce 40 ms after the card appeared: not an answer.
        let effects = session.handle(key(Event::PlaceOn(0)), at(40));
        assert!(matches!(
            records(&effects)[..],
            [Record::Ignored {
                would_have: WouldHave::Answered,
                ..
            }]
        ));
        assert!(spoken(&effects).is_empty(), "nothing is said for it");
        assert_eq!(session.dealt_count(), 0);
        // Saying it again, or moving the highlight, is never too soon.
        assert!(!session.handle(key(Event::SayAgain), at(50)).is_empty());
        // At 600 ms the card has been seen: the press answers it.
        let effects = session.handle(key(Event::PlaceOn(0)), at(600));
        assert!(matches!(records(&effects)[..], [Record::Placed { .. }]));
        // The next card appeared just now: a double tap does not answer it,
        // nor does a tap on the card just placed (a tap on its column).
        let effects = session.handle(key(Event::Skip), at(650));
        assert!(matches!(records(&effects)[..], [Record::Ignored { .. }]));
        let effects = session.handle(key(Event::PickUp(0)), at(660));
        assert!(matches!(records(&effects)[..], [Record::Ignored { .. }]));
        session.handle(key(Event::PlaceOn(1)), at(1300));
        session.handle(key(Event::PlaceOn(2)), at(2000));
        assert_eq!(session.stage(), Stage::Reviewing);
        // Nor does it finish the mat when the review has just appeared.
        let effects = session.handle(key(Event::Finish), at(2100));
        assert!(matches!(
            records(&effects)[..],
            [Record::Ignored {
                would_have: WouldHave::Finished,
                ..
            }]
        ));
        assert_eq!(session.stage(), Stage::Reviewing);
        session.handle(key(Event::Finish), at(2600));
        assert_eq!(session.stage(), Stage::Finished);
    }

    #[test]
    fn response_time_counts_from_when_the_card_was_offered() {
        let (mut session, _) = start();
        session.handle(key(Event::PlaceOn(0)), t(3));
        let effects = session.handle(key(Event::PlaceOn(1)), t(10));
        let [Record::Placed { response_ms, .. }] = records(&effects)[..] else {
            panic!()
        };
        assert_eq!(*response_ms, 7000);
    }

    #[test]
    fn a_point_beyond_the_scale_does_nothing() {
        let (mut session, _) = start();
        assert!(session.handle(key(Event::PlaceOn(3)), t(1)).is_empty());
        assert!(session.handle(key(Event::PlaceOn(4)), t(1)).is_empty());
        assert_eq!(session.stage(), Stage::Offering { card: 0 });
        assert_eq!(session.dealt_count(), 0);
    }

    #[test]
    fn the_last_placement_opens_the_review_and_speaks_the_summary_point_by_point() {
        let (mut session, _) = start();
        let effects = place_all(&mut session, &[0, 2, 0]);
        assert_eq!(session.stage(), Stage::Reviewing);
        assert!(effects.contains(&Effect::Show(Screen::Review)));
        assert_eq!(
            spoken(&effects),
            vec![
                ("I like a pizza.", SpeakMode::Interrupt),
                ("Let's look at your mat.", SpeakMode::Queue),
                ("You like tea and a pizza.", SpeakMode::Queue),
                ("You don't like cake.", SpeakMode::Queue),
            ]
        );
    }

    #[test]
    fn undo_takes_back_the_last_placement_and_offers_that_card_again() {
        let (mut session, _) = start();
        place_all(&mut session, &[0, 2]);
        let effects = session.handle(key(Event::Undo), t(9));
        assert_eq!(session.stage(), Stage::Offering { card: 1 });
        assert_eq!(
            records(&effects),
            vec![&Record::Undone {
                session_id: "s1".into(),
                seq: 3,
                undoes: 2,
                at: t(9).wall,
                via: InputMethod::Key,
            }]
        );
        assert_eq!(spoken(&effects), vec![("cake", SpeakMode::Interrupt)]);
        assert!(session.cards_on(2).is_empty());

        // A second undo steps back once more; a third has nothing left to take.
        session.handle(key(Event::Undo), t(10));
        assert_eq!(session.stage(), Stage::Offering { card: 0 });
        assert!(session.handle(key(Event::Undo), t(11)).is_empty());
    }

    #[test]
    fn on_the_review_placing_is_over() {
        let (mut session, _) = start();
        place_all(&mut session, &[0, 1, 2]);
        for point in 0..3 {
            assert!(session.handle(key(Event::PlaceOn(point)), t(9)).is_empty());
        }
        assert!(session.handle(key(Event::StartAgain), t(9)).is_empty());
        assert_eq!(session.stage(), Stage::Reviewing);
    }

    #[test]
    fn undo_from_the_review_returns_to_the_mat() {
        let (mut session, _) = start();
        place_all(&mut session, &[0, 1, 2]);
        let effects = session.handle(key(Event::Undo), t(9));
        assert!(effects.contains(&Effect::Show(Screen::Mat)));
        assert_eq!(session.stage(), Stage::Offering { card: 2 });
    }

    #[test]
    fn say_again_repeats_without_recording() {
        let (mut session, _) = start();
        let effects = session.handle(key(Event::SayAgain), t(1));
        assert_eq!(
            effects,
            vec![Effect::Say(Utterance {
                text: "tea".into(),
                clip: None,
                mode: SpeakMode::Interrupt,
                cue: false,
                volume: None,
            })]
        );

        place_all(&mut session, &[1, 1, 1]);
        let effects = session.handle(key(Event::SayAgain), t(9));
        assert!(records(&effects).is_empty());
        assert_eq!(
            spoken(&effects),
            vec![
                ("Let's look at your mat.", SpeakMode::Interrupt),
                (
                    "You're not sure about tea, cake and a pizza.",
                    SpeakMode::Queue
                ),
            ]
        );
    }

    #[test]
    fn finishing_is_explicit_and_only_from_the_review() {
        let (mut session, _) = start();
        assert!(session.handle(key(Event::Finish), t(1)).is_empty());
        assert!(session.handle(key(Event::Select), t(1)).is_empty());
        place_all(&mut session, &[0, 1, 2]);
        let effects = session.handle(key(Event::Select), t(9));
        assert_eq!(session.stage(), Stage::Finished);
        assert!(effects.contains(&Effect::Record(Record::Finished {
            session_id: "s1".into(),
            at: t(9).wall,
            via: InputMethod::Key
        })));
        assert!(effects.contains(&Effect::Show(Screen::Finished)));
    }

    #[test]
    fn a_finished_mat_is_final() {
        let (mut session, _) = start();
        place_all(&mut session, &[0, 1, 2]);
        session.handle(Input::new(Event::Finish, InputMethod::Touch), t(9));
        for event in [Event::Undo, Event::PlaceOn(0), Event::Finish] {
            assert!(
                records(&session.handle(key(event), t(10))).is_empty(),
                "{event:?}"
            );
        }
        assert_eq!(session.stage(), Stage::Finished);
        assert_eq!(
            session.handle(key(Event::StartAgain), t(11)),
            vec![Effect::StartNewMat]
        );
        assert_eq!(
            session.handle(key(Event::Select), t(11)),
            vec![Effect::StartNewMat]
        );
    }

    #[test]
    fn start_again_means_nothing_before_the_mat_is_finished() {
        let (mut session, _) = start();
        assert!(session.handle(key(Event::StartAgain), t(1)).is_empty());
        place_all(&mut session, &[0, 1, 2]);
        assert!(session.handle(key(Event::StartAgain), t(9)).is_empty());
    }

    #[test]
    fn the_highlight_moves_round_the_scale_and_buttons_and_select_places_there() {
        let (mut session, _) = start();
        assert_eq!(
            session.choices(),
            [
                Choice::Point(0),
                Choice::Point(1),
                Choice::Point(2),
                Choice::Skip,
                Choice::SomethingElse,
                Choice::SayAgain,
                Choice::Undo
            ]
        );
        session.handle(key(Event::MoveHighlight(Step::Back)), t(1));
        assert_eq!(session.highlighted_choice(), Some(Choice::Undo));
        session.handle(key(Event::MoveHighlight(Step::Back)), t(1));
        assert_eq!(session.highlighted_choice(), Some(Choice::SayAgain));
        let effects = session.handle(key(Event::Select), t(1));
        assert_eq!(
            spoken(&effects),
            [("tea", SpeakMode::Interrupt)],
            "say again, by scanning"
        );
        for _ in 0..2 {
            session.handle(key(Event::MoveHighlight(Step::Forward)), t(1));
        }
        assert_eq!(
            session.highlighted_choice(),
            Some(Choice::Point(0)),
            "round again"
        );
        session.handle(key(Event::MoveHighlight(Step::Forward)), t(1));
        let effects = session.handle(key(Event::Select), t(2));
        let [Record::Placed { spot, .. }] = records(&effects)[..] else {
            panic!()
        };
        assert_eq!(spot.point, 1);
        assert_eq!(
            session.highlighted_choice(),
            None,
            "a new card starts with no highlight"
        );
    }

    #[test]
    fn with_auditory_scanning_each_highlight_is_named_cutting_off_the_last() {
        let person = PersonRef {
            id: "p1".into(),
            name: "Alex".into(),
        };
        let topic = small_set().topic("food").unwrap().clone();
        let settings = SessionSettings {
            auditory_cues: true,
            ..SessionSettings::default()
        };
        let (mut session, _) =
            MatSession::start("s1".into(), person, "test", topic, settings, t(0));
        let cues: Vec<String> = (0..8)
            .flat_map(|_| session.handle(key(Event::MoveHighlight(Step::Forward)), t(1)))
            .map(|effect| match effect {
                Effect::Say(Utterance {
                    text,
                    mode: SpeakMode::Interrupt,
                    cue: true,
                    ..
                }) => text,
                other => panic!("only interrupting cues: {other:?}"),
            })
            .collect();
        assert_eq!(
            cues,
            [
                "like",
                "not sure",
                "don't like",
                "skip",
                "something else",
                "say again",
                "back",
                "like"
            ]
        );

        let (mut quiet, _) = start();
        assert!(
            quiet
                .handle(key(Event::MoveHighlight(Step::Forward)), t(1))
                .is_empty(),
            "cues are off by default"
        );
    }

    #[test]
    fn on_the_review_a_moved_highlight_selects_what_it_is_on() {
        let (mut session, _) = start();
        place_all(&mut session, &[0, 1, 2]);
        session.handle(key(Event::MoveHighlight(Step::Forward)), t(9));
        session.handle(key(Event::MoveHighlight(Step::Forward)), t(9));
        assert_eq!(session.highlighted_choice(), Some(Choice::Undo));
        session.handle(key(Event::Select), t(10));
        assert_eq!(session.stage(), Stage::Offering { card: 2 });
    }

    #[test]
    fn skip_passes_over_the_card_on_offer_and_undo_brings_it_back() {
        let (mut session, _) = start();
        let effects = session.handle(key(Event::Skip), t(2));
        assert_eq!(
            spoken(&effects),
            [
                ("Skip tea.", SpeakMode::Interrupt),
                ("cake", SpeakMode::Queue)
            ]
        );
        let [Record::Skipped {
            card_id,
            response_ms,
            ..
        }] = records(&effects)[..]
        else {
            panic!("{effects:?}")
        };
        assert_eq!((card_id.as_str(), *response_ms), ("tea", 2000));
        assert_eq!(session.dealt_count(), 1);
        let effects = session.handle(key(Event::Undo), t(3));
        assert!(matches!(
            records(&effects)[..],
            [Record::Undone { undoes: 1, .. }]
        ));
        assert_eq!(session.stage(), Stage::Offering { card: 0 });
        assert!(!session.is_skipped(0));
    }

    #[test]
    fn something_else_adds_a_blank_card_offered_at_once_then_the_card_that_was_on_offer() {
        let (mut session, _) = start();
        let effects = session.handle(key(Event::SomethingElse), t(1));
        assert_eq!(spoken(&effects), [("something else", SpeakMode::Interrupt)]);
        assert!(
            records(&effects).is_empty(),
            "nothing to record until it is placed"
        );
        let blank = session.card_on_offer().unwrap().clone();
        assert_eq!(blank.id, "something-else-1");
        assert_eq!(blank.picture.as_deref(), Some(SOMETHING_ELSE_PICTURE));
        let effects = session.handle(key(Event::PlaceOn(0)), t(2));
        assert_eq!(
            spoken(&effects),
            [
                ("I like something else.", SpeakMode::Interrupt),
                ("tea", SpeakMode::Queue)
            ]
        );
        assert_eq!(session.topic().cards.len(), 4);
        // Undo twice: the placement, then the blank card itself.
        session.handle(key(Event::Undo), t(3));
        assert_eq!(session.stage(), Stage::Offering { card: 3 });
        let effects = session.handle(key(Event::Undo), t(4));
        assert_eq!(spoken(&effects), [("tea", SpeakMode::Interrupt)]);
        assert_eq!(session.topic().cards.len(), 3);
    }

    #[test]
    fn a_card_picked_up_on_the_review_is_moved_by_a_new_placement_and_undo_puts_it_back() {
        let (mut session, _) = start();
        place_all(&mut session, &[0, 1, 2]);
        let effects = session.handle(key(Event::PickUp(0)), t(10));
        assert_eq!(
            spoken(&effects),
            [("Where does tea go?", SpeakMode::Interrupt)]
        );
        assert_eq!(session.screen(), Screen::Review);
        assert_eq!(
            session.choices()[3..],
            [Choice::TellMeMore, Choice::PutBack]
        );
        let effects = session.handle(
            key(Event::PlaceAt(Spot {
                point: 1,
                offset: 30,
            })),
            t(12),
        );
        let [Record::Placed {
            seq: 4,
            card_id,
            spot,
            response_ms: 2000,
            ..
        }] = records(&effects)[..]
        else {
            panic!("{effects:?}")
        };
        assert_eq!(
            (card_id.as_str(), *spot),
            (
                "tea",
                Spot {
                    point: 1,
                    offset: 30
                }
            )
        );
        assert_eq!(
            session.stage(),
            Stage::Reviewing,
            "back to the review, not spoken again"
        );
        assert_eq!(session.cards_on(1), [1, 0]);
        assert_eq!(session.summary()[0], "You're not sure about cake and tea.");

        let effects = session.handle(key(Event::Undo), t(13));
        assert!(matches!(
            records(&effects)[..],
            [Record::Undone { undoes: 4, .. }]
        ));
        assert_eq!(
            session.stage(),
            Stage::Reviewing,
            "undoing a move stays on the review"
        );
        assert_eq!(session.cards_on(0), [0]);
        assert_eq!(session.spot_of(0), Some(Spot::on(0)));
    }

    #[test]
    fn a_tap_on_a_placed_card_while_another_is_on_offer_puts_the_offered_one_in_its_column() {
        let (mut session, _) = start();
        session.handle(key(Event::PlaceOn(2)), t(1));
        // "cake" is on offer; the person taps where "tea" sits.
        let effects = session.handle(key(Event::PickUp(0)), t(2));
        let [Record::Placed { card_id, spot, .. }] = records(&effects)[..] else {
            panic!("{effects:?}")
        };
        assert_eq!((card_id.as_str(), *spot), ("cake", Spot::on(2)));
        assert_eq!(session.cards_on(2), [0, 1], "tea stays where it was");
        assert_eq!(session.screen(), Screen::Mat);
        // A card not on the mat does nothing.
        assert!(session.handle(key(Event::PickUp(2)), t(4)).is_empty());
    }

    #[test]
    fn tell_me_more_marks_a_card_once_and_the_review_says_so() {
        let (mut session, _) = start();
        let effects = session.handle(key(Event::TellMeMore), t(1));
        assert_eq!(
            spoken(&effects),
            [("I want to tell you more about tea.", SpeakMode::Interrupt)]
        );
        assert!(matches!(
            records(&effects)[..],
            [Record::Marked { seq: 1, .. }]
        ));
        let again = session.handle(key(Event::TellMeMore), t(2));
        assert!(
            records(&again).is_empty(),
            "marking twice records nothing new"
        );
        assert!(session.is_marked(0));
        place_all(&mut session, &[0, 1, 2]);
        assert_eq!(
            session.summary().last().unwrap(),
            "You want to tell us more about tea."
        );
    }

    #[test]
    fn neutral_feedback_every_point_gets_the_same_kind_of_response() {
        // The same effects, in the same modes, wherever the card goes: only
        // the point's own words differ. No point is praised.
        let shapes: Vec<Vec<String>> = (0..3)
            .map(|point| {
                let (mut session, _) = start();
                session
                    .handle(key(Event::PlaceOn(point)), t(1))
                    .iter()
                    .map(|e| match e {
                        Effect::Say(u) => format!("say {:?}", u.mode),
                        Effect::Record(_) => "record".into(),
                        other => format!("{other:?}"),
                    })
                    .collect()
            })
            .collect();
        assert!(shapes.windows(2).all(|w| w[0] == w[1]), "{shapes:?}");
    }

    #[test]
    fn the_journal_replays_to_the_mat_on_screen() {
        let (mut session, mut all) = start();
        for (i, event) in [
            Event::PlaceOn(0),
            Event::Skip,
            Event::Undo,
            Event::PlaceOn(1),
            Event::PlaceOn(2),
            Event::PickUp(1),
            Event::PlaceAt(Spot {
                point: 0,
                offset: 20,
            }),
            Event::Undo,
            Event::PickUp(2),
            Event::TellMeMore,
        ]
        .into_iter()
        .enumerate()
        {
            all.extend(session.handle(key(event), t(i as u32 + 1)));
        }
        let replayed = replayed(&all);
        assert_eq!(replayed, on_screen(&session));
        assert_eq!(
            replayed.0,
            vec![
                ("tea".into(), Spot::on(0)),
                ("cake".into(), Spot::on(1)),
                ("pizza".into(), Spot::on(2))
            ]
        );
        assert_eq!(replayed.2, vec![CardId::from("pizza")]);
    }

    type MatView = (Vec<(CardId, Spot)>, Vec<CardId>, Vec<CardId>);

    /// The mat as the journal records rebuild it: placements in mat order,
    /// skipped cards, marked cards (sorted).
    fn replayed(effects: &[Effect]) -> MatView {
        let actions: Vec<_> = records(effects)
            .into_iter()
            .filter_map(crate::core::JournalAction::from_record)
            .collect();
        let mat = crate::core::replay(&actions);
        let mut skipped: Vec<CardId> = mat.skipped.into_iter().map(|(c, _)| c).collect();
        let mut marked: Vec<CardId> = mat.marked.into_iter().map(|(c, _)| c).collect();
        skipped.sort();
        marked.sort();
        (
            mat.placements
                .into_iter()
                .map(|p| (p.card_id, p.spot))
                .collect(),
            skipped,
            marked,
        )
    }

    /// The same, as the session holds it.
    fn on_screen(session: &MatSession) -> MatView {
        let cards = &session.topic().cards;
        let mut order: Vec<usize> = (0..cards.len())
            .filter(|&c| session.spot_of(c).is_some())
            .collect();
        order.sort_by_key(|&c| session.last_put_seq(c));
        let mut skipped: Vec<CardId> = (0..cards.len())
            .filter(|&c| session.is_skipped(c) && session.spot_of(c).is_none())
            .map(|c| cards[c].id.clone())
            .collect();
        let mut marked: Vec<CardId> = (0..cards.len())
            .filter(|&c| session.is_marked(c))
            .map(|c| cards[c].id.clone())
            .collect();
        skipped.sort();
        marked.sort();
        (
            order
                .into_iter()
                .map(|c| (cards[c].id.clone(), session.spot_of(c).unwrap()))
                .collect(),
            skipped,
            marked,
        )
    }

    fn any_event() -> impl proptest::strategy::Strategy<Value = Event> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (0usize..4).prop_map(Event::PlaceOn),
            2 => (0usize..3, -60i8..60).prop_map(|(point, offset)| Event::PlaceAt(Spot { point, offset })),
            2 => (0usize..6).prop_map(Event::PickUp),
            1 => Just(Event::PutBack),
            2 => Just(Event::Skip),
            1 => Just(Event::SomethingElse),
            1 => Just(Event::TellMeMore),
            3 => Just(Event::Undo),
            1 => Just(Event::SayAgain),
            1 => Just(Event::Finish),
            2 => Just(Event::MoveHighlight(Step::Forward)),
            1 => Just(Event::MoveHighlight(Step::Back)),
            2 => Just(Event::Select),
        ]
    }

    proptest::proptest! {
        /// Whatever a person does, in any order: every card is in one place
        /// at most, the journal replays to the mat on screen, and a finished
        /// mat has every card dealt with.
        #[test]
        fn any_sequence_leaves_a_consistent_mat_that_the_journal_rebuilds(
            events in proptest::collection::vec(any_event(), 0..60)
        ) {
            let (mut session, mut all) = start();
            for (i, event) in events.into_iter().enumerate() {
                if session.stage() == Stage::Finished {
                    break;
                }
                all.extend(session.handle(key(event), t(i as u32 % 60)));
                let cards = session.topic().cards.len();
                let on_mat: usize = (0..3).map(|p| session.cards_on(p).len()).sum();
                let placed = (0..cards).filter(|&c| session.spot_of(c).is_some()).count();
                proptest::prop_assert_eq!(on_mat, placed, "each placed card is in exactly one column");
                for c in 0..cards {
                    if let Some(spot) = session.spot_of(c) {
                        proptest::prop_assert!(spot.point < 3);
                        proptest::prop_assert!(spot.offset.abs() <= crate::core::event::MAX_OFFSET);
                        proptest::prop_assert!(!(spot.point == 0 && spot.offset < 0));
                    }
                }
                proptest::prop_assert_eq!(replayed(&all), on_screen(&session));
            }
            let seqs: Vec<u32> = records(&all).iter().filter_map(|r| match r {
                Record::Placed { seq, .. } | Record::Skipped { seq, .. }
                | Record::Marked { seq, .. } | Record::Undone { seq, .. } => Some(*seq),
                _ => None,
            }).collect();
            proptest::prop_assert!(seqs.windows(2).all(|w| w[0] < w[1]), "seqs only ever grow: {:?}", seqs);
            if session.stage() == Stage::Finished {
                let cards = session.topic().cards.len();
                proptest::prop_assert_eq!(session.dealt_count(), cards);
            } else {
                // The kiosk stops here; the mat is rebuilt from its journal.
                let actions: Vec<_> = records(&all)
                    .into_iter()
                    .filter_map(crate::core::JournalAction::from_record)
                    .collect();
                let topic = small_set().topic("food").unwrap().clone();
                let resumed = MatSession::resume(
                    session.id().clone(),
                    session.person().clone(),
                    topic,
                    SessionSettings::default(),
                    &actions,
                    t(59),
                );
                proptest::prop_assert_eq!(resumed.as_replayed(), session.as_replayed());
                proptest::prop_assert_eq!(on_screen(&resumed), on_screen(&session));
                proptest::prop_assert_eq!(resumed.summary(), session.summary());
                // Carrying on continues the same sequence of actions.
                let next = resumed.clone().handle(key(Event::Undo), t(59));
                let last_seq = seqs.last().copied().unwrap_or(0);
                for record in records(&next) {
                    if let Record::Undone { seq, .. } = record {
                        proptest::prop_assert!(*seq > last_seq);
                    }
                }
            }
        }
    }
}
