//! `GET /api/v1/shipments/{id}`: the declaration, its holds, inspections and timeline.

use crate::auth::Authenticated;
use app::domain::Action;
use app::{AppError, shipments, state::AppState};
use axum::{
    Json, Router,
    extract::{Path, State},
    routing::{get, post},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/shipments/{id}", get(one))
        .route("/shipments/{id}/notes", post(add_note))
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

#[derive(serde::Deserialize)]
struct NewNote {
    text: String,
}

/// `POST /api/v1/shipments/{id}/notes` `{"text": "…"}`: 201 with the journal sequence.
async fn add_note(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    body: Result<Json<NewNote>, axum::extract::rejection::JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>), AppError> {
    let id = super::parse_id(&id, "shipment")?;
    let Json(note) =
        body.map_err(|e| AppError::invalid("body", format!("send {{\"text\": \"…\"}} ({e})")))?;
    let seq = shipments::db::add_note(&state.db.pool, &caller, id, &note.text, chrono::Utc::now())
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(serde_json::json!({ "seq": seq })),
    ))
}
