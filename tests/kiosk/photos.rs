//! A family member's folder of phone photos made into cards on a laptop
//! (`sayso set import-photos`): upright, small, stripped of where they were
//! taken, labelled from their names; the files that are not photos are
//! named with why, the rest still added, and the kiosk offers the cards.

use std::path::{Path, PathBuf};
use std::process::Command;

use sayso::library::test_photos::{phone_jpeg, png_bomb};

use crate::cli::sayso;
use crate::common;

/// A scene wider than tall: left half orange, right half teal.
fn scene() -> image::RgbImage {
    image::RgbImage::from_fn(1600, 1200, |x, _| {
        if x < 800 {
            image::Rgb([240, 140, 20])
        } else {
            image::Rgb([20, 150, 150])
        }
    })
}

const EMPTY_TOPIC: &str = r#"# Sam's own pictures.
id = "sam"
title = "Sam"

[[topics]]
id = "my-things"
title = "My things"
question = "What do you think about your things?"
scale = "like"
cards = []
"#;

/// Sam's set (one empty topic) and an empty folder for photos, in `dir`.
fn sams_set_and_a_photo_folder(dir: &Path) -> (PathBuf, PathBuf) {
    let set_dir = dir.join("sam");
    std::fs::create_dir_all(&set_dir).unwrap();
    std::fs::write(set_dir.join("set.toml"), EMPTY_TOPIC).unwrap();
    let photos = dir.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    (set_dir, photos)
}

#[test]
fn a_folder_of_phone_photos_becomes_upright_cards_the_kiosk_offers_and_the_rest_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (set_dir, photos) = sams_set_and_a_photo_folder(dir.path());
    std::fs::write(photos.join("My_Mug.jpg"), phone_jpeg(&scene(), 6)).unwrap();
    std::fs::write(photos.join("nan and grandad.JPG"), phone_jpeg(&scene(), 8)).unwrap();
    std::fs::write(photos.join("the dog.jpeg"), phone_jpeg(&scene(), 3)).unwrap();
    std::fs::write(photos.join("notes.jpg"), b"bread, milk, call the GP").unwrap();
    std::fs::write(photos.join("huge.png"), png_bomb(30_000, 30_000)).unwrap();
    let cut = phone_jpeg(&scene(), 1);
    std::fs::write(photos.join("half sent.jpg"), &cut[..cut.len() / 2]).unwrap();

    let output = sayso(
        dir.path(),
        &[
            "--set",
            set_dir.to_str().unwrap(),
            "set",
            "import-photos",
            photos.to_str().unwrap(),
            "--topic",
            "my-things",
        ],
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("Added 3 cards"), "{said}");
    for (file, why) in [
        ("notes.jpg", "not a photo"),
        ("huge.png", "too many pixels (30000 × 30000)"),
        ("half sent.jpg", "damaged or incomplete"),
    ] {
        assert!(
            said.lines().any(|l| l.contains(file) && l.contains(why)),
            "{file}: {said}"
        );
    }

    let set = sayso::library::load_set(&set_dir).unwrap();
    assert!(set.warnings.is_empty(), "{:?}", set.warnings);
    let cards = &set.set.topic("my-things").unwrap().cards;
    let labels: Vec<&str> = cards.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["My Mug", "nan and grandad", "the dog"]);
    for card in cards {
        let picture = set.resolve(card.picture.as_deref().unwrap());
        let bytes = std::fs::read(&picture).unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{card:?}");
        let shown = image::load_from_memory(&bytes).unwrap().into_rgb8();
        assert_eq!(shown.dimensions(), (1024, 768), "{card:?}: upright, scaled");
        assert!(
            shown.get_pixel(100, 384)[0] > 200,
            "{card:?}: orange on the left"
        );
        assert!(
            shown.get_pixel(924, 384)[2] > 120,
            "{card:?}: teal on the right"
        );
    }
    // Only the photos sayso made are in the set's folder.
    let mut files: Vec<String> = std::fs::read_dir(set_dir.join("cards"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["my-mug.jpg", "nan-and-grandad.jpg", "the-dog.jpg"]);

    // The kiosk offers the first of them, with its picture.
    let test = common::open_kiosk(&set_dir.join("set.toml"));
    let on_offer = test.kiosk.session().unwrap().card_on_offer().unwrap();
    assert_eq!(on_offer.label, "My Mug");
    let mut pictures = sayso::ui::Pictures::immediate();
    let picture = sayso::core::PictureRef::in_set(on_offer.picture.as_deref());
    assert!(pictures.get(test.kiosk.set(), &picture).is_some());
}

#[test]
fn a_folder_with_no_usable_photo_leaves_the_set_as_it_was_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let (set_dir, photos) = sams_set_and_a_photo_folder(dir.path());
    std::fs::write(photos.join("empty.jpg"), b"").unwrap();
    std::fs::write(
        photos.join("iphone.heic"),
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    )
    .unwrap();

    let output = sayso(
        dir.path(),
        &[
            "--set",
            set_dir.join("set.toml").to_str().unwrap(),
            "set",
            "import-photos",
            photos.to_str().unwrap(),
            "--topic",
            "people",
        ],
    );
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("empty.jpg: This file is empty"), "{said}");
    assert!(
        said.contains("iphone.heic: This is an iPhone photo in HEIC format"),
        "{said}"
    );
    assert!(said.contains("left as it was"), "{said}");
    assert_eq!(
        std::fs::read_to_string(set_dir.join("set.toml")).unwrap(),
        EMPTY_TOPIC
    );
    assert!(!set_dir.join("cards").read_dir().unwrap().any(|_| true));
}

#[test]
fn a_thirty_thousand_pixel_png_is_refused_with_memory_to_spare() {
    let dir = tempfile::tempdir().unwrap();
    let (set_dir, photos) = sams_set_and_a_photo_folder(dir.path());
    std::fs::write(photos.join("bomb.png"), png_bomb(30_000, 30_000)).unwrap();
    std::fs::write(photos.join("garden.jpg"), phone_jpeg(&scene(), 6)).unwrap();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "peak-kb %M"])
        .arg(env!("CARGO_BIN_EXE_sayso"))
        .arg("--set")
        .arg(&set_dir)
        .args(["set", "import-photos"])
        .arg(&photos)
        .args(["--topic", "my-things"])
        .env("SAYSO_DATA_DIR", dir.path())
        .env("RUST_LOG", "warn")
        .output()
        .expect("GNU time is installed (systemd/install-packages.sh)");
    let said = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}{err}");
    assert!(
        said.contains("bomb.png: This photo has too many pixels"),
        "{said}"
    );
    assert!(said.contains("Added 1 card to"), "{said}");
    let peak_kb: u64 = err
        .lines()
        .find_map(|line| line.strip_prefix("peak-kb "))
        .and_then(|kb| kb.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in {err}"));
    // Decoded, the bomb alone would be 3.6 GB.
    assert!(peak_kb < 200 * 1024, "peak {peak_kb} KB");
}
