//! `sayso staff …` and `sayso family …`: the web app's accounts.

use std::path::Path;

use sayso::clock::Clock;
use sayso::core::find_person;
use sayso::store::accounts::{AccountChange, Role};
use sayso::store::ports::{AccountsPlan, StaffPlan};
use sayso::store::Plan;

/// `sayso staff add NAME`.
pub fn add_staff(
    plan_path: &Path,
    data_dir: &Path,
    name: &str,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan_path)?;
    let code = plan.add_account(name, Role::Staff, None, "sayso staff add", clock.now().wall)?;
    println!(
        "Account {} made. To set a passphrase, within 7 days:",
        name.trim()
    );
    print_code_and_link(data_dir, &code);
    Ok(())
}

/// `sayso family invite PERSON --name NAME`.
pub fn invite_family(
    plan_path: &Path,
    data_dir: &Path,
    person: &str,
    family_member: &str,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan_path)?;
    let people = plan.people()?;
    let person = find_person(&people, person)?;
    let code = plan.add_account(
        family_member,
        Role::Family,
        Some(&person.id),
        "sayso family invite",
        clock.now().wall,
    )?;
    let link = match web_address(data_dir) {
        sayso::web::Reach::Network { url } | sayso::web::Reach::ThisMachineOnly { url } => {
            format!("{url}/setup?code={code}")
        }
    };
    println!(
        "{} can now make {}'s picture sets. Within 7 days, they open this link \
         (or scan the code) and choose a passphrase:",
        family_member.trim(),
        person.name
    );
    print_setup_link(data_dir, &code);
    println!("  set-up code: {code}");
    println!("{}", sayso::web::invite::qr_for_terminal(&link));
    Ok(())
}

/// `sayso staff list`.
pub fn list(plan_path: &Path, clock: &dyn Clock) -> anyhow::Result<()> {
    let plan = Plan::open(plan_path)?;
    for summary in plan.account_summaries(clock.now().wall)? {
        let state = if summary.disabled_at.is_some() {
            ", turned off"
        } else if !summary.set_up {
            ", waiting for its code"
        } else {
            ""
        };
        let role = if summary.account.manages() {
            "staff, home manager"
        } else {
            summary.account.role.as_str()
        };
        println!("{} ({role}{state})", summary.account.name);
    }
    Ok(())
}

/// `sayso staff disable|enable|remove|sign-out`, `sayso family remove`.
pub fn change(
    plan_path: &Path,
    name: &str,
    change: AccountChange,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan_path)?;
    plan.change_account(name, change, "sayso (command line)", clock.now().wall)?;
    let done = match change {
        AccountChange::Disable => "turned off and signed out",
        AccountChange::Enable => "turned on again",
        AccountChange::Remove => "removed and signed out",
        AccountChange::EndSessions => "signed out of every browser",
        AccountChange::MakeManager => "a home manager now (makes the house's questions)",
        AccountChange::EndManager => "no longer a home manager",
    };
    println!("{}: {done}.", name.trim());
    Ok(())
}

/// `sayso staff reset NAME`, `sayso family reset NAME`.
pub fn reset(
    plan_path: &Path,
    data_dir: &Path,
    name: &str,
    clock: &dyn Clock,
) -> anyhow::Result<()> {
    let mut plan = Plan::open(plan_path)?;
    let code = plan.reset_passphrase(name, "sayso (command line)", clock.now().wall)?;
    println!(
        "{}'s passphrase no longer works and every browser is signed out. \
         To choose a new one, within 7 days:",
        name.trim()
    );
    print_code_and_link(data_dir, &code);
    Ok(())
}

/// Where the web app of this data directory is reached (its `web.toml`),
/// as links are given to people.
fn web_address(data_dir: &Path) -> sayso::web::Reach {
    let settings =
        sayso::web::settings::WebSettings::load(&data_dir.join(sayso::web::settings::WEB_FILE))
            .unwrap_or_default();
    let listen = settings.listen();
    let scheme = if listen.uses_https() { "https" } else { "http" };
    let serving = sayso::web::Serving {
        url: format!("{scheme}://{}", listen.address),
        fingerprint: None,
        key_fingerprint: None,
    };
    sayso::web::Reach::of(&serving, listen.address)
}

/// A one-time set-up code, and the link that carries it.
fn print_code_and_link(data_dir: &Path, code: &str) {
    println!("  set-up code: {code}");
    println!("  or open:");
    print_setup_link(data_dir, code);
}

/// A set-up link for `code`, and on a web app that answers on this machine
/// only, what to run so that a phone can open it.
fn print_setup_link(data_dir: &Path, code: &str) {
    match web_address(data_dir) {
        sayso::web::Reach::Network { url } => println!("  {url}/setup?code={code}"),
        sayso::web::Reach::ThisMachineOnly { url } => {
            println!("  {url}/setup?code={code}");
            println!(
                "  (the web app answers on this machine only: a phone cannot open this link \
                 until it serves the home's network: {})",
                sayso::web::SERVE_THE_HOME
            );
        }
    }
}
