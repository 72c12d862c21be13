//! The overview: one tile per port of entry and the country's totals.

pub mod announce;

use crate::components::clock::use_now;
use crate::components::common::{Badge, ErrorNotice};
use crate::domain::clock::zone;
use crate::live::client::live_tick;
use crate::ports::{Overview, PortSummary, TRAVELLER_WAIT_STANDARD_MIN, Totals, get_overview};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(live_tick, |_| get_overview());
    view! {
        <Title text="" />
        <h1 class="visually-hidden">"Country overview"</h1>
        <Transition fallback=|| {
            view! { <p class="loading">"Loading the board…"</p> }
        }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <OverviewBoard overview /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OverviewBoard(overview: Overview) -> impl IntoView {
    view! {
        <TotalsStrip totals=overview.totals />
        <section class="tiles" aria-label="Ports of entry">
            {overview.ports.into_iter().map(|port| view! { <PortTile port /> }).collect_view()}
        </section>
    }
}

#[component]
fn TotalsStrip(totals: Totals) -> impl IntoView {
    let holds_late = totals.holds_overdue > 0;
    view! {
        <section class="totals" aria-label="Country totals">
            <Figure label="Ports open" value=totals.ports_open>
                <small>
                    {format!("{} limited · {} closed", totals.ports_limited, totals.ports_closed)}
                </small>
            </Figure>
            <Figure label="Active holds" value=totals.active_holds>
                <small class:alert=holds_late>
                    {format!("{} over service level", totals.holds_overdue)}
                </small>
            </Figure>
            <Figure label="Queued inspections" value=totals.queued_inspections>
                <small>{format!("{} open in all", totals.open_inspections)}</small>
            </Figure>
            <Figure label="Inspections overdue" value=totals.inspections_overdue>
                <small>"past their due time"</small>
            </Figure>
            <Figure label="Officers on shift" value=totals.officers_on_shift>
                <small>{format!("across {} ports", totals.ports)}</small>
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
        None => "Not applicable".into(),
        Some(0) => "No delay".into(),
        Some(m) => format!("{m} min"),
    }
}

#[component]
fn PortTile(port: PortSummary) -> impl IntoView {
    let now = use_now();
    let tz = zone(&port.time_zone);
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
                    {move || now.get().with_timezone(&tz).format("%H:%M %Z").to_string()}
                </span>
            </p>
            <dl class="tile-figures">
                <div>
                    <dt>"Active holds"</dt>
                    <dd>
                        {port.active_holds}
                        {(port.holds_overdue > 0)
                            .then(|| {
                                view! {
                                    <span class="late" title="over service level">
                                        {format!(" ({} late)", port.holds_overdue)}
                                    </span>
                                }
                            })}
                    </dd>
                </div>
                <div>
                    <dt>"Queued inspections"</dt>
                    <dd>
                        {port.queued_inspections}
                        {(port.inspections_overdue > 0)
                            .then(|| {
                                view! {
                                    <span class="late" title="open inspections past due">
                                        {format!(" ({} overdue)", port.inspections_overdue)}
                                    </span>
                                }
                            })}
                    </dd>
                </div>
                <div>
                    <dt>"Lanes open"</dt>
                    <dd>{format!("{} / {}", port.lanes_open, port.lanes_available)}</dd>
                </div>
                <div>
                    <dt>"Officers"</dt>
                    <dd>{port.officers_on_shift}</dd>
                </div>
            </dl>
            {has_waits
                .then(|| {
                    view! {
                        <p class="waits">
                            <span class:late=commercial_late>
                                "Commercial: " {wait_text(port.commercial_wait_min)}
                            </span>
                            <span class:late=traveller_late>
                                "Travellers: " {wait_text(port.traveller_wait_min)}
                            </span>
                        </p>
                    }
                })}
            <ul class="notices">
                {port
                    .notices
                    .iter()
                    .map(|n| {
                        view! {
                            <li class=format!("notice-{}", n.kind.code())>
                                <strong>{n.kind.label()}</strong>
                                ": "
                                {n.message.clone()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </article>
    }
}
