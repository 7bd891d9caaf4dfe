//! What the flow keeps across a restart: each person's unfinished mat and the check-in windows settled, as the journal tells them.

use super::*;

/// The flow's state that matters beyond a restart, as the journal can tell
/// it: each person's most recent mat while it is unfinished (with what is on
/// it), and the check-in windows already settled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowMemory {
    pub unfinished: BTreeMap<PersonId, UnfinishedMat>,
    /// (person, window key).
    pub settled_check_ins: HashSet<(PersonId, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfinishedMat {
    pub session_id: SessionId,
    pub topic_id: TopicId,
    pub mat: ReplayedMat,
}

impl UnfinishedMat {
    pub(super) fn of(session: &MatSession) -> UnfinishedMat {
        UnfinishedMat {
            session_id: session.id().clone(),
            topic_id: session.topic().id.clone(),
            mat: session.as_replayed(),
        }
    }
}

impl Restored {
    /// What a journal of these records (in the order written) remembers.
    pub fn from_records(records: &[Record]) -> Restored {
        let mut latest: BTreeMap<PersonId, (SessionId, TopicId, Company)> = BTreeMap::new();
        let mut finished: HashSet<&SessionId> = HashSet::new();
        let mut actions: HashMap<&SessionId, Vec<JournalAction>> = HashMap::new();
        let mut settled = HashSet::new();
        for record in records {
            match record {
                Record::Started {
                    session_id,
                    person_id,
                    topic_id,
                    company,
                    ..
                } => {
                    latest.insert(
                        person_id.clone(),
                        (session_id.clone(), topic_id.clone(), company.clone()),
                    );
                }
                Record::Finished { session_id, .. } => {
                    finished.insert(session_id);
                }
                Record::CheckIn { person_id, key, .. } => {
                    settled.insert((person_id.clone(), key.clone()));
                }
                other => {
                    if let (Some(action), Some(session)) =
                        (JournalAction::from_record(other), record_session(other))
                    {
                        actions.entry(session).or_default().push(action);
                    }
                }
            }
        }
        let left_mats = latest
            .into_iter()
            .filter(|(_, (session, _, _))| !finished.contains(session))
            .map(|(person_id, (session_id, topic_id, company))| LeftMat {
                actions: actions.remove(&session_id).unwrap_or_default(),
                session_id,
                person_id,
                topic_id,
                company,
            })
            .collect();
        Restored {
            left_mats,
            settled_check_ins: settled,
            // What is told back comes down from the plan, not from the person's records.
            told_back: Vec::new(),
        }
    }
}

impl FlowMemory {
    /// Rebuilds the memory from journal records, in the order written.
    pub fn from_records(records: &[Record]) -> FlowMemory {
        let restored = Restored::from_records(records);
        let unfinished = restored
            .left_mats
            .into_iter()
            .map(|left| {
                let mat = replay(&left.actions);
                (
                    left.person_id,
                    UnfinishedMat {
                        session_id: left.session_id,
                        topic_id: left.topic_id,
                        mat,
                    },
                )
            })
            .collect();
        FlowMemory {
            unfinished,
            settled_check_ins: restored.settled_check_ins,
        }
    }
}

pub(super) fn record_session(record: &Record) -> Option<&SessionId> {
    match record {
        Record::Placed { session_id, .. }
        | Record::Skipped { session_id, .. }
        | Record::Marked { session_id, .. }
        | Record::Undone { session_id, .. } => Some(session_id),
        _ => None,
    }
}
