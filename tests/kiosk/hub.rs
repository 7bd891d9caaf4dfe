//! The home's hub: real kiosk processes (`sayso pair`, `sayso sync`, each
//! with a data directory of its own) and a real `sayso serve` over HTTPS on
//! this machine's own address.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use chrono::{DateTime, Duration, TimeZone, Utc};
use rusqlite::Connection;

use sayso::core::{Company, InputMethod, PersonRef, Record, Spot};
use sayso::store::ports::KiosksPlan;
use sayso::store::{Journal, Plan};

pub fn when() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap()
}

pub fn alex() -> PersonRef {
    PersonRef {
        id: "0190a000-0000-7000-8000-00000000a1e5".into(),
        name: "Alex".into(),
    }
}

/// A kiosk's data directory whose journal holds the finished mats
/// numbered `mats` of Alex's, each with tea placed; their ids have `prefix`.
pub fn kiosk_with_mats(dir: &Path, prefix: &str, mats: std::ops::Range<usize>) -> PathBuf {
    let data = dir.join(prefix);
    let mut journal = Journal::open(&data.join("journal.sqlite")).unwrap();
    journal.ensure_person(&alex(), when()).unwrap();
    for i in mats {
        let at = when() + Duration::hours(i as i64);
        let id = format!("0190a000-0000-7000-{prefix}-{i:012}");
        journal
            .record_all(&[
                Record::Started {
                    session_id: id.clone().into(),
                    person_id: alex().id,
                    set_id: "demo".into(),
                    topic_id: "food".into(),
                    topic_title: "Food".into(),
                    company: Company::default(),
                    at,
                },
                Record::Placed {
                    session_id: id.clone().into(),
                    seq: 1,
                    card_id: "tea".into(),
                    card_label: "tea".into(),
                    spot: Spot::on(i % 3),
                    point_label: ["like", "not sure", "don't like"][i % 3].into(),
                    at,
                    via: InputMethod::Key,
                    response_ms: 1200,
                    helped: false,
                },
                Record::Finished {
                    session_id: id.into(),
                    at: at + Duration::minutes(3),
                    via: InputMethod::Key,
                },
            ])
            .unwrap();
    }
    data
}

/// A running `sayso serve`, stopped when dropped.
pub struct Hub {
    child: Child,
    pub url: String,
    pub key_words: String,
    pub plan: PathBuf,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_hub(dir: &Path) -> Hub {
    let plan = dir.join("plan.sqlite");
    if !plan.exists() {
        Plan::create(&plan).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_sayso"))
        .arg("--plan")
        .arg(&plan)
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--https", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(child.stdout.take().unwrap());
    let (mut url, mut key_words) = (String::new(), String::new());
    let mut line = String::new();
    while key_words.is_empty() && said.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.strip_prefix("sayso web app on ") {
            url = rest.split(' ').next().unwrap().trim_end_matches('/').into();
        }
        if let Some((_, words)) = line.split_once("when it pairs): ") {
            key_words = words.trim().into();
        }
        line.clear();
    }
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    // The rest of what it says is read (and dropped), so it never blocks.
    std::thread::spawn(move || std::io::copy(&mut said, &mut std::io::sink()));
    Hub {
        child,
        url,
        key_words,
        plan,
    }
}

pub fn pairing_code(plan: &Path) -> String {
    let mut plan = Plan::open(plan).unwrap();
    plan.new_pairing_code("Jo", Utc::now()).unwrap().code
}

pub fn sayso(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sayso"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

pub fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub fn count(plan: &Path, sql: &str) -> i64 {
    Connection::open(plan)
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

#[test]
fn two_kiosks_paired_with_a_hub_bring_each_mat_once_and_a_revoked_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..30);
    let kitchen = kiosk_with_mats(dir.path(), "2222", 0..20);

    let code = pairing_code(&hub.plan);
    let paired = sayso(&lounge, &["pair", &hub.url, &code]);
    assert!(paired.status.success(), "{}", said(&paired));
    assert!(
        said(&paired).contains(&hub.key_words),
        "the kiosk shows the hub's words: {}",
        said(&paired)
    );
    assert!(
        said(&paired).contains("30 finished mat(s)"),
        "{}",
        said(&paired)
    );
    let again = sayso(&kitchen, &["pair", &hub.url, &code]);
    assert!(!again.status.success(), "a code pairs one kiosk");
    assert!(said(&again).contains("used already"), "{}", said(&again));
    let paired = sayso(&kitchen, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));

    for kiosk in [&lounge, &kitchen, &lounge, &kitchen] {
        let synced = sayso(kiosk, &["sync"]);
        assert!(synced.status.success(), "{}", said(&synced));
    }
    let mats = "SELECT count(*) FROM synced_sessions";
    assert_eq!(count(&hub.plan, mats), 50, "every mat once");
    assert_eq!(count(&hub.plan, "SELECT count(*) FROM evidence"), 50);
    assert_eq!(
        count(
            &hub.plan,
            "SELECT count(DISTINCT device_id) FROM synced_sessions"
        ),
        2
    );
    assert!(
        !dir.path().join("1111/plan.sqlite").exists(),
        "a paired kiosk keeps no plan of its own"
    );

    // A kiosk that was lost: staff revoke it, and its next sync is refused.
    let kitchen_id = Journal::open(&kitchen.join("journal.sqlite"))
        .unwrap()
        .device_id()
        .to_string();
    Plan::open(&hub.plan)
        .unwrap()
        .revoke_kiosk(&kitchen_id, "Jo", Utc::now())
        .unwrap();
    kiosk_with_mats(dir.path(), "2222", 20..25);
    let refused = sayso(&kitchen, &["sync"]);
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("refused this kiosk"),
        "{}",
        said(&refused)
    );
    assert!(said(&refused).contains("revoked"), "{}", said(&refused));
    assert_eq!(count(&hub.plan, mats), 50, "nothing written for it");
    assert_eq!(
        count(
            &hub.plan,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'revoked kiosk % refused'"
        ),
        1,
        "the refusal is audited"
    );
}

#[test]
fn a_kiosk_shown_another_key_sends_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..3);
    let paired = sayso(&lounge, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));

    // The hub's certificate is made again with a new key (another machine
    // answering at its address).
    let hub_dir = dir.path().join("hub");
    drop(hub);
    std::fs::remove_file(hub_dir.join("web-key.pem")).unwrap();
    std::fs::remove_file(hub_dir.join("web-cert.pem")).unwrap();
    let other = start_hub(&hub_dir);
    let hub_file = lounge.join("hub.toml");
    let link = std::fs::read_to_string(&hub_file).unwrap();
    let port = |url: &str| url.rsplit(':').next().unwrap().to_string();
    let old_url = link
        .lines()
        .find_map(|l| l.strip_prefix("url = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    std::fs::write(&hub_file, link.replace(&port(&old_url), &port(&other.url))).unwrap();
    kiosk_with_mats(dir.path(), "1111", 3..5);
    let refused = sayso(&lounge, &["sync"]);
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("different key"),
        "{}",
        said(&refused)
    );
    assert_eq!(
        count(&other.plan, "SELECT count(*) FROM synced_sessions"),
        3,
        "the two mats since were not sent"
    );
}

#[test]
fn the_api_refuses_a_request_without_a_kiosks_token_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..2);
    let paired = sayso(&lounge, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));
    let link: sayso::sync::HubLink =
        toml::from_str(&std::fs::read_to_string(lounge.join("hub.toml")).unwrap()).unwrap();

    let guessed = sayso::sync::HubLink {
        token: "0".repeat(64),
        ..link.clone()
    };
    let marks = "SELECT count(*) FROM device_marks";
    let marks_before = count(&hub.plan, marks);
    let mut plan = sayso::sync::HubPlan::connect(guessed).unwrap();
    use sayso::store::DevicePlan;
    let refused = plan.people().unwrap_err().to_string();
    assert!(refused.contains("not paired with this hub"), "{refused}");
    let refused = plan
        .set_device_mark("anyone", sayso::store::journal::Stream::Finished, 9, "x")
        .unwrap_err();
    assert!(matches!(
        refused,
        sayso::store::StoreError::HubRefused { .. }
    ));
    assert_eq!(count(&hub.plan, marks), marks_before, "nothing written");
    let plan = sayso::sync::HubPlan::connect(link).unwrap();
    assert_eq!(
        plan.people().unwrap(),
        vec![alex()],
        "its own token opens it"
    );
    let unknown = "SELECT count(*) FROM audit_log WHERE action = 'unknown kiosk refused'";
    assert_eq!(count(&hub.plan, unknown), 1, "audited, once a minute");
}

/// A plan's contents but its audit log.
fn without_audit(contents: &str) -> String {
    let mut keep = true;
    contents
        .lines()
        .filter(|line| {
            if line.starts_with('[') {
                keep = *line != "[audit_log]";
            }
            keep
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An HTTPS client for the tests' own requests (any key: the test started
/// the hub itself).
fn raw_client() -> reqwest::blocking::Client {
    let tls = sayso::sync::hub::pinning::PinnedKey::new(None)
        .client_config()
        .unwrap();
    reqwest::blocking::Client::builder()
        .use_preconfigured_tls(tls)
        .build()
        .unwrap()
}

/// Every route of the kiosks' API, as a kiosk calls it.
const ROUTES: [(&str, &str); 26] = [
    ("POST", "/check"),
    ("GET", "/home"),
    ("POST", "/home"),
    ("GET", "/people"),
    ("POST", "/mats/known"),
    ("GET", "/mats/awaiting-picture"),
    ("POST", "/writes"),
    ("GET", "/marks/finished"),
    ("POST", "/marks/finished"),
    ("POST", "/check-ins/known"),
    ("POST", "/partial-mats"),
    ("POST", "/told-back"),
    ("POST", "/told-back/answered"),
    ("POST", "/house-questions"),
    ("GET", "/house-pictures/aa"),
    ("POST", "/staff-line"),
    ("POST", "/staff-pin"),
    ("GET", "/pictures/from/aa"),
    ("POST", "/pictures"),
    ("POST", "/card-pictures"),
    ("POST", "/person-photos"),
    ("POST", "/mat-pictures"),
    ("GET", "/sets/newest"),
    ("POST", "/sets/version"),
    ("GET", "/home-settings"),
    ("GET", "/home-photos/aa"),
];

#[test]
fn every_route_refuses_a_kiosk_it_does_not_know_and_takes_nothing_from_it() {
    let dir = tempfile::tempdir().unwrap();
    // A home file the hub would give a kiosk it knows (never a stranger).
    std::fs::create_dir_all(dir.path().join("hub")).unwrap();
    std::fs::write(
        dir.path().join("hub/home.toml"),
        "[[people]]\nname = \"Alex\"\n",
    )
    .unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..4);
    let paired = sayso(&lounge, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));
    let before = sayso::store::Plan::open(&hub.plan)
        .unwrap()
        .contents()
        .unwrap();
    let client = raw_client();
    // A kiosk of another home: a token its own hub gave, not this one.
    for token in [
        None,
        Some("0".repeat(64)),
        Some("a kiosk of another home".into()),
    ] {
        for (method, path) in ROUTES.iter().chain([&("GET", "/files/00")]) {
            let url = format!("{}/api/v1{path}", hub.url);
            let mut request = client.request(method.parse().unwrap(), &url);
            if let Some(token) = &token {
                request = request.bearer_auth(token);
            }
            if *method == "POST" {
                request = request
                    .header("content-type", "application/json")
                    .body("{}");
            }
            let answer = request.send().unwrap();
            assert_eq!(answer.status(), 401, "{method} {path} with {token:?}");
        }
    }
    let after = sayso::store::Plan::open(&hub.plan)
        .unwrap()
        .contents()
        .unwrap();
    assert_eq!(
        without_audit(&after),
        without_audit(&before),
        "nothing written but the audit"
    );
}

#[test]
fn the_hub_gzips_a_large_answer_for_a_kiosk_that_accepts_it() {
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..400);
    let paired = sayso(&lounge, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));
    let link = sayso::sync::HubLink::load(&lounge).unwrap().unwrap();
    let ids: Vec<String> = (0..400)
        .map(|i| format!("0190a000-0000-7000-1111-{i:012}"))
        .collect();
    let body = serde_json::json!({ "ids": ids }).to_string();
    let tls = sayso::sync::hub::pinning::PinnedKey::new(None)
        .client_config()
        .unwrap();
    // As sent; the client undoes no gzip of its own.
    let client = reqwest::blocking::Client::builder()
        .use_preconfigured_tls(tls)
        .no_gzip()
        .build()
        .unwrap();
    let ask = |accept: Option<&str>| {
        let mut request = client
            .post(format!("{}/api/v1/mats/known", hub.url))
            .bearer_auth(&link.token)
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(accept) = accept {
            request = request.header("accept-encoding", accept);
        }
        let answer = request.send().unwrap();
        assert_eq!(answer.status(), 200);
        let encoding = answer
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        (encoding, answer.bytes().unwrap().to_vec())
    };
    let (plain_encoding, plain) = ask(None);
    assert_eq!(plain_encoding, None);
    let known: Vec<String> = serde_json::from_slice(&plain).unwrap();
    assert_eq!(known.len(), 400, "every mat is known");
    let (encoding, gzipped) = ask(Some("gzip"));
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert!(
        gzipped.len() * 4 < plain.len(),
        "{} of {}",
        gzipped.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(gzipped.as_slice()),
        &mut unzipped,
    )
    .unwrap();
    let mut known_unzipped: Vec<String> = serde_json::from_slice(&unzipped).unwrap();
    let mut known = known;
    known.sort();
    known_unzipped.sort();
    assert!(known_unzipped == known, "the same answer");
}

#[test]
fn a_malformed_oversized_or_replayed_request_writes_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..4);
    let paired = sayso(&lounge, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));
    let link = sayso::sync::HubLink::load(&lounge).unwrap().unwrap();
    let client = raw_client();
    let post = |path: &str, body: Vec<u8>, gzip: bool| {
        let mut request = client
            .post(format!("{}/api/v1{path}", hub.url))
            .bearer_auth(&link.token)
            .header("content-type", "application/json");
        if gzip {
            request = request.header("content-encoding", "gzip");
        }
        request.body(body).send().unwrap()
    };
    let malformed = post("/writes", b"[{\"AddSession\": 7}]".to_vec(), false);
    assert_eq!(malformed.status(), 400);
    assert!(malformed
        .text()
        .unwrap()
        .contains("not what this route takes"));
    let not_gzip = post("/writes", b"[]".to_vec(), true);
    assert_eq!(not_gzip.status(), 400);
    let oversized = post("/staff-line", vec![b' '; 17 * 1024 * 1024], false);
    assert_eq!(oversized.status(), 413, "refused before it is read");
    // A gzip bomb: small on the wire, past the limit once unpacked.
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut bomb, &vec![b' '; 20 * 1024 * 1024]).unwrap();
    let bomb = post("/staff-line", bomb.finish().unwrap(), true);
    assert_eq!(bomb.status(), 400);

    // Evidence for a mat not in the same batch is refused whole.
    let stray = r#"[{"AddPerson":{"id":"p-x","name":"X"}},{"AddEvidence":{"session_id":"s-none","card_id":"tea","person_id":"p-x","topic_id":"food","card_label":"tea","spot":null,"said":"Skipped","helped":false,"tell_me_more":false,"placed_seq":1,"placed_at":"2026-10-01T09:00:00Z","response_ms":null}}]"#;
    let refused = post("/writes", stray.as_bytes().to_vec(), false);
    assert_eq!(refused.status(), 400, "{}", refused.text().unwrap());
    assert_eq!(
        count(&hub.plan, "SELECT count(*) FROM people WHERE id = 'p-x'"),
        0,
        "nothing of a refused batch is written"
    );

    // The same sync twice over: the second brings nothing.
    let first = sayso(&lounge, &["sync"]);
    assert!(first.status.success(), "{}", said(&first));
    let mats = count(&hub.plan, "SELECT count(*) FROM synced_sessions");
    let evidence = count(&hub.plan, "SELECT count(*) FROM evidence");
    let mut plan = sayso::sync::HubPlan::connect(link).unwrap();
    let journal = sayso::store::Journal::open(&lounge.join("journal.sqlite")).unwrap();
    let replayed = sayso::sync::with_plan(
        &journal,
        &mut plan,
        when(),
        &sayso::sync::SyncOptions::default(),
    )
    .unwrap();
    assert_eq!(replayed.sessions, 0);
    assert_eq!(
        count(&hub.plan, "SELECT count(*) FROM synced_sessions"),
        mats
    );
    assert_eq!(count(&hub.plan, "SELECT count(*) FROM evidence"), evidence);
}

const ALEXS_SET: &str = r#"
id = "alexs"
title = "Alex's things"

[[topics]]
id = "alexs-drinks"
title = "Alex's drinks"
question = "What do you think about these?"
scale = "like"

[[topics.cards]]
id = "mug"
label = "My red mug"
clip = "clips/mug.wav"
"#;

#[test]
fn a_set_made_on_the_hub_reaches_both_kiosks_and_their_pictures_reach_the_hub() {
    use sayso::store::ports::PlanSets;
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..2);
    let kitchen = kiosk_with_mats(dir.path(), "2222", 0..2);
    for kiosk in [&lounge, &kitchen] {
        let paired = sayso(kiosk, &["pair", &hub.url, &pairing_code(&hub.plan)]);
        assert!(paired.status.success(), "{}", said(&paired));
    }
    // A family member saves Alex's set in the web app.
    let clip = b"RIFF a recording".to_vec();
    Plan::open(&hub.plan)
        .unwrap()
        .save_set_version(
            "alexs",
            &alex().id,
            ALEXS_SET,
            &[("clips/mug.wav".to_string(), clip.clone())],
            "Alex's sister",
            Utc::now(),
        )
        .unwrap();
    for kiosk in [&lounge, &kitchen] {
        let synced = sayso(kiosk, &["sync"]);
        assert!(synced.status.success(), "{}", said(&synced));
        let taken = kiosk.join("sets/alexs/1");
        assert_eq!(
            std::fs::read(taken.join("clips/mug.wav")).unwrap(),
            clip,
            "the set's files, whole"
        );
        assert!(std::fs::read_to_string(taken.join("set.toml"))
            .unwrap()
            .contains("My red mug"));
    }
    // The demo set's card pictures went up from the kiosks, each kept once
    // and written again by the hub.
    let pictures = count(&hub.plan, "SELECT count(*) FROM pictures");
    assert!(pictures > 10, "{pictures} pictures");
    let cards = count(&hub.plan, "SELECT count(*) FROM card_pictures");
    assert!(cards > 10, "{cards} cards with a picture");
}

#[test]
fn a_kiosk_that_kept_its_own_plan_joins_the_hub_with_its_history_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    // The office kiosk is the hub's first, so the hub's plan is its home's.
    let office = kiosk_with_mats(dir.path(), "1111", 0..5);
    let paired = sayso(&office, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(paired.status.success(), "{}", said(&paired));
    // The lounge kiosk has kept a plan of its own for months.
    let lounge = kiosk_with_mats(dir.path(), "2222", 0..12);
    let alone = sayso(&lounge, &["sync"]);
    assert!(alone.status.success(), "{}", said(&alone));
    assert!(lounge.join("plan.sqlite").is_file());

    let joined = sayso(&lounge, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(joined.status.success(), "{}", said(&joined));
    assert!(
        said(&joined).contains("12 finished mat(s)"),
        "{}",
        said(&joined)
    );
    let again = sayso(&lounge, &["sync"]);
    assert!(again.status.success(), "{}", said(&again));
    let mats = "SELECT count(*) FROM synced_sessions";
    assert_eq!(count(&hub.plan, mats), 17, "each mat once");

    // Sam under another id on a kiosk than in the hub's plan: refused,
    // never guessed at.
    let stranger = dir.path().join("stranger");
    let journal = Journal::open(&stranger.join("journal.sqlite")).unwrap();
    journal
        .ensure_person(
            &PersonRef {
                id: "0190a000-0000-7000-8000-0000000000ff".into(),
                name: "Alex".into(),
            },
            when(),
        )
        .unwrap();
    let refused = sayso(&stranger, &["pair", &hub.url, &pairing_code(&hub.plan)]);
    assert!(!refused.status.success());
    assert!(said(&refused).contains("Alex is"), "{}", said(&refused));
    assert!(
        said(&refused).contains("not kept paired"),
        "{}",
        said(&refused)
    );
    assert!(
        !stranger.join("hub.toml").exists(),
        "nothing sent later either"
    );
    assert_eq!(count(&hub.plan, mats), 17);
}

#[test]
fn a_kiosk_whose_hub_file_is_damaged_syncs_nowhere_else_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let lounge = kiosk_with_mats(dir.path(), "1111", 0..3);
    std::fs::write(lounge.join("hub.toml"), "url = \"https://hub:8470\"\ntok").unwrap();
    let refused = sayso(&lounge, &["sync"]);
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("hub.toml") && said(&refused).contains("paired again"),
        "{}",
        said(&refused)
    );
    assert!(
        !lounge.join("plan.sqlite").exists(),
        "no plan of its own begun meanwhile"
    );
}

#[test]
fn staff_open_a_paired_kiosks_staff_screen_with_their_pin_from_the_hub() {
    use sayso::core::staff_screen::{StaffInput, StaffStage};
    use sayso::kiosk::KioskInput;
    use sayso::store::ports::AccountsPlan;
    let dir = tempfile::tempdir().unwrap();
    let hub = start_hub(&dir.path().join("hub"));
    {
        let mut plan = Plan::open(&hub.plan).unwrap();
        let role = sayso::store::accounts::Role::Staff;
        plan.add_account("Jo", role, None, "test", when()).unwrap();
        let jo = plan.accounts().unwrap().remove(0);
        plan.set_pin(jo.id, "4821", when()).unwrap();
    }
    let mut test = crate::common::open_kiosk(&crate::common::demo_set());
    while test.kiosk.wait_for_jobs(crate::common::JOB_WAIT).is_some() {}
    let device = Journal::open(&test.paths.journal())
        .unwrap()
        .device_id()
        .to_string();
    let link = sayso::sync::hub::pair(&hub.url, &pairing_code(&hub.plan), &device, None).unwrap();
    link.save(&test.paths.data_dir).unwrap();
    // The kiosk's own plan has no PIN at all: only the hub's can open it.
    let type_pin = |test: &mut crate::common::TestKiosk, pin: &str| {
        test.kiosk
            .input(KioskInput::Staff(StaffInput::CornerPressed));
        test.clock.advance(Duration::seconds(3));
        test.kiosk.input(KioskInput::Tick);
        test.kiosk
            .input(KioskInput::Staff(StaffInput::CornerReleased));
        for digit in pin.bytes() {
            test.kiosk
                .input(KioskInput::Staff(StaffInput::Digit(digit - b'0')));
        }
        test.kiosk.input(KioskInput::Staff(StaffInput::EnterPin));
        test.kiosk.wait_for_jobs(crate::common::JOB_WAIT);
        test.kiosk.staff_view()
    };
    let wrong = type_pin(&mut test, "1111");
    assert_eq!(wrong.screen.stage, StaffStage::Pin);
    let right = type_pin(&mut test, "4821");
    assert_eq!(right.screen.stage, StaffStage::Open);
    assert_eq!(right.screen.staff_name, "Jo");

    // A kiosk's token alone cannot try every PIN: after five wrong ones the
    // hub makes that kiosk wait, even for the right one.
    let client = raw_client();
    let try_pin = |pin: &str| {
        client
            .post(format!("{}/api/v1/staff-pin", hub.url))
            .bearer_auth(&link.token)
            .header("content-type", "application/json")
            .body(format!("{{\"pin\":\"{pin}\"}}"))
            .send()
            .unwrap()
    };
    for pin in ["0000", "0001", "0002", "0003"] {
        assert_eq!(try_pin(pin).status(), 200, "answered: wrong");
    }
    let fifth = try_pin("0004");
    assert_eq!(fifth.status(), 200);
    assert_eq!(fifth.text().unwrap(), "\"Wrong\"");
    let waiting = try_pin("4821");
    assert_eq!(waiting.status(), 429, "the right PIN waits too");
    assert!(waiting.text().unwrap().contains("too many wrong PINs"));
}
