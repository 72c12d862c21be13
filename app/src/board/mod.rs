//! The overview: one tile per port of entry and the country's totals.

pub mod announce;

use crate::components::common::ErrorNotice;
use crate::export::link::{DownloadCsv, csv_href};
use crate::forecast::panel::ForecastPanel;
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::live_tick;
use crate::map::CountryMap;
use crate::ports::tile::PortTile;
use crate::ports::{Overview, Totals, get_overview};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(live_tick, |_| get_overview());
    // The port whose tile the map shows, kept across live refreshes.
    let shown = RwSignal::new(None);
    view! {
        <Title text="" />
        <h1 class="visually-hidden">{td_string!(lang::current(), board.heading)}</h1>
        <p class="download">
            <DownloadCsv
                href=csv_href("/api/v1/ports", "")
                title=td_string!(lang::current(), export.download_ports)
            />
        </p>
        <Transition fallback=|| {
            view! { <p class="loading">{td_string!(lang::current(), board.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <OverviewBoard overview shown /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        <ForecastPanel />
    }
}

#[component]
fn OverviewBoard(overview: Overview, shown: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <TotalsStrip totals=overview.totals />
        <CountryMap ports=overview.ports.clone() shown />
        <p class="map-more">
            <a href="/map">{td_string!(lang::current(), map.full_screen)}</a>
        </p>
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
