//! The web app in a real browser: Debian's Chromium, headless, driven over
//! WebDriver (chromedriver) the way a support worker clicks through it. The
//! pages are also photographed at a phone's width and a laptop's, into
//! `target/screenshots/web/`, to be looked at.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use fantoccini::{Client, ClientBuilder, Locator};
use rusqlite::Connection;

use super::fixture::{self, ALEX};
use sayso::kiosk::KioskInput;
use sayso::store::accounts::Role;
use sayso::store::ports::AccountsPlan;
use sayso::store::Plan;

/// chromedriver on a port of its own, with the browsers it starts marked
/// as this driver's (an environment variable every process it starts
/// inherits, even those that leave its process group, as Chromium's crash
/// handler does): dropped, also when a test fails or panics, every one of
/// them is killed, so no browser outlives its test.
pub(super) struct Driver {
    child: Child,
    port: u16,
}

/// The variable that marks a driver's processes.
const MARK: &str = "SAYSO_TEST_BROWSER";

impl Driver {
    pub(super) fn start() -> Driver {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .env(MARK, format!("{}-{port}", std::process::id()))
            // The browser keeps the machine's real clock when the tests run
            // on a moved one (.ci/any-day): Chromium does not start under
            // libfaketime. The servers it talks to run on the fixture's
            // clock whatever the day, and cookies last a number of seconds.
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (systemd/install-packages.sh)");
        // From here on, a failure below still ends it.
        let mut said = BufReader::new(child.stdout.take().unwrap());
        let driver = Driver { child, port };
        let mut line = String::new();
        while !line.contains("started successfully") {
            line.clear();
            let read = said.read_line(&mut line).unwrap();
            assert!(read > 0, "chromedriver stopped before it was ready");
        }
        // Keep reading its output so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in said.lines() {});
        driver
    }

    fn mark(&self) -> String {
        format!("{MARK}={}-{}", std::process::id(), self.port)
    }

    /// The processes of this driver and its browsers still running.
    pub(super) fn running(&self) -> Vec<(u32, String)> {
        running_marked(&self.mark())
    }
}

/// The processes with `mark` in their environment still running (not yet
/// ended), by pid and name.
fn running_marked(mark: &str) -> Vec<(u32, String)> {
    let mut running = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if !environ.split(|b| *b == 0).any(|v| v == mark.as_bytes()) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (name) state ...: the name may hold spaces.
        let Some((name, rest)) = stat.split_once(" (").and_then(|(_, r)| r.rsplit_once(") "))
        else {
            continue;
        };
        if !rest.starts_with('Z') && !rest.starts_with('X') {
            running.push((pid, name.to_string()));
        }
    }
    running
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let pids: Vec<String> = self
            .running()
            .iter()
            .map(|(pid, _)| pid.to_string())
            .collect();
        if !pids.is_empty() {
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(&pids)
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next().map(|uid| uid == "0"))
        .unwrap_or(false)
}

pub(super) async fn open_browser(driver: &Driver) -> Client {
    open_browser_with(driver, &[]).await
}

/// The same, with more of Chromium's switches.
pub(super) async fn open_browser_with(driver: &Driver, more: &[&'static str]) -> Client {
    let mut args = vec!["--headless=new", "--disable-gpu", "--window-size=1280,1000"];
    args.extend_from_slice(more);
    if running_as_root() {
        // Chromium's sandbox cannot run as root (CI machines often are).
        args.push("--no-sandbox");
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": "/usr/bin/chromium", "args": args }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots/web");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The page at a phone's width (360) and a laptop's (1280), whole.
pub(super) async fn photograph(browser: &Client, name: &str) {
    for (width, label) in [(360u32, "phone"), (1280, "laptop")] {
        browser.set_window_size(width, 1000).await.unwrap();
        let height = browser
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(1000);
        browser
            .set_window_size(width, u32::try_from(height.min(6000)).unwrap() + 140)
            .await
            .unwrap();
        let png = browser.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}-{label}.png")), png).unwrap();
    }
    browser.set_window_size(1280, 1000).await.unwrap();
}

/// Signs in on the sign-in page as a person would, and waits for the page
/// that follows.
pub(super) async fn sign_in(browser: &Client, site: &str, name: &str, passphrase: &str) {
    browser.goto(&format!("{site}/signin")).await.unwrap();
    browser
        .find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    browser
        .find(Locator::Id("passphrase"))
        .await
        .unwrap()
        .send_keys(passphrase)
        .await
        .unwrap();
    let button = browser.find(Locator::Css("button.primary")).await.unwrap();
    click_and_wait(browser, button).await;
}

/// Clicks a button that submits a form (or a link), and waits until the
/// browser shows the page that comes back.
pub(super) async fn click_and_wait(browser: &Client, button: fantoccini::elements::Element) {
    browser
        .execute("window.saysoOldPage = true;", vec![])
        .await
        .unwrap();
    button.click().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let old = browser
            .execute("return window.saysoOldPage === true;", vec![])
            .await
            .map(|v| v.as_bool() == Some(true))
            // Mid-navigation there may be no page to ask: not there yet.
            .unwrap_or(true);
        let loaded = browser
            .execute("return document.readyState;", vec![])
            .await
            .is_ok_and(|v| v.as_str() == Some("complete"));
        if !old && loaded {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no new page within a minute"
        );
        tokio::task::yield_now().await;
    }
}

/// The card labels in one column of a topic's mat on a person's page.
async fn cards_under(browser: &Client, topic: &str, point: &str) -> Vec<String> {
    let xpath = format!(
        "//section[h3=\"{topic}\"]//div[contains(@class,'point')][h4=\"{point}\"]//article/h4"
    );
    let mut labels = Vec::new();
    for card in browser.find_all(Locator::XPath(&xpath)).await.unwrap() {
        labels.push(card.text().await.unwrap());
    }
    labels
}

/// The box of one card on a person's page.
async fn card(browser: &Client, topic: &str, card: &str) -> fantoccini::elements::Element {
    browser
        .find(Locator::Id(&format!("card-{topic}-{card}")))
        .await
        .unwrap_or_else(|_| panic!("card {topic}/{card} on the page"))
}

async fn judge(browser: &Client, topic: &str, card_id: &str, button: &str, words: &str) {
    let card = card(browser, topic, card_id).await;
    card.find(Locator::Css("summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    if !words.is_empty() {
        card.find(Locator::Css("textarea"))
            .await
            .unwrap()
            .send_keys(words)
            .await
            .unwrap();
    }
    let button = card
        .find(Locator::XPath(&format!(".//button[text()='{button}']")))
        .await
        .unwrap();
    click_and_wait(browser, button).await;
}

const TOLD: &str = "Priya will come with you on the bus on Tuesdays.";

/// A kiosk of the demo home (Alex and Sam) syncing with `plan`, with a
/// fake voice and a clock that moves a second at each reading.
pub(super) fn demo_home_kiosk(
    plan: &Path,
    dir: &Path,
) -> (sayso::kiosk::Kiosk, sayso::voice::SpokenLog) {
    let set = super::common::demo_set();
    let mut paths = sayso::kiosk::KioskPaths::in_data_dir(&dir.join("kiosk"), &set);
    paths.plan = plan.to_path_buf();
    paths.home = Some(set.with_file_name("home.toml"));
    let (voice, spoken) = sayso::voice::RecordingVoice::new();
    let clock = sayso::clock::ManualClock::paced(fixture::now(), chrono::Duration::seconds(1));
    let kiosk = sayso::kiosk::Kiosk::open(paths, Box::new(voice), Box::new(clock)).unwrap();
    (kiosk, spoken)
}

/// A runtime for a test's web app and browser.
pub(super) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Alex's kiosk (the demo home, a fake voice) syncs with the plan; Alex
/// chooses themselves, hears what was done, likes it and finishes. Returns
/// what the kiosk said.
fn alex_answers_on_the_kiosk(plan: &Path, dir: &Path) -> Vec<String> {
    use sayso::core::{Event, Input, InputMethod, Screen};
    let (mut kiosk, spoken) = demo_home_kiosk(plan, dir);
    kiosk.wait_for_jobs(super::common::JOB_WAIT);
    let tap = |kiosk: &mut sayso::kiosk::Kiosk, event| {
        kiosk.input(KioskInput::Person(Input::new(event, InputMethod::Touch)));
    };
    tap(&mut kiosk, Event::Choose(0)); // Alex
    tap(&mut kiosk, Event::Choose(0)); // on my own
    assert_eq!(kiosk.screen(), Screen::Mat, "told first");
    tap(&mut kiosk, Event::PlaceOn(0)); // like
    tap(&mut kiosk, Event::Finish);
    kiosk.wait_for_jobs(super::common::JOB_WAIT);
    spoken.texts()
}

pub(super) fn serve(runtime: &tokio::runtime::Runtime, plan: &Path) -> String {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    // As the home's hub shows its key (served here over plain HTTP: the
    // browser is on this machine).
    let state = sayso::web::AppState::new(plan.to_path_buf(), fixture::running_clock())
        .with_preview_program(env!("CARGO_BIN_EXE_sayso").into())
        .with_hub_key("3f".repeat(32));
    let app = sayso::web::app(state);
    runtime.spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

#[test]
fn a_support_worker_sets_up_signs_in_and_confirms_notes_and_acts_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_pictures(&plan);
    let code = Plan::open(&plan)
        .unwrap()
        .add_account("Jo", Role::Staff, None, "sayso staff add", fixture::now())
        .unwrap();
    let runtime = runtime();
    let site = serve(&runtime, &plan);
    let driver = Driver::start();

    runtime.block_on(async {
        let browser = open_browser(&driver).await;
        browser.goto(&format!("{site}/signin")).await.unwrap();
        photograph(&browser, "sign-in").await;

        // Jo follows the set-up link she was given and chooses a passphrase.
        browser
            .goto(&format!("{site}/setup?code={code}"))
            .await
            .unwrap();
        photograph(&browser, "set-up").await;
        for field in ["passphrase", "again"] {
            browser
                .find(Locator::Id(field))
                .await
                .unwrap()
                .send_keys("a long shift at the end")
                .await
                .unwrap();
        }
        let set_up = browser.find(Locator::Css("button.primary")).await.unwrap();
        click_and_wait(&browser, set_up).await;

        // What's new lists the mats that synced in.
        let alex = browser
            .find(Locator::XPath(
                "//li[contains(@class,'person-news')][.//a[text()='Alex']]",
            ))
            .await
            .expect("Alex on What's new");
        let line = alex.text().await.unwrap();
        assert!(line.contains("4 new mats"), "{line}");
        assert!(line.contains("2 views changed"), "{line}");
        photograph(&browser, "whats-new").await;

        // The Kiosks page: a code for a new kiosk, with the hub's key.
        let kiosks = browser
            .find(Locator::LinkText("Add a kiosk, or revoke one"))
            .await
            .unwrap();
        click_and_wait(&browser, kiosks).await;
        photograph(&browser, "kiosks").await;
        let add = browser
            .find(Locator::XPath("//button[text()='Add a kiosk']"))
            .await
            .unwrap();
        click_and_wait(&browser, add).await;
        let code = browser
            .find(Locator::Css("strong.code"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(code.len(), 14, "{code}");
        photograph(&browser, "add-a-kiosk").await;
        browser.goto(&format!("{site}/")).await.unwrap();
        let alex = browser
            .find(Locator::XPath(
                "//li[contains(@class,'person-news')][.//a[text()='Alex']]",
            ))
            .await
            .expect("Alex on What's new");

        // Alex's page: each card under the point of their current view.
        let link = alex.find(Locator::LinkText("Alex")).await.unwrap();
        click_and_wait(&browser, link).await;
        assert_eq!(cards_under(&browser, "Food", "don't like").await, ["tea"]);
        assert_eq!(cards_under(&browser, "Food", "like").await, ["pizza"]);
        assert_eq!(
            cards_under(&browser, "Going out", "not sure").await,
            ["the bus"]
        );
        photograph(&browser, "person").await;

        judge(&browser, "food", "pizza", "Confirm", "").await;
        judge(
            &browser,
            "food",
            "tea",
            "Dispute",
            "the tea was cold that week",
        )
        .await;
        judge(
            &browser,
            "going-out",
            "bus",
            "Add note",
            "asked about the 42",
        )
        .await;
        let pizza = card(&browser, "food", "pizza").await.text().await.unwrap();
        assert!(pizza.contains("confirmed"), "{pizza}");
        let tea = card(&browser, "food", "tea").await.text().await.unwrap();
        assert!(
            tea.contains("disputed") && tea.contains("the tea was cold"),
            "{tea}"
        );

        // An action about the bus, then done.
        // Open already while there are no actions; opened otherwise.
        let adding = browser
            .find(Locator::Css("details.add-action"))
            .await
            .unwrap();
        if adding.attr("open").await.unwrap().is_none() {
            adding
                .find(Locator::Css("summary"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
        browser
            .find(Locator::Id("what"))
            .await
            .unwrap()
            .send_keys("Find a bus buddy")
            .await
            .unwrap();
        browser
            .find(Locator::Css("select#card option[value='going-out/bus']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let add = browser
            .find(Locator::XPath("//button[text()='Add the action']"))
            .await
            .unwrap();
        click_and_wait(&browser, add).await;
        let action = browser
            .find(Locator::XPath(
                "//li[contains(@class,'action')][.//strong[text()='Find a bus buddy']]",
            ))
            .await
            .expect("the new action");
        action
            .find(Locator::Css("summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        action
            .find(Locator::Css("textarea"))
            .await
            .unwrap()
            .send_keys("Priya goes with Alex on Tuesdays")
            .await
            .unwrap();
        action
            .find(Locator::Css("input[name='tell']"))
            .await
            .unwrap()
            .send_keys(TOLD)
            .await
            .unwrap();
        let done = action
            .find(Locator::XPath(".//button[text()='Done']"))
            .await
            .unwrap();
        click_and_wait(&browser, done).await;
        let done = browser
            .find(Locator::XPath(
                "//li[contains(@class,'action')][.//strong[text()='Find a bus buddy']]",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            done.contains("done") && done.contains("Priya goes with Alex"),
            "{done}"
        );
        photograph(&browser, "person-after").await;
        let alex_page = browser.current_url().await.unwrap();

        // The one-page profile offers the view Jo confirmed as a line.
        let link = browser
            .find(Locator::LinkText("One-page profile"))
            .await
            .unwrap();
        click_and_wait(&browser, link).await;
        let add = browser
            .find(Locator::XPath(
                "//form[contains(@class,'line')][.//span[text()='I like pizza.']]//button",
            ))
            .await
            .expect("the confirmed view offered as a line");
        click_and_wait(&browser, add).await;
        let important = browser
            .find(Locator::Id("important"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default();
        assert_eq!(important, "I like pizza.");
        photograph(&browser, "profile").await;

        // Alex's kiosk syncs with the plan, and Alex hears what was done.
        let spoken = alex_answers_on_the_kiosk(&plan, dir.path());
        assert!(
            spoken.contains(&"You said you're not sure about the bus.".to_string()),
            "{spoken:?}"
        );
        assert!(spoken.contains(&TOLD.to_string()), "{spoken:?}");
        browser.goto(alex_page.as_str()).await.unwrap();
        assert_eq!(
            cards_under(&browser, "You said, we did", "like").await,
            [TOLD],
            "Alex's answer, on Alex's page"
        );
        photograph(&browser, "person-told").await;
        browser
            .goto(&format!(
                "{}/report?from=2026-11-01&to=2026-11-30",
                alex_page.as_str().split('#').next().unwrap()
            ))
            .await
            .unwrap();
        let heading = browser
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(heading, "Alex: review-meeting report");
        photograph(&browser, "report").await;
        browser.close().await.unwrap();
    });

    let db = Connection::open(&plan).unwrap();
    let audited: Vec<String> = db
        .prepare("SELECT action FROM audit_log WHERE actor = 'Jo' ORDER BY id")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        audited,
        [
            "passphrase set",
            "kiosk pairing code made",
            "confirmed",
            "disputed",
            "note",
            "action added",
            "action status",
            "profile"
        ]
    );
    let about: (String, String) = db
        .query_row(
            "SELECT card_id, status FROM actions WHERE person_id = ?1",
            [ALEX],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(about, ("bus".to_string(), "done".to_string()));
}

#[test]
fn a_browser_test_that_fails_half_way_leaves_no_browser_running() {
    let driver = Driver::start();
    let mark = driver.mark();
    let runtime = runtime();
    let mut while_open = Vec::new();
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let driver = driver;
        runtime.block_on(async {
            let browser = open_browser(&driver).await;
            browser.goto("about:blank").await.unwrap();
            while_open = driver.running();
            panic!("a browser test fails half-way");
        })
    }));
    assert!(failed.is_err());
    assert!(
        while_open
            .iter()
            .any(|(_, name)| name.starts_with("chrom") && name != "chromedriver"),
        "the browser was marked as the driver's: {while_open:?}"
    );
    // Killed processes take a moment to end.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let left = running_marked(&mark);
        if left.is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after the failed test: {left:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
