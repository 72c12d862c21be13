//! What the rules found and what a draft would find, as `/targeting` shows them: per-rule
//! selections, examinations and findings against random selection over a period, and the
//! trial of a draft on the last 30 days, per day and per port against capacity.

use super::page::column_heads;
use super::rpc::{TryRule, rule_stats};
use super::rule_editor::FieldProblem;
use super::{SelectionStats, StatsReport, TrialReport};
use crate::domain::clock::local_time;
use crate::export::link::{DownloadCsv, csv_href};
use crate::i18n::td_string;
use crate::lang::{self, format};
use chrono::Utc;
use leptos::prelude::*;

fn percent(stats: &SelectionStats) -> String {
    let l = lang::current();
    match stats.hit_rate {
        Some(rate) => format::percent(l, rate, 1),
        None => td_string!(l, targeting.no_examination_yet).to_string(),
    }
}

/// The trial of the draft last tried, once it answers.
#[component]
pub fn TrialResult(trial: ServerAction<TryRule>) -> impl IntoView {
    move || match trial.value().get() {
        Some(Ok(report)) => Some(view! { <TrialView report /> }),
        _ => None,
    }
}

#[component]
fn TrialView(report: TrialReport) -> impl IntoView {
    // Every day of the period, the days it would have selected nothing included.
    let mut days = Vec::new();
    let mut day = report.from.date_naive();
    let last = report.to.date_naive();
    while day <= last {
        let key = day.format("%Y-%m-%d").to_string();
        let selected = report
            .per_day
            .iter()
            .find(|d| d.day == key)
            .map(|d| d.selected)
            .unwrap_or(0);
        days.push((key, selected));
        day = day.succ_opt().unwrap_or(last + chrono::Duration::days(1));
    }
    let h = report.history.clone();
    let l = lang::current();
    let n = |n: i64| format::integer(l, n);
    view! {
        <section class="panel trial" aria-labelledby="trial-title">
            <h2 id="trial-title">{td_string!(l, targeting.trial.heading)}</h2>
            <p class="trial-summary">
                {td_string!(
                    l,
                    targeting.trial.summary,
                    shipments = n(report.shipments),
                    matched = n(report.matched),
                    selected = n(report.selected)
                )
                    .to_string()}
            </p>
            <p>
                {td_string!(
                    l,
                    targeting.trial.history,
                    examined = n(h.examined),
                    findings = n(h.findings),
                    rate = percent(&h),
                    sample = n(h.sample_size)
                )
                    .to_string()}
            </p>
            <div class="columns">
                <div class="table-scroll">
                    <table class="grid trial-days">
                        <caption>{td_string!(l, targeting.trial.per_day)}</caption>
                        <thead>
                            {column_heads(
                                &[
                                    (td_string!(l, targeting.trial.day_utc), false),
                                    (td_string!(l, targeting.trial.selected), true),
                                ],
                            )}
                        </thead>
                        <tbody>
                            {days
                                .into_iter()
                                .map(|(day, n)| {
                                    view! {
                                        <tr>
                                            <th scope="row">{day}</th>
                                            <td class="num">{format::integer(l, n)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
                <div class="table-scroll">
                    <table class="grid trial-ports">
                        <caption>{td_string!(l, targeting.trial.per_port)}</caption>
                        <thead>
                            {column_heads(
                                &[
                                    (td_string!(l, targeting.trial.port), false),
                                    (td_string!(l, targeting.trial.selected), true),
                                    (td_string!(l, targeting.trial.daily), true),
                                    (td_string!(l, targeting.trial.capacity_per_day), true),
                                ],
                            )}
                        </thead>
                        <tbody>
                            {report
                                .per_port
                                .iter()
                                .map(|p| {
                                    let over = p
                                        .capacity_per_day
                                        .is_some_and(|c| p.per_day > c as f64);
                                    view! {
                                        <tr class:overdue=over>
                                            <th scope="row">{p.port_code.clone()}</th>
                                            <td class="num">{format::integer(l, p.selected)}</td>
                                            <td class="num">{format::decimal(l, p.per_day, 1)}</td>
                                            <td class="num">
                                                {match p.capacity_per_day {
                                                    Some(c) if over => {
                                                        td_string!(
                                                            l,
                                                        targeting.trial.exceeded,
                                                        capacity = format::integer(l, c)
                                                        )
                                                            .to_string()
                                                    }
                                                    Some(c) => format::integer(l, c),
                                                    None => {
                                                        td_string!(l, targeting.trial.not_limited).to_string()
                                                    }
                                                }}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}

/// Per-rule figures over a period the analyst chooses (the last 30 days at first).
#[component]
pub fn StatsPanel() -> impl IntoView {
    let today = Utc::now().date_naive();
    let from = RwSignal::new(
        (today - chrono::Duration::days(29))
            .format("%Y-%m-%d")
            .to_string(),
    );
    let to = RwSignal::new(today.format("%Y-%m-%d").to_string());
    let period = RwSignal::new((from.get_untracked(), to.get_untracked()));
    let stats = Resource::new(move || period.get(), |(from, to)| rule_stats(from, to));
    let l = lang::current();
    let day = |label: &'static str, name: &'static str, value: RwSignal<String>| {
        view! {
            <label>
                {label}
                <input
                    type="date"
                    name=name
                    value=value.get_untracked()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <section class="panel" aria-labelledby="stats-title">
            <h2 id="stats-title">{td_string!(l, targeting.stats.heading)}</h2>
            // It only reads: a period chosen here holds no live change back.
            <form
                class="filters"
                method="get"
                aria-label=td_string!(l, targeting.stats.period)
                on:submit=move |ev| {
                    ev.prevent_default();
                    period.set((from.get_untracked(), to.get_untracked()));
                }
            >
                {day(td_string!(l, targeting.stats.from), "from", from)}
                {day(td_string!(l, targeting.stats.to), "to", to)}
                <button type="submit">{td_string!(l, targeting.stats.show)}</button>
            </form>
            {move || {
                let (from, to) = period.get();
                stats_csv_href(&from, &to)
                    .map(|href| {
                        view! {
                            <p class="download">
                                <DownloadCsv
                                    href
                                    title=td_string!(lang::current(), export.download_rule_figures)
                                />
                            </p>
                        }
                    })
            }}
            <Transition fallback=|| {
                view! {
                    <p class="loading">{td_string!(lang::current(), targeting.stats.loading)}</p>
                }
            }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(report) => view! { <StatsTable report /> }.into_any(),
                        Err(error) => {
                            view! {
                                <FieldProblem
                                    title=td_string!(lang::current(), targeting.stats.check_period)
                                    error
                                />
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// The CSV of the figures shown: the period's days, the last one whole (the API's `to` is the
/// start of the day after it); none while a day cannot be read.
fn stats_csv_href(from: &str, to: &str) -> Option<String> {
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    let (from, to) = (day(from)?, day(to)?.succ_opt()?);
    Some(csv_href(
        "/api/v1/targeting/stats",
        &format!(
            "from={}&to={}",
            from.format("%Y-%m-%d"),
            to.format("%Y-%m-%d")
        ),
    ))
}

#[component]
fn StatsTable(report: StatsReport) -> impl IntoView {
    let l = lang::current();
    let n = move |n: i64| format::integer(l, n);
    let row = move |name: String, s: &SelectionStats, baseline: bool| {
        view! {
            <tr class:baseline=baseline>
                <th scope="row">{name}</th>
                <td class="num">{n(s.selections)}</td>
                <td class="num">{n(s.examined)}</td>
                <td class="num">{n(s.findings)}</td>
                <td class="num">{percent(s)}</td>
                <td class="num">{n(s.sample_size)}</td>
            </tr>
        }
    };
    view! {
        <div class="table-scroll">
            <table class="grid stats">
                <caption>
                    {td_string!(
                        l,
                    targeting.stats.caption,
                    from = local_time(report.from, "UTC"),
                    to = local_time(report.to, "UTC")
                    )
                        .to_string()}
                </caption>
                <thead>
                    {column_heads(
                        &[
                            (td_string!(l, targeting.col.rule), false),
                            (td_string!(l, targeting.stats.selections), true),
                            (td_string!(l, targeting.stats.examined), true),
                            (td_string!(l, targeting.stats.findings), true),
                            (td_string!(l, targeting.stats.hit_rate), true),
                            (td_string!(l, targeting.stats.sample), true),
                        ],
                    )}
                </thead>
                <tbody>
                    {report
                        .rules
                        .iter()
                        .map(|r| {
                            let name = if r.enabled {
                                td_string!(
                                    l,
                                targeting.stats.rule_version,
                                name = r.name.clone(),
                                version = r.current_version
                                )
                                    .to_string()
                            } else {
                                td_string!(
                                    l,
                                targeting.stats.rule_version_disabled,
                                name = r.name.clone(),
                                version = r.current_version
                                )
                                    .to_string()
                            };
                            row(name, &r.stats, false)
                        })
                        .collect_view()}
                    {row(td_string!(l, targeting.stats.baseline).to_string(), &report.random, true)}
                </tbody>
            </table>
        </div>
    }
}
