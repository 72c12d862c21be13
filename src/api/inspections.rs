//! `GET /api/v1/inspections` (same filters as `/inspections`).

use crate::auth::Authenticated;
use app::domain::Action;
use app::{
    AppError,
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

pub fn router() -> Router<AppState> {
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
