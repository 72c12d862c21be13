//! Logging: `RUST_LOG` (read with the rest of the configuration) decides what is shown, and
//! `LOG_FORMAT` how: a line of text each (the default, for people) or a JSON object each (for
//! a log shipper). A request's lines carry its id (`request_id`, a field of the span of
//! [`request_span`]: `span.request_id` in JSON) in both.

use crate::config::LogFormat;
use axum::http::Request;
use tracing_subscriber::{EnvFilter, fmt};

/// Starts logging with `filter`, a tracing filter already checked by the configuration.
pub fn init(filter: &str, format: LogFormat) {
    let filter =
        EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(crate::config::DEFAULT_LOG));
    // A second call (tests starting several servers) is harmless.
    let _ = match format {
        LogFormat::Text => fmt().with_env_filter(filter).with_target(false).try_init(),
        LogFormat::Json => fmt()
            .json()
            // The event's fields at the top level of the object; the request's (its id,
            // method and path) under `span`, on each of its lines.
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .with_target(false)
            .try_init(),
    };
}

/// The span every log line of a request is written in: its id (given by
/// [`crate::request_id`] before the span is made), method and path, never its query (which
/// may name what an officer searched for).
pub fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get(crate::request_id::X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        request_id = id,
        method = %request.method(),
        path = request.uri().path(),
    )
}
