//! What a hub takes from a kiosk's writes: each as sent, but the kiosk is
//! who its token says, whatever the writes name, and the time a mat reached
//! the plan is the hub's.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::store::ops::PlanOp;

/// Why a hub refused a batch of writes; nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("evidence for mat {0}, which is not in the same batch")]
    EvidenceWithoutMat(String),
}

/// `ops` from the kiosk `device`, received at `now`, as the hub writes them.
pub fn as_received(
    mut ops: Vec<PlanOp>,
    device: &str,
    now: DateTime<Utc>,
) -> Result<Vec<PlanOp>, Refused> {
    let mats: HashSet<String> = ops
        .iter()
        .filter_map(|op| match op {
            PlanOp::AddSession(mat) => Some(mat.session_id.to_string()),
            _ => None,
        })
        .collect();
    for op in &mut ops {
        match op {
            PlanOp::AddSession(mat) => {
                mat.device_id = device.to_string();
                mat.synced_at = now;
            }
            PlanOp::AddEvidence(evidence) => {
                if !mats.contains(evidence.session_id.as_str()) {
                    return Err(Refused::EvidenceWithoutMat(evidence.session_id.to_string()));
                }
            }
            PlanOp::SetMatPicture { device_id, .. } => *device_id = device.to_string(),
            PlanOp::AddClockMark {
                device_id,
                received_at,
                ..
            } => {
                *device_id = device.to_string();
                *received_at = now;
            }
            PlanOp::Audit { at, actor, .. } => {
                *at = now;
                *actor = format!("device:{device}");
            }
            PlanOp::AddPerson { .. } | PlanOp::RefreshPreference { .. } | PlanOp::AddCheckIn(_) => {
            }
        }
    }
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::core::{Company, MatOutcome};
    use crate::store::ops::SessionRow;

    fn mat(device: &str) -> PlanOp {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        PlanOp::AddSession(SessionRow {
            session_id: "s1".into(),
            device_id: device.into(),
            person_id: "p-sam".into(),
            set_id: "demo".into(),
            topic_id: "food".into(),
            topic_title: "Food".into(),
            started_at: at,
            finished_at: at,
            synced_at: at,
            outcome: MatOutcome::Finished,
            mat_picture: None,
            company: Company::default(),
            practice: false,
        })
    }

    #[test]
    fn a_kiosk_writes_as_itself_at_the_hubs_time() {
        let now = Utc.with_ymd_and_hms(2026, 3, 3, 8, 0, 0).unwrap();
        let sent = vec![
            mat("the-office-pc"),
            PlanOp::SetMatPicture {
                device_id: "another".into(),
                session_id: "s1".into(),
                picture: "mats/s1.png".into(),
            },
            PlanOp::Audit {
                at: now - chrono::Duration::days(30),
                actor: "staff:Jo".into(),
                action: "mats synced".into(),
                detail: String::new(),
            },
        ];
        let taken = as_received(sent, "lounge", now).unwrap();
        let PlanOp::AddSession(mat) = &taken[0] else {
            panic!("a mat")
        };
        assert_eq!((mat.device_id.as_str(), mat.synced_at), ("lounge", now));
        assert!(
            matches!(&taken[1], PlanOp::SetMatPicture { device_id, .. } if device_id == "lounge")
        );
        assert!(
            matches!(&taken[2], PlanOp::Audit { actor, at, .. } if actor == "device:lounge" && *at == now)
        );
    }
}
