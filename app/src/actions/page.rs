//! The actions on screen: what the signed-in account may do to a shipment's holds and
//! inspections, the queue's claim button, and the supervisor's shift handover. Forms check
//! their input as it is typed; the server checks it again and has the last word.

use super::{
    Handover, HandoverRequest, HoldCommand, InspectionCommand, MAX_TEXT_CHARS, NewInspection,
    OfficerLoad, hold_action, inspection_action, open_inspection, workload,
};
use crate::auth::Me;
use crate::auth::page::MeResource;
use crate::components::common::ErrorNotice;
use crate::domain::{
    Action as Act, HoldStatus, InspectionKind, InspectionStatus, Outcome, Priority,
};
use crate::error::AppError;
use crate::holds::HoldRow;
use crate::inspections::InspectionRow;
use crate::live::client::live_tick;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What is wrong with a reason as typed, if anything.
fn reason_problem(text: &str, required: bool) -> Option<String> {
    let n = text.trim().chars().count();
    if required && n == 0 {
        Some("say why: this is kept in the record".into())
    } else if n > MAX_TEXT_CHARS {
        Some(format!("{n} characters; at most {MAX_TEXT_CHARS}"))
    } else {
        None
    }
}

/// The signed-in account, once loaded.
fn with_me<V: IntoView + 'static>(
    view: impl Fn(Me) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let me = use_context::<MeResource>();
    view! {
        <Suspense>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    let me = me?.0.await.ok().flatten()?;
                    Some(view(me))
                })
            }}
        </Suspense>
    }
}

/// A reason box that says what is wrong as you type.
#[component]
fn ReasonField(
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let problem = move || reason_problem(&value.get(), !optional);
    let touched = RwSignal::new(false);
    view! {
        <label class="reason">
            {label}
            <input
                type="text"
                maxlength=MAX_TEXT_CHARS.to_string()
                prop:value=move || value.get()
                on:input=move |ev| {
                    touched.set(true);
                    value.set(event_target_value(&ev));
                }
                aria-invalid=move || (touched.get() && problem().is_some()).to_string()
            /> <span class="hint" aria-live="polite">
                {move || if touched.get() { problem() } else { None }}
            </span>
        </label>
    }
}

/// One action's button: enabled while `enabled` holds, doing `press` when pressed.
#[component]
fn ActButton(
    label: &'static str,
    #[prop(optional)] class: Option<&'static str>,
    enabled: Signal<bool>,
    press: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class=class disabled=move || !enabled.get() on:click=move |_| press()>
            {label}
        </button>
    }
}

type HoldRun = (i64, HoldCommand, i64);
type InspectionRun = (i64, InspectionCommand, i64);

/// The actions on one shipment's holds and inspections; `changed` is bumped after each one
/// so the page reloads its record.
#[component]
pub fn WorkPanel(
    holds: Vec<HoldRow>,
    inspections: Vec<InspectionRow>,
    changed: RwSignal<u64>,
) -> impl IntoView {
    let run_hold = Action::new(|(id, command, version): &HoldRun| {
        let (id, command, version) = (*id, command.clone(), *version);
        async move { hold_action(id, command, Some(version)).await }
    });
    let run_inspection = Action::new(|(id, command, version): &InspectionRun| {
        let (id, command, version) = (*id, command.clone(), *version);
        async move { inspection_action(id, command, Some(version)).await }
    });
    let open = Action::new(|request: &NewInspection| {
        let request = request.clone();
        async move { open_inspection(request).await }
    });
    Effect::new(move |_| {
        let ok = matches!(run_hold.value().get(), Some(Ok(_)))
            || matches!(run_inspection.value().get(), Some(Ok(_)))
            || matches!(open.value().get(), Some(Ok(_)));
        if ok {
            changed.update(|n| *n += 1);
        }
    });
    let error = move || {
        [
            run_hold.value().get().and_then(Result::err),
            run_inspection.value().get().and_then(Result::err),
            open.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let active: Vec<HoldRow> = holds.into_iter().filter(|h| h.status.is_active()).collect();
    let open_items: Vec<InspectionRow> = inspections
        .into_iter()
        .filter(|i| i.status.is_open())
        .collect();
    if active.is_empty() && open_items.is_empty() {
        return ().into_any();
    }
    with_me(move |me: Me| {
        let holds = active.clone();
        let items = open_items.clone();
        view! {
            <section class="panel work" aria-labelledby="work-title">
                <h2 id="work-title">"Act"</h2>
                {move || error().map(|error| view! { <ErrorNotice error /> })}
                {holds
                    .into_iter()
                    .map(|h| view! { <HoldWork hold=h me=me.clone() run=run_hold open /> })
                    .collect_view()}
                {items
                    .into_iter()
                    .map(|i| view! { <InspectionWork item=i me=me.clone() run=run_inspection /> })
                    .collect_view()}
            </section>
        }
    })
    .into_any()
}

#[component]
fn HoldWork(
    hold: HoldRow,
    me: Me,
    run: Action<HoldRun, Result<HoldRow, AppError>>,
    open: Action<NewInspection, Result<InspectionRow, AppError>>,
) -> impl IntoView {
    let port = hold.port_code.clone();
    let may = move |a: Act| me.may(a, Some(&port));
    let (id, version) = (hold.id, hold.version);
    let reason = RwSignal::new(String::new());
    let agency = RwSignal::new(String::new());
    let confirm_seizure = RwSignal::new(false);
    let kind = RwSignal::new(InspectionKind::DocumentReview);
    let priority = RwSignal::new(Priority::Normal);
    let busy = move || run.pending().get() || open.pending().get();
    let idle = move || !busy();
    let ok = move || reason_problem(&reason.get(), true).is_none() && !busy();
    let send = move |command: HoldCommand| {
        run.dispatch((id, command, version));
    };
    let text = move || reason.get_untracked().trim().to_string();
    let status = hold.status;
    let paused = hold.paused_since.is_some();
    let any = [
        Act::ReleaseHold,
        Act::RequestSeizure,
        Act::ApproveSeizure,
        Act::ReferHold,
        Act::PauseHoldClock,
        Act::AddNote,
        Act::OpenInspection,
    ]
    .into_iter()
    .any(&may);
    if !any {
        return ().into_any();
    }
    view! {
        <div class="work-item" data-hold=id>
            <h3>{format!("Hold #{id} · {}", status.label())}</h3>
            <ReasonField label="Reason or note" value=reason />
            <div class="buttons">
                {may(Act::ReleaseHold)
                    .then(|| {
                        view! {
                            <ActButton
                                label="Release"
                                enabled=Signal::derive(ok)
                                press=move || send(HoldCommand::Release {
                                    reason: text(),
                                })
                            />
                        }
                    })}
                {(may(Act::RequestSeizure) && status != HoldStatus::SeizureRequested)
                    .then(|| {
                        view! {
                            <ActButton
                                label="Request seizure…"
                                class="danger"
                                enabled=Signal::derive(ok)
                                press=move || confirm_seizure.set(true)
                            />
                        }
                    })}
                {(may(Act::ApproveSeizure) && status == HoldStatus::SeizureRequested)
                    .then(|| {
                        view! {
                            <ActButton
                                label="Approve seizure…"
                                class="danger"
                                enabled=Signal::derive(idle)
                                press=move || confirm_seizure.set(true)
                            />
                        }
                    })}
                {(may(Act::PauseHoldClock) && !paused)
                    .then(|| {
                        view! {
                            <ActButton
                                label="Pause clock (waiting on trader)"
                                enabled=Signal::derive(ok)
                                press=move || send(HoldCommand::Pause {
                                    reason: text(),
                                })
                            />
                        }
                    })}
                {(may(Act::PauseHoldClock) && paused)
                    .then(|| {
                        view! {
                            <ActButton
                                label="Resume clock"
                                enabled=Signal::derive(idle)
                                press=move || send(HoldCommand::Resume)
                            />
                        }
                    })}
                {may(Act::AddNote)
                    .then(|| {
                        view! {
                            <ActButton
                                label="Add note"
                                enabled=Signal::derive(ok)
                                press=move || send(HoldCommand::Note { text: text() })
                            />
                        }
                    })}
            </div>
            {move || {
                confirm_seizure
                    .get()
                    .then(|| {
                        let approving = status == HoldStatus::SeizureRequested;
                        view! {
                            <div class="confirm" role="alertdialog" aria-label="Confirm seizure">
                                <p>
                                    {if approving {
                                        "Approving seizes the goods. This cannot be undone."
                                    } else {
                                        "A seizure request goes to a supervisor for approval."
                                    }}
                                </p>
                                <button
                                    type="button"
                                    class="danger"
                                    on:click=move |_| {
                                        confirm_seizure.set(false);
                                        if approving {
                                            send(HoldCommand::ApproveSeizure {
                                                reason: text(),
                                            });
                                        } else {
                                            send(HoldCommand::RequestSeizure {
                                                reason: text(),
                                            });
                                        }
                                    }
                                >
                                    {if approving { "Seize the goods" } else { "Request seizure" }}
                                </button>
                                <button type="button" on:click=move |_| confirm_seizure.set(false)>
                                    "Cancel"
                                </button>
                            </div>
                        }
                    })
            }}
            {may(Act::ReferHold)
                .then(|| {
                    view! {
                        <div class="inline-form">
                            <label>
                                "Agency"
                                <input
                                    type="text"
                                    maxlength="80"
                                    prop:value=move || agency.get()
                                    on:input=move |ev| agency.set(event_target_value(&ev))
                                />
                            </label>
                            <button
                                type="button"
                                disabled=move || !ok() || agency.get().trim().is_empty()
                                on:click=move |_| {
                                    send(HoldCommand::Refer {
                                        agency: agency.get_untracked(),
                                        reason: text(),
                                    })
                                }
                            >
                                "Refer"
                            </button>
                        </div>
                    }
                })}
            {may(Act::OpenInspection)
                .then(|| {
                    view! {
                        <div class="inline-form">
                            <label>
                                "Inspection"
                                <select on:change=move |ev| {
                                    if let Some(k) = InspectionKind::parse(
                                        &event_target_value(&ev),
                                    ) {
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
                                "Priority"
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
                                disabled=busy
                                on:click=move |_| {
                                    open.dispatch(NewInspection {
                                        hold_id: id,
                                        kind: kind.get_untracked(),
                                        priority: priority.get_untracked(),
                                    });
                                }
                            >
                                "Open inspection"
                            </button>
                        </div>
                    }
                })}
        </div>
    }
    .into_any()
}

#[component]
fn InspectionWork(
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
    let holder = item
        .assigned_officer
        .as_ref()
        .map(|o| format!(" · {} ({})", o.name, o.badge))
        .unwrap_or_default();
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
            <h3>
                {format!("Inspection #{id} · {} · {}{holder}", item.kind.label(), status.label())}
            </h3>
            <div class="buttons">
                {(may(Act::ClaimInspection) && status == InspectionStatus::Queued)
                    .then(|| {
                        view! {
                            <ActButton
                                label="Claim"
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
                                label="Start"
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
                                "Outcome"
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
                                                "Next inspection"
                                                <select on:change=move |ev| {
                                                    follow_up
                                                        .set(InspectionKind::parse(&event_target_value(&ev)));
                                                }>
                                                    <option value="">"Choose…"</option>
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
                            <ReasonField label="Notes" value=reason optional=true />
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
                                "Complete"
                            </button>
                        </div>
                    }
                })}
            {may(Act::CancelInspection)
                .then(|| {
                    view! {
                        <div class="inline-form">
                            <ReasonField label="Why cancel" value=reason />
                            <button
                                type="button"
                                disabled=move || {
                                    busy() || reason_problem(&reason.get(), true).is_some()
                                }
                                on:click=move |_| send(InspectionCommand::Cancel {
                                    reason: text(),
                                })
                            >
                                "Cancel inspection"
                            </button>
                        </div>
                    }
                })}
        </div>
    }
    .into_any()
}

/// `/handover?port=YYZ`: a supervisor moves an officer's open work to another officer, or
/// back to the queue, at the end of a shift.
#[component]
pub fn HandoverPage() -> impl IntoView {
    let query = use_query_map();
    let port = Memo::new(move |_| {
        query
            .read()
            .get("port")
            .map(|p| p.trim().to_ascii_uppercase())
            .unwrap_or_default()
    });
    let moved = ServerAction::<Handover>::new();
    // Live: others' work moves the counts while the supervisor looks at them.
    let loads = Resource::new(
        move || (port.get(), moved.version().get(), live_tick()),
        |(port, _, _)| async move {
            if port.is_empty() {
                Ok(vec![])
            } else {
                workload(port).await
            }
        },
    );
    let from = RwSignal::new(None::<i64>);
    let to = RwSignal::new(None::<i64>);
    let reason = RwSignal::new(String::new());
    view! {
        <Title text="Shift handover" />
        <div class="page-head">
            <h1>"Shift handover"</h1>
            <p class="lede">
                "Pick an officer going off shift, see their open work, and move it to a colleague or back to the queue."
            </p>
        </div>
        <form method="get" action="/handover" class="filters">
            <label>"Port" <input name="port" value=move || port.get() size="5" required /></label>
            <button type="submit">"Show"</button>
        </form>
        {move || {
            moved
                .value()
                .get()
                .map(|r| match r {
                    Ok(report) => {
                        view! {
                            <p class="notice" role="status">
                                {format!("Moved {} item(s).", report.moved.len())}
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
        <Transition fallback=|| {
            view! { <p class="loading">"Loading officers…"</p> }
        }>
            {move || Suspend::new(async move {
                match loads.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"Choose a port to see its officers."</p> }
                            .into_any()
                    }
                    Ok(list) => {
                        let choices = list.clone();
                        view! {
                            <WorkloadTable loads=list />
                            <div class="filters handover-form">
                                <label>
                                    "From"
                                    <select on:change=move |ev| {
                                        from.set(event_target_value(&ev).parse().ok())
                                    }>
                                        <option value="">"Choose an officer…"</option>
                                        {choices
                                            .iter()
                                            .filter(|o| o.open() > 0)
                                            .map(crate::actions::page::officer_option)
                                            .collect_view()}
                                    </select>
                                </label>
                                <label>
                                    "To"
                                    <select on:change=move |ev| {
                                        to.set(event_target_value(&ev).parse().ok())
                                    }>
                                        <option value="">"Back to the queue"</option>
                                        {choices
                                            .iter()
                                            .filter(|o| o.on_shift)
                                            .map(crate::actions::page::officer_option)
                                            .collect_view()}
                                    </select>
                                </label>
                                <label>
                                    "Note"
                                    <input
                                        type="text"
                                        maxlength=MAX_TEXT_CHARS.to_string()
                                        on:input=move |ev| reason.set(event_target_value(&ev))
                                    />
                                </label>
                                <button
                                    type="button"
                                    disabled=move || from.get().is_none() || moved.pending().get()
                                    on:click=move |_| {
                                        if let Some(from_id) = from.get_untracked() {
                                            moved
                                                .dispatch(Handover {
                                                    request: HandoverRequest {
                                                        port: port.get_untracked(),
                                                        from_officer_id: from_id,
                                                        to_officer_id: to.get_untracked(),
                                                        reason: reason.get_untracked(),
                                                    },
                                                });
                                        }
                                    }
                                >
                                    "Move their work"
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One officer in a list to choose from: "Yasmin Roy (Y1025) · 3 open".
pub fn officer_option(o: &OfficerLoad) -> impl IntoView + use<> {
    view! {
        <option value=o
            .officer_id
            .to_string()>{format!("{} ({}) · {} open", o.name, o.badge, o.open())}</option>
    }
}

/// Officers of a port and their open work, so nobody is given more than they can carry.
#[component]
pub fn WorkloadTable(loads: Vec<OfficerLoad>) -> impl IntoView {
    view! {
        <table class="grid workload" aria-label="Officers and their open work">
            <thead>
                <tr>
                    <th scope="col">"Officer"</th>
                    <th scope="col">"On shift"</th>
                    <th scope="col">"Assigned"</th>
                    <th scope="col">"In progress"</th>
                    <th scope="col">"Overdue"</th>
                </tr>
            </thead>
            <tbody>
                {loads
                    .into_iter()
                    .map(|o| {
                        let heavy = o.open() >= 5;
                        let late = o.overdue > 0;
                        view! {
                            <tr class:heavy=heavy data-officer=o.officer_id>
                                <td>{format!("{} ({})", o.name, o.badge)}</td>
                                <td>{if o.on_shift { "yes" } else { "no" }}</td>
                                <td class="num">{o.assigned}</td>
                                <td class="num">{o.in_progress}</td>
                                <td class="num" class:overdue=late>
                                    {o.overdue}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
