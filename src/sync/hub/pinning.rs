//! Which hub a kiosk trusts: the public key it saw when it paired, by its
//! SHA-256, whatever names or dates its certificate carries (a home's hub
//! has a certificate it made itself, and a Pi may not know the date). Staff
//! see the same key as four words on the hub's page and on the kiosk.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// The SHA-256 of a certificate's public key (its SubjectPublicKeyInfo),
/// in lowercase hex; `None` for bytes that are not a certificate.
pub fn key_fingerprint(certificate_der: &[u8]) -> Option<String> {
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate_der).ok()?;
    Some(crate::store::hex(&Sha256::digest(
        parsed.tbs_certificate.subject_pki.raw,
    )))
}

/// A key fingerprint as four words, for staff to compare by eye: the
/// first 44 bits, eleven to a word.
pub fn fingerprint_words(fingerprint: &str) -> String {
    let bits: u64 = fingerprint
        .get(..11)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .unwrap_or(0);
    let words = bip39::Language::English.word_list();
    (0..4)
        .map(|i| words[((bits >> (33 - 11 * i)) & 0x7ff) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Trusts the server whose key is `expected`; with none (while pairing),
/// any key. Either way it notes the key it saw, so a refusal can say why.
#[derive(Debug)]
pub struct PinnedKey {
    expected: Option<String>,
    seen: Arc<Mutex<Option<String>>>,
    provider: Arc<CryptoProvider>,
}

impl PinnedKey {
    pub fn new(expected: Option<String>) -> PinnedKey {
        PinnedKey {
            expected,
            seen: Arc::default(),
            provider: Arc::new(rustls::crypto::ring::default_provider()),
        }
    }

    /// The key the server showed last, as [`key_fingerprint`] has it.
    pub fn seen(&self) -> Arc<Mutex<Option<String>>> {
        self.seen.clone()
    }

    /// A TLS client configuration that trusts only this.
    pub fn client_config(self) -> Result<rustls::ClientConfig, rustls::Error> {
        let provider = self.provider.clone();
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(self))
            .with_no_client_auth())
    }
}

impl ServerCertVerifier for PinnedKey {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let key = key_fingerprint(end_entity.as_ref()).ok_or(rustls::Error::InvalidCertificate(
            CertificateError::BadEncoding,
        ))?;
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(key.clone());
        match &self.expected {
            Some(pinned) if *pinned != key => Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            )),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_follow_the_key_and_differ_for_another() {
        let a = fingerprint_words(&"a1".repeat(32));
        let b = fingerprint_words(&"b1".repeat(32));
        assert_eq!(a.split(' ').count(), 4, "{a}");
        assert_eq!(a, fingerprint_words(&"a1".repeat(32)));
        assert_ne!(a, b);
    }

    #[test]
    fn a_certificates_key_is_read_and_anything_else_is_not() {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["hub.local".into()]).unwrap();
        let first = params.self_signed(&key).unwrap();
        let renewed = rcgen::CertificateParams::new(vec!["other.local".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let pin = key_fingerprint(first.der()).unwrap();
        assert_eq!(pin.len(), 64);
        assert_eq!(
            key_fingerprint(renewed.der()),
            Some(pin),
            "a certificate made again with the same key keeps its pin"
        );
        assert_eq!(key_fingerprint(b"not a certificate"), None);
    }
}
