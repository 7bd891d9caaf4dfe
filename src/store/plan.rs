//! The support plan database: people, their profile, their current views with
//! the evidence behind each, staff confirmations, actions and an audit log.
//! Other tools read it: the schema is versioned with `PRAGMA user_version` and
//! documented in `docs/support-plan.md`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::db::{self, IfMissing, JournalMode, StoreError};
use super::ports::staff::{MergeCandidate, PreferenceRow, ProfileSection};
use super::{parse_timestamp, timestamp};
use crate::core::preference::{add_later, Tally};
use crate::core::{current_view, Answer, CardId, PersonId, PersonRef, PreferenceSummary, TopicId};

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
    include_str!("migrations/plan/0011_kiosk_pairing.sql"),
    include_str!("migrations/plan/0012_clock_marks.sql"),
    include_str!("migrations/plan/0013_home_settings.sql"),
    include_str!("migrations/plan/0014_house_questions.sql"),
    include_str!("migrations/plan/0015_residents_who_leave.sql"),
];

/// The schema version this build writes.
pub const PLAN_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Plan {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// Whether this connection has run the integrity check yet.
    checked: bool,
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
    pub(super) fn set_busy_timeout(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<(), StoreError> {
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
