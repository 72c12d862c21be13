//! The pieces of the API's documentation that several areas share, below all of them: the
//! refusals every endpoint may answer with, the answers to a body or a query that cannot be
//! read, and the path and the 404 of a shipment, which more than one area serves. An area's
//! own answers live beside its handlers; a handler's annotation names these sets instead of
//! repeating their lines.
//!
//! The types here are never built: they exist for their `IntoResponses` and `IntoParams`
//! implementations. `Area` is what every operation of an area shares: its tag and the
//! refusals; an area's `Docs` names it once among its modifiers.

#![allow(dead_code)]

use app::ErrorBody;
use utoipa::openapi::OpenApi;
use utoipa::{IntoParams, IntoResponses, Modify};

/// The refusal of a caller who is not signed in.
#[derive(IntoResponses)]
pub enum SignIn {
    /// No session cookie or bearer token, or one that is no longer valid.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
}

/// The refusals every endpoint may answer with, whatever it does.
#[derive(IntoResponses)]
pub enum Refusals {
    /// No session cookie or bearer token, or one that is no longer valid.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The caller's role or ports do not allow this.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// The database cannot be reached; try again in a moment.
    #[response(status = 503)]
    Unavailable(ErrorBody),
    /// A failure on the server: the body names a reference to quote, nothing more.
    #[response(status = 500)]
    Internal(ErrorBody),
}

/// A JSON body that cannot be read into what the endpoint takes.
#[derive(IntoResponses)]
pub enum BadBody {
    /// The body cannot be read, or a field is wrong; `field` names it
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// A list's query that cannot be read.
#[derive(IntoResponses)]
pub enum BadQuery {
    /// An unknown parameter or a value out of range; `field` names it
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// A CSV download beyond the server's turns (see `csv.rs`).
#[derive(IntoResponses)]
pub enum CsvBusy {
    /// In CSV: as many files as this server sends at once (`MAX_CONCURRENT_CSV`) are being
    /// sent, or one is being sent to this account; `Retry-After` says when to ask again
    #[response(status = 429)]
    Busy(ErrorBody),
}

/// The answer for a shipment id that names none.
#[derive(IntoResponses)]
pub enum NoShipment {
    /// No shipment has this id
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// The path of a shipment.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ShipmentId {
    /// The shipment's id
    id: i64,
}

/// The page of a list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The page, from 1
    page: Option<i64>,
    /// Rows per page, 1 to 500 (50 by default)
    per_page: Option<i64>,
}

/// The format of a list's answer.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvFormat {
    /// `json` (the default) or `csv`; `Accept: text/csv` asks for CSV too. CSV carries every
    /// row the filters match, not one page (`page` and `per_page` are then refused), read and
    /// sent a part at a time, UTF-8 with a byte order mark, the JSON's field names as its
    /// header, cells beginning with `=`, `+`, `-`, `@`, a tab or a carriage return prefixed with
    /// `'` (numbers excepted)
    format: Option<String>,
}

/// What every operation of an area shares: the area's tag, and the [`Refusals`] among its
/// answers (beside its own, which it lists in its annotation).
pub struct Area(pub &'static str);

impl Modify for Area {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                operation.tags = Some(vec![self.0.to_string()]);
                for (status, response) in Refusals::responses() {
                    operation
                        .responses
                        .responses
                        .entry(status)
                        .or_insert(response);
                }
            }
        }
    }
}
