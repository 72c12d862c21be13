//! `/wall`: the board for a video wall, read from across the room. No controls: it pages
//! through the regions by itself every `cycle` seconds when they do not fit on one screen,
//! follows the live stream like every page, and when the connection is lost covers the whole
//! screen with a notice saying so and since when.
//!
//! It runs for days: each refresh replaces what is on screen (nothing is appended), its one
//! timer is cleared with the page, and everything it remembers is a handful of signals.

use super::{Cycle, RegionPorts, UrgentItem, UrgentKind, Wall, WallNotice, get_wall};
use crate::components::clock::use_now;
use crate::components::common::ErrorNotice;
use crate::domain::{HoldReason, NoticeKind, PortStatus};
use crate::i18n::{td_string, use_i18n};
use crate::lang::{self, Locale, format};
use crate::live::client::{Connection, live_tick, use_live};
use crate::ports::{PortSummary, TRAVELLER_WAIT_STANDARD_MIN, Totals};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

/// The zone the operations centre (Ottawa) reads its own clock in.
const CENTRE_ZONE: &str = "America/Toronto";
/// Rows of the regions' tables a screen holds before the first measure (1920 × 1080).
const ROWS_BEFORE_MEASURING: usize = 16;

/// Renders `children` everywhere but on the wall screen (the header and its controls).
#[component]
pub fn NotOnWall(children: ChildrenFn) -> impl IntoView {
    let location = use_location();
    move || (location.pathname.get() != "/wall").then(|| children())
}

#[component]
pub fn WallPage() -> impl IntoView {
    let i18n = use_i18n();
    // The page's language from its first paint on (the header's own follower of it runs only
    // after hydration), so that every figure formatted with `lang::current` is in it.
    lang::set_shown(i18n.get_locale_untracked());
    let cycle = Cycle::from_query(use_query_map().read_untracked().get("cycle").as_deref());
    let wall = Resource::new(live_tick, |_| get_wall());
    let live = use_live();
    // When the figures on screen were read: the time of the last change they show.
    let read_at = RwSignal::new(None::<DateTime<Utc>>);
    let page = RwSignal::new(0_usize);
    let rows = RwSignal::new(ROWS_BEFORE_MEASURING);
    // Effects run only in the browser: measure the screen, then turn the page every cycle.
    Effect::new(move |_| {
        rows.set(measured_rows().unwrap_or(ROWS_BEFORE_MEASURING));
        let handle = set_interval_with_handle(
            move || {
                if let Some(measured) = measured_rows() {
                    rows.set(measured);
                }
                page.update(|p| *p = p.wrapping_add(1));
            },
            std::time::Duration::from_secs(cycle.seconds),
        );
        on_cleanup(move || {
            if let Ok(handle) = handle {
                handle.clear();
            }
        });
    });
    let refused = cycle.refused.clone().map(|value| {
        let seconds = cycle.seconds;
        view! {
            <p class="wall-cycle-refused">
                {move || {
                    td_string!(
                        lang::current(), wall.cycle_refused, value = value.clone(), seconds = seconds
                    )
                        .to_string()
                }}
            </p>
        }
    });
    view! {
        <Title text=move || td_string!(i18n.get_locale(), wall.title).to_string() />
        <div
            class="wall"
            data-connection=move || connection_code(live.connection.get())
            data-cycle=cycle.seconds
            data-read-at=move || read_at.get().map(|at| at.timestamp_millis())
        >
            <h1 class="visually-hidden">{move || td_string!(lang::current(), wall.heading)}</h1>
            <Transition fallback=|| {
                view! { <p class="wall-loading">{td_string!(lang::current(), wall.loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match wall.await {
                        Ok(wall) => {
                            read_at.set(Some(wall.overview.as_of));
                            view! { <WallBoard wall page rows /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            {refused}
            <NotLive read_at />
        </div>
    }
}

/// The connection's state as the wall's `data-connection` names it (for tests and styles).
fn connection_code(connection: Connection) -> &'static str {
    match connection {
        Connection::Connecting => "connecting",
        Connection::Live => "live",
        Connection::Reconnecting { .. } => "reconnecting",
        Connection::Offline { .. } => "offline",
        Connection::DatabaseUnavailable { .. } => "database-unavailable",
    }
}

/// How many table rows the regions' box holds on this screen, once it is on screen.
fn measured_rows() -> Option<usize> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let document = document();
        let area = document.query_selector(".wall-regions").ok()??;
        let row = document
            .query_selector(".wall-regions tbody tr")
            .ok()??
            .dyn_into::<web_sys::HtmlElement>()
            .ok()?;
        let height = row.offset_height();
        (height > 0).then(|| (area.client_height() / height).max(1) as usize)
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// The regions that fill one screen each: a region costs its ports and three rows (its heading
/// and the table's, which may take two lines), a screen holds `rows`, and each screen has at least one region.
pub fn screens(regions: &[RegionPorts], rows: usize) -> Vec<std::ops::Range<usize>> {
    let mut screens = vec![];
    let (mut start, mut used) = (0, 0);
    for (n, region) in regions.iter().enumerate() {
        let cost = region.ports.len() + 3;
        if n > start && used + cost > rows {
            screens.push(start..n);
            (start, used) = (n, 0);
        }
        used += cost;
    }
    if start < regions.len() || screens.is_empty() {
        screens.push(start..regions.len());
    }
    screens
}

#[component]
fn WallBoard(wall: Wall, page: RwSignal<usize>, rows: RwSignal<usize>) -> impl IntoView {
    let locale = lang::current();
    let regions = wall.regions();
    let notices = wall.notices();
    let updated = format::local_clock(locale, wall.overview.as_of, CENTRE_ZONE);
    let shown = move || {
        let screens = screens(&regions, rows.get());
        let count = screens.len();
        let number = page.get() % count;
        // The next turn shows the screen after this one, however many there are then: the
        // count moves when a measure or a refresh changes what fits, and a turn counted from
        // an older count could land on the screen already shown.
        page.update_untracked(|p| *p = number);
        let on_screen = regions[screens[number].clone()].to_vec();
        let locale = lang::current();
        view! {
            <section
                class="wall-regions"
                aria-label=td_string!(locale, wall.regions_label)
                data-screen=number + 1
                data-screens=count
            >
                {on_screen
                    .into_iter()
                    .map(|region| view! { <RegionTable region /> })
                    .collect_view()}
            </section>
            <p class="wall-page-of">
                {td_string!(locale, wall.page_of, page = number + 1, pages = count).to_string()}
            </p>
        }
    };
    view! {
        <WallTotals totals=wall.overview.totals.clone() />
        <div class="wall-body">
            <div class="wall-main">{shown}</div>
            <aside class="wall-side">
                <Urgent items=wall.urgent.clone() />
                <Notices notices />
            </aside>
        </div>
        <p class="wall-updated">{td_string!(locale, wall.updated, time = updated).to_string()}</p>
    }
}

#[component]
fn WallTotals(totals: Totals) -> impl IntoView {
    let locale = lang::current();
    let n = move |value: i64| format::integer(locale, value);
    let overdue = totals.holds_overdue + totals.inspections_overdue;
    let any_overdue = overdue > 0;
    view! {
        <section class="wall-totals" aria-label=td_string!(locale, wall.totals_label)>
            <WallFigure label=td_string!(locale, wall.ports).to_string() value=n(totals.ports)>
                {td_string!(
                    locale, wall.ports_detail, open = n(totals.ports_open), limited = n(totals.ports_limited), closed = n(totals.ports_closed)
                )
                    .to_string()}
            </WallFigure>
            <WallFigure
                label=td_string!(locale, wall.active_holds).to_string()
                value=n(totals.active_holds)
            >
                {td_string!(locale, wall.active_holds_detail, overdue = n(totals.holds_overdue))
                    .to_string()}
            </WallFigure>
            <WallFigure
                label=td_string!(locale, wall.overdue).to_string()
                value=n(overdue)
                alert=any_overdue
            >
                {td_string!(
                    locale, wall.overdue_detail, holds = n(totals.holds_overdue), inspections = n(totals.inspections_overdue)
                )
                    .to_string()}
            </WallFigure>
            <WallFigure
                label=td_string!(locale, wall.queue).to_string()
                value=n(totals.queued_inspections)
            >
                {td_string!(locale, wall.queue_detail, open = n(totals.open_inspections))
                    .to_string()}
            </WallFigure>
        </section>
    }
}

#[component]
fn WallFigure(
    label: String,
    value: String,
    #[prop(optional)] alert: bool,
    children: Children,
) -> impl IntoView {
    let figure = label.clone();
    view! {
        <div class="wall-figure" class:alert=alert data-figure=figure>
            <span class="wall-figure-label">{label}</span>
            <span class="wall-figure-value">{value}</span>
            <span class="wall-figure-detail">{children()}</span>
        </div>
    }
}

fn region_name(locale: Locale, region: super::Region) -> &'static str {
    use super::Region::*;
    match region {
        Pacific => td_string!(locale, wall.region.pacific),
        Prairies => td_string!(locale, wall.region.prairies),
        Ontario => td_string!(locale, wall.region.ontario),
        Quebec => td_string!(locale, wall.region.quebec),
        Atlantic => td_string!(locale, wall.region.atlantic),
        North => td_string!(locale, wall.region.north),
    }
}

fn status_name(locale: Locale, status: PortStatus) -> &'static str {
    match status {
        PortStatus::Open => td_string!(locale, wall.status.open),
        PortStatus::Limited => td_string!(locale, wall.status.limited),
        PortStatus::Closed => td_string!(locale, wall.status.closed),
    }
}

fn wait_text(locale: Locale, minutes: Option<i64>) -> String {
    match minutes {
        None => td_string!(locale, wall.wait_not_applicable).to_string(),
        Some(m) => td_string!(
            locale,
            wall.wait_minutes,
            minutes = format::integer(locale, m)
        )
        .to_string(),
    }
}

#[component]
fn RegionTable(region: RegionPorts) -> impl IntoView {
    let locale = lang::current();
    let name = region_name(locale, region.region);
    view! {
        <table class="wall-region" data-region=region.region.code()>
            <caption>{name}</caption>
            <thead>
                <tr>
                    <th scope="col">{td_string!(locale, wall.col_port)}</th>
                    <th scope="col">{td_string!(locale, wall.col_status)}</th>
                    <th scope="col" class="num">
                        {td_string!(locale, wall.col_commercial)}
                    </th>
                    <th scope="col" class="num">
                        {td_string!(locale, wall.col_travellers)}
                    </th>
                    <th scope="col" class="num">
                        {td_string!(locale, wall.col_holds)}
                    </th>
                    <th scope="col" class="num">
                        {td_string!(locale, wall.col_overdue)}
                    </th>
                </tr>
            </thead>
            <tbody>
                {region
                    .ports
                    .into_iter()
                    .map(|port| view! { <PortRow port locale /> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn PortRow(port: PortSummary, locale: Locale) -> impl IntoView {
    let status = port.status.code();
    let commercial_late = port.commercial_wait_over_standard();
    let traveller_late = port
        .traveller_wait_min
        .is_some_and(|m| m > TRAVELLER_WAIT_STANDARD_MIN);
    let overdue = port.holds_overdue + port.inspections_overdue;
    let overdue_any = overdue > 0;
    view! {
        <tr class="wall-port" data-status=status data-port=port.code.clone()>
            <th scope="row">
                <span class="wall-code">{port.code.clone()}</span>
                " "
                <span class="wall-name">{port.name.clone()}</span>
            </th>
            <td class="wall-status">{status_name(locale, port.status)}</td>
            <td class="num" class:late=commercial_late>
                {wait_text(locale, port.commercial_wait_min)}
            </td>
            <td class="num" class:late=traveller_late>
                {wait_text(locale, port.traveller_wait_min)}
            </td>
            <td class="num wall-holds">{format::integer(locale, port.active_holds)}</td>
            <td class="num" class:late=overdue_any>
                {format::integer(locale, overdue)}
            </td>
        </tr>
    }
}

fn reason_name(locale: Locale, reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::RiskTarget => td_string!(locale, wall.reason.risk_target),
        HoldReason::Documentation => td_string!(locale, wall.reason.documentation),
        HoldReason::Random => td_string!(locale, wall.reason.random),
        HoldReason::IntellectualProperty => td_string!(locale, wall.reason.intellectual_property),
        HoldReason::OtherAgency => td_string!(locale, wall.reason.other_agency),
        HoldReason::DoNotLoad => td_string!(locale, wall.reason.do_not_load),
        HoldReason::Intelligence => td_string!(locale, wall.reason.intelligence),
    }
}

#[component]
fn Urgent(items: Vec<UrgentItem>) -> impl IntoView {
    let locale = lang::current();
    let now = use_now();
    let empty = items.is_empty();
    view! {
        <section class="wall-urgent" aria-labelledby="wall-urgent-title">
            <h2 id="wall-urgent-title">{td_string!(locale, wall.urgent_label)}</h2>
            {empty.then(|| view! { <p>{td_string!(locale, wall.urgent_none)}</p> })}
            <ol>
                {items
                    .into_iter()
                    .map(|item| {
                        let what = match item.kind {
                            UrgentKind::Hold(reason) => reason_name(locale, reason),
                            UrgentKind::Examination => td_string!(locale, wall.urgent_examination),
                        };
                        let due = item.due_at;
                        let paused = item.paused;
                        let when = move || {
                            let now = now.get();
                            let locale = lang::current();
                            if paused {
                                td_string!(locale, wall.urgent_paused).to_string()
                            } else if due < now {
                                td_string!(
                                    locale, wall.overdue_by, time = format::duration(locale, now - due)
                                )
                                    .to_string()
                            } else {
                                td_string!(
                                    locale, wall.due_in, time = format::duration(locale, due - now)
                                )
                                    .to_string()
                            }
                        };
                        let late = move || !paused && due < now.get();
                        view! {
                            <li class:late=late>
                                <span class="wall-code">{item.port_code}</span>
                                " "
                                <span class="wall-what">{what}</span>
                                " "
                                <span class="wall-ref">{item.reference}</span>
                                " "
                                <span class="wall-when">{when}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

fn notice_kind(locale: Locale, kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Incident => td_string!(locale, domain.notice_kind.incident),
        NoticeKind::Construction => td_string!(locale, wall.notice_kind.construction),
        NoticeKind::SystemOutage => td_string!(locale, wall.notice_kind.system_outage),
        NoticeKind::Weather => td_string!(locale, wall.notice_kind.weather),
        NoticeKind::Equipment => td_string!(locale, wall.notice_kind.equipment),
        NoticeKind::Staffing => td_string!(locale, wall.notice_kind.staffing),
    }
}

#[component]
fn Notices(notices: Vec<WallNotice>) -> impl IntoView {
    let locale = lang::current();
    let empty = notices.is_empty();
    view! {
        <section class="wall-notices" aria-labelledby="wall-notices-title">
            <h2 id="wall-notices-title">{td_string!(locale, wall.notices_label)}</h2>
            {empty.then(|| view! { <p>{td_string!(locale, wall.notices_none)}</p> })}
            <ul>
                {notices
                    .into_iter()
                    .map(|n| {
                        let kind = notice_kind(locale, n.kind);
                        view! {
                            <li class=format!(
                                "notice-{}",
                                n.kind.code(),
                            )>
                                {td_string!(
                                    locale, wall.notice_line, port = n.port_code, kind = kind, message = n.message
                                )
                                    .to_string()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// Covers the whole screen while the connection is down, with the time of the last change the
/// screen shows; it goes once the stream is back and the board has caught up.
#[component]
fn NotLive(read_at: RwSignal<Option<DateTime<Utc>>>) -> impl IntoView {
    let live = use_live();
    move || {
        let connection = live.connection.get();
        let since = connection.since()?;
        let locale = lang::current();
        let at = read_at.get_untracked().unwrap_or(since);
        let time = format::local_time_short(locale, at, CENTRE_ZONE);
        Some(view! {
            <div class="wall-not-live" role="alert" data-last-change=at.to_rfc3339()>
                <p class="wall-not-live-title">{td_string!(locale, wall.not_live)}</p>
                <p>{td_string!(locale, wall.not_live_since, time = time).to_string()}</p>
                <p>
                    {match connection {
                        Connection::DatabaseUnavailable { .. } => {
                            td_string!(locale, wall.not_live_database)
                        }
                        _ => td_string!(locale, wall.not_live_retrying),
                    }}
                </p>
            </div>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wall::Region;

    fn region(region: Region, ports: usize) -> RegionPorts {
        let port: PortSummary = serde_json::from_value(serde_json::json!({
            "code": "YYZ", "name": "Toronto", "kind": "air", "province": "ON",
            "time_zone": "America/Toronto", "status": "open", "hours": "24/7",
            "lanes_open": 1, "lanes_available": 1, "officers_on_shift": 1,
            "commercial_wait_min": null, "traveller_wait_min": null, "waits_measured_at": null,
            "active_holds": 0, "holds_overdue": 0, "queued_inspections": 0,
            "open_inspections": 0, "inspections_overdue": 0, "notices": []
        }))
        .expect("a port");
        RegionPorts {
            region,
            ports: vec![port; ports],
        }
    }

    #[test]
    fn regions_are_packed_into_screens_and_one_too_big_gets_its_own() {
        let regions = [
            region(Region::Pacific, 4),
            region(Region::Prairies, 5),
            region(Region::Ontario, 6),
            region(Region::Quebec, 3),
        ];
        assert_eq!(screens(&regions, 16), vec![0..2, 2..4]);
        assert_eq!(screens(&regions, 15), vec![0..2, 2..4]);
        // Each region costs its ports and three rows (its heading and the table's head).
        assert_eq!(screens(&regions, 14), vec![0..1, 1..2, 2..3, 3..4]);
        assert_eq!(screens(&regions, 100), vec![0..4]);
        assert_eq!(screens(&regions, 3), vec![0..1, 1..2, 2..3, 3..4]);
        assert_eq!(screens(&[], 10), vec![0..0]);
    }

    #[test]
    fn the_wall_speaks_french_when_asked() {
        assert_eq!(region_name(Locale::fr, Region::Quebec), "Québec");
        assert_eq!(wait_text(Locale::fr, Some(1_200)), "1\u{a0}200 min");
        assert_eq!(td_string!(Locale::fr, wall.not_live), "Pas en direct");
    }
}
