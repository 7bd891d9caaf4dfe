//! Switch access end to end on a headless window: two-switch step scanning
//! and one-switch auto scanning with auditory cues, each finishing a whole
//! mat, and a switch interface's keys through the timing filter. Time is
//! mocked, for the kiosk and for Slint's timers alike.

use crate::common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use rusqlite::Connection;
use sayso::clock::ManualClock;
use sayso::core::{Choice, Screen};
use sayso::kiosk::{Kiosk, KioskPaths};
use sayso::voice::{RecordingVoice, SpokenLog};
use sayso::AppWindow;
use slint::platform::WindowEvent;
use slint::ComponentHandle;

struct Scanning {
    kiosk: Rc<RefCell<Kiosk>>,
    window: AppWindow,
    spoken: SpokenLog,
    clock: ManualClock,
    paths: KioskPaths,
    _bridge: sayso::ui::Bridge,
    _dir: tempfile::TempDir,
}

fn open(access_toml: &str) -> Scanning {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("access.toml"), access_toml).unwrap();
    let paths = KioskPaths::in_data_dir(&data, &common::demo_set());
    let (voice, spoken) = RecordingVoice::new();
    let clock = ManualClock::new(common::start_time());
    let mut kiosk = Kiosk::open(paths.clone(), Box::new(voice), Box::new(clock.clone())).unwrap();
    assert!(kiosk.notices().is_empty(), "{:?}", kiosk.notices());
    common::pick_first_topic(&mut kiosk);
    let kiosk = Rc::new(RefCell::new(kiosk));
    let window = AppWindow::new().unwrap();
    let bridge = sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
    window.show().unwrap();
    Scanning {
        kiosk,
        window,
        spoken,
        clock,
        paths,
        _bridge: bridge,
        _dir: dir,
    }
}

impl Scanning {
    /// A switch press, a little after the last thing the person did: long
    /// enough to see what is highlighted, and to be a press of its own.
    fn key(&self, text: &str) {
        self.clock.advance(chrono::Duration::milliseconds(400));
        self.window
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.into() });
        self.window
            .window()
            .dispatch_event(WindowEvent::KeyReleased { text: text.into() });
    }

    /// Lets `ms` pass on both clocks, in the timer's own steps.
    fn wait(&self, ms: u64) {
        for _ in 0..ms / 50 {
            self.clock.advance(chrono::Duration::milliseconds(50));
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(50));
        }
    }

    fn highlighted(&self) -> Option<Choice> {
        self.kiosk
            .borrow()
            .session()
            .expect("a mat")
            .highlighted_choice()
    }

    /// Whether the screen says "Press your switch to start".
    fn press_to_start_shown(&self) -> bool {
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(
            &self.window,
            "Press your switch to start",
        )
        .count()
            == 1
    }

    fn placements(&self) -> Vec<(String, i64)> {
        Connection::open(self.paths.journal())
            .unwrap()
            .prepare("SELECT card_id, point FROM placements ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

const ANSWERS: [usize; 6] = [0, 2, 1, 0, 2, 1];

fn expected_rows() -> Vec<(String, i64)> {
    ["tea", "pizza", "banana", "ice-cream", "chips", "broccoli"]
        .iter()
        .zip(ANSWERS)
        .map(|(card, point)| (card.to_string(), point as i64))
        .collect()
}

pub fn each_scanning_method_finishes_a_whole_mat() {
    two_switch_step_scanning();
    one_switch_auto_scanning();
    one_switch_scanning_that_waits_for_a_press_says_so();
    a_switch_interface_with_key_timing();
}

/// Scanning that starts on a press: the first screen of a mat says to press,
/// and stops saying it once the highlight moves; the other access methods
/// never say it.
fn one_switch_scanning_that_waits_for_a_press_says_so() {
    let s = open("method = \"auto-scanning\"\n[scan]\nstart = \"on-press\"\n");
    assert!(s.press_to_start_shown());
    assert_eq!(s.highlighted(), None);
    s.window
        .window()
        .set_size(slint::PhysicalSize::new(800, 480));
    let buffer = s.window.window().take_snapshot().unwrap();
    sayso::ui::screenshots::save_png(
        &buffer,
        &common::screenshot_dir().join("press-to-start-800x480.png"),
    )
    .unwrap();
    s.key(" ");
    assert!(!s.press_to_start_shown());
    assert!(s.highlighted().is_some());
    let direct = open("");
    assert!(!direct.press_to_start_shown(), "direct access has no scan");
}

/// A USB switch interface sends keys; with `[key_timing]` they go through the
/// same filter as GPIO buttons, so a brush of the switch does nothing.
fn a_switch_interface_with_key_timing() {
    let s = open("[key_timing]\ndebounce_ms = 0\nacceptance_ms = 100\n");
    let hold = |key: &str, ms: i64| {
        s.window
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: key.into() });
        s.clock.advance(chrono::Duration::milliseconds(ms));
        s.window
            .window()
            .dispatch_event(WindowEvent::KeyReleased { text: key.into() });
        s.clock.advance(chrono::Duration::milliseconds(500));
    };
    hold("3", 20);
    assert!(s.placements().is_empty(), "a 20 ms brush is not a press");
    hold("3", 150);
    assert_eq!(s.placements(), [("tea".to_string(), 2)]);
}

fn two_switch_step_scanning() {
    let s = open("method = \"step-scanning\"\nauditory_scanning = true\n");
    for point in ANSWERS {
        s.key(" ");
        for _ in 0..point {
            s.key(" ");
        }
        assert_eq!(s.highlighted(), Some(Choice::Point(point)));
        s.key("\n");
    }
    assert_eq!(s.kiosk.borrow().screen(), Screen::Review);
    // On the review the highlight starts on "finish".
    s.key(" ");
    assert_eq!(s.highlighted(), Some(Choice::Finish));
    s.key("\n");
    assert_eq!(s.kiosk.borrow().screen(), Screen::Finished);
    assert_eq!(s.placements(), expected_rows());

    // The cues for the first card, spoken as the highlight reached each point.
    let texts = s.spoken.texts();
    let first_card = &texts[3..4];
    assert_eq!(first_card, ["like"]);
    assert!(texts.contains(&"finish".to_string()), "{texts:?}");
}

fn one_switch_auto_scanning() {
    let s = open(
        "method = \"auto-scanning\"\nauditory_scanning = true\n\
         [scan]\nrate_ms = 1000\nloops_before_pause = 2\nstart = \"automatically\"\n",
    );
    s.wait(100);
    assert_eq!(
        s.highlighted(),
        Some(Choice::Point(0)),
        "scanning starts by itself"
    );

    // Left alone, it goes round twice (7 choices: 3 points, skip, something
    // else, say again, back) and pauses.
    s.wait(20_000);
    let cues: Vec<String> = s.spoken.texts().into_iter().skip(3).collect();
    assert_eq!(
        cues,
        [
            "like",
            "not sure",
            "don't like",
            "skip",
            "something else",
            "say again",
            "back",
            "like",
            "not sure",
            "don't like",
            "skip",
            "something else",
            "say again",
            "back"
        ]
    );
    s.wait(5_000);
    assert_eq!(s.spoken.texts().len(), 17, "paused: nothing more is said");
    // Paused with the ring off (never left on "Back"), and the screen says
    // what to do.
    assert_eq!(s.highlighted(), None, "nothing looks about to be chosen");
    assert!(s.press_to_start_shown(), "the prompt to press");

    // A press restarts it; each card is then chosen when the highlight reaches its point.
    s.key(" ");
    assert!(!s.press_to_start_shown(), "scanning again");
    for point in ANSWERS {
        let mut waited = 0;
        while s.highlighted() != Some(Choice::Point(point)) {
            s.wait(1000);
            waited += 1;
            assert!(waited < 12, "the highlight never reached point {point}");
        }
        s.key(" ");
    }
    assert_eq!(s.kiosk.borrow().screen(), Screen::Review);
    let mut waited = 0;
    while s.highlighted() != Some(Choice::Finish) {
        s.wait(1000);
        waited += 1;
        assert!(waited < 12, "the highlight never reached finish");
    }
    s.key("\n");
    assert_eq!(s.kiosk.borrow().screen(), Screen::Finished);
    assert_eq!(s.placements(), expected_rows());
}
