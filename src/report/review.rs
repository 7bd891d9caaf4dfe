//! The review-meeting report: for one person and a date range, what the
//! meeting needs in one place: their profile, their current views with the
//! evidence behind each, what changed in the period, the mats of the period,
//! the actions and what became of them, and the "something else" cards they
//! added. Shown as a printable page by the web app.

use chrono::{DateTime, NaiveDate, Utc};

use crate::core::session::SOMETHING_ELSE_ID;
use crate::core::{PersonId, PersonRef};
use crate::store::ports::staff::{ActionRow, MatRow, StaffPlan, TopicViews};
use crate::store::{ProfileSection, StoreError};

/// Mats a report looks through at most.
const MATS_LOOKED_AT: usize = 10_000;
/// Kept mats' pictures a report shows at most: the most recent.
pub const KEPT_PICTURES: usize = 8;

/// The picture of a kept mat of the period, as the kiosk drew it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPicture {
    pub topic: String,
    pub finished_at: DateTime<Utc>,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// A view that changed during the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub topic: String,
    pub card: String,
    pub before: String,
    pub now: String,
    pub since: DateTime<Utc>,
}

/// A "something else" card the person placed during the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SomethingElse {
    pub topic: String,
    pub label: String,
    pub view: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewReport {
    pub person: PersonRef,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub profile: Vec<(ProfileSection, String)>,
    pub views: Vec<TopicViews>,
    pub changes: Vec<Change>,
    pub mats: Vec<MatRow>,
    pub actions: Vec<ActionRow>,
    pub something_else: Vec<SomethingElse>,
    /// The most recent kept mats of the period that have their picture.
    pub kept: Vec<KeptPicture>,
}

fn within(at: DateTime<Utc>, from: NaiveDate, to: NaiveDate) -> bool {
    let day = at.date_naive();
    day >= from && day <= to
}

/// The report on `person` for the days `from` to `to` (both included);
/// `None` if the plan has no such person.
pub fn review(
    plan: &dyn StaffPlan,
    person: &PersonId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<ReviewReport>, StoreError> {
    let Some(person) = plan.person(person)? else {
        return Ok(None);
    };
    let views = plan.views(&person.id)?;
    let changes = views
        .iter()
        .flat_map(|topic| {
            topic.cards.iter().filter_map(|card| {
                let before = card.changed_from.clone()?;
                within(card.since, from, to).then(|| Change {
                    topic: topic.title.clone(),
                    card: card.label.clone(),
                    before,
                    now: card.view.clone(),
                    since: card.since,
                })
            })
        })
        .collect();
    let mats: Vec<MatRow> = plan
        .mats(&person.id, MATS_LOOKED_AT)?
        .into_iter()
        .filter(|mat| within(mat.finished_at, from, to))
        .collect();
    let mut something_else = Vec::new();
    for mat in &mats {
        for (card_id, label, view) in plan.mat_cards(&mat.session_id)? {
            if card_id.starts_with(SOMETHING_ELSE_ID) {
                something_else.push(SomethingElse {
                    topic: mat.topic_title.clone(),
                    label,
                    view,
                    at: mat.finished_at,
                });
            }
        }
    }
    let mut kept = Vec::new();
    for mat in &mats {
        if kept.len() == KEPT_PICTURES {
            break;
        }
        let Some(hash) = &mat.picture else { continue };
        if let Some(picture) = plan.picture(hash)? {
            kept.push(KeptPicture {
                topic: mat.topic_title.clone(),
                finished_at: mat.finished_at,
                media_type: picture.media_type,
                bytes: picture.bytes,
            });
        }
    }
    // Actions of the period, and every one still open.
    let actions = plan
        .actions(&person.id)?
        .into_iter()
        .filter(|a| a.status == crate::store::ActionStatus::Open || within(a.updated_at, from, to))
        .collect();
    Ok(Some(ReviewReport {
        profile: plan.profile(&person.id)?,
        person,
        from,
        to,
        views,
        changes,
        mats,
        actions,
        something_else,
        kept,
    }))
}
