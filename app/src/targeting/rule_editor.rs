//! The rule editor of `/targeting`: a new rule, or the next version of one, as the analyst
//! types it ([`RuleForm`]), tried on the last 30 days or saved. Each field is described once
//! ([`Field`]: its name, how it is typed, its hint) and drawn by one component; what a rule
//! looks for is a list of such fields per kind, and every label is the one a field error is
//! named with ([`field_label`]).

use super::RuleKind;
use super::rpc::{RuleForm, SaveRule, TryRule, field_label};
use crate::components::common::ErrorNotice;
use crate::components::forms::FieldNotes;
use crate::domain::InspectionKind;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use crate::targeting::Rule;
use leptos::prelude::*;

/// The rule being edited: `None` for a new one.
#[derive(Clone, Copy, PartialEq)]
pub struct Editing {
    pub id: i64,
    pub version: i64,
}

/// How a field is filled in.
#[derive(Clone, Copy)]
enum Input {
    /// One line, as wide as `size` characters when given.
    Line(Option<u32>),
    /// A few lines.
    Lines,
    /// One of a list: (value, what the analyst reads).
    Choice(fn() -> Vec<(&'static str, &'static str)>),
}

/// One field of the rule form: its name in [`RuleForm`] (and in the errors that name it), how
/// it is filled in, a hint shown under it (in the language being spoken), and where its text
/// is kept.
#[derive(Clone, Copy)]
struct Field {
    name: &'static str,
    input: Input,
    hint: fn() -> &'static str,
    get: fn(&RuleForm) -> &String,
    set: fn(&mut RuleForm) -> &mut String,
}

impl Field {
    const fn new(
        name: &'static str,
        input: Input,
        get: fn(&RuleForm) -> &String,
        set: fn(&mut RuleForm) -> &mut String,
    ) -> Self {
        Field {
            name,
            input,
            hint: || "",
            get,
            set,
        }
    }

    const fn hint(self, hint: fn() -> &'static str) -> Self {
        Field { hint, ..self }
    }
}

const LINE: Input = Input::Line(None);

/// The field of [`RuleForm`] called `$name`, filled in as `$input`: its name is the form's
/// own, so a field error names the field it is shown under.
macro_rules! field {
    ($name:ident, $input:expr) => {
        Field::new(stringify!($name), $input, |f| &f.$name, |f| &mut f.$name)
    };
}

const NAME: Field = field!(name, Input::Line(Some(40)));
const KIND: Field = field!(kind, Input::Choice(kinds));
const WEIGHT: Field = field!(weight, Input::Line(Some(5)))
    .hint(|| td_string!(lang::current(), targeting.editor.weight_hint));
const INSPECTION: Field = field!(inspection, Input::Choice(examinations));
const REASON: Field = field!(reason, Input::Lines);
const INSTRUCTIONS: Field = field!(instructions, Input::Lines);

fn kinds() -> Vec<(&'static str, &'static str)> {
    RuleKind::ALL
        .iter()
        .map(|k| (k.code(), k.label()))
        .collect()
}

fn examinations() -> Vec<(&'static str, &'static str)> {
    std::iter::once(("", td_string!(lang::current(), targeting.editor.usual_exam)))
        .chain(InspectionKind::ALL.iter().map(|k| (k.code(), k.label())))
        .collect()
}

fn country_roles() -> Vec<(&'static str, &'static str)> {
    let l = lang::current();
    vec![
        ("either", td_string!(l, targeting.editor.either)),
        ("origin", td_string!(l, targeting.editor.origin)),
        ("transit", td_string!(l, targeting.editor.transit)),
    ]
}

/// The fields of what a rule of `kind` looks for, in the order the form shows them.
fn indicator_fields(kind: RuleKind) -> &'static [Field] {
    const COUNTRY: &[Field] = &[
        field!(countries, LINE)
            .hint(|| td_string!(lang::current(), targeting.editor.countries_hint)),
        field!(on, Input::Choice(country_roles)),
    ];
    const HS_PREFIX: &[Field] =
        &[field!(prefixes, LINE)
            .hint(|| td_string!(lang::current(), targeting.editor.prefixes_hint))];
    const WATCH_LIST: &[Field] = &[field!(parties, Input::Lines)
        .hint(|| td_string!(lang::current(), targeting.editor.parties_hint))];
    const VALUE_PER_KG: &[Field] = &[
        field!(hs_prefix, LINE)
            .hint(|| td_string!(lang::current(), targeting.editor.hs_prefix_hint)),
        field!(min_per_kg, LINE).hint(|| td_string!(lang::current(), targeting.editor.min_hint)),
        field!(max_per_kg, LINE),
    ];
    const ROUTING: &[Field] = &[
        field!(max_stops, LINE).hint(|| td_string!(lang::current(), targeting.editor.stops_hint)),
        field!(via, LINE).hint(|| td_string!(lang::current(), targeting.editor.via_hint)),
    ];
    const INTELLIGENCE: &[Field] = &[
        field!(party, LINE).hint(|| td_string!(lang::current(), targeting.editor.party_hint)),
        field!(reference, LINE),
    ];
    const RIGHTS_REQUEST: &[Field] =
        &[field!(countries, LINE)
            .hint(|| td_string!(lang::current(), targeting.editor.routes_hint))];
    match kind {
        RuleKind::Country => COUNTRY,
        RuleKind::HsPrefix => HS_PREFIX,
        RuleKind::WatchList => WATCH_LIST,
        RuleKind::FirstTimeImporter => &[],
        RuleKind::ValuePerKg => VALUE_PER_KG,
        RuleKind::Routing => ROUTING,
        RuleKind::Intelligence => INTELLIGENCE,
        RuleKind::RightsRequest => RIGHTS_REQUEST,
    }
}

/// An error under a form's `title`: a field error named with the field's label, any other as
/// every page shows it.
#[component]
pub fn FieldProblem(title: &'static str, error: AppError) -> impl IntoView {
    match error {
        AppError::Invalid { field, reason } => view! {
            <div class="notice error" role="alert">
                <strong>{title}</strong>
                " "
                {td_string!(
                    lang::current(),
                    targeting.field_problem,
                    field = field_label(&field),
                    reason = reason
                )
                    .to_string()}

            </div>
        }
        .into_any(),
        error => view! { <ErrorNotice error /> }.into_any(),
    }
}

/// One labelled field of the rule form; a typed one has its hint and its error under it.
#[component]
fn FormField(
    field: Field,
    form: RwSignal<RuleForm>,
    problem: Signal<Option<AppError>>,
) -> impl IntoView {
    let Field {
        name,
        input,
        hint,
        get,
        set,
    } = field;
    let label = field_label(name);
    let id = format!("rule-{name}");
    let value = move || form.with(|f| get(f).clone());
    // The value the field is drawn with is also its `value` attribute (an option's
    // `selected`): the browser's default value, which the live updates compare with to tell
    // a field the person has changed from one left as it was drawn.
    let drawn = form.with_untracked(|f| get(f).clone());
    if let Input::Choice(options) = input {
        return view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <select
                    id=id
                    name=name
                    prop:value=value
                    on:change=move |ev| form.update(|f| *set(f) = event_target_value(&ev))
                >
                    {options()
                        .into_iter()
                        .map(|(value, text)| {
                            view! {
                                <option value=value selected=value == drawn>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        }
        .into_any();
    }
    let notes = FieldNotes::new(&id, name, hint(), problem);
    let (control, class) = match input {
        Input::Line(size) => (
            view! {
                <input
                    id=id.clone()
                    name=name
                    size=size.map(|s| s.to_string())
                    aria-invalid=notes.invalid()
                    aria-describedby=notes.described()
                    value=drawn.clone()
                    prop:value=value
                    on:input=move |ev| form.update(|f| *set(f) = event_target_value(&ev))
                />
            }
            .into_any(),
            "field",
        ),
        // A choice is drawn above, with its label and nothing under it.
        Input::Lines | Input::Choice(_) => (
            view! {
                <textarea
                    id=id.clone()
                    name=name
                    rows="2"
                    aria-invalid=notes.invalid()
                    aria-describedby=notes.described()
                    prop:value=value
                    on:input=move |ev| form.update(|f| *set(f) = event_target_value(&ev))
                >
                    {drawn.clone()}
                </textarea>
            }
            .into_any(),
            "field wide",
        ),
    };
    view! {
        <div class=class>
            <label for=id>{label}</label>
            {control}
            {notes.view()}
        </div>
    }
    .into_any()
}

/// The form of a new rule, or of the next version of the rule `editing` names, with the
/// trial of the draft beside the save.
#[component]
pub fn RuleEditor(
    form: RwSignal<RuleForm>,
    editing: RwSignal<Option<Editing>>,
    save: ServerAction<SaveRule>,
    trial: ServerAction<TryRule>,
) -> impl IntoView {
    // The error of whichever of save and trial answered last.
    let problem = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(None::<Rule>);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(rule)) => {
            problem.set(None);
            saved.set(Some(rule));
            editing.set(None);
            form.set(RuleForm::new_rule());
        }
        Some(Err(error)) => {
            saved.set(None);
            problem.set(Some(error));
        }
        None => {}
    });
    Effect::new(move |_| match trial.value().get() {
        Some(Ok(_)) => problem.set(None),
        Some(Err(error)) => problem.set(Some(error)),
        None => {}
    });
    let problem_signal: Signal<Option<AppError>> = problem.into();
    let field = move |field: Field| view! { <FormField field form problem=problem_signal /> };
    let kind = move || form.with(|f| RuleKind::parse(&f.kind));
    let busy = move || save.pending().get() || trial.pending().get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = editing.get_untracked();
        save.dispatch(SaveRule {
            id: edit.map(|e| e.id),
            version: edit.map(|e| e.version),
            form: form.get_untracked(),
        });
    };
    view! {
        <section class="panel" aria-labelledby="editor-title">
            <h2 id="editor-title">
                {move || match editing.get() {
                    Some(e) => {
                        td_string!(
                            lang::current(),
                            targeting.editor.edit_heading,
                            id = e.id,
                            version = e.version
                        )
                            .to_string()
                    }
                    None => td_string!(lang::current(), targeting.editor.new_heading).to_string(),
                }}
            </h2>
            {move || {
                saved
                    .get()
                    .map(|rule| {
                        view! {
                            <p class="notice" role="status">
                                {if rule.enabled {
                                    td_string!(
                                        lang::current(),
                                        targeting.editor.saved_enabled,
                                        name = rule.name,
                                        version = rule.version
                                    )
                                        .to_string()
                                } else {
                                    td_string!(
                                        lang::current(),
                                        targeting.editor.saved_disabled,
                                        name = rule.name,
                                        version = rule.version
                                    )
                                        .to_string()
                                }}
                            </p>
                        }
                    })
            }}
            {move || {
                problem
                    .get()
                    .map(|error| {
                        view! {
                            <FieldProblem
                                title=td_string!(lang::current(), targeting.editor.check)
                                error
                            />
                        }
                    })
            }}
            <form class="rule-form" on:submit=submit>
                {field(NAME)}
                {field(KIND)}
                {move || match kind() {
                    Some(RuleKind::FirstTimeImporter) => {
                        view! {
                            <p class="hint">
                                {td_string!(lang::current(), targeting.editor.first_time)}
                            </p>
                        }
                            .into_any()
                    }
                    Some(RuleKind::RightsRequest) => {
                        view! {
                            <p class="hint">
                                {td_string!(lang::current(), targeting.editor.rights_request)}
                            </p>
                            {indicator_fields(RuleKind::RightsRequest)
                                .iter()
                                .map(|&f| field(f))
                                .collect_view()}
                        }
                            .into_any()
                    }
                    Some(kind) => {
                        indicator_fields(kind).iter().map(|&f| field(f)).collect_view().into_any()
                    }
                    None => ().into_any(),
                }}
                {field(WEIGHT)}
                {field(INSPECTION)}
                {field(REASON)}
                {field(INSTRUCTIONS)}
                <div class="form-actions">
                    <button
                        type="button"
                        disabled=busy
                        on:click=move |_| {
                            trial
                                .dispatch(TryRule {
                                    form: form.get_untracked(),
                                    days: 30,
                                });
                        }
                    >
                        {move || {
                            if trial.pending().get() {
                                td_string!(lang::current(), targeting.editor.trying)
                            } else {
                                td_string!(lang::current(), targeting.editor.try_days)
                            }
                        }}
                    </button>
                    <button type="submit" class="primary" disabled=busy>
                        {move || match editing.get() {
                            Some(_) => td_string!(lang::current(), targeting.editor.save_version),
                            None => td_string!(lang::current(), targeting.editor.create),
                        }}
                    </button>
                    {move || {
                        editing
                            .get()
                            .map(|_| {
                                view! {
                                    <button
                                        type="button"
                                        on:click=move |_| {
                                            editing.set(None);
                                            problem.set(None);
                                        }
                                    >
                                        {td_string!(lang::current(), targeting.editor.stop)}

                                    </button>
                                }
                            })
                    }}
                </div>
            </form>
        </section>
    }
}
