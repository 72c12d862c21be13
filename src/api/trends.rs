//! `GET /api/v1/trends`: the trends of the country, a port, a region or a mode over a period,
//! every series in JSON, or one series (`series=`) as CSV.

use super::csv::{self, Format};
use super::extract::{Allowed, QueryParams, Read};
use super::responses::{Area, CsvBusy};
use crate::state::ServerState;
use app::i18n::td_string;
use app::lang::current;
use app::paging::QueryPairs;
use app::trends::{self, Series, Trends, TrendsFilter, filter::PARAMETERS};
use app::{AppError, ErrorBody};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::get};
use chrono::Utc;
use utoipa::IntoParams;

/// The documentation of the routes below, in the same order.
#[derive(utoipa::OpenApi)]
#[openapi(paths(trends), modifiers(&AREA))]
pub struct Docs;

const AREA: Area = Area("trends");

pub fn router() -> Router<ServerState> {
    Router::new().route("/trends", get(self::trends))
}

/// What the trends are asked for.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct TrendsParams {
    /// `1d` (today), `7d` (the last 7 days, the default), `30d`, or `custom` (from `from` to
    /// `to`). Days are the port's own for a port, Eastern time (the operations centre's) for
    /// the country, a region or a mode.
    period: Option<String>,
    /// A port's code: its trends alone. At most one of `port`, `region`, `mode`.
    port: Option<String>,
    /// `pacific`, `prairies`, `ontario`, `quebec`, `atlantic` or `north`.
    region: Option<String>,
    /// `air`, `land`, `marine` or `rail`: the ports of that mode.
    mode: Option<String>,
    /// The first day of a custom period (`2026-11-01`).
    from: Option<String>,
    /// The last day of a custom period, included: at most 92 days after `from`, counted
    /// inclusively.
    to: Option<String>,
    /// The series a CSV answer holds (required in CSV): `release_times`, `dwell`,
    /// `past_service_level`, `holds`, `examinations`, `referrals`, `officers`, `border_waits`.
    series: Option<String>,
    /// `json` (the default) or `csv`; `Accept: text/csv` asks for CSV too. The CSV holds the
    /// rows of one series, its JSON field names as the header.
    format: Option<String>,
}

/// Per day over the period: release times (median and 90th percentile), holds past their
/// service level, holds placed, released and seized, examinations and their outcomes, the
/// rules' hit rate against random selection, the border waits measured per flow against the
/// flow's service standard (mean, longest, share over it); the holds by dwell band; each
/// officer's completed examinations.
#[utoipa::path(
    get,
    path = "/trends",
    params(TrendsParams),
    responses(
        (status = 200, description = "The trends (JSON), or one series' rows (CSV)",
            content((Trends = "application/json"), (String = "text/csv")),
            headers(("content-disposition" = String, description = "In CSV: `attachment; filename=\"trends-<series>-<UTC time>.csv\"`"))),
        CsvBusy,
        (status = 422, description = "A bad period, date, scope or series, two scopes, a custom period longer than 92 days or ending before it starts, or CSV without `series`; `field` names it", body = ErrorBody),
    )
)]
async fn trends(
    reader: Allowed<Read>,
    headers: HeaderMap,
    query: QueryParams,
) -> Result<Response, AppError> {
    let (format, pairs) = csv::negotiate(&headers, query.pairs())?;
    let mut known = PARAMETERS.to_vec();
    known.push("series");
    let pairs = QueryPairs::new(pairs, &known)?;
    let series = pairs.parse_with("series", Series::parse, Series::codes)?;
    let filter = TrendsFilter::from_pairs(&pairs)?;
    if format == Format::Csv && series.is_none() {
        return Err(AppError::invalid(
            "series",
            td_string!(current(), trends.series_needed, series = Series::codes()).to_string(),
        ));
    }
    let now = Utc::now();
    let trends = trends::db::trends(reader.pool(), &filter, now).await?;
    Ok(match (format, series) {
        (Format::Csv, Some(series)) => csv::table(
            &format!("trends-{}", series.code()),
            now,
            &series.table(&trends),
        ),
        _ => Json(trends).into_response(),
    })
}
