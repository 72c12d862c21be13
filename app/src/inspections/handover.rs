//! `/handover?port=YYZ`: a supervisor moves an officer's open work to a colleague or back to
//! the queue at shift change, seeing every officer's open work first.

use super::{Handover, HandoverRequest, OfficerLoad, workload};
use crate::components::common::{ErrorNotice, changed_by};
use crate::components::table::{ColumnHeads, RecordTable};
use crate::domain::MAX_TEXT_CHARS;
use crate::i18n::{Locale, td_string};
use crate::lang;
use crate::live::client::live_tick;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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
    let handed_over = changed_by(moved.version(), moved.value());
    let loads = Resource::new(
        move || (port.get(), handed_over.get(), live_tick()),
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
        <Title text=td_string!(lang::current(), inspections.handover_title) />
        <div class="page-head">
            <h1>{td_string!(lang::current(), inspections.handover_title)}</h1>
            <p class="lede">{td_string!(lang::current(), inspections.handover_lede)}</p>
        </div>
        <form method="get" action="/handover" class="filters">
            <label>
                {td_string!(lang::current(), inspections.head_port)}
                <input name="port" value=move || port.get() size="5" required />
            </label>
            <button type="submit">{td_string!(lang::current(), inspections.show)}</button>
        </form>
        {move || {
            moved
                .value()
                .get()
                .map(|r| match r {
                    Ok(report) => {
                        view! {
                            <p class="notice" role="status">
                                {
                                    let n = report.moved.len();
                                    crate::counted!(
                                        lang::current(), n, inspections.moved_single | inspections.moved_several, count = n
                                    )
                                }
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                })
        }}
        <Transition fallback=|| {
            view! {
                <p class="loading">{td_string!(lang::current(), inspections.officers_loading)}</p>
            }
        }>
            {move || Suspend::new(async move {
                match loads.await {
                    Ok(list) if list.is_empty() => {
                        view! {
                            <p class="empty">
                                {td_string!(lang::current(), inspections.choose_port)}
                            </p>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        let choices = list.clone();
                        view! {
                            <WorkloadTable loads=list />
                            <div class="filters handover-form">
                                <OfficerChoice
                                    label=td_string!(lang::current(), inspections.from)
                                    none=td_string!(lang::current(), inspections.choose_officer)
                                    officers=choices
                                        .iter()
                                        .filter(|o| o.open() > 0)
                                        .cloned()
                                        .collect()
                                    chosen=from
                                />
                                <OfficerChoice
                                    label=td_string!(lang::current(), inspections.to)
                                    none=td_string!(lang::current(), inspections.back_to_queue)
                                    officers=choices
                                        .iter()
                                        .filter(|o| o.on_shift)
                                        .cloned()
                                        .collect()
                                    chosen=to
                                />
                                <label>
                                    {td_string!(lang::current(), inspections.note)}
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
                                    {td_string!(lang::current(), inspections.move_work)}
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
            .to_string()>
            {td_string!(
                lang::current(), inspections.officer_option, name = o.name.clone(), badge = o.badge
                .clone(), open = o.open()
            )
                .to_string()}
        </option>
    }
}

/// A choice of one officer of the port, or of `none`, kept in `chosen`.
#[component]
fn OfficerChoice(
    label: &'static str,
    /// The words of the empty choice.
    none: &'static str,
    officers: Vec<OfficerLoad>,
    chosen: RwSignal<Option<i64>>,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <select on:change=move |ev| { chosen.set(event_target_value(&ev).parse().ok()) }>
                <option value="">{none}</option>
                {officers.iter().map(officer_option).collect_view()}
            </select>
        </label>
    }
}

/// The heads of the workload table, in the language being spoken.
fn workload_heads() -> &'static [&'static str] {
    fn names(l: Locale) -> Vec<&'static str> {
        vec![
            td_string!(l, inspections.head_officer),
            td_string!(l, inspections.head_on_shift),
            td_string!(l, inspections.head_assigned),
            td_string!(l, inspections.head_in_progress),
            td_string!(l, inspections.head_overdue),
        ]
    }
    static HEADS: std::sync::LazyLock<[Vec<&'static str>; 2]> =
        std::sync::LazyLock::new(|| [names(Locale::en), names(Locale::fr)]);
    match lang::current() {
        Locale::en => &HEADS[0],
        Locale::fr => &HEADS[1],
    }
}

/// Officers of a port and their open work, so nobody is given more than they can carry.
#[component]
pub fn WorkloadTable(loads: Vec<OfficerLoad>) -> impl IntoView {
    view! {
        <RecordTable
            class="workload"
            label=td_string!(lang::current(), inspections.workload_heading)
            heads=view! { <ColumnHeads names=workload_heads() /> }
            records=loads
            row=|o| {
                let heavy = o.open() >= 5;
                let late = o.overdue > 0;
                view! {
                    <tr class:heavy=heavy data-officer=o.officer_id>
                        <td>{format!("{} ({})", o.name, o.badge)}</td>
                        <td>
                            {if o.on_shift {
                                td_string!(lang::current(), inspections.yes)
                            } else {
                                td_string!(lang::current(), inspections.no)
                            }}
                        </td>
                        <td class="num">{o.assigned}</td>
                        <td class="num">{o.in_progress}</td>
                        <td class="num" class:overdue=late>
                            {o.overdue}
                        </td>
                    </tr>
                }
            }
        />
    }
}
