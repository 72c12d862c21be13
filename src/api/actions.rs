//! The actions under `/api/v1`: the same engine as the screens (`app::actions::db`), with
//! resource-shaped paths and JSON bodies. A body may carry the `version` the caller saw; the
//! answer is the record as it now is, with its new version.

use crate::auth::Authenticated;
use app::actions::{
    HandoverReport, HandoverRequest, HoldCommand, InspectionCommand, NewHold, NewInspection,
    OfficerLoad, db,
};
use app::domain::{Action, InspectionKind, Outcome, Priority};
use app::holds::HoldRow;
use app::inspections::InspectionRow;
use app::{AppError, state::AppState};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    routing::{MethodRouter, post},
};
use chrono::Utc;
use serde::{Deserialize, de::DeserializeOwned};

/// Every field any action reads; each action takes what it needs and names what is missing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    notes: String,
    agency: Option<String>,
    version: Option<i64>,
    officer_id: Option<i64>,
    outcome: Option<Outcome>,
    follow_up: Option<InspectionKind>,
    priority: Option<Priority>,
}

/// A JSON body, or an empty one; a body that cannot be read is a 422 that says why.
fn parse<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, AppError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| AppError::invalid("body", e.to_string()))
}

fn parse_required<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, AppError> {
    serde_json::from_slice(bytes).map_err(|e| AppError::invalid("body", e.to_string()))
}

/// The route of one action on a hold: `POST …/holds/{id}/<action>`, its body read into
/// `command`.
pub fn on_hold(command: fn(Body) -> Result<HoldCommand, AppError>) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>,
              Authenticated(caller): Authenticated,
              Path(raw): Path<String>,
              body: Bytes| async move {
            let id = super::parse_id(&raw, "hold")?;
            let body: Body = parse(&body)?;
            let version = body.version;
            let command = command(body)?;
            let hold =
                db::hold_action(&state.db.pool, &caller, id, command, version, Utc::now()).await?;
            Ok::<_, AppError>(Json(hold))
        },
    )
}

/// The route of one action on an inspection: `POST …/inspections/{id}/<action>`.
pub fn on_inspection(
    command: fn(Body) -> Result<InspectionCommand, AppError>,
) -> MethodRouter<AppState> {
    post(
        move |State(state): State<AppState>,
              Authenticated(caller): Authenticated,
              Path(raw): Path<String>,
              body: Bytes| async move {
            let id = super::parse_id(&raw, "inspection")?;
            let body: Body = parse(&body)?;
            let version = body.version;
            let command = command(body)?;
            let item =
                db::inspection_action(&state.db.pool, &caller, id, command, version, Utc::now())
                    .await?;
            Ok::<_, AppError>(Json(item))
        },
    )
}

pub fn release(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Release { reason: b.reason })
}

pub fn request_seizure(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::RequestSeizure { reason: b.reason })
}

pub fn approve_seizure(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::ApproveSeizure { reason: b.reason })
}

pub fn refer(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Refer {
        agency: b.agency.unwrap_or_default(),
        reason: b.reason,
    })
}

pub fn note(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Note { text: b.text })
}

pub fn pause(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Pause { reason: b.reason })
}

pub fn resume(_: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Resume)
}

pub fn claim(_: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Claim)
}

pub fn assign(b: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Assign {
        officer_id: b.officer_id,
    })
}

pub fn start(_: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Start)
}

pub fn complete(b: Body) -> Result<InspectionCommand, AppError> {
    let outcome = b.outcome.ok_or_else(|| {
        AppError::invalid(
            "outcome",
            format!("say what was found: one of {}", Outcome::codes()),
        )
    })?;
    Ok(InspectionCommand::Complete {
        outcome,
        notes: b.notes,
        follow_up: b.follow_up,
    })
}

pub fn cancel(b: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Cancel { reason: b.reason })
}

pub fn priority(b: Body) -> Result<InspectionCommand, AppError> {
    let priority = b.priority.ok_or_else(|| {
        AppError::invalid("priority", format!("choose one of {}", Priority::codes()))
    })?;
    Ok(InspectionCommand::Priority {
        priority,
        reason: b.reason,
    })
}

/// `POST /api/v1/holds` `{"shipment_id", "reason", "notes"}`: 201 with the new hold.
pub async fn place_hold(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<(StatusCode, Json<HoldRow>), AppError> {
    let request: NewHold = parse_required(&body)?;
    let hold = db::place_hold(&state.db.pool, &caller, &request, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(hold)))
}

/// `POST /api/v1/inspections` `{"hold_id", "kind", "priority"}`: 201 with the new inspection.
pub async fn open_inspection(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<(StatusCode, Json<InspectionRow>), AppError> {
    let request: NewInspection = parse_required(&body)?;
    let row = db::open_inspection(&state.db.pool, &caller, &request, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// `POST /api/v1/handover` `{"port", "from_officer_id", "to_officer_id" (or null), "reason"}`.
pub async fn handover(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<Json<HandoverReport>, AppError> {
    let request: HandoverRequest = parse_required(&body)?;
    Ok(Json(
        db::handover(&state.db.pool, &caller, &request, Utc::now()).await?,
    ))
}

/// `GET /api/v1/ports/{code}/workload`: the port's officers and their open work.
pub async fn workload(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
) -> Result<Json<Vec<OfficerLoad>>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    Ok(Json(db::workload(&state.db.pool, &code, Utc::now()).await?))
}
