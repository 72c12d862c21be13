//! `GET /api/v1/shipments/{id}`: the declaration, its holds, inspections and timeline.

use app::{AppError, shipments, state::AppState};
use axum::{
    Json, Router,
    extract::{Path, State},
    routing::get,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/shipments/{id}", get(one))
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<shipments::ShipmentDetail>, AppError> {
    let id = super::parse_id(&id, "shipment")?;
    Ok(Json(shipments::db::detail(&state.db.pool, id).await?))
}
