//! Who is asking: the session cookie, the signed-in account, and the checks
//! every form goes through (its CSRF token, and that it came from this site).

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::{AppState, WebError};
use crate::store::accounts::WebSession;

pub const SESSION_COOKIE: &str = "sayso_session";

/// The address a request came from, as the connection says (a proxy's own
/// headers are not believed). Requests without one (the tests' router)
/// share one unknown address.
pub struct ClientAddress(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let connected = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(ClientAddress(connected.unwrap_or(std::net::IpAddr::V6(
            std::net::Ipv6Addr::UNSPECIFIED,
        ))))
    }
}

/// The cookie that keeps a browser signed in: not readable by scripts, not
/// sent with requests from other sites, gone when the session would end.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let lasts = crate::store::accounts::SESSION_LASTS.num_seconds();
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={lasts}{secure}")
}

pub fn cleared_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, token)| token.to_string())
        .filter(|token| token.len() == 64 && token.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A request from a signed-in browser. Without one, pages send the browser
/// to the sign-in page.
pub struct SignedIn {
    pub session: WebSession,
    pub token: String,
}

pub enum NotSignedIn {
    SignIn,
    Failed(WebError),
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        match self {
            NotSignedIn::SignIn => Redirect::to("/signin").into_response(),
            NotSignedIn::Failed(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = NotSignedIn;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = session_token(&parts.headers) else {
            return Err(NotSignedIn::SignIn);
        };
        let now = state.now();
        let lookup = token.clone();
        let session = state
            .with_plan(move |plan| Ok(plan.web_session(&lookup, now)?))
            .await
            .map_err(NotSignedIn::Failed)?;
        match session {
            Some(session) => Ok(SignedIn { session, token }),
            None => Err(NotSignedIn::SignIn),
        }
    }
}

impl SignedIn {
    /// A form must carry this session's token: a page on another site
    /// cannot know it.
    pub fn check_form(&self, token: &str) -> Result<(), WebError> {
        same_token(&self.session.csrf_token, token)
            .then_some(())
            .ok_or(WebError::Forgery)
    }

    pub fn name(&self) -> &str {
        &self.session.account.name
    }
}

/// Whether a form's token is the session's: compared in full, whatever
/// differs first.
pub fn same_token(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    expected.len() == given.len()
        && expected
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A form posted from a page of another site is refused, whoever is signed
/// in (browsers say where a form came from in `Origin`).
pub fn check_same_site(headers: &HeaderMap, https: bool) -> Result<(), WebError> {
    let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    // The scheme too: a page served over plain HTTP on the same name (an
    // attacker's, on the same network) is another site.
    let scheme = if https { "https://" } else { "http://" };
    if origin.strip_prefix(scheme) == Some(host) {
        Ok(())
    } else {
        Err(WebError::Forgery)
    }
}
