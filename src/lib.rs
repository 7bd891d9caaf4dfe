//! sayso: an assistive-communication kiosk. A person places picture cards on
//! a Talking-Mat-style scale, hears the kiosk speak for them, and what they
//! said reaches their support plan.
//!
//! Data flows one way: an input source → an [`core::Input`] → the session in
//! [`core`] → effects carried out by [`kiosk::Kiosk`]: journal rows
//! ([`store`]), speech ([`voice`]) and the screen ([`ui`]). See
//! `docs/architecture.md`.

pub mod access;
pub mod clock;
pub mod core;
pub mod kiosk;
pub mod library;
pub mod report;
pub mod store;
pub mod sync;
pub mod ui;
pub mod voice;
pub mod web;

slint::include_modules!();
