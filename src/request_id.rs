//! Every request has an id, `x-request-id`: a trusted proxy's (`TRUSTED_PROXIES`), which
//! ties the product's log lines to the proxy's, or one made here. It is answered in the
//! response's `x-request-id`, named by every log line of the request (its span) and written
//! into every journal entry the request makes ([`app::journal::request`]).
//!
//! A client that is not a trusted proxy cannot choose the id: it is its own, made here, so
//! that no caller can pass its request off as another's in the logs or the journal.

use crate::state::ServerState;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use std::net::SocketAddr;

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id taken from a proxy.
const MAX_LEN: usize = 128;

/// Gives the request its id (see the module's documentation) and runs it in that id's scope.
pub async fn with_request_id(
    State(state): State<ServerState>,
    mut request: Request,
    next: Next,
) -> Response {
    let from_proxy = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| state.proxies.contains(peer.ip()));
    let given = request
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| from_proxy && well_formed(id))
        .map(str::to_string);
    let id = given.unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    // Only an id of letters, digits and `-._:` gets here: a valid header value.
    let value = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("unreadable"));
    request.headers_mut().insert(X_REQUEST_ID, value.clone());
    let mut response = app::journal::request::scope(id, next.run(request)).await;
    response.headers_mut().insert(X_REQUEST_ID, value);
    response
}

/// An id a proxy may give: 1 to 128 letters, digits or `-._:` (UUIDs, nginx's `$request_id`,
/// most tracing ids); anything else is replaced by one made here.
pub fn well_formed(id: &str) -> bool {
    (1..=MAX_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':'))
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn a_proxys_id_is_taken_only_when_it_is_short_and_plain() {
        assert!(well_formed("5f0c6b1e2a9d4c3b8e7f6a5b4c3d2e1f"));
        assert!(well_formed("req-2026.11.30:01_a"));
        assert!(!well_formed(""));
        assert!(!well_formed(&"a".repeat(129)));
        assert!(!well_formed("id with spaces"));
        assert!(!well_formed("id\"quoted"));
        assert!(!well_formed("line\nbreak"));
    }
}
