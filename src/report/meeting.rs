//! The residents' meeting report for one house question: what its answers
//! come to (every count under three hidden), how they moved since it was
//! last asked, what was decided and what became of the last meeting's
//! decisions; read from the plan's house port, for the web page, the
//! easy-read PDF and the CSV alike.

use crate::core::house_question::{change_since, count_answers, CardChange, Count, MeetingCounts};
use crate::core::scale::{self, Scale};
use crate::core::{CardId, PersonId};
use crate::store::ports::house::{Decision, HouseQuestion, Resident};
use crate::store::ports::HousePlan;
use crate::store::StoreError;

/// Everything a meeting sees of one question.
#[derive(Debug, Clone)]
pub struct MeetingReport {
    pub question: HouseQuestion,
    pub scale: Scale,
    pub counts: MeetingCounts,
    /// The earlier asking, and each card's counts then and now.
    pub change: Option<(HouseQuestion, Vec<CardChange>)>,
    pub residents: Vec<Resident>,
    /// What the meetings decided about this asking.
    pub decisions: Vec<Decision>,
    /// What was decided the last time it was asked.
    pub earlier_decisions: Vec<Decision>,
}

impl MeetingReport {
    /// A resident's name, for the answers they agreed to have named.
    pub fn name_of(&self, id: &PersonId) -> &str {
        self.residents
            .iter()
            .find(|r| &r.person.id == id)
            .map_or("A resident who has left", |r| r.person.name.as_str())
    }

    /// A card's picture in the plan (its hash), by the card's id.
    pub fn picture_of(&self, card: &CardId) -> Option<&str> {
        self.question
            .cards
            .iter()
            .find(|c| &c.id == card)
            .and_then(|c| c.picture.as_deref())
    }

    /// A card's words, by its id.
    pub fn label_of<'a>(&'a self, card: &'a str) -> &'a str {
        self.question
            .cards
            .iter()
            .find(|c| c.id == card)
            .map_or(card, |c| c.label.as_str())
    }
}

fn counts_of(
    plan: &dyn HousePlan,
    question: &HouseQuestion,
    residents: &[Resident],
) -> Result<MeetingCounts, StoreError> {
    let answers = plan.house_answers(&question.id)?;
    let points = scale::preset(&question.scale).map_or(0, |s| s.points.len());
    let may_name: Vec<PersonId> = residents
        .iter()
        .filter(|r| r.may_be_named())
        .map(|r| r.person.id.clone())
        .collect();
    Ok(count_answers(
        &question.cards,
        points,
        &question.people,
        &answers.answers,
        &answers.declined,
        &may_name,
    ))
}

/// The report of question `id`, if there is one.
pub fn gather(plan: &dyn HousePlan, id: &str) -> Result<Option<MeetingReport>, StoreError> {
    let Some(question) = plan.house_question(id)? else {
        return Ok(None);
    };
    let residents = plan.residents()?;
    let counts = counts_of(plan, &question, &residents)?;
    let before = match &question.asks_again {
        Some(earlier) => plan.house_question(earlier)?,
        None => None,
    };
    let (change, earlier_decisions) = match before {
        Some(before) => {
            let then = counts_of(plan, &before, &residents)?;
            let decided = plan.decisions(&before.id)?;
            (Some((before, change_since(&then, &counts))), decided)
        }
        None => (None, Vec::new()),
    };
    let scale = scale::preset(&question.scale).unwrap_or_else(|| Scale {
        id: question.scale.clone(),
        points: Vec::new(),
    });
    Ok(Some(MeetingReport {
        decisions: plan.decisions(&question.id)?,
        question,
        scale,
        counts,
        change,
        residents,
        earlier_decisions,
    }))
}

/// The counts as CSV, one row a card and a column a point of the scale:
/// each cell a number, or "fewer than 3".
pub fn csv(report: &MeetingReport) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["card".to_string()];
    header.extend(report.scale.points.iter().map(|p| p.label.clone()));
    header.extend(["skipped".to_string(), "tell me more".to_string()]);
    let cell = |count: &Count| count.to_string();
    let rows = report.counts.cards.iter().map(|card| {
        let mut row = vec![card.label.clone()];
        row.extend(card.points.iter().map(cell));
        row.extend([cell(&card.skipped), cell(&card.tell_me_more)]);
        row
    });
    let mut something_else = vec!["something else".to_string()];
    something_else.extend(report.counts.something_else.iter().map(cell));
    something_else.extend([String::new(), String::new()]);
    let written = std::iter::once(header)
        .chain(rows)
        .chain(std::iter::once(something_else))
        .try_for_each(|row| writer.write_record(&row));
    written.expect("CSV into memory cannot fail");
    String::from_utf8(writer.into_inner().expect("CSV into memory cannot fail"))
        .expect("CSV of UTF-8 text is UTF-8")
}
