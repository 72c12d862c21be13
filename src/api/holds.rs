//! Holds under `/api/v1`: the list (same filters as `/holds`), one hold, and the actions on
//! holds, through the same engine as the screens (`app::actions::db`). An action's body may
//! carry the `version` the caller saw; the answer is the hold as it now is, with its new
//! version.

use super::body::{ActionBody, JsonBody, json_or_default};
use super::csv::{self, Format};
use super::extract::{Allowed, QueryParams, Read, Signed};
use super::replay::{self, ReplayAt};
use super::responses::{Area, BadBody, BadQuery, CsvBusy, CsvFormat, NoShipment, Paging};
use crate::state::ServerState;
use app::holds::{HoldCommand, NewHold, act as engine};
use app::{
    AppError, ErrorBody,
    holds::{self, HoldFilter, HoldRow},
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
    place_hold,
    one,
    release,
    request_seizure,
    approve_seizure,
    refer,
    note,
    pause,
    resume,
),
    modifiers(&AREA)
)]
pub struct Docs;

const AREA: Area = Area("holds");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/holds", get(list).post(place_hold))
        .route("/holds/{id}", get(one))
        .route("/holds/{id}/release", on_hold(release))
        .route("/holds/{id}/seizure", on_hold(request_seizure))
        .route("/holds/{id}/seizure/approve", on_hold(approve_seizure))
        .route("/holds/{id}/referral", on_hold(refer))
        .route("/holds/{id}/notes", on_hold(note))
        .route("/holds/{id}/pause", on_hold(pause))
        .route("/holds/{id}/resume", on_hold(resume))
}

/// The path of a hold.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct HoldId {
    /// The hold's id
    id: i64,
}

/// What an action on a hold answers, besides the [`Refusals`](super::responses::Refusals).
#[derive(IntoResponses)]
// Never built: the variants' sizes do not matter.
#[allow(dead_code, clippy::large_enum_variant)]
enum HoldChanged {
    /// The hold as it now is, with its new version
    #[response(status = 200)]
    Changed(HoldRow),
    /// No hold has this id.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The hold changed since the `version` sent (`code` `stale`, with the hold as it now
    /// is in `current`), or its status does not allow this action (`conflict`).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body cannot be read, or a field is missing or wrong; `field` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// Holds, filtered, sorted and paged as on the board's holds page; or, in CSV, every hold
/// the filter matches, in the same order.
#[utoipa::path(
    get,
    path = "/holds",
    params(
        ("port" = Option<String>, Query, description = "A port code, e.g. `YVR`"),
        ("reason" = Option<app::domain::HoldReason>, Query, description = "Why the holds were placed"),
        ("status" = Option<String>, Query, description = "`active` (the default: placed, under examination or awaiting seizure approval), `all`, or one hold status"),
        ("min_age_hours" = Option<i64>, Query, description = "Only holds placed at least this many hours ago (0 to 8760)"),
        ("sort" = Option<String>, Query, description = "`dwell_desc` (the default: longest dwell first), `dwell_asc`, `due` (most overdue first) or `port`"),
        Paging,
        CsvFormat,
        ReplayAt,
    ),
    responses(
        (status = 200, description = "One page of holds (JSON), or every hold the filter matches (CSV, the columns of `HoldRow`)",
            content((Page<HoldRow> = "application/json"), (String = "text/csv")),
            headers(("content-disposition" = String, description = "In CSV: `attachment; filename=\"holds-<UTC time>.csv\"`"))),
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
    let filter = HoldFilter::from_query(pairs)?;
    if let Some(at) = at {
        let filter = replay::whole_for_csv(format, filter, |f| &mut f.per_page);
        let page = app::replay::db::hold_list(reader.pool(), &filter, at).await?;
        return replay::page(format, "holds", at, &page);
    }
    let now = Utc::now();
    if format == Format::Json {
        return Ok(Json(holds::db::list(reader.pool(), &filter, now).await?).into_response());
    }
    let pool = reader.pool().clone();
    csv::stream("holds", now, move |last: Option<HoldRow>| {
        let (pool, filter) = (pool.clone(), filter.clone());
        async move { holds::db::after(&pool, &filter, now, last.as_ref(), csv::PART as i64).await }
    })
    .await
}

/// One hold, active or not.
#[utoipa::path(
    get,
    path = "/holds/{id}",
    params(HoldId),
    responses(
        (status = 200, description = "The hold", body = HoldRow),
        (status = 404, description = "No hold has this id", body = ErrorBody),
    )
)]
async fn one(reader: Allowed<Read>, Path(id): Path<String>) -> Result<Json<HoldRow>, AppError> {
    let id = super::parse_id(&id, "hold")?;
    Ok(Json(holds::db::by_id(reader.pool(), id).await?))
}

/// Places a hold on a shipment.
#[utoipa::path(
    post,
    path = "/holds",
    request_body = NewHold,
    responses(
        (status = 201, description = "The new hold", body = HoldRow),
        (status = 409, description = "The shipment cannot be held now (e.g. it already is)", body = ErrorBody),
        NoShipment,
        BadBody,
    )
)]
async fn place_hold(
    signed: Signed,
    JsonBody(request): JsonBody<NewHold>,
) -> Result<(StatusCode, Json<HoldRow>), AppError> {
    let hold = engine::place_hold(signed.pool(), &signed.caller, &request, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(hold)))
}

/// The route of one action on a hold: `POST …/holds/{id}/<action>`, its body read into
/// `command`.
fn on_hold(command: fn(ActionBody) -> HoldCommand) -> MethodRouter<ServerState> {
    post(
        move |signed: Signed, Path(raw): Path<String>, body: Bytes| async move {
            let id = super::parse_id(&raw, "hold")?;
            let body: ActionBody = json_or_default(&body)?;
            let version = body.version;
            let hold = engine::hold_action(
                signed.pool(),
                &signed.caller,
                id,
                command(body),
                version,
                Utc::now(),
            )
            .await?;
            Ok::<_, AppError>(Json(hold))
        },
    )
}

// Each action below is documented by its path and what it reads; every one answers
// `HoldChanged` (and, as every operation of the area, the `Refusals`).

/// Releases the goods: the hold ends.
#[utoipa::path(post, path = "/holds/{id}/release", params(HoldId),
    request_body(content = Option<ActionBody>, description = "Reads `reason` and `version`."),
    responses(HoldChanged))]
fn release(b: ActionBody) -> HoldCommand {
    HoldCommand::Release { reason: b.reason }
}

/// Asks for the goods to be seized (a supervisor approves).
#[utoipa::path(post, path = "/holds/{id}/seizure", params(HoldId),
    request_body(content = Option<ActionBody>, description = "Reads `reason` and `version`."),
    responses(HoldChanged))]
fn request_seizure(b: ActionBody) -> HoldCommand {
    HoldCommand::RequestSeizure { reason: b.reason }
}

/// Approves a requested seizure: the hold ends with the goods seized.
#[utoipa::path(post, path = "/holds/{id}/seizure/approve", params(HoldId),
    request_body(content = Option<ActionBody>, description = "Reads `reason` and `version`."),
    responses(HoldChanged))]
fn approve_seizure(b: ActionBody) -> HoldCommand {
    HoldCommand::ApproveSeizure { reason: b.reason }
}

/// Refers the hold to another agency.
#[utoipa::path(post, path = "/holds/{id}/referral", params(HoldId),
    request_body(content = Option<ActionBody>, description = "Reads `agency`, `reason` and `version`."),
    responses(HoldChanged))]
fn refer(b: ActionBody) -> HoldCommand {
    HoldCommand::Refer {
        agency: b.agency.unwrap_or_default(),
        reason: b.reason,
    }
}

/// Adds a note to the hold.
#[utoipa::path(post, path = "/holds/{id}/notes", params(HoldId),
    request_body(content = Option<ActionBody>, description = "Reads `text` and `version`."),
    responses(HoldChanged))]
fn note(b: ActionBody) -> HoldCommand {
    HoldCommand::Note { text: b.text }
}

/// Pauses the hold's service clock: the port is waiting on the trader.
#[utoipa::path(post, path = "/holds/{id}/pause", params(HoldId),
    request_body(content = Option<ActionBody>, description = "Reads `reason` and `version`."),
    responses(HoldChanged))]
fn pause(b: ActionBody) -> HoldCommand {
    HoldCommand::Pause { reason: b.reason }
}

/// Restarts a paused service clock.
#[utoipa::path(post, path = "/holds/{id}/resume", params(HoldId),
    request_body(content = Option<ActionBody>, description = "Reads `version`; may be empty."),
    responses(HoldChanged))]
fn resume(_: ActionBody) -> HoldCommand {
    HoldCommand::Resume
}
