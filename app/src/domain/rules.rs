//! The status rules of holds and inspections, in one place. Every screen, endpoint, the seed
//! and the simulator move an entity only through `next`, so no path can put a hold or an
//! inspection into a state the trade does not allow.

use super::vocab::{HoldStatus, InspectionStatus};
use serde::{Deserialize, Serialize};

/// What can be done to a hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldAction {
    BeginExamination,
    RequestSeizure,
    ApproveSeizure,
    Release,
    ReferToAgency,
    ReturnToOrigin,
}

/// What can be done to an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionAction {
    /// An officer takes the item for themself, or a supervisor gives it to someone.
    Assign,
    /// Back to the queue, nobody holding it.
    Unassign,
    Start,
    Complete,
    Cancel,
}

/// A refused transition, worded for the person who tried it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("a hold that is {from} cannot be {attempted}")]
pub struct HoldTransitionError {
    pub from: String,
    pub attempted: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("an inspection that is {from} cannot be {attempted}")]
pub struct InspectionTransitionError {
    pub from: String,
    pub attempted: String,
}

impl HoldAction {
    pub fn past_participle(self) -> &'static str {
        match self {
            HoldAction::BeginExamination => "examined",
            HoldAction::RequestSeizure => "put forward for seizure",
            HoldAction::ApproveSeizure => "seized",
            HoldAction::Release => "released",
            HoldAction::ReferToAgency => "referred to another agency",
            HoldAction::ReturnToOrigin => "returned to origin",
        }
    }
}

impl InspectionAction {
    pub fn past_participle(self) -> &'static str {
        match self {
            InspectionAction::Assign => "assigned",
            InspectionAction::Unassign => "returned to the queue",
            InspectionAction::Start => "started",
            InspectionAction::Complete => "completed",
            InspectionAction::Cancel => "cancelled",
        }
    }
}

impl HoldStatus {
    /// Active holds keep goods from moving and count towards dwell.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            HoldStatus::Placed | HoldStatus::Examination | HoldStatus::SeizureRequested
        )
    }

    pub const ACTIVE: [HoldStatus; 3] = [
        HoldStatus::Placed,
        HoldStatus::Examination,
        HoldStatus::SeizureRequested,
    ];

    pub fn next(self, action: HoldAction) -> Result<HoldStatus, HoldTransitionError> {
        use HoldAction as A;
        use HoldStatus as S;
        let to = match (self, action) {
            (S::Placed, A::BeginExamination) => S::Examination,
            (S::Placed | S::Examination, A::RequestSeizure) => S::SeizureRequested,
            (S::SeizureRequested, A::ApproveSeizure) => S::Seized,
            // A supervisor who declines a seizure request may release the goods.
            (S::Placed | S::Examination | S::SeizureRequested, A::Release) => S::Released,
            (S::Placed | S::Examination, A::ReferToAgency) => S::Referred,
            (S::Placed | S::Examination, A::ReturnToOrigin) => S::Returned,
            _ => {
                return Err(HoldTransitionError {
                    from: self.label().to_lowercase(),
                    attempted: action.past_participle().into(),
                });
            }
        };
        Ok(to)
    }
}

impl InspectionStatus {
    /// Open items are in someone's queue: waiting, assigned or being done.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            InspectionStatus::Queued | InspectionStatus::Assigned | InspectionStatus::InProgress
        )
    }

    pub const OPEN: [InspectionStatus; 3] = [
        InspectionStatus::Queued,
        InspectionStatus::Assigned,
        InspectionStatus::InProgress,
    ];

    /// Items an officer holds: assigned or under way (what a handover moves and a workload
    /// counts).
    pub const HELD: [InspectionStatus; 2] =
        [InspectionStatus::Assigned, InspectionStatus::InProgress];

    pub fn next(
        self,
        action: InspectionAction,
    ) -> Result<InspectionStatus, InspectionTransitionError> {
        use InspectionAction as A;
        use InspectionStatus as S;
        let to = match (self, action) {
            (S::Queued | S::Assigned, A::Assign) => S::Assigned,
            // Reassigning work already under way keeps it under way (shift handover).
            (S::InProgress, A::Assign) => S::InProgress,
            (S::Assigned, A::Unassign) => S::Queued,
            (S::Assigned, A::Start) => S::InProgress,
            (S::InProgress, A::Complete) => S::Completed,
            (S::Queued | S::Assigned | S::InProgress, A::Cancel) => S::Cancelled,
            _ => {
                return Err(InspectionTransitionError {
                    from: self.label().to_lowercase(),
                    attempted: action.past_participle().into(),
                });
            }
        };
        Ok(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOLD_ACTIONS: [HoldAction; 6] = [
        HoldAction::BeginExamination,
        HoldAction::RequestSeizure,
        HoldAction::ApproveSeizure,
        HoldAction::Release,
        HoldAction::ReferToAgency,
        HoldAction::ReturnToOrigin,
    ];
    const INSPECTION_ACTIONS: [InspectionAction; 5] = [
        InspectionAction::Assign,
        InspectionAction::Unassign,
        InspectionAction::Start,
        InspectionAction::Complete,
        InspectionAction::Cancel,
    ];

    #[test]
    fn a_hold_goes_from_placed_through_examination_to_seizure() {
        let s = HoldStatus::Placed
            .next(HoldAction::BeginExamination)
            .and_then(|s| s.next(HoldAction::RequestSeizure))
            .and_then(|s| s.next(HoldAction::ApproveSeizure));
        assert_eq!(s, Ok(HoldStatus::Seized));
    }

    #[test]
    fn a_released_hold_can_no_longer_be_seized_and_says_why() {
        let err = HoldStatus::Released
            .next(HoldAction::RequestSeizure)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a hold that is released cannot be put forward for seizure"
        );
    }

    #[test]
    fn seizure_needs_a_request_first() {
        assert!(HoldStatus::Placed.next(HoldAction::ApproveSeizure).is_err());
        assert!(
            HoldStatus::Examination
                .next(HoldAction::ApproveSeizure)
                .is_err()
        );
    }

    #[test]
    fn an_inspection_must_be_assigned_before_it_starts() {
        assert!(
            InspectionStatus::Queued
                .next(InspectionAction::Start)
                .is_err()
        );
        assert_eq!(
            InspectionStatus::Queued.next(InspectionAction::Assign),
            Ok(InspectionStatus::Assigned)
        );
        assert_eq!(
            InspectionStatus::Assigned.next(InspectionAction::Start),
            Ok(InspectionStatus::InProgress)
        );
        assert_eq!(
            InspectionStatus::InProgress.next(InspectionAction::Assign),
            Ok(InspectionStatus::InProgress)
        );
    }

    #[test]
    fn finished_work_accepts_nothing() {
        for action in INSPECTION_ACTIONS {
            assert!(InspectionStatus::Completed.next(action).is_err());
            assert!(InspectionStatus::Cancelled.next(action).is_err());
        }
        for action in HOLD_ACTIONS {
            for closed in [
                HoldStatus::Released,
                HoldStatus::Seized,
                HoldStatus::Referred,
                HoldStatus::Returned,
            ] {
                assert!(closed.next(action).is_err(), "{closed:?} {action:?}");
            }
        }
    }

    proptest! {
        /// Whatever anyone tries, a hold only ever moves forward: once closed it stays closed,
        /// and a seizure is only ever reached through a request.
        #[test]
        fn no_sequence_of_hold_actions_breaks_the_rules(actions in proptest::collection::vec(0usize..6, 0..30)) {
            let mut status = HoldStatus::Placed;
            let mut requested = false;
            for i in actions {
                let before = status;
                if let Ok(next) = status.next(HOLD_ACTIONS[i]) {
                    prop_assert!(before.is_active(), "{before:?} moved to {next:?}");
                    requested |= next == HoldStatus::SeizureRequested;
                    if next == HoldStatus::Seized { prop_assert!(requested); }
                    status = next;
                }
            }
        }

        #[test]
        fn no_sequence_of_inspection_actions_breaks_the_rules(actions in proptest::collection::vec(0usize..5, 0..30)) {
            let mut status = InspectionStatus::Queued;
            let mut started = false;
            for i in actions {
                let before = status;
                if let Ok(next) = status.next(INSPECTION_ACTIONS[i]) {
                    prop_assert!(before.is_open());
                    started |= next == InspectionStatus::InProgress;
                    if next == InspectionStatus::Completed { prop_assert!(started); }
                    status = next;
                }
            }
        }
    }
}
