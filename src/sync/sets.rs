//! Picture sets down from the support plan: each sync takes the newest
//! version of every set of the home into `sets/` in the data directory
//! (see [`crate::library::plan_sets`] for how the kiosk reads them). A
//! version is written whole under a temporary name and then renamed, and
//! `current.toml` is replaced whole after it, so a download cut off is
//! never taken for whole. A kiosk that cannot reach the plan keeps what it
//! has and works on.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tracing::warn;

use crate::library::plan_sets::{read_current, Current, CURRENT_FILE};
use crate::library::set_file::write_whole;
use crate::library::SET_FILE;
use crate::store::set_versions::{is_set_file_name, is_set_id};
use crate::store::{DevicePlan, StoreError};

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
pub fn take_newest(plan: &dyn DevicePlan, sets_dir: &Path) -> Result<usize, TakeError> {
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
    plan: &dyn DevicePlan,
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

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::core::scale::BUNDLED;
    use crate::core::PersonId;
    use crate::library::plan_sets::{local_sets, plan_topics, remove_unfinished};
    use crate::store::ports::PlanSets;
    use crate::store::set_versions::testing::replace_set_file;
    use crate::store::Plan;

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
        let plan_path = dir.path().join("plan.sqlite");

        // Pruned while this kiosk was taking the version.
        let kept = replace_set_file(&plan_path, &cup, None).unwrap();
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 0);
        let (local, _) = local_sets(&sets_dir);
        assert_eq!(local[0].version, 1, "the last whole version stays");
        assert!(!sets_dir.join("sams/2").exists());
        assert!(!sets_dir.join("sams/.2.partial").exists());

        // Bytes that are not what the hash says.
        replace_set_file(&plan_path, &cup, Some(b"not a cup"));
        assert_eq!(take_newest(&plan, &sets_dir).unwrap(), 0);
        assert_eq!(local_sets(&sets_dir).0[0].version, 1);

        // Whole again: taken.
        replace_set_file(&plan_path, &cup, Some(&kept));
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
}
