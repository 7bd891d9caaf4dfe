//! How the plan keeps secrets: passphrases and PINs as argon2id hashes,
//! codes and tokens (long and random, so a fast hash is enough) as SHA-256,
//! and codes a person can read out and type.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

pub(super) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    super::hex(&buffer)
}

pub(super) fn sha256_hex(text: &str) -> String {
    super::hex(&Sha256::digest(text.as_bytes()))
}

pub(super) fn hash_secret(secret: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2id with default parameters hashes any input")
        .to_string()
}

/// An argon2id hash of `secret`, for tests of what checks one.
#[cfg(test)]
pub(crate) fn hash_for_tests(secret: &str) -> String {
    hash_secret(secret)
}

pub(super) fn secret_matches(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &hash)
            .is_ok()
    })
}

/// A set-up code a person can read out or type: 12 characters from an
/// alphabet without look-alikes (no 0/O, 1/I/L), in groups of four.
pub(super) fn new_setup_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Set-up codes are typed by people: case, spaces and dashes do not matter.
pub(super) fn normal_setup_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}
