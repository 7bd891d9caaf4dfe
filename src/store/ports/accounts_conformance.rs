//! What every plan must do for accounts, checked through [`AccountsPlan`].
//! Each check starts from a fresh, empty plan (Sam, a person, given through
//! [`DevicePlan`] where a family account needs one).

use super::device_conformance::{at, run_check, sam, tea_mat};
use super::staff_conformance::MakePlan;
use super::{AllPorts, DevicePlan};
use crate::store::accounts::{AccountChange, AccountError, KioskPin, Role};
use crate::store::plan::Faults;

type Check = (&'static str, fn(&mut dyn AllPorts));

const PASSPHRASE: &str = "correct horse battery";

/// Runs every check; panics naming the first that fails.
pub fn check_accounts_port(make: &mut MakePlan) {
    let checks: [Check; 6] = [
        (
            "an account is made once, by a name, for a person there is",
            an_account_is_made_once_by_a_name_for_a_person_there_is,
        ),
        (
            "a set-up code is used once, with a passphrase long enough",
            a_set_up_code_is_used_once_with_a_passphrase_long_enough,
        ),
        (
            "a session lasts until it is ended",
            a_session_lasts_until_it_is_ended,
        ),
        (
            "a PIN is a staff member's, and only digits",
            a_pin_is_a_staff_members_and_only_digits,
        ),
        (
            "an account turned off or reset is signed out, never by its own hand",
            an_account_turned_off_or_reset_is_signed_out_never_by_its_own_hand,
        ),
        (
            "a staff account can be made a home manager and stop being one, a family one never",
            a_staff_account_can_be_made_a_home_manager,
        ),
    ];
    for (name, check) in checks {
        let mut plan = make();
        run_check("accounts port", name, || check(&mut *plan));
    }
}

/// Jo, a staff member who has set up her passphrase.
fn jo(plan: &mut dyn AllPorts) -> crate::store::accounts::Account {
    let code = plan
        .add_account("Jo", Role::Staff, None, "admin", at(0))
        .unwrap();
    plan.redeem_setup_code(&code, PASSPHRASE, at(1)).unwrap()
}

fn an_account_is_made_once_by_a_name_for_a_person_there_is(plan: &mut dyn AllPorts) {
    jo(plan);
    let again = plan.add_account("Jo", Role::Staff, None, "admin", at(2));
    assert!(
        matches!(again, Err(AccountError::NameTaken(_))),
        "{again:?}"
    );
    let nameless = plan.add_account("  ", Role::Staff, None, "admin", at(2));
    assert!(
        matches!(nameless, Err(AccountError::BadName)),
        "{nameless:?}"
    );
    let sam = sam().id;
    let nobody = plan.add_account("Mum", Role::Family, Some(&sam), "Jo", at(3));
    assert!(
        matches!(nobody, Err(AccountError::NoSuchPerson(_))),
        "{nobody:?}"
    );
    DevicePlan::execute(plan, &tea_mat("s1", "d1"), &mut Faults::default()).unwrap();
    plan.add_account("Mum", Role::Family, Some(&sam), "Jo", at(4))
        .unwrap();
    let names: Vec<String> = plan
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Mum".to_string()), "{names:?}");
}

fn a_set_up_code_is_used_once_with_a_passphrase_long_enough(plan: &mut dyn AllPorts) {
    let code = plan
        .add_account("Jo", Role::Staff, None, "admin", at(0))
        .unwrap();
    let check = plan.sign_in_check("Jo").unwrap();
    assert!(check.account.is_none(), "not set up yet");
    let short = plan.redeem_setup_code(&code, "short", at(1));
    assert!(
        matches!(short, Err(AccountError::ShortPassphrase)),
        "{short:?}"
    );
    let jo = plan.redeem_setup_code(&code, PASSPHRASE, at(2)).unwrap();
    assert_eq!(jo.name, "Jo");
    let again = plan.redeem_setup_code(&code, "another long passphrase", at(3));
    assert!(
        matches!(again, Err(AccountError::BadSetupCode)),
        "{again:?}"
    );
    let check = plan.sign_in_check("Jo").unwrap();
    assert_eq!(check.account.map(|a| a.id), Some(jo.id));
    for name in ["Jo", "Nobody"] {
        let hash = plan.sign_in_check(name).unwrap().hash;
        assert!(hash.starts_with("$argon2id$"), "{name}: {hash}");
    }
}

fn a_session_lasts_until_it_is_ended(plan: &mut dyn AllPorts) {
    let jo = jo(plan);
    let (token, csrf) = plan.start_web_session(&jo, at(2)).unwrap();
    let session = plan.web_session(&token, at(3)).unwrap().unwrap();
    assert_eq!((session.account.id, session.csrf_token), (jo.id, csrf));
    assert!(plan.web_session("not-a-token", at(3)).unwrap().is_none());
    plan.end_web_session(&token).unwrap();
    assert!(plan.web_session(&token, at(4)).unwrap().is_none());
}

fn a_pin_is_a_staff_members_and_only_digits(plan: &mut dyn AllPorts) {
    assert_eq!(plan.kiosk_pin("4821").unwrap(), KioskPin::NoneSet);
    let jo = jo(plan);
    assert!(!plan.has_pin(jo.id).unwrap());
    let letters = plan.set_pin(jo.id, "12ab", at(2));
    assert!(matches!(letters, Err(AccountError::BadPin)), "{letters:?}");
    plan.set_pin(jo.id, "4821", at(3)).unwrap();
    assert!(plan.has_pin(jo.id).unwrap());
    assert_eq!(plan.kiosk_pin("4821").unwrap(), KioskPin::Of("Jo".into()));
    assert_eq!(plan.kiosk_pin("1234").unwrap(), KioskPin::Wrong);
}

fn an_account_turned_off_or_reset_is_signed_out_never_by_its_own_hand(plan: &mut dyn AllPorts) {
    let jo = jo(plan);
    let (token, _) = plan.start_web_session(&jo, at(2)).unwrap();
    let own = plan.change_account("Jo", AccountChange::Disable, "Jo", at(3));
    assert!(matches!(own, Err(AccountError::OwnAccount)), "{own:?}");
    plan.change_account("Jo", AccountChange::Disable, "Priya", at(4))
        .unwrap();
    assert!(plan.web_session(&token, at(5)).unwrap().is_none());
    plan.change_account("Jo", AccountChange::Enable, "Priya", at(6))
        .unwrap();
    let (token, _) = plan.start_web_session(&jo, at(7)).unwrap();
    let code = plan.reset_passphrase("Jo", "Priya", at(8)).unwrap();
    assert!(plan.web_session(&token, at(9)).unwrap().is_none());
    plan.redeem_setup_code(&code, "a new long passphrase", at(10))
        .unwrap();
    let summaries = plan.account_summaries(at(11)).unwrap();
    assert_eq!(summaries.len(), 1);
    assert!(summaries[0].set_up);
    let missing = plan.change_account("Nobody", AccountChange::Remove, "Priya", at(12));
    assert!(
        matches!(missing, Err(AccountError::NoSuchAccount(_))),
        "{missing:?}"
    );
}

fn a_staff_account_can_be_made_a_home_manager(plan: &mut dyn AllPorts) {
    let jo = jo(plan);
    assert!(!jo.manages(), "nobody manages the home until made to");
    let (token, _) = plan.start_web_session(&jo, at(1)).unwrap();
    plan.change_account("Jo", AccountChange::MakeManager, "Priya", at(2))
        .unwrap();
    let signed_in = plan.web_session(&token, at(3)).unwrap();
    let jo_now = signed_in.expect("still signed in").account;
    assert!(jo_now.manages(), "at once, in the session she has");
    plan.change_account("Jo", AccountChange::EndManager, "Priya", at(4))
        .unwrap();
    assert!(!plan.accounts().unwrap()[0].manages());

    plan.execute(&tea_mat("s1", "d1"), &mut Faults::default())
        .unwrap();
    plan.add_account("Mum", Role::Family, Some(&sam().id), "Jo", at(5))
        .unwrap();
    assert!(matches!(
        plan.change_account("Mum", AccountChange::MakeManager, "Jo", at(6)),
        Err(AccountError::FamilyCannotManage)
    ));
}
