//! `GET /api/v1/ports`, `GET /api/v1/ports/{code}` and the port's workload.

use super::csv::{self, Format};
use super::extract::{Allowed, QueryParams, Read};
use super::responses::{Area, CsvFormat};
use crate::state::ServerState;
use app::export::CsvTable;
use app::inspections::{OfficerLoad, db as engine};
use app::{AppError, ErrorBody, ports};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, extract::Path, routing::get};
use chrono::Utc;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, one, workload), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("ports");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/ports", get(list))
        .route("/ports/{code}", get(one))
        .route("/ports/{code}/workload", get(workload))
}

/// Every port of entry with its status, lanes, staffing, waits and workload, and the
/// country-wide totals: the board's overview. In CSV, one row per port (its notices as their
/// count, kinds and messages).
#[utoipa::path(
    get,
    path = "/ports",
    params(CsvFormat),
    responses(
        (status = 200, description = "The overview (JSON), or its ports (CSV, the columns of `PortSummary`, `notices` as a count with `notice_kinds` and `notice_messages` joined by ` | `)",
            content((ports::Overview = "application/json"), (String = "text/csv")),
            headers(("content-disposition" = String, description = "In CSV: `attachment; filename=\"ports-<UTC time>.csv\"`"))),
        (status = 422, description = "A query parameter other than `format` was given, or a `format` other than `csv` or `json`", body = ErrorBody),
    )
)]
async fn list(
    reader: Allowed<Read>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, AppError> {
    let (format, pairs) = csv::negotiate(&headers, query.pairs())?;
    app::paging::QueryPairs::new(pairs, &[])?;
    let now = Utc::now();
    let overview = ports::db::overview(reader.pool(), now).await?;
    Ok(match format {
        Format::Json => Json(overview).into_response(),
        Format::Csv => csv::table("ports", now, &CsvTable::of(&overview.ports)),
    })
}

/// One port: its tile, release times over the last days and its recent traffic.
#[utoipa::path(
    get,
    path = "/ports/{code}",
    params(("code" = String, Path, description = "The port's code, e.g. `YVR` (any case)")),
    responses(
        (status = 200, description = "The port", body = ports::PortDetail),
        (status = 404, description = "No port has this code", body = ErrorBody),
    )
)]
async fn one(
    reader: Allowed<Read>,
    Path(code): Path<String>,
) -> Result<Json<ports::PortDetail>, AppError> {
    Ok(Json(
        ports::db::detail(reader.pool(), &code.to_ascii_uppercase(), Utc::now()).await?,
    ))
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
