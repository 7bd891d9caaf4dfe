//! Pictures for the screen, loaded once each. A missing or broken picture
//! becomes a placeholder on screen and one warning for staff, never a crash.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use slint::Image;
use tracing::warn;

use crate::core::Card;
use crate::library::LoadedSet;
use crate::CardItem;

#[derive(Default)]
pub struct Pictures {
    loaded: HashMap<PathBuf, Option<Image>>,
    new_warnings: Vec<String>,
}

impl Pictures {
    /// The picture at a path relative to the set, or `None` if there is none
    /// or it cannot be shown.
    pub fn picture(&mut self, set: &LoadedSet, relative: Option<&str>) -> Option<Image> {
        let relative = relative?;
        self.load(&set.resolve(relative), &format!("Picture {relative}"))
    }

    /// A person's photo, by its path; `None` if there is none or it cannot
    /// be shown.
    pub fn photo(&mut self, path: Option<&Path>) -> Option<Image> {
        let path = path?;
        self.load(path, &format!("Photo {}", path.display()))
    }

    /// Loads a picture once; a missing or broken one is reported once, as
    /// `what` for staff.
    fn load(&mut self, path: &Path, what: &str) -> Option<Image> {
        if let Some(image) = self.loaded.get(path) {
            return image.clone();
        }
        let image = match Image::load_from_path(path) {
            Ok(image) if image.size().width > 0 => Some(image),
            _ => {
                warn!("cannot show {}: missing or not a picture", path.display());
                self.new_warnings.push(format!("{what} cannot be shown"));
                None
            }
        };
        self.loaded.insert(path.to_path_buf(), image.clone());
        image
    }

    pub fn card(&mut self, set: &LoadedSet, card: &Card) -> CardItem {
        let picture = self.picture(set, card.picture.as_deref());
        CardItem {
            label: card.label.as_str().into(),
            has_picture: picture.is_some(),
            picture: picture.unwrap_or_default(),
            ..CardItem::default()
        }
    }

    /// Warnings found since the last call.
    pub fn take_new_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.new_warnings)
    }
}
