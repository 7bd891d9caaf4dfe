//! Everything tested without a window, in one test binary: the kiosk with
//! fake devices, the databases and sync, the command line, bad input.

#[path = "../common/mod.rs"]
mod common;

mod backup;
mod bad_input;
mod boards;
mod bursts;
mod cli;
mod clips;
mod clock;
mod family_sets;
mod gpio;
mod home;
mod house;
mod house_questions;
mod hub;
mod hub_faults;
mod hub_home;
mod hub_join;
mod kept_mat;
mod memory;
mod photos;
mod pictures_to_plan;
mod plan_sync;
mod real_kiosk;
mod shell;
mod staff_screen;
mod switch_filter;
mod voice_pack;
mod you_said_we_did;
