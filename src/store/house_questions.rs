//! The house's questions in the SQLite plan (`house_questions`, its cards
//! and people), read back with the residents' mats on each question's topic.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::db::StoreError;
use super::plan::{audit_change, Plan};
use super::ports::house::{
    HouseAnswers, HouseError, HousePlan, HouseQuestion, QuestionListed, Resident,
};
use super::{parse_timestamp, timestamp};
use crate::core::house_question::{
    topic_of, HouseAnswer, KioskCard, NewQuestion, Placed, QuestionCard, QuestionForKiosk,
};
use crate::core::{CardId, PersonId, PersonRef, SessionId};

impl Plan {
    pub(in crate::store) fn questions_for_kiosk(
        &self,
        people: &[PersonId],
        now: DateTime<Utc>,
    ) -> Result<Vec<QuestionForKiosk>, StoreError> {
        // A day after it closes, so that a kiosk records what became of it.
        let mut open = self.conn.prepare_cached(
            "SELECT id FROM house_questions WHERE closes_at > ?1 ORDER BY closes_at, id",
        )?;
        let ids = open
            .query_map([timestamp(now - chrono::Duration::days(1))], |row| {
                row.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut questions = Vec::new();
        for id in ids {
            let Some(question) = self.house_question(&id)? else {
                continue;
            };
            let people: Vec<PersonId> = question
                .people
                .into_iter()
                .filter(|p| people.contains(p))
                .collect();
            if people.is_empty() {
                continue;
            }
            questions.push(QuestionForKiosk {
                id: question.id,
                title: question.title,
                question: question.question,
                scale: question.scale,
                cards: question
                    .cards
                    .into_iter()
                    .filter(|c| !c.removed)
                    .map(|c| KioskCard {
                        id: c.id,
                        label: c.label,
                    })
                    .collect(),
                people,
                opens: question.opens,
                closes: question.closes,
            });
        }
        Ok(questions)
    }
}

/// A time-ordered id made from the time given, not the machine's clock.
fn new_question_id(now: DateTime<Utc>) -> String {
    let seconds = u64::try_from(now.timestamp()).unwrap_or(0);
    let stamp = uuid::Timestamp::from_unix(uuid::NoContext, seconds, now.timestamp_subsec_nanos());
    uuid::Uuid::new_v7(stamp).to_string()
}

impl HousePlan for Plan {
    fn make_house_question(
        &mut self,
        question: &NewQuestion,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<String, HouseError> {
        let cards = question.check(now)?;
        let id = new_question_id(now);
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        for person in &question.people {
            let known: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)",
                    [person.as_str()],
                    |row| row.get(0),
                )
                .map_err(StoreError::from)?;
            if !known {
                return Err(HouseError::NoSuchPerson(person.to_string()));
            }
        }
        if let Some(earlier) = &question.asks_again {
            let known: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM house_questions WHERE id = ?1)",
                    [earlier],
                    |row| row.get(0),
                )
                .map_err(StoreError::from)?;
            if !known {
                return Err(HouseError::NoSuchQuestion);
            }
        }
        tx.execute(
            "INSERT INTO house_questions
                 (id, title, question, scale, opens_at, closes_at, asks_again, made_by, made_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                question.title.trim(),
                question.question.trim(),
                question.scale,
                timestamp(question.opens),
                timestamp(question.closes),
                question.asks_again,
                by_whom,
                timestamp(now)
            ],
        )
        .map_err(StoreError::from)?;
        for (position, card) in cards.iter().enumerate() {
            tx.execute(
                "INSERT INTO house_question_cards (question_id, card_id, label, position)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, card.id.as_str(), card.label, position as i64],
            )
            .map_err(StoreError::from)?;
        }
        for person in &question.people {
            tx.execute(
                "INSERT OR IGNORE INTO house_question_people (question_id, person_id) VALUES (?1, ?2)",
                params![id, person.as_str()],
            )
            .map_err(StoreError::from)?;
        }
        // Ids only: the question's words are care data of a kind.
        let after = format!(
            "question {id}: {} card(s), {} resident(s)",
            cards.len(),
            question.people.len()
        );
        audit_change(&tx, now, by_whom, "house question made", None, Some(&after))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(id)
    }

    fn house_questions(&self) -> Result<Vec<QuestionListed>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT q.id, q.title, q.opens_at, q.closes_at,
                    (SELECT COUNT(*) FROM house_question_people p WHERE p.question_id = q.id),
                    (SELECT COUNT(DISTINCT s.person_id) FROM synced_sessions s
                     JOIN house_question_people p ON p.question_id = q.id AND p.person_id = s.person_id
                     WHERE s.topic_id = 'house-' || q.id AND s.outcome = 'finished' AND s.practice = 0)
             FROM house_questions q ORDER BY q.closes_at DESC, q.id DESC",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, i64>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (id, title, opens, closes, asked, answered) = row?;
            Ok(QuestionListed {
                id,
                title,
                opens: parse_timestamp(&opens)?,
                closes: parse_timestamp(&closes)?,
                asked: usize::try_from(asked).unwrap_or(0),
                answered: usize::try_from(answered).unwrap_or(0),
            })
        })
        .collect()
    }

    fn house_question(&self, id: &str) -> Result<Option<HouseQuestion>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT title, question, scale, opens_at, closes_at, asks_again, made_by, made_at
                 FROM house_questions WHERE id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        [row.get::<_, String>(3)?, row.get::<_, String>(4)?],
                        row.get::<_, Option<String>>(5)?,
                        row.get::<_, String>(6)?,
                        row.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((title, question, scale, [opens, closes], asks_again, made_by, made_at)) = row
        else {
            return Ok(None);
        };
        let mut cards = self.conn.prepare_cached(
            "SELECT card_id, label, removed_at IS NOT NULL FROM house_question_cards
             WHERE question_id = ?1 ORDER BY position",
        )?;
        let cards = cards
            .query_map([id], |row| {
                Ok(QuestionCard {
                    id: CardId::new(row.get::<_, String>(0)?),
                    label: row.get(1)?,
                    removed: row.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut people = self.conn.prepare_cached(
            "SELECT person_id FROM house_question_people WHERE question_id = ?1 ORDER BY person_id",
        )?;
        let people = people
            .query_map([id], |row| Ok(PersonId::new(row.get::<_, String>(0)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(HouseQuestion {
            id: id.to_string(),
            title,
            question,
            scale,
            cards,
            people,
            opens: parse_timestamp(&opens)?,
            closes: parse_timestamp(&closes)?,
            asks_again,
            made_by,
            made_at: parse_timestamp(&made_at)?,
        }))
    }

    fn house_answers(&self, id: &str) -> Result<HouseAnswers, StoreError> {
        let topic = topic_of(id);
        let mut statement = self.conn.prepare_cached(
            "SELECT s.session_id, s.person_id, s.finished_at, s.supporter_helped,
                    e.card_id, e.card_label, e.kind, e.point, e.tell_me_more
             FROM synced_sessions s
             JOIN house_question_people p ON p.question_id = ?2 AND p.person_id = s.person_id
             LEFT JOIN evidence e ON e.session_id = s.session_id
             WHERE s.topic_id = ?1 AND s.outcome = 'finished' AND s.practice = 0
             ORDER BY s.session_id, e.placed_seq",
        )?;
        let mut rows = statement.query(params![topic, id])?;
        let mut answers: Vec<HouseAnswer> = Vec::new();
        while let Some(row) = rows.next()? {
            let session: String = row.get(0)?;
            if answers.last().is_none_or(|a| a.session != session) {
                answers.push(HouseAnswer {
                    person: PersonId::new(row.get::<_, String>(1)?),
                    session: SessionId::new(session),
                    finished_at: parse_timestamp(&row.get::<_, String>(2)?)?,
                    helped: row.get(3)?,
                    placements: Vec::new(),
                });
            }
            let Some(card) = row.get::<_, Option<String>>(4)? else {
                continue;
            };
            let kind: String = row.get(6)?;
            let point: i64 = row.get(7)?;
            if let Some(answer) = answers.last_mut() {
                answer.placements.push(Placed {
                    card: CardId::new(card),
                    label: row.get(5)?,
                    point: (kind == "placed").then(|| usize::try_from(point).unwrap_or(0)),
                    tell_me_more: row.get(8)?,
                });
            }
        }
        let mut declined = self.conn.prepare_cached(
            "SELECT DISTINCT c.person_id FROM check_ins c
             JOIN house_question_people p ON p.question_id = ?2 AND p.person_id = c.person_id
             WHERE c.topic_id = ?1 AND c.outcome = 'declined' ORDER BY c.person_id",
        )?;
        let declined = declined
            .query_map(params![topic, id], |row| {
                Ok(PersonId::new(row.get::<_, String>(0)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(HouseAnswers { answers, declined })
    }

    fn residents(&self) -> Result<Vec<Resident>, StoreError> {
        let mut statement = self.conn.prepare(
            "SELECT id, name, named_at_meetings_by, named_at_meetings_at FROM people ORDER BY name",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                PersonRef {
                    id: row.get(0)?,
                    name: row.get(1)?,
                },
                row.get::<_, Option<String>>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (person, by, at) = row?;
            let named_at_meetings = match (by, at) {
                (Some(by), Some(at)) => Some((by, parse_timestamp(&at)?)),
                _ => None,
            };
            Ok(Resident {
                person,
                named_at_meetings,
            })
        })
        .collect()
    }

    fn record_meeting_consent(
        &mut self,
        person: &PersonId,
        given: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let (by, at) = if given {
            (Some(by_whom), Some(timestamp(now)))
        } else {
            (None, None)
        };
        let changed = tx
            .execute(
                "UPDATE people SET named_at_meetings_by = ?1, named_at_meetings_at = ?2 WHERE id = ?3",
                params![by, at, person.as_str()],
            )
            .map_err(StoreError::from)?;
        if changed == 0 {
            return Err(HouseError::NoSuchPerson(person.to_string()));
        }
        let what = if given {
            "consent to be named at meetings recorded"
        } else {
            "consent to be named at meetings withdrawn"
        };
        audit_change(
            &tx,
            now,
            by_whom,
            what,
            None,
            Some(&format!("person {person}")),
        )?;
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }
}
