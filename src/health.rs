//! `/healthz`: the process answers. `/readyz`: the database answers too, and the live pump has
//! read the journal within the last 5 s (503 otherwise), so a load balancer sends no traffic
//! to an instance that cannot serve it or whose boards have stopped moving.

use crate::state::ServerState;
use app::i18n::td_string;
use app::lang::current;
use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use serde_json::{Value, json};

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    security(()),
    responses((status = 200, description = "`{\"status\": \"ok\"}`", body = Object))
)]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process and its database answer.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    security(()),
    responses(
        (status = 200, description = "`{\"status\": \"ready\"}`", body = Object),
        (status = 503, description = "`{\"status\": \"unavailable\", \"reason\": …}`: the database does not answer, or this instance has not read the journal for 5 s (its live board has stopped moving)", body = Object),
    )
)]
pub async fn readyz(State(state): State<ServerState>) -> (StatusCode, Json<Value>) {
    let reason = if !state.app.db.is_ready().await {
        Some(td_string!(current(), api.database_silent))
    } else if state.live.since_last_read() > crate::live::STUCK_AFTER {
        Some(td_string!(current(), api.live_stuck))
    } else {
        None
    };
    match reason {
        None => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": reason })),
        ),
    }
}
