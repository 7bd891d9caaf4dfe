//! Reading the journal back: a finished session whole, what a restart must restore, what is waiting to be told back to each person, and each session's placements and actions.

use super::*;

impl Journal {
    /// One finished session, or `None` if it does not exist or is not finished.
    pub fn finished_session(&self, id: &str) -> Result<Option<FinishedSession>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT s.device_id, s.person_id, p.name, s.set_id, s.topic_id, s.topic_title,
                        s.started_at, e.ended_at, s.supporter, s.supporter_helped, k.picture,
                        EXISTS (SELECT 1 FROM practice_mats m WHERE m.session_id = s.id)
                 FROM sessions s
                 JOIN people p ON p.id = s.person_id
                 JOIN session_ends e ON e.session_id = s.id AND e.outcome = 'finished'
                 LEFT JOIN kept_mats k ON k.session_id = s.id
                 WHERE s.id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        PersonRef {
                            id: row.get(1)?,
                            name: row.get(2)?,
                        },
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                        Company {
                            supporter: row.get(8)?,
                            helped: row.get(9)?,
                        },
                        row.get::<_, Option<String>>(10)?,
                        row.get::<_, bool>(11)?,
                    ))
                },
            )
            .optional()?;
        let Some((
            device_id,
            person,
            set_id,
            topic_id,
            topic_title,
            started_at,
            finished_at,
            company,
            mat_picture,
            practice,
        )) = head
        else {
            return Ok(None);
        };
        Ok(Some(FinishedSession {
            id: SessionId::new(id),
            device_id,
            person,
            set_id,
            topic_id: TopicId::new(topic_id),
            topic_title,
            started_at: parse_timestamp(&started_at)?,
            finished_at: parse_timestamp(&finished_at)?,
            company,
            mat_picture,
            practice,
            placements: self.placements(id)?,
            skips: self.card_actions("skips", "skipped_at", id)?,
            marks: self.card_actions("marks", "marked_at", id)?,
            undos: self.undos(id)?,
        }))
    }

    /// What the kiosk's flow takes up again after a restart: each person's
    /// most recent mat if it was never finished (with everything done on
    /// it), and the check-in windows already settled.
    /// Reads from the end of the journal, person by person, so a long one
    /// costs no more than a short one: check-ins only from the week before
    /// `now` (the flow looks no further back than yesterday).
    pub fn restored(&self, now: DateTime<Utc>) -> Result<Restored, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, person_id, topic_id, supporter, supporter_helped
             FROM (SELECT * FROM sessions INDEXED BY sessions_by_person
                   WHERE person_id = ?1 ORDER BY rowid DESC LIMIT 1) s
             WHERE NOT EXISTS (SELECT 1 FROM session_ends e WHERE e.session_id = s.id)",
        )?;
        let mut heads = Vec::new();
        for person in self.people()? {
            let head = statement
                .query_row([&person.id], |row| {
                    Ok((
                        row.get::<_, SessionId>(0)?,
                        row.get::<_, PersonId>(1)?,
                        row.get::<_, TopicId>(2)?,
                        Company {
                            supporter: row.get(3)?,
                            helped: row.get(4)?,
                        },
                    ))
                })
                .optional()?;
            heads.extend(head);
        }
        let mut left_mats = Vec::with_capacity(heads.len());
        for (session_id, person_id, topic_id, company) in heads {
            let session = FinishedSession {
                placements: self.placements(&session_id)?,
                skips: self.card_actions("skips", "skipped_at", &session_id)?,
                marks: self.card_actions("marks", "marked_at", &session_id)?,
                undos: self.undos(&session_id)?,
                ..FinishedSession::empty(session_id.clone())
            };
            left_mats.push(LeftMat {
                actions: session.actions(),
                session_id,
                person_id,
                topic_id,
                company,
            });
        }
        // Written in the order windows were settled, each at most a day or
        // two after it closed: from the end back to a week before now.
        let since = timestamp(now - chrono::Duration::days(7));
        let mut statement = self.conn.prepare(
            "SELECT person_id, check_in, window_closes FROM check_ins ORDER BY rowid DESC",
        )?;
        let mut rows = statement.query([])?;
        let mut settled_check_ins = HashSet::new();
        while let Some(row) = rows.next()? {
            let closes: String = row.get(2)?;
            if closes < since {
                break;
            }
            settled_check_ins.insert((row.get(0)?, row.get(1)?));
        }
        Ok(Restored {
            left_mats,
            settled_check_ins,
            told_back: self.pending_told_back()?,
        })
    }

    /// Keeps what the plan says staff did, to be told (once each).
    pub fn store_told_back(
        &self,
        told_back: &[ToldBack],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for item in told_back {
            self.conn.execute(
                "INSERT OR IGNORE INTO news (action_id, person_id, topic_id, card_id, card_label,
                                             said_view, words, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    item.action_id,
                    item.person_id,
                    item.topic_id,
                    item.card_id,
                    item.card_label,
                    item.said_view,
                    item.words,
                    timestamp(now)
                ],
            )?;
        }
        Ok(())
    }

    /// What was told back (and answered) on another kiosk of the home: not told here.
    pub fn settle_told_back(
        &self,
        action_ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for id in action_ids {
            self.conn.execute(
                "INSERT OR IGNORE INTO news_settled (action_id, settled_at) VALUES (?1, ?2)",
                params![id, timestamp(now)],
            )?;
        }
        Ok(())
    }

    /// What is not yet told back: neither settled elsewhere nor answered on a
    /// finished mat here.
    pub fn pending_told_back(&self) -> Result<Vec<ToldBack>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT n.action_id, n.person_id, n.topic_id, n.card_id, n.card_label, n.said_view,
                    n.words
             FROM news n
             WHERE NOT EXISTS (SELECT 1 FROM news_settled t WHERE t.action_id = n.action_id)
               AND NOT EXISTS (
                   SELECT 1 FROM sessions s JOIN session_ends e ON e.session_id = s.id
                   WHERE s.topic_id = ?1 AND s.person_id = n.person_id
                     AND (EXISTS (SELECT 1 FROM placements p WHERE p.session_id = s.id
                                  AND p.card_id = 'action-' || n.action_id)
                          OR EXISTS (SELECT 1 FROM skips k WHERE k.session_id = s.id
                                  AND k.card_id = 'action-' || n.action_id)))
             ORDER BY n.action_id",
        )?;
        let rows = statement.query_map([TOLD_BACK_TOPIC], told_back_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What staff did, as this kiosk was told it, by the plan's action id.
    pub fn told_back(&self, action_id: i64) -> Result<Option<ToldBack>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT action_id, person_id, topic_id, card_id, card_label, said_view, words
                 FROM news WHERE action_id = ?1",
                [action_id],
                told_back_from_row,
            )
            .optional()?)
    }

    pub fn placements(&self, session_id: &str) -> Result<Vec<PlacementRow>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT seq, card_id, card_label, point, point_label, placed_at, input_method, response_ms,
                    spot_offset, supporter_helped
             FROM placements WHERE session_id = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([session_id], |row| {
            Ok((
                row.get::<_, u32>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, i64>(7)?,
                row.get::<_, i8>(8)?,
                row.get::<_, bool>(9)?,
            ))
        })?;
        let mut placements = Vec::new();
        for row in rows {
            let (
                seq,
                card_id,
                card_label,
                point,
                point_label,
                placed_at,
                input_method,
                response_ms,
                offset,
                helped,
            ) = row?;
            placements.push(PlacementRow {
                seq,
                card_id: CardId::new(card_id),
                card_label,
                spot: Spot {
                    point: point as usize,
                    offset,
                },
                point_label,
                placed_at: parse_timestamp(&placed_at)?,
                input_method,
                response_ms,
                helped,
            });
        }
        Ok(placements)
    }

    /// Skips or marks: both are a card and a time.
    pub(super) fn card_actions(
        &self,
        table: &str,
        at_column: &str,
        session_id: &str,
    ) -> Result<Vec<CardActionRow>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT seq, card_id, card_label, {at_column} FROM {table}
             WHERE session_id = ?1 ORDER BY seq"
        ))?;
        let rows = statement.query_map([session_id], |row| {
            Ok((
                row.get::<_, u32>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        let mut actions = Vec::new();
        for row in rows {
            let (seq, card_id, card_label, at) = row?;
            actions.push(CardActionRow {
                seq,
                card_id: CardId::new(card_id),
                card_label,
                at: parse_timestamp(&at)?,
            });
        }
        Ok(actions)
    }

    pub(super) fn undos(&self, session_id: &str) -> Result<Vec<UndoRow>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT seq, undoes_seq FROM undos WHERE session_id = ?1 ORDER BY seq")?;
        let rows = statement.query_map([session_id], |row| {
            Ok(UndoRow {
                seq: row.get(0)?,
                undoes: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
