//! `GET /api/v1/shipments/{id}`: the declaration, its holds, inspections and timeline.

use super::extract::{Allowed, QueryParams, Read, Signed};
use super::replay::{self, ReplayAt};
use super::responses::{Area, NoShipment, ShipmentId};
use crate::state::ServerState;
use app::i18n::td_string;
use app::lang::current;
use app::{AppError, ErrorBody, shipments};
use axum::{
    Json, Router,
    extract::Path,
    response::{IntoResponse, Response},
    routing::{get, post},
};

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(one, add_note), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("shipments");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/shipments/{id}", get(one))
        .route("/shipments/{id}/notes", post(add_note))
}

/// One shipment: its declaration, its holds and inspections, and its timeline from the
/// journal.
#[utoipa::path(
    get,
    path = "/shipments/{id}",
    params(ShipmentId, ReplayAt),
    responses(
        (status = 200, description = "The shipment", body = shipments::ShipmentDetail),
        NoShipment,
        (status = 422, description = "An `at` that cannot be shown", body = ErrorBody),
    )
)]
async fn one(
    reader: Allowed<Read>,
    Path(id): Path<String>,
    query: QueryParams,
) -> Result<Response, AppError> {
    let id = super::parse_id(&id, "shipment")?;
    Ok(match replay::instant(reader.pool(), &query).await?.0 {
        Some(at) => replay::replayed(&app::replay::db::shipment(reader.pool(), id, at).await?, at)?,
        None => Json(shipments::db::detail(reader.pool(), id).await?).into_response(),
    })
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
struct NewNote {
    /// The note: not empty, at most 1000 characters.
    text: String,
}

/// The journal position of a new note.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct NoteAdded {
    seq: i64,
}

/// Adds a note to a shipment's timeline (officers and supervisors of its port).
#[utoipa::path(
    post,
    path = "/shipments/{id}/notes",
    params(ShipmentId),
    request_body = NewNote,
    responses(
        (status = 201, description = "The note is in the journal at `seq`", body = NoteAdded),
        NoShipment,
        (status = 422, description = "The body is not `{\"text\": \"…\"}`, or the note is empty or too long", body = ErrorBody),
    )
)]
async fn add_note(
    signed: Signed,
    Path(id): Path<String>,
    body: Result<Json<NewNote>, axum::extract::rejection::JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<NoteAdded>), AppError> {
    let id = super::parse_id(&id, "shipment")?;
    let Json(note) = body.map_err(|e| {
        AppError::invalid(
            "body",
            td_string!(current(), api.note_body, error = e).to_string(),
        )
    })?;
    let seq = shipments::db::add_note(
        signed.pool(),
        &signed.caller,
        id,
        &note.text,
        chrono::Utc::now(),
    )
    .await?;
    Ok((axum::http::StatusCode::CREATED, Json(NoteAdded { seq })))
}
