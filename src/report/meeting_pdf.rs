//! The residents' meeting report as an easy-read PDF, for the table at the
//! meeting and the noticeboard: big words, one card at a time, each point
//! of the scale with its own symbol (never its colour alone), and every
//! count under three said as "fewer than 3". Names appear only for
//! residents who agreed to be named.

use krilla::image::Image;

use super::meeting::MeetingReport;
use super::pdf::{write_document, Layout, PdfError};
use super::readable_date as date;
use crate::core::house_question::Count;
use crate::library::bundled::scale_symbol;
use crate::library::picture::decode_svg_bytes;
use crate::store::ActionStatus;

/// How big a scale point's symbol is drawn, in points.
const SYMBOL: f32 = 34.0;
/// How big a card's picture is drawn, in points.
const CARD_PICTURE: f32 = 72.0;

/// The cards' pictures by hash, as the plan keeps them (JPEG or PNG).
pub type CardPictures = std::collections::HashMap<String, Vec<u8>>;

/// A card's picture as an image for the PDF; none when it cannot be read
/// (the card's words are there anyway).
fn card_image(bytes: &[u8]) -> Option<Image> {
    let data: krilla::Data = bytes.to_vec().into();
    if bytes.starts_with(&[0xFF, 0xD8]) {
        Image::from_jpeg(data, true)
    } else {
        Image::from_png(data, true)
    }
    .ok()
}

/// A bundled symbol as an image for the PDF (its colours straight, not
/// multiplied by their transparency as drawing gives them).
fn symbol_image(symbol: &str) -> Option<Image> {
    let name = symbol.strip_prefix("bundled:scales/")?;
    let svg = scale_symbol(name)?;
    let pixels = decode_svg_bytes(svg.as_bytes(), 96).ok()?;
    let mut rgba = pixels.rgba;
    if pixels.premultiplied {
        for pixel in rgba.chunks_exact_mut(4) {
            let alpha = u16::from(pixel[3]);
            for channel in &mut pixel[..3] {
                let straight = (u16::from(*channel) * 255 + alpha / 2).checked_div(alpha);
                *channel = straight.map_or(0, |c| c.min(255) as u8);
            }
        }
    }
    Some(Image::from_rgba8(rgba, pixels.width, pixels.height))
}

fn people(count: Count) -> String {
    match count {
        Count::Shown(1) => "1 person".to_string(),
        Count::Shown(n) => format!("{n} people"),
        Count::FewerThanThree => "fewer than 3 people".to_string(),
    }
}

/// The report as PDF bytes, with the cards' `pictures`.
pub fn meeting_pdf(report: &MeetingReport, pictures: &CardPictures) -> Result<Vec<u8>, PdfError> {
    let question = &report.question;
    let counts = &report.counts;
    let mut layout = Layout::new();
    layout.big_title(&question.title);
    layout.big_line(&question.question);
    layout.big_line(&format!(
        "Asked from {} to {}.",
        date(question.opens),
        date(question.closes - chrono::Duration::seconds(1))
    ));
    layout.big_heading("Who answered");
    layout.big_line(&format!(
        "{} of {} residents answered.",
        counts.answered, counts.asked
    ));
    layout.big_line(&format!(
        "On their own: {}. With help: {}.",
        people(counts.alone),
        people(counts.helped)
    ));
    layout.big_line("We do not show a number under 3, so nobody's answer can be told.");
    let symbols: Vec<Option<Image>> = report
        .scale
        .points
        .iter()
        .map(|p| symbol_image(&p.symbol))
        .collect();
    for card in &counts.cards {
        let picture = report
            .picture_of(&card.card)
            .and_then(|hash| pictures.get(hash))
            .and_then(|bytes| card_image(bytes));
        match picture {
            Some(image) => layout.pictured_heading(
                image,
                CARD_PICTURE,
                &format!("The picture of {}", card.label),
                &card.label,
            ),
            None => layout.big_heading(&card.label),
        }
        for ((point, count), symbol) in report.scale.points.iter().zip(&card.points).zip(&symbols) {
            let words = format!("{}: {}", point.label, people(*count));
            match symbol {
                Some(image) => layout.symbol_line(image.clone(), SYMBOL, &point.label, &words),
                None => layout.big_line(&words),
            }
        }
    }
    if counts
        .something_else
        .iter()
        .any(|c| *c != Count::FewerThanThree)
    {
        layout.big_heading("Something else");
        for (point, count) in report.scale.points.iter().zip(&counts.something_else) {
            layout.big_line(&format!("{}: {}", point.label, people(*count)));
        }
    }
    decisions_part(&mut layout, report);
    named_part(&mut layout, report);
    write_document(layout, question.title.clone())
}

/// What the last meeting decided and what became of it; what this one decided.
fn decisions_part(layout: &mut Layout, report: &MeetingReport) {
    if !report.earlier_decisions.is_empty() {
        let done = report
            .earlier_decisions
            .iter()
            .filter(|d| d.status == ActionStatus::Done)
            .count();
        layout.big_heading("Last time we decided");
        layout.big_line(&format!(
            "{done} of {} things are done.",
            report.earlier_decisions.len()
        ));
        for d in &report.earlier_decisions {
            let state = match d.status {
                ActionStatus::Done => "done",
                ActionStatus::Open => "not done yet",
                ActionStatus::Dropped => "we stopped",
            };
            layout.big_bullet(&format!(
                "{}: {} ({state})",
                report.label_of(&d.card),
                d.what
            ));
        }
    }
    if !report.decisions.is_empty() {
        layout.big_heading("What we decided");
        for d in &report.decisions {
            let by = d.due.map_or_else(String::new, |due| {
                format!(", by {}", due.format("%-d %b %Y"))
            });
            layout.big_bullet(&format!(
                "{}: {} ({}{by})",
                report.label_of(&d.card),
                d.what,
                d.who
            ));
        }
    }
}

/// The answers of residents who agreed to be named.
fn named_part(layout: &mut Layout, report: &MeetingReport) {
    let counts = &report.counts;
    if !counts.named.is_empty() {
        layout.big_heading("Residents who wanted their answers shown");
        for named in &counts.named {
            let said: Vec<String> = named
                .placements
                .iter()
                .map(|p| {
                    let view = p
                        .point
                        .and_then(|i| report.scale.points.get(i))
                        .map_or("skipped", |point| point.label.as_str());
                    format!("{}: {view}", p.label)
                })
                .collect();
            layout.big_bullet(&format!(
                "{}. {}",
                report.name_of(&named.person),
                said.join(". ")
            ));
        }
    }
}
