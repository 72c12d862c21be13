//! `GET /api/v1/holds` (same filters as `/holds`), `GET /api/v1/holds/{id}`.

use super::docs::Refusals;
use crate::auth::Authenticated;
use crate::state::ServerState;
use app::domain::Action;
use app::{
    AppError, ErrorBody,
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

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    super::actions::place_hold,
    one,
    super::actions::release,
    super::actions::request_seizure,
    super::actions::approve_seizure,
    super::actions::refer,
    super::actions::note,
    super::actions::pause,
    super::actions::resume,
))]
pub struct Docs;

pub fn router() -> Router<ServerState> {
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

/// Holds, filtered, sorted and paged as on the board's holds page.
#[utoipa::path(
    get,
    path = "/holds",
    tag = "holds",
    params(
        ("port" = Option<String>, Query, description = "A port code, e.g. `YVR`"),
        ("reason" = Option<app::domain::HoldReason>, Query, description = "Why the holds were placed"),
        ("status" = Option<String>, Query, description = "`active` (the default: placed, under examination or awaiting seizure approval), `all`, or one hold status"),
        ("min_age_hours" = Option<i64>, Query, description = "Only holds placed at least this many hours ago (0 to 8760)"),
        ("sort" = Option<String>, Query, description = "`dwell_desc` (the default: longest dwell first), `dwell_asc`, `due` (most overdue first) or `port`"),
        ("page" = Option<i64>, Query, description = "The page, from 1"),
        ("per_page" = Option<i64>, Query, description = "Rows per page, 1 to 500 (50 by default)"),
    ),
    responses(
        (status = 200, description = "One page of holds", body = Page<HoldRow>),
        (status = 422, description = "An unknown parameter or a value out of range; `field` names it", body = ErrorBody),
        Refusals,
    )
)]
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

/// One hold, active or not.
#[utoipa::path(
    get,
    path = "/holds/{id}",
    tag = "holds",
    params(("id" = i64, Path, description = "The hold's id")),
    responses(
        (status = 200, description = "The hold", body = HoldRow),
        (status = 404, description = "No hold has this id", body = ErrorBody),
        Refusals,
    )
)]
async fn one(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Json<HoldRow>, AppError> {
    caller.authorize(&state.db.pool, Action::Read, None).await?;
    let id = super::parse_id(&id, "hold")?;
    Ok(Json(holds::db::by_id(&state.db.pool, id).await?))
}
