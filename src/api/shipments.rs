//! `GET /api/v1/shipments/{id}`: the declaration, its holds, inspections and timeline.

use crate::auth::Authenticated;
use app::domain::Action;
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
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<shipments::ShipmentDetail>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    let id = super::parse_id(&id, "shipment")?;
    Ok(Json(shipments::db::detail(&state.db.pool, id).await?))
}
