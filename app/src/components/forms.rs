//! The pieces of the action forms: a reason box that says what is wrong as it is typed, one
//! action's button, and a labelled field that shows the server's refusal of it. Forms check
//! their input as it is typed; the server checks it again and has the last word.

use crate::domain::MAX_TEXT_CHARS;
use crate::error::AppError;
use leptos::prelude::*;

/// The reason `problem` gives for `field`, when it is a refusal of that field.
pub fn field_reason(problem: Option<AppError>, field: &str) -> Option<String> {
    match problem {
        Some(AppError::Invalid { field: f, reason }) if f == field => Some(reason),
        _ => None,
    }
}

/// A labelled input sent as `name`, with its hint under it and, when the server refused this
/// field, the reason: both tied to the input (`aria-describedby`), which is then marked
/// invalid. Ids are `{form}-{name}`, `…-hint` and `…-error`.
#[component]
pub fn InputField(
    form: &'static str,
    name: &'static str,
    label: &'static str,
    /// The input's type: `text`, `password`, …
    kind: &'static str,
    autocomplete: &'static str,
    problem: Signal<Option<AppError>>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = move || field_reason(problem.get(), name);
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<&str> = [
                (!hint.is_empty()).then_some(hint_id.as_str()),
                error().is_some().then_some(error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described
            />
            {(!hint.is_empty())
                .then(|| {
                    view! {
                        <span class="hint" id=hint_id>
                            {hint}
                        </span>
                    }
                })}
            {move || {
                error()
                    .map(|reason| {
                        view! {
                            <span class="field-error" id=error_id.clone()>
                                {reason}
                            </span>
                        }
                    })
            }}
        </div>
    }
}

/// What is wrong with a reason as typed, if anything.
pub fn reason_problem(text: &str, required: bool) -> Option<String> {
    let n = text.trim().chars().count();
    if required && n == 0 {
        Some("say why: this is kept in the record".into())
    } else if n > MAX_TEXT_CHARS {
        Some(format!("{n} characters; at most {MAX_TEXT_CHARS}"))
    } else {
        None
    }
}

/// A reason box that says what is wrong as you type.
#[component]
pub fn ReasonField(
    label: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let problem = move || reason_problem(&value.get(), !optional);
    let touched = RwSignal::new(false);
    view! {
        <label class="reason">
            {label}
            <input
                type="text"
                maxlength=MAX_TEXT_CHARS.to_string()
                prop:value=move || value.get()
                on:input=move |ev| {
                    touched.set(true);
                    value.set(event_target_value(&ev));
                }
                aria-invalid=move || (touched.get() && problem().is_some()).to_string()
            /> <span class="hint" aria-live="polite">
                {move || if touched.get() { problem() } else { None }}
            </span>
        </label>
    }
}

/// One action's button: enabled while `enabled` holds, doing `press` when pressed.
#[component]
pub fn ActButton(
    label: &'static str,
    #[prop(optional)] class: Option<&'static str>,
    enabled: Signal<bool>,
    press: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class=class disabled=move || !enabled.get() on:click=move |_| press()>
            {label}
        </button>
    }
}
