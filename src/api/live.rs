//! `GET /api/v1/live`: the journal as Server-Sent Events (see `crate::live` and `app::live`).

use super::extract::QueryParams;
use crate::auth::Authenticated;
use crate::live::{Delivery, Follow, LiveHub, reload_frame};
use app::i18n::td_string;
use app::lang::current;
use app::{AppError, state::AppState};
use axum::{
    body::{Body, Bytes},
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderName, header},
    response::{IntoResponse, Response},
};
use std::{
    convert::Infallible,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// How long a browser waits before reconnecting after the stream ends.
const RETRY: Duration = Duration::from_secs(1);

/// Where a client resumes: the `Last-Event-ID` header its browser sends on reconnecting, or
/// `?after=N`; neither means "from now".
fn resume_point(headers: &HeaderMap, raw: Option<String>) -> Result<Option<i64>, AppError> {
    let header = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from);
    let query = QueryParams::from(raw).first("after").map(String::from);
    match header.or(query) {
        None => Ok(None),
        Some(value) => value
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Some)
            .ok_or_else(|| AppError::invalid("after", td_string!(current(), api.after_invalid))),
    }
}

/// At most this many changes go out in one write.
const BURST: usize = 256;

/// The journal as Server-Sent Events: a `hello` frame with the position the stream starts
/// from, then every change the caller may read, each with its journal sequence as `id`, or a
/// `reload` frame when the caller is too far behind to be caught up.
#[utoipa::path(
    get,
    path = "/live",
    tag = "live",
    params(
        ("after" = Option<i64>, Query, description = "Resume after this journal sequence; without it (and without `Last-Event-ID`) the stream starts now"),
        ("Last-Event-ID" = Option<String>, Header, description = "Sent by a reconnecting browser; wins over `after`"),
    ),
    responses(
        (status = 200, description = "The event stream: it ends, after an `ended` frame with the reason, when the caller's session, token or account stops giving access", content_type = "text/event-stream", body = String),
        (status = 422, description = "The resume position is not a journal sequence number", body = app::ErrorBody),
        (status = 429, description = "The account already holds as many live streams open as it may (`LIVE_STREAMS_PER_ACCOUNT`)", body = app::ErrorBody),
        super::responses::Refusals,
    )
)]
pub async fn live(
    State(state): State<AppState>,
    State(hub): State<LiveHub>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let after = resume_point(&headers, raw)?;
    // A stream now would be silent: the browser says the database is unavailable instead.
    if hub.database_unavailable() {
        return Err(AppError::Unavailable);
    }
    // Refused (429) when the account holds as many streams as it may; the grant ends the
    // stream when the caller's access ends (see `crate::live::Grant`).
    let grant = hub.grant(&caller)?;
    let follow = hub.follow(state.db.pool.clone(), grant, after).await;
    // The first frame: how long to wait before reconnecting, and where the stream starts.
    let hello = Bytes::from(format!(
        "retry: {}\nevent: hello\ndata: {{\"seq\":{}}}\n\n",
        RETRY.as_millis(),
        follow.position()
    ));
    // Silent for this long, a stream sends a comment at the pump's next tick (see `LiveHub`).
    let quiet_for = hub.keep_alive() / 2;
    let stream = LiveStream(Arc::new(Mutex::new(Some(Stream {
        hello,
        follow,
        quiet_for,
        hub,
    }))));
    // Served by hyper, the body runs the stream; a connection that writes it to the socket
    // itself (`crate::serve`) takes it from the response first, and the body is never read.
    let taken = stream.clone();
    let frames = futures_util::stream::unfold(None, move |running| {
        let taken = taken.clone();
        async move {
            let (mut follow, mut last_write): (Follow, Instant) = match running {
                Some(running) => running,
                None => {
                    let stream = taken.take()?;
                    let hello = Ok::<_, Infallible>(stream.hello);
                    return Some((hello, Some((stream.follow, Instant::now()))));
                }
            };
            loop {
                if let Some(bytes) = next_write(&mut follow, &mut last_write, quiet_for).await? {
                    return Some((Ok(bytes), Some((follow, last_write))));
                }
            }
        }
    });
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // A stream that ends (its access did) ends its connection too.
            (header::CONNECTION, "close"),
            // Proxies such as nginx must pass each frame on as it comes.
            (HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(frames),
    )
        .into_response();
    response.extensions_mut().insert(stream);
    Ok(response)
}

/// A live stream not started yet: whoever takes it (the response body, or the connection)
/// runs it.
#[derive(Clone)]
pub struct LiveStream(Arc<Mutex<Option<Stream>>>);

pub struct Stream {
    /// The first frame: reconnection delay and starting position.
    pub hello: Bytes,
    pub follow: Follow,
    /// A stream silent for this long sends a comment at the pump's next tick.
    pub quiet_for: Duration,
    pub hub: LiveHub,
}

impl LiveStream {
    pub fn take(&self) -> Option<Stream> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// The next write of a stream: what is ready, in one piece, or a keep-alive comment when the
/// stream has been silent for `quiet_for`. `Some(None)` when the stream was woken with nothing
/// to send (changes it may not see, the pump's tick), `None` when the server is shutting down
/// or the stream has ended (after its `ended` frame).
pub async fn next_write(
    follow: &mut Follow,
    last_write: &mut Instant,
    quiet_for: Duration,
) -> Option<Option<Bytes>> {
    let first = match follow.next().await? {
        // The pump's tick (or changes this reader may not see): a comment keeps proxies from
        // closing a stream that has been silent for a while.
        Delivery::Quiet if last_write.elapsed() >= quiet_for => {
            *last_write = Instant::now();
            return Some(Some(Bytes::from_static(b": keep-alive\n\n")));
        }
        Delivery::Quiet => return Some(None),
        delivery => delivery,
    };
    // What else is ready goes out in the same write: each frame is encoded once, by the pump,
    // and shared by every stream.
    let mut burst = Vec::from_iter(frame(first));
    while burst.len() < BURST {
        match follow.ready() {
            Some(delivery) => burst.extend(frame(delivery)),
            None => break,
        }
    }
    *last_write = Instant::now();
    Some(Some(if burst.len() == 1 {
        burst.pop().unwrap_or_default()
    } else {
        Bytes::from(burst.concat())
    }))
}

fn frame(delivery: Delivery) -> Option<Bytes> {
    match delivery {
        Delivery::Event(published) => Some(published.frame.clone()),
        Delivery::Reload(seq) => Some(reload_frame(seq)),
        Delivery::Ended(frame) => Some(frame),
        Delivery::Quiet => None,
    }
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
