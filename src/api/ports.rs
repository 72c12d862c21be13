//! `GET /api/v1/ports`, `GET /api/v1/ports/{code}` and the port's workload.

use super::extract::{Allowed, QueryParams, Read};
use super::responses::Area;
use crate::state::ServerState;
use app::inspections::{OfficerLoad, db as engine};
use app::{AppError, ErrorBody, ports};
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
/// country-wide totals: the board's overview.
#[utoipa::path(
    get,
    path = "/ports",
    responses(
        (status = 200, description = "The overview", body = ports::Overview),
        (status = 422, description = "A query parameter was given (this endpoint takes none)", body = ErrorBody),
    )
)]
async fn list(
    reader: Allowed<Read>,
    query: QueryParams,
) -> Result<Json<ports::Overview>, AppError> {
    app::paging::QueryPairs::new(query.pairs(), &[])?;
    Ok(Json(ports::db::overview(reader.pool(), Utc::now()).await?))
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
