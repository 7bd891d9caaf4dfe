//! Picture sets kept in the support plan, as families and staff edit them
//! in the web app: each save a new version, files by their hash.

use chrono::{DateTime, Utc};

use crate::core::set_edit::EditError;
use crate::core::{PersonId, SetText};
use crate::store::accounts::Account;
use crate::store::set_versions::{
    new_set_id, NewestSet, SetSave, SetSaveError, SetVersion, VersionSummary,
};
use crate::store::StoreError;

/// A change to a set's text, answering the new files (name and bytes) it
/// brings.
pub type SetChange<'a> =
    Box<dyn FnOnce(&mut SetText) -> Result<Vec<(String, Vec<u8>)>, EditError> + Send + 'a>;

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

    /// A new, empty set of `person`'s, named `title`, made by `account`;
    /// answers its id, which says nothing of the person or the set (it
    /// names folders on the kiosks and appears in their logs).
    fn start_set(
        &mut self,
        person: &PersonId,
        title: &str,
        account: &Account,
        now: DateTime<Utc>,
    ) -> Result<String, SetSaveError> {
        if !account.may_change_sets_of(person) {
            return Err(SetSaveError::NotTheirs(person.to_string()));
        }
        let set_id = new_set_id();
        let set = SetText::new(&set_id, title)?;
        let save = SetSave {
            set_id: &set_id,
            person,
            set_toml: &set.to_toml(),
            files: &[],
            kept: &[],
            saved_by: &account.name,
        };
        self.save_set(save, now)?;
        Ok(set_id)
    }

    /// The newest version of a set, as `account` may open it: refused
    /// when the set is another person's that the account may not change.
    fn set_for(&self, set_id: &str, account: &Account) -> Result<SetVersion, SetSaveError> {
        let saved = self
            .set_version(set_id, None)?
            .ok_or_else(|| SetSaveError::NoSuchSet(set_id.to_string()))?;
        if !account.may_change_sets_of(&saved.person_id) {
            return Err(SetSaveError::NotTheirs(set_id.to_string()));
        }
        Ok(saved)
    }

    /// A change `account` makes to a set: made to its newest version and
    /// saved as a new one with the new files it brings, the files the
    /// changed set still names kept. Nothing is saved when the account may
    /// not change the set or the change is refused.
    fn change_set(
        &mut self,
        set_id: &str,
        account: &Account,
        change: SetChange<'_>,
        now: DateTime<Utc>,
    ) -> Result<u32, SetSaveError> {
        let saved = self.set_for(set_id, account)?;
        let mut set = SetText::from_toml(&saved.set_toml).map_err(EditError::from)?;
        let files = change(&mut set)?;
        let named = set.files();
        let kept: Vec<(String, String)> = saved
            .files
            .into_iter()
            .filter(|(name, _)| named.contains(&name.as_str()))
            .filter(|(name, _)| !files.iter().any(|(new, _)| new == name))
            .collect();
        let save = SetSave {
            set_id,
            person: &saved.person_id,
            set_toml: &set.to_toml(),
            files: &files,
            kept: &kept,
            saved_by: &account.name,
        };
        self.save_set(save, now)
    }

    /// `account` takes a set back to an earlier version (saved again as the
    /// newest); refused when the account may not change the set.
    fn go_back_as(
        &mut self,
        set_id: &str,
        version: u32,
        account: &Account,
        now: DateTime<Utc>,
    ) -> Result<u32, SetSaveError> {
        self.set_for(set_id, account)?;
        self.go_back_to_set_version(set_id, version, &account.name, now)
    }
}
