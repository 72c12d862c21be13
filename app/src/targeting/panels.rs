//! The targeting panels other pages show: a shipment's score explained, rule by rule (on
//! `/shipments/{id}`), and a port's examination capacity with the referrals waiting for it
//! (on `/ports/{code}`).

use super::rpc::{port_capacity, shipment_score};
use super::{DeclarationKind, Lane, ScoreBreakdown};
use crate::components::common::{Badge, ErrorNotice};
use crate::components::table::ColumnHeads;
use crate::domain::clock::local_time;
use crate::live::client::live_tick;
use leptos::prelude::*;

/// "Red: examination" as a badge: the words carry the lane, the colour only repeats it.
#[component]
pub fn LaneBadge(lane: Lane) -> impl IntoView {
    view! { <Badge kind=format!("lane-{}", lane.code()) text=lane.label() /> }
}

/// The score of a shipment as a breakdown: each rule version that fired, the trusted-trader
/// credit and the total, with the lane or pre-load referral.
#[component]
pub fn ScorePanel(shipment_id: i64, version: i64) -> impl IntoView {
    let score = Resource::new(move || (shipment_id, version), |(id, _)| shipment_score(id));
    view! {
        <section class="panel score-panel" aria-labelledby="score-title">
            <h2 id="score-title">"Risk score"</h2>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading the score…"</p> }
            }>
                {move || Suspend::new(async move {
                    match score.await {
                        Ok(Some(breakdown)) => view! { <ScoreView breakdown /> }.into_any(),
                        Ok(None) => {
                            view! {
                                <p class="empty">
                                    "Not scored yet: no declaration for this shipment has been through targeting."
                                </p>
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

#[component]
fn ScoreView(breakdown: ScoreBreakdown) -> impl IntoView {
    let b = breakdown;
    let raw: i64 = b.lines.iter().map(|l| l.weight).sum();
    let outcome = match (b.declaration_kind, b.referral) {
        (DeclarationKind::PreLoad, Some(referral)) => {
            let kind = format!("referral-{}", referral.code());
            let text = format!("Pre-load referral: {}", referral.label());
            view! { <Badge kind=kind text=text /> }.into_any()
        }
        (DeclarationKind::PreLoad, None) => {
            view! { <Badge kind="lane-green" text="Pre-load: no referral" /> }.into_any()
        }
        (DeclarationKind::Full, _) => view! { <LaneBadge lane=b.lane /> }.into_any(),
    };
    view! {
        <p class="score-summary">
            <span class="score-total">{format!("Score {}", b.score)}</span>
            " "
            {outcome}
            {b
                .random
                .then(|| {
                    view! {
                        " "
                        <Badge kind="random" text="Random selection" />
                    }
                })}
        </p>
        <p class="sub">
            {format!("{} · scored {}", b.declaration_kind.label(), local_time(b.scored_at, "UTC"))}
            {b.waiting_for.map(|k| format!(" · examination waiting for {} capacity", k.label()))}
            {b
                .random
                .then_some(
                    " · chosen by the minimum random selection rate, not by its score: it measures what the rules miss",
                )}
        </p>
        {if b.lines.is_empty() && b.trusted_credit == 0 {
            view! { <p class="empty">"No indicator fired on this shipment."</p> }.into_any()
        } else {
            view! {
                <table class="grid breakdown">
                    <caption class="visually-hidden">"Indicators that fired"</caption>
                    <thead>
                        <ColumnHeads
                            names=&[
                                "Rule",
                                "Looks at",
                                "Weight",
                                "Why it matters",
                                "Examiner instructions",
                                "Version",
                            ]
                            numeric=&["Weight"]
                        />
                    </thead>
                    <tbody>
                        {b
                            .lines
                            .iter()
                            .map(|l| {
                                view! {
                                    <tr>
                                        <th scope="row">{l.name.clone()}</th>
                                        <td>{l.kind.label()}</td>
                                        <td class="num">{format!("+{}", l.weight)}</td>
                                        <td>{l.reason.clone()}</td>
                                        <td>{l.instructions.clone()}</td>
                                        <td>{format!("rule #{} v{}", l.rule_id, l.version)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                        {(b.trusted_credit != 0)
                            .then(|| {
                                view! {
                                    <tr class="credit">
                                        <th scope="row">"Trusted-trader credit"</th>
                                        <td>"Importer in a trusted trader programme"</td>
                                        <td class="num">{format!("−{}", b.trusted_credit)}</td>
                                        <td colspan="3">
                                            "Points taken off for a vetted importer"
                                        </td>
                                    </tr>
                                }
                            })}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Total"</th>
                            <td></td>
                            <td class="num">{b.score.to_string()}</td>
                            <td colspan="3">
                                {if raw - b.trusted_credit != b.score {
                                    format!("{raw} from the rules, less the credit, never below 0")
                                } else {
                                    String::new()
                                }}
                            </td>
                        </tr>
                    </tfoot>
                </table>
            }
                .into_any()
        }}
    }
}

/// Examination capacity per inspection type at a port, and the referrals waiting for it.
#[component]
pub fn CapacityPanel(#[prop(into)] port: Signal<String>) -> impl IntoView {
    let lines = Resource::new(
        move || (port.get(), live_tick()),
        |(port, _)| port_capacity(port),
    );
    view! {
        <section class="panel" aria-labelledby="capacity-title">
            <h2 id="capacity-title">"Examination capacity"</h2>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading capacity…"</p> }
            }>
                {move || Suspend::new(async move {
                    match lines.await {
                        Ok(lines) if lines.is_empty() => {
                            view! {
                                <p class="empty">
                                    "No capacity limit is set at this port, and no referral is waiting."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(lines) => {
                            view! {
                                <ul class="capacity" aria-label="Capacity by inspection type">
                                    {lines
                                        .into_iter()
                                        .map(|l| {
                                            let class = if l.waiting > 0 { "waiting" } else { "" };
                                            view! {
                                                <li class=class data-kind=l.kind.code()>
                                                    {l.summary}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
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
