//! Writing a record into the journal's tables.

use rusqlite::{params, Connection};

use crate::core::Record;
use crate::store::db::StoreError;
use crate::store::timestamp;

/// Writes one record into its table, in the transaction the caller holds.
pub(super) fn write_record(
    conn: &Connection,
    device_id: &str,
    record: &Record,
) -> Result<(), StoreError> {
    match record {
        Record::Placed { .. } | Record::Skipped { .. } | Record::Undone { .. } => {
            write_card_action(conn, record)
        }
        Record::Started { .. }
        | Record::Paused { .. }
        | Record::Resumed { .. }
        | Record::Finished { .. }
        | Record::MatKept { .. } => write_session_course(conn, device_id, record),
        Record::Marked { .. } | Record::CheckIn { .. } | Record::Ignored { .. } => {
            write_aside(conn, record)
        }
    }
}

/// The person's actions on cards: placing, skipping and undoing.
fn write_card_action(conn: &Connection, record: &Record) -> Result<(), StoreError> {
    match record {
        Record::Placed {
            session_id,
            seq,
            card_id,
            card_label,
            spot,
            point_label,
            at,
            via,
            response_ms,
            helped,
        } => {
            conn.execute(
                "INSERT INTO placements (session_id, seq, card_id, card_label, point, point_label,
                                         placed_at, input_method, response_ms, spot_offset,
                                         supporter_helped)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    session_id,
                    seq,
                    card_id,
                    card_label,
                    spot.point as i64,
                    point_label,
                    timestamp(*at),
                    via.as_str(),
                    response_ms,
                    spot.offset,
                    helped
                ],
            )?;
        }
        Record::Skipped {
            session_id,
            seq,
            card_id,
            card_label,
            at,
            via,
            response_ms,
        } => {
            conn.execute(
                "INSERT INTO skips (session_id, seq, card_id, card_label, skipped_at, input_method,
                                    response_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    session_id,
                    seq,
                    card_id,
                    card_label,
                    timestamp(*at),
                    via.as_str(),
                    response_ms
                ],
            )?;
        }
        Record::Undone {
            session_id,
            seq,
            undoes,
            at,
            via,
        } => {
            conn.execute(
                "INSERT INTO undos (session_id, seq, undoes_seq, undone_at, input_method)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![session_id, seq, undoes, timestamp(*at), via.as_str()],
            )?;
        }
        Record::Started { .. }
        | Record::Paused { .. }
        | Record::Resumed { .. }
        | Record::Finished { .. }
        | Record::MatKept { .. }
        | Record::Marked { .. }
        | Record::CheckIn { .. }
        | Record::Ignored { .. } => {
            unreachable!("written by write_record's other arms")
        }
    }
    Ok(())
}

/// A session starting, pausing, resuming, finishing and its picture kept.
fn write_session_course(
    conn: &Connection,
    device_id: &str,
    record: &Record,
) -> Result<(), StoreError> {
    match record {
        Record::Started {
            session_id,
            person_id,
            set_id,
            topic_id,
            topic_title,
            company,
            at,
        } => {
            conn.execute(
                "INSERT INTO sessions (id, device_id, person_id, set_id, topic_id, topic_title,
                                       started_at, supporter, supporter_helped)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    session_id,
                    device_id,
                    person_id,
                    set_id,
                    topic_id,
                    topic_title,
                    timestamp(*at),
                    company.supporter,
                    company.helped
                ],
            )?;
        }
        Record::Paused { session_id, at } => {
            conn.execute(
                "INSERT INTO pauses (session_id, paused_at) VALUES (?1, ?2)",
                params![session_id, timestamp(*at)],
            )?;
        }
        Record::Resumed { session_id, at } => {
            conn.execute(
                "INSERT INTO resumes (session_id, resumed_at) VALUES (?1, ?2)",
                params![session_id, timestamp(*at)],
            )?;
        }
        Record::Finished {
            session_id,
            at,
            via,
        } => {
            conn.execute(
                "INSERT INTO session_ends (session_id, outcome, ended_at, input_method)
                 VALUES (?1, 'finished', ?2, ?3)",
                params![session_id, timestamp(*at), via.as_str()],
            )?;
        }
        Record::MatKept {
            session_id,
            picture,
            at,
        } => {
            conn.execute(
                "INSERT OR IGNORE INTO kept_mats (session_id, picture, kept_at) VALUES (?1, ?2, ?3)",
                params![session_id, picture, timestamp(*at)],
            )?;
        }
        Record::Placed { .. }
        | Record::Skipped { .. }
        | Record::Undone { .. }
        | Record::Marked { .. }
        | Record::CheckIn { .. }
        | Record::Ignored { .. } => {
            unreachable!("written by write_record's other arms")
        }
    }
    Ok(())
}

/// What staff read beside the mat: a card marked "tell me more", a
/// check-in's outcome, and a press that was ignored.
fn write_aside(conn: &Connection, record: &Record) -> Result<(), StoreError> {
    match record {
        Record::Marked {
            session_id,
            seq,
            card_id,
            card_label,
            at,
            via,
        } => {
            conn.execute(
                "INSERT INTO marks (session_id, seq, card_id, card_label, marked_at, input_method)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    session_id,
                    seq,
                    card_id,
                    card_label,
                    timestamp(*at),
                    via.as_str()
                ],
            )?;
        }
        Record::CheckIn {
            person_id,
            key,
            topic_id,
            opens,
            closes,
            outcome,
            session_id,
            at,
        } => {
            // Once per window: the first outcome known stands.
            conn.execute(
                "INSERT OR IGNORE INTO check_ins (person_id, check_in, topic_id, window_opens,
                                                  window_closes, outcome, session_id, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    person_id,
                    key,
                    topic_id,
                    timestamp(*opens),
                    timestamp(*closes),
                    outcome.as_str(),
                    session_id,
                    timestamp(*at)
                ],
            )?;
        }
        Record::Ignored {
            session_id,
            at,
            via,
            would_have,
        } => {
            conn.execute(
                "INSERT INTO ignored_presses (session_id, pressed_at, input_method, would_have)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    session_id,
                    timestamp(*at),
                    via.as_str(),
                    would_have.as_str()
                ],
            )?;
        }
        Record::Placed { .. }
        | Record::Skipped { .. }
        | Record::Undone { .. }
        | Record::Started { .. }
        | Record::Paused { .. }
        | Record::Resumed { .. }
        | Record::Finished { .. }
        | Record::MatKept { .. } => {
            unreachable!("written by write_record's other arms")
        }
    }
    Ok(())
}
