//! Carrying a device's pictures into the support plan, so the staff pages
//! show them wherever the plan is: the set's card pictures, the people's
//! photos from the home file, and this device's kept mats. Each file is
//! hashed; one the plan already has (by that hash) is not prepared again,
//! and a picture the plan already holds is not written again.
//!
//! A picture that cannot be read or is not a picture is left out with a
//! problem for staff; the rest still go.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use tracing::warn;

use crate::core::PersonId;
use crate::library::picture::{self, PictureError, PlanPicture};
use crate::library::LoadedSet;
use crate::store::pictures::NewPicture;
use crate::store::{DevicePlan, StoreError};

/// What a device has to share.
#[derive(Debug, Clone, Default)]
pub struct ToShare {
    /// Kept mats' pictures are named relative to this folder.
    pub data_dir: PathBuf,
    pub set: Option<LoadedSet>,
    /// People's photos, from the home file.
    pub photos: Vec<(PersonId, PathBuf)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shared {
    /// Pictures the plan did not have before.
    pub added: usize,
    /// Cards, people and mats now pointing at a different picture.
    pub changed: usize,
    /// For staff: pictures left out, and why.
    pub problems: Vec<String>,
}

/// Carries what `what` names into `plan`, for the device `device_id`.
pub fn share_pictures(
    plan: &mut dyn DevicePlan,
    device_id: &str,
    what: &ToShare,
    now: DateTime<Utc>,
) -> Result<Shared, StoreError> {
    let mut shared = Shared::default();
    if let Some(set) = &what.set {
        for topic in &set.set.topics {
            for card in &topic.cards {
                let Some(relative) = &card.picture else {
                    continue;
                };
                let Ok(path) = set.resolve_inside(relative) else {
                    continue; // said on the staff line already, where it is shown
                };
                let about = format!("{}: {}", topic.title, card.label);
                if let Some(hash) = keep(plan, &path, picture::for_plan, &about, now, &mut shared)?
                {
                    if plan.set_card_picture(topic.id.as_str(), card.id.as_str(), &hash, now)? {
                        shared.changed += 1;
                    }
                }
            }
        }
    }
    for (person, path) in &what.photos {
        let about = "a person's photo".to_string();
        if let Some(hash) = keep(plan, path, picture::for_plan, &about, now, &mut shared)? {
            if plan.set_person_photo(person, &hash)? {
                shared.changed += 1;
            }
        }
    }
    for (session, relative) in plan.mats_awaiting_picture(device_id)? {
        let path = what.data_dir.join(&relative);
        let about = "a kept mat".to_string();
        let kept = keep(
            plan,
            &path,
            picture::kept_mat_for_plan,
            &about,
            now,
            &mut shared,
        )?;
        if let Some(hash) = kept {
            plan.set_mat_picture_hash(&session, &hash)?;
            shared.changed += 1;
        }
    }
    Ok(shared)
}

/// The plan's name for the picture made from `path`: the one it has, or a
/// new one made by `prepare`. `None`, with a problem noted, if there is none.
fn keep(
    plan: &mut dyn DevicePlan,
    path: &Path,
    prepare: fn(&Path) -> Result<PlanPicture, PictureError>,
    about: &str,
    now: DateTime<Utc>,
    shared: &mut Shared,
) -> Result<Option<String>, StoreError> {
    let mut left_out = |e: PictureError| {
        // Names stay out of the log: the staff line has them.
        warn!("a picture is not carried to the support plan: {e}");
        shared.problems.push(format!(
            "Picture for {about} not shared with the staff pages: {e}"
        ));
        None
    };
    let source = match picture::file_hash(path) {
        Ok(source) => source,
        Err(e) => return Ok(left_out(e)),
    };
    if let Some(hash) = plan.picture_for_source(&source)? {
        return Ok(Some(hash));
    }
    let made = match prepare(path) {
        Ok(made) => made,
        Err(e) => return Ok(left_out(e)),
    };
    let hash = plan.add_picture(
        NewPicture {
            source_hash: &source,
            media_type: made.media_type,
            width: made.width,
            height: made.height,
            bytes: &made.bytes,
        },
        now,
    )?;
    shared.added += 1;
    Ok(Some(hash))
}
