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
    routing::{get, post},
};
use chrono::Utc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/holds", get(list).post(super::actions::place_hold))
        .route("/holds/{id}", get(one))
        .route("/holds/{id}/release", post(super::actions::release))
        .route("/holds/{id}/seizure", post(super::actions::request_seizure))
        .route(
            "/holds/{id}/seizure/approve",
            post(super::actions::approve_seizure),
        )
        .route("/holds/{id}/referral", post(super::actions::refer))
        .route("/holds/{id}/notes", post(super::actions::hold_note))
        .route("/holds/{id}/pause", post(super::actions::pause))
        .route("/holds/{id}/resume", post(super::actions::resume))
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
