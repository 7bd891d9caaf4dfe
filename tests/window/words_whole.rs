//! Words whole: on every screen of a person's way through a mat, at every
//! size, in both themes and both text sizes, with the longest labels there
//! are (the demo's, the longest of the Open Board Format fixtures, and one
//! of 40 characters), no word is broken across lines and no glyph is drawn
//! outside its element. Each piece of text is found in the window (Slint's
//! element tree), and each of its words measured by the same renderer.

use std::collections::BTreeSet;
use std::path::Path;

use i_slint_backend_testing::ElementHandle;
use sayso::core::Display;
use sayso::ui::screenshots::{walk_every_screen, SIZES};
use sayso::{AppWindow, WordsInspection};
use slint::ComponentHandle;

use crate::common;

/// The longest label of the Open Board Format fixtures, the 40 characters
/// the issue asks for, and a long one with a long word.
const LONG_LABELS: [(&str, &str); 3] = [
    ("tea", "I can't find what I want to say?"),
    ("pizza", "a trip to the seaside with all my family"),
    ("banana", "strawberry milkshake"),
];

slint::slint! {
    // The same words set the same way, measured: their width on one line,
    // and their height wrapped at a given width.
    export component WordsRuler inherits Window {
        in property <string> words;
        in property <length> size;
        in property <int> weight;
        in property <length> wrap-at;
        out property <length> one-line-width: one-line.preferred-width;
        out property <length> wrapped-height: wrapped.preferred-height;
        one-line := Text {
            text: words;
            font-size: size;
            font-weight: weight;
        }
        wrapped := Text {
            text: words;
            font-size: size;
            font-weight: weight;
            width: wrap-at;
            wrap: word-wrap;
        }
    }
}

/// How one piece of text is set, as it says when inspected.
struct Setting {
    size: f32,
    weight: i32,
    wraps: bool,
    elides: bool,
}

fn setting(description: &str) -> Option<Setting> {
    let mut size = None;
    let mut weight = None;
    let mut wraps = None;
    let mut elides = None;
    for part in description.split(';') {
        let (key, value) = part.split_once('=')?;
        match key {
            "size" => size = value.parse().ok(),
            "weight" => weight = value.parse().ok(),
            "wrap" => wraps = Some(value == "1"),
            "elide" => elides = Some(value == "1"),
            _ => {}
        }
    }
    Some(Setting {
        size: size?,
        weight: weight?,
        wraps: wraps?,
        elides: elides?,
    })
}

/// An ellipsis is a last resort: the words did not fit even so.
fn cut_short(setting: &Setting) -> &'static str {
    if setting.elides {
        " (cut short with an ellipsis)"
    } else {
        ""
    }
}

/// The demo set with its longest labels made longer, and a topic's title
/// that fills the top bar.
fn set_with_long_labels(dir: &Path) -> std::path::PathBuf {
    let set_dir = dir.join("set");
    common::copy_dir(common::demo_set().parent().unwrap(), &set_dir);
    let set = set_dir.join("set.toml");
    let mut text = std::fs::read_to_string(&set).unwrap();
    for (id, label) in LONG_LABELS {
        let before = text.clone();
        text = text.replacen(
            &format!("{{ id = \"{id}\", label = \""),
            &format!("{{ id = \"{id}\", label = \"{label}\", was = \""),
            1,
        );
        assert_ne!(text, before, "the demo's card {id}");
    }
    // The old labels stay as an unknown field: take them out again.
    let text: String = text
        .lines()
        .map(
            |line| match (line.find(", was = \""), line.find("\", picture")) {
                (Some(from), Some(to)) => format!("{}{}", &line[..from], &line[to + 1..]),
                _ => line.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n");
    let text = text.replacen(
        "title = \"Going out\"",
        "title = \"Days out with my friends\"",
        1,
    );
    std::fs::write(&set, text).unwrap();
    set
}

/// What is wrong with the words on the screen now, one line each.
fn words_not_whole(window: &AppWindow, ruler: &WordsRuler) -> Vec<String> {
    let size = window.window().size();
    let (width, height) = (size.width as f32, size.height as f32);
    let mut wrong = Vec::new();
    for element in ElementHandle::find_by_element_type_name(window, "Words") {
        let Some(words) = element.accessible_label().map(|l| l.to_string()) else {
            continue;
        };
        if words.trim().is_empty() || element.computed_opacity() < 0.01 {
            continue;
        }
        let description = element
            .accessible_description()
            .map(|d| d.to_string())
            .unwrap_or_default();
        let Some(setting) = setting(&description) else {
            wrong.push(format!(
                "'{words}' does not say how it is set ({description})"
            ));
            continue;
        };
        let at = element.absolute_position();
        let shape = element.size();
        if shape.width <= 0.0 || shape.height <= 0.0 {
            continue;
        }
        ruler.set_size(setting.size);
        ruler.set_weight(setting.weight);
        let one_line = |text: &str| {
            ruler.set_words(text.into());
            ruler.get_one_line_width()
        };
        // Half a pixel either way is rounding, not a glyph outside.
        let slack = 0.5;
        if at.x < -slack
            || at.y < -slack
            || at.x + shape.width > width + slack
            || at.y + shape.height > height + slack
        {
            wrong.push(format!(
                "'{words}' at {:?} size {:?} is outside the {width}x{height} window",
                (at.x, at.y),
                (shape.width, shape.height)
            ));
        }
        // A zero-width space is where a line may break (after a path's `/`).
        for word in words.split(|c: char| c.is_whitespace() || c == '\u{200B}') {
            if word.is_empty() {
                continue;
            }
            let needs = one_line(word);
            if needs > shape.width + slack {
                wrong.push(format!(
                    "'{word}' of '{words}' needs {needs:.1} px at {} px but has {:.1}",
                    setting.size, shape.width
                ));
            }
        }
        if setting.wraps {
            ruler.set_words(words.as_str().into());
            ruler.set_wrap_at(shape.width);
            let needs = ruler.get_wrapped_height();
            if needs > shape.height + slack {
                wrong.push(format!(
                    "'{words}' needs {needs:.1} px of height wrapped at {:.1} px but has {:.1}{}",
                    shape.width,
                    shape.height,
                    cut_short(&setting)
                ));
            }
        } else {
            let needs = one_line(&words);
            if needs > shape.width + slack {
                wrong.push(format!(
                    "'{words}' needs {needs:.1} px on one line but has {:.1}{}",
                    shape.width,
                    cut_short(&setting)
                ));
            }
        }
    }
    wrong
}

pub fn no_word_is_broken_or_drawn_outside_on_any_screen() {
    let dir = tempfile::tempdir().unwrap();
    let set = set_with_long_labels(dir.path());
    let ruler = WordsRuler::new().unwrap();
    let mut wrong = BTreeSet::new();
    let mut screens = 0;
    for (width, height) in SIZES {
        for high_contrast in [false, true] {
            for large_text in [false, true] {
                let case = format!(
                    "{width}x{height}{}{}",
                    if high_contrast { " high contrast" } else { "" },
                    if large_text { " large text" } else { "" }
                );
                let display = Display {
                    high_contrast,
                    large_text,
                };
                walk_every_screen(&set, (width, height), display, &mut |name, window| {
                    window.global::<WordsInspection>().set_on(true);
                    // Laid out and drawn, as the person sees it.
                    let shot = window.window().take_snapshot()?;
                    screens += 1;
                    let found = words_not_whole(window, &ruler);
                    if !found.is_empty() && large_text && high_contrast {
                        sayso::ui::screenshots::save_png(
                            &shot,
                            &common::screenshot_dir()
                                .join(format!("words-{name}-{width}x{height}-hc-large.png")),
                        )?;
                    }
                    wrong.extend(found.into_iter().map(|w| format!("{name} {case}: {w}")));
                    Ok(())
                })
                .unwrap();
            }
        }
    }
    assert!(screens >= 12 * 15, "every screen was visited ({screens})");
    assert!(
        wrong.is_empty(),
        "{} words not whole:\n{}",
        wrong.len(),
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}
