//! What officers and supervisors do to holds and inspections: the requests (shared by the
//! screens, the server functions and the JSON API) and, on the server, the one engine that
//! checks authority, the status rules and the version, then writes the change and its journal
//! entry in one transaction.

use crate::domain::{HoldReason, InspectionKind, Outcome, Priority};
use crate::error::AppError;
use crate::holds::HoldRow;
use crate::inspections::InspectionRow;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod page;

/// The longest reason or note, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Trims a reason or note and checks its length; `required` refuses an empty one.
pub fn check_text(field: &str, text: &str, required: bool) -> Result<String, AppError> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(AppError::invalid(
            field,
            "say why: this is kept in the record",
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::invalid(
            field,
            format!("at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(text.to_string())
}

/// Place a hold on a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewHold {
    pub shipment_id: i64,
    pub reason: HoldReason,
    #[serde(default)]
    pub notes: String,
}

/// What can be done to a hold after it is placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum HoldCommand {
    Release { reason: String },
    RequestSeizure { reason: String },
    ApproveSeizure { reason: String },
    Refer { agency: String, reason: String },
    Note { text: String },
    Pause { reason: String },
    Resume,
}

/// Open an inspection of the goods a hold stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewInspection {
    pub hold_id: i64,
    pub kind: InspectionKind,
    #[serde(default = "normal")]
    pub priority: Priority,
}

fn normal() -> Priority {
    Priority::Normal
}

/// What can be done to an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum InspectionCommand {
    /// The signed-in officer takes it.
    Claim,
    /// A supervisor gives it to an officer of its port, or (`None`) back to the queue.
    Assign {
        officer_id: Option<i64>,
    },
    Start,
    /// `follow_up` names the next kind of inspection when the outcome is inconclusive.
    Complete {
        outcome: Outcome,
        #[serde(default)]
        notes: String,
        #[serde(default)]
        follow_up: Option<InspectionKind>,
    },
    Cancel {
        reason: String,
    },
    Priority {
        priority: Priority,
        reason: String,
    },
}

/// Move every open item of one officer at a port to another officer, or back to the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HandoverRequest {
    pub port: String,
    pub from_officer_id: i64,
    /// `None`: back to the queue.
    pub to_officer_id: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

/// What a handover moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HandoverReport {
    pub moved: Vec<i64>,
}

/// An officer of a port and how much open work they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OfficerLoad {
    pub officer_id: i64,
    pub name: String,
    pub badge: String,
    pub on_shift: bool,
    pub assigned: i64,
    pub in_progress: i64,
    pub overdue: i64,
}

impl OfficerLoad {
    /// Items assigned or under way.
    pub fn open(&self) -> i64 {
        self.assigned + self.in_progress
    }
}

#[server(prefix = "/rpc", endpoint = "place_hold", input = Json)]
pub async fn place_hold(request: NewHold) -> Result<HoldRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    db::place_hold(&state.db.pool, &caller, &request, chrono::Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "hold_action", input = Json)]
pub async fn hold_action(
    hold_id: i64,
    command: HoldCommand,
    version: Option<i64>,
) -> Result<HoldRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    db::hold_action(
        &state.db.pool,
        &caller,
        hold_id,
        command,
        version,
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "open_inspection", input = Json)]
pub async fn open_inspection(request: NewInspection) -> Result<InspectionRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    db::open_inspection(&state.db.pool, &caller, &request, chrono::Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "inspection_action", input = Json)]
pub async fn inspection_action(
    inspection_id: i64,
    command: InspectionCommand,
    version: Option<i64>,
) -> Result<InspectionRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    db::inspection_action(
        &state.db.pool,
        &caller,
        inspection_id,
        command,
        version,
        chrono::Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "handover", input = Json)]
pub async fn handover(request: HandoverRequest) -> Result<HandoverReport, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    db::handover(&state.db.pool, &caller, &request, chrono::Utc::now()).await
}

/// The officers of a port with their open work, busiest first.
#[server(prefix = "/rpc", endpoint = "workload")]
pub async fn workload(port: String) -> Result<Vec<OfficerLoad>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::workload(&state.db.pool, &port, chrono::Utc::now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_trimmed_required_and_bounded() {
        assert_eq!(
            check_text("reason", "  docs received ", true).unwrap(),
            "docs received"
        );
        assert!(check_text("reason", "   ", true).is_err());
        assert_eq!(check_text("notes", "", false).unwrap(), "");
        let long = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(matches!(
            check_text("notes", &long, false),
            Err(AppError::Invalid { field, .. }) if field == "notes"
        ));
    }

    #[test]
    fn commands_read_as_the_api_writes_them() {
        let c: HoldCommand =
            serde_json::from_str(r#"{"action":"release","reason":"documents received"}"#).unwrap();
        assert_eq!(
            c,
            HoldCommand::Release {
                reason: "documents received".into()
            }
        );
        let c: InspectionCommand = serde_json::from_str(
            r#"{"action":"complete","outcome":"inconclusive","follow_up":"xray"}"#,
        )
        .unwrap();
        assert!(matches!(
            c,
            InspectionCommand::Complete {
                outcome: Outcome::Inconclusive,
                follow_up: Some(InspectionKind::Xray),
                ..
            }
        ));
    }
}
