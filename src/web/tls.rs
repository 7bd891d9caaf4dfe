//! HTTPS for the web app: a certificate given by staff, or one sayso makes
//! for this machine the first time (self-signed, kept in the data
//! directory, private key readable by sayso alone). Browsers ask once to
//! trust a self-made certificate; its fingerprint is printed to compare.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};

/// The certificate and key files, and the certificate's SHA-256
/// fingerprint for staff to check in the browser.
pub struct Certificate {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub fingerprint: String,
    /// The SHA-256 of its public key: what a kiosk pins when it pairs.
    pub key_fingerprint: String,
}

/// How long a self-made certificate is valid: two years, made again in
/// its last month.
const VALID_DAYS: i64 = 730;
const RENEW_DAYS_BEFORE: i64 = 30;

/// The certificate in `dir` (`web-cert.pem`, `web-key.pem`), made the first
/// time (and again before it runs out) for `localhost`, `ip` (or, listening
/// on every address, the one this machine reaches the home's network by)
/// and the machine's name, valid from `today` for two years.
pub fn own_certificate(
    dir: &Path,
    ip: IpAddr,
    today: chrono::NaiveDate,
) -> anyhow::Result<Certificate> {
    let cert = dir.join("web-cert.pem");
    let key = dir.join("web-key.pem");
    let running_out =
        valid_until(&cert).is_some_and(|until| (until - today).num_days() <= RENEW_DAYS_BEFORE);
    if !cert.is_file() || !key.is_file() || running_out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot make the folder {}", dir.display()))?;
        // A certificate made again keeps its key: the kiosks paired with
        // this hub pinned the key, not the certificate.
        let kept_key = std::fs::read_to_string(&key)
            .ok()
            .and_then(|pem| rcgen::KeyPair::from_pem(&pem).ok());
        let made = make_certificate(ip, today, kept_key)?;
        write_private(&key, made.1.as_bytes())?;
        std::fs::write(&cert, made.0)
            .with_context(|| format!("cannot write {}", cert.display()))?;
        tracing::info!("made a certificate for the web app");
    }
    given_certificate(cert, key)
}

/// A self-signed certificate (PEM) and its key (PEM), named for this
/// machine and its addresses.
fn make_certificate(
    ip: IpAddr,
    today: chrono::NaiveDate,
    key: Option<rcgen::KeyPair>,
) -> anyhow::Result<(String, String)> {
    use chrono::Datelike;
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let reached_by = if ip.is_unspecified() {
        home_network_address()
    } else {
        Some(ip)
    };
    if let Some(ip) = reached_by.filter(|ip| !ip.is_loopback()) {
        names.push(ip.to_string());
    }
    // Reached across the home's network by the machine's name too (a Pi
    // answers to `name.local` over mDNS).
    let host = host_name();
    if let Some(host) = &host {
        names.push(format!("{host}.local"));
        names.push(host.clone());
    }
    let mut params = rcgen::CertificateParams::new(names)
        .context("cannot make a certificate for this machine")?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("sayso on {}", host.as_deref().unwrap_or("this machine")),
    );
    let date = |day: chrono::NaiveDate| {
        rcgen::date_time_ymd(day.year(), day.month() as u8, day.day() as u8)
    };
    // From yesterday: a clock a little behind still trusts it.
    params.not_before = date(today - chrono::Duration::days(1));
    params.not_after = date(today + chrono::Duration::days(VALID_DAYS));
    let key = match key {
        Some(key) => key,
        None => rcgen::KeyPair::generate().context("cannot make a key for the certificate")?,
    };
    let cert = params
        .self_signed(&key)
        .context("cannot make a certificate for this machine")?;
    Ok((cert.pem(), key.serialize_pem()))
}

/// The last day a certificate file is valid, as it says itself.
fn valid_until(cert: &Path) -> Option<chrono::NaiveDate> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let der = CertificateDer::from_pem_file(cert).ok()?;
    let (_, parsed) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    let seconds = parsed.validity().not_after.timestamp();
    chrono::DateTime::from_timestamp(seconds, 0).map(|at| at.date_naive())
}

/// The address this machine reaches the home's network by (the source of
/// a route out; nothing is sent).
fn home_network_address() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    Some(socket.local_addr().ok()?.ip())
}

/// This machine's name, if it has a usable one.
pub fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim();
    let usable = !name.is_empty()
        && name != "localhost"
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    usable.then(|| name.to_string())
}

/// A certificate staff give (`--cert`, `--key`).
pub fn given_certificate(cert: PathBuf, key: PathBuf) -> anyhow::Result<Certificate> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let der = CertificateDer::from_pem_file(&cert)
        .with_context(|| format!("cannot read a certificate from {}", cert.display()))?;
    anyhow::ensure!(
        key.is_file(),
        "cannot read the private key {}",
        key.display()
    );
    refuse_loose_key(&key)?;
    // SHA-256 of the certificate, as browsers show it.
    let fingerprint = Sha256::digest(der.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let key_fingerprint = crate::sync::hub::pinning::key_fingerprint(der.as_ref())
        .with_context(|| format!("cannot read the key of the certificate {}", cert.display()))?;
    Ok(Certificate {
        cert,
        key,
        fingerprint,
        key_fingerprint,
    })
}

/// A private key others can read is refused: anyone with it can pose as
/// this web app.
#[cfg(unix)]
fn refuse_loose_key(key: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(key)
        .with_context(|| format!("cannot read the private key {}", key.display()))?
        .permissions()
        .mode();
    anyhow::ensure!(
        mode & 0o077 == 0,
        "the private key {} can be read by others (mode {:o}): make it readable by \
         sayso alone with `chmod 600 {}`",
        key.display(),
        mode & 0o777,
        key.display()
    );
    Ok(())
}

#[cfg(not(unix))]
fn refuse_loose_key(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

fn write_private(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    crate::store::private_file::write_private(path, data)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    #[test]
    fn a_certificate_is_made_once_and_its_key_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let ip: IpAddr = "192.168.1.20".parse().unwrap();
        let first = own_certificate(dir.path(), ip, today()).unwrap();
        let again = own_certificate(dir.path(), ip, today()).unwrap();
        assert_eq!(first.fingerprint, again.fingerprint, "kept, not made again");
        assert_eq!(first.fingerprint.split(':').count(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first.key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Made again in its last month.
        let later = today() + chrono::Duration::days(VALID_DAYS - RENEW_DAYS_BEFORE);
        let renewed = own_certificate(dir.path(), ip, later).unwrap();
        assert_ne!(renewed.fingerprint, first.fingerprint);
        assert_eq!(
            renewed.key_fingerprint, first.key_fingerprint,
            "the key kiosks pinned is kept"
        );
    }

    #[test]
    fn the_certificate_names_the_machine_and_its_address_for_two_years() {
        let ip: IpAddr = "192.168.1.20".parse().unwrap();
        let (pem, _) = make_certificate(ip, today(), None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cert.pem");
        std::fs::write(&path, &pem).unwrap();
        let text = std::process::Command::new("openssl")
            .args(["x509", "-noout", "-text", "-in"])
            .arg(&path)
            .output()
            .expect("openssl is installed");
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains("CN = sayso on") || text.contains("CN=sayso on"),
            "{text}"
        );
        assert!(text.contains("IP Address:192.168.1.20"), "{text}");
        assert!(text.contains("DNS:localhost"), "{text}");
        assert!(
            text.contains("Not Before: Dec  5 00:00:00 2026 GMT"),
            "{text}"
        );
        assert!(
            text.contains("Not After : Dec  5 00:00:00 2028 GMT"),
            "{text}"
        );
        assert!(!text.contains("rcgen"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn a_private_key_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let made = own_certificate(dir.path(), ip, today()).unwrap();
        std::fs::set_permissions(&made.key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = given_certificate(made.cert.clone(), made.key.clone())
            .err()
            .expect("refused");
        assert!(format!("{refused:#}").contains("chmod 600"), "{refused:#}");
    }
}
