//! The picture sets a kiosk shows: its own set's topics, with those of the
//! sets taken from the support plan added to their person's; and what each
//! sync carries up for the staff pages; and the rest of the home in use.

use std::path::Path;
use std::sync::Arc;

use tracing::{info, warn};

use super::settings::Personal;
use crate::core::flow::ChangedTopics;
use crate::core::{PersonId, Topic};
use crate::library::plan_sets::{combine, local_sets, plan_topics, remove_unfinished, LocalSet};
use crate::sync::ToShare;
use crate::voice::VoicePack;

/// The home in use: the sets from the plan added to its people's topics,
/// the device's own settings and voice pack for people the home file gives
/// none, and what staff were told about the home file.
pub(super) struct HomeInUse {
    pub sets: SetsInUse,
    pub device: Personal,
    pub pack: VoicePack,
    pub notices: Vec<String>,
}

pub(super) struct SetsInUse {
    /// Each person of the home and their topics in the kiosk's own set,
    /// for adding the sets from the support plan to again when they change.
    home_topics: Vec<(PersonId, Vec<usize>)>,
    /// The sets from the support plan the topics were made with.
    taken: Vec<LocalSet>,
    /// The pictures each sync carries into the plan for the staff pages.
    pub to_share: Arc<ToShare>,
}

impl SetsInUse {
    /// What the sets in `sets_dir` add to `own` topics; downloads cut off
    /// before are removed first. Problems go to staff.
    pub fn open(
        own: &[Topic],
        home_topics: Vec<(PersonId, Vec<usize>)>,
        sets_dir: &Path,
        to_share: ToShare,
    ) -> (SetsInUse, ChangedTopics, Vec<String>) {
        let cut_off = remove_unfinished(sets_dir);
        if cut_off > 0 {
            info!(
                folders = cut_off,
                "removed picture set downloads cut off before"
            );
        }
        let (taken, topics, problems) = home_topics_with_plan_sets(own, &home_topics, sets_dir);
        let sets = SetsInUse {
            home_topics,
            taken,
            to_share: Arc::new(to_share),
        };
        (sets, topics, problems)
    }

    /// After a sync: the home's topics again if the sets taken changed.
    pub fn changed(
        &mut self,
        own: &[Topic],
        sets_dir: &Path,
    ) -> Option<(ChangedTopics, Vec<String>)> {
        let (local, _) = local_sets(sets_dir);
        if local == self.taken {
            return None;
        }
        let (local, changed, problems) =
            home_topics_with_plan_sets(own, &self.home_topics, sets_dir);
        info!(
            sets = local.len(),
            "picture sets from the support plan changed"
        );
        self.taken = local;
        Some((changed, problems))
    }
}

/// The kiosk's own topics with those of the sets taken from the support
/// plan, each person's added to theirs; problems for staff.
fn home_topics_with_plan_sets(
    own: &[Topic],
    home_topics: &[(PersonId, Vec<usize>)],
    sets_dir: &Path,
) -> (Vec<LocalSet>, ChangedTopics, Vec<String>) {
    let (local, mut problems) = local_sets(sets_dir);
    let (from_plan, more) = plan_topics(&local);
    problems.extend(more);
    let (changed, more) = combine(own, home_topics, from_plan);
    problems.extend(more);
    if !problems.is_empty() {
        // Titles and labels stay off the log: staff read them on the kiosk.
        warn!(
            problems = problems.len(),
            "picture sets from the support plan have problems; see the staff line"
        );
    }
    (local, changed, problems)
}
