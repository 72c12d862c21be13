//! `/trends`: the filter (a GET form: the address carries it, so a view can be linked to and
//! the form works before the page's script runs), then each series as a chart, its table and a
//! link to its CSV file. The port page shows the first series for its port over 7 days, and
//! its border waits where it measured some ([`PortTrends`]).

use super::chart::{Chart, ChartKind, Line};
use super::filter::{PARAMETERS, Period, Scope, TrendsFilter};
use super::shape::BANDS;
use super::{CounterfeitsByHolder, Series, Trends, get_trend_ports, get_trends};
use crate::components::common::{ErrorNotice, Loaded};
use crate::domain::port_rules::{COMMERCIAL_WAIT_STANDARD_MIN, TRAVELLER_WAIT_STANDARD_MIN};
use crate::domain::{Mode, Region};
use crate::export::Cell;
use crate::export::link::{DownloadCsv, csv_href};
use crate::i18n::td_string;
use crate::lang::{self, Locale, format};
use crate::paging::QueryPairs;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TrendsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let pairs: Vec<(String, String)> = PARAMETERS
                .iter()
                .filter_map(|k| q.get(k).map(|v| (k.to_string(), v)))
                .chain(
                    // Unknown parameters are refused by name, as the API does.
                    q.clone()
                        .into_iter()
                        .filter(|(k, _)| !PARAMETERS.contains(&k.as_ref()))
                        .map(|(k, v)| (k.to_string(), v)),
                )
                .collect();
            QueryPairs::new(
                pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                PARAMETERS,
            )
            .and_then(|pairs| TrendsFilter::from_pairs(&pairs))
        })
    });
    let trends = Resource::new(
        move || filter.get(),
        |filter| async move {
            match filter {
                Ok(filter) => get_trends(filter).await,
                Err(refusal) => Err(refusal),
            }
        },
    );
    let ports = Resource::new(|| (), |_| get_trend_ports());
    let l = lang::current();
    view! {
        <Title text=td_string!(l, trends.title) />
        <section class="panel trends">
            <h1>{td_string!(l, trends.heading)}</h1>
            <Transition>
                {move || Suspend::new(async move {
                    let ports = ports.await.unwrap_or_default();
                    let current = filter.get().unwrap_or_default();
                    view! { <FilterForm current ports /> }
                })}
            </Transition>
            <Transition fallback=move || {
                view! { <p class="loading">{td_string!(l, trends.loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match trends.await {
                        Ok(trends) => {
                            let query = filter.get().unwrap_or_default().to_query();
                            view! {
                                <TrendsView trends query series=Series::ALL.to_vec() level=2 />
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The port page's section: the port's first series over the last 7 days, and a link to all
/// of them. The resource follows the page's port (one resource for the page's life, created
/// with the page, as the other panels do, so that it hydrates as it was rendered).
#[component]
pub fn PortTrends(#[prop(into)] code: Signal<String>) -> impl IntoView {
    let filter = move || TrendsFilter {
        period: Period::Week,
        scope: Scope::Port(code.get()),
    };
    let trends = Resource::new(filter, get_trends);
    let l = lang::current();
    let more = move || format!("/trends?{}", filter().to_query());
    view! {
        <section class="panel trends port-trends" aria-labelledby="port-trends-heading">
            <h2 id="port-trends-heading">{td_string!(l, trends.port_heading)}</h2>
            <Loaded
                resource=trends
                loading=td_string!(l, trends.loading)
                show=move |trends| {
                    let mut series = vec![
                        Series::ReleaseTimes,
                        Series::PastServiceLevel,
                        Series::Holds,
                    ];
                    if trends.border_waits.iter().any(|d| d.measurements > 0) {
                        series.push(Series::BorderWaits);
                    }
                    let query = filter().to_query();
                    // A crossing's waits, where it measured some this week.
                    view! { <TrendsView trends query series level=3 /> }
                }
            />
            <p>
                <a href=more>{td_string!(l, trends.port_more)}</a>
            </p>
        </section>
    }
}

/// The filter, as a form that asks for `/trends` with its fields in the address.
#[component]
fn FilterForm(current: TrendsFilter, ports: Vec<super::PortChoice>) -> impl IntoView {
    let l = lang::current();
    let (from, to) = match current.period {
        Period::Custom { from, to } => (from.to_string(), to.to_string()),
        _ => (String::new(), String::new()),
    };
    let period = current.period.code();
    let periods = [
        ("1d", td_string!(l, trends.period.day)),
        ("7d", td_string!(l, trends.period.week)),
        ("30d", td_string!(l, trends.period.month)),
        ("custom", td_string!(l, trends.period.custom)),
    ]
    .into_iter()
    .map(|(code, label)| {
        view! {
            <option value=code selected=code == period>
                {label}
            </option>
        }
    })
    .collect_view();
    let port = match &current.scope {
        Scope::Port(code) => code.clone(),
        _ => String::new(),
    };
    let port_options = ports
        .into_iter()
        .map(|p| {
            let selected = p.code == port;
            view! {
                <option value=p.code.clone() selected=selected>
                    {format!("{} · {}", p.code, p.name)}
                </option>
            }
        })
        .collect_view();
    let region = match current.scope {
        Scope::Region(r) => Some(r),
        _ => None,
    };
    let regions = Region::ALL
        .iter()
        .map(|r| {
            view! {
                <option value=r.code() selected=Some(*r) == region>
                    {r.label()}
                </option>
            }
        })
        .collect_view();
    let mode = match current.scope {
        Scope::Mode(m) => Some(m),
        _ => None,
    };
    let modes = Mode::ALL
        .iter()
        .map(|m| {
            view! {
                <option value=m.code() selected=Some(*m) == mode>
                    {m.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <form class="filters trends-filter" method="get" action="/trends">
            <label>
                {td_string!(l, trends.filter.period)} <select name="period">{periods}</select>
            </label>
            <label>
                {td_string!(l, trends.filter.from)} <input type="date" name="from" value=from />
            </label>
            <label>
                {td_string!(l, trends.filter.to)} <input type="date" name="to" value=to />
            </label>
            <label>
                {td_string!(l, trends.filter.port)} <select name="port">
                    <option value="">{td_string!(l, trends.filter.any_port)}</option>
                    {port_options}
                </select>
            </label>
            <label>
                {td_string!(l, trends.filter.region)} <select name="region">
                    <option value="">{td_string!(l, trends.filter.any_region)}</option>
                    {regions}
                </select>
            </label>
            <label>
                {td_string!(l, trends.filter.mode)} <select name="mode">
                    <option value="">{td_string!(l, trends.filter.any_mode)}</option>
                    {modes}
                </select>
            </label>
            <button type="submit">{td_string!(l, trends.filter.apply)}</button>
            <p class="hint">{td_string!(l, trends.filter.hint)}</p>
        </form>
    }
}

/// The series asked for, each as a chart, its table and its CSV link; `level` is its
/// headings' level (2 on `/trends`, 3 in the port page's section).
#[component]
pub fn TrendsView(trends: Trends, query: String, series: Vec<Series>, level: u8) -> impl IntoView {
    let l = lang::current();
    let zone = if trends.scope == "port" {
        td_string!(l, trends.zone_port, zone = trends.time_zone.clone()).to_string()
    } else {
        td_string!(l, trends.zone_centre, zone = trends.time_zone.clone()).to_string()
    };
    let period = td_string!(
        l,
        trends.period_shown,
        from = format::date(l, trends.from),
        to = format::date(l, trends.to)
    )
    .to_string();
    let sections = series
        .into_iter()
        .map(|s| view! { <SeriesSection trends=trends.clone() series=s query=query.clone() level /> })
        .collect_view();
    view! {
        <p class="trends-period">{period} " " {zone}</p>
        {sections}
    }
}

#[component]
fn SeriesSection(trends: Trends, series: Series, query: String, level: u8) -> impl IntoView {
    let l = lang::current();
    let title = series_title(l, series).to_string();
    let id = format!("trend-{}", series.code());
    let heading = match level {
        2 => view! { <h2 id=id.clone()>{title.clone()}</h2> }.into_any(),
        _ => view! { <h3 id=id.clone()>{title.clone()}</h3> }.into_any(),
    };
    let (kind, categories, lines, axis) = chart_of(l, &trends, series);
    let table = series.table(&trends);
    let head = table
        .header
        .iter()
        .map(|c| view! { <th scope="col">{column_label(l, c)}</th> })
        .collect_view();
    let rows = table
        .rows
        .iter()
        .map(|row| {
            let cells = row
                .iter()
                .zip(&table.header)
                .enumerate()
                .map(|(i, (cell, column))| {
                    let text = cell_text(l, column, cell);
                    if i == 0 {
                        view! { <th scope="row">{text}</th> }.into_any()
                    } else {
                        view! { <td class="num">{text}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    let empty = table.rows.is_empty();
    let href = csv_href(
        "/api/v1/trends",
        &format!("{query}&series={}", series.code()),
    );
    view! {
        <section class="trend" aria-labelledby=id data-series=series.code()>
            {heading}
            <p class="hint">{series_note(l, series)}</p>
            <Chart kind categories series=lines axis />
            <div class="table-wrap">
                <table class="trend-table">
                    <caption>{td_string!(l, trends.table_caption, title = title.clone())}</caption>
                    <thead>
                        <tr>{head}</tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {empty.then(|| view! { <p class="empty">{td_string!(l, trends.no_rows)}</p> })}
            <DownloadCsv href title=td_string!(l, trends.download_title) />
        </section>
    }
}

/// A day on the chart's axis: `Nov 28` / `28 nov.`.
fn day_label(l: Locale, day: NaiveDate) -> String {
    format::short_date(l, day)
}

fn series_title(l: Locale, series: Series) -> &'static str {
    match series {
        Series::ReleaseTimes => td_string!(l, trends.series.release_times),
        Series::Dwell => td_string!(l, trends.series.dwell),
        Series::PastServiceLevel => td_string!(l, trends.series.past_service_level),
        Series::Holds => td_string!(l, trends.series.holds),
        Series::Examinations => td_string!(l, trends.series.examinations),
        Series::Referrals => td_string!(l, trends.series.referrals),
        Series::Officers => td_string!(l, trends.series.officers),
        Series::BorderWaits => td_string!(l, trends.series.border_waits),
        Series::Counterfeits => td_string!(l, trends.series.counterfeits),
    }
}

fn series_note(l: Locale, series: Series) -> String {
    let note = match series {
        Series::ReleaseTimes => td_string!(l, trends.note.release_times),
        Series::Dwell => td_string!(l, trends.note.dwell),
        Series::PastServiceLevel => td_string!(l, trends.note.past_service_level),
        Series::Holds => td_string!(l, trends.note.holds),
        Series::Examinations => td_string!(l, trends.note.examinations),
        Series::Referrals => td_string!(l, trends.note.referrals),
        Series::Officers => td_string!(l, trends.note.officers),
        Series::Counterfeits => td_string!(l, trends.note.counterfeits),
        Series::BorderWaits => {
            return td_string!(
                l,
                trends.note.border_waits,
                commercial = COMMERCIAL_WAIT_STANDARD_MIN,
                traveller = TRAVELLER_WAIT_STANDARD_MIN
            )
            .to_string();
        }
    };
    note.to_string()
}

/// A column's heading in the reader's language.
fn column_label(l: Locale, column: &str) -> &'static str {
    match column {
        "day" => td_string!(l, trends.column.day),
        "released" => td_string!(l, trends.column.released),
        "median_min" => td_string!(l, trends.column.median_min),
        "p90_min" => td_string!(l, trends.column.p90_min),
        "band" => td_string!(l, trends.column.band),
        "active" => td_string!(l, trends.column.active),
        "ended" => td_string!(l, trends.column.ended),
        "count" => td_string!(l, trends.column.past_service_level),
        "placed" => td_string!(l, trends.column.placed),
        "seized" => td_string!(l, trends.column.seized),
        "opened" => td_string!(l, trends.column.opened),
        "completed" => td_string!(l, trends.column.completed),
        "no_finding" => td_string!(l, domain.outcome.no_finding),
        "seizure" => td_string!(l, domain.outcome.seizure),
        "penalty" => td_string!(l, domain.outcome.penalty),
        "agency_referral" => td_string!(l, domain.outcome.agency_referral),
        "inconclusive" => td_string!(l, domain.outcome.inconclusive),
        "selected" => td_string!(l, trends.column.selected),
        "examined" => td_string!(l, trends.column.examined),
        "findings" => td_string!(l, trends.column.findings),
        "hit_rate" => td_string!(l, trends.column.hit_rate),
        "random_selected" => td_string!(l, trends.column.random_selected),
        "random_examined" => td_string!(l, trends.column.random_examined),
        "random_findings" => td_string!(l, trends.column.random_findings),
        "random_hit_rate" => td_string!(l, trends.column.random_hit_rate),
        "officer_id" => td_string!(l, trends.column.officer_id),
        "name" => td_string!(l, trends.column.name),
        "badge" => td_string!(l, trends.column.badge),
        "flow" => td_string!(l, trends.column.flow),
        "standard_min" => td_string!(l, trends.column.standard_min),
        "measurements" => td_string!(l, trends.column.measurements),
        "mean_min" => td_string!(l, trends.column.mean_min),
        "worst_min" => td_string!(l, trends.column.worst_min),
        "over_standard" => td_string!(l, trends.column.over_standard),
        "over_standard_share" => td_string!(l, trends.column.over_standard_share),
        "rights_holder" => td_string!(l, trends.column.rights_holder),
        "request_id" => td_string!(l, trends.column.request_id),
        "detained" => td_string!(l, trends.column.detained),
        "open" => td_string!(l, trends.column.open),
        "referred_or_returned" => td_string!(l, trends.column.referred_or_returned),
        "median_days" => td_string!(l, trends.column.median_days),
        _ => td_string!(l, trends.column.other),
    }
}

fn flow_label(l: Locale, flow: &str) -> &'static str {
    match flow {
        "commercial" => td_string!(l, trends.flow.commercial),
        _ => td_string!(l, trends.flow.traveller),
    }
}

fn band_label(l: Locale, band: &str) -> &'static str {
    match band {
        "under_1h" => td_string!(l, trends.band.under_1h),
        "1h_4h" => td_string!(l, trends.band.h1_4),
        "4h_8h" => td_string!(l, trends.band.h4_8),
        "8h_24h" => td_string!(l, trends.band.h8_24),
        "24h_48h" => td_string!(l, trends.band.h24_48),
        _ => td_string!(l, trends.band.over_48h),
    }
}

/// A cell as the table shows it: the same value as the CSV's, written in the reader's
/// language (a day as a date, a band by its name, numbers with the language's separators).
fn cell_text(l: Locale, column: &str, cell: &Cell) -> String {
    match cell {
        // Detentions under no request for assistance.
        Cell::Empty if column == "rights_holder" => {
            td_string!(l, trends.counterfeit_none).to_string()
        }
        Cell::Empty => "–".to_string(),
        // A mean wait, to the tenth of a minute it is given to.
        Cell::Number(n) if column == "mean_min" || column == "median_days" => n
            .parse::<f64>()
            .map(|x| format::decimal(l, x, 1))
            .unwrap_or_else(|_| n.clone()),
        Cell::Number(n) => match n.parse::<i64>() {
            Ok(n) => format::integer(l, n),
            Err(_) => n
                .parse::<f64>()
                .map(|x| format::decimal(l, x, 3))
                .unwrap_or_else(|_| n.clone()),
        },
        Cell::Text(text) => match column {
            "day" => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| format::date(l, d))
                .unwrap_or_else(|_| text.clone()),
            "band" => band_label(l, text).to_string(),
            "flow" => flow_label(l, text).to_string(),
            _ => text.clone(),
        },
    }
}

/// What a series' chart draws.
fn chart_of(
    l: Locale,
    trends: &Trends,
    series: Series,
) -> (ChartKind, Vec<String>, Vec<Line>, String) {
    let days = |rows: &mut dyn Iterator<Item = NaiveDate>| rows.map(|d| day_label(l, d)).collect();
    let line = |name: &str, values: Vec<Option<f64>>| Line {
        name: name.to_string(),
        values,
    };
    let count = |n: i64| Some(n as f64);
    let counts_axis = td_string!(l, trends.axis.count).to_string();
    match series {
        Series::ReleaseTimes => (
            ChartKind::Line,
            days(&mut trends.release_times.iter().map(|d| d.day)),
            vec![
                line(
                    td_string!(l, trends.column.median_min),
                    trends
                        .release_times
                        .iter()
                        .map(|d| d.median_min.map(|m| m as f64))
                        .collect(),
                ),
                line(
                    td_string!(l, trends.column.p90_min),
                    trends
                        .release_times
                        .iter()
                        .map(|d| d.p90_min.map(|m| m as f64))
                        .collect(),
                ),
            ],
            td_string!(l, trends.axis.minutes).to_string(),
        ),
        Series::Dwell => (
            ChartKind::Bars,
            BANDS
                .iter()
                .map(|(b, _)| band_label(l, b).to_string())
                .collect(),
            vec![
                line(
                    td_string!(l, trends.column.active),
                    trends.dwell.iter().map(|b| count(b.active)).collect(),
                ),
                line(
                    td_string!(l, trends.column.ended),
                    trends.dwell.iter().map(|b| count(b.ended)).collect(),
                ),
            ],
            counts_axis,
        ),
        Series::PastServiceLevel => (
            ChartKind::Bars,
            days(&mut trends.past_service_level.iter().map(|d| d.day)),
            vec![line(
                td_string!(l, trends.column.past_service_level),
                trends
                    .past_service_level
                    .iter()
                    .map(|d| count(d.count))
                    .collect(),
            )],
            counts_axis,
        ),
        Series::Holds => (
            ChartKind::Bars,
            days(&mut trends.holds.iter().map(|d| d.day)),
            vec![
                line(
                    td_string!(l, trends.column.placed),
                    trends.holds.iter().map(|d| count(d.placed)).collect(),
                ),
                line(
                    td_string!(l, trends.column.released),
                    trends.holds.iter().map(|d| count(d.released)).collect(),
                ),
                line(
                    td_string!(l, trends.column.seized),
                    trends.holds.iter().map(|d| count(d.seized)).collect(),
                ),
            ],
            counts_axis,
        ),
        Series::Examinations => (
            ChartKind::Bars,
            days(&mut trends.examinations.iter().map(|d| d.day)),
            vec![
                line(
                    td_string!(l, trends.column.opened),
                    trends
                        .examinations
                        .iter()
                        .map(|d| count(d.opened))
                        .collect(),
                ),
                line(
                    td_string!(l, trends.column.completed),
                    trends
                        .examinations
                        .iter()
                        .map(|d| count(d.completed))
                        .collect(),
                ),
                line(
                    td_string!(l, trends.column.with_finding),
                    trends
                        .examinations
                        .iter()
                        .map(|d| count(d.seizure + d.penalty + d.agency_referral))
                        .collect(),
                ),
            ],
            counts_axis,
        ),
        Series::Referrals => (
            ChartKind::Line,
            days(&mut trends.referrals.iter().map(|d| d.day)),
            vec![
                line(
                    td_string!(l, trends.column.hit_rate),
                    trends
                        .referrals
                        .iter()
                        .map(|d| d.hit_rate.map(|r| r * 100.0))
                        .collect(),
                ),
                line(
                    td_string!(l, trends.column.random_hit_rate),
                    trends
                        .referrals
                        .iter()
                        .map(|d| d.random_hit_rate.map(|r| r * 100.0))
                        .collect(),
                ),
            ],
            td_string!(l, trends.axis.percent).to_string(),
        ),
        Series::Officers => {
            // The chart shows the busiest; the table has everyone.
            let top: Vec<_> = trends.officers.iter().take(OFFICERS_CHARTED).collect();
            (
                ChartKind::Bars,
                top.iter().map(|o| o.badge.clone()).collect(),
                vec![line(
                    td_string!(l, trends.column.completed),
                    top.iter().map(|o| count(o.completed)).collect(),
                )],
                counts_axis,
            )
        }
        Series::Counterfeits => {
            let holder = |c: &CounterfeitsByHolder| match &c.rights_holder {
                Some(name) => name.clone(),
                None => td_string!(l, trends.counterfeit_none).to_string(),
            };
            let rows = &trends.counterfeits;
            (
                ChartKind::Bars,
                rows.iter().map(holder).collect(),
                vec![
                    line(
                        td_string!(l, trends.column.detained),
                        rows.iter().map(|c| count(c.detained)).collect(),
                    ),
                    line(
                        td_string!(l, trends.column.seized),
                        rows.iter().map(|c| count(c.seized)).collect(),
                    ),
                    line(
                        td_string!(l, trends.column.released),
                        rows.iter().map(|c| count(c.released)).collect(),
                    ),
                ],
                counts_axis,
            )
        }
        Series::BorderWaits => {
            // Against the standards: each flow's share of measurements over its standard.
            let share = |flow: &str| -> Vec<Option<f64>> {
                trends
                    .border_waits
                    .iter()
                    .filter(|d| d.flow == flow)
                    .map(|d| d.over_standard_share.map(|r| r * 100.0))
                    .collect()
            };
            let mut seen = std::collections::BTreeSet::new();
            (
                ChartKind::Line,
                days(
                    &mut trends
                        .border_waits
                        .iter()
                        .map(|d| d.day)
                        .filter(|d| seen.insert(*d)),
                ),
                vec![
                    line(
                        td_string!(l, trends.line.commercial_over),
                        share("commercial"),
                    ),
                    line(
                        td_string!(l, trends.line.traveller_over),
                        share("traveller"),
                    ),
                ],
                td_string!(l, trends.axis.percent).to_string(),
            )
        }
    }
}

/// The officers the chart of their work shows, most examinations first.
const OFFICERS_CHARTED: usize = 15;
