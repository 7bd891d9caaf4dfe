//! What the shell and the view read from the flow.

use super::*;

impl<Z: TimeZone> Flow<Z> {
    // What the shell and the view read.

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn config(&self) -> &FlowConfig {
        &self.config
    }

    /// The person at the kiosk, once chosen.
    pub fn person(&self) -> Option<&FlowPerson> {
        self.config.people.get(self.person?)
    }

    pub fn company(&self) -> &Company {
        &self.company
    }

    pub fn voicing(&self) -> &Voicing {
        &self.voicing
    }

    /// How many presses so far could do nothing where they were made.
    pub fn presses_that_did_nothing(&self) -> u32 {
        self.presses_that_did_nothing
    }

    /// The mat under way (or just finished); `None` before a topic is picked.
    pub fn session(&self) -> Option<&MatSession> {
        self.session.as_ref()
    }

    /// The picker on screen (people, company, resume, topics), if any.
    pub fn picker(&self) -> Option<&Picker> {
        match self.screen {
            Screen::People => Some(&self.people),
            Screen::Company => Some(&self.company_picker),
            Screen::Resume => Some(&self.resume_picker),
            Screen::Topics => Some(&self.topics),
            Screen::Leave => Some(&self.leave_picker),
            Screen::Mat | Screen::Review | Screen::Finished => None,
        }
    }

    /// The mat the person at the kiosk left part-way, if any.
    pub fn paused_topic(&self) -> Option<&Topic> {
        self.paused.get(&self.person?).map(MatSession::topic)
    }

    /// How many choices the highlight moves through on the screen shown.
    pub fn choice_count(&self) -> usize {
        match (self.picker(), &self.session) {
            (Some(picker), _) => picker.choices().len(),
            (None, Some(session)) => session.choices().len(),
            (None, None) => 0,
        }
    }

    /// What the highlight is on, on the mat screens.
    pub fn mat_highlight(&self) -> Option<Choice> {
        match self.picker() {
            Some(_) => None,
            None => self.session.as_ref()?.highlighted_choice(),
        }
    }

    /// The scale point a card was just placed on, until the next action.
    pub fn just_chosen(&self) -> Option<usize> {
        self.just_chosen
    }

    /// Short messages for staff, newest last.
    /// The notice of the last failed sync, while it stands.
    pub fn sync_notice(&self) -> Option<&str> {
        self.sync_notice.as_deref()
    }

    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Whether what the person does is being saved.
    pub fn saving(&self) -> bool {
        self.saving
    }

    /// What must survive a restart: see [`FlowMemory`].
    pub fn memory(&self) -> FlowMemory {
        let mut unfinished = BTreeMap::new();
        let id_of = |person: usize| self.config.people[person].person.id.clone();
        for (&person, session) in &self.paused {
            unfinished.insert(id_of(person), UnfinishedMat::of(session));
        }
        if let (Some(person), Some(session)) = (self.person, &self.session) {
            if session.is_open() {
                unfinished.insert(id_of(person), UnfinishedMat::of(session));
            }
        }
        let settled = self
            .check_ins
            .settled
            .iter()
            .map(|(person, key)| (id_of(*person), key.clone()))
            .collect();
        FlowMemory {
            unfinished,
            settled_check_ins: settled,
        }
    }
}
