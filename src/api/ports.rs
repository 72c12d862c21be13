//! `GET /api/v1/ports`, `GET /api/v1/ports/{code}` and the port's workload.

use super::responses::Refusals;
use crate::auth::Authenticated;
use crate::state::ServerState;
use app::domain::Action;
use app::inspections::{OfficerLoad, db as engine};
use app::{AppError, ErrorBody, ports, state::AppState};
use axum::{
    Json, Router,
    extract::{Path, RawQuery, State},
    routing::get,
};
use chrono::Utc;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, one, workload))]
pub struct Docs;

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
    tag = "ports",
    responses(
        (status = 200, description = "The overview", body = ports::Overview),
        (status = 422, description = "A query parameter was given (this endpoint takes none)", body = ErrorBody),
        Refusals,
    )
)]
async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    RawQuery(raw): RawQuery,
) -> Result<Json<ports::Overview>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    let pairs = super::query_pairs(raw);
    app::paging::QueryPairs::new(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &[])?;
    Ok(Json(ports::db::overview(&state.db.pool, Utc::now()).await?))
}

/// One port: its tile, release times over the last days and its recent traffic.
#[utoipa::path(
    get,
    path = "/ports/{code}",
    tag = "ports",
    params(("code" = String, Path, description = "The port's code, e.g. `YVR` (any case)")),
    responses(
        (status = 200, description = "The port", body = ports::PortDetail),
        (status = 404, description = "No port has this code", body = ErrorBody),
        Refusals,
    )
)]
async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
) -> Result<Json<ports::PortDetail>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    Ok(Json(
        ports::db::detail(&state.db.pool, &code.to_ascii_uppercase(), Utc::now()).await?,
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
async fn workload(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(code): Path<String>,
) -> Result<Json<Vec<OfficerLoad>>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    Ok(Json(
        engine::workload(&state.db.pool, &code, Utc::now()).await?,
    ))
}
