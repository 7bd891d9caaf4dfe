//! The home's hub as a kiosk reaches it: the plan's device port over
//! HTTPS, each call one request, the hub's key pinned.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use reqwest::blocking::{Client, Response};
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::link::HubLink;
use super::pinning::PinnedKey;
use super::wire::*;
use crate::core::told_back::ToldBack;
use crate::core::{PersonId, PersonRef, SessionId};
use crate::store::accounts::KioskPin;
use crate::store::journal::{PartialMat, Stream};
use crate::store::ops::{HomeBinding, PlanOp};
use crate::store::pictures::NewPicture;
use crate::store::plan::Faults;
use crate::store::ports::device::HomeSettings;
use crate::store::set_versions::{NewestSet, SetVersion};
use crate::store::{DevicePlan, StoreError};

/// Bodies larger than this go gzipped.
const GZIP_FROM_BYTES: usize = 8 * 1024;

/// How long a kiosk waits for the hub to answer one request.
const ANSWER_WITHIN: Duration = Duration::from_secs(60);

/// The key a hub showed last.
pub(super) type SeenKey = Arc<Mutex<Option<String>>>;

pub struct HubPlan {
    link: HubLink,
    http: Client,
    seen: SeenKey,
    location: PathBuf,
}

/// A client that trusts only the key `pin` (any key while pairing).
pub(super) fn pinned_client(pin: Option<String>) -> Result<(Client, SeenKey), StoreError> {
    let verifier = PinnedKey::new(pin);
    let seen = verifier.seen();
    let tls = verifier
        .client_config()
        .map_err(|e| StoreError::HubAnswer {
            url: String::new(),
            said: format!("TLS cannot be set up: {e}"),
        })?;
    let http = Client::builder()
        .use_preconfigured_tls(tls)
        .https_only(true)
        .connect_timeout(Duration::from_secs(10))
        .timeout(ANSWER_WITHIN)
        .build()
        .map_err(|e| StoreError::HubAnswer {
            url: String::new(),
            said: format!("the HTTPS client cannot start: {e}"),
        })?;
    Ok((http, seen))
}

impl HubPlan {
    pub fn connect(link: HubLink) -> Result<HubPlan, StoreError> {
        let (http, seen) = pinned_client(Some(link.key.clone()))?;
        Ok(HubPlan {
            location: PathBuf::from(&link.url),
            link,
            http,
            seen,
        })
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, StoreError> {
        let url = format!("{}{API}{path}", self.link.url.trim_end_matches('/'));
        let mut request = self
            .http
            .request(method, &url)
            .header(AUTHORIZATION, format!("Bearer {}", self.link.token));
        if let Some(body) = body {
            let json = serde_json::to_vec(body).map_err(|e| self.fault(e))?;
            request = request.header(CONTENT_TYPE, "application/json");
            request = if json.len() >= GZIP_FROM_BYTES {
                request.header(CONTENT_ENCODING, "gzip").body(gzip(&json))
            } else {
                request.body(json)
            };
        }
        let response = request.send().map_err(|e| self.unreached(e))?;
        let response = answered(response, &self.link.url)?;
        response.json().map_err(|e| self.fault(e))
    }

    /// Whose a PIN typed on this kiosk's staff screen is, as the hub's
    /// accounts say.
    pub fn kiosk_pin(&self, pin: &str) -> Result<KioskPin, StoreError> {
        let typed = PinTyped {
            pin: pin.to_string(),
        };
        self.post("/staff-pin", &typed)
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, StoreError> {
        self.call(Method::GET, path, None::<&()>)
    }

    fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, StoreError> {
        self.call(Method::POST, path, Some(body))
    }

    fn unreached(&self, e: reqwest::Error) -> StoreError {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match seen {
            Some(key) if key != self.link.key => StoreError::HubCertificate {
                url: self.link.url.clone(),
            },
            _ => StoreError::HubUnreachable {
                url: self.link.url.clone(),
                cause: without_url(&e),
            },
        }
    }

    fn fault(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::HubAnswer {
            url: self.link.url.clone(),
            said: e.to_string(),
        }
    }
}

/// The answer, when it is one; else the hub's refusal or trouble, in words
/// for the staff line.
pub(super) fn answered(response: Response, url: &str) -> Result<Response, StoreError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let said: String = response
        .text()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    let url = url.to_string();
    Err(match status {
        StatusCode::UNAUTHORIZED => StoreError::HubRefused { url, reason: said },
        StatusCode::CONFLICT => StoreError::DifferentHome {
            plan: PathBuf::from(url),
        },
        _ => StoreError::HubAnswer {
            url,
            said: format!("{status}: {said}"),
        },
    })
}

/// What went wrong reaching the hub, without the address (said apart).
pub(super) fn without_url(e: &reqwest::Error) -> String {
    let mut said = if e.is_timeout() {
        "no answer in time".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "the connection failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        said = format!("{said}: {cause}");
        source = cause.source();
    }
    said
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to memory cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

impl HubPlan {
    /// A file the hub answers as base64 (`null`: it has none).
    fn get_file(&self, route: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let file: Option<String> = self.get(route)?;
        file.map(|text| {
            base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| self.fault(e))
        })
        .transpose()
    }
}

impl DevicePlan for HubPlan {
    fn location(&self) -> &Path {
        &self.location
    }
    fn check_integrity_once(&mut self) -> Result<(), StoreError> {
        self.post("/check", &())
    }
    fn settle_home(
        &mut self,
        journal_home: Option<&str>,
        fresh: &str,
    ) -> Result<HomeBinding, StoreError> {
        self.post(
            "/home",
            &SettleHome {
                journal_home: journal_home.map(str::to_string),
                fresh: fresh.to_string(),
            },
        )
    }
    fn home_id(&self) -> Result<Option<String>, StoreError> {
        self.get("/home")
    }
    fn people(&self) -> Result<Vec<PersonRef>, StoreError> {
        self.get("/people")
    }
    fn synced_among(&self, ids: &[&SessionId]) -> Result<HashSet<SessionId>, StoreError> {
        let ids = ids.iter().map(|&id| id.clone()).collect();
        self.post("/mats/known", &SessionIds { ids })
    }
    fn execute(&mut self, ops: &[PlanOp], _: &mut Faults) -> Result<usize, StoreError> {
        self.post("/writes", &ops)
    }
    fn device_mark(&self, _: &str, stream: Stream) -> Result<Option<(i64, String)>, StoreError> {
        let mark: Option<Mark> = self.get(&format!("/marks/{}", stream.name()))?;
        Ok(mark.map(|m| (m.row, m.key)))
    }
    fn set_device_mark(
        &mut self,
        _: &str,
        stream: Stream,
        row: i64,
        key: &str,
    ) -> Result<(), StoreError> {
        let mark = Mark {
            row,
            key: key.to_string(),
        };
        self.post(&format!("/marks/{}", stream.name()), &mark)
    }
    fn has_check_in(&self, person: &PersonId, key: &str) -> Result<bool, StoreError> {
        let asked = CheckInKey {
            person: person.clone(),
            key: key.to_string(),
        };
        self.post("/check-ins/known", &asked)
    }
    fn set_partial_mats(
        &mut self,
        _: &str,
        mats: &[PartialMat],
        _: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.post("/partial-mats", &mats)
    }
    fn told_back_for(&self, people: &[PersonId]) -> Result<Vec<ToldBack>, StoreError> {
        let people = People {
            people: people.to_vec(),
        };
        self.post("/told-back", &people)
    }
    fn answered_told_back(&self, action_ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let asked = ActionIds {
            action_ids: action_ids.to_vec(),
        };
        self.post("/told-back/answered", &asked)
    }
    fn report_device(
        &mut self,
        _: &str,
        problems: &[String],
        _: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let line = StaffLine {
            problems: problems.to_vec(),
        };
        self.post("/staff-line", &line)
    }
    fn picture_for_source(&self, source_hash: &str) -> Result<Option<String>, StoreError> {
        self.get(&format!("/pictures/from/{source_hash}"))
    }
    fn add_picture(&mut self, picture: NewPicture, _: DateTime<Utc>) -> Result<String, StoreError> {
        let up = PictureUp {
            source_hash: picture.source_hash.to_string(),
            bytes: base64::engine::general_purpose::STANDARD.encode(picture.bytes),
        };
        self.post("/pictures", &up)
    }
    fn set_card_picture(
        &mut self,
        topic_id: &str,
        card_id: &str,
        hash: &str,
        _: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let card = CardPicture {
            topic_id: topic_id.to_string(),
            card_id: card_id.to_string(),
            hash: hash.to_string(),
        };
        self.post("/card-pictures", &card)
    }
    fn set_person_photo(&mut self, person: &PersonId, hash: &str) -> Result<bool, StoreError> {
        let photo = PersonPhoto {
            person: person.clone(),
            hash: hash.to_string(),
        };
        self.post("/person-photos", &photo)
    }
    fn mats_awaiting_picture(&self, _: &str) -> Result<Vec<(SessionId, String)>, StoreError> {
        self.get("/mats/awaiting-picture")
    }
    fn set_mat_picture_hash(&mut self, session: &SessionId, hash: &str) -> Result<(), StoreError> {
        let mat = MatPicture {
            session: session.clone(),
            hash: hash.to_string(),
        };
        self.post("/mat-pictures", &mat)
    }
    fn newest_sets(&self) -> Result<Vec<NewestSet>, StoreError> {
        self.get("/sets/newest")
    }
    fn set_version(
        &self,
        set_id: &str,
        version: Option<u32>,
    ) -> Result<Option<SetVersion>, StoreError> {
        let wanted = SetVersionWanted {
            set_id: set_id.to_string(),
            version,
        };
        self.post("/sets/version", &wanted)
    }
    fn set_file(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_file(&format!("/files/{hash}"))
    }
    fn newest_home(&self) -> Result<Option<HomeSettings>, StoreError> {
        self.get("/home-settings")
    }
    fn home_photo(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_file(&format!("/home-photos/{hash}"))
    }
    fn house_picture(&self, hash: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_file(&format!("/house-pictures/{hash}"))
    }
    /// Which questions are open is the hub's to say, by its own clock.
    fn house_questions_for(
        &self,
        people: &[PersonId],
        _: DateTime<Utc>,
    ) -> Result<Vec<crate::core::house_question::QuestionForKiosk>, StoreError> {
        let people = People {
            people: people.to_vec(),
        };
        self.post("/house-questions", &people)
    }
}
