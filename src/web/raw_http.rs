//! One HTTP/1.1 exchange from a chosen source address, for the tests and
//! benchmarks that flood a running `sayso serve` as many devices would
//! (every address of 127.0.0.0/8 is this machine's own).

use std::net::{IpAddr, SocketAddr};

/// Sends `request` to `server` from `from` and returns the whole response.
pub fn exchange(server: SocketAddr, from: IpAddr, request: &str) -> std::io::Result<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(SocketAddr::new(from, 0))?;
        let mut stream = socket.connect(server).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok(String::from_utf8_lossy(&response).to_string())
    })
}

/// A sign-in form, as a browser posts it.
pub fn sign_in_request(server: SocketAddr, name: &str, passphrase: &str) -> String {
    let body = format!("name={name}&passphrase={}", passphrase.replace(' ', "+"));
    format!(
        "POST /signin HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A page, with a session's cookie.
pub fn page_request(server: SocketAddr, path: &str, cookie: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {server}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )
}

/// The session cookie a signed-in response sets (`name=value`).
pub fn session_cookie_of(response: &str) -> Option<String> {
    response
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

/// The resident memory of a process now (`VmRSS`) and at its peak
/// (`VmHWM`), in KB.
pub fn resident_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A `sayso serve` started for a test or a benchmark, stopped when dropped.
pub struct Served {
    pub child: std::process::Child,
    pub address: SocketAddr,
}

impl Served {
    /// Starts `program` (the `sayso` binary) serving `plan` over plain HTTP
    /// on a free port of this machine, with `data_dir`, and waits for it to
    /// say it is listening.
    pub fn start(
        program: &std::path::Path,
        plan: &std::path::Path,
        data_dir: &std::path::Path,
    ) -> Served {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let mut child = std::process::Command::new(program)
            .arg("--plan")
            .arg(plan)
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--listen", &address.to_string()])
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("sayso serve starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("its output"))
            .read_line(&mut line)
            .expect("sayso serve says where it listens");
        assert!(line.contains("sayso web app on"), "{line}");
        Served { child, address }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn site(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The server's peak resident memory so far, in MB.
    pub fn peak_mb(&self) -> u64 {
        resident_kb(self.child.id()).1 / 1024
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
