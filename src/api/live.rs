//! `GET /api/v1/live`: the journal as Server-Sent Events (see `app::live`).

use crate::auth::Authenticated;
use app::live::hub::Delivery;
use app::{AppError, state::AppState};
use axum::{
    extract::{RawQuery, State},
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::Stream;
use std::{convert::Infallible, time::Duration};

/// How long a browser waits before reconnecting after the stream ends.
const RETRY: Duration = Duration::from_secs(1);
/// Comments sent on an idle stream, so that proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Where a client resumes: the `Last-Event-ID` header its browser sends on reconnecting, or
/// `?after=N`; neither means "from now".
fn resume_point(headers: &HeaderMap, raw: Option<String>) -> Result<Option<i64>, AppError> {
    let header = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from);
    let query = super::query_pairs(raw)
        .into_iter()
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v);
    match header.or(query) {
        None => Ok(None),
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| {
                AppError::invalid(
                    "after",
                    "the position to resume from must be a journal sequence number (0 or more)",
                )
            }),
    }
}

pub async fn live(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let after = resume_point(&headers, raw)?;
    let follow = state
        .live
        .follow(state.db.pool.clone(), caller.account.principal(), after);
    let hello = Event::default()
        .event("hello")
        .retry(RETRY)
        .data(format!("{{\"seq\":{}}}", follow.position()));
    let first = futures_util::stream::once(async move { Ok(hello) });
    let rest = futures_util::stream::unfold(follow, |mut follow| async move {
        let event = match follow.next().await? {
            Delivery::Event(published) => Event::default()
                .id(published.event.seq.to_string())
                .event(published.event.event_name())
                .data(&published.json),
            Delivery::Reload(seq) => Event::default()
                .id(seq.to_string())
                .event(app::live::RELOAD)
                .data(format!("{{\"seq\":{seq}}}")),
        };
        Some((Ok(event), follow))
    });
    use futures_util::StreamExt;
    Ok(Sse::new(first.chain(rest)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_wins_over_the_query_and_garbage_is_refused() {
        let mut headers = HeaderMap::new();
        assert_eq!(resume_point(&headers, None).unwrap(), None);
        assert_eq!(
            resume_point(&headers, Some("after=7".into())).unwrap(),
            Some(7)
        );
        headers.insert("last-event-id", "12".parse().unwrap());
        assert_eq!(
            resume_point(&headers, Some("after=7".into())).unwrap(),
            Some(12)
        );
        assert!(resume_point(&HeaderMap::new(), Some("after=-1".into())).is_err());
        assert!(resume_point(&HeaderMap::new(), Some("after=seven".into())).is_err());
    }
}
