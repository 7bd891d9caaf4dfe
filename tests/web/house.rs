//! The house's questions in the web app: a home manager asks one, the
//! residents' answers come in with the kiosks' syncs, and the meeting page
//! counts them, hiding every count under three and naming only a resident
//! whose consent is recorded.

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use rusqlite::Connection;
use sayso::core::schedule::Outcome;
use sayso::core::Record;
use sayso::store::accounts::{AccountChange, Role};
use sayso::store::ports::{AccountsPlan, HousePlan};
use sayso::store::{DevicePlan, Faults, Plan, PlanOp};

use super::client::Client;
use super::common::sync;
use super::fixture::{self, Mat, ALEX, JO_PASSPHRASE, SAM};

const KIM: &str = "019a4c2e-5f00-7000-8000-00000000c1c1";
const LEE: &str = "019a4c2e-5f00-7000-8000-00000000d1d1";

/// The fortnight's plan with two more residents, Kim and Lee (in the
/// plan as the hub's home file puts them, before their first mat), and Jo,
/// a home manager.
pub(super) fn house_of_four(dir: &std::path::Path) -> std::path::PathBuf {
    let plan = fixture::plan_after_a_fortnight(dir);
    let journal = dir.join("journal.sqlite");
    let db = Connection::open(&journal).unwrap();
    for (id, name) in [(KIM, "Kim"), (LEE, "Lee")] {
        db.execute(
            "INSERT INTO people (id, name, created_at) VALUES (?1, ?2, '2026-11-01T00:00:00.000Z')",
            [id, name],
        )
        .unwrap();
    }
    drop(db);
    let mut plan_db = Plan::open(&plan).unwrap();
    let newcomers: Vec<PlanOp> = [(KIM, "Kim"), (LEE, "Lee")]
        .iter()
        .map(|(id, name)| PlanOp::AddPerson {
            id: (*id).into(),
            name: (*name).into(),
        })
        .collect();
    plan_db.execute(&newcomers, &mut Faults::default()).unwrap();
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    plan_db
        .change_account("Jo", AccountChange::MakeManager, "test", fixture::now())
        .unwrap();
    plan
}

pub(super) fn ask(
    jo: &mut Client,
    csrf: &str,
    extra: &[(&str, &str)],
    cards: &str,
    window: (&str, &str),
) -> super::client::Page {
    let mut form = vec![
        ("csrf", csrf),
        ("title", "The garden"),
        ("question", "What shall we plant in the garden?"),
        ("scale", "like"),
        ("cards", cards),
        ("opens", window.0),
        ("closes", window.1),
    ];
    for person in [ALEX, SAM, KIM, LEE] {
        form.push(("person", person));
    }
    form.extend_from_slice(extra);
    jo.post("/house", &form)
}

/// A resident's answer, as their kiosk's next sync brings it in.
pub(super) fn answer(
    dir: &std::path::Path,
    id: &str,
    person: &str,
    day: u32,
    topic: &str,
    cards: &[(&str, &str, Option<usize>)],
) {
    let at = Utc.with_ymd_and_hms(2026, 11, day, 18, 0, 0).unwrap();
    fixture::sync_one_more(
        dir,
        at,
        &Mat {
            id,
            person,
            day,
            topic: (topic, "The garden"),
            cards,
        },
    );
}

/// Kim's and Lee's house, with Jo signed in and having asked the garden
/// question with `cards` for a fortnight: (plan, Jo, Jo's form token, the
/// question's id).
pub(super) fn jo_asks(
    dir: &std::path::Path,
    cards: &str,
) -> (std::path::PathBuf, Client, String, String) {
    let plan = house_of_four(dir);
    let mut jo = Client::new(&plan);
    let csrf = jo.sign_in("Jo", JO_PASSPHRASE).csrf();
    let made = ask(&mut jo, &csrf, &[], cards, ("2026-11-20", "2026-12-03"));
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = question_id(made.location.as_deref().unwrap());
    (plan, jo, csrf, id)
}

/// Priya, staff but no home manager, signed in: her client and form token.
pub(super) fn priya(plan: &std::path::Path) -> (Client, String) {
    fixture::add_staff(plan, "Priya", "another long shift here");
    let mut priya = Client::new(plan);
    let csrf = priya.sign_in("Priya", "another long shift here").csrf();
    (priya, csrf)
}

pub(super) fn question_id(location: &str) -> String {
    location
        .strip_prefix("/house/")
        .expect("the meeting page")
        .to_string()
}

#[test]
fn a_manager_asks_the_house_and_the_meeting_counts_three_of_four_hiding_counts_under_three() {
    let dir = tempfile::tempdir().unwrap();
    let plan = house_of_four(dir.path());
    let mut jo = Client::new(&plan);
    let csrf = jo.sign_in("Jo", JO_PASSPHRASE).csrf();

    let form = jo.get("/house/new");
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for name in ["Alex", "Sam", "Kim", "Lee"] {
        assert!(form.body.contains(name), "{name} can be asked");
    }
    assert_eq!(
        form.body.matches("checked").count(),
        4,
        "everyone, unless the manager says otherwise"
    );

    let past = ask(
        &mut jo,
        &csrf,
        &[],
        "Tomatoes\nRoses",
        ("2026-11-01", "2026-11-10"),
    );
    assert_eq!(past.status, StatusCode::OK);
    assert!(
        past.body.contains("The window has already closed"),
        "{}",
        past.body
    );
    assert!(
        past.body.contains("Tomatoes\nRoses"),
        "nothing typed is lost"
    );
    for window in [
        ("2026-11-20", "262143-12-31"),
        ("", "2026-12-03"),
        ("20/11/2026", "x"),
    ] {
        let odd = ask(&mut jo, &csrf, &[], "Tomatoes", window);
        assert_eq!(odd.status, StatusCode::OK, "{window:?}");
        assert!(
            odd.body
                .contains("Give the first and last day of the window as dates."),
            "{window:?}"
        );
    }
    let no_cards = ask(&mut jo, &csrf, &[], " \n ", ("2026-11-20", "2026-12-03"));
    assert!(no_cards.body.contains("A question needs at least one card"));
    let nobody = jo.post(
        "/house",
        &[
            ("csrf", csrf.as_str()),
            ("title", "The garden"),
            ("question", "What shall we plant?"),
            ("scale", "like"),
            ("cards", "Tomatoes"),
            ("opens", "2026-11-20"),
            ("closes", "2026-12-03"),
        ],
    );
    assert!(
        nobody.body.contains("Choose at least one resident"),
        "{}",
        nobody.body
    );
    assert!(
        Plan::open(&plan).is_ok_and(|p| {
            sayso::store::ports::HousePlan::house_questions(&p)
                .unwrap()
                .is_empty()
        }),
        "nothing refused was kept"
    );

    let made = ask(
        &mut jo,
        &csrf,
        &[],
        "Tomatoes\nRoses\nHerbs",
        ("2026-11-20", "2026-12-03"),
    );
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let id = question_id(made.location.as_deref().unwrap());
    let topic = format!("house-{id}");

    // Alex answered on two kiosks: his newest mat counts. Lee let it pass.
    answer(
        dir.path(),
        "019a6000-0000-7000-8000-000000000001",
        ALEX,
        21,
        &topic,
        &[
            ("tomatoes", "Tomatoes", Some(2)),
            ("roses", "Roses", Some(0)),
        ],
    );
    answer(
        dir.path(),
        "019a6000-0000-7000-8000-000000000002",
        ALEX,
        22,
        &topic,
        &[
            ("tomatoes", "Tomatoes", Some(0)),
            ("roses", "Roses", Some(1)),
        ],
    );
    answer(
        dir.path(),
        "019a6000-0000-7000-8000-000000000003",
        SAM,
        22,
        &topic,
        &[("tomatoes", "Tomatoes", Some(0)), ("herbs", "Herbs", None)],
    );
    answer(
        dir.path(),
        "019a6000-0000-7000-8000-000000000004",
        KIM,
        23,
        &topic,
        &[
            ("tomatoes", "Tomatoes", Some(0)),
            ("roses", "Roses", Some(2)),
        ],
    );
    let mut journal = fixture::journal_with_people(&dir.path().join("journal.sqlite"));
    let opens = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
    journal
        .record_all(&[Record::CheckIn {
            person_id: LEE.into(),
            key: format!("{topic}@2026-11-23"),
            topic_id: topic.clone().into(),
            opens,
            closes: opens + Duration::days(14),
            outcome: Outcome::Declined,
            session_id: None,
            at: opens + Duration::days(3),
        }])
        .unwrap();
    sync(
        &journal,
        &mut Plan::open(&plan).unwrap(),
        fixture::now() + Duration::days(4),
    )
    .unwrap();

    for name in sayso::core::scale::PRESETS {
        for point in sayso::core::scale::preset(name).unwrap().points {
            let symbol = point.symbol.replace("bundled:", "/static/");
            let served = jo.get(&symbol);
            assert_eq!(served.status, StatusCode::OK, "{symbol}");
            assert!(served.body.contains("<svg"), "{symbol}");
        }
    }
    let list = jo.get("/house");
    assert!(list.body.contains("The garden"));
    assert!(
        list.body.contains("3 of 4 residents answered"),
        "{}",
        list.body
    );
    let meeting = jo.get(&format!("/house/{id}"));
    assert_eq!(meeting.status, StatusCode::OK, "{}", meeting.body);
    let body = &meeting.body;
    assert!(body.contains("What shall we plant in the garden?"));
    assert!(body.contains("3 of 4 residents answered"), "{body}");
    let tomatoes = row_of(body, "Tomatoes");
    assert_eq!(
        tomatoes,
        [
            "3",
            "fewer than 3",
            "fewer than 3",
            "fewer than 3",
            "fewer than 3"
        ],
        "all three like tomatoes (Alex's first answer does not count): {body}"
    );
    let roses = row_of(body, "Roses");
    assert!(roses.iter().all(|cell| cell == "fewer than 3"), "{roses:?}");
    assert!(
        !body.contains("Alex") && !body.contains("Kim"),
        "nobody is named without consent"
    );

    // Alex agrees to be named: the meeting shows his answers by name.
    let consent = jo.post(
        &format!("/people/{ALEX}/meetings-consent"),
        &[("csrf", &csrf), ("given", "yes")],
    );
    assert_eq!(consent.status, StatusCode::SEE_OTHER);
    let profile = jo.get(&format!("/people/{ALEX}/profile"));
    assert!(
        profile.body.contains("agreed that their answers"),
        "{}",
        profile.body
    );
    assert!(profile.body.contains("recorded by Jo"));
    let named = jo.get(&format!("/house/{id}")).body;
    assert!(named.contains("<h3>Alex</h3>"), "{named}");
    assert!(named.contains("Tomatoes: like"), "his newest answer");
    assert!(!named.contains("Kim"), "only Alex agreed");

    // The meeting decides two things; one is done with words for the
    // residents who placed tomatoes.
    for (card, what) in [
        ("tomatoes", "Plant tomatoes by the patio"),
        ("roses", "Ask about roses"),
    ] {
        let decided = jo.post(
            &format!("/house/{id}/decisions"),
            &[
                ("csrf", &csrf),
                ("card", card),
                ("what", what),
                ("who", "Jo"),
                ("due", "2026-12-10"),
            ],
        );
        assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    }
    let unknown = jo.post(
        &format!("/house/{id}/decisions"),
        &[
            ("csrf", &csrf),
            ("card", "cabbages"),
            ("what", "No"),
            ("who", "Jo"),
        ],
    );
    assert!(
        unknown.body.contains("not one of the question"),
        "{}",
        unknown.body
    );
    let page = jo.get(&format!("/house/{id}")).body;
    assert!(
        page.contains("for the residents who placed the card (3)"),
        "{page}"
    );
    assert!(
        page.contains("for the residents who placed the card (fewer than 3)"),
        "two placed roses: not said: {page}"
    );
    let first = Plan::open(&plan).unwrap().decisions(&id).unwrap()[0].id;
    let done = jo.post(
        &format!("/house/{id}/decisions/{first}/status"),
        &[
            ("csrf", &csrf),
            ("status", "done"),
            ("note", "Planted"),
            ("tell", "We planted them on Tuesday."),
        ],
    );
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = jo.get(&format!("/house/{id}")).body;
    assert!(page.contains("We planted them on Tuesday."), "{page}");
    assert!(
        page.contains("heard and answered by fewer than 3 of them"),
        "{page}"
    );
    let told = sayso::store::DevicePlan::told_back_for(
        &Plan::open(&plan).unwrap(),
        &[ALEX.into(), SAM.into(), KIM.into(), LEE.into()],
    )
    .unwrap();
    assert_eq!(
        told.len(),
        3,
        "each resident who placed tomatoes is told, not Lee"
    );

    // Herbs turn out not to be possible: taken off, their answers kept.
    let off = jo.post(&format!("/house/{id}/cards/herbs/off"), &[("csrf", &csrf)]);
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    let page = jo.get(&format!("/house/{id}")).body;
    assert!(
        page.contains("taken off the question; its answers kept"),
        "{page}"
    );
    let offered = sayso::store::DevicePlan::house_questions_for(
        &Plan::open(&plan).unwrap(),
        &[ALEX.into()],
        fixture::now(),
    )
    .unwrap();
    assert!(
        offered[0].cards.iter().all(|c| c.id != "herbs"),
        "no kiosk offers herbs now"
    );

    // The easy-read report for the meeting's table, and the counts as CSV.
    assert!(jo
        .get(&format!("/house/{id}"))
        .body
        .contains(&format!("/house/{id}/meeting.pdf")));
    let pdf = jo.get(&format!("/house/{id}/meeting.pdf"));
    assert_eq!(pdf.status, StatusCode::OK);
    let file = dir.path().join("meeting.pdf");
    std::fs::write(&file, &pdf.bytes).unwrap();
    let text = pdf_text(&file);
    for words in [
        "What shall we plant in the garden?",
        "3 of 4 residents answered.",
        "like: 3 people",
        "not sure: fewer than 3 people",
        "Plant tomatoes by the patio",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert!(
        !text.contains("Kim"),
        "only Alex agreed to be named: {text}"
    );
    let shot =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/web/meeting-pdf");
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    let pages = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&file)
        .arg(&shot)
        .status()
        .unwrap();
    assert!(pages.success(), "the pages drawn, to look at");
    let csv = jo.get(&format!("/house/{id}/meeting.csv")).body;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "card,like,not sure,don't like,skipped,tell me more"
    );
    assert_eq!(
        lines[1],
        "Tomatoes,3,fewer than 3,fewer than 3,fewer than 3,fewer than 3"
    );
    assert!(!csv.contains("Alex"), "counts only");

    // Asked again a month later: the page shows the change since.
    let again = jo.get(&format!("/house/new?again={id}"));
    assert!(
        again.body.contains("Tomatoes\nRoses\nHerbs"),
        "the cards again"
    );
    let made_again = ask(
        &mut jo,
        &csrf,
        &[("asks_again", &id)],
        "Tomatoes\nRoses\nHerbs",
        ("2026-11-20", "2026-12-20"),
    );
    let second = question_id(made_again.location.as_deref().unwrap());
    let topic = format!("house-{second}");
    for (n, person) in [ALEX, SAM, KIM].iter().enumerate() {
        let mat = format!("019a6000-0000-7000-8000-00000000001{n}");
        answer(
            dir.path(),
            &mat,
            person,
            28,
            &topic,
            &[("tomatoes", "Tomatoes", Some(2))],
        );
    }
    let changed = jo.get(&format!("/house/{second}")).body;
    assert!(changed.contains("Since it was last asked"), "{changed}");
    assert!(
        changed.contains("3 \u{2192} fewer than 3"),
        "tomatoes lost their likes"
    );
    assert!(
        changed.contains("fewer than 3 \u{2192} 3"),
        "and went to don't like"
    );
}

/// The cells of a card's row of the meeting table, after its name.
pub(super) fn row_of(body: &str, card: &str) -> Vec<String> {
    let start = body
        .find(&format!("<th scope=\"row\">{card}"))
        .unwrap_or_else(|| panic!("{card}'s row: {body}"));
    let row = &body[start..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let text = &cell[cell.find('>').unwrap() + 1..];
            text[..text.find("</td>").unwrap()].to_string()
        })
        .collect()
}

#[test]
fn only_a_home_manager_asks_and_a_family_account_sees_none_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, mut jo, csrf, id) = jo_asks(dir.path(), "Tomatoes");
    let (mut priya, priya_csrf) = priya(&plan);
    let list = priya.get("/house");
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("Ask the house a question"));
    assert!(list.body.contains("A home manager asks"));
    assert_eq!(priya.get("/house/new").status, StatusCode::FORBIDDEN);
    let refused = ask(
        &mut priya,
        &priya_csrf,
        &[],
        "Roses",
        ("2026-11-20", "2026-12-03"),
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        priya.get(&format!("/house/{id}")).status,
        StatusCode::OK,
        "staff see the meeting"
    );
    let priya_id = Plan::open(&plan)
        .unwrap()
        .accounts()
        .unwrap()
        .into_iter()
        .find(|a| a.name == "Priya")
        .unwrap()
        .id;
    let herself = priya.post(
        &format!("/accounts/{priya_id}/make-manager"),
        &[("csrf", &priya_csrf)],
    );
    assert_eq!(
        herself.status,
        StatusCode::FORBIDDEN,
        "only a manager makes one"
    );
    let accounts = jo.get("/accounts");
    assert!(accounts.body.contains("staff · home manager"), "Jo is one");
    let made = jo.post(
        &format!("/accounts/{priya_id}/make-manager"),
        &[("csrf", &csrf)],
    );
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    assert_eq!(
        priya.get("/house/new").status,
        StatusCode::OK,
        "at once, still signed in"
    );

    {
        let mut p = Plan::open(&plan).unwrap();
        let code = p
            .add_account(
                "Alex's sister",
                Role::Family,
                Some(&ALEX.into()),
                "Jo",
                fixture::now(),
            )
            .unwrap();
        p.redeem_setup_code(&code, "her own long passphrase", fixture::now())
            .unwrap();
    }
    let mut sister = Client::new(&plan);
    let sister_csrf = sister
        .sign_in("Alex's sister", "her own long passphrase")
        .csrf();
    for page in [
        "/house".to_string(),
        "/house/new".into(),
        format!("/house/{id}"),
    ] {
        let seen = sister.get(&page);
        assert_eq!(seen.status, StatusCode::FORBIDDEN, "{page}");
        assert!(!seen.body.contains("garden"), "{page}");
    }
    let consent = sister.post(
        &format!("/people/{ALEX}/meetings-consent"),
        &[("csrf", &sister_csrf), ("given", "yes")],
    );
    assert_eq!(consent.status, StatusCode::FORBIDDEN);
    let made = ask(
        &mut sister,
        &sister_csrf,
        &[],
        "Roses",
        ("2026-11-20", "2026-12-03"),
    );
    assert_eq!(made.status, StatusCode::FORBIDDEN);
    assert!(
        !sister.get("/").body.contains("/house"),
        "no link to the house's questions"
    );
}

pub(super) fn pdf_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (systemd/install-packages.sh)");
    assert!(out.status.success(), "pdftotext reads the PDF");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn a_manager_asks_sees_the_answers_come_in_records_a_decision_and_prints_the_report_in_a_real_browser(
) {
    use super::browser::{
        click_and_wait, open_browser, photograph, runtime, serve, sign_in, Driver,
    };
    use base64::Engine;
    use fantoccini::Locator;

    let dir = tempfile::tempdir().unwrap();
    let plan = house_of_four(dir.path());
    let runtime = runtime();
    let site = serve(&runtime, &plan);
    let driver = Driver::start();
    let question = runtime.block_on(async {
        let browser = open_browser(&driver).await;
        sign_in(&browser, &site, "Jo", JO_PASSPHRASE).await;

        let house = browser.find(Locator::LinkText("The house")).await.unwrap();
        click_and_wait(&browser, house).await;
        let ask = browser
            .find(Locator::LinkText("Ask the house a question"))
            .await
            .unwrap();
        click_and_wait(&browser, ask).await;
        for (field, words) in [
            ("title", "The garden"),
            ("question", "What shall we plant in the garden?"),
            ("cards", "Tomatoes\nRoses\nHerbs"),
        ] {
            browser
                .find(Locator::Id(field))
                .await
                .unwrap()
                .send_keys(words)
                .await
                .unwrap();
        }
        photograph(&browser, "house-question-form").await;
        // Everyone is ticked, and the window is the next two weeks, unless changed.
        let send = browser.find(Locator::Css("button.primary")).await.unwrap();
        click_and_wait(&browser, send).await;
        let url = browser.current_url().await.unwrap();
        let question = url.path().trim_start_matches("/house/").to_string();
        let page = browser
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("0 of 4 residents answered"), "{page}");
        browser.close().await.unwrap();
        question
    });

    // Three residents answer on their kiosks; the next syncs bring them in.
    let topic = format!("house-{question}");
    for (n, person) in [ALEX, SAM, KIM].iter().enumerate() {
        let mat = format!("019a7000-0000-7000-8000-00000000000{n}");
        answer(
            dir.path(),
            &mat,
            person,
            21,
            &topic,
            &[("tomatoes", "Tomatoes", Some(0))],
        );
    }

    runtime.block_on(async {
        let browser = open_browser(&driver).await;
        sign_in(&browser, &site, "Jo", JO_PASSPHRASE).await;
        browser
            .goto(&format!("{site}/house/{question}"))
            .await
            .unwrap();
        let page = browser
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("3 of 4 residents answered"), "{page}");

        // The meeting decides: recorded on the page.
        let record = browser
            .find(Locator::XPath("//summary[text()='Record a decision']"))
            .await
            .unwrap();
        record.click().await.unwrap();
        browser
            .find(Locator::Id("decision-what"))
            .await
            .unwrap()
            .send_keys("Plant tomatoes by the patio")
            .await
            .unwrap();
        browser
            .find(Locator::Id("decision-who"))
            .await
            .unwrap()
            .send_keys("Jo")
            .await
            .unwrap();
        let save = browser
            .find(Locator::XPath("//button[text()='Record the decision']"))
            .await
            .unwrap();
        click_and_wait(&browser, save).await;
        let page = browser
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Tomatoes: Plant tomatoes by the patio"),
            "{page}"
        );
        photograph(&browser, "house-meeting").await;

        // The easy-read report, fetched as the browser would print it.
        let fetched = browser
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {
                     let s = ''; const a = new Uint8Array(b);
                     for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]);
                     done(btoa(s));
                 });",
                vec![serde_json::json!(format!("/house/{question}/meeting.pdf"))],
            )
            .await
            .unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(fetched.as_str().unwrap())
            .unwrap();
        let file = dir.path().join("from-the-browser.pdf");
        std::fs::write(&file, bytes).unwrap();
        let text = pdf_text(&file);
        assert!(
            text.contains("What shall we plant in the garden?"),
            "{text}"
        );
        assert!(text.contains("3 of 4 residents answered."), "{text}");
        assert!(text.contains("like: 3 people"), "{text}");
        let shot = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/screenshots/web/house-meeting-pdf");
        let pages = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&file)
            .arg(&shot)
            .status()
            .unwrap();
        assert!(pages.success());
        browser.close().await.unwrap();
    });
    drop(driver);
}
