//! The forecast panel of the port page (one port) and of the overview (the country): the range
//! as text, the sentence that explains it, the holds about to pass their service level as
//! links, and how it was worked out. It follows the page's live refresh.

use super::{Forecast, get_country_forecast, get_port_forecast, text};
use crate::components::common::ErrorNotice;
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::live_tick;
use leptos::prelude::*;

/// The holds listed at most; the API gives them all.
const HOLDS_SHOWN: usize = 10;

/// The forecast of port `port`, or of the country without one.
#[component]
pub fn ForecastPanel(#[prop(optional, into)] port: Option<Signal<String>>) -> impl IntoView {
    let forecast = Resource::new(
        move || (port.map(|p| p.get()), live_tick()),
        |(port, _)| async move {
            match port {
                Some(code) => get_port_forecast(code).await,
                None => get_country_forecast().await,
            }
        },
    );
    let l = lang::current();
    let title = if port.is_some() {
        td_string!(l, forecast.title)
    } else {
        td_string!(l, forecast.country_title)
    };
    view! {
        <section class="panel forecast" aria-labelledby="forecast-title">
            <h2 id="forecast-title">{title}</h2>
            <Transition fallback=|| {
                view! { <p class="loading">{td_string!(lang::current(), forecast.loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match forecast.await {
                        Ok(forecast) => view! { <ForecastBody forecast /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ForecastBody(forecast: Forecast) -> impl IntoView {
    let l = lang::current();
    let range = text::range(l, &forecast);
    let sentence = text::sentence(l, &forecast);
    let basis = text::basis(l, &forecast);
    let holds: Vec<(String, String)> = forecast
        .holds_at_risk
        .iter()
        .take(HOLDS_SHOWN)
        .map(|h| {
            (
                format!("/shipments/{}", h.shipment_id),
                text::hold_line(l, &forecast, h),
            )
        })
        .collect();
    view! {
        <dl class="facts forecast-range">
            <dt>{td_string!(l, forecast.range_label)}</dt>
            <dd data-state=clearance_state(&forecast)>
                <strong>{range}</strong>
            </dd>
        </dl>
        <p class="forecast-sentence">{sentence}</p>
        <h3>{td_string!(l, forecast.holds_heading)}</h3>
        {if holds.is_empty() {
            view! { <p class="empty">{td_string!(l, forecast.holds_none)}</p> }.into_any()
        } else {
            view! {
                <ul class="forecast-holds">
                    {holds
                        .into_iter()
                        .map(|(href, line)| {
                            view! {
                                <li>
                                    <a href=href>{line}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        <ul class="forecast-basis">
            {basis.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
        </ul>
    }
}

/// The clearance's state as the API names it, for styling and tests.
fn clearance_state(forecast: &Forecast) -> &'static str {
    match forecast.clearance {
        super::Clearance::Clear => "clear",
        super::Clearance::By { .. } => "by",
        super::Clearance::From { .. } => "from",
        super::Clearance::NotWithin { .. } => "not_within",
    }
}
