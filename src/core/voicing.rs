//! How a person (or the device, between people) is spoken to and shown
//! things. The flow keeps one for whoever is at the kiosk; the pickers and
//! the view read it.

use super::phrases::Phrases;

/// How a person sees the screens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Display {
    pub high_contrast: bool,
    pub large_text: bool,
}

/// How a person (or the device, between people) is spoken to and shown
/// things: their voice pack's words, auditory scanning, their display, and
/// how long they need to see a card before they can answer it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voicing {
    pub phrases: Phrases,
    /// Moving the highlight names what it lands on (auditory scanning).
    pub auditory_cues: bool,
    pub display: Display,
    /// How long a card is on screen before a press can answer it.
    pub answer_after_ms: u64,
}
