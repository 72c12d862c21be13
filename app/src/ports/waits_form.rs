//! The port page's "Record waits" form, for the port's officers and supervisors: the waits
//! measured at the crossing, each flow the port has in its own field (left empty when not
//! measured). A plain form posted to its server function, so it works before the page has
//! hydrated (the server sends the page back, with a refusal under the form); once hydrated it
//! posts without leaving the page, and the tile above shows the new waits when the change
//! comes back on the live stream.

use super::waits::{RecordPortWaits, get_port_waits};
use crate::components::common::{ErrorNotice, changed_by};
use crate::components::forms::FieldNotes;
use crate::components::me::with_me;
use crate::domain::Action;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use crate::live::client::live_tick;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The fields of the form, whose refusals are shown under them rather than under the form.
const FIELDS: [&str; 2] = ["commercial_min", "traveller_min"];

/// The form, for an account that may record waits at `code`, at a port that has flows.
#[component]
pub fn RecordWaitsPanel(#[prop(into)] code: Signal<String>) -> impl IntoView {
    with_me(move |me| {
        let may = me.may(Action::RecordWaits, Some(&code.get_untracked()));
        may.then(|| view! { <RecordWaitsForm code /> })
    })
}

#[component]
fn RecordWaitsForm(code: Signal<String>) -> impl IntoView {
    let record = ServerAction::<RecordPortWaits>::new();
    let recorded = changed_by(record.version(), record.value());
    let waits = Resource::new(
        move || (code.get(), live_tick(), recorded.get()),
        |(code, _, _)| get_port_waits(code),
    );
    let problem = Signal::derive(move || match record.value().get() {
        Some(Err(error)) => Some(error),
        _ => None,
    });
    let other_problem = move || {
        problem.get().filter(
            |error| !matches!(error, AppError::Invalid { field, .. } if FIELDS.contains(&field.as_str())),
        )
    };
    let l = lang::current();
    let field = move |name: &'static str, label: &'static str| {
        let id = format!("waits-{name}");
        let notes = FieldNotes::new(&id, name, td_string!(l, waits.form.hint), problem);
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    name=name
                    type="number"
                    min="0"
                    max=super::waits::MAX_WAIT_MIN
                    step="1"
                    inputmode="numeric"
                    size="5"
                    autocomplete="off"
                    aria-invalid=notes.invalid()
                    aria-describedby=notes.described()
                />
                {notes.view()}
            </div>
        }
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let waits = waits.await.ok()?;
                (waits.commercial_applies || waits.traveller_applies)
                    .then(|| {
                        view! {
                            <section class="panel waits-form" aria-labelledby="record-waits-title">
                                <h2 id="record-waits-title">
                                    {td_string!(lang::current(), waits.form.heading)}
                                </h2>
                                <ActionForm action=record attr:class="filters">
                                    <input type="hidden" name="code" value=waits.code.clone() />
                                    <input type="hidden" name="version" value=waits.version />
                                    {waits
                                        .commercial_applies
                                        .then(|| field(
                                            "commercial_min",
                                            td_string!(lang::current(), waits.form.commercial),
                                        ))}
                                    {waits
                                        .traveller_applies
                                        .then(|| field(
                                            "traveller_min",
                                            td_string!(lang::current(), waits.form.travellers),
                                        ))}
                                    <button
                                        type="submit"
                                        class="primary"
                                        disabled=move || record.pending().get()
                                    >
                                        {move || {
                                            if record.pending().get() {
                                                td_string!(lang::current(), waits.form.recording)
                                            } else {
                                                td_string!(lang::current(), waits.form.submit)
                                            }
                                        }}
                                    </button>
                                </ActionForm>
                                {move || {
                                    other_problem().map(|error| view! { <ErrorNotice error /> })
                                }}
                                <div role="status" aria-live="polite">
                                    {move || {
                                        matches!(record.value().get(), Some(Ok(_)))
                                            .then(|| {
                                                view! {
                                                    <p class="notice">
                                                        {td_string!(lang::current(), waits.form.recorded)}
                                                    </p>
                                                }
                                            })
                                    }}
                                </div>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}
