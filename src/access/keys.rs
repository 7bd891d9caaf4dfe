//! Keys are a first-class input: switch interfaces for AAC plug in over USB
//! and send key presses.
//!
//! The default key map is a contract that outside tests rely on:
//! `1`..`5` scale point 1..5 · `Space` switch 1 (move the highlight) ·
//! `Enter` switch 2 (select) · `Left`/`Right` move the highlight ·
//! `Backspace` undo · `R` say again.

use crate::core::{Event, Step};

/// A key, as the UI toolkit reports it, reduced to what the key map needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Space,
    Enter,
    Backspace,
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    bindings: Vec<(Key, Event)>,
}

impl Default for KeyMap {
    fn default() -> Self {
        let mut bindings: Vec<(Key, Event)> = ('1'..='5')
            .enumerate()
            .map(|(point, digit)| (Key::Char(digit), Event::PlaceOn(point)))
            .collect();
        bindings.extend([
            (Key::Space, Event::MoveHighlight(Step::Forward)),
            (Key::Right, Event::MoveHighlight(Step::Forward)),
            (Key::Left, Event::MoveHighlight(Step::Back)),
            (Key::Enter, Event::Select),
            (Key::Backspace, Event::Undo),
            (Key::Char('r'), Event::SayAgain),
        ]);
        KeyMap { bindings }
    }
}

impl KeyMap {
    /// The event a key press stands for, if any. Letters match either case.
    pub fn event_for(&self, key: Key) -> Option<Event> {
        let key = match key {
            Key::Char(c) => Key::Char(c.to_ascii_lowercase()),
            other => other,
        };
        self.bindings
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, event)| *event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_map_is_the_documented_contract() {
        let map = KeyMap::default();
        assert_eq!(map.event_for(Key::Char('1')), Some(Event::PlaceOn(0)));
        assert_eq!(map.event_for(Key::Char('3')), Some(Event::PlaceOn(2)));
        assert_eq!(map.event_for(Key::Char('5')), Some(Event::PlaceOn(4)));
        assert_eq!(
            map.event_for(Key::Space),
            Some(Event::MoveHighlight(Step::Forward))
        );
        assert_eq!(map.event_for(Key::Enter), Some(Event::Select));
        assert_eq!(
            map.event_for(Key::Left),
            Some(Event::MoveHighlight(Step::Back))
        );
        assert_eq!(
            map.event_for(Key::Right),
            Some(Event::MoveHighlight(Step::Forward))
        );
        assert_eq!(map.event_for(Key::Backspace), Some(Event::Undo));
        assert_eq!(map.event_for(Key::Char('R')), Some(Event::SayAgain));
        assert_eq!(map.event_for(Key::Char('r')), Some(Event::SayAgain));
    }

    #[test]
    fn other_keys_do_nothing() {
        let map = KeyMap::default();
        for c in ['0', '6', 'x', 'q', '\t'] {
            assert_eq!(map.event_for(Key::Char(c)), None, "{c:?}");
        }
    }
}
