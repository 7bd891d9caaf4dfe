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
}

/// The certificate in `dir` (`web-cert.pem`, `web-key.pem`), made the first
/// time for `localhost` and `ip`.
pub fn own_certificate(dir: &Path, ip: IpAddr) -> anyhow::Result<Certificate> {
    let cert = dir.join("web-cert.pem");
    let key = dir.join("web-key.pem");
    if !cert.is_file() || !key.is_file() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot make the folder {}", dir.display()))?;
        let mut names = vec!["localhost".to_string()];
        if !ip.is_unspecified() {
            names.push(ip.to_string());
        }
        // Reached across the home's network by the machine's name too (a
        // Pi answers to `name.local` over mDNS).
        if let Some(host) = host_name() {
            names.push(format!("{host}.local"));
            names.push(host);
        }
        let made = rcgen::generate_simple_self_signed(names)
            .context("cannot make a certificate for this machine")?;
        write_private(&key, made.signing_key.serialize_pem().as_bytes())?;
        std::fs::write(&cert, made.cert.pem())
            .with_context(|| format!("cannot write {}", cert.display()))?;
        tracing::info!("made a certificate for the web app");
    }
    given_certificate(cert, key)
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
    // SHA-256 of the certificate, as browsers show it.
    let fingerprint = Sha256::digest(der.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    Ok(Certificate {
        cert,
        key,
        fingerprint,
    })
}

#[cfg(unix)]
fn write_private(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(data)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, data).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_is_made_once_and_its_key_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let ip: IpAddr = "192.168.1.20".parse().unwrap();
        let first = own_certificate(dir.path(), ip).unwrap();
        let again = own_certificate(dir.path(), ip).unwrap();
        assert_eq!(first.fingerprint, again.fingerprint, "kept, not made again");
        assert_eq!(first.fingerprint.split(':').count(), 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first.key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
