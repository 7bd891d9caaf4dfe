//! Picture sets kept in the support plan, on a kiosk. Each sync takes the
//! newest version of every set of the home into `sets/` in the data
//! directory: `sets/SET/VERSION/` (its `set.toml`, `pictures/`, `clips/`),
//! written whole under a temporary name and then renamed, and after it
//! `sets/SET/current.toml` (which version, whose set) replaced whole. A
//! kiosk that cannot reach the plan keeps what it has and works on.
//!
//! A set's topics join the topics of the person whose set it is; its files
//! are named `plan:SET/VERSION/pictures/…`, so a mat keeps showing the
//! version it started with while a newer one arrives.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tracing::warn;

use super::editable_set::EditableSet;
use super::set_file::write_whole;
use super::{load_set, SET_FILE};
use crate::core::flow::ChangedTopics;
use crate::core::scale::BUNDLED;
use crate::core::{PersonId, Topic};
use crate::store::set_versions::{is_set_file_name, is_set_id};
use crate::store::{Plan, StoreError};

/// The folder in the data directory.
pub const SETS_DIR: &str = "sets";
/// How a set's paths name files of sets taken from the plan.
pub const PLAN_PREFIX: &str = "plan:";
const CURRENT_FILE: &str = "current.toml";

/// Which version of a set this kiosk has, and whose set it is.
#[derive(Debug, Serialize, Deserialize)]
struct Current {
    version: u32,
    person: String,
}

/// A set this kiosk took from the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSet {
    pub set_id: String,
    pub person: PersonId,
    pub version: u32,
    pub folder: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

fn writing(path: &Path) -> impl FnOnce(std::io::Error) -> TakeError + '_ {
    move |cause| TakeError::Write {
        path: path.to_path_buf(),
        cause,
    }
}

/// Takes the newest version of every set in `plan` into `sets_dir`;
/// returns how many sets changed.
pub fn take_newest(plan: &Plan, sets_dir: &Path) -> Result<usize, TakeError> {
    let mut changed = 0;
    for newest in plan.newest_sets()? {
        if !is_set_id(&newest.set_id) {
            warn!("a picture set in the plan has an id that cannot name a folder; left out");
            continue;
        }
        let set_dir = sets_dir.join(&newest.set_id);
        let current = read_current(&set_dir);
        let version_dir = set_dir.join(newest.version.to_string());
        if current.as_ref().map(|c| c.version) == Some(newest.version)
            && version_dir.join(SET_FILE).is_file()
        {
            continue;
        }
        if !write_version(plan, &newest.set_id, newest.version, &set_dir)? {
            // Gone from the plan meanwhile (newer versions saved): the last
            // whole version stays, and the next sync takes the newest.
            warn!("a picture set version left the plan while it was taken; kept the one before");
            continue;
        }
        let text = toml::to_string(&Current {
            version: newest.version,
            person: newest.person_id.as_str().to_string(),
        })
        .expect("two plain fields");
        let current_path = set_dir.join(CURRENT_FILE);
        write_whole(&current_path, text.as_bytes()).map_err(writing(&current_path))?;
        forget_older(&set_dir, newest.version, current.map(|c| c.version));
        changed += 1;
    }
    Ok(changed)
}

/// Writes one version's folder whole: under a temporary name, flushed,
/// then renamed. A version is whole when every file it names is there and
/// is what its hash says; one that left the plan while it was written (its
/// files pruned) is abandoned: false.
fn write_version(
    plan: &Plan,
    set_id: &str,
    version: u32,
    set_dir: &Path,
) -> Result<bool, TakeError> {
    let target = set_dir.join(version.to_string());
    if target.join(SET_FILE).is_file() {
        return Ok(true);
    }
    let Some(saved) = plan.set_version(set_id, Some(version))? else {
        return Ok(false);
    };
    let partial = set_dir.join(format!(".{version}.partial"));
    let _ = std::fs::remove_dir_all(&partial);
    for folder in ["pictures", "clips"] {
        let path = partial.join(folder);
        std::fs::create_dir_all(&path).map_err(writing(&path))?;
    }
    for (name, hash) in &saved.files {
        if !is_set_file_name(name) {
            continue;
        }
        let bytes = plan
            .set_file(hash)?
            .filter(|bytes| crate::store::hex(&Sha256::digest(bytes)) == *hash);
        let Some(bytes) = bytes else {
            let _ = std::fs::remove_dir_all(&partial);
            return Ok(false);
        };
        let path = partial.join(name);
        write_flushed(&path, &bytes).map_err(writing(&path))?;
    }
    let set_path = partial.join(SET_FILE);
    write_flushed(&set_path, saved.set_toml.as_bytes()).map_err(writing(&set_path))?;
    if target.exists() {
        let _ = std::fs::remove_dir_all(&target);
    }
    std::fs::rename(&partial, &target).map_err(writing(&target))?;
    let _ = std::fs::File::open(set_dir).and_then(|f| f.sync_all());
    Ok(true)
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

fn write_flushed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Keeps the version now current and the one before it (a mat may still be
/// showing its pictures); the rest go.
fn forget_older(set_dir: &Path, current: u32, before: Option<u32>) {
    let Ok(entries) = std::fs::read_dir(set_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(version) = name.to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if version != current && Some(version) != before {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn read_current(set_dir: &Path) -> Option<Current> {
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
        .and_then(|text| EditableSet::from_toml(&text).ok())
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
    use chrono::{TimeZone, Utc};

    const SAMS_SET: &str = r#"
id = "sams"
title = "Sam's things"

[[topics]]
id = "sams-drinks"
title = "Sam's drinks"
question = "What do you think about these?"
scale = "like"

[[topics.cards]]
id = "mug"
label = "My red mug"
picture = "pictures/mug.jpg"
clip = "clips/mug.wav"
"#;

    fn plan_with_sams_set(dir: &Path) -> Plan {
        let mut plan = Plan::create(&dir.join("plan.sqlite")).unwrap();
        let sam = crate::store::PlanOp::AddPerson {
            id: PersonId::new("p-sam"),
            name: "Sam".into(),
        };
        plan.execute(&[sam], &mut crate::store::Faults::default())
            .unwrap();
        let files = vec![
            ("pictures/mug.jpg".to_string(), b"jpeg".to_vec()),
            ("clips/mug.wav".to_string(), b"wav".to_vec()),
        ];
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        plan.save_set_version("sams", &PersonId::new("p-sam"), SAMS_SET, &files, "Mum", at)
            .unwrap();
        plan
    }

    #[test]
    fn a_kiosk_takes_the_newest_version_whole_and_names_its_files_by_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = plan_with_sams_set(dir.path());
        let sets_dir = dir.path().join("sets");
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 1);
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 0, "nothing new");
        let (local, problems) = local_sets(&sets_dir);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(local.len(), 1);
        assert_eq!(local[0].version, 1);
        assert_eq!(
            std::fs::read(local[0].folder.join("clips/mug.wav")).unwrap(),
            b"wav"
        );

        let later = Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap();
        let two = SAMS_SET.replace("My red mug", "My blue mug");
        plan.save_set_version("sams", &PersonId::new("p-sam"), &two, &[], "Mum", later)
            .unwrap();
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 1);
        let (local, _) = local_sets(&sets_dir);
        assert_eq!(local[0].version, 2);
        assert!(sets_dir.join("sams/1").is_dir(), "the version before stays");

        let (topics, problems) = plan_topics(&local);
        assert_eq!(problems.len(), 2, "picture and clip missing: {problems:?}");
        let (person, topic) = &topics[0];
        assert_eq!(person.as_str(), "p-sam");
        assert_eq!(topic.from_set.as_deref(), Some("sams@2"));
        assert_eq!(topic.cards[0].label, "My blue mug");
        assert_eq!(
            topic.cards[0].picture.as_deref(),
            Some("plan:sams/2/pictures/mug.jpg")
        );
        assert!(topic.scale.points[0].symbol.starts_with(BUNDLED));
    }

    #[test]
    fn a_version_cut_off_while_written_is_never_taken_for_whole() {
        let dir = tempfile::tempdir().unwrap();
        let plan = plan_with_sams_set(dir.path());
        let sets_dir = dir.path().join("sets");
        // What a power cut leaves: a partial folder and no current file.
        std::fs::create_dir_all(sets_dir.join("sams/.1.partial/pictures")).unwrap();
        assert!(local_sets(&sets_dir).0.is_empty());
        take_newest(&plan, &sets_dir).unwrap();
        let (local, _) = local_sets(&sets_dir);
        assert_eq!(local[0].version, 1);
        assert!(!sets_dir.join("sams/.1.partial").exists());
    }

    #[test]
    fn a_version_whose_files_left_the_plan_or_do_not_match_is_never_taken() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = plan_with_sams_set(dir.path());
        let sets_dir = dir.path().join("sets");
        take_newest(&plan, &sets_dir).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 11, 23, 11, 0, 0).unwrap();
        let two = SAMS_SET.replace("pictures/mug.jpg", "pictures/cup.jpg");
        let files = vec![("pictures/cup.jpg".to_string(), b"a cup".to_vec())];
        plan.save_set_version("sams", &PersonId::new("p-sam"), &two, &files, "Mum", later)
            .unwrap();
        let cup = crate::store::hex(&Sha256::digest(b"a cup"));
        let raw = rusqlite::Connection::open(dir.path().join("plan.sqlite")).unwrap();
        // As the pruning of another process leaves it, half-way through.
        raw.pragma_update(None, "foreign_keys", false).unwrap();

        // Pruned while this kiosk was taking the version.
        let kept: Vec<u8> = raw
            .query_row("SELECT bytes FROM set_files WHERE hash = ?1", [&cup], |r| {
                r.get(0)
            })
            .unwrap();
        raw.execute("DELETE FROM set_files WHERE hash = ?1", [&cup])
            .unwrap();
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 0);
        let (local, _) = local_sets(&sets_dir);
        assert_eq!(local[0].version, 1, "the last whole version stays");
        assert!(!sets_dir.join("sams/2").exists());
        assert!(!sets_dir.join("sams/.2.partial").exists());

        // Bytes that are not what the hash says.
        raw.execute(
            "INSERT INTO set_files (hash, bytes) VALUES (?1, ?2)",
            rusqlite::params![cup, b"not a cup".to_vec()],
        )
        .unwrap();
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 0);
        assert_eq!(local_sets(&sets_dir).0[0].version, 1);

        // Whole again: taken.
        raw.execute(
            "UPDATE set_files SET bytes = ?2 WHERE hash = ?1",
            rusqlite::params![cup, kept],
        )
        .unwrap();
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 1);
        let (local, _) = local_sets(&sets_dir);
        assert_eq!(local[0].version, 2);
        assert_eq!(
            std::fs::read(local[0].folder.join("pictures/cup.jpg")).unwrap(),
            b"a cup"
        );
    }

    #[test]
    fn what_cut_off_downloads_left_is_removed_and_whole_versions_stay() {
        let dir = tempfile::tempdir().unwrap();
        let plan = plan_with_sams_set(dir.path());
        let sets_dir = dir.path().join("sets");
        take_newest(&plan, &sets_dir).unwrap();
        std::fs::create_dir_all(sets_dir.join("sams/.2.partial/pictures")).unwrap();
        std::fs::write(sets_dir.join("sams/.2.partial/pictures/a.jpg"), b"half").unwrap();
        std::fs::create_dir_all(sets_dir.join("other/.7.partial")).unwrap();
        assert_eq!(remove_unfinished(&sets_dir), 2);
        assert!(!sets_dir.join("sams/.2.partial").exists());
        assert!(!sets_dir.join("other/.7.partial").exists());
        assert_eq!(local_sets(&sets_dir).0[0].version, 1, "the whole one stays");
        assert_eq!(remove_unfinished(&dir.path().join("none")), 0);
    }

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
