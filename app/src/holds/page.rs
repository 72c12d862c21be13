//! `/holds`: active holds with their live dwell, filterable, sortable and paginated.

use super::{HoldFilter, HoldRow, HoldSort, StatusFilter, list_holds};
use crate::components::clock::{DueIn, Dwell};
use crate::components::common::{Badge, ErrorNotice, LocalTime, Pager, PortField};
use crate::domain::{HoldReason, HoldStatus};
use crate::live::client::{live_tick, use_live};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

#[component]
pub fn HoldsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| HoldFilter::from_query(q.into_iter().map(|(k, v)| (k.as_ref(), v))))
    });
    let holds = Resource::new(
        move || (filter.get(), live_tick()),
        |(filter, _)| async move {
            match filter {
                Ok(filter) => list_holds(filter).await,
                Err(e) => Err(e),
            }
        },
    );
    view! {
        <Title text="Holds" />
        <div class="page-head">
            <h1>"Holds"</h1>
            <p class="lede">"Goods stopped at the border, longest dwell first."</p>
        </div>
        {move || {
            let current = filter.get().unwrap_or_default();
            view! { <HoldFilterForm filter=current /> }
        }}
        <Transition fallback=|| {
            view! { <p class="loading">"Loading holds…"</p> }
        }>
            {move || Suspend::new(async move {
                match holds.await {
                    Ok(page) => {
                        let current = filter.get_untracked().unwrap_or_default();
                        view! {
                            <HoldTable rows=page.items.clone() show_port=true />
                            <Pager base="/holds" filter=current at=page.position() />
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
fn HoldFilterForm(filter: HoldFilter) -> impl IntoView {
    let status_value = match filter.status {
        StatusFilter::Active => "active".to_string(),
        StatusFilter::All => "all".to_string(),
        StatusFilter::One(s) => s.code().to_string(),
    };
    view! {
        <Form method="GET" action="/holds" attr:class="filters" attr:aria-label="Filter holds">
            <PortField value=filter.port.clone() />
            <label>
                "Reason" <select name="reason">
                    <option value="">"Any reason"</option>
                    {HoldReason::ALL
                        .iter()
                        .map(|r| {
                            view! {
                                <option value=r.code() selected=filter.reason == Some(*r)>
                                    {r.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Status" <select name="status">
                    <option value="active" selected=status_value == "active">
                        "Active"
                    </option>
                    <option value="all" selected=status_value == "all">
                        "All"
                    </option>
                    {HoldStatus::ALL
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
            <label>
                "Older than (h)"
                <input
                    name="min_age_hours"
                    type="number"
                    min="0"
                    max="8760"
                    value=filter.min_age_hours.map(|h| h.to_string()).unwrap_or_default()
                />
            </label>
            <label>
                "Sort"
                <select name="sort">
                    {HoldSort::ALL
                        .iter()
                        .map(|(s, code, label)| {
                            view! {
                                <option value=*code selected=filter.sort == *s>
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">"Apply"</button>
            <a href="/holds" class="reset">
                "Reset"
            </a>
        </Form>
    }
}

/// The hold table, shared by the holds page, the port page and the shipment page.
#[component]
pub fn HoldTable(rows: Vec<HoldRow>, show_port: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No holds match."</p> }.into_any();
    }
    let live = use_live();
    view! {
        <table class="grid holds">
            <thead>
                <tr>
                    <th scope="col">"Hold"</th>
                    <th scope="col">"Shipment"</th>
                    {show_port.then(|| view! { <th scope="col">"Port"</th> })}
                    <th scope="col">"Reason"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Placed"</th>
                    <th scope="col">"Dwell"</th>
                    <th scope="col">"Service level"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(move |h| {
                        let clock = h.clock();
                        let active = h.status.is_active();
                        let shipment_href = format!("/shipments/{}", h.shipment_id);
                        let id = h.id;
                        view! {
                            <tr data-hold=h.id class:changed=move || live.changed("hold", id)>
                                <td class="num">{format!("#{}", h.id)}</td>
                                <td>
                                    <a href=shipment_href class="shipment-link">
                                        {h.shipment_reference.clone()}
                                    </a>
                                    <div class="sub">{h.description.clone()}</div>
                                </td>
                                {show_port
                                    .then(|| {
                                        view! {
                                            <td>
                                                <a href=format!(
                                                    "/ports/{}",
                                                    h.port_code,
                                                )>{h.port_code.clone()}</a>
                                            </td>
                                        }
                                    })}
                                <td>{h.reason.label()}</td>
                                <td>
                                    <Badge
                                        kind=format!("hold-{}", h.status.code())
                                        text=h.status.label()
                                    />
                                </td>
                                <td>
                                    <LocalTime
                                        at=h.placed_at
                                        zone=h.port_time_zone.clone()
                                        short=true
                                    />
                                </td>
                                <td>
                                    <Dwell clock />
                                </td>
                                <td>
                                    {if clock.is_paused() {
                                        view! { <span class="paused">"paused"</span> }.into_any()
                                    } else {
                                        view! {
                                            <DueIn
                                                due=clock.effective_due(chrono::Utc::now())
                                                done=!active
                                            />
                                        }
                                            .into_any()
                                    }}
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
