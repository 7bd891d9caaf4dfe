//! A voice pack changes the kiosk's words and how text-to-speech sounds; a
//! card's own clip still comes first; a gap in a pack is filled from the
//! default and told to staff.

use crate::common;

use sayso::clock::ManualClock;
use sayso::core::{Event, Input, InputMethod};
use sayso::kiosk::KioskInput;
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::voice::RecordingVoice;

#[test]
fn a_familys_pack_rewords_the_prompts_and_sets_the_voice() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mum");
    std::fs::create_dir_all(pack.join("clips")).unwrap();
    std::fs::write(pack.join("clips/done.wav"), b"recorded by mum").unwrap();
    std::fs::write(
        pack.join("pack.toml"),
        "language = \"en-GB\"\n[tts]\nrate = -40\npitch = 10\n\
         [phrases]\noffer = \"What do you think about {card}?\"\nreview_intro = \"Here is your mat.\"\n\
         review_empty = \"Nothing yet.\"\nfinished = \"That's your mat done.\"\ncue_say_again = \"again\"\n\
         cue_back = \"back\"\ncue_finish = \"finish\"\n\
         [clips]\nfinished = \"clips/done.wav\"\n",
    )
    .unwrap();

    let mut paths = KioskPaths::in_data_dir(&dir.path().join("data"), &common::demo_set());
    paths.voice_pack = pack.clone();
    let (voice, spoken) = RecordingVoice::new();
    let clock = ManualClock::paced(common::start_time(), common::pace());
    let mut kiosk = Kiosk::open(paths, Box::new(voice), Box::new(clock)).unwrap();
    common::pick_first_topic(&mut kiosk);

    let preloaded = spoken.preloaded();
    assert!(
        preloaded
            .iter()
            .any(|clip| clip.ends_with("images/demo/clips/tea.wav")),
        "{preloaded:?}"
    );
    assert!(
        preloaded.contains(&pack.join("clips/done.wav").to_string_lossy().into_owned()),
        "{preloaded:?}"
    );
    let prefs = spoken.prefs().expect("the voice was told how to sound");
    assert_eq!((prefs.rate, prefs.pitch), (-40.0, 10.0));
    assert_eq!(
        kiosk.notices(),
        [format!(
            "Voice pack: {} problem(s), see the log",
            sayso::core::Prompt::ALL.len() - 7
        )],
        "every phrase but the seven given is missing"
    );

    for point in [0, 1, 2, 0, 1, 2] {
        kiosk.input(KioskInput::Person(Input::new(
            Event::PlaceOn(point),
            InputMethod::Touch,
        )));
    }
    kiosk.input(KioskInput::Person(Input::new(
        Event::Finish,
        InputMethod::Touch,
    )));

    let said = spoken.utterances();
    assert_eq!(said[0].text, "What would you like to talk about?");
    assert_eq!(said[2].text, "What do you think about tea?");
    assert!(
        said[2].clip.as_deref().unwrap().ends_with("clips/tea.wav"),
        "the card's own clip comes first"
    );
    assert_eq!(said[4].text, "What do you think about pizza?");
    assert!(said.iter().any(|u| u.text == "Here is your mat."));
    let last = said.last().unwrap();
    assert_eq!(last.text, "That's your mat done.");
    assert_eq!(
        last.clip.as_deref(),
        Some(pack.join("clips/done.wav").to_str().unwrap())
    );
}

#[test]
fn the_volume_is_set_and_a_silent_device_is_a_warning_for_staff() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let open = |toml: &str| {
        std::fs::write(data.join("voice.toml"), toml).unwrap();
        let paths = KioskPaths::in_data_dir(&data, &common::demo_set());
        let (voice, spoken) = RecordingVoice::new();
        let kiosk = Kiosk::open(
            paths,
            Box::new(voice),
            Box::new(ManualClock::paced(common::start_time(), common::pace())),
        )
        .unwrap();
        (kiosk, spoken)
    };

    let (kiosk, spoken) = open("volume = 65\n");
    assert_eq!(spoken.volume(), Some(65), "set before the first word");
    assert!(kiosk.notices().is_empty(), "{:?}", kiosk.notices());

    let (kiosk, spoken) = open("volume = 0\n");
    assert_eq!(spoken.volume(), Some(0));
    assert!(
        kiosk.notices().iter().any(|n| n.contains("volume is 0")),
        "{:?}",
        kiosk.notices()
    );

    let (kiosk, _) = open("volume = \"loud\"\n");
    assert!(
        kiosk
            .notices()
            .iter()
            .any(|n| n.contains("Volume settings not read")),
        "{:?}",
        kiosk.notices()
    );
}

#[test]
fn auditory_scanning_cues_are_quieter_than_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("voice.toml"), "volume = 80\ncue_percent = 50\n").unwrap();
    std::fs::write(
        data.join("access.toml"),
        "method = \"step-scanning\"\nauditory_scanning = true\n",
    )
    .unwrap();
    let paths = KioskPaths::in_data_dir(&data, &common::demo_set());
    let (voice, spoken) = RecordingVoice::new();
    let mut kiosk = Kiosk::open(
        paths,
        Box::new(voice),
        Box::new(ManualClock::paced(common::start_time(), common::pace())),
    )
    .unwrap();
    common::pick_first_topic(&mut kiosk);
    kiosk.input(KioskInput::Person(Input::new(
        Event::MoveHighlight(sayso::core::Step::Forward),
        InputMethod::Key,
    )));
    kiosk.input(KioskInput::Person(Input::new(
        Event::Select,
        InputMethod::Key,
    )));
    let said = spoken.utterances();
    let cue = said.iter().find(|u| u.text == "like").unwrap();
    assert_eq!((cue.cue, cue.volume), (true, Some(40)), "half of 80");
    let answer = said.iter().find(|u| u.text == "I like tea.").unwrap();
    assert_eq!(answer.volume, None, "the answer at the full volume");
    assert_eq!(spoken.volume(), Some(80));
}
