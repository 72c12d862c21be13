//! `/ports/{code}`: one port of entry — status, waits against their standards, release times,
//! its active holds and its queue, and, for those who run it, its operations panel
//! (`operations_panel.rs`).

use super::operations_panel::{NoticeItem, OperationsPanel, PortActions, StatusReason};
use super::{COMMERCIAL_WAIT_STANDARD_MIN, PortDetail, TRAVELLER_WAIT_STANDARD_MIN, get_port};
use crate::components::common::{Badge, ErrorNotice, LocalTime};
use crate::components::me::MeResource;
use crate::components::moment::{self, provide_at, read, read_at, with_at};
use crate::domain::Action;
use crate::domain::clock::format_duration;
use crate::forecast::panel::ForecastPanel;
use crate::holds::{HoldFilter, list_holds, page::HoldTable};
use crate::i18n::td_string;
use crate::inspections::{InspectionFilter, list_inspections, page::InspectionTable};
use crate::lang;
use crate::live::client::live_tick;
use crate::targeting::panels::CapacityPanel;
use crate::trends::page::PortTrends;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PortPage() -> impl IntoView {
    let params = use_params_map();
    let code =
        Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default().to_ascii_uppercase()));
    let actions = PortActions::new();
    let me = use_context::<MeResource>();
    // `?at=`: the port as it was then, read-only.
    let at = provide_at();
    let replaying = move || at.with(Option::is_some);
    // Decided once per page: "Back to live" loads the page again.
    let live_now = at.with_untracked(Option::is_none);
    let (replay_port, replay_holds, replay_queue) = (read_at(), read_at(), read_at());
    let detail = Resource::new(
        move || {
            (
                code.get(),
                at.get(),
                moment::tick(at, live_tick),
                actions.done(),
            )
        },
        move |(code, at, ..)| read(at, code.clone(), replay_port, get_port(code)),
    );
    let holds = Resource::new(
        move || (code.get(), at.get(), moment::tick(at, live_tick)),
        move |(code, at, _)| {
            let filter = HoldFilter {
                port: Some(code),
                per_page: 10,
                ..Default::default()
            };
            read(at, filter.clone(), replay_holds, list_holds(filter))
        },
    );
    let queue = Resource::new(
        move || (code.get(), at.get(), moment::tick(at, live_tick)),
        move |(code, at, _)| {
            let filter = InspectionFilter {
                port: Some(code),
                per_page: 10,
                ..Default::default()
            };
            read(at, filter.clone(), replay_queue, list_inspections(filter))
        },
    );
    view! {
        <Transition fallback=|| {
            view! { <p class="loading">{td_string!(lang::current(), ports.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                let me = match me {
                    Some(me) => me.0.await.ok().flatten(),
                    None => None,
                };
                match detail.await {
                    Ok(detail) => {
                        let port = detail.summary.clone();
                        let live = !replaying();
                        let operations = me
                            .filter(|me| live && me.may(Action::ManagePort, Some(&port.code)))
                            .map(|_| {
                                // The account is awaited in this suspense rather than in one of its own
                                // nested inside it, which did not hydrate. A replay is read-only: no
                                // operations.
                                view! { <OperationsPanel port=port.clone() actions /> }
                            });
                        view! {
                            <PortHeader detail />
                            {operations}
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        // Recording waits, the capacity and the forecast are of the port as it now is.
        {live_now
            .then(|| {
                view! {
                    <super::waits_form::RecordWaitsPanel code=Signal::derive(move || code.get()) />
                    <CapacityPanel port=Signal::derive(move || code.get()) />
                    <ForecastPanel port=Signal::derive(move || code.get()) />
                }
            })}
        <section class="panel">
            <h2>
                {td_string!(lang::current(), ports.longest_holds)} " "
                <a
                    class="more"
                    href=move || with_at(format!("/holds?port={}", code.get()), at.get().as_deref())
                >
                    {td_string!(lang::current(), ports.all_holds)}
                </a>
            </h2>
            <Transition fallback=|| {
                view! { <p class="loading">{td_string!(lang::current(), ports.holds_loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match holds.await {
                        Ok(page) => {
                            view! { <HoldTable rows=page.items show_port=false /> }.into_any()
                        }
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="panel">
            <h2>
                {td_string!(lang::current(), ports.queue)} " "
                <a
                    class="more"
                    href=move || {
                        with_at(format!("/inspections?port={}", code.get()), at.get().as_deref())
                    }
                >
                    {td_string!(lang::current(), ports.whole_queue)}
                </a>
            </h2>
            <Transition fallback=|| {
                view! { <p class="loading">{td_string!(lang::current(), ports.queue_loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(page) => {
                            view! { <InspectionTable rows=page.items show_port=false /> }.into_any()
                        }
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
        </section>
        {live_now.then(|| view! { <PortTrends code=Signal::derive(move || code.get()) /> })}
    }
}

fn minutes(m: Option<i64>) -> String {
    m.map(|m| format_duration(chrono::Duration::minutes(m)))
        .unwrap_or_else(|| "—".into())
}

#[component]
fn PortHeader(detail: PortDetail) -> impl IntoView {
    let p = detail.summary;
    let r = detail.release_times;
    let examined_share = if detail.arrived_last_7d > 0 {
        lang::format::percent(
            lang::current(),
            detail.examined_last_7d as f64 / detail.arrived_last_7d as f64,
            1,
        )
    } else {
        "—".into()
    };
    let holds_late = p.holds_overdue > 0;
    let wait = |m: Option<i64>, standard: i64| match m {
        None => td_string!(lang::current(), ports.wait_not_applicable).to_string(),
        Some(0) => td_string!(lang::current(), ports.wait_none, standard = standard).to_string(),
        Some(m) => td_string!(
            lang::current(),
            ports.wait_minutes,
            minutes = m,
            standard = standard
        )
        .to_string(),
    };
    view! {
        <Title text=format!("{} {}", p.code, p.name) />
        <div class="page-head">
            <h1>
                <span class="code">{p.code.clone()}</span>
                " "
                {p.name.clone()}
            </h1>
            <Badge kind=format!("status-{}", p.status.code()) text=p.status.label() />
            <p class="lede">
                {p.kind.label()} " · " {p.province.clone()} " · " {p.time_zone.clone()} " · "
                {td_string!(lang::current(), ports.hours, hours = p.hours.clone()).to_string()}
            </p>
        </div>
        <StatusReason port=p.clone() />
        {(!p.notices.is_empty())
            .then(|| {
                let zone = p.time_zone.clone();
                let notices = p.notices.clone();
                view! {
                    <ul class="notices panel">
                        {notices
                            .into_iter()
                            .map(|n| {
                                let since = n.since;
                                let (item_zone, since_zone) = (zone.clone(), zone.clone());
                                view! {
                                    <NoticeItem notice=n zone=item_zone>
                                        " ("
                                        {td_string!(lang::current(), ports.since)}
                                        " "
                                        <LocalTime at=since zone=since_zone short=true />
                                        ")"
                                    </NoticeItem>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        <section class="totals" aria-label=td_string!(lang::current(), ports.figures)>
            <div class="figure">
                <span class="figure-label">{td_string!(lang::current(), ports.active_holds)}</span>
                <span class="figure-value">{p.active_holds}</span>
                <small class:alert=holds_late>
                    {td_string!(lang::current(), ports.over_service_level, count = p.holds_overdue)
                        .to_string()}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">
                    {td_string!(lang::current(), ports.queued_inspections)}
                </span>
                <span class="figure-value">{p.queued_inspections}</span>
                <small>
                    {td_string!(
                        lang::current(), ports.open_overdue, open = p.open_inspections, overdue = p
                        .inspections_overdue
                    )
                        .to_string()}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">{td_string!(lang::current(), ports.release_time)}</span>
                <span class="figure-value">{minutes(r.median_min)}</span>
                <small>
                    {td_string!(
                        lang::current(), ports.release_detail, p90 = minutes(r.p90_min), released = r
                        .released
                    )
                        .to_string()}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">{td_string!(lang::current(), ports.examined)}</span>
                <span class="figure-value">{examined_share}</span>
                <small>
                    {td_string!(
                        lang::current(), ports.examined_of, examined = detail.examined_last_7d, arrived = detail
                        .arrived_last_7d
                    )
                        .to_string()}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">
                    {td_string!(lang::current(), ports.lanes_officers)}
                </span>
                <span class="figure-value">
                    {format!("{} / {}", p.lanes_open, p.lanes_available)}
                </span>
                <small>
                    {td_string!(
                        lang::current(), ports.officers_on_shift, count = p.officers_on_shift
                    )
                        .to_string()}
                </small>
            </div>
        </section>
        <section class="panel">
            <h2>{td_string!(lang::current(), ports.border_waits)}</h2>
            <dl class="facts">
                <dt>{td_string!(lang::current(), ports.commercial)}</dt>
                <dd class:late=p
                    .commercial_wait_over_standard()>
                    {wait(p.commercial_wait_min, COMMERCIAL_WAIT_STANDARD_MIN)}
                </dd>
                <dt>{td_string!(lang::current(), ports.travellers)}</dt>
                <dd>{wait(p.traveller_wait_min, TRAVELLER_WAIT_STANDARD_MIN)}</dd>
                <dt>{td_string!(lang::current(), ports.measured)}</dt>
                <dd>
                    {match p.waits_measured_at {
                        Some(at) => view! { <LocalTime at zone=p.time_zone.clone() /> }.into_any(),
                        None => "—".into_any(),
                    }}
                </dd>
            </dl>
        </section>
    }
}
