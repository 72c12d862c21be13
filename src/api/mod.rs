//! The JSON API under `/api/v1`, for other systems and for tests. Each area owns its routes;
//! they share the filters and queries of the board pages, so the two cannot disagree. Each
//! area also lists its routes' documentation (`Docs`), gathered by `docs` into the OpenAPI
//! document; a test checks the document against the routes actually served.
//!
//! Imports run one way: `docs` uses the areas, the areas use `responses` (the documentation
//! they share), `body` (how a body is read), `extract` (the caller and the query) and `csv`
//! (a list answered as CSV), and those use no area.

use crate::state::ServerState;
use app::AppError;
use app::i18n::td_string;
use app::lang::current;
use axum::{Router, routing::get};

mod body;
mod csv;
mod detentions;
pub mod docs;
mod extract;
mod forecast;
mod holds;
mod inspections;
pub mod live;
mod ports;
mod replay;
mod responses;
mod rights;
mod seizures;
mod shipments;
mod targeting;
mod trends;
mod waits;

/// The turns of the CSV downloads, layered around every route below (see `csv.rs`).
pub use csv::gate as csv_gate;

pub fn router() -> Router<ServerState> {
    Router::new()
        .merge(ports::router())
        .merge(forecast::router())
        .merge(holds::router())
        .merge(inspections::router())
        .merge(shipments::router())
        .merge(targeting::router())
        .merge(waits::router())
        .merge(trends::router())
        .merge(rights::router())
        .merge(seizures::router())
        .merge(detentions::router())
        .route("/live", get(live::live))
        .merge(docs::router())
        .fallback(|| async { AppError::not_found(td_string!(current(), api.this_endpoint)) })
}

/// A path id: a positive whole number, or a 404 that says what was looked for.
pub fn parse_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::not_found(format!("{what} {raw:?}")))
}
