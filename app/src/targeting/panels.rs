//! The targeting panels other pages show: a shipment's score explained, rule by rule (on
//! `/shipments/{id}`), and a port's examination capacity with the referrals waiting for it
//! (on `/ports/{code}`).

use super::page::column_heads;
use super::rpc::{port_capacity, shipment_score};
use super::{DeclarationKind, Lane, MatchedRequest, ScoreBreakdown};
use crate::components::common::{Badge, ErrorNotice};
use crate::domain::clock::local_time;
use crate::i18n::td_string;
use crate::lang::{self, format};
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
    let l = lang::current();
    view! {
        <section class="panel score-panel" aria-labelledby="score-title">
            <h2 id="score-title">{td_string!(l, targeting.score.heading)}</h2>
            <Transition fallback=|| {
                view! {
                    <p class="loading">{td_string!(lang::current(), targeting.score.loading)}</p>
                }
            }>
                {move || Suspend::new(async move {
                    match score.await {
                        Ok(Some(breakdown)) => view! { <ScoreView breakdown /> }.into_any(),
                        Ok(None) => {
                            view! {
                                <p class="empty">
                                    {td_string!(lang::current(), targeting.score.not_scored)}
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
    let lc = lang::current();
    let raw: i64 = b.lines.iter().map(|l| l.weight).sum();
    let outcome = match (b.declaration_kind, b.referral) {
        (DeclarationKind::PreLoad, Some(referral)) => {
            let kind = format!("referral-{}", referral.code());
            let text = td_string!(
                lc,
                targeting.score.preload_referral,
                referral = referral.label()
            )
            .to_string();
            view! { <Badge kind=kind text=text /> }.into_any()
        }
        (DeclarationKind::PreLoad, None) => {
            view! { <Badge kind="lane-green" text=td_string!(lc, targeting.score.preload_none) /> }
                .into_any()
        }
        (DeclarationKind::Full, _) => view! { <LaneBadge lane=b.lane /> }.into_any(),
    };
    view! {
        <p class="score-summary">
            <span class="score-total">
                {td_string!(lc, targeting.score.total_line, score = b.score).to_string()}
            </span>
            " "
            {outcome}
            {b
                .random
                .then(|| {
                    view! {
                        " "
                        <Badge kind="random" text=td_string!(lc, targeting.score.random) />
                    }
                })}
        </p>
        <p class="sub">
            {td_string!(
                lc,
                targeting.score.scored,
                kind = b.declaration_kind.label(),
                at = local_time(b.scored_at, "UTC")
            )
                .to_string()}
            {b
                .waiting_for
                .map(|k| td_string!(lc, targeting.score.waiting, kind = k.label()).to_string())}
            {b.random.then_some(td_string!(lc, targeting.score.random_note))}
        </p>
        {if b.lines.is_empty() && b.trusted_credit == 0 {
            view! { <p class="empty">{td_string!(lc, targeting.score.no_indicator)}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="grid breakdown">
                        <caption class="visually-hidden">
                            {td_string!(lc, targeting.score.fired)}
                        </caption>
                        <thead>
                            {column_heads(
                                &[
                                    (td_string!(lc, targeting.col.rule), false),
                                    (td_string!(lc, targeting.col.looks_at), false),
                                    (td_string!(lc, targeting.col.weight), true),
                                    (td_string!(lc, targeting.score.why), false),
                                    (td_string!(lc, targeting.score.instructions), false),
                                    (td_string!(lc, targeting.col.version), false),
                                ],
                            )}
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
                                            <td>
                                                {l.reason.clone()}
                                                {l
                                                    .rights_request
                                                    .clone()
                                                    .map(|q| view! { <RightsMatch q /> })}
                                            </td>
                                            <td>{l.instructions.clone()}</td>
                                            <td>
                                                {td_string!(
                                                    lc,
                                                targeting.score.rule_version,
                                                id = l.rule_id,
                                                version = l.version
                                                )
                                                    .to_string()}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                            {(b.trusted_credit != 0)
                                .then(|| {
                                    view! {
                                        <tr class="credit">
                                            <th scope="row">
                                                {td_string!(lc, targeting.score.credit)}
                                            </th>
                                            <td>{td_string!(lc, targeting.score.credit_who)}</td>
                                            <td class="num">{format!("−{}", b.trusted_credit)}</td>
                                            <td colspan="3">
                                                {td_string!(lc, targeting.score.credit_why)}
                                            </td>
                                        </tr>
                                    }
                                })}
                        </tbody>
                        <tfoot>
                            <tr>
                                <th scope="row">{td_string!(lc, targeting.score.total)}</th>
                                <td></td>
                                <td class="num">{format::integer(lc, b.score)}</td>
                                <td colspan="3">
                                    {if raw - b.trusted_credit != b.score {
                                        td_string!(lc, targeting.score.floor, raw = raw).to_string()
                                    } else {
                                        String::new()
                                    }}
                                </td>
                            </tr>
                        </tfoot>
                    </table>
                </div>
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
    let l = lang::current();
    view! {
        <section class="panel" aria-labelledby="capacity-title">
            <h2 id="capacity-title">{td_string!(l, targeting.capacity.heading)}</h2>
            <Transition fallback=|| {
                view! {
                    <p class="loading">{td_string!(lang::current(), targeting.capacity.loading)}</p>
                }
            }>
                {move || Suspend::new(async move {
                    match lines.await {
                        Ok(lines) if lines.is_empty() => {
                            view! {
                                <p class="empty">
                                    {td_string!(lang::current(), targeting.capacity.none)}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(lines) => {
                            view! {
                                <ul
                                    class="capacity"
                                    aria-label=td_string!(
                                        lang::current(), targeting.capacity.by_kind
                                    )
                                >

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

/// The request for assistance a rights-request rule matched, with a way to the register.
#[component]
fn RightsMatch(q: MatchedRequest) -> impl IntoView {
    let l = lang::current();
    let day = format::date(l, q.valid_to);
    view! {
        <p class="rights-match">
            {td_string!(
                l,
                targeting.score.rights_line,
                id = q.id,
                holder = q.rights_holder.as_str(),
                day = day.as_str(),
                marks = q.marks.join(", ")
            )
                .to_string()}
        </p>
        <a class="more" href=format!("/rights#rfa-{}", q.id)>
            {td_string!(l, targeting.score.rights_open, id = q.id).to_string()}
        </a>
    }
}
