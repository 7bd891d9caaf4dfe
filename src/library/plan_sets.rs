//! Picture sets kept in the support plan, as a kiosk reads them. Sync
//! ([`crate::sync::sets`]) takes the newest version of every set of the
//! home into `sets/` in the data directory: `sets/SET/VERSION/` (its
//! `set.toml`, `pictures/`, `clips/`), and `sets/SET/current.toml` (which
//! version, whose set).
//!
//! A set's topics join the topics of the person whose set it is; its files
//! are named `plan:SET/VERSION/pictures/…`, so a mat keeps showing the
//! version it started with while a newer one arrives.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::warn;

use super::{load_set, PLAN_PREFIX, SET_FILE};
use crate::core::flow::ChangedTopics;
use crate::core::scale::BUNDLED;
use crate::core::SetText;
use crate::core::{PersonId, Topic};
use crate::store::set_versions::is_set_id;

/// The folder in the data directory.
pub const SETS_DIR: &str = "sets";
pub(crate) const CURRENT_FILE: &str = "current.toml";

/// Which version of a set this kiosk has, and whose set it is.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Current {
    pub version: u32,
    pub person: String,
}

/// A set this kiosk took from the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSet {
    pub set_id: String,
    pub person: PersonId,
    pub version: u32,
    pub folder: PathBuf,
}

/// Removes what downloads cut off (a power cut, a kill) left behind: the
/// `.VERSION.partial` folders of every set. Returns how many.
pub fn remove_unfinished(sets_dir: &Path) -> usize {
    let mut removed = 0;
    for set in std::fs::read_dir(sets_dir).into_iter().flatten().flatten() {
        for entry in std::fs::read_dir(set.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.')
                && name.ends_with(".partial")
                && std::fs::remove_dir_all(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

pub(crate) fn read_current(set_dir: &Path) -> Option<Current> {
    let text = std::fs::read_to_string(set_dir.join(CURRENT_FILE)).ok()?;
    toml::from_str(&text).ok()
}

/// The sets this kiosk has taken from the plan, with problems for staff.
pub fn local_sets(sets_dir: &Path) -> (Vec<LocalSet>, Vec<String>) {
    let mut sets = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(sets_dir) else {
        return (sets, problems);
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| is_set_id(name))
        .collect();
    names.sort();
    for set_id in names {
        let set_dir = sets_dir.join(&set_id);
        match read_current(&set_dir) {
            Some(current) => sets.push(LocalSet {
                folder: set_dir.join(current.version.to_string()),
                set_id,
                person: PersonId::new(current.person),
                version: current.version,
            }),
            None if set_dir.join(CURRENT_FILE).exists() => problems.push(format!(
                "The picture set {set_id} from the support plan cannot be read; the next sync \
                 brings it again"
            )),
            None => {}
        }
    }
    (sets, problems)
}

/// Each local set's topics, with whose they are, their files named
/// `plan:…` and the set's version recorded; problems for staff.
pub fn plan_topics(sets: &[LocalSet]) -> (Vec<(PersonId, Topic)>, Vec<String>) {
    let mut topics = Vec::new();
    let mut problems = Vec::new();
    for local in sets {
        let loaded = match load_set(&local.folder) {
            Ok(loaded) => loaded,
            Err(_) if is_empty(&local.folder) => continue, // just begun in the web app
            Err(_) => {
                // The reason may quote the file (labels): `sayso check` says it.
                warn!(set = %local.set_id, "a picture set from the plan cannot be used");
                problems.push(format!(
                    "The picture set {} from the support plan cannot be used: see `sayso check`",
                    local.set_id
                ));
                continue;
            }
        };
        // Topics still being made (no cards yet) are shown to whoever makes
        // them, in the web app; only what is broken is staff's business.
        for problem in &loaded.warnings {
            problems.push(format!("Picture set {}: {problem}", local.set_id));
        }
        let prefix = format!("{PLAN_PREFIX}{}/{}/", local.set_id, local.version);
        let in_plan = |path: &mut String| {
            if !path.starts_with(BUNDLED) {
                *path = format!("{prefix}{path}");
            }
        };
        for mut topic in loaded.set.topics {
            topic.picture.iter_mut().for_each(in_plan);
            for point in &mut topic.scale.points {
                in_plan(&mut point.symbol);
            }
            for card in &mut topic.cards {
                card.picture.iter_mut().for_each(in_plan);
                card.clip.iter_mut().for_each(in_plan);
            }
            topic.from_set = Some(format!("{}@{}", local.set_id, local.version));
            topics.push((local.person.clone(), topic));
        }
    }
    (topics, problems)
}

/// Whether a set has no topics yet.
fn is_empty(folder: &Path) -> bool {
    std::fs::read_to_string(folder.join(SET_FILE))
        .ok()
        .and_then(|text| SetText::from_toml(&text).ok())
        .is_some_and(|set| set.topics.is_empty())
}

/// The home's topics with the plan's sets added: the kiosk's own set's
/// topics first, then each person's own, at the end of that person's list.
/// A topic whose id the kiosk's set already has, or whose person is not in
/// this home, is left out with a problem for staff.
pub fn combine(
    own: &[Topic],
    people: &[(PersonId, Vec<usize>)],
    from_plan: Vec<(PersonId, Topic)>,
) -> (ChangedTopics, Vec<String>) {
    let mut topics = own.to_vec();
    let mut person_topics: Vec<Vec<usize>> = people.iter().map(|(_, t)| t.clone()).collect();
    let mut problems = Vec::new();
    for (person, topic) in from_plan {
        let Some(index) = people.iter().position(|(id, _)| *id == person) else {
            continue; // another home's device, or someone not on this kiosk
        };
        if topics.iter().any(|t| t.id == topic.id) {
            problems.push(format!(
                "The topic \"{}\" from the support plan has the same id as one of this kiosk's \
                 topics ({}); it was left out",
                topic.title,
                topic.id.as_str()
            ));
            continue;
        }
        person_topics[index].push(topics.len());
        topics.push(topic);
    }
    (
        ChangedTopics {
            topics,
            person_topics,
        },
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_topics_join_theirs_and_a_clashing_id_is_left_out_with_a_problem() {
        let own = crate::core::picture_set::tests::small_set().topics;
        let people = vec![
            (PersonId::new("p-alex"), vec![0]),
            (PersonId::new("p-sam"), vec![0]),
        ];
        let mut mine = own[0].clone();
        mine.id = "sams-food".into();
        let clash = own[0].clone();
        let (changed, problems) = combine(
            &own,
            &people,
            vec![
                (PersonId::new("p-sam"), mine),
                (PersonId::new("p-sam"), clash),
                (PersonId::new("p-nobody"), own[0].clone()),
            ],
        );
        assert_eq!(changed.topics.len(), own.len() + 1);
        assert_eq!(changed.person_topics[0], vec![0]);
        assert_eq!(changed.person_topics[1], vec![0, own.len()]);
        assert_eq!(problems.len(), 1, "{problems:?}");
    }
}
