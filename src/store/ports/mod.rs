//! The support plan as each of its users reaches it: one trait per user,
//! each in its own file. The SQLite [`Plan`](super::Plan) implements them
//! all; a second backend implements the same traits and runs the same
//! conformance tests.

pub mod device;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod device_conformance;

pub use device::DevicePlan;

#[cfg(test)]
mod tests {
    use crate::store::Plan;

    #[test]
    fn the_sqlite_plan_keeps_the_device_port() {
        let dir = tempfile::tempdir().unwrap();
        let mut made = 0;
        super::device_conformance::check_device_port(&mut || {
            made += 1;
            let path = dir.path().join(format!("plan-{made}.sqlite"));
            Box::new(Plan::create(&path).unwrap())
        });
    }
}
