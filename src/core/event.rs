//! Every way a person can act on the kiosk becomes one [`Event`].
//!
//! Touch, keys, USB switch interfaces and GPIO buttons are only sources: each
//! maps its raw input to an `Event` and the session never knows which one it
//! was, apart from the [`InputMethod`] kept for the journal.

/// The closed set of things a person can do. Scale points count from 0 here;
/// people and the key map count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// Place the card on offer under scale point N (0 = leftmost).
    PlaceOn(usize),
    /// Move the highlight one step (switch 1, or the arrow keys).
    MoveHighlight(Step),
    /// Choose what is highlighted (switch 2); on review with nothing
    /// highlighted, finish the mat.
    Select,
    /// Take back the last placement.
    Undo,
    /// Say the card (or the summary) again.
    SayAgain,
    /// Finish the mat from the review.
    Finish,
    /// After a finished mat, start a new one.
    StartAgain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Forward,
    Back,
}

/// Which kind of input produced an event; kept in the journal with each action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputMethod {
    Touch,
    Key,
    Gpio,
}

impl InputMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            InputMethod::Touch => "touch",
            InputMethod::Key => "key",
            InputMethod::Gpio => "gpio",
        }
    }
}

/// An event together with where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub event: Event,
    pub via: InputMethod,
}

impl Input {
    pub fn new(event: Event, via: InputMethod) -> Self {
        Input { event, via }
    }
}
