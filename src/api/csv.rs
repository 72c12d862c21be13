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
//!
//! A file costs much more than a page of JSON, so downloads take turns ([`gate`]): a few at
//! once per instance and one at a time per account, each holding its turn until its file has
//! been sent or its client has gone; the others are answered 429 with `Retry-After`. A file
//! streamed a part at a time stops at the instance's row cap (`CSV_MAX_ROWS`) with a last row
//! saying so, in the reader's language (the rows already sent cannot be taken back into a
//! refusal, and the count is not known before they are read).

use crate::state::CsvGate;
use app::AppError;
use app::auth::server::Caller;
use app::export::{self, Cell, CsvRecord, CsvTable};
use app::i18n::td_string;
use app::lang::current;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, stream};
use std::future::Future;

/// Rows read and sent at a time.
pub const PART: usize = 1_000;

tokio::task_local! {
    /// The most rows of a file, set by [`gate`] around the handling of a download.
    static MAX_ROWS: usize;
}

/// Whether a request asks for CSV as [`negotiate`] reads it (a bad `format` is the handler's
/// to refuse).
fn asks_for_csv(request: &Request) -> bool {
    let query = request.uri().query().unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    matches!(
        negotiate(
            request.headers(),
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
        ),
        Ok((Format::Csv, _))
    )
}

/// The turns of the CSV downloads, around every endpoint of the API: a signed-in caller's
/// `GET` that asks for CSV takes a turn (the instance's and its account's) before the handler
/// reads anything, and holds it until the answer's body has been sent or dropped (a client
/// that goes away mid-file gives its turn back); none free is a 429. Other requests pass.
pub async fn gate(State(gate): State<CsvGate>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET || !asks_for_csv(&request) {
        return next.run(request).await;
    }
    // Without a caller the handler refuses, with its own answer.
    let Some(account) = request.extensions().get::<Caller>().map(|c| c.account.id) else {
        return next.run(request).await;
    };
    let turn = match gate.enter(account) {
        Ok(turn) => turn,
        Err(refusal) => return refusal.into_response(),
    };
    let response = MAX_ROWS.scope(gate.max_rows, next.run(request)).await;
    let (parts, body) = response.into_parts();
    let body = body.into_data_stream().map(move |chunk| {
        // The turn lives as long as the body: dropped with it, sent or not.
        let _held = &turn;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(body))
}

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
/// `last` (from the first when `None`), in the list's order. At the row cap the file ends,
/// with a last row saying so when more rows were left.
pub async fn stream<T, F, Fut>(list: &str, at: DateTime<Utc>, read: F) -> Result<Response, AppError>
where
    T: CsvRecord + Send + 'static,
    F: Fn(Option<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let max_rows = MAX_ROWS
        .try_with(|max| *max)
        .unwrap_or(crate::state::DEFAULT_CSV_MAX_ROWS);
    // Said in the reader's language, which the stream's later parts no longer know.
    let cut = td_string!(
        current(),
        export.rows_cut,
        rows = app::lang::format::integer(current(), max_rows as i64)
    )
    .to_string();
    let first = read(None).await?;
    let mut head = String::from(export::BOM);
    export::write_header(&mut head, T::COLUMNS.iter().copied());
    let part = write_part(first, max_rows, &cut);
    head.push_str(&part.text);
    let state = (read, part.last, part.done, max_rows - part.written, cut);
    let rest = stream::try_unfold(state, |(read, last, done, room, cut)| async move {
        if done {
            return Ok(None);
        }
        let rows = read(last).await.inspect_err(|error| {
            tracing::error!(%error, "a CSV download was cut off");
        })?;
        if rows.is_empty() {
            return Ok(None);
        }
        let part = write_part(rows, room, &cut);
        let room = room - part.written;
        Ok(Some((
            Bytes::from(part.text),
            (read, part.last, part.done, room, cut),
        )))
    });
    let body = stream::once(async move { Ok::<_, AppError>(Bytes::from(head)) }).chain(rest);
    Ok((csv_headers(list, at), Body::from_stream(body)).into_response())
}

/// One part written.
struct Part<T> {
    text: String,
    /// Its last row, where the next part starts.
    last: Option<T>,
    /// Whether the file ends with it.
    done: bool,
    written: usize,
}

/// The rows of one part as text, at most `room` of them: when some are left over, the file
/// ends with the row `cut` instead.
fn write_part<T: CsvRecord>(rows: Vec<T>, room: usize, cut: &str) -> Part<T> {
    let mut text = String::with_capacity(rows.len().min(room) * 256);
    let written = rows.len().min(room);
    for row in &rows[..written] {
        export::write_row(&mut text, &row.cells());
    }
    let over = rows.len() > room;
    if over {
        export::write_row(&mut text, &[Cell::text(cut)]);
    }
    Part {
        text,
        done: over || rows.len() < PART,
        last: rows.into_iter().take(written).last(),
        written,
    }
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
