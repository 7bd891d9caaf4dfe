//! What staff read from and write to the support plan, through the web
//! app, the reports and the command line: what's new since someone last
//! looked, a person's views laid out like the mat, their mats and actions,
//! staff's verdicts and notes, the profile. Pages see only these types and
//! the [`StaffPlan`] trait, so another backend (an organisation's
//! PostgreSQL server) can stand in for the SQLite plan. Every write is
//! audited with who made it.

use chrono::{DateTime, NaiveDate, Utc};

use crate::core::{MatOutcome, PersonId, PersonRef, PreferenceSummary, Standing, Verdict};
use crate::store::StoreError;

/// What happened for one person since a staff member last looked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatsNew {
    pub person: PersonRef,
    pub new_mats: i64,
    pub changed_views: i64,
    /// "Tell me more" marks with no note or verdict since.
    pub tell_me_more: i64,
    pub check_ins_missed: i64,
    /// Which: each missed check-in's topic and when its window opened.
    pub missed_check_ins: Vec<(String, DateTime<Utc>)>,
    pub check_ins_declined: i64,
    pub actions_due_soon: i64,
    pub actions_overdue: i64,
    /// Current views no one has confirmed or disputed.
    pub unconfirmed: i64,
    pub last_mat: Option<DateTime<Utc>>,
    /// Their photo from the home file, by its name in the plan's pictures.
    pub photo: Option<String>,
}

/// One kiosk, as the plan knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceHealth {
    pub device_id: String,
    /// What staff call it; empty until someone names it.
    pub name: String,
    pub last_sync: DateTime<Utc>,
    pub mats: i64,
    /// What its staff line said at its last sync.
    pub problems: Vec<String>,
}

/// A person's views of one topic, laid out like the mat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicViews {
    pub topic_id: String,
    pub title: String,
    /// The scale's points, left to right, as the evidence names them
    /// (indexed as on the scale).
    pub points: Vec<String>,
    pub cards: Vec<CardView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardView {
    pub card_id: String,
    pub label: String,
    /// Which of the topic's points the current view is.
    pub point: Option<usize>,
    pub view: String,
    pub times_said: u32,
    pub times_asked: u32,
    pub since: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub changed_from: Option<String>,
    pub changed_until: Option<DateTime<Utc>>,
    pub standing: Standing,
    pub tell_me_more: bool,
    /// The card's picture, by its name in the plan's pictures.
    pub picture: Option<String>,
    /// Verdicts and notes on this card, newest first.
    pub notes: Vec<StaffNote>,
    /// Every answer, oldest first.
    pub history: Vec<AnswerAt>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffNote {
    pub kind: String,
    pub body: String,
    pub by_whom: String,
    pub at: DateTime<Utc>,
}

/// One mat brought in from a kiosk.
/// What marking a mat as practice (or not) came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeChange {
    Changed,
    /// It was marked so already: nothing changed, and nothing is wrong.
    AlreadySo,
    /// No finished mat of this person has that id.
    NoSuchMat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatRow {
    pub session_id: String,
    pub topic_title: String,
    pub started_at: DateTime<Utc>,
    /// When it was finished, or (part-way) left.
    pub finished_at: DateTime<Utc>,
    pub outcome: MatOutcome,
    pub supporter: Option<String>,
    pub helped: bool,
    pub cards_placed: i64,
    pub cards_skipped: i64,
    pub tell_me_more: i64,
    /// The kept picture of the mat, by its name in the plan's pictures.
    pub picture: Option<String>,
    /// A practice mat: kept, never counted towards a view.
    pub practice: bool,
    /// How long the person took over each card, on average and at most
    /// (milliseconds; `None` where the plan does not know).
    pub mean_response_ms: Option<i64>,
    pub longest_response_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    pub id: i64,
    pub card: Option<(String, String)>,
    pub what: String,
    pub who: String,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    pub outcome_note: Option<String>,
    /// Words to tell the person on the kiosk.
    pub tell_person: Option<String>,
    /// Once a kiosk has told them: their answer (a point's label, or
    /// "skipped") and when. `None` until then, whatever the status.
    pub told: Option<(String, DateTime<Utc>)>,
    pub updated_at: DateTime<Utc>,
}

/// A new action, as staff write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction {
    pub person: PersonId,
    pub card: Option<(String, String)>,
    pub what: String,
    pub who: String,
    pub due: Option<NaiveDate>,
}

/// What became of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub person: PersonId,
    pub action: i64,
    pub status: ActionStatus,
    /// What was done, or why it was dropped.
    pub note: String,
    /// Words for the person, told on the kiosk ("you said, we did"); empty:
    /// nothing is told.
    pub tell_person: String,
}

/// Staff's word on one card's current view: a verdict, or a note alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub person: PersonId,
    pub topic: String,
    pub card: String,
    /// `None`: a note, which leaves the view's standing as it was.
    pub verdict: Option<Verdict>,
    pub body: String,
}

/// One card of a mat: (card id, label, the view given, or `None`: skipped).
pub type MatCard = (String, String, Option<String>);

/// One answer: when, and the point (`None`: skipped).
pub type AnswerAt = (DateTime<Utc>, Option<usize>);

/// Where an action staff agreed stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    Open,
    Done,
    Dropped,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }

    pub fn parse(text: &str) -> ActionStatus {
        match text {
            "done" => ActionStatus::Done,
            "dropped" => ActionStatus::Dropped,
            _ => ActionStatus::Open,
        }
    }
}

/// The sections of a one-page profile, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProfileSection {
    /// What people appreciate about me.
    Appreciate,
    /// What's important to me.
    Important,
    /// How best to support me.
    Support,
    /// How I communicate, and how to communicate with me.
    Communication,
}

impl ProfileSection {
    pub const ALL: [ProfileSection; 4] = [
        ProfileSection::Appreciate,
        ProfileSection::Important,
        ProfileSection::Support,
        ProfileSection::Communication,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProfileSection::Appreciate => "appreciate",
            ProfileSection::Important => "important",
            ProfileSection::Support => "support",
            ProfileSection::Communication => "communication",
        }
    }

    pub fn parse(text: &str) -> Option<ProfileSection> {
        ProfileSection::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The heading of the section on a one-page profile.
    pub fn heading(self) -> &'static str {
        match self {
            ProfileSection::Appreciate => "What people appreciate about me",
            ProfileSection::Important => "What's important to me",
            ProfileSection::Support => "How best to support me",
            ProfileSection::Communication => "How I communicate, and how to communicate with me",
        }
    }
}

/// A name found under more than one id in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeCandidate {
    pub name: String,
    /// Each id, with how many mats it has.
    pub ids: Vec<(PersonId, i64)>,
}

/// One line of the report: a person's current view of one card.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PreferenceRow {
    pub person: String,
    pub topic: String,
    pub card: String,
    #[serde(flatten)]
    pub view: PreferenceSummary,
}

/// A picture as the plan keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPicture {
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// The support plan as staff need it. Every write is audited with who
/// made it.
pub trait StaffPlan: Send {
    fn people(&self) -> Result<Vec<PersonRef>, StoreError>;
    fn person(&self, id: &PersonId) -> Result<Option<PersonRef>, StoreError>;
    fn whats_new(
        &self,
        since: Option<DateTime<Utc>>,
        today: NaiveDate,
    ) -> Result<Vec<WhatsNew>, StoreError>;
    fn devices(&self) -> Result<Vec<DeviceHealth>, StoreError>;
    /// Gives a kiosk the name staff know it by. `false`: no such kiosk.
    fn name_device(
        &mut self,
        device_id: &str,
        name: &str,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    fn views(&self, person: &PersonId) -> Result<Vec<TopicViews>, StoreError>;
    fn mats(&self, person: &PersonId, limit: usize) -> Result<Vec<MatRow>, StoreError>;
    fn actions(&self, person: &PersonId) -> Result<Vec<ActionRow>, StoreError>;
    /// Each card of one mat, in the order placed: (card id, label, the
    /// view, or `None` if skipped).
    fn mat_cards(&self, session: &str) -> Result<Vec<MatCard>, StoreError>;
    /// A picture the pages show, by its name.
    fn picture(&self, hash: &str) -> Result<Option<StoredPicture>, StoreError>;
    /// A person's photo, by its name in the plan's pictures.
    fn photo(&self, person: &PersonId) -> Result<Option<String>, StoreError>;
    /// Whether a family account of this person may see the picture: the
    /// person's photo, and the pictures of the cards the person is offered
    /// (has answered), always (families make the sets); the person's kept
    /// mats only when their views are shared. Never another topic's cards.
    fn family_may_see(&self, person: &PersonId, hash: &str) -> Result<bool, StoreError>;
    /// Whether staff have shared the person's views with their family.
    fn views_shared(&self, person: &PersonId) -> Result<bool, StoreError>;
    /// Shares the person's views with their family accounts, or stops;
    /// false if it already was so.
    fn share_views(
        &mut self,
        person: &PersonId,
        shared: bool,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Marks a finished mat of this person as practice (its answers stop
    /// counting towards their views) or not. Only a finished mat counts, so
    /// only a finished mat can stop counting: a declined or part-way one
    /// is no such mat.
    fn set_practice(
        &mut self,
        person: &PersonId,
        session: &str,
        practice: bool,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<PracticeChange, StoreError>;
    /// Confirms or disputes a view, or adds a note to it; false if the
    /// person has no view of that card.
    fn judge(
        &mut self,
        judgement: &Judgement,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    fn add_action(
        &mut self,
        action: &NewAction,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    /// Sets an action's status, with what became of it; false if there is
    /// no such action for this person.
    fn settle_action(
        &mut self,
        settlement: &Settlement,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// The one-page profile: each section's text (empty if not written).
    fn profile(&self, person: &PersonId) -> Result<Vec<(ProfileSection, String)>, StoreError>;
    /// Rewrites one section; false if nothing changed.
    fn set_profile(
        &mut self,
        person: &PersonId,
        section: ProfileSection,
        body: &str,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Adds one line (a confirmed view, say) to a section of the profile,
    /// unless the section has it already.
    fn add_profile_line(
        &mut self,
        person: &PersonId,
        section: ProfileSection,
        line: &str,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let body = self
            .profile(person)?
            .into_iter()
            .find(|(s, _)| *s == section)
            .map(|(_, body)| body)
            .unwrap_or_default();
        if body.lines().any(|l| l.trim() == line) {
            return Ok(());
        }
        let body = if body.trim().is_empty() {
            line.to_string()
        } else {
            format!("{}\n{line}", body.trim_end())
        };
        self.set_profile(person, section, &body, by_whom, at)
            .map(|_| ())
    }

    /// Checks the plan is whole (a report is never made from a damaged one).
    fn check_integrity(&mut self) -> Result<(), StoreError>;

    /// Each card's current view, flat, for the reports; one person's (by
    /// name or id) or everyone's.
    fn preferences(&self, person: Option<&str>) -> Result<Vec<PreferenceRow>, StoreError>;

    /// People who may be one person twice (the same name under two ids).
    fn merge_candidates(&self) -> Result<Vec<MergeCandidate>, StoreError>;

    /// Moves everything of `from` to `into`; returns how many mats moved.
    fn merge_people(
        &mut self,
        from: &PersonId,
        into: &PersonId,
        by_whom: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError>;
}
