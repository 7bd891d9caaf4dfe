//! Boards from other AAC apps (Open Board Format files CoughDrop made, in
//! `tests/fixtures/obf/`) added to a set on a laptop with `sayso set
//! import`, written back out with `sayso set export`, and read again: the
//! same topics and cards. A file that cannot be used leaves the set as it
//! was, with a message.

use std::path::{Path, PathBuf};

use crate::cli::sayso;

const EMPTY_SET: &str = r#"# Sam's own pictures.
id = "sam"
title = "Sam"

[[topics]]
id = "food"
title = "Food"
question = "What do you think about food?"
scale = "like"
cards = [
  { id = "tea", label = "tea" },
]
"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/obf")
        .join(name)
}

fn sams_set(dir: &Path, name: &str) -> PathBuf {
    let set_dir = dir.join(name);
    std::fs::create_dir_all(&set_dir).unwrap();
    std::fs::write(set_dir.join("set.toml"), EMPTY_SET).unwrap();
    set_dir
}

fn import(dir: &Path, set: &Path, file: &Path) -> std::process::Output {
    sayso(
        dir,
        &[
            "--set",
            set.to_str().unwrap(),
            "set",
            "import",
            file.to_str().unwrap(),
        ],
    )
}

fn loaded(set: &Path) -> sayso::library::LoadedSet {
    let loaded = sayso::library::load_set(set).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded
}

/// A card as compared: its label, what is said, whether it has a picture
/// and a recording.
type CardSummary = (String, String, bool, bool);

/// Each topic's title, question and scale, and its cards.
fn contents(topics: &[sayso::core::Topic]) -> Vec<(String, String, String, Vec<CardSummary>)> {
    topics
        .iter()
        .map(|topic| {
            (
                topic.title.clone(),
                topic.question.clone(),
                topic.scale.id.clone(),
                topic
                    .cards
                    .iter()
                    .map(|card| {
                        (
                            card.label.clone(),
                            card.spoken().to_string(),
                            card.picture.is_some(),
                            card.clip.is_some(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn boards_other_apps_made_become_topics_with_their_pictures_and_sounds() {
    let dir = tempfile::tempdir().unwrap();

    let set = sams_set(dir.path(), "inline");
    let output = import(dir.path(), &set, &fixture("inline_images.obf"));
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("Inline Images Board"), "{said}");
    let inline = loaded(&set);
    let topic = &inline.set.topics[1];
    let cards: Vec<(&str, &str)> = topic
        .cards
        .iter()
        .map(|c| (c.label.as_str(), c.spoken()))
        .collect();
    assert_eq!(cards, [("kids", "children"), ("cat", "feline")]);
    for card in &topic.cards {
        let picture = inline.resolve(card.picture.as_deref().expect("its picture"));
        image::open(&picture).expect("a picture the kiosk can show");
    }

    // Five boards, pictures inline, in the package and on the web, and a
    // sound; links between boards are not cards.
    let set = sams_set(dir.path(), "lots");
    let output = import(dir.path(), &set, &fixture("lots_of_stuff.obz"));
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("on the web and was not fetched"), "{said}");
    let lots = loaded(&set);
    assert!(
        lots.set.topics.len() >= 4,
        "{:?}",
        contents(&lots.set.topics)
    );
    let with_sound: Vec<_> = lots
        .set
        .topics
        .iter()
        .flat_map(|t| &t.cards)
        .filter_map(|c| c.clip.as_deref())
        .collect();
    assert!(!with_sound.is_empty(), "the MP3 became a clip");
    let clip = hound::WavReader::open(lots.resolve(with_sound[0])).unwrap();
    assert!(clip.duration() > 0);

    // Labels in other scripts; a package with no manifest.
    let set = sams_set(dir.path(), "foreign");
    assert!(import(dir.path(), &set, &fixture("foreign.obf"))
        .status
        .success());
    let labels: Vec<String> = loaded(&set).set.topics[1]
        .cards
        .iter()
        .map(|c| c.label.clone())
        .collect();
    assert!(labels.contains(&"水很酷哟".to_string()), "{labels:?}");
    let set = sams_set(dir.path(), "pageset");
    assert!(import(dir.path(), &set, &fixture("pageset.obz"))
        .status
        .success());
    assert!(loaded(&set).set.topics.len() > 10);
}

#[test]
fn a_set_exported_and_imported_again_has_the_same_topics_and_cards() {
    let dir = tempfile::tempdir().unwrap();
    let first = sams_set(dir.path(), "first");
    assert!(import(dir.path(), &first, &fixture("lots_of_stuff.obz"))
        .status
        .success());
    assert!(import(dir.path(), &first, &fixture("path_images.obz"))
        .status
        .success());
    let obz = dir.path().join("sams-things.obz");
    let exported = sayso(
        dir.path(),
        &[
            "set",
            "export",
            first.to_str().unwrap(),
            obz.to_str().unwrap(),
        ],
    );
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );

    // What other apps look for: a manifest naming the first board, and
    // every board, picture and sound it names inside the package.
    let mut package = zip::ZipArchive::new(std::fs::File::open(&obz).unwrap()).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_reader(package.by_name("manifest.json").unwrap()).unwrap();
    assert_eq!(manifest["format"], "open-board-0.1");
    let root = manifest["root"].as_str().unwrap().to_string();
    for kind in ["boards", "images", "sounds"] {
        for path in manifest["paths"][kind].as_object().unwrap().values() {
            assert!(package.by_name(path.as_str().unwrap()).is_ok(), "{path}");
        }
    }
    let root: serde_json::Value = serde_json::from_reader(package.by_name(&root).unwrap()).unwrap();
    for button in root["buttons"].as_array().unwrap() {
        assert!(button["id"].is_string(), "ids are strings");
    }

    let second = sams_set(dir.path(), "second");
    let again = import(dir.path(), &second, &obz);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let (first, second) = (loaded(&first), loaded(&second));
    // The second set's own topic first, then every topic of the first set.
    assert!(first.set.topics.len() > 3);
    assert_eq!(
        contents(&second.set.topics[1..]),
        contents(&first.set.topics)
    );
}

#[test]
fn a_file_that_cannot_be_used_leaves_the_set_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let set = sams_set(dir.path(), "sam");
    let before = std::fs::read_to_string(set.join("set.toml")).unwrap();
    let escaping = dir.path().join("escaping.obz");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&escaping).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("../../outside.obf", options).unwrap();
        zip.write_all(
            br#"{"format": "open-board-0.1", "id": "x", "buttons": [{"id": 1, "label": "x"}]}"#,
        )
        .unwrap();
        zip.finish().unwrap();
    }
    let not_a_board = dir.path().join("shopping.obf");
    std::fs::write(&not_a_board, "milk, eggs, bread").unwrap();
    for (file, said) in [
        (&escaping, "points outside the package"),
        (&not_a_board, "not a board file"),
    ] {
        let output = import(dir.path(), &set, file);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(said), "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(set.join("set.toml")).unwrap(),
        before
    );
    assert_eq!(
        std::fs::read_dir(&set).unwrap().count(),
        1,
        "nothing written"
    );
}
