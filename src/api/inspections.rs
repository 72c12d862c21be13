//! Inspections under `/api/v1`: the queue (same filters as `/inspections`), the actions on
//! inspections and the shift handover, through the same engine as the screens
//! (`app::actions::db`). An action's body may carry the `version` the caller saw; the answer
//! is the inspection as it now is, with its new version.

use super::body::{ActionBody, json, json_or_default};
use super::responses::{BadBody, BadQuery, Paging, Refusals};
use crate::auth::Authenticated;
use crate::state::ServerState;
use app::domain::{Action, Outcome, Priority};
use app::inspections::{
    HandoverReport, HandoverRequest, InspectionCommand, NewInspection, act as engine,
};
use app::{
    AppError, ErrorBody,
    inspections::{self, InspectionFilter, InspectionRow},
    paging::Page,
    state::AppState,
};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    routing::{MethodRouter, get, post},
};
use chrono::Utc;
use utoipa::{IntoParams, IntoResponses};

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    open_inspection,
    claim,
    assign,
    start,
    complete,
    cancel,
    priority,
    handover,
))]
pub struct Docs;

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/inspections", get(list).post(open_inspection))
        .route("/inspections/{id}/claim", on_inspection(claim))
        .route("/inspections/{id}/assign", on_inspection(assign))
        .route("/inspections/{id}/start", on_inspection(start))
        .route("/inspections/{id}/complete", on_inspection(complete))
        .route("/inspections/{id}/cancel", on_inspection(cancel))
        .route("/inspections/{id}/priority", on_inspection(priority))
        .route("/handover", post(handover))
}

/// The path of an inspection.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct InspectionId {
    /// The inspection's id
    id: i64,
}

/// What an action on an inspection answers, besides [`Refusals`].
#[derive(IntoResponses)]
// Never built: the variants' sizes do not matter.
#[allow(dead_code, clippy::large_enum_variant)]
enum InspectionChanged {
    /// The inspection as it now is, with its new version
    #[response(status = 200)]
    Changed(InspectionRow),
    /// No inspection has this id.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The inspection changed since the `version` sent (`code` `stale`, with the inspection
    /// as it now is in `current`), or its status does not allow this action (`conflict`).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body cannot be read, or a field is missing or wrong; `field` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// The inspection queue, filtered and paged as on the board's inspections page: by priority,
/// then due time.
#[utoipa::path(
    get,
    path = "/inspections",
    tag = "inspections",
    params(
        ("port" = Option<String>, Query, description = "A port code, e.g. `YVR`"),
        ("kind" = Option<app::domain::InspectionKind>, Query, description = "The kind of examination"),
        ("status" = Option<String>, Query, description = "`open` (the default: queued, assigned or in progress), `all`, or one inspection status"),
        ("priority" = Option<app::domain::Priority>, Query, description = "Only this priority"),
        ("overdue" = Option<bool>, Query, description = "Only items past their due time"),
        Paging,
    ),
    responses(
        (status = 200, description = "One page of the queue", body = Page<InspectionRow>),
        BadQuery,
        Refusals,
    )
)]
async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<InspectionRow>>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    let pairs = super::query_pairs(raw);
    let filter = InspectionFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    Ok(Json(
        inspections::db::list(&state.db.pool, &filter, Utc::now()).await?,
    ))
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
        BadBody,
        Refusals,
    )
)]
async fn open_inspection(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<(StatusCode, Json<InspectionRow>), AppError> {
    let request: NewInspection = json(&body)?;
    let row = engine::open_inspection(&state.db.pool, &caller, &request, Utc::now()).await?;
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
        BadBody,
        Refusals,
    )
)]
async fn handover(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    body: Bytes,
) -> Result<Json<HandoverReport>, AppError> {
    let request: HandoverRequest = json(&body)?;
    Ok(Json(
        engine::handover(&state.db.pool, &caller, &request, Utc::now()).await?,
    ))
}

/// The route of one action on an inspection: `POST …/inspections/{id}/<action>`, its body
/// read into `command` (which names a field it needs and did not get).
fn on_inspection(
    command: fn(ActionBody) -> Result<InspectionCommand, AppError>,
) -> MethodRouter<ServerState> {
    post(
        move |State(state): State<AppState>,
              Authenticated(caller): Authenticated,
              Path(raw): Path<String>,
              body: Bytes| async move {
            let id = super::parse_id(&raw, "inspection")?;
            let body: ActionBody = json_or_default(&body)?;
            let version = body.version;
            let command = command(body)?;
            let item = engine::inspection_action(
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

// Each action below is documented by its path and what it reads; every one answers
// `InspectionChanged` and the `Refusals`.

/// The signed-in officer takes the inspection.
#[utoipa::path(post, path = "/inspections/{id}/claim", tag = "inspections", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `version`; may be empty."),
    responses(InspectionChanged, Refusals))]
fn claim(_: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Claim)
}

/// A supervisor gives the inspection to an officer of its port, or back to the queue.
#[utoipa::path(post, path = "/inspections/{id}/assign", tag = "inspections", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `officer_id` (`null`: back to the queue) and `version`."),
    responses(InspectionChanged, Refusals))]
fn assign(b: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Assign {
        officer_id: b.officer_id,
    })
}

/// The assigned officer starts the examination.
#[utoipa::path(post, path = "/inspections/{id}/start", tag = "inspections", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `version`; may be empty."),
    responses(InspectionChanged, Refusals))]
fn start(_: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Start)
}

/// Records the examination's outcome.
#[utoipa::path(post, path = "/inspections/{id}/complete", tag = "inspections", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `outcome` (required), `notes`, `follow_up` (when inconclusive) and `version`."),
    responses(InspectionChanged, Refusals))]
fn complete(b: ActionBody) -> Result<InspectionCommand, AppError> {
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
#[utoipa::path(post, path = "/inspections/{id}/cancel", tag = "inspections", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `reason` and `version`."),
    responses(InspectionChanged, Refusals))]
fn cancel(b: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Cancel { reason: b.reason })
}

/// Changes the inspection's priority.
#[utoipa::path(post, path = "/inspections/{id}/priority", tag = "inspections", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `priority` (required), `reason` and `version`."),
    responses(InspectionChanged, Refusals))]
fn priority(b: ActionBody) -> Result<InspectionCommand, AppError> {
    let priority = b.priority.ok_or_else(|| {
        AppError::invalid("priority", format!("choose one of {}", Priority::codes()))
    })?;
    Ok(InspectionCommand::Priority {
        priority,
        reason: b.reason,
    })
}
