//! `/ports/{code}`: one port of entry — status, waits against their standards, release times,
//! its active holds and its queue.

use super::{COMMERCIAL_WAIT_STANDARD_MIN, PortDetail, TRAVELLER_WAIT_STANDARD_MIN, get_port};
use crate::components::common::{Badge, ErrorNotice, LocalTime};
use crate::domain::clock::format_duration;
use crate::holds::{HoldFilter, list_holds, page::HoldTable};
use crate::inspections::{InspectionFilter, list_inspections, page::InspectionTable};
use crate::live::client::live_tick;
use crate::targeting::panels::CapacityPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn PortPage() -> impl IntoView {
    let params = use_params_map();
    let code =
        Memo::new(move |_| params.with(|p| p.get("code").unwrap_or_default().to_ascii_uppercase()));
    let detail = Resource::new(
        move || (code.get(), live_tick()),
        |(code, _)| get_port(code),
    );
    let holds = Resource::new(
        move || (code.get(), live_tick()),
        |(code, _)| {
            list_holds(HoldFilter {
                port: Some(code),
                per_page: 10,
                ..Default::default()
            })
        },
    );
    let queue = Resource::new(
        move || (code.get(), live_tick()),
        |(code, _)| {
            list_inspections(InspectionFilter {
                port: Some(code),
                per_page: 10,
                ..Default::default()
            })
        },
    );
    view! {
        <Transition fallback=|| {
            view! { <p class="loading">"Loading the port…"</p> }
        }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <PortHeader detail /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
        <CapacityPanel port=Signal::derive(move || code.get()) />
        <section class="panel">
            <h2>
                "Longest holds " <a class="more" href=move || format!("/holds?port={}", code.get())>
                    "all holds at this port →"
                </a>
            </h2>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading holds…"</p> }
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
                "Queue " <a class="more" href=move || format!("/inspections?port={}", code.get())>
                    "whole queue →"
                </a>
            </h2>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading the queue…"</p> }
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
        format!(
            "{:.1} %",
            100.0 * detail.examined_last_7d as f64 / detail.arrived_last_7d as f64
        )
    } else {
        "—".into()
    };
    let holds_late = p.holds_overdue > 0;
    let wait = |m: Option<i64>, standard: i64| match m {
        None => "Not applicable".to_string(),
        Some(0) => format!("No delay (standard {standard} min)"),
        Some(m) => format!("{m} min (standard {standard} min)"),
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
                {p.kind.label()} " · " {p.province.clone()} " · " {p.time_zone.clone()}
                " · Hours: " {p.hours.clone()}
            </p>
        </div>
        {(!p.notices.is_empty())
            .then(|| {
                view! {
                    <ul class="notices panel">
                        {p
                            .notices
                            .iter()
                            .map(|n| {
                                view! {
                                    <li>
                                        <strong>{n.kind.label()}</strong>
                                        ": "
                                        {crate::demo_texts::shown(
                                            &n.message,
                                            crate::lang::current(),
                                        )}

                                        " (since "
                                        <LocalTime at=n.since zone=p.time_zone.clone() short=true />
                                        ")"
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        <section class="totals" aria-label="Port figures">
            <div class="figure">
                <span class="figure-label">"Active holds"</span>
                <span class="figure-value">{p.active_holds}</span>
                <small class:alert=holds_late>
                    {format!("{} over service level", p.holds_overdue)}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">"Queued inspections"</span>
                <span class="figure-value">{p.queued_inspections}</span>
                <small>
                    {format!("{} open · {} overdue", p.open_inspections, p.inspections_overdue)}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">"Release time, 7 days"</span>
                <span class="figure-value">{minutes(r.median_min)}</span>
                <small>
                    {format!("median · p90 {} · {} released", minutes(r.p90_min), r.released)}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">"Examined, 7 days"</span>
                <span class="figure-value">{examined_share}</span>
                <small>
                    {format!("{} of {} arrived", detail.examined_last_7d, detail.arrived_last_7d)}
                </small>
            </div>
            <div class="figure">
                <span class="figure-label">"Lanes · officers"</span>
                <span class="figure-value">
                    {format!("{} / {}", p.lanes_open, p.lanes_available)}
                </span>
                <small>{format!("{} officers on shift", p.officers_on_shift)}</small>
            </div>
        </section>
        <section class="panel">
            <h2>"Border waits"</h2>
            <dl class="facts">
                <dt>"Commercial"</dt>
                <dd class:late=p
                    .commercial_wait_over_standard()>
                    {wait(p.commercial_wait_min, COMMERCIAL_WAIT_STANDARD_MIN)}
                </dd>
                <dt>"Travellers"</dt>
                <dd>{wait(p.traveller_wait_min, TRAVELLER_WAIT_STANDARD_MIN)}</dd>
                <dt>"Measured"</dt>
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
