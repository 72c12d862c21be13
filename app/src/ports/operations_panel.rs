//! How a port is running, as its tile and its page show it (a notice with its severity in
//! words, a limited or closed port's reason and expected return), and the port page's
//! **Operations** panel, where the port's supervisors set its status, lanes, officers on shift
//! and notices. The panel's forms are plain forms posted to the server functions of `rpc.rs`
//! (they work before the page has hydrated), each carrying the version it was rendered with;
//! a refusal is shown in words beside the form that was refused.

use super::rpc::{
    ClearPortNotice, EditPortNotice, PostPortNotice, SetPortLanes, SetPortStaffing, SetPortStatus,
};
use super::{Notice, PortSummary};
use crate::components::common::changed_by;
use crate::domain::clock::local_time_short;
use crate::domain::port_rules::MAX_OFFICERS_ON_SHIFT;
use crate::domain::{NoticeKind, PortStatus, Severity};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Utc};
use leptos::either::Either;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// One notice: its severity in words (not only a colour), its kind, what it says and, if it
/// expires, when.
#[component]
pub fn NoticeItem(
    notice: Notice,
    zone: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let severity = notice.severity;
    view! {
        <li
            class=format!("notice-{} severity-{}", notice.kind.code(), severity.code())
            data-notice=notice.id
        >
            <span class=format!("severity severity-{}", severity.code())>{severity.label()}</span>
            " "
            <strong>{notice.kind.label()}</strong>
            {td_string!(lang::current(), port_ops.colon)}
            <span class="notice-message">
                {crate::demo_texts::shown(&notice.message, lang::current())}
            </span>
            {notice
                .expires_at
                .map(|at| {
                    view! {
                        " "
                        <small class="notice-expiry">
                            {td_string!(
                                lang::current(), port_ops.until, time = local_time_short(at, &zone)
                            )
                                .to_string()}
                        </small>
                    }
                })}
            {children.map(|c| c())}
        </li>
    }
}

/// Why a port is not open and when it expects to be back (nothing for an open port).
#[component]
pub fn StatusReason(port: PortSummary) -> impl IntoView {
    (port.status != PortStatus::Open).then(|| {
        let back = port.expected_return_at.map(|at| {
            td_string!(
                lang::current(),
                port_ops.expected_back,
                time = local_time_short(at, &port.time_zone)
            )
            .to_string()
        });
        view! {
            <p class="status-reason">
                {port.status_reason.clone()}
                {back.map(|b| view! { <span class="expected-return">" · " {b}</span> })}
            </p>
        }
    })
}

/// The panel's actions, made once by the page so that their results outlast the panel's
/// redraws and a finished one fetches the port again.
#[derive(Clone, Copy)]
pub struct PortActions {
    pub status: ServerAction<SetPortStatus>,
    pub lanes: ServerAction<SetPortLanes>,
    pub staffing: ServerAction<SetPortStaffing>,
    pub post: ServerAction<PostPortNotice>,
    pub edit: ServerAction<EditPortNotice>,
    pub clear: ServerAction<ClearPortNotice>,
    /// Moves whenever one of them has finished (see [`changed_by`]).
    finished: Memo<usize>,
}

impl PortActions {
    pub fn new() -> Self {
        let (status, lanes, staffing, post, edit, clear) = (
            ServerAction::<SetPortStatus>::new(),
            ServerAction::<SetPortLanes>::new(),
            ServerAction::<SetPortStaffing>::new(),
            ServerAction::<PostPortNotice>::new(),
            ServerAction::<EditPortNotice>::new(),
            ServerAction::<ClearPortNotice>::new(),
        );
        let each = [
            changed_by(status.version(), status.value()),
            changed_by(lanes.version(), lanes.value()),
            changed_by(staffing.version(), staffing.value()),
            changed_by(post.version(), post.value()),
            changed_by(edit.version(), edit.value()),
            changed_by(clear.version(), clear.value()),
        ];
        Self {
            status,
            lanes,
            staffing,
            post,
            edit,
            clear,
            finished: Memo::new(move |_| each.iter().map(|done| done.get()).sum()),
        }
    }

    /// Moves whenever one of them has finished: the page fetches the port again.
    pub fn done(&self) -> usize {
        self.finished.get()
    }
}

impl Default for PortActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The refusal of the last run of an action, in words.
fn refusal<T: Send + Sync + 'static>(
    value: impl With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        value.with(|v| match v {
            Some(Err(error)) => Some(view! {
                <p class="notice error" role="alert">
                    {error.to_string()}
                </p>
            }),
            _ => None,
        })
    }
}

/// An instant as a `datetime-local` field shows it, in the port's time zone.
fn local_field(at: Option<DateTime<Utc>>, zone: &str) -> String {
    let Some(at) = at else {
        return String::new();
    };
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => at.format("%Y-%m-%dT%H:%M").to_string(),
    }
}

/// The hidden fields every form of the panel carries: the port and the version read.
fn port_fields(code: String, version: i64) -> impl IntoView {
    view! {
        <input type="hidden" name="code" value=code />
        <input type="hidden" name="version" value=version />
    }
}

/// A `<select>` of a vocabulary, `current` chosen.
fn choices<V: crate::domain::Vocabulary>(name: &'static str, current: V) -> impl IntoView {
    view! {
        <select name=name>
            {V::all()
                .iter()
                .map(|v| {
                    view! {
                        <option value=v.code() selected=*v == current>
                            {v.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}

/// The **Operations** panel: shown only to those who may run the port.
#[component]
pub fn OperationsPanel(port: PortSummary, actions: PortActions) -> impl IntoView {
    let l = lang::current();
    // Copied into every form's view.
    let code = StoredValue::new(port.code.clone());
    let zone = StoredValue::new(port.time_zone.clone());
    let version = port.version;
    let closed = port.status == PortStatus::Closed;
    let lane = |lanes_open: i64, label: &'static str, text: &'static str, enabled: bool| {
        view! {
            <ActionForm action=actions.lanes attr:class="lane-step">
                {port_fields(code.get_value(), version)}
                <input type="hidden" name="lanes_open" value=lanes_open />
                <input type="hidden" name="reason" value="" />
                <button type="submit" aria-label=label title=label disabled=!enabled>
                    {text}
                </button>
            </ActionForm>
        }
    };
    view! {
        <section class="panel operations" aria-labelledby="port-operations">
            <h2 id="port-operations">{td_string!(l, port_ops.heading)}</h2>
            <div class="ops-grid">
                <ActionForm action=actions.status attr:class="ops-status">
                    {port_fields(code.get_value(), version)}
                    <label>{td_string!(l, port_ops.status)} {choices("status", port.status)}</label>
                    <label>
                        {td_string!(l, port_ops.reason)}
                        <input
                            name="reason"
                            maxlength="1000"
                            value=port.status_reason.clone().unwrap_or_default()
                        />
                    </label>
                    <label>
                        {td_string!(l, port_ops.expected_return, zone = zone.get_value())
                            .to_string()}
                        <input
                            type="datetime-local"
                            name="expected_return"
                            value=local_field(port.expected_return_at, &zone.get_value())
                        />
                    </label>
                    <button type="submit">{td_string!(l, port_ops.set_status)}</button>
                    {refusal(actions.status.value())}
                </ActionForm>
                <div class="ops-lanes">
                    <span class="ops-label">{td_string!(l, port_ops.lanes_open)}</span>
                    <div class="lane-steps">
                        {lane(
                            port.lanes_open - 1,
                            td_string!(l, port_ops.close_lane),
                            "−",
                            port.lanes_open > 0,
                        )} <output class="lanes-count" aria-live="polite">
                            {td_string!(
                                l, port_ops.lanes_of, open = port.lanes_open, available = port
                                .lanes_available
                            )
                                .to_string()}
                        </output>
                        {lane(
                            port.lanes_open + 1,
                            td_string!(l, port_ops.open_lane),
                            "+",
                            !closed && port.lanes_open < port.lanes_available,
                        )}
                    </div>
                    {refusal(actions.lanes.value())}
                </div>
                <ActionForm action=actions.staffing attr:class="ops-staffing">
                    {port_fields(code.get_value(), version)}
                    <input type="hidden" name="reason" value="" />
                    <label>
                        {td_string!(l, port_ops.officers_on_shift)}
                        <input
                            type="number"
                            name="officers_on_shift"
                            min="0"
                            max=MAX_OFFICERS_ON_SHIFT
                            value=port.officers_on_shift
                        />
                    </label>
                    <button type="submit">{td_string!(l, port_ops.record)}</button>
                    {refusal(actions.staffing.value())}
                </ActionForm>
            </div>
            <h3>{td_string!(l, port_ops.notices)}</h3>
            {refusal(actions.edit.value())}
            {refusal(actions.clear.value())}
            // The sentence when there is no notice, else the list.
            {if port.notices.is_empty() {
                Either::Left(view! { <p>{td_string!(l, port_ops.no_notice)}</p> })
            } else {
                Either::Right(
                    view! {
                        <ul class="notices ops-notices">
                            {port
                                .notices
                                .iter()
                                .map(|n| {
                                    let (id, nv) = (n.id, n.version);
                                    let (edit_code, clear_code) = (
                                        code.get_value(),
                                        code.get_value(),
                                    );
                                    let (item_zone, edit_zone) = (
                                        zone.get_value(),
                                        zone.get_value(),
                                    );
                                    let expires_label = td_string!(
                                        l, port_ops.expires, zone = zone.get_value()
                                    )
                                        .to_string();
                                    let expires_value = local_field(
                                        n.expires_at,
                                        &zone.get_value(),
                                    );
                                    let (message, severity) = (n.message.clone(), n.severity);
                                    view! {
                                        <NoticeItem notice=n.clone() zone=item_zone>
                                            // One element around the notice's tools: the item's children
                                            // hydrate as one node.
                                            <div class="notice-tools">
                                                <details class="notice-edit">
                                                    <summary>{td_string!(l, port_ops.edit)}</summary>
                                                    <ActionForm action=actions.edit attr:class="inline-form">
                                                        <input type="hidden" name="code" value=edit_code />
                                                        <input type="hidden" name="id" value=id />
                                                        <input type="hidden" name="version" value=nv />
                                                        <label>
                                                            {td_string!(l, port_ops.message)}
                                                            <input
                                                                name="message"
                                                                required
                                                                maxlength="1000"
                                                                value=message
                                                            />
                                                        </label>
                                                        <label>
                                                            {td_string!(l, port_ops.severity)}
                                                            {choices("severity", severity)}
                                                        </label>
                                                        <label>
                                                            {expires_label}
                                                            <input
                                                                type="datetime-local"
                                                                name="expires"
                                                                value=expires_value
                                                                data-zone=edit_zone
                                                            />
                                                        </label>
                                                        <button type="submit">
                                                            {td_string!(l, port_ops.save)}
                                                        </button>
                                                    </ActionForm>
                                                </details>
                                                <ActionForm
                                                    action=actions.clear
                                                    attr:class="inline-form notice-clear"
                                                >
                                                    <input type="hidden" name="code" value=clear_code />
                                                    <input type="hidden" name="id" value=id />
                                                    <input type="hidden" name="version" value=nv />
                                                    <label>
                                                        {td_string!(l, port_ops.clear_reason)}
                                                        <input name="reason" required maxlength="1000" />
                                                    </label>
                                                    <button type="submit">
                                                        {td_string!(l, port_ops.clear)}
                                                    </button>
                                                </ActionForm>
                                            </div>
                                        </NoticeItem>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    },
                )
            }}
            <h3>{td_string!(l, port_ops.post_heading)}</h3>
            <ActionForm action=actions.post attr:class="inline-form ops-post">
                {port_fields(code.get_value(), version)}
                <label>
                    {td_string!(l, port_ops.kind)} {choices("kind", NoticeKind::Incident)}
                </label>
                <label>
                    {td_string!(l, port_ops.severity)} {choices("severity", Severity::Warning)}
                </label>
                <label>
                    {td_string!(l, port_ops.message)}
                    <input name="message" required maxlength="1000" />
                </label>
                <label>
                    {td_string!(l, port_ops.expires, zone = zone.get_value()).to_string()}
                    <input type="datetime-local" name="expires" />
                </label>
                <button type="submit">{td_string!(l, port_ops.post)}</button>
                {refusal(actions.post.value())}
            </ActionForm>
        </section>
    }
}
