//! What goes between the plan and the kiosks besides mats: "you said, we
//! did" (the actions staff marked done with words for the person go down to
//! every kiosk of the home at each sync; the person's answer comes back up
//! as a mat like any other), and each kiosk's health for What's new.

use rusqlite::params;

use super::db::StoreError;
use super::journal::told_back_from_row;
use super::plan::Plan;
use crate::core::{PersonId, ToldBack, TOLD_BACK_TOPIC};

impl Plan {
    /// Actions done with words for one of `people`, about a card, that no
    /// kiosk has told yet (no answer to them in the plan).
    pub(in crate::store) fn told_back_for(
        &self,
        people: &[PersonId],
    ) -> Result<Vec<ToldBack>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.person_id, a.topic_id, a.card_id,
                    coalesce((SELECT f.card_label FROM preferences f
                              WHERE f.person_id = a.person_id AND f.topic_id = a.topic_id
                                AND f.card_id = a.card_id), a.card_id),
                    coalesce(a.about_view, (SELECT f.current_view FROM preferences f
                              WHERE f.person_id = a.person_id AND f.topic_id = a.topic_id
                                AND f.card_id = a.card_id), ''),
                    a.tell_person
             FROM actions a
             WHERE a.person_id = ?1 AND a.status = 'done'
               AND a.topic_id IS NOT NULL AND a.card_id IS NOT NULL
               AND trim(coalesce(a.tell_person, '')) != ''
               AND NOT EXISTS (SELECT 1 FROM evidence e
                               WHERE e.person_id = a.person_id AND e.topic_id = ?2
                                 AND e.card_id = 'action-' || a.id)
             ORDER BY a.id",
        )?;
        let mut told_back = Vec::new();
        for person in people {
            let rows = statement.query_map(
                params![person.as_str(), TOLD_BACK_TOPIC],
                told_back_from_row,
            )?;
            for row in rows {
                told_back.push(row?);
            }
        }
        Ok(told_back)
    }

    /// Which of these actions a kiosk has told (the person's answer is in).
    pub(in crate::store) fn answered_told_back(
        &self,
        action_ids: &[i64],
    ) -> Result<Vec<i64>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT EXISTS (SELECT 1 FROM evidence WHERE topic_id = ?1 AND card_id = ?2)",
        )?;
        let mut answered = Vec::new();
        for id in action_ids {
            let told: bool = statement
                .query_row(params![TOLD_BACK_TOPIC, format!("action-{id}")], |row| {
                    row.get(0)
                })?;
            if told {
                answered.push(*id);
            }
        }
        Ok(answered)
    }
}

impl Plan {
    /// What a kiosk's staff line says, as of its sync at `at`.
    pub(in crate::store) fn report_device(
        &mut self,
        device_id: &str,
        problems: &[String],
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO devices (device_id, last_sync, problems) VALUES (?1, ?2, ?3)
             ON CONFLICT (device_id) DO UPDATE SET last_sync = ?2, problems = ?3",
            params![device_id, super::timestamp(at), problems.join("\n")],
        )?;
        Ok(())
    }
}
