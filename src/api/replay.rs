//! `?at=`: the board's reads answered as the board was at a past instant
//! (`app::replay`). A replayed answer has the shape of the live one, with `as_of` (the instant
//! shown) and `replay: true` added at its top.

use super::csv::{self, Format};
use super::extract::QueryParams;
use app::AppError;
use app::export::{CsvRecord, CsvTable};
use app::paging::Page;
use axum::Json;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::IntoParams;

/// The instant a read shows.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ReplayAt {
    /// An instant in RFC 3339 (`2026-11-28T02:00:00Z`): the answer is the board as it was
    /// then, rebuilt from the journal, with `as_of` and `replay: true`. Refused (422 naming
    /// `at`) when unreadable, in the future or before the journal's first entry.
    at: Option<String>,
}

/// The instant `?at=` names, checked against now and the journal (the last value counts; an
/// empty one is none), and the query's other pairs.
pub async fn instant<'a>(
    pool: &sqlx::AnyPool,
    query: &'a QueryParams,
) -> Result<(Option<DateTime<Utc>>, Vec<(&'a str, &'a str)>), AppError> {
    let (asked, rest): (Vec<_>, Vec<_>) = query.pairs().partition(|(k, _)| *k == "at");
    let at = match asked
        .last()
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
    {
        Some(raw) => Some(app::replay::db::instant(pool, raw).await?),
        None => None,
    };
    Ok((at, rest))
}

/// `value` answered as a replay at `at`.
pub fn replayed<T: Serialize>(value: &T, at: DateTime<Utc>) -> Result<Response, AppError> {
    let mut json = serde_json::to_value(value).unwrap_or_default();
    if let Some(object) = json.as_object_mut() {
        object.insert("as_of".into(), serde_json::json!(at));
        object.insert("replay".into(), serde_json::json!(true));
    }
    Ok(Json(json).into_response())
}

/// A replayed list: its page in JSON, or in CSV every row the filter matches.
pub fn page<T: Serialize + CsvRecord>(
    format: Format,
    list: &str,
    at: DateTime<Utc>,
    page: &Page<T>,
) -> Result<Response, AppError> {
    match format {
        Format::Json => replayed(page, at),
        Format::Csv => Ok(csv::table(list, at, &CsvTable::of(&page.items))),
    }
}

/// The filter as given for JSON; for CSV, one page as long as the whole list.
pub fn whole_for_csv<F>(format: Format, mut filter: F, per_page: impl Fn(&mut F) -> &mut i64) -> F {
    if format == Format::Csv {
        *per_page(&mut filter) = i64::MAX;
    }
    filter
}
