//! `/seizures/reports`: a seizure report for a partner administration, downloaded from the
//! browser. The page sends the API's own request (`POST /api/v1/seizures/reports`, the session
//! cookie, same-origin as the cross-site check asks) and saves the answer as a file; a refusal
//! is shown beside the field it names, with everything typed kept.

use super::MAX_PARTNER_CHARS;
use crate::components::common::{RefusalNotice, RoleGate};
use crate::components::forms::FieldNotes;
use crate::domain::{Action, MAX_TEXT_CHARS};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::{self, format};
use chrono::{Days, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

/// The report just saved: its file, how many seizures it holds, and the journal entry that
/// records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub file: String,
    pub seizures: i64,
    pub journal_seq: i64,
    pub personal_data: bool,
}

/// Where an export stands (only the browser moves it on).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Sending,
    Saved(Saved),
    Failed(AppError),
}

/// The form as typed.
#[derive(Debug, Clone, Copy)]
struct Form {
    one: RwSignal<bool>,
    seizure_id: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    partner: RwSignal<String>,
    reason: RwSignal<String>,
    personal_data: RwSignal<bool>,
    csv: RwSignal<bool>,
}

impl Form {
    fn new() -> Self {
        let today = Utc::now().date_naive();
        let month_ago = today.checked_sub_days(Days::new(30)).unwrap_or(today);
        Form {
            one: RwSignal::new(false),
            seizure_id: RwSignal::new(String::new()),
            from: RwSignal::new(month_ago.to_string()),
            to: RwSignal::new(today.to_string()),
            partner: RwSignal::new(String::new()),
            reason: RwSignal::new(String::new()),
            personal_data: RwSignal::new(false),
            csv: RwSignal::new(true),
        }
    }

    /// The API's request for what was typed, or the field the page can already tell is wrong.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn request(&self) -> Result<serde_json::Value, AppError> {
        use serde_json::{Value, json};
        let mut body = json!({
            "partner": self.partner.get_untracked(),
            "reason": self.reason.get_untracked(),
            "personal_data": self.personal_data.get_untracked(),
            "format": if self.csv.get_untracked() { "csv" } else { "json" },
        });
        if self.one.get_untracked() {
            let id = self
                .seizure_id
                .get_untracked()
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::invalid("seizure_id", said!(seizures.id_positive)))?;
            body["seizure_id"] = json!(id);
        } else {
            for (field, value) in [("from", self.from), ("to", self.to)] {
                let value = value.get_untracked();
                if value.trim().is_empty() {
                    return Err(AppError::invalid(field, said!(seizures.page.day_missing)));
                }
                body[field] = Value::String(value.trim().to_string());
            }
        }
        Ok(body)
    }
}

#[component]
pub fn SeizureReportsPage() -> impl IntoView {
    let l = lang::current();
    view! {
        <Title text=td_string!(l, seizures.page.title) />
        <div class="page-head">
            <h1>{td_string!(l, seizures.page.title)}</h1>
            <p class="lede">{td_string!(l, seizures.page.lede)}</p>
        </div>
        <RoleGate action=Action::ShareSeizures refusal=td_string!(l, seizures.page.refusal_role)>
            <ExportForm />
        </RoleGate>
    }
}

#[component]
fn ExportForm() -> impl IntoView {
    let form = Form::new();
    let phase = RwSignal::new(Phase::Idle);
    let problem = Signal::derive(move || match phase.get() {
        Phase::Failed(error) => Some(error),
        _ => None,
    });
    let busy = move || phase.get() == Phase::Sending;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        match form.request() {
            Ok(body) => {
                phase.set(Phase::Sending);
                if let Err(error) = download::start(body, form.personal_data.get_untracked(), phase)
                {
                    phase.set(Phase::Failed(error));
                }
            }
            Err(error) => phase.set(Phase::Failed(error)),
        }
    };
    let l = lang::current();
    let notes = |id: &str, name: &'static str, hint: &'static str| {
        FieldNotes::new(&format!("seizure-report-{id}"), name, hint, problem)
    };
    let id_notes = notes("seizure-id", "seizure_id", "");
    let from_notes = notes("from", "from", "");
    let to_notes = notes("to", "to", td_string!(l, seizures.page.to_hint));
    let partner_notes = notes(
        "partner",
        "partner",
        td_string!(l, seizures.page.partner_hint),
    );
    let reason_notes = notes("reason", "reason", td_string!(l, seizures.page.reason_hint));
    let text_input =
        move |id: &'static str, value: RwSignal<String>, notes: FieldNotes, max: usize| {
            view! {
                <input
                    id=id
                    type="text"
                    required
                    maxlength=max.to_string()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=notes.invalid()
                    aria-describedby=notes.described()
                />
                {notes.view()}
            }
        };
    let date_input = move |id: &'static str, value: RwSignal<String>, notes: FieldNotes| {
        view! {
            <input
                id=id
                type="date"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=notes.invalid()
                aria-describedby=notes.described()
            />
            {notes.view()}
        }
    };
    view! {
        <section class="panel" aria-labelledby="seizure-report-title">
            <h2 id="seizure-report-title">{td_string!(l, seizures.page.form_heading)}</h2>
            <form class="seizure-report" on:submit=submit novalidate>
                <fieldset>
                    <legend>{td_string!(l, seizures.page.covers)}</legend>
                    <Choice
                        name="covers"
                        value="period"
                        flag=form.one
                        when=false
                        label=td_string!(l, seizures.page.a_period)
                    />
                    <Choice
                        name="covers"
                        value="one"
                        flag=form.one
                        when=true
                        label=td_string!(l, seizures.page.one_seizure)
                    />
                    <Show
                        when=move || form.one.get()
                        fallback=move || {
                            view! {
                                <div class="field-row">
                                    <div class="field">
                                        <label for="seizure-report-from">
                                            {td_string!(l, seizures.page.from)}
                                        </label>
                                        {date_input(
                                            "seizure-report-from",
                                            form.from,
                                            from_notes.clone(),
                                        )}
                                    </div>
                                    <div class="field">
                                        <label for="seizure-report-to">
                                            {td_string!(l, seizures.page.to)}
                                        </label>
                                        {date_input("seizure-report-to", form.to, to_notes.clone())}
                                    </div>
                                </div>
                            }
                        }
                    >
                        <div class="field">
                            <label for="seizure-report-seizure-id">
                                {td_string!(l, seizures.page.seizure_id)}
                            </label>
                            <input
                                id="seizure-report-seizure-id"
                                type="text"
                                inputmode="numeric"
                                required
                                prop:value=move || form.seizure_id.get()
                                on:input=move |ev| form.seizure_id.set(event_target_value(&ev))
                                aria-invalid=id_notes.invalid()
                                aria-describedby=id_notes.described()
                            />
                            {id_notes.clone().view()}
                        </div>
                    </Show>
                </fieldset>
                <div class="field">
                    <label for="seizure-report-partner">
                        {td_string!(l, seizures.page.partner)}
                    </label>
                    {text_input(
                        "seizure-report-partner",
                        form.partner,
                        partner_notes,
                        MAX_PARTNER_CHARS,
                    )}
                </div>
                <div class="field">
                    <label for="seizure-report-reason">{td_string!(l, seizures.page.reason)}</label>
                    {text_input("seizure-report-reason", form.reason, reason_notes, MAX_TEXT_CHARS)}
                </div>
                <div class="field">
                    <label class="choice">
                        <input
                            type="checkbox"
                            id="seizure-report-personal"
                            prop:checked=move || form.personal_data.get()
                            on:change=move |ev| form.personal_data.set(event_target_checked(&ev))
                            aria-describedby="seizure-report-personal-hint"
                        />
                        {td_string!(l, seizures.page.personal_data)}
                    </label>
                    <span class="hint" id="seizure-report-personal-hint">
                        {td_string!(l, seizures.page.personal_data_hint)}
                    </span>
                </div>
                <fieldset>
                    <legend>{td_string!(l, seizures.page.format)}</legend>
                    <Choice
                        name="format"
                        value="csv"
                        flag=form.csv
                        when=true
                        label=td_string!(l, seizures.page.csv)
                    />
                    <Choice
                        name="format"
                        value="json"
                        flag=form.csv
                        when=false
                        label=td_string!(l, seizures.page.json)
                    />
                </fieldset>
                <button type="submit" class="primary" disabled=busy>
                    {td_string!(l, seizures.page.download)}
                </button>
            </form>
            {move || match phase.get() {
                Phase::Idle => ().into_any(),
                Phase::Sending => {
                    view! {
                        <p class="loading" role="status">
                            {td_string!(l, seizures.page.sending)}
                        </p>
                    }
                        .into_any()
                }
                Phase::Saved(saved) => view! { <SavedNotice saved /> }.into_any(),
                Phase::Failed(error) => {
                    view! {
                        <RefusalNotice
                            error
                            nothing_done=td_string!(l, seizures.page.nothing_exported)
                        />
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// One radio button of a choice between two: checked while `flag` is `when`, making it so.
#[component]
fn Choice(
    name: &'static str,
    value: &'static str,
    flag: RwSignal<bool>,
    when: bool,
    label: &'static str,
) -> impl IntoView {
    view! {
        <label class="choice">
            <input
                type="radio"
                name=name
                value=value
                prop:checked=move || flag.get() == when
                on:change=move |_| flag.set(when)
            />
            {label}
        </label>
    }
}

#[component]
fn SavedNotice(saved: Saved) -> impl IntoView {
    let l = lang::current();
    let count = format::integer(l, saved.seizures);
    let seq = format::integer(l, saved.journal_seq);
    let file = saved.file.clone();
    view! {
        <div class="notice" role="status">
            <p>
                {crate::counted!(
                    l, saved.seizures, seizures.page.saved_single | seizures.page.saved_several, count = count, file = file
                )}
            </p>
            <p>
                {if saved.personal_data {
                    td_string!(l, seizures.page.journaled_with_parties, seq = seq).to_string()
                } else {
                    td_string!(l, seizures.page.journaled_without_parties, seq = seq).to_string()
                }}
            </p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod download {
    //! The request, and the answer saved as a file through a link to it that is clicked once.

    use super::{Phase, Saved};
    use crate::error::AppError;
    use crate::i18n::td_string;
    use crate::lang;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{Event, HtmlElement, XmlHttpRequest, XmlHttpRequestResponseType};

    fn js(error: wasm_bindgen::JsValue) -> AppError {
        AppError::Transport {
            message: error.as_string().unwrap_or_else(|| {
                td_string!(lang::current(), seizures.page.browser_refused).to_string()
            }),
        }
    }

    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: AppError,
    }

    /// The file name the server gave (`content-disposition`); without one the browser names
    /// the file.
    fn file_name(request: &XmlHttpRequest) -> String {
        request
            .get_response_header("content-disposition")
            .ok()
            .flatten()
            .and_then(|d| {
                d.split("filename=")
                    .nth(1)
                    .map(|n| n.trim_matches('"').to_string())
            })
            .unwrap_or_default()
    }

    /// Saves the answer's bytes as they came (a CSV keeps its byte order mark, which a text
    /// read would drop).
    fn save(bytes: &js_sys::Uint8Array, file: &str) -> Result<(), AppError> {
        let parts = js_sys::Array::of1(bytes);
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
        let document = document();
        let link = document.create_element("a").map_err(js)?;
        link.set_attribute("href", &url).map_err(js)?;
        link.set_attribute("download", file).map_err(js)?;
        link.dyn_ref::<HtmlElement>()
            .ok_or_else(|| js(wasm_bindgen::JsValue::NULL))?
            .click();
        web_sys::Url::revoke_object_url(&url).map_err(js)?;
        Ok(())
    }

    fn header_number(request: &XmlHttpRequest, name: &str) -> i64 {
        request
            .get_response_header(name)
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Sends `body`; the phase says when the file is saved or why not.
    pub fn start(
        body: serde_json::Value,
        personal_data: bool,
        phase: RwSignal<Phase>,
    ) -> Result<(), AppError> {
        let request = XmlHttpRequest::new().map_err(js)?;
        request
            .open_with_async("POST", "/api/v1/seizures/reports", true)
            .map_err(js)?;
        request
            .set_request_header("Content-Type", "application/json")
            .map_err(js)?;
        // The API answers in the language its request names: the page's.
        request
            .set_request_header("Accept-Language", lang::code(lang::current()))
            .map_err(js)?;
        request.set_response_type(XmlHttpRequestResponseType::Arraybuffer);
        let answered = request.clone();
        let done = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            let status = answered.status().unwrap_or(0);
            let bytes = js_sys::Uint8Array::new(&answered.response().unwrap_or_default());
            phase.set(if (200..300).contains(&status) {
                let file = file_name(&answered);
                match save(&bytes, &file) {
                    Ok(()) => Phase::Saved(Saved {
                        file,
                        seizures: header_number(&answered, "x-seizure-count"),
                        journal_seq: header_number(&answered, "x-journal-seq"),
                        personal_data,
                    }),
                    Err(error) => Phase::Failed(error),
                }
            } else {
                Phase::Failed(
                    serde_json::from_slice::<ErrorBody>(&bytes.to_vec())
                        .map(|b| b.error)
                        .unwrap_or(AppError::Transport {
                            message: td_string!(
                                lang::current(),
                                seizures.page.server_answered,
                                status = status
                            )
                            .to_string(),
                        }),
                )
            });
        });
        let failed = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            phase.set(Phase::Failed(AppError::Transport {
                message: td_string!(lang::current(), seizures.page.connection_lost).to_string(),
            }));
        });
        request.set_onload(Some(done.as_ref().unchecked_ref()));
        request.set_onerror(Some(failed.as_ref().unchecked_ref()));
        // The handlers live as long as the page: one export is a handful of bytes of them.
        done.forget();
        failed.forget();
        request
            .send_with_opt_str(Some(&body.to_string()))
            .map_err(js)?;
        Ok(())
    }
}
