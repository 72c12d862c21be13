//! One clock for the whole page, ticking every second in the browser, so that every dwell and
//! every "due in" on screen moves together without asking the server.

use super::icons::PauseIcon;
use crate::domain::ServiceClock;
use crate::domain::clock::{format_due, format_duration};
use crate::i18n::{t, t_string, td_string, use_i18n};
use crate::lang::{self, format};
use chrono::{DateTime, Timelike, Utc};
use leptos::prelude::*;

/// The current instant, as a signal. On the server it is the time of rendering.
#[derive(Clone, Copy)]
pub struct Now(pub ReadSignal<DateTime<Utc>>);

pub fn provide_clock() {
    let (now, set_now) = signal(Utc::now());
    // Effects run only in the browser: the server renders one instant and stops.
    Effect::new(move |_| {
        set_now.set(Utc::now());
        let handle = set_interval_with_handle(
            move || set_now.set(Utc::now()),
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    });
    provide_context(Now(now));
}

pub fn use_now() -> ReadSignal<DateTime<Utc>> {
    use_context::<Now>()
        .map(|n| n.0)
        .unwrap_or_else(|| signal(Utc::now()).0)
}

#[component]
pub fn HeaderClock() -> impl IntoView {
    let now = use_now();
    let i18n = use_i18n();
    view! {
        <div class="header-clock" title=move || t_string!(i18n, components.utc_name)>
            <time>
                {move || {
                    let now = now.get();
                    format::clock_seconds(now.hour(), now.minute(), now.second())
                }}
            </time>
            " "
            {t!(i18n, components.utc)}
        </div>
    }
}

/// How long goods have sat on hold, ticking; marked when paused or late.
#[component]
pub fn Dwell(clock: ServiceClock) -> impl IntoView {
    let i18n = use_i18n();
    let now = use_now();
    let overdue = move || clock.is_overdue(now.get());
    view! {
        <span
            class="dwell"
            class:overdue=overdue
            class:paused=clock.is_paused()
            title=move || {
                let locale = lang::current();
                if clock.is_paused() {
                    td_string!(locale, components.clock_paused)
                } else if overdue() {
                    td_string!(locale, components.clock_overdue)
                } else {
                    td_string!(locale, components.clock_within)
                }
            }
        >
            {move || format_duration(clock.dwell(now.get()))}
            {clock
                .is_paused()
                .then(|| {
                    view! {
                        " "
                        <PauseIcon />
                        <span class="visually-hidden">{t!(i18n, a11y.paused)}</span>
                    }
                })}
        </span>
    }
}

/// "due in 40 min" or "overdue 2 h 10 min", ticking.
#[component]
pub fn DueIn(due: DateTime<Utc>, #[prop(optional)] done: bool) -> impl IntoView {
    let now = use_now();
    view! {
        <span class="due" class:overdue=move || !done && due < now.get()>
            {move || if done { "—".to_string() } else { format_due(due, now.get()) }}
        </span>
    }
}
