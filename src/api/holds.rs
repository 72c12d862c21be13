//! `GET /api/v1/holds` (same filters as `/holds`), `GET /api/v1/holds/{id}`.

use crate::auth::Authenticated;
use app::domain::Action;
use app::{
    AppError,
    holds::{self, HoldFilter, HoldRow},
    paging::Page,
    state::AppState,
};
use axum::{
    Json, Router,
    extract::{Path, RawQuery, State},
    routing::get,
};
use chrono::Utc;

pub fn router() -> Router<AppState> {
    use super::actions as a;
    Router::new()
        .route("/holds", get(list).post(a::place_hold))
        .route("/holds/{id}", get(one))
        .route("/holds/{id}/release", a::on_hold(a::release))
        .route("/holds/{id}/seizure", a::on_hold(a::request_seizure))
        .route(
            "/holds/{id}/seizure/approve",
            a::on_hold(a::approve_seizure),
        )
        .route("/holds/{id}/referral", a::on_hold(a::refer))
        .route("/holds/{id}/notes", a::on_hold(a::note))
        .route("/holds/{id}/pause", a::on_hold(a::pause))
        .route("/holds/{id}/resume", a::on_hold(a::resume))
}

async fn list(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<HoldRow>>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    let pairs = super::query_pairs(raw);
    let filter = HoldFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    Ok(Json(
        holds::db::list(&state.db.pool, &filter, Utc::now()).await?,
    ))
}

async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<HoldRow>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    let id = super::parse_id(&id, "hold")?;
    Ok(Json(holds::db::by_id(&state.db.pool, id).await?))
}
