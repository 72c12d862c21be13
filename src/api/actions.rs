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

fn id(raw: &str, what: &str) -> Result<i64, AppError> {
    super::parse_id(raw, what)
}

async fn on_hold(
    state: &AppState,
    caller: &app::auth::server::Caller,
    raw: &str,
    body: &Bytes,
    command: impl FnOnce(Body) -> Result<HoldCommand, AppError>,
) -> Result<Json<HoldRow>, AppError> {
    let id = id(raw, "hold")?;
    let body: Body = parse(body)?;
    let version = body.version;
    let command = command(body)?;
    Ok(Json(
        db::hold_action(&state.db.pool, caller, id, command, version, Utc::now()).await?,
    ))
}

async fn on_inspection(
    state: &AppState,
    caller: &app::auth::server::Caller,
    raw: &str,
    body: &Bytes,
    command: impl FnOnce(Body) -> Result<InspectionCommand, AppError>,
) -> Result<Json<InspectionRow>, AppError> {
    let id = id(raw, "inspection")?;
    let body: Body = parse(body)?;
    let version = body.version;
    let command = command(body)?;
    Ok(Json(
        db::inspection_action(&state.db.pool, caller, id, command, version, Utc::now()).await?,
    ))
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

pub async fn release(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<HoldRow>, AppError> {
    on_hold(&state, &caller, &raw, &body, |b| {
        Ok(HoldCommand::Release { reason: b.reason })
    })
    .await
}

pub async fn request_seizure(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<HoldRow>, AppError> {
    on_hold(&state, &caller, &raw, &body, |b| {
        Ok(HoldCommand::RequestSeizure { reason: b.reason })
    })
    .await
}

pub async fn approve_seizure(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<HoldRow>, AppError> {
    on_hold(&state, &caller, &raw, &body, |b| {
        Ok(HoldCommand::ApproveSeizure { reason: b.reason })
    })
    .await
}

pub async fn refer(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<HoldRow>, AppError> {
    on_hold(&state, &caller, &raw, &body, |b| {
        Ok(HoldCommand::Refer {
            agency: b.agency.unwrap_or_default(),
            reason: b.reason,
        })
    })
    .await
}

pub async fn hold_note(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<HoldRow>, AppError> {
    on_hold(&state, &caller, &raw, &body, |b| {
        Ok(HoldCommand::Note { text: b.text })
    })
    .await
}

pub async fn pause(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<HoldRow>, AppError> {
    on_hold(&state, &caller, &raw, &body, |b| {
        Ok(HoldCommand::Pause { reason: b.reason })
    })
    .await
}

pub async fn resume(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<HoldRow>, AppError> {
    on_hold(&state, &caller, &raw, &body, |_| Ok(HoldCommand::Resume)).await
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

pub async fn claim(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<InspectionRow>, AppError> {
    on_inspection(&state, &caller, &raw, &body, |_| {
        Ok(InspectionCommand::Claim)
    })
    .await
}

pub async fn assign(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<InspectionRow>, AppError> {
    on_inspection(&state, &caller, &raw, &body, |b| {
        Ok(InspectionCommand::Assign {
            officer_id: b.officer_id,
        })
    })
    .await
}

pub async fn start(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<InspectionRow>, AppError> {
    on_inspection(&state, &caller, &raw, &body, |_| {
        Ok(InspectionCommand::Start)
    })
    .await
}

pub async fn complete(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<InspectionRow>, AppError> {
    on_inspection(&state, &caller, &raw, &body, |b| {
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
    })
    .await
}

pub async fn cancel(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<InspectionRow>, AppError> {
    on_inspection(&state, &caller, &raw, &body, |b| {
        Ok(InspectionCommand::Cancel { reason: b.reason })
    })
    .await
}

pub async fn priority(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(raw): Path<String>,
    body: Bytes,
) -> Result<Json<InspectionRow>, AppError> {
    on_inspection(&state, &caller, &raw, &body, |b| {
        let priority = b.priority.ok_or_else(|| {
            AppError::invalid("priority", format!("choose one of {}", Priority::codes()))
        })?;
        Ok(InspectionCommand::Priority {
            priority,
            reason: b.reason,
        })
    })
    .await
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
