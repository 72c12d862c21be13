//! The overview: one tile per port of entry and the country's totals.

pub mod announce;

use crate::components::clock::use_now;
use crate::components::common::{Badge, ErrorNotice};
use crate::domain::clock::zone;
use crate::forecast::panel::ForecastPanel;
use crate::export::link::{DownloadCsv, csv_href};
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::live_tick;
use crate::ports::operations_panel::{NoticeItem, StatusReason};
use crate::ports::{Overview, PortSummary, TRAVELLER_WAIT_STANDARD_MIN, Totals, get_overview};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(live_tick, |_| get_overview());
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
                    Ok(overview) => view! { <OverviewBoard overview /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        <ForecastPanel />
    }
}

#[component]
fn OverviewBoard(overview: Overview) -> impl IntoView {
    view! {
        <TotalsStrip totals=overview.totals />
        <section class="tiles" aria-label=td_string!(lang::current(), board.ports_of_entry)>
            {overview.ports.into_iter().map(|port| view! { <PortTile port /> }).collect_view()}
        </section>
    }
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

fn wait_text(minutes: Option<i64>) -> String {
    match minutes {
        None => td_string!(lang::current(), board.wait_not_applicable).into(),
        Some(0) => td_string!(lang::current(), board.wait_none).into(),
        Some(m) => td_string!(lang::current(), board.wait_minutes, minutes = m).to_string(),
    }
}

#[component]
fn PortTile(port: PortSummary) -> impl IntoView {
    let now = use_now();
    let tz = zone(&port.time_zone);
    let zone_name = port.time_zone.clone();
    let href = format!("/ports/{}", port.code);
    let status_code = port.status.code();
    let commercial_late = port.commercial_wait_over_standard();
    let traveller_late = port
        .traveller_wait_min
        .is_some_and(|m| m > TRAVELLER_WAIT_STANDARD_MIN);
    let has_waits = port.commercial_wait_min.is_some() || port.traveller_wait_min.is_some();
    view! {
        <article
            class=format!("tile status-{status_code}")
            data-port=port.code.clone()
            aria-label=format!("{} {}", port.code, port.name)
        >
            <header>
                <a href=href class="tile-title">
                    <span class="code">{port.code.clone()}</span>
                    <span class="name">{port.name.clone()}</span>
                </a>
                <Badge kind=format!("status-{status_code}") text=port.status.label() />
            </header>
            <p class="tile-meta">
                {port.kind.label()} " · " {port.province.clone()} " · "
                <span class="local-clock">
                    {move || {
                        let l = lang::current();
                        let at = now.get();
                        format!(
                            "{} {}",
                            lang::format::local_clock(l, at, &zone_name),
                            lang::format::zone_abbreviation(l, &at.with_timezone(&tz)),
                        )
                    }}
                </span>
            </p>
            <dl class="tile-figures">
                <div>
                    <dt>{td_string!(lang::current(), board.active_holds)}</dt>
                    <dd>
                        {port.active_holds}
                        {(port.holds_overdue > 0)
                            .then(|| {
                                view! {
                                    <span
                                        class="late"
                                        title=td_string!(
                                            lang::current(), board.over_service_level_title
                                        )
                                    >
                                        " "
                                        {td_string!(
                                            lang::current(), board.late, count = port.holds_overdue
                                        )
                                            .to_string()}
                                    </span>
                                }
                            })}
                    </dd>
                </div>
                <div>
                    <dt>{td_string!(lang::current(), board.queued_inspections)}</dt>
                    <dd>
                        {port.queued_inspections}
                        {(port.inspections_overdue > 0)
                            .then(|| {
                                view! {
                                    <span
                                        class="late"
                                        title=td_string!(lang::current(), board.past_due_title)
                                    >
                                        " "
                                        {td_string!(
                                            lang::current(), board.overdue, count = port.inspections_overdue
                                        )
                                            .to_string()}
                                    </span>
                                }
                            })}
                    </dd>
                </div>
                <div>
                    <dt>{td_string!(lang::current(), board.lanes_open)}</dt>
                    <dd>{format!("{} / {}", port.lanes_open, port.lanes_available)}</dd>
                </div>
                <div>
                    <dt>{td_string!(lang::current(), board.officers)}</dt>
                    <dd>{port.officers_on_shift}</dd>
                </div>
            </dl>
            {has_waits
                .then(|| {
                    view! {
                        <p class="waits">
                            <span class:late=commercial_late>
                                {td_string!(
                                    lang::current(), board.commercial_wait, wait = wait_text(port.commercial_wait_min)
                                )
                                    .to_string()}
                            </span>
                            <span class:late=traveller_late>
                                {td_string!(
                                    lang::current(), board.traveller_wait, wait = wait_text(port.traveller_wait_min)
                                )
                                    .to_string()}
                            </span>
                        </p>
                    }
                })}
            <StatusReason port=port.clone() />
            <ul class="notices">
                {port
                    .notices
                    .iter()
                    .map(|n| view! { <NoticeItem notice=n.clone() zone=port.time_zone.clone() /> })
                    .collect_view()}
            </ul>
        </article>
    }
}
