//! `/api/v1/rights-requests`: the register of requests for assistance (`app::rights`), kept by
//! analysts and administrators, read by everyone signed in (an officer examining goods needs
//! what tells genuine goods apart), and the requests a declaration would fall under.

use super::body::JsonBody;
use super::extract::{Allowed, QueryParams, Read, Signed};
use super::responses::Area;
use crate::state::ServerState;
use app::i18n::td_string;
use app::lang::current;
use app::rights::{self, NewRightsRequest, Renewal, RightsRequest};
use app::{AppError, ErrorBody};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::{
    Json, Router,
    routing::{get, post},
};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, register, renew, matching), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("rights");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/rights-requests", get(list).post(register))
        .route("/rights-requests/matching", get(matching))
        .route("/rights-requests/{id}/renew", post(renew))
}

/// The register: every request for assistance, those in force today (UTC) first.
#[utoipa::path(
    get,
    path = "/rights-requests",
    responses((status = 200, description = "The register", body = Vec<RightsRequest>))
)]
async fn list(reader: Allowed<Read>) -> Result<Json<Vec<RightsRequest>>, AppError> {
    Ok(Json(
        rights::db::list(reader.pool(), Utc::now().date_naive()).await?,
    ))
}

/// Registers a request for assistance (analysts and administrators): in force from
/// `valid_from` (today when left out, at most 90 days ahead) for two years. Journaled
/// (`rights_request`, `registered`) with its reason.
#[utoipa::path(
    post,
    path = "/rights-requests",
    request_body = NewRightsRequest,
    responses(
        (status = 201, description = "The request as registered", body = RightsRequest),
        (status = 403, description = "The account may not keep the register", body = ErrorBody),
        (status = 422, description = "A field is missing or wrong; `field` names it", body = ErrorBody),
    )
)]
async fn register(
    signed: Signed,
    JsonBody(request): JsonBody<NewRightsRequest>,
) -> Result<(StatusCode, Json<RightsRequest>), AppError> {
    let now = Utc::now();
    let checked = request.check(now.date_naive())?;
    let registered = rights::db::register(signed.pool(), &signed.caller, &checked, now).await?;
    Ok((StatusCode::CREATED, Json(registered)))
}

/// Renews a request for assistance still in force (analysts and administrators) for two years
/// from the day after its last, naming the version read. Journaled (`renewed`) with the reason.
#[utoipa::path(
    post,
    path = "/rights-requests/{id}/renew",
    params(("id" = i64, Path, description = "The request's number")),
    request_body = Renewal,
    responses(
        (status = 200, description = "The request, renewed", body = RightsRequest),
        (status = 403, description = "The account may not keep the register", body = ErrorBody),
        (status = 404, description = "No request has this number", body = ErrorBody),
        (status = 409, description = "Changed since the version named, or already expired", body = ErrorBody),
        (status = 422, description = "No reason", body = ErrorBody),
    )
)]
async fn renew(
    signed: Signed,
    Path(id): Path<String>,
    JsonBody(renewal): JsonBody<Renewal>,
) -> Result<Json<RightsRequest>, AppError> {
    let id = id.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        AppError::invalid("id", td_string!(current(), rights.id_positive).to_string())
    })?;
    Ok(Json(
        rights::db::renew(
            signed.pool(),
            &signed.caller,
            id,
            renewal.version,
            &renewal.reason,
            Utc::now(),
        )
        .await?,
    ))
}

/// A request a declaration falls under, and the marks that made it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Match {
    request: RightsRequest,
    marks: Vec<String>,
}

/// The requests for assistance a declaration would fall under on a day: in force then, covering
/// its HS code, and with a mark named in its description (as whole words, case aside).
#[utoipa::path(
    get,
    path = "/rights-requests/matching",
    params(
        ("description" = String, Query, description = "The goods as declared"),
        ("hs_code" = String, Query, description = "The declared HS code, e.g. `6201.40`"),
        ("on" = Option<NaiveDate>, Query, description = "The day (UTC); today when left out"),
    ),
    responses(
        (status = 200, description = "The requests matched, with their marks found", body = Vec<Match>),
        (status = 422, description = "No description or HS code, or a day that is no date", body = ErrorBody),
    )
)]
async fn matching(reader: Allowed<Read>, query: QueryParams) -> Result<Json<Vec<Match>>, AppError> {
    let l = current();
    let description = rights::filled(
        "description",
        query.first("description").unwrap_or(""),
        td_string!(l, rights.required.declared_description),
    )?;
    let hs_code = rights::filled(
        "hs_code",
        query.first("hs_code").unwrap_or(""),
        td_string!(l, rights.required.declared_hs_code),
    )?;
    let on = match query.first("on") {
        None => Utc::now().date_naive(),
        Some(day) => day.parse::<NaiveDate>().map_err(|_| {
            AppError::invalid(
                "on",
                td_string!(current(), api.day_invalid, value = day).to_string(),
            )
        })?,
    };
    let found = rights::db::in_force(reader.pool(), on)
        .await?
        .into_iter()
        .filter_map(|request| {
            let marks: Vec<String> = request
                .matches(&description, &hs_code, on)
                .into_iter()
                .map(str::to_string)
                .collect();
            (!marks.is_empty()).then_some(Match { request, marks })
        })
        .collect();
    Ok(Json(found))
}
