//! The support plan database: people, their profile, their current views with
//! the evidence behind each, staff confirmations, actions and an audit log.
//! Other tools read it: the schema is versioned with `PRAGMA user_version` and
//! documented in `docs/support-plan.md`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::db::{self, IfMissing, JournalMode, StoreError};
use super::journal::Stream;
use super::ops::{decide_home, HomeBinding, HomeMismatch, PlanOp};
use super::{parse_timestamp, timestamp};
use crate::core::preference::{add_later, Tally};
use crate::core::{
    current_view, Answer, CardId, PersonId, PersonRef, PreferenceSummary, Said, SessionId, TopicId,
};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/plan/0001_init.sql"),
    include_str!("migrations/plan/0002_profile_staff_actions_audit.sql"),
    include_str!("migrations/plan/0003_company_spots_tell_me_more.sql"),
    include_str!("migrations/plan/0004_check_ins.sql"),
    include_str!("migrations/plan/0005_accounts.sql"),
    include_str!("migrations/plan/0006_pictures_practice.sql"),
    include_str!("migrations/plan/0007_picture_sets.sql"),
    include_str!("migrations/plan/0008_sync_follows_what_is_new.sql"),
    include_str!("migrations/plan/0009_kiosk_names.sql"),
    include_str!("migrations/plan/0010_accounts_ended.sql"),
];

/// The schema version this build writes.
pub const PLAN_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Plan {
    pub(super) conn: Connection,
    path: PathBuf,
    /// Whether this connection has run the integrity check yet.
    checked: bool,
}

/// A name found under more than one id in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeCandidate {
    pub name: String,
    /// Each id, with how many mats it has.
    pub ids: Vec<(PersonId, i64)>,
}

/// One line of the report: a person's current view of one card.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PreferenceRow {
    pub person: String,
    pub topic: String,
    pub card: String,
    #[serde(flatten)]
    pub view: PreferenceSummary,
}

/// Fails the n-th statement of a sync on purpose, to prove that a sync cut
/// off anywhere leaves the plan as if it had never started that batch. Only
/// with the `fault-injection` feature (the tests'); otherwise it does nothing.
#[derive(Debug, Default)]
pub struct Faults {
    #[cfg(feature = "fault-injection")]
    fail_at: Option<usize>,
    #[cfg(feature = "fault-injection")]
    count: usize,
}

impl Faults {
    #[cfg(feature = "fault-injection")]
    pub fn fail_at(statement: Option<usize>) -> Faults {
        Faults {
            fail_at: statement,
            count: 0,
        }
    }

    #[cfg(feature = "fault-injection")]
    pub(crate) fn step(&mut self) -> Result<(), StoreError> {
        self.count += 1;
        if self.fail_at == Some(self.count) {
            return Err(StoreError::Injected(self.count));
        }
        Ok(())
    }

    #[cfg(not(feature = "fault-injection"))]
    pub(crate) fn step(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

impl Plan {
    /// How long a write waits for another writer before giving up as busy.
    pub fn set_busy_timeout(&mut self, timeout: std::time::Duration) -> Result<(), StoreError> {
        self.conn.busy_timeout(timeout)?;
        Ok(())
    }

    /// Creates a new, empty plan (`sayso plan init`). An existing file is left alone.
    pub fn create(path: &Path) -> Result<Plan, StoreError> {
        if path.exists() {
            return Err(StoreError::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        Plan::open_or_create(path)
    }

    /// Opens an existing plan; a missing one is an error (a share that is not
    /// mounted must not get a fresh, empty plan written in its place).
    pub fn open(path: &Path) -> Result<Plan, StoreError> {
        Ok(Plan {
            conn: db::open(path, MIGRATIONS, JournalMode::Rollback, IfMissing::Refuse)?,
            path: path.to_path_buf(),
            checked: false,
        })
    }

    /// Opens the plan, creating it if it is not there (the local default).
    pub fn open_or_create(path: &Path) -> Result<Plan, StoreError> {
        Ok(Plan {
            conn: db::open(path, MIGRATIONS, JournalMode::Rollback, IfMissing::Create)?,
            path: path.to_path_buf(),
            checked: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// SQLite's full integrity check, run before the first write of each
    /// connection: damage found here stops sync before it writes anything.
    pub(in crate::store) fn check_integrity(&mut self) -> Result<(), StoreError> {
        db::check_integrity(&self.conn, &self.path)?;
        self.checked = true;
        Ok(())
    }

    pub(crate) fn check_integrity_once(&mut self) -> Result<(), StoreError> {
        if self.checked {
            return Ok(());
        }
        self.check_integrity()
    }

    /// The home this plan belongs to, once a device has synced into it.
    pub(in crate::store) fn home_id(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM plan_info WHERE key = 'home_id'",
                [],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Decides which home this plan and a device's journal belong to, under
    /// the plan's write lock: two devices making their first sync into a new
    /// plan at the same moment both end up in the home the first one wrote.
    pub(crate) fn settle_home(
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

    /// Which of `ids` the plan has (each looked up by itself: the cost
    /// follows what is asked, not how many mats the plan holds).
    pub(in crate::store) fn synced_among(
        &self,
        ids: &[&SessionId],
    ) -> Result<HashSet<SessionId>, StoreError> {
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

    /// How far a device's journal stream has been brought in: (journal row,
    /// what that row holds: see [`super::Journal::key_at_row`]).
    pub(in crate::store) fn device_mark(
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
    pub(in crate::store) fn set_device_mark(
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

    /// People who may be one person twice: the same name under more than
    /// one id (two devices, or a journal started afresh, before a home file
    /// gave them one id). Each with the ids and how many mats each has.
    pub(in crate::store) fn merge_candidates(&self) -> Result<Vec<MergeCandidate>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT p.name, p.id, (SELECT COUNT(*) FROM synced_sessions s WHERE s.person_id = p.id)
             FROM people p
             WHERE p.name IN (SELECT name FROM people GROUP BY name HAVING COUNT(*) > 1)
             ORDER BY p.name, p.id",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?))
            })?
            .collect::<Result<Vec<(String, PersonId, i64)>, _>>()?;
        let mut candidates: Vec<MergeCandidate> = Vec::new();
        for (name, id, mats) in rows {
            match candidates.last_mut() {
                Some(last) if last.name == name => last.ids.push((id, mats)),
                _ => candidates.push(MergeCandidate {
                    name,
                    ids: vec![(id, mats)],
                }),
            }
        }
        Ok(candidates)
    }

    /// Merges one person into another, as staff confirmed: every mat, piece
    /// of evidence, confirmation and action moves over, check-ins and
    /// profile sections too (the kept person's own win where both have
    /// one), views are worked out again from all the evidence, and the
    /// audit log says who did it. Returns how many mats moved.
    pub(in crate::store) fn merge_people(
        &mut self,
        from: &PersonId,
        into: &PersonId,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for id in [from, into] {
            let known: i64 =
                tx.query_row("SELECT COUNT(*) FROM people WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            if known == 0 || from == into {
                return Err(StoreError::NoSuchPerson(id.to_string()));
            }
        }
        let moved = tx.execute(
            "UPDATE synced_sessions SET person_id = ?2 WHERE person_id = ?1",
            params![from, into],
        )?;
        for table in ["evidence", "confirmations", "actions"] {
            tx.execute(
                &format!("UPDATE {table} SET person_id = ?2 WHERE person_id = ?1"),
                params![from, into],
            )?;
        }
        for table in ["check_ins", "profile_sections"] {
            tx.execute(
                &format!("UPDATE OR IGNORE {table} SET person_id = ?2 WHERE person_id = ?1"),
                params![from, into],
            )?;
            tx.execute(&format!("DELETE FROM {table} WHERE person_id = ?1"), [from])?;
        }
        tx.execute(
            "DELETE FROM preferences WHERE person_id IN (?1, ?2)",
            params![from, into],
        )?;
        let cards: Vec<(String, String, String, String)> = {
            let mut statement = tx.prepare(
                "SELECT e.topic_id, e.card_id, MAX(s.topic_title), MAX(e.card_label)
                 FROM evidence e JOIN synced_sessions s ON s.session_id = e.session_id
                 WHERE e.person_id = ?1 GROUP BY e.topic_id, e.card_id",
            )?;
            let rows = statement
                .query_map([into], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (topic_id, card_id, topic_title, card_label) in &cards {
            recompute_preference(&tx, into, topic_id, topic_title, card_id, card_label)?;
        }
        tx.execute("DELETE FROM people WHERE id = ?1", [from])?;
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?1, ?2, 'merge-people', ?3)",
            params![
                timestamp(now),
                by_whom,
                format!("person {from} merged into {into}: {moved} mat(s)")
            ],
        )?;
        tx.commit()?;
        Ok(moved)
    }

    /// Everyone in the plan.
    pub(in crate::store) fn people(&self) -> Result<Vec<PersonRef>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT id, name FROM people ORDER BY name")?;
        let rows = statement.query_map([], |row| {
            Ok(PersonRef {
                id: row.get(0)?,
                name: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the plan has a person's check-in window already.
    pub(in crate::store) fn has_check_in(
        &self,
        person: &PersonId,
        key: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM check_ins WHERE person_id = ?1 AND check_in = ?2")?
            .exists(params![person, key])?)
    }

    /// Makes the plan's list of this device's mats left part-way the
    /// journal's: adds and updates those given, and drops the ones that
    /// were finished (they are in `synced_sessions`) or are no longer left.
    pub(in crate::store) fn set_partial_mats(
        &mut self,
        device_id: &str,
        mats: &[super::journal::PartialMat],
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

    /// Carries out a batch of operations in one transaction: all of them, or
    /// (on any error) none. Returns how many new sessions it added.
    pub(in crate::store) fn execute(
        &mut self,
        ops: &[PlanOp],
        faults: &mut Faults,
    ) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        for op in ops {
            faults.step()?;
            match op {
                PlanOp::AddPerson { id, name } => {
                    tx.prepare_cached("INSERT OR IGNORE INTO people (id, name) VALUES (?1, ?2)")?
                        .execute(params![id, name])?;
                }
                PlanOp::AddSession(s) => {
                    added += tx
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
                        ])?;
                }
                PlanOp::AddEvidence(e) => {
                    let (kind, view) = match &e.said {
                        Said::View(view) => ("placed", view.as_str()),
                        Said::Skipped => ("skipped", crate::core::preference::SKIPPED),
                    };
                    tx.prepare_cached("INSERT OR IGNORE INTO evidence
                             (session_id, card_id, person_id, topic_id, card_label, point, view, kind,
                              placed_seq, placed_at, spot_offset, helped, tell_me_more, response_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")?.execute(params![
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
                        ],
                    )?;
                }
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
                PlanOp::SetMatPicture {
                    session_id,
                    picture,
                } => {
                    tx.prepare_cached(
                        "UPDATE synced_sessions SET mat_picture = ?2
                         WHERE session_id = ?1 AND mat_picture IS NULL",
                    )?
                    .execute(params![session_id, picture])?;
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

    /// Current views, by person, topic and card. `person` filters by name.
    pub(in crate::store) fn preferences(
        &self,
        person: Option<&str>,
    ) -> Result<Vec<PreferenceRow>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT p.name, f.topic_title, f.card_label, f.current_view, f.times_asked, f.times_said,
                    f.times_skipped, f.since, f.last_at, f.changed_from, f.changed_until
             FROM preferences f JOIN people p ON p.id = f.person_id
             WHERE ?1 IS NULL OR p.name = ?1 COLLATE NOCASE
             ORDER BY p.name, p.id, f.topic_title, f.card_label",
        )?;
        let rows = statement.query_map([person], |row| {
            Ok((
                (
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ),
                (
                    row.get::<_, String>(3)?,
                    row.get::<_, u32>(4)?,
                    row.get::<_, u32>(5)?,
                    row.get::<_, u32>(6)?,
                ),
                (row.get::<_, String>(7)?, row.get::<_, String>(8)?),
                (
                    row.get::<_, Option<String>>(9)?,
                    row.get::<_, Option<String>>(10)?,
                ),
            ))
        })?;
        let mut result = Vec::new();
        for row in rows {
            let (
                (person, topic, card),
                (current_view, times_asked, times_said, times_skipped),
                (since, last_at),
                (changed_from, changed_until),
            ) = row?;
            result.push(PreferenceRow {
                person,
                topic,
                card,
                view: PreferenceSummary {
                    current_view,
                    times_asked,
                    times_said,
                    times_skipped,
                    since: parse_timestamp(&since)?,
                    last_at: parse_timestamp(&last_at)?,
                    changed_from,
                    changed_until: changed_until.as_deref().map(parse_timestamp).transpose()?,
                },
            });
        }
        Ok(result)
    }

    pub(in crate::store) fn profile(
        &self,
        person_id: &str,
    ) -> Result<Vec<(ProfileSection, String)>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT section, body FROM profile_sections WHERE person_id = ?1")?;
        let rows = statement.query_map([person_id], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut sections = Vec::new();
        for row in rows {
            let (section, body) = row?;
            if let Some(section) = ProfileSection::ALL
                .into_iter()
                .find(|s| s.as_str() == section)
            {
                sections.push((section, body));
            }
        }
        sections.sort_by_key(|(section, _)| *section);
        Ok(sections)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    Open,
    Done,
    Dropped,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }

    pub fn parse(text: &str) -> ActionStatus {
        match text {
            "done" => ActionStatus::Done,
            "dropped" => ActionStatus::Dropped,
            _ => ActionStatus::Open,
        }
    }
}

/// The sections of a one-page profile, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProfileSection {
    /// What people appreciate about me.
    Appreciate,
    /// What's important to me.
    Important,
    /// How best to support me.
    Support,
    /// How I communicate, and how to communicate with me.
    Communication,
}

impl ProfileSection {
    pub const ALL: [ProfileSection; 4] = [
        ProfileSection::Appreciate,
        ProfileSection::Important,
        ProfileSection::Support,
        ProfileSection::Communication,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileSection::Appreciate => "appreciate",
            ProfileSection::Important => "important",
            ProfileSection::Support => "support",
            ProfileSection::Communication => "communication",
        }
    }

    pub fn parse(text: &str) -> Option<ProfileSection> {
        ProfileSection::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The heading of the section on a one-page profile.
    pub fn heading(self) -> &'static str {
        match self {
            ProfileSection::Appreciate => "What people appreciate about me",
            ProfileSection::Important => "What's important to me",
            ProfileSection::Support => "How best to support me",
            ProfileSection::Communication => "How I communicate, and how to communicate with me",
        }
    }
}

/// A member of staff's word on one of the person's views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub person_id: PersonId,
    pub topic_id: TopicId,
    pub card_id: CardId,
    pub kind: ConfirmationKind,
    pub body: String,
    pub by_whom: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmationKind {
    Confirmed,
    Disputed,
    Note,
}

impl ConfirmationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmationKind::Confirmed => "confirmed",
            ConfirmationKind::Disputed => "disputed",
            ConfirmationKind::Note => "note",
        }
    }
}

/// An audit row that says what a change replaced and what it became.
pub(super) fn audit_change(
    tx: &Transaction,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, detail, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            timestamp(at),
            actor,
            action,
            after.unwrap_or(""),
            before,
            after
        ],
    )?;
    Ok(())
}

/// One card of one person, and the words the plan shows it with.
struct CardOf<'a> {
    person_id: &'a str,
    topic_id: &'a str,
    topic_title: &'a str,
    card_id: &'a str,
    card_label: &'a str,
}

/// Brings one card's current view up to date with the evidence added since
/// it was last worked out: the answers that are new are added in (the cost
/// follows what is new, not the card's whole history), or, when one of them
/// is not later than those before (a kiosk back after a month away), the
/// view is worked out again from all of them.
pub(super) fn refresh_preference(
    tx: &Transaction,
    person_id: &str,
    topic_id: &str,
    topic_title: &str,
    card_id: &str,
    card_label: &str,
) -> Result<(), StoreError> {
    let card = CardOf {
        person_id,
        topic_id,
        topic_title,
        card_id,
        card_label,
    };
    let Some((mut summary, mut tally, folded)) = kept_view(tx, &card)? else {
        return recompute(tx, &card);
    };
    let (answers, last_rowid) = answers_after(tx, &card, folded)?;
    let mut sorted = answers;
    sorted.sort_by(|a, b| (a.at, &a.session).cmp(&(b.at, &b.session)));
    for answer in &sorted {
        match add_later(Some(&summary), &mut tally, answer) {
            Some(added) => summary = added,
            None => return recompute(tx, &card),
        }
    }
    write_view(tx, &card, &summary, &tally, last_rowid.max(folded))
}

/// Works one card's current view out again from all its evidence (after
/// evidence changed hands, or a mat was marked as practice or back).
pub(super) fn recompute_preference(
    tx: &Transaction,
    person_id: &str,
    topic_id: &str,
    topic_title: &str,
    card_id: &str,
    card_label: &str,
) -> Result<(), StoreError> {
    recompute(
        tx,
        &CardOf {
            person_id,
            topic_id,
            topic_title,
            card_id,
            card_label,
        },
    )
}

fn recompute(tx: &Transaction, card: &CardOf) -> Result<(), StoreError> {
    let (answers, last_rowid) = answers_after(tx, card, 0)?;
    let Some(summary) = current_view(&answers) else {
        // Only practice left: no view.
        tx.prepare_cached(
            "DELETE FROM preferences WHERE person_id = ?1 AND topic_id = ?2 AND card_id = ?3",
        )?
        .execute(params![card.person_id, card.topic_id, card.card_id])?;
        return Ok(());
    };
    write_view(tx, card, &summary, &Tally::of(&answers), last_rowid)
}

/// The card's view as kept, with its tally and the last evidence row taken
/// in; `None` if there is none, or it was kept before tallies were.
fn kept_view(
    tx: &Transaction,
    card: &CardOf,
) -> Result<Option<(PreferenceSummary, Tally, i64)>, StoreError> {
    let row = tx
        .prepare_cached(
            "SELECT current_view, times_asked, times_said, times_skipped, since, last_at,
                    changed_from, changed_until, folded_rowid, latest_at, latest_session,
                    view_counts
             FROM preferences WHERE person_id = ?1 AND topic_id = ?2 AND card_id = ?3",
        )?
        .query_row(
            params![card.person_id, card.topic_id, card.card_id],
            |row| {
                Ok((
                    (
                        row.get::<_, String>(0)?,
                        row.get::<_, u32>(1)?,
                        row.get::<_, u32>(2)?,
                        row.get::<_, u32>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, Option<String>>(7)?,
                    ),
                    (
                        row.get::<_, Option<i64>>(8)?,
                        row.get::<_, Option<String>>(9)?,
                        row.get::<_, Option<String>>(10)?,
                        row.get::<_, Option<String>>(11)?,
                    ),
                ))
            },
        )
        .optional()?;
    let Some((view, (Some(folded), Some(latest_at), Some(latest_session), Some(counts)))) = row
    else {
        return Ok(None);
    };
    let (current_view, times_asked, times_said, times_skipped, since, last_at, from, until) = view;
    let Ok(views) = serde_json::from_str(&counts) else {
        return Ok(None);
    };
    let summary = PreferenceSummary {
        current_view,
        times_asked,
        times_said,
        times_skipped,
        since: parse_timestamp(&since)?,
        last_at: parse_timestamp(&last_at)?,
        changed_from: from,
        changed_until: until.as_deref().map(parse_timestamp).transpose()?,
    };
    let tally = Tally {
        views,
        latest: Some((parse_timestamp(&latest_at)?, latest_session)),
    };
    Ok(Some((summary, tally, folded)))
}

/// The card's answers from evidence rows after `rowid` (practice mats left
/// out), and the last such row (practice too), or `rowid` if none.
fn answers_after(
    tx: &Transaction,
    card: &CardOf,
    rowid: i64,
) -> Result<(Vec<Answer>, i64), StoreError> {
    let mut statement = tx.prepare_cached(
        "SELECT e.rowid, placed_at, view, kind, session_id,
                EXISTS (SELECT 1 FROM synced_sessions s INDEXED BY practice_sessions
                        WHERE s.session_id = e.session_id AND s.practice = 1)
         FROM evidence e INDEXED BY evidence_by_card
         WHERE person_id = ?1 AND topic_id = ?2 AND card_id = ?3 AND e.rowid > ?4",
    )?;
    let rows = statement.query_map(
        params![card.person_id, card.topic_id, card.card_id, rowid],
        |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, bool>(5)?,
            ))
        },
    )?;
    let mut answers = Vec::new();
    let mut last = rowid;
    for row in rows {
        let (row_id, at, view, kind, session, practice) = row?;
        last = last.max(row_id);
        if practice {
            continue;
        }
        let at = parse_timestamp(&at)?;
        let answer = if kind == "skipped" {
            Answer::skipped(at)
        } else {
            Answer::view(at, &view)
        };
        answers.push(answer.from_session(&session));
    }
    Ok((answers, last))
}

fn write_view(
    tx: &Transaction,
    card: &CardOf,
    summary: &PreferenceSummary,
    tally: &Tally,
    folded_rowid: i64,
) -> Result<(), StoreError> {
    let (latest_at, latest_session) =
        tally.latest.as_ref().map_or((None, None), |(at, session)| {
            (Some(timestamp(*at)), Some(session.as_str()))
        });
    let counts = serde_json::to_string(&tally.views).expect("a map of strings to numbers");
    tx.prepare_cached(
        "INSERT OR REPLACE INTO preferences
             (person_id, topic_id, topic_title, card_id, card_label, current_view, times_asked,
              times_said, times_skipped, since, last_at, changed_from, changed_until,
              folded_rowid, latest_at, latest_session, view_counts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        card.person_id,
        card.topic_id,
        card.topic_title,
        card.card_id,
        card.card_label,
        summary.current_view,
        summary.times_asked,
        summary.times_said,
        summary.times_skipped,
        timestamp(summary.since),
        timestamp(summary.last_at),
        summary.changed_from,
        summary.changed_until.map(timestamp),
        folded_rowid,
        latest_at,
        latest_session,
        counts,
    ])?;
    Ok(())
}
