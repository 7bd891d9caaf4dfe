//! The house's questions down from the support plan, for this kiosk's
//! residents: kept whole in the data directory, with their cards' pictures
//! beside them, so that the kiosk asks them while it is offline too.

use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tracing::warn;

use crate::core::house_question::QuestionForKiosk;
use crate::library::house_questions::{self, pictures_dir};
use crate::library::set_file::write_whole;
use crate::store::pictures::is_picture_hash;
use crate::store::{DevicePlan, Journal};

/// Takes the questions and their pictures; whether anything the kiosk
/// shows changed. What is not taken now is taken at the next sync.
pub(super) fn take_questions(
    journal: &Journal,
    plan: &mut dyn DevicePlan,
    data_dir: &Path,
    now: DateTime<Utc>,
    problems: &mut Vec<String>,
) -> bool {
    let asked = journal.people().and_then(|people| {
        let ids: Vec<_> = people.into_iter().map(|p| p.id).collect();
        plan.house_questions_for(&ids, now)
    });
    let questions = match asked {
        Ok(questions) => questions,
        Err(e) => {
            warn!("the house's questions not taken from the support plan: {e}");
            problems.push(format!("The house's questions could not be taken: {e}"));
            return false;
        }
    };
    // The pictures first: a question kept is shown with what is there.
    let pictures_taken = take_pictures(plan, data_dir, &questions, problems);
    let kept = house_questions::keep(data_dir, &questions).unwrap_or_else(|e| {
        warn!("{e}");
        problems.push(format!("{e}"));
        false
    });
    kept || pictures_taken > 0
}

/// Each card picture the questions name that the kiosk lacks, checked
/// against its hash; the pictures no question names any more go. How many
/// were taken.
fn take_pictures(
    plan: &dyn DevicePlan,
    data_dir: &Path,
    questions: &[QuestionForKiosk],
    problems: &mut Vec<String>,
) -> usize {
    let folder = pictures_dir(data_dir);
    let named: Vec<&str> = questions
        .iter()
        .flat_map(|q| &q.cards)
        .filter_map(|c| c.picture.as_deref())
        .filter(|name| picture_hash_of(name).is_some())
        .collect();
    let mut taken = 0;
    let mut missing = 0;
    for name in &named {
        let path = folder.join(name);
        if path.is_file() {
            continue;
        }
        let hash = picture_hash_of(name).expect("kept only names with a hash");
        let bytes = match plan.house_picture(hash) {
            Ok(bytes) => bytes.filter(|b| crate::store::hex(&Sha256::digest(b)) == hash),
            Err(e) => {
                warn!("a house question's picture not taken: {e}");
                None
            }
        };
        let written = bytes.is_some_and(|bytes| {
            std::fs::create_dir_all(&folder)
                .and_then(|()| write_whole(&path, &bytes))
                .inspect_err(|e| warn!("a house question's picture not kept: {e}"))
                .is_ok()
        });
        if written {
            taken += 1;
        } else {
            missing += 1;
        }
    }
    if missing > 0 {
        problems.push(format!(
            "{missing} picture(s) of the house's questions could not be taken; the cards show \
             their words until the next sync brings them"
        ));
    }
    for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
        let name = entry.file_name();
        if !named.iter().any(|n| name.to_str() == Some(n)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    taken
}

/// The hash in a picture's name (`HASH.jpg`, `HASH.png`); none for any
/// other name, which a kiosk never writes.
fn picture_hash_of(name: &str) -> Option<&str> {
    let (hash, extension) = name.split_once('.')?;
    (is_picture_hash(hash) && matches!(extension, "jpg" | "png")).then_some(hash)
}
