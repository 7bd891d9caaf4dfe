//! Rebuilding a mat from its journal: which card ended where.
//!
//! The journal only ever appends: a placement taken back stays in it, with an
//! undo that names it. This is the one place that reads those actions back
//! into the mat they produced.

/// One recorded action of a session, as read back from the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalAction {
    Placed {
        seq: u32,
        card_id: String,
        point: usize,
    },
    Undone {
        seq: u32,
        undoes: u32,
    },
}

impl JournalAction {
    pub fn seq(&self) -> u32 {
        match self {
            JournalAction::Placed { seq, .. } | JournalAction::Undone { seq, .. } => *seq,
        }
    }
}

/// Where a card ended up, and the placement that put it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalPlacement {
    pub card_id: String,
    pub point: usize,
    pub seq: u32,
}

/// The cards on the mat after every action, in the order they were placed.
/// Actions may come in any order; they are applied by `seq`. A card placed
/// again (moved) sits where it was placed last; undoing that move puts it back
/// where it was before.
pub fn final_mat(actions: &[JournalAction]) -> Vec<FinalPlacement> {
    let mut ordered: Vec<&JournalAction> = actions.iter().collect();
    ordered.sort_by_key(|a| a.seq());

    let mut live: Vec<FinalPlacement> = Vec::new();
    for action in ordered {
        match action {
            JournalAction::Placed {
                seq,
                card_id,
                point,
            } => live.push(FinalPlacement {
                card_id: card_id.clone(),
                point: *point,
                seq: *seq,
            }),
            JournalAction::Undone { undoes, .. } => live.retain(|p| p.seq != *undoes),
        }
    }

    // Only the latest live placement of each card counts.
    let mut result: Vec<FinalPlacement> = Vec::new();
    for placement in live.into_iter().rev() {
        if !result.iter().any(|p| p.card_id == placement.card_id) {
            result.push(placement);
        }
    }
    result.reverse();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(seq: u32, card: &str, point: usize) -> JournalAction {
        JournalAction::Placed {
            seq,
            card_id: card.into(),
            point,
        }
    }

    fn undone(seq: u32, undoes: u32) -> JournalAction {
        JournalAction::Undone { seq, undoes }
    }

    fn mat(actions: &[JournalAction]) -> Vec<(String, usize)> {
        final_mat(actions)
            .into_iter()
            .map(|p| (p.card_id, p.point))
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
}
