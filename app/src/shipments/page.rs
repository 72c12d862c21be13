//! `/shipments/{id}`: the declaration, its holds and inspections, and its timeline from the
//! journal.

use super::work::WorkPanel;
use super::{AddNote, MAX_NOTE_CHARS, ShipmentDetail, get_shipment};
use crate::components::common::{Badge, ErrorNotice, LocalTime, changed_by};
use crate::components::me::MeResource;
use crate::components::moment::{keep_at, provide_at, read, read_at};
use crate::domain::Action;
use crate::error::AppError;
use crate::holds::page::HoldTable;
use crate::i18n::td_string;
use crate::inspections::page::InspectionTable;
use crate::lang;
use crate::live::client::use_live;
use crate::targeting::panels::ScorePanel;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ShipmentPage() -> impl IntoView {
    let params = use_params_map();
    // `?at=`: the shipment as it was then, read-only and not refreshed by the live stream.
    let at = provide_at();
    let replay = read_at();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let add = ServerAction::<AddNote>::new();
    let changed = RwSignal::new(0u64);
    // Fetched again when this shipment (or one of its holds and inspections) changes
    // anywhere, unless the page already shows that change (its own action, read back).
    let live = use_live();
    let shown = RwSignal::new(Vec::<(String, String, i64)>::new());
    let fetched_up_to = StoredValue::new(0i64);
    // On the server the records shown are set as the page is written, which asks this again
    // later: by then the page's values may be gone, and it reads them with `try_`.
    let touched = Memo::new(move |_| {
        let newest = id
            .try_get()
            .flatten()
            .filter(|_| at.try_with(Option::is_none).unwrap_or(false))
            .and_then(|id| shown.try_with(|shown| live.unshown(id, shown)).flatten())
            .unwrap_or(0);
        // Only ever forward: what was fetched once is not fetched again.
        let up_to = fetched_up_to.get_value().max(newest);
        fetched_up_to.set_value(up_to);
        up_to
    });
    let added = changed_by(add.version(), add.value());
    let detail = Resource::new(
        move || {
            (
                id.get(),
                added.get(),
                changed.get(),
                touched.get(),
                at.get(),
                at.with(Option::is_none).then(|| live.epoch.get()),
            )
        },
        move |(id, _, _, _, at, _)| async move {
            match id {
                Some(id) if id > 0 => read(at, id, replay, get_shipment(id)).await,
                _ => Err(AppError::invalid(
                    "id",
                    td_string!(lang::current(), shipments.id_invalid),
                )),
            }
        },
    );
    view! {
        <Transition fallback=|| {
            view! { <p class="loading">{td_string!(lang::current(), shipments.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        shown.set(shown_records(&detail));
                        let replaying = at.with_untracked(Option::is_some);
                        view! { <ShipmentView detail add changed replaying /> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The records the page shows, with their versions: (entity, id, version).
fn shown_records(detail: &super::ShipmentDetail) -> Vec<(String, String, i64)> {
    let holds = detail
        .holds
        .iter()
        .map(|h| ("hold".to_string(), h.id.to_string(), h.version));
    let inspections = detail
        .inspections
        .iter()
        .map(|i| ("inspection".to_string(), i.id.to_string(), i.version));
    holds.chain(inspections).collect()
}

#[component]
fn ShipmentView(
    detail: ShipmentDetail,
    add: ServerAction<AddNote>,
    changed: RwSignal<u64>,
    /// Shown as it was at a past moment: read-only.
    replaying: bool,
) -> impl IntoView {
    let s = detail.shipment;
    let (shipment_id, port) = (s.id, s.port_code.clone());
    let tz = s.port_time_zone.clone();
    let score_key = (s.id, s.version);
    let reference = s.reference_label();
    view! {
        <Title text=reference.clone() />
        <div class="page-head">
            <h1>{reference}</h1>
            <Badge kind=format!("ship-{}", s.status.code()) text=s.status.label() />
            <p class="lede">
                {s.description.clone()} " · "
                <a href=keep_at(
                    format!("/ports/{}", s.port_code),
                )>{format!("{} {}", s.port_code, s.port_name)}</a>
            </p>
        </div>
        <div class="columns">
            <section class="panel">
                <h2>{td_string!(lang::current(), shipments.declaration)}</h2>
                <dl class="facts">
                    <dt>{td_string!(lang::current(), shipments.mode)}</dt>
                    <dd>{s.mode.label()}</dd>
                    <dt>{td_string!(lang::current(), shipments.carrier_voyage)}</dt>
                    <dd>{format!("{} · {}", s.carrier, s.voyage)}</dd>
                    {s
                        .house_waybill
                        .clone()
                        .map(|h| {
                            view! {
                                <dt>{td_string!(lang::current(), shipments.house_waybill)}</dt>
                                <dd>{h}</dd>
                            }
                        })}
                    <dt>{td_string!(lang::current(), shipments.origin)}</dt>
                    <dd>
                        {match s.transit_location.clone() {
                            Some(transit) => {
                                td_string!(
                                    lang::current(), shipments.origin_via, place = s.origin_location
                                    .clone(), country = s.origin_country.clone(), transit = transit
                                )
                                    .to_string()
                            }
                            None => format!("{} ({})", s.origin_location, s.origin_country),
                        }}
                    </dd>
                    <dt>{td_string!(lang::current(), shipments.shipper)}</dt>
                    <dd>{format!("{}, {}", s.shipper_name, s.shipper_address)}</dd>
                    <dt>{td_string!(lang::current(), shipments.consignee)}</dt>
                    <dd>{format!("{}, {}", s.consignee_name, s.consignee_address)}</dd>
                    <dt>{td_string!(lang::current(), shipments.importer)}</dt>
                    <dd>
                        {s.importer_name.clone()}
                        {s
                            .trusted_trader
                            .clone()
                            .map(|p| {
                                view! {
                                    " "
                                    <Badge
                                        kind="trusted"
                                        text=td_string!(
                                            lang::current(), shipments.trusted_trader, programme = p
                                        )
                                            .to_string()
                                    />
                                }
                            })}
                    </dd>
                    <dt>{td_string!(lang::current(), shipments.goods)}</dt>
                    <dd>
                        {td_string!(
                            lang::current(), shipments.goods_line, hs = s.hs_code.clone(), description = s
                            .description.clone()
                        )
                            .to_string()}
                    </dd>
                    <dt>{td_string!(lang::current(), shipments.pieces_weight)}</dt>
                    <dd>
                        {td_string!(
                            lang::current(), shipments.pieces_weight_line, pieces = lang::format::integer(lang::current(), s.pieces), weight = lang::format::decimal(lang::current(), s.weight_kg, 1)
                        )
                            .to_string()}
                    </dd>
                    <dt>{td_string!(lang::current(), shipments.declared_value)}</dt>
                    <dd>{s.declared_value()}</dd>
                    <dt>{td_string!(lang::current(), shipments.eta)}</dt>
                    <dd>
                        <LocalTime at=s.eta_at zone=tz.clone() />
                    </dd>
                    <dt>{td_string!(lang::current(), shipments.arrived)}</dt>
                    <dd>
                        {match s.arrived_at {
                            Some(at) => view! { <LocalTime at zone=tz.clone() /> }.into_any(),
                            None => td_string!(lang::current(), shipments.not_yet).into_any(),
                        }}
                    </dd>
                    <dt>{td_string!(lang::current(), shipments.released)}</dt>
                    <dd>
                        {match s.released_at {
                            Some(at) => view! { <LocalTime at zone=tz.clone() /> }.into_any(),
                            None => "—".into_any(),
                        }}
                    </dd>
                </dl>
            </section>
            <section class="panel timeline-panel">
                <h2>{td_string!(lang::current(), shipments.timeline)}</h2>
                {(!replaying).then(|| view! { <NoteForm shipment_id port add /> })}
                <ol class="timeline" aria-label=td_string!(lang::current(), shipments.timeline)>
                    {detail
                        .timeline
                        .into_iter()
                        .map(|e| {
                            view! {
                                <li data-seq=e.seq>
                                    <LocalTime at=e.at zone=tz.clone() short=true />
                                    <span class="what">{e.headline()}</span>
                                    <span class="who">
                                        {td_string!(
                                            lang::current(), shipments.by_actor, actor = e.actor.clone()
                                        )
                                            .to_string()}
                                    </span>
                                    {e
                                        .reason
                                        .clone()
                                        .map(|r| {
                                            let r = crate::demo_texts::shown(&r, lang::current());
                                            // The demo's own sentences in the reader's language;
                                            // what a person wrote, as written.
                                            view! { <span class="why">{r}</span> }
                                        })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        </div>
        <ScorePanel shipment_id=score_key.0 version=score_key.1 />
        <crate::detentions::page::DetentionPanel
            shipment_id=score_key.0
            holds=detail.holds.clone()
            changed
            replaying
        />
        {(!replaying)
            .then(|| {
                view! {
                    <WorkPanel
                        holds=detail.holds.clone()
                        inspections=detail.inspections.clone()
                        changed
                    />
                }
            })}
        <section class="panel">
            <h2>{td_string!(lang::current(), shipments.holds)}</h2>
            <HoldTable rows=detail.holds show_port=false />
        </section>
        <section class="panel">
            <h2>{td_string!(lang::current(), shipments.inspections)}</h2>
            <InspectionTable rows=detail.inspections show_port=false />
        </section>
    }
}

/// "Add a note", offered to those who may add one at the shipment's port.
#[component]
fn NoteForm(shipment_id: i64, port: String, add: ServerAction<AddNote>) -> impl IntoView {
    let me = use_context::<MeResource>();
    view! {
        <Suspense>
            {move || {
                let port = port.clone();
                Suspend::new(async move {
                    let me = me?.0.await.ok().flatten()?;
                    me.may(Action::AddNote, Some(&port))
                        .then(|| {
                            view! {
                                <ActionForm action=add attr:class="note-form">
                                    <input
                                        type="hidden"
                                        name="shipment_id"
                                        value=shipment_id.to_string()
                                    />
                                    <label>
                                        {td_string!(lang::current(), shipments.add_a_note)}
                                        <textarea
                                            name="text"
                                            rows="2"
                                            maxlength=MAX_NOTE_CHARS.to_string()
                                            required
                                        ></textarea>
                                    </label>
                                    <button type="submit" disabled=move || add.pending().get()>
                                        {td_string!(lang::current(), shipments.add_note)}
                                    </button>
                                </ActionForm>
                                {move || match add.value().get() {
                                    Some(Err(error)) => Some(view! { <ErrorNotice error /> }),
                                    _ => None,
                                }}
                            }
                        })
                })
            }}
        </Suspense>
    }
}
