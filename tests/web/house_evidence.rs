//! Evidence for inspection: a home manager makes one PDF for a period, with
//! its questions, how many answered, what the answers came to (nothing under
//! three, nobody named), the decisions and what became of them, and every
//! step from the audit log; making it is itself audited.

use axum::http::StatusCode;

use super::client::Client;
use super::fixture::{ALEX, SAM};
use super::house::{answer, jo_asks, pdf_text, priya};

const KIM: &str = "019a4c2e-5f00-7000-8000-00000000c1c1";

fn evidence(jo: &mut Client, dir: &std::path::Path, from: &str, to: &str) -> String {
    let pdf = jo.get(&format!("/house/evidence.pdf?from={from}&to={to}"));
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    let file = dir.join(format!("evidence-{from}.pdf"));
    std::fs::write(&file, &pdf.bytes).unwrap();
    std::fs::create_dir_all("target/screenshots").unwrap();
    std::fs::copy(
        &file,
        format!("target/screenshots/house-evidence-{from}.pdf"),
    )
    .unwrap();
    // Words as read, whatever line they were wrapped onto.
    let text = pdf_text(&file);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_manager_hands_an_inspector_the_periods_questions_decisions_and_steps_naming_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, mut jo, csrf, id) = jo_asks(dir.path(), "Tomatoes\nRoses");
    let winter = jo.post(
        "/house",
        &[
            ("csrf", csrf.as_str()),
            ("title", "Winter outings"),
            ("question", "Where shall we go in January?"),
            ("scale", "want"),
            ("cards", "The pantomime\nThe museum"),
            ("person", ALEX),
            ("person", SAM),
            ("opens", "2027-01-05"),
            ("closes", "2027-01-18"),
        ],
    );
    assert_eq!(winter.status, StatusCode::SEE_OTHER, "{}", winter.body);
    let topic = format!("house-{id}");
    for (n, person) in [ALEX, SAM, KIM].iter().enumerate() {
        answer(
            dir.path(),
            &format!("019a6000-0000-7000-8000-00000000000{n}"),
            person,
            21,
            &topic,
            &[
                ("tomatoes", "Tomatoes", Some(0)),
                ("roses", "Roses", Some(n % 2)),
            ],
        );
    }
    for (card, what) in [
        ("tomatoes", "Plant tomatoes by the patio"),
        ("roses", "Ask the gardener about roses"),
    ] {
        jo.post(
            &format!("/house/{id}/decisions"),
            &[
                ("csrf", &csrf),
                ("card", card),
                ("what", what),
                ("who", "Jo"),
            ],
        );
    }
    let first =
        sayso::store::ports::HousePlan::decisions(&sayso::store::Plan::open(&plan).unwrap(), &id)
            .unwrap()[0]
            .id;
    jo.post(
        &format!("/house/{id}/decisions/{first}/status"),
        &[
            ("csrf", &csrf),
            ("status", "done"),
            ("note", "Planted"),
            ("tell", "We planted them on Tuesday."),
        ],
    );

    let page = jo.get("/house").body;
    assert!(page.contains("Evidence for inspection"), "{page}");
    let text = evidence(&mut jo, dir.path(), "2026-11-01", "2026-12-31");
    for words in [
        "The house decides together: 1 Nov 2026 to 31 Dec 2026",
        "Questions asked of the house: 1.",
        "Residents answered 3 of 4 (75%) times they were asked.",
        "Decisions the meetings made: 2. Done: 1. Dropped: 0. Still open: 1.",
        "What shall we plant in the garden?",
        "like: 3",
        "not sure: fewer than 3",
        "Plant tomatoes by the patio (Jo) \u{2014} done: Planted.",
        "We planted them on Tuesday.",
        "Ask the gardener about roses (Jo) \u{2014} still open.",
        "Jo asked the house a question: \u{201c}The garden\u{201d}",
        "Jo recorded a meeting's decision: \u{201c}The garden\u{201d}",
        "Jo settled a decision: \u{201c}The garden\u{201d}, Tomatoes: done",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    for name in ["Alex", "Sam", "Kim", "Lee"] {
        assert!(!text.contains(name), "{name} is not named: {text}");
    }
    assert!(
        !text.contains("Where shall we go in January?"),
        "a question outside the period is left out"
    );

    // January has the winter question and none of November's steps, and
    // the evidence made before is a step of its own.
    let january = evidence(&mut jo, dir.path(), "2027-01-01", "2027-01-31");
    assert!(january.contains("Winter outings"), "{january}");
    assert!(!january.contains("The garden"), "{january}");
    let again = evidence(&mut jo, dir.path(), "2026-11-01", "2026-12-31");
    assert!(
        again.contains("Jo made the evidence for inspection for 2026-11-01 to 2026-12-31"),
        "{again}"
    );

    for (from, to) in [("2026-12-31", "2026-11-01"), ("yesterday", "2026-11-01")] {
        let refused = jo.get(&format!("/house/evidence.pdf?from={from}&to={to}"));
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{from}");
    }

    // A support worker who is not a manager makes none.
    let (mut priya, _) = priya(&plan);
    let refused = priya.get("/house/evidence.pdf?from=2026-11-01&to=2026-12-31");
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!priya.get("/house").body.contains("Evidence for inspection"));
}
