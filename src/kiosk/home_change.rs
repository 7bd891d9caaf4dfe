//! A new home file from the hub taken up at a quiet moment (the flow says
//! when): the people, their settings and check-ins read again as at a
//! start, and the flow started again from what the journal remembers, as
//! after a restart, without a word spoken: nobody is at the kiosk.

use tracing::{error, info};

use super::opening::open_home;
use super::{Kiosk, UuidIds};
use crate::core::flow::{Restored, NOT_SAVING};
use crate::core::{Flow, FlowEffect, FlowEvent, Now};
use crate::library::home::HOME_FILE;
use crate::sync::home::HOME_NOT_TAKEN;

impl Kiosk {
    pub(super) fn take_up_home(&mut self, now: Now) {
        self.paths.home = Some(self.paths.data_dir.join(HOME_FILE));
        let journal = self.journal.journal.as_ref();
        let opened = open_home(
            &self.paths,
            &mut self.set,
            &self.home.device,
            &self.home.pack,
            journal,
            now,
        );
        // The staff line carries on, but for what the old home file and
        // the flow's own state said (the new flow says those again).
        let sync_notice = self.flow.sync_notice().map(str::to_string);
        let mut notices: Vec<String> = self
            .flow
            .notices()
            .iter()
            .filter(|n| !self.home.notices.contains(n))
            .filter(|n| Some(n.as_str()) != sync_notice.as_deref())
            .filter(|n| !n.starts_with(NOT_SAVING) && !n.starts_with(HOME_NOT_TAKEN))
            .cloned()
            .collect();
        for notice in &opened.notices {
            if !notices.contains(notice) {
                notices.push(notice.clone());
            }
        }
        self.home.notices = opened.notices.clone();
        let config = opened.flow_config(&self.set, &self.home.device, &self.home.pack, notices);
        let restored = match journal {
            Some(journal) => journal.restored(now.wall).unwrap_or_else(|e| {
                error!("cannot read what the journal remembers: {e}");
                Restored::default()
            }),
            None => Restored::default(),
        };
        let people = config.people.len();
        let (flow, effects) = Flow::start(config, chrono::Local, now, restored, &mut UuidIds);
        self.flow = flow;
        self.home.sets = opened.sets;
        self.settings.replace_people(opened.people);
        info!(people, "the home file from the hub taken up");
        let quiet = effects
            .into_iter()
            .filter(|e| !matches!(e, FlowEffect::Say(_)))
            .collect();
        self.carry_out(quiet, now);
        if self.journal.journal.is_none() || self.journal.has_unsaved() {
            self.run(FlowEvent::Saving(false), now);
        }
    }
}
