//! The support plan as a FHIR R4 Bundle (type `collection`), for care-record
//! systems: per person a `Patient`; an `Observation` per current view (LOINC
//! 95541-9, care experience preference), `final` once staff confirmed it and
//! `preliminary` before (or when disputed); a `QuestionnaireResponse` per
//! mat, the person its source; a `Provenance` for each verdict staff gave on
//! a view. Ids are UUIDs (the plan's own where it has them, else made from
//! the plan's keys, so the same plan always gives the same bundle).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::core::{MatOutcome, PersonRef, Standing};
use crate::store::ports::staff::{CardView, MatCard, MatRow, StaffPlan, TopicViews};
use crate::store::StoreError;

/// The namespace of the ids made here.
const SAYSO_NAMESPACE: Uuid = Uuid::from_u128(0x5a75_0000_0000_4000_8000_0000_0000_0001);
/// How many of a person's mats a bundle carries, newest first.
pub const MATS_IN_BUNDLE: usize = 1000;

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn made_id(parts: &[&str]) -> String {
    Uuid::new_v5(&SAYSO_NAMESPACE, parts.join("\u{1f}").as_bytes()).to_string()
}

/// The plan's own id where it is a UUID (people and mats are), else one made
/// from it.
fn uuid_of(kind: &str, id: &str) -> String {
    Uuid::parse_str(id).map_or_else(|_| made_id(&[kind, id]), |uuid| uuid.to_string())
}

fn urn(id: &str) -> String {
    format!("urn:uuid:{id}")
}

fn entry(id: &str, resource: Value) -> Value {
    json!({ "fullUrl": urn(id), "resource": resource })
}

fn observation(
    patient: &str,
    person: &PersonRef,
    topic: &TopicViews,
    card: &CardView,
) -> (String, Value) {
    let id = made_id(&[
        "observation",
        person.id.as_str(),
        &topic.topic_id,
        &card.card_id,
    ]);
    let status = match card.standing {
        Standing::Confirmed => "final",
        Standing::Unconfirmed | Standing::Disputed => "preliminary",
    };
    let mut note = format!(
        "Said {} time(s) out of {} since {}.",
        card.times_said,
        card.times_asked,
        card.since.format("%-d %b %Y")
    );
    if let Some(before) = &card.changed_from {
        note.push_str(&format!(" Changed: was \"{before}\" before."));
    }
    if card.standing == Standing::Disputed {
        note.push_str(" Disputed by staff.");
    }
    let resource = json!({
        "resourceType": "Observation",
        "id": id,
        "status": status,
        "category": [{
            "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
                "display": "Survey"
            }]
        }],
        "code": {
            "coding": [{
                "system": "http://loinc.org",
                "code": "95541-9",
                "display": "Care experience preference"
            }],
            "text": format!("{}: {}", topic.title, card.label)
        },
        "subject": { "reference": urn(patient), "display": person.name },
        "effectivePeriod": { "start": instant(card.since), "end": instant(card.last_at) },
        "valueString": card.view,
        "note": [{ "text": note }],
        "component": [
            { "code": { "text": "topic" }, "valueString": topic.title },
            { "code": { "text": "card" }, "valueString": card.label },
            { "code": { "text": "times said" }, "valueInteger": card.times_said },
            { "code": { "text": "times asked" }, "valueInteger": card.times_asked }
        ]
    });
    (id, resource)
}

fn questionnaire_response(
    patient: &str,
    person: &PersonRef,
    mat: &MatRow,
    cards: &[MatCard],
) -> Value {
    let items: Vec<Value> = cards
        .iter()
        .map(|(card_id, label, view)| match view {
            Some(view) => json!({
                "linkId": card_id,
                "text": label,
                "answer": [{ "valueString": view }]
            }),
            // Skipped: asked, not answered.
            None => json!({ "linkId": card_id, "text": label }),
        })
        .collect();
    let mut resource = json!({
        "resourceType": "QuestionnaireResponse",
        "id": uuid_of("mat", &mat.session_id),
        "status": "completed",
        "subject": { "reference": urn(patient), "display": person.name },
        "authored": instant(mat.finished_at),
        "source": { "reference": urn(patient) },
        "item": [{
            "linkId": "topic",
            "text": mat.topic_title,
            "item": items
        }]
    });
    if cards.is_empty() {
        resource["item"][0]
            .as_object_mut()
            .expect("an object")
            .remove("item");
    }
    resource
}

fn provenances(observation_id: &str, card: &CardView) -> Vec<(String, Value)> {
    card.notes
        .iter()
        .filter(|note| note.kind == "confirmed" || note.kind == "disputed")
        .map(|note| {
            let id = made_id(&[
                "provenance",
                observation_id,
                &note.kind,
                &instant(note.at),
                &note.by_whom,
            ]);
            let mut resource = json!({
                "resourceType": "Provenance",
                "id": id,
                "target": [{ "reference": urn(observation_id) }],
                "recorded": instant(note.at),
                "activity": { "text": note.kind },
                "agent": [{ "who": { "display": note.by_whom } }]
            });
            if !note.body.is_empty() {
                resource["reason"] = json!([{ "text": note.body }]);
            }
            (id, resource)
        })
        .collect()
}

/// The bundle of `people` (all of the plan's when empty), made at `now`.
pub fn bundle(
    plan: &dyn StaffPlan,
    people: &[PersonRef],
    now: DateTime<Utc>,
) -> Result<Value, StoreError> {
    let mut entries = Vec::new();
    for person in people {
        let patient = uuid_of("person", person.id.as_str());
        entries.push(entry(
            &patient,
            json!({
                "resourceType": "Patient",
                "id": patient,
                "identifier": [{ "system": "urn:sayso:person", "value": person.id.as_str() }],
                "name": [{ "text": person.name }]
            }),
        ));
        for topic in plan.views(&person.id)? {
            for card in &topic.cards {
                let (id, resource) = observation(&patient, person, &topic, card);
                entries.push(entry(&id, resource));
                for (provenance_id, provenance) in provenances(&id, card) {
                    entries.push(entry(&provenance_id, provenance));
                }
            }
        }
        // A mat left part-way is not an answer yet.
        let mats = plan.mats(&person.id, MATS_IN_BUNDLE)?;
        for mat in mats.iter().filter(|m| m.outcome != MatOutcome::Partial) {
            let cards = plan.mat_cards(&mat.session_id)?;
            entries.push(entry(
                &uuid_of("mat", &mat.session_id),
                questionnaire_response(&patient, person, mat, &cards),
            ));
        }
    }
    Ok(json!({
        "resourceType": "Bundle",
        "id": made_id(&["bundle", &instant(now)]),
        "type": "collection",
        "timestamp": instant(now),
        "entry": entries
    }))
}
