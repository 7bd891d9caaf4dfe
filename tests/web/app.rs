//! The web app through its router, as a browser's requests would reach it:
//! signing in, What's new, a person's page, verdicts, notes and actions, and
//! everything that must be refused.

use axum::http::StatusCode;
use rusqlite::Connection;
use sha2::Digest;

use super::client::Client;
use super::fixture::{self, ALEX, JO_PASSPHRASE};
use sayso::kiosk::KioskInput;
use sayso::store::ports::AccountsPlan;
use sayso::store::DevicePlan;

fn home_with_jo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    (dir, plan)
}

fn audit_rows(plan: &std::path::Path) -> Vec<(String, String, Option<String>, Option<String>)> {
    let db = Connection::open(plan).unwrap();
    let mut statement = db
        .prepare("SELECT actor, action, before, after FROM audit_log ORDER BY id")
        .unwrap();
    statement
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The text between a column's heading and the next column's on a person's
/// page: the cards under that point.
fn column<'a>(page: &'a str, topic: &str, point: &str) -> &'a str {
    let topic_at = page
        .find(&format!(">{topic}</h3>"))
        .unwrap_or_else(|| panic!("no topic {topic}"));
    let rest = &page[topic_at..];
    let heading = format!("<h4 class=\"point-label\">{point}</h4>");
    let start = rest
        .find(&heading)
        .unwrap_or_else(|| panic!("no column {point}"))
        + heading.len();
    let rest = &rest[start..];
    let end = [rest.find("point-label"), rest.find("<h3")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn nothing_but_the_sign_in_page_without_signing_in() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    for path in ["/", &format!("/people/{ALEX}")] {
        let page = browser.get(path);
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/signin"));
    }
    let refused = browser.post(&format!("/people/{ALEX}/actions"), &[("what", "x")]);
    assert_eq!(refused.location.as_deref(), Some("/signin"));
    assert!(!Connection::open(&plan)
        .unwrap()
        .query_row("SELECT count(*) > 0 FROM actions", [], |r| r
            .get::<_, bool>(0))
        .unwrap());
}

#[test]
fn whats_new_lists_each_person_with_what_came_in_since_the_last_look() {
    let (dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let page = browser.sign_in("Jo", JO_PASSPHRASE);
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(&format!("href=\"/people/{}", ALEX)), "{body}");
    assert!(body.contains("4 new mats"), "{body}");
    // Tea went from like to don't like; pizza from not sure to like.
    assert!(body.contains("2 views changed"), "{body}");
    assert!(body.contains("1 “tell me more” to follow up"), "the bus");
    assert!(body.contains("1 new mat<"), "Sam's");
    assert!(body.contains("Kiosk "), "the kiosk and its last sync");
    // Each line leads to where it is acted on.
    assert!(
        body.contains(&format!("href=\"/people/{ALEX}#mats\"")),
        "{body}"
    );
    assert!(
        body.contains(&format!("href=\"/people/{ALEX}#views\"")),
        "{body}"
    );

    // A check-in nobody offered is named: which topic, which day.
    Connection::open(&plan)
        .unwrap()
        .execute(
            "INSERT INTO check_ins (person_id, check_in, topic_id, window_opens, window_closes,
                                    outcome)
             VALUES (?1, 'food@2026-11-19', 'food', '2026-11-19T08:00:00.000Z',
                     '2026-11-19T10:00:00.000Z', 'not-offered')",
            [ALEX],
        )
        .unwrap();
    let body = browser.get("/").body;
    assert!(body.contains("1 check-in nobody offered: Food, "), "{body}");

    // Marked as seen: the same mats are no longer news; a new one is.
    let csrf = page.csrf();
    browser.wait(chrono::Duration::minutes(5));
    let seen = browser.post("/seen", &[("csrf", &csrf)]);
    assert_eq!(seen.status, StatusCode::SEE_OTHER);
    assert!(!browser.get("/").body.contains("new mat"));
    browser.wait(chrono::Duration::minutes(5));
    fixture::sync_one_more(
        dir.path(),
        fixture::now() + chrono::Duration::minutes(20),
        &fixture::Mat {
            id: "019a5000-0000-7000-8000-000000000099",
            person: ALEX,
            day: 20,
            topic: fixture::FOOD,
            cards: &[("tea", "tea", Some(2))],
        },
    );
    let body = browser.get("/").body;
    assert!(
        body.contains("1 new mat<"),
        "a mat synced after the look: {body}"
    );
}

#[test]
fn a_persons_page_shows_each_card_under_the_point_of_their_current_view() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    browser.sign_in("Jo", JO_PASSPHRASE);
    let page = browser.get(&format!("/people/{ALEX}"));
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(column(body, "Food", "don't like").contains("<h4>tea</h4>"));
    assert!(column(body, "Food", "like").contains("<h4>pizza</h4>"));
    assert!(!column(body, "Food", "like").contains("<h4>tea</h4>"));
    assert!(column(body, "Going out", "not sure").contains("<h4>the bus</h4>"));
    // A change is shown as a change, never averaged.
    let tea = column(body, "Food", "don't like");
    assert!(tea.contains("was <em>like</em> until"), "{tea}");
    assert!(column(body, "Going out", "not sure").contains("Asked to tell more"));
    assert!(body.contains("not confirmed yet"));
}

#[test]
fn staff_confirm_dispute_note_and_act_and_each_change_is_audited() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    browser.sign_in("Jo", JO_PASSPHRASE);
    let person = format!("/people/{ALEX}");
    let csrf = browser.get(&person).csrf();

    let confirmed = browser.post(
        &format!("{person}/cards/food/pizza"),
        &[("csrf", &csrf), ("verdict", "confirm"), ("body", "")],
    );
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    let no_reason = browser.post(
        &format!("{person}/cards/food/tea"),
        &[("csrf", &csrf), ("verdict", "dispute"), ("body", "  ")],
    );
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("A reason for disputing is needed"));
    // Said in place: the person's page again, with tea's form open at the
    // problem, not a page whose only link leads away.
    let tea = &no_reason.body[no_reason
        .body
        .find("id=\"card-food-tea\"")
        .expect("tea card")..];
    let tea = &tea[..tea.find("</article>").unwrap()];
    assert!(tea.contains("<details open"), "{tea}");
    // An action can be added from the card itself.
    assert!(tea.contains("Add an action about tea"), "{tea}");
    assert!(tea.contains("name=\"card\" value=\"food/tea\""), "{tea}");
    assert!(tea.contains("A reason for disputing is needed"), "{tea}");
    // What was typed is kept (a note too long keeps every word).
    let long = "the tea was cold ".repeat(200);
    let too_long = browser.post(
        &format!("{person}/cards/food/tea"),
        &[("csrf", &csrf), ("verdict", "note"), ("body", &long)],
    );
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains(long.trim_end()), "kept as typed");
    browser.post(
        &format!("{person}/cards/food/tea"),
        &[
            ("csrf", &csrf),
            ("verdict", "dispute"),
            ("body", "the tea was cold that week"),
        ],
    );
    browser.post(
        &format!("{person}/cards/going-out/bus"),
        &[
            ("csrf", &csrf),
            ("verdict", "note"),
            ("body", "asked about the 42"),
        ],
    );
    let page = browser.get(&person).body;
    assert!(column(&page, "Food", "like").contains("confirmed"));
    assert!(column(&page, "Food", "don't like").contains("the tea was cold that week"));
    assert!(column(&page, "Food", "don't like").contains("disputed"));

    let added = browser.post(
        &format!("{person}/actions"),
        &[
            ("csrf", &csrf),
            ("what", "Find a bus buddy"),
            ("who", "Priya"),
            ("due", "2026-11-19"),
            ("card", "going-out/bus"),
        ],
    );
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = browser.get(&person).body;
    assert!(page.contains("Find a bus buddy"));
    assert!(page.contains("overdue"), "due yesterday, still open");
    let overdue = browser.get("/").body;
    assert!(overdue.contains("1 action overdue"), "{overdue}");

    let action_id: i64 = Connection::open(&plan)
        .unwrap()
        .query_row("SELECT id FROM actions", [], |r| r.get(0))
        .unwrap();
    let done = browser.post(
        &format!("{person}/actions/{action_id}/status"),
        &[
            ("csrf", &csrf),
            ("status", "done"),
            ("note", "Sam's cousin goes too"),
        ],
    );
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = browser.get(&person).body;
    assert!(page.contains("Sam&#39;s cousin goes too") || page.contains("Sam's cousin goes too"));
    assert!(!page.contains("overdue"));

    let audit = audit_rows(&plan);
    let by_jo: Vec<_> = audit.iter().filter(|row| row.0 == "Jo").collect();
    let actions: Vec<&str> = by_jo.iter().map(|row| row.1.as_str()).collect();
    assert!(actions.starts_with(&["passphrase set"]) || actions.contains(&"confirmed"));
    for expected in [
        "confirmed",
        "disputed",
        "note",
        "action added",
        "action status",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} audited: {actions:?}"
        );
    }
    let status = by_jo.iter().find(|row| row.1 == "action status").unwrap();
    assert_eq!(
        status.2.as_deref(),
        Some(format!("#{action_id}: open").as_str())
    );
    assert_eq!(
        status.3.as_deref(),
        Some(format!("#{action_id}: done Sam's cousin goes too").as_str())
    );
}

#[test]
fn a_form_without_its_token_or_from_another_site_is_refused_and_nothing_is_written() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    browser.sign_in("Jo", JO_PASSPHRASE);
    let person = format!("/people/{ALEX}");
    let csrf = browser.get(&person).csrf();
    let before = audit_rows(&plan).len();
    for token in ["", "0000", &"f".repeat(64)] {
        let refused = browser.post(
            &format!("{person}/cards/food/pizza"),
            &[("csrf", token), ("verdict", "confirm")],
        );
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("This form has expired"));
    }
    let forged_sign_in = browser.post_with(
        "/signin",
        &[("name", "Jo"), ("passphrase", JO_PASSPHRASE)],
        Some("https://evil.example"),
    );
    assert_eq!(forged_sign_in.status, StatusCode::FORBIDDEN);
    // The same name with another scheme is another site.
    let other_scheme = browser.post_with(
        "/signin",
        &[("name", "Jo"), ("passphrase", JO_PASSPHRASE)],
        Some("https://127.0.0.1:8470"),
    );
    assert_eq!(other_scheme.status, StatusCode::FORBIDDEN);
    let same_site = browser.another_device().post_with(
        "/signin",
        &[("name", "Jo"), ("passphrase", JO_PASSPHRASE)],
        Some("http://127.0.0.1:8470"),
    );
    assert_eq!(
        same_site.status,
        StatusCode::SEE_OTHER,
        "{}",
        same_site.body
    );
    assert_eq!(audit_rows(&plan).len(), before, "nothing written");
    let ok = browser.post(
        &format!("{person}/cards/food/pizza"),
        &[("csrf", &csrf), ("verdict", "confirm")],
    );
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "the real token works");
}

#[test]
fn wrong_passphrases_make_that_device_wait_but_never_keep_jo_out() {
    let (_dir, plan) = home_with_jo();
    let mut attacker = Client::new(&plan);
    for _ in 0..4 {
        let wrong = attacker.post("/signin", &[("name", "Jo"), ("passphrase", "guess")]);
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong
            .body
            .contains("That name and passphrase do not match."));
    }
    let locked = attacker.post("/signin", &[("name", "Jo"), ("passphrase", "guess")]);
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked
        .body
        .contains("Too many wrong passphrases from this device. Try again after"));
    assert_eq!(
        locked.headers.get("retry-after").unwrap(),
        "30",
        "{:?}",
        locked.headers
    );
    // That device waits, even with the right passphrase...
    let right_but_waiting =
        attacker.post("/signin", &[("name", "Jo"), ("passphrase", JO_PASSPHRASE)]);
    assert_eq!(right_but_waiting.status, StatusCode::TOO_MANY_REQUESTS);
    // ...but Jo, on her own device, signs in: a name is never locked.
    let mut jo = attacker.another_device();
    assert_eq!(jo.sign_in("Jo", JO_PASSPHRASE).status, StatusCode::OK);
    assert!(jo.get("/").body.contains("Kiosks"));
    // After its wait, the other device may try again.
    attacker.wait(chrono::Duration::minutes(1));
    assert_eq!(attacker.sign_in("Jo", JO_PASSPHRASE).status, StatusCode::OK);
    // An unknown name gets the same answer as a wrong passphrase.
    let mut stranger = attacker.another_device();
    let unknown = stranger.post("/signin", &[("name", "Nobody"), ("passphrase", "guess")]);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown
        .body
        .contains("That name and passphrase do not match."));
}

#[test]
fn a_session_ends_after_a_shift_and_on_signing_out() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let page = browser.sign_in("Jo", JO_PASSPHRASE);
    browser.wait(chrono::Duration::hours(13));
    assert_eq!(browser.get("/").location.as_deref(), Some("/signin"));

    browser.wait(chrono::Duration::minutes(1));
    let page2 = browser.sign_in("Jo", JO_PASSPHRASE);
    assert_ne!(page.csrf(), page2.csrf(), "a new session, a new token");
    let out = browser.post("/signout", &[("csrf", &page2.csrf())]);
    assert_eq!(out.location.as_deref(), Some("/signin"));
    assert_eq!(browser.get("/").location.as_deref(), Some("/signin"));
}

#[test]
fn a_family_account_sees_none_of_the_persons_views() {
    let (_dir, plan) = home_with_jo();
    let mut browser = alexs_sister(&plan);
    let home = browser.get("/");
    assert!(!home.body.contains("new mat"), "{}", home.body);
    assert!(!home.body.contains("Sam"));
    for person in [ALEX, fixture::SAM] {
        let page = browser.get(&format!("/people/{person}"));
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(!page.body.contains("tea"));
    }
    let csrf = home.csrf();
    let refused = browser.post(
        &format!("/people/{ALEX}/cards/food/tea"),
        &[("csrf", &csrf), ("verdict", "confirm")],
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[test]
fn script_in_names_labels_and_notes_is_shown_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let journal_path = dir.path().join("journal.sqlite");
    let mut journal = fixture::journal_with_people(&journal_path);
    journal
        .record_all(&fixture::records(&fixture::Mat {
            id: "019a5000-0000-7000-8000-0000000000aa",
            person: ALEX,
            day: 4,
            topic: ("food", "<img src=x onerror=alert(1)>"),
            cards: &[("tea", "<script>alert('tea')</script>", Some(0))],
        }))
        .unwrap();
    let plan = dir.path().join("plan.sqlite");
    super::common::sync(
        &journal,
        &mut sayso::store::Plan::open_or_create(&plan).unwrap(),
        fixture::now(),
    )
    .unwrap();
    fixture::add_staff(&plan, "<b>Jo</b>", JO_PASSPHRASE);
    let mut browser = Client::new(&plan);
    let home = browser.sign_in("<b>Jo</b>", JO_PASSPHRASE);
    assert!(home.body.contains("&lt;b&gt;Jo&lt;/b&gt;"));
    let person = format!("/people/{ALEX}");
    browser.post(
        &format!("{person}/cards/food/tea"),
        &[
            ("csrf", &home.csrf()),
            ("verdict", "note"),
            ("body", "<script>document.title='owned'</script>"),
        ],
    );
    let page = browser.get(&person).body;
    for raw in ["<script>", "<img src=x", "<b>Jo"] {
        assert!(!page.contains(raw), "{raw} must be escaped");
    }
    assert!(
        page.contains("&lt;script&gt;alert(&#39;tea&#39;)&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert('tea')&lt;/script&gt;")
    );
    assert!(page.contains("&lt;script&gt;document.title"));
}

#[test]
fn bad_input_gets_a_clear_message_and_writes_nothing() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
    let person = format!("/people/{ALEX}");
    let before = audit_rows(&plan).len();
    let bad_date = browser.post(
        &format!("{person}/actions"),
        &[
            ("csrf", &csrf),
            ("what", "x"),
            ("who", "Jo"),
            ("due", "31/12/2026"),
        ],
    );
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.body.contains("The date is not a date"));
    let made_up_card = browser.post(
        &format!("{person}/actions"),
        &[
            ("csrf", &csrf),
            ("what", "x"),
            ("who", "Jo"),
            ("card", "no-such-topic/no-such-card"),
        ],
    );
    assert_eq!(made_up_card.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(made_up_card
        .body
        .contains("That card is not one this person has a view of"));
    let long = "x".repeat(5000);
    let too_long = browser.post(
        &format!("{person}/cards/food/tea"),
        &[("csrf", &csrf), ("verdict", "note"), ("body", &long)],
    );
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("too long"));
    let huge = "y".repeat(100_000);
    let oversized = browser.post(
        &format!("{person}/cards/food/tea"),
        &[("csrf", &csrf), ("verdict", "note"), ("body", &huge)],
    );
    assert_eq!(oversized.status, StatusCode::PAYLOAD_TOO_LARGE);
    for path in [
        "/people/nobody".to_string(),
        format!("{person}/nothing-here"),
    ] {
        let page = browser.get(&path);
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Not found"));
    }
    let unknown_card = browser.post(
        &format!("{person}/cards/food/no-such-card"),
        &[("csrf", &csrf), ("verdict", "confirm")],
    );
    assert_eq!(unknown_card.status, StatusCode::NOT_FOUND);
    let unknown_action = browser.post(
        &format!("{person}/actions/999/status"),
        &[("csrf", &csrf), ("status", "done")],
    );
    assert_eq!(unknown_action.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_rows(&plan).len(), before, "nothing written");
}

#[test]
fn a_missing_newer_or_damaged_plan_gets_a_page_that_says_which_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.sqlite");
    let mut browser = Client::new(&plan);
    let page = browser.post("/signin", &[("name", "Jo"), ("passphrase", "x")]);
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.body.contains("The support plan is not there"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("panicked"));

    let (_home, plan) = home_with_jo();
    Connection::open(&plan)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let page = Client::new(&plan).post("/signin", &[("name", "Jo"), ("passphrase", "x")]);
    assert!(
        page.body.contains("The support plan is from a newer sayso"),
        "{}",
        page.body
    );

    let (_home, plan) = home_with_jo();
    std::fs::write(&plan, b"this is not a database at all, just some text").unwrap();
    let page = Client::new(&plan).post("/signin", &[("name", "Jo"), ("passphrase", "x")]);
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.body.contains("The support plan is damaged"),
        "{}",
        page.body
    );
}

#[test]
fn every_page_forbids_other_sites_scripts_and_framing_and_is_not_cached() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let page = browser.get("/signin");
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert_eq!(page.headers["cache-control"], "no-store");
    let signed_in = browser.post("/signin", &[("name", "Jo"), ("passphrase", JO_PASSPHRASE)]);
    let cookie = signed_in.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[test]
fn beyond_this_machine_the_server_always_uses_https() {
    let listen = |address: &str, https: bool| sayso::web::Listen {
        address: address.parse().unwrap(),
        https,
        certificate: None,
    };
    for address in ["0.0.0.0:8470", "192.168.1.20:8470", "[::]:8470"] {
        assert!(listen(address, false).uses_https(), "{address}");
    }
    assert!(!listen("127.0.0.1:8470", false).uses_https());
    assert!(listen("127.0.0.1:8470", true).uses_https());
}

#[test]
fn the_one_page_profile_is_edited_and_takes_confirmed_views_as_lines() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
    let person = format!("/people/{ALEX}");
    let empty = browser.get(&format!("{person}/profile"));
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains("What's important to me")
            || empty.body.contains("What&#39;s important to me")
    );
    assert!(empty.body.contains("None yet"), "nothing confirmed yet");

    browser.post(
        &format!("{person}/cards/food/pizza"),
        &[("csrf", &csrf), ("verdict", "confirm")],
    );
    let offered = browser.get(&format!("{person}/profile")).body;
    assert!(offered.contains("I like pizza."), "{offered}");

    let saved = browser.post(
        &format!("{person}/profile"),
        &[
            ("csrf", &csrf),
            ("appreciate", "Alex's laugh"),
            ("important", "Tea with Sam on Sundays"),
            ("support", ""),
            ("communication", "Give Alex time to answer"),
        ],
    );
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let added = browser.post(
        &format!("{person}/profile/lines"),
        &[
            ("csrf", &csrf),
            ("section", "important"),
            ("line", "I like pizza."),
        ],
    );
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = browser.get(&format!("{person}/profile")).body;
    assert!(
        page.contains("Tea with Sam on Sundays\nI like pizza.</textarea>"),
        "{page}"
    );

    let audit = audit_rows(&plan);
    let last = audit.last().unwrap();
    assert_eq!(last.1, "profile");
    assert_eq!(
        last.2.as_deref(),
        Some("important: Tea with Sam on Sundays")
    );
    assert_eq!(
        last.3.as_deref(),
        Some("important: Tea with Sam on Sundays\nI like pizza.")
    );
    let bad_section = browser.post(
        &format!("{person}/profile/lines"),
        &[("csrf", &csrf), ("section", "secrets"), ("line", "x")],
    );
    assert_eq!(bad_section.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn the_review_meeting_report_gathers_the_period_and_refuses_a_backwards_one() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
    let person = format!("/people/{ALEX}");
    browser.ready_for_the_meeting(&csrf);
    let report = browser.get(&format!("{person}/report?from=2026-11-15&to=2026-11-20"));
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let body = &report.body;
    assert!(body.contains("15 Nov 2026 to 20 Nov 2026"));
    assert!(body.contains("Tea with Sam on Sundays"), "the profile");
    // Tea changed on 17 Nov (in the period); pizza on 10 Nov (before it).
    assert!(
        body.contains("tea (Food): was <em>like</em>, now <strong>don&#39;t like</strong>")
            || body.contains("tea (Food): was <em>like</em>, now <strong>don't like</strong>"),
        "{body}"
    );
    assert!(
        !body.contains("pizza (Food): was"),
        "changed before the period"
    );
    assert!(body.contains("2 mat(s)."), "the 17th and the 18th");
    assert!(
        body.contains("Find a bus buddy"),
        "open actions are always there"
    );

    let whole = browser.get(&format!("{person}/report?from=2026-11-01&to=2026-11-20"));
    assert!(whole.body.contains("4 mat(s)."));
    let backwards = browser.get(&format!("{person}/report?from=2026-11-20&to=2026-11-01"));
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards
        .body
        .contains("first day comes after its last day"));
    let bad = browser.get(&format!("{person}/report?from=yesterday"));
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        browser.get("/people/nobody/report").status,
        StatusCode::NOT_FOUND
    );
}

#[test]
fn pages_are_served_while_a_kiosk_is_writing_the_plan() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    browser.sign_in("Jo", JO_PASSPHRASE);
    // A sync under way: another connection holds the plan's write lock.
    let writer = Connection::open(&plan).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    writer
        .execute(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES ('2026-11-20T18:00:00.000Z', 'device:x', 'sync', '')",
            [],
        )
        .unwrap();
    let page = browser.get("/");
    assert_eq!(page.status, StatusCode::OK, "read while the kiosk writes");
    assert!(page.body.contains("4 new mats"));
    let person = browser.get(&format!("/people/{ALEX}"));
    assert_eq!(person.status, StatusCode::OK);
    writer.execute_batch("COMMIT").unwrap();
}

#[test]
fn whats_new_shows_what_each_kiosks_staff_line_said_at_its_last_sync() {
    let mut test = super::common::open_kiosk(&super::common::demo_set());
    test.kiosk.input(KioskInput::Problem(
        "Picture cards/tea.svg cannot be shown: it is not there".into(),
    ));
    while test.kiosk.screen() == sayso::core::Screen::Mat {
        test.kiosk.input(KioskInput::Person(sayso::core::Input::new(
            sayso::core::Event::PlaceOn(0),
            sayso::core::InputMethod::Touch,
        )));
    }
    test.kiosk.input(KioskInput::Person(sayso::core::Input::new(
        sayso::core::Event::Finish,
        sayso::core::InputMethod::Touch,
    )));
    test.kiosk.wait_for_jobs(super::common::JOB_WAIT);
    fixture::add_staff(&test.paths.plan, "Jo", JO_PASSPHRASE);
    let mut browser = Client::new(&test.paths.plan);
    let page = browser.sign_in("Jo", JO_PASSPHRASE);
    assert!(
        page.body
            .contains("Picture cards/tea.svg cannot be shown: it is not there"),
        "{}",
        page.body
    );
    assert!(page.body.contains("(1 mat)"));
}

#[test]
fn pages_show_the_pictures_the_kiosks_carried_into_the_plan_to_staff_only() {
    let (_dir, plan) = home_with_jo();
    let (tea, photo, mat) = fixture::add_pictures(&plan);
    let mut browser = Client::new(&plan);
    let signed_out = browser.get(&format!("/pictures/{tea}"));
    assert_eq!(signed_out.location.as_deref(), Some("/signin"));

    let home = browser.sign_in("Jo", JO_PASSPHRASE);
    assert!(home.body.contains(&format!("src=\"/pictures/{photo}\"")));
    let page = browser.get(&format!("/people/{ALEX}"));
    let tea_card = column(&page.body, "Food", "don't like");
    assert!(
        tea_card.contains(&format!(
            "<img class=\"card-picture\" src=\"/pictures/{tea}\""
        )),
        "{tea_card}"
    );
    assert!(page.body.contains(&format!("src=\"/pictures/{mat}\"")));
    assert!(page.body.contains("alt=\"The Food mat as Alex left it"));

    let served = browser.get(&format!("/pictures/{tea}"));
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers["content-type"], "image/png");
    // Named by what it is: the SHA-256 of the bytes served.
    assert_eq!(sayso::store::hex(&sha2::Sha256::digest(&served.bytes)), tea);
    assert!(image::load_from_memory(&served.bytes).is_ok());
    // Care pictures are not kept in a shared browser's cache.
    assert_eq!(served.headers["cache-control"], "no-store");
    assert!(
        served.headers.get("strict-transport-security").is_none(),
        "HSTS only over HTTPS"
    );
    for path in [
        "/pictures/".to_string() + &"0".repeat(64),
        "/pictures/..%2Fplan.sqlite".to_string(),
        "/pictures/".to_string() + &tea.to_uppercase(),
    ] {
        assert_eq!(browser.get(&path).status, StatusCode::NOT_FOUND, "{path}");
    }

    // A family account sees none of it (their own person's sets come later,
    // from the family pages).
    let mut family = alexs_sister(&plan);
    assert_eq!(
        family.get(&format!("/pictures/{mat}")).status,
        StatusCode::FORBIDDEN
    );
}

#[test]
fn a_practice_mat_is_kept_but_stops_counting_and_can_count_again() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
    // 17 Nov: tea "don't like", pizza "like"; before it tea was "like".
    let practice = "019a5000-0000-7000-8000-000000000003";
    let page = browser.get(&format!("/people/{ALEX}"));
    assert!(column(&page.body, "Food", "don't like").contains("<h4>tea</h4>"));

    let marked = browser.post(
        &format!("/people/{ALEX}/mats/{practice}/practice"),
        &[("csrf", &csrf), ("practice", "yes")],
    );
    assert_eq!(marked.status, StatusCode::SEE_OTHER, "{}", marked.body);
    let page = browser.get(&format!("/people/{ALEX}"));
    // Without that mat, tea is back to "like", said 2 times out of 2.
    let like = column(&page.body, "Food", "like");
    assert!(like.contains("<h4>tea</h4>"), "{like}");
    assert!(!column(&page.body, "Food", "don't like").contains("<h4>tea</h4>"));
    assert!(like.contains("Said 2 times out of 2"), "{like}");
    assert!(page.body.contains("Practice: not counted."));
    assert!(page.body.contains("Count it after all"));
    let audit = audit_rows(&plan);
    let last = audit.last().unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), ("Jo", "practice"));
    assert_eq!(
        last.3.as_deref(),
        Some(format!("mat {practice}: practice").as_str())
    );

    // Counted again: as it was.
    browser.post(
        &format!("/people/{ALEX}/mats/{practice}/practice"),
        &[("csrf", &csrf), ("practice", "no")],
    );
    let page = browser.get(&format!("/people/{ALEX}"));
    assert!(column(&page.body, "Food", "don't like").contains("<h4>tea</h4>"));
    assert!(!page.body.contains("Practice: not counted."));

    // Sam's mat through Alex's page, an unknown mat, or no answer: refused,
    // nothing written.
    let before = audit_rows(&plan).len();
    let sams = "019a5000-0000-7000-8000-000000000005";
    for (mat, answer, status) in [
        (sams, "yes", StatusCode::NOT_FOUND),
        ("no-such-mat", "yes", StatusCode::NOT_FOUND),
        (practice, "maybe", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let refused = browser.post(
            &format!("/people/{ALEX}/mats/{mat}/practice"),
            &[("csrf", &csrf), ("practice", answer)],
        );
        assert_eq!(refused.status, status, "{mat} {answer}");
    }
    assert_eq!(audit_rows(&plan).len(), before);
}

#[test]
fn staff_set_their_kiosk_pin_only_with_their_passphrase() {
    let (_dir, plan) = home_with_jo();
    let mut browser = Client::new(&plan);
    let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
    let page = browser.get("/account");
    assert!(page.body.contains("You have no PIN yet"), "{}", page.body);
    let pin_of_jo = || -> Option<String> {
        Connection::open(&plan)
            .unwrap()
            .query_row("SELECT pin FROM accounts WHERE name = 'Jo'", [], |r| {
                r.get(0)
            })
            .unwrap()
    };
    for (pin, again, passphrase, says) in [
        (
            "4821",
            "4812",
            JO_PASSPHRASE,
            "The two PINs are not the same.",
        ),
        (
            "4821",
            "4821",
            "not my passphrase",
            "That passphrase is not right.",
        ),
        ("48a1", "48a1", JO_PASSPHRASE, "a PIN is 4 to 8 digits"),
        ("123", "123", JO_PASSPHRASE, "a PIN is 4 to 8 digits"),
    ] {
        let refused = browser.post(
            "/account/pin",
            &[
                ("csrf", &csrf),
                ("pin", pin),
                ("again", again),
                ("passphrase", passphrase),
            ],
        );
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{pin}");
        assert!(refused.body.contains(says), "{says}: {}", refused.body);
        assert_eq!(pin_of_jo(), None);
    }
    let form = [
        ("pin", "4821"),
        ("again", "4821"),
        ("passphrase", JO_PASSPHRASE),
    ];
    let without_token = browser.post("/account/pin", &form);
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    assert_eq!(pin_of_jo(), None);

    let mut with_token = vec![("csrf", csrf.as_str())];
    with_token.extend(form);
    let set = browser.post("/account/pin", &with_token);
    assert_eq!(set.status, StatusCode::OK);
    assert!(set.body.contains("Your PIN is set"));
    let stored = pin_of_jo().unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains("4821"));
    let audit = audit_rows(&plan);
    assert_eq!(audit.last().unwrap().1, "PIN set");
    assert!(browser.get("/account").body.contains("You have a PIN"));
}

#[test]
fn a_mat_left_part_way_is_told_apart_and_cannot_be_marked_as_practice() {
    let (_dir, plan) = home_with_jo();
    let left = "019a5000-0000-7000-8000-0000000000aa";
    sayso::store::Plan::open(&plan)
        .unwrap()
        .set_partial_mats(
            "kiosk-1",
            &[sayso::store::journal::PartialMat {
                session_id: left.into(),
                person: sayso::core::PersonRef {
                    id: ALEX.into(),
                    name: "Alex".into(),
                },
                topic_id: "food".into(),
                topic_title: "Food".into(),
                started_at: "2026-11-19T10:00:00.000Z".into(),
                left_at: "2026-11-19T10:12:00.000Z".into(),
                cards_placed: 2,
            }],
            fixture::now(),
        )
        .unwrap();
    let mut browser = Client::new(&plan);
    let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
    let page = browser.get(&format!("/people/{ALEX}"));
    let mats = &page.body[page.body.find("id=\"mats\"").unwrap()..];
    let body = &mats[mats.find("<tbody>").unwrap()..];
    let first_row = &body[..body.find("</tr>").unwrap()];
    assert!(
        first_row.contains("Left part-way: not counted."),
        "{first_row}"
    );
    assert!(first_row.contains("2 placed before it was left"));
    assert!(!first_row.contains("practice"), "{first_row}");
    // The finished ones say how long answers took.
    assert!(mats.contains("Answers took"), "{mats}");
    let refused = browser.post(
        &format!("/people/{ALEX}/mats/{left}/practice"),
        &[("csrf", &csrf), ("practice", "yes")],
    );
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

/// Alex's sister, with a family account for Alex, signed in.
fn alexs_sister(plan: &std::path::Path) -> Client {
    {
        let mut p = sayso::store::Plan::open(plan).unwrap();
        let code = p
            .add_account(
                "Alex's sister",
                sayso::store::accounts::Role::Family,
                Some(&ALEX.into()),
                "Jo",
                fixture::now(),
            )
            .unwrap();
        p.redeem_setup_code(&code, "her own long passphrase", fixture::now())
            .unwrap();
    }
    let mut family = Client::new(plan);
    family.sign_in("Alex's sister", "her own long passphrase");
    family
}

#[test]
fn staff_share_a_persons_views_with_their_family_to_read_and_can_stop() {
    let (_dir, plan) = home_with_jo();
    let (tea, photo, mat) = fixture::add_pictures(&plan);
    let mut staff = Client::new(&plan);
    let csrf = staff.sign_in("Jo", JO_PASSPHRASE).csrf();
    staff.post(
        &format!("/people/{ALEX}/cards/food/tea"),
        &[
            ("csrf", &csrf),
            ("verdict", "note"),
            ("body", "cold tea that week"),
        ],
    );
    let mut family = alexs_sister(&plan);

    // Not shared: her page has Alex's photo and the set's pictures are
    // hers to see (she makes the sets), but no views and no kept mats.
    let home = family.get("/");
    assert!(
        home.body.contains("can share them with you"),
        "{}",
        home.body
    );
    assert!(!home.body.contains("<h4>tea</h4>"));
    assert_eq!(
        family.get(&format!("/pictures/{tea}")).status,
        StatusCode::OK
    );
    assert_eq!(
        family.get(&format!("/pictures/{photo}")).status,
        StatusCode::OK
    );
    assert_eq!(
        family.get(&format!("/pictures/{mat}")).status,
        StatusCode::FORBIDDEN
    );
    // A card of a topic Alex is not offered (Sam's) is not hers to see.
    let sams_card = {
        let mut opened = sayso::store::Plan::open(&plan).unwrap();
        let hash = fixture::keep_picture(&mut opened, &fixture::png(8, 8, [9, 90, 200]));
        Connection::open(&plan)
            .unwrap()
            .execute(
                "INSERT INTO card_pictures (topic_id, card_id, picture_hash, updated_at)
                 VALUES ('sams-garden', 'roses', ?1, '2026-11-20T09:00:00.000Z')",
                [&hash],
            )
            .unwrap();
        hash
    };
    assert_eq!(
        family.get(&format!("/pictures/{sams_card}")).status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff.get(&format!("/pictures/{sams_card}")).status,
        StatusCode::OK
    );

    let page = staff.get(&format!("/people/{ALEX}"));
    assert!(page.body.contains("family accounts cannot see these views"));
    let shared = staff.post(
        &format!("/people/{ALEX}/sharing"),
        &[("csrf", &csrf), ("shared", "yes")],
    );
    assert_eq!(shared.status, StatusCode::SEE_OTHER);
    let audit = audit_rows(&plan);
    let last = audit.last().unwrap();
    assert_eq!((last.0.as_str(), last.1.as_str()), ("Jo", "share views"));

    // Shared: the views, to read; staff's notes and forms stay with staff.
    let home = family.get("/");
    assert!(column(&home.body, "Food", "don't like").contains("<h4>tea</h4>"));
    assert!(!home.body.contains("cold tea that week"));
    assert!(!home.body.contains("Confirm, dispute"));
    assert_eq!(
        family.get(&format!("/pictures/{mat}")).status,
        StatusCode::OK
    );
    // Still nothing of anyone else's, and nothing to change.
    assert!(!home.body.contains("Sam"));
    assert_eq!(
        family.get(&format!("/people/{}", fixture::SAM)).status,
        StatusCode::FORBIDDEN
    );
    let csrf_family = home.csrf();
    let refused = family.post(
        &format!("/people/{ALEX}/sharing"),
        &[("csrf", &csrf_family), ("shared", "no")],
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    staff.post(
        &format!("/people/{ALEX}/sharing"),
        &[("csrf", &csrf), ("shared", "no")],
    );
    assert!(!family.get("/").body.contains("<h4>tea</h4>"));
    assert_eq!(
        family.get(&format!("/pictures/{mat}")).status,
        StatusCode::FORBIDDEN
    );
}

#[test]
fn a_family_account_has_no_kiosk_pin_to_set() {
    let (_dir, plan) = home_with_jo();
    let mut family = alexs_sister(&plan);
    let page = family.get("/account");
    assert!(page
        .body
        .contains("staff screen is for their support staff"));
    assert!(!page.body.contains("New PIN"));
    let csrf = page.csrf();
    let refused = family.post(
        "/account/pin",
        &[
            ("csrf", &csrf),
            ("pin", "4821"),
            ("again", "4821"),
            ("passphrase", "her own long passphrase"),
        ],
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[test]
fn staff_name_a_kiosk_and_whats_new_calls_it_by_that_name() {
    let (_dir, plan) = home_with_jo();
    let device: String = Connection::open(&plan)
        .unwrap()
        .query_row("SELECT device_id FROM synced_sessions LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let short_id: String = device.chars().take(8).collect();
    let mut browser = Client::new(&plan);
    let page = browser.sign_in("Jo", JO_PASSPHRASE);
    assert!(page
        .body
        .contains(&format!("Kiosk <code>{short_id}</code>")));
    assert!(page.body.contains("Name this kiosk"), "{}", page.body);
    let csrf = page.csrf();

    let empty = browser.post(
        &format!("/kiosks/{device}/name"),
        &[("csrf", &csrf), ("name", "  ")],
    );
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = browser.post(
        "/kiosks/no-such-kiosk/name",
        &[("csrf", &csrf), ("name", "Attic")],
    );
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let named = browser.post(
        &format!("/kiosks/{device}/name"),
        &[("csrf", &csrf), ("name", "Lounge")],
    );
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
    let body = browser.get("/").body;
    assert!(
        body.contains("<strong>Lounge</strong>"),
        "named on What's new: {body}"
    );
    // Its short id stays beside the name, as the kiosk's staff screen shows it.
    assert!(body.contains(&format!("<code>{short_id}</code>")));
    assert!(!body.contains("Attic"));
    assert!(audit_rows(&plan).contains(&(
        "Jo".to_string(),
        format!("kiosk {device} named"),
        None,
        Some("Lounge".to_string())
    )));

    // A family account names nothing.
    let mut sister = alexs_sister(&plan);
    let csrf = sister.get("/").csrf();
    let refused = sister.post(
        &format!("/kiosks/{device}/name"),
        &[("csrf", &csrf), ("name", "Mine")],
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!browser.get("/").body.contains("Mine"));
}

#[test]
fn a_sign_in_takes_as_long_and_says_the_same_for_any_name() {
    const TRIES: usize = 50;
    let (_dir, plan) = home_with_jo();
    {
        let mut opened = sayso::store::Plan::open(&plan).unwrap();
        for n in 0..TRIES {
            // Set up, and never set up.
            let code = opened
                .add_account(
                    &format!("Staff {n}"),
                    sayso::store::accounts::Role::Staff,
                    None,
                    "test",
                    fixture::now(),
                )
                .unwrap();
            opened
                .redeem_setup_code(&code, "the right passphrase", fixture::now())
                .unwrap();
            opened
                .add_account(
                    &format!("Agency {n}"),
                    sayso::store::accounts::Role::Staff,
                    None,
                    "test",
                    fixture::now(),
                )
                .unwrap();
        }
    }
    let first = Client::new(&plan);
    let measure = |name: &str| {
        // Each try from a device of its own: no device's wait in the way.
        let mut device = first.another_device();
        let started = std::time::Instant::now();
        let page = device.post(
            "/signin",
            &[("name", name), ("passphrase", "a wrong passphrase")],
        );
        (started.elapsed(), page.status, page.body)
    };
    // The three kinds by turns, so that the machine's own load (other
    // tests, other work) weighs on each alike.
    let kinds: [(&str, &dyn Fn(usize) -> String); 3] = [
        ("known", &|n| format!("Staff {n}")),
        ("never set up", &|n| format!("Agency {n}")),
        ("unknown", &|n| format!("Nobody {n}")),
    ];
    let mut times: [Vec<std::time::Duration>; 3] = Default::default();
    for n in 0..TRIES {
        for (i, (kind, name)) in kinds.iter().enumerate() {
            let (time, status, body) = measure(&name(n));
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{kind}");
            assert!(
                body.contains("That name and passphrase do not match."),
                "{kind}"
            );
            times[i].push(time);
        }
    }
    let [known, never_set_up, unknown] = times.map(|mut kind| {
        kind.sort();
        kind[TRIES / 2]
    });
    eprintln!(
        "sign-in medians: known {known:?}, never set up {never_set_up:?}, unknown {unknown:?}"
    );
    for (kind, time) in [("never set up", never_set_up), ("unknown", unknown)] {
        let (fast, slow) = (known.min(time), known.max(time));
        assert!(
            slow.as_secs_f64() <= fast.as_secs_f64() * 1.5 + 0.005,
            "{kind} {time:?} against known {known:?}: the time tells"
        );
    }
}

#[test]
fn staff_turn_off_reset_and_remove_an_account_and_its_browsers_are_signed_out_at_once() {
    let (_dir, plan) = home_with_jo();
    fixture::add_staff(&plan, "Priya", "priya's own long passphrase");
    let mut priya = Client::new(&plan);
    assert_eq!(
        priya.sign_in("Priya", "priya's own long passphrase").status,
        StatusCode::OK
    );
    let mut jo = priya.another_device();
    let page = jo.sign_in("Jo", JO_PASSPHRASE);
    assert!(page.body.contains("href=\"/accounts\""), "a link for staff");
    let accounts = jo.get("/accounts");
    assert_eq!(accounts.status, StatusCode::OK);
    assert!(
        accounts.body.contains("Signed in on 1 browser."),
        "{}",
        accounts.body
    );
    let csrf = accounts.csrf();
    let id_of = |name: &str| -> i64 {
        Connection::open(&plan)
            .unwrap()
            .query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let (priya_id, jo_id) = (id_of("Priya"), id_of("Jo"));
    // Jo's own account has no "Turn off": and is refused if asked.
    let own = jo.post(&format!("/accounts/{jo_id}/disable"), &[("csrf", &csrf)]);
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);

    let off = jo.post(&format!("/accounts/{priya_id}/disable"), &[("csrf", &csrf)]);
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    assert_eq!(
        priya.get("/").location.as_deref(),
        Some("/signin"),
        "Priya's open session ends at her next request"
    );
    let refused = priya.post(
        "/signin",
        &[
            ("name", "Priya"),
            ("passphrase", "priya's own long passphrase"),
        ],
    );
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(jo.get("/accounts").body.contains("Turned off since"));
    jo.post(&format!("/accounts/{priya_id}/enable"), &[("csrf", &csrf)]);
    assert_eq!(
        priya.sign_in("Priya", "priya's own long passphrase").status,
        StatusCode::OK
    );

    // A new code: the old passphrase and the session end; the code works once.
    let reset = jo.post(&format!("/accounts/{priya_id}/reset"), &[("csrf", &csrf)]);
    assert_eq!(reset.status, StatusCode::OK);
    let code = reset
        .body
        .split("strong class=\"code\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the code on the page")
        .to_string();
    assert_eq!(priya.get("/").location.as_deref(), Some("/signin"));
    let set_up = priya.post(
        "/setup",
        &[
            ("code", &code),
            ("passphrase", "a brand new passphrase"),
            ("again", "a brand new passphrase"),
        ],
    );
    assert_eq!(set_up.status, StatusCode::SEE_OTHER, "{}", set_up.body);
    let again = priya.another_device().post(
        "/setup",
        &[
            ("code", &code),
            ("passphrase", "yet another passphrase"),
            ("again", "yet another passphrase"),
        ],
    );
    assert_ne!(again.status, StatusCode::SEE_OTHER, "used once");

    let removed = jo.post(&format!("/accounts/{priya_id}/remove"), &[("csrf", &csrf)]);
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(priya.get("/").location.as_deref(), Some("/signin"));
    assert!(!jo.get("/accounts").body.contains("Priya"));
    let audited: Vec<String> = audit_rows(&plan).into_iter().map(|r| r.1).collect();
    for action in [
        "account turned off",
        "account turned on",
        "passphrase reset",
        "account removed",
    ] {
        assert!(audited.iter().any(|a| a == action), "{action}: {audited:?}");
    }

    // A family account manages nobody.
    let mut sister = alexs_sister(&plan);
    assert_eq!(sister.get("/accounts").status, StatusCode::FORBIDDEN);
}

#[test]
fn a_card_with_years_of_notes_shows_the_newest_and_pages_the_rest() {
    let (_dir, plan) = home_with_jo();
    {
        let db = Connection::open(&plan).unwrap();
        for n in 0..250 {
            db.execute(
                "INSERT INTO confirmations (person_id, topic_id, card_id, kind, body, by_whom, at)
                 VALUES (?1, 'food', 'tea', 'note', ?2, 'Jo', ?3)",
                rusqlite::params![
                    ALEX,
                    format!("note number {n}"),
                    (fixture::now() - chrono::Duration::hours(300 - n))
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                ],
            )
            .unwrap();
        }
    }
    let mut browser = Client::new(&plan);
    browser.sign_in("Jo", JO_PASSPHRASE);
    let page = browser.get(&format!("/people/{ALEX}")).body;
    assert!(
        page.contains("note number 249"),
        "the newest is on the card"
    );
    assert!(!page.contains("note number 246"), "only the newest three");
    let link = format!("/people/{ALEX}/cards/food/tea/notes");
    assert!(
        page.contains(&format!("href=\"{link}\">All 250 notes on tea")),
        "{page}"
    );

    let first = browser.get(&link);
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches("<li>").count(), 100);
    assert!(first.body.contains("note number 249") && first.body.contains("Page 1 of 3"));
    let last = browser.get(&format!("{link}?page=3"));
    assert_eq!(last.body.matches("<li>").count(), 50);
    assert!(last.body.contains("note number 0"));
    assert_eq!(
        browser.get(&format!("{link}?page=4")).status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        browser
            .get(&format!("/people/{ALEX}/cards/food/no-such-card/notes"))
            .status,
        StatusCode::NOT_FOUND
    );
    let mut sister = alexs_sister(&plan);
    assert_eq!(sister.get(&link).status, StatusCode::FORBIDDEN);
}
