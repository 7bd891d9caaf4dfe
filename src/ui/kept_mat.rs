//! The kept mat: when a mat is finished, a picture of it is drawn with the
//! software renderer and kept in the data directory, linked from the journal
//! (and, by sync, from the support plan). It is the evidence of what the
//! person said on that day, like the photo of a paper mat.
//!
//! The kiosk's own window belongs to the window system, so the picture is
//! drawn by `sayso keep-mat SESSION`, a short process of its own started
//! when a mat is finished; a failure there never touches the kiosk.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use slint::{ComponentHandle, ModelRc, VecModel};

use super::pictures::Pictures;
use crate::core::PictureRef;
use crate::core::{replay, scale::join_naturally, Record};
use crate::library::LoadedSet;
use crate::store::journal::FinishedSession;
use crate::store::Journal;
use crate::{CardItem, KeptMat, PointItem};

/// Where kept mats go, inside the data directory.
pub const MATS_DIR: &str = "mats";

/// The picture's size: big enough to read every card when printed.
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 800;

/// Draws a finished session's mat, saves it as `mats/SESSION.png` in the
/// data directory and records it in the journal. Needs a platform with the
/// software renderer (the offscreen one, or the testing backend).
pub fn keep(
    data_dir: &Path,
    journal: &Journal,
    set: &LoadedSet,
    session_id: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<PathBuf> {
    let session = journal
        .finished_session(session_id)?
        .with_context(|| format!("no finished mat {session_id} in the journal"))?;
    let relative = format!("{MATS_DIR}/{session_id}.png");
    let path = data_dir.join(&relative);
    std::fs::create_dir_all(data_dir.join(MATS_DIR))?;
    // A "you said, we did" mat's topic is not in the set: it is made from
    // what staff did, as the journal keeps it.
    let told_back_topic = (session.topic_id == crate::core::TOLD_BACK_TOPIC)
        .then(|| told_action(&session))
        .flatten()
        .and_then(|action| journal.told_back(action).ok().flatten())
        .map(|told_back| told_back.as_topic(&set.set.topics, &crate::core::Phrases::default()));
    let view = draw(&session, set, told_back_topic.as_ref())?;
    let buffer = view.window().take_snapshot()?;
    super::screenshots::save_png(&buffer, &path)?;
    journal.record(&Record::MatKept {
        session_id: crate::core::SessionId::new(session_id),
        picture: relative,
        at: now,
    })?;
    Ok(path)
}

/// The action a "you said, we did" mat told, from its card's id.
fn told_action(session: &FinishedSession) -> Option<i64> {
    let card = session
        .placements
        .iter()
        .map(|p| p.card_id.as_str())
        .chain(session.skips.iter().map(|s| s.card_id.as_str()))
        .next()?;
    card.strip_prefix("action-")?.parse().ok()
}

fn draw(
    session: &FinishedSession,
    set: &LoadedSet,
    topic: Option<&crate::core::Topic>,
) -> anyhow::Result<KeptMat> {
    let view = KeptMat::new()?;
    let topic = topic.or_else(|| set.set.topic(&session.topic_id));
    let mat = replay(&session.actions());
    let mut pictures = Pictures::immediate();
    let label_of = |card_id: &str| label_of(session, card_id);
    let labels = scale_labels(session, topic);
    let points: Vec<PointItem> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let point = topic.map(|t| &t.scale.points[i]);
            let (r, g, b) = point.and_then(|p| p.rgb()).unwrap_or((0x55, 0x55, 0x55));
            let cards: Vec<CardItem> = mat
                .placements
                .iter()
                .filter(|p| p.point() == i)
                .map(|p| {
                    let card = topic.and_then(|t| t.cards.iter().find(|c| c.id == p.card_id));
                    // A blank card the person added is not in the set.
                    let something_else = p
                        .card_id
                        .starts_with(crate::core::SOMETHING_ELSE_ID)
                        .then_some(crate::core::session::SOMETHING_ELSE_PICTURE);
                    let picture = card
                        .and_then(|c| c.picture.as_deref())
                        .or(something_else)
                        .and_then(|p| pictures.get(set, &PictureRef::in_set(Some(p))));
                    let label = label_of(&p.card_id);
                    CardItem {
                        longest_word: super::longest_word(&label),
                        label: label.into(),
                        has_picture: picture.is_some(),
                        picture: picture.unwrap_or_default(),
                        marked: mat.marked.iter().any(|(c, _)| *c == p.card_id),
                        offset: f32::from(p.spot.offset) / 100.0,
                        ..CardItem::default()
                    }
                })
                .collect();
            PointItem {
                label: label.as_str().into(),
                symbol: point
                    .and_then(|p| pictures.get(set, &PictureRef::InSet(p.symbol.clone())))
                    .unwrap_or_default(),
                colour: slint::Color::from_rgb_u8(r, g, b),
                cards: ModelRc::new(VecModel::from(cards)),
                highlighted: false,
            }
        })
        .collect();

    let notes = notes_under(session, &mat);

    let local = session.finished_at.with_timezone(&chrono::Local);
    view.set_person_name(session.person.name.as_str().into());
    view.set_topic_title(session.topic_title.as_str().into());
    view.set_date(local.format("%A %-d %B %Y, %H:%M").to_string().into());
    view.set_points(ModelRc::new(VecModel::from(points)));
    view.set_notes(notes.into());
    view.window()
        .set_size(slint::PhysicalSize::new(WIDTH, HEIGHT));
    view.show()?;
    Ok(view)
}

/// A card's label as the journal has it, whether placed or skipped.
fn label_of(session: &FinishedSession, card_id: &str) -> String {
    session
        .placements
        .iter()
        .find(|p| p.card_id == card_id)
        .map(|p| p.card_label.clone())
        .or_else(|| {
            session
                .skips
                .iter()
                .find(|s| s.card_id == card_id)
                .map(|s| s.card_label.clone())
        })
        .unwrap_or_else(|| card_id.to_string())
}

/// The scale's labels as the set has it now, else as far as the journal
/// tells.
fn scale_labels(session: &FinishedSession, topic: Option<&crate::core::Topic>) -> Vec<String> {
    match topic {
        Some(topic) => topic.scale.points.iter().map(|p| p.label.clone()).collect(),
        None => {
            let mut labels: Vec<(usize, String)> = session
                .placements
                .iter()
                .map(|p| (p.spot.point, p.point_label.clone()))
                .collect();
            labels.sort();
            labels.dedup();
            labels.into_iter().map(|(_, label)| label).collect()
        }
    }
}

/// The words under the mat: what was skipped, marked "tell me more", and
/// who was there.
fn notes_under(session: &FinishedSession, mat: &crate::core::ReplayedMat) -> String {
    let mut notes = Vec::new();
    let skipped: Vec<String> = mat
        .skipped
        .iter()
        .map(|(c, _)| label_of(session, c))
        .collect();
    if !skipped.is_empty() {
        notes.push(format!("Skipped: {}.", join_naturally(&as_strs(&skipped))));
    }
    let marked: Vec<String> = mat
        .marked
        .iter()
        .map(|(c, _)| label_of(session, c))
        .collect();
    if !marked.is_empty() {
        notes.push(format!(
            "Tell me more: {}.",
            join_naturally(&as_strs(&marked))
        ));
    }
    notes.push(match &session.company.supporter {
        Some(name) if session.placements.iter().any(|p| p.helped) => {
            format!("With {name}, who helped place cards.")
        }
        Some(name) => format!("With {name}."),
        None => "On my own.".to_string(),
    });
    notes.join(" ")
}

fn as_strs(items: &[String]) -> Vec<&str> {
    items.iter().map(String::as_str).collect()
}
