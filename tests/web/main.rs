//! The staff web app: through its router (every rule, quickly), and in a
//! real browser (Chromium over WebDriver).

#[path = "../common/mod.rs"]
mod common;

mod access;
mod app;
mod browser;
mod cli;
mod client;
mod family_sets;
mod fhir;
mod fixture;
mod flood;
mod house;
mod house_evidence;
mod house_leaving;
mod house_pictures;
mod kiosks;
mod report_pdf;
