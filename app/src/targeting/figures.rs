//! What the rules found and what a draft would find, as `/targeting` shows them: per-rule
//! selections, examinations and findings against random selection over a period, and the
//! trial of a draft on the last 30 days, per day and per port against capacity.

use super::rpc::{TryRule, rule_stats};
use super::rule_editor::FieldProblem;
use super::{SelectionStats, StatsReport, TrialReport};
use crate::components::table::ColumnHeads;
use crate::domain::clock::local_time;
use chrono::Utc;
use leptos::prelude::*;

fn percent(stats: &SelectionStats) -> String {
    match stats.hit_rate {
        Some(rate) => format!("{:.1} %", rate * 100.0),
        None => "no examination yet".into(),
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
    view! {
        <section class="panel trial" aria-labelledby="trial-title">
            <h2 id="trial-title">"Trial on the last 30 days"</h2>
            <p class="trial-summary">
                {format!(
                    "Of {} shipments declared, the draft fires on {} and would have selected {}.",
                    report.shipments,
                    report.matched,
                    report.selected,
                )}
            </p>
            <p>
                {format!(
                    "Historical outcome of the matched shipments: {} examined, {} with findings, hit rate {} (sample of {}).",
                    h.examined,
                    h.findings,
                    percent(&h),
                    h.sample_size,
                )}
            </p>
            <div class="columns">
                <table class="grid trial-days">
                    <caption>"Selected per day"</caption>
                    <thead>
                        <ColumnHeads names=&["Day (UTC)", "Selected"] numeric=&["Selected"] />
                    </thead>
                    <tbody>
                        {days
                            .into_iter()
                            .map(|(day, n)| {
                                view! {
                                    <tr>
                                        <th scope="row">{day}</th>
                                        <td class="num">{n.to_string()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <table class="grid trial-ports">
                    <caption>"At which ports, against capacity"</caption>
                    <thead>
                        <ColumnHeads
                            names=&["Port", "Selected", "Per day", "Capacity per day"]
                            numeric=&["Selected", "Per day", "Capacity per day"]
                        />
                    </thead>
                    <tbody>
                        {report
                            .per_port
                            .iter()
                            .map(|p| {
                                let over = p.capacity_per_day.is_some_and(|c| p.per_day > c as f64);
                                view! {
                                    <tr class:overdue=over>
                                        <th scope="row">{p.port_code.clone()}</th>
                                        <td class="num">{p.selected.to_string()}</td>
                                        <td class="num">{format!("{:.1}", p.per_day)}</td>
                                        <td class="num">
                                            {match p.capacity_per_day {
                                                Some(c) if over => format!("{c} (exceeded)"),
                                                Some(c) => c.to_string(),
                                                None => "not limited".into(),
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
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
    let day = |label: &'static str, name: &'static str, value: RwSignal<String>| {
        view! {
            <label>
                {label}
                <input
                    type="date"
                    name=name
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <section class="panel" aria-labelledby="stats-title">
            <h2 id="stats-title">"What the rules found"</h2>
            <form
                class="filters"
                aria-label="Period"
                on:submit=move |ev| {
                    ev.prevent_default();
                    period.set((from.get_untracked(), to.get_untracked()));
                }
            >
                {day("From", "from", from)}
                {day("To", "to", to)}
                <button type="submit">"Show"</button>
            </form>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading figures…"</p> }
            }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(report) => view! { <StatsTable report /> }.into_any(),
                        Err(error) => {
                            view! { <FieldProblem title="Check the period" error /> }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatsTable(report: StatsReport) -> impl IntoView {
    let row = |name: String, s: &SelectionStats, baseline: bool| {
        view! {
            <tr class:baseline=baseline>
                <th scope="row">{name}</th>
                <td class="num">{s.selections.to_string()}</td>
                <td class="num">{s.examined.to_string()}</td>
                <td class="num">{s.findings.to_string()}</td>
                <td class="num">{percent(s)}</td>
                <td class="num">{s.sample_size.to_string()}</td>
            </tr>
        }
    };
    view! {
        <table class="grid stats">
            <caption>
                {format!(
                    "From {} to {}",
                    local_time(report.from, "UTC"),
                    local_time(report.to, "UTC"),
                )}
            </caption>
            <thead>
                <ColumnHeads
                    names=&[
                        "Rule",
                        "Selections",
                        "Examinations completed",
                        "With findings",
                        "Hit rate",
                        "Sample size",
                    ]
                    numeric=&[
                        "Selections",
                        "Examinations completed",
                        "With findings",
                        "Hit rate",
                        "Sample size",
                    ]
                />
            </thead>
            <tbody>
                {report
                    .rules
                    .iter()
                    .map(|r| {
                        let name = if r.enabled {
                            format!("{} (v{})", r.name, r.current_version)
                        } else {
                            format!("{} (v{}, disabled)", r.name, r.current_version)
                        };
                        row(name, &r.stats, false)
                    })
                    .collect_view()}
                {row("Random selection (baseline)".into(), &report.random, true)}
            </tbody>
        </table>
    }
}
