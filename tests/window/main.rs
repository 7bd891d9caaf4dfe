//! The kiosk on a headless Slint window, driven by touch and keys. Slint's
//! testing backend (with mock time) can be set up once per process, so the
//! flows run one after another in one test.

#[path = "../common/mod.rs"]
mod common;

mod end_to_end;
mod scanning;
mod ui_flows;

#[test]
fn the_kiosk_on_a_headless_window() {
    i_slint_backend_testing::init_integration_test_with_mock_time();
    ui_flows::every_screen_by_touch();
    end_to_end::a_person_finishes_a_mat_and_it_reaches_their_plan();
    scanning::each_scanning_method_finishes_a_whole_mat();
}
