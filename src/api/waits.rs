//! Border waits under `/api/v1`: the waits an officer measured at a crossing, and CBSA's border
//! wait times file, through the same operations as the port page and `border-ops waits import`
//! (`app::ports::waits`, `app::ports::feed`).

use super::body::{JsonBody, read_in_time, require_type};
use super::extract::{Allowed, ImportWaits, Signed};
use super::responses::Area;
use crate::state::{ImportGate, ServerState};
use app::ports::feed::{self, FeedReport};
use app::ports::waits::{self, MeasuredWaits, PortWaits};
use app::{AppError, ErrorBody};
use axum::{
    Json, Router,
    body::Body,
    extract::{Path, State},
    http::HeaderMap,
    routing::post,
};
use chrono::Utc;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(measure, import), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("waits");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/ports/{code}/waits", post(measure))
        .route("/waits", post(import))
}

/// Records the waits measured at a crossing (officers and supervisors of the port), in
/// minutes, 0 to 1,440: `null` for a flow the port has not (only land crossings have
/// commercial and travellers flows) or one not measured this time, which keeps its last
/// measurement. Journaled as `waits_measured` under the caller.
#[utoipa::path(
    post,
    path = "/ports/{code}/waits",
    params(("code" = String, Path, description = "The port's code, e.g. `AMB` (any case)")),
    request_body = MeasuredWaits,
    responses(
        (status = 200, description = "The port's waits as they now are, with its new version", body = PortWaits),
        (status = 404, description = "No port has this code", body = ErrorBody),
        (status = 409, description = "The port changed since the `version` sent (`code` `stale`, its waits as they now are in `current`)", body = ErrorBody),
        (status = 422, description = "The body cannot be read, a wait is out of range or given for a flow the port has not, or none is given; `field` names it", body = ErrorBody),
    )
)]
async fn measure(
    signed: Signed,
    Path(code): Path<String>,
    JsonBody(measured): JsonBody<MeasuredWaits>,
) -> Result<Json<PortWaits>, AppError> {
    let code = code.trim().to_ascii_uppercase();
    Ok(Json(
        waits::measure(signed.pool(), &signed.caller, &code, &measured, Utc::now()).await?,
    ))
}

/// Imports CBSA's border wait times file (supervisors and administrators, or a system with the
/// token of one): `;`-separated, a header row naming the columns (CBSA Office, Location, Last
/// updated, each flow Canada-bound and U.S.-bound), at most 1,000 rows and 1 MB. Each row of an
/// office that is a port's `cbsa_office` records its Canada-bound waits there as `feed:cbsa`,
/// unless the port's measurement on record is as recent; rows of other offices are skipped;
/// a row that cannot be read or recorded is refused with its line, each field and why.
#[utoipa::path(
    post,
    path = "/waits",
    request_body(content = String, content_type = "text/csv", description = "CBSA's border wait times file"),
    responses(
        (status = 200, description = "What became of every row: recorded, skipped (and why), refused (each field and why)", body = FeedReport),
        (status = 413, description = "The file is larger than 1 MB", body = ErrorBody),
        (status = 415, description = "The body is not `text/csv`", body = ErrorBody),
        (status = 422, description = "The file's header lacks a column read, or it has more than 1,000 rows", body = ErrorBody),
    )
)]
async fn import(
    sender: Allowed<ImportWaits>,
    State(imports): State<ImportGate>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<FeedReport>, AppError> {
    require_type(&headers, "text/csv")?;
    let bytes = read_in_time(&imports, &headers, body, feed::MAX_BYTES).await?;
    let pool = sender.pool().clone();
    let who = sender.caller.account.username.clone();
    // A task of its own, in the request's language: a caller that goes away does not cut the
    // import off between two rows.
    let work = app::lang::serve_in(app::lang::current(), async move {
        feed::import(&pool, &who, &bytes, Utc::now()).await
    });
    let report = tokio::spawn(work).await.map_err(|e| {
        tracing::error!(error = %e, "a wait times import failed");
        AppError::Internal {
            reference: "waits-import".into(),
        }
    })??;
    Ok(Json(report))
}
