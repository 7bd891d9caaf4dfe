//! The FHIR R4 export of a fixed plan: checked for what the R4 spec requires
//! of each resource and of references inside a Bundle, and kept as a
//! snapshot (`tests/snapshots/fhir-bundle.json`; `UPDATE_SNAPSHOTS=1` to
//! write it again after a deliberate change).

use std::collections::HashSet;
use std::path::Path;

use chrono::Duration;
use serde_json::Value;

use super::fixture::{self, ALEX};
use sayso::core::Verdict;
use sayso::store::ports::staff::{Judgement, StaffPlan};
use sayso::store::Plan;

fn fixed_plan(dir: &Path) -> std::path::PathBuf {
    let plan_path = fixture::plan_after_a_fortnight(dir);
    let mut plan = Plan::open(&plan_path).unwrap();
    for (card, verdict, body, minutes) in [
        ("pizza", Some(Verdict::Confirmed), "", 1),
        (
            "tea",
            Some(Verdict::Disputed),
            "the tea was cold that week",
            2,
        ),
        ("tea", None, "ask again in winter", 3),
    ] {
        plan.judge(
            &Judgement {
                person: ALEX.into(),
                topic: "food".into(),
                card: card.into(),
                verdict,
                body: body.into(),
            },
            "Jo",
            fixture::now() + Duration::minutes(minutes),
        )
        .unwrap();
    }
    plan_path
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

#[test]
fn the_bundle_holds_what_r4_requires_and_every_reference_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let plan = Plan::open(&fixed_plan(dir.path())).unwrap();
    let people = StaffPlan::people(&plan).unwrap();
    let bundle = sayso::report::fhir::bundle(&plan, &people, fixture::now()).unwrap();

    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    let mut urls = HashSet::new();
    for entry in entries {
        let url = entry["fullUrl"].as_str().unwrap();
        let id = url.strip_prefix("urn:uuid:").expect("urn:uuid: full URLs");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{url}");
        assert_eq!(entry["resource"]["id"], id, "the id is the full URL's");
        assert!(urls.insert(url.to_string()), "bdl-7: {url} once");
    }
    // Every reference inside the bundle resolves to one of its entries.
    fn references(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("reference") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| references(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    references(&bundle, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        assert!(urls.contains(&reference), "{reference} resolves");
    }

    assert_eq!(resources(&bundle, "Patient").len(), 2, "Alex and Sam");
    let observations = resources(&bundle, "Observation");
    assert_eq!(observations.len(), 4 + 1, "Alex's four views, Sam's one");
    for observation in &observations {
        assert_eq!(
            observation["code"]["coding"][0]["system"],
            "http://loinc.org"
        );
        assert_eq!(observation["code"]["coding"][0]["code"], "95541-9");
        assert!(["final", "preliminary"].contains(&observation["status"].as_str().unwrap()));
        assert!(observation["valueString"].is_string());
    }
    let pizza = observations
        .iter()
        .find(|o| o["code"]["text"] == "Food: pizza")
        .unwrap();
    assert_eq!(pizza["status"], "final", "confirmed");
    let tea = observations
        .iter()
        .find(|o| o["code"]["text"] == "Food: tea")
        .unwrap();
    assert_eq!(tea["status"], "preliminary", "disputed");
    assert_eq!(tea["valueString"], "don't like");

    let responses = resources(&bundle, "QuestionnaireResponse");
    assert_eq!(responses.len(), 5, "one per mat");
    for response in &responses {
        assert_eq!(response["status"], "completed");
        assert!(response["authored"].as_str().unwrap().ends_with('Z'));
    }
    let provenances = resources(&bundle, "Provenance");
    assert_eq!(
        provenances.len(),
        2,
        "a confirmation and a dispute; a note is not a verdict"
    );
    for provenance in &provenances {
        assert_eq!(provenance["target"].as_array().unwrap().len(), 1);
        assert!(provenance["recorded"].as_str().unwrap().ends_with('Z'));
        assert_eq!(provenance["agent"][0]["who"]["display"], "Jo");
    }

    let snapshot_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/fhir-bundle.json");
    let text = serde_json::to_string_pretty(&bundle).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot_path, &text).unwrap();
    }
    let snapshot =
        std::fs::read_to_string(&snapshot_path).expect("tests/snapshots/fhir-bundle.json");
    assert_eq!(
        text, snapshot,
        "the bundle changed: check it, then UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn sayso_fhir_prints_one_persons_bundle_and_refuses_an_unknown_name() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixed_plan(dir.path());
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sayso"))
            .args(["--plan", plan.to_str().unwrap(), "fhir"])
            .args(args)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let alex = run(&["--person", "alex"]);
    assert!(
        alex.status.success(),
        "{}",
        String::from_utf8_lossy(&alex.stderr)
    );
    let bundle: Value = serde_json::from_slice(&alex.stdout).unwrap();
    assert_eq!(resources(&bundle, "Patient").len(), 1);
    assert_eq!(resources(&bundle, "Patient")[0]["name"][0]["text"], "Alex");
    let nobody = run(&["--person", "Nobody"]);
    assert!(!nobody.status.success());
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("nobody called Nobody"));
}
