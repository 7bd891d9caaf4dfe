//! `sayso report`: the person's views as they stand in the support plan, as a
//! table for people, or CSV and JSON for other tools, or a FHIR R4 bundle
//! for care-record systems ([`fhir`]).

pub mod fhir;
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
        let widths: Vec<usize> = (0..HEADINGS.len())
            .map(|c| {
                cells
                    .iter()
                    .map(|row| row[c].chars().count())
                    .chain([HEADINGS[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |row: [&str; 5]| {
            let padded: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            format!("  {}\n", padded.join("  ").trim_end())
        };
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(person);
        out.push('\n');
        out.push_str(&line(HEADINGS));
        for row in &cells {
            out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
        }
    }
    out
}

fn csv(rows: &[PreferenceRow]) -> String {
    let mut out = String::from(
        "person,topic,card,view,times_said,times_asked,times_skipped,since,last,changed_from,changed_until\n",
    );
    for r in rows {
        let fields = [
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
        ];
        let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
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
    fn json_is_a_list_of_rows() {
        let text = render(&[row("tea", "like")], Format::Json);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed[0]["card"], "tea");
        assert_eq!(parsed[0]["current_view"], "like");
        assert_eq!(parsed[0]["times_said"], 2);
    }
}
