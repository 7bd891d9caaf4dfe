//! The journal as an Open Board Logging file (`.obl`, `sayso export
//! obl`), the log format AAC apps and researchers' tools read: a session
//! for each finished mat, an event for each card placed (the card's label,
//! the point it was placed under, when, and whether a supporter placed it),
//! skipped, or taken back. People are named by their ids only.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::store::FinishedSession;

#[derive(Serialize)]
pub struct Log {
    format: &'static str,
    source: &'static str,
    locale: &'static str,
    sessions: Vec<Session>,
}

#[derive(Serialize)]
struct Session {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    user_id: String,
    started: String,
    ended: String,
    ext_sayso_topic: String,
    ext_sayso_set: String,
    ext_sayso_practice: bool,
    events: Vec<Event>,
}

#[derive(Serialize, Default)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    button_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    board_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spoken: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
    /// The scale point the card was placed under ("like").
    #[serde(skip_serializing_if = "Option::is_none")]
    ext_sayso_point: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ext_sayso_helped: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ext_sayso_input: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ext_sayso_response_ms: Option<i64>,
}

fn at(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The finished mats as one log, mats and events in the order they happened.
pub fn log(mats: &[FinishedSession]) -> Log {
    let mut sessions: Vec<Session> = mats
        .iter()
        .map(|mat| {
            let board = Some(format!("topic-{}", mat.topic_id.as_str()));
            let mut events: Vec<(u32, Event)> = Vec::new();
            for placed in &mat.placements {
                events.push((
                    placed.seq,
                    Event {
                        id: format!("{}-{}", mat.id.as_str(), placed.seq),
                        kind: "button",
                        timestamp: at(placed.placed_at),
                        label: Some(placed.card_label.clone()),
                        button_id: Some(placed.card_id.as_str().to_string()),
                        board_id: board.clone(),
                        spoken: Some(true),
                        ext_sayso_point: Some(placed.point_label.clone()),
                        ext_sayso_helped: Some(placed.helped),
                        ext_sayso_input: Some(placed.input_method.clone()),
                        ext_sayso_response_ms: Some(placed.response_ms),
                        ..Event::default()
                    },
                ));
            }
            for skipped in &mat.skips {
                events.push((
                    skipped.seq,
                    Event {
                        id: format!("{}-{}", mat.id.as_str(), skipped.seq),
                        kind: "action",
                        timestamp: at(skipped.at),
                        label: Some(skipped.card_label.clone()),
                        button_id: Some(skipped.card_id.as_str().to_string()),
                        board_id: board.clone(),
                        action: Some("ext_sayso_skip"),
                        ..Event::default()
                    },
                ));
            }
            for undo in &mat.undos {
                events.push((
                    undo.seq,
                    Event {
                        id: format!("{}-{}", mat.id.as_str(), undo.seq),
                        kind: "action",
                        // An undo's time is the next event's, or the end.
                        timestamp: at(mat.finished_at),
                        board_id: board.clone(),
                        action: Some(":backspace"),
                        ..Event::default()
                    },
                ));
            }
            events.sort_by_key(|(seq, _)| *seq);
            Session {
                id: mat.id.as_str().to_string(),
                kind: "log",
                user_id: format!("sayso:{}", mat.person.id.as_str()),
                started: at(mat.started_at),
                ended: at(mat.finished_at),
                ext_sayso_topic: mat.topic_id.as_str().to_string(),
                ext_sayso_set: mat.set_id.clone(),
                ext_sayso_practice: mat.practice,
                events: events.into_iter().map(|(_, e)| e).collect(),
            }
        })
        .collect();
    sessions.sort_by(|a, b| a.started.cmp(&b.started));
    Log {
        format: "open-board-log-0.1",
        source: "sayso",
        locale: "en",
        sessions,
    }
}
