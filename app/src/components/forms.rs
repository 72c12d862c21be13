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

/// What stands under a field: its hint, and the server's refusal of it when there is one,
/// each tied to the field by `aria-describedby` (ids `{id}-hint` and `{id}-error`).
#[derive(Clone)]
pub struct FieldNotes {
    name: &'static str,
    hint: &'static str,
    hint_id: String,
    error_id: String,
    problem: Signal<Option<AppError>>,
}

impl FieldNotes {
    /// The notes of the field `id`, sent as `name`.
    pub fn new(
        id: &str,
        name: &'static str,
        hint: &'static str,
        problem: Signal<Option<AppError>>,
    ) -> Self {
        FieldNotes {
            name,
            hint,
            hint_id: format!("{id}-hint"),
            error_id: format!("{id}-error"),
            problem,
        }
    }

    /// The server's refusal of this field, if it refused it.
    pub fn error(&self) -> Option<String> {
        field_reason(self.problem.get(), self.name)
    }

    /// The field's `aria-describedby`: the ids of the notes shown.
    pub fn described(&self) -> impl Fn() -> Option<String> + Clone + Send + Sync + use<> {
        let notes = self.clone();
        move || {
            let ids: Vec<&str> = [
                (!notes.hint.is_empty()).then_some(notes.hint_id.as_str()),
                notes.error().is_some().then_some(notes.error_id.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    }

    /// Whether the field is marked invalid (`aria-invalid`).
    pub fn invalid(&self) -> impl Fn() -> Option<&'static str> + Clone + Send + Sync + use<> {
        let notes = self.clone();
        move || notes.error().is_some().then_some("true")
    }

    /// The hint and the refusal, under the field.
    pub fn view(self) -> impl IntoView {
        let FieldNotes {
            hint,
            hint_id,
            error_id,
            ..
        } = self.clone();
        view! {
            {(!hint.is_empty())
                .then(|| {
                    view! {
                        <span class="hint" id=hint_id>
                            {hint}
                        </span>
                    }
                })}
            {move || {
                self.error()
                    .map(|reason| {
                        view! {
                            <span class="field-error" id=error_id.clone()>
                                {reason}
                            </span>
                        }
                    })
            }}
        }
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
    let notes = FieldNotes::new(&id, name, hint, problem);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required
                aria-invalid=notes.invalid()
                aria-describedby=notes.described()
            />
            {notes.view()}
        </div>
    }
}

/// What is wrong with a reason as typed, if anything.
pub fn reason_problem(text: &str, required: bool) -> Option<String> {
    let n = text.trim().chars().count();
    let locale = crate::lang::current();
    if required && n == 0 {
        Some(crate::i18n::td_string!(locale, components.reason_required).into())
    } else if n > MAX_TEXT_CHARS {
        let integer = |n: usize| crate::lang::format::integer(locale, n as i64);
        Some(
            crate::i18n::td_string!(
                locale,
                components.reason_too_long,
                count = integer(n),
                max = integer(MAX_TEXT_CHARS)
            )
            .to_string(),
        )
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
