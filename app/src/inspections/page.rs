//! `/inspections`: the examination queue, most urgent first, then soonest due.

use super::{InspectionFilter, InspectionRow, list_inspections};
use crate::components::clock::DueIn;
use crate::components::common::{Badge, ErrorNotice, LocalTime, PortField, changed_by};
use crate::components::list::{ListResults, StatusSelect, VocabSelect, use_list_filter};
use crate::components::moment::{self, provide_at, read, read_at, with_at, without_at};
use crate::components::table::{PortCell, RecordTable, ShipmentCell};
use crate::domain::InspectionStatus;
use crate::export::link::{DownloadCsv, csv_href};
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::{live_tick, use_live};
use crate::paging::{DEFAULT_PER_PAGE, ListFilter};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;

#[component]
pub fn InspectionsPage() -> impl IntoView {
    // The keyboard's row, shared by the key handler and the table.
    provide_context(QueueCursor(RwSignal::new(None)));
    let at = provide_at();
    let replay = read_at();
    let filter = use_list_filter(|pairs| InspectionFilter::from_query(without_at(pairs)));
    let claim_run = Action::new(|(id, version): &(i64, i64)| {
        let (id, version) = (*id, *version);
        async move { super::inspection_action(id, super::InspectionCommand::Claim, Some(version)).await }
    });
    let assign_run = Action::new(|(id, officer, version): &(i64, i64, i64)| {
        let (id, officer, version) = (*id, *officer, *version);
        async move {
            super::inspection_action(
                id,
                super::InspectionCommand::Assign {
                    officer_id: Some(officer),
                },
                Some(version),
            )
            .await
        }
    });
    let (claimed, assigned) = (
        changed_by(claim_run.version(), claim_run.value()),
        changed_by(assign_run.version(), assign_run.value()),
    );
    // Who at the filtered port carries what: for the workload panel and the assign lists.
    let loads = Resource::new(
        move || {
            (
                filter.get().ok().and_then(|f| f.port),
                claimed.get(),
                assigned.get(),
                moment::tick(at, live_tick),
            )
        },
        |(port, _, _, _)| async move {
            match port {
                Some(port) => super::workload(port).await,
                None => Ok(vec![]),
            }
        },
    );
    let queue = Resource::new(
        move || {
            (
                filter.get(),
                claimed.get(),
                assigned.get(),
                at.get(),
                moment::tick(at, live_tick),
            )
        },
        move |(filter, _, _, at, _)| async move {
            let filter = filter?;
            read(at, filter.clone(), replay, list_inspections(filter)).await
        },
    );
    // A replay is read-only, and the officers' workload is as it now is: neither shown.
    let replaying = move || at.with(Option::is_some);
    view! {
        <Title text=td_string!(lang::current(), inspections.title) />
        <div class="page-head">
            <h1>{td_string!(lang::current(), inspections.queue_heading)}</h1>
            <p class="lede">{td_string!(lang::current(), inspections.queue_lede)}</p>
        </div>
        {move || {
            let current = filter.get().unwrap_or_default();
            view! { <InspectionFilterForm filter=current at=at.get() /> }
        }}
        {move || {
            filter
                .get()
                .ok()
                .map(|f| {
                    let whole = InspectionFilter {
                        page: 1,
                        per_page: DEFAULT_PER_PAGE,
                        ..f
                    };
                    view! {
                        <p class="download">
                            <DownloadCsv
                                href=with_at(
                                    csv_href("/api/v1/inspections", &whole.to_query()),
                                    at.get().as_deref(),
                                )
                                title=td_string!(lang::current(), export.download_queue)
                            />
                        </p>
                    }
                })
        }}
        {at
            .with_untracked(Option::is_none)
            .then(|| {
                view! {
                    <p class="keys">
                        {td_string!(lang::current(), inspections.keys_label)} " " <kbd>"j"</kbd>
                        " / " <kbd>"k"</kbd> " " {td_string!(lang::current(), inspections.key_move)}
                        ", " <kbd>"c"</kbd> " " {td_string!(lang::current(), inspections.key_claim)}
                        ", " <kbd>"o"</kbd> " " {td_string!(lang::current(), inspections.key_open)}
                        ", " <kbd>"a"</kbd> " "
                        {td_string!(lang::current(), inspections.key_assign)} "."
                    </p>
                }
            })}
        {move || {
            claim_run
                .value()
                .get()
                .and_then(Result::err)
                .map(|error| view! { <ErrorNotice error /> })
        }}
        <QueueKeys />
        {move || {
            filter
                .get()
                .ok()
                .and_then(|f| f.port)
                .filter(|_| !replaying())
                .map(|_| view! { <PortWorkload loads /> })
        }}
        <ListResults
            filter
            results=queue
            base="/inspections"
            loading=td_string!(lang::current(), inspections.queue_loading)
            rows=move |rows| {
                if replaying() {
                    return view! { <InspectionTable rows show_port=true /> }.into_any();
                }
                with_claim(
                        claim_run,
                        assign_run,
                        filter.get_untracked().ok().and_then(|f| f.port),
                        loads,
                        rows,
                    )
                    .into_any()
            }
        />
    }
}

/// The queue's table with claim buttons for an account that may claim somewhere.
fn with_claim(
    run: Action<(i64, i64), Result<InspectionRow, crate::error::AppError>>,
    assign: Action<(i64, i64, i64), Result<InspectionRow, crate::error::AppError>>,
    port: Option<String>,
    loads: Resource<Result<Vec<super::OfficerLoad>, crate::error::AppError>>,
    rows: Vec<InspectionRow>,
) -> impl IntoView {
    let me = use_context::<crate::components::me::MeResource>();
    view! {
        <Suspense>
            {move || {
                let rows = rows.clone();
                let port = port.clone();
                Suspend::new(async move {
                    let me = match me {
                        Some(me) => me.0.await.ok().flatten(),
                        None => None,
                    };
                    let mut claim = me
                        .filter(|me| me.role.may(crate::domain::Action::ClaimInspection))
                        .map(|me| Claim { me, run, assign: None });
                    if let (Some(c), Some(port)) = (claim.as_mut(), port)
                        && c.me.may(crate::domain::Action::AssignInspection, Some(&port))
                        && let Ok(officers) = loads.await
                    {
                        c.assign = Some(Assign { officers, run: assign });
                    }
                    match claim {
                        Some(claim) => {
                            view! { <InspectionTable rows show_port=true claim /> }.into_any()
                        }
                        None => view! { <InspectionTable rows show_port=true /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Who at the port holds how much work, so nobody is given more than they can carry.
#[component]
fn PortWorkload(
    loads: Resource<Result<Vec<super::OfficerLoad>, crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <details class="panel workload-panel">
            <summary>{td_string!(lang::current(), inspections.workload_heading)}</summary>
            <Suspense>
                {move || Suspend::new(async move {
                    loads.await.ok().map(|loads| view! { <super::handover::WorkloadTable loads /> })
                })}
            </Suspense>
        </details>
    }
}

/// The row of the queue chosen from the keyboard, by inspection id: it stays chosen when the
/// queue is fetched again.
#[derive(Clone, Copy)]
pub struct QueueCursor(pub RwSignal<Option<i64>>);

/// Working the queue from the keyboard: `j`/`k` (or the arrows) move between rows, `c`
/// claims the selected one, `a` goes to its assign list, `o` (or Enter) opens its shipment.
#[component]
fn QueueKeys() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(QueueCursor(cursor)) = use_context::<QueueCursor>() else {
            return;
        };
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
                .unwrap_or(false);
            if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            // Enter on a button or a link is that control's own (Claim, Start…), not "open".
            let on_control = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|e| matches!(e.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY"))
                .unwrap_or(false);
            if on_control && ev.key() == "Enter" {
                return;
            }
            let Ok(rows) = document().query_selector_all("table.inspections tbody tr") else {
                return;
            };
            let rows: Vec<web_sys::HtmlElement> = (0..rows.length())
                .filter_map(|i| rows.get(i))
                .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
                .collect();
            if rows.is_empty() {
                return;
            }
            let id_of = |row: &web_sys::HtmlElement| {
                row.get_attribute("data-inspection")
                    .and_then(|id| id.parse::<i64>().ok())
            };
            let current = cursor
                .get_untracked()
                .and_then(|id| rows.iter().position(|r| id_of(r) == Some(id)));
            let last = rows.len() - 1;
            let within = |selector: &str| {
                current
                    .and_then(|i| rows[i].query_selector(selector).ok().flatten())
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            };
            let next = match ev.key().as_str() {
                "j" | "ArrowDown" => Some(current.map_or(0, |i| (i + 1).min(last))),
                "k" | "ArrowUp" => Some(current.map_or(0, |i| i.saturating_sub(1))),
                "c" => {
                    if let Some(button) = within("button.claim") {
                        button.click();
                    }
                    None
                }
                "a" => {
                    if let Some(select) = within("select.assign") {
                        ev.prevent_default();
                        let _ = select.focus();
                    }
                    None
                }
                "o" | "Enter" => {
                    if let Some(link) = within("a.shipment-link") {
                        link.click();
                    }
                    None
                }
                _ => None,
            };
            if let Some(next) = next {
                ev.prevent_default();
                cursor.set(id_of(&rows[next]));
                let _ = rows[next].focus();
            }
        });
        on_cleanup(move || handle.remove());
    }
}

#[component]
fn InspectionFilterForm(filter: InspectionFilter, at: Option<String>) -> impl IntoView {
    view! {
        <Form
            method="GET"
            action="/inspections"
            attr:class="filters"
            attr:aria-label=td_string!(lang::current(), inspections.filter_label)
        >
            // A replay's queue is filtered at its moment.
            {at.clone().map(|at| view! { <input type="hidden" name="at" value=at /> })}
            <PortField value=filter.port.clone() />
            <VocabSelect
                label=td_string!(lang::current(), inspections.kind)
                name="kind"
                any=td_string!(lang::current(), inspections.any_type)
                selected=filter.kind
            />
            <VocabSelect
                label=td_string!(lang::current(), inspections.priority)
                name="priority"
                any=td_string!(lang::current(), inspections.any_priority)
                selected=filter.priority
            />
            <StatusSelect status=filter.status />
            <label class="check">
                <input type="checkbox" name="overdue" value="true" checked=filter.overdue />
                {td_string!(lang::current(), inspections.overdue_only)}
            </label>
            <button type="submit">{td_string!(lang::current(), inspections.apply)}</button>
            <a href=with_at("/inspections".into(), at.as_deref()) class="reset">
                {td_string!(lang::current(), inspections.reset)}
            </a>
        </Form>
    }
}

/// The queue table, shared by the queue page, the port page and the shipment page.
/// What the queue needs to offer "Claim": who is looking, and the action that claims.
#[derive(Clone)]
pub struct Claim {
    pub me: crate::domain::Me,
    pub run: Action<(i64, i64), Result<InspectionRow, crate::error::AppError>>,
    /// For a supervisor looking at one port: its officers, and the action that assigns.
    pub assign: Option<Assign>,
}

#[derive(Clone)]
pub struct Assign {
    pub officers: Vec<super::OfficerLoad>,
    pub run: Action<(i64, i64, i64), Result<InspectionRow, crate::error::AppError>>,
}

#[component]
pub fn InspectionTable(
    rows: Vec<InspectionRow>,
    show_port: bool,
    /// The queue's claim buttons, for an account that may claim.
    #[prop(optional)]
    claim: Option<Claim>,
) -> impl IntoView {
    let live = use_live();
    let cursor = use_context::<QueueCursor>();
    let chosen = move |id: i64| cursor.is_some_and(|QueueCursor(c)| c.get() == Some(id));
    let heads = view! {
        <tr>
            <th scope="col">{td_string!(lang::current(), inspections.priority)}</th>
            <th scope="col">{td_string!(lang::current(), inspections.head_inspection)}</th>
            <th scope="col">{td_string!(lang::current(), inspections.head_shipment)}</th>
            {show_port
                .then(|| {
                    view! {
                        <th scope="col">{td_string!(lang::current(), inspections.head_port)}</th>
                    }
                })}
            <th scope="col">{td_string!(lang::current(), inspections.head_status)}</th>
            <th scope="col">{td_string!(lang::current(), inspections.head_officer)}</th>
            <th scope="col">{td_string!(lang::current(), inspections.head_opened)}</th>
            <th scope="col">{td_string!(lang::current(), inspections.head_due)}</th>
            {claim
                .is_some()
                .then(|| {
                    view! {
                        <th scope="col">
                            <span class="visually-hidden">
                                {td_string!(lang::current(), inspections.head_action)}
                            </span>
                        </th>
                    }
                })}
        </tr>
    };
    view! {
        <RecordTable
            class="inspections"
            heads
            records=rows
            empty=td_string!(lang::current(), inspections.empty)
            row=move |i| {
                let open = i.status.is_open();
                let overdue = i.is_overdue(chrono::Utc::now());
                let id = i.id;
                view! {
                    <tr
                        data-inspection=i.id
                        tabindex="-1"
                        class:overdue=overdue
                        class:changed=live.highlight("inspection", id)
                        class:selected=move || chosen(id)
                        aria-selected=move || chosen(id).then_some("true")
                    >
                        <td>
                            <Badge
                                kind=format!("priority-{}", i.priority.code())
                                text=i.priority.label()
                            />
                        </td>
                        <td>
                            <span class="num">{format!("#{} ", i.id)}</span>
                            {i.kind.label()}
                            {i.outcome.map(|o| view! { <div class="sub">{o.label()}</div> })}
                        </td>
                        <ShipmentCell
                            id=i.shipment_id
                            reference=i.shipment_reference.clone()
                            description=i.description.clone()
                        />
                        {show_port.then(|| view! { <PortCell code=i.port_code.clone() /> })}
                        <td>
                            <Badge kind=format!("insp-{}", i.status.code()) text=i.status.label() />
                        </td>
                        <td>
                            {i
                                .assigned_officer
                                .as_ref()
                                .map(|o| format!("{} ({})", o.name, o.badge))
                                .unwrap_or_else(|| "—".into())}
                        </td>
                        <td>
                            <LocalTime at=i.created_at zone=i.port_time_zone.clone() short=true />
                        </td>
                        <td>
                            <DueIn due=i.due_at done=!open />
                        </td>
                        {claim
                            .clone()
                            .map(|c| {
                                let can = i.status == InspectionStatus::Queued
                                    && c
                                        .me
                                        .may(
                                            crate::domain::Action::ClaimInspection,
                                            Some(&i.port_code),
                                        );
                                let (id, version) = (i.id, i.version);
                                let assign = c
                                    .assign
                                    .clone()
                                    .filter(|_| {
                                        open
                                            && c
                                                .me
                                                .may(
                                                    crate::domain::Action::AssignInspection,
                                                    Some(&i.port_code),
                                                )
                                    });
                                let current = i.assigned_officer.as_ref().map(|o| o.id);
                                let assign_view = assign
                                    .map(|a| {
                                        let choices = a
                                            .officers
                                            .iter()
                                            .filter(|o| Some(o.officer_id) != current)
                                            .map(super::handover::officer_option)
                                            .collect_view();
                                        view! {
                                            <select
                                                class="assign"
                                                aria-label=td_string!(
                                                    lang::current(), inspections.assign_label, id = id
                                                )
                                                    .to_string()
                                                on:change=move |ev| {
                                                    if let Ok(officer) = event_target_value(&ev).parse::<i64>()
                                                    {
                                                        a.run.dispatch((id, officer, version));
                                                    }
                                                }
                                            >
                                                <option value="">
                                                    {td_string!(lang::current(), inspections.assign_to)}
                                                </option>
                                                {choices}
                                            </select>
                                        }
                                    });
                                view! {
                                    <td class="row-actions">
                                        {assign_view}
                                        {can
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="claim"
                                                        disabled=move || c.run.pending().get()
                                                        on:click=move |_| {
                                                            c.run.dispatch((id, version));
                                                        }
                                                    >
                                                        {td_string!(lang::current(), inspections.claim)}
                                                    </button>
                                                }
                                            })}
                                    </td>
                                }
                            })}
                    </tr>
                }
            }
        />
    }
}
