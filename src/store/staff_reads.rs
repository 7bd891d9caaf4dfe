//! What the staff pages are worked out from, beside the queries
//! themselves: each card's verdicts and notes, where a view stands with
//! staff, each topic's scale and each card's answers over time, and the
//! check-ins a person missed; and each row of the views, mats, actions
//! and kiosks queries as the pages read it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::db::StoreError;
use super::parse_timestamp;
use super::plan::Plan;
use super::ports::staff::{
    ActionRow, ActionStatus, AnswerAt, CardView, DeviceHealth, MatRow, StaffNote,
};
use crate::core::{standing, MatOutcome, PersonId, Standing, Verdict};

/// A card of a person: (person, topic, card).
pub(super) type CardKey = (String, String, String);
/// Each topic's points as the evidence names them, by number.
pub(super) type Scales = BTreeMap<String, BTreeMap<i64, String>>;
/// Each card's answers over time, by (topic, card).
pub(super) type Histories = HashMap<(String, String), Vec<AnswerAt>>;

/// A topic's points as the evidence names them, indexed as on the scale: a
/// point nobody has used yet keeps its place (the plan knows its number,
/// not its word).
pub(super) fn scale_labels(named: Option<&BTreeMap<i64, String>>) -> Vec<String> {
    let Some(named) = named else {
        return Vec::new();
    };
    let last = named.keys().next_back().copied().unwrap_or(-1);
    (0..=last)
        .map(|i| {
            named
                .get(&i)
                .cloned()
                .unwrap_or_else(|| format!("point {}", i + 1))
        })
        .collect()
}

pub(super) fn verdict_of(kind: &str) -> Option<Verdict> {
    match kind {
        "confirmed" => Some(Verdict::Confirmed),
        "disputed" => Some(Verdict::Disputed),
        _ => None,
    }
}

impl Plan {
    /// One pass over the person's evidence, oldest first: each topic's
    /// scale as the evidence names it, and each card's counted answers over
    /// time.
    pub(super) fn scales_and_history(&self, id: &str) -> Result<(Scales, Histories), StoreError> {
        let mut points = Scales::new();
        let mut history = Histories::new();
        let mut statement = self.conn.prepare(
            // Looked up for each answer only if the person has any
            // practice mat at all (a year is tens of thousands of rows).
            "SELECT topic_id, card_id, placed_at, point, kind, view,
                    CASE WHEN ?2 THEN EXISTS (
                        SELECT 1 FROM synced_sessions s INDEXED BY practice_sessions
                        WHERE s.session_id = e.session_id AND s.practice = 1)
                    ELSE 0 END
             FROM evidence e WHERE person_id = ?1 ORDER BY placed_at",
        )?;
        let any_practice: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM synced_sessions INDEXED BY practice_sessions
                            WHERE practice = 1 AND person_id = ?1)",
            [id],
            |row| row.get(0),
        )?;
        let rows = statement.query_map(params![id, any_practice], |row| {
            Ok((
                (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, String>(4)? == "placed",
                row.get::<_, String>(5)?,
                row.get::<_, bool>(6)?,
            ))
        })?;
        for row in rows {
            let (card, at, point, placed, view, practice) = row?;
            if placed {
                points
                    .entry(card.0.clone())
                    .or_default()
                    .entry(point)
                    .or_insert(view);
            }
            // A practice mat still names the scale's points; its answers
            // are no part of the card's history.
            if practice {
                continue;
            }
            let point = placed.then(|| usize::try_from(point).ok()).flatten();
            history
                .entry(card)
                .or_default()
                .push((parse_timestamp(&at)?, point));
        }
        Ok((points, history))
    }

    /// How many of a person's views no staff member has confirmed since
    /// they began.
    pub(super) fn unconfirmed_views(
        &self,
        id: &str,
        notes: &HashMap<CardKey, Vec<StaffNote>>,
    ) -> Result<i64, StoreError> {
        let mut unconfirmed = 0;
        let mut statement = self.conn.prepare_cached(
            "SELECT topic_id, card_id, since FROM preferences WHERE person_id = ?1",
        )?;
        let rows = statement.query_map([id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (topic, card, view_since) = row?;
            let key = (id.to_string(), topic, card);
            let card_notes = notes.get(&key).map_or(&[][..], Vec::as_slice);
            if standing_of(parse_timestamp(&view_since)?, card_notes) == Standing::Unconfirmed {
                unconfirmed += 1;
            }
        }
        Ok(unconfirmed)
    }

    /// The person's check-ins not offered since `since_text`: each topic and
    /// when its window opened.
    pub(super) fn missed_check_ins(
        &self,
        id: &str,
        since_text: &str,
    ) -> Result<Vec<(String, DateTime<Utc>)>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT coalesce((SELECT s.topic_title FROM synced_sessions s
                              WHERE s.topic_id = c.topic_id
                              ORDER BY s.finished_at DESC LIMIT 1), c.topic_id),
                    c.window_opens
             FROM check_ins c
             WHERE c.person_id = ?1 AND c.outcome = 'not-offered' AND c.window_closes > ?2
             ORDER BY c.window_opens",
        )?;
        let rows = statement.query_map(params![id, since_text], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut missed = Vec::new();
        for row in rows {
            let (topic, opens) = row?;
            missed.push((topic, parse_timestamp(&opens)?));
        }
        Ok(missed)
    }

    /// Every verdict and note, by (person, topic, card), newest first.
    pub(super) fn notes_by_card(
        &self,
        person: Option<&PersonId>,
    ) -> Result<HashMap<CardKey, Vec<StaffNote>>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT person_id, topic_id, card_id, kind, body, by_whom, at FROM confirmations
             WHERE ?1 IS NULL OR person_id = ?1 ORDER BY at DESC, id DESC",
        )?;
        let rows = statement.query_map([person.map(PersonId::as_str)], |row| {
            Ok((
                (row.get(0)?, row.get(1)?, row.get(2)?),
                (
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                ),
            ))
        })?;
        let mut notes: HashMap<_, Vec<StaffNote>> = HashMap::new();
        for row in rows {
            let (key, (kind, body, by_whom, at)) = row?;
            notes.entry(key).or_default().push(StaffNote {
                kind,
                body,
                by_whom,
                at: parse_timestamp(&at)?,
            });
        }
        Ok(notes)
    }
}

/// Audits a change between two states of `about` (`states`: off, on),
/// now `on`: "about: off" became "about: on", or the other way.
pub(super) fn audit_switch(
    tx: &rusqlite::Transaction,
    (at, by_whom, action): (DateTime<Utc>, &str, &str),
    about: &str,
    (off, on): (&str, &str),
    now_on: bool,
) -> Result<(), StoreError> {
    let (before, after) = if now_on { (off, on) } else { (on, off) };
    super::plan::audit_change(
        tx,
        at,
        by_whom,
        action,
        Some(&format!("{about}: {before}")),
        Some(&format!("{about}: {after}")),
    )
}

pub(super) fn standing_of(since: DateTime<Utc>, notes: &[StaffNote]) -> Standing {
    let verdicts: Vec<_> = notes
        .iter()
        .filter_map(|n| verdict_of(&n.kind).map(|v| (n.at, v)))
        .collect();
    standing(since, &verdicts)
}

/// A row of the mats query: the mat, its counts, its picture and its
/// response times.
pub(super) fn mat_of_row(row: &rusqlite::Row) -> Result<MatRow, StoreError> {
    let mean_response_ms: Option<f64> = row.get(12)?;
    Ok(MatRow {
        session_id: row.get(0)?,
        topic_title: row.get(1)?,
        started_at: parse_timestamp(&row.get::<_, String>(2)?)?,
        finished_at: parse_timestamp(&row.get::<_, String>(3)?)?,
        outcome: MatOutcome::from_plan(&row.get::<_, String>(4)?),
        supporter: row.get(5)?,
        helped: row.get(6)?,
        cards_placed: row.get(7)?,
        cards_skipped: row.get(8)?,
        tell_me_more: row.get(9)?,
        picture: row.get(10)?,
        practice: row.get(11)?,
        mean_response_ms: mean_response_ms.map(|ms| ms.round() as i64),
        longest_response_ms: row.get(13)?,
    })
}

/// A row of the kiosks query: a kiosk, when it last synced, its mats and
/// what its staff line said.
pub(super) fn device_of_row(row: &rusqlite::Row) -> Result<DeviceHealth, StoreError> {
    let problems: String = row.get(3)?;
    Ok(DeviceHealth {
        device_id: row.get(0)?,
        name: row.get(4)?,
        last_sync: parse_timestamp(&row.get::<_, String>(1)?)?,
        mats: row.get(2)?,
        problems: problems
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// A row of the views query: the topic's id and title, and the card's
/// current view and how it came to be (its notes, standing, answers over
/// time, picture and point are the caller's to add).
pub(super) fn view_of_row(row: &rusqlite::Row) -> Result<(String, String, CardView), StoreError> {
    let changed_until: Option<String> = row.get(10)?;
    let card = CardView {
        card_id: row.get(2)?,
        label: row.get(3)?,
        point: None,
        view: row.get(4)?,
        times_said: row.get(5)?,
        times_asked: row.get(6)?,
        since: parse_timestamp(&row.get::<_, String>(7)?)?,
        last_at: parse_timestamp(&row.get::<_, String>(8)?)?,
        changed_from: row.get(9)?,
        changed_until: changed_until.as_deref().map(parse_timestamp).transpose()?,
        standing: Standing::Unconfirmed,
        tell_me_more: row.get(11)?,
        picture: None,
        notes: Vec::new(),
        history: Vec::new(),
    };
    Ok((row.get(0)?, row.get(1)?, card))
}

/// A row of the actions query: an action, and the person's answer when
/// they were told of it.
pub(super) fn action_of_row(row: &rusqlite::Row) -> Result<ActionRow, StoreError> {
    let topic: Option<String> = row.get(1)?;
    let card: Option<String> = row.get(2)?;
    let due: Option<String> = row.get(5)?;
    let answer: Option<String> = row.get(10)?;
    let answered_at: Option<String> = row.get(11)?;
    let told = match (answer, answered_at) {
        (Some(answer), Some(at)) => Some((answer, parse_timestamp(&at)?)),
        _ => None,
    };
    Ok(ActionRow {
        id: row.get(0)?,
        card: topic.zip(card),
        what: row.get(3)?,
        who: row.get(4)?,
        due: due.and_then(|d| d.parse().ok()),
        status: ActionStatus::parse(&row.get::<_, String>(6)?),
        outcome_note: row.get(7)?,
        tell_person: row.get(9)?,
        told,
        updated_at: parse_timestamp(&row.get::<_, String>(8)?)?,
    })
}
