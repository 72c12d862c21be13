//! The shipment page's work panel: what the signed-in account may do to the shipment's active
//! holds and open inspections, gathered in one place with one error line.

use crate::components::common::ErrorNotice;
use crate::components::me::with_me;
use crate::domain::Me;
use crate::holds::panel::{HoldRun, HoldWork};
use crate::holds::{HoldRow, hold_action};
use crate::inspections::panel::{InspectionRun, InspectionWork, OpenInspectionForm};
use crate::inspections::{InspectionRow, NewInspection, inspection_action, open_inspection};
use leptos::prelude::*;

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
    // A hold's buttons wait for its own actions and for an inspection being opened on it.
    let busy = Signal::derive(move || run_hold.pending().get() || open.pending().get());
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
                <h2 id="work-title">
                    {crate::i18n::td_string!(crate::lang::current(), shipments.act)}
                </h2>
                {move || error().map(|error| view! { <ErrorNotice error /> })}
                {holds
                    .into_iter()
                    .map(|h| {
                        let hold_id = h.id;
                        view! {
                            <HoldWork hold=h me=me.clone() run=run_hold busy>
                                <OpenInspectionForm hold_id open busy />
                            </HoldWork>
                        }
                    })
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
