//! The instant a board page shows: now, or a past moment named by `?at=` (a replay,
//! `crate::replay`). The pages read it here, keep it in their links, stop following the live
//! stream while it is set, and read their data through the replay's reads, which `app.rs`
//! provides (`ReadAt`), so that the pages' areas need not depend on the replay's.

use super::clock::{Now, use_now};
use crate::error::AppError;
use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use std::future::Future;
use std::pin::Pin;

/// The query parameters of a replay: the instant, and the zone of a local time written in the
/// time control without JavaScript.
pub const REPLAY_PARAMS: [&str; 2] = ["at", "tz"];

/// The instant the address asks for, as RFC 3339 in UTC: `at` as given (any offset), or a
/// local date and time (`2026-11-28T02:00`, what a `datetime-local` field sends) in the zone
/// `tz` names. Anything else is passed on as written, for the server to refuse in words.
/// `None` when no instant is asked (the live board).
pub fn requested(at: Option<&str>, tz: Option<&str>) -> Option<String> {
    let raw = at.map(str::trim).filter(|a| !a.is_empty())?;
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(canonical(t.with_timezone(&Utc)));
    }
    let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok());
    let zone = tz.and_then(|z| z.trim().parse::<chrono_tz::Tz>().ok());
    match (local, zone) {
        // A time skipped by a change to summer time does not exist: said as written.
        (Some(local), Some(zone)) => match zone.from_local_datetime(&local).earliest() {
            Some(t) => Some(canonical(t.with_timezone(&Utc))),
            None => Some(raw.to_string()),
        },
        _ => Some(raw.to_string()),
    }
}

/// An instant as the board's addresses write it: `2026-11-28T02:00:00Z`.
pub fn canonical(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Whether the page at `path` is a board page, the pages a replay can show.
pub fn on_board(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    matches!(path, "" | "/holds" | "/inspections" | "/map")
        || path.starts_with("/ports/")
        || path.starts_with("/shipments/")
}

/// Whether the page shown is a board page at a past instant, following the address.
pub fn use_replaying() -> Memo<bool> {
    let location = leptos_router::hooks::use_location();
    let at = use_at();
    Memo::new(move |_| location.pathname.with(|p| on_board(p)) && at.with(Option::is_some))
}

/// The instant the page's address asks for (see [`requested`]), following the address.
pub fn use_at() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| requested(q.get_str("at"), q.get_str("tz"))))
}

/// [`use_at`], and for the page's dwell and due times a clock that reads the instant shown
/// while replaying (it ticks with the page's clock otherwise). Called once at the top of a
/// board page.
pub fn provide_at() -> Memo<Option<String>> {
    let at = use_at();
    let ticking = use_now();
    let shown = move |at: Option<&String>, now: DateTime<Utc>| {
        at.and_then(|a| DateTime::parse_from_rfc3339(a).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
    };
    let (now, set_now) = signal(at.with_untracked(|a| shown(a.as_ref(), ticking.get_untracked())));
    Effect::new(move |_| {
        let t = at.with(|a| shown(a.as_ref(), ticking.get()));
        set_now.set(t);
    });
    provide_context(Now(now));
    at
}

/// The live refresh a page's reads follow: the live stream's while live, none while
/// replaying (a replay is not overwritten by the board as it now is).
/// `live` is `crate::live::client::live_tick`.
pub fn tick(at: Memo<Option<String>>, live: fn() -> (u64, u64)) -> (u64, u64) {
    if at.with(Option::is_some) {
        (0, 0)
    } else {
        live()
    }
}

/// The query's pairs without the replay's: what a page's filter reads.
pub fn without_at<'a>(pairs: Vec<(&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    pairs
        .into_iter()
        .filter(|(k, _)| !REPLAY_PARAMS.contains(k))
        .collect()
}

/// `href` with `at=` added when the page shows a replay, so that the board's links stay at
/// the moment shown.
pub fn keep_at(href: impl Into<String>) -> String {
    let href = href.into();
    let at = use_query_map().with_untracked(|q| requested(q.get_str("at"), q.get_str("tz")));
    with_at(href, at.as_deref())
}

/// `href` with `at=` added when there is an instant.
pub fn with_at(href: String, at: Option<&str>) -> String {
    match at {
        None => href,
        Some(at) => {
            let value: String = form_urlencoded::byte_serialize(at.as_bytes()).collect();
            let joiner = if href.contains('?') { '&' } else { '?' };
            format!("{href}{joiner}at={value}")
        }
    }
}

/// One read of the board, boxed: what a page's resource awaits.
pub type Read<T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send>>;

/// A read of the board at a past instant (`A`, the read's arguments; the `String`, the
/// instant): the replay's server functions, provided by `app.rs` (see `crate::replay::rpc`).
pub struct ReadAt<A, T>(pub fn(A, String) -> Read<T>);

impl<A, T> Clone for ReadAt<A, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A, T> Copy for ReadAt<A, T> {}

/// The replay's read of `T`, or one that answers that the board cannot be replayed here.
pub fn read_at<A: 'static, T: 'static>() -> ReadAt<A, T> {
    use_context::<ReadAt<A, T>>().unwrap_or(ReadAt(|_, _| {
        Box::pin(async { Err(AppError::Unavailable) })
    }))
}

/// The page's read: `live` when no instant is asked, the replay's at `at` otherwise.
pub fn read<A, T, F>(at: Option<String>, args: A, replay: ReadAt<A, T>, live: F) -> Read<T>
where
    F: Future<Output = Result<T, AppError>> + Send + 'static,
{
    match at {
        Some(at) => (replay.0)(args, at),
        None => Box::pin(live),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instant_asked_is_written_in_utc_and_a_local_time_is_read_in_its_zone() {
        assert_eq!(requested(None, None), None);
        assert_eq!(requested(Some("  "), Some("America/Toronto")), None);
        assert_eq!(
            requested(Some("2026-11-27T21:00:00-05:00"), None).as_deref(),
            Some("2026-11-28T02:00:00Z")
        );
        // The time control without JavaScript: the page's zone (Eastern standard time, UTC-5).
        assert_eq!(
            requested(Some("2026-11-27T21:00"), Some("America/Toronto")).as_deref(),
            Some("2026-11-28T02:00:00Z")
        );
        assert_eq!(
            requested(Some("2026-11-27T18:00:30"), Some("America/Vancouver")).as_deref(),
            Some("2026-11-28T02:00:30Z")
        );
        // Without a zone, or unreadable: as written, for the server's refusal.
        assert_eq!(
            requested(Some("2026-11-27T21:00"), None).as_deref(),
            Some("2026-11-27T21:00")
        );
        assert_eq!(
            requested(Some("yesterday"), Some("America/Toronto")).as_deref(),
            Some("yesterday")
        );
        // 02:30 on the day clocks go forward does not exist in Toronto.
        assert_eq!(
            requested(Some("2026-03-08T02:30"), Some("America/Toronto")).as_deref(),
            Some("2026-03-08T02:30")
        );
    }

    #[test]
    fn links_carry_the_instant() {
        assert_eq!(with_at("/ports/YVR".into(), None), "/ports/YVR");
        assert_eq!(
            with_at("/ports/YVR".into(), Some("2026-11-28T02:00:00Z")),
            "/ports/YVR?at=2026-11-28T02%3A00%3A00Z"
        );
        assert_eq!(
            with_at("/holds?port=YVR".into(), Some("2026-11-28T02:00:00Z")),
            "/holds?port=YVR&at=2026-11-28T02%3A00%3A00Z"
        );
        assert_eq!(
            without_at(vec![("port", "YVR"), ("at", "x"), ("tz", "UTC")]),
            vec![("port", "YVR")]
        );
    }
}
