//! The Kiosks page of the home's hub: staff add a kiosk with a one-time
//! code, shown with the hub's address and key words, and revoke one.

use axum::http::StatusCode;
use sayso::store::ports::{AccountsPlan, KiosksPlan};
use sayso::store::Plan;

use super::client::Client;
use super::fixture::{self, ALEX, JO_PASSPHRASE};

const HUB: &str = "https://sayso-office.local:8470";

fn hub_key() -> String {
    "3f".repeat(32)
}

/// The pairing code on a page (the text of `strong.code`).
fn code_on(page: &str) -> String {
    let (_, after) = page.split_once("<strong class=\"code\">").expect("a code");
    after.split('<').next().unwrap().to_string()
}

#[test]
fn staff_add_a_kiosk_with_a_code_that_pairs_once_and_revoke_it() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let mut staff = Client::of_a_hub(&plan, &format!("{HUB}/"), &hub_key());
    let csrf = staff.sign_in("Jo", JO_PASSPHRASE).csrf();
    let kiosks = staff.get("/kiosks");
    assert_eq!(kiosks.status, StatusCode::OK);
    let words = sayso::sync::hub::pinning::fingerprint_words(&hub_key());
    assert!(kiosks.body.contains(HUB), "the hub's address");
    assert!(kiosks.body.contains(&words), "the key's words: {words}");
    assert!(kiosks
        .body
        .contains("No kiosk is paired with this hub yet."));

    let added = staff.post("/kiosks/pairing-code", &[("csrf", &csrf)]);
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let code = code_on(&added.body);
    assert_eq!(
        code.len(),
        14,
        "twelve letters and digits in groups of four: {code}"
    );
    assert!(added.body.contains(&format!("sayso pair {HUB} {code}")));
    assert!(added.body.contains(&words));
    assert!(added.body.contains("Join a home"), "the staff screen's way");
    assert!(
        added.body.contains("aria-label=\"QR code of the link\""),
        "the command as a QR code"
    );

    let token = Plan::open(&plan)
        .unwrap()
        .pair_kiosk(&code, "kiosk-in-the-lounge", fixture::now())
        .unwrap();
    assert!(Plan::open(&plan)
        .unwrap()
        .pair_kiosk(&code, "another-kiosk", fixture::now())
        .is_err());
    let listed = staff.get("/kiosks");
    assert!(listed.body.contains("kiosk-in"), "{}", listed.body);
    assert!(listed.body.contains("not synced yet"), "{}", listed.body);

    // Once it syncs: its last sync and its staff line, and staff name it
    // here and come back here.
    {
        use sayso::store::DevicePlan;
        Plan::open(&plan)
            .unwrap()
            .report_device(
                "kiosk-in-the-lounge",
                &["No sound: is the speaker plugged in and switched on?".into()],
                fixture::now(),
            )
            .unwrap();
    }
    let listed = staff.get("/kiosks");
    assert!(listed.body.contains("last synced"), "{}", listed.body);
    assert!(
        listed.body.contains("No sound: is the speaker"),
        "{}",
        listed.body
    );
    let named = staff.post(
        "/kiosks/kiosk-in-the-lounge/name",
        &[("csrf", &csrf), ("name", "Lounge"), ("from", "kiosks")],
    );
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    assert_eq!(named.location.as_deref(), Some("/kiosks"));
    assert!(staff
        .get("/kiosks")
        .body
        .contains("<strong>Lounge</strong>"));

    let revoked = staff.post("/kiosks/kiosk-in-the-lounge/revoke", &[("csrf", &csrf)]);
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert!(Plan::open(&plan)
        .unwrap()
        .kiosk_of_token(&token)
        .unwrap()
        .is_none());
    let listed = staff.get("/kiosks");
    assert!(listed.body.contains("Revoked "), "{}", listed.body);
    assert!(
        !listed.body.contains("Revoke this kiosk"),
        "nothing left to revoke"
    );
    let forged = staff.post("/kiosks/kiosk-in-the-lounge/revoke", &[("csrf", "forged")]);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[test]
fn a_family_account_cannot_add_a_kiosk_and_a_hub_without_https_says_why_none_can_pair() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    {
        let mut p = Plan::open(&plan).unwrap();
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
    let mut family = Client::of_a_hub(&plan, &format!("{HUB}/"), &hub_key());
    let csrf = family
        .sign_in("Alex's sister", "her own long passphrase")
        .csrf();
    assert_eq!(family.get("/kiosks").status, StatusCode::FORBIDDEN);
    let refused = family.post("/kiosks/pairing-code", &[("csrf", &csrf)]);
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let mut plain = Client::new(&plan);
    let csrf = plain.sign_in("Jo", JO_PASSPHRASE).csrf();
    let page = plain.get("/kiosks");
    assert!(page.body.contains("over HTTPS only"), "{}", page.body);
    assert!(!page.body.contains("Add a kiosk</button>"));
    let refused = plain.post("/kiosks/pairing-code", &[("csrf", &csrf)]);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn whats_new_flags_a_kiosk_quiet_for_more_than_a_day() {
    use sayso::store::DevicePlan;
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    {
        let mut p = Plan::open(&plan).unwrap();
        p.report_device(
            "lounge-kiosk",
            &[],
            fixture::now() - chrono::Duration::hours(25),
        )
        .unwrap();
        p.report_device(
            "office-kiosk",
            &[],
            fixture::now() - chrono::Duration::hours(2),
        )
        .unwrap();
    }
    let mut staff = Client::new(&plan);
    let page = staff.sign_in("Jo", JO_PASSPHRASE);
    let line_of = |kiosk: &str| {
        let (_, after) = page.body.split_once(kiosk).expect("the kiosk listed");
        after.split("</li>").next().unwrap().to_string()
    };
    assert!(
        line_of("lounge-k").contains("nothing for 25 hours"),
        "{}",
        line_of("lounge-k")
    );
    assert!(!line_of("office-k").contains("nothing for"));
}

#[test]
fn the_kiosks_page_says_which_home_file_the_kiosks_take_and_why_one_cannot_be_given() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let hub_dir = dir.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    let home = hub_dir.join("home.toml");
    let mut staff = Client::of_a_hub_with_home(&plan, &format!("{HUB}/"), &hub_key(), &home);
    staff.sign_in("Jo", JO_PASSPHRASE);
    let page = staff.get("/kiosks");
    assert!(
        page.body
            .contains("This hub has no home file, so each kiosk keeps its own."),
        "{}",
        page.body
    );

    // Staff put the home file on the hub; Sam's photo is not a picture.
    std::fs::write(
        &home,
        "[[people]]\nname = \"Alex\"\n\n[[people]]\nname = \"Sam\"\nphoto = \"sam.jpg\"\n",
    )
    .unwrap();
    std::fs::write(hub_dir.join("sam.jpg"), b"not a photo").unwrap();
    let page = staff.get("/kiosks");
    assert!(
        page.body
            .contains("takes its people, their settings and check-ins from this hub"),
        "{}",
        page.body
    );
    assert!(page.body.contains("version 1"), "{}", page.body);
    assert!(
        page.body.contains("Person 2 in the home file: the photo"),
        "{}",
        page.body
    );
    let written = std::fs::read_to_string(&home).unwrap();
    let people = sayso::library::home::people_in(&written).unwrap();
    assert_eq!(
        people[0].0.as_ref().unwrap().as_str(),
        ALEX,
        "Alex's id from the plan"
    );
    assert!(people[1].0.is_some(), "Sam given one");

    // A typo on the hub: the kiosks keep version 1, and staff see why.
    std::fs::write(&home, "[[people]\nname = \"Alex\"\n").unwrap();
    let page = staff.get("/kiosks");
    assert!(
        page.body.contains("cannot be given to the kiosks"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("line 1"),
        "where the typo is: {}",
        page.body
    );
    assert!(page
        .body
        .contains("They keep version 1 until it is mended."));
    let versions = Plan::open(&plan)
        .unwrap()
        .given_home()
        .unwrap()
        .unwrap()
        .version;
    assert_eq!(versions, 1);
}
