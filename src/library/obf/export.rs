//! A set written out as an `.obz` package other AAC apps open: strict,
//! with string ids, a manifest, and every picture and sound inside.

use std::io::{Cursor, Write};

use serde::Serialize;

/// A topic as it is written out.
pub struct TopicOut<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub question: &'a str,
    pub scale: &'a str,
    pub cards: Vec<CardOut<'a>>,
}

pub struct CardOut<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub says: Option<&'a str>,
    /// The picture's file name's extension and bytes.
    pub picture: Option<(&'a str, Vec<u8>)>,
    /// The recording's file name's extension and bytes.
    pub clip: Option<(&'a str, Vec<u8>)>,
}

#[derive(Serialize)]
struct BoardOut {
    format: &'static str,
    id: String,
    locale: &'static str,
    name: String,
    ext_sayso_question: String,
    ext_sayso_scale: String,
    buttons: Vec<ButtonOut>,
    images: Vec<MediaOut>,
    sounds: Vec<MediaOut>,
    grid: GridOut,
}

#[derive(Serialize)]
struct ButtonOut {
    id: String,
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    vocalization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sound_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    load_board: Option<LoadBoardOut>,
}

#[derive(Serialize)]
struct LoadBoardOut {
    id: String,
    path: String,
}

#[derive(Serialize)]
struct MediaOut {
    id: String,
    path: String,
    content_type: &'static str,
}

#[derive(Serialize)]
struct GridOut {
    rows: usize,
    columns: usize,
    order: Vec<Vec<Option<String>>>,
}

#[derive(Serialize)]
struct ManifestOut {
    format: &'static str,
    root: String,
    paths: PathsOut,
}

#[derive(Serialize, Default)]
struct PathsOut {
    boards: std::collections::BTreeMap<String, String>,
    images: std::collections::BTreeMap<String, String>,
    sounds: std::collections::BTreeMap<String, String>,
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "wav" => "audio/wav",
        "mp3" => "audio/mpeg",
        "ogg" | "opus" => "audio/ogg",
        "flac" => "audio/flac",
        "m4a" => "audio/mp4",
        _ => "application/octet-stream",
    }
}

/// Buttons on a grid of about as many columns as rows.
fn grid(ids: &[String]) -> GridOut {
    let columns = (ids.len() as f64).sqrt().ceil().max(1.0) as usize;
    let rows = ids.len().div_ceil(columns).max(1);
    let mut order = vec![vec![None; columns]; rows];
    for (i, id) in ids.iter().enumerate() {
        order[i / columns][i % columns] = Some(id.clone());
    }
    GridOut {
        rows,
        columns,
        order,
    }
}

/// The package being written: its zip, and the paths its manifest lists.
struct PackageOut {
    zip: zip::ZipWriter<Cursor<Vec<u8>>>,
    options: zip::write::SimpleFileOptions,
    paths: PathsOut,
}

impl PackageOut {
    fn new() -> PackageOut {
        PackageOut {
            zip: zip::ZipWriter::new(Cursor::new(Vec::new())),
            options: zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated),
            paths: PathsOut::default(),
        }
    }

    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), std::io::Error> {
        self.zip.start_file(path, self.options)?;
        self.zip.write_all(bytes)?;
        Ok(())
    }

    /// A picture (`images`) or sound (`sounds`) of a button, named after it.
    fn add_media(
        &mut self,
        folder: &str,
        id: &str,
        (extension, bytes): &(&str, Vec<u8>),
    ) -> Result<MediaOut, std::io::Error> {
        let path = format!("{folder}/{id}.{extension}");
        self.add(&path, bytes)?;
        let listed = if folder == "images" {
            &mut self.paths.images
        } else {
            &mut self.paths.sounds
        };
        listed.insert(id.to_string(), path.clone());
        Ok(MediaOut {
            id: id.to_string(),
            path,
            content_type: content_type(extension),
        })
    }

    /// Writes a board; answers its path.
    fn add_board(&mut self, board: &BoardOut) -> Result<String, std::io::Error> {
        let path = format!("boards/{}.obf", board.id);
        self.add(&path, &serde_json::to_vec_pretty(board)?)?;
        self.paths.boards.insert(board.id.clone(), path.clone());
        Ok(path)
    }

    fn finish(self, root: String) -> Result<Vec<u8>, std::io::Error> {
        let PackageOut {
            mut zip,
            options,
            paths,
        } = self;
        let manifest = ManifestOut {
            format: "open-board-0.1",
            root,
            paths,
        };
        zip.start_file("manifest.json", options)?;
        zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
        Ok(zip.finish()?.into_inner())
    }
}

fn board(id: String, name: &str, question: &str, scale: &str, buttons: Vec<ButtonOut>) -> BoardOut {
    let ids: Vec<String> = buttons.iter().map(|b| b.id.clone()).collect();
    BoardOut {
        format: "open-board-0.1",
        id,
        locale: "en",
        name: name.to_string(),
        ext_sayso_question: question.to_string(),
        ext_sayso_scale: scale.to_string(),
        buttons,
        images: Vec::new(),
        sounds: Vec::new(),
        grid: grid(&ids),
    }
}

/// A topic's board, its cards' pictures and sounds written beside it.
fn topic_board(package: &mut PackageOut, topic: &TopicOut<'_>) -> Result<BoardOut, std::io::Error> {
    let mut buttons = Vec::new();
    let (mut images, mut sounds) = (Vec::new(), Vec::new());
    for card in &topic.cards {
        let button_id = format!("{}-{}", topic.id, card.id);
        let mut button = ButtonOut {
            id: button_id.clone(),
            label: card.label.to_string(),
            vocalization: card.says.map(str::to_string),
            image_id: None,
            sound_id: None,
            load_board: None,
        };
        if let Some(picture) = &card.picture {
            images.push(package.add_media("images", &button_id, picture)?);
            button.image_id = Some(button_id.clone());
        }
        if let Some(clip) = &card.clip {
            sounds.push(package.add_media("sounds", &button_id, clip)?);
            button.sound_id = Some(button_id.clone());
        }
        buttons.push(button);
    }
    let mut board = board(
        format!("topic-{}", topic.id),
        topic.title,
        topic.question,
        topic.scale,
        buttons,
    );
    board.images = images;
    board.sounds = sounds;
    Ok(board)
}

/// A set's topics as an `.obz` package: a board for each topic, and a first
/// board with a button leading to each.
pub fn export(set_title: &str, topics: &[TopicOut<'_>]) -> Result<Vec<u8>, std::io::Error> {
    let mut package = PackageOut::new();
    let mut root_buttons = Vec::new();
    for topic in topics {
        let board = topic_board(&mut package, topic)?;
        let path = package.add_board(&board)?;
        root_buttons.push(ButtonOut {
            id: format!("open-{}", topic.id),
            label: topic.title.to_string(),
            vocalization: None,
            image_id: None,
            sound_id: None,
            load_board: Some(LoadBoardOut { id: board.id, path }),
        });
    }
    let root = board("sayso-set".into(), set_title, "", "", root_buttons);
    let root_path = package.add_board(&root)?;
    package.finish(root_path)
}
