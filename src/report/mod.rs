//! `sayso report`: the person's views as they stand in the support plan, as a
//! table for people, or CSV and JSON for other tools, or a FHIR R4 bundle
//! for care-record systems ([`fhir`]).

pub mod fhir;
pub mod house_evidence;
pub mod meeting;
pub mod meeting_pdf;
pub mod obl;
pub mod pdf;
pub mod review;

use chrono::{DateTime, Local, Utc};

use crate::store::PreferenceRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

pub fn render(rows: &[PreferenceRow], format: Format) -> String {
    match format {
        Format::Table => table(rows),
        Format::Csv => csv(rows),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(rows).expect("preference rows serialise");
            text.push('\n');
            text
        }
    }
}

/// A day as people read it, in local time: "3 Nov 2026".
pub fn readable_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%-d %b %Y").to_string()
}

fn local_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%Y-%m-%d").to_string()
}

/// A table per person: topic, card, current view, how many times, last date.
/// A changed view says what it was, and until when.
fn table(rows: &[PreferenceRow]) -> String {
    const HEADINGS: [&str; 5] = ["Topic", "Card", "View", "Times", "Last"];
    let mut out = String::new();
    let mut people: Vec<&str> = rows.iter().map(|r| r.person.as_str()).collect();
    people.dedup();
    for person in people {
        let cells: Vec<[String; 5]> = rows
            .iter()
            .filter(|r| r.person == person)
            .map(|r| {
                let view = match (&r.view.changed_from, r.view.changed_until) {
                    (Some(before), Some(until)) => {
                        format!(
                            "{} (was {before} until {})",
                            r.view.current_view,
                            local_date(until)
                        )
                    }
                    _ => r.view.current_view.clone(),
                };
                let mut times = format!("{} of {}", r.view.times_said, r.view.times_asked);
                if r.view.times_skipped > 0
                    && r.view.current_view != crate::core::preference::SKIPPED
                {
                    times.push_str(&format!(", {} skipped", r.view.times_skipped));
                }
                [
                    r.topic.clone(),
                    r.card.clone(),
                    view,
                    times,
                    local_date(r.view.last_at),
                ]
            })
            .collect();
        // Columns measured by how wide each character shows (a Chinese
        // character or an emoji takes two), not by counting characters.
        let mut table = comfy_table::Table::new();
        table
            .load_style(comfy_table::presets::NOTHING)
            .set_content_arrangement(comfy_table::ContentArrangement::Disabled)
            .set_header(HEADINGS)
            .add_rows(cells);
        for column in table.column_iter_mut() {
            column.set_padding((0, 2));
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(person);
        out.push('\n');
        for line in table.lines() {
            out.push_str(&format!("  {}\n", line.trim_end()));
        }
    }
    out
}

const CSV_HEADINGS: [&str; 11] = [
    "person",
    "topic",
    "card",
    "view",
    "times_said",
    "times_asked",
    "times_skipped",
    "since",
    "last",
    "changed_from",
    "changed_until",
];

fn csv(rows: &[PreferenceRow]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut write = |fields: &[String]| {
        writer
            .write_record(fields.iter().map(|f| inert(f).into_owned()))
            .expect("CSV into memory")
    };
    write(&CSV_HEADINGS.map(String::from));
    for r in rows {
        write(&[
            r.person.clone(),
            r.topic.clone(),
            r.card.clone(),
            r.view.current_view.clone(),
            r.view.times_said.to_string(),
            r.view.times_asked.to_string(),
            r.view.times_skipped.to_string(),
            r.view.since.to_rfc3339(),
            r.view.last_at.to_rfc3339(),
            r.view.changed_from.clone().unwrap_or_default(),
            r.view
                .changed_until
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
        ]);
    }
    let bytes = writer.into_inner().expect("CSV into memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields")
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return first) starts with an apostrophe instead, as
/// OWASP recommends for CSV: a label a family typed as
/// `=HYPERLINK(…)` stays words in a staff member's spreadsheet.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::core::PreferenceSummary;

    fn row(card: &str, view: &str) -> PreferenceRow {
        let at = Utc.with_ymd_and_hms(2026, 10, 3, 12, 0, 0).unwrap();
        PreferenceRow {
            person: "Alex".into(),
            topic: "Food".into(),
            card: card.into(),
            view: PreferenceSummary {
                current_view: view.into(),
                times_asked: 3,
                times_said: 2,
                times_skipped: 0,
                since: at,
                last_at: at,
                changed_from: None,
                changed_until: None,
            },
        }
    }

    #[test]
    fn the_table_says_a_change_and_its_date() {
        let mut changed = row("swimming", "don't like");
        changed.view.changed_from = Some("like".into());
        changed.view.changed_until = Some(Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap());
        let text = render(&[changed, row("tea", "like")], Format::Table);
        assert!(
            text.contains("don't like (was like until 2026-10-01)"),
            "{text}"
        );
        assert!(text.contains("2 of 3"), "{text}");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let text = render(&[row("fish, chips", "don't like")], Format::Csv);
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.starts_with("Alex,Food,\"fish, chips\",don't like,2,3,0,"),
            "{line}"
        );
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_stay_words() {
        let labels = [
            "=HYPERLINK(\"http://example.com\",\"tea\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\ttab",
            "\rreturn",
        ];
        let rows: Vec<PreferenceRow> = labels.iter().map(|l| row(l, "like")).collect();
        let text = render(&rows, Format::Csv);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let cards: Vec<String> = reader
            .records()
            .map(|r| r.unwrap().get(2).unwrap().to_string())
            .collect();
        assert_eq!(cards.len(), labels.len());
        for (card, label) in cards.iter().zip(labels) {
            assert_eq!(card, &format!("'{label}"), "{text}");
        }
        // Words that only contain such a sign are left as they are.
        assert_eq!(inert("fish - chips"), "fish - chips");
    }

    #[test]
    fn the_table_lines_up_wide_characters() {
        let text = render(
            &[
                row("茶", "like"),
                row("🍕 pizza", "like"),
                row("چائے", "like"),
            ],
            Format::Table,
        );
        // Each row's view starts at the same column as the heading's, as
        // wide as it shows.
        let column = |line: &str| {
            let at = line.find("like").or_else(|| line.find("View")).unwrap();
            unicode_width::UnicodeWidthStr::width(&line[..at])
        };
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), 4, "{text}");
        let heading = column(lines[0]);
        for line in &lines[1..] {
            assert_eq!(column(line), heading, "{text}");
        }
    }

    #[test]
    fn json_is_a_list_of_rows() {
        let text = render(&[row("tea", "like")], Format::Json);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed[0]["card"], "tea");
        assert_eq!(parsed[0]["current_view"], "like");
        assert_eq!(parsed[0]["times_said"], 2);
    }
}
