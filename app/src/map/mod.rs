//! The map of Canada: every port with a place drawn where it is, its status told by colour and
//! shape, its overdue work by a ring, its code beside it. Pointing at a marker or moving to it
//! with the keyboard shows the port's tile; selecting it opens the port. The same information
//! is given as a list for keyboard and screen-reader users. The outline is drawn once from
//! vector data shipped in the code (`outline.rs`): nothing is fetched, and the page's CSP
//! (no inline styles) holds, since everything is drawn with classes and SVG attributes.

pub mod layout;
pub mod outline;
pub mod page;
pub mod projection;

use crate::domain::PortStatus;
use crate::i18n::td_string;
use crate::lang;
use crate::ports::PortSummary;
use crate::ports::tile::PortTile;
use layout::{Bounds, LABEL_FONT_KM, MARKER_KM, Place, Placed, lay_out, overdue_ring};
use leptos::prelude::*;
use projection::{Lambert, Point};

/// A port drawn on the map.
struct Drawn {
    port: PortSummary,
    placed: Placed,
}

/// The ports that have a place, each where the layout put it.
fn draw(ports: &[PortSummary]) -> Vec<Drawn> {
    let lambert = Lambert::statistics_canada();
    let with_place: Vec<(&PortSummary, Place)> = ports
        .iter()
        .filter_map(|p| {
            let (latitude, longitude) = p.place()?;
            Some((
                p,
                Place {
                    at: lambert.project(latitude, longitude),
                    overdue: p.overdue_work(),
                },
            ))
        })
        .collect();
    let places: Vec<Place> = with_place.iter().map(|(_, place)| *place).collect();
    let (x, y, w, h) = outline::VIEW_BOX;
    let bounds = Bounds {
        x0: f64::from(x),
        y0: f64::from(y),
        x1: f64::from(x + w),
        y1: f64::from(y + h),
    };
    with_place
        .into_iter()
        .zip(lay_out(&places, bounds))
        .map(|((port, _), placed)| Drawn {
            port: port.clone(),
            placed,
        })
        .collect()
}

fn number(v: f64) -> String {
    format!("{v:.1}")
}

/// The marker's shape for a status: colour is never the only sign (WCAG 1.4.1).
fn shape(status: PortStatus, at: Point) -> AnyView {
    let s = MARKER_KM;
    match status {
        PortStatus::Open => {
            view! { <circle class="map-shape" cx=number(at.x) cy=number(at.y) r=number(s) /> }
                .into_any()
        }
        PortStatus::Limited => {
            let d = format!(
                "M{} {}l{s} {s}l-{s} {s}l-{s} -{s}z",
                number(at.x),
                number(at.y - s)
            );
            view! { <path class="map-shape" d=d /> }.into_any()
        }
        PortStatus::Closed => {
            let h = s * 0.85;
            let cross = format!(
                "M{} {}l{} {}m0 -{}l-{} {}",
                number(at.x - h * 0.6),
                number(at.y - h * 0.6),
                number(h * 1.2),
                number(h * 1.2),
                number(h * 1.2),
                number(h * 1.2),
                number(h * 1.2)
            );
            view! {
                <g>
                    <rect
                        class="map-shape"
                        x=number(at.x - h)
                        y=number(at.y - h)
                        width=number(2.0 * h)
                        height=number(2.0 * h)
                    />
                    <path class="map-cross" d=cross />
                </g>
            }
            .into_any()
        }
    }
}

/// What a screen reader says for a marker: the port, its status and its overdue work.
fn marker_label(port: &PortSummary) -> String {
    td_string!(
        lang::current(),
        map.marker,
        code = port.code.clone(),
        name = port.name.clone(),
        status = port.status.label(),
        holds = port.holds_overdue,
        inspections = port.inspections_overdue
    )
    .to_string()
}

fn marker(drawn: &Drawn, shown: RwSignal<Option<String>>) -> AnyView {
    let port = &drawn.port;
    let Placed { at, marker, label } = drawn.placed;
    let code = port.code.clone();
    let (enter, focus) = (code.clone(), code.clone());
    let ring = overdue_ring(port.overdue_work());
    view! {
        <g class=format!(
            "map-port status-{}",
            port.status.code(),
        )>
            {drawn
                .placed
                .has_leader()
                .then(|| {
                    view! {
                        <line
                            class="map-leader"
                            x1=number(at.x)
                            y1=number(at.y)
                            x2=number(marker.x)
                            y2=number(marker.y)
                        />
                        <circle class="map-place" cx=number(at.x) cy=number(at.y) r="9" />
                    }
                })}
            <a
                href=crate::components::moment::keep_at(format!("/ports/{code}"))
                class="map-marker"
                data-port=code.clone()
                aria-label=marker_label(port)
                on:mouseenter=move |_| shown.set(Some(enter.clone()))
                on:mouseleave=move |_| shown.set(None)
                on:focus=move |_| shown.set(Some(focus.clone()))
                on:blur=move |_| shown.set(None)
            >
                {ring
                    .map(|r| {
                        view! {
                            <circle
                                class="map-overdue"
                                cx=number(marker.x)
                                cy=number(marker.y)
                                r=number(r)
                            />
                        }
                    })}
                {shape(port.status, marker)}
                <text
                    class="map-label"
                    x=number(label.x)
                    y=number(label.y)
                    font-size=number(LABEL_FONT_KM)
                    text-anchor="middle"
                    dominant-baseline="central"
                >
                    {code.clone()}
                </text>
            </a>
        </g>
    }
    .into_any()
}

/// The map with the tile of the port pointed at or focused beside it, its legend, and the
/// list that says the same in words. `shown`, the port whose tile is shown, is the caller's
/// when it outlives the map: a live refresh draws the map again and the tile stays.
#[component]
pub fn CountryMap(
    ports: Vec<PortSummary>,
    #[prop(optional)] full: bool,
    #[prop(optional)] shown: Option<RwSignal<Option<String>>>,
) -> impl IntoView {
    let shown = shown.unwrap_or_else(|| RwSignal::new(None));
    let drawn = draw(&ports);
    let unplaced = ports.len() - drawn.len();
    let (x, y, w, h) = outline::VIEW_BOX;
    let tiles = ports.clone();
    let tile = move || {
        shown
            .get()
            .and_then(|code| tiles.iter().find(|p| p.code == code).cloned())
            .map(|port| view! { <PortTile port /> })
    };
    let l = lang::current();
    view! {
        <section class="country-map" class:full=full aria-label=td_string!(l, map.heading)>
            <div class="map-figure">
                <svg
                    viewBox=format!("{x} {y} {w} {h}")
                    role="group"
                    aria-label=td_string!(l, map.svg_label)
                    preserveAspectRatio="xMidYMid meet"
                >
                    <path class="map-neighbours" d=outline::NEIGHBOURS />
                    <path class="map-canada" d=outline::CANADA />
                    {drawn.iter().map(|d| marker(d, shown)).collect_view()}
                </svg>
                <aside class="map-tile">
                    <Show
                        when=move || shown.get().is_some()
                        fallback=move || view! { <p class="map-hint">{td_string!(l, map.hint)}</p> }
                    >
                        {tile.clone()}
                    </Show>
                </aside>
            </div>
            <Legend />
            {(unplaced > 0)
                .then(|| {
                    let text = crate::counted!(
                        l, unplaced, map.unplaced_single | map.unplaced_several, count = unplaced
                    );
                    view! { <p class="map-unplaced">{text}</p> }
                })}
            <PortList ports />
        </section>
    }
    .into_any()
}

#[component]
fn Legend() -> impl IntoView {
    let l = lang::current();
    let key = |status: PortStatus, text: &'static str| {
        let at = Point { x: 50.0, y: 50.0 };
        view! {
            <li class=format!("map-port status-{}", status.code())>
                <svg viewBox="0 0 100 100" aria-hidden="true" class="map-key">
                    {shape(status, at)}
                </svg>
                {text}
            </li>
        }
    };
    view! {
        <details class="map-legend">
            <summary>{td_string!(l, map.legend)}</summary>
            <ul>
                {key(PortStatus::Open, td_string!(l, map.legend_open))}
                {key(PortStatus::Limited, td_string!(l, map.legend_limited))}
                {key(PortStatus::Closed, td_string!(l, map.legend_closed))} <li>
                    <svg viewBox="0 0 100 100" aria-hidden="true" class="map-key">
                        <circle class="map-overdue" cx="50" cy="50" r="44" />
                        <circle class="map-shape" cx="50" cy="50" r="26" />
                    </svg>
                    {td_string!(l, map.legend_overdue)}
                </li> <li>
                    <svg viewBox="0 0 100 100" aria-hidden="true" class="map-key">
                        <line class="map-leader" x1="15" y1="85" x2="70" y2="30" />
                        <circle class="map-place" cx="15" cy="85" r="9" />
                    </svg>
                    {td_string!(l, map.legend_moved)}
                </li>
            </ul>
        </details>
    }
    .into_any()
}

/// The same information as the map, as a table: for keyboard and screen-reader users, and for
/// the ports that have no place.
#[component]
fn PortList(ports: Vec<PortSummary>) -> impl IntoView {
    let l = lang::current();
    view! {
        <details class="map-list">
            <summary>{td_string!(l, map.list)}</summary>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, map.col_port)}</th>
                            <th scope="col">{td_string!(l, map.col_status)}</th>
                            <th scope="col">{td_string!(l, map.col_holds_overdue)}</th>
                            <th scope="col">{td_string!(l, map.col_inspections_overdue)}</th>
                            <th scope="col">{td_string!(l, map.col_place)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {ports
                            .into_iter()
                            .map(|p| {
                                let place = if p.place().is_some() {
                                    td_string!(l, map.drawn)
                                } else {
                                    td_string!(l, map.not_drawn)
                                };
                                view! {
                                    <tr data-port=p.code.clone()>
                                        <th scope="row">
                                            <a href=crate::components::moment::keep_at(
                                                format!("/ports/{}", p.code),
                                            )>
                                                <span class="code">{p.code.clone()}</span>
                                                " "
                                                {p.name.clone()}
                                            </a>
                                        </th>
                                        <td>{p.status.label()}</td>
                                        <td>{p.holds_overdue}</td>
                                        <td>{p.inspections_overdue}</td>
                                        <td>{place}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}
