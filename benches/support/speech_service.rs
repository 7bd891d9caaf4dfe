//! A private speech-dispatcher for benchmarks: the system's configuration,
//! its sound going to the ALSA device named, on a socket in a folder of
//! the benchmark's own, so it never touches the machine's own service.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub struct SpeechService {
    child: Child,
}

impl SpeechService {
    /// Starts the service, with `env` added to its environment; `None` when
    /// speech-dispatcher is not installed or does not start. Points this
    /// process's speech (`SPEECHD_ADDRESS`) at it.
    pub fn start(dir: &Path, alsa_device: &str, env: &[(&str, String)]) -> Option<SpeechService> {
        let system = Path::new("/etc/speech-dispatcher");
        if !system.is_dir()
            || Command::new("speech-dispatcher")
                .arg("-v")
                .output()
                .is_err()
        {
            return None;
        }
        let conf = dir.join("speechd-conf");
        copy_dir(system, &conf).ok()?;
        let speechd = conf.join("speechd.conf");
        let mut text = std::fs::read_to_string(&speechd).ok()?;
        text.push_str(&format!(
            "\nAudioOutputMethod \"alsa\"\nAudioALSADevice \"{alsa_device}\"\n"
        ));
        std::fs::write(&speechd, text).ok()?;
        let socket = dir.join("speechd.sock");
        let child = Command::new("speech-dispatcher")
            .args(["-s", "-t", "0", "-c", "unix_socket"])
            .arg("-C")
            .arg(&conf)
            .arg("-S")
            .arg(&socket)
            .arg("-P")
            .arg(dir.join("speechd.pid"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let mut service = SpeechService { child };
        let started = Instant::now();
        while !socket.exists() {
            if started.elapsed() > Duration::from_secs(10) {
                service.stop();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        std::env::set_var(
            "SPEECHD_ADDRESS",
            format!("unix_socket:{}", socket.display()),
        );
        Some(service)
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SpeechService {
    fn drop(&mut self) {
        self.stop();
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
