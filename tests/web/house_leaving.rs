//! A resident who leaves the home: their answers stay counted at the
//! meeting, anonymously (never named, whatever consent they gave), and no
//! new question is made for them. Only a home manager records it.

use axum::http::StatusCode;

use super::fixture::{ALEX, SAM};
use super::house::{answer, ask, jo_asks, priya, row_of};

const KIM: &str = "019a4c2e-5f00-7000-8000-00000000c1c1";

#[test]
fn a_resident_who_leaves_stays_counted_never_named_and_is_asked_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, mut jo, csrf, id) = jo_asks(dir.path(), "Tomatoes");
    let topic = format!("house-{id}");
    for (n, person) in [ALEX, SAM, KIM].iter().enumerate() {
        answer(
            dir.path(),
            &format!("019a6000-0000-7000-8000-00000000000{n}"),
            person,
            21,
            &topic,
            &[("tomatoes", "Tomatoes", Some(0))],
        );
    }
    jo.post(
        &format!("/people/{ALEX}/meetings-consent"),
        &[("csrf", &csrf), ("given", "yes")],
    );
    assert!(jo
        .get(&format!("/house/{id}"))
        .body
        .contains("<h3>Alex</h3>"));

    // Priya, who is not a manager, cannot record it.
    let (mut priya, priya_csrf) = priya(&plan);
    let refused = priya.post(
        &format!("/people/{ALEX}/left-home"),
        &[("csrf", &priya_csrf), ("given", "yes")],
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!priya
        .get(&format!("/people/{ALEX}/profile"))
        .body
        .contains("has left the home"));

    let left = jo.post(
        &format!("/people/{ALEX}/left-home"),
        &[("csrf", &csrf), ("given", "yes")],
    );
    assert_eq!(left.status, StatusCode::SEE_OTHER);
    let profile = jo.get(&format!("/people/{ALEX}/profile")).body;
    assert!(
        profile.contains("Alex left the home (recorded by Jo"),
        "{profile}"
    );
    assert!(
        !profile.contains("Record that they agree"),
        "no consent to record"
    );

    let meeting = jo.get(&format!("/house/{id}")).body;
    assert!(meeting.contains("3 of 4 residents answered"), "{meeting}");
    assert_eq!(
        row_of(&meeting, "Tomatoes")[0],
        "3",
        "his answer stays counted"
    );
    assert!(!meeting.contains("Alex"), "and is never named: {meeting}");
    let pdf = jo.get(&format!("/house/{id}/meeting.pdf"));
    let path = dir.path().join("meeting.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("like: 3 people"), "{text}");
    assert!(!text.contains("Alex"), "{text}");

    let form = jo.get("/house/new").body;
    assert!(!form.contains(ALEX) && form.contains(SAM), "{form}");
    let again = jo.get(&format!("/house/new?again={id}")).body;
    assert!(!again.contains(ALEX), "asked again without him");
    let refused = ask(&mut jo, &csrf, &[], "Roses", ("2026-11-20", "2026-12-03"));
    assert!(
        refused.body.contains("has left the home"),
        "{}",
        refused.body
    );

    // Recorded by mistake: undone, and his consent stands again.
    jo.post(
        &format!("/people/{ALEX}/left-home"),
        &[("csrf", &csrf), ("given", "no")],
    );
    assert!(jo
        .get(&format!("/house/{id}"))
        .body
        .contains("<h3>Alex</h3>"));
}
