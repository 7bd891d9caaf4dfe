//! The kiosk on a headless Slint window (the testing backend with the
//! software renderer and mock time), driven by touch and keys; the screens
//! drawn to PNG; and the log of it all. Slint's platform can be set up once
//! per process, so everything runs one after another in one test.

#[path = "../common/mod.rs"]
mod common;

mod care_data_in_logs;
mod end_to_end;
mod leaving;
mod scanning;
mod screenshot;
mod ui_flows;
mod whole_mat;
mod words_whole;

use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};

#[test]
fn the_kiosk_on_a_headless_window() {
    let log = care_data_in_logs::capture();
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: true,
        renderer_name: Some("software".into()),
    })))
    .expect("the testing backend");
    ui_flows::every_screen_by_touch();
    whole_mat::every_card_placed_is_in_view_at_every_size();
    words_whole::no_word_is_broken_or_drawn_outside_on_any_screen();
    leaving::back_on_the_first_card_leaves_the_mat_kept_as_partial();
    leaving::a_press_that_can_do_nothing_is_answered_on_screen();
    end_to_end::a_person_finishes_a_mat_and_it_reaches_their_plan();
    scanning::each_scanning_method_finishes_a_whole_mat();
    screenshot::the_screens_render_at_800x480();
    care_data_in_logs::a_whole_turn_leaves_no_name_topic_card_or_answer_in_the_log(&log);
}
