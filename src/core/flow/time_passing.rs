//! Time passing: the tick, idle mats, and check-ins offered, declined and closed.

use super::*;

impl<Z: TimeZone> Flow<Z> {
    pub(super) fn tick(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let mut effects = self.record_closed_check_ins(now);
        if self.screen == Screen::Topics {
            let due_before = self.topics.due();
            self.offer_due_check_in(now);
            if self.topics.due() != due_before && self.topics.due().is_some() {
                effects.extend(says(self.topics.greeting()));
            }
        }
        effects.extend(self.check_idle(now, ids));
        effects.extend(self.take_up_home_when_quiet(now));
        if self.next_sync_at.is_some_and(|at| now.mono >= at) {
            self.next_sync_at = None;
            effects.push(FlowEffect::StartSync);
        }
        effects
    }

    /// A mat left untouched for the idle time is saved as partial, and the
    /// kiosk goes back to its first screen for whoever comes next. Measured
    /// on the monotonic clock: a wall clock set by NTP changes nothing.
    pub(super) fn check_idle(&mut self, now: Now, ids: &mut dyn NewIds) -> Vec<FlowEffect> {
        let idle = now.mono.since(self.last_action);
        // A finished mat's screen has said all it has to say: in a shared
        // home the kiosk is soon ready for whoever comes next. (With one
        // person, it is their own screen to start again from.)
        if self.screen == Screen::Finished
            && self.config.people.len() > 1
            && idle >= FINISHED_SCREEN_STAYS_MS
        {
            self.last_action = now.mono;
            return self.show_people(now, ids);
        }
        if idle < self.config.idle_ms {
            return Vec::new();
        }
        let open = self.session.as_ref().is_some_and(|s| {
            s.is_open() && matches!(self.screen, Screen::Mat | Screen::Review | Screen::Leave)
        });
        let mut effects = Vec::new();
        if open {
            let session = self.session.take().expect("an open mat");
            effects.push(FlowEffect::Record(Record::Paused {
                session_id: session.id().clone(),
                at: now.wall,
            }));
            if let Some(person) = self.person {
                self.paused.insert(person, session);
            }
        } else if self.screen == Screen::People || self.config.people.len() == 1 {
            return Vec::new();
        }
        self.last_action = now.mono;
        effects.extend(self.show_people(now, ids));
        effects
    }

    /// A new home file is taken up only when nobody is in the middle of
    /// anything: no mat open, nobody's turn under way (a one-person kiosk
    /// is always on its person's turn), and the screen untouched for
    /// [`HOME_WAITS_FOR_QUIET_MS`], so a list never changes under a finger.
    pub(super) fn take_up_home_when_quiet(&mut self, now: Now) -> Vec<FlowEffect> {
        let on_a_mat = self.session.as_ref().is_some_and(|s| s.is_open())
            && matches!(self.screen, Screen::Mat | Screen::Review | Screen::Leave);
        let turn_under_way = self.person.is_some() && self.config.people.len() > 1;
        let quiet = !on_a_mat
            && !turn_under_way
            && matches!(
                self.screen,
                Screen::People
                    | Screen::Company
                    | Screen::Resume
                    | Screen::Topics
                    | Screen::Finished
            )
            && now.mono.since(self.last_action) >= HOME_WAITS_FOR_QUIET_MS;
        if !(self.home_waiting && quiet) {
            return Vec::new();
        }
        self.home_waiting = false;
        vec![FlowEffect::TakeUpHome]
    }

    /// The check-in window open now for the person, if not yet settled.
    pub(super) fn due_check_in(&self, now: Now) -> Option<(usize, Window)> {
        let person = self.person?;
        let window = self.config.people[person]
            .schedule
            .open_at(now.wall, &self.zone)
            .into_iter()
            .find(|w| !self.check_ins.settled.contains(&(person, w.key())))?;
        Some((person, window))
    }

    /// Puts the check-in due (if any) first on the topic picker.
    pub(super) fn offer_due_check_in(&mut self, now: Now) {
        let due = self.due_check_in(now);
        let position = due.as_ref().and_then(|(person, window)| {
            self.config.people[*person]
                .topics
                .iter()
                .position(|&t| self.config.topics[t].id == window.topic)
        });
        if let Some((person, window)) = due {
            self.check_ins.offered.insert((person, window.key()));
        }
        if position != self.topics.due() {
            self.topics.set_due(position);
        }
    }

    pub(super) fn decline_check_in(&mut self, now: Now) -> Vec<FlowEffect> {
        match self.due_check_in(now) {
            Some((person, window)) => {
                self.record_check_in(person, &window, Outcome::Declined, None, now)
            }
            None => Vec::new(),
        }
    }

    /// What became of a check-in, once per window.
    pub(super) fn record_check_in(
        &mut self,
        person: usize,
        window: &Window,
        outcome: Outcome,
        session_id: Option<SessionId>,
        now: Now,
    ) -> Vec<FlowEffect> {
        if !self.check_ins.settled.insert((person, window.key())) {
            return Vec::new();
        }
        vec![FlowEffect::Record(Record::CheckIn {
            person_id: self.config.people[person].person.id.clone(),
            key: window.key(),
            topic_id: TopicId::new(window.topic.clone()),
            opens: window.opens,
            closes: window.closes,
            outcome,
            session_id,
            at: now.wall,
        })]
    }

    /// The outcome of every window that closed since the last look, for
    /// everyone: answered, declined (offered and turned down or let pass),
    /// or never offered. A wall clock set back finds nothing new; one set
    /// forward settles the windows it passed over.
    pub(super) fn record_closed_check_ins(&mut self, now: Now) -> Vec<FlowEffect> {
        // A Pi without a real-time clock may start in 1970 and learn the
        // date later: windows further back than yesterday are not looked at
        // (a kiosk switched off for a week does not record that week either).
        let yesterday = start_of_local_day(now.wall, &self.zone) - chrono::Duration::days(1);
        let since = self.check_ins.checked_until.max(yesterday);
        if now.wall <= since {
            return Vec::new();
        }
        let mut effects = Vec::new();
        for person in 0..self.config.people.len() {
            let closed = self.config.people[person]
                .schedule
                .closed_between(since, now.wall, &self.zone);
            for window in closed {
                let offer = if self.check_ins.offered.contains(&(person, window.key())) {
                    Offer::Offered
                } else {
                    Offer::NotOffered
                };
                let outcome = schedule::unanswered(offer);
                effects.extend(self.record_check_in(person, &window, outcome, None, now));
            }
        }
        self.check_ins.checked_until = now.wall;
        effects
    }

    pub(super) fn add_notice(&mut self, notice: String) {
        if !self.notices.contains(&notice) {
            self.notices.push(notice);
        }
    }
}
