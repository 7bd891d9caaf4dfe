//! Compiles the `.slint` files in `ui/` into Rust.
//!
//! Debug info is kept outside release builds so that tests can find elements
//! by their accessible label or id; without it every lookup silently fails.

fn main() {
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let config = slint_build::CompilerConfiguration::new().with_debug_info(profile != "release");
    slint_build::compile_with_config("ui/app.slint", config).expect("the .slint files compile");
}
