//! The overview: one tile per port of entry and the country's totals.

pub mod announce;

use crate::components::common::ErrorNotice;
use crate::components::moment::{self, provide_at, read, read_at, with_at};
use crate::export::link::{DownloadCsv, csv_href};
use crate::forecast::panel::ForecastPanel;
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::live_tick;
use crate::map::CountryMap;
use crate::ports::tile::PortTile;
use crate::ports::{Overview, Totals, get_overview};
use crate::replay::control::TimeControl;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let at = provide_at();
    let replay = read_at();
    let overview = Resource::new(
        move || (at.get(), moment::tick(at, live_tick)),
        move |(at, _)| read(at, (), replay, get_overview()),
    );
    // The port whose tile the map shows, kept across live refreshes.
    let shown = RwSignal::new(None);
    view! {
        <Title text="" />
        <h1 class="visually-hidden">{td_string!(lang::current(), board.heading)}</h1>
        <p class="download">
            {move || {
                view! {
                    <DownloadCsv
                        href=with_at(csv_href("/api/v1/ports", ""), at.get().as_deref())
                        title=td_string!(lang::current(), export.download_ports)
                    />
                }
            }}
        </p>
        <Transition fallback=|| {
            view! { <p class="loading">{td_string!(lang::current(), board.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <OverviewBoard overview shown at /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        // The forecast is of the board as it now is: not under a replay.
        {move || at.with(Option::is_none).then(|| view! { <ForecastPanel /> })}
    }
}

#[component]
fn OverviewBoard(
    overview: Overview,
    shown: RwSignal<Option<String>>,
    at: Memo<Option<String>>,
) -> impl IntoView {
    let replaying = at.with_untracked(Option::is_some);
    view! {
        <TotalsStrip totals=overview.totals />
        <CountryMap ports=overview.ports.clone() shown />
        <p class="map-more">
            <a href=with_at(
                "/map".into(),
                at.get_untracked().as_deref(),
            )>{td_string!(lang::current(), map.full_screen)}</a>
        </p>
        // The board at a past moment (under a replay, the banner has the control).
        {(!replaying)
            .then(|| {
                view! {
                    <details class="replay-open panel">
                        <summary>{td_string!(lang::current(), replay.time_control)}</summary>
                        <TimeControl at zone=crate::forecast::CENTRE_TIME_ZONE.to_string() />
                    </details>
                }
            })}
        <section class="tiles" aria-label=td_string!(lang::current(), board.ports_of_entry)>
            {overview.ports.into_iter().map(|port| view! { <PortTile port /> }).collect_view()}
        </section>
    }
    .into_any()
}

#[component]
fn TotalsStrip(totals: Totals) -> impl IntoView {
    let holds_late = totals.holds_overdue > 0;
    view! {
        <section class="totals" aria-label=td_string!(lang::current(), board.country_totals)>
            <Figure label=td_string!(lang::current(), board.ports_open) value=totals.ports_open>
                <small>
                    {td_string!(
                        lang::current(), board.limited_closed, limited = totals.ports_limited, closed = totals
                        .ports_closed
                    )
                        .to_string()}
                </small>
            </Figure>
            <Figure label=td_string!(lang::current(), board.active_holds) value=totals.active_holds>
                <small class:alert=holds_late>
                    {td_string!(
                        lang::current(), board.over_service_level, count = totals.holds_overdue
                    )
                        .to_string()}
                </small>
            </Figure>
            <Figure
                label=td_string!(lang::current(), board.queued_inspections)
                value=totals.queued_inspections
            >
                <small>
                    {td_string!(lang::current(), board.open_in_all, count = totals.open_inspections)
                        .to_string()}
                </small>
            </Figure>
            <Figure
                label=td_string!(lang::current(), board.inspections_overdue)
                value=totals.inspections_overdue
            >
                <small>{td_string!(lang::current(), board.past_due)}</small>
            </Figure>
            <Figure
                label=td_string!(lang::current(), board.officers_on_shift)
                value=totals.officers_on_shift
            >
                <small>
                    {td_string!(lang::current(), board.across_ports, count = totals.ports)
                        .to_string()}
                </small>
            </Figure>
        </section>
    }
}

#[component]
fn Figure(label: &'static str, value: i64, children: Children) -> impl IntoView {
    view! {
        <div class="figure">
            <span class="figure-label">{label}</span>
            <span class="figure-value">{value}</span>
            {children()}
        </div>
    }
}
