//! A port's tile, as the overview and the map show it.

use super::operations_panel::{NoticeItem, StatusReason};
use super::{PortSummary, TRAVELLER_WAIT_STANDARD_MIN};
use crate::components::clock::use_now;
use crate::components::common::Badge;
use crate::domain::clock::zone;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;

fn wait_text(minutes: Option<i64>) -> String {
    match minutes {
        None => td_string!(lang::current(), board.wait_not_applicable).into(),
        Some(0) => td_string!(lang::current(), board.wait_none).into(),
        Some(m) => td_string!(lang::current(), board.wait_minutes, minutes = m).to_string(),
    }
}

/// One port's tile: its status, workload, waits and notices, linking to its page.
#[component]
pub fn PortTile(port: PortSummary) -> impl IntoView {
    let now = use_now();
    let tz = zone(&port.time_zone);
    let zone_name = port.time_zone.clone();
    let href = crate::components::moment::keep_at(format!("/ports/{}", port.code));
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
