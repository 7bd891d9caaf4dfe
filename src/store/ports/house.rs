//! The house's questions as a home manager makes them and the residents'
//! meeting reads them: the questions, who they are for, the residents'
//! answers (their mats on the question's topic), and each resident's consent
//! to being named.

use chrono::{DateTime, NaiveDate, Utc};

use crate::core::house_question::{HouseAnswer, NewQuestion, QuestionCard, QuestionRefused};
use crate::core::{CardId, PersonId, PersonRef};
use crate::store::pictures::NewPicture;
use crate::store::ActionStatus;
use crate::store::StoreError;

/// A question as the plan keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseQuestion {
    pub id: String,
    pub title: String,
    pub question: String,
    pub scale: String,
    pub cards: Vec<QuestionCard>,
    pub people: Vec<PersonId>,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
    pub asks_again: Option<String>,
    pub made_by: String,
    pub made_at: DateTime<Utc>,
}

/// A question on the list of the house's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionListed {
    pub id: String,
    pub title: String,
    pub opens: DateTime<Utc>,
    pub closes: DateTime<Utc>,
    pub asked: usize,
    /// Residents with at least one answer.
    pub answered: usize,
}

/// What came back for a question: every finished mat of a resident it is
/// for (the newest of each counts), and who let it pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseAnswers {
    pub answers: Vec<HouseAnswer>,
    /// Residents who were offered it and declined, or let its window pass.
    pub declined: Vec<PersonId>,
}

/// A resident, their consent to be named at meetings, and whether they
/// have left the home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    pub person: PersonRef,
    /// Who recorded the consent, and when.
    pub named_at_meetings: Option<(String, DateTime<Utc>)>,
    /// Who recorded that they left, and when: their answers stay counted,
    /// never named, and no new question is made for them.
    pub left_home: Option<(String, DateTime<Utc>)>,
}

impl Resident {
    /// Whether their answers may be shown with their name.
    pub fn may_be_named(&self) -> bool {
        self.named_at_meetings.is_some() && self.left_home.is_none()
    }
}

/// What a meeting decided about a card: who does it, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub question: String,
    pub card: CardId,
    pub what: String,
    pub who: String,
    pub due: Option<NaiveDate>,
}

/// A decision as the meeting page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: i64,
    pub card: CardId,
    pub what: String,
    pub who: String,
    pub due: Option<NaiveDate>,
    pub status: ActionStatus,
    pub outcome_note: Option<String>,
    pub tell_residents: Option<String>,
    /// Residents it is told to once done (those whose answer placed the card).
    pub residents: usize,
    /// Of them, those whose kiosk has told them and who answered.
    pub told: usize,
}

/// A picture one of the home's cards shows (as a kiosk last shared it),
/// which a question's card may show too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeCardPicture {
    pub topic: String,
    pub label: String,
    /// The picture's hash in the plan.
    pub picture: String,
}

/// Where a question's card gets its picture.
#[derive(Debug, Clone, Copy)]
pub enum CardPicture<'a> {
    /// A photo staff sent, made into a picture by sayso.
    Photo(NewPicture<'a>),
    /// The picture of one of the home's cards, by its hash.
    OfHomeCard(&'a str),
}

/// One step of the house's questions as the plan's audit log keeps it:
/// when, who, what, and the ids it was about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseStep {
    pub at: DateTime<Utc>,
    pub by: String,
    pub action: String,
    /// Ids only: "question …: 3 card(s), 4 resident(s)", "decision #2: done".
    pub detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum HouseError {
    #[error(transparent)]
    Refused(#[from] QuestionRefused),
    #[error("Nobody with the id {0} lives here.")]
    NoSuchPerson(String),
    #[error(
        "A resident chosen has left the home: a new question is only for those who live here."
    )]
    LeftHome(String),
    #[error("There is no such question.")]
    NoSuchQuestion,
    #[error("That card is not one of the question's.")]
    NoSuchCard,
    #[error("That picture is not one of the home's cards' pictures.")]
    NoSuchPicture,
    #[error("Say what was decided and who does it (at most 200 characters each).")]
    DecisionWords,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub trait HousePlan {
    /// Checks and keeps a new question; its id. Audited.
    fn make_house_question(
        &mut self,
        question: &NewQuestion,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<String, HouseError>;

    /// Every question, newest window first.
    fn house_questions(&self) -> Result<Vec<QuestionListed>, StoreError>;

    fn house_question(&self, id: &str) -> Result<Option<HouseQuestion>, StoreError>;

    /// Every finished mat on the question by a resident it is for (practice
    /// mats left out), and who declined it.
    fn house_answers(&self, id: &str) -> Result<HouseAnswers, StoreError>;

    /// Everyone the plan knows, with their consent to be named and whether
    /// they left.
    fn residents(&self) -> Result<Vec<Resident>, StoreError>;

    /// Takes a card off a question: no kiosk offers it any more, and the
    /// answers that placed it stay counted. Whether it was on. Audited.
    fn take_card_off(
        &mut self,
        question: &str,
        card: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// The pictures the home's cards show, one of each, by topic.
    fn home_card_pictures(&self) -> Result<Vec<HomeCardPicture>, StoreError>;

    /// Gives a question's card a picture (in place of any it had); kiosks
    /// show it from their next sync. Audited.
    fn give_card_picture(
        &mut self,
        question: &str,
        card: &str,
        picture: CardPicture,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError>;

    /// Keeps what the meeting decided about a card, with an action for each
    /// resident whose newest answer placed it; its id. Audited.
    fn decide(
        &mut self,
        decision: &NewDecision,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, HouseError>;

    /// A decision done or dropped, and its residents' actions with it: done
    /// with words, each of them is told on their kiosk. Whether it was
    /// there. Audited.
    fn settle_decision(
        &mut self,
        decision: i64,
        status: ActionStatus,
        note: &str,
        tell_residents: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// What the meetings decided about a question, oldest first.
    fn decisions(&self, question: &str) -> Result<Vec<Decision>, StoreError>;

    /// Records that a resident left the home (or, `left` false, that this
    /// was recorded by mistake). Audited.
    fn record_leaving(
        &mut self,
        person: &PersonId,
        left: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError>;

    /// Every step of the house's questions kept in the audit log from
    /// `from` until `to`, oldest first: questions, cards, pictures,
    /// decisions, consent, residents leaving, evidence made.
    fn house_steps(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HouseStep>, StoreError>;

    /// Records that the evidence for a period was made, and by whom.
    fn record_evidence_made(
        &mut self,
        period: &str,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Records (or withdraws) a resident's consent to their answers being
    /// shown by name. Audited.
    fn record_meeting_consent(
        &mut self,
        person: &PersonId,
        given: bool,
        by_whom: &str,
        now: DateTime<Utc>,
    ) -> Result<(), HouseError>;
}
