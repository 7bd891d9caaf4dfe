//! Every way a person can act on the kiosk becomes one [`Event`].
//!
//! Touch, keys, USB switch interfaces and GPIO buttons are only sources: each
//! maps its raw input to an `Event` and the session never knows which one it
//! was, apart from the [`InputMethod`] kept for the journal.

/// The closed set of things a person can do. Scale points count from 0 here;
/// people and the key map count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// Place the card on offer (or the card picked up) under scale point N
    /// (0 = leftmost).
    PlaceOn(usize),
    /// The same, at an exact spot: a card dragged between two points.
    PlaceAt(Spot),
    /// The card dragged and let go this far across the scale, in thousandths
    /// of its width (0 = left edge, 1000 = right edge).
    DropAt(u16),
    /// Pick up a card on the mat, by index, to put it somewhere else.
    PickUp(usize),
    /// Leave a picked-up card where it was.
    PutBack,
    /// Pass over the card on offer.
    Skip,
    /// Add a blank card for something that was not offered.
    SomethingElse,
    /// Mark the card on offer, or picked up, for staff to follow up.
    TellMeMore,
    /// On a picker: the person or topic at this place on the page shown.
    Choose(usize),
    /// On a picker: the next page.
    NextPage,
    /// Turn down the check-in that is due.
    NotNow,
    /// Back to the people of a shared home.
    SomeoneElse,
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

/// Where a card sits: under which scale point, and how far from its centre
/// towards a neighbour, in percent of the distance between two points
/// (negative: to the left). A card put between two points keeps its spot;
/// the point it is under is its view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Spot {
    pub point: usize,
    pub offset: i8,
}

/// How far off centre a card can sit and still clearly be under its point.
pub const MAX_OFFSET: i8 = 45;

impl Spot {
    /// Right under a point.
    pub fn on(point: usize) -> Spot {
        Spot { point, offset: 0 }
    }

    /// Where a card dropped at `fraction` of the scale's width (0 = left
    /// edge, 1 = right edge) lands, on a scale of `points` equal columns.
    pub fn from_fraction(fraction: f32, points: usize) -> Spot {
        let columns = points.max(1) as f32;
        let x = fraction.clamp(0.0, 1.0) * columns;
        let point = (x.floor() as usize).min(points.saturating_sub(1));
        let offset = ((x - point as f32 - 0.5) * 100.0).round() as i32;
        Spot {
            point,
            offset: offset.clamp(-50, 50) as i8,
        }
        .clamped(points)
    }

    /// Within `MAX_OFFSET`, and never pointing off either end of the scale.
    pub fn clamped(self, points: usize) -> Spot {
        let mut offset = self.offset.clamp(-MAX_OFFSET, MAX_OFFSET);
        if self.point == 0 {
            offset = offset.max(0);
        }
        if self.point + 1 >= points {
            offset = offset.min(0);
        }
        Spot {
            point: self.point,
            offset,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Forward,
    Back,
    /// Off every choice: scanning has paused, and nothing is about to be
    /// chosen.
    Off,
}

impl Step {
    /// Where a highlight goes among `count` choices, round and round; from
    /// nowhere, forward starts at the first and back at the last.
    pub fn from(self, highlight: Option<usize>, count: usize) -> Option<usize> {
        if count == 0 {
            return None;
        }
        Some(match (highlight, self) {
            (_, Step::Off) => return None,
            (None, Step::Forward) => 0,
            (None, Step::Back) => count - 1,
            (Some(i), Step::Forward) => (i + 1) % count,
            (Some(i), Step::Back) => (i + count - 1) % count,
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_lands_under_the_column_it_is_over_keeping_how_far_off_centre() {
        assert_eq!(Spot::from_fraction(0.5, 3), Spot::on(1));
        assert_eq!(
            Spot::from_fraction(0.0, 3),
            Spot::on(0),
            "the left edge is not beyond the scale"
        );
        assert_eq!(Spot::from_fraction(1.0, 3), Spot::on(2));
        // Two thirds across a 3-point scale is the boundary of points 1 and 2.
        assert_eq!(
            Spot::from_fraction(0.6, 3),
            Spot {
                point: 1,
                offset: 30
            }
        );
        assert_eq!(
            Spot::from_fraction(0.666, 3),
            Spot {
                point: 1,
                offset: MAX_OFFSET
            }
        );
        assert_eq!(
            Spot::from_fraction(0.7, 3),
            Spot {
                point: 2,
                offset: -40
            }
        );
        assert_eq!(Spot::from_fraction(0.25, 2), Spot::on(0));
    }
}
