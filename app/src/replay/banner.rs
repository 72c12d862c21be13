//! The banner at the top of a board page shown as it was (`?at=`): the moment, in the port's
//! zone on a port's page and the operations centre's elsewhere, "Back to live", the playback
//! (`playback.rs`) and the time control to change the moment (`control.rs`). A moment that
//! cannot be shown gets its refusal here, and the page under it shows no data.

use super::control::TimeControl;
use super::playback::Playback;
use super::rpc::{Moment, replay_moment};
use crate::components::moment::{REPLAY_PARAMS, use_at, use_replaying};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::{self, Locale, format};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// The port whose page `path` is.
fn port_of(path: &str) -> Option<String> {
    path.strip_prefix("/ports/")
        .map(|code| code.trim_end_matches('/').to_ascii_uppercase())
        .filter(|code| !code.is_empty())
}

/// "02:00 EST" and "2026-11-28" (`02 h 00 HNE`, `28 nov. 2026`): the moment's time and day
/// in `zone`.
pub fn time_and_date(locale: Locale, at: DateTime<Utc>, zone: &str) -> (String, String) {
    let local = at.with_timezone(&format::zone(zone));
    (
        format!(
            "{} {}",
            format::local_clock(locale, at, zone),
            format::zone_abbreviation(locale, &local)
        ),
        format::date(locale, local.date_naive()),
    )
}

/// The address of the page live: the same path and filters, without the instant.
pub fn live_href(path: &str, pairs: &[(String, String)]) -> String {
    let rest: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            pairs
                .iter()
                .filter(|(k, _)| !REPLAY_PARAMS.contains(&k.as_str())),
        )
        .finish();
    if rest.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{rest}")
    }
}

/// The query's pairs, in order.
pub fn query_pairs() -> Memo<Vec<(String, String)>> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            q.into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
    })
}

/// The banner, on a board page whose address names an instant.
#[component]
pub fn ReplayBanner() -> impl IntoView {
    let at = use_at();
    let replaying = use_replaying();
    move || replaying.get().then(|| view! { <Banner at /> })
}

#[component]
fn Banner(at: Memo<Option<String>>) -> impl IntoView {
    let location = use_location();
    let pairs = query_pairs();
    let port = Memo::new(move |_| location.pathname.with(|p| port_of(p)));
    let moment: Resource<Result<Option<Moment>, AppError>> = Resource::new(
        move || (at.get(), port.get()),
        |(at, port)| async move {
            match at {
                Some(at) => replay_moment(at, port).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let live = move || location.pathname.with(|p| pairs.with(|q| live_href(p, q)));
    // A moment that cannot be shown cannot be played from: the banner's answer says so (the
    // playback stays outside it, so that a run keeps going while each moment loads).
    let refused = RwSignal::new(false);
    // Hidden as served (there is nothing to play without the browser's code), shown once the
    // page is interactive unless the moment was refused; set on the element, after hydration.
    let playable = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let hide = refused.get();
        if let Some(el) = playable.get() {
            el.set_hidden(hide);
        }
    });
    let l = lang::current();
    view! {
        <section class="replay-banner" aria-labelledby="replay-heading">
            <Transition>
                {move || Suspend::new(async move {
                    let answer = moment.await;
                    refused.set(answer.is_err());
                    match answer {
                        Ok(Some(m)) => {
                            let (time, date) = time_and_date(lang::current(), m.at, &m.zone);
                            view! {
                                <p id="replay-heading" class="replay-when">
                                    <strong>
                                        <time datetime=m
                                            .at
                                            .to_rfc3339()>
                                            {td_string!(
                                                lang::current(), replay.banner, time = time, date = date
                                            )
                                                .to_string()}
                                        </time>
                                    </strong>
                                    " "
                                    {td_string!(lang::current(), replay.banner_hint)}
                                </p>
                                <TimeControl at zone=m.zone />
                            }
                                .into_any()
                        }
                        Ok(None) => ().into_any(),
                        Err(error) => {
                            let reason = match error {
                                AppError::Invalid { reason, .. } => reason,
                                other => other.to_string(),
                            };
                            view! {
                                <p id="replay-heading" class="replay-refused" role="alert">
                                    <strong>{td_string!(lang::current(), replay.refused)}</strong>
                                    " "
                                    {reason}
                                </p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
            <div class="replay-tools">
                <div class="replay-playable" hidden node_ref=playable>
                    <Playback at moment />
                </div>
                // A page load of its own: the page is built again for the live board.
                <a class="replay-live" href=live rel="external">
                    {td_string!(l, replay.back_live)}
                </a>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_moment_is_told_in_the_zone_in_each_language() {
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 7, 0, 0).unwrap();
        let (time, date) = time_and_date(Locale::fr, at, "America/Toronto");
        assert_eq!(
            td_string!(Locale::fr, replay.banner, time = time, date = date).to_string(),
            "Relecture — le tableau tel qu’il était à 02\u{a0}h\u{a0}00 HNE, le 28\u{a0}nov.\u{a0}2026"
        );
        let (time, date) = time_and_date(Locale::en, at, "America/Vancouver");
        assert_eq!(
            td_string!(Locale::en, replay.banner, time = time, date = date).to_string(),
            "Replay — the board as it was at 23:00 PST, 2026-11-27"
        );
    }

    #[test]
    fn the_live_page_keeps_its_filters_and_drops_the_instant() {
        let pairs = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            live_href(
                "/holds",
                &pairs(&[("port", "YVR"), ("at", "x"), ("tz", "UTC")])
            ),
            "/holds?port=YVR"
        );
        assert_eq!(live_href("/", &pairs(&[("at", "x")])), "/");
        use crate::components::moment::on_board;
        assert!(on_board("/") && on_board("/ports/YVR") && on_board("/map"));
        assert!(!on_board("/account") && !on_board("/trends") && !on_board("/wall"));
        assert_eq!(port_of("/ports/yvr"), Some("YVR".into()));
        assert_eq!(port_of("/holds"), None);
    }
}
