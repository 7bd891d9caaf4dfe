//! Picture sets kept in the support plan, versioned: each save is a new
//! version written in one transaction (a kiosk reading meanwhile sees the
//! old version or the new one, whole), the newest [`KEPT_VERSIONS`] are
//! kept, and so is the last version of each of the last [`KEPT_DAYS`] days
//! (a burst of edits cannot push yesterday's set out of reach), and going
//! back to an old version saves it again as the newest, so every kiosk,
//! which always takes the newest, goes back too.
//!
//! This module keeps what it is given; checking a set and preparing its
//! pictures and clips is the library's work.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::db::StoreError;
use super::plan::Plan;
use super::ports::PlanSets;
use super::{parse_timestamp, timestamp};
use crate::core::set_edit::EditError;
use crate::core::PersonId;

/// How many versions of a set the plan keeps.
pub const KEPT_VERSIONS: u32 = 10;
/// Days back for which the last version of each day is kept as well.
pub const KEPT_DAYS: i64 = 30;
/// The most picture sets one person can have: enough for every part of a
/// life, and a bound on what one account can make.
pub const MOST_SETS_PER_PERSON: usize = 20;

/// A version to save: the set file's text, new files (name and bytes) and
/// files the plan has already (name and hash, as an earlier version has
/// them), by the names the text uses.
#[derive(Debug, Clone, Copy)]
pub struct SetSave<'a> {
    pub set_id: &'a str,
    pub person: &'a PersonId,
    pub set_toml: &'a str,
    pub files: &'a [(String, Vec<u8>)],
    pub kept: &'a [(String, String)],
    pub saved_by: &'a str,
}

/// One saved version of a set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SetVersion {
    pub set_id: String,
    pub person_id: PersonId,
    pub version: u32,
    pub saved_at: DateTime<Utc>,
    pub saved_by: String,
    pub set_toml: String,
    /// Each file the set names, with the SHA-256 of its bytes.
    pub files: Vec<(String, String)>,
}

/// A version as the list of versions shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSummary {
    pub version: u32,
    pub saved_at: DateTime<Utc>,
    pub saved_by: String,
}

/// The newest version of each set in the plan, for a kiosk to take.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewestSet {
    pub set_id: String,
    pub person_id: PersonId,
    pub version: u32,
}

/// Whether `text` may be a plan set's id: it names a folder on every kiosk.
pub fn is_set_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !text.starts_with(['-', '_'])
}

/// Whether `name` may be a file of a plan set: `pictures/…` or `clips/…`,
/// one plain name with no way out of the set's folder.
pub fn is_set_file_name(name: &str) -> bool {
    let Some((folder, file)) = name.split_once('/') else {
        return false;
    };
    matches!(folder, "pictures" | "clips")
        && (1..=100).contains(&file.len())
        && file
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && file.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !file.contains("..")
}

/// A new set's id: `set-` and random letters and digits.
pub fn new_set_id() -> String {
    let random = uuid::Uuid::now_v7().simple().to_string();
    format!("set-{}", &random[random.len() - 12..])
}

#[derive(Debug, thiserror::Error)]
pub enum SetSaveError {
    #[error("{0:?} cannot be a picture set's id (lowercase letters, digits, - and _)")]
    BadSetId(String),
    #[error("{0:?} cannot be a file of a picture set")]
    BadFileName(String),
    #[error("the picture set {0} belongs to someone else")]
    NotTheirs(String),
    #[error("there is no picture set {0}")]
    NoSuchSet(String),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("the picture set {set_id} has no version {version}")]
    NoSuchVersion { set_id: String, version: u32 },
    #[error(
        "this person has {MOST_SETS_PER_PERSON} picture sets already, the most one person can \
         have: add topics to one of them instead"
    )]
    TooManySets,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for SetSaveError {
    fn from(e: rusqlite::Error) -> SetSaveError {
        SetSaveError::Store(StoreError::Sqlite(e))
    }
}

impl PlanSets for Plan {
    /// Saves a new version of `person`'s set `set_id` (made if new) and
    /// returns its number. `files` are the set's pictures and clips, by the
    /// names its text uses; bytes the plan already has are not stored twice.
    fn save_set_version(
        &mut self,
        set_id: &str,
        person: &PersonId,
        set_toml: &str,
        files: &[(String, Vec<u8>)],
        saved_by: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, SetSaveError> {
        let save = SetSave {
            set_id,
            person,
            set_toml,
            files,
            kept: &[],
            saved_by,
        };
        self.save_set(save, now)
    }

    /// Saves a new version, with files the plan has already as well as new
    /// ones.
    fn save_set(&mut self, save: SetSave<'_>, now: DateTime<Utc>) -> Result<u32, SetSaveError> {
        let SetSave {
            set_id,
            person,
            set_toml,
            files,
            kept,
            saved_by,
        } = save;
        if !is_set_id(set_id) {
            return Err(SetSaveError::BadSetId(set_id.to_string()));
        }
        let mut names = files
            .iter()
            .map(|(n, _)| n)
            .chain(kept.iter().map(|(n, _)| n));
        if let Some(name) = names.find(|name| !is_set_file_name(name)) {
            return Err(SetSaveError::BadFileName(name.clone()));
        }
        let hashed: Vec<(&str, String, &[u8])> = files
            .iter()
            .map(|(name, bytes)| {
                (
                    name.as_str(),
                    super::hex(&Sha256::digest(bytes)),
                    bytes.as_slice(),
                )
            })
            .collect();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        claim_set(&tx, set_id, person, now)?;
        let version: u32 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM set_versions WHERE set_id = ?1",
            [set_id],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO set_versions (set_id, version, saved_at, saved_by, set_toml)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![set_id, version, timestamp(now), saved_by, set_toml],
        )?;
        for (_, hash, bytes) in &hashed {
            tx.execute(
                "INSERT OR IGNORE INTO set_files (hash, bytes) VALUES (?1, ?2)",
                params![hash, bytes],
            )?;
        }
        let all = hashed
            .iter()
            .map(|(name, hash, _)| (*name, hash.as_str()))
            .chain(
                kept.iter()
                    .map(|(name, hash)| (name.as_str(), hash.as_str())),
            );
        for (name, hash) in all {
            let there: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM set_files WHERE hash = ?1)",
                [hash],
                |row| row.get(0),
            )?;
            if !there {
                return Err(SetSaveError::BadFileName(name.to_string()));
            }
            tx.execute(
                "INSERT OR REPLACE INTO set_version_files (set_id, version, name, hash)
                 VALUES (?1, ?2, ?3, ?4)",
                params![set_id, version, name, hash],
            )?;
        }
        forget_old_versions(&tx, set_id, version, now)?;
        tx.commit()?;
        Ok(version)
    }

    /// Saves version `version` of a set again, as its newest.
    fn go_back_to_set_version(
        &mut self,
        set_id: &str,
        version: u32,
        saved_by: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, SetSaveError> {
        let Some(old) = self.set_version(set_id, Some(version))? else {
            return Err(SetSaveError::NoSuchVersion {
                set_id: set_id.to_string(),
                version,
            });
        };
        let mut files = Vec::with_capacity(old.files.len());
        for (name, hash) in &old.files {
            let bytes = self
                .set_file(hash)?
                .ok_or_else(|| SetSaveError::NoSuchVersion {
                    set_id: set_id.to_string(),
                    version,
                })?;
            files.push((name.clone(), bytes));
        }
        self.save_set_version(set_id, &old.person_id, &old.set_toml, &files, saved_by, now)
    }

    /// Whose set `set_id` is, if the plan has it.
    fn set_owner(&self, set_id: &str) -> Result<Option<PersonId>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT person_id FROM picture_sets WHERE id = ?1",
                [set_id],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .map(PersonId::new))
    }

    /// The newest version of every set: what each kiosk of the home takes.
    fn newest_sets(&self) -> Result<Vec<NewestSet>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT s.id, s.person_id, MAX(v.version)
             FROM picture_sets s JOIN set_versions v ON v.set_id = s.id
             GROUP BY s.id ORDER BY s.created_at, s.id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(NewestSet {
                set_id: row.get(0)?,
                person_id: PersonId::new(row.get::<_, String>(1)?),
                version: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A version of a set (`None`: the newest), with its files' names.
    fn set_version(
        &self,
        set_id: &str,
        version: Option<u32>,
    ) -> Result<Option<SetVersion>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT s.person_id, v.version, v.saved_at, v.saved_by, v.set_toml
                 FROM picture_sets s JOIN set_versions v ON v.set_id = s.id
                 WHERE s.id = ?1 AND (?2 IS NULL OR v.version = ?2)
                 ORDER BY v.version DESC LIMIT 1",
                params![set_id, version],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, u32>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((person, version, saved_at, saved_by, set_toml)) = row else {
            return Ok(None);
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT name, hash FROM set_version_files
             WHERE set_id = ?1 AND version = ?2 ORDER BY name",
        )?;
        let files = statement
            .query_map(params![set_id, version], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(SetVersion {
            set_id: set_id.to_string(),
            person_id: PersonId::new(person),
            version,
            saved_at: parse_timestamp(&saved_at)?,
            saved_by,
            set_toml,
            files,
        }))
    }

    /// The bytes of a set's file, by their SHA-256.
    fn set_file(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT bytes FROM set_files WHERE hash = ?1",
                [hash],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// The versions the plan keeps of a set, newest first.
    fn set_versions(&self, set_id: &str) -> Result<Vec<VersionSummary>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT version, saved_at, saved_by FROM set_versions
             WHERE set_id = ?1 ORDER BY version DESC",
        )?;
        let rows = statement
            .query_map([set_id], |row| {
                Ok((row.get::<_, u32>(0)?, row.get::<_, String>(1)?, row.get(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(version, saved_at, saved_by)| {
                Ok(VersionSummary {
                    version,
                    saved_at: parse_timestamp(&saved_at)?,
                    saved_by,
                })
            })
            .collect()
    }

    /// The person's sets, by id.
    fn sets_of(&self, person: &PersonId) -> Result<Vec<String>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id FROM picture_sets WHERE person_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = statement.query_map([person.as_str()], |row| row.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Makes `set_id` `person`'s set if it is nobody's yet (within the sets a
/// person may have); refuses another person's set.
fn claim_set(
    tx: &rusqlite::Transaction,
    set_id: &str,
    person: &PersonId,
    now: DateTime<Utc>,
) -> Result<(), SetSaveError> {
    let owner: Option<String> = tx
        .query_row(
            "SELECT person_id FROM picture_sets WHERE id = ?1",
            [set_id],
            |row| row.get(0),
        )
        .optional()?;
    match owner {
        Some(owner) if owner != person.as_str() => {
            return Err(SetSaveError::NotTheirs(set_id.to_string()));
        }
        Some(_) => {}
        None => {
            let theirs: i64 = tx.query_row(
                "SELECT count(*) FROM picture_sets WHERE person_id = ?1",
                [person.as_str()],
                |row| row.get(0),
            )?;
            if theirs >= MOST_SETS_PER_PERSON as i64 {
                return Err(SetSaveError::TooManySets);
            }
            tx.execute(
                "INSERT INTO picture_sets (id, person_id, created_at) VALUES (?1, ?2, ?3)",
                params![set_id, person.as_str(), timestamp(now)],
            )?;
        }
    }
    Ok(())
}

/// Drops the versions older than the kept ones (but the last of each of
/// the last [`KEPT_DAYS`] days), and files nothing uses now.
fn forget_old_versions(
    tx: &rusqlite::Transaction,
    set_id: &str,
    newest: u32,
    now: DateTime<Utc>,
) -> Result<(), rusqlite::Error> {
    let Some(oldest_kept) = newest.checked_sub(KEPT_VERSIONS - 1).filter(|v| *v > 1) else {
        return Ok(());
    };
    // Times are RFC 3339 in UTC: their first ten characters are the day.
    let days_kept = "SELECT max(version) FROM set_versions
                     WHERE set_id = ?1 AND saved_at >= ?3 GROUP BY substr(saved_at, 1, 10)";
    let since = timestamp(now - chrono::Duration::days(KEPT_DAYS));
    tx.execute(
        &format!(
            "DELETE FROM set_version_files WHERE set_id = ?1 AND version < ?2
             AND version NOT IN ({days_kept})"
        ),
        params![set_id, oldest_kept, since],
    )?;
    tx.execute(
        &format!(
            "DELETE FROM set_versions WHERE set_id = ?1 AND version < ?2
             AND version NOT IN ({days_kept})"
        ),
        params![set_id, oldest_kept, since],
    )?;
    tx.execute(
        "DELETE FROM set_files WHERE hash NOT IN (SELECT hash FROM set_version_files)",
        [],
    )?;
    Ok(())
}

/// For tests of a reader of the plan: a set's file as another process
/// leaves it half-way through pruning, or damaged.
#[cfg(any(test, feature = "test-fixtures"))]
pub mod testing {
    use std::path::Path;

    use rusqlite::OptionalExtension;

    /// Puts `bytes` under `hash` in the plan at `plan` (none: the file is
    /// gone), as if written behind the plan's back; returns what was there.
    pub fn replace_set_file(plan: &Path, hash: &str, bytes: Option<&[u8]>) -> Option<Vec<u8>> {
        let raw = rusqlite::Connection::open(plan).unwrap();
        raw.pragma_update(None, "foreign_keys", false).unwrap();
        let was: Option<Vec<u8>> = raw
            .query_row("SELECT bytes FROM set_files WHERE hash = ?1", [hash], |r| {
                r.get(0)
            })
            .optional()
            .unwrap();
        raw.execute("DELETE FROM set_files WHERE hash = ?1", [hash])
            .unwrap();
        if let Some(bytes) = bytes {
            raw.execute(
                "INSERT INTO set_files (hash, bytes) VALUES (?1, ?2)",
                rusqlite::params![hash, bytes],
            )
            .unwrap();
        }
        was
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn plan_with_sam() -> (tempfile::TempDir, Plan, PersonId) {
        let dir = tempfile::tempdir().unwrap();
        let plan = Plan::create(&dir.path().join("plan.sqlite")).unwrap();
        let sam = PersonId::new("p-sam");
        plan.conn
            .execute("INSERT INTO people (id, name) VALUES ('p-sam', 'Sam')", [])
            .unwrap();
        plan.conn
            .execute("INSERT INTO people (id, name) VALUES ('p-ann', 'Ann')", [])
            .unwrap();
        (dir, plan, sam)
    }

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, minute, 0).unwrap()
    }

    fn mug(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        vec![("pictures/mug.jpg".to_string(), bytes.to_vec())]
    }

    #[test]
    fn a_person_has_at_most_so_many_sets_and_each_one_keeps_taking_versions() {
        let (_dir, mut plan, sam) = plan_with_sam();
        for n in 0..MOST_SETS_PER_PERSON {
            plan.save_set_version(&format!("set-{n}"), &sam, "t", &[], "Mum", at(1))
                .unwrap();
        }
        assert!(matches!(
            plan.save_set_version("one-more", &sam, "t", &[], "Mum", at(2)),
            Err(SetSaveError::TooManySets)
        ));
        assert!(
            plan.set_owner("one-more").unwrap().is_none(),
            "nothing made"
        );
        // The sets there are still take new versions; Ann has her own count.
        assert_eq!(
            plan.save_set_version("set-0", &sam, "t2", &[], "Mum", at(3))
                .unwrap(),
            2
        );
        let ann = PersonId::new("p-ann");
        plan.save_set_version("anns", &ann, "t", &[], "Mum", at(3))
            .unwrap();
    }

    #[test]
    fn each_save_is_a_new_newest_version_with_its_own_files() {
        let (_dir, mut plan, sam) = plan_with_sam();
        let first = plan
            .save_set_version("sams", &sam, "one", &mug(b"red mug"), "Mum", at(1))
            .unwrap();
        let second = plan
            .save_set_version("sams", &sam, "two", &mug(b"blue mug"), "Mum", at(2))
            .unwrap();
        assert_eq!((first, second), (1, 2));
        let newest = plan.set_version("sams", None).unwrap().unwrap();
        assert_eq!((newest.version, newest.set_toml.as_str()), (2, "two"));
        let bytes = plan.set_file(&newest.files[0].1).unwrap().unwrap();
        assert_eq!(bytes, b"blue mug");
        let old = plan.set_version("sams", Some(1)).unwrap().unwrap();
        assert_eq!(plan.set_file(&old.files[0].1).unwrap().unwrap(), b"red mug");
        assert_eq!(
            plan.newest_sets().unwrap(),
            vec![NewestSet {
                set_id: "sams".into(),
                person_id: sam,
                version: 2
            }]
        );
    }

    #[test]
    fn going_back_saves_the_old_version_again_as_the_newest() {
        let (_dir, mut plan, sam) = plan_with_sam();
        plan.save_set_version("sams", &sam, "one", &mug(b"red mug"), "Mum", at(1))
            .unwrap();
        plan.save_set_version("sams", &sam, "two", &[], "Mum", at(2))
            .unwrap();
        let back = plan
            .go_back_to_set_version("sams", 1, "Jo (staff)", at(3))
            .unwrap();
        assert_eq!(back, 3);
        let newest = plan.set_version("sams", None).unwrap().unwrap();
        assert_eq!(newest.set_toml, "one");
        assert_eq!(newest.saved_by, "Jo (staff)");
        assert_eq!(
            plan.set_file(&newest.files[0].1).unwrap().unwrap(),
            b"red mug"
        );
        assert!(matches!(
            plan.go_back_to_set_version("sams", 9, "Jo", at(4)),
            Err(SetSaveError::NoSuchVersion { version: 9, .. })
        ));
    }

    #[test]
    fn only_the_newest_versions_and_their_files_are_kept() {
        let (_dir, mut plan, sam) = plan_with_sam();
        for n in 1..=KEPT_VERSIONS + 3 {
            let bytes = format!("mug {n}").into_bytes();
            plan.save_set_version("sams", &sam, &n.to_string(), &mug(&bytes), "Mum", at(n))
                .unwrap();
        }
        let kept: Vec<u32> = plan
            .set_versions("sams")
            .unwrap()
            .iter()
            .map(|v| v.version)
            .collect();
        assert_eq!(kept.len(), KEPT_VERSIONS as usize);
        assert_eq!(kept[0], KEPT_VERSIONS + 3);
        assert_eq!(*kept.last().unwrap(), 4);
        let files: i64 = plan
            .conn
            .query_row("SELECT COUNT(*) FROM set_files", [], |row| row.get(0))
            .unwrap();
        assert_eq!(files, i64::from(KEPT_VERSIONS));
    }

    #[test]
    fn a_burst_of_edits_keeps_the_last_version_of_each_earlier_day() {
        let (_dir, mut plan, sam) = plan_with_sam();
        let day = |d: u32, minute: u32| Utc.with_ymd_and_hms(2026, 11, d, 10, minute, 0).unwrap();
        plan.save_set_version("sams", &sam, "monday", &[], "Mum", day(2, 0))
            .unwrap();
        plan.save_set_version("sams", &sam, "monday, later", &[], "Mum", day(2, 5))
            .unwrap();
        plan.save_set_version("sams", &sam, "tuesday", &[], "Mum", day(3, 0))
            .unwrap();
        // Wednesday: twenty saves in a row.
        for n in 0..20 {
            plan.save_set_version(
                "sams",
                &sam,
                &format!("wednesday {n}"),
                &[],
                "Jo",
                day(4, n),
            )
            .unwrap();
        }
        let kept: Vec<u32> = plan
            .set_versions("sams")
            .unwrap()
            .iter()
            .map(|v| v.version)
            .collect();
        let mut expected: Vec<u32> = (14..=23).rev().collect();
        expected.extend([3, 2]);
        assert_eq!(
            kept, expected,
            "the newest ten, and Monday's and Tuesday's last"
        );
        let monday = plan.set_version("sams", Some(2)).unwrap().unwrap();
        assert_eq!(monday.set_toml, "monday, later");
        // A month on, the old days' versions go too.
        plan.save_set_version(
            "sams",
            &sam,
            "december",
            &[],
            "Jo",
            day(4, 0) + chrono::Duration::days(KEPT_DAYS + 3),
        )
        .unwrap();
        let kept = plan.set_versions("sams").unwrap();
        assert!(kept.iter().all(|v| v.version >= 15), "{kept:?}");
    }

    #[test]
    fn another_persons_set_and_unsafe_names_are_refused_and_nothing_is_written() {
        let (_dir, mut plan, sam) = plan_with_sam();
        plan.save_set_version("sams", &sam, "one", &[], "Mum", at(1))
            .unwrap();
        let ann = PersonId::new("p-ann");
        assert!(matches!(
            plan.save_set_version("sams", &ann, "mine now", &[], "Ann's dad", at(2)),
            Err(SetSaveError::NotTheirs(_))
        ));
        for name in [
            "../etc/passwd",
            "pictures/../../x",
            "pictures/",
            "other/x.jpg",
            "pictures/.hidden",
        ] {
            let files = vec![(name.to_string(), b"x".to_vec())];
            assert!(
                matches!(
                    plan.save_set_version("sams", &sam, "two", &files, "Mum", at(3)),
                    Err(SetSaveError::BadFileName(_))
                ),
                "{name}"
            );
        }
        for id in ["", "../x", "Sams", "a/b", "-x"] {
            assert!(!is_set_id(id), "{id}");
        }
        assert_eq!(plan.set_versions("sams").unwrap().len(), 1);
        assert_eq!(plan.sets_of(&ann).unwrap(), Vec::<String>::new());
    }
}
