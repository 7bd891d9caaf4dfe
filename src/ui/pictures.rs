//! Pictures for the screen, loaded once each. A missing or broken picture
//! becomes a placeholder on screen and one warning for staff, never a crash.

use std::collections::HashMap;

use slint::Image;
use tracing::warn;

use crate::core::Card;
use crate::library::LoadedSet;
use crate::CardItem;

#[derive(Default)]
pub struct Pictures {
    loaded: HashMap<String, Option<Image>>,
    new_warnings: Vec<String>,
}

impl Pictures {
    /// The picture at a path relative to the set, or `None` if there is none
    /// or it cannot be shown.
    pub fn picture(&mut self, set: &LoadedSet, relative: Option<&str>) -> Option<Image> {
        let relative = relative?;
        if let Some(image) = self.loaded.get(relative) {
            return image.clone();
        }
        let path = set.resolve(relative);
        let image = match Image::load_from_path(&path) {
            Ok(image) if image.size().width > 0 => Some(image),
            _ => {
                warn!(
                    "cannot show the picture {}: missing or not a picture",
                    path.display()
                );
                self.new_warnings
                    .push(format!("Picture {relative} cannot be shown"));
                None
            }
        };
        self.loaded.insert(relative.to_string(), image.clone());
        image
    }

    /// A person's photo, by its path; `None` if there is none or it cannot
    /// be shown.
    pub fn photo(&mut self, path: Option<&std::path::Path>) -> Option<Image> {
        let path = path?;
        let key = path.to_string_lossy().into_owned();
        if let Some(image) = self.loaded.get(&key) {
            return image.clone();
        }
        let image = match Image::load_from_path(path) {
            Ok(image) if image.size().width > 0 => Some(image),
            _ => {
                warn!(
                    "cannot show the photo {}: missing or not a picture",
                    path.display()
                );
                self.new_warnings
                    .push(format!("Photo {} cannot be shown", path.display()));
                None
            }
        };
        self.loaded.insert(key, image.clone());
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
