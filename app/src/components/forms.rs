//! The pieces of the action forms: a reason box that says what is wrong as it is typed, and
//! one action's button. Forms check their input as it is typed; the server checks it again
//! and has the last word.

use crate::domain::MAX_TEXT_CHARS;
use leptos::prelude::*;

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
