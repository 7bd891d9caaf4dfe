//! Access: every way a person can give input becomes an [`Input`].
//!
//! - touch: the UI bridge (`crate::ui`) turns a tap on a scale column or a
//!   button into an `Input`;
//! - keys: [`keys::KeyMap`] maps key presses (from a keyboard, or a USB switch
//!   interface, which sends keys) to events;
//! - GPIO buttons ([`gpio`]) run on a thread of their own: raw pin edges go
//!   through the timing [`filter`] and the pin map, and each `Input` is posted
//!   to the UI thread, where it goes into `Kiosk::input` like any other.
//!
//! Architecture invariant: sources only translate. None of them knows about the
//! session, the journal or the screen.

pub mod devices;
pub mod filter;
pub mod gpio;
pub mod keys;
pub mod lights;
pub mod scan;
pub mod settings;

pub use crate::core::{Event, Input, InputMethod};

/// What an input source made of a press or of time passing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessOutput {
    Input(Input),
    /// For staff: a stuck button or key.
    Warning(String),
}
