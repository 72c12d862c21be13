//! `GET /api/v1/ports`, `GET /api/v1/ports/{code}`, the port's workload, and its operations:
//! status, lanes, staffing and notices, set by the port's supervisors through the same
//! operations as the port page (`app::ports::operations`). A change of the port takes the
//! port's `version`, a change of a notice the notice's; the answer is the record as it now is.

use super::body::JsonBody;
use super::csv::{self, Format};
use super::extract::{Allowed, QueryParams, Read, Signed};
use super::replay::{self, ReplayAt};
use super::responses::{Area, BadBody, CsvBusy, CsvFormat};
use crate::state::ServerState;
use app::export::CsvTable;
use app::inspections::{OfficerLoad, db as engine};
use app::ports::operations;
use app::ports::rpc::{ClearBody, LanesBody, NoticeBody, NoticeEditBody, StaffingBody, StatusBody};
use app::ports::{Notice, PortSummary};
use app::{AppError, ErrorBody, ports};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{
    Json, Router,
    extract::Path,
    http::StatusCode,
    routing::{get, patch, post},
};
use chrono::Utc;
use utoipa::{IntoParams, IntoResponses};

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list, one, workload, status, lanes, staffing, post_notice, edit_notice, clear_notice),
    modifiers(&AREA)
)]
pub struct Docs;

const AREA: Area = Area("ports");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/ports", get(list))
        .route("/ports/{code}", get(one))
        .route("/ports/{code}/workload", get(workload))
        .route("/ports/{code}/status", post(status))
        .route("/ports/{code}/lanes", post(lanes))
        .route("/ports/{code}/staffing", post(staffing))
        .route("/ports/{code}/notices", post(post_notice))
        .route("/ports/{code}/notices/{id}", patch(edit_notice))
        .route("/ports/{code}/notices/{id}/clear", post(clear_notice))
}

/// The path of a port.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct PortCode {
    /// The port's code, e.g. `YVR` (any case)
    code: String,
}

/// The path of a port's notice.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct NoticePath {
    /// The port's code, e.g. `YVR` (any case)
    code: String,
    /// The notice's id
    id: i64,
}

/// What a change of a port answers, besides the [`Refusals`](super::responses::Refusals).
#[derive(IntoResponses)]
#[allow(dead_code, clippy::large_enum_variant)]
enum PortChanged {
    /// The port's tile as it now is, with its new version
    #[response(status = 200)]
    Changed(PortSummary),
    /// No port has this code.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The port changed since the `version` sent (`code` `stale`, with the port as it now is
    /// in `current`).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body cannot be read, or a field is missing or out of bounds; `field` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// What a change of a notice answers, besides the [`Refusals`](super::responses::Refusals).
#[derive(IntoResponses)]
#[allow(dead_code)]
enum NoticeChanged {
    /// The notice as it now is, with its new version
    #[response(status = 200)]
    Changed(Notice),
    /// No port has this code, or the port no notice of this id.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The notice changed since the `version` sent (`code` `stale`, with the notice as it now
    /// is in `current`), or it is no longer in force (`conflict`).
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body cannot be read, or a field is missing or out of bounds; `field` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// Every port of entry with its status, lanes, staffing, waits and workload, and the
/// country-wide totals: the board's overview. In CSV, one row per port (its notices as their
/// count, kinds and messages).
#[utoipa::path(
    get,
    path = "/ports",
    params(CsvFormat, ReplayAt),
    responses(
        (status = 200, description = "The overview (JSON), or its ports (CSV, the columns of `PortSummary`, `notices` as a count with `notice_kinds` and `notice_messages` joined by ` | `)",
            content((ports::Overview = "application/json"), (String = "text/csv")),
            headers(("content-disposition" = String, description = "In CSV: `attachment; filename=\"ports-<UTC time>.csv\"`"))),
        CsvBusy,
        (status = 422, description = "A query parameter other than `format` or `at` was given, a `format` other than `csv` or `json`, or an `at` that cannot be shown", body = ErrorBody),
    )
)]
async fn list(
    reader: Allowed<Read>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, AppError> {
    let (at, pairs) = replay::instant(reader.pool(), &query).await?;
    let (format, pairs) = csv::negotiate(&headers, pairs.into_iter())?;
    app::paging::QueryPairs::new(pairs, &[])?;
    let now = at.unwrap_or_else(Utc::now);
    let overview = match at {
        Some(at) => app::replay::db::overview(reader.pool(), at).await?,
        None => ports::db::overview(reader.pool(), now).await?,
    };
    Ok(match (format, at) {
        (Format::Json, Some(at)) => replay::replayed(&overview, at)?,
        (Format::Json, None) => Json(overview).into_response(),
        (Format::Csv, _) => csv::table("ports", now, &CsvTable::of(&overview.ports)),
    })
}

/// One port: its tile, release times over the last days and its recent traffic.
#[utoipa::path(
    get,
    path = "/ports/{code}",
    params(("code" = String, Path, description = "The port's code, e.g. `YVR` (any case)"), ReplayAt),
    responses(
        (status = 200, description = "The port", body = ports::PortDetail),
        (status = 404, description = "No port has this code", body = ErrorBody),
        (status = 422, description = "An `at` that cannot be shown", body = ErrorBody),
    )
)]
async fn one(
    reader: Allowed<Read>,
    Path(code): Path<String>,
    query: QueryParams,
) -> Result<Response, AppError> {
    let code = code.to_ascii_uppercase();
    Ok(match replay::instant(reader.pool(), &query).await?.0 {
        Some(at) => replay::replayed(&app::replay::db::port(reader.pool(), &code, at).await?, at)?,
        None => Json(ports::db::detail(reader.pool(), &code, Utc::now()).await?).into_response(),
    })
}

/// The port's officers and the open work each holds, busiest first (none for a code no port
/// has).
#[utoipa::path(
    get,
    path = "/ports/{code}/workload",
    params(("code" = String, Path, description = "The port's code, e.g. `YVR`")),
    responses(
        (status = 200, description = "One row per officer of the port", body = Vec<OfficerLoad>),
    )
)]
async fn workload(
    reader: Allowed<Read>,
    Path(code): Path<String>,
) -> Result<Json<Vec<OfficerLoad>>, AppError> {
    Ok(Json(
        engine::workload(reader.pool(), &code, Utc::now()).await?,
    ))
}

fn port_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// Sets the port's status: `open`, `limited` or `closed`, with the reason (required unless
/// open) and the expected time of return. Closing the port closes its lanes.
#[utoipa::path(post, path = "/ports/{code}/status", params(PortCode), request_body = StatusBody,
    responses(PortChanged))]
async fn status(
    signed: Signed,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<StatusBody>,
) -> Result<Json<PortSummary>, AppError> {
    Ok(Json(
        operations::set_status(
            signed.pool(),
            &signed.caller,
            &port_code(&code),
            body.status,
            &body.reason,
            body.expected_return_at,
            body.version,
            Utc::now(),
        )
        .await?,
    ))
}

/// Opens or closes lanes: the number of lanes open.
#[utoipa::path(post, path = "/ports/{code}/lanes", params(PortCode), request_body = LanesBody,
    responses(PortChanged))]
async fn lanes(
    signed: Signed,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<LanesBody>,
) -> Result<Json<PortSummary>, AppError> {
    Ok(Json(
        operations::set_lanes(
            signed.pool(),
            &signed.caller,
            &port_code(&code),
            body.lanes_open,
            &body.reason,
            body.version,
            Utc::now(),
        )
        .await?,
    ))
}

/// Records the officers on shift.
#[utoipa::path(post, path = "/ports/{code}/staffing", params(PortCode),
    request_body = StaffingBody, responses(PortChanged))]
async fn staffing(
    signed: Signed,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<StaffingBody>,
) -> Result<Json<PortSummary>, AppError> {
    Ok(Json(
        operations::set_staffing(
            signed.pool(),
            &signed.caller,
            &port_code(&code),
            body.officers_on_shift,
            &body.reason,
            body.version,
            Utc::now(),
        )
        .await?,
    ))
}

/// Posts a notice at the port; `version` is the port's.
#[utoipa::path(post, path = "/ports/{code}/notices", params(PortCode), request_body = NoticeBody,
    responses(
        (status = 201, description = "The notice, in force", body = Notice),
        (status = 404, description = "No port has this code", body = ErrorBody),
        (status = 409, description = "The port changed since the `version` sent", body = ErrorBody),
        BadBody,
    ))]
async fn post_notice(
    signed: Signed,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<NoticeBody>,
) -> Result<(StatusCode, Json<Notice>), AppError> {
    let notice = operations::post_notice(
        signed.pool(),
        &signed.caller,
        &port_code(&code),
        operations::NoticeText {
            kind: body.kind,
            severity: body.severity,
            message: body.message,
            expires_at: body.expires_at,
        },
        body.version,
        Utc::now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(notice)))
}

/// Edits a notice in force: its message, severity or expiry; `version` is the notice's.
#[utoipa::path(patch, path = "/ports/{code}/notices/{id}", params(NoticePath),
    request_body = NoticeEditBody, responses(NoticeChanged))]
async fn edit_notice(
    signed: Signed,
    Path((code, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<NoticeEditBody>,
) -> Result<Json<Notice>, AppError> {
    let id = super::parse_id(&id, "notice")?;
    Ok(Json(
        operations::edit_notice(
            signed.pool(),
            &signed.caller,
            &port_code(&code),
            id,
            operations::NoticeEdit {
                message: body.message,
                severity: body.severity,
                expires_at: body.expires_at,
            },
            &body.reason,
            body.version,
            Utc::now(),
        )
        .await?,
    ))
}

/// Ends a notice in force, with the reason; `version` is the notice's.
#[utoipa::path(post, path = "/ports/{code}/notices/{id}/clear", params(NoticePath),
    request_body = ClearBody, responses(NoticeChanged))]
async fn clear_notice(
    signed: Signed,
    Path((code, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<ClearBody>,
) -> Result<Json<Notice>, AppError> {
    let id = super::parse_id(&id, "notice")?;
    Ok(Json(
        operations::clear_notice(
            signed.pool(),
            &signed.caller,
            &port_code(&code),
            id,
            &body.reason,
            body.version,
            Utc::now(),
        )
        .await?,
    ))
}
