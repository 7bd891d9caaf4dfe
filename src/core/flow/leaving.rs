//! Leaving a mat part-way: "Back" with nothing to undo asks, and the answer is carried out.

use super::*;

impl<Z: TimeZone> Flow<Z> {
    /// Whether this is "Back" on a mat with no step to take back: the
    /// person wants out of the mat (the wrong topic, or not now).
    pub(super) fn asks_to_leave(&self, event: Event) -> bool {
        let Some(session) = &self.session else {
            return false;
        };
        let back = match event {
            Event::Undo => true,
            Event::Select => session.highlighted_choice() == Some(Choice::Undo),
            _ => false,
        };
        back && session.is_open() && !session.can_undo()
    }

    /// "Stop this mat for now?", with carrying on first.
    pub(super) fn ask_to_leave(&mut self) -> Vec<FlowEffect> {
        let Some(session) = &self.session else {
            return Vec::new();
        };
        let topic = session.topic();
        self.leave_picker = Picker::new(
            PickerKind::Leave,
            vec![
                topic.title.clone(),
                self.voicing.phrases.get(Prompt::StopForNow).text.clone(),
            ],
            &self.voicing,
        );
        self.screen = Screen::Leave;
        says(self.leave_picker.greeting())
    }

    /// Back to the mat as it was, its card offered again (and given its
    /// moment before a press counts).
    pub(super) fn back_to_mat(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let Some(session) = &mut self.session else {
            return self.show_topics(now, ids);
        };
        session.shown_again(now);
        self.screen = session.screen();
        let effects = session.handle(Input::new(Event::SayAgain, InputMethod::Touch), now);
        self.carry_out_mat(effects, now, ids)
    }

    /// The mat is kept as partial, to carry on with at the person's next
    /// turn, and the person chooses another topic. With one topic there is
    /// no other to choose: the person is offered to carry on or start again.
    pub(super) fn leave_mat(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let mut out = Vec::new();
        if let Some(session) = self.session.take() {
            out.push(FlowEffect::Record(Record::Paused {
                session_id: session.id().clone(),
                at: now.wall,
            }));
            if let Some(person) = self.person {
                self.paused.insert(person, session);
            }
        }
        if self.person_topics().len() > 1 {
            self.afresh = true;
            self.screen = Screen::Topics;
            self.offer_due_check_in(now);
            out.extend(says(self.topics.greeting()));
        } else {
            out.extend(self.show_topics(now, ids));
        }
        out
    }

    pub(super) fn carry_out_mat(
        &mut self,
        effects: Vec<Effect>,
        now: Now,
        ids: &mut dyn NewIds,
    ) -> Vec<FlowEffect> {
        let mut out = Vec::new();
        for effect in effects {
            match effect {
                Effect::Say(utterance) => out.push(FlowEffect::Say(utterance)),
                Effect::Record(record) => {
                    if let Record::Placed { spot, .. } = &record {
                        self.just_chosen = Some(spot.point);
                    }
                    let finished = match &record {
                        Record::Finished { session_id, .. } => Some(session_id.clone()),
                        _ => None,
                    };
                    if finished.is_some() {
                        if let Some(told) = self.telling() {
                            self.told_back.retain(|n| n.card_id_told() != told);
                        }
                    }
                    out.push(FlowEffect::Record(record));
                    if let Some(session_id) = finished {
                        out.push(FlowEffect::StartSync);
                        out.push(FlowEffect::KeepMat(session_id));
                    }
                }
                Effect::Show(screen) => self.screen = screen,
                Effect::StartNewMat => out.extend(self.show_topics(now, ids)),
            }
        }
        out
    }
}
