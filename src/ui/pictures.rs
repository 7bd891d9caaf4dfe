//! Pictures for the screen, decoded once each, off the UI thread. A picture
//! not decoded yet shows the placeholder until it arrives; a missing or
//! broken one keeps the placeholder and gives one warning for staff, never a
//! crash and never a wait.
//!
//! Decoding is limited (see [`crate::library::picture`]), and pictures are
//! scaled down to at most [`MAX_SIDE`] pixels a side as they are decoded, so
//! a photo straight off a phone (or a hostile 11000x11000 PNG) cannot take
//! the kiosk's memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};

use slint::{Image, Rgba8Pixel, SharedPixelBuffer};
use tracing::{debug, warn};

use crate::core::PictureRef;
use crate::library::LoadedSet;

pub use crate::library::picture::MAX_SIDE;

/// The longest side a picture needs on a screen of this size: a card fills
/// at most about half its longer side. Smaller screens keep smaller
/// pictures (an 800x480 screen a sixth of the memory of [`MAX_SIDE`]).
pub fn side_for_screen(width: u32, height: u32) -> u32 {
    (width.max(height) / 2).clamp(256, MAX_SIDE)
}

pub use crate::library::picture::{PictureError, MAX_PIXELS};

/// A decoded picture, ready to become a Slint image on the UI thread.
pub struct Decoded {
    pixels: SharedPixelBuffer<Rgba8Pixel>,
    premultiplied: bool,
}

impl Decoded {
    fn into_image(self) -> Image {
        if self.premultiplied {
            Image::from_rgba8_premultiplied(self.pixels)
        } else {
            Image::from_rgba8(self.pixels)
        }
    }
}

enum Slot {
    Pending,
    Ready(Image),
    Broken,
}

struct Worker {
    jobs: Sender<PathBuf>,
    done: Receiver<(PathBuf, Result<Decoded, PictureError>)>,
}

pub struct Pictures {
    slots: HashMap<PathBuf, Slot>,
    /// The longest side pictures are decoded at, shared with the worker;
    /// 0 until the window has a size.
    side: std::sync::Arc<std::sync::atomic::AtomicU32>,
    /// Pictures asked for before the window had a size: decoding them at
    /// [`MAX_SIDE`] would keep them several times larger than an 800x480
    /// screen needs.
    waiting: Vec<PathBuf>,
    /// `None`: decode at once, on the calling thread (offscreen drawing).
    worker: Option<Worker>,
    new_warnings: Vec<String>,
}

impl Pictures {
    /// Decodes on a thread of its own; `arrived` is called (from that
    /// thread) each time a picture is ready, to have the screen redrawn.
    pub fn in_background_with(arrived: impl Fn() + Send + 'static) -> Pictures {
        let (jobs, job_rx) = mpsc::channel::<PathBuf>();
        let (done_tx, done) = mpsc::channel();
        let side = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let worker_side = side.clone();
        let started = std::thread::Builder::new()
            .name("pictures".into())
            .spawn(move || {
                for path in job_rx {
                    let side = worker_side.load(std::sync::atomic::Ordering::Relaxed);
                    let decoded = decode(&path, side);
                    if done_tx.send((path, decoded)).is_err() {
                        return;
                    }
                    arrived();
                }
            });
        if let Err(e) = started {
            // Pictures still show, decoded as they are asked for.
            warn!("no thread for decoding pictures: {e}");
            return Pictures::immediate();
        }
        Pictures {
            slots: HashMap::new(),
            side,
            waiting: Vec::new(),
            worker: Some(Worker { jobs, done }),
            new_warnings: Vec::new(),
        }
    }

    /// Decodes in the background and asks the running event loop to redraw.
    pub fn in_background() -> Pictures {
        Pictures::in_background_with(|| {
            let _ = slint::invoke_from_event_loop(super::pictures_arrived);
        })
    }

    /// Decodes at once, when first asked for: for drawing offscreen, where
    /// nobody is waiting for a touch.
    pub fn immediate() -> Pictures {
        Pictures {
            slots: HashMap::new(),
            side: std::sync::Arc::new(std::sync::atomic::AtomicU32::new(MAX_SIDE)),
            waiting: Vec::new(),
            worker: None,
            new_warnings: Vec::new(),
        }
    }

    /// The picture, if it is decoded; `None` shows the placeholder.
    pub fn get(&mut self, set: &LoadedSet, picture: &PictureRef) -> Option<Image> {
        let path = match picture {
            PictureRef::None => return None,
            PictureRef::InSet(relative) => match set.resolve_inside(relative) {
                Ok(path) => path,
                Err(outside) => {
                    let path = set.resolve(relative);
                    if !self.slots.contains_key(&path) {
                        warn!("a picture is outside its set's folder");
                        self.new_warnings
                            .push(format!("Picture not shown: {outside}"));
                        self.slots.insert(path, Slot::Broken);
                    }
                    return None;
                }
            },
            PictureRef::File(path) => path.clone(),
        };
        match self.slots.get(&path) {
            Some(Slot::Ready(image)) => return Some(image.clone()),
            Some(Slot::Pending | Slot::Broken) => return None,
            None => {}
        }
        match &self.worker {
            Some(worker) => {
                self.slots.insert(path.clone(), Slot::Pending);
                if self.side() == 0 {
                    self.waiting.push(path);
                } else if worker.jobs.send(path).is_err() {
                    warn!("the picture decoder has stopped");
                }
                None
            }
            None => {
                let decoded = decode(&path, self.side());
                self.settle(path.clone(), decoded);
                match self.slots.get(&path) {
                    Some(Slot::Ready(image)) => Some(image.clone()),
                    _ => None,
                }
            }
        }
    }

    /// Whether the picture is still being decoded: the screen leaves its
    /// place empty meanwhile, rather than flashing the placeholder.
    pub fn is_pending(&self, set: &LoadedSet, picture: &PictureRef) -> bool {
        let path = match picture {
            PictureRef::None => return false,
            PictureRef::InSet(relative) => match set.resolve_inside(relative) {
                Ok(path) => path,
                Err(_) => return false,
            },
            PictureRef::File(path) => path.clone(),
        };
        matches!(self.slots.get(&path), Some(Slot::Pending))
    }

    fn side(&self) -> u32 {
        self.side.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Pictures are decoded for a screen of this size from now on; those
    /// kept at a smaller size than it needs are decoded again.
    pub fn fit_to_screen(&mut self, width: u32, height: u32) {
        let side = side_for_screen(width, height);
        let before = self.side.swap(side, std::sync::atomic::Ordering::Relaxed);
        if before != 0 && side > before {
            self.slots.retain(|_, slot| !matches!(slot, Slot::Ready(_)));
        }
        if let Some(worker) = &self.worker {
            for path in self.waiting.drain(..) {
                if worker.jobs.send(path).is_err() {
                    warn!("the picture decoder has stopped");
                }
            }
        }
    }

    /// Takes in the pictures decoded since the last call; true if any.
    pub fn take_arrived(&mut self) -> bool {
        let Some(worker) = &self.worker else {
            return false;
        };
        let arrived: Vec<_> = worker.done.try_iter().collect();
        let any = !arrived.is_empty();
        for (path, decoded) in arrived {
            self.settle(path, decoded);
        }
        any
    }

    fn settle(&mut self, path: PathBuf, decoded: Result<Decoded, PictureError>) {
        let slot = match decoded {
            Ok(decoded) => {
                debug!("picture ready: {}", path.display());
                Slot::Ready(decoded.into_image())
            }
            Err(e) => {
                // The path names the picture (and so maybe a person): only
                // at debug level; staff see it on the staff line.
                warn!("a picture cannot be shown: {e}");
                debug!("picture {}: {e}", path.display());
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                self.new_warnings
                    .push(format!("Picture {name} cannot be shown: {e}"));
                Slot::Broken
            }
        };
        self.slots.insert(path, slot);
    }

    /// Warnings found since the last call.
    pub fn take_new_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.new_warnings)
    }
}

/// Decodes a picture file (SVG, PNG or JPEG), scaled to fit `max_side`.
pub fn decode(path: &Path, max_side: u32) -> Result<Decoded, PictureError> {
    let pixels = crate::library::picture::decode(path, max_side)?;
    Ok(Decoded {
        pixels: SharedPixelBuffer::clone_from_slice(&pixels.rgba, pixels.width, pixels.height),
        premultiplied: pixels.premultiplied,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_kept_at_the_size_the_screen_needs() {
        assert_eq!(side_for_screen(800, 480), 400);
        assert_eq!(side_for_screen(720, 1280), 640);
        assert_eq!(side_for_screen(1920, 1080), 960);
        assert_eq!(side_for_screen(3840, 2160), MAX_SIDE);
        assert_eq!(side_for_screen(320, 240), 256);
    }

    fn demo() -> LoadedSet {
        crate::library::load_set(&crate::library::default_set_path()).expect("the demo set")
    }

    #[test]
    fn a_picture_arrives_from_the_worker_and_shows_after_an_empty_place() {
        let set = demo();
        let (arrived_tx, arrived) = mpsc::channel();
        let mut pictures = Pictures::in_background_with(move || {
            let _ = arrived_tx.send(());
        });
        let tea = PictureRef::InSet("cards/tea.svg".into());
        // Asked for before the window has a size (as the first screen is).
        assert!(pictures.get(&set, &tea).is_none(), "not there yet");
        assert!(
            pictures.is_pending(&set, &tea),
            "on its way: its place is left empty, no placeholder"
        );
        pictures.fit_to_screen(800, 480);
        arrived
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the worker decodes it");
        assert!(pictures.take_arrived());
        let image = pictures.get(&set, &tea).expect("then the picture");
        assert!(!pictures.is_pending(&set, &tea));
        assert_eq!(
            image.size().width.max(image.size().height),
            side_for_screen(800, 480),
            "decoded at the size this screen needs, not the largest"
        );
        assert!(pictures.take_new_warnings().is_empty());
    }

    #[test]
    fn a_huge_picture_is_refused_by_its_header_and_odd_files_by_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let huge = dir.path().join("huge.png");
        std::fs::write(&huge, crate::library::test_photos::png_bomb(11_000, 11_000)).unwrap();
        assert!(matches!(
            decode(&huge, MAX_SIDE),
            Err(PictureError::TooBig {
                width: 11_000,
                height: 11_000
            })
        ));
        assert!(matches!(
            decode(dir.path(), MAX_SIDE),
            Err(PictureError::NotAFile)
        ));
        let text = dir.path().join("text.png");
        std::fs::write(&text, "not a picture at all").unwrap();
        assert!(matches!(
            decode(&text, MAX_SIDE),
            Err(PictureError::NotAPicture)
        ));
        let mut pictures = Pictures::immediate();
        let set = demo();
        assert!(pictures.get(&set, &PictureRef::File(huge)).is_none());
        let warnings = pictures.take_new_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("too big"), "{warnings:?}");
    }
}
