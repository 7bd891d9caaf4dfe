//! The review-meeting report as a PDF (krilla): A4, real text in an
//! embedded font (searchable, and `pdftotext` reads it back), and the
//! pictures of the most recent kept mats of the period that reached the
//! support plan. The PDF is tagged: a screen reader finds its title,
//! headings, lists and pictures (with words for each picture) in reading
//! order, and the document says its title and language.

use std::path::Path;

use std::num::NonZeroU16;

use krilla::geom::{Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::tagging::{
    ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::Document;

use super::readable_date as date;
use super::review::ReviewReport;
use crate::core::MatOutcome;

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

/// What a run of lines is, for whoever reads the PDF without seeing it.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Title,
    Heading,
    Subheading,
    Paragraph,
    /// A list item's mark ("•").
    Mark,
    /// A list item's words, after its mark.
    Bullet,
    /// Words under a list item (staff's reasons and notes).
    BulletNote,
    /// A picture, with the words that say what it shows.
    Figure(String),
}

enum Item {
    Text {
        block: usize,
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Picture {
        block: usize,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        image: Image,
    },
}

impl Item {
    fn block(&self) -> usize {
        match self {
            Item::Text { block, .. } | Item::Picture { block, .. } => *block,
        }
    }
}

/// Lines and pictures placed on pages, top to bottom, each belonging to a
/// block in reading order.
pub(super) struct Layout {
    pages: Vec<Vec<Item>>,
    blocks: Vec<Block>,
    y: f32,
}

impl Layout {
    pub(super) fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            blocks: Vec::new(),
            y: MARGIN,
        }
    }

    fn begin(&mut self, block: Block) -> usize {
        self.blocks.push(block);
        self.blocks.len() - 1
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

    /// Text wrapped at word boundaries to the page's width, as one block.
    fn text(&mut self, block: Block, text: &str, size: f32, bold: bool, indent: f32) {
        let block = self.begin(block);
        let per_line = ((PAGE_WIDTH - 2.0 * MARGIN - indent) / (size * AVERAGE_ADVANCE)) as usize;
        let line_height = size * 1.35;
        for line in wrap(text, per_line.max(10)) {
            self.room_for(line_height);
            self.y += line_height;
            self.push(Item::Text {
                block,
                x: MARGIN + indent,
                y: self.y,
                size,
                bold,
                text: line,
            });
        }
    }

    pub(super) fn title(&mut self, text: &str) {
        self.text(Block::Title, text, 20.0, true, 0.0);
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.y += 10.0;
        self.room_for(60.0);
        self.text(Block::Heading, text, 15.0, true, 0.0);
        self.y += 4.0;
    }

    pub(super) fn subheading(&mut self, text: &str) {
        self.y += 4.0;
        self.room_for(40.0);
        self.text(Block::Subheading, text, 12.0, true, 0.0);
    }

    pub(super) fn line(&mut self, text: &str) {
        self.text(Block::Paragraph, text, 10.5, false, 0.0);
    }

    pub(super) fn bullet(&mut self, text: &str) {
        self.bullet_of_size(text, 10.5);
    }

    /// A list item in big words, for an easy-read page.
    pub(super) fn big_bullet(&mut self, text: &str) {
        self.bullet_of_size(text, 16.0);
    }

    fn bullet_of_size(&mut self, text: &str, size: f32) {
        self.room_for(size * 1.35);
        let mark = self.begin(Block::Mark);
        self.push(Item::Text {
            block: mark,
            x: MARGIN + 8.0,
            y: self.y + size * 1.35,
            size,
            bold: false,
            text: "•".into(),
        });
        self.text(Block::Bullet, text, size, false, 8.0 + size);
    }

    /// A title and headings in big words, for an easy-read page.
    pub(super) fn big_title(&mut self, text: &str) {
        self.text(Block::Title, text, 26.0, true, 0.0);
    }

    pub(super) fn big_heading(&mut self, text: &str) {
        self.y += 12.0;
        self.room_for(80.0);
        self.text(Block::Heading, text, 20.0, true, 0.0);
        self.y += 4.0;
    }

    /// A line in big words, for an easy-read page.
    pub(super) fn big_line(&mut self, text: &str) {
        self.text(Block::Paragraph, text, 16.0, false, 0.0);
    }

    /// A symbol with its words beside it, in big words: a scale's point and
    /// how many put a card there. `alt` says what the symbol shows.
    pub(super) fn symbol_line(&mut self, image: Image, side: f32, alt: &str, text: &str) {
        self.room_for(side + 6.0);
        self.y += 4.0;
        self.beside(image, side, alt, (Block::Paragraph, text, 16.0, false));
        self.y += side;
    }

    /// A heading with a picture before it, in big words: a card of a
    /// question for the house. `alt` says what the picture shows.
    pub(super) fn pictured_heading(&mut self, image: Image, side: f32, alt: &str, text: &str) {
        self.y += 12.0;
        self.room_for(side + 80.0);
        self.beside(image, side, alt, (Block::Heading, text, 20.0, true));
        self.y += side + 4.0;
    }

    /// A picture at the left margin, and one line of words (block, text,
    /// size, bold) beside its middle.
    fn beside(&mut self, image: Image, side: f32, alt: &str, words: (Block, &str, f32, bool)) {
        let (kind, text, size, bold) = words;
        let block = self.begin(Block::Figure(alt.to_string()));
        self.push(Item::Picture {
            block,
            x: MARGIN,
            y: self.y,
            width: side,
            height: side,
            image,
        });
        let words = self.begin(kind);
        self.push(Item::Text {
            block: words,
            x: MARGIN + side + 10.0,
            y: self.y + side / 2.0 + size * 0.35,
            size,
            bold,
            text: text.to_string(),
        });
    }

    fn bullet_note(&mut self, text: &str) {
        self.text(Block::BulletNote, text, 10.0, false, 28.0);
    }

    fn picture(&mut self, image: Image, caption: &str) {
        let (w, h) = image.size();
        let width = 300.0;
        let height = width * h as f32 / w.max(1) as f32;
        self.room_for(height + 30.0);
        self.y += 6.0;
        let block = self.begin(Block::Figure(format!("The kept mat: {caption}")));
        self.push(Item::Picture {
            block,
            x: MARGIN,
            y: self.y,
            width,
            height,
            image,
        });
        self.y += height;
        self.text(Block::Paragraph, caption, 9.0, false, 0.0);
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
    let person = &report.person.name;
    let mut layout = Layout::new();
    let title = format!("{person}: review-meeting report");
    layout.title(&title);
    layout.line(&format!(
        "{} to {}",
        report.from.format("%-d %b %Y"),
        report.to.format("%-d %b %Y")
    ));

    profile_section(&mut layout, report);
    views_section(&mut layout, report);
    changes_section(&mut layout, report);
    something_else_section(&mut layout, report);
    actions_section(&mut layout, report);
    mats_section(&mut layout, report);
    kept_section(&mut layout, report);
    write_document(layout, title)
}

/// The one-page profile, as written.
fn profile_section(layout: &mut Layout, report: &ReviewReport) {
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
}

/// What the person says now, each view with staff's verdicts and notes.
fn views_section(layout: &mut Layout, report: &ReviewReport) {
    let person = &report.person.name;
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
                layout.bullet_note(&said);
            }
        }
    }
}

/// Views that changed in the period.
fn changes_section(layout: &mut Layout, report: &ReviewReport) {
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
}

/// Cards the person added ("something else").
fn something_else_section(layout: &mut Layout, report: &ReviewReport) {
    let person = &report.person.name;
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
}

/// Actions, with what the person was told and answered.
fn actions_section(layout: &mut Layout, report: &ReviewReport) {
    let person = &report.person.name;
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
}

/// The period's mats, and how each was made.
fn mats_section(layout: &mut Layout, report: &ReviewReport) {
    layout.heading(&format!("Mats in this period: {}", report.mats.len()));
    for mat in &report.mats {
        let with = mat
            .supporter
            .as_deref()
            .map_or("on their own".to_string(), |s| format!("with {s}"));
        let what = match mat.outcome {
            MatOutcome::Declined => "said “not now”".to_string(),
            MatOutcome::Partial => format!(
                "left part-way with {} placed (not counted)",
                mat.cards_placed
            ),
            MatOutcome::Finished => {
                format!("{} placed, {} skipped", mat.cards_placed, mat.cards_skipped)
            }
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
}

/// The kept mats' pictures.
fn kept_section(layout: &mut Layout, report: &ReviewReport) {
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
}

/// The laid-out pages as a tagged PDF.
pub(super) fn write_document(layout: Layout, title: String) -> Result<Vec<u8>, PdfError> {
    let (regular, bold) = fonts()?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title)
            .language(LANGUAGE.into())
            .creator("sayso".into()),
    );
    let mut drawn: Vec<Vec<Identifier>> = vec![Vec::new(); layout.blocks.len()];
    for items in layout.pages {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Writer("an A4 page".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for item in items {
            let block = item.block();
            let id = draw(&mut surface, item, &regular, &bold)?;
            drawn[block].push(id);
        }
        surface.finish();
        page.finish();
    }
    document.set_tag_tree(tag_tree(&layout.blocks, drawn));
    document
        .finish()
        .map_err(|e| PdfError::Writer(format!("{e:?}")))
}

const LANGUAGE: &str = "en-GB";

/// Draws one line or picture, marked as what it is.
fn draw(
    surface: &mut Surface<'_>,
    item: Item,
    regular: &Font,
    bold: &Font,
) -> Result<Identifier, PdfError> {
    match item {
        Item::Text {
            x,
            y,
            size,
            bold: is_bold,
            text,
            ..
        } => {
            let font = if is_bold { bold } else { regular };
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                size,
                &text,
                false,
                TextDirection::Auto,
            );
            surface.end_tagged();
            Ok(id)
        }
        Item::Picture {
            x,
            y,
            width,
            height,
            image,
            ..
        } => {
            let size = Size::from_wh(width, height)
                .ok_or_else(|| PdfError::Writer("a picture's size".into()))?;
            let id = surface.start_tagged(ContentTag::Other);
            surface.push_transform(&Transform::from_translate(x, y));
            surface.draw_image(image, size);
            surface.pop();
            surface.end_tagged();
            Ok(id)
        }
    }
}

/// The document's structure in reading order: a title, headings, lists
/// whose items hold their notes, and pictures with their words.
fn tag_tree(blocks: &[Block], drawn: Vec<Vec<Identifier>>) -> TagTree {
    fn group(kind: impl Into<TagKind>, ids: Vec<Identifier>) -> TagGroup {
        TagGroup::with_children(kind, ids.into_iter().map(Node::from).collect())
    }
    fn heading(level: u16, ids: Vec<Identifier>) -> TagGroup {
        let level = NonZeroU16::new(level).expect("a heading level above 0");
        group(Tag::Hn(level, None), ids)
    }
    let mut tree = TagTree::new().with_lang(Some(LANGUAGE.into()));
    let mut list: Option<TagGroup> = None;
    let mut item: Option<(Vec<Identifier>, TagGroup)> = None;
    let close_item = |list: &mut Option<TagGroup>,
                      item: &mut Option<(Vec<Identifier>, TagGroup)>| {
        if let Some((mark, body)) = item.take() {
            let entry =
                TagGroup::with_children(Tag::LI, vec![group(Tag::Lbl, mark).into(), body.into()]);
            list.get_or_insert_with(|| TagGroup::new(Tag::L(ListNumbering::Disc)))
                .push(entry);
        }
    };
    for (block, ids) in blocks.iter().zip(drawn) {
        match block {
            Block::Mark => {
                close_item(&mut list, &mut item);
                item = Some((ids, TagGroup::new(Tag::LBody)));
            }
            Block::Bullet | Block::BulletNote => match item.as_mut() {
                Some((_, body)) => body.push(group(Tag::P, ids)),
                None => tree.push(group(Tag::P, ids)),
            },
            other => {
                close_item(&mut list, &mut item);
                if let Some(list) = list.take() {
                    tree.push(list);
                }
                tree.push(match other {
                    Block::Title => heading(1, ids),
                    Block::Heading => heading(2, ids),
                    Block::Subheading => heading(3, ids),
                    Block::Figure(words) => group(Tag::Figure(Some(words.clone())), ids),
                    _ => group(Tag::P, ids),
                });
            }
        }
    }
    close_item(&mut list, &mut item);
    if let Some(list) = list {
        tree.push(list);
    }
    tree
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
