//! What a command does to an inspection, decided from the inspection as it was read and the
//! facts read with it: the next status, holder, priority and outcome, what the work does to
//! the hold (examination begun, seizure asked for, a follow-up opened), or the sentence that
//! refuses it. Also which of a departing officer's items a handover moves. Pure: the
//! operations in `act.rs` read what these functions need, then write what they decide.

use super::{InspectionCommand, InspectionRow};
use crate::domain::{
    Action, HoldAction, HoldStatus, InspectionAction, InspectionKind, InspectionStatus, Outcome,
    Priority, check_text,
};
use crate::error::AppError;
use crate::holds::HoldRow;
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

impl InspectionCommand {
    /// What the account must be allowed to do at the inspection's port, and the status rule
    /// the command asks for.
    pub fn authority(&self) -> (Action, InspectionAction) {
        match self {
            InspectionCommand::Claim => (Action::ClaimInspection, InspectionAction::Assign),
            InspectionCommand::Assign {
                officer_id: Some(_),
            } => (Action::AssignInspection, InspectionAction::Assign),
            InspectionCommand::Assign { officer_id: None } => {
                (Action::AssignInspection, InspectionAction::Unassign)
            }
            InspectionCommand::Start => (Action::WorkInspection, InspectionAction::Start),
            InspectionCommand::Complete { .. } => {
                (Action::WorkInspection, InspectionAction::Complete)
            }
            InspectionCommand::Cancel { .. } => {
                (Action::CancelInspection, InspectionAction::Cancel)
            }
            InspectionCommand::Priority { .. } => {
                (Action::ChangePriority, InspectionAction::Assign)
            }
        }
    }

    /// The reason (or notes) the record keeps: a cancellation and a change of priority must
    /// say why; a completion may.
    pub fn reason(&self) -> Result<String, AppError> {
        match self {
            InspectionCommand::Cancel { reason } | InspectionCommand::Priority { reason, .. } => {
                check_text("reason", reason, true)
            }
            InspectionCommand::Complete { notes, .. } => check_text("notes", notes, false),
            _ => Ok(String::new()),
        }
    }

    /// Whether the work moves the hold too (so the hold is read before deciding).
    pub fn moves_hold(&self) -> bool {
        matches!(
            self,
            InspectionCommand::Start
                | InspectionCommand::Complete {
                    outcome: Outcome::Seizure | Outcome::Inconclusive,
                    ..
                }
        )
    }

    /// Whether the caller's own officer on the roster matters (claiming, starting).
    pub fn needs_officer(&self) -> bool {
        matches!(self, InspectionCommand::Claim | InspectionCommand::Start)
    }
}

/// An officer on the roster, as an assignment needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignee {
    pub name: String,
    pub home_port: String,
}

/// What is known beyond the inspection's row, read only when the command needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InspectionFacts {
    /// The caller's officer on the roster, if the account is linked to one (claim, start).
    pub linked_officer: Option<i64>,
    /// The hold, when the work moves it.
    pub hold: Option<HoldRow>,
    /// For an assignment to someone: that officer, `None` when there is no such officer.
    pub assignee: Option<Assignee>,
}

/// A decided change to an inspection.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionChange {
    pub status: InspectionStatus,
    /// The holder after the change; for a claim by an account not yet on the roster, `None`
    /// until the write links it (see `link_officer`).
    pub officer: Option<i64>,
    pub priority: Priority,
    pub due: DateTime<Utc>,
    pub outcome: Option<Outcome>,
    pub started: bool,
    pub finished: bool,
    /// The journal's word for what happened.
    pub action: &'static str,
    /// The account is not on the roster yet: the write links it (or adds it) first.
    pub link_officer: bool,
    /// What the work does to the hold: its next status, and who asked for a seizure.
    pub hold: Option<(HoldStatus, Option<String>)>,
    /// The kind of the follow-up an inconclusive result opens.
    pub follow_up: Option<InspectionKind>,
}

impl InspectionChange {
    /// The journal's before, and its after for the holder the change ends with.
    pub fn before_after(&self, inspection: &InspectionRow, officer: Option<i64>) -> (Value, Value) {
        let before = json!({
            "status": inspection.status.code(),
            "officer_id": inspection.assigned_officer.as_ref().map(|o| o.id),
            "priority": inspection.priority.code(),
            "version": inspection.version,
        });
        let mut after = json!({
            "status": self.status.code(),
            "officer_id": officer,
            "priority": self.priority.code(),
            "version": inspection.version + 1,
        });
        if let Some(o) = self.outcome {
            after["outcome"] = json!(o.code());
        }
        (before, after)
    }

    /// Whether the change is the inspection's row and journal entry alone (most actions).
    pub fn is_simple(&self) -> bool {
        !self.link_officer && self.hold.is_none() && self.follow_up.is_none()
    }
}

/// "Yasmin Roy (Y1025)", or "nobody".
pub fn holder(inspection: &InspectionRow) -> String {
    inspection
        .assigned_officer
        .as_ref()
        .map(|o| format!("{} ({})", o.name, o.badge))
        .unwrap_or_else(|| td_string!(lang::current(), inspections.nobody).into())
}

/// "inspection #12 is assigned to X, not to you".
pub fn not_yours(inspection: &InspectionRow) -> AppError {
    AppError::Conflict {
        message: td_string!(
            lang::current(),
            inspections.not_yours,
            id = inspection.id,
            holder = holder(inspection)
        )
        .to_string(),
    }
}

/// "inspection #12 is already claimed by X".
pub fn already_claimed(inspection: &InspectionRow) -> AppError {
    AppError::Conflict {
        message: td_string!(
            lang::current(),
            inspections.already_claimed,
            id = inspection.id,
            holder = holder(inspection)
        )
        .to_string(),
    }
}

/// Decides `command` on `inspection`, as `actor` (a username).
pub fn decide(
    inspection: &InspectionRow,
    command: &InspectionCommand,
    facts: &InspectionFacts,
    actor: &str,
) -> Result<InspectionChange, AppError> {
    let id = inspection.id;
    let (_, transition) = command.authority();
    let refuse = |attempted: InspectionAction| -> AppError {
        if matches!(
            inspection.status,
            InspectionStatus::Assigned | InspectionStatus::InProgress
        ) && matches!(command, InspectionCommand::Claim)
        {
            return already_claimed(inspection);
        }
        let message = inspection
            .status
            .next(attempted)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| {
                td_string!(lang::current(), inspections.cannot_now, id = id).to_string()
            });
        AppError::Conflict { message }
    };
    let next = || {
        inspection
            .status
            .next(transition)
            .map_err(|_| refuse(transition))
    };
    let mut change = InspectionChange {
        status: inspection.status,
        officer: inspection.assigned_officer.as_ref().map(|o| o.id),
        priority: inspection.priority,
        due: inspection.due_at,
        outcome: inspection.outcome,
        started: matches!(command, InspectionCommand::Start),
        finished: matches!(
            command,
            InspectionCommand::Complete { .. } | InspectionCommand::Cancel { .. }
        ),
        action: "",
        link_officer: command.needs_officer() && facts.linked_officer.is_none(),
        hold: None,
        follow_up: None,
    };
    match command {
        InspectionCommand::Claim => {
            if inspection.status != InspectionStatus::Queued {
                return Err(refuse(transition));
            }
            change.status = InspectionStatus::Assigned;
            // An account not yet on the roster is linked by the write.
            change.officer = facts.linked_officer;
            change.action = "claimed";
        }
        InspectionCommand::Assign { officer_id } => {
            change.status = next()?;
            if let Some(target) = officer_id {
                let Some(assignee) = &facts.assignee else {
                    return Err(AppError::not_found(
                        td_string!(lang::current(), inspections.officer_number, id = target)
                            .to_string(),
                    ));
                };
                if assignee.home_port != inspection.port_code {
                    return Err(AppError::Conflict {
                        message: td_string!(
                            lang::current(),
                            inspections.works_elsewhere,
                            name = assignee.name.clone(),
                            home = assignee.home_port.clone(),
                            port = inspection.port_code.clone()
                        )
                        .to_string(),
                    });
                }
            }
            change.officer = *officer_id;
            change.action = if officer_id.is_some() {
                "assigned"
            } else {
                "returned_to_queue"
            };
        }
        InspectionCommand::Start => {
            change.status = next()?;
            if facts.linked_officer.is_some() && change.officer != facts.linked_officer {
                return Err(not_yours(inspection));
            }
            change.action = "started";
        }
        InspectionCommand::Complete {
            outcome, follow_up, ..
        } => {
            change.status = next()?;
            if *outcome == Outcome::Inconclusive {
                match follow_up {
                    None => {
                        return Err(AppError::invalid(
                            "follow_up",
                            td_string!(lang::current(), inspections.follow_up_needed),
                        ));
                    }
                    Some(kind) if *kind == inspection.kind => {
                        return Err(AppError::invalid(
                            "follow_up",
                            td_string!(lang::current(), inspections.follow_up_same),
                        ));
                    }
                    Some(_) => {}
                }
            }
            change.outcome = Some(*outcome);
            change.action = "completed";
        }
        InspectionCommand::Cancel { .. } => {
            change.status = next()?;
            change.action = "cancelled";
        }
        InspectionCommand::Priority { priority, .. } => {
            if !inspection.status.is_open() {
                return Err(AppError::Conflict {
                    message: td_string!(
                        lang::current(),
                        inspections.priority_closed,
                        id = id,
                        status = inspection.status.label().to_lowercase()
                    )
                    .to_string(),
                });
            }
            change.priority = *priority;
            change.due = inspection.created_at + inspection.kind.due_after(*priority);
            change.action = "priority_changed";
        }
    }
    // What the work means for the hold, decided on the hold as read (its update is
    // conditional on that version).
    if let Some(hold) = &facts.hold {
        change.hold = match command {
            InspectionCommand::Start if hold.status == HoldStatus::Placed => {
                Some((HoldStatus::Examination, None))
            }
            InspectionCommand::Complete {
                outcome: Outcome::Seizure,
                ..
            } if hold.status.next(HoldAction::RequestSeizure).is_ok() => {
                Some((HoldStatus::SeizureRequested, Some(actor.to_string())))
            }
            _ => None,
        };
        if let InspectionCommand::Complete {
            outcome: Outcome::Inconclusive,
            follow_up: Some(kind),
            ..
        } = command
        {
            change.follow_up = Some(*kind);
        }
    }
    Ok(change)
}

/// What a handover does to one of the departing officer's items: its next status, or `None`
/// when it stays where it is. Work under way cannot go back to the queue: it stays with the
/// outgoing officer unless someone takes it over.
pub fn handed_over(from: InspectionStatus, to_someone: bool) -> Option<InspectionStatus> {
    let action = if to_someone {
        InspectionAction::Assign
    } else {
        InspectionAction::Unassign
    };
    from.next(action).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::HoldReason;
    use crate::inspections::OfficerRef;
    use chrono::{Duration, TimeZone};

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn inspection(status: InspectionStatus, officer: Option<i64>) -> InspectionRow {
        InspectionRow {
            id: 12,
            hold_id: 7,
            shipment_id: 3,
            shipment_reference: "AWB 176-12345675".into(),
            description: "Phones".into(),
            port_code: "YYZ".into(),
            port_time_zone: "America/Toronto".into(),
            kind: InspectionKind::Xray,
            priority: Priority::Normal,
            status,
            created_at: at(0),
            due_at: at(180),
            assigned_officer: officer.map(|id| OfficerRef {
                id,
                name: "Ann Lee".into(),
                badge: "A1".into(),
            }),
            started_at: None,
            completed_at: None,
            outcome: None,
            version: 2,
        }
    }

    fn hold(status: HoldStatus) -> HoldRow {
        HoldRow {
            id: 7,
            shipment_id: 3,
            shipment_reference: "AWB 176-12345675".into(),
            description: "Phones".into(),
            importer_name: "Importer".into(),
            port_code: "YYZ".into(),
            port_time_zone: "America/Toronto".into(),
            reason: HoldReason::RiskTarget,
            status,
            placed_at: at(0),
            placed_by: "x".into(),
            due_at: at(600),
            paused_ms: 0,
            paused_since: None,
            resolved_at: None,
            resolved_by: None,
            agency: None,
            notes: String::new(),
            version: 1,
        }
    }

    fn linked(officer: i64) -> InspectionFacts {
        InspectionFacts {
            linked_officer: Some(officer),
            ..Default::default()
        }
    }

    #[test]
    fn a_claim_takes_a_queued_item_and_names_the_holder_of_a_taken_one() {
        let queued = inspection(InspectionStatus::Queued, None);
        let change = decide(&queued, &InspectionCommand::Claim, &linked(5), "duty").unwrap();
        assert_eq!(
            (
                change.status,
                change.officer,
                change.action,
                change.is_simple()
            ),
            (InspectionStatus::Assigned, Some(5), "claimed", true)
        );
        let taken = inspection(InspectionStatus::Assigned, Some(9));
        assert_eq!(
            decide(&taken, &InspectionCommand::Claim, &linked(5), "duty").unwrap_err(),
            AppError::Conflict {
                message: "inspection #12 is already claimed by Ann Lee (A1)".into()
            }
        );
        let unknown = decide(
            &queued,
            &InspectionCommand::Claim,
            &InspectionFacts::default(),
            "duty",
        );
        let change = unknown.unwrap();
        assert!(change.link_officer && !change.is_simple());
    }

    #[test]
    fn only_the_holder_starts_and_starting_begins_the_examination() {
        let assigned = inspection(InspectionStatus::Assigned, Some(9));
        assert_eq!(
            decide(&assigned, &InspectionCommand::Start, &linked(5), "duty").unwrap_err(),
            AppError::Conflict {
                message: "inspection #12 is assigned to Ann Lee (A1), not to you".into()
            }
        );
        let facts = InspectionFacts {
            hold: Some(hold(HoldStatus::Placed)),
            ..linked(9)
        };
        let change = decide(&assigned, &InspectionCommand::Start, &facts, "duty").unwrap();
        assert_eq!(change.status, InspectionStatus::InProgress);
        assert!(change.started);
        assert_eq!(change.hold, Some((HoldStatus::Examination, None)));
    }

    #[test]
    fn a_finding_asks_for_seizure_and_an_inconclusive_result_opens_a_follow_up() {
        let under_way = inspection(InspectionStatus::InProgress, Some(9));
        let facts = InspectionFacts {
            hold: Some(hold(HoldStatus::Examination)),
            ..Default::default()
        };
        let seize = InspectionCommand::Complete {
            outcome: Outcome::Seizure,
            notes: String::new(),
            follow_up: None,
        };
        let change = decide(&under_way, &seize, &facts, "duty.yyz").unwrap();
        assert_eq!(
            change.hold,
            Some((HoldStatus::SeizureRequested, Some("duty.yyz".into())))
        );
        assert!(change.finished);
        let unsure = |follow_up| InspectionCommand::Complete {
            outcome: Outcome::Inconclusive,
            notes: String::new(),
            follow_up,
        };
        let change = decide(
            &under_way,
            &unsure(Some(InspectionKind::Physical)),
            &facts,
            "x",
        );
        assert_eq!(change.unwrap().follow_up, Some(InspectionKind::Physical));
        for bad in [None, Some(InspectionKind::Xray)] {
            assert!(matches!(
                decide(&under_way, &unsure(bad), &facts, "x"),
                Err(AppError::Invalid { field, .. }) if field == "follow_up"
            ));
        }
    }

    #[test]
    fn assignment_stays_within_the_port() {
        let queued = inspection(InspectionStatus::Queued, None);
        let assign = InspectionCommand::Assign {
            officer_id: Some(4),
        };
        let elsewhere = InspectionFacts {
            assignee: Some(Assignee {
                name: "Bo Chen".into(),
                home_port: "YVR".into(),
            }),
            ..Default::default()
        };
        assert_eq!(
            decide(&queued, &assign, &elsewhere, "sup").unwrap_err(),
            AppError::Conflict {
                message: "Bo Chen works at YVR, not YYZ; assign someone from this port".into()
            }
        );
        assert_eq!(
            decide(&queued, &assign, &InspectionFacts::default(), "sup").unwrap_err(),
            AppError::not_found("officer #4")
        );
        let back = InspectionCommand::Assign { officer_id: None };
        let assigned = inspection(InspectionStatus::Assigned, Some(4));
        let change = decide(&assigned, &back, &InspectionFacts::default(), "sup").unwrap();
        assert_eq!(
            (change.status, change.officer, change.action),
            (InspectionStatus::Queued, None, "returned_to_queue")
        );
    }

    #[test]
    fn priority_moves_the_due_time_while_the_item_is_open() {
        let queued = inspection(InspectionStatus::Queued, None);
        let urgent = InspectionCommand::Priority {
            priority: Priority::Urgent,
            reason: "perishable".into(),
        };
        let change = decide(&queued, &urgent, &InspectionFacts::default(), "sup").unwrap();
        assert_eq!(change.due, at(90));
        let done = inspection(InspectionStatus::Completed, Some(4));
        assert!(decide(&done, &urgent, &InspectionFacts::default(), "sup").is_err());
        let (before, after) = change.before_after(&queued, None);
        assert_eq!(before["priority"], "normal");
        assert_eq!(after["priority"], "urgent");
        assert_eq!(after["version"], 3);
    }

    #[test]
    fn a_handover_keeps_work_under_way_with_someone() {
        use InspectionStatus as S;
        assert_eq!(handed_over(S::Assigned, false), Some(S::Queued));
        assert_eq!(handed_over(S::Assigned, true), Some(S::Assigned));
        assert_eq!(handed_over(S::InProgress, true), Some(S::InProgress));
        assert_eq!(handed_over(S::InProgress, false), None);
    }
}
