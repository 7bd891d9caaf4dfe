//! The house's questions: the list, a home manager making one (or asking
//! one again), the residents' meeting page, and a resident's consent to be
//! named there.

use axum::extract::{Path, Query, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Datelike, Duration, Local, NaiveDate, TimeZone, Utc};
use maud::Markup;
use serde::Deserialize;

use crate::core::house_question::NewQuestion;
use crate::core::PersonId;
use crate::report::meeting::{self, MeetingReport};
use crate::store::ports::house::{HouseError, NewDecision, Resident};
use crate::store::ports::HousePlan;
use crate::web::auth::SignedIn;
use crate::web::html::path_part;
use crate::web::pages::{self, QuestionForm};
use crate::web::{AppState, WebError};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};

use super::checks::*;

/// How long a new question's window is unless the manager says otherwise:
/// the two weeks before a monthly meeting.
const USUAL_WINDOW_DAYS: i64 = 14;

pub(super) fn manager_only(signed_in: &SignedIn) -> Result<(), WebError> {
    if signed_in.session.account.manages() {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

pub(super) async fn house_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let questions = state
        .with_plan(|plan| Ok(plan.house().house_questions()?))
        .await?;
    Ok(pages::house_questions(
        &signed_in.session,
        &questions,
        state.now(),
    ))
}

#[derive(Deserialize)]
pub(super) struct AskAgain {
    again: Option<String>,
}

/// The form for a new question: empty, or the earlier question's when it
/// is asked again.
pub(super) async fn new_question_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<AskAgain>,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    manager_only(&signed_in)?;
    let today = state.now().with_timezone(&Local).date_naive();
    let (residents, earlier) = state
        .with_plan(move |plan| {
            let earlier = match &query.again {
                Some(id) => Some(plan.house().house_question(id)?.ok_or(WebError::NotFound)?),
                None => None,
            };
            Ok((living_here(plan.house().residents()?), earlier))
        })
        .await?;
    let form = match earlier {
        Some(earlier) => QuestionForm {
            title: earlier.title,
            question: earlier.question,
            scale: earlier.scale,
            cards: earlier
                .cards
                .iter()
                .filter(|c| !c.removed)
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            people: earlier
                .people
                .into_iter()
                .filter(|p| residents.iter().any(|r| &r.person.id == p))
                .collect(),
            opens: today,
            closes: today + Duration::days(USUAL_WINDOW_DAYS),
            asks_again: Some(earlier.id),
        },
        None => QuestionForm {
            title: String::new(),
            question: String::new(),
            scale: "like".into(),
            cards: String::new(),
            people: residents.iter().map(|r| r.person.id.clone()).collect(),
            opens: today,
            closes: today + Duration::days(USUAL_WINDOW_DAYS),
            asks_again: None,
        },
    };
    Ok(pages::question_form(
        &signed_in.session,
        &form,
        &residents,
        None,
    ))
}

/// The residents a new question may be for: those who have not left.
fn living_here(residents: Vec<Resident>) -> Vec<Resident> {
    residents
        .into_iter()
        .filter(|r| r.left_home.is_none())
        .collect()
}

/// The form as it was sent: every field, the residents ticked.
fn read_question_form(body: &[u8]) -> (String, QuestionForm) {
    let mut csrf = String::new();
    let mut form = QuestionForm {
        title: String::new(),
        question: String::new(),
        scale: String::new(),
        cards: String::new(),
        people: Vec::new(),
        opens: NaiveDate::MIN,
        closes: NaiveDate::MIN,
        asks_again: None,
    };
    // A date a window can have: nothing a calendar control would not send.
    let date = |text: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| (1970..=9999).contains(&d.year()))
    };
    for (key, value) in form_urlencoded::parse(body) {
        match key.as_ref() {
            "csrf" => csrf = value.into_owned(),
            "title" => form.title = value.into_owned(),
            "question" => form.question = value.into_owned(),
            "scale" => form.scale = value.into_owned(),
            "cards" => form.cards = value.into_owned(),
            "person" => form.people.push(PersonId::new(value.into_owned())),
            "opens" => form.opens = date(&value).unwrap_or(NaiveDate::MIN),
            "closes" => form.closes = date(&value).unwrap_or(NaiveDate::MIN),
            "asks_again" if !value.is_empty() => form.asks_again = Some(value.into_owned()),
            _ => {}
        }
    }
    (csrf, form)
}

/// Midnight at the start of a local date.
pub(super) fn start_of<Tz: TimeZone>(date: NaiveDate, zone: &Tz) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
}

impl QuestionForm {
    /// The question the form asks for: open from the start of its first
    /// day to the end of its last, in this machine's time zone.
    fn question(&self) -> NewQuestion {
        NewQuestion {
            title: self.title.clone(),
            question: self.question.clone(),
            scale: self.scale.clone(),
            cards: self.cards.lines().map(str::to_string).collect(),
            people: self.people.clone(),
            opens: start_of(self.opens, &Local),
            closes: start_of(self.closes + Duration::days(1), &Local),
            asks_again: self.asks_again.clone(),
        }
    }
}

pub(super) async fn make_question(
    State(state): State<AppState>,
    signed_in: SignedIn,
    RawForm(body): RawForm,
) -> Result<Response, WebError> {
    let (csrf, form) = read_question_form(&body);
    signed_in.check_form(&csrf)?;
    staff_only(&signed_in)?;
    manager_only(&signed_in)?;
    let by = signed_in.name().to_string();
    let now = state.now();
    let dated = form.opens != NaiveDate::MIN && form.closes != NaiveDate::MIN;
    let question = dated.then(|| form.question());
    let (made, residents) = state
        .with_plan(move |plan| {
            let made = question.map(|q| plan.house().make_house_question(&q, &by, now));
            Ok((made, living_here(plan.house().residents()?)))
        })
        .await?;
    let problem = match made {
        Some(Ok(id)) => return Ok(Redirect::to(&format!("/house/{id}")).into_response()),
        Some(Err(HouseError::Store(e))) => return Err(WebError::Plan(e)),
        Some(Err(HouseError::NoSuchQuestion)) => return Err(WebError::NotFound),
        Some(Err(refused)) => refused.to_string(),
        None => "Give the first and last day of the window as dates.".to_string(),
    };
    Ok(pages::question_form(&signed_in.session, &form, &residents, Some(&problem)).into_response())
}

/// The meeting's report of question `id`, or "not found".
async fn meeting_report(state: &AppState, id: String) -> Result<MeetingReport, WebError> {
    state
        .with_plan(move |plan| {
            let house: &dyn crate::store::ports::HousePlan = plan.house();
            meeting::gather(house, &id)?.ok_or(WebError::NotFound)
        })
        .await
}

pub(super) async fn meeting_page(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Markup, WebError> {
    staff_only(&signed_in)?;
    let report = meeting_report(&state, id).await?;
    // The pictures a manager may give the cards: the home's own.
    let home_pictures = if signed_in.session.account.manages() {
        state
            .with_plan(|plan| Ok(plan.house().home_card_pictures()?))
            .await?
    } else {
        Vec::new()
    };
    Ok(pages::meeting(
        &signed_in.session,
        &report,
        &home_pictures,
        state.now(),
    ))
}

/// A file for the browser to save.
pub(super) fn download(content_type: &'static str, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The easy-read PDF, for the meeting's table and the noticeboard.
pub(super) async fn meeting_pdf(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    staff_only(&signed_in)?;
    let report = meeting_report(&state, id).await?;
    let hashes: Vec<String> = report
        .question
        .cards
        .iter()
        .filter_map(|c| c.picture.clone())
        .collect();
    let pictures = state
        .with_plan(move |plan| {
            let mut pictures = crate::report::meeting_pdf::CardPictures::new();
            for hash in hashes {
                if let Some(bytes) = plan.device().house_picture(&hash)? {
                    pictures.insert(hash, bytes);
                }
            }
            Ok(pictures)
        })
        .await?;
    let pdf = tokio::task::spawn_blocking(move || {
        crate::report::meeting_pdf::meeting_pdf(&report, &pictures)
    })
    .await
    .map_err(|_| WebError::Internal)?
    .map_err(|e| {
        tracing::warn!("the meeting's PDF could not be made: {e}");
        WebError::Internal
    })?;
    Ok(download("application/pdf", "meeting.pdf", pdf))
}

/// The counts as CSV, every count under three said as such.
pub(super) async fn meeting_csv(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    staff_only(&signed_in)?;
    let report = meeting_report(&state, id).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "meeting.csv",
        meeting::csv(&report).into_bytes(),
    ))
}

#[derive(Deserialize)]
pub(super) struct ConsentForm {
    #[serde(default)]
    csrf: String,
    /// "yes" records consent; anything else withdraws it.
    #[serde(default)]
    given: String,
}

/// A resident's consent to their answers being shown by name at meetings,
/// recorded (or withdrawn) from their profile.
pub(super) async fn meeting_consent(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<ConsentForm>,
) -> Result<Response, WebError> {
    staff_only(&signed_in)?;
    let consent: Mark =
        |plan, person, on, by, now| plan.record_meeting_consent(person, on, by, now);
    mark_resident(state, signed_in, person, form, consent).await
}

/// A home manager records that a resident left the home (or that it was
/// recorded by mistake), from their profile.
pub(super) async fn left_home(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(person): Path<String>,
    Form(form): Form<ConsentForm>,
) -> Result<Response, WebError> {
    staff_only(&signed_in)?;
    manager_only(&signed_in)?;
    let leaving: Mark = |plan, person, on, by, now| plan.record_leaving(person, on, by, now);
    mark_resident(state, signed_in, person, form, leaving).await
}

/// A mark on a resident's profile made ("yes") or cleared, then back there.
type Mark = fn(&mut dyn HousePlan, &PersonId, bool, &str, DateTime<Utc>) -> Result<(), HouseError>;

async fn mark_resident(
    state: AppState,
    signed_in: SignedIn,
    person: String,
    form: ConsentForm,
    mark: Mark,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    let person = PersonId::new(person);
    let on = form.given == "yes";
    let by = signed_in.name().to_string();
    let now = state.now();
    let back = format!("/people/{}/profile#meetings", path_part(&person));
    state
        .with_plan(
            move |plan| match mark(plan.house(), &person, on, &by, now) {
                Ok(()) => Ok(()),
                Err(HouseError::Store(e)) => Err(WebError::Plan(e)),
                Err(_) => Err(WebError::NotFound),
            },
        )
        .await?;
    Ok(Redirect::to(&back).into_response())
}

#[derive(Deserialize)]
pub(super) struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    card: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    due: String,
}

/// What the meeting decided about a card: an action for each resident who
/// placed it, told to them once it is done.
pub(super) async fn record_decision(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let due = match form.due.trim() {
        "" => None,
        text => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            WebError::BadInput("Give the date it is due by as a date, or leave it empty.".into())
        })?),
    };
    let decision = NewDecision {
        question: id.clone(),
        card: form.card.as_str().into(),
        what: short("What was decided", &form.what, true)?,
        who: short("Who does it", &form.who, true)?,
        due,
    };
    let by = signed_in.name().to_string();
    let now = state.now();
    state
        .with_plan(move |plan| match plan.house().decide(&decision, &by, now) {
            Ok(_) => Ok(()),
            Err(HouseError::Store(e)) => Err(WebError::Plan(e)),
            Err(HouseError::NoSuchQuestion) => Err(WebError::NotFound),
            Err(refused) => Err(WebError::BadInput(refused.to_string())),
        })
        .await?;
    Ok(Redirect::to(&format!("/house/{}#decisions", path_part(&id))).into_response())
}

pub(super) async fn settle_decision(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, decision)): Path<(String, i64)>,
    Form(form): Form<StatusForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    let (status, outcome) = form.settled()?;
    let tell = short("What to tell the residents", &form.tell, false)?;
    let by = signed_in.name().to_string();
    let now = state.now();
    let question = id.clone();
    let settled = state
        .with_plan(move |plan| {
            let ours = plan
                .house()
                .decisions(&question)?
                .iter()
                .any(|d| d.id == decision);
            Ok(ours
                && plan
                    .house()
                    .settle_decision(decision, status, &outcome, &tell, &by, now)?)
        })
        .await?;
    if !settled {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to(&format!("/house/{}#decisions", path_part(&id))).into_response())
}

/// A home manager takes a card off a question (one that turned out not to be
/// possible): kiosks offer it no more, and its answers stay counted.
pub(super) async fn take_card_off(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((id, card)): Path<(String, String)>,
    Form(form): Form<super::sign_in_out::CsrfForm>,
) -> Result<Response, WebError> {
    signed_in.check_form(&form.csrf)?;
    staff_only(&signed_in)?;
    manager_only(&signed_in)?;
    let by = signed_in.name().to_string();
    let now = state.now();
    let question = id.clone();
    let taken = state
        .with_plan(move |plan| Ok(plan.house().take_card_off(&question, &card, &by, now)?))
        .await?;
    if !taken {
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to(&format!("/house/{}", path_part(&id))).into_response())
}
