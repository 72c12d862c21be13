//! `GET /api/v1/inspections` (same filters as `/inspections`).

use super::docs::Refusals;
use crate::auth::Authenticated;
use crate::state::ServerState;
use app::domain::Action;
use app::{
    AppError, ErrorBody,
    inspections::{self, InspectionFilter, InspectionRow},
    paging::Page,
    state::AppState,
};
use axum::{
    Json, Router,
    extract::{RawQuery, State},
    routing::get,
};
use chrono::Utc;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    super::actions::open_inspection,
    super::actions::claim,
    super::actions::assign,
    super::actions::start,
    super::actions::complete,
    super::actions::cancel,
    super::actions::priority,
))]
pub struct Docs;

pub fn router() -> Router<ServerState> {
    use super::actions as a;
    Router::new()
        .route("/inspections", get(list).post(a::open_inspection))
        .route("/inspections/{id}/claim", a::on_inspection(a::claim))
        .route("/inspections/{id}/assign", a::on_inspection(a::assign))
        .route("/inspections/{id}/start", a::on_inspection(a::start))
        .route("/inspections/{id}/complete", a::on_inspection(a::complete))
        .route("/inspections/{id}/cancel", a::on_inspection(a::cancel))
        .route("/inspections/{id}/priority", a::on_inspection(a::priority))
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
        ("page" = Option<i64>, Query, description = "The page, from 1"),
        ("per_page" = Option<i64>, Query, description = "Rows per page, 1 to 500 (50 by default)"),
    ),
    responses(
        (status = 200, description = "One page of the queue", body = Page<InspectionRow>),
        (status = 422, description = "An unknown parameter or a value out of range; `field` names it", body = ErrorBody),
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
