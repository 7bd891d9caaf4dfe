//! The support plan as each of its users reaches it: one trait per user,
//! each in its own file. The SQLite [`Plan`](super::Plan) implements them
//! all; a second backend implements the same traits and runs the same
//! conformance tests.

pub mod accounts;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod accounts_conformance;
pub mod device;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod device_conformance;
pub mod house;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod house_conformance;
pub mod kiosks;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod kiosks_conformance;
pub mod sets;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod sets_conformance;
pub mod staff;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod staff_conformance;

pub use accounts::AccountsPlan;
pub use device::DevicePlan;
pub use house::HousePlan;
pub use kiosks::KiosksPlan;
pub use sets::PlanSets;
pub use staff::StaffPlan;

/// Everything the web app reaches the plan for, as one object: staff's
/// and families' pages; and, as the home's hub, its kiosks (each port
/// reached by name, where two ports use the same words).
pub trait WebPlan: StaffPlan + AccountsPlan + PlanSets {
    /// The plan as a kiosk's sync reaches it.
    fn device(&mut self) -> &mut dyn DevicePlan;
    /// The hub's paired kiosks.
    fn kiosks(&mut self) -> &mut dyn KiosksPlan;
    /// The house's questions and the residents' meetings.
    fn house(&mut self) -> &mut dyn HousePlan;
}

impl<T: StaffPlan + AccountsPlan + PlanSets + DevicePlan + KiosksPlan + HousePlan> WebPlan for T {
    fn device(&mut self) -> &mut dyn DevicePlan {
        self
    }
    fn kiosks(&mut self) -> &mut dyn KiosksPlan {
        self
    }
    fn house(&mut self) -> &mut dyn HousePlan {
        self
    }
}

/// A whole plan: every port. A backend implements them all.
pub trait AllPorts:
    DevicePlan + StaffPlan + AccountsPlan + PlanSets + KiosksPlan + HousePlan
{
}

impl<T: DevicePlan + StaffPlan + AccountsPlan + PlanSets + KiosksPlan + HousePlan> AllPorts for T {}

#[cfg(test)]
mod tests {
    use crate::store::Plan;

    /// A fresh SQLite plan for each check; a second backend adds a test
    /// like this one with its own.
    fn fresh_plans() -> (tempfile::TempDir, impl FnMut() -> Plan) {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().to_path_buf();
        let mut made = 0;
        let make = move || {
            made += 1;
            Plan::create(&folder.join(format!("plan-{made}.sqlite"))).unwrap()
        };
        (dir, make)
    }

    #[test]
    fn the_sqlite_plan_keeps_the_device_port() {
        let (_dir, mut make) = fresh_plans();
        super::device_conformance::check_device_port(&mut || Box::new(make()));
    }

    #[test]
    fn the_sqlite_plan_keeps_the_staff_port() {
        let (_dir, mut make) = fresh_plans();
        super::staff_conformance::check_staff_port(&mut || Box::new(make()));
    }

    #[test]
    fn the_sqlite_plan_keeps_the_accounts_port() {
        let (_dir, mut make) = fresh_plans();
        super::accounts_conformance::check_accounts_port(&mut || Box::new(make()));
    }

    #[test]
    fn the_sqlite_plan_keeps_the_kiosks_port() {
        let (_dir, mut make) = fresh_plans();
        super::kiosks_conformance::check_kiosks_port(&mut || Box::new(make()));
    }

    #[test]
    fn the_sqlite_plan_keeps_the_house_port() {
        let (_dir, mut make) = fresh_plans();
        super::house_conformance::check_house_port(&mut || Box::new(make()));
    }

    #[test]
    fn the_sqlite_plan_keeps_the_sets_port() {
        let (_dir, mut make) = fresh_plans();
        super::sets_conformance::check_sets_port(&mut || Box::new(make()));
    }
}
