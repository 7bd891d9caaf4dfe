//! Rebuilding a mat from its journal: which card ended where, which were
//! skipped, which were marked "tell me more".
//!
//! The journal only ever appends: a placement taken back stays in it, with an
//! undo that names it, and a move is a later placement of the same card. This
//! is the one place that reads those actions back into the mat they produced.

use super::event::Spot;
use super::ids::CardId;
use super::record::Record;

/// One recorded action of a session, as read back from the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalAction {
    Placed {
        seq: u32,
        card_id: CardId,
        spot: Spot,
    },
    Skipped {
        seq: u32,
        card_id: CardId,
    },
    Marked {
        seq: u32,
        card_id: CardId,
    },
    Undone {
        seq: u32,
        undoes: u32,
    },
}

impl JournalAction {
    /// The card acted on, for all but an undo.
    pub fn card_id(&self) -> Option<&CardId> {
        match self {
            JournalAction::Placed { card_id, .. }
            | JournalAction::Skipped { card_id, .. }
            | JournalAction::Marked { card_id, .. } => Some(card_id),
            JournalAction::Undone { .. } => None,
        }
    }

    pub fn seq(&self) -> u32 {
        match self {
            JournalAction::Placed { seq, .. }
            | JournalAction::Skipped { seq, .. }
            | JournalAction::Marked { seq, .. }
            | JournalAction::Undone { seq, .. } => *seq,
        }
    }

    /// The action a journal record stands for, if it is one.
    pub fn from_record(record: &Record) -> Option<JournalAction> {
        Some(match record {
            Record::Placed {
                seq, card_id, spot, ..
            } => JournalAction::Placed {
                seq: *seq,
                card_id: card_id.clone(),
                spot: *spot,
            },
            Record::Skipped { seq, card_id, .. } => JournalAction::Skipped {
                seq: *seq,
                card_id: card_id.clone(),
            },
            Record::Marked { seq, card_id, .. } => JournalAction::Marked {
                seq: *seq,
                card_id: card_id.clone(),
            },
            Record::Undone { seq, undoes, .. } => JournalAction::Undone {
                seq: *seq,
                undoes: *undoes,
            },
            Record::Started { .. }
            | Record::Finished { .. }
            | Record::CheckIn { .. }
            | Record::MatKept { .. }
            | Record::Ignored { .. }
            | Record::Paused { .. }
            | Record::Resumed { .. } => return None,
        })
    }
}

/// Where a card ended up, and the placement that put it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalPlacement {
    pub card_id: CardId,
    pub spot: Spot,
    pub seq: u32,
}

impl FinalPlacement {
    pub fn point(&self) -> usize {
        self.spot.point
    }
}

/// A whole mat as the journal has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayedMat {
    /// In the order the cards were (last) put on the mat.
    pub placements: Vec<FinalPlacement>,
    /// Cards skipped and not placed afterwards, with the skip's seq.
    pub skipped: Vec<(CardId, u32)>,
    /// Cards marked "tell me more", with the mark's seq.
    pub marked: Vec<(CardId, u32)>,
}

/// The actions that still stand, in the order they were taken: sorted by
/// `seq`, without the undos and without what they took back.
pub fn standing(actions: &[JournalAction]) -> Vec<&JournalAction> {
    let undone: std::collections::HashSet<u32> = actions
        .iter()
        .filter_map(|a| match a {
            JournalAction::Undone { undoes, .. } => Some(*undoes),
            _ => None,
        })
        .collect();
    let mut standing: Vec<&JournalAction> = actions
        .iter()
        .filter(|a| !matches!(a, JournalAction::Undone { .. }) && !undone.contains(&a.seq()))
        .collect();
    standing.sort_by_key(|a| a.seq());
    standing
}

/// The mat after every action. Actions may come in any order; they are
/// applied by `seq`. A card placed again (moved) sits where it was placed
/// last; undoing that move puts it back where it was before.
pub fn replay(actions: &[JournalAction]) -> ReplayedMat {
    let mut live: Vec<FinalPlacement> = Vec::new();
    let mut skipped: Vec<(CardId, u32)> = Vec::new();
    let mut marked: Vec<(CardId, u32)> = Vec::new();
    for action in standing(actions) {
        match action {
            JournalAction::Placed { seq, card_id, spot } => {
                live.retain(|p| p.card_id != *card_id);
                live.push(FinalPlacement {
                    card_id: card_id.clone(),
                    spot: *spot,
                    seq: *seq,
                });
            }
            JournalAction::Skipped { seq, card_id } => skipped.push((card_id.clone(), *seq)),
            JournalAction::Marked { seq, card_id } => {
                if !marked.iter().any(|(c, _)| c == card_id) {
                    marked.push((card_id.clone(), *seq));
                }
            }
            JournalAction::Undone { .. } => {}
        }
    }
    skipped.retain(|(card, _)| !live.iter().any(|p| p.card_id == *card));
    ReplayedMat {
        placements: live,
        skipped,
        marked,
    }
}

/// The cards on the mat after every action, in the order they were placed.
pub fn final_mat(actions: &[JournalAction]) -> Vec<FinalPlacement> {
    replay(actions).placements
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(seq: u32, card: &str, point: usize) -> JournalAction {
        JournalAction::Placed {
            seq,
            card_id: card.into(),
            spot: Spot::on(point),
        }
    }

    fn undone(seq: u32, undoes: u32) -> JournalAction {
        JournalAction::Undone { seq, undoes }
    }

    fn mat(actions: &[JournalAction]) -> Vec<(String, usize)> {
        final_mat(actions)
            .into_iter()
            .map(|p| (p.card_id.to_string(), p.point()))
            .collect()
    }

    #[test]
    fn placements_stand_in_order() {
        assert_eq!(
            mat(&[placed(1, "tea", 0), placed(2, "cake", 2)]),
            vec![("tea".into(), 0), ("cake".into(), 2)]
        );
    }

    #[test]
    fn an_undone_placement_is_gone() {
        assert_eq!(
            mat(&[
                placed(1, "tea", 0),
                placed(2, "cake", 2),
                undone(3, 2),
                placed(4, "cake", 1)
            ]),
            vec![("tea".into(), 0), ("cake".into(), 1)]
        );
    }

    #[test]
    fn undoing_a_move_puts_the_card_back() {
        assert_eq!(
            mat(&[placed(1, "tea", 0), placed(2, "tea", 2), undone(3, 2)]),
            vec![("tea".into(), 0)]
        );
    }

    #[test]
    fn order_of_rows_does_not_matter() {
        assert_eq!(
            mat(&[undone(3, 2), placed(2, "cake", 2), placed(1, "tea", 0)]),
            vec![("tea".into(), 0)]
        );
    }

    #[test]
    fn a_skipped_card_placed_later_is_not_skipped_and_marks_can_be_undone() {
        let actions = [
            JournalAction::Skipped {
                seq: 1,
                card_id: "tea".into(),
            },
            JournalAction::Skipped {
                seq: 2,
                card_id: "cake".into(),
            },
            JournalAction::Marked {
                seq: 3,
                card_id: "pizza".into(),
            },
            JournalAction::Marked {
                seq: 4,
                card_id: "chips".into(),
            },
            undone(5, 4),
            placed(6, "pizza", 1),
            placed(7, "tea", 0),
        ];
        let mat = replay(&actions);
        assert_eq!(mat.skipped, vec![(CardId::from("cake"), 2)]);
        assert_eq!(mat.marked, vec![(CardId::from("pizza"), 3)]);
        assert_eq!(mat.placements.len(), 2);
    }
}
