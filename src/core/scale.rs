//! The top scale of a mat: 2 to 5 points, each with its own words, symbol,
//! colour and position. Colour is never the only cue.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalePoint {
    /// Shown under the symbol and spoken when the point is named, e.g. "like".
    pub label: String,
    /// Picture for the point, relative to the set folder.
    pub symbol: String,
    /// `#rrggbb`, used as a tint behind the symbol and label.
    pub colour: String,
    /// Spoken for the person when they place a card here: "I like {card}."
    pub placed: String,
    /// Spoken on the review for all cards placed here: "You like {cards}."
    pub review: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    pub id: String,
    pub points: Vec<ScalePoint>,
}

pub const MIN_POINTS: usize = 2;
pub const MAX_POINTS: usize = 5;

/// Symbols that ship with sayso are named with this prefix; the library
/// resolves it to its own images folder rather than the set's.
pub const BUNDLED: &str = "bundled:";

/// The scales every set can use by name, without defining them:
/// `scale = "want"`. A set may define its own scale under the same name.
pub const PRESETS: [&str; 5] = ["like", "want", "important", "going-well", "calm"];

/// One of the built-in scales, left to right.
#[rustfmt::skip]
pub fn preset(name: &str) -> Option<Scale> {
    let point = |label: &str, symbol: &str, colour: &str, placed: &str, review: &str| ScalePoint {
        label: label.to_string(),
        symbol: format!("{BUNDLED}scales/{symbol}.svg"),
        colour: colour.to_string(),
        placed: placed.to_string(),
        review: review.to_string(),
    };
    let points = match name {
        "like" => vec![
            point("like", "like", "#1b7f3b", "I like {card}.", "You like {cards}."),
            point("not sure", "not-sure", "#8a5a00", "I'm not sure about {card}.", "You're not sure about {cards}."),
            point("don't like", "dont-like", "#b3261e", "I don't like {card}.", "You don't like {cards}."),
        ],
        "want" => vec![
            point("want", "want", "#1b7f3b", "I want {card}.", "You want {cards}."),
            point("sometimes want", "sometimes", "#8a5a00", "I sometimes want {card}.", "You sometimes want {cards}."),
            point("don't want", "dont-want", "#b3261e", "I don't want {card}.", "You don't want {cards}."),
        ],
        "important" => vec![
            point("very important", "very-important", "#5b2a86", "{card} is very important to me.", "Very important to you: {cards}."),
            point("quite important", "quite-important", "#1f5f8b", "{card} is quite important to me.", "Quite important to you: {cards}."),
            point("not important", "not-important", "#5a5a5a", "{card} is not important to me.", "Not important to you: {cards}."),
        ],
        "going-well" => vec![
            point("going well", "going-well", "#1b7f3b", "{card} is going well.", "Going well: {cards}."),
            point("sometimes", "so-so", "#8a5a00", "{card} goes well sometimes.", "Sometimes going well: {cards}."),
            point("not going well", "not-going-well", "#b3261e", "{card} is not going well.", "Not going well: {cards}."),
        ],
        "calm" => vec![
            point("calm", "calm", "#1f5f8b", "I feel calm about {card}.", "You feel calm about {cards}."),
            point("unsure", "unsure", "#8a5a00", "I feel unsure about {card}.", "You feel unsure about {cards}."),
            point("anxious", "anxious", "#8a1c4a", "I feel anxious about {card}.", "You feel anxious about {cards}."),
        ],
        _ => return None,
    };
    Some(Scale {
        id: name.to_string(),
        points,
    })
}

/// A view of a card as the person would say it, for a profile: the
/// built-in scale's own words where a point of one has this label ("I like
/// pizza."), else the view and the card ("yes please: pizza").
pub fn view_as_sentence(view: &str, card: &str) -> String {
    PRESETS
        .iter()
        .filter_map(|name| preset(name))
        .flat_map(|scale| scale.points)
        .find(|point| point.label == view)
        .map_or_else(
            || format!("{view}: {card}"),
            |point| point.placed_phrase(card),
        )
}

impl ScalePoint {
    pub fn placed_phrase(&self, card: &str) -> String {
        self.placed.replace("{card}", card)
    }

    pub fn review_phrase(&self, cards: &[&str]) -> String {
        self.review.replace("{cards}", &join_naturally(cards))
    }

    /// The colour as (r, g, b), if it is a valid `#rrggbb`.
    pub fn rgb(&self) -> Option<(u8, u8, u8)> {
        parse_hex_colour(&self.colour)
    }
}

/// "a", "a and b", "a, b and c".
pub fn join_naturally(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

pub fn parse_hex_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_speech() {
        assert_eq!(join_naturally(&[]), "");
        assert_eq!(join_naturally(&["tea"]), "tea");
        assert_eq!(join_naturally(&["tea", "cake"]), "tea and cake");
        assert_eq!(
            join_naturally(&["tea", "cake", "pizza"]),
            "tea, cake and pizza"
        );
    }

    #[test]
    fn a_view_reads_as_the_persons_own_sentence_where_a_scale_has_words_for_it() {
        assert_eq!(view_as_sentence("like", "pizza"), "I like pizza.");
        assert_eq!(
            view_as_sentence("very important", "Mum"),
            "Mum is very important to me."
        );
        assert_eq!(view_as_sentence("yes please", "tea"), "yes please: tea");
    }

    #[test]
    fn every_preset_has_three_points_with_symbol_colour_and_both_phrases() {
        for name in PRESETS {
            let scale = preset(name).unwrap();
            assert_eq!(scale.points.len(), 3, "{name}");
            for point in &scale.points {
                assert!(point.rgb().is_some(), "{name}: {}", point.label);
                assert!(point.placed.contains("{card}"), "{name}");
                assert!(point.review.contains("{cards}"), "{name}");
                assert!(point.symbol.starts_with(BUNDLED), "{name}");
            }
            let labels: std::collections::HashSet<_> =
                scale.points.iter().map(|p| &p.label).collect();
            assert_eq!(labels.len(), 3, "{name}: labels must differ");
        }
        assert!(preset("smileys").is_none());
    }

    #[test]
    fn colours_must_be_six_hex_digits() {
        assert_eq!(parse_hex_colour("#1b7f3b"), Some((0x1b, 0x7f, 0x3b)));
        assert_eq!(parse_hex_colour("1b7f3b"), None);
        assert_eq!(parse_hex_colour("#1b7f3"), None);
        assert_eq!(parse_hex_colour("#zz7f3b"), None);
    }
}
