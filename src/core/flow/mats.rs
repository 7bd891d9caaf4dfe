//! Starting a mat on a topic, carrying one on, and the clips it will need.

use super::*;

impl<Z: TimeZone> Flow<Z> {
    /// A mat on one of the person's topics, answering the check-in that is
    /// due on it, if any.
    pub(super) fn start_mat(
        &mut self,
        topic: usize,
        now: Now,
        ids: &mut dyn NewIds,
    ) -> Vec<FlowEffect> {
        let topic = self.config.topics[topic].clone();
        let answers = self
            .due_check_in(now)
            .filter(|(_, window)| window.topic == topic.id);
        let mut out = self.start_mat_on(topic, now, ids);
        if let (Some((person, window)), Some(session)) = (answers, &self.session) {
            let session_id = session.id().clone();
            out.extend(self.record_check_in(
                person,
                &window,
                Outcome::Answered,
                Some(session_id),
                now,
            ));
        }
        out
    }

    pub(super) fn start_mat_on(
        &mut self,
        topic: Topic,
        now: Now,
        ids: &mut dyn NewIds,
    ) -> Vec<FlowEffect> {
        let Some(person) = self.person else {
            return Vec::new();
        };
        let settings = SessionSettings {
            phrases: self.voicing.phrases.clone(),
            auditory_cues: self.voicing.auditory_cues,
            company: self.company.clone(),
            answer_after_ms: self.voicing.answer_after_ms,
        };
        let set_id = topic
            .from_set
            .clone()
            .unwrap_or_else(|| self.config.set_id.clone());
        let (session, effects) = MatSession::start(
            ids.new_session_id(),
            self.config.people[person].person.clone(),
            &set_id,
            topic,
            settings,
            now,
        );
        let mut session = session;
        session.set_saving(self.saving);
        // This is now the person's most recent mat; an older partial one
        // stays in the journal as it is.
        self.paused.remove(&person);
        let preload = self.clips_of(&session);
        self.session = Some(session);
        self.screen = Screen::Mat;
        let mut out = vec![preload];
        out.extend(self.carry_out_mat(effects, now, ids));
        out
    }

    /// Carries on with the mat the person left part-way.
    pub(super) fn carry_on(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let Some(person) = self.person else {
            return Vec::new();
        };
        let Some(mut session) = self.paused.remove(&person) else {
            return self.show_topics(now, ids);
        };
        session.set_helping(self.company.helped);
        session.set_saving(self.saving);
        session.shown_again(now);
        let mut out = vec![
            FlowEffect::Record(Record::Resumed {
                session_id: session.id().clone(),
                at: now.wall,
            }),
            self.clips_of(&session),
        ];
        self.screen = session.screen();
        let effects = session.handle(Input::new(Event::SayAgain, InputMethod::Touch), now);
        self.session = Some(session);
        out.extend(self.carry_out_mat(effects, now, ids));
        out
    }

    /// The clips of a mat's topic, and the prompts', to decode ahead.
    pub(super) fn clips_of(&self, session: &MatSession) -> FlowEffect {
        let mut clips: Vec<String> = session
            .topic()
            .cards
            .iter()
            .filter_map(|card| card.clip.clone())
            .collect();
        clips.extend(
            Prompt::ALL
                .into_iter()
                .filter_map(|prompt| self.voicing.phrases.get(prompt).clip.clone()),
        );
        FlowEffect::Preload(clips)
    }
}
