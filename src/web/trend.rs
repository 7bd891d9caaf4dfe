//! A card's answers over time as a small SVG chart, drawn on the server:
//! one row per scale point (labelled), one marker per answer, a line from
//! each answer to the next. Each point has its own marker shape as well as
//! its row, so the chart reads without colour; a skipped card is a hollow
//! mark on a row of its own.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use maud::{html, Markup};

use crate::store::ports::staff::AnswerAt;

/// More answers than this are drawn a week at a time.
const MAX_MARKS: usize = 60;

const WIDTH: f64 = 300.0;
const LABEL_WIDTH: f64 = 90.0;
const ROW: f64 = 22.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

fn marker(shape: usize, x: f64, y: f64) -> Markup {
    let r = 6.0;
    match shape % 3 {
        0 => html! { circle cx=(x) cy=(y) r=(r) fill="currentColor" {} },
        1 => {
            html! { rect x=(x - r) y=(y - r) width=(2.0 * r) height=(2.0 * r) fill="currentColor" {} }
        }
        _ => html! {
            polygon points={ (x) "," (y - r) " " (x + r) "," (y + r) " " (x - r) "," (y + r) }
                fill="currentColor" {}
        },
    }
}

/// The same answer given over a stretch of time.
struct Run {
    point: Option<usize>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    count: usize,
}

/// Many answers, a mark per week: the answer given most often that week
/// (the latest of those tied), never an average between points.
pub fn by_week(answers: &[AnswerAt]) -> Vec<AnswerAt> {
    let mut weeks: BTreeMap<(i32, u32), Vec<AnswerAt>> = BTreeMap::new();
    for answer in answers {
        let week = answer.0.iso_week();
        weeks
            .entry((week.year(), week.week()))
            .or_default()
            .push(*answer);
    }
    weeks
        .into_values()
        .map(|week| {
            let mut counts: BTreeMap<Option<usize>, (usize, DateTime<Utc>)> = BTreeMap::new();
            for (at, point) in &week {
                let entry = counts.entry(*point).or_insert((0, *at));
                entry.0 += 1;
                entry.1 = entry.1.max(*at);
            }
            let (point, _) = counts
                .into_iter()
                .max_by_key(|(_, (count, latest))| (*count, *latest))
                .expect("a week has an answer");
            (week[0].0, point)
        })
        .collect()
}

/// The chart of one card's `answers` (oldest first) on a scale of `points`.
pub fn chart(card: &str, points: &[String], answers: &[AnswerAt]) -> Markup {
    if answers.is_empty() {
        return html! {};
    }
    let weekly = answers.len() > MAX_MARKS;
    let weeks;
    let answers = if weekly {
        weeks = by_week(answers);
        weeks.as_slice()
    } else {
        answers
    };
    let skipped_row = points.len();
    let rows = points.len() + usize::from(answers.iter().any(|(_, p)| p.is_none()));
    let height = TOP + ROW * rows as f64 + BOTTOM;
    let first = answers[0].0;
    let last = answers[answers.len() - 1].0;
    let span = (last - first).num_seconds().max(1) as f64;
    let x_of = |at: DateTime<Utc>| {
        if answers.len() == 1 {
            LABEL_WIDTH + (WIDTH - LABEL_WIDTH) / 2.0
        } else {
            LABEL_WIDTH
                + 8.0
                + (at - first).num_seconds() as f64 / span * (WIDTH - LABEL_WIDTH - 16.0)
        }
    };
    let y_of = |row: usize| TOP + ROW * row as f64 + ROW / 2.0;
    let row_of = |point: Option<usize>| point.unwrap_or(skipped_row);
    // Said in words by runs: "like on 3 Nov and 10 Nov, then don't like on 17 Nov".
    let mut runs: Vec<Run> = Vec::new();
    for (at, point) in answers {
        match runs.last_mut() {
            Some(run) if run.point == *point => {
                run.until = *at;
                run.count += 1;
            }
            _ => runs.push(Run {
                point: *point,
                from: *at,
                until: *at,
                count: 1,
            }),
        }
    }
    let described: Vec<String> = runs
        .iter()
        .map(
            |Run {
                 point,
                 from,
                 until,
                 count,
             }| {
                let said = point
                    .and_then(|p| points.get(p).cloned())
                    .unwrap_or_else(|| "skipped".to_string());
                match count {
                    1 => format!("{said} on {}", from.format("%-d %b")),
                    2 => format!(
                        "{said} on {} and {}",
                        from.format("%-d %b"),
                        until.format("%-d %b")
                    ),
                    _ => format!(
                        "{said} from {} to {}",
                        from.format("%-d %b"),
                        until.format("%-d %b")
                    ),
                }
            },
        )
        .collect();
    let summary = if weekly {
        format!(
            "{card} over time, the answer given most each week: {}",
            described.join(", then ")
        )
    } else {
        format!("{card} over time: {}", described.join(", then "))
    };
    let steps: String = answers
        .iter()
        .map(|(at, point)| format!("{:.1},{:.1}", x_of(*at), y_of(row_of(*point))))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        svg.trend viewBox={ "0 0 " (WIDTH) " " (height) } role="img" aria-label=(summary) {
            title { (summary) }
            @for (row, label) in points.iter().enumerate() {
                text x="0" y=(y_of(row) + 4.0) font-size="12" fill="currentColor" { (label) }
                line x1=(LABEL_WIDTH) x2=(WIDTH) y1=(y_of(row)) y2=(y_of(row))
                    stroke="currentColor" stroke-opacity="0.25" {}
            }
            @if rows > points.len() {
                text x="0" y=(y_of(skipped_row) + 4.0) font-size="12" fill="currentColor" { "skipped" }
            }
            polyline points=(steps) fill="none" stroke="currentColor" stroke-width="1.5" {}
            @for (i, (at, point)) in answers.iter().enumerate() {
                // Week by week, a mark where the answer changes (and at both
                // ends); answer by answer, a mark for each.
                @let changed = i == 0 || i + 1 == answers.len() || answers[i - 1].1 != *point;
                @if !weekly || changed {
                    @match point {
                        Some(p) => { (marker(*p, x_of(*at), y_of(*p))) }
                        None => {
                            circle cx=(x_of(*at)) cy=(y_of(skipped_row)) r="5" fill="none"
                                stroke="currentColor" stroke-width="2" {}
                        }
                    }
                }
            }
            text x=(LABEL_WIDTH) y=(height - 8.0) font-size="11" fill="currentColor" { (first.format("%-d %b %Y")) }
            @if answers.len() > 1 {
                text x=(WIDTH) y=(height - 8.0) font-size="11" fill="currentColor" text-anchor="end" { (last.format("%-d %b %Y")) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 9, 0, 0).unwrap()
    }

    #[test]
    fn each_answer_is_a_marker_on_its_points_row_and_the_chart_says_them_in_words() {
        let points = ["like".to_string(), "not sure".into(), "don't like".into()];
        let svg = chart(
            "tea",
            &points,
            &[(day(3), Some(0)), (day(10), None), (day(17), Some(2))],
        )
        .into_string();
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "like (filled) and skipped (hollow)"
        );
        assert_eq!(svg.matches("<polygon").count(), 1, "don't like");
        assert!(svg.contains("fill=\"none\""), "skipped is hollow");
        assert!(
            svg.contains("tea over time: like on 3 Nov, then skipped on 10 Nov, then don")
                && svg.contains("t like on 17 Nov"),
            "{svg}"
        );
        assert_eq!(svg.matches("<line").count(), 3, "a rule per point");
        assert_eq!(
            svg.matches("<polyline").count(),
            1,
            "the steps, in one line"
        );
    }

    #[test]
    fn a_year_of_answers_is_drawn_a_week_at_a_time_with_each_weeks_most_given_answer() {
        let start = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(); // a Monday
        let answers: Vec<_> = (0..365 * 2)
            .map(|i| {
                let at = start + chrono::Duration::hours(12 * i);
                // Mostly "like" in the first half of the year, then "not sure".
                let point = if i < 365 {
                    if i % 7 == 0 {
                        2
                    } else {
                        0
                    }
                } else {
                    1
                };
                (at, Some(point))
            })
            .collect();
        let weeks = by_week(&answers);
        assert_eq!(weeks.len(), 53);
        assert_eq!(weeks[0].1, Some(0), "like, given most in the first week");
        assert_eq!(weeks.last().unwrap().1, Some(1));
        assert!(weeks.iter().all(|(_, p)| *p != Some(2)), "never most given");
        let points = ["like".to_string(), "not sure".into(), "don't like".into()];
        let svg = chart("tea", &points, &answers).into_string();
        assert!(svg.contains("the answer given most each week"));
        // A mark where the weekly answer changes, and at both ends.
        let changes = weeks.windows(2).filter(|w| w[0].1 != w[1].1).count();
        assert_eq!(
            svg.matches("<circle").count() + svg.matches("<rect").count(),
            changes + 2
        );
        assert!(svg.contains("like from"), "said by runs: {svg}");
    }

    #[test]
    fn no_answers_no_chart() {
        assert_eq!(chart("tea", &["like".to_string()], &[]).into_string(), "");
    }
}
