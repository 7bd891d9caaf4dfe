//! The house's questions as a kiosk keeps them between syncs: one file in
//! the data directory, written whole by the sync that brought them, read
//! when the kiosk opens its home. A kiosk offline keeps asking what it last
//! had, until each question's window closes.

use std::path::{Path, PathBuf};

use super::plan_sets::SETS_DIR;
use super::PLAN_PREFIX;
use crate::core::house_question::QuestionForKiosk;

/// In the kiosk's data directory.
pub const HOUSE_QUESTIONS_FILE: &str = "house-questions.json";
/// The cards' pictures, in the folder of the sets taken from the plan (a
/// name no set can have), so that cards name them as `plan:` pictures.
const HOUSE_PICTURES_DIR: &str = ".house-pictures";

/// Where a kiosk keeps the pictures of the house's questions.
pub fn pictures_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(SETS_DIR).join(HOUSE_PICTURES_DIR)
}

/// The picture a card of a house question shows on this kiosk, once it is
/// there: as the kiosk's cards name pictures of the plan.
pub fn card_picture(data_dir: &Path, name: &str) -> Option<String> {
    pictures_dir(data_dir)
        .join(name)
        .is_file()
        .then(|| format!("{PLAN_PREFIX}{HOUSE_PICTURES_DIR}/{name}"))
}

#[derive(Debug, thiserror::Error)]
pub enum QuestionsFileError {
    #[error("the house's questions could not be kept: {0}")]
    Write(#[from] std::io::Error),
    #[error(
        "the house's questions kept on this kiosk cannot be read ({0}); the next sync mends them"
    )]
    Unreadable(String),
}

/// Keeps `questions` in `data_dir`; whether they differ from those kept.
pub fn keep(data_dir: &Path, questions: &[QuestionForKiosk]) -> Result<bool, QuestionsFileError> {
    let path = data_dir.join(HOUSE_QUESTIONS_FILE);
    if read(data_dir).ok().as_deref() == Some(questions) {
        return Ok(false);
    }
    if questions.is_empty() && !path.exists() {
        return Ok(false);
    }
    let bytes = serde_json::to_vec_pretty(questions).expect("questions are plain data");
    super::set_file::write_whole(&path, &bytes)?;
    Ok(true)
}

/// The questions kept in `data_dir` (none if there is no file yet); an
/// error only for a file that cannot be read, which the next sync mends.
pub fn read(data_dir: &Path) -> Result<Vec<QuestionForKiosk>, QuestionsFileError> {
    let path = data_dir.join(HOUSE_QUESTIONS_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| QuestionsFileError::Unreadable(e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(QuestionsFileError::Unreadable(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::house_question::KioskCard;
    use chrono::TimeZone;

    fn garden() -> QuestionForKiosk {
        let opens = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        QuestionForKiosk {
            id: "q1".into(),
            title: "The garden".into(),
            question: "What shall we plant?".into(),
            scale: "like".into(),
            cards: vec![KioskCard {
                id: "tomatoes".into(),
                label: "Tomatoes".into(),
                picture: None,
            }],
            people: vec!["alex".into()],
            opens,
            closes: opens + chrono::Duration::days(14),
        }
    }

    #[test]
    fn questions_are_kept_once_and_read_back_and_a_damaged_file_is_said() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()).unwrap(), []);
        assert!(!keep(dir.path(), &[]).unwrap(), "nothing to keep, no file");
        assert!(keep(dir.path(), &[garden()]).unwrap());
        assert!(!keep(dir.path(), &[garden()]).unwrap(), "unchanged");
        assert_eq!(read(dir.path()).unwrap(), [garden()]);
        assert!(keep(dir.path(), &[]).unwrap(), "the last one closed");
        std::fs::write(dir.path().join(HOUSE_QUESTIONS_FILE), b"{ not json").unwrap();
        assert!(read(dir.path()).is_err());
        assert!(
            keep(dir.path(), &[garden()]).unwrap(),
            "mended by the next sync"
        );
        assert_eq!(read(dir.path()).unwrap(), [garden()]);
    }
}
