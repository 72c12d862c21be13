//! The work panel's part for a hold: what the signed-in account may do to one active hold
//! (release, seizure asked for and approved, referral, notes, the service clock), each
//! refused on the server again if it may not.

use super::{HoldCommand, HoldRow};
use crate::components::forms::{ActButton, ReasonField, reason_problem};
use crate::domain::{Action as Act, HoldStatus, Me};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;

/// A hold action as the panel sends it: the hold, the command, the version on screen.
pub type HoldRun = (i64, HoldCommand, i64);

/// What the signed-in account may do to one active hold. `children` is the form that opens an
/// inspection of it (shown where the account may open one); `busy` holds while any action of
/// the panel is under way.
#[component]
pub fn HoldWork(
    hold: HoldRow,
    me: Me,
    run: Action<HoldRun, Result<HoldRow, AppError>>,
    busy: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let port = hold.port_code.clone();
    let may = move |a: Act| me.may(a, Some(&port));
    let (id, version) = (hold.id, hold.version);
    let reason = RwSignal::new(String::new());
    let agency = RwSignal::new(String::new());
    let confirm_seizure = RwSignal::new(false);
    let busy = move || busy.get();
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
            <h3>
                {td_string!(lang::current(), holds.work_heading, id = id, status = status.label())
                    .to_string()}
            </h3>
            <ReasonField label=td_string!(lang::current(), holds.reason_or_note) value=reason />
            <div class="buttons">
                {may(Act::ReleaseHold)
                    .then(|| {
                        view! {
                            <ActButton
                                label=td_string!(lang::current(), holds.release)
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
                                label=td_string!(lang::current(), holds.request_seizure_ellipsis)
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
                                label=td_string!(lang::current(), holds.approve_seizure_ellipsis)
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
                                label=td_string!(lang::current(), holds.pause_clock)
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
                                label=td_string!(lang::current(), holds.resume_clock)
                                enabled=Signal::derive(idle)
                                press=move || send(HoldCommand::Resume)
                            />
                        }
                    })}
                {may(Act::AddNote)
                    .then(|| {
                        view! {
                            <ActButton
                                label=td_string!(lang::current(), holds.add_note)
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
                            <div
                                class="confirm"
                                role="alertdialog"
                                aria-label=td_string!(lang::current(), holds.confirm_seizure)
                            >
                                <p>
                                    {if approving {
                                        td_string!(lang::current(), holds.approving_warning)
                                    } else {
                                        td_string!(lang::current(), holds.request_explained)
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
                                    {if approving {
                                        td_string!(lang::current(), holds.seize_goods)
                                    } else {
                                        td_string!(lang::current(), holds.request_seizure)
                                    }}
                                </button>
                                <button type="button" on:click=move |_| confirm_seizure.set(false)>
                                    {td_string!(lang::current(), holds.cancel)}
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
                                {td_string!(lang::current(), holds.agency)}
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
                                {td_string!(lang::current(), holds.refer)}
                            </button>
                        </div>
                    }
                })}
            {may(Act::OpenInspection).then(children)}
        </div>
    }
    .into_any()
}
