//! `/targeting`, where analysts keep the rules: the rules at their current versions (edit,
//! versions, enable or disable with a reason), the rule editor (`rule_editor.rs`), and what
//! the rules found and a draft would find (`figures.rs`).

use super::Rule;
use super::figures::{StatsPanel, TrialResult};
use super::rpc::{RuleForm, SaveRule, SwitchRule, TryRule, list_rules, rule_versions};
use super::rule_editor::{Editing, RuleEditor};
use crate::components::common::{Badge, ErrorNotice, RoleGate};
use crate::components::table::{ColumnHeads, RecordTable};
use crate::domain::Action;
use crate::domain::clock::local_time;
use crate::live::client::use_live;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/targeting`: the rules workspace, for analysts and administrators.
#[component]
pub fn TargetingPage() -> impl IntoView {
    view! {
        <Title text="Targeting rules" />
        <RoleGate
            action=Action::ManageRules
            refusal="risk rules are kept by analysts and administrators"
        >
            <RulesWorkspace />
        </RoleGate>
    }
}

/// The rules, their editor and their figures, sharing the form and the rule being edited.
#[component]
fn RulesWorkspace() -> impl IntoView {
    let save = ServerAction::<SaveRule>::new();
    let switch = ServerAction::<SwitchRule>::new();
    let trial = ServerAction::<TryRule>::new();
    let live = use_live();
    let rules = Resource::new(
        move || {
            (
                save.version().get(),
                switch.version().get(),
                live.touched("rule"),
            )
        },
        |_| list_rules(),
    );
    let form = RwSignal::new(RuleForm::new_rule());
    let editing = RwSignal::new(None::<Editing>);
    let history = RwSignal::new(None::<i64>);
    let switching = RwSignal::new(None::<(Rule, bool)>);
    view! {
        <div class="page-head">
            <h1>"Targeting rules"</h1>
            <p class="lede">
                "The rules that score every declaration. An edit makes a new version; every score keeps the versions that produced it. Try a draft on the last 30 days before it goes live."
            </p>
        </div>
        <section class="panel" aria-labelledby="rules-title">
            <h2 id="rules-title">"Rules"</h2>
            {move || match switch.value().get() {
                Some(Ok(rule)) => {
                    Some(
                        view! {
                            <p class="notice" role="status">
                                {format!(
                                    "\"{}\" is {}.",
                                    rule.name,
                                    if rule.enabled { "enabled" } else { "disabled" },
                                )}
                            </p>
                        }
                            .into_any(),
                    )
                }
                _ => None,
            }}
            <Transition fallback=|| {
                view! { <p class="loading">"Loading rules…"</p> }
            }>
                {move || Suspend::new(async move {
                    match rules.await {
                        Ok(rules) => {
                            view! { <RuleTable rules form editing history switching /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <SwitchForm switching switch />
            <RuleHistory history />
        </section>
        <RuleEditor form editing save trial />
        <TrialResult trial />
        <StatsPanel />
    }
}

#[component]
fn RuleTable(
    rules: Vec<Rule>,
    form: RwSignal<RuleForm>,
    editing: RwSignal<Option<Editing>>,
    history: RwSignal<Option<i64>>,
    switching: RwSignal<Option<(Rule, bool)>>,
) -> impl IntoView {
    view! {
        <RecordTable
            class="rules"
            heads=view! {
                <ColumnHeads
                    names=&[
                        "Rule",
                        "Looks at",
                        "Weight",
                        "Status",
                        "Version",
                        "Author",
                        "Last change",
                        "Actions",
                    ]
                    numeric=&["Weight"]
                />
            }
            records=rules
            empty="No rule yet: write the first one below."
            row=move |rule| {
                let for_edit = rule.clone();
                let for_switch = rule.clone();
                let (id, name, enabled) = (rule.id, rule.name.clone(), rule.enabled);
                view! {
                    <tr data-rule=rule.id>
                        <th scope="row">
                            {rule.name.clone()} <div class="sub">{rule.reason.clone()}</div>
                        </th>
                        <td>{rule.indicator.kind().label()}</td>
                        <td class="num">{rule.weight.to_string()}</td>
                        <td>
                            {if enabled {
                                view! { <Badge kind="enabled" text="Enabled" /> }
                            } else {
                                view! { <Badge kind="disabled" text="Disabled" /> }
                            }}
                        </td>
                        <td>{format!("v{}", rule.version)}</td>
                        <td>{rule.author.clone()}</td>
                        <td>{local_time(rule.created_at, "UTC")}</td>
                        <td class="row-actions">
                            <button
                                type="button"
                                aria-label=format!("Edit {name}")
                                on:click=move |_| {
                                    form.set(RuleForm::from_rule(&for_edit));
                                    editing
                                        .set(
                                            Some(Editing {
                                                id: for_edit.id,
                                                version: for_edit.version,
                                            }),
                                        );
                                    focus("rule-name");
                                }
                            >
                                "Edit"
                            </button>
                            <button
                                type="button"
                                aria-label=format!("Versions of {name}")
                                on:click=move |_| history.set(Some(id))
                            >
                                "Versions"
                            </button>
                            <button
                                type="button"
                                aria-label=format!(
                                    "{} {name}",
                                    if enabled { "Disable" } else { "Enable" },
                                )
                                on:click=move |_| {
                                    switching.set(Some((for_switch.clone(), !enabled)));
                                    focus("switch-reason");
                                }
                            >
                                {if enabled { "Disable…" } else { "Enable…" }}
                            </button>
                        </td>
                    </tr>
                }
            }
        />
    }
}

/// Moves the keyboard focus to the element with this id, once it is on the page.
fn focus(id: &'static str) {
    #[cfg(feature = "hydrate")]
    {
        request_animation_frame(move || {
            use wasm_bindgen::JsCast;
            if let Some(element) = document()
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = element.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Enable or disable a rule, with the reason the journal keeps.
#[component]
fn SwitchForm(
    switching: RwSignal<Option<(Rule, bool)>>,
    switch: ServerAction<SwitchRule>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        if matches!(switch.value().get(), Some(Ok(_))) {
            switching.set(None);
            reason.set(String::new());
        }
    });
    move || {
        switching.get().map(|(rule, enable)| {
            let verb = if enable { "Enable" } else { "Disable" };
            let id = rule.id;
            view! {
                <form
                    class="filters switch-form"
                    aria-label=format!("{verb} {}", rule.name)
                    on:submit=move |ev| {
                        ev.prevent_default();
                        switch
                            .dispatch(SwitchRule {
                                id,
                                enabled: enable,
                                reason: reason.get_untracked(),
                            });
                    }
                >
                    <p>{format!("{verb} \"{}\" (version {}).", rule.name, rule.version)}</p>
                    <label>
                        "Reason"
                        <input
                            id="switch-reason"
                            required
                            size="40"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="submit" class="primary" disabled=move || switch.pending().get()>
                        {verb}
                    </button>
                    <button type="button" on:click=move |_| switching.set(None)>
                        "Cancel"
                    </button>
                    {move || match switch.value().get() {
                        Some(Err(error)) => Some(view! { <ErrorNotice error /> }),
                        _ => None,
                    }}
                </form>
            }
        })
    }
}

#[component]
fn RuleHistory(history: RwSignal<Option<i64>>) -> impl IntoView {
    let versions = Resource::new(
        move || history.get(),
        |id| async move {
            match id {
                Some(id) => rule_versions(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match versions.await {
                    Ok(Some(versions)) => {
                        let name = versions.first().map(|r| r.name.clone()).unwrap_or_default();
                        view! {
                            <div class="history">
                                <h3>{format!("Versions of \"{name}\"")}</h3>
                                <table class="grid">
                                    <thead>
                                        <ColumnHeads
                                            names=&[
                                                "Version",
                                                "Name",
                                                "Looks for",
                                                "Weight",
                                                "Reason",
                                                "Author",
                                                "Written",
                                            ]
                                            numeric=&["Weight"]
                                        />
                                    </thead>
                                    <tbody>
                                        {versions
                                            .into_iter()
                                            .map(|v| {
                                                view! {
                                                    <tr>
                                                        <th scope="row">{format!("v{}", v.version)}</th>
                                                        <td>{v.name.clone()}</td>
                                                        <td>{describe(&v)}</td>
                                                        <td class="num">{v.weight.to_string()}</td>
                                                        <td>{v.reason.clone()}</td>
                                                        <td>{v.author.clone()}</td>
                                                        <td>{local_time(v.created_at, "UTC")}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                <button type="button" on:click=move |_| history.set(None)>
                                    "Close versions"
                                </button>
                            </div>
                        }
                            .into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// What a rule looks for, in a line.
fn describe(rule: &Rule) -> String {
    use super::Indicator as I;
    match &rule.indicator {
        I::Country { countries, .. } => format!("countries {}", countries.join(", ")),
        I::HsPrefix { prefixes } => format!("HS {}", prefixes.join(", ")),
        I::WatchList { parties } => format!("{} parties", parties.len()),
        I::FirstTimeImporter {} => "first shipment of an importer".into(),
        I::ValuePerKg {
            hs_prefix,
            min_cents_per_kg,
            max_cents_per_kg,
        } => format!(
            "HS {hs_prefix} outside {:.2}–{:.2} per kg",
            *min_cents_per_kg as f64 / 100.0,
            *max_cents_per_kg as f64 / 100.0
        ),
        I::Routing { max_stops, via } => match max_stops {
            Some(n) => format!("more than {n} stops {}", via.join(", ")),
            None => format!("via {}", via.join(", ")),
        },
        I::Intelligence { party, reference } => format!("{party} ({reference})"),
    }
}
