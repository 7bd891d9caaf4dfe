//! The house's questions in the SQLite plan (`house_questions`, its cards
//! and people), read back with the residents' mats on each question's topic.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::db::StoreError;
use super::plan::{audit_change, Plan};
use super::ports::house::{
    CardPicture, Decision, HomeCardPicture, HouseAnswers, HouseError, HousePlan, HouseQuestion,
    HouseStep, NewDecision, QuestionListed, Resident,
};
use super::ActionStatus;
use super::{parse_timestamp, timestamp};
use crate::core::house_question::{
    topic_of, HouseAnswer, KioskCard, NewQuestion, Placed, QuestionCard, QuestionForKiosk,
};
use crate::core::{CardId, PersonId, SessionId, TOLD_BACK_TOPIC};

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
        // Once a resident has left, no kiosk asks them.
        let mut left = self
            .conn
            .prepare_cached("SELECT id FROM people WHERE left_home_at IS NOT NULL")?;
        let left = left
            .query_map([], |row| Ok(PersonId::new(row.get::<_, String>(0)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut questions = Vec::new();
        for id in ids {
            let Some(question) = self.house_question(&id)? else {
                continue;
            };
            let people: Vec<PersonId> = question
                .people
                .into_iter()
                .filter(|p| people.contains(p) && !left.contains(p))
                .collect();
            if people.is_empty() {
                continue;
            }
            let mut cards = Vec::new();
            for card in question.cards.into_iter().filter(|c| !c.removed) {
                let picture = match card.picture {
                    Some(hash) => self.house_picture_name(&hash)?,
                    None => None,
                };
                cards.push(KioskCard {
                    id: card.id,
                    label: card.label,
                    picture,
                });
            }
            questions.push(QuestionForKiosk {
                id: question.id,
                title: question.title,
                question: question.question,
                scale: question.scale,
                cards,
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
            let left: bool = tx
                .query_row(
                    "SELECT left_home_at IS NOT NULL FROM people WHERE id = ?1",
                    [person.as_str()],
                    |row| row.get(0),
                )
                .map_err(StoreError::from)?;
            if left {
                return Err(HouseError::LeftHome(person.to_string()));
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
            // Asked again, a card keeps the picture it had.
            tx.execute(
                "INSERT INTO house_question_cards (question_id, card_id, label, position, picture_hash)
                 VALUES (?1, ?2, ?3, ?4, (SELECT picture_hash FROM house_question_cards
                                          WHERE question_id = ?5 AND card_id = ?2))",
                params![
                    id,
                    card.id.as_str(),
                    card.label,
                    position as i64,
                    question.asks_again
                ],
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
            "SELECT card_id, label, removed_at IS NOT NULL, picture_hash FROM house_question_cards
             WHERE question_id = ?1 ORDER BY position",
        )?;
        let cards = cards
            .query_map([id], |row| {
                Ok(QuestionCard {
                    id: CardId::new(row.get::<_, String>(0)?),
                    label: row.get(1)?,
                    removed: row.get(2)?,
                    picture: row.get(3)?,
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
        self.read_residents()
    }

    fn take_card_off(
        &mut self,
        question: &str,
        card: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE house_question_cards SET removed_at = ?1
             WHERE question_id = ?2 AND card_id = ?3 AND removed_at IS NULL",
            params![timestamp(now), question, card],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        let after = format!("question {question}: card {card} taken off");
        audit_change(
            &tx,
            now,
            by_whom,
            "house question card taken off",
            None,
            Some(&after),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn home_card_pictures(&self) -> Result<Vec<HomeCardPicture>, StoreError> {
        self.list_home_card_pictures()
    }

    fn give_card_picture(
        &mut self,
        question: &str,
        card: &str,
        picture: CardPicture,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        self.keep_card_picture(question, card, picture, by_whom, now)
    }

    fn decide(
        &mut self,
        decision: &NewDecision,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, HouseError> {
        let (what, who) = (decision.what.trim(), decision.who.trim());
        let too_long = |text: &str| text.is_empty() || text.chars().count() > 200;
        if too_long(what) || too_long(who) {
            return Err(HouseError::DecisionWords);
        }
        let question = self
            .house_question(&decision.question)?
            .ok_or(HouseError::NoSuchQuestion)?;
        if !question.cards.iter().any(|c| c.id == decision.card) {
            return Err(HouseError::NoSuchCard);
        }
        let topic = topic_of(&question.id);
        let tx = self.conn.transaction().map_err(StoreError::from)?;
        let due = decision.due.map(|d| d.to_string());
        tx.execute(
            "INSERT INTO house_decisions
                 (question_id, card_id, what, who, due, made_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![
                question.id,
                decision.card.as_str(),
                what,
                who,
                due,
                by_whom,
                timestamp(now)
            ],
        )
        .map_err(StoreError::from)?;
        let id = tx.last_insert_rowid();
        // Each resident's newest answer, where it placed the card.
        let placed: Vec<(String, String)> = {
            let mut statement = tx
                .prepare(
                    "SELECT p.person_id, e.view FROM house_question_people p
                     JOIN evidence e ON e.session_id = (
                         SELECT s.session_id FROM synced_sessions s
                         WHERE s.person_id = p.person_id AND s.topic_id = ?1
                           AND s.outcome = 'finished' AND s.practice = 0
                         ORDER BY s.finished_at DESC, s.session_id DESC LIMIT 1)
                       AND e.card_id = ?3 AND e.kind = 'placed'
                     WHERE p.question_id = ?2 ORDER BY p.person_id",
                )
                .map_err(StoreError::from)?;
            let rows = statement
                .query_map(params![topic, question.id, decision.card.as_str()], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .map_err(StoreError::from)?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)?
        };
        for (person, view) in &placed {
            tx.execute(
                "INSERT INTO actions (person_id, topic_id, card_id, what, who, due, created_at,
                                      updated_at, about_view, house_decision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)",
                params![
                    person,
                    topic,
                    decision.card.as_str(),
                    what,
                    who,
                    due,
                    timestamp(now),
                    view,
                    id
                ],
            )
            .map_err(StoreError::from)?;
        }
        let after = format!(
            "decision #{id} on question {}: {} resident(s)",
            question.id,
            placed.len()
        );
        audit_change(&tx, now, by_whom, "house decision made", None, Some(&after))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(id)
    }

    fn settle_decision(
        &mut self,
        decision: i64,
        status: ActionStatus,
        note: &str,
        tell_residents: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let before: Option<String> = tx
            .query_row(
                "SELECT status FROM house_decisions WHERE id = ?1",
                [decision],
                |row| row.get(0),
            )
            .optional()?;
        let Some(before) = before else {
            return Ok(false);
        };
        let tell = (status == ActionStatus::Done && !tell_residents.trim().is_empty())
            .then(|| tell_residents.trim());
        tx.execute(
            "UPDATE house_decisions SET status = ?1, outcome_note = ?2, tell_residents = ?3,
                    updated_at = ?4 WHERE id = ?5",
            params![status.as_str(), note.trim(), tell, timestamp(now), decision],
        )?;
        tx.execute(
            "UPDATE actions SET status = ?1, outcome_note = ?2, tell_person = ?3, updated_at = ?4
             WHERE house_decision = ?5",
            params![status.as_str(), note.trim(), tell, timestamp(now), decision],
        )?;
        let after = format!("decision #{decision}: {}", status.as_str());
        audit_change(
            &tx,
            now,
            by_whom,
            "house decision status",
            Some(&format!("decision #{decision}: {before}")),
            Some(&after),
        )?;
        tx.commit()?;
        Ok(true)
    }

    fn decisions(&self, question: &str) -> Result<Vec<Decision>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT d.id, d.card_id, d.what, d.who, d.due, d.status, d.outcome_note,
                    d.tell_residents,
                    (SELECT COUNT(*) FROM actions a WHERE a.house_decision = d.id),
                    (SELECT COUNT(*) FROM actions a WHERE a.house_decision = d.id
                       AND EXISTS (SELECT 1 FROM evidence e WHERE e.person_id = a.person_id
                                     AND e.topic_id = ?2 AND e.card_id = 'action-' || a.id))
             FROM house_decisions d WHERE d.question_id = ?1 ORDER BY d.id",
        )?;
        let rows = statement.query_map(params![question, TOLD_BACK_TOPIC], |row| {
            Ok(Decision {
                id: row.get(0)?,
                card: CardId::new(row.get::<_, String>(1)?),
                what: row.get(2)?,
                who: row.get(3)?,
                due: row
                    .get::<_, Option<String>>(4)?
                    .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                status: ActionStatus::parse(&row.get::<_, String>(5)?),
                outcome_note: row.get(6)?,
                tell_residents: row.get(7)?,
                residents: usize::try_from(row.get::<_, i64>(8)?).unwrap_or(0),
                told: usize::try_from(row.get::<_, i64>(9)?).unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn record_leaving(
        &mut self,
        person: &PersonId,
        left: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        self.keep_leaving(person, left, by_whom, now)
    }

    fn house_steps(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HouseStep>, StoreError> {
        self.read_house_steps(from, to)
    }

    fn record_evidence_made(
        &mut self,
        period: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.keep_evidence_made(period, by_whom, now)
    }

    fn record_meeting_consent(
        &mut self,
        person: &PersonId,
        given: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError> {
        self.keep_meeting_consent(person, given, by_whom, now)
    }
}
