//! The review-meeting report as a PDF: real text that `pdftotext` reads
//! back, the kept mats' pictures, from the command line and as a download.

use std::path::Path;
use std::process::Command;

use axum::http::StatusCode;

use super::client::Client;
use super::fixture::{self, ALEX, JO_PASSPHRASE};

/// A plan with a profile line, an action done with words, and a kept mat
/// whose picture the kiosk's sync carried into the plan.
fn plan_for_the_meeting(dir: &Path) -> std::path::PathBuf {
    let plan = fixture::plan_after_a_fortnight(dir);
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let mut browser = Client::new(&plan);
    let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
    browser.ready_for_the_meeting(&csrf);
    let disputed = browser.post(
        &format!("/people/{ALEX}/cards/food/tea"),
        &[
            ("csrf", &csrf),
            ("verdict", "dispute"),
            ("body", "cold that week"),
        ],
    );
    assert_eq!(disputed.status, StatusCode::SEE_OTHER, "{}", disputed.body);
    fixture::add_pictures(&plan);
    plan
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (systemd/install-packages.sh)");
    assert!(out.status.success(), "pdftotext reads the PDF");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_pdf_from_the_command_line_has_searchable_text_and_the_kept_mat() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_for_the_meeting(dir.path());
    let pdf = dir.path().join("alex.pdf");
    let made = Command::new(env!("CARGO_BIN_EXE_sayso"))
        // Another data directory than any kiosk's: the plan has the pictures.
        .args(["--plan", plan.to_str().unwrap(), "--data-dir"])
        .arg(dir.path().join("elsewhere"))
        .args([
            "report",
            "--person",
            "alex",
            "--format",
            "pdf",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--output",
        ])
        .arg(&pdf)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    let text = pdftotext(&pdf);
    for expected in [
        "Alex: review-meeting report",
        "1 Nov 2026 to 30 Nov 2026",
        "Tea with Sam on Sundays",
        "tea: don't like",
        "said 1 time out of",
        // A dispute's reason goes to the meeting.
        "disputed by Jo",
        "cold that week",
        "pizza: like",
        "the bus: not sure",
        "the park: like",
        "Find a bus buddy (Priya): open",
        "Mats in this period: 4",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    // Tagged: a screen reader finds the title, the headings, the lists with
    // their notes, and words for the kept mat's picture, in reading order.
    let info = Command::new("pdfinfo")
        .arg("-struct-text")
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(info.status.success());
    let structure = String::from_utf8_lossy(&info.stdout);
    for expected in [
        "H1",
        "\"Alex: review-meeting report\"",
        "H2",
        "\"What Alex says now\"",
        "H3",
        "LI",
        "Lbl",
        "\"•\"",
        "LBody",
        "Figure",
    ] {
        assert!(
            structure.contains(expected),
            "{expected} in the structure:\n{structure}"
        );
    }
    let order = ["What Alex says now", "cold that week", "Kept mats"]
        .map(|words| structure.find(words).expect(words));
    assert!(order.is_sorted(), "reading order: {order:?}\n{structure}");
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{name} in {info}"))
            .to_string()
    };
    assert_eq!(field("Tagged:"), "yes");
    assert_eq!(field("Title:"), "Alex: review-meeting report");

    let images = Command::new("pdfimages")
        .arg("-list")
        .arg(&pdf)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&images.stdout);
    assert_eq!(
        listed.lines().skip(2).count(),
        1,
        "the kept mat's picture: {listed}"
    );
    // The pages as pictures, to look at.
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/web/report-pdf");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let rendered = Command::new("pdftoppm")
        .args(["-png", "-r", "70"])
        .arg(&pdf)
        .arg(&shot)
        .status()
        .unwrap();
    assert!(rendered.success());

    let refused = Command::new(env!("CARGO_BIN_EXE_sayso"))
        .args([
            "--plan",
            plan.to_str().unwrap(),
            "report",
            "--format",
            "pdf",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("give --person NAME"));
}

#[test]
fn staff_download_the_pdf_from_the_report_page() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_for_the_meeting(dir.path());
    let mut browser = Client::new(&plan);
    browser.sign_in("Jo", JO_PASSPHRASE);
    let page = browser.get(&format!(
        "/people/{ALEX}/report?from=2026-11-01&to=2026-11-30"
    ));
    assert!(page
        .body
        .contains("report.pdf?from=2026-11-01&amp;to=2026-11-30"));
    let pdf = browser.get(&format!(
        "/people/{ALEX}/report.pdf?from=2026-11-01&to=2026-11-30"
    ));
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let disposition = pdf.headers["content-disposition"].to_str().unwrap();
    // Named for the person: two people's reports never collide.
    assert_eq!(
        disposition,
        "attachment; filename=\"review-Alex-2026-11-01-2026-11-30.pdf\"; \
         filename*=UTF-8''review-Alex-2026-11-01-2026-11-30.pdf"
    );
    assert!(pdf.body.starts_with("%PDF-"));
}
