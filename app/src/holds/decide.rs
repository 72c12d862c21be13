//! What a command does to a hold, decided from the hold as it was read and nothing else: the
//! next status, the service clock, what the journal says, or the sentence that refuses it.
//! Pure: the operations in `act.rs` read what these functions need, then write what they
//! decide.

use super::{HoldCommand, HoldRow};
use crate::domain::clock::{local_time_short, to_millis};
use crate::domain::{Action, HoldAction, HoldStatus, ShipmentStatus, check_text};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The goods a hold would stop, as read before placing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goods {
    pub shipment_id: i64,
    pub port_code: String,
    pub status: ShipmentStatus,
    /// "AWB 176-12345675", for people.
    pub reference: String,
    /// Digits only; empty before a full declaration.
    pub hs_code: String,
}

/// Whether goods in this state may be held; the sentence when not.
pub fn may_hold(goods: &Goods) -> Result<(), AppError> {
    use ShipmentStatus as S;
    if matches!(goods.status, S::AwaitingArrival | S::Arrived | S::Held) {
        return Ok(());
    }
    Err(AppError::Conflict {
        message: td_string!(
            lang::current(),
            holds.not_holdable,
            reference = goods.reference.clone(),
            status = goods.status.label().to_lowercase()
        )
        .to_string(),
    })
}

impl HoldCommand {
    /// What the account must be allowed to do at the hold's port.
    pub fn authority(&self) -> Action {
        match self {
            HoldCommand::Release { .. } => Action::ReleaseHold,
            HoldCommand::RequestSeizure { .. } => Action::RequestSeizure,
            HoldCommand::ApproveSeizure { .. } => Action::ApproveSeizure,
            HoldCommand::Refer { .. } => Action::ReferHold,
            HoldCommand::Note { .. } => Action::AddNote,
            HoldCommand::Pause { .. } | HoldCommand::Resume => Action::PauseHoldClock,
        }
    }

    /// The status rule the command asks for; notes and the clock change no status.
    pub fn transition(&self) -> Option<HoldAction> {
        match self {
            HoldCommand::Release { .. } => Some(HoldAction::Release),
            HoldCommand::RequestSeizure { .. } => Some(HoldAction::RequestSeizure),
            HoldCommand::ApproveSeizure { .. } => Some(HoldAction::ApproveSeizure),
            HoldCommand::Refer { .. } => Some(HoldAction::ReferToAgency),
            HoldCommand::Note { .. } | HoldCommand::Pause { .. } | HoldCommand::Resume => None,
        }
    }

    /// The reason (or note) the record keeps, trimmed and checked: every change but a seizure
    /// approval and a resumed clock must say why.
    pub fn reason(&self) -> Result<String, AppError> {
        match self {
            HoldCommand::Release { reason }
            | HoldCommand::RequestSeizure { reason }
            | HoldCommand::Refer { reason, .. }
            | HoldCommand::Pause { reason } => check_text("reason", reason, true),
            HoldCommand::ApproveSeizure { reason } => check_text("reason", reason, false),
            HoldCommand::Note { text } => check_text("text", text, true),
            HoldCommand::Resume => Ok(String::new()),
        }
    }

    /// Whether the command would close a hold that is `status` (and so must first find its
    /// inspections finished).
    pub fn closes(&self, status: HoldStatus) -> bool {
        status.is_active()
            && self
                .transition()
                .and_then(|t| status.next(t).ok())
                .is_some_and(|next| !next.is_active())
    }
}

/// What is known of a hold beyond its row, read only when the command needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HoldFacts {
    /// Inspections of the hold still queued, assigned or under way (read when it would close).
    pub open_inspections: i64,
    /// Who asked for the seizure (read for an approval).
    pub seizure_requested_by: Option<String>,
    /// The detention for a rights holder still running on the hold (read when the command
    /// would release, refer, return or seize the goods): the goods go as its outcome says.
    pub open_detention: Option<i64>,
}

/// A decided change to a hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldChange {
    pub status: HoldStatus,
    pub agency: Option<String>,
    /// Start of the pause in force, in UTC milliseconds.
    pub paused_since: Option<i64>,
    /// Time spent paused in pauses that have ended, in milliseconds.
    pub paused_ms: i64,
    /// The hold leaves the active states: it is resolved now, by the actor.
    pub closes: bool,
    /// Set when the command asks for a seizure: the account that asked.
    pub seizure_requested_by: Option<String>,
    /// The journal's word for what happened.
    pub action: &'static str,
}

impl HoldChange {
    /// The journal's before and after.
    pub fn before_after(&self, hold: &HoldRow, command: &HoldCommand) -> (Value, Value) {
        let before = json!({ "status": hold.status.code(), "version": hold.version });
        let mut after = json!({ "status": self.status.code(), "version": hold.version + 1 });
        if let HoldCommand::Refer { .. } = command {
            after["agency"] = json!(self.agency);
        }
        (before, after)
    }
}

/// Decides `command` on `hold`, as `actor` (a username) at `now`.
pub fn decide(
    hold: &HoldRow,
    command: &HoldCommand,
    facts: &HoldFacts,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<HoldChange, AppError> {
    let mut change = HoldChange {
        status: hold.status,
        agency: hold.agency.clone(),
        paused_since: hold.paused_since.map(to_millis),
        paused_ms: hold.paused_ms,
        closes: false,
        seizure_requested_by: None,
        action: "",
    };
    if let Some(transition) = command.transition() {
        change.status = hold
            .status
            .next(transition)
            .map_err(|_| refusal(hold, transition))?;
        change.action = match transition {
            HoldAction::Release => "released",
            HoldAction::RequestSeizure => "seizure_requested",
            HoldAction::ApproveSeizure => "seized",
            HoldAction::ReferToAgency => "referred",
            HoldAction::BeginExamination => "examination_begun",
            HoldAction::ReturnToOrigin => "returned",
        };
    } else {
        // Notes may follow a hold after it closes; its clock may not.
        if !hold.status.is_active() && !matches!(command, HoldCommand::Note { .. }) {
            return Err(AppError::Conflict {
                message: td_string!(
                    lang::current(),
                    holds.clock_stopped,
                    status = hold.status.label().to_lowercase()
                )
                .to_string(),
            });
        }
        change.action = match command {
            HoldCommand::Note { .. } => "note_added",
            HoldCommand::Pause { .. } => "clock_paused",
            _ => "clock_resumed",
        };
    }
    change.closes = !change.status.is_active() && hold.status.is_active();
    if change.closes && facts.open_inspections > 0 {
        return Err(AppError::Conflict {
            message: td_string!(
                lang::current(),
                holds.open_inspections_block,
                count = facts.open_inspections,
                outcome = closing(change.status)
            )
            .to_string(),
        });
    }
    if let Some(detention) = facts.open_detention
        && (change.closes || matches!(command, HoldCommand::RequestSeizure { .. }))
    {
        return Err(AppError::Conflict {
            message: td_string!(
                lang::current(),
                holds.detention_running,
                id = hold.id,
                detention = detention
            )
            .to_string(),
        });
    }
    match command {
        HoldCommand::Release { .. } | HoldCommand::Note { .. } => {}
        HoldCommand::RequestSeizure { .. } => change.seizure_requested_by = Some(actor.into()),
        HoldCommand::ApproveSeizure { .. } => {
            if facts.seizure_requested_by.as_deref() == Some(actor) {
                return Err(AppError::Conflict {
                    message: td_string!(lang::current(), holds.own_seizure).into(),
                });
            }
        }
        HoldCommand::Refer { agency, .. } => {
            let agency = agency.trim();
            if agency.is_empty() || agency.chars().count() > 80 {
                return Err(AppError::invalid(
                    "agency",
                    td_string!(lang::current(), holds.agency_rules),
                ));
            }
            change.agency = Some(agency.to_string());
        }
        HoldCommand::Pause { .. } => {
            if change.paused_since.is_some() {
                return Err(AppError::Conflict {
                    message: td_string!(lang::current(), holds.already_paused).into(),
                });
            }
            change.paused_since = Some(to_millis(now));
        }
        HoldCommand::Resume => {
            let Some(since) = change.paused_since.take() else {
                return Err(AppError::Conflict {
                    message: td_string!(lang::current(), holds.not_paused).into(),
                });
            };
            change.paused_ms += (to_millis(now) - since).max(0);
        }
    }
    // A hold that closes while its clock is paused stops the pause with it.
    if change.closes
        && let Some(since) = change.paused_since.take()
    {
        change.paused_ms += (to_millis(now) - since).max(0);
    }
    Ok(change)
}

/// The sentence for a hold action the rules refuse, naming who closed the hold and when.
pub fn refusal(hold: &HoldRow, attempted: HoldAction) -> AppError {
    let message = match (&hold.resolved_by, hold.resolved_at) {
        (Some(by), Some(at)) if !hold.status.is_active() => td_string!(
            lang::current(),
            holds.closed_refusal,
            done = done(hold.status),
            by = by,
            at = local_time_short(at, &hold.port_time_zone),
            attempted = no_longer(attempted)
        )
        .to_string(),
        _ => match hold.status.next(attempted) {
            Err(e) => e.to_string(),
            Ok(_) => td_string!(lang::current(), holds.not_applicable).into(),
        },
    };
    AppError::Conflict { message }
}

/// What became of a closed hold, as the refusal of a later action says it.
fn done(status: HoldStatus) -> &'static str {
    let l = lang::current();
    match status {
        HoldStatus::Released => td_string!(l, holds.done_released),
        HoldStatus::Seized => td_string!(l, holds.done_seized),
        HoldStatus::Referred => td_string!(l, holds.done_referred),
        HoldStatus::Returned => td_string!(l, holds.done_returned),
        HoldStatus::Placed => td_string!(l, holds.done_placed),
        HoldStatus::Examination => td_string!(l, holds.done_examination),
        HoldStatus::SeizureRequested => td_string!(l, holds.done_seizure_requested),
    }
}

/// The action a closed hold refuses, as the refusal says it can no longer be done.
fn no_longer(action: HoldAction) -> &'static str {
    let l = lang::current();
    match action {
        HoldAction::BeginExamination => td_string!(l, holds.no_longer_examined),
        HoldAction::RequestSeizure => td_string!(l, holds.no_longer_seizure_requested),
        HoldAction::ApproveSeizure => td_string!(l, holds.no_longer_seized),
        HoldAction::Release => td_string!(l, holds.no_longer_released),
        HoldAction::ReferToAgency => td_string!(l, holds.no_longer_referred),
        HoldAction::ReturnToOrigin => td_string!(l, holds.no_longer_returned),
    }
}

/// What closing a hold does to the goods, as the refusal to close it with open inspections
/// says it.
fn closing(status: HoldStatus) -> &'static str {
    let l = lang::current();
    match status {
        HoldStatus::Released => td_string!(l, holds.closing_released),
        HoldStatus::Seized => td_string!(l, holds.closing_seized),
        HoldStatus::Referred => td_string!(l, holds.closing_referred),
        HoldStatus::Returned => td_string!(l, holds.closing_returned),
        HoldStatus::Placed => td_string!(l, holds.closing_placed),
        HoldStatus::Examination => td_string!(l, holds.closing_examination),
        HoldStatus::SeizureRequested => td_string!(l, holds.closing_seizure_requested),
    }
}

/// The shipment's status once one of its holds has changed: held while any hold is active,
/// otherwise what the last closing made of it.
pub fn shipment_status(active_holds: i64, closed_as: Option<HoldStatus>) -> ShipmentStatus {
    if active_holds > 0 {
        return ShipmentStatus::Held;
    }
    match closed_as {
        Some(HoldStatus::Seized) => ShipmentStatus::Seized,
        Some(HoldStatus::Referred) => ShipmentStatus::Referred,
        Some(HoldStatus::Returned) => ShipmentStatus::Returned,
        _ => ShipmentStatus::Released,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::HoldReason;
    use chrono::{Duration, TimeZone};

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap() + Duration::minutes(minute)
    }

    fn hold(status: HoldStatus) -> HoldRow {
        HoldRow {
            id: 7,
            shipment_id: 3,
            shipment_reference: "AWB 176-12345675".into(),
            description: "Phones".into(),
            importer_name: "Importer".into(),
            port_code: "YVR".into(),
            port_time_zone: "America/Vancouver".into(),
            reason: HoldReason::RiskTarget,
            status,
            placed_at: at(0),
            placed_by: "Ann Lee (A1)".into(),
            due_at: at(240),
            paused_ms: 0,
            paused_since: None,
            resolved_at: None,
            resolved_by: None,
            agency: None,
            notes: String::new(),
            version: 4,
        }
    }

    fn release() -> HoldCommand {
        HoldCommand::Release {
            reason: "documents received".into(),
        }
    }

    /// The refusal of an action on a closed hold is one sentence in each language, naming
    /// who closed it and when, in the language of the request.
    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn a_closed_hold_refuses_in_the_language_of_the_request() {
        use crate::lang::{Locale, serve_in};
        let mut closed = hold(HoldStatus::Released);
        closed.resolved_by = Some("Ann Lee (A1)".into());
        closed.resolved_at = Some(at(30));
        let said = |locale| {
            let closed = closed.clone();
            serve_in(locale, async move {
                match refusal(&closed, HoldAction::ApproveSeizure) {
                    AppError::Conflict { message } => message,
                    other => panic!("a conflict, not {other:?}"),
                }
            })
        };
        assert_eq!(
            said(Locale::en).await,
            "this hold was released by Ann Lee (A1) at Nov 28 04:30 PST; it can no longer be seized"
        );
        assert_eq!(
            said(Locale::fr).await,
            "cette retenue est close (mainlevée accordée par Ann Lee (A1), 28\u{a0}nov. 04\u{a0}h\u{a0}30 HNP)\u{a0}; elle ne peut plus être saisie"
        );
    }

    #[test]
    fn a_release_closes_the_hold_and_says_so() {
        let change = decide(
            &hold(HoldStatus::Placed),
            &release(),
            &HoldFacts::default(),
            "duty.yvr",
            at(10),
        )
        .unwrap();
        assert_eq!(change.status, HoldStatus::Released);
        assert!(change.closes);
        assert_eq!(change.action, "released");
        let (before, after) = change.before_after(&hold(HoldStatus::Placed), &release());
        assert_eq!(before, json!({ "status": "placed", "version": 4 }));
        assert_eq!(after, json!({ "status": "released", "version": 5 }));
    }

    #[test]
    fn a_closed_hold_names_who_closed_it_and_when() {
        let mut released = hold(HoldStatus::Released);
        released.resolved_by = Some("Yasmin Roy (Y1025)".into());
        released.resolved_at = Some(at(75));
        let command = HoldCommand::RequestSeizure {
            reason: "counterfeit".into(),
        };
        let err = decide(&released, &command, &HoldFacts::default(), "x", at(80)).unwrap_err();
        assert_eq!(
            err,
            AppError::Conflict {
                message: "this hold was released by Yasmin Roy (Y1025) at Nov 28 05:15 PST; \
                          it can no longer be put forward for seizure"
                    .into()
            }
        );
    }

    #[test]
    fn a_hold_with_open_inspections_does_not_close() {
        let facts = HoldFacts {
            open_inspections: 2,
            ..HoldFacts::default()
        };
        let err = decide(
            &hold(HoldStatus::Examination),
            &release(),
            &facts,
            "x",
            at(1),
        );
        assert_eq!(
            err.unwrap_err(),
            AppError::Conflict {
                message: "this hold has 2 open inspection(s); complete or cancel them before \
                          the goods are released"
                    .into()
            }
        );
        assert!(release().closes(HoldStatus::Examination));
        assert!(!HoldCommand::Note { text: "x".into() }.closes(HoldStatus::Placed));
    }

    #[test]
    fn goods_detained_for_a_rights_holder_go_only_as_the_detention_ends() {
        let facts = HoldFacts {
            open_detention: Some(4),
            ..HoldFacts::default()
        };
        let placed = hold(HoldStatus::Placed);
        for command in [
            release(),
            HoldCommand::RequestSeizure { reason: "x".into() },
        ] {
            let refused = decide(&placed, &command, &facts, "x", at(1)).unwrap_err();
            assert!(refused.to_string().contains("detention 4"), "{refused}");
        }
        let note = HoldCommand::Note { text: "x".into() };
        assert!(decide(&placed, &note, &facts, "x", at(1)).is_ok());
        assert!(decide(&placed, &release(), &HoldFacts::default(), "x", at(1)).is_ok());
    }

    #[test]
    fn whoever_asked_for_a_seizure_may_not_approve_it() {
        let asked = HoldFacts {
            seizure_requested_by: Some("supervisor.yyz".into()),
            ..HoldFacts::default()
        };
        let approve = HoldCommand::ApproveSeizure {
            reason: String::new(),
        };
        let held = hold(HoldStatus::SeizureRequested);
        assert!(decide(&held, &approve, &asked, "supervisor.yyz", at(1)).is_err());
        let change = decide(&held, &approve, &asked, "supervisor.yvr", at(1)).unwrap();
        assert_eq!(
            (change.status, change.action),
            (HoldStatus::Seized, "seized")
        );
        let request = HoldCommand::RequestSeizure {
            reason: "finding".into(),
        };
        let change = decide(
            &hold(HoldStatus::Placed),
            &request,
            &asked,
            "duty.yvr",
            at(1),
        );
        assert_eq!(
            change.unwrap().seizure_requested_by.as_deref(),
            Some("duty.yvr")
        );
    }

    #[test]
    fn the_clock_pauses_resumes_and_stops_with_the_hold() {
        let placed = hold(HoldStatus::Placed);
        let pause = HoldCommand::Pause {
            reason: "waiting on the broker".into(),
        };
        let paused = decide(&placed, &pause, &HoldFacts::default(), "x", at(30)).unwrap();
        assert_eq!(paused.paused_since, Some(to_millis(at(30))));
        let mut waiting = placed.clone();
        waiting.paused_since = Some(at(30));
        assert!(decide(&waiting, &pause, &HoldFacts::default(), "x", at(31)).is_err());
        let resumed = decide(
            &waiting,
            &HoldCommand::Resume,
            &HoldFacts::default(),
            "x",
            at(50),
        )
        .unwrap();
        assert_eq!(
            (resumed.paused_since, resumed.paused_ms),
            (None, 20 * 60_000)
        );
        assert!(
            decide(
                &placed,
                &HoldCommand::Resume,
                &HoldFacts::default(),
                "x",
                at(50)
            )
            .is_err()
        );
        let released = decide(&waiting, &release(), &HoldFacts::default(), "x", at(40)).unwrap();
        assert_eq!(
            (released.paused_since, released.paused_ms),
            (None, 10 * 60_000)
        );
        let closed = hold(HoldStatus::Released);
        assert!(decide(&closed, &pause, &HoldFacts::default(), "x", at(50)).is_err());
        let note = HoldCommand::Note {
            text: "goods moved to bay 4".into(),
        };
        assert_eq!(
            decide(&closed, &note, &HoldFacts::default(), "x", at(50))
                .unwrap()
                .action,
            "note_added"
        );
    }

    #[test]
    fn a_referral_names_its_agency() {
        let refer = |agency: &str| HoldCommand::Refer {
            agency: agency.into(),
            reason: "food safety".into(),
        };
        let change = decide(
            &hold(HoldStatus::Placed),
            &refer("  CFIA "),
            &HoldFacts::default(),
            "x",
            at(1),
        )
        .unwrap();
        assert_eq!(change.agency.as_deref(), Some("CFIA"));
        let err = decide(
            &hold(HoldStatus::Placed),
            &refer(" "),
            &HoldFacts::default(),
            "x",
            at(1),
        );
        assert!(matches!(err, Err(AppError::Invalid { field, .. }) if field == "agency"));
    }

    #[test]
    fn reasons_are_required_where_the_record_must_say_why() {
        assert!(
            HoldCommand::Release { reason: " ".into() }
                .reason()
                .is_err()
        );
        assert_eq!(
            HoldCommand::ApproveSeizure {
                reason: String::new()
            }
            .reason()
            .unwrap(),
            ""
        );
        assert!(matches!(
            HoldCommand::Note { text: String::new() }.reason(),
            Err(AppError::Invalid { field, .. }) if field == "text"
        ));
    }

    #[test]
    fn goods_already_released_are_not_held() {
        let goods = |status| Goods {
            shipment_id: 1,
            port_code: "YVR".into(),
            status,
            reference: "AWB 176-12345675".into(),
            hs_code: "851713".into(),
        };
        assert!(may_hold(&goods(ShipmentStatus::Arrived)).is_ok());
        assert_eq!(
            may_hold(&goods(ShipmentStatus::Released)).unwrap_err(),
            AppError::Conflict {
                message: "shipment AWB 176-12345675 is released; only goods not yet released \
                          can be held"
                    .into()
            }
        );
        assert_eq!(
            shipment_status(1, Some(HoldStatus::Seized)),
            ShipmentStatus::Held
        );
        assert_eq!(
            shipment_status(0, Some(HoldStatus::Seized)),
            ShipmentStatus::Seized
        );
        assert_eq!(shipment_status(0, None), ShipmentStatus::Released);
    }
}
