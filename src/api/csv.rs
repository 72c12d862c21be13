//! The lists' CSV answers. A list endpoint answers CSV instead of JSON when asked by
//! `?format=csv` or by `Accept: text/csv` (`format=json` asks for JSON whatever the `Accept`),
//! with the same filters and order as its JSON, every row that matches rather than one page
//! (so `page` and `per_page` are refused). The file is written by `app::export`: the JSON's
//! field names as the header, its values, formulas defused, a UTF-8 byte order mark first.
//!
//! Holds and the queue can hold a million rows: they are read and sent a part at a time
//! ([`PART`] rows, each part after the last row of the one before), so what a download holds
//! in memory does not grow with the list. The first part is read before the answer starts, so
//! a bad filter (an unknown port) is still a 422; a failure after that cuts the transfer off
//! (the client sees an incomplete body, never a file that looks whole).

use app::AppError;
use app::export::{self, CsvRecord, CsvTable};
use app::i18n::td_string;
use app::lang::current;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use std::future::Future;

/// Rows read and sent at a time.
pub const PART: usize = 1_000;

/// What a list is answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

/// A query string's `key=value` pairs.
pub type Pairs<'a> = Vec<(&'a str, &'a str)>;

/// The format asked for, and the query's other pairs (for the list's own filter). A `format`
/// other than `csv` or `json` is a 422 naming `format`; in CSV, `page` and `per_page` are
/// refused by name.
pub fn negotiate<'a>(
    headers: &HeaderMap,
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(Format, Pairs<'a>), AppError> {
    let (asked, rest): (Vec<_>, Vec<_>) = pairs.partition(|(k, _)| *k == "format");
    // As for every filter: the last value counts, and an empty one is no value.
    let asked = asked
        .iter()
        .rev()
        .map(|(_, v)| v.trim())
        .find(|v| !v.is_empty());
    let format = match asked {
        Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        Some(other) => {
            return Err(AppError::invalid(
                "format",
                td_string!(
                    current(),
                    components.filter_invalid,
                    value = other,
                    expected = td_string!(current(), export.format_choices)
                )
                .to_string(),
            ));
        }
        None if accepts_csv(headers) => Format::Csv,
        None => Format::Json,
    };
    if format == Format::Csv
        && let Some((paging, _)) = rest
            .iter()
            .find(|(k, v)| (*k == "page" || *k == "per_page") && !v.trim().is_empty())
    {
        return Err(AppError::invalid(
            *paging,
            td_string!(current(), export.no_paging).to_string(),
        ));
    }
    Ok((format, rest))
}

/// Whether `Accept` names `text/csv` at least as willingly as `application/json`.
fn accepts_csv(headers: &HeaderMap) -> bool {
    let mut csv = 0.0;
    let mut json = 0.0;
    for accept in headers.get_all(header::ACCEPT) {
        let Ok(accept) = accept.to_str() else {
            continue;
        };
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            match media.as_str() {
                "text/csv" => csv = f32::max(csv, q),
                "application/json" => json = f32::max(json, q),
                _ => {}
            }
        }
    }
    csv > 0.0 && csv >= json
}

/// The headers of a CSV file named for `list` and the moment `at`.
fn csv_headers(list: &str, at: DateTime<Utc>) -> [(header::HeaderName, HeaderValue); 2] {
    let disposition = format!("attachment; filename=\"{}\"", export::file_name(list, at));
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).expect("a file name of a code and a time"),
        ),
    ]
}

/// A whole table, built at once: for the short lists (the ports, the rules' figures).
pub fn table(list: &str, at: DateTime<Utc>, table: &CsvTable) -> Response {
    (csv_headers(list, at), table.to_csv()).into_response()
}

/// A list read and sent a part at a time: `read(last)` gives the up to [`PART`] rows after
/// `last` (from the first when `None`), in the list's order.
pub async fn stream<T, F, Fut>(list: &str, at: DateTime<Utc>, read: F) -> Result<Response, AppError>
where
    T: CsvRecord + Send + 'static,
    F: Fn(Option<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let first = read(None).await?;
    let mut head = String::from(export::BOM);
    export::write_header(&mut head, T::COLUMNS.iter().copied());
    let (head_rows, last, done) = write_part(first);
    head.push_str(&head_rows);
    let rest = stream::try_unfold((read, last, done), |(read, last, done)| async move {
        if done {
            return Ok(None);
        }
        let rows = read(last).await.inspect_err(|error| {
            tracing::error!(%error, "a CSV download was cut off");
        })?;
        if rows.is_empty() {
            return Ok(None);
        }
        let (text, last, done) = write_part(rows);
        Ok(Some((Bytes::from(text), (read, last, done))))
    });
    let body = stream::once(async move { Ok::<_, AppError>(Bytes::from(head)) }).chain(rest);
    Ok((csv_headers(list, at), Body::from_stream(body)).into_response())
}

/// The rows of one part as text, the last row (where the next part starts) and whether this
/// was the last part.
fn write_part<T: CsvRecord>(rows: Vec<T>) -> (String, Option<T>, bool) {
    let done = rows.len() < PART;
    let mut text = String::with_capacity(rows.len() * 256);
    for row in &rows {
        export::write_row(&mut text, &row.cells());
    }
    (text, rows.into_iter().last(), done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn csv_is_asked_for_by_the_parameter_or_the_accept_header() {
        let none = HeaderMap::new();
        let format = |h: &HeaderMap, q: &[(&'static str, &'static str)]| {
            negotiate(h, q.iter().copied()).map(|(f, _)| f)
        };
        assert_eq!(format(&none, &[]), Ok(Format::Json));
        assert_eq!(format(&none, &[("format", "csv")]), Ok(Format::Csv));
        assert_eq!(format(&accept("text/csv"), &[]), Ok(Format::Csv));
        assert_eq!(
            format(&accept("text/csv"), &[("format", "json")]),
            Ok(Format::Json)
        );
        assert_eq!(
            format(&accept("text/html,application/xhtml+xml,*/*;q=0.8"), &[]),
            Ok(Format::Json)
        );
        assert_eq!(
            format(&accept("application/json, text/csv;q=0.5"), &[]),
            Ok(Format::Json)
        );
        assert_eq!(format(&accept("text/csv;q=0"), &[]), Ok(Format::Json));
        let err = format(&none, &[("format", "xml")]).unwrap_err();
        assert!(matches!(err, AppError::Invalid { ref field, .. } if field == "format"));
        let err = format(&none, &[("format", "csv"), ("per_page", "10")]).unwrap_err();
        assert!(matches!(err, AppError::Invalid { ref field, .. } if field == "per_page"));
        let (_, rest) = negotiate(&none, [("port", "YVR"), ("format", "csv")].into_iter()).unwrap();
        assert_eq!(rest, [("port", "YVR")]);
    }
}
