//! Keys are a first-class input: switch interfaces for AAC plug in over USB
//! and send key presses.
//!
//! The default key map is a contract that outside tests rely on:
//! `1`..`5` scale point 1..5 · `Space` switch 1 (move the highlight) ·
//! `Enter` switch 2 (select) · `Left`/`Right` move the highlight ·
//! `Backspace` undo · `R` say again.
//!
//! A `[keys]` table in `access.toml` changes single keys (`"6" = "point-1"`,
//! `f = "nothing"`). A `[key_timing]` table puts the keys through the same
//! timing filter as GPIO buttons, for a switch interface used by someone with
//! a tremor; without it, a key acts the moment it goes down.

use std::collections::BTreeMap;

use crate::access::filter::{Decision, SwitchFilter, TimingSettings};
use crate::access::AccessOutput;
use crate::core::{Event, Input, InputMethod, Step};

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

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "BTreeMap<String, String>")]
pub struct KeyMap {
    bindings: Vec<(Key, Event)>,
}

/// A `[keys]` table that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyMapError {
    #[error("\"{0}\" is not a key: use one character, or space, enter, backspace, left, right")]
    NotAKey(String),
    #[error(
        "key \"{name}\": \"{action}\" is not one of point-1 .. point-5, switch-1, switch-2, \
         highlight-back, undo, say-again, nothing"
    )]
    UnknownAction { name: String, action: String },
}

impl TryFrom<BTreeMap<String, String>> for KeyMap {
    type Error = KeyMapError;

    /// The default map, with the keys in `table` changed.
    fn try_from(table: BTreeMap<String, String>) -> Result<KeyMap, KeyMapError> {
        let mut map = KeyMap::default();
        for (name, action) in table {
            let key = parse_key(&name).ok_or_else(|| KeyMapError::NotAKey(name.clone()))?;
            map.bindings.retain(|(k, _)| *k != key);
            if action == "nothing" {
                continue;
            }
            let Some(event) = parse_action(&action) else {
                return Err(KeyMapError::UnknownAction { name, action });
            };
            map.bindings.push((key, event));
        }
        Ok(map)
    }
}

fn parse_key(name: &str) -> Option<Key> {
    Some(match name.to_ascii_lowercase().as_str() {
        "space" => Key::Space,
        "enter" | "return" => Key::Enter,
        "backspace" => Key::Backspace,
        "left" => Key::Left,
        "right" => Key::Right,
        other => {
            let mut chars = other.chars();
            let c = chars.next()?;
            if chars.next().is_some() {
                return None;
            }
            Key::Char(c)
        }
    })
}

fn parse_action(action: &str) -> Option<Event> {
    Some(match action {
        "switch-1" => Event::MoveHighlight(Step::Forward),
        "highlight-back" => Event::MoveHighlight(Step::Back),
        "switch-2" => Event::Select,
        "undo" => Event::Undo,
        "say-again" => Event::SayAgain,
        point => match point.strip_prefix("point-")?.parse::<usize>().ok()? {
            n @ 1..=5 => Event::PlaceOn(n - 1),
            _ => return None,
        },
    })
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
        self.position(key).map(|i| self.bindings[i].1)
    }

    fn position(&self, key: Key) -> Option<usize> {
        let key = normalise(key);
        self.bindings.iter().position(|(k, _)| *k == key)
    }
}

/// Keys in, inputs out: the key map, then (if the person has key timing
/// settings) the timing filter. Key-repeat never acts.
#[derive(Debug, Clone)]
pub struct KeyInput {
    map: KeyMap,
    filter: Option<SwitchFilter>,
}

impl KeyInput {
    pub fn new(map: KeyMap, timing: Option<TimingSettings>) -> KeyInput {
        KeyInput {
            map,
            filter: timing.map(SwitchFilter::new),
        }
    }

    /// A key went down. `None` if the key means nothing here.
    pub fn press(&mut self, key: Key, repeat: bool, now_ms: u64) -> Option<Vec<AccessOutput>> {
        let (id, event) = self.lookup(key)?;
        if repeat {
            return Some(Vec::new());
        }
        Some(match &mut self.filter {
            None => vec![AccessOutput::Input(Input::new(event, InputMethod::Key))],
            Some(filter) => {
                let decisions = filter.edge(id, true, now_ms);
                self.outputs(&decisions)
            }
        })
    }

    /// A key came up. `None` if the key means nothing here.
    pub fn release(&mut self, key: Key, now_ms: u64) -> Option<Vec<AccessOutput>> {
        let (id, _) = self.lookup(key)?;
        Some(match &mut self.filter {
            None => Vec::new(),
            Some(filter) => {
                let decisions = filter.edge(id, false, now_ms);
                self.outputs(&decisions)
            }
        })
    }

    pub fn tick(&mut self, now_ms: u64) -> Vec<AccessOutput> {
        let Some(filter) = &mut self.filter else {
            return Vec::new();
        };
        let decisions = filter.tick(now_ms);
        self.outputs(&decisions)
    }

    /// Whether time passing matters (only with key timing).
    pub fn is_timed(&self) -> bool {
        self.filter.is_some()
    }

    fn lookup(&self, key: Key) -> Option<(u32, Event)> {
        let index = self.map.position(key)?;
        Some((index as u32, self.map.bindings[index].1))
    }

    fn outputs(&self, decisions: &[Decision]) -> Vec<AccessOutput> {
        let event = |id: u32| self.map.bindings.get(id as usize).map(|(_, event)| *event);
        decisions
            .iter()
            .filter_map(|decision| match *decision {
                Decision::Accepted { switch, .. } => {
                    event(switch).map(|e| AccessOutput::Input(Input::new(e, InputMethod::Key)))
                }
                Decision::LongHold { .. } => Some(AccessOutput::Input(Input::new(
                    Event::SayAgain,
                    InputMethod::Key,
                ))),
                Decision::Stuck { switch, .. } => {
                    let name = self
                        .map
                        .bindings
                        .get(switch as usize)
                        .map(|(k, _)| format!("{k:?}"));
                    Some(AccessOutput::Warning(format!(
                        "Key {} seems stuck down; it is ignored until it is let go",
                        name.unwrap_or_default()
                    )))
                }
                _ => None,
            })
            .collect()
    }
}

fn normalise(key: Key) -> Key {
    match key {
        Key::Char(c) => Key::Char(c.to_ascii_lowercase()),
        other => other,
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

    #[test]
    fn keys_can_be_changed_one_at_a_time() {
        let table: BTreeMap<String, String> =
            [("6", "point-1"), ("r", "nothing"), ("Space", "switch-2")]
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect();
        let map = KeyMap::try_from(table).unwrap();
        assert_eq!(map.event_for(Key::Char('6')), Some(Event::PlaceOn(0)));
        assert_eq!(map.event_for(Key::Char('r')), None);
        assert_eq!(map.event_for(Key::Space), Some(Event::Select));
        assert_eq!(
            map.event_for(Key::Char('1')),
            Some(Event::PlaceOn(0)),
            "the rest stay"
        );
        let bad: BTreeMap<String, String> = [("6".to_string(), "fly".to_string())].into();
        assert!(KeyMap::try_from(bad)
            .unwrap_err()
            .to_string()
            .contains("fly"));
    }

    fn events(outputs: Option<Vec<AccessOutput>>) -> Vec<Event> {
        outputs
            .unwrap_or_default()
            .into_iter()
            .filter_map(|o| match o {
                AccessOutput::Input(input) => Some(input.event),
                AccessOutput::Warning(_) => None,
            })
            .collect()
    }

    #[test]
    fn without_key_timing_a_key_acts_as_it_goes_down_and_repeats_never_act() {
        let mut keys = KeyInput::new(KeyMap::default(), None);
        assert_eq!(
            events(keys.press(Key::Char('2'), false, 0)),
            [Event::PlaceOn(1)]
        );
        assert_eq!(events(keys.press(Key::Char('2'), true, 30)), []);
        assert_eq!(events(keys.release(Key::Char('2'), 60)), []);
        assert!(
            keys.press(Key::Char('x'), false, 90).is_none(),
            "an unmapped key is not ours"
        );
    }

    #[test]
    fn with_key_timing_a_switch_interface_gets_the_filter() {
        let timing = TimingSettings {
            debounce_ms: 0,
            acceptance_ms: 100,
            ..TimingSettings::default()
        };
        let mut keys = KeyInput::new(KeyMap::default(), Some(timing));
        assert_eq!(events(keys.press(Key::Enter, false, 0)), []);
        assert_eq!(
            events(keys.release(Key::Enter, 40)),
            [],
            "a tremor: too short"
        );
        assert_eq!(events(keys.press(Key::Enter, false, 1000)), []);
        assert_eq!(events(keys.release(Key::Enter, 1200)), [Event::Select]);
    }
}
