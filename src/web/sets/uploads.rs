//! Uploads: photos made into cards, boards from other AAC apps, a card's
//! or topic's picture and a card's recording, each read field by field
//! within its limits and made anew by sayso.

use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::library::import::label_from;
use crate::library::photo::{self, Framing, MAX_PHOTO_BYTES};
use crate::library::recording::{self, MAX_RECORDING_BYTES};
use crate::web::auth::{check_same_site, SignedIn};
use crate::web::heavy::MAX_PHOTOS_AT_ONCE;
use crate::web::{AppState, WebError};

use super::editing::*;

/// An upload of photos, whole: beyond it the request is cut off unread.
pub(super) const MAX_PHOTO_UPLOAD_BYTES: usize = 200 * 1024 * 1024;
/// A board file from another AAC app, as sent.
pub(super) const MAX_BOARDS_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;
/// Text fields of a form sent with files.
pub(super) const MAX_FIELD_BYTES: usize = 4 * 1024;
// --- Uploads --------------------------------------------------------------

/// A file as it arrived: the name the browser gave it (only ever a label),
/// its type, and its bytes.
pub(in crate::web) struct Upload {
    file_name: String,
    content_type: String,
    bytes: Vec<u8>,
}

impl Upload {
    pub(in crate::web) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// A form's text fields by name.
pub(in crate::web) type FormTexts = std::collections::HashMap<String, String>;

/// A form sent with files, read field by field as it arrives: texts up to
/// [`MAX_FIELD_BYTES`], each file up to `max_file` bytes (refused as soon as
/// it passes that, without reading the rest), at most `max_files` files.
/// Each file is handed over on its own, so only one is held at a time.
pub(super) struct UploadForm {
    multipart: Multipart,
    /// The session's form token: it comes before the files (it is the
    /// form's first field), so nothing is worked on for a forged form.
    token: String,
    file_field: &'static str,
    max_file: u64,
    max_files: usize,
    too_big: fn(u64) -> String,
    files: usize,
    texts: FormTexts,
}

pub(super) fn cut_off(_: axum::extract::multipart::MultipartError) -> WebError {
    WebError::BadInput(
        "The upload did not arrive whole (it may be too large, or the connection dropped).".into(),
    )
}

impl UploadForm {
    fn new(
        signed_in: &SignedIn,
        multipart: Multipart,
        file_field: &'static str,
        max_file: u64,
        max_files: usize,
        too_big: fn(u64) -> String,
    ) -> UploadForm {
        UploadForm {
            multipart,
            token: signed_in.session.csrf_token.clone(),
            file_field,
            max_file,
            max_files,
            too_big,
            files: 0,
            texts: std::collections::HashMap::new(),
        }
    }

    /// The next file of the form, once it has arrived; the texts before it
    /// are kept in `texts`.
    async fn next_file(&mut self) -> Result<Option<Upload>, WebError> {
        while let Some(mut field) = self.multipart.next_field().await.map_err(cut_off)? {
            let name = field.name().unwrap_or_default().to_string();
            if name != self.file_field {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(cut_off)? {
                    if text.len() + chunk.len() > MAX_FIELD_BYTES {
                        return Err(WebError::BadInput(
                            "A field of the form is too long.".into(),
                        ));
                    }
                    text.extend_from_slice(&chunk);
                }
                self.texts
                    .insert(name, String::from_utf8_lossy(&text).into_owned());
                continue;
            }
            let sent = self.texts.get("csrf").map_or("", String::as_str);
            if !crate::web::auth::same_token(&self.token, sent) {
                return Err(WebError::Forgery);
            }
            let file_name = field.file_name().unwrap_or_default().to_string();
            let content_type = field.content_type().unwrap_or_default().to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(cut_off)? {
                let size = (bytes.len() + chunk.len()) as u64;
                if size > self.max_file {
                    return Err(WebError::BadInput((self.too_big)(size)));
                }
                bytes.extend_from_slice(&chunk);
            }
            // A file input left empty still sends a part, with no name.
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            self.files += 1;
            if self.files > self.max_files {
                return Err(WebError::BadInput(format!(
                    "That is more than {} files at once. Send them in smaller groups.",
                    self.max_files
                )));
            }
            return Ok(Some(Upload {
                file_name,
                content_type,
                bytes,
            }));
        }
        Ok(None)
    }

    /// The rest of the form, once every file is taken; checks its token.
    async fn finish(mut self, signed_in: &SignedIn) -> Result<FormTexts, WebError> {
        while self.next_file().await?.is_some() {}
        signed_in.check_form(self.texts.get("csrf").map_or("", String::as_str))?;
        Ok(self.texts)
    }
}

/// A form with one file (a photo, a recording, a board file): the file,
/// refused with `missing` if none was sent, and the form's texts.
pub(super) async fn one_file(
    signed_in: &SignedIn,
    multipart: Multipart,
    field: &'static str,
    max_file: u64,
    too_big: fn(u64) -> String,
    missing: &str,
) -> Result<(Upload, FormTexts), WebError> {
    let mut form = UploadForm::new(signed_in, multipart, field, max_file, 1, too_big);
    let sent = form.next_file().await?;
    let texts = form.finish(signed_in).await?;
    let upload = sent.ok_or_else(|| WebError::BadInput(missing.to_string()))?;
    Ok((upload, texts))
}

/// A form with one photo (field `photo`), and the form's texts.
pub(in crate::web) async fn one_photo(
    signed_in: &SignedIn,
    multipart: Multipart,
) -> Result<(Upload, FormTexts), WebError> {
    one_file(
        signed_in,
        multipart,
        "photo",
        MAX_PHOTO_BYTES,
        photo_too_big,
        "Choose a photo first.",
    )
    .await
}

/// A card's label from the name a phone gave a file (never used as a path).
pub(super) fn label_of_file(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    label_from(stem)
}

pub(super) fn photo_too_big(bytes: u64) -> String {
    photo::PhotoError::TooLarge {
        megabytes: bytes.div_ceil(1024 * 1024),
    }
    .to_string()
}

/// Makes a card's photo off the async threads (decoding takes a while).
pub(in crate::web) async fn prepare_photo(
    bytes: Vec<u8>,
    framing: Framing,
) -> Result<photo::CardPhoto, WebError> {
    tokio::task::spawn_blocking(move || photo::prepare(&bytes, framing))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| WebError::BadInput(e.to_string()))
}

/// Adds a card, or one card for each photo sent (labelled from the photo's
/// name when several are sent at once).
pub(super) async fn add_cards(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    // The set is checked before any photo is worked on.
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    let mut photos: Vec<(String, photo::CardPhoto)> = Vec::new();
    let mut form = UploadForm::new(
        &signed_in,
        multipart,
        "photos",
        MAX_PHOTO_BYTES,
        MAX_PHOTOS_AT_ONCE,
        photo_too_big,
    );
    while let Some(upload) = form.next_file().await? {
        // The square crop, if asked for, is made afterwards from the
        // upright photo: the form's fields may come after its files.
        let prepared = prepare_photo(upload.bytes, Framing::AsTaken)
            .await
            .map_err(|e| named(e, &upload.file_name))?;
        photos.push((label_of_file(&upload.file_name), prepared));
    }
    let texts = form.finish(&signed_in).await?;
    let label = texts.get("label").cloned().unwrap_or_default();
    let says = texts.get("says").cloned().unwrap_or_default();
    let square = texts.get("square").is_some_and(|v| v == "yes");
    let mut ready = Vec::new();
    for (file_label, photo) in photos {
        let photo = if square {
            prepare_photo(photo.bytes, Framing::Square).await?
        } else {
            photo
        };
        ready.push((file_label, photo));
    }
    let topic_id = topic.clone();
    let one = ready.len() <= 1;
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let mut files = Vec::new();
            if ready.is_empty() {
                set.add_card(&topic_id, &label, &says, None)?;
            }
            for (file_label, photo) in ready {
                let card_label = if one && !label.trim().is_empty() {
                    label.clone()
                } else {
                    file_label
                };
                let card =
                    set.add_card(&topic_id, &card_label, if one { &says } else { "" }, None)?;
                let name = file_name("pictures", &card, &photo.bytes, photo.extension);
                set.set_card_picture(&topic_id, &card, Some(name.clone()))?;
                files.push((name, photo.bytes));
            }
            Ok(files)
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &crate::web::html::topic_anchor(&topic),
    ))
}

/// Adds the boards of an `.obf` or `.obz` file (from Cboard, CoughDrop,
/// AsTeRICS Grid…) to the set as topics.
pub(super) async fn import_boards(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(set_id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    fn too_big(bytes: u64) -> String {
        format!(
            "This file is too large ({} MB). Board files up to {} MB can be used.",
            bytes.div_ceil(1024 * 1024),
            MAX_BOARDS_UPLOAD_BYTES / 1024 / 1024
        )
    }
    let (upload, _) = one_file(
        &signed_in,
        multipart,
        "boards",
        MAX_BOARDS_UPLOAD_BYTES,
        too_big,
        "Choose a board file first.",
    )
    .await?;
    let bytes = upload.bytes;
    let imported = tokio::task::spawn_blocking(move || crate::library::obf::import(bytes))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| WebError::BadInput(e.to_string()))?;
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| crate::library::obf::add_to_set(set, imported.topics, file_name)),
    )
    .await?;
    Ok(back_to(&set_id, version, "topics"))
}

/// Says which photo a problem is about, when several were sent.
pub(super) fn named(error: WebError, file_name: &str) -> WebError {
    match error {
        WebError::BadInput(message) if !file_name.is_empty() => {
            WebError::BadInput(format!("{}: {message}", label_of_file(file_name)))
        }
        other => other,
    }
}

pub(super) async fn card_picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic, card)): Path<(String, String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    let (upload, texts) = one_photo(&signed_in, multipart).await?;
    let bytes = upload.bytes;
    let framing = if texts.get("square").is_some_and(|v| v == "yes") {
        Framing::Square
    } else {
        Framing::AsTaken
    };
    let photo = prepare_photo(bytes, framing).await?;
    let (topic_id, card_id) = (topic.clone(), card.clone());
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let name = file_name("pictures", &card_id, &photo.bytes, photo.extension);
            set.set_card_picture(&topic_id, &card_id, Some(name.clone()))?;
            Ok(vec![(name, photo.bytes)])
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &crate::web::html::card_anchor(&topic, &card),
    ))
}

/// The topic's own picture, shown on the list of topics.
pub(super) async fn topic_picture(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    let (upload, _) = one_photo(&signed_in, multipart).await?;
    let photo = prepare_photo(upload.bytes, Framing::Square).await?;
    let topic_id = topic.clone();
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let name = file_name(
                "pictures",
                &format!("topic-{topic_id}"),
                &photo.bytes,
                photo.extension,
            );
            set.set_topic_picture(&topic_id, Some(name.clone()))?;
            Ok(vec![(name, photo.bytes)])
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &crate::web::html::topic_anchor(&topic),
    ))
}

/// What kind of recording a file is, from its name or the type the browser
/// gave: a hint for the decoder, which looks at the bytes anyway.
pub(super) fn recording_kind(upload: &Upload) -> Option<String> {
    let from_name = upload
        .file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let from_type = match upload.content_type.split(';').next().unwrap_or("").trim() {
        "audio/webm" | "video/webm" => Some("webm"),
        "audio/mp4" | "audio/x-m4a" | "audio/aac" | "video/mp4" => Some("m4a"),
        "audio/ogg" | "audio/opus" => Some("ogg"),
        "audio/mpeg" | "audio/mp3" => Some("mp3"),
        "audio/wav" | "audio/x-wav" | "audio/wave" => Some("wav"),
        "audio/flac" => Some("flac"),
        _ => None,
    };
    from_name
        .filter(|ext| ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .or(from_type.map(str::to_string))
}

pub(super) async fn card_recording(
    State(state): State<AppState>,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((set_id, topic, card)): Path<(String, String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    check_same_site(&headers, state.secure_cookies)?;
    open_set(&state, &signed_in, set_id.clone()).await?;
    // One upload is read and worked on at a time: its bytes and pixels
    // are the server's largest use of memory.
    let _turn = state.heavy_work.turn().await?;
    fn too_big(bytes: u64) -> String {
        recording::RecordingError::TooLarge {
            megabytes: bytes.div_ceil(1024 * 1024),
        }
        .to_string()
    }
    let (upload, _) = one_file(
        &signed_in,
        multipart,
        "recording",
        MAX_RECORDING_BYTES,
        too_big,
        &recording::RecordingError::Empty.to_string(),
    )
    .await?;
    let kind = recording_kind(&upload);
    let bytes = upload.bytes;
    let clip = tokio::task::spawn_blocking(move || recording::prepare(bytes, kind.as_deref()))
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(|e| WebError::BadInput(e.to_string()))?;
    let (topic_id, card_id) = (topic.clone(), card.clone());
    let version = save_change(
        &state,
        &signed_in,
        set_id.clone(),
        Box::new(move |set| {
            let name = file_name("clips", &card_id, &clip.wav, "wav");
            set.set_card_clip(&topic_id, &card_id, Some(name.clone()))?;
            Ok(vec![(name, clip.wav)])
        }),
    )
    .await?;
    Ok(back_to(
        &set_id,
        version,
        &crate::web::html::card_anchor(&topic, &card),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_name_never_comes_from_what_the_browser_sent() {
        let name = file_name("pictures", "my-red-mug", b"bytes", "jpg");
        assert!(
            crate::store::set_versions::is_set_file_name(&name),
            "{name}"
        );
        let upload = Upload {
            file_name: "../../etc/passwd".into(),
            content_type: "audio/webm;codecs=opus".into(),
            bytes: Vec::new(),
        };
        assert_eq!(recording_kind(&upload), Some("webm".into()));
        let upload = Upload {
            file_name: "Voice 001.M4A".into(),
            content_type: String::new(),
            bytes: Vec::new(),
        };
        assert_eq!(recording_kind(&upload), Some("m4a".into()));
    }
}
