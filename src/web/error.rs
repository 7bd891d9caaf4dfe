//! What a request that cannot be served shows: a page that says what is
//! wrong and what to do, never a stack trace.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use maud::{html, Markup};

use super::html::layout;
use crate::store::accounts::AccountError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    Plan(#[from] StoreError),
    #[error("there is no such page")]
    NotFound,
    /// Bad form input: said to the person who sent it; nothing was written.
    #[error("{0}")]
    BadInput(String),
    #[error("this form is out of date or did not come from this site")]
    Forgery,
    #[error("this account cannot see that")]
    Forbidden,
    #[error("something went wrong on the server")]
    Internal,
    /// Too much heavy work waiting (uploads of photos, recordings, boards).
    #[error("the server is busy with other uploads")]
    Busy,
}

/// A refusal the person can put right is said to them; a plan that
/// cannot be read is the plan's trouble.
impl From<AccountError> for WebError {
    fn from(e: AccountError) -> WebError {
        match e {
            AccountError::Store(e) => WebError::Plan(e),
            refused => WebError::BadInput(format!("{refused}.")),
        }
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::Plan(_) | WebError::Internal | WebError::Busy => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Forgery | WebError::Forbidden => StatusCode::FORBIDDEN,
        }
    }

    /// A heading and what to do, in plain words.
    pub fn advice(&self) -> (&'static str, String) {
        match self {
            WebError::Plan(StoreError::Missing { .. }) => (
                "The support plan is not there",
                format!(
                    "{self}. Check that the drive or share holding it is connected, or \
                     give the right file with sayso serve --plan PATH."
                ),
            ),
            WebError::Plan(StoreError::NewerSchema { .. }) => (
                "The support plan is from a newer sayso",
                format!("{self}. Update sayso on this machine to read it."),
            ),
            WebError::Plan(StoreError::Damaged { .. } | StoreError::NotADatabase { .. }) => (
                "The support plan is damaged",
                format!(
                    "{self}. Nothing has been changed. Restore it from a backup, or ask \
                     whoever looks after sayso."
                ),
            ),
            WebError::Plan(e) if e.is_busy() => (
                "The support plan is busy",
                "A kiosk is saving into it right now. Try again in a minute; nothing \
                     you entered was saved."
                    .to_string(),
            ),
            WebError::Plan(_) => (
                "The support plan cannot be read",
                format!("{self}. Nothing you entered was saved. Try again in a minute."),
            ),
            WebError::NotFound => (
                "Not found",
                "There is no such page, or the person or action is not in this support plan."
                    .to_string(),
            ),
            WebError::BadInput(message) => (
                "Please check what you entered",
                format!("{message} Nothing was saved: go back, change it and try again."),
            ),
            WebError::Forgery => (
                "This form has expired",
                "Nothing was saved. Go back, reload the page, and try again.".to_string(),
            ),
            WebError::Forbidden => (
                "Not for this account",
                "This account cannot see that page.".to_string(),
            ),
            WebError::Busy => (
                "Many uploads at once",
                "Others are sending photos or recordings right now. Nothing was saved: \
                 go back and send it again in a moment."
                    .to_string(),
            ),
            WebError::Internal => (
                "Something went wrong",
                "Nothing you entered was saved. Try again in a minute.".to_string(),
            ),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        // Ids and kinds only in the log. A message about bad input may
        // quote what was sent (a card's words, a photo's name): it goes to
        // the person who sent it, not the log.
        match &self {
            WebError::BadInput(_) => {
                tracing::warn!(status = %self.status(), "web request refused: bad input")
            }
            _ => tracing::warn!(status = %self.status(), "web request refused: {self}"),
        }
        let mut response = (self.status(), problem_page(&self)).into_response();
        if matches!(self, WebError::Busy) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

fn problem_page(error: &WebError) -> Markup {
    let (heading, advice) = error.advice();
    layout(
        heading,
        None,
        html! {
            h1 { (heading) }
            p.problem role="alert" { (advice) }
            p { a href="/" { "Back to What's new" } }
        },
    )
}
