//! The SQLite plan as a device's sync reaches it: which home it belongs
//! to, each device's marks, and the batches of writes sync plans, each in
//! one transaction.

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::journal::{PartialMat, Stream};
use super::ops::{decide_home, EvidenceRow, HomeBinding, HomeMismatch, PlanOp, SessionRow};
use super::pictures::NewPicture;
use super::plan::{refresh_preference, Faults, Plan};
use super::ports::device::HomeSettings;
use super::ports::{DevicePlan, PlanSets};
use super::set_versions::{NewestSet, SetVersion};
use super::{timestamp, StoreError};
use crate::core::told_back::ToldBack;
use crate::core::{PersonId, PersonRef, Said, SessionId};

impl DevicePlan for Plan {
    fn location(&self) -> &Path {
        Plan::path(self)
    }
    fn check_integrity_once(&mut self) -> Result<(), StoreError> {
        Plan::check_integrity_once(self)
    }
    /// Decides which home this plan and a device's journal belong to, under
    /// the plan's write lock: two devices making their first sync into a new
    /// plan at the same moment both end up in the home the first one wrote.
    fn settle_home(
        &mut self,
        journal_home: Option<&str>,
        fresh: &str,
    ) -> Result<HomeBinding, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let plan_home: Option<String> = tx
            .query_row(
                "SELECT value FROM plan_info WHERE key = 'home_id'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        let binding =
            decide_home(journal_home, plan_home.as_deref(), fresh).map_err(|HomeMismatch| {
                StoreError::DifferentHome {
                    plan: self.path.clone(),
                }
            })?;
        if binding.bind_plan {
            tx.execute(
                "INSERT INTO plan_info (key, value) VALUES ('home_id', ?1)",
                [&binding.home],
            )?;
        }
        tx.commit()?;
        Ok(binding)
    }
    fn home_id(&self) -> Result<Option<String>, StoreError> {
        Plan::home_id(self)
    }
    fn people(&self) -> Result<Vec<PersonRef>, StoreError> {
        Plan::people(self)
    }
    /// Which of `ids` the plan has (each looked up by itself: the cost
    /// follows what is asked, not how many mats the plan holds).
    fn synced_among(&self, ids: &[&SessionId]) -> Result<HashSet<SessionId>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT 1 FROM synced_sessions WHERE session_id = ?1")?;
        let mut found = HashSet::new();
        for id in ids {
            if statement.exists([id])? {
                found.insert((*id).clone());
            }
        }
        Ok(found)
    }
    /// Carries out a batch of operations in one transaction: all of them, or
    /// (on any error) none. Returns how many new sessions it added.
    fn execute(&mut self, ops: &[PlanOp], faults: &mut Faults) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        for op in ops {
            faults.step()?;
            match op {
                PlanOp::AddPerson { id, name } => {
                    tx.prepare_cached("INSERT OR IGNORE INTO people (id, name) VALUES (?1, ?2)")?
                        .execute(params![id, name])?;
                }
                PlanOp::AddSession(s) => added += add_session(&tx, s)?,
                PlanOp::AddEvidence(e) => add_evidence(&tx, e)?,
                PlanOp::RefreshPreference {
                    person_id,
                    topic_id,
                    topic_title,
                    card_id,
                    card_label,
                } => {
                    refresh_preference(&tx, person_id, topic_id, topic_title, card_id, card_label)?;
                }
                PlanOp::AddCheckIn(c) => {
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO check_ins (person_id, check_in, topic_id,
                             window_opens, window_closes, outcome, session_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        c.person.id,
                        c.key,
                        c.topic_id,
                        c.opens,
                        c.closes,
                        c.outcome,
                        c.session_id
                    ])?;
                }
                PlanOp::AddClockMark {
                    device_id,
                    mark,
                    received_at,
                } => {
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO device_clock_marks
                             (device_id, boot_id, boot_ms, wall, wall_set, received_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        device_id,
                        mark.boot,
                        i64::try_from(mark.boot_ms).unwrap_or(i64::MAX),
                        timestamp(mark.wall),
                        mark.set,
                        timestamp(*received_at)
                    ])?;
                }
                PlanOp::SetMatPicture {
                    device_id,
                    session_id,
                    picture,
                } => {
                    tx.prepare_cached(
                        "UPDATE synced_sessions SET mat_picture = ?2
                         WHERE session_id = ?1 AND device_id = ?3 AND mat_picture IS NULL",
                    )?
                    .execute(params![session_id, picture, device_id])?;
                }
                PlanOp::Audit {
                    at,
                    actor,
                    action,
                    detail,
                } => {
                    if added > 0 {
                        tx.prepare_cached("INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)")?.execute(params![timestamp(*at), actor, action, detail],
                        )?;
                    }
                }
            }
        }
        faults.step()?;
        tx.commit()?;
        Ok(added)
    }
    /// How far a device's journal stream has been brought in: (journal row,
    /// what that row holds: see [`super::Journal::key_at_row`]).
    fn device_mark(
        &self,
        device_id: &str,
        stream: Stream,
    ) -> Result<Option<(i64, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT journal_row, row_key FROM device_marks WHERE device_id = ?1 AND stream = ?2",
                params![device_id, stream.name()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    }
    /// Every row of a device's journal stream up to `row` is in the plan.
    fn set_device_mark(
        &mut self,
        device_id: &str,
        stream: Stream,
        row: i64,
        key: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO device_marks (device_id, stream, journal_row, row_key)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (device_id, stream)
             DO UPDATE SET journal_row = excluded.journal_row, row_key = excluded.row_key",
            params![device_id, stream.name(), row, key],
        )?;
        Ok(())
    }
    /// Whether the plan has a person's check-in window already.
    fn has_check_in(&self, person: &PersonId, key: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM check_ins WHERE person_id = ?1 AND check_in = ?2")?
            .exists(params![person, key])?)
    }
    /// Makes the plan's list of this device's mats left part-way the
    /// journal's: adds and updates those given, and drops the ones that
    /// were finished (they are in `synced_sessions`) or are no longer left.
    fn set_partial_mats(
        &mut self,
        device_id: &str,
        mats: &[PartialMat],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let left: HashSet<&str> = mats.iter().map(|m| m.session_id.as_str()).collect();
        let known: Vec<String> = {
            let mut statement =
                tx.prepare("SELECT session_id FROM partial_mats WHERE device_id = ?1")?;
            let rows = statement.query_map([device_id], |row| row.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for session in known.iter().filter(|s| !left.contains(s.as_str())) {
            tx.execute("DELETE FROM partial_mats WHERE session_id = ?1", [session])?;
        }
        for mat in mats {
            tx.prepare_cached("INSERT OR IGNORE INTO people (id, name) VALUES (?1, ?2)")?
                .execute(params![mat.person.id, mat.person.name])?;
            tx.prepare_cached(
                "INSERT INTO partial_mats (session_id, device_id, person_id, topic_id, topic_title,
                                           started_at, left_at, cards_placed, synced_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
                 WHERE NOT EXISTS (SELECT 1 FROM synced_sessions WHERE session_id = ?1)
                 ON CONFLICT (session_id) DO UPDATE
                 SET left_at = excluded.left_at, cards_placed = excluded.cards_placed
                 WHERE left_at <> excluded.left_at OR cards_placed <> excluded.cards_placed",
            )?
            .execute(params![
                mat.session_id,
                device_id,
                mat.person.id,
                mat.topic_id,
                mat.topic_title,
                mat.started_at,
                mat.left_at,
                mat.cards_placed,
                timestamp(now),
            ])?;
        }
        tx.execute(
            // Each left mat looked up, not every mat the plan holds.
            "DELETE FROM partial_mats
             WHERE EXISTS (SELECT 1 FROM synced_sessions s
                           WHERE s.session_id = partial_mats.session_id)",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }
    fn told_back_for(&self, people: &[PersonId]) -> Result<Vec<ToldBack>, StoreError> {
        Plan::told_back_for(self, people)
    }
    fn answered_told_back(&self, action_ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        Plan::answered_told_back(self, action_ids)
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
        PlanSets::newest_sets(self)
    }
    fn set_version(
        &self,
        set_id: &str,
        version: Option<u32>,
    ) -> Result<Option<SetVersion>, StoreError> {
        PlanSets::set_version(self, set_id, version)
    }
    fn set_file(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        PlanSets::set_file(self, hash)
    }
    fn newest_home(&self) -> Result<Option<HomeSettings>, StoreError> {
        self.newest_home_settings()
    }
    fn home_photo(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.newest_home_photo(hash)
    }
    fn house_picture(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.house_picture_bytes(hash)
    }
    fn house_questions_for(
        &self,
        people: &[PersonId],
        now: DateTime<Utc>,
    ) -> Result<Vec<crate::core::house_question::QuestionForKiosk>, StoreError> {
        self.questions_for_kiosk(people, now)
    }
}

/// A finished mat's row; 1 if it was new to the plan.
fn add_session(tx: &rusqlite::Transaction, s: &SessionRow) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached(
            "INSERT OR IGNORE INTO synced_sessions
             (session_id, device_id, person_id, set_id, topic_id, topic_title,
              started_at, finished_at, synced_at, outcome, mat_picture,
              supporter, supporter_helped, practice)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            s.session_id,
            s.device_id,
            s.person_id,
            s.set_id,
            s.topic_id,
            s.topic_title,
            timestamp(s.started_at),
            timestamp(s.finished_at),
            timestamp(s.synced_at),
            s.outcome.as_str(),
            s.mat_picture,
            s.company.supporter,
            s.company.helped,
            s.practice,
        ])?)
}

/// Where one card of a mat ended (kept once, whatever is sent again).
fn add_evidence(tx: &rusqlite::Transaction, e: &EvidenceRow) -> Result<(), StoreError> {
    let (kind, view) = match &e.said {
        Said::View(view) => ("placed", view.as_str()),
        Said::Skipped => ("skipped", crate::core::preference::SKIPPED),
    };
    tx.prepare_cached(
        "INSERT OR IGNORE INTO evidence
             (session_id, card_id, person_id, topic_id, card_label, point, view, kind,
              placed_seq, placed_at, spot_offset, helped, tell_me_more, response_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        e.session_id,
        e.card_id,
        e.person_id,
        e.topic_id,
        e.card_label,
        e.spot.map_or(-1, |s| s.point as i64),
        view,
        kind,
        e.placed_seq,
        timestamp(e.placed_at),
        e.spot.map_or(0, |s| s.offset),
        e.helped,
        e.tell_me_more,
        e.response_ms,
    ])?;
    Ok(())
}
