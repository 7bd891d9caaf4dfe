//! A family member, invited by staff, makes their person's picture set in
//! the web app: a topic, cards from phone photos, a recording from the
//! phone's recorder; each change saved as a new version, bad files refused
//! with a message and the set left as it was, a removal undone; and they
//! cannot reach anyone else's set or any views.

use axum::http::StatusCode;
use sayso::library::test_photos::phone_jpeg;
use sayso::store::Plan;

use super::client::{Client, Page};
use super::common;
use super::fixture::{self, ALEX, JO_PASSPHRASE, SAM};
use sayso::kiosk::KioskInput;
use sayso::store::ports::{AccountsPlan, PlanSets};

const MUM_PASSPHRASE: &str = "sam's mum's long passphrase";

fn fixture_file(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// Jo invites Sam's mum on Sam's page; she sets her passphrase with the
/// link's code and signs in.
fn sams_mum_signed_in(plan: &std::path::Path) -> (Client, Client) {
    fixture::add_staff(plan, "Jo", JO_PASSPHRASE);
    let mut jo = Client::new(plan);
    jo.sign_in("Jo", JO_PASSPHRASE);
    let sams_page = jo.get(&format!("/people/{SAM}"));
    assert!(
        sams_page.body.contains("Invite a family member"),
        "{}",
        sams_page.body
    );
    let invited = jo.post(
        &format!("/people/{SAM}/family"),
        &[("csrf", &sams_page.csrf()), ("name", "Sam's mum")],
    );
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    assert!(invited.body.contains("<svg"), "a QR code to scan");
    let at = invited.body.find("/setup?code=").expect("the link");
    let code: String = invited.body[at + "/setup?code=".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();

    let mut mum = Client::new(plan);
    let setup = mum.get(&format!("/setup?code={code}"));
    assert_eq!(setup.status, StatusCode::OK);
    let set_up = mum.post(
        "/setup",
        &[
            ("code", &code),
            ("passphrase", MUM_PASSPHRASE),
            ("again", MUM_PASSPHRASE),
        ],
    );
    assert_eq!(set_up.status, StatusCode::SEE_OTHER, "{}", set_up.body);
    (jo, mum)
}

/// Sam's mum makes a new set from her first page: its page, and the token
/// its forms carry.
fn sams_new_set(mum: &mut Client) -> (String, String) {
    let home = mum.get("/");
    let made = mum.post(
        &format!("/people/{SAM}/sets"),
        &[("csrf", &home.csrf()), ("title", "Sam's things")],
    );
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let set_path = made.location.unwrap();
    let csrf = mum.get(&set_path).csrf();
    (set_path, csrf)
}

fn follow(client: &mut Client, page: &Page) -> Page {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location.clone().unwrap();
    assert!(
        location.contains("saved=") || location.contains("removed="),
        "{location}"
    );
    client.get(location.split('#').next().unwrap())
}

fn versions(plan: &std::path::Path, set: &str) -> usize {
    Plan::open(plan).unwrap().set_versions(set).unwrap().len()
}

#[test]
fn a_family_member_makes_a_set_from_photos_and_a_recording() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let (_jo, mut mum) = sams_mum_signed_in(&plan);

    let home = mum.get("/");
    assert!(home.body.contains("Sam's picture sets"), "{}", home.body);
    assert!(!home.body.contains("Alex"), "nobody else");
    let made = mum.post(
        &format!("/people/{SAM}/sets"),
        &[("csrf", &home.csrf()), ("title", "Sam's things")],
    );
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let set_path = made.location.unwrap();
    let set_id = set_path.trim_start_matches("/sets/").to_string();
    let editor = mum.get(&set_path);
    assert!(
        editor
            .body
            .contains("Add a topic: the kiosk shows this set"),
        "{}",
        editor.body
    );
    let csrf = editor.csrf();

    let added = mum.post(
        &format!("{set_path}/topics"),
        &[
            ("csrf", &csrf),
            ("title", "My things"),
            ("question", ""),
            ("scale", "like"),
        ],
    );
    let editor = follow(&mut mum, &added);
    assert!(editor.body.contains("What do you think about my things?"));
    assert!(editor.body.contains("It has no cards yet"));

    // Three photos picked at once, straight from the phone: stored turned,
    // with the camera's EXIF and where they were taken.
    let scene = image::RgbImage::from_fn(800, 600, |x, _| {
        if x < 400 {
            image::Rgb([240, 140, 20])
        } else {
            image::Rgb([20, 150, 150])
        }
    });
    let (mug, bench, dog) = (
        phone_jpeg(&scene, 6),
        phone_jpeg(&scene, 3),
        phone_jpeg(&scene, 8),
    );
    let cards = mum.post_files(
        &format!("{set_path}/topics/my-things/cards"),
        &[("csrf", &csrf), ("label", ""), ("says", "")],
        &[
            ("photos", "red mug.jpg", "image/jpeg", &mug),
            ("photos", "Garden_bench.JPG", "image/jpeg", &bench),
            ("photos", "IMG_dog.jpeg", "image/jpeg", &dog),
        ],
    );
    let editor = follow(&mut mum, &cards);
    for label in ["red mug", "Garden bench", "IMG dog"] {
        assert!(editor.body.contains(label), "{label}: {}", editor.body);
    }
    assert!(!editor.body.contains("It has no cards yet"));
    let src = |body: &str, from: usize| -> String {
        let at = body[from..].find("src=\"/sets/").unwrap() + from + 5;
        body[at..at + body[at..].find('"').unwrap()].to_string()
    };
    let picture = mum.get(&src(&editor.body, 0));
    assert_eq!(picture.status, StatusCode::OK);
    let shown = image::load_from_memory(&picture.bytes).unwrap().to_rgb8();
    assert!(
        shown.width() > shown.height(),
        "upright: as wide as the scene"
    );
    assert!(
        shown.get_pixel(10, shown.height() / 2)[0] > 200,
        "orange on the left"
    );
    assert!(
        !picture.bytes.windows(4).any(|w| w == b"Exif"),
        "no camera metadata, no location"
    );

    // The preview: the kiosk's own mat, drawn on the server, with the mug
    // (its photo half orange) on offer.
    let preview = mum.get(&format!("{set_path}/preview/my-things/0"));
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("card 1 of 3"), "{}", preview.body);
    let drawn = mum.get(&format!("{set_path}/preview/my-things/0/mat.png"));
    assert_eq!(drawn.status, StatusCode::OK, "{}", drawn.body);
    let drawn = image::load_from_memory(&drawn.bytes).unwrap().to_rgb8();
    assert_eq!(drawn.dimensions(), (800, 480));
    let orange = drawn
        .pixels()
        .filter(|p| p[0].abs_diff(240) < 16 && p[1].abs_diff(140) < 16 && p[2].abs_diff(20) < 16)
        .count();
    assert!(
        orange > 1000,
        "the mug's photo on the mat: {orange} orange pixels"
    );
    drawn
        .save(common::screenshot_dir().join("family-set-preview.png"))
        .unwrap();
    // Beside the window's edge, the screen's own background: the standard
    // theme's cream.
    assert_eq!(drawn.get_pixel(2, 240).0, [0xf4, 0xf1, 0xea]);

    // On a machine whose home file says Sam sees high contrast with large
    // text, the preview is drawn as Sam sees it.
    let home_file = dir.path().join("home.toml");
    std::fs::write(
        &home_file,
        format!(
            "[[people]]\nid = \"{SAM}\"\nname = \"Sam\"\nhigh_contrast = true\nlarge_text = true\n"
        ),
    )
    .unwrap();
    let mut at_home = Client::with_home_file(&plan, &home_file);
    at_home.sign_in("Sam's mum", MUM_PASSPHRASE);
    let as_sam_sees_it = at_home.get(&format!("{set_path}/preview/my-things/0/mat.png"));
    assert_eq!(as_sam_sees_it.status, StatusCode::OK);
    let as_sam_sees_it = image::load_from_memory(&as_sam_sees_it.bytes)
        .unwrap()
        .to_rgb8();
    assert_eq!(
        as_sam_sees_it.get_pixel(2, 240).0,
        [0, 0, 0],
        "high contrast's black"
    );
    as_sam_sees_it
        .save(common::screenshot_dir().join("family-set-preview-as-sam-sees-it.png"))
        .unwrap();

    // A recording from the phone's recorder app, for the mug.
    let before = versions(&plan, &set_id);
    let recorded = mum.post_files(
        &format!("{set_path}/topics/my-things/cards/red-mug/recording"),
        &[("csrf", &csrf)],
        &[(
            "recording",
            "Voice 001.m4a",
            "audio/mp4",
            &fixture_file("yes.m4a"),
        )],
    );
    let editor = follow(&mut mum, &recorded);
    assert_eq!(versions(&plan, &set_id), before + 1);
    let at = editor
        .body
        .find("<audio")
        .expect("the recording, to play back");
    let clip = mum.get(&src(&editor.body, at));
    assert_eq!(clip.status, StatusCode::OK);
    let wav = hound::WavReader::new(std::io::Cursor::new(clip.bytes)).unwrap();
    assert_eq!(wav.spec().channels, 1);
    let seconds = wav.duration() as f32 / wav.spec().sample_rate as f32;
    assert!((0.2..=10.0).contains(&seconds), "{seconds} s");

    // Bad files: a clear message, and the set as it was.
    let before = versions(&plan, &set_id);
    let silence = {
        let mut wav = Vec::new();
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::new(std::io::Cursor::new(&mut wav), spec).unwrap();
        for _ in 0..32_000 {
            writer.write_sample(0i16).unwrap();
        }
        writer.finalize().unwrap();
        wav
    };
    for (field, path, name, kind, bytes, said) in [
        (
            "recording",
            "red-mug/recording",
            "quiet.wav",
            "audio/wav",
            silence,
            "No voice could be heard",
        ),
        (
            "recording",
            "red-mug/recording",
            "nothing.webm",
            "audio/webm",
            Vec::new(),
            "nothing was recorded",
        ),
        (
            "photo",
            "garden-bench/picture",
            "notes.txt",
            "text/plain",
            b"not a photo".to_vec(),
            "not a photo",
        ),
        (
            "photo",
            "garden-bench/picture",
            "half.jpg",
            "image/jpeg",
            mug[..mug.len() / 2].to_vec(),
            "damaged or incomplete",
        ),
    ] {
        let refused = mum.post_files(
            &format!("{set_path}/topics/my-things/cards/{path}"),
            &[("csrf", &csrf)],
            &[(field, name, kind, &bytes)],
        );
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(refused.body.contains(said), "{name}: {}", refused.body);
        assert!(refused.body.contains("Nothing was saved"), "{name}");
    }
    assert_eq!(versions(&plan, &set_id), before, "the set as it was");

    // The topic's own picture, for the list of topics.
    let pictured = mum.post_files(
        &format!("{set_path}/topics/my-things/picture"),
        &[("csrf", &csrf)],
        &[("photo", "things.jpg", "image/jpeg", &bench)],
    );
    let editor = follow(&mut mum, &pictured);
    assert!(
        editor.body.contains("class=\"photo big\" src=\"/sets/"),
        "{}",
        editor.body
    );
    let before = versions(&plan, &set_id);

    // A form with files but not this session's token: nothing is worked on.
    let forged = mum.post_files(
        &format!("{set_path}/topics/my-things/cards"),
        &[("csrf", "not-the-token")],
        &[("photos", "dog.jpg", "image/jpeg", &dog)],
    );
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(versions(&plan, &set_id), before);

    // A card removed by mistake, and undone.
    let removed = mum.post(
        &format!("{set_path}/topics/my-things/cards/garden-bench"),
        &[("csrf", &csrf), ("action", "remove")],
    );
    let editor = follow(&mut mum, &removed);
    assert!(!editor.body.contains("Garden bench"));
    let at = editor.body.find("/undo").expect("an undo button");
    let version: String = editor.body[at..]
        .split("name=\"version\" value=\"")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let undone = mum.post(
        &format!("{set_path}/undo"),
        &[("csrf", &csrf), ("version", &version)],
    );
    let editor = follow(&mut mum, &undone);
    assert!(editor.body.contains("Garden bench"), "back again");
}

#[test]
fn a_family_member_reaches_only_their_persons_sets_and_no_views() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let (mut jo, mut mum) = sams_mum_signed_in(&plan);

    // Staff make a set for Alex.
    let alex_page = jo.get(&format!("/people/{ALEX}"));
    let made = jo.post(
        &format!("/people/{ALEX}/sets"),
        &[("csrf", &alex_page.csrf()), ("title", "Alex's day")],
    );
    let alex_set = made.location.unwrap();
    let home = mum.get("/");
    let csrf = home.csrf();

    assert_eq!(mum.get(&alex_set).status, StatusCode::FORBIDDEN);
    let attempt = mum.post(
        &format!("{alex_set}/topics"),
        &[("csrf", &csrf), ("title", "Mine now"), ("scale", "like")],
    );
    assert_eq!(attempt.status, StatusCode::FORBIDDEN);
    let attempt = mum.post(
        &format!("/people/{ALEX}/sets"),
        &[("csrf", &csrf), ("title", "Alex's things")],
    );
    assert_eq!(attempt.status, StatusCode::FORBIDDEN);
    for page in [
        format!("/people/{ALEX}"),
        format!("/people/{SAM}"),
        format!("/people/{SAM}/report"),
    ] {
        assert_eq!(mum.get(&page).status, StatusCode::FORBIDDEN, "{page}");
    }
    let attempt = mum.post(
        &format!("/people/{SAM}/family"),
        &[("csrf", &csrf), ("name", "Sam's uncle")],
    );
    assert_eq!(
        attempt.status,
        StatusCode::FORBIDDEN,
        "families invite nobody"
    );

    // Staff go back to an older version of a set.
    let editor = jo.get(&alex_set);
    let csrf = editor.csrf();
    let added = jo.post(
        &format!("{alex_set}/topics"),
        &[("csrf", &csrf), ("title", "Mornings"), ("scale", "want")],
    );
    assert!(follow(&mut jo, &added).body.contains("Mornings"));
    let back = jo.post(
        &format!("{alex_set}/versions/1"),
        &[("csrf", &csrf), ("version", "1")],
    );
    let editor = follow(&mut jo, &back);
    assert!(!editor.body.contains("<h2>Mornings"), "{}", editor.body);
    assert!(editor.body.contains("Version 3"));
}

/// Sam's kiosk (the demo home, a fake voice) syncs with the plan; Sam
/// chooses themselves and the family's topic, and places every card.
/// Returns what the kiosk said, with the clips it played.
fn sam_answers_on_the_kiosk(
    plan: &std::path::Path,
    dir: &std::path::Path,
) -> (Vec<sayso::core::Utterance>, Vec<String>) {
    use sayso::core::{Event, Input, InputMethod, Screen};
    let (mut kiosk, spoken) = super::browser::demo_home_kiosk(plan, dir);
    let synced = kiosk
        .wait_for_jobs(common::JOB_WAIT)
        .expect("a sync at start");
    assert!(synced.is_ok(), "{synced:?}");
    let tap = |kiosk: &mut sayso::kiosk::Kiosk, event| {
        kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
    };
    tap(&mut kiosk, Event::Choose(1)); // Sam
    tap(&mut kiosk, Event::Choose(0)); // on my own
    assert_eq!(kiosk.screen(), Screen::Topics);
    let topics: Vec<String> = kiosk
        .view()
        .picker
        .items
        .into_iter()
        .map(|item| item.title)
        .collect();
    let mine = topics
        .iter()
        .position(|t| t == "My things")
        .unwrap_or_else(|| panic!("the family's topic among {topics:?}"));
    tap(&mut kiosk, Event::Choose(mine));
    let mut labels = Vec::new();
    while kiosk.screen() == Screen::Mat {
        labels.push(kiosk.view().mat.card.map(|c| c.label).unwrap_or_default());
        tap(&mut kiosk, Event::PlaceOn(0));
    }
    (spoken.utterances(), labels)
}

#[test]
fn a_family_member_invited_makes_a_set_in_a_real_browser_and_the_kiosk_offers_it() {
    use fantoccini::Locator;

    use super::browser::{click_and_wait, open_browser, photograph, serve, Driver};

    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let code = Plan::open(&plan)
        .unwrap()
        .add_account(
            "Sam's mum",
            sayso::store::accounts::Role::Family,
            Some(&sayso::core::PersonId::new(SAM)),
            "sayso family invite",
            fixture::now(),
        )
        .unwrap();
    // Her phone's photos and a recording from its recorder app.
    let scene = |colour: [u8; 3]| {
        image::RgbImage::from_fn(1200, 900, move |x, _| {
            if x < 600 {
                image::Rgb(colour)
            } else {
                image::Rgb([250, 250, 250])
            }
        })
    };
    let files = dir.path().join("phone");
    std::fs::create_dir_all(&files).unwrap();
    let mut photos = Vec::new();
    for (name, colour, orientation) in [
        ("Red mug.jpg", [200, 30, 30], 6),
        ("Garden bench.jpg", [30, 120, 40], 1),
        ("Biscuits.jpg", [200, 150, 60], 8),
    ] {
        let path = files.join(name);
        std::fs::write(&path, phone_jpeg(&scene(colour), orientation)).unwrap();
        photos.push(path.to_str().unwrap().to_string());
    }
    let recording = files.join("Voice 001.m4a");
    std::fs::write(&recording, fixture_file("yes.m4a")).unwrap();

    let runtime = super::browser::runtime();
    let site = serve(&runtime, &plan);
    let driver = Driver::start();
    runtime.block_on(async {
        let browser = open_browser(&driver).await;
        browser
            .goto(&format!("{site}/setup?code={code}"))
            .await
            .unwrap();
        for field in ["passphrase", "again"] {
            browser
                .find(Locator::Id(field))
                .await
                .unwrap()
                .send_keys(MUM_PASSPHRASE)
                .await
                .unwrap();
        }
        let set_up = browser.find(Locator::Css("button.primary")).await.unwrap();
        click_and_wait(&browser, set_up).await;
        photograph(&browser, "family-home").await;

        browser
            .find(Locator::Id("new-set-title"))
            .await
            .unwrap()
            .send_keys("Sam's things")
            .await
            .unwrap();
        let make = browser
            .find(Locator::XPath("//button[text()='Make the set']"))
            .await
            .unwrap();
        click_and_wait(&browser, make).await;
        browser
            .find(Locator::Id("topic-title"))
            .await
            .unwrap()
            .send_keys("My things")
            .await
            .unwrap();
        let add = browser
            .find(Locator::XPath("//button[text()='Add the topic']"))
            .await
            .unwrap();
        click_and_wait(&browser, add).await;

        // Three photos picked at once.
        browser
            .find(Locator::Id("photos-my-things"))
            .await
            .unwrap()
            .send_keys(&photos.join("\n"))
            .await
            .unwrap();
        let add = browser
            .find(Locator::XPath("//button[text()='Add']"))
            .await
            .unwrap();
        click_and_wait(&browser, add).await;
        let body = browser.source().await.unwrap();
        for label in ["Red mug", "Garden bench", "Biscuits"] {
            assert!(body.contains(label), "{label}");
        }

        // The recording, uploaded for the mug; "saved" once it is.
        browser
            .find(Locator::Id("recording-card-my-things-red-mug"))
            .await
            .unwrap()
            .send_keys(recording.to_str().unwrap())
            .await
            .unwrap();
        let save = browser
            .find(Locator::XPath(
                "//li[@id='card-my-things-red-mug']//button[text()='Save the recording']",
            ))
            .await
            .unwrap();
        click_and_wait(&browser, save).await;
        let saved = browser
            .find(Locator::Css("p.done"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(saved.starts_with("Saved"), "{saved}");
        browser
            .find(Locator::Css("#card-my-things-red-mug audio"))
            .await
            .expect("the recording, to play back");
        photograph(&browser, "family-set-editor").await;

        // The preview, drawn by the kiosk's own screens.
        let see = browser
            .find(Locator::LinkText("See it as the kiosk shows it"))
            .await
            .unwrap();
        click_and_wait(&browser, see).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let width = browser
                .execute(
                    "const i = document.querySelector('img.preview'); \
                     return i && i.complete ? i.naturalWidth : 0;",
                    vec![],
                )
                .await
                .unwrap()
                .as_u64()
                .unwrap_or(0);
            if width > 0 {
                assert_eq!(width, 800);
                break;
            }
            assert!(std::time::Instant::now() < deadline, "no preview");
            tokio::task::yield_now().await;
        }
        photograph(&browser, "family-set-preview").await;

        // Nothing of anyone else's.
        browser
            .goto(&format!("{site}/people/{ALEX}"))
            .await
            .unwrap();
        let body = browser.source().await.unwrap();
        assert!(body.contains("Not for this account"), "{body}");
        browser.close().await.unwrap();
    });

    let (said, labels) = sam_answers_on_the_kiosk(&plan, dir.path());
    assert_eq!(labels, ["Red mug", "Garden bench", "Biscuits"]);
    let mug = said
        .iter()
        .find(|u| u.text == "Red mug")
        .expect("the mug said");
    let clip = mug.clip.as_deref().expect("in her voice");
    let wav = hound::WavReader::open(clip).unwrap();
    assert!(wav.duration() > 0, "a clip the kiosk plays");
}

/// A real 30000 x 30000 PNG (grey, all black): 900 MB of pixels once
/// decoded, a few megabytes as sent.
fn huge_png(path: &std::path::Path) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, 30_000, 30_000);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    let mut rows = writer.stream_writer().unwrap();
    let row = vec![0u8; 30_000];
    for _ in 0..30_000 {
        std::io::Write::write_all(&mut rows, &row).unwrap();
    }
    rows.finish().unwrap();
}

#[test]
fn a_30000_by_30000_png_is_refused_before_decoding_and_the_server_stays_small() {
    use std::process::Command;

    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let mut opened = Plan::open(&plan).unwrap();
    let set = "sams-things";
    let text = "id = \"sams-things\"\ntitle = \"Sam's things\"\n\n[[topics]]\nid = \"my-things\"\n\
                title = \"My things\"\nquestion = \"What do you think?\"\nscale = \"like\"\n";
    opened
        .save_set_version(
            set,
            &sayso::core::PersonId::new(SAM),
            text,
            &[],
            "Jo",
            fixture::now(),
        )
        .unwrap();
    drop(opened);
    let bomb = dir.path().join("huge.png");
    huge_png(&bomb);

    let server = sayso::web::raw_http::Served::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_sayso")),
        &plan,
        &dir.path().join("data"),
    );
    let site = server.site();
    let jar = dir.path().join("cookies");
    let curl = |args: &[&str]| -> String {
        let output = Command::new("curl")
            .args([
                "-s",
                "-b",
                jar.to_str().unwrap(),
                "-c",
                jar.to_str().unwrap(),
            ])
            .args(args)
            .output()
            .expect("curl is installed (systemd/install-packages.sh)");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    curl(&[
        "-d",
        &format!("name=Jo&passphrase={}", JO_PASSPHRASE.replace(' ', "+")),
        &format!("{site}/signin"),
    ]);
    let page = curl(&[&format!("{site}/sets/{set}")]);
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("signed in, the set's page");
    let csrf = &page[at + 19..at + 19 + page[at + 19..].find('"').unwrap()];
    let answer = curl(&[
        "-w",
        "\n%{http_code}",
        "-F",
        &format!("csrf={csrf}"),
        "-F",
        &format!("photos=@{};type=image/png", bomb.display()),
        &format!("{site}/sets/{set}/topics/my-things/cards"),
    ]);
    let peak = server.peak_mb();
    eprintln!(
        "a {} KB PNG of 30000 x 30000: server peak {peak} MB",
        std::fs::metadata(&bomb).unwrap().len() / 1024
    );
    drop(server);
    assert!(answer.ends_with("422"), "{answer}");
    assert!(answer.contains("too many pixels"), "{answer}");
    assert!(peak < 200, "the server peaked at {peak} MB");
    let versions = Plan::open(&plan).unwrap().set_versions(set).unwrap().len();
    assert_eq!(versions, 1, "the set as it was");
}

#[test]
fn boards_from_another_aac_app_become_topics_of_the_set() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let (_jo, mut mum) = sams_mum_signed_in(&plan);
    let (set_path, csrf) = sams_new_set(&mut mum);
    let board = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/obf/inline_images.obf"),
    )
    .unwrap();
    let added = mum.post_files(
        &format!("{set_path}/boards"),
        &[("csrf", &csrf)],
        &[("boards", "inline_images.obf", "application/json", &board)],
    );
    let editor = follow(&mut mum, &added);
    assert!(
        editor.body.contains("Inline Images Board"),
        "{}",
        editor.body
    );
    assert!(editor.body.contains("Says: “children”"));
    assert_eq!(editor.body.matches("class=\"card-picture\"").count(), 2);

    let set_id = set_path.trim_start_matches("/sets/");
    let before = versions(&plan, set_id);
    let refused = mum.post_files(
        &format!("{set_path}/boards"),
        &[("csrf", &csrf)],
        &[("boards", "shopping.obf", "text/plain", b"milk, eggs")],
    );
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("not a board file"),
        "{}",
        refused.body
    );
    assert_eq!(versions(&plan, set_id), before);
}

#[test]
fn a_topic_on_choices_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let (_jo, mut mum) = sams_mum_signed_in(&plan);
    let (set_path, csrf) = sams_new_set(&mut mum);
    let one = mum.post(
        &format!("{set_path}/scales"),
        &[("csrf", &csrf), ("label1", "go"), ("symbol1", "want")],
    );
    assert_eq!(one.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(one.body.contains("from 2 to 5 choices"), "{}", one.body);
    let made = mum.post(
        &format!("{set_path}/scales"),
        &[
            ("csrf", &csrf),
            ("label1", "go"),
            ("symbol1", "want"),
            ("label2", "stay home"),
            ("symbol2", "dont-want"),
            ("label3", ""),
            ("symbol3", "like"),
        ],
    );
    let editor = follow(&mut mum, &made);
    assert!(
        editor.body.contains("go / stay home (your own)"),
        "{}",
        editor.body
    );
    let added = mum.post(
        &format!("{set_path}/topics"),
        &[("csrf", &csrf), ("title", "Walks"), ("scale", "own")],
    );
    let editor = follow(&mut mum, &added);
    assert!(editor.body.contains("· go / stay home"), "{}", editor.body);
}

/// Waits until `script` returns true in the page (a minute at most).
async fn until(browser: &fantoccini::Client, script: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let done = browser
            .execute(script, vec![])
            .await
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(false);
        if done {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "never: {script}");
        tokio::task::yield_now().await;
    }
}

#[test]
fn a_card_recorded_in_the_browser_says_saved_only_once_it_is() {
    use fantoccini::Locator;

    use super::browser::{open_browser_with, serve, Driver};

    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let mut opened = Plan::open(&plan).unwrap();
    let text = "id = \"sams\"\ntitle = \"Sam's things\"\n\n[[topics]]\nid = \"drinks\"\n\
                title = \"Drinks\"\nquestion = \"What do you think?\"\nscale = \"like\"\n\n\
                [[topics.cards]]\nid = \"tea\"\nlabel = \"tea\"\n";
    opened
        .save_set_version(
            "sams",
            &sayso::core::PersonId::new(SAM),
            text,
            &[],
            "Jo",
            fixture::now(),
        )
        .unwrap();
    drop(opened);
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let runtime = super::browser::runtime();
    let site = serve(&runtime, &plan);
    let driver = Driver::start();
    runtime.block_on(async {
        // A microphone that hears a tone, allowed without asking.
        let browser = open_browser_with(
            &driver,
            &["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        )
        .await;
        browser.goto(&format!("{site}/signin")).await.unwrap();
        browser.find(Locator::Id("name")).await.unwrap().send_keys("Jo").await.unwrap();
        browser
            .find(Locator::Id("passphrase"))
            .await
            .unwrap()
            .send_keys(JO_PASSPHRASE)
            .await
            .unwrap();
        let sign_in = browser.find(Locator::Css("button.primary")).await.unwrap();
        super::browser::click_and_wait(&browser, sign_in).await;
        browser.goto(&format!("{site}/sets/sams")).await.unwrap();
        let record = browser
            .find(Locator::XPath("//li[@id='card-drinks-tea']//button[text()='Record']"))
            .await
            .expect("a Record button where the page may use the microphone");
        record.click().await.unwrap();
        until(&browser, "return document.querySelector('.recorder p').textContent.startsWith('Recording');").await;
        // The page counts the seconds recorded; two, as a person takes.
        until(
            &browser,
            "return document.querySelector('.recorder p').textContent.startsWith('Recording… 2 s');",
        )
        .await;
        browser
            .find(Locator::XPath("//li[@id='card-drinks-tea']//button[text()='Stop']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        until(&browser, "return document.querySelector('.recorder p').textContent.includes('Not saved yet');").await;
        let save = browser
            .find(Locator::XPath("//li[@id='card-drinks-tea']//button[text()='Save this recording']"))
            .await
            .unwrap();
        save.click().await.unwrap();
        until(
            &browser,
            "const p = document.querySelector('p.done') || document.querySelector('.recorder p'); \
             return !!p && (p.textContent.startsWith('Saved') || p.textContent.startsWith('Not saved'));",
        )
        .await;
        let said = browser
            .execute(
                "const p = document.querySelector('p.done') || document.querySelector('.recorder p'); return p.textContent;",
                vec![],
            )
            .await
            .unwrap();
        let said = said.as_str().unwrap().to_string();
        let saved = Plan::open(&plan).unwrap().set_version("sams", None).unwrap().unwrap();
        if said.starts_with("Saved") {
            assert!(saved.set_toml.contains("clips/"), "saved means saved: {said}");
        } else {
            assert!(!saved.set_toml.contains("clips/"), "{said}");
            panic!("the recording was not taken: {said}");
        }
        browser.close().await.unwrap();
    });
}

#[test]
fn an_invitation_link_names_an_address_a_phone_can_reach_or_says_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let invite = |jo: &mut Client, name: &str| {
        let sams_page = jo.get(&format!("/people/{SAM}"));
        let invited = jo.post(
            &format!("/people/{SAM}/family"),
            &[("csrf", &sams_page.csrf()), ("name", name)],
        );
        assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
        invited.body
    };

    // Served on this machine only (the default): the page says a phone
    // cannot open the link, and what to run so that it can.
    let mut jo = Client::new(&plan);
    jo.sign_in("Jo", JO_PASSPHRASE);
    let page = invite(&mut jo, "Sam's mum");
    assert!(page.contains("A phone cannot open this link yet"), "{page}");
    assert!(page.contains(sayso::web::SERVE_THE_HOME), "{page}");

    // Served on the home's network: the link is its address for people.
    let mut jo = Client::on_the_home_network(&plan, "https://kiosk.local:8470");
    jo.sign_in("Jo", JO_PASSPHRASE);
    let page = invite(&mut jo, "Sam's dad");
    assert!(
        page.contains("href=\"https://kiosk.local:8470/setup?code="),
        "{page}"
    );
    assert!(
        !page.contains("A phone cannot open this link yet"),
        "{page}"
    );
}

/// The memory the server may use with any number of uploads at once: that
/// of one upload at a time (its bytes, and its photo decoded a few rows at
/// a time), and the server itself. (Five at once without turns: about
/// 250 MB; in turns: about 100 MB.)
const UPLOADS_CEILING_MB: u64 = 160;

#[test]
fn five_uploads_at_once_of_the_largest_photos_take_turns_within_the_ceiling() {
    use std::process::{Command, Stdio};

    const UPLOADS: usize = 5;
    const PHOTOS_EACH: usize = 2;
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let mut opened = Plan::open(&plan).unwrap();
    for n in 0..UPLOADS {
        let text = format!(
            "id = \"sams-things-{n}\"\ntitle = \"Sam's things {n}\"\n\n[[topics]]\nid = \"my-things\"\n\
             title = \"My things\"\nquestion = \"What do you think?\"\nscale = \"like\"\n"
        );
        opened
            .save_set_version(
                &format!("sams-things-{n}"),
                &sayso::core::PersonId::new(SAM),
                &text,
                &[],
                "Jo",
                fixture::now(),
            )
            .unwrap();
    }
    drop(opened);
    let photo = dir.path().join("phone-photo.png");
    sayso::library::test_photos::largest_png(&photo);
    let bytes = std::fs::metadata(&photo).unwrap().len();
    assert!(
        bytes > 30 * 1024 * 1024 && bytes <= sayso::library::photo::MAX_PHOTO_BYTES,
        "{bytes} bytes"
    );

    let server = sayso::web::raw_http::Served::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_sayso")),
        &plan,
        &dir.path().join("data"),
    );
    let site = server.site();
    let jar = dir.path().join("cookies");
    let curl = |args: &[String]| -> Command {
        let mut command = Command::new("curl");
        command
            .args([
                "-s",
                "-b",
                jar.to_str().unwrap(),
                "-c",
                jar.to_str().unwrap(),
            ])
            .args(args);
        command
    };
    curl(&[
        "-d".into(),
        format!("name=Jo&passphrase={}", JO_PASSPHRASE.replace(' ', "+")),
        format!("{site}/signin"),
    ])
    .output()
    .unwrap();
    let page = String::from_utf8_lossy(
        &curl(&[format!("{site}/sets/sams-things-0")])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    let at = page.find("name=\"csrf\" value=\"").expect("the set's page");
    let csrf = page[at + 19..at + 19 + page[at + 19..].find('"').unwrap()].to_string();

    let uploads: Vec<_> = (0..UPLOADS)
        .map(|n| {
            let mut args = vec![
                "-o".to_string(),
                "/dev/null".into(),
                "-w".into(),
                "%{http_code}".into(),
                "-F".into(),
                format!("csrf={csrf}"),
            ];
            for _ in 0..PHOTOS_EACH {
                args.push("-F".into());
                args.push(format!("photos=@{};type=image/png", photo.display()));
            }
            args.push(format!(
                "{site}/sets/sams-things-{n}/topics/my-things/cards"
            ));
            curl(&args).stdout(Stdio::piped()).spawn().unwrap()
        })
        .collect();
    let answers: Vec<String> = uploads
        .into_iter()
        .map(|upload| {
            String::from_utf8_lossy(&upload.wait_with_output().unwrap().stdout).into_owned()
        })
        .collect();
    let peak = server.peak_mb();
    eprintln!(
        "{UPLOADS} uploads at once of {PHOTOS_EACH} photos of 49 MP ({} MB each): server peak {peak} MB",
        bytes / (1024 * 1024)
    );
    drop(server);
    assert!(
        answers.iter().all(|a| a == "303"),
        "every upload saved: {answers:?}"
    );
    assert!(peak < UPLOADS_CEILING_MB, "the server peaked at {peak} MB");
    let opened = Plan::open(&plan).unwrap();
    for n in 0..UPLOADS {
        let versions = opened.set_versions(&format!("sams-things-{n}")).unwrap();
        assert_eq!(versions.len(), 2, "set {n}: one new version");
    }
}

#[test]
fn a_boards_svg_symbol_is_shown_in_the_editor_and_runs_nothing() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let (_jo, mut mum) = sams_mum_signed_in(&plan);
    let (set_path, csrf) = sams_new_set(&mut mum);
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script><circle cx="5" cy="5" r="4" fill="teal"/></svg>"#;
    let data = base64::engine::general_purpose::STANDARD.encode(svg);
    let board = format!(
        r#"{{"format":"open-board-0.1","id":"b1","name":"Garden","locale":"en",
            "buttons":[{{"id":"1","label":"roses","image_id":"i1"}}],
            "images":[{{"id":"i1","content_type":"image/svg+xml","data":"data:image/svg+xml;base64,{data}"}}],
            "grid":{{"rows":1,"columns":1,"order":[["1"]]}}}}"#
    );
    let added = mum.post_files(
        &format!("{set_path}/boards"),
        &[("csrf", &csrf)],
        &[("boards", "garden.obf", "application/json", board.as_bytes())],
    );
    let editor = follow(&mut mum, &added);
    assert!(editor.body.contains("Garden"), "{}", editor.body);
    let at = editor
        .body
        .find(".svg\"")
        .expect("the symbol's picture on the page");
    let start = editor.body[..at].rfind("src=\"").unwrap() + 5;
    let src = editor.body[start..at + 4].to_string();
    let served = mum.get(&src);
    assert_eq!(served.status, StatusCode::OK, "{src}");
    assert_eq!(served.headers["content-type"], "image/svg+xml");
    assert_eq!(served.headers["content-disposition"], "attachment");
    assert!(served.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert!(served.body.contains("<circle"));
}
