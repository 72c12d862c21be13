//! `/api/v1/detentions`: goods detained for a rights holder (`app::detentions`). The notice
//! sent for an intellectual property hold opens a detention; its clock, charges, extension and
//! outcomes follow the Trademarks Act (ss. 51.06–51.09). Officers and supervisors of the port
//! act; everyone signed in reads, as the shipment's page.

use super::body::JsonBody;
use super::extract::{Allowed, Read, Signed};
use super::responses::Area;
use crate::state::ServerState;
use app::detentions::rpc::DetentionView;
use app::detentions::{self, DetentionChange, NewDetention};
use app::i18n::td_string;
use app::lang::current;
use app::{AppError, ErrorBody};
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{
    Json, Router,
    routing::{get, post},
};
use chrono::Utc;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(open, read, for_shipment, extend, outcome, notice_pdf), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("detentions");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/holds/{id}/detention", post(open))
        .route("/detentions/{id}", get(read))
        .route("/shipments/{id}/detentions", get(for_shipment))
        .route("/detentions/{id}/extend", post(extend))
        .route("/detentions/{id}/outcome", post(outcome))
        .route("/detentions/{id}/notice.pdf", get(notice_pdf))
}

/// A detention's number from the path, or a 404 saying what was looked for.
fn number(text: &str) -> Result<i64, AppError> {
    super::parse_id(text, td_string!(current(), detentions.word_detention))
}

/// Sends the notice for an intellectual property hold to the owner of a request for assistance
/// in force (`request_id`; by default the one the shipment's score matched): the detention
/// opens, its deadline set from today at the port (10 working days, 5 days for perishable
/// goods), charges at `daily_charge_cents` from tomorrow. Journaled (`detention`,
/// `notice_sent`). One notice per hold: a second is refused (409), of two sent at once one
/// counts.
#[utoipa::path(
    post,
    path = "/holds/{id}/detention",
    params(("id" = i64, Path, description = "The hold's number")),
    request_body = NewDetention,
    responses(
        (status = 201, description = "The detention opened", body = DetentionView),
        (status = 403, description = "The account may not detain goods at this port", body = ErrorBody),
        (status = 404, description = "No hold has this number", body = ErrorBody),
        (status = 409, description = "Not an intellectual property hold, no longer active, or already notified", body = ErrorBody),
        (status = 422, description = "No request in force, or a charge out of range; `field` names it", body = ErrorBody),
    )
)]
async fn open(
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<NewDetention>,
) -> Result<(StatusCode, Json<DetentionView>), AppError> {
    let now = Utc::now();
    let opened = detentions::db::open(
        signed.pool(),
        &signed.caller,
        super::parse_id(&id, td_string!(current(), detentions.word_hold))?,
        &request,
        now,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(DetentionView::of(opened, now))))
}

/// A detention, with where its clock (`running` with the days left, `passed`, `stopped`) and
/// the rights holder's charges stand now.
#[utoipa::path(
    get,
    path = "/detentions/{id}",
    params(("id" = i64, Path, description = "The detention's number")),
    responses(
        (status = 200, description = "The detention", body = DetentionView),
        (status = 404, description = "No detention has this number", body = ErrorBody),
    )
)]
async fn read(
    reader: Allowed<Read>,
    Path(id): Path<String>,
) -> Result<Json<DetentionView>, AppError> {
    let d = detentions::db::by_id(reader.pool(), number(&id)?).await?;
    Ok(Json(DetentionView::of(d, Utc::now())))
}

/// A shipment's detentions, the first first.
#[utoipa::path(
    get,
    path = "/shipments/{id}/detentions",
    params(("id" = i64, Path, description = "The shipment's number")),
    responses((status = 200, description = "The shipment's detentions", body = Vec<DetentionView>))
)]
async fn for_shipment(
    reader: Allowed<Read>,
    Path(id): Path<String>,
) -> Result<Json<Vec<DetentionView>>, AppError> {
    let now = Utc::now();
    let shipment = super::parse_id(&id, td_string!(current(), detentions.word_shipment))?;
    let found = detentions::db::for_shipment(reader.pool(), shipment).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|d| DetentionView::of(d, now))
            .collect(),
    ))
}

/// Grants the rights holder the one extension, 10 working days after the deadline, before it
/// passes (goods that keep only), naming the `version` read and a `reason`. Journaled
/// (`extended`).
#[utoipa::path(
    post,
    path = "/detentions/{id}/extend",
    params(("id" = i64, Path, description = "The detention's number")),
    request_body = DetentionChange,
    responses(
        (status = 200, description = "The detention, extended", body = DetentionView),
        (status = 409, description = "Perishable, extended already, past its deadline, ended, or changed since the version named", body = ErrorBody),
        (status = 422, description = "No reason", body = ErrorBody),
    )
)]
async fn extend(
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<DetentionChange>,
) -> Result<Json<DetentionView>, AppError> {
    let now = Utc::now();
    let d =
        detentions::db::extend(signed.pool(), &signed.caller, number(&id)?, &change, now).await?;
    Ok(Json(DetentionView::of(d, now)))
}

/// Records what became of the goods (`outcome`), naming the `version` read and a `reason`:
/// `proceedings` (within the deadline; the goods stay held), or the end: `not_counterfeit` or
/// `no_action` (the hold is released), `seized` or `abandoned` (the hold's seizure is asked
/// for, a supervisor approves it). The hold moves in the same transaction, under its own
/// rules (a hold still under examination is not released); both are journaled.
#[utoipa::path(
    post,
    path = "/detentions/{id}/outcome",
    params(("id" = i64, Path, description = "The detention's number")),
    request_body = DetentionChange,
    responses(
        (status = 200, description = "The detention with its outcome", body = DetentionView),
        (status = 403, description = "The account may not detain goods, or release or seize them, at this port", body = ErrorBody),
        (status = 409, description = "An outcome that cannot follow (proceedings after the deadline, anything after the end), a hold that cannot move so, or a change since the version named", body = ErrorBody),
        (status = 422, description = "No outcome or no reason", body = ErrorBody),
    )
)]
async fn outcome(
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<DetentionChange>,
) -> Result<Json<DetentionView>, AppError> {
    let now = Utc::now();
    let d =
        detentions::db::record_outcome(signed.pool(), &signed.caller, number(&id)?, &change, now)
            .await?;
    Ok(Json(DetentionView::of(d, now)))
}

/// The notice to the rights holder as a PDF: the letter in English, then in French.
#[utoipa::path(
    get,
    path = "/detentions/{id}/notice.pdf",
    params(("id" = i64, Path, description = "The detention's number")),
    responses(
        (status = 200, description = "The notice", content_type = "application/pdf", body = Vec<u8>,
            headers(("content-disposition" = String, description = "`attachment; filename=\"detention-<id>-notice.pdf\"`"))),
        (status = 404, description = "No detention has this number", body = ErrorBody),
    )
)]
async fn notice_pdf(reader: Allowed<Read>, Path(id): Path<String>) -> Result<Response, AppError> {
    let id = number(&id)?;
    let letter = detentions::db::letter(reader.pool(), id).await?;
    let bytes = detentions::pdf::notice(&letter);
    let disposition = format!("attachment; filename=\"detention-{id}-notice.pdf\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).expect("ASCII"),
            ),
        ],
        bytes,
    )
        .into_response())
}
