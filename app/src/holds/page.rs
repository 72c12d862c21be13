//! `/holds`: active holds with their live dwell, filterable, sortable and paginated.

use super::{HoldFilter, HoldRow, HoldSort, list_holds};
use crate::components::clock::{DueIn, Dwell};
use crate::components::common::{Badge, LocalTime, PortField};
use crate::components::icons::PauseIcon;
use crate::components::list::{ListResults, StatusSelect, VocabSelect, use_list_filter};
use crate::components::moment::{self, provide_at, read, read_at, with_at, without_at};
use crate::components::table::{PortCell, RecordTable, ShipmentCell};
use crate::export::link::{DownloadCsv, csv_href};
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::{live_tick, use_live};
use crate::paging::{DEFAULT_PER_PAGE, ListFilter};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;

#[component]
pub fn HoldsPage() -> impl IntoView {
    let at = provide_at();
    let replay = read_at();
    let filter = use_list_filter(|pairs| HoldFilter::from_query(without_at(pairs)));
    let holds = Resource::new(
        move || (filter.get(), at.get(), moment::tick(at, live_tick)),
        move |(filter, at, _)| async move {
            let filter = filter?;
            read(at, filter.clone(), replay, list_holds(filter)).await
        },
    );
    view! {
        <Title text=td_string!(lang::current(), holds.title) />
        <div class="page-head">
            <h1>{td_string!(lang::current(), holds.title)}</h1>
            <p class="lede">{td_string!(lang::current(), holds.lede)}</p>
        </div>
        {move || {
            let current = filter.get().unwrap_or_default();
            view! { <HoldFilterForm filter=current at=at.get() /> }
        }}
        {move || {
            filter
                .get()
                .ok()
                .map(|f| {
                    let whole = HoldFilter {
                        page: 1,
                        per_page: DEFAULT_PER_PAGE,
                        ..f
                    };
                    view! {
                        <p class="download">
                            <DownloadCsv
                                href=with_at(
                                    csv_href("/api/v1/holds", &whole.to_query()),
                                    at.get().as_deref(),
                                )
                                title=td_string!(lang::current(), export.download_holds)
                            />
                        </p>
                    }
                })
        }}
        <ListResults
            filter
            results=holds
            base="/holds"
            loading=td_string!(lang::current(), holds.loading)
            rows=|rows| view! { <HoldTable rows show_port=true /> }
        />
    }
}

#[component]
fn HoldFilterForm(filter: HoldFilter, at: Option<String>) -> impl IntoView {
    view! {
        <Form
            method="GET"
            action="/holds"
            attr:class="filters"
            attr:aria-label=td_string!(lang::current(), holds.filter_label)
        >
            // A replay's list is filtered at its moment.
            {at.clone().map(|at| view! { <input type="hidden" name="at" value=at /> })}
            <PortField value=filter.port.clone() />
            <VocabSelect
                label=td_string!(lang::current(), holds.reason)
                name="reason"
                any=td_string!(lang::current(), holds.any_reason)
                selected=filter.reason
            />
            <StatusSelect status=filter.status />
            <label>
                {td_string!(lang::current(), holds.older_than)}
                <input
                    name="min_age_hours"
                    type="number"
                    min="0"
                    max="8760"
                    value=filter.min_age_hours.map(|h| h.to_string()).unwrap_or_default()
                />
            </label>
            <label>
                {td_string!(lang::current(), holds.sort)}
                <select name="sort">
                    {HoldSort::ALL
                        .iter()
                        .map(|(s, code)| {
                            view! {
                                <option value=*code selected=filter.sort == *s>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <button type="submit">{td_string!(lang::current(), holds.apply)}</button>
            <a href=with_at("/holds".into(), at.as_deref()) class="reset">
                {td_string!(lang::current(), holds.reset)}
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
            <th scope="col">{td_string!(lang::current(), holds.head_hold)}</th>
            <th scope="col">{td_string!(lang::current(), holds.head_shipment)}</th>
            {show_port
                .then(|| {
                    view! { <th scope="col">{td_string!(lang::current(), holds.head_port)}</th> }
                })}
            <th scope="col">{td_string!(lang::current(), holds.reason)}</th>
            <th scope="col">{td_string!(lang::current(), holds.head_status)}</th>
            <th scope="col">{td_string!(lang::current(), holds.head_placed)}</th>
            <th scope="col">{td_string!(lang::current(), holds.head_dwell)}</th>
            <th scope="col">{td_string!(lang::current(), holds.head_service_level)}</th>
        </tr>
    };
    view! {
        <RecordTable
            class="holds"
            heads
            records=rows
            empty=td_string!(lang::current(), holds.empty)
            row=move |h| {
                let clock = h.clock();
                let active = h.status.is_active();
                let id = h.id;
                view! {
                    <tr data-hold=h.id class:changed=live.highlight("hold", id)>
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
                                        {td_string!(lang::current(), holds.paused)}
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
