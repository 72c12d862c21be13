//! The screens of a detention: the shipment page's detention panel (the notice sent, the
//! deadline as a clock, the charges so far, the extension and the outcomes) and
//! `/detentions/{id}/notice`, the notice to print, English and French.

use super::letter::Written;
use super::rpc::{ChangeDetention, DetentionView, DetentionsFound, SendDetentionNotice};
use super::rpc::{detention_notice, shipment_detentions};
use super::{ClockState, DetentionOutcome};
use crate::components::common::{ErrorNotice, Loaded, RefusalNotice, changed_by};
use crate::components::forms::FieldNotes;
use crate::components::me::with_me;
use crate::domain::{Action, HoldReason};
use crate::holds::HoldRow;
use crate::i18n::td_string;
use crate::lang::{self, Locale, format};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The daily storage and handling charge the notice form starts from, in dollars as typed.
const CHARGE_PREFILLED: &str = "50.00";

/// The detentions of a shipment's holds for intellectual property, and the notice for each
/// such hold still active without one. Shown only when the shipment has such a hold.
#[component]
pub fn DetentionPanel(
    shipment_id: i64,
    holds: Vec<HoldRow>,
    /// Bumped after each change, so the page reloads the holds an outcome moved.
    changed: RwSignal<u64>,
    replaying: bool,
) -> impl IntoView {
    let ip: Vec<HoldRow> = holds
        .into_iter()
        .filter(|h| h.reason == HoldReason::IntellectualProperty)
        .collect();
    if ip.is_empty() {
        return ().into_any();
    }
    let send = ServerAction::<SendDetentionNotice>::new();
    let change = ServerAction::<ChangeDetention>::new();
    let (sent, changed_here) = (
        changed_by(send.version(), send.value()),
        changed_by(change.version(), change.value()),
    );
    // The page reloads the holds only when something was recorded: a refusal keeps the panel,
    // its form and the reason said beside it.
    Effect::new(move |_| {
        let done = matches!(send.value().get(), Some(Ok(_)))
            || matches!(change.value().get(), Some(Ok(_)));
        if done {
            changed.update(|n| *n += 1);
        }
    });
    let found = Resource::new(
        move || (sent.get(), changed_here.get()),
        move |_| shipment_detentions(shipment_id),
    );
    let l = lang::current();
    view! {
        <section class="panel detention-panel" aria-labelledby="detention-title">
            <h2 id="detention-title">{td_string!(l, detentions.panel.heading)}</h2>
            {move || {
                [send.value().get(), change.value().get()]
                    .into_iter()
                    .flatten()
                    .find_map(Result::err)
                    .map(|error| {
                        view! {
                            <RefusalNotice
                                error
                                nothing_done=td_string!(
                                    lang::current(), detentions.panel.nothing_done
                                )
                            />
                        }
                    })
            }}
            <Loaded
                resource=found
                loading=td_string!(l, detentions.panel.loading)
                show=move |found: DetentionsFound| {
                    let ip = ip.clone();
                    view! { <Detentions found ip send change replaying /> }
                }
            />
        </section>
    }
    .into_any()
}

#[component]
fn Detentions(
    found: DetentionsFound,
    ip: Vec<HoldRow>,
    send: ServerAction<SendDetentionNotice>,
    change: ServerAction<ChangeDetention>,
    replaying: bool,
) -> impl IntoView {
    let without: Vec<HoldRow> = ip
        .into_iter()
        .filter(|h| {
            h.status.is_active() && !found.detentions.iter().any(|d| d.detention.hold_id == h.id)
        })
        .collect();
    let (matched, in_force) = (found.matched_request, found.in_force.clone());
    view! {
        {found
            .detentions
            .into_iter()
            .map(|view| view! { <DetentionCard view change replaying /> })
            .collect_view()}
        {(!replaying)
            .then(|| {
                with_me(move |me| {
                    without
                        .iter()
                        .filter(|h| me.may(Action::DetainGoods, Some(&h.port_code)))
                        .map(|h| {
                            view! {
                                <NoticeForm hold_id=h.id matched in_force=in_force.clone() send />
                            }
                        })
                        .collect_view()
                })
            })}
    }
}

/// Sending the notice for one hold: to the owner of which request, at what daily charge.
#[component]
fn NoticeForm(
    hold_id: i64,
    matched: Option<i64>,
    in_force: Vec<(i64, String)>,
    send: ServerAction<SendDetentionNotice>,
) -> impl IntoView {
    let l = lang::current();
    let problem = Signal::derive(move || send.value().get().and_then(Result::err));
    let id = format!("notice-{hold_id}");
    let charge = FieldNotes::new(
        &format!("{id}-charge"),
        "daily_charge_cents",
        td_string!(l, detentions.panel.charge_hint),
        problem,
    );
    let request = FieldNotes::new(&format!("{id}-request"), "request_id", "", problem);
    view! {
        <ActionForm action=send attr:class="notice-form" attr:data-hold=hold_id>
            <h3>
                {td_string!(lang::current(), detentions.panel.send_heading, id = hold_id)
                    .to_string()}
            </h3>
            <p class="hint">{td_string!(l, detentions.panel.send_lede)}</p>
            <input type="hidden" name="hold_id" value=hold_id />
            <div class="field">
                <label for=format!("{id}-request")>{td_string!(l, detentions.panel.request)}</label>
                <select
                    id=format!("{id}-request")
                    name="request_id"
                    required
                    aria-invalid=request.invalid()
                    aria-describedby=request.described()
                >
                    {in_force
                        .into_iter()
                        .map(|(rid, holder)| {
                            view! {
                                <option value=rid selected=matched == Some(rid)>
                                    {td_string!(
                                        lang::current(), detentions.panel.request_option, id = rid, holder = holder
                                    )
                                        .to_string()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                {request.view()}
            </div>
            <div class="field">
                <label for=format!("{id}-charge")>{td_string!(l, detentions.panel.charge)}</label>
                <input
                    id=format!("{id}-charge")
                    name="daily_charge"
                    value=CHARGE_PREFILLED
                    inputmode="decimal"
                    autocomplete="off"
                    required
                    aria-invalid=charge.invalid()
                    aria-describedby=charge.described()
                />
                {charge.view()}
            </div>
            <button type="submit" class="primary">
                {td_string!(l, detentions.panel.send)}
            </button>
        </ActionForm>
    }
}

/// What the clock says, in words: "6 working days left", "Last day", "Deadline passed".
fn clock_words(view: &DetentionView) -> String {
    let l = lang::current();
    match view.clock {
        ClockState::Running(0) => td_string!(l, detentions.clock.last_day).to_string(),
        ClockState::Running(n) => {
            let one = lang::singular(l, n.unsigned_abs());
            match (view.detention.perishable, one) {
                (true, true) => {
                    td_string!(l, detentions.clock.days_left_single, count = n).to_string()
                }
                (true, false) => {
                    td_string!(l, detentions.clock.days_left_several, count = n).to_string()
                }
                (false, true) => {
                    td_string!(l, detentions.clock.working_days_left_single, count = n).to_string()
                }
                (false, false) => {
                    td_string!(l, detentions.clock.working_days_left_several, count = n).to_string()
                }
            }
        }
        ClockState::Passed => td_string!(l, detentions.clock.passed).to_string(),
        ClockState::Stopped => td_string!(l, detentions.clock.stopped).to_string(),
    }
}

/// One detention: the notice, the deadline, the charges, the outcome, and what may be done.
#[component]
fn DetentionCard(
    view: DetentionView,
    change: ServerAction<ChangeDetention>,
    replaying: bool,
) -> impl IntoView {
    let l = lang::current();
    let d = view.detention.clone();
    let tz = d.port_time_zone.clone();
    let state = match view.clock {
        ClockState::Running(n) if n <= 2 => "urgent",
        ClockState::Running(_) => "running",
        ClockState::Passed => "passed",
        ClockState::Stopped => "stopped",
    };
    let ended = d.outcome.is_some_and(DetentionOutcome::ends);
    let in_court = d.outcome == Some(DetentionOutcome::Proceedings);
    let outcomes: Vec<DetentionOutcome> = DetentionOutcome::ALL
        .iter()
        .copied()
        .filter(|o| {
            !ended
                && match o {
                    DetentionOutcome::Proceedings => {
                        !in_court && matches!(view.clock, ClockState::Running(_))
                    }
                    DetentionOutcome::NoAction => !in_court,
                    _ => true,
                }
        })
        .collect();
    let (id, version, port) = (d.id, d.version, d.port_code.clone());
    let (rate, total, from) = (
        format::money(l, d.daily_charge_cents, "CAD"),
        format::money(l, view.charges_cents, "CAD"),
        format::date(l, d.notice_day + chrono::Duration::days(1)),
    );
    let days = view.charged_days;
    let charges = if lang::singular(l, days.unsigned_abs()) {
        td_string!(
            l,
            detentions.panel.charges_line_single,
            days = days,
            rate = rate,
            total = total,
            from = from
        )
        .to_string()
    } else {
        td_string!(
            l,
            detentions.panel.charges_line_several,
            days = days,
            rate = rate,
            total = total,
            from = from
        )
        .to_string()
    };
    let may_extend = view.may_extend;
    view! {
        <article class="detention" data-detention=id data-clock=state>
            <h3>
                {td_string!(
                    lang::current(), detentions.panel.card_heading, id = id, hold = d.hold_id
                )
                    .to_string()}
            </h3>
            <dl class="facts">
                <dt>{td_string!(l, detentions.panel.request)}</dt>
                <dd>
                    <a href=format!(
                        "/rights#rfa-{}",
                        d.request_id,
                    )>
                        {td_string!(
                            lang::current(), detentions.panel.request_option, id = d.request_id, holder = d.rights_holder.clone()
                        )
                            .to_string()}
                    </a>
                </dd>
                <dt>{td_string!(l, detentions.panel.notice_sent)}</dt>
                <dd>
                    {td_string!(
                        lang::current(), detentions.panel.notice_line, at = format::local_time(lang::current(), d.notice_at, & tz), by = d.notice_by.clone()
                    )
                        .to_string()}
                </dd>
                <dt>{td_string!(l, detentions.panel.deadline)}</dt>
                <dd>
                    <span class=format!("clock clock-{state}") role="timer">
                        {clock_words(&view)}
                    </span>
                    " "
                    {td_string!(
                        lang::current(), detentions.panel.deadline_line, day = format::date(lang::current(), d.deadline_day)
                    )
                        .to_string()}
                    {d
                        .perishable
                        .then(|| {
                            view! {
                                " "
                                <span class="badge badge-perishable">
                                    {td_string!(lang::current(), detentions.panel.perishable)}
                                </span>
                            }
                        })}
                    {d
                        .extended_by
                        .clone()
                        .map(|by| {
                            view! {
                                <span class="hint">
                                    {td_string!(
                                        lang::current(), detentions.panel.extended_by, by = by
                                    )
                                        .to_string()}
                                </span>
                            }
                        })}
                </dd>
                <dt>{td_string!(l, detentions.panel.charges)}</dt>
                <dd data-charges=view.charges_cents>{charges}</dd>
                <dt>{td_string!(l, detentions.panel.outcome)}</dt>
                <dd class="outcome">
                    {match (d.outcome, d.outcome_by.clone()) {
                        (Some(o), Some(by)) => {
                            td_string!(
                                lang::current(), detentions.panel.outcome_line, outcome = o.label(), by = by
                            )
                                .to_string()
                        }
                        _ => td_string!(lang::current(), detentions.panel.no_outcome).to_string(),
                    }}
                </dd>
            </dl>
            <p class="links">
                <a href=format!(
                    "/detentions/{id}/notice",
                )>{td_string!(l, detentions.panel.print)}</a>
                " · "
                <a href=format!("/api/v1/detentions/{id}/notice.pdf") download="">
                    {td_string!(l, detentions.panel.pdf)}
                </a>
            </p>
            {(!replaying && (may_extend || !outcomes.is_empty()))
                .then(move || {
                    with_me(move |me| {
                        let outcomes = outcomes.clone();
                        me.may(Action::DetainGoods, Some(&port))
                            .then(move || {
                                view! {
                                    <ActionForm action=change attr:class="detention-form">
                                        <input type="hidden" name="id" value=id />
                                        <input type="hidden" name="version" value=version />
                                        <div class="field">
                                            <label for=format!(
                                                "detention-{id}-outcome",
                                            )>
                                                {td_string!(lang::current(), detentions.panel.what)}
                                            </label>
                                            <select id=format!("detention-{id}-outcome") name="outcome">
                                                {may_extend
                                                    .then(|| {
                                                        view! {
                                                            <option value="">
                                                                {td_string!(lang::current(), detentions.panel.extend)}
                                                            </option>
                                                        }
                                                    })}
                                                {outcomes
                                                    .into_iter()
                                                    .map(|o| {
                                                        view! { <option value=o.code()>{o.label()}</option> }
                                                    })
                                                    .collect_view()}
                                            </select>
                                        </div>
                                        <div class="field">
                                            <label for=format!(
                                                "detention-{id}-reason",
                                            )>
                                                {td_string!(lang::current(), detentions.panel.reason)}
                                            </label>
                                            <input
                                                id=format!("detention-{id}-reason")
                                                name="reason"
                                                required
                                                autocomplete="off"
                                            />
                                        </div>
                                        <button type="submit">
                                            {td_string!(lang::current(), detentions.panel.record)}
                                        </button>
                                    </ActionForm>
                                }
                            })
                    })
                })}
        </article>
    }
}

/// `/detentions/{id}/notice`: the notice to the rights holder, to print.
#[component]
pub fn NoticePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let letter = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => detention_notice(id).await,
                None => Err(crate::error::AppError::NotFound {
                    what: td_string!(lang::current(), detentions.page.this_notice).to_string(),
                }),
            }
        },
    );
    let l = lang::current();
    view! {
        <Title text=td_string!(l, detentions.page.title) />
        <div class="page-head no-print">
            <h1>{td_string!(l, detentions.page.title)}</h1>
            <p class="lede">{td_string!(l, detentions.page.lede)}</p>
        </div>
        <Transition fallback=|| {
            view! { <p class="loading">{td_string!(lang::current(), detentions.page.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match letter.await {
                    Ok(letter) => {
                        let d = &letter.detention;
                        let back = format!("/shipments/{}", d.shipment_id);
                        let pdf = format!("/api/v1/detentions/{}/notice.pdf", d.id);
                        view! {
                            <p class="toolbar no-print">
                                <button type="button" class="primary" on:click=|_| print()>
                                    {td_string!(lang::current(), detentions.page.print)}
                                </button>
                                " "
                                <a href=pdf download="">
                                    {td_string!(lang::current(), detentions.panel.pdf)}
                                </a>
                                " · "
                                <a href=back>{td_string!(lang::current(), detentions.page.back)}</a>
                            </p>
                            <LetterView written=letter.written(Locale::en) lang="en" />
                            <LetterView written=letter.written(Locale::fr) lang="fr" />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Opens the browser's print dialogue.
fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// The letter in one language, marked with it for screen readers and hyphenation.
#[component]
fn LetterView(written: Written, lang: &'static str) -> impl IntoView {
    view! {
        <article class="panel letter" lang=lang>
            <h2>{written.title}</h2>
            {written
                .parts
                .into_iter()
                .map(|part| {
                    view! {
                        <section>
                            {(!part.heading.is_empty()).then(|| view! { <h3>{part.heading}</h3> })}
                            {part
                                .paragraphs
                                .into_iter()
                                .map(|p| view! { <p>{p}</p> })
                                .collect_view()}
                        </section>
                    }
                })
                .collect_view()}
        </article>
    }
}
