//! What every plan must do for a home's kiosks, checked through
//! [`KiosksPlan`](super::KiosksPlan). Each check starts from a fresh, empty plan.

use super::device_conformance::{at, run_check};
use super::kiosks::{PairingError, TokenRefused, PAIRING_CODE_MINUTES};
use super::staff_conformance::MakePlan;
use super::AllPorts;

type Check = (&'static str, fn(&mut dyn AllPorts));

/// Runs every check; panics naming the first that fails.
pub fn check_kiosks_port(make: &mut MakePlan) {
    let checks: [Check; 4] = [
        (
            "a code pairs one kiosk, once, before it expires",
            a_code_pairs_one_kiosk_once_before_it_expires,
        ),
        (
            "a revoked kiosk's token opens nothing until it pairs again",
            a_revoked_kiosks_token_opens_nothing_until_it_pairs_again,
        ),
        (
            "neither a code nor a token is kept as it was given",
            neither_a_code_nor_a_token_is_kept_as_it_was_given,
        ),
        (
            "the hub's home file is a new version only when its source changed, with its photos",
            the_hubs_home_file_is_a_new_version_only_when_its_source_changed,
        ),
    ];
    for (name, check) in checks {
        let mut plan = make();
        run_check("kiosks port", name, || check(&mut *plan));
    }
}

fn a_code_pairs_one_kiosk_once_before_it_expires(plan: &mut dyn AllPorts) {
    let made = plan.new_pairing_code("Jo", at(0)).unwrap();
    assert_eq!(made.expires_at, at(PAIRING_CODE_MINUTES));
    assert_eq!(made.code.len(), 14, "twelve characters in groups of four");
    assert!(
        !made.code.contains(['0', 'O', '1', 'I', 'L']),
        "no look-alikes: {}",
        made.code
    );
    assert!(matches!(
        plan.pair_kiosk("ABCD-EFGH-JKMN", "kitchen", at(1)),
        Err(PairingError::UnknownCode)
    ));
    // Typed on a keypad: case, spaces and dashes do not matter.
    let typed = made.code.to_lowercase().replace('-', " ");
    let token = plan.pair_kiosk(&typed, "kitchen", at(1)).unwrap();
    let kiosk = plan.kiosk_of_token(&token).unwrap().unwrap();
    assert_eq!(
        (kiosk.device_id.as_str(), kiosk.paired_at),
        ("kitchen", at(1))
    );
    assert!(matches!(
        plan.pair_kiosk(&made.code, "lounge", at(2)),
        Err(PairingError::Used)
    ));
    assert!(plan.kiosk_of_token("a guess").unwrap().is_none());

    let late = plan.new_pairing_code("Jo", at(10)).unwrap();
    assert!(matches!(
        plan.pair_kiosk(&late.code, "lounge", at(10 + PAIRING_CODE_MINUTES)),
        Err(PairingError::Expired)
    ));
    let again = plan.new_pairing_code("Jo", at(30)).unwrap();
    assert!(matches!(
        plan.pair_kiosk(&again.code, "kitchen", at(31)),
        Err(PairingError::AlreadyPaired)
    ));
    let lounge = plan.pair_kiosk(&again.code, "lounge", at(31)).unwrap();
    assert_ne!(lounge, token, "each kiosk its own token");
}

fn a_revoked_kiosks_token_opens_nothing_until_it_pairs_again(plan: &mut dyn AllPorts) {
    let code = plan.new_pairing_code("Jo", at(0)).unwrap().code;
    let token = plan.pair_kiosk(&code, "kitchen", at(1)).unwrap();
    assert!(plan.revoke_kiosk("kitchen", "Jo", at(2)).unwrap());
    assert!(plan.kiosk_of_token(&token).unwrap().is_none());
    assert_eq!(
        plan.refuse_token(&token, at(2)).unwrap(),
        TokenRefused::Revoked
    );
    assert_eq!(
        plan.refuse_token("a guess", at(2)).unwrap(),
        TokenRefused::Unknown
    );
    let [kitchen] = &plan.paired_kiosks().unwrap()[..] else {
        panic!("one kiosk on the list")
    };
    assert_eq!(kitchen.revoked, Some((at(2), "Jo".to_string())));
    assert!(!plan.revoke_kiosk("kitchen", "Jo", at(3)).unwrap(), "once");
    assert!(!plan.revoke_kiosk("nobody", "Jo", at(3)).unwrap());

    let code = plan.new_pairing_code("Jo", at(4)).unwrap().code;
    let new_token = plan.pair_kiosk(&code, "kitchen", at(5)).unwrap();
    assert!(
        plan.kiosk_of_token(&token).unwrap().is_none(),
        "the old token stays dead"
    );
    assert_eq!(
        plan.kiosk_of_token(&new_token).unwrap().unwrap().device_id,
        "kitchen"
    );
}

fn neither_a_code_nor_a_token_is_kept_as_it_was_given(plan: &mut dyn AllPorts) {
    let code = plan.new_pairing_code("Jo", at(0)).unwrap().code;
    let token = plan.pair_kiosk(&code, "kitchen", at(1)).unwrap();
    assert!(token.len() >= 32, "a token no one guesses: {token}");
    // A token that is the hash kept opens nothing.
    let hash = crate::store::hex(&<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
    assert!(plan.kiosk_of_token(&hash).unwrap().is_none());
}

fn the_hubs_home_file_is_a_new_version_only_when_its_source_changed(plan: &mut dyn AllPorts) {
    use crate::store::pictures::NewPicture;
    use crate::store::ports::kiosks::HomeForKiosks;
    assert_eq!(plan.newest_home().unwrap(), None, "none given yet");
    assert_eq!(plan.given_home().unwrap(), None);
    let photo = |bytes: &'static [u8]| NewPicture {
        source_hash: "a source",
        media_type: "image/png",
        width: 2,
        height: 1,
        bytes,
    };
    let first = HomeForKiosks {
        source_hash: "one".into(),
        home_toml: "[[people]]\nname = \"Alex\"\n".into(),
        photos: vec![photo(b"alex")],
        problems: vec!["person 2: photo not used".into()],
        people: vec![crate::core::PersonRef {
            id: crate::core::PersonId::new("p-alex"),
            name: "Alex".into(),
        }],
    };
    assert_eq!(plan.publish_home(&first, at(0)).unwrap(), Some(1));
    assert_eq!(
        plan.residents().unwrap()[0].person.name,
        "Alex",
        "everyone the file names can be asked the house's questions before their first mat"
    );
    assert_eq!(
        plan.publish_home(&first, at(1)).unwrap(),
        None,
        "the same again"
    );
    let given = plan.given_home().unwrap().unwrap();
    assert_eq!(
        (given.version, given.source_hash.as_str(), given.saved_at),
        (1, "one", at(0))
    );
    assert_eq!(given.problems, ["person 2: photo not used"]);
    let newest = plan.newest_home().unwrap().unwrap();
    assert_eq!(
        (newest.version, newest.home_toml.as_str()),
        (1, first.home_toml.as_str())
    );
    let alex = crate::store::hex(&<sha2::Sha256 as sha2::Digest>::digest(b"alex"));
    assert_eq!(newest.photos, vec![alex.clone()]);
    assert_eq!(
        plan.home_photo(&alex).unwrap().as_deref(),
        Some(&b"alex"[..])
    );

    let second = HomeForKiosks {
        source_hash: "two".into(),
        home_toml: "[[people]]\nname = \"Sam\"\n".into(),
        photos: vec![photo(b"sam")],
        problems: Vec::new(),
        people: Vec::new(),
    };
    assert_eq!(plan.publish_home(&second, at(2)).unwrap(), Some(2));
    let newest = plan.newest_home().unwrap().unwrap();
    assert_eq!(newest.version, 2);
    assert!(plan.given_home().unwrap().unwrap().problems.is_empty());
    // Only the newest file's photos are given: no other picture of the plan.
    assert_eq!(plan.home_photo(&alex).unwrap(), None);
    // A file put back as it was is the newest again, as a new version.
    assert_eq!(plan.publish_home(&first, at(3)).unwrap(), Some(3));
    let newest = plan.newest_home().unwrap().unwrap();
    assert_eq!((newest.version, newest.photos), (3, vec![alex]));
}
