//! The work panel's part for inspections: what the signed-in account may do to one open
//! inspection, and the form that opens one on a hold.

use super::{InspectionCommand, InspectionRow, NewInspection};
use crate::components::forms::{ActButton, ReasonField, reason_problem};
use crate::domain::{Action as Act, InspectionKind, InspectionStatus, Me, Outcome, Priority};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;

/// An inspection action as the panel sends it: the inspection, the command, the version on
/// screen.
pub type InspectionRun = (i64, InspectionCommand, i64);

/// What the signed-in account may do to one open inspection: claim, start, complete with an
/// outcome, cancel.
#[component]
pub fn InspectionWork(
    item: InspectionRow,
    me: Me,
    run: Action<InspectionRun, Result<InspectionRow, AppError>>,
) -> impl IntoView {
    let port = item.port_code.clone();
    let may = move |a: Act| me.may(a, Some(&port));
    let (id, version, status) = (item.id, item.version, item.status);
    let reason = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::NoFinding);
    let follow_up = RwSignal::new(None::<InspectionKind>);
    let busy = move || run.pending().get();
    let send = move |command: InspectionCommand| {
        run.dispatch((id, command, version));
    };
    let text = move || reason.get_untracked().trim().to_string();
    let heading = match item.assigned_officer.as_ref() {
        Some(o) => td_string!(
            lang::current(),
            inspections.work_heading_held,
            id = id,
            kind = item.kind.label(),
            status = status.label(),
            name = o.name.clone(),
            badge = o.badge.clone()
        )
        .to_string(),
        None => td_string!(
            lang::current(),
            inspections.work_heading,
            id = id,
            kind = item.kind.label(),
            status = status.label()
        )
        .to_string(),
    };
    let any = [
        Act::ClaimInspection,
        Act::WorkInspection,
        Act::CancelInspection,
        Act::ChangePriority,
    ]
    .into_iter()
    .any(&may);
    if !any {
        return ().into_any();
    }
    let this_kind = item.kind;
    view! {
        <div class="work-item" data-inspection=id>
            <h3>{heading}</h3>
            <div class="buttons">
                {(may(Act::ClaimInspection) && status == InspectionStatus::Queued)
                    .then(|| {
                        view! {
                            <ActButton
                                label=td_string!(lang::current(), inspections.claim)
                                class="primary"
                                enabled=Signal::derive(move || !busy())
                                press=move || send(InspectionCommand::Claim)
                            />
                        }
                    })}
                {(may(Act::WorkInspection) && status == InspectionStatus::Assigned)
                    .then(|| {
                        view! {
                            <ActButton
                                label=td_string!(lang::current(), inspections.start)
                                class="primary"
                                enabled=Signal::derive(move || !busy())
                                press=move || send(InspectionCommand::Start)
                            />
                        }
                    })}
            </div>
            {(may(Act::WorkInspection) && status == InspectionStatus::InProgress)
                .then(|| {
                    view! {
                        <div class="inline-form">
                            <label>
                                {td_string!(lang::current(), inspections.outcome)}
                                <select on:change=move |ev| {
                                    if let Some(o) = Outcome::parse(&event_target_value(&ev)) {
                                        outcome.set(o);
                                    }
                                }>
                                    {Outcome::ALL
                                        .iter()
                                        .map(|o| {
                                            view! { <option value=o.code()>{o.label()}</option> }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            {move || {
                                (outcome.get() == Outcome::Inconclusive)
                                    .then(|| {
                                        view! {
                                            <label>
                                                {td_string!(lang::current(), inspections.next_inspection)}
                                                <select on:change=move |ev| {
                                                    follow_up
                                                        .set(InspectionKind::parse(&event_target_value(&ev)));
                                                }>
                                                    <option value="">
                                                        {td_string!(lang::current(), inspections.choose)}
                                                    </option>
                                                    {InspectionKind::ALL
                                                        .iter()
                                                        .filter(|k| **k != this_kind)
                                                        .map(|k| {
                                                            view! { <option value=k.code()>{k.label()}</option> }
                                                        })
                                                        .collect_view()}
                                                </select>
                                            </label>
                                        }
                                    })
                            }}
                            <ReasonField
                                label=td_string!(lang::current(), inspections.notes)
                                value=reason
                                optional=true
                            />
                            <button
                                type="button"
                                class="primary"
                                disabled=move || {
                                    busy() || reason_problem(&reason.get(), false).is_some()
                                        || (outcome.get() == Outcome::Inconclusive
                                            && follow_up.get().is_none())
                                }
                                on:click=move |_| {
                                    send(InspectionCommand::Complete {
                                        outcome: outcome.get_untracked(),
                                        notes: text(),
                                        follow_up: follow_up.get_untracked(),
                                    })
                                }
                            >
                                {td_string!(lang::current(), inspections.complete)}
                            </button>
                        </div>
                    }
                })}
            {may(Act::CancelInspection)
                .then(|| {
                    view! {
                        <div class="inline-form">
                            <ReasonField
                                label=td_string!(lang::current(), inspections.why_cancel)
                                value=reason
                            />
                            <button
                                type="button"
                                disabled=move || {
                                    busy() || reason_problem(&reason.get(), true).is_some()
                                }
                                on:click=move |_| send(InspectionCommand::Cancel {
                                    reason: text(),
                                })
                            >
                                {td_string!(lang::current(), inspections.cancel_inspection)}
                            </button>
                        </div>
                    }
                })}
        </div>
    }
    .into_any()
}

/// The form that opens an inspection of an active hold: kind and priority set its due time.
#[component]
pub fn OpenInspectionForm(
    hold_id: i64,
    open: Action<NewInspection, Result<InspectionRow, AppError>>,
    busy: Signal<bool>,
) -> impl IntoView {
    let kind = RwSignal::new(InspectionKind::DocumentReview);
    let priority = RwSignal::new(Priority::Normal);
    view! {
        <div class="inline-form">
            <label>
                {td_string!(lang::current(), inspections.head_inspection)}
                <select on:change=move |ev| {
                    if let Some(k) = InspectionKind::parse(&event_target_value(&ev)) {
                        kind.set(k);
                    }
                }>
                    {InspectionKind::ALL
                        .iter()
                        .map(|k| {
                            view! { <option value=k.code()>{k.label()}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {td_string!(lang::current(), inspections.priority)}
                <select on:change=move |ev| {
                    if let Some(p) = Priority::parse(&event_target_value(&ev)) {
                        priority.set(p);
                    }
                }>
                    {Priority::ALL
                        .iter()
                        .map(|p| {
                            view! {
                                <option value=p.code() selected=*p == Priority::Normal>
                                    {p.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button
                type="button"
                disabled=move || busy.get()
                on:click=move |_| {
                    open.dispatch(NewInspection {
                        hold_id,
                        kind: kind.get_untracked(),
                        priority: priority.get_untracked(),
                    });
                }
            >
                {td_string!(lang::current(), inspections.open_inspection)}
            </button>
        </div>
    }
}
