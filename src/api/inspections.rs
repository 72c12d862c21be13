//! Inspections under `/api/v1`: the queue (same filters as `/inspections`), the actions on
//! inspections and the shift handover, through the same engine as the screens
//! (`app::actions::db`). An action's body may carry the `version` the caller saw; the answer
//! is the inspection as it now is, with its new version.

use super::body::{ActionBody, JsonBody, json_or_default};
use super::csv::{self, Format};
use super::extract::{Allowed, QueryParams, Read, Signed};
use super::replay::{self, ReplayAt};
use super::responses::{Area, BadBody, BadQuery, CsvBusy, CsvFormat, Paging};
use crate::state::ServerState;
use app::domain::{Outcome, Priority};
use app::i18n::td_string;
use app::inspections::{
    HandoverReport, HandoverRequest, InspectionCommand, NewInspection, act as engine,
};
use app::lang::current;
use app::{
    AppError, ErrorBody,
    inspections::{self, InspectionFilter, InspectionRow},
    paging::Page,
};
use axum::{
    Json, Router,
    body::Bytes,
    extract::Path,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
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
),
    modifiers(&AREA)
)]
pub struct Docs;

const AREA: Area = Area("inspections");

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

/// What an action on an inspection answers, besides the [`Refusals`](super::responses::Refusals).
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
/// then due time; or, in CSV, every item the filter matches, in the same order.
#[utoipa::path(
    get,
    path = "/inspections",
    params(
        ("port" = Option<String>, Query, description = "A port code, e.g. `YVR`"),
        ("kind" = Option<app::domain::InspectionKind>, Query, description = "The kind of examination"),
        ("status" = Option<String>, Query, description = "`open` (the default: queued, assigned or in progress), `all`, or one inspection status"),
        ("priority" = Option<app::domain::Priority>, Query, description = "Only this priority"),
        ("overdue" = Option<bool>, Query, description = "Only items past their due time"),
        Paging,
        CsvFormat,
        ReplayAt,
    ),
    responses(
        (status = 200, description = "One page of the queue (JSON), or every item the filter matches (CSV, the columns of `InspectionRow`, the assigned officer as `assigned_officer_id`, `_name` and `_badge`)",
            content((Page<InspectionRow> = "application/json"), (String = "text/csv")),
            headers(("content-disposition" = String, description = "In CSV: `attachment; filename=\"inspections-<UTC time>.csv\"`"))),
        CsvBusy,
        BadQuery,
    )
)]
async fn list(
    reader: Allowed<Read>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, AppError> {
    let (at, pairs) = replay::instant(reader.pool(), &query).await?;
    let (format, pairs) = csv::negotiate(&headers, pairs.into_iter())?;
    let filter = InspectionFilter::from_query(pairs)?;
    if let Some(at) = at {
        let filter = replay::whole_for_csv(format, filter, |f| &mut f.per_page);
        let page = app::replay::db::inspection_list(reader.pool(), &filter, at).await?;
        return replay::page(format, "inspections", at, &page);
    }
    let now = Utc::now();
    if format == Format::Json {
        return Ok(Json(inspections::db::list(reader.pool(), &filter, now).await?).into_response());
    }
    let pool = reader.pool().clone();
    csv::stream("inspections", now, move |last: Option<InspectionRow>| {
        let (pool, filter) = (pool.clone(), filter.clone());
        async move {
            inspections::db::after(&pool, &filter, now, last.as_ref(), csv::PART as i64).await
        }
    })
    .await
}

/// Opens an inspection of the goods a hold stops.
#[utoipa::path(
    post,
    path = "/inspections",
    request_body = NewInspection,
    responses(
        (status = 201, description = "The new inspection, queued", body = InspectionRow),
        (status = 404, description = "No hold has this id", body = ErrorBody),
        (status = 409, description = "The hold cannot be inspected now (e.g. it has ended)", body = ErrorBody),
        BadBody,
    )
)]
async fn open_inspection(
    signed: Signed,
    JsonBody(request): JsonBody<NewInspection>,
) -> Result<(StatusCode, Json<InspectionRow>), AppError> {
    let row = engine::open_inspection(signed.pool(), &signed.caller, &request, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// Moves every open item of one officer at a port to another officer, or back to the queue
/// (a supervisor of the port).
#[utoipa::path(
    post,
    path = "/handover",
    request_body = HandoverRequest,
    responses(
        (status = 200, description = "The inspections that moved", body = HandoverReport),
        (status = 404, description = "The port or an officer does not exist", body = ErrorBody),
        (status = 409, description = "The handover cannot be made (e.g. the officer is not of this port)", body = ErrorBody),
        BadBody,
    )
)]
async fn handover(
    signed: Signed,
    JsonBody(request): JsonBody<HandoverRequest>,
) -> Result<Json<HandoverReport>, AppError> {
    Ok(Json(
        engine::handover(signed.pool(), &signed.caller, &request, Utc::now()).await?,
    ))
}

/// The route of one action on an inspection: `POST …/inspections/{id}/<action>`, its body
/// read into `command` (which names a field it needs and did not get).
fn on_inspection(
    command: fn(ActionBody) -> Result<InspectionCommand, AppError>,
) -> MethodRouter<ServerState> {
    post(
        move |signed: Signed, Path(raw): Path<String>, body: Bytes| async move {
            let id = super::parse_id(&raw, "inspection")?;
            let body: ActionBody = json_or_default(&body)?;
            let version = body.version;
            let command = command(body)?;
            let item = engine::inspection_action(
                signed.pool(),
                &signed.caller,
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
// `InspectionChanged` (and, as every operation of the area, the `Refusals`).

/// The signed-in officer takes the inspection.
#[utoipa::path(post, path = "/inspections/{id}/claim", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `version`; may be empty."),
    responses(InspectionChanged))]
fn claim(_: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Claim)
}

/// A supervisor gives the inspection to an officer of its port, or back to the queue.
#[utoipa::path(post, path = "/inspections/{id}/assign", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `officer_id` (`null`: back to the queue) and `version`."),
    responses(InspectionChanged))]
fn assign(b: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Assign {
        officer_id: b.officer_id,
    })
}

/// The assigned officer starts the examination.
#[utoipa::path(post, path = "/inspections/{id}/start", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `version`; may be empty."),
    responses(InspectionChanged))]
fn start(_: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Start)
}

/// Records the examination's outcome.
#[utoipa::path(post, path = "/inspections/{id}/complete", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `outcome` (required), `notes`, `follow_up` (when inconclusive) and `version`."),
    responses(InspectionChanged))]
fn complete(b: ActionBody) -> Result<InspectionCommand, AppError> {
    let outcome = b.outcome.ok_or_else(|| {
        AppError::invalid(
            "outcome",
            td_string!(current(), api.outcome_required, codes = Outcome::codes()).to_string(),
        )
    })?;
    Ok(InspectionCommand::Complete {
        outcome,
        notes: b.notes,
        follow_up: b.follow_up,
    })
}

/// Cancels the inspection.
#[utoipa::path(post, path = "/inspections/{id}/cancel", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `reason` and `version`."),
    responses(InspectionChanged))]
fn cancel(b: ActionBody) -> Result<InspectionCommand, AppError> {
    Ok(InspectionCommand::Cancel { reason: b.reason })
}

/// Changes the inspection's priority.
#[utoipa::path(post, path = "/inspections/{id}/priority", params(InspectionId),
    request_body(content = Option<ActionBody>, description = "Reads `priority` (required), `reason` and `version`."),
    responses(InspectionChanged))]
fn priority(b: ActionBody) -> Result<InspectionCommand, AppError> {
    let priority = b.priority.ok_or_else(|| {
        AppError::invalid(
            "priority",
            td_string!(current(), api.choose_one_of, codes = Priority::codes()).to_string(),
        )
    })?;
    Ok(InspectionCommand::Priority {
        priority,
        reason: b.reason,
    })
}
