//! How a session moves: placing, picking up, skipping, undoing, finishing,
//! and what is said for each.

use super::*;

impl MatSession {
    /// Places the card on offer, or moves the card picked up.
    pub(super) fn place_at(&mut self, spot: Spot, via: InputMethod, now: Now) -> Vec<Effect> {
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
    pub(super) fn offer_next(&mut self, now: Now) -> Vec<Effect> {
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

    pub(super) fn pick_up(&mut self, card: usize, now: Now) -> Vec<Effect> {
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
    pub(super) fn put_back(&mut self) -> Vec<Effect> {
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

    pub(super) fn skip(&mut self, card: usize, via: InputMethod, now: Now) -> Vec<Effect> {
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
    pub(super) fn add_something_else(&mut self, now: Now) -> Vec<Effect> {
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
    pub(super) fn tell_me_more(&mut self, via: InputMethod, now: Now) -> Vec<Effect> {
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

    pub(super) fn undo(&mut self, via: InputMethod, now: Now) -> Vec<Effect> {
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
    pub(super) fn next_open_card(&self) -> Option<usize> {
        (0..self.topic.cards.len()).find(|&i| self.placed[i].is_none() && !self.skipped[i])
    }

    /// The seq of the placement that put a card where it now is.
    pub(super) fn last_put_seq(&self, card: usize) -> u32 {
        self.history
            .iter()
            .rev()
            .find_map(|action| match action {
                Action::Placed { seq, card: c, .. } if *c == card => Some(*seq),
                _ => None,
            })
            .unwrap_or(0)
    }

    pub(super) fn finish(&mut self, via: InputMethod, now: Now) -> Vec<Effect> {
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

    pub(super) fn say_again(&self) -> Vec<Effect> {
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

    pub(super) fn choose(&mut self, choice: Choice, via: InputMethod, now: Now) -> Vec<Effect> {
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

    pub(super) fn move_highlight(&mut self, step: Step) {
        self.highlight = step.from(self.highlight, self.choices().len());
    }

    /// With auditory scanning, the name of what the highlight is on. A new
    /// cue cuts off the last one, so cues never pile up.
    pub(super) fn cue(&self) -> Vec<Effect> {
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
    pub(super) fn offer(&self, card: usize, mode: SpeakMode) -> Effect {
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
    pub(super) fn prompt(&self, prompt: Prompt, mode: SpeakMode) -> Effect {
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
    pub(super) fn prompt_with(
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
    pub(super) fn enter_review(&self) -> Vec<Effect> {
        let mut effects = vec![self.prompt(Prompt::ReviewIntro, SpeakMode::Queue)];
        let summary = self.summary();
        if summary.is_empty() {
            effects.push(self.prompt(Prompt::ReviewEmpty, SpeakMode::Queue));
        }
        effects.extend(summary.iter().map(|line| say(line, SpeakMode::Queue)));
        effects
    }

    pub(super) fn take_seq(&mut self) -> u32 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }
}
