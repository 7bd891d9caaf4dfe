//! Boards from other AAC apps, in the Open Board Format (`.obf`: one board
//! as JSON; `.obz`: a zip of boards, pictures and sounds with a
//! `manifest.json`), made into topics; and a set written back out as an
//! `.obz` those apps open.
//!
//! Real boards differ from the specification in small ways (numbers for
//! ids, colours as `rgb(…)`, packages without a manifest), so reading is
//! lenient: anything unknown is passed over. Writing is strict: string
//! ids, a manifest, every picture and sound inside the package.
//!
//! Everything in a file is untrusted. A package is read entry by entry,
//! each entry and the whole cut off at fixed sizes whatever its header
//! claims (a zip bomb stops there); names are only looked up, never used as
//! paths on this machine; a board's links to other boards are not followed
//! (every board becomes one topic, once, so boards that link in a circle
//! cannot make the import go round); pictures and sounds are made anew by
//! sayso like a family's own photos and recordings.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use base64::Engine;
use serde::Deserialize;

use super::import::label_from;
use super::photo::{self, Framing};
use super::recording;
use crate::core::scale::PRESETS;
use crate::core::set_edit::{EditError, MAX_CARDS};
use crate::core::SetText;

/// A package's entries, a board's JSON, and everything read from a package.
pub const MAX_ENTRIES: usize = 2000;
pub const MAX_BOARD_BYTES: u64 = 8 * 1024 * 1024;
pub const MAX_ENTRY_BYTES: u64 = 40 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Topics one file may bring, and cards one board.
pub const MAX_BOARDS: usize = 40;
pub const MAX_BUTTONS: usize = 60;
/// A vector symbol, kept as it is.
const MAX_SVG_BYTES: usize = 512 * 1024;

/// Why a file was not taken, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObfError {
    #[error("This file is empty.")]
    Empty,
    #[error(
        "This is not a board file sayso can read: use an .obf or .obz file exported from \
         the AAC app ({0})."
    )]
    NotABoard(String),
    #[error(
        "This package unpacks to more than {} MB (or one file in it to more than {} MB): \
         it was not opened.",
        MAX_TOTAL_BYTES / 1024 / 1024,
        MAX_ENTRY_BYTES / 1024 / 1024
    )]
    TooBig,
    #[error("This package holds more than {MAX_ENTRIES} files: it was not opened.")]
    TooManyFiles,
    #[error(
        "This package has a file named {0:?}, which points outside the package: it was not opened."
    )]
    EscapingPath(String),
    #[error("This package is damaged: {0}")]
    Damaged(String),
    #[error("There are no boards with buttons in this file.")]
    NoBoards,
}

/// An id as boards write them: text, or a number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(from = "RawId")]
struct Id(String);

#[derive(Deserialize)]
#[serde(untagged)]
enum RawId {
    Text(String),
    Number(serde_json::Number),
    Other(serde_json::Value),
}

impl From<RawId> for Id {
    fn from(raw: RawId) -> Id {
        Id(match raw {
            RawId::Text(text) => text,
            RawId::Number(number) => number.to_string(),
            RawId::Other(other) => other.to_string(),
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Board {
    format: Option<String>,
    id: Id,
    name: Option<String>,
    buttons: Vec<Button>,
    images: Vec<Media>,
    sounds: Vec<Media>,
    grid: Option<Grid>,
    ext_sayso_question: Option<String>,
    ext_sayso_scale: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Button {
    id: Id,
    label: Option<String>,
    vocalization: Option<String>,
    image_id: Option<Id>,
    sound_id: Option<Id>,
    load_board: Option<serde_json::Value>,
    action: Option<String>,
    actions: Option<Vec<serde_json::Value>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Media {
    id: Id,
    data: Option<String>,
    path: Option<String>,
    url: Option<String>,
    content_type: Option<String>,
    symbol: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Grid {
    order: Vec<Vec<Option<Id>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Manifest {
    root: Option<String>,
    paths: ManifestPaths,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ManifestPaths {
    boards: HashMap<String, String>,
    images: HashMap<String, String>,
    sounds: HashMap<String, String>,
}

/// A board made into a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedTopic {
    pub title: String,
    /// The question, as a set exported by sayso keeps it.
    pub question: Option<String>,
    /// The scale, as a set exported by sayso keeps it.
    pub scale: Option<String>,
    pub cards: Vec<ImportedCard>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCard {
    pub label: String,
    pub says: Option<String>,
    /// The picture made for the kiosk, and its file extension.
    pub picture: Option<(Vec<u8>, &'static str)>,
    /// The sound, as a WAV the kiosk plays.
    pub clip: Option<Vec<u8>>,
}

/// What a file brought, with notes for whoever imported it (pictures left
/// out and why).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    pub topics: Vec<ImportedTopic>,
    pub notes: Vec<String>,
}

/// A package's entries, read on demand within the limits.
struct Package {
    archive: Option<zip::ZipArchive<Cursor<Vec<u8>>>>,
    /// Pictures and sounds by id, as the manifest lists them: some apps
    /// leave them out of the boards that use them.
    images: HashMap<String, String>,
    sounds: HashMap<String, String>,
    /// Entry names (as written) to their index.
    names: HashMap<String, usize>,
    read_so_far: u64,
}

impl Package {
    fn open(bytes: Vec<u8>) -> Result<Package, ObfError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ObfError::Damaged(e.to_string()))?;
        if archive.len() > MAX_ENTRIES {
            return Err(ObfError::TooManyFiles);
        }
        let mut names = HashMap::new();
        for index in 0..archive.len() {
            let name = archive
                .name_for_index(index)
                .ok_or_else(|| ObfError::Damaged("an entry has no name".into()))?
                .map_err(|e| ObfError::Damaged(e.to_string()))?
                .to_string();
            let escapes = name.starts_with('/')
                || name.starts_with('\\')
                || name.contains(':')
                || name.split(['/', '\\']).any(|part| part == "..");
            if escapes {
                return Err(ObfError::EscapingPath(name));
            }
            names.insert(name, index);
        }
        Ok(Package {
            archive: Some(archive),
            images: HashMap::new(),
            sounds: HashMap::new(),
            names,
            read_so_far: 0,
        })
    }

    /// An entry's bytes, however its header states its size: reading stops
    /// at the limits.
    fn read(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, ObfError> {
        let name = name.trim_start_matches("./");
        let Some(&index) = self.names.get(name) else {
            return Ok(None);
        };
        let archive = self.archive.as_mut().expect("opened");
        let entry = archive
            .by_index(index)
            .map_err(|e| ObfError::Damaged(e.to_string()))?;
        let allowed = limit.min(MAX_TOTAL_BYTES.saturating_sub(self.read_so_far));
        let mut bytes = Vec::new();
        entry
            .take(allowed + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ObfError::Damaged(e.to_string()))?;
        if bytes.len() as u64 > allowed {
            return Err(ObfError::TooBig);
        }
        self.read_so_far += bytes.len() as u64;
        Ok(Some(bytes))
    }

    fn board_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .names
            .keys()
            .filter(|n| n.to_ascii_lowercase().ends_with(".obf"))
            .cloned()
            .collect();
        names.sort();
        names
    }
}

fn parse_board(bytes: &[u8]) -> Result<Board, ObfError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    serde_json::from_str::<Board>(text).map_err(|e| ObfError::NotABoard(e.to_string()))
}

/// Reads an `.obf` or `.obz` file's bytes into topics.
pub fn import(bytes: Vec<u8>) -> Result<Imported, ObfError> {
    if bytes.is_empty() {
        return Err(ObfError::Empty);
    }
    let mut imported = Imported::default();
    if bytes.starts_with(b"PK") {
        let mut package = Package::open(bytes)?;
        let manifest: Manifest = match package.read("manifest.json", MAX_BOARD_BYTES)? {
            Some(manifest) => serde_json::from_slice(&manifest).unwrap_or_default(),
            None => Manifest::default(),
        };
        package.images = manifest.paths.images;
        package.sounds = manifest.paths.sounds;
        // The first board, then the boards it leads to, in the order of its
        // buttons, and theirs; then any other board in the package. Each
        // board once, however often it is named or linked.
        let mut rest: Vec<String> = manifest.paths.boards.into_values().collect();
        rest.sort();
        rest.extend(package.board_names());
        let mut queue: std::collections::VecDeque<String> = manifest.root.into_iter().collect();
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = queue.pop_front().or_else(|| {
            let next = rest.iter().position(|n| !seen.contains(normal(n)))?;
            Some(rest.remove(next))
        }) {
            let name = normal(&name).to_string();
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(json) = package.read(&name, MAX_BOARD_BYTES)? else {
                continue;
            };
            let board = match parse_board(&json) {
                Ok(board) => board,
                Err(_) => {
                    imported
                        .notes
                        .push(format!("{name} is not a board and was left out."));
                    continue;
                }
            };
            queue.extend(
                linked_boards(&board)
                    .into_iter()
                    .filter(|linked| !seen.contains(normal(linked))),
            );
            if let Some(topic) = board_topic(&board, Some(&mut package), &mut imported.notes)? {
                imported.topics.push(topic);
            }
            if imported.topics.len() >= MAX_BOARDS {
                imported
                    .notes
                    .push(format!("Only the first {MAX_BOARDS} boards were imported."));
                break;
            }
        }
    } else {
        if bytes.len() as u64 > MAX_BOARD_BYTES {
            return Err(ObfError::TooBig);
        }
        let board = parse_board(&bytes)?;
        if board.format.is_none() && board.buttons.is_empty() {
            return Err(ObfError::NotABoard("it has no buttons".into()));
        }
        if let Some(topic) = board_topic(&board, None, &mut imported.notes)? {
            imported.topics.push(topic);
        }
    }
    if imported.topics.is_empty() {
        return Err(ObfError::NoBoards);
    }
    Ok(imported)
}

/// A path in a package as its entries are named.
fn normal(path: &str) -> &str {
    path.trim_start_matches("./")
}

/// The boards a board's buttons lead to, in the order it shows them.
fn linked_boards(board: &Board) -> Vec<String> {
    in_order(board)
        .into_iter()
        .filter_map(|button| button.load_board.as_ref()?.get("path")?.as_str())
        .map(str::to_string)
        .collect()
}

/// Buttons in the order the board shows them: its grid, row by row; then
/// any the grid leaves out.
fn in_order(board: &Board) -> Vec<&Button> {
    let mut ordered = Vec::new();
    let mut placed = std::collections::HashSet::new();
    if let Some(grid) = &board.grid {
        for id in grid.order.iter().flatten().flatten() {
            if let Some(button) = board.buttons.iter().find(|b| b.id == *id) {
                if placed.insert(id.clone()) {
                    ordered.push(button);
                }
            }
        }
    }
    ordered.extend(board.buttons.iter().filter(|b| !placed.contains(&b.id)));
    ordered
}

/// Whether a button is for getting around the app (another board, clear,
/// home, back), not a thing to have a view about.
fn is_navigation(button: &Button) -> bool {
    button.load_board.is_some()
        || button.action.as_deref().is_some_and(|a| a.starts_with(':'))
        || button.actions.as_ref().is_some_and(|actions| {
            actions
                .iter()
                .any(|a| a.as_str().is_some_and(|a| a.starts_with(':')))
        })
}

fn board_topic(
    board: &Board,
    mut package: Option<&mut Package>,
    notes: &mut Vec<String>,
) -> Result<Option<ImportedTopic>, ObfError> {
    let title = board
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| label_from(&board.id.0));
    let mut cards = Vec::new();
    for button in in_order(board) {
        if is_navigation(button) {
            continue;
        }
        let Some(label) = button
            .label
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        else {
            continue;
        };
        if cards.len() >= MAX_BUTTONS {
            notes.push(format!(
                "{title}: only the first {MAX_BUTTONS} buttons were imported."
            ));
            break;
        }
        let label: String = label
            .chars()
            .filter(|c| !c.is_control())
            .take(120)
            .collect();
        let says = button
            .vocalization
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != label)
            .map(|v| v.chars().filter(|c| !c.is_control()).take(120).collect());
        let picture = match find_media(
            &board.images,
            button.image_id.as_ref(),
            package.as_deref(),
            true,
        ) {
            Some(image) => picture_of(&image, package.as_deref_mut(), &title, &label, notes)?,
            None => None,
        };
        let clip = match find_media(
            &board.sounds,
            button.sound_id.as_ref(),
            package.as_deref(),
            false,
        ) {
            Some(sound) => sound_of(&sound, package.as_deref_mut(), &title, &label, notes)?,
            None => None,
        };
        cards.push(ImportedCard {
            label,
            says,
            picture,
            clip,
        });
    }
    if cards.is_empty() {
        return Ok(None);
    }
    Ok(Some(ImportedTopic {
        title: title.chars().take(120).collect(),
        question: board.ext_sayso_question.clone(),
        scale: board.ext_sayso_scale.clone(),
        cards,
    }))
}

/// A button's picture or sound: on its board, or else by its id in the
/// package's manifest.
fn find_media(
    on_board: &[Media],
    id: Option<&Id>,
    package: Option<&Package>,
    picture: bool,
) -> Option<Media> {
    let id = id?;
    if let Some(media) = on_board.iter().find(|m| m.id == *id) {
        return Some(media.clone());
    }
    let listed = package.map(|p| if picture { &p.images } else { &p.sounds })?;
    Some(Media {
        id: id.clone(),
        path: Some(listed.get(&id.0)?.clone()),
        ..Media::default()
    })
}

/// The bytes a picture or sound holds: inline (`data:`), or a file in the
/// package; a web address is noted, never fetched (the kiosk is offline).
fn media_bytes(
    media: &Media,
    package: Option<&mut Package>,
    what: &str,
    title: &str,
    label: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, ObfError> {
    if let Some(data) = media.data.as_deref().filter(|d| d.starts_with("data:")) {
        let Some((_, encoded)) = data.split_once(";base64,") else {
            notes.push(format!(
                "{title}: the {what} of \"{label}\" could not be read."
            ));
            return Ok(None);
        };
        if encoded.len() as u64 > MAX_ENTRY_BYTES * 4 / 3 {
            return Err(ObfError::TooBig);
        }
        return Ok(base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok());
    }
    if let (Some(path), Some(package)) = (media.path.as_deref(), package) {
        if let Some(bytes) = package.read(path, MAX_ENTRY_BYTES)? {
            return Ok(Some(bytes));
        }
    }
    if media.url.is_some() || media.symbol.is_some() {
        notes.push(format!(
            "{title}: the {what} of \"{label}\" is on the web and was not fetched (the kiosk \
             works offline); add a photo of your own."
        ));
    }
    Ok(None)
}

fn picture_of(
    image: &Media,
    package: Option<&mut Package>,
    title: &str,
    label: &str,
    notes: &mut Vec<String>,
) -> Result<Option<(Vec<u8>, &'static str)>, ObfError> {
    let Some(bytes) = media_bytes(image, package, "picture", title, label, notes)? else {
        return Ok(None);
    };
    let svg = image
        .content_type
        .as_deref()
        .is_some_and(|t| t.contains("svg"))
        || bytes.windows(4).take(1024).any(|w| w == b"<svg");
    if svg {
        if bytes.len() <= MAX_SVG_BYTES && std::str::from_utf8(&bytes).is_ok() {
            // Kept as it came, so checked as the kiosk will draw it.
            if let Some(problem) = super::check::symbol_problem(&bytes) {
                notes.push(format!(
                    "{title}: the picture of \"{label}\" was left out: {problem}"
                ));
                return Ok(None);
            }
            return Ok(Some((bytes, "svg")));
        }
        notes.push(format!(
            "{title}: the picture of \"{label}\" is too large a symbol."
        ));
        return Ok(None);
    }
    match photo::prepare(&bytes, Framing::AsTaken) {
        Ok(photo) => Ok(Some((photo.bytes, photo.extension))),
        Err(e) => {
            notes.push(format!(
                "{title}: the picture of \"{label}\" was left out: {e}"
            ));
            Ok(None)
        }
    }
}

fn sound_of(
    sound: &Media,
    package: Option<&mut Package>,
    title: &str,
    label: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, ObfError> {
    let Some(bytes) = media_bytes(sound, package, "sound", title, label, notes)? else {
        return Ok(None);
    };
    let kind = sound
        .path
        .as_deref()
        .and_then(|p| p.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match recording::prepare(bytes, kind.as_deref()) {
        Ok(clip) => Ok(Some(clip.wav)),
        Err(e) => {
            notes.push(format!(
                "{title}: the sound of \"{label}\" was left out: {e}"
            ));
            Ok(None)
        }
    }
}

/// Adds boards imported from another AAC app to a set as topics; returns the new
/// files (pictures and clips) by the names the set now uses. Stops at
/// the set's limits, with the rest left out.
pub fn add_to_set(
    set: &mut SetText,
    imported: Vec<ImportedTopic>,
    file_name: impl Fn(&str, &str, &[u8], &str) -> String,
) -> Result<Vec<(String, Vec<u8>)>, EditError> {
    let mut files = Vec::new();
    for topic in imported {
        let scale = topic
            .scale
            .as_deref()
            .filter(|s| PRESETS.contains(s))
            .unwrap_or("like")
            .to_string();
        let question = topic.question.clone().unwrap_or_default();
        let topic_id = set.add_topic(&topic.title, &question, &scale)?;
        for card in topic.cards.into_iter().take(MAX_CARDS) {
            let card_id = set.add_card(
                &topic_id,
                &card.label,
                card.says.as_deref().unwrap_or(""),
                None,
            )?;
            let key = format!("{topic_id}-{card_id}");
            if let Some((bytes, extension)) = card.picture {
                let name = file_name("pictures", &key, &bytes, extension);
                set.set_card_picture(&topic_id, &card_id, Some(name.clone()))?;
                files.push((name, bytes));
            }
            if let Some(bytes) = card.clip {
                let name = file_name("clips", &key, &bytes, "wav");
                set.set_card_clip(&topic_id, &card_id, Some(name.clone()))?;
                files.push((name, bytes));
            }
        }
    }
    Ok(files)
}

mod export;
pub use export::{export, CardOut, TopicOut};

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A package of the named entries, each with its bytes.
    fn package(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn board(id: &str, buttons: &str) -> Vec<u8> {
        format!(
            r#"{{"format": "open-board-0.1", "id": "{id}", "name": "Board {id}", "buttons": [{buttons}]}}"#
        )
        .into_bytes()
    }

    #[test]
    fn a_file_that_is_not_a_board_is_refused_in_plain_words() {
        assert_eq!(import(Vec::new()), Err(ObfError::Empty));
        let text = import(b"Shopping list: milk, eggs".to_vec()).unwrap_err();
        assert!(matches!(text, ObfError::NotABoard(_)), "{text:?}");
        assert!(text.to_string().contains(".obf or .obz"));
        let no_buttons = import(br#"{"name": "not a board"}"#.to_vec()).unwrap_err();
        assert!(matches!(no_buttons, ObfError::NotABoard(_)));
        let damaged = import(b"PK\x03\x04 and then nothing".to_vec()).unwrap_err();
        assert!(matches!(damaged, ObfError::Damaged(_)), "{damaged:?}");
    }

    #[test]
    fn a_zip_bomb_is_cut_off_without_unpacking_it() {
        // A board whose file unpacks to far more than any board is, made of
        // zeros that compress to almost nothing.
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("boards/bomb.obf", options).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..(MAX_BOARD_BYTES / (1024 * 1024) + 4) {
            zip.write_all(&zeros).unwrap();
        }
        let bomb = zip.finish().unwrap().into_inner();
        assert!(bomb.len() < 100 * 1024, "{} bytes", bomb.len());
        assert_eq!(import(bomb), Err(ObfError::TooBig));
    }

    #[test]
    fn a_path_out_of_the_package_is_refused() {
        for name in [
            "../../home/sayso/.bashrc",
            "/etc/passwd",
            "boards/../../x.obf",
            "C:\\x.obf",
        ] {
            let bytes = package(&[(name, &board("x", r#"{"id": 1, "label": "x"}"#))]);
            assert_eq!(
                import(bytes),
                Err(ObfError::EscapingPath(name.to_string())),
                "{name}"
            );
        }
    }

    #[test]
    fn boards_that_link_in_a_circle_are_each_read_once() {
        let a = board(
            "a",
            r#"{"id": 1, "label": "tea"}, {"id": 2, "label": "to b", "load_board": {"path": "boards/b.obf"}}"#,
        );
        let b = board(
            "b",
            r#"{"id": 1, "label": "cake"}, {"id": 2, "label": "to a", "load_board": {"path": "boards/a.obf"}}"#,
        );
        let manifest = br#"{"format": "open-board-0.1", "root": "boards/a.obf",
            "paths": {"boards": {"a": "boards/a.obf", "b": "boards/b.obf", "again": "./boards/a.obf"}}}"#;
        let imported = import(package(&[
            ("manifest.json", manifest),
            ("boards/a.obf", &a),
            ("boards/b.obf", &b),
        ]))
        .unwrap();
        let titles: Vec<&str> = imported.topics.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["Board a", "Board b"]);
        assert_eq!(imported.topics[0].cards.len(), 1, "the link is not a card");
        assert_eq!(imported.topics[0].cards[0].label, "tea");
    }

    #[test]
    fn a_symbol_the_kiosk_could_not_draw_is_left_out_with_a_note() {
        // A blur worked out over a region millions of times the picture.
        let blurred = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><filter id="b" x="-100000" y="-100000" width="200000" height="200000" filterUnits="userSpaceOnUse"><feGaussianBlur stdDeviation="9"/></filter><rect width="100" height="100" fill="red" filter="url(#b)"/><rect width="100" height="100" fill="red" filter="url(#b)"/></svg>"#;
        let plain = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="blue"/></svg>"#;
        let board = r#"{"format": "open-board-0.1", "id": "1", "name": "Drinks",
                "buttons": [{"id": "a", "label": "tea", "image_id": "i1"},
                            {"id": "b", "label": "juice", "image_id": "i2"}],
                "images": [{"id": "i1", "path": "images/tea.svg", "content_type": "image/svg+xml"},
                           {"id": "i2", "path": "images/juice.svg", "content_type": "image/svg+xml"}]}"#;
        let obz = package(&[
            ("boards/1.obf", board.as_bytes()),
            ("images/tea.svg", blurred.as_bytes()),
            ("images/juice.svg", plain.as_bytes()),
        ]);
        let imported = import(obz).unwrap();
        let cards = &imported.topics[0].cards;
        assert!(cards[0].picture.is_none(), "the blur bomb is left out");
        assert!(cards[1].picture.is_some(), "the plain symbol is kept");
        assert!(
            imported
                .notes
                .iter()
                .any(|n| n.contains("\"tea\" was left out") && n.contains("too much drawing")),
            "{:?}",
            imported.notes
        );
    }

    #[test]
    fn a_set_written_out_reads_back_the_same() {
        let red = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 20, 20]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(red)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let topics = [TopicOut {
            id: "drinks",
            title: "Drinks",
            question: "What about drinks?",
            scale: "want",
            cards: vec![
                CardOut {
                    id: "tea",
                    label: "tea",
                    says: Some("a cup of tea"),
                    picture: Some(("png", png)),
                    clip: None,
                },
                CardOut {
                    id: "juice",
                    label: "juice",
                    says: None,
                    picture: None,
                    clip: None,
                },
            ],
        }];
        let obz = export("Sam's things", &topics).unwrap();
        let back = import(obz).unwrap();
        assert_eq!(
            back.topics.len(),
            1,
            "the first board only leads to the others"
        );
        let drinks = &back.topics[0];
        assert_eq!(drinks.title, "Drinks");
        assert_eq!(drinks.question.as_deref(), Some("What about drinks?"));
        assert_eq!(drinks.scale.as_deref(), Some("want"));
        let labels: Vec<&str> = drinks.cards.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["tea", "juice"]);
        assert_eq!(drinks.cards[0].says.as_deref(), Some("a cup of tea"));
        assert!(drinks.cards[0].picture.is_some());
    }
}
