//! The actions under `/api/v1`: the same engine as the screens (`app::holds::act`, `app::inspections::act`), with
//! resource-shaped paths and JSON bodies. A body may carry the `version` the caller saw; the
//! answer is the record as it now is, with its new version.

use super::docs::{HoldActionRefusals, InspectionActionRefusals, Refusals};
use crate::auth::Authenticated;
use crate::state::ServerState;
use app::domain::{Action, InspectionKind, Outcome, Priority};
use app::holds::HoldRow;
use app::holds::{HoldCommand, NewHold, act as hold_ops};
use app::inspections::InspectionRow;
use app::inspections::{
    HandoverReport, HandoverRequest, InspectionCommand, NewInspection, OfficerLoad,
    act as inspection_ops, db as inspections,
};
use app::{AppError, ErrorBody, state::AppState};
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
/// Fields an action does not read are ignored; fields no action reads are refused.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ActionBody)]
pub struct Body {
    /// Why: the reason recorded in the journal.
    #[serde(default)]
    reason: String,
    /// A note's text.
    #[serde(default)]
    text: String,
    /// The examiner's notes on completing an inspection.
    #[serde(default)]
    notes: String,
    /// The agency a hold is referred to.
    agency: Option<String>,
    /// The version of the record the caller saw: when it has changed since, nothing is
    /// done and the answer is 409 with the record as it now is.
    version: Option<i64>,
    /// The officer to assign; `null` puts the item back in the queue.
    officer_id: Option<i64>,
    outcome: Option<Outcome>,
    /// The next kind of inspection, when the outcome is inconclusive.
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
pub fn on_hold(command: fn(Body) -> Result<HoldCommand, AppError>) -> MethodRouter<ServerState> {
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
                hold_ops::hold_action(&state.db.pool, &caller, id, command, version, Utc::now())
                    .await?;
            Ok::<_, AppError>(Json(hold))
        },
    )
}

/// The route of one action on an inspection: `POST …/inspections/{id}/<action>`.
pub fn on_inspection(
    command: fn(Body) -> Result<InspectionCommand, AppError>,
) -> MethodRouter<ServerState> {
    post(
        move |State(state): State<AppState>,
              Authenticated(caller): Authenticated,
              Path(raw): Path<String>,
              body: Bytes| async move {
            let id = super::parse_id(&raw, "inspection")?;
            let body: Body = parse(&body)?;
            let version = body.version;
            let command = command(body)?;
            let item = inspection_ops::inspection_action(
                &state.db.pool,
                &caller,
                id,
                command,
                version,
                Utc::now(),
            )
            .await?;
            Ok::<_, AppError>(Json(item))
        },
    )
}

/// Releases the goods: the hold ends.
#[utoipa::path(
    post,
    path = "/holds/{id}/release",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    request_body(content = Option<Body>, description = "Reads `reason` and `version`."),
    responses(
        (status = 200, description = "The hold as it now is, with its new version", body = HoldRow),
        HoldActionRefusals,
        Refusals,
    )
)]
pub fn release(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Release { reason: b.reason })
}

/// Asks for the goods to be seized (a supervisor approves).
#[utoipa::path(
    post,
    path = "/holds/{id}/seizure",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    request_body(content = Option<Body>, description = "Reads `reason` and `version`."),
    responses(
        (status = 200, description = "The hold as it now is, with its new version", body = HoldRow),
        HoldActionRefusals,
        Refusals,
    )
)]
pub fn request_seizure(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::RequestSeizure { reason: b.reason })
}

/// Approves a requested seizure: the hold ends with the goods seized.
#[utoipa::path(
    post,
    path = "/holds/{id}/seizure/approve",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    request_body(content = Option<Body>, description = "Reads `reason` and `version`."),
    responses(
        (status = 200, description = "The hold as it now is, with its new version", body = HoldRow),
        HoldActionRefusals,
        Refusals,
    )
)]
pub fn approve_seizure(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::ApproveSeizure { reason: b.reason })
}

/// Refers the hold to another agency.
#[utoipa::path(
    post,
    path = "/holds/{id}/referral",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    request_body(content = Option<Body>, description = "Reads `agency`, `reason` and `version`."),
    responses(
        (status = 200, description = "The hold as it now is, with its new version", body = HoldRow),
        HoldActionRefusals,
        Refusals,
    )
)]
pub fn refer(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Refer {
        agency: b.agency.unwrap_or_default(),
        reason: b.reason,
    })
}

/// Adds a note to the hold.
#[utoipa::path(
    post,
    path = "/holds/{id}/notes",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    request_body(content = Option<Body>, description = "Reads `text` and `version`."),
    responses(
        (status = 200, description = "The hold as it now is, with its new version", body = HoldRow),
        HoldActionRefusals,
        Refusals,
    )
)]
pub fn note(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Note { text: b.text })
}

/// Pauses the hold's service clock: the port is waiting on the trader.
#[utoipa::path(
    post,
    path = "/holds/{id}/pause",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    request_body(content = Option<Body>, description = "Reads `reason` and `version`."),
    responses(
        (status = 200, description = "The hold as it now is, with its new version", body = HoldRow),
        HoldActionRefusals,
        Refusals,
    )
)]
pub fn pause(b: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Pause { reason: b.reason })
}

/// Restarts a paused service clock.
#[utoipa::path(
    post,
    path = "/holds/{id}/resume",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    request_body(content = Option<Body>, description = "Reads `version`; may be empty."),
    responses(
        (status = 200, description = "The hold as it now is, with its new version", body = HoldRow),
        HoldActionRefusals,
        Refusals,
    )
)]
pub fn resume(_: Body) -> Result<HoldCommand, AppError> {
    Ok(HoldCommand::Resume)
}

/// The signed-in officer takes the inspection.
#[utoipa::path(
    post,
    path = "/inspections/{id}/claim",
    tag = "inspections",
    params(("id" = i64, Path, description = "The inspection's id")),
    request_body(content = Option<Body>, description = "Reads `version`; may be empty."),
    responses(
        (status = 200, description = "The inspection as it now is, with its new version", body = InspectionRow),
        InspectionActionRefusals,
        Refusals,
    )
)]
pub fn claim(_: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Claim)
}

/// A supervisor gives the inspection to an officer of its port, or back to the queue.
#[utoipa::path(
    post,
    path = "/inspections/{id}/assign",
    tag = "inspections",
    params(("id" = i64, Path, description = "The inspection's id")),
    request_body(content = Option<Body>, description = "Reads `officer_id` (`null`: back to the queue) and `version`."),
    responses(
        (status = 200, description = "The inspection as it now is, with its new version", body = InspectionRow),
        InspectionActionRefusals,
        Refusals,
    )
)]
pub fn assign(b: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Assign {
        officer_id: b.officer_id,
    })
}

/// The assigned officer starts the examination.
#[utoipa::path(
    post,
    path = "/inspections/{id}/start",
    tag = "inspections",
    params(("id" = i64, Path, description = "The inspection's id")),
    request_body(content = Option<Body>, description = "Reads `version`; may be empty."),
    responses(
        (status = 200, description = "The inspection as it now is, with its new version", body = InspectionRow),
        InspectionActionRefusals,
        Refusals,
    )
)]
pub fn start(_: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Start)
}

/// Records the examination's outcome.
#[utoipa::path(
    post,
    path = "/inspections/{id}/complete",
    tag = "inspections",
    params(("id" = i64, Path, description = "The inspection's id")),
    request_body(content = Option<Body>, description = "Reads `outcome` (required), `notes`, `follow_up` (when inconclusive) and `version`."),
    responses(
        (status = 200, description = "The inspection as it now is, with its new version", body = InspectionRow),
        InspectionActionRefusals,
        Refusals,
    )
)]
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

/// Cancels the inspection.
#[utoipa::path(
    post,
    path = "/inspections/{id}/cancel",
    tag = "inspections",
    params(("id" = i64, Path, description = "The inspection's id")),
    request_body(content = Option<Body>, description = "Reads `reason` and `version`."),
    responses(
        (status = 200, description = "The inspection as it now is, with its new version", body = InspectionRow),
        InspectionActionRefusals,
        Refusals,
    )
)]
pub fn cancel(b: Body) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Cancel { reason: b.reason })
}

/// Changes the inspection's priority.
#[utoipa::path(
    post,
    path = "/inspections/{id}/priority",
    tag = "inspections",
    params(("id" = i64, Path, description = "The inspection's id")),
    request_body(content = Option<Body>, description = "Reads `priority` (required), `reason` and `version`."),
    responses(
        (status = 200, description = "The inspection as it now is, with its new version", body = InspectionRow),
        InspectionActionRefusals,
        Refusals,
    )
)]
pub fn priority(b: Body) -> Result<InspectionCommand, AppError> {
    let priority = b.priority.ok_or_else(|| {
        AppError::invalid("priority", format!("choose one of {}", Priority::codes()))
    })?;
    Ok(InspectionCommand::Priority {
        priority,
        reason: b.reason,
    })
}

/// Places a hold on a shipment.
#[utoipa::path(
    post,
    path = "/holds",
    tag = "holds",
    request_body = NewHold,
    responses(
        (status = 201, description = "The new hold", body = HoldRow),
        (status = 404, description = "No shipment has this id", body = ErrorBody),
        (status = 409, description = "The shipment cannot be held now (e.g. it already is)", body = ErrorBody),
        (status = 422, description = "The body cannot be read, or a field is wrong; `field` names it", body = ErrorBody),
        Refusals,
    )
)]
pub async fn place_hold(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<(StatusCode, Json<HoldRow>), AppError> {
    let request: NewHold = parse_required(&body)?;
    let hold = hold_ops::place_hold(&state.db.pool, &caller, &request, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(hold)))
}

/// Opens an inspection of the goods a hold stops.
#[utoipa::path(
    post,
    path = "/inspections",
    tag = "inspections",
    request_body = NewInspection,
    responses(
        (status = 201, description = "The new inspection, queued", body = InspectionRow),
        (status = 404, description = "No hold has this id", body = ErrorBody),
        (status = 409, description = "The hold cannot be inspected now (e.g. it has ended)", body = ErrorBody),
        (status = 422, description = "The body cannot be read, or a field is wrong; `field` names it", body = ErrorBody),
        Refusals,
    )
)]
pub async fn open_inspection(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<(StatusCode, Json<InspectionRow>), AppError> {
    let request: NewInspection = parse_required(&body)?;
    let row =
        inspection_ops::open_inspection(&state.db.pool, &caller, &request, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Moves every open item of one officer at a port to another officer, or back to the queue
/// (a supervisor of the port).
#[utoipa::path(
    post,
    path = "/handover",
    tag = "inspections",
    request_body = HandoverRequest,
    responses(
        (status = 200, description = "The inspections that moved", body = HandoverReport),
        (status = 404, description = "The port or an officer does not exist", body = ErrorBody),
        (status = 409, description = "The handover cannot be made (e.g. the officer is not of this port)", body = ErrorBody),
        (status = 422, description = "The body cannot be read, or a field is wrong; `field` names it", body = ErrorBody),
        Refusals,
    )
)]
pub async fn handover(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<Json<HandoverReport>, AppError> {
    let request: HandoverRequest = parse_required(&body)?;
    Ok(Json(
        inspection_ops::handover(&state.db.pool, &caller, &request, Utc::now()).await?,
    ))
}

/// The port's officers and the open work each holds, busiest first (none for a code no port
/// has).
#[utoipa::path(
    get,
    path = "/ports/{code}/workload",
    tag = "ports",
    params(("code" = String, Path, description = "The port's code, e.g. `YVR`")),
    responses(
        (status = 200, description = "One row per officer of the port", body = Vec<OfficerLoad>),
        Refusals,
    )
)]
pub async fn workload(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
) -> Result<Json<Vec<OfficerLoad>>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    Ok(Json(
        inspections::workload(&state.db.pool, &code, Utc::now()).await?,
    ))
}
