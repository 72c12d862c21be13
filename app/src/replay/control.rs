//! The time control: a plain GET form (a date and time, "Show") to the page it is on, so it
//! works without JavaScript. The field is a local date and time; the hidden `tz` names its
//! zone: the page's (the port's, or the operations centre's) as the server renders it, the
//! browser's own once the page is interactive (the field is then shown in that zone). The
//! page reads the pair back as an instant (`crate::components::moment::requested`).

use super::banner::query_pairs;
use crate::components::moment::REPLAY_PARAMS;
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The field's value: `at` (or an hour ago when live) as a local date and time in `zone`.
pub fn local_value(at: Option<&str>, zone: &str, now: DateTime<Utc>) -> String {
    let at = at
        .and_then(|a| DateTime::parse_from_rfc3339(a).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now - Duration::hours(1));
    at.with_timezone(&lang::format::zone(zone))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The browser's time zone (IANA name), if it says.
#[cfg(feature = "hydrate")]
fn browser_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = format.resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()?
        .as_string()
        .filter(|z| z.parse::<chrono_tz::Tz>().is_ok())
}

#[component]
pub fn TimeControl(
    /// The instant the page shows (none: live).
    at: Memo<Option<String>>,
    /// The zone the field is read in without JavaScript.
    zone: String,
) -> impl IntoView {
    let location = use_location();
    let pairs = query_pairs();
    let tz = RwSignal::new(zone);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(browser) = browser_zone() {
            tz.set(browser);
        }
    });
    let value = move || at.with(|a| tz.with(|z| local_value(a.as_deref(), z, Utc::now())));
    let l = lang::current();
    view! {
        <form
            method="get"
            action=move || location.pathname.get()
            class="replay-control"
            aria-label=td_string!(l, replay.time_control)
        >
            // The page's filters, kept.
            {move || {
                pairs
                    .get()
                    .into_iter()
                    .filter(|(k, _)| !REPLAY_PARAMS.contains(&k.as_str()))
                    .map(|(k, v)| view! { <input type="hidden" name=k value=v /> })
                    .collect_view()
            }}
            <label>
                {td_string!(l, replay.control_label)} " "
                <input type="datetime-local" name="at" value=value required />
            </label>
            <input type="hidden" name="tz" value=move || tz.get() />
            <small class="replay-zone">
                {move || td_string!(lang::current(), replay.zone, zone = tz.get()).to_string()}
            </small>
            <button type="submit">{td_string!(l, replay.show)}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_field_shows_the_instant_in_the_zone_or_an_hour_ago() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 30, 0).unwrap();
        assert_eq!(
            local_value(Some("2026-11-28T07:00:00Z"), "America/Toronto", now),
            "2026-11-28T02:00"
        );
        assert_eq!(
            local_value(None, "America/Toronto", now),
            "2026-11-28T06:30"
        );
        assert_eq!(local_value(Some("bad"), "UTC", now), "2026-11-28T11:30");
    }
}
