//! `/inspections`: the examination queue, most urgent first, then soonest due.

use super::{InspectionFilter, InspectionRow, QueueStatus, list_inspections};
use crate::components::clock::DueIn;
use crate::components::common::{Badge, ErrorNotice, LocalTime, Pager, PortField};
use crate::domain::{InspectionKind, InspectionStatus, Priority};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

#[component]
pub fn InspectionsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| InspectionFilter::from_query(q.into_iter().map(|(k, v)| (k.as_ref(), v))))
    });
    let queue = Resource::new(
        move || filter.get(),
        |filter| async move {
            match filter {
                Ok(filter) => list_inspections(filter).await,
                Err(e) => Err(e),
            }
        },
    );
    view! {
        <Title text="Inspections" />
        <div class="page-head">
            <h1>"Inspection queue"</h1>
            <p class="lede">"Ordered by priority, then by due time. Overdue items are marked."</p>
        </div>
        {move || {
            let current = filter.get().unwrap_or_default();
            view! { <InspectionFilterForm filter=current /> }
        }}
        <Transition fallback=|| {
            view! { <p class="loading">"Loading the queue…"</p> }
        }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(page) => {
                        let current = filter.get_untracked().unwrap_or_default();
                        view! {
                            <InspectionTable rows=page.items.clone() show_port=true />
                            <Pager
                                base="/inspections"
                                query_for=Callback::new(move |p| {
                                    InspectionFilter {
                                        page: p,
                                        ..current.clone()
                                    }
                                        .to_query()
                                })
                                page=page.page
                                page_count=page.page_count()
                                total=page.total
                            />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn InspectionFilterForm(filter: InspectionFilter) -> impl IntoView {
    let status_value = match filter.status {
        QueueStatus::Open => "open".to_string(),
        QueueStatus::All => "all".to_string(),
        QueueStatus::One(s) => s.code().to_string(),
    };
    view! {
        <Form
            method="GET"
            action="/inspections"
            attr:class="filters"
            attr:aria-label="Filter the queue"
        >
            <PortField value=filter.port.clone() />
            <label>
                "Type" <select name="kind">
                    <option value="">"Any type"</option>
                    {InspectionKind::ALL
                        .iter()
                        .map(|k| {
                            view! {
                                <option value=k.code() selected=filter.kind == Some(*k)>
                                    {k.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Priority" <select name="priority">
                    <option value="">"Any priority"</option>
                    {Priority::ALL
                        .iter()
                        .map(|p| {
                            view! {
                                <option value=p.code() selected=filter.priority == Some(*p)>
                                    {p.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Status" <select name="status">
                    <option value="open" selected=status_value == "open">
                        "Open"
                    </option>
                    <option value="all" selected=status_value == "all">
                        "All"
                    </option>
                    {InspectionStatus::ALL
                        .iter()
                        .map(|s| {
                            view! {
                                <option value=s.code() selected=status_value == s.code()>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="check">
                <input type="checkbox" name="overdue" value="true" checked=filter.overdue />
                "Overdue only"
            </label>
            <button type="submit">"Apply"</button>
            <a href="/inspections" class="reset">
                "Reset"
            </a>
        </Form>
    }
}

/// The queue table, shared by the queue page, the port page and the shipment page.
#[component]
pub fn InspectionTable(rows: Vec<InspectionRow>, show_port: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No inspections match."</p> }.into_any();
    }
    view! {
        <table class="grid inspections">
            <thead>
                <tr>
                    <th scope="col">"Priority"</th>
                    <th scope="col">"Inspection"</th>
                    <th scope="col">"Shipment"</th>
                    {show_port.then(|| view! { <th scope="col">"Port"</th> })}
                    <th scope="col">"Status"</th>
                    <th scope="col">"Officer"</th>
                    <th scope="col">"Opened"</th>
                    <th scope="col">"Due"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|i| {
                        let open = i.status.is_open();
                        let overdue = i.is_overdue(chrono::Utc::now());
                        view! {
                            <tr data-inspection=i.id class:overdue=overdue>
                                <td>
                                    <Badge
                                        kind=format!("priority-{}", i.priority.code())
                                        text=i.priority.label()
                                    />
                                </td>
                                <td>
                                    <span class="num">{format!("#{} ", i.id)}</span>
                                    {i.kind.label()}
                                    {i
                                        .outcome
                                        .map(|o| view! { <div class="sub">{o.label()}</div> })}
                                </td>
                                <td>
                                    <a
                                        href=format!("/shipments/{}", i.shipment_id)
                                        class="shipment-link"
                                    >
                                        {i.shipment_reference.clone()}
                                    </a>
                                    <div class="sub">{i.description.clone()}</div>
                                </td>
                                {show_port
                                    .then(|| {
                                        view! {
                                            <td>
                                                <a href=format!(
                                                    "/ports/{}",
                                                    i.port_code,
                                                )>{i.port_code.clone()}</a>
                                            </td>
                                        }
                                    })}
                                <td>
                                    <Badge
                                        kind=format!("insp-{}", i.status.code())
                                        text=i.status.label()
                                    />
                                </td>
                                <td>
                                    {i
                                        .assigned_officer
                                        .as_ref()
                                        .map(|o| format!("{} ({})", o.name, o.badge))
                                        .unwrap_or_else(|| "—".into())}
                                </td>
                                <td>
                                    <LocalTime
                                        at=i.created_at
                                        zone=i.port_time_zone.clone()
                                        short=true
                                    />
                                </td>
                                <td>
                                    <DueIn due=i.due_at done=!open />
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
