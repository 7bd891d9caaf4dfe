//! A whole mat, driven the way a person drives it: a tap on a scale column
//! found by its accessible label, then keys from a keyboard or USB switch
//! interface, on a headless Slint window. Out come journal rows, spoken
//! utterances, and, after sync, the person's views in the support plan.

use crate::common;

use std::cell::RefCell;
use std::rc::Rc;

use crate::common::sync_files;
use chrono::Duration;
use i_slint_backend_testing::AccessibleRole;
use i_slint_backend_testing::ElementHandle;
use rusqlite::Connection;
use sayso::core::{Screen, SpeakMode};
use sayso::store::ports::StaffPlan;
use sayso::store::Plan;
use sayso::AppWindow;
use slint::platform::WindowEvent;
use slint::ComponentHandle;

pub fn a_person_finishes_a_mat_and_it_reaches_their_plan() {
    let common::TestKiosk {
        kiosk,
        spoken,
        clock,
        paths,
        dir: _dir,
    } = common::open_kiosk_on_topics_exactly(&common::demo_set());
    let kiosk = Rc::new(RefCell::new(kiosk));
    let window = AppWindow::new().unwrap();
    let _bridge = sayso::ui::connect(&window, kiosk.clone(), sayso::ui::Pictures::immediate());
    window.show().unwrap();
    let tap = |label: &str| {
        let buttons: Vec<_> = ElementHandle::find_by_accessible_label(&window, label)
            .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
            .collect();
        assert_eq!(buttons.len(), 1, "one button is labelled '{label}'");
        buttons[0].invoke_accessible_default_action();
    };

    // The first screen asks what to talk about; a tap on its picture picks a topic.
    assert_eq!(kiosk.borrow().screen(), Screen::Topics);
    assert_eq!(spoken.texts(), ["What would you like to talk about?"]);
    tap("Food");
    assert_eq!(kiosk.borrow().screen(), Screen::Mat);

    // Each card is answered two seconds after it is offered.
    let press = |text: &str| {
        clock.advance(Duration::seconds(2));
        window
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text: text.into() });
        window
            .window()
            .dispatch_event(WindowEvent::KeyReleased { text: text.into() });
    };

    // A tap on the "like" column places the first card there.
    clock.advance(Duration::seconds(2));
    let like: Vec<_> = ElementHandle::find_by_accessible_label(&window, "like")
        .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
        .collect();
    assert_eq!(like.len(), 1, "one button is labelled 'like'");
    like[0].invoke_accessible_default_action();
    let on_like: Vec<String> = {
        let kiosk = kiosk.borrow();
        let session = kiosk.session().expect("a mat");
        session
            .cards_on(0)
            .into_iter()
            .map(|c| session.topic().cards[c].id.to_string())
            .collect()
    };
    assert_eq!(on_like, ["tea"]);

    // A held key repeats; the repeats must not place anything.
    window
        .window()
        .dispatch_event(WindowEvent::KeyPressRepeated { text: "3".into() });
    assert_eq!(
        kiosk.borrow().session().expect("a mat").dealt_count(),
        1,
        "a key-repeat is not a press"
    );

    press("3"); // pizza: don't like
    press("2"); // bananas: not sure
    press("1"); // ice cream: like
    press("3"); // chips: don't like ...
    press("\u{8}"); // ... taken back with Backspace
    press("R"); // chips said again
    press("2"); // chips: not sure
    press("3"); // broccoli: don't like
    assert_eq!(kiosk.borrow().screen(), Screen::Review);
    press("\n"); // Enter finishes the mat
    assert_eq!(kiosk.borrow().screen(), Screen::Finished);

    // What was said, in order.
    let texts = spoken.texts();
    assert_eq!(
        texts,
        [
            "What would you like to talk about?",
            "What do you think about food?",
            "tea",
            "I like tea.",
            "pizza",
            "I don't like pizza.",
            "bananas",
            "I'm not sure about bananas.",
            "ice cream",
            "I like ice cream.",
            "chips",
            "I don't like chips.",
            "broccoli",
            "chips",
            "chips",
            "I'm not sure about chips.",
            "broccoli",
            "I don't like broccoli.",
            "Let's look at your mat.",
            "You like tea and ice cream.",
            "You're not sure about bananas and chips.",
            "You don't like pizza and broccoli.",
            "Your mat is finished and saved.",
        ]
    );
    let utterances = spoken.utterances();
    let tea_clip = utterances[2]
        .clip
        .as_deref()
        .expect("tea has a recorded clip");
    assert!(
        std::path::Path::new(tea_clip).is_file(),
        "the clip path is resolved: {tea_clip}"
    );
    assert_eq!(
        utterances[3].mode,
        SpeakMode::Interrupt,
        "a press cuts off what is being said"
    );
    assert_eq!(
        utterances[4].mode,
        SpeakMode::Queue,
        "the next card waits its turn"
    );

    // The journal: every placement, the undo and the end, each with its input method.
    let journal = Connection::open(paths.journal()).unwrap();
    let placements: Vec<(u32, String, i64, String, i64)> = journal
        .prepare(
            "SELECT seq, card_id, point, input_method, response_ms FROM placements ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = [
        (1, "tea", 0, "touch", 2000),
        (2, "pizza", 2, "key", 2000),
        (3, "banana", 1, "key", 2000),
        (4, "ice-cream", 0, "key", 2000),
        (5, "chips", 2, "key", 2000),
        // The undo is seq 6; chips was offered again then, and said again 2 s later.
        (7, "chips", 1, "key", 4000),
        (8, "broccoli", 2, "key", 2000),
    ];
    let expected: Vec<(u32, String, i64, String, i64)> = expected
        .iter()
        .map(|(s, c, p, m, r)| (*s, c.to_string(), *p, m.to_string(), *r))
        .collect();
    assert_eq!(placements, expected);
    let undo: (u32, u32) = journal
        .query_row("SELECT seq, undoes_seq FROM undos", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(undo, (6, 5));
    let ends: i64 = journal
        .query_row(
            "SELECT COUNT(*) FROM session_ends WHERE outcome = 'finished'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ends, 1);

    // Sync ran by itself after the mat was finished.
    let report = kiosk
        .borrow_mut()
        .wait_for_jobs(common::JOB_WAIT)
        .expect("a sync was started")
        .expect("the sync worked");
    assert_eq!((report.sessions, report.placements), (1, 6));
    let plan = Plan::open(&paths.plan).unwrap();
    let views: Vec<(String, String, String, u32)> = plan
        .preferences(Some("Alex"))
        .unwrap()
        .into_iter()
        .map(|p| (p.topic, p.card, p.view.current_view, p.view.times_asked))
        .collect();
    let views_expected = [
        ("Food", "bananas", "not sure", 1),
        ("Food", "broccoli", "don't like", 1),
        ("Food", "chips", "not sure", 1),
        ("Food", "ice cream", "like", 1),
        ("Food", "pizza", "don't like", 1),
        ("Food", "tea", "like", 1),
    ];
    let views_expected: Vec<(String, String, String, u32)> = views_expected
        .iter()
        .map(|(t, c, v, n)| (t.to_string(), c.to_string(), v.to_string(), *n))
        .collect();
    assert_eq!(views, views_expected);

    // Syncing again adds nothing.
    let again = sync_files(
        &paths.journal(),
        &paths.plan_target(),
        common::start_time() + Duration::hours(1),
    )
    .unwrap();
    assert_eq!((again.sessions, again.placements), (0, 0));
    assert_eq!(
        Plan::open(&paths.plan).unwrap().evidence_count().unwrap(),
        6
    );

    // "Another topic" goes back to the topics, and a new topic starts a new session.
    press("\n");
    assert_eq!(kiosk.borrow().screen(), Screen::Topics);
    tap("Going out");
    assert_eq!(kiosk.borrow().screen(), Screen::Mat);
    assert_eq!(
        kiosk.borrow().session().expect("a mat").topic().title,
        "Going out"
    );
    assert_eq!(spoken.texts().last().unwrap(), "swimming");
}
