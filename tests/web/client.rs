//! A browser's worth of HTTP for the router, without a network: requests in,
//! responses out, cookies kept, the clock under the test's control.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use super::fixture;
use sayso::web::{app, AppState};

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Page {
    /// The value of the first hidden `csrf` field on the page.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF token");
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

pub struct Client {
    router: Router,
    /// Where its requests come from: each client a device of its own.
    pub address: std::net::SocketAddr,
    cookie: Option<String>,
    /// Seconds the clock has moved on from the fixture's `now`.
    pub later: Arc<AtomicI64>,
}

impl Client {
    pub fn new(plan: &Path) -> Client {
        Client::reached(plan, None, None, None)
    }

    /// A client of a server listening on the home's network at `url`.
    pub fn on_the_home_network(plan: &Path, url: &str) -> Client {
        Client::reached(
            plan,
            Some(sayso::web::Reach::Network {
                url: url.to_string(),
            }),
            None,
            None,
        )
    }

    /// A client of the home's hub at `url`, whose HTTPS key is `key`.
    pub fn of_a_hub(plan: &Path, url: &str, key: &str) -> Client {
        let reach = sayso::web::Reach::Network {
            url: url.to_string(),
        };
        Client::reached(plan, Some(reach), None, Some(key))
    }

    /// A client of the home's hub whose own home file is `home`.
    pub fn of_a_hub_with_home(plan: &Path, url: &str, key: &str, home: &Path) -> Client {
        let reach = sayso::web::Reach::Network {
            url: url.to_string(),
        };
        Client::reached(plan, Some(reach), Some(home), Some(key))
    }

    /// A client of a server on a machine whose home file is `home`.
    pub fn with_home_file(plan: &Path, home: &Path) -> Client {
        Client::reached(plan, None, Some(home), None)
    }

    fn reached(
        plan: &Path,
        reach: Option<sayso::web::Reach>,
        home: Option<&Path>,
        hub_key: Option<&str>,
    ) -> Client {
        let later = Arc::new(AtomicI64::new(0));
        let moved = later.clone();
        let state = AppState::new(
            plan.to_path_buf(),
            Arc::new(move || {
                fixture::now() + chrono::Duration::seconds(moved.load(Ordering::SeqCst))
            }),
        )
        .with_preview_program(env!("CARGO_BIN_EXE_sayso").into());
        let state = match reach {
            Some(reach) => state.with_reach(reach),
            None => state,
        };
        let state = match home {
            Some(home) => state.with_home_file(home.to_path_buf()),
            None => state,
        };
        let state = match hub_key {
            Some(key) => state.with_hub_key(key.to_string()),
            None => state,
        };
        static DEVICES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let device = DEVICES.fetch_add(1, Ordering::SeqCst);
        Client {
            router: app(state),
            address: std::net::SocketAddr::from((
                [10, 0, (device >> 8) as u8, device as u8],
                40000,
            )),
            cookie: None,
            later,
        }
    }

    pub fn wait(&self, duration: chrono::Duration) {
        self.later
            .fetch_add(duration.num_seconds(), Ordering::SeqCst);
    }

    /// The same server, reached from another device (its own address and
    /// cookies), as time stands for this one.
    pub fn another_device(&self) -> Client {
        static OTHERS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let other = OTHERS.fetch_add(1, Ordering::SeqCst);
        Client {
            router: self.router.clone(),
            address: std::net::SocketAddr::from(([10, 1, (other >> 8) as u8, other as u8], 40000)),
            cookie: None,
            later: self.later.clone(),
        }
    }

    fn send(&mut self, mut request: Request<Body>) -> Page {
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(self.address));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let response = runtime
            .block_on(self.router.clone().oneshot(request))
            .unwrap();
        if let Some(cookie) = response.headers().get(header::SET_COOKIE) {
            let cookie = cookie.to_str().unwrap();
            let pair = cookie.split(';').next().unwrap().to_string();
            self.cookie = (!pair.ends_with('=')).then_some(pair);
        }
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let bytes = runtime
            .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
            .unwrap();
        Page {
            status,
            location,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
            bytes: bytes.to_vec(),
        }
    }

    pub fn get(&mut self, path: &str) -> Page {
        let mut request = Request::get(path);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap())
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(path, form, None)
    }

    /// A form posted from a page of `origin` (another site, in an attack).
    pub fn post_with(&mut self, path: &str, form: &[(&str, &str)], origin: Option<&str>) -> Page {
        let body = form
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC),
                    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:8470");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap())
    }

    /// A form with files, as a browser sends `multipart/form-data`: each
    /// file as (field, file name, content type, bytes).
    pub fn post_files(
        &mut self,
        path: &str,
        texts: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Page {
        const BOUNDARY: &str = "----saysoTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in texts {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                     filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let mut request = Request::post(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::HOST, "127.0.0.1:8470");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap())
    }

    /// As Jo, before a review meeting: a line in Alex's profile and an
    /// open action about the bus.
    pub fn ready_for_the_meeting(&mut self, csrf: &str) {
        let person = format!("/people/{}", fixture::ALEX);
        for (path, form) in [
            (
                format!("{person}/profile"),
                vec![
                    ("important", "Tea with Sam on Sundays"),
                    ("appreciate", ""),
                    ("support", ""),
                    ("communication", ""),
                ],
            ),
            (
                format!("{person}/actions"),
                vec![
                    ("what", "Find a bus buddy"),
                    ("who", "Priya"),
                    ("card", "going-out/bus"),
                ],
            ),
        ] {
            let mut form = form;
            form.push(("csrf", csrf));
            let done = self.post(&path, &form);
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{path}: {}", done.body);
        }
    }

    /// Signs in and returns What's new.
    pub fn sign_in(&mut self, name: &str, passphrase: &str) -> Page {
        let signed_in = self.post("/signin", &[("name", name), ("passphrase", passphrase)]);
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{}",
            signed_in.body
        );
        self.get("/")
    }
}
