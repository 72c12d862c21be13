//! `/import`: a CSV manifest sent from the browser to `POST /api/v1/shipments/import`, with
//! the upload's progress as the browser reports it, then the report row by row.
//!
//! The request is the API's own, authenticated by the session cookie; being same-origin, the
//! browser marks it `Sec-Fetch-Site: same-origin` (and sends `Origin`), which is what the
//! cross-site check asks of a POST.

use super::page::column_heads;
use super::{Disposition, IngestReport};
use crate::components::common::{RefusalNotice, RoleGate};
use crate::domain::Action;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::{self, format};
use leptos::prelude::*;
use leptos_meta::Title;

/// Where an upload stands (only the browser moves it on).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    /// Bytes sent of the total, as the browser's upload progress events report them.
    Sending {
        sent: f64,
        total: f64,
    },
    /// Every byte is sent; the server is checking and storing the rows.
    Storing,
    Done(Box<IngestReport>),
    Failed(AppError),
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let l = lang::current();
    view! {
        <Title text=td_string!(l, manifests.title) />
        <div class="page-head">
            <h1>{td_string!(l, manifests.title)}</h1>
            <p class="lede">{td_string!(l, manifests.lede)}</p>
        </div>
        <RoleGate action=Action::DeclareShipments refusal=td_string!(l, manifests.refusal_role)>
            <Uploader />
        </RoleGate>
    }
}

fn megabytes(bytes: f64) -> String {
    let l = lang::current();
    if bytes < 1024.0 * 1024.0 {
        td_string!(
            l,
            manifests.kilobytes,
            size = format::decimal(l, bytes / 1024.0, 0)
        )
        .to_string()
    } else {
        let size = format::decimal(l, bytes / (1024.0 * 1024.0), 1);
        td_string!(l, manifests.megabytes, size = size).to_string()
    }
}

#[component]
fn Uploader() -> impl IntoView {
    let phase = RwSignal::new(Phase::Idle);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let busy = move || matches!(phase.get(), Phase::Sending { .. } | Phase::Storing);
    #[cfg(feature = "hydrate")]
    let request = StoredValue::new_local(None::<xhr::Upload>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let Some(input) = file_input.get_untracked() else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                phase.set(Phase::Failed(AppError::invalid(
                    "file",
                    td_string!(lang::current(), manifests.choose_file),
                )));
                return;
            };
            match xhr::Upload::start(file, phase) {
                Ok(upload) => request.set_value(Some(upload)),
                Err(error) => phase.set(Phase::Failed(error)),
            }
        }
    };
    let l = lang::current();
    view! {
        <section class="panel" aria-labelledby="upload-title">
            <h2 id="upload-title">{td_string!(l, manifests.upload_heading)}</h2>
            <form class="filters upload-form" on:submit=submit>
                <label>
                    {td_string!(l, manifests.csv_file)}
                    <input
                        type="file"
                        name="file"
                        accept=".csv,text/csv"
                        required
                        node_ref=file_input
                    />
                </label>
                <button type="submit" class="primary" disabled=busy>
                    {td_string!(l, manifests.upload)}
                </button>
            </form>
            {move || match phase.get() {
                Phase::Idle => ().into_any(),
                Phase::Sending { sent, total } => {
                    let share = if total > 0.0 { sent / total } else { 0.0 };
                    view! {
                        <div class="upload-progress">
                            <label for="upload-bar">{td_string!(l, manifests.sending)}</label>
                            <progress
                                id="upload-bar"
                                max=total.to_string()
                                value=sent.to_string()
                            ></progress>
                            <span role="status">
                                {td_string!(
                                    l,
                                    manifests.progress,
                                    share = format::percent(l, share, 0),
                                    sent = megabytes(sent),
                                    total = megabytes(total)
                                )
                                    .to_string()}
                            </span>
                        </div>
                    }
                        .into_any()
                }
                Phase::Storing => {
                    view! {
                        <div class="upload-progress">
                            <label for="upload-bar">{td_string!(l, manifests.sending)}</label>
                            <progress id="upload-bar" max="1" value="1"></progress>
                            <span role="status">{td_string!(l, manifests.storing)}</span>
                        </div>
                    }
                        .into_any()
                }
                Phase::Done(report) => view! { <ImportReport report=*report /> }.into_any(),
                Phase::Failed(error) => {
                    view! {
                        <RefusalNotice
                            error
                            nothing_done=td_string!(l, manifests.nothing_imported)
                        />
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn ImportReport(report: IngestReport) -> impl IntoView {
    let refused: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Disposition::Refused)
        .flat_map(|r| {
            r.errors.iter().map(move |e| {
                (
                    r.line,
                    r.reference.clone().unwrap_or_default(),
                    e.field.clone(),
                    e.reason.clone(),
                )
            })
        })
        .collect();
    let l = lang::current();
    let n = move |n: usize| format::integer(l, n as i64);
    view! {
        <div class="import-report" role="status">
            <h3>{td_string!(l, manifests.report)}</h3>
            <dl class="facts counts">
                <dt>{td_string!(l, manifests.rows_read)}</dt>
                <dd>{n(report.received)}</dd>
                <dt>{td_string!(l, manifests.accepted)}</dt>
                <dd>{n(report.accepted)}</dd>
                <dt>{td_string!(l, manifests.updated)}</dt>
                <dd>{n(report.updated)}</dd>
                <dt>{td_string!(l, manifests.unchanged)}</dt>
                <dd>{n(report.unchanged)}</dd>
                <dt>{td_string!(l, manifests.refused)}</dt>
                <dd>{n(report.refused)}</dd>
                <dt>{td_string!(l, manifests.lanes)}</dt>
                <dd>
                    {td_string!(
                        l,
                        manifests.lanes_counts,
                        green = n(report.green),
                        yellow = n(report.yellow),
                        red = n(report.red),
                        random = n(report.random),
                        referrals = n(report.referrals)
                    )
                        .to_string()}
                </dd>
                <dt>{td_string!(l, manifests.examinations)}</dt>
                <dd>
                    {td_string!(
                        l,
                        manifests.examination_counts,
                        opened = n(report.inspections_opened),
                        waiting = n(report.waiting)
                    )
                        .to_string()}
                </dd>
            </dl>
        </div>
        {(!refused.is_empty())
            .then(|| {
                view! {
                    <div class="table-scroll">
                        <table class="grid refused">
                            <caption>{td_string!(l, manifests.refused_rows)}</caption>
                            <thead>
                                {column_heads(
                                    &[
                                        (td_string!(l, manifests.col.line), true),
                                        (td_string!(l, manifests.col.reference), false),
                                        (td_string!(l, manifests.col.field), false),
                                        (td_string!(l, manifests.col.reason), false),
                                    ],
                                )}
                            </thead>
                            <tbody>
                                {refused
                                    .into_iter()
                                    .map(|(line, reference, field, reason)| {
                                        view! {
                                            <tr>
                                                <th scope="row" class="num">
                                                    {line.map(|l| l.to_string()).unwrap_or_default()}
                                                </th>
                                                <td>{reference}</td>
                                                <td>{field}</td>
                                                <td>{reason}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            })}
    }
}

#[cfg(feature = "hydrate")]
mod xhr {
    //! The upload itself: an `XMLHttpRequest`, whose upload progress events are the only
    //! measure a browser gives of a request body leaving it.

    use super::Phase;
    use crate::error::AppError;
    use crate::i18n::td_string;
    use crate::lang;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Event, File, ProgressEvent, XmlHttpRequest};

    /// A request under way, with the handlers it calls (kept alive as long as it is).
    pub struct Upload {
        _request: XmlHttpRequest,
        _progress: Closure<dyn FnMut(ProgressEvent)>,
        _sent: Closure<dyn FnMut(Event)>,
        _done: Closure<dyn FnMut(Event)>,
        _failed: Closure<dyn FnMut(Event)>,
    }

    fn js(error: wasm_bindgen::JsValue) -> AppError {
        AppError::Transport {
            message: error.as_string().unwrap_or_else(|| {
                td_string!(lang::current(), manifests.browser_refused).to_string()
            }),
        }
    }

    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: AppError,
    }

    impl Upload {
        pub fn start(file: File, phase: RwSignal<Phase>) -> Result<Upload, AppError> {
            let request = XmlHttpRequest::new().map_err(js)?;
            let name = String::from(js_sys::encode_uri_component(&file.name()));
            request
                .open_with_async(
                    "POST",
                    &format!("/api/v1/shipments/import?name={name}"),
                    true,
                )
                .map_err(js)?;
            request
                .set_request_header("Content-Type", "text/csv")
                .map_err(js)?;
            request
                .set_request_header("Accept", "application/json")
                .map_err(js)?;
            // The API answers in the language its request names: the page's.
            request
                .set_request_header("Accept-Language", lang::code(lang::current()))
                .map_err(js)?;
            let total = file.size();
            phase.set(Phase::Sending { sent: 0.0, total });
            let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
                let total = if e.length_computable() {
                    e.total()
                } else {
                    total
                };
                phase.set(Phase::Sending {
                    sent: e.loaded(),
                    total,
                });
            });
            let sent = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                phase.set(Phase::Storing);
            });
            let answered = request.clone();
            let done = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                let status = answered.status().unwrap_or(0);
                let text = answered.response_text().ok().flatten().unwrap_or_default();
                phase.set(if (200..300).contains(&status) {
                    match serde_json::from_str::<super::IngestReport>(&text) {
                        Ok(report) => Phase::Done(Box::new(report)),
                        Err(e) => Phase::Failed(AppError::Transport {
                            message: td_string!(
                                lang::current(),
                                manifests.report_unreadable,
                                error = e
                            )
                            .to_string(),
                        }),
                    }
                } else {
                    Phase::Failed(
                        serde_json::from_str::<ErrorBody>(&text)
                            .map(|b| b.error)
                            .unwrap_or(AppError::Transport {
                                message: td_string!(
                                    lang::current(),
                                    manifests.server_answered,
                                    status = status
                                )
                                .to_string(),
                            }),
                    )
                });
            });
            let failed = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                phase.set(Phase::Failed(AppError::Transport {
                    message: td_string!(lang::current(), manifests.connection_lost).to_string(),
                }));
            });
            let upload = request.upload().map_err(js)?;
            upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
            upload.set_onload(Some(sent.as_ref().unchecked_ref()));
            request.set_onload(Some(done.as_ref().unchecked_ref()));
            request.set_onerror(Some(failed.as_ref().unchecked_ref()));
            request.send_with_opt_blob(Some(&file)).map_err(js)?;
            Ok(Upload {
                _request: request,
                _progress: progress,
                _sent: sent,
                _done: done,
                _failed: failed,
            })
        }
    }
}
