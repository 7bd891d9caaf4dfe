//! The SQLite plan as staff reach it ([`StaffPlan`]): what's new since
//! someone last looked, a person's views laid out like the mat, their mats
//! and actions, and staff's verdicts and notes (what they are worked out
//! from is `store::staff_reads`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

use super::db::StoreError;
use super::plan::Plan;
use super::ports::staff::{
    ActionRow, ActionStatus, DeviceHealth, Judgement, MatCard, MatRow, MergeCandidate, NewAction,
    PracticeChange, PreferenceRow, ProfileSection, Settlement, StaffPlan, StoredPicture,
    TopicViews, WhatsNew,
};
use super::staff_reads::{
    action_of_row, audit_switch, device_of_row, mat_of_row, scale_labels, standing_of, view_of_row,
};
use super::{parse_timestamp, timestamp};
use crate::core::{PersonId, PersonRef, Standing, Verdict, TOLD_BACK_TOPIC};

impl StaffPlan for Plan {
    fn check_integrity(&mut self) -> Result<(), StoreError> {
        Plan::check_integrity(self)
    }

    fn preferences(&self, person: Option<&str>) -> Result<Vec<PreferenceRow>, StoreError> {
        Plan::preferences(self, person)
    }

    fn merge_candidates(&self) -> Result<Vec<MergeCandidate>, StoreError> {
        Plan::merge_candidates(self)
    }

    fn merge_people(
        &mut self,
        from: &PersonId,
        into: &PersonId,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        Plan::merge_people(self, from, into, by_whom, at)
    }

    fn people(&self) -> Result<Vec<PersonRef>, StoreError> {
        Plan::people(self)
    }

    fn person(&self, id: &PersonId) -> Result<Option<PersonRef>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name FROM people WHERE id = ?1",
                [id.as_str()],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .map(|name| PersonRef {
                id: id.clone(),
                name,
            }))
    }

    fn whats_new(
        &self,
        since: Option<DateTime<Utc>>,
        today: NaiveDate,
    ) -> Result<Vec<WhatsNew>, StoreError> {
        let since_text = since.map_or_else(String::new, timestamp);
        let soon = (today + chrono::Days::new(7)).to_string();
        let today = today.to_string();
        let count = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Result<i64, StoreError> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row(args, |row| row.get(0))?)
        };
        let notes = self.notes_by_card(None)?;
        let mut whats_new = Vec::new();
        for person in Plan::people(self)? {
            let id = person.id.as_str();
            let unconfirmed = self.unconfirmed_views(id, &notes)?;
            let last_mat: Option<String> = self.conn.query_row(
                "SELECT max(finished_at) FROM synced_sessions WHERE person_id = ?1",
                [id],
                |row| row.get(0),
            )?;
            let missed_check_ins = self.missed_check_ins(id, &since_text)?;
            whats_new.push(WhatsNew {
                missed_check_ins,
                new_mats: count(
                    "SELECT count(*) FROM synced_sessions
                     WHERE person_id = ?1 AND outcome = 'finished' AND synced_at > ?2",
                    &[&id, &since_text],
                )?,
                changed_views: count(
                    "SELECT count(*) FROM preferences
                     WHERE person_id = ?1 AND changed_from IS NOT NULL AND since > ?2",
                    &[&id, &since_text],
                )?,
                tell_me_more: count(
                    // Through the index of marked cards only: the person's
                    // whole evidence is a year of rows.
                    "SELECT count(DISTINCT e.topic_id || '/' || e.card_id)
                     FROM evidence e INDEXED BY evidence_tell_me_more
                     WHERE e.person_id = ?1 AND e.tell_me_more = 1
                       AND NOT EXISTS (SELECT 1 FROM confirmations c
                           WHERE c.person_id = e.person_id AND c.topic_id = e.topic_id
                             AND c.card_id = e.card_id AND c.at >= e.placed_at)",
                    &[&id],
                )?,
                check_ins_missed: count(
                    "SELECT count(*) FROM check_ins
                     WHERE person_id = ?1 AND outcome = 'not-offered' AND window_closes > ?2",
                    &[&id, &since_text],
                )?,
                check_ins_declined: count(
                    "SELECT count(*) FROM check_ins
                     WHERE person_id = ?1 AND outcome = 'declined' AND window_closes > ?2",
                    &[&id, &since_text],
                )?,
                actions_due_soon: count(
                    "SELECT count(*) FROM actions
                     WHERE person_id = ?1 AND status = 'open' AND due >= ?2 AND due <= ?3",
                    &[&id, &today, &soon],
                )?,
                actions_overdue: count(
                    "SELECT count(*) FROM actions
                     WHERE person_id = ?1 AND status = 'open' AND due < ?2",
                    &[&id, &today],
                )?,
                unconfirmed,
                last_mat: last_mat.as_deref().map(parse_timestamp).transpose()?,
                photo: StaffPlan::photo(self, &person.id)?,
                person,
            });
        }
        Ok(whats_new)
    }

    fn devices(&self) -> Result<Vec<DeviceHealth>, StoreError> {
        // Kiosks that reported themselves, and any that only brought mats.
        let mut statement = self.conn.prepare(
            "SELECT d.device_id, max(d.last_sync, coalesce(m.synced, '')), coalesce(m.mats, 0),
                    d.problems, d.name
             FROM devices d LEFT JOIN (SELECT device_id, max(synced_at) AS synced,
                                             count(*) AS mats
                                      FROM synced_sessions GROUP BY device_id) m
               ON m.device_id = d.device_id
             UNION ALL
             SELECT device_id, max(synced_at), count(*), '', ''
             FROM synced_sessions
             WHERE device_id NOT IN (SELECT device_id FROM devices)
             GROUP BY device_id
             ORDER BY 1",
        )?;
        let mut rows = statement.query([])?;
        let mut devices = Vec::new();
        while let Some(row) = rows.next()? {
            devices.push(device_of_row(row)?);
        }
        Ok(devices)
    }

    fn name_device(
        &mut self,
        device_id: &str,
        name: &str,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        // A kiosk that only ever brought mats has no row of its own yet.
        let known: Option<(String, String)> = tx
            .query_row(
                "SELECT coalesce((SELECT name FROM devices WHERE device_id = ?1), ''),
                        coalesce((SELECT last_sync FROM devices WHERE device_id = ?1),
                                 (SELECT max(synced_at) FROM synced_sessions WHERE device_id = ?1))
                 WHERE EXISTS (SELECT 1 FROM devices WHERE device_id = ?1)
                    OR EXISTS (SELECT 1 FROM synced_sessions WHERE device_id = ?1)",
                params![device_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let Some((before, last_sync)) = known else {
            return Ok(false);
        };
        tx.execute(
            "INSERT INTO devices (device_id, last_sync, name) VALUES (?1, ?2, ?3)
             ON CONFLICT (device_id) DO UPDATE SET name = ?3",
            params![device_id, last_sync, name],
        )?;
        super::plan::audit_change(
            &tx,
            at,
            by_whom,
            &format!("kiosk {device_id} named"),
            Some(&before).filter(|b| !b.is_empty()).map(String::as_str),
            Some(name),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn views(&self, person: &PersonId) -> Result<Vec<TopicViews>, StoreError> {
        let id = person.as_str();
        let notes = self.notes_by_card(Some(person))?;
        let (points, mut history) = self.scales_and_history(id)?;
        let mut statement = self.conn.prepare(
            "SELECT f.topic_id, f.topic_title, f.card_id, f.card_label, f.current_view,
                    f.times_said, f.times_asked, f.since, f.last_at, f.changed_from,
                    f.changed_until,
                    EXISTS (SELECT 1 FROM evidence e WHERE e.person_id = f.person_id
                            AND e.topic_id = f.topic_id AND e.card_id = f.card_id
                            AND e.tell_me_more = 1)
             FROM preferences f WHERE f.person_id = ?1
             ORDER BY f.topic_title, f.topic_id, f.card_label",
        )?;
        let mut rows = statement.query([id])?;
        let mut topics: Vec<TopicViews> = Vec::new();
        // The pictures of the topic being read: (topic, card → picture).
        let mut pictures = (String::new(), HashMap::new());
        while let Some(row) = rows.next()? {
            let (topic_id, title, mut card) = view_of_row(row)?;
            if topics.last().is_none_or(|t| t.topic_id != topic_id) {
                let labels = scale_labels(points.get(&topic_id));
                topics.push(TopicViews {
                    topic_id: topic_id.clone(),
                    title,
                    points: labels,
                    cards: Vec::new(),
                });
            }
            if pictures.0 != topic_id {
                pictures = (topic_id.clone(), self.card_pictures(&topic_id)?);
            }
            let topic = topics.last_mut().expect("pushed above");
            card.notes = notes
                .get(&(id.to_string(), topic_id.clone(), card.card_id.clone()))
                .cloned()
                .unwrap_or_default();
            card.standing = standing_of(card.since, &card.notes);
            card.history = history
                .remove(&(topic_id, card.card_id.clone()))
                .unwrap_or_default();
            card.picture = pictures.1.get(&card.card_id).cloned();
            card.point = topic.points.iter().position(|p| *p == card.view);
            topic.cards.push(card);
        }
        // Unconfirmed views first within each topic.
        for topic in &mut topics {
            topic
                .cards
                .sort_by_key(|c| (c.standing != Standing::Unconfirmed, c.label.clone()));
        }
        Ok(topics)
    }

    fn mats(&self, person: &PersonId, limit: usize) -> Result<Vec<MatRow>, StoreError> {
        // Finished and declined mats, and mats left part-way, newest first.
        let mut statement = self.conn.prepare(
            // Each side sorted and cut on its own, through its index, so that
            // the counts are worked out for the mats shown only.
            "SELECT * FROM (
               SELECT s.session_id, s.topic_title, s.started_at, s.finished_at, s.outcome,
                      s.supporter, s.supporter_helped,
                      (SELECT count(*) FROM evidence e WHERE e.session_id = s.session_id
                          AND e.kind = 'placed'),
                      (SELECT count(*) FROM evidence e WHERE e.session_id = s.session_id
                          AND e.kind = 'skipped'),
                      (SELECT count(*) FROM evidence e WHERE e.session_id = s.session_id
                          AND e.tell_me_more = 1),
                      s.mat_picture_hash, s.practice,
                      (SELECT avg(response_ms) FROM evidence e WHERE e.session_id = s.session_id),
                      (SELECT max(response_ms) FROM evidence e WHERE e.session_id = s.session_id)
               FROM synced_sessions s WHERE s.person_id = ?1
               ORDER BY s.finished_at DESC LIMIT ?2)
             UNION ALL
             SELECT * FROM (
               SELECT p.session_id, p.topic_title, p.started_at, p.left_at, 'partial',
                      NULL, 0, p.cards_placed, 0, 0, NULL, 0, NULL, NULL
               FROM partial_mats p WHERE p.person_id = ?1
               ORDER BY p.left_at DESC LIMIT ?2)
             ORDER BY 4 DESC LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut rows = statement.query(params![person.as_str(), limit])?;
        let mut mats = Vec::new();
        while let Some(row) = rows.next()? {
            mats.push(mat_of_row(row)?);
        }
        Ok(mats)
    }

    fn actions(&self, person: &PersonId) -> Result<Vec<ActionRow>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.topic_id, a.card_id, a.what, a.who, a.due, a.status,
                    a.outcome_note, a.updated_at, a.tell_person,
                    CASE e.kind WHEN 'skipped' THEN 'skipped' ELSE e.view END, e.placed_at
             FROM actions a
             LEFT JOIN evidence e
               ON e.person_id = a.person_id AND e.topic_id = ?2
              AND e.card_id = 'action-' || a.id
             WHERE a.person_id = ?1
             ORDER BY a.status = 'open' DESC, a.due IS NULL, a.due, a.id",
        )?;
        let mut rows = statement.query(params![person.as_str(), TOLD_BACK_TOPIC])?;
        let mut actions = Vec::new();
        while let Some(row) = rows.next()? {
            actions.push(action_of_row(row)?);
        }
        Ok(actions)
    }

    fn mat_cards(&self, session: &str) -> Result<Vec<MatCard>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT card_id, card_label, kind, view FROM evidence
             WHERE session_id = ?1 ORDER BY placed_seq, card_id",
        )?;
        let rows = statement.query_map([session], |row| {
            let kind: String = row.get(2)?;
            Ok((
                row.get(0)?,
                row.get(1)?,
                (kind == "placed").then(|| row.get(3)).transpose()?,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn picture(&self, hash: &str) -> Result<Option<StoredPicture>, StoreError> {
        Plan::picture(self, hash)
    }

    fn photo(&self, person: &PersonId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT photo_hash FROM people WHERE id = ?1")?
            .query_row([person.as_str()], |row| row.get(0))
            .optional()?
            .flatten())
    }

    fn family_may_see(&self, person: &PersonId, hash: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM card_pictures c
                            JOIN preferences v ON v.topic_id = c.topic_id AND v.card_id = c.card_id
                            WHERE c.picture_hash = ?2 AND v.person_id = ?1)
                 OR EXISTS (SELECT 1 FROM people WHERE id = ?1 AND photo_hash = ?2)
                 OR EXISTS (SELECT 1 FROM synced_sessions s JOIN people p ON p.id = s.person_id
                            WHERE s.person_id = ?1 AND s.mat_picture_hash = ?2
                              AND p.views_shared = 1)",
            params![person.as_str(), hash],
            |row| row.get(0),
        )?)
    }

    fn views_shared(&self, person: &PersonId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT views_shared FROM people WHERE id = ?1",
                [person.as_str()],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(false))
    }

    fn share_views(
        &mut self,
        person: &PersonId,
        shared: bool,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE people SET views_shared = ?2 WHERE id = ?1 AND views_shared <> ?2",
            params![person.as_str(), shared],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        let about = format!("views of person {} with their family", person.as_str());
        audit_switch(
            &tx,
            (at, by_whom, "share views"),
            &about,
            ("not shared", "shared"),
            shared,
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn set_practice(
        &mut self,
        person: &PersonId,
        session: &str,
        practice: bool,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<PracticeChange, StoreError> {
        let tx = self.conn.transaction()?;
        let marked: Option<bool> = tx
            .query_row(
                "SELECT practice FROM synced_sessions
                 WHERE session_id = ?1 AND person_id = ?2 AND outcome = 'finished'",
                params![session, person.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        match marked {
            None => return Ok(PracticeChange::NoSuchMat),
            Some(already) if already == practice => return Ok(PracticeChange::AlreadySo),
            Some(_) => {}
        }
        tx.execute(
            "UPDATE synced_sessions SET practice = ?3 WHERE session_id = ?1 AND person_id = ?2",
            params![session, person.as_str(), practice],
        )?;
        // Every card of the mat has its view worked out again without it
        // (or with it, back).
        let cards: Vec<(String, String, String, String, String)> = {
            let mut statement = tx.prepare(
                "SELECT DISTINCT e.topic_id, s.topic_title, e.card_id, e.card_label, e.person_id
                 FROM evidence e JOIN synced_sessions s ON s.session_id = e.session_id
                 WHERE e.session_id = ?1",
            )?;
            let rows = statement.query_map([session], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        for (topic, title, card, label, person) in &cards {
            super::plan::recompute_preference(&tx, person, topic, title, card, label)?;
        }
        audit_switch(
            &tx,
            (at, by_whom, "practice"),
            &format!("mat {session}"),
            ("counted", "practice"),
            practice,
        )?;
        tx.commit()?;
        Ok(PracticeChange::Changed)
    }

    fn judge(
        &mut self,
        judgement: &Judgement,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Judgement {
            person,
            topic,
            card,
            verdict,
            body,
        } = judgement;
        let tx = self.conn.transaction()?;
        let view: Option<String> = tx
            .query_row(
                "SELECT current_view FROM preferences
                 WHERE person_id = ?1 AND topic_id = ?2 AND card_id = ?3",
                params![person.as_str(), topic, card],
                |row| row.get(0),
            )
            .optional()?;
        let Some(view) = view else {
            return Ok(false);
        };
        let before: Option<(String, String)> = tx
            .query_row(
                "SELECT kind, body FROM confirmations
                 WHERE person_id = ?1 AND topic_id = ?2 AND card_id = ?3
                   AND kind IN ('confirmed', 'disputed')
                 ORDER BY at DESC, id DESC LIMIT 1",
                params![person.as_str(), topic, card],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let kind = match verdict {
            Some(Verdict::Confirmed) => "confirmed",
            Some(Verdict::Disputed) => "disputed",
            None => "note",
        };
        tx.execute(
            "INSERT INTO confirmations (person_id, topic_id, card_id, kind, body, by_whom, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                person.as_str(),
                topic,
                card,
                kind,
                body,
                by_whom,
                timestamp(at)
            ],
        )?;
        let before = before.map(|(kind, body)| format!("{topic}/{card}: {kind} {body}"));
        let after = format!("{topic}/{card} ({view}): {kind} {body}");
        super::plan::audit_change(
            &tx,
            at,
            by_whom,
            kind,
            before.as_deref().map(str::trim_end),
            Some(after.trim_end()),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn add_action(
        &mut self,
        action: &NewAction,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        // What the person said about the card, as the action answers it.
        let about_view: Option<String> = match &action.card {
            Some((topic, card)) => tx
                .query_row(
                    "SELECT current_view FROM preferences
                     WHERE person_id = ?1 AND topic_id = ?2 AND card_id = ?3",
                    params![action.person.as_str(), topic, card],
                    |row| row.get(0),
                )
                .optional()?,
            None => None,
        };
        tx.execute(
            "INSERT INTO actions (person_id, topic_id, card_id, what, who, due, created_at,
                                  updated_at, about_view)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            params![
                action.person.as_str(),
                action.card.as_ref().map(|c| c.0.as_str()),
                action.card.as_ref().map(|c| c.1.as_str()),
                action.what,
                action.who,
                action.due.map(|d| d.to_string()),
                timestamp(at),
                about_view
            ],
        )?;
        let id = tx.last_insert_rowid();
        let due = action.due.map_or_else(String::new, |d| format!(" by {d}"));
        let after = format!("#{id}: {} ({}{due})", action.what, action.who);
        super::plan::audit_change(&tx, at, by_whom, "action added", None, Some(&after))?;
        tx.commit()?;
        Ok(id)
    }

    fn settle_action(
        &mut self,
        settlement: &Settlement,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Settlement {
            person,
            action: id,
            status,
            note,
            tell_person,
        } = settlement;
        let tx = self.conn.transaction()?;
        let before: Option<String> = tx
            .query_row(
                "SELECT status FROM actions WHERE id = ?1 AND person_id = ?2",
                params![id, person.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        let Some(before) = before else {
            return Ok(false);
        };
        let tell = (*status == ActionStatus::Done && !tell_person.trim().is_empty())
            .then(|| tell_person.trim());
        tx.execute(
            "UPDATE actions SET status = ?1, outcome_note = ?2, tell_person = ?3, updated_at = ?4
             WHERE id = ?5",
            params![status.as_str(), note, tell, timestamp(at), id],
        )?;
        let told = tell.map_or_else(String::new, |words| format!(" (to tell: {words})"));
        let after = format!("#{id}: {} {note}{told}", status.as_str());
        super::plan::audit_change(
            &tx,
            at,
            by_whom,
            "action status",
            Some(&format!("#{id}: {before}")),
            Some(after.trim_end()),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn profile(&self, person: &PersonId) -> Result<Vec<(ProfileSection, String)>, StoreError> {
        let written = Plan::profile(self, person.as_str())?;
        Ok(ProfileSection::ALL
            .into_iter()
            .map(|section| {
                let body = written
                    .iter()
                    .find(|(s, _)| *s == section)
                    .map(|(_, body)| body.clone())
                    .unwrap_or_default();
                (section, body)
            })
            .collect())
    }

    fn set_profile(
        &mut self,
        person: &PersonId,
        section: ProfileSection,
        body: &str,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let before: Option<String> = tx
            .query_row(
                "SELECT body FROM profile_sections WHERE person_id = ?1 AND section = ?2",
                params![person.as_str(), section.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        if before.as_deref().unwrap_or("") == body {
            return Ok(false);
        }
        tx.execute(
            "INSERT OR REPLACE INTO profile_sections (person_id, section, body, updated_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![person.as_str(), section.as_str(), body, by_whom, timestamp(at)],
        )?;
        let name = |text: &str| format!("{}: {text}", section.as_str());
        super::plan::audit_change(
            &tx,
            at,
            by_whom,
            "profile",
            before.as_deref().map(name).as_deref(),
            Some(&name(body)),
        )?;
        tx.commit()?;
        Ok(true)
    }
}
