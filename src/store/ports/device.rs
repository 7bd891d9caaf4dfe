//! What a device's sync needs of the support plan, and nothing more: the
//! journal's records in (each write keyed and idempotent), marks of how far
//! each device's streams got, pictures by hash, and what comes down to the
//! device (what is told back, picture sets, the home file).

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::core::house_question::QuestionForKiosk;
use crate::core::told_back::ToldBack;
use crate::core::{PersonId, PersonRef, SessionId};
use crate::store::journal::{PartialMat, Stream};
use crate::store::ops::{HomeBinding, PlanOp};
use crate::store::pictures::NewPicture;
use crate::store::plan::Faults;
use crate::store::set_versions::{NewestSet, SetVersion};
use crate::store::StoreError;

pub trait DevicePlan {
    /// Where the plan is, for messages to staff.
    fn location(&self) -> &Path;

    /// Checks the plan is whole, once per opening, before the first write.
    fn check_integrity_once(&mut self) -> Result<(), StoreError>;

    /// Which home the device (whose journal says `journal_home`) and the
    /// plan belong to; a plan without one takes the device's, or `fresh`.
    /// Refused (`DifferentHome`) when the two differ.
    fn settle_home(
        &mut self,
        journal_home: Option<&str>,
        fresh: &str,
    ) -> Result<HomeBinding, StoreError>;

    fn home_id(&self) -> Result<Option<String>, StoreError>;

    fn people(&self) -> Result<Vec<PersonRef>, StoreError>;

    /// Which of `ids` the plan holds already.
    fn synced_among(&self, ids: &[&SessionId]) -> Result<HashSet<SessionId>, StoreError>;

    /// Carries out `ops` in one transaction; returns how many sessions were
    /// new to the plan.
    fn execute(&mut self, ops: &[PlanOp], faults: &mut Faults) -> Result<usize, StoreError>;

    /// How far the plan has a device's stream: the journal row and its key.
    fn device_mark(
        &self,
        device_id: &str,
        stream: Stream,
    ) -> Result<Option<(i64, String)>, StoreError>;

    fn set_device_mark(
        &mut self,
        device_id: &str,
        stream: Stream,
        row: i64,
        key: &str,
    ) -> Result<(), StoreError>;

    fn has_check_in(&self, person: &PersonId, key: &str) -> Result<bool, StoreError>;

    /// The device's mats left part-way, replacing what it said before.
    fn set_partial_mats(
        &mut self,
        device_id: &str,
        mats: &[PartialMat],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// What staff did about what these people said, to be told to them.
    fn told_back_for(&self, people: &[PersonId]) -> Result<Vec<ToldBack>, StoreError>;

    /// Which of `action_ids` a person has been told already (on any device).
    fn answered_told_back(&self, action_ids: &[i64]) -> Result<Vec<i64>, StoreError>;

    /// What the device's staff line says, for staff's What's new.
    fn report_device(
        &mut self,
        device_id: &str,
        problems: &[String],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The plan's picture made from the file with this hash, if it has one.
    fn picture_for_source(&self, source_hash: &str) -> Result<Option<String>, StoreError>;

    /// Keeps a prepared picture; returns its hash.
    fn add_picture(
        &mut self,
        picture: NewPicture,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError>;

    /// True when the card now shows a different picture.
    fn set_card_picture(
        &mut self,
        topic_id: &str,
        card_id: &str,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// True when the person now has a different photo.
    fn set_person_photo(&mut self, person: &PersonId, hash: &str) -> Result<bool, StoreError>;

    /// This device's mats in the plan whose kept picture it has not sent:
    /// each mat with the picture's path as the journal names it.
    fn mats_awaiting_picture(
        &self,
        device_id: &str,
    ) -> Result<Vec<(SessionId, String)>, StoreError>;

    fn set_mat_picture_hash(&mut self, session: &SessionId, hash: &str) -> Result<(), StoreError>;

    /// The newest version of every picture set of the home.
    fn newest_sets(&self) -> Result<Vec<NewestSet>, StoreError>;

    /// A set's version (the newest for `None`).
    fn set_version(
        &self,
        set_id: &str,
        version: Option<u32>,
    ) -> Result<Option<SetVersion>, StoreError>;

    /// A set's file by its hash.
    fn set_file(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// The home file as the hub gives it to its kiosks, if it gives one.
    fn newest_home(&self) -> Result<Option<HomeSettings>, StoreError>;

    /// A photo the newest home file names, by its hash (no other picture).
    fn home_photo(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// A picture a card of the house's questions shows, by its hash (no
    /// other picture).
    fn house_picture(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// The house's questions still open at `now`, or closed within the last
    /// day, that are for any of `people` (the kiosk's residents), with only
    /// those residents.
    fn house_questions_for(
        &self,
        people: &[PersonId],
        now: DateTime<Utc>,
    ) -> Result<Vec<QuestionForKiosk>, StoreError>;
}

/// The home file (`home.toml`: the people, their settings and check-ins)
/// as the home's hub gives it to every kiosk of the home.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HomeSettings {
    /// Counts up with each change the hub makes.
    pub version: i64,
    /// As a kiosk keeps it: each person's photo named
    /// `home-photos/HASH.EXT`, after the plan's picture.
    pub home_toml: String,
    /// The plan's pictures it names.
    pub photos: Vec<String>,
}
