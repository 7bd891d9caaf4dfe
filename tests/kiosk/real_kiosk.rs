//! The real `sayso` kiosk process in a real X window (Xvfb), driven by key
//! presses (xdotool) the way a USB switch interface drives it, and killed
//! with SIGKILL in the middle of a mat: what the person had placed is kept,
//! and when they are chosen again they carry on where they were.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

/// Long enough for a debug build to open its window on a busy machine.
const WAIT: Duration = Duration::from_secs(60);

/// An X server of its own, on the first free display; stopped when dropped.
pub struct XServer {
    child: Child,
    display: String,
    _said: BufReader<std::process::ChildStdout>,
}

impl XServer {
    pub fn start() -> XServer {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "800x480x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (systemd/install-packages.sh)");
        // Xvfb writes the display it found free. The pipe stays open (in
        // `said`): a server that wrote into a closed pipe would die of it.
        let mut said = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        said.read_line(&mut line).unwrap();
        let display = format!(":{}", line.trim());
        assert!(display.len() > 1, "Xvfb did not start");
        let x = XServer {
            child,
            display,
            _said: said,
        };
        // It may say its number before it answers: wait for an answer.
        wait_until("the X server answers", || {
            x.xdotool(&["getdisplaygeometry"]).is_some()
        });
        x
    }

    fn xdotool(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .stderr(Stdio::null())
            .output()
            .expect("xdotool is installed (systemd/install-packages.sh)");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

impl Drop for XServer {
    fn drop(&mut self) {
        // SIGTERM, so that it takes its socket and lock file away with it.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// The kiosk as systemd runs it: the binary, a data directory, a display.
pub struct RunningKiosk<'x> {
    child: Child,
    x: &'x XServer,
}

impl<'x> RunningKiosk<'x> {
    pub fn start(x: &'x XServer, data: &Path) -> RunningKiosk<'x> {
        Self::start_with(x, data, None, "warn")
    }

    /// With a picture set of its own and a log filter (the log goes to
    /// `kiosk.err` in the data directory).
    pub fn start_with(
        x: &'x XServer,
        data: &Path,
        set: Option<&Path>,
        log: &str,
    ) -> RunningKiosk<'x> {
        Self::start_with_env(x, data, set, log, &[])
    }

    /// The same, with more of the environment (as systemd gives it).
    pub fn start_with_env(
        x: &'x XServer,
        data: &Path,
        set: Option<&Path>,
        log: &str,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> RunningKiosk<'x> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sayso"));
        if let Some(set) = set {
            command.arg("--set").arg(set);
        }
        // Xvfb's GL is Mesa's, drawn by the CPU: Slint's software renderer
        // draws the window unless a test asks for another.
        command.env("SLINT_BACKEND", "winit-software");
        command.envs(env.iter().copied());
        // A machine clock that reads earlier than sayso was made (the suite
        // run on a moved date, .ci/any-day) is one the kiosk rightly does not
        // believe: it would hold its mats back until the clock is set. These
        // tests are about kills and restarts (the clock's own are in
        // clock.rs): the kiosk then runs on the machine's real clock.
        let clock = sayso::clock::SystemClock::new();
        if chrono::Utc::now() < sayso::clock::Clock::earliest_believable(&clock) {
            command.env_remove("LD_PRELOAD").env_remove("FAKETIME");
        }
        let mut child = command
            .env("SAYSO_DATA_DIR", data)
            .env("DISPLAY", &x.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("RUST_LOG", log)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(data.join("kiosk.err")).unwrap())
            .spawn()
            .unwrap();
        // Found once it is mapped, then given the keyboard (there is no
        // window manager under Xvfb to do it).
        let deadline = Instant::now() + WAIT;
        loop {
            let focused = x
                .xdotool(&["search", "--onlyvisible", "--name", "^sayso$"])
                .and_then(|ids| ids.lines().next().map(str::to_string))
                .and_then(|window| x.xdotool(&["windowfocus", "--sync", &window]));
            if focused.is_some() {
                break;
            }
            if let Some(status) = child.try_wait().unwrap() {
                let err = std::fs::read_to_string(data.join("kiosk.err")).unwrap_or_default();
                panic!(
                    "the kiosk exited ({status}) before its window opened on {}: {err}",
                    x.display
                );
            }
            assert!(Instant::now() < deadline, "no kiosk window within {WAIT:?}");
            std::thread::yield_now();
        }
        RunningKiosk { child, x }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn key(&self, key: &str) {
        self.x
            .xdotool(&["key", key])
            .expect("xdotool sends the key");
    }

    /// The power cut: SIGKILL, no chance to tidy up.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for RunningKiosk<'_> {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the journal beside the running kiosk, as another process would.
pub fn count(journal: &Path, sql: &str) -> i64 {
    let Ok(db) = Connection::open_with_flags(journal, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return 0;
    };
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    db.query_row(sql, [], |row| row.get(0)).unwrap_or(0)
}

pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        std::thread::yield_now();
    }
}

const PLACEMENTS: &str = "SELECT count(*) FROM placements";

pub fn place(kiosk: &RunningKiosk, journal: &Path, point: usize) {
    let before = count(journal, PLACEMENTS);
    kiosk.key(&point.to_string());
    wait_until("the placement in the journal", || {
        count(journal, PLACEMENTS) > before
    });
}

fn food_cards() -> i64 {
    let set = sayso::library::load_set(&super::common::demo_set()).unwrap();
    let food = set.set.topics.iter().find(|t| t.id.as_str() == "food");
    food.expect("the demo set has Food").cards.len() as i64
}

pub fn data_dir(root: &Path) -> PathBuf {
    let data = root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("home.toml"),
        "[[people]]\nid = \"0190a000-0000-7000-8000-0000000000a1\"\nname = \"Alex\"\n",
    )
    .unwrap();
    // Presses as fast as xdotool sends them, so that each press is one
    // answer and the test waits on rows, not on timing.
    std::fs::write(
        data.join("access.toml"),
        "key_filter = false\nanswer_after_ms = 0\n",
    )
    .unwrap();
    data
}

#[test]
fn a_kiosk_killed_mid_mat_offers_to_carry_on_and_the_mat_ends_whole() {
    if Command::new("Xvfb").arg("-help").output().is_err() {
        panic!("Xvfb is not installed: run systemd/install-packages.sh");
    }
    let x = XServer::start();
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let journal = data.join("journal.sqlite");
    let cards = food_cards();
    assert!(cards >= 4, "enough cards to be killed between");

    // Alex chooses Food and places two cards: killed just after the second
    // is in the journal.
    let kiosk = RunningKiosk::start(&x, &data);
    // Alex is the only person, so the kiosk opens on their topics; a digit
    // chooses on a picker, as on the scale.
    kiosk.key("1"); // Food, the first topic
    wait_until("the mat starts", || {
        count(&journal, "SELECT count(*) FROM sessions") == 1
    });
    place(&kiosk, &journal, 1);
    place(&kiosk, &journal, 3);
    kiosk.kill_9();

    // Back after the restart: Alex is offered "carry on or start again",
    // carries on, and is killed again with a press still on its way.
    let kiosk = RunningKiosk::start(&x, &data);
    kiosk.key("1"); // carry on
    wait_until("the mat resumed", || {
        count(&journal, "SELECT count(*) FROM resumes") == 1
    });
    place(&kiosk, &journal, 2);
    kiosk.key("1");
    kiosk.kill_9();

    // Third time: carry on, place the rest, finish on the review.
    let kiosk = RunningKiosk::start(&x, &data);
    kiosk.key("1");
    wait_until("the mat resumed again", || {
        count(&journal, "SELECT count(*) FROM resumes") == 2
    });
    while count(&journal, PLACEMENTS) < cards {
        place(&kiosk, &journal, 2);
    }
    kiosk.key("Return"); // Finish, on the review
    wait_until("the mat finished", || {
        count(&journal, "SELECT count(*) FROM session_ends") == 1
    });
    wait_until("the mat synced into the plan", || {
        count(
            &data.join("plan.sqlite"),
            "SELECT count(*) FROM synced_sessions",
        ) == 1
    });
    drop(kiosk);

    assert_eq!(
        count(&journal, "SELECT count(*) FROM sessions"),
        1,
        "one mat, carried on twice, never a second one"
    );
    assert_eq!(
        count(&journal, "SELECT count(DISTINCT card_id) FROM placements"),
        cards,
        "every card of Food placed"
    );
    assert_eq!(
        count(&journal, PLACEMENTS),
        cards,
        "each card placed once: nothing doubled by the restarts"
    );
    assert_eq!(
        count(
            &journal,
            "SELECT count(*) FROM placements \
             WHERE seq = (SELECT min(seq) FROM placements) AND point = 0"
        ),
        1,
        "the first answer, from before the first kill, is kept as given"
    );
    let db = Connection::open_with_flags(&journal, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(
        count(&data.join("plan.sqlite"), "SELECT count(*) FROM evidence"),
        cards,
        "the plan holds the whole mat once"
    );
}

/// Asks the staff web app on `port` for its sign-in page, as a browser
/// would; `None` if nothing answers there.
fn sign_in_page(port: u16) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .write_all(b"GET /signin HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

#[test]
fn the_kiosk_serves_the_staff_pages_only_when_web_toml_turns_them_on() {
    let x = XServer::start();
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    // Off by default: the window is up, and nothing listens.
    let kiosk = RunningKiosk::start(&x, &data);
    assert!(
        sign_in_page(port).is_none(),
        "nothing listens when it is off"
    );
    drop(kiosk);

    // Turned on: served beside the kiosk (it listens before the window opens).
    std::fs::write(
        data.join("web.toml"),
        format!("enabled = true\nlisten = \"127.0.0.1:{port}\"\n"),
    )
    .unwrap();
    let kiosk = RunningKiosk::start(&x, &data);
    let page = sign_in_page(port).expect("the staff web app answers");
    assert!(page.starts_with("HTTP/1.0 200"), "{page}");
    assert!(page.contains("<h1>Sign in</h1>"), "{page}");
    drop(kiosk);

    // A file that cannot be used: the kiosk still runs, and says why in its log.
    std::fs::write(data.join("web.toml"), "enabled = yes please\n").unwrap();
    let kiosk = RunningKiosk::start(&x, &data);
    assert!(sign_in_page(port).is_none());
    drop(kiosk);
    let log = std::fs::read_to_string(data.join("kiosk.err")).unwrap();
    assert!(log.contains("web.toml"), "{log}");
}

/// What the kiosk tells systemd, read from a socket the test owns (as
/// systemd's `NOTIFY_SOCKET`); `None` once nothing came for `quiet`.
fn told(socket: &std::os::unix::net::UnixDatagram, quiet: Duration) -> Option<String> {
    socket.set_read_timeout(Some(quiet)).unwrap();
    let mut buffer = [0u8; 512];
    let read = socket.recv(&mut buffer).ok()?;
    Some(String::from_utf8_lossy(&buffer[..read]).to_string())
}

#[test]
fn the_kiosk_tells_systemd_it_is_ready_and_pings_until_its_screen_hangs() {
    let x = XServer::start();
    let root = tempfile::tempdir().unwrap();
    let data = data_dir(root.path());
    let socket_path = root.path().join("notify.sock");
    let socket = std::os::unix::net::UnixDatagram::bind(&socket_path).unwrap();
    // A ping every 0.2 s; the UI thread stops for good after 3 s.
    let kiosk = RunningKiosk::start_with_env(
        &x,
        &data,
        None,
        "info",
        &[
            ("NOTIFY_SOCKET", socket_path.as_os_str()),
            ("WATCHDOG_USEC", "400000".as_ref()),
            ("SAYSO_FAULT_HANG_UI_AFTER_MS", "3000".as_ref()),
        ],
    );
    let first = told(&socket, WAIT).expect("told systemd something");
    assert_eq!(first.trim(), "READY=1", "ready first");
    let mut pings = 0;
    let started = Instant::now();
    let hung = || {
        std::fs::read_to_string(data.join("kiosk.err"))
            .unwrap_or_default()
            .contains("the UI thread hangs, on purpose")
    };
    // Pings come while the screen turns; once it hangs, five missed pings
    // in a row and they have stopped. (A slow machine may miss some before.)
    loop {
        match told(&socket, Duration::from_secs(1)) {
            Some(message) => {
                assert_eq!(message.trim(), "WATCHDOG=1");
                pings += 1;
            }
            None if hung() => break,
            None => {}
        }
        assert!(
            started.elapsed() < WAIT,
            "the pings never stopped, though the UI thread hangs"
        );
    }
    assert!(pings >= 3, "regular pings before the hang: {pings}");
    // The process is alive, its screen frozen: that is what the watchdog
    // is there for.
    let status = std::fs::read_to_string(format!("/proc/{}/status", kiosk.pid())).unwrap();
    assert!(!status.contains("State:\tZ"), "alive, not a zombie");
    let log = std::fs::read_to_string(data.join("kiosk.err")).unwrap();
    assert!(log.contains("the UI thread hangs, on purpose"), "{log}");
}
