//! The status rules of holds and inspections, in one place. Every screen, endpoint, the seed
//! and the simulator move an entity only through `next`, so no path can put a hold or an
//! inspection into a state the trade does not allow.

use super::vocab::{HoldStatus, InspectionStatus};
use crate::i18n::td_string;
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

/// A refused transition, worded for the person who tried it: one whole sentence per action,
/// naming the state the hold is in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{}", self.sentence())]
pub struct HoldTransitionError {
    pub from: HoldStatus,
    pub attempted: HoldAction,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{}", self.sentence())]
pub struct InspectionTransitionError {
    pub from: InspectionStatus,
    pub attempted: InspectionAction,
}

impl HoldTransitionError {
    /// "a hold that is released cannot be put forward for seizure", in the language spoken.
    pub fn sentence(&self) -> String {
        let locale = crate::lang::current();
        let status = self.from.state();
        match self.attempted {
            HoldAction::BeginExamination => td_string!(
                locale,
                domain.hold_refused.begin_examination,
                status = status
            )
            .to_string(),
            HoldAction::RequestSeizure => {
                td_string!(locale, domain.hold_refused.request_seizure, status = status).to_string()
            }
            HoldAction::ApproveSeizure => {
                td_string!(locale, domain.hold_refused.approve_seizure, status = status).to_string()
            }
            HoldAction::Release => {
                td_string!(locale, domain.hold_refused.release, status = status).to_string()
            }
            HoldAction::ReferToAgency => {
                td_string!(locale, domain.hold_refused.refer_to_agency, status = status).to_string()
            }
            HoldAction::ReturnToOrigin => td_string!(
                locale,
                domain.hold_refused.return_to_origin,
                status = status
            )
            .to_string(),
        }
    }
}

impl InspectionTransitionError {
    /// "an inspection that is completed cannot be started", in the language spoken.
    pub fn sentence(&self) -> String {
        let locale = crate::lang::current();
        let status = self.from.state();
        match self.attempted {
            InspectionAction::Assign => {
                td_string!(locale, domain.inspection_refused.assign, status = status).to_string()
            }
            InspectionAction::Unassign => {
                td_string!(locale, domain.inspection_refused.unassign, status = status).to_string()
            }
            InspectionAction::Start => {
                td_string!(locale, domain.inspection_refused.start, status = status).to_string()
            }
            InspectionAction::Complete => {
                td_string!(locale, domain.inspection_refused.complete, status = status).to_string()
            }
            InspectionAction::Cancel => {
                td_string!(locale, domain.inspection_refused.cancel, status = status).to_string()
            }
        }
    }
}

impl HoldAction {
    /// What the hold would have become, to end a sentence about a hold ("… can no longer be
    /// released"); whole sentences are better written with their own key.
    pub fn past_participle(self) -> &'static str {
        match self {
            HoldAction::BeginExamination => said!(domain.hold_done.begin_examination),
            HoldAction::RequestSeizure => said!(domain.hold_done.request_seizure),
            HoldAction::ApproveSeizure => said!(domain.hold_done.approve_seizure),
            HoldAction::Release => said!(domain.hold_done.release),
            HoldAction::ReferToAgency => said!(domain.hold_done.refer_to_agency),
            HoldAction::ReturnToOrigin => said!(domain.hold_done.return_to_origin),
        }
    }
}

impl InspectionAction {
    pub fn past_participle(self) -> &'static str {
        match self {
            InspectionAction::Assign => said!(domain.inspection_done.assign),
            InspectionAction::Unassign => said!(domain.inspection_done.unassign),
            InspectionAction::Start => said!(domain.inspection_done.start),
            InspectionAction::Complete => said!(domain.inspection_done.complete),
            InspectionAction::Cancel => said!(domain.inspection_done.cancel),
        }
    }
}

impl HoldStatus {
    /// The state inside a sentence: "released" in "a hold that is released …".
    pub fn state(self) -> &'static str {
        match self {
            HoldStatus::Placed => said!(domain.hold_state.placed),
            HoldStatus::Examination => said!(domain.hold_state.examination),
            HoldStatus::SeizureRequested => said!(domain.hold_state.seizure_requested),
            HoldStatus::Released => said!(domain.hold_state.released),
            HoldStatus::Seized => said!(domain.hold_state.seized),
            HoldStatus::Referred => said!(domain.hold_state.referred),
            HoldStatus::Returned => said!(domain.hold_state.returned),
        }
    }

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
                    from: self,
                    attempted: action,
                });
            }
        };
        Ok(to)
    }
}

impl InspectionStatus {
    /// The state inside a sentence: "completed" in "an inspection that is completed …".
    pub fn state(self) -> &'static str {
        match self {
            InspectionStatus::Queued => said!(domain.inspection_state.queued),
            InspectionStatus::Assigned => said!(domain.inspection_state.assigned),
            InspectionStatus::InProgress => said!(domain.inspection_state.in_progress),
            InspectionStatus::Completed => said!(domain.inspection_state.completed),
            InspectionStatus::Cancelled => said!(domain.inspection_state.cancelled),
        }
    }

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
                    from: self,
                    attempted: action,
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

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn a_refused_transition_is_said_whole_in_the_request_s_language() {
        use crate::lang::{Locale, serve_in};
        let hold = HoldStatus::Released
            .next(HoldAction::RequestSeizure)
            .unwrap_err();
        let inspection = InspectionStatus::Completed
            .next(InspectionAction::Start)
            .unwrap_err();
        let (hold, inspection) = serve_in(Locale::fr, async {
            (hold.to_string(), inspection.to_string())
        })
        .await;
        assert_eq!(
            hold,
            "une retenue à l’état «\u{a0}mainlevée accordée\u{a0}» ne peut pas être proposée pour saisie"
        );
        assert_eq!(
            inspection,
            "un examen à l’état «\u{a0}terminé\u{a0}» ne peut pas être commencé"
        );
        // Outside any request, and in English: the sentence as it always was.
        let english = serve_in(Locale::en, async {
            HoldStatus::Seized
                .next(HoldAction::Release)
                .unwrap_err()
                .to_string()
        })
        .await;
        assert_eq!(english, "a hold that is seized cannot be released");
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
