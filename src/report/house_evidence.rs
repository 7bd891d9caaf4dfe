//! Evidence for inspection: what the house was asked over a period, how
//! many answered, what their answers came to (every count under three
//! hidden, nobody named), what the meetings decided, what became of it and
//! whether the residents were told; with every step as the plan's audit
//! log keeps it. One PDF a home manager can hand to an inspector.

use chrono::{DateTime, NaiveDate, Utc};

use super::meeting::{self, MeetingReport};
use super::pdf::{write_document, Layout, PdfError};
use super::readable_date as date;
use crate::core::house_question::Count;
use crate::store::ports::house::HouseStep;
use crate::store::ports::HousePlan;
use crate::store::{ActionStatus, StoreError};

/// A period's questions and what became of them.
#[derive(Debug, Clone)]
pub struct EvidenceReport {
    /// The period's first and last day.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub made_by: String,
    pub made_at: DateTime<Utc>,
    /// Each question whose window falls in the period, oldest first.
    pub meetings: Vec<MeetingReport>,
    pub steps: Vec<HouseStep>,
    /// Every question's id and title, to say what each step was about.
    pub titles: Vec<(String, String)>,
}

/// The period from the start of `from` to the end of `to`, as instants
/// (`start_of` gives the start of a local day).
pub fn gather(
    plan: &dyn HousePlan,
    (from, to): (NaiveDate, NaiveDate),
    start_of: impl Fn(NaiveDate) -> DateTime<Utc>,
    made_by: &str,
    made_at: DateTime<Utc>,
) -> Result<EvidenceReport, StoreError> {
    let (start, end) = (start_of(from), start_of(to + chrono::Duration::days(1)));
    let listed = plan.house_questions()?;
    let mut meetings = Vec::new();
    for question in listed.iter().rev() {
        if question.opens < end && question.closes > start {
            meetings.extend(meeting::gather(plan, &question.id)?);
        }
    }
    Ok(EvidenceReport {
        from,
        to,
        made_by: made_by.to_string(),
        made_at,
        meetings,
        steps: plan.house_steps(start, end)?,
        titles: listed.into_iter().map(|q| (q.id, q.title)).collect(),
    })
}

/// The period's figures, across its questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    pub questions: usize,
    /// Times a resident was asked, and answered.
    pub asked: usize,
    pub answered: usize,
    pub decisions: usize,
    pub done: usize,
    pub dropped: usize,
    pub open: usize,
    /// Residents to be told of a decision done, and those told who answered.
    pub to_tell: usize,
    pub told: usize,
}

impl EvidenceReport {
    pub fn figures(&self) -> Figures {
        let mut figures = Figures {
            questions: self.meetings.len(),
            ..Figures::default()
        };
        for meeting in &self.meetings {
            figures.asked += meeting.counts.asked;
            figures.answered += meeting.counts.answered;
            for decision in &meeting.decisions {
                figures.decisions += 1;
                match decision.status {
                    ActionStatus::Done => figures.done += 1,
                    ActionStatus::Dropped => figures.dropped += 1,
                    ActionStatus::Open => figures.open += 1,
                }
                if decision.status == ActionStatus::Done && decision.tell_residents.is_some() {
                    figures.to_tell += decision.residents;
                    figures.told += decision.told;
                }
            }
        }
        figures
    }

    /// A step in words: who did what, on which question (residents are
    /// never named here).
    pub fn step_words(&self, step: &HouseStep) -> String {
        let what = match step.action.as_str() {
            "house question made" => "asked the house a question",
            "house question card taken off" => "took a card off a question",
            "house question card picture" => "gave a card a picture",
            "house decision made" => "recorded a meeting's decision",
            "house decision status" => "settled a decision",
            "house evidence made" => "made the evidence for inspection",
            "resident left the home" => "recorded that a resident left the home",
            other => other,
        };
        let question = self
            .titles
            .iter()
            .find(|(id, _)| step.detail.contains(id.as_str()))
            .map(|(_, title)| format!(": \u{201c}{title}\u{201d}"));
        let about = match step.action.as_str() {
            "house decision status" => self.decision_of(&step.detail).unwrap_or_default(),
            "house evidence made" => format!(" for {}", step.detail),
            _ => question.unwrap_or_default(),
        };
        format!("{} \u{00b7} {} {what}{about}", local_time(step.at), step.by)
    }

    /// "decision #2: done" as the question and card it was about, and what
    /// became of it.
    fn decision_of(&self, detail: &str) -> Option<String> {
        let (number, status) = detail.strip_prefix("decision #")?.split_once(": ")?;
        let number: i64 = number.parse().ok()?;
        self.meetings.iter().find_map(|meeting| {
            let decision = meeting.decisions.iter().find(|d| d.id == number)?;
            Some(format!(
                ": \u{201c}{}\u{201d}, {}: {status}",
                meeting.question.title,
                meeting.label_of(&decision.card)
            ))
        })
    }
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%-d %b %Y %H:%M")
        .to_string()
}

fn share(part: usize, whole: usize) -> String {
    match whole {
        0 => format!("{part} of {whole}"),
        _ => format!("{part} of {whole} ({}%)", part * 100 / whole),
    }
}

/// The evidence as PDF bytes.
pub fn evidence_pdf(report: &EvidenceReport) -> Result<Vec<u8>, PdfError> {
    let mut layout = Layout::new();
    let title = format!(
        "The house decides together: {} to {}",
        report.from.format("%-d %b %Y"),
        report.to.format("%-d %b %Y")
    );
    layout.title(&title);
    layout.line(&format!(
        "Evidence for inspection, made by {} on {}. Each resident answers on the kiosk, alone \
         and at their own pace; a number under 3 is not shown, and no resident is named.",
        report.made_by,
        local_time(report.made_at)
    ));
    let f = report.figures();
    layout.heading("In this period");
    layout.bullet(&format!("Questions asked of the house: {}.", f.questions));
    layout.bullet(&format!(
        "Residents answered {} times they were asked.",
        share(f.answered, f.asked)
    ));
    layout.bullet(&format!(
        "Decisions the meetings made: {}. Done: {}. Dropped: {}. Still open: {}.",
        f.decisions, f.done, f.dropped, f.open
    ));
    if f.to_tell > 0 {
        layout.bullet(&format!(
            "Residents to be told on the kiosk what was done: {}; of them, told and answered: {}.",
            Count::of(f.to_tell),
            Count::of(f.told)
        ));
    }
    for meeting in &report.meetings {
        question_part(&mut layout, meeting);
    }
    layout.heading("Every step, as the plan's audit log keeps it");
    if report.steps.is_empty() {
        layout.line("No step was taken in this period.");
    }
    for step in &report.steps {
        layout.bullet(&report.step_words(step));
    }
    write_document(layout, title)
}

fn question_part(layout: &mut Layout, meeting: &MeetingReport) {
    let (question, counts) = (&meeting.question, &meeting.counts);
    layout.heading(&question.title);
    layout.line(&format!(
        "\u{201c}{}\u{201d} Asked by {}, offered {} to {}.",
        question.question,
        question.made_by,
        date(question.opens),
        date(question.closes - chrono::Duration::seconds(1))
    ));
    layout.line(&format!(
        "{} of {} residents answered (on their own: {}; with help: {}); said \u{201c}not \
         now\u{201d} or let it pass: {}.",
        counts.answered, counts.asked, counts.alone, counts.helped, counts.declined
    ));
    layout.subheading("What the answers came to");
    for card in &counts.cards {
        let points: Vec<String> = meeting
            .scale
            .points
            .iter()
            .zip(&card.points)
            .map(|(point, count)| format!("{}: {count}", point.label))
            .collect();
        let removed = if card.removed {
            " (taken off; its answers kept)"
        } else {
            ""
        };
        layout.bullet(&format!(
            "{}{removed}. {}; skipped: {}.",
            card.label,
            points.join(", "),
            card.skipped
        ));
    }
    if !meeting.earlier_decisions.is_empty() {
        let done = meeting
            .earlier_decisions
            .iter()
            .filter(|d| d.status == ActionStatus::Done)
            .count();
        layout.line(&format!(
            "Asked before: of what that meeting decided, {} done.",
            share(done, meeting.earlier_decisions.len())
        ));
    }
    layout.subheading("What the meeting decided, and what became of it");
    if meeting.decisions.is_empty() {
        layout.line("Nothing recorded.");
    }
    for d in &meeting.decisions {
        let due = d.due.map_or_else(String::new, |due| {
            format!(", by {}", due.format("%-d %b %Y"))
        });
        let outcome = match d.status {
            ActionStatus::Open => "still open".to_string(),
            ActionStatus::Dropped => format!(
                "dropped: {}",
                d.outcome_note.as_deref().unwrap_or("no reason given")
            ),
            ActionStatus::Done => {
                let note = d.outcome_note.as_deref().filter(|n| !n.is_empty());
                let told = d.tell_residents.as_ref().map_or_else(String::new, |words| {
                    format!(
                        ". Told on the kiosk: \u{201c}{words}\u{201d}; heard and answered by {}",
                        Count::of(d.told)
                    )
                });
                format!(
                    "done{}{told}",
                    note.map(|n| format!(": {n}")).unwrap_or_default()
                )
            }
        };
        layout.bullet(&format!(
            "{}: {} ({}{due}) \u{2014} {outcome}.",
            meeting.label_of(&d.card),
            d.what,
            d.who
        ));
    }
}
