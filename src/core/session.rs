//! The mat session: one person, one topic, one card at a time.
//!
//! A session is a state machine driven by `(input, now)`. Each call returns the
//! [`Effect`]s the shell must carry out: what to say, what to record in the
//! journal, which screen to show. The session never speaks, writes or draws
//! anything itself.
//!
//! Stages: `Offering` a card → (every card placed) → `Reviewing` the whole mat
//! → (explicit finish) → `Finished`. Undo steps back one placement at a time,
//! from the review too; once finished, the mat is final.

use chrono::{DateTime, Utc};

use super::event::{Event, Input, InputMethod, Step};
use super::phrases::{Phrase, Phrases, Prompt};
use super::picture_set::{Card, Topic};
use super::scale::ScalePoint;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The card at this index in the topic is on offer.
    Offering {
        card: usize,
    },
    Reviewing,
    Finished,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Mat,
    Review,
    Finished,
}

/// What the highlight can rest on in each stage (for switch users and arrow
/// keys). On the mat: the scale points, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Point(usize),
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
}

/// A fact for the journal. Every one is written the moment it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Started {
        session_id: String,
        person_id: String,
        set_id: String,
        topic_id: String,
        topic_title: String,
        at: DateTime<Utc>,
    },
    Placed {
        session_id: String,
        /// Position of this action in the session; unique within it.
        seq: u32,
        card_id: String,
        card_label: String,
        point: usize,
        point_label: String,
        at: DateTime<Utc>,
        via: InputMethod,
        /// From the card being offered to the card being placed.
        response_ms: i64,
    },
    Undone {
        session_id: String,
        seq: u32,
        /// The `seq` of the placement taken back.
        undoes: u32,
        at: DateTime<Utc>,
        via: InputMethod,
    },
    Finished {
        session_id: String,
        at: DateTime<Utc>,
        via: InputMethod,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Say(Utterance),
    Record(Record),
    Show(Screen),
    /// The finished screen asked for a new mat; the shell picks the topic.
    StartNewMat,
}

/// How a session speaks: its prompts, and whether moving the highlight
/// speaks what it lands on (auditory scanning, for people who cannot see the
/// screen well).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSettings {
    pub phrases: Phrases,
    pub auditory_cues: bool,
}

#[derive(Debug, Clone)]
pub struct MatSession {
    id: String,
    person: PersonRef,
    topic: Topic,
    settings: SessionSettings,
    /// The point each card sits on, by card index.
    placed: Vec<Option<usize>>,
    /// Placements not taken back, oldest first: (seq, card index).
    history: Vec<(u32, usize)>,
    next_seq: u32,
    stage: Stage,
    highlight: Option<usize>,
    offered_at: DateTime<Utc>,
}

impl MatSession {
    /// Starts a mat. `id` must be unique across devices (the shell uses a
    /// UUIDv7); it keys the session in the journal and the support plan.
    pub fn start(
        id: String,
        person: PersonRef,
        set_id: &str,
        topic: Topic,
        settings: SessionSettings,
        now: DateTime<Utc>,
    ) -> (MatSession, Vec<Effect>) {
        let stage = if topic.cards.is_empty() {
            Stage::Reviewing
        } else {
            Stage::Offering { card: 0 }
        };
        let session = MatSession {
            placed: vec![None; topic.cards.len()],
            id,
            person,
            topic,
            settings,
            history: Vec::new(),
            next_seq: 1,
            stage,
            highlight: None,
            offered_at: now,
        };
        let mut effects = vec![
            Effect::Record(Record::Started {
                session_id: session.id.clone(),
                person_id: session.person.id.clone(),
                set_id: set_id.to_string(),
                topic_id: session.topic.id.clone(),
                topic_title: session.topic.title.clone(),
                at: now,
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

    pub fn handle(&mut self, input: Input, now: DateTime<Utc>) -> Vec<Effect> {
        let Input { event, via } = input;
        match (self.stage, event) {
            (_, Event::MoveHighlight(step)) => {
                self.move_highlight(step);
                self.cue()
            }
            (_, Event::Select) => match self.highlighted_choice() {
                Some(choice) => self.choose(choice, via, now),
                None if self.stage == Stage::Reviewing => self.finish(via, now),
                None if self.stage == Stage::Finished => vec![Effect::StartNewMat],
                None => Vec::new(),
            },
            (Stage::Offering { card }, Event::PlaceOn(point)) => self.place(card, point, via, now),
            (_, Event::PlaceOn(_)) => Vec::new(),
            (_, Event::Undo) => self.undo(via, now),
            (_, Event::SayAgain) => self.say_again(),
            (Stage::Reviewing, Event::Finish) => self.finish(via, now),
            (_, Event::Finish) => Vec::new(),
            (Stage::Finished, Event::StartAgain) => vec![Effect::StartNewMat],
            (_, Event::StartAgain) => Vec::new(),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn person(&self) -> &PersonRef {
        &self.person
    }

    pub fn topic(&self) -> &Topic {
        &self.topic
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    pub fn screen(&self) -> Screen {
        match self.stage {
            Stage::Offering { .. } => Screen::Mat,
            Stage::Reviewing => Screen::Review,
            Stage::Finished => Screen::Finished,
        }
    }

    pub fn card_on_offer(&self) -> Option<&Card> {
        match self.stage {
            Stage::Offering { card } => self.topic.cards.get(card),
            _ => None,
        }
    }

    /// How many cards have been placed so far.
    pub fn placed_count(&self) -> usize {
        self.history.len()
    }

    /// The cards under one scale point, in the order they were placed.
    pub fn cards_on(&self, point: usize) -> Vec<&Card> {
        self.history
            .iter()
            .filter(|(_, card)| self.placed[*card] == Some(point))
            .map(|(_, card)| &self.topic.cards[*card])
            .collect()
    }

    /// What the highlight is on, if anything.
    pub fn highlighted_choice(&self) -> Option<Choice> {
        self.highlight.and_then(|i| self.choices().get(i).copied())
    }

    /// The choices the highlight moves through in this stage, in order.
    pub fn choices(&self) -> Vec<Choice> {
        match self.stage {
            Stage::Offering { .. } => (0..self.topic.scale.points.len())
                .map(Choice::Point)
                .chain([Choice::SayAgain, Choice::Undo])
                .collect(),
            Stage::Reviewing => vec![Choice::Finish, Choice::Undo, Choice::SayAgain],
            Stage::Finished => vec![Choice::StartAgain],
        }
    }

    /// The review, one sentence per scale point that has cards, in scale order:
    /// "You like tea and cake."
    pub fn summary(&self) -> Vec<String> {
        self.topic
            .scale
            .points
            .iter()
            .enumerate()
            .filter_map(|(i, point)| {
                let cards = self.cards_on(i);
                if cards.is_empty() {
                    return None;
                }
                let names: Vec<&str> = cards.iter().map(|c| c.spoken()).collect();
                Some(point.review_phrase(&names))
            })
            .collect()
    }

    fn point(&self, index: usize) -> &ScalePoint {
        &self.topic.scale.points[index]
    }

    fn place(
        &mut self,
        card: usize,
        point: usize,
        via: InputMethod,
        now: DateTime<Utc>,
    ) -> Vec<Effect> {
        if point >= self.topic.scale.points.len() {
            return Vec::new();
        }
        let seq = self.take_seq();
        let placed_card = &self.topic.cards[card];
        let point_def = self.point(point);
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
                point,
                point_label: point_def.label.clone(),
                at: now,
                via,
                response_ms: (now - self.offered_at).num_milliseconds().max(0),
            }),
        ];
        self.placed[card] = Some(point);
        self.history.push((seq, card));
        self.highlight = None;

        match self.placed.iter().position(Option::is_none) {
            Some(next) => {
                self.stage = Stage::Offering { card: next };
                self.offered_at = now;
                effects.push(self.offer(next, SpeakMode::Queue));
            }
            None => {
                self.stage = Stage::Reviewing;
                effects.push(Effect::Show(Screen::Review));
                effects.extend(self.enter_review());
            }
        }
        effects
    }

    fn undo(&mut self, via: InputMethod, now: DateTime<Utc>) -> Vec<Effect> {
        if self.stage == Stage::Finished {
            return Vec::new();
        }
        let Some((undoes, card)) = self.history.pop() else {
            return Vec::new();
        };
        let seq = self.take_seq();
        let was_reviewing = self.stage == Stage::Reviewing;
        self.placed[card] = None;
        self.stage = Stage::Offering { card };
        self.highlight = None;
        self.offered_at = now;
        let mut effects = vec![Effect::Record(Record::Undone {
            session_id: self.id.clone(),
            seq,
            undoes,
            at: now,
            via,
        })];
        if was_reviewing {
            effects.push(Effect::Show(Screen::Mat));
        }
        effects.push(self.offer(card, SpeakMode::Interrupt));
        effects
    }

    fn finish(&mut self, via: InputMethod, now: DateTime<Utc>) -> Vec<Effect> {
        self.stage = Stage::Finished;
        self.highlight = None;
        vec![
            self.prompt(Prompt::Finished, SpeakMode::Interrupt),
            Effect::Record(Record::Finished {
                session_id: self.id.clone(),
                at: now,
                via,
            }),
            Effect::Show(Screen::Finished),
        ]
    }

    fn say_again(&self) -> Vec<Effect> {
        match self.stage {
            Stage::Offering { card } => vec![self.offer(card, SpeakMode::Interrupt)],
            Stage::Reviewing => {
                let mut effects = self.enter_review();
                if let Some(Effect::Say(first)) = effects.first_mut() {
                    first.mode = SpeakMode::Interrupt;
                }
                effects
            }
            Stage::Finished => vec![self.prompt(Prompt::Finished, SpeakMode::Interrupt)],
        }
    }

    fn choose(&mut self, choice: Choice, via: InputMethod, now: DateTime<Utc>) -> Vec<Effect> {
        match (choice, self.stage) {
            (Choice::Point(point), Stage::Offering { card }) => self.place(card, point, via, now),
            (Choice::Finish, Stage::Reviewing) => self.finish(via, now),
            (Choice::Undo, _) => self.undo(via, now),
            (Choice::SayAgain, _) => self.say_again(),
            (Choice::StartAgain, Stage::Finished) => vec![Effect::StartNewMat],
            _ => Vec::new(),
        }
    }

    fn move_highlight(&mut self, step: Step) {
        let count = self.choices().len();
        if count == 0 {
            return;
        }
        self.highlight = Some(match (self.highlight, step) {
            (None, Step::Forward) => 0,
            (None, Step::Back) => count - 1,
            (Some(i), Step::Forward) => (i + 1) % count,
            (Some(i), Step::Back) => (i + count - 1) % count,
        });
    }

    /// With auditory scanning, the name of what the highlight is on. A new
    /// cue cuts off the last one, so cues never pile up.
    fn cue(&self) -> Vec<Effect> {
        if !self.settings.auditory_cues {
            return Vec::new();
        }
        let prompt = match self.highlighted_choice() {
            Some(Choice::Point(i)) => return vec![say(&self.point(i).label, SpeakMode::Interrupt)],
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
        })
    }

    /// One of the kiosk's own prompts, with its recorded clip if it has one.
    fn prompt(&self, prompt: Prompt, mode: SpeakMode) -> Effect {
        let Phrase { text, clip } = self.settings.phrases.get(prompt).clone();
        Effect::Say(Utterance { text, clip, mode })
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

fn say(text: &str, mode: SpeakMode) -> Effect {
    Effect::Say(Utterance {
        text: text.to_string(),
        clip: None,
        mode,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::core::picture_set::tests::small_set;

    fn t(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, second).unwrap()
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
            point,
            point_label,
            via,
            response_ms,
            ..
        }] = records(&effects)[..]
        else {
            panic!("expected one placement, got {effects:?}");
        };
        assert_eq!(
            (*seq, card_id.as_str(), *point, point_label.as_str()),
            (1, "tea", 0, "like")
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
        assert_eq!(session.placed_count(), 0);
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
                at: t(9),
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
                mode: SpeakMode::Interrupt
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
            at: t(9),
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
        session.handle(key(Event::MoveHighlight(Step::Forward)), t(1));
        session.handle(key(Event::MoveHighlight(Step::Forward)), t(1));
        assert_eq!(
            session.highlighted_choice(),
            Some(Choice::Point(0)),
            "round again"
        );
        session.handle(key(Event::MoveHighlight(Step::Forward)), t(1));
        let effects = session.handle(key(Event::Select), t(2));
        let [Record::Placed { point, .. }] = records(&effects)[..] else {
            panic!()
        };
        assert_eq!(*point, 1);
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
        let cues: Vec<String> = (0..6)
            .flat_map(|_| session.handle(key(Event::MoveHighlight(Step::Forward)), t(1)))
            .map(|effect| match effect {
                Effect::Say(Utterance {
                    text,
                    mode: SpeakMode::Interrupt,
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
    fn the_journal_replays_to_the_mat_on_screen() {
        let (mut session, mut all) = start();
        for (i, event) in [
            Event::PlaceOn(0),
            Event::PlaceOn(2),
            Event::Undo,
            Event::PlaceOn(1),
            Event::PlaceOn(2),
            Event::Undo,
            Event::PlaceOn(0),
        ]
        .into_iter()
        .enumerate()
        {
            all.extend(session.handle(key(event), t(i as u32 + 1)));
        }
        let actions: Vec<_> = records(&all)
            .into_iter()
            .filter_map(|r| match r {
                Record::Placed {
                    seq,
                    card_id,
                    point,
                    ..
                } => Some(crate::core::JournalAction::Placed {
                    seq: *seq,
                    card_id: card_id.clone(),
                    point: *point,
                }),
                Record::Undone { seq, undoes, .. } => Some(crate::core::JournalAction::Undone {
                    seq: *seq,
                    undoes: *undoes,
                }),
                _ => None,
            })
            .collect();
        let replayed: Vec<(String, usize)> = crate::core::final_mat(&actions)
            .into_iter()
            .map(|p| (p.card_id, p.point))
            .collect();
        let on_screen: Vec<(String, usize)> = (0..3)
            .flat_map(|point| {
                session
                    .cards_on(point)
                    .into_iter()
                    .map(move |c| (c.id.clone(), point))
            })
            .collect();
        let mut on_screen_sorted = on_screen.clone();
        on_screen_sorted.sort();
        let mut replayed_sorted = replayed.clone();
        replayed_sorted.sort();
        assert_eq!(replayed_sorted, on_screen_sorted);
        assert_eq!(
            replayed_sorted,
            vec![("cake".into(), 1), ("pizza".into(), 0), ("tea".into(), 0)]
        );
    }
}
