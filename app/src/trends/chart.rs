//! Charts drawn as plain SVG by the server (no script, nothing fetched): lines or grouped bars
//! over categories (days, bands, officers), with a value axis whose numbers are written in
//! the reader's language. The picture is for the eye; the same numbers are in the table below
//! each chart, which is what a screen reader reads, so the drawing itself is hidden from it.

use crate::lang::{self, format};
use leptos::prelude::*;

/// How the series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Line,
    Bars,
}

/// One series: its name (in the legend) and a value per category (none: no value that day).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 48.0;
/// Value axis marks, zero excepted.
const MARKS: usize = 4;

/// A round top for the value axis: 1, 2 or 5 times a power of ten, at least `max`, so that
/// its [`MARKS`] marks fall on round numbers.
pub fn axis_top(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return MARKS as f64;
    }
    let step = max / MARKS as f64;
    let power = 10f64.powf(step.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= step)
        .unwrap_or(10.0 * power);
    // Counts: whole steps.
    nice.max(1.0) * MARKS as f64
}

/// A value on the axis, in the reader's language.
fn mark(value: f64) -> String {
    if value.fract() == 0.0 {
        format::integer(lang::current(), value as i64)
    } else {
        format::decimal(lang::current(), value, 2)
    }
}

/// The chart. `categories` label the horizontal axis (only every few are written when there
/// are many), `axis` names the values, each series gets a colour of its own (the legend's).
#[component]
pub fn Chart(
    kind: ChartKind,
    categories: Vec<String>,
    series: Vec<Line>,
    axis: String,
) -> impl IntoView {
    let n = categories.len().max(1);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .fold(0.0, f64::max);
    let top = axis_top(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / n as f64;
    let x_mid = move |i: usize| LEFT + slot * (i as f64 + 0.5);
    let y = move |v: f64| TOP + plot_h * (1.0 - v / top);
    let every = n.div_ceil(10).max(1);

    let grid = (0..=MARKS)
        .map(|k| {
            let value = top * k as f64 / MARKS as f64;
            let at = y(value);
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH - RIGHT y1=at y2=at />
                <text class="chart-mark" x=LEFT - 6.0 y=at + 4.0 text-anchor="end">
                    {mark(value)}
                </text>
            }
        })
        .collect_view();
    let labels = categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, label)| {
            view! {
                <text class="chart-mark" x=x_mid(i) y=HEIGHT - BOTTOM + 16.0 text-anchor="middle">
                    {label.clone()}
                </text>
            }
        })
        .collect_view();
    let count = series.len().max(1);
    let drawn = series
        .iter()
        .enumerate()
        .map(|(s, line)| {
            let class = format!("chart-series series-{}", s % 5);
            match kind {
                ChartKind::Line => {
                    // A line through the days with a value, broken where one has none.
                    let mut path = String::new();
                    let mut pen_down = false;
                    for (i, v) in line.values.iter().enumerate() {
                        match v {
                            Some(v) => {
                                let command = if pen_down { 'L' } else { 'M' };
                                path.push_str(&format!("{command}{:.1},{:.1} ", x_mid(i), y(*v)));
                                pen_down = true;
                            }
                            None => pen_down = false,
                        }
                    }
                    let dots = line
                        .values
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| v.map(|v| (i, v)))
                        .map(|(i, v)| view! { <circle cx=x_mid(i) cy=y(v) r="3" /> })
                        .collect_view();
                    view! {
                        <g class=class>
                            <path d=path fill="none" />
                            {dots}
                        </g>
                    }
                        .into_any()
                }
                ChartKind::Bars => {
                    let bar_w = (slot * 0.8) / count as f64;
                    let bars = line
                        .values
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| v.map(|v| (i, v)))
                        .map(|(i, v)| {
                            let x = LEFT + slot * i as f64 + slot * 0.1 + bar_w * s as f64;
                            view! { <rect x=x y=y(v) width=bar_w.max(1.0) height=(y(0.0) - y(v)).max(0.0) /> }
                        })
                        .collect_view();
                    view! { <g class=class>{bars}</g> }.into_any()
                }
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(s, line)| {
            view! {
                <li>
                    <span class=format!("swatch series-{}", s % 5) aria-hidden="true"></span>
                    {line.name.clone()}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="chart">
            <ul class="chart-legend" aria-hidden="true">
                {legend}
            </ul>
            <svg
                class="chart-svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                aria-hidden="true"
                focusable="false"
            >
                {grid}
                {labels}
                <text
                    class="chart-axis"
                    x=12.0
                    y=TOP + plot_h / 2.0
                    text-anchor="middle"
                    transform=format!("rotate(-90 12 {})", TOP + plot_h / 2.0)
                >
                    {axis}
                </text>
                {drawn}
            </svg>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_number_above_the_highest_value() {
        assert_eq!(axis_top(0.0), 4.0);
        assert_eq!(axis_top(3.0), 4.0);
        assert_eq!(axis_top(9.0), 20.0);
        assert_eq!(axis_top(600.0), 800.0);
        assert_eq!(axis_top(1234.0), 2000.0);
    }
}
