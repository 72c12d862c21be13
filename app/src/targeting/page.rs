//! `/targeting`, where analysts keep the rules: the rules at their current versions (edit,
//! versions, enable or disable with a reason), the rule editor (`rule_editor.rs`), and what
//! the rules found and a draft would find (`figures.rs`).

use super::Rule;
use super::figures::{StatsPanel, TrialResult};
use super::rpc::{RuleForm, SaveRule, SwitchRule, TryRule, list_rules, rule_versions};
use super::rule_editor::{Editing, RuleEditor};
use crate::components::common::{Badge, ErrorNotice, RoleGate, changed_by};
use crate::components::table::RecordTable;
use crate::domain::Action;
use crate::domain::clock::local_time;
use crate::i18n::td_string;
use crate::lang::{self, format};
use crate::live::client::use_live;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/targeting`: the rules workspace, for analysts and administrators.
#[component]
pub fn TargetingPage() -> impl IntoView {
    let l = lang::current();
    view! {
        <Title text=td_string!(l, targeting.title) />
        <RoleGate action=Action::ManageRules refusal=td_string!(l, targeting.refusal_role)>
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
    let (saved, switched) = (
        changed_by(save.version(), save.value()),
        changed_by(switch.version(), switch.value()),
    );
    let rules = Resource::new(
        move || (saved.get(), switched.get(), live.touched("rule")),
        |_| list_rules(),
    );
    let form = RwSignal::new(RuleForm::new_rule());
    let editing = RwSignal::new(None::<Editing>);
    let history = RwSignal::new(None::<i64>);
    let switching = RwSignal::new(None::<(Rule, bool)>);
    let l = lang::current();
    view! {
        <div class="page-head">
            <h1>{td_string!(l, targeting.title)}</h1>
            <p class="lede">{td_string!(l, targeting.lede)}</p>
            <p>
                <a href="/rights">{td_string!(l, common.nav_rights)}</a>
            </p>
        </div>
        <section class="panel" aria-labelledby="rules-title">
            <h2 id="rules-title">{td_string!(l, targeting.rules_heading)}</h2>
            {move || match switch.value().get() {
                Some(Ok(rule)) => {
                    Some(
                        view! {
                            <p class="notice" role="status">
                                {if rule.enabled {
                                    td_string!(
                                        lang::current(), targeting.switched_enabled, name = rule.name
                                    )
                                        .to_string()
                                } else {
                                    td_string!(
                                        lang::current(), targeting.switched_disabled, name = rule.name
                                    )
                                        .to_string()
                                }}
                            </p>
                        }
                            .into_any(),
                    )
                }
                _ => None,
            }}
            <Transition fallback=|| {
                view! {
                    <p class="loading">{td_string!(lang::current(), targeting.loading_rules)}</p>
                }
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
    let l = lang::current();
    view! {
        <div class="table-scroll">
            <RecordTable
                class="rules"
                heads=column_heads(
                    &[
                        (td_string!(l, targeting.col.rule), false),
                        (td_string!(l, targeting.col.looks_at), false),
                        (td_string!(l, targeting.col.weight), true),
                        (td_string!(l, targeting.col.status), false),
                        (td_string!(l, targeting.col.version), false),
                        (td_string!(l, targeting.col.author), false),
                        (td_string!(l, targeting.col.last_change), false),
                        (td_string!(l, targeting.col.actions), false),
                    ],
                )
                records=rules
                empty=td_string!(l, targeting.no_rule)
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
                                    view! {
                                        <Badge
                                            kind="enabled"
                                            text=td_string!(l, targeting.enabled)
                                        />
                                    }
                                } else {
                                    view! {
                                        <Badge
                                            kind="disabled"
                                            text=td_string!(l, targeting.disabled)
                                        />
                                    }
                                }}
                            </td>
                            <td>
                                {td_string!(l, targeting.version_short, version = rule.version)
                                    .to_string()}
                            </td>
                            <td>{rule.author.clone()}</td>
                            <td>{local_time(rule.created_at, "UTC")}</td>
                            <td class="row-actions">
                                <button
                                    type="button"
                                    aria-label=td_string!(
                                        l, targeting.edit_label, name = name.clone()
                                    )
                                        .to_string()
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
                                    {td_string!(l, targeting.edit)}
                                </button>
                                <button
                                    type="button"
                                    aria-label=td_string!(
                                        l, targeting.versions_label, name = name.clone()
                                    )
                                        .to_string()
                                    on:click=move |_| history.set(Some(id))
                                >
                                    {td_string!(l, targeting.versions)}
                                </button>
                                <button
                                    type="button"
                                    aria-label=if enabled {
                                        td_string!(l, targeting.disable_label, name = name.clone())
                                            .to_string()
                                    } else {
                                        td_string!(l, targeting.enable_label, name = name.clone())
                                            .to_string()
                                    }
                                    on:click=move |_| {
                                        switching.set(Some((for_switch.clone(), !enabled)));
                                        focus("switch-reason");
                                    }
                                >
                                    {if enabled {
                                        td_string!(l, targeting.disable_more)
                                    } else {
                                        td_string!(l, targeting.enable_more)
                                    }}
                                </button>
                            </td>
                        </tr>
                    }
                }
            />
        </div>
    }
}

/// A row of column heads in the reader's language: (name, whether the column holds figures,
/// right-aligned like them).
pub(super) fn column_heads(names: &[(&'static str, bool)]) -> impl IntoView + use<> {
    let cells = names
        .iter()
        .map(|&(name, numeric)| {
            view! {
                <th scope="col" class=numeric.then_some("num")>
                    {name}
                </th>
            }
        })
        .collect_view();
    view! { <tr>{cells}</tr> }
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
            let l = lang::current();
            let verb = if enable {
                td_string!(l, targeting.enable)
            } else {
                td_string!(l, targeting.disable)
            };
            let label = if enable {
                td_string!(l, targeting.enable_label, name = rule.name.clone()).to_string()
            } else {
                td_string!(l, targeting.disable_label, name = rule.name.clone()).to_string()
            };
            let sentence = if enable {
                td_string!(
                    l,
                    targeting.switch_enable,
                    name = rule.name.clone(),
                    version = rule.version
                )
                .to_string()
            } else {
                td_string!(
                    l,
                    targeting.switch_disable,
                    name = rule.name.clone(),
                    version = rule.version
                )
                .to_string()
            };
            let id = rule.id;
            view! {
                <form
                    class="filters switch-form"
                    aria-label=label
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
                    <p>{sentence}</p>
                    <label>
                        {td_string!(l, targeting.reason)}
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
                        {td_string!(l, targeting.cancel)}
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
                        let l = lang::current();
                        let name = versions.first().map(|r| r.name.clone()).unwrap_or_default();
                        view! {
                            <div class="history">
                                <h3>
                                    {td_string!(l, targeting.versions_heading, name = name)
                                        .to_string()}
                                </h3>
                                <div class="table-scroll">
                                    <table class="grid">
                                        <thead>
                                            {column_heads(
                                                &[
                                                    (td_string!(l, targeting.col.version), false),
                                                    (td_string!(l, targeting.col.name), false),
                                                    (td_string!(l, targeting.col.looks_for), false),
                                                    (td_string!(l, targeting.col.weight), true),
                                                    (td_string!(l, targeting.col.reason), false),
                                                    (td_string!(l, targeting.col.author), false),
                                                    (td_string!(l, targeting.col.written), false),
                                                ],
                                            )}
                                        </thead>
                                        <tbody>
                                            {versions
                                                .into_iter()
                                                .map(|v| {
                                                    view! {
                                                        <tr>
                                                            <th scope="row">
                                                                {td_string!(l, targeting.version_short, version = v.version)
                                                                    .to_string()}
                                                            </th>
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
                                </div>
                                <button type="button" on:click=move |_| history.set(None)>
                                    {td_string!(l, targeting.close_versions)}
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
    let l = lang::current();
    match &rule.indicator {
        I::Country { countries, .. } => {
            td_string!(l, targeting.describe.countries, list = countries.join(", ")).to_string()
        }
        I::HsPrefix { prefixes } => {
            td_string!(l, targeting.describe.hs, list = prefixes.join(", ")).to_string()
        }
        I::WatchList { parties } => {
            let count = parties.len();
            crate::counted!(
                l,
                count,
                targeting.describe.parties_single | targeting.describe.parties_several,
                count = count
            )
        }
        I::FirstTimeImporter {} => td_string!(l, targeting.describe.first_time).to_string(),
        I::ValuePerKg {
            hs_prefix,
            min_cents_per_kg,
            max_cents_per_kg,
        } => td_string!(
            l,
            targeting.describe.value_per_kg,
            hs_prefix = hs_prefix,
            min = format::decimal(l, *min_cents_per_kg as f64 / 100.0, 2),
            max = format::decimal(l, *max_cents_per_kg as f64 / 100.0, 2)
        )
        .to_string(),
        I::Routing { max_stops, via } => match max_stops {
            Some(n) => td_string!(
                l,
                targeting.describe.more_stops,
                stops = *n,
                via = via.join(", ")
            )
            .to_string(),
            None => td_string!(l, targeting.describe.via, via = via.join(", ")).to_string(),
        },
        I::Intelligence { party, reference } => td_string!(
            l,
            targeting.describe.intelligence,
            party = party,
            reference = reference
        )
        .to_string(),
        I::RightsRequest { countries } if countries.is_empty() => {
            td_string!(l, targeting.describe.rights_any_route).to_string()
        }
        I::RightsRequest { countries } => td_string!(
            l,
            targeting.describe.rights_routes,
            list = countries.join(", ")
        )
        .to_string(),
    }
}
