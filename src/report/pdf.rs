//! The review-meeting report as a PDF (krilla): A4, real text in an
//! embedded font (searchable, and `pdftotext` reads it back), and the
//! pictures of the most recent kept mats of the period that reached the
//! support plan.

use std::path::Path;

use krilla::geom::{Point, Size, Transform};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use super::readable_date as date;
use super::review::ReviewReport;

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
/// DejaVu Sans is wide: no line of text is wider than this many ems.
const AVERAGE_ADVANCE: f32 = 0.6;
const FONT_DIRS: [&str; 2] = [
    "/usr/share/fonts/truetype/dejavu",
    "/usr/local/share/fonts/truetype/dejavu",
];

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no font to write the PDF with: install fonts-dejavu-core (looked in {0})")]
    NoFont(String),
    #[error("the PDF could not be made: {0}")]
    Writer(String),
}

enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Picture {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        image: Image,
    },
}

/// Lines and pictures placed on pages, top to bottom.
struct Layout {
    pages: Vec<Vec<Item>>,
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn room_for(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn push(&mut self, item: Item) {
        self.pages.last_mut().expect("a page").push(item);
    }

    /// Text wrapped at word boundaries to the page's width.
    fn text(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        let per_line = ((PAGE_WIDTH - 2.0 * MARGIN - indent) / (size * AVERAGE_ADVANCE)) as usize;
        let line_height = size * 1.35;
        for line in wrap(text, per_line.max(10)) {
            self.room_for(line_height);
            self.y += line_height;
            self.push(Item::Text {
                x: MARGIN + indent,
                y: self.y,
                size,
                bold,
                text: line,
            });
        }
    }

    fn heading(&mut self, text: &str) {
        self.y += 10.0;
        self.room_for(60.0);
        self.text(text, 15.0, true, 0.0);
        self.y += 4.0;
    }

    fn subheading(&mut self, text: &str) {
        self.y += 4.0;
        self.room_for(40.0);
        self.text(text, 12.0, true, 0.0);
    }

    fn line(&mut self, text: &str) {
        self.text(text, 10.5, false, 0.0);
    }

    fn bullet(&mut self, text: &str) {
        self.text(&format!("• {text}"), 10.5, false, 8.0);
    }

    fn picture(&mut self, image: Image, caption: &str) {
        let (w, h) = image.size();
        let width = 300.0;
        let height = width * h as f32 / w.max(1) as f32;
        self.room_for(height + 30.0);
        self.y += 6.0;
        self.push(Item::Picture {
            x: MARGIN,
            y: self.y,
            width,
            height,
            image,
        });
        self.y += height;
        self.text(caption, 9.0, false, 0.0);
    }
}

/// One sentence after another, with one full stop between them however the
/// first one ended ("the driver." and "done" never make "the driver..").
fn then(first: String, next: &str) -> String {
    let ended = first.ends_with(['.', '!', '?']);
    format!("{first}{} {next}", if ended { "" } else { "." })
}

fn wrap(text: &str, per_line: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn fonts() -> Result<(Font, Font), PdfError> {
    let load = |name: &str| {
        FONT_DIRS.iter().find_map(|dir| {
            let data = std::fs::read(Path::new(dir).join(name)).ok()?;
            Font::new(data.into(), 0)
        })
    };
    match (load("DejaVuSans.ttf"), load("DejaVuSans-Bold.ttf")) {
        (Some(regular), Some(bold)) => Ok((regular, bold)),
        _ => Err(PdfError::NoFont(FONT_DIRS.join(", "))),
    }
}

/// The report as PDF bytes.
pub fn review_pdf(report: &ReviewReport) -> Result<Vec<u8>, PdfError> {
    let (regular, bold) = fonts()?;
    let person = &report.person.name;
    let mut layout = Layout::new();
    layout.text(&format!("{person}: review-meeting report"), 20.0, true, 0.0);
    layout.line(&format!(
        "{} to {}",
        report.from.format("%-d %b %Y"),
        report.to.format("%-d %b %Y")
    ));

    layout.heading("One-page profile");
    let written: Vec<_> = report
        .profile
        .iter()
        .filter(|(_, body)| !body.trim().is_empty())
        .collect();
    if written.is_empty() {
        layout.line("Not written yet.");
    }
    for (section, body) in written {
        layout.subheading(section.heading());
        for line in body.lines() {
            layout.line(line);
        }
    }

    layout.heading(&format!("What {person} says now"));
    if report.views.is_empty() {
        layout.line("No views yet.");
    }
    for topic in &report.views {
        layout.subheading(&topic.title);
        for card in &topic.cards {
            let times = if card.times_said == 1 {
                "time"
            } else {
                "times"
            };
            let mut line = format!(
                "{}: {} (said {} {times} out of {} since {}; {})",
                card.label,
                card.view,
                card.times_said,
                card.times_asked,
                date(card.since),
                card.standing.as_str()
            );
            if let Some(before) = &card.changed_from {
                line.push_str(&format!("; was {before} before"));
            }
            layout.bullet(&line);
            // Staff's reasons and notes go to the meeting with the view.
            for note in &card.notes {
                let mut said = format!("{} by {}, {}", note.kind, note.by_whom, date(note.at));
                if !note.body.is_empty() {
                    said.push_str(&format!(": {}", note.body));
                }
                layout.text(&said, 10.0, false, 28.0);
            }
        }
    }

    layout.heading("What changed in this period");
    if report.changes.is_empty() {
        layout.line("No view changed.");
    }
    for change in &report.changes {
        layout.bullet(&format!(
            "{} ({}): was {}, now {} since {}",
            change.card,
            change.topic,
            change.before,
            change.now,
            date(change.since)
        ));
    }

    layout.heading(&format!("“Something else”: cards {person} added"));
    if report.something_else.is_empty() {
        layout.line("None in this period.");
    }
    for added in &report.something_else {
        let view = added.view.as_deref().unwrap_or("skipped");
        layout.bullet(&format!(
            "{} ({}, {}): {view}",
            added.label,
            added.topic,
            date(added.at)
        ));
    }

    layout.heading("Actions");
    if report.actions.is_empty() {
        layout.line("No actions in this period.");
    }
    for action in &report.actions {
        let mut line = format!(
            "{} ({}): {}",
            action.what.trim_end_matches('.'),
            action.who,
            action.status.as_str()
        );
        if let Some(note) = action.outcome_note.as_deref().filter(|n| !n.is_empty()) {
            line = then(line, note);
        }
        if let Some(words) = &action.tell_person {
            line = match &action.told {
                Some((answer, at)) => then(
                    line,
                    &format!(
                        "Told {person} on {}: “{words}”, who answered: {answer}",
                        date(*at)
                    ),
                ),
                None => then(line, &format!("To tell {person}: “{words}” (not told yet)")),
            };
        }
        layout.bullet(&line);
    }

    layout.heading(&format!("Mats in this period: {}", report.mats.len()));
    for mat in &report.mats {
        let with = mat
            .supporter
            .as_deref()
            .map_or("on their own".to_string(), |s| format!("with {s}"));
        let what = if mat.outcome == "declined" {
            "said “not now”".to_string()
        } else if mat.outcome == "partial" {
            format!(
                "left part-way with {} placed (not counted)",
                mat.cards_placed
            )
        } else {
            format!("{} placed, {} skipped", mat.cards_placed, mat.cards_skipped)
        };
        let practice = if mat.practice {
            " (practice: not counted)"
        } else {
            ""
        };
        layout.bullet(&format!(
            "{}: {}, {what}, {with}{practice}",
            date(mat.finished_at),
            mat.topic_title,
        ));
    }
    if !report.kept.is_empty() {
        // The heading goes with its first picture.
        layout.room_for(280.0);
        layout.heading("Kept mats");
        for kept in &report.kept {
            let caption = format!("{}, {}", kept.topic, date(kept.finished_at));
            let data = kept.bytes.clone().into();
            let image = match kept.media_type.as_str() {
                "image/jpeg" => Image::from_jpeg(data, true),
                _ => Image::from_png(data, true),
            };
            match image {
                Ok(image) => layout.picture(image, &caption),
                Err(_) => layout.line(&format!("{caption}: the picture cannot be read.")),
            }
        }
    }

    let mut document = Document::new();
    for items in layout.pages {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Writer("an A4 page".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for item in items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    text,
                } => {
                    let font = if is_bold {
                        bold.clone()
                    } else {
                        regular.clone()
                    };
                    surface.draw_text(
                        Point::from_xy(x, y),
                        font,
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Item::Picture {
                    x,
                    y,
                    width,
                    height,
                    image,
                } => {
                    let size = Size::from_wh(width, height)
                        .ok_or_else(|| PdfError::Writer("a picture's size".into()))?;
                    surface.push_transform(&Transform::from_translate(x, y));
                    surface.draw_image(image, size);
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Writer(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_follow_one_another_with_one_full_stop() {
        assert_eq!(
            then("Ask the driver.".into(), "Done"),
            "Ask the driver. Done"
        );
        assert_eq!(
            then("Ask the driver".into(), "Done"),
            "Ask the driver. Done"
        );
    }

    #[test]
    fn text_wraps_at_words_and_never_loses_one() {
        let text =
            "You said you don't like swimming, so Jo found a new class: trampolining on Tuesdays.";
        let lines = wrap(text, 20);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("", 20), [""]);
    }
}
