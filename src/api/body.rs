//! Reading request bodies, the same way in every area: JSON into the type an endpoint takes
//! (`JsonBody`, or `json_or_default` for one that may be left out), a 422 that says why when it
//! cannot be read, and `ActionBody`, what the actions on holds and inspections read (the same
//! body for every action on either).

use app::AppError;
use app::domain::{InspectionKind, Outcome, Priority};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
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
