//! What every plan must do for picture sets, checked through [`PlanSets`].
//! Each check starts from a fresh, empty plan (Sam, whose sets they are,
//! given through [`DevicePlan`]).

use sha2::{Digest, Sha256};

use super::device_conformance::{at, run_check, sam, tea_mat};
use super::staff_conformance::MakePlan;
use super::{AllPorts, DevicePlan, PlanSets};
use crate::core::PersonId;
use crate::store::accounts::{Account, Role};
use crate::store::plan::Faults;
use crate::store::set_versions::SetSaveError;

type Check = (&'static str, fn(&mut dyn AllPorts));

const SET: &str = r#"
id = "sams"
title = "Sam's things"

[[topics]]
id = "sams-drinks"
title = "Sam's drinks"
question = "What do you think about these?"
scale = "like"

[[topics.cards]]
id = "mug"
label = "My red mug"
picture = "pictures/mug.jpg"
"#;

/// Runs every check; panics naming the first that fails.
pub fn check_sets_port(make: &mut MakePlan) {
    let checks: [Check; 3] = [
        (
            "each save is a new version, its files kept by their hash",
            each_save_is_a_new_version_its_files_kept_by_their_hash,
        ),
        (
            "going back makes an earlier version the newest again",
            going_back_makes_an_earlier_version_the_newest_again,
        ),
        (
            "a change is made only by whoever may change the set, keeping its files",
            a_change_is_made_only_by_whoever_may_change_the_set_keeping_its_files,
        ),
    ];
    for (name, check) in checks {
        let mut plan = make();
        run_check("sets port", name, || check(&mut *plan));
    }
}

/// Sam, with a first version of his set.
fn sams_set(plan: &mut dyn AllPorts) -> PersonId {
    DevicePlan::execute(plan, &tea_mat("s1", "d1"), &mut Faults::default()).unwrap();
    let sam = sam().id;
    let files = vec![("pictures/mug.jpg".to_string(), b"a red mug".to_vec())];
    let version = plan
        .save_set_version("sams", &sam, SET, &files, "Mum", at(0))
        .unwrap();
    assert_eq!(version, 1);
    sam
}

fn each_save_is_a_new_version_its_files_kept_by_their_hash(plan: &mut dyn AllPorts) {
    assert!(PlanSets::newest_sets(plan).unwrap().is_empty());
    assert_eq!(plan.set_owner("sams").unwrap(), None);
    let sam = sams_set(plan);
    assert_eq!(plan.set_owner("sams").unwrap(), Some(sam.clone()));
    assert_eq!(plan.sets_of(&sam).unwrap(), vec!["sams".to_string()]);

    let first = PlanSets::set_version(plan, "sams", None).unwrap().unwrap();
    assert_eq!((first.version, first.saved_by.as_str()), (1, "Mum"));
    assert_eq!(first.set_toml, SET);
    let hash = crate::store::hex(&Sha256::digest(b"a red mug"));
    assert_eq!(
        first.files,
        vec![("pictures/mug.jpg".to_string(), hash.clone())]
    );
    assert_eq!(
        PlanSets::set_file(plan, &hash).unwrap().as_deref(),
        Some(&b"a red mug"[..])
    );

    let blue = SET.replace("My red mug", "My blue mug");
    let version = plan
        .save_set_version("sams", &sam, &blue, &[], "Jo", at(5))
        .unwrap();
    assert_eq!(version, 2);
    let newest = PlanSets::newest_sets(plan).unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!((newest[0].set_id.as_str(), newest[0].version), ("sams", 2));
    let versions: Vec<u32> = plan
        .set_versions("sams")
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(versions, [2, 1]);
    let one = PlanSets::set_version(plan, "sams", Some(1))
        .unwrap()
        .unwrap();
    assert_eq!(one.set_toml, SET, "the version before is kept");
}

fn going_back_makes_an_earlier_version_the_newest_again(plan: &mut dyn AllPorts) {
    let sam = sams_set(plan);
    let blue = SET.replace("My red mug", "My blue mug");
    plan.save_set_version("sams", &sam, &blue, &[], "Jo", at(5))
        .unwrap();
    let back = plan.go_back_to_set_version("sams", 1, "Jo", at(6)).unwrap();
    assert_eq!(back, 3);
    let newest = PlanSets::set_version(plan, "sams", None).unwrap().unwrap();
    assert_eq!((newest.version, newest.set_toml.as_str()), (3, SET));
}

fn account(role: Role, person: Option<&PersonId>) -> Account {
    Account {
        id: 1,
        name: "Jo".into(),
        role,
        person: person.cloned(),
        last_looked: None,
        manages_home: false,
    }
}

fn a_change_is_made_only_by_whoever_may_change_the_set_keeping_its_files(plan: &mut dyn AllPorts) {
    let sam = sams_set(plan);
    let someone_elses_family = account(Role::Family, Some(&PersonId::new("someone-else")));
    let refused = plan.change_set(
        "sams",
        &someone_elses_family,
        Box::new(|set| {
            set.title = "Not theirs".into();
            Ok(Vec::new())
        }),
        at(5),
    );
    assert!(
        matches!(refused, Err(SetSaveError::NotTheirs(_))),
        "{refused:?}"
    );
    assert!(matches!(
        plan.go_back_as("sams", 1, &someone_elses_family, at(5)),
        Err(SetSaveError::NotTheirs(_))
    ));
    assert!(matches!(
        plan.change_set(
            "nobodys",
            &account(Role::Staff, None),
            Box::new(|_| Ok(Vec::new())),
            at(5)
        ),
        Err(SetSaveError::NoSuchSet(_))
    ));
    assert_eq!(plan.set_versions("sams").unwrap().len(), 1, "nothing saved");

    let version = plan
        .change_set(
            "sams",
            &account(Role::Family, Some(&sam)),
            Box::new(|set| {
                set.title = "Sam's own things".into();
                set.topics[0].cards[0].picture = Some("pictures/blue-mug.jpg".into());
                Ok(vec![(
                    "pictures/blue-mug.jpg".to_string(),
                    b"a blue mug".to_vec(),
                )])
            }),
            at(6),
        )
        .unwrap();
    assert_eq!(version, 2);
    let newest = PlanSets::set_version(plan, "sams", None).unwrap().unwrap();
    assert!(newest.set_toml.contains("Sam's own things"));
    assert_eq!(newest.saved_by, "Jo");
    let names: Vec<&str> = newest.files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["pictures/blue-mug.jpg"],
        "the new picture is kept; the old one, named no more, is not"
    );
}
