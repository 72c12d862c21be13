//! `GET /api/v1/ports`, `GET /api/v1/ports/{code}`.

use crate::auth::Authenticated;
use app::domain::Action;
use app::{AppError, ports, state::AppState};
use axum::{
    Json, Router,
    extract::{Path, RawQuery, State},
    routing::get,
};
use chrono::Utc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ports", get(list))
        .route("/ports/{code}", get(one))
        .route("/ports/{code}/workload", get(super::actions::workload))
}

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
