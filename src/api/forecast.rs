//! `GET /api/v1/ports/{code}/forecast` and `GET /api/v1/forecast`: when the examinations
//! waiting now clear, and which holds pass their service level in the next 8 hours.

use super::extract::{Allowed, QueryParams, Read};
use super::responses::Area;
use crate::state::ServerState;
use app::forecast::{self, Forecast};
use app::{AppError, ErrorBody};
use axum::{Json, Router, extract::Path, routing::get};
use chrono::Utc;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(country, port), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("forecast");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/forecast", get(country))
        .route("/ports/{code}/forecast", get(port))
}

/// The country's backlog forecast: every port's combined (the country clears when its last
/// port does; `last_to_clear` names it), times told in the operations centre's zone.
#[utoipa::path(
    get,
    path = "/forecast",
    responses(
        (status = 200, description = "The country's forecast", body = Forecast),
        (status = 422, description = "A query parameter was given (this endpoint takes none)", body = ErrorBody),
    )
)]
async fn country(reader: Allowed<Read>, query: QueryParams) -> Result<Json<Forecast>, AppError> {
    app::paging::QueryPairs::new(query.pairs(), &[])?;
    Ok(Json(
        forecast::db::country(reader.pool(), Utc::now()).await?,
    ))
}

/// One port's backlog forecast: the examinations waiting, the present rate, when they clear
/// (a range, or not within 24 hours and why) and the holds that pass their service level in
/// the next 8 hours if nothing changes.
#[utoipa::path(
    get,
    path = "/ports/{code}/forecast",
    params(("code" = String, Path, description = "The port's code, e.g. `YVR` (any case)")),
    responses(
        (status = 200, description = "The port's forecast", body = Forecast),
        (status = 404, description = "No port has this code", body = ErrorBody),
        (status = 422, description = "A query parameter was given (this endpoint takes none)", body = ErrorBody),
    )
)]
async fn port(
    reader: Allowed<Read>,
    Path(code): Path<String>,
    query: QueryParams,
) -> Result<Json<Forecast>, AppError> {
    app::paging::QueryPairs::new(query.pairs(), &[])?;
    Ok(Json(
        forecast::db::port(reader.pool(), &code.to_ascii_uppercase(), Utc::now()).await?,
    ))
}
