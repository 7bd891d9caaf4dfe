//! The top scale of a mat: 2 to 5 points, each with its own words, symbol,
//! colour and position. Colour is never the only cue.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    fn colours_must_be_six_hex_digits() {
        assert_eq!(parse_hex_colour("#1b7f3b"), Some((0x1b, 0x7f, 0x3b)));
        assert_eq!(parse_hex_colour("1b7f3b"), None);
        assert_eq!(parse_hex_colour("#1b7f3"), None);
        assert_eq!(parse_hex_colour("#zz7f3b"), None);
    }
}
