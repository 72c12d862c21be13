//! `/holds`: active holds with their live dwell, filterable, sortable and paginated.

use super::{HoldFilter, HoldRow, HoldSort, list_holds};
use crate::components::clock::{DueIn, Dwell};
use crate::components::common::{Badge, LocalTime, PortField};
use crate::components::icons::PauseIcon;
use crate::components::list::{ListResults, StatusSelect, VocabSelect, use_list_filter};
use crate::components::table::{PortCell, RecordTable, ShipmentCell};
use crate::live::client::{live_tick, use_live};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;

#[component]
pub fn HoldsPage() -> impl IntoView {
    let filter = use_list_filter(|pairs| HoldFilter::from_query(pairs));
    let holds = Resource::new(
        move || (filter.get(), live_tick()),
        |(filter, _)| async move { list_holds(filter?).await },
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
        <ListResults
            filter
            results=holds
            base="/holds"
            loading="Loading holds…"
            rows=|rows| view! { <HoldTable rows show_port=true /> }
        />
    }
}

#[component]
fn HoldFilterForm(filter: HoldFilter) -> impl IntoView {
    view! {
        <Form method="GET" action="/holds" attr:class="filters" attr:aria-label="Filter holds">
            <PortField value=filter.port.clone() />
            <VocabSelect label="Reason" name="reason" any="Any reason" selected=filter.reason />
            <StatusSelect status=filter.status />
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
    let live = use_live();
    let heads = view! {
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
    };
    view! {
        <RecordTable
            class="holds"
            heads
            records=rows
            empty="No holds match."
            row=move |h| {
                let clock = h.clock();
                let active = h.status.is_active();
                let id = h.id;
                view! {
                    <tr data-hold=h.id class:changed=move || live.changed("hold", id)>
                        <td class="num">{format!("#{}", h.id)}</td>
                        <ShipmentCell
                            id=h.shipment_id
                            reference=h.shipment_reference.clone()
                            description=h.description.clone()
                        />
                        {show_port.then(|| view! { <PortCell code=h.port_code.clone() /> })}
                        <td>{h.reason.label()}</td>
                        <td>
                            <Badge kind=format!("hold-{}", h.status.code()) text=h.status.label() />
                        </td>
                        <td>
                            <LocalTime at=h.placed_at zone=h.port_time_zone.clone() short=true />
                        </td>
                        <td>
                            <Dwell clock />
                        </td>
                        <td>
                            {if clock.is_paused() {
                                view! {
                                    <span class="paused">
                                        <PauseIcon />
                                        "paused"
                                    </span>
                                }
                                    .into_any()
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
            }
        />
    }
}
