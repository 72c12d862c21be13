//! Reading request bodies, the same way in every area: JSON into the type an endpoint takes
//! (`JsonBody`, or `json_or_default` for one that may be left out), a 422 that says why when it
//! cannot be read, and `ActionBody`, what the actions on holds and inspections read (the same
//! body for every action on either), and the bodies of imports: their type checked, their size
//! capped, their arrival timed.

use crate::state::ImportGate;
use app::AppError;
use app::domain::{InspectionKind, Outcome, Priority};
use app::i18n::td_string;
use app::lang::current;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header::CONTENT_LENGTH, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, de::DeserializeOwned};

/// Every field any action reads; each action takes what it needs and names what is missing.
/// Fields an action does not read are ignored; fields no action reads are refused.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// Why: the reason recorded in the journal.
    #[serde(default)]
    pub reason: String,
    /// A note's text.
    #[serde(default)]
    pub text: String,
    /// The examiner's notes on completing an inspection.
    #[serde(default)]
    pub notes: String,
    /// The agency a hold is referred to.
    pub agency: Option<String>,
    /// The version of the record the caller saw: when it has changed since, nothing is
    /// done and the answer is 409 with the record as it now is.
    pub version: Option<i64>,
    /// The officer to assign; `null` puts the item back in the queue.
    pub officer_id: Option<i64>,
    pub outcome: Option<Outcome>,
    /// The next kind of inspection, when the outcome is inconclusive.
    pub follow_up: Option<InspectionKind>,
    pub priority: Option<Priority>,
}

/// A JSON body read into `T`; one that cannot be is a 422 that says why.
pub fn json<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, AppError> {
    serde_json::from_slice(bytes).map_err(|e| AppError::invalid("body", e.to_string()))
}

/// A JSON body that may be left out: an empty one is `T::default()`.
pub fn json_or_default<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, AppError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    json(bytes)
}

/// A JSON body read into `T`, as [`json`] reads it.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        json(&bytes).map(Self).map_err(IntoResponse::into_response)
    }
}

/// Refuses a body of another type than `expected` (415), naming what is read.
pub fn require_type(headers: &HeaderMap, expected: &str) -> Result<(), AppError> {
    let given = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType {
            message: if given.is_empty() {
                td_string!(current(), api.content_type_missing, expected = expected).to_string()
            } else {
                td_string!(
                    current(),
                    api.content_type_wrong,
                    expected = expected,
                    given = given
                )
                .to_string()
            },
        })
    }
}

fn too_large(limit: usize) -> AppError {
    AppError::TooLarge {
        message: td_string!(
            current(),
            api.body_too_large,
            megabytes = limit / (1024 * 1024)
        )
        .to_string(),
    }
}

/// Reads a body of at most `limit` bytes (413 beyond, without reading further).
async fn read_limited(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, AppError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
        while let Some(err) = source {
            if err.is::<http_body_util::LengthLimitError>() {
                return too_large(limit);
            }
            source = err.source();
        }
        AppError::invalid(
            "body",
            td_string!(current(), api.body_unreadable, error = e).to_string(),
        )
    })
}

/// Reads the body of an import (see [`read_limited`]) within the gate's deadline.
pub async fn read_in_time(
    gate: &ImportGate,
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, AppError> {
    let deadline = gate.body_deadline;
    tokio::time::timeout(deadline, read_limited(headers, body, limit))
        .await
        .map_err(|_| {
            AppError::invalid(
                "body",
                td_string!(current(), api.body_too_slow, seconds = deadline.as_secs()).to_string(),
            )
        })?
}
