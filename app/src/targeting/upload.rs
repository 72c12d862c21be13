//! `/import`: a CSV manifest sent from the browser to `POST /api/v1/shipments/import`, with
//! the upload's progress as the browser reports it, then the report row by row.
//!
//! The request is the API's own, authenticated by the session cookie; being same-origin, the
//! browser marks it `Sec-Fetch-Site: same-origin` (and sends `Origin`), which is what the
//! cross-site check asks of a POST.

use super::{Disposition, IngestReport};
use crate::components::common::ErrorNotice;
use crate::components::common::RoleGate;
use crate::components::table::ColumnHeads;
use crate::domain::Action;
use crate::error::AppError;
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
    view! {
        <Title text="Manifest import" />
        <div class="page-head">
            <h1>"Manifest import"</h1>
            <p class="lede">
                "Send a CSV manifest of declarations. Each row is checked on its own: good rows are stored and scored, each bad row is reported with its line, field and reason."
            </p>
        </div>
        <RoleGate action=Action::DeclareShipments refusal="your role may not send declarations">
            <Uploader />
        </RoleGate>
    }
}

fn megabytes(bytes: f64) -> String {
    if bytes < 1024.0 * 1024.0 {
        format!("{:.0} kB", bytes / 1024.0)
    } else {
        format!("{:.1} MB", bytes / (1024.0 * 1024.0))
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
                    "choose a CSV file first",
                )));
                return;
            };
            match xhr::Upload::start(file, phase) {
                Ok(upload) => request.set_value(Some(upload)),
                Err(error) => phase.set(Phase::Failed(error)),
            }
        }
    };
    view! {
        <section class="panel" aria-labelledby="upload-title">
            <h2 id="upload-title">"Upload a manifest"</h2>
            <form class="filters upload-form" on:submit=submit>
                <label>
                    "CSV file"
                    <input
                        type="file"
                        name="file"
                        accept=".csv,text/csv"
                        required
                        node_ref=file_input
                    />
                </label>
                <button type="submit" class="primary" disabled=busy>
                    "Upload"
                </button>
            </form>
            {move || match phase.get() {
                Phase::Idle => ().into_any(),
                Phase::Sending { sent, total } => {
                    let share = if total > 0.0 { sent / total * 100.0 } else { 0.0 };
                    view! {
                        <div class="upload-progress">
                            <label for="upload-bar">"Sending the file"</label>
                            <progress
                                id="upload-bar"
                                max=total.to_string()
                                value=sent.to_string()
                            ></progress>
                            <span role="status">
                                {format!(
                                    "{share:.0} % · {} of {}",
                                    megabytes(sent),
                                    megabytes(total),
                                )}
                            </span>
                        </div>
                    }
                        .into_any()
                }
                Phase::Storing => {
                    view! {
                        <div class="upload-progress">
                            <label for="upload-bar">"Sending the file"</label>
                            <progress id="upload-bar" max="1" value="1"></progress>
                            <span role="status">
                                "Sent. Checking, scoring and storing the rows…"
                            </span>
                        </div>
                    }
                        .into_any()
                }
                Phase::Done(report) => view! { <ImportReport report=*report /> }.into_any(),
                Phase::Failed(AppError::Invalid { reason, .. }) => {
                    view! {
                        <div class="notice error" role="alert">
                            <strong>"Nothing was imported"</strong>
                            " "
                            {reason}
                        </div>
                    }
                        .into_any()
                }
                Phase::Failed(error) => view! { <ErrorNotice error /> }.into_any(),
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
    view! {
        <div class="import-report" role="status">
            <h3>"Report"</h3>
            <dl class="facts counts">
                <dt>"Rows read"</dt>
                <dd>{report.received.to_string()}</dd>
                <dt>"Accepted (new)"</dt>
                <dd>{report.accepted.to_string()}</dd>
                <dt>"Updated"</dt>
                <dd>{report.updated.to_string()}</dd>
                <dt>"Unchanged"</dt>
                <dd>{report.unchanged.to_string()}</dd>
                <dt>"Refused"</dt>
                <dd>{report.refused.to_string()}</dd>
                <dt>"Lanes"</dt>
                <dd>
                    {format!(
                        "{} green, {} yellow, {} red ({} at random), {} pre-load referrals",
                        report.green,
                        report.yellow,
                        report.red,
                        report.random,
                        report.referrals,
                    )}
                </dd>
                <dt>"Examinations"</dt>
                <dd>
                    {format!(
                        "{} opened, {} waiting for capacity",
                        report.inspections_opened,
                        report.waiting,
                    )}
                </dd>
            </dl>
        </div>
        {(!refused.is_empty())
            .then(|| {
                view! {
                    <table class="grid refused">
                        <caption>"Refused rows"</caption>
                        <thead>
                            <ColumnHeads
                                names=&["Line", "Reference", "Field", "Reason"]
                                numeric=&["Line"]
                            />
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
            message: error
                .as_string()
                .unwrap_or_else(|| "the browser refused to send the file".into()),
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
                            message: format!("the report could not be read: {e}"),
                        }),
                    }
                } else {
                    Phase::Failed(
                        serde_json::from_str::<ErrorBody>(&text)
                            .map(|b| b.error)
                            .unwrap_or(AppError::Transport {
                                message: format!("the server answered {status}"),
                            }),
                    )
                });
            });
            let failed = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                phase.set(Phase::Failed(AppError::Transport {
                    message: "the connection was lost while sending the file".into(),
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
