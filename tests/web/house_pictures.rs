//! A house question's cards given pictures by a home manager: a photo
//! from a phone (made anew: upright, no location), or the picture one of
//! the home's cards shows; never a person's photo or a kept mat, and never
//! by a support worker who is not a manager.

use axum::http::StatusCode;
use sayso::library::test_photos::phone_jpeg;
use sayso::store::ports::HousePlan;
use sayso::store::{DevicePlan, Plan};

use super::fixture;
use super::house::{jo_asks, priya};

fn card_pictures(plan: &std::path::Path, question: &str) -> Vec<Option<String>> {
    let plan = Plan::open(plan).unwrap();
    let question = plan.house_question(question).unwrap().unwrap();
    question.cards.into_iter().map(|c| c.picture).collect()
}

#[test]
fn a_manager_gives_the_cards_a_phone_photo_or_a_home_cards_picture_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, mut jo, csrf, id) = jo_asks(dir.path(), "Tomatoes\nTea in the garden");
    let (tea, alex_photo, kept_mat) = fixture::add_pictures(&plan);

    let page = jo.get(&format!("/house/{id}"));
    assert!(
        page.body.contains("Pictures for the cards"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("value=\"{tea}\"")),
        "the home's tea picture can be chosen"
    );
    assert!(
        !page.body.contains(&alex_photo) && !page.body.contains(&kept_mat),
        "a person's photo and a kept mat are never offered"
    );

    // A photo from a phone: turned upright, its location gone.
    let scene = image::RgbImage::from_fn(60, 40, |x, _| image::Rgb([(x * 4) as u8, 120, 30]));
    let sent = phone_jpeg(&scene, 6);
    let given = jo.post_files(
        &format!("/house/{id}/cards/tomatoes/photo"),
        &[("csrf", &csrf)],
        &[("photo", "IMG_2041.jpg", "image/jpeg", &sent)],
    );
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);
    assert_eq!(
        given.location.as_deref(),
        Some(format!("/house/{id}#card-house-tomatoes").as_str())
    );
    let tomatoes = card_pictures(&plan, &id)[0]
        .clone()
        .expect("the photo is the card's");
    let shown = jo.get(&format!("/pictures/{tomatoes}"));
    assert_eq!(shown.status, StatusCode::OK);
    let photo = image::load_from_memory(&shown.bytes).unwrap();
    assert_eq!(
        (photo.width(), photo.height()),
        (40, 40),
        "upright and square"
    );
    assert!(
        !shown.bytes.windows(4).any(|w| w == b"Exif"),
        "no EXIF (and no location) kept"
    );

    // The home's tea picture for the second card.
    let chosen = jo.post(
        &format!("/house/{id}/cards/tea-in-the-garden/picture"),
        &[("csrf", &csrf), ("picture", &tea)],
    );
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    assert_eq!(
        card_pictures(&plan, &id),
        [Some(tomatoes.clone()), Some(tea.clone())]
    );

    // Alex's photo, a kept mat, a damaged file: refused in words, and the
    // cards keep their pictures.
    for hash in [&alex_photo, &kept_mat] {
        let refused = jo.post(
            &format!("/house/{id}/cards/tea-in-the-garden/picture"),
            &[("csrf", &csrf), ("picture", hash)],
        );
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains("not one of the home's cards' pictures"),
            "{}",
            refused.body
        );
    }
    let damaged = jo.post_files(
        &format!("/house/{id}/cards/tomatoes/photo"),
        &[("csrf", &csrf)],
        &[(
            "photo",
            "notes.jpg",
            "image/jpeg",
            b"a shopping list, not a photo",
        )],
    );
    assert_eq!(damaged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        damaged.body.contains("not a photo sayso can use"),
        "{}",
        damaged.body
    );
    assert_eq!(
        card_pictures(&plan, &id),
        [Some(tomatoes.clone()), Some(tea.clone())]
    );

    // The page shows each card with its picture; the kiosks get both.
    let page = jo.get(&format!("/house/{id}"));
    assert!(
        page.body.contains(&format!(
            "class=\"card-thumb\" src=\"/pictures/{tomatoes}\""
        )),
        "{}",
        page.body
    );
    // The easy-read PDF has each card's picture beside its words.
    let pdf = jo.get(&format!("/house/{id}/meeting.pdf"));
    assert_eq!(pdf.status, StatusCode::OK);
    let path = dir.path().join("meeting.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let listed = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    let sizes: Vec<(u32, u32)> = listed
        .lines()
        .skip(2)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some((fields.get(3)?.parse().ok()?, fields.get(4)?.parse().ok()?))
        })
        .collect();
    assert!(sizes.contains(&(40, 40)), "the tomatoes' photo: {listed}");
    let tea_picture = image::load_from_memory(&jo.get(&format!("/pictures/{tea}")).bytes).unwrap();
    assert!(
        sizes.contains(&(tea_picture.width(), tea_picture.height())),
        "the tea picture: {listed}"
    );
    std::fs::create_dir_all("target/screenshots").unwrap();
    std::fs::copy(&path, "target/screenshots/meeting-with-pictures.pdf").unwrap();

    let people = Plan::open(&plan)
        .unwrap()
        .house_question(&id)
        .unwrap()
        .unwrap()
        .people;
    let offered = Plan::open(&plan)
        .unwrap()
        .house_questions_for(&people, fixture::now())
        .unwrap();
    let names: Vec<_> = offered[0].cards.iter().map(|c| c.picture.clone()).collect();
    assert_eq!(
        names,
        [Some(format!("{tomatoes}.jpg")), Some(format!("{tea}.png"))]
    );

    // A support worker who is not a manager gives no picture.
    let (mut priya, priya_csrf) = priya(&plan);
    let refused = priya.post(
        &format!("/house/{id}/cards/tomatoes/picture"),
        &[("csrf", &priya_csrf), ("picture", &tea)],
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = priya.post_files(
        &format!("/house/{id}/cards/tomatoes/photo"),
        &[("csrf", &priya_csrf)],
        &[("photo", "IMG_2041.jpg", "image/jpeg", &sent)],
    );
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!priya
        .get(&format!("/house/{id}"))
        .body
        .contains("Pictures for the cards"));
    assert_eq!(card_pictures(&plan, &id), [Some(tomatoes), Some(tea)]);
}
