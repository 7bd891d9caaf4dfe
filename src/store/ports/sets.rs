//! Picture sets kept in the support plan, as families and staff edit them
//! in the web app: each save a new version, files by their hash.

use chrono::{DateTime, Utc};

use crate::core::PersonId;
use crate::store::set_versions::{NewestSet, SetSave, SetSaveError, SetVersion, VersionSummary};
use crate::store::StoreError;

pub trait PlanSets: Send {
    /// Saves a new version of `person`'s set `set_id` (made if new) and
    /// returns its number. `files` are the set's pictures and clips, by the
    /// names its text uses.
    fn save_set_version(
        &mut self,
        set_id: &str,
        person: &PersonId,
        set_toml: &str,
        files: &[(String, Vec<u8>)],
        saved_by: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, SetSaveError>;

    /// Saves a new version, with files the plan has already as well as new
    /// ones.
    fn save_set(&mut self, save: SetSave<'_>, now: DateTime<Utc>) -> Result<u32, SetSaveError>;

    /// Makes an earlier version the newest again (as a new version).
    fn go_back_to_set_version(
        &mut self,
        set_id: &str,
        version: u32,
        saved_by: &str,
        now: DateTime<Utc>,
    ) -> Result<u32, SetSaveError>;

    /// Whose set it is; `None` for no such set.
    fn set_owner(&self, set_id: &str) -> Result<Option<PersonId>, StoreError>;

    /// The newest version of every set.
    fn newest_sets(&self) -> Result<Vec<NewestSet>, StoreError>;

    /// A set's version (the newest for `None`).
    fn set_version(
        &self,
        set_id: &str,
        version: Option<u32>,
    ) -> Result<Option<SetVersion>, StoreError>;

    /// A set's file by its hash.
    fn set_file(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// A set's versions, newest first.
    fn set_versions(&self, set_id: &str) -> Result<Vec<VersionSummary>, StoreError>;

    /// The ids of a person's sets.
    fn sets_of(&self, person: &PersonId) -> Result<Vec<String>, StoreError>;
}
