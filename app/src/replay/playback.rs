//! Playback of a replay, in the browser: from the moment shown, the instant moves on at the
//! chosen speed (×1 to ×3600) while the page reads the board again once a second, the address
//! following (replaced, not added to the history). It stops at the present. The time reached
//! is announced politely every few seconds, not at every step.

use super::banner::{query_pairs, time_and_date};
use super::rpc::Moment;
use crate::components::moment::{REPLAY_PARAMS, canonical};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The speeds offered: how many seconds of the board pass in a second.
pub const SPEEDS: [i64; 5] = [1, 10, 60, 600, 3600];

/// How often the page reads the board again while playing.
const STEP_MS: u64 = 1000;

/// How often the time reached is announced.
const ANNOUNCE_EVERY_SECONDS: i64 = 5;

/// Where playback is after `elapsed` of real time at `speed` from `from`, and whether it has
/// reached `now` (then it is `now`, less a second, so that the server still shows it).
pub fn advanced(
    from: DateTime<Utc>,
    elapsed: Duration,
    speed: i64,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, bool) {
    // Whole seconds: the address stays short.
    let whole = |t: DateTime<Utc>| DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
    let next = whole(from + elapsed * speed as i32);
    let latest = whole(now - Duration::seconds(1));
    if next >= latest {
        (latest.max(from), true)
    } else {
        (next, false)
    }
}

/// The page's address with `at` set to `t`, its other parameters kept.
fn address_at(path: &str, pairs: &[(String, String)], t: DateTime<Utc>) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            pairs
                .iter()
                .filter(|(k, _)| !REPLAY_PARAMS.contains(&k.as_str())),
        )
        .append_pair("at", &canonical(t))
        .finish();
    format!("{path}?{query}")
}

#[component]
pub fn Playback(
    at: Memo<Option<String>>,
    moment: Resource<Result<Option<Moment>, AppError>>,
) -> impl IntoView {
    let playing = RwSignal::new(false);
    let speed = RwSignal::new(60i64);
    let reached = RwSignal::new(false);
    let announced = RwSignal::new(String::new());
    // Where and when (in real time) the current run started, and when it last spoke.
    let origin = StoredValue::new(None::<(DateTime<Utc>, DateTime<Utc>)>);
    let last_said = StoredValue::new(Utc::now());
    let timer = StoredValue::new(None::<IntervalHandle>);
    let location = use_location();
    let pairs = query_pairs();
    // Only the browser plays (a value of one thread: never made on the server's).
    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());

    let shown_at = move || {
        at.get_untracked()
            .and_then(|a| DateTime::parse_from_rfc3339(&a).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let say = move |key: fn(lang::Locale, &str, &str) -> String, t: DateTime<Utc>| {
        let zone = match moment.get_untracked() {
            Some(Ok(Some(m))) => m.zone,
            _ => crate::forecast::CENTRE_TIME_ZONE.to_string(),
        };
        let locale = lang::current();
        let (time, date) = time_and_date(locale, t, &zone);
        announced.set(key(locale, &time, &date));
        last_said.set_value(Utc::now());
    };
    let stop = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        timer.set_value(None);
        origin.set_value(None);
        playing.set(false);
    };
    let step = move || {
        let Some((from, since)) = origin.get_value() else {
            return;
        };
        let now = Utc::now();
        let (next, at_now) = advanced(from, now - since, speed.get_untracked(), now);
        let address = location
            .pathname
            .with_untracked(|p| pairs.with_untracked(|q| address_at(p, q, next)));
        #[cfg(feature = "hydrate")]
        navigate.with_value(|go| {
            go(
                &address,
                leptos_router::NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            )
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = address;
        if at_now {
            stop();
            reached.set(true);
            announced.set(td_string!(lang::current(), replay.reached_now).to_string());
        } else if (now - last_said.get_value()).num_seconds() >= ANNOUNCE_EVERY_SECONDS {
            say(announce_at, next);
        }
    };
    let play = move || {
        let Some(from) = shown_at() else {
            return;
        };
        origin.set_value(Some((from, Utc::now())));
        reached.set(false);
        playing.set(true);
        say(announce_at, from);
        if let Ok(handle) =
            set_interval_with_handle(step, std::time::Duration::from_millis(STEP_MS))
        {
            timer.set_value(Some(handle));
        }
    };
    on_cleanup(move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
    });
    let toggle = move |_| {
        if playing.get_untracked() {
            stop();
            if let Some(t) = shown_at() {
                say(paused_at, t);
            }
        } else {
            play();
        }
    };
    let change_speed = move |ev: leptos::ev::Event| {
        if let Ok(n) = event_target_value(&ev).parse::<i64>() {
            speed.set(n);
            // The run goes on at the new speed from where it is.
            if playing.get_untracked()
                && let Some(t) = shown_at()
            {
                origin.set_value(Some((t, Utc::now())));
            }
        }
    };
    let l = lang::current();
    view! {
        <div class="replay-playback" role="group" aria-label=td_string!(l, replay.playback)>
            <button type="button" class="replay-play" on:click=toggle>
                {move || {
                    if playing.get() {
                        td_string!(lang::current(), replay.pause)
                    } else {
                        td_string!(lang::current(), replay.play)
                    }
                }}
            </button>
            <label>
                {td_string!(l, replay.speed)} " " <select name="speed" on:change=change_speed>
                    {SPEEDS
                        .iter()
                        .map(|n| {
                            view! {
                                <option value=n.to_string() selected=*n == 60>
                                    {td_string!(l, replay.speed_x, n = n).to_string()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            {move || {
                reached
                    .get()
                    .then(|| {
                        view! {
                            <span class="replay-reached">
                                {td_string!(lang::current(), replay.reached_now)}
                            </span>
                        }
                    })
            }}
            <p class="visually-hidden" aria-live="polite">
                {move || announced.get()}
            </p>
        </div>
    }
}

fn announce_at(locale: lang::Locale, time: &str, date: &str) -> String {
    td_string!(locale, replay.announce_at, time = time, date = date).to_string()
}

fn paused_at(locale: lang::Locale, time: &str, date: &str) -> String {
    td_string!(locale, replay.paused_at, time = time, date = date).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn playback_moves_at_its_speed_and_stops_at_the_present() {
        let from = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        assert_eq!(
            advanced(from, Duration::seconds(2), 600, now),
            (from + Duration::minutes(20), false)
        );
        assert_eq!(
            advanced(from, Duration::seconds(1), 1, now),
            (from + Duration::seconds(1), false)
        );
        // Ten seconds at ×3600 is ten hours: the present, less a second.
        assert_eq!(
            advanced(from, Duration::seconds(10), 3600, now),
            (now - Duration::seconds(1), true)
        );
        assert_eq!(
            address_at(
                "/holds",
                &[
                    ("port".into(), "YVR".into()),
                    ("at".into(), "x".into()),
                    ("tz".into(), "UTC".into())
                ],
                from
            ),
            "/holds?port=YVR&at=2026-11-28T02%3A00%3A00Z"
        );
    }
}
