//! The README's commands for the web app, as staff type them.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use super::fixture;
use sayso::store::ports::AccountsPlan;

fn sayso(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sayso"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap()
}

fn http_get(address: &str, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn staff_add_prints_a_code_that_the_served_set_up_page_takes() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let plan = plan.to_str().unwrap();
    let added = sayso(&["--plan", plan, "staff", "add", "Jo"]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let said = String::from_utf8_lossy(&added.stdout).to_string();
    let code = said
        .lines()
        .find_map(|line| line.trim().strip_prefix("set-up code: "))
        .unwrap_or_else(|| panic!("a code in {said}"))
        .to_string();
    assert!(said.contains(&format!("/setup?code={code}")), "{said}");
    // No web.toml: the web app answers on this machine only, and says so.
    assert!(
        said.contains("a phone cannot open this link") && said.contains(sayso::web::SERVE_THE_HOME),
        "{said}"
    );
    let again = sayso(&["--plan", plan, "staff", "add", "jo"]);
    assert!(!again.status.success(), "one Jo");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already an account called jo"));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_sayso"))
        .args(["--plan", plan, "serve", "--listen", &address])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains(&format!("http://{address}/")), "{line}");
    let page = http_get(&address, &format!("/setup?code={code}"));
    let _ = server.kill();
    let _ = server.wait();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains(&format!("value=\"{code}\"")), "{page}");
}

#[test]
fn serve_over_https_makes_a_certificate_once_and_plain_http_is_sent_to_https() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let data = dir.path().join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_sayso"))
        .args(["--plan", plan.to_str().unwrap(), "--data-dir"])
        .arg(&data)
        .args(["serve", "--https", "--listen", &address])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(server.stdout.take().unwrap());
    let mut first = String::new();
    let mut second = String::new();
    said.read_line(&mut first).unwrap();
    said.read_line(&mut second).unwrap();
    assert!(first.contains(&format!("https://{address}/")), "{first}");
    assert!(
        second.starts_with("certificate fingerprint (SHA-256): "),
        "{second}"
    );
    let curl = |url: &str| {
        Command::new("curl")
            .args([
                "-k",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "--max-time",
                "20",
            ])
            .arg(url)
            .output()
            .expect("curl is installed (systemd/install-packages.sh)")
    };
    let over_https = curl(&format!("https://{address}/signin"));
    let over_http = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{redirect_url}",
        ])
        .args(["--max-time", "20"])
        .arg(format!("http://{address}/signin?next=%2Fpeople"))
        .output()
        .unwrap();
    let form_over_http = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "20",
        ])
        .args(["--data", "name=jo&passphrase=x"])
        .arg(format!("http://{address}/signin"))
        .output()
        .unwrap();
    let headers = Command::new("curl")
        .args(["-k", "-s", "-D", "-", "-o", "/dev/null", "--max-time", "20"])
        .arg(format!("https://{address}/signin"))
        .output()
        .unwrap();
    let headers = String::from_utf8_lossy(&headers.stdout).to_lowercase();
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(String::from_utf8_lossy(&over_https.stdout), "200");
    // Nothing in the clear: a page asked for by plain HTTP is sent to the
    // same page over HTTPS, and a form is refused.
    assert_eq!(
        String::from_utf8_lossy(&over_http.stdout),
        format!("301 https://{address}/signin?next=%2Fpeople")
    );
    assert_eq!(String::from_utf8_lossy(&form_over_http.stdout), "400");
    // Over HTTPS, browsers are told to come back only over HTTPS.
    assert!(
        headers.contains("strict-transport-security: max-age=31536000"),
        "{headers}"
    );
    assert!(data.join("web-cert.pem").is_file());
    assert!(data.join("web-key.pem").is_file());
}

#[test]
fn family_invite_makes_a_family_account_for_that_one_person() {
    let dir = tempfile::tempdir().unwrap();
    let plan_path = fixture::plan_after_a_fortnight(dir.path());
    let plan = plan_path.to_str().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let invited = sayso(&[
        "--data-dir",
        data,
        "--plan",
        plan,
        "family",
        "invite",
        "sam",
        "--name",
        "Sam's mum",
    ]);
    assert!(
        invited.status.success(),
        "{}",
        String::from_utf8_lossy(&invited.stderr)
    );
    let said = String::from_utf8_lossy(&invited.stdout).to_string();
    assert!(
        said.contains("Sam's mum can now make Sam's picture sets"),
        "{said}"
    );
    let code = said
        .lines()
        .find_map(|line| line.trim().strip_prefix("set-up code: "))
        .unwrap_or_else(|| panic!("a code in {said}"))
        .to_string();
    assert!(said.contains(&format!("/setup?code={code}")), "{said}");
    // No web.toml: the web app answers on this machine only, and says so.
    assert!(
        said.contains("a phone cannot open this link") && said.contains(sayso::web::SERVE_THE_HOME),
        "{said}"
    );
    assert!(
        said.contains('█') || said.contains('▀'),
        "a QR code: {said}"
    );

    let mut opened = sayso::store::Plan::open(&plan_path).unwrap();
    let account = opened
        .redeem_setup_code(&code, "a long family passphrase", chrono::Utc::now())
        .unwrap();
    assert_eq!(account.role, sayso::store::accounts::Role::Family);
    assert_eq!(account.person.as_ref().unwrap().as_str(), fixture::SAM);
    assert!(!account.sees_views());

    let nobody = sayso(&[
        "--data-dir",
        data,
        "--plan",
        plan,
        "family",
        "invite",
        "Pat",
        "--name",
        "Pat's dad",
    ]);
    assert!(!nobody.status.success());
    let said = String::from_utf8_lossy(&nobody.stderr);
    assert!(
        said.contains("nobody called Pat") && said.contains("Sam"),
        "{said}"
    );
}

#[test]
fn staff_accounts_are_turned_off_reset_and_removed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_staff(&plan, "Jo", fixture::JO_PASSPHRASE);
    let plan = plan.to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--plan", plan];
        all.extend_from_slice(args);
        let out = sayso(&all);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(run(&["staff", "disable", "jo"]).contains("turned off and signed out"));
    assert!(run(&["staff", "list"]).contains("Jo (staff, turned off)"));
    let mut opened = sayso::store::Plan::open(std::path::Path::new(plan)).unwrap();
    assert_eq!(
        opened.sign_in("Jo", fixture::JO_PASSPHRASE).unwrap(),
        sayso::store::accounts::SignIn::Wrong
    );
    run(&["staff", "enable", "Jo"]);
    assert!(run(&["staff", "manager", "Jo"]).contains("a home manager now"));
    assert!(run(&["staff", "list"]).contains("Jo (staff, home manager)"));
    assert!(run(&["staff", "manager", "--no-longer", "Jo"]).contains("no longer a home manager"));
    assert!(run(&["staff", "list"]).contains("Jo (staff)"));
    let reset = run(&["staff", "reset", "Jo"]);
    assert!(reset.contains("set-up code: "), "{reset}");
    assert!(run(&["staff", "list"]).contains("Jo (staff, waiting for its code)"));
    assert!(run(&["staff", "remove", "Jo"]).contains("removed"));
    assert!(!run(&["staff", "list"]).contains("Jo"));
    let unknown = sayso(&["--plan", plan, "family", "remove", "Nobody"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account called Nobody"));
}

#[test]
fn a_client_sending_its_headers_a_byte_at_a_time_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    let server = sayso::web::raw_http::Served::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_sayso")),
        &plan,
        &dir.path().join("data"),
    );
    let address = server.address.to_string();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(stream, "GET /signin HTTP/1.1\r\nHost: {address}\r\n").unwrap();
    let started = std::time::Instant::now();
    let mut trickle = stream.try_clone().unwrap();
    // A header that never ends, a byte every half second (the pace of the
    // attack, not a wait for a condition).
    let writer = std::thread::spawn(move || {
        for _ in 0..60 {
            if trickle.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
    });
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    let cut_off_after = started.elapsed();
    drop(server);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = writer.join();
    // Closed (or reset, with the trickle still arriving) by the server; not
    // this side's own 30 s read timeout.
    let closed_by_server = match &read {
        Ok(_) => true,
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
        ),
    };
    assert!(closed_by_server, "not closed by the server: {read:?}");
    assert!(
        cut_off_after < std::time::Duration::from_secs(20),
        "held open for {cut_off_after:?}"
    );
}
