//! The SQLite plan as a device's sync reaches it.

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::journal::{PartialMat, Stream};
use super::ops::{HomeBinding, PlanOp};
use super::pictures::NewPicture;
use super::plan::{Faults, Plan};
use super::ports::DevicePlan;
use super::set_versions::{NewestSet, SetVersion};
use super::StoreError;
use crate::core::news::News;
use crate::core::{PersonId, PersonRef, SessionId};

impl DevicePlan for Plan {
    fn location(&self) -> &Path {
        Plan::path(self)
    }
    fn check_integrity_once(&mut self) -> Result<(), StoreError> {
        Plan::check_integrity_once(self)
    }
    fn settle_home(
        &mut self,
        journal_home: Option<&str>,
        fresh: &str,
    ) -> Result<HomeBinding, StoreError> {
        Plan::settle_home(self, journal_home, fresh)
    }
    fn home_id(&self) -> Result<Option<String>, StoreError> {
        Plan::home_id(self)
    }
    fn people(&self) -> Result<Vec<PersonRef>, StoreError> {
        Plan::people(self)
    }
    fn synced_among(&self, ids: &[&SessionId]) -> Result<HashSet<SessionId>, StoreError> {
        Plan::synced_among(self, ids)
    }
    fn execute(&mut self, ops: &[PlanOp], faults: &mut Faults) -> Result<usize, StoreError> {
        Plan::execute(self, ops, faults)
    }
    fn device_mark(
        &self,
        device_id: &str,
        stream: Stream,
    ) -> Result<Option<(i64, String)>, StoreError> {
        Plan::device_mark(self, device_id, stream)
    }
    fn set_device_mark(
        &mut self,
        device_id: &str,
        stream: Stream,
        row: i64,
        key: &str,
    ) -> Result<(), StoreError> {
        Plan::set_device_mark(self, device_id, stream, row, key)
    }
    fn has_check_in(&self, person: &PersonId, key: &str) -> Result<bool, StoreError> {
        Plan::has_check_in(self, person, key)
    }
    fn set_partial_mats(
        &mut self,
        device_id: &str,
        mats: &[PartialMat],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Plan::set_partial_mats(self, device_id, mats, now)
    }
    fn news_for(&self, people: &[PersonId]) -> Result<Vec<News>, StoreError> {
        Plan::news_for(self, people)
    }
    fn answered_news(&self, action_ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        Plan::answered_news(self, action_ids)
    }
    fn report_device(
        &mut self,
        device_id: &str,
        problems: &[String],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Plan::report_device(self, device_id, problems, at)
    }
    fn picture_for_source(&self, source_hash: &str) -> Result<Option<String>, StoreError> {
        Plan::picture_for_source(self, source_hash)
    }
    fn add_picture(
        &mut self,
        picture: NewPicture,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        Plan::add_picture(self, picture, now)
    }
    fn set_card_picture(
        &mut self,
        topic_id: &str,
        card_id: &str,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Plan::set_card_picture(self, topic_id, card_id, hash, now)
    }
    fn set_person_photo(&mut self, person: &PersonId, hash: &str) -> Result<bool, StoreError> {
        Plan::set_person_photo(self, person, hash)
    }
    fn mats_awaiting_picture(
        &self,
        device_id: &str,
    ) -> Result<Vec<(SessionId, String)>, StoreError> {
        Plan::mats_awaiting_picture(self, device_id)
    }
    fn set_mat_picture_hash(&mut self, session: &SessionId, hash: &str) -> Result<(), StoreError> {
        Plan::set_mat_picture_hash(self, session, hash)
    }
    fn newest_sets(&self) -> Result<Vec<NewestSet>, StoreError> {
        Plan::newest_sets(self)
    }
    fn set_version(
        &self,
        set_id: &str,
        version: Option<u32>,
    ) -> Result<Option<SetVersion>, StoreError> {
        Plan::set_version(self, set_id, version)
    }
    fn set_file(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Plan::set_file(self, hash)
    }
}
