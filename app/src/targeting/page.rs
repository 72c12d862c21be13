//! The targeting screens: a shipment's score explained (on `/shipments/{id}`), referrals
//! waiting for examination capacity (on `/ports/{code}`), and `/targeting`, where analysts
//! keep the rules, measure them and try a draft on the last 30 days before enabling it.

use super::rpc::{
    RuleForm, SaveRule, SwitchRule, TryRule, field_label, list_rules, port_capacity, rule_stats,
    rule_versions, shipment_score,
};
use super::{
    DeclarationKind, Lane, Rule, RuleKind, ScoreBreakdown, SelectionStats, StatsReport, TrialReport,
};
use crate::components::common::RoleGate;
use crate::components::common::{Badge, ErrorNotice};
use crate::domain::{Action, InspectionKind};
use crate::error::AppError;
use crate::live::client::{live_tick, use_live};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "Red: examination" as a badge: the words carry the lane, the colour only repeats it.
#[component]
pub fn LaneBadge(lane: Lane) -> impl IntoView {
    view! { <Badge kind=format!("lane-{}", lane.code()) text=lane.label() /> }
}

fn percent(stats: &SelectionStats) -> String {
    match stats.hit_rate {
        Some(rate) => format!("{:.1} %", rate * 100.0),
        None => "no examination yet".into(),
    }
}

// ---- The score of one shipment ----

/// The score of a shipment as a breakdown: each rule version that fired, the trusted-trader
/// credit and the total, with the lane or pre-load referral.
#[component]
pub fn ScorePanel(shipment_id: i64, version: i64) -> impl IntoView {
    let score = Resource::new(move || (shipment_id, version), |(id, _)| shipment_score(id));
    view! {
        <section class="panel score-panel" aria-labelledby="score-title">
            <h2 id="score-title">"Risk score"</h2>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading the score…"</p> }
            }>
                {move || Suspend::new(async move {
                    match score.await {
                        Ok(Some(breakdown)) => view! { <ScoreView breakdown /> }.into_any(),
                        Ok(None) => {
                            view! {
                                <p class="empty">
                                    "Not scored yet: no declaration for this shipment has been through targeting."
                                </p>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ScoreView(breakdown: ScoreBreakdown) -> impl IntoView {
    let b = breakdown;
    let raw: i64 = b.lines.iter().map(|l| l.weight).sum();
    let outcome = match (b.declaration_kind, b.referral) {
        (DeclarationKind::PreLoad, Some(referral)) => {
            let kind = format!("referral-{}", referral.code());
            let text = format!("Pre-load referral: {}", referral.label());
            view! { <Badge kind=kind text=text /> }.into_any()
        }
        (DeclarationKind::PreLoad, None) => {
            view! { <Badge kind="lane-green" text="Pre-load: no referral" /> }.into_any()
        }
        (DeclarationKind::Full, _) => view! { <LaneBadge lane=b.lane /> }.into_any(),
    };
    view! {
        <p class="score-summary">
            <span class="score-total">{format!("Score {}", b.score)}</span>
            " "
            {outcome}
            {b
                .random
                .then(|| {
                    view! {
                        " "
                        <Badge kind="random" text="Random selection" />
                    }
                })}
        </p>
        <p class="sub">
            {format!("{} · scored {}", b.declaration_kind.label(), utc(b.scored_at))}
            {b.waiting_for.map(|k| format!(" · examination waiting for {} capacity", k.label()))}
            {b
                .random
                .then_some(
                    " · chosen by the minimum random selection rate, not by its score: it measures what the rules miss",
                )}
        </p>
        {if b.lines.is_empty() && b.trusted_credit == 0 {
            view! { <p class="empty">"No indicator fired on this shipment."</p> }.into_any()
        } else {
            view! {
                <table class="grid breakdown">
                    <caption class="visually-hidden">"Indicators that fired"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Rule"</th>
                            <th scope="col">"Looks at"</th>
                            <th scope="col" class="num">
                                "Weight"
                            </th>
                            <th scope="col">"Why it matters"</th>
                            <th scope="col">"Examiner instructions"</th>
                            <th scope="col">"Version"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {b
                            .lines
                            .iter()
                            .map(|l| {
                                view! {
                                    <tr>
                                        <th scope="row">{l.name.clone()}</th>
                                        <td>{l.kind.label()}</td>
                                        <td class="num">{format!("+{}", l.weight)}</td>
                                        <td>{l.reason.clone()}</td>
                                        <td>{l.instructions.clone()}</td>
                                        <td>{format!("rule #{} v{}", l.rule_id, l.version)}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                        {(b.trusted_credit != 0)
                            .then(|| {
                                view! {
                                    <tr class="credit">
                                        <th scope="row">"Trusted-trader credit"</th>
                                        <td>"Importer in a trusted trader programme"</td>
                                        <td class="num">{format!("−{}", b.trusted_credit)}</td>
                                        <td colspan="3">
                                            "Points taken off for a vetted importer"
                                        </td>
                                    </tr>
                                }
                            })}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"Total"</th>
                            <td></td>
                            <td class="num">{b.score.to_string()}</td>
                            <td colspan="3">
                                {if raw - b.trusted_credit != b.score {
                                    format!("{raw} from the rules, less the credit, never below 0")
                                } else {
                                    String::new()
                                }}
                            </td>
                        </tr>
                    </tfoot>
                </table>
            }
                .into_any()
        }}
    }
}

// ---- Capacity at a port ----

/// Examination capacity per inspection type at a port, and the referrals waiting for it.
#[component]
pub fn CapacityPanel(#[prop(into)] port: Signal<String>) -> impl IntoView {
    let lines = Resource::new(
        move || (port.get(), live_tick()),
        |(port, _)| port_capacity(port),
    );
    view! {
        <section class="panel" aria-labelledby="capacity-title">
            <h2 id="capacity-title">"Examination capacity"</h2>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading capacity…"</p> }
            }>
                {move || Suspend::new(async move {
                    match lines.await {
                        Ok(lines) if lines.is_empty() => {
                            view! {
                                <p class="empty">
                                    "No capacity limit is set at this port, and no referral is waiting."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(lines) => {
                            view! {
                                <ul class="capacity" aria-label="Capacity by inspection type">
                                    {lines
                                        .into_iter()
                                        .map(|l| {
                                            let class = if l.waiting > 0 { "waiting" } else { "" };
                                            view! {
                                                <li class=class data-kind=l.kind.code()>
                                                    {l.summary}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

// ---- /targeting ----

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

/// The rule being edited: `None` for a new one.
#[derive(Clone, Copy, PartialEq)]
struct Editing {
    id: i64,
    version: i64,
}

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
    let form = RwSignal::new(RuleForm {
        kind: RuleKind::Country.code().into(),
        on: "either".into(),
        weight: "30".into(),
        ..Default::default()
    });
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
    if rules.is_empty() {
        return view! { <p class="empty">"No rule yet: write the first one below."</p> }.into_any();
    }
    view! {
        <table class="grid rules">
            <thead>
                <tr>
                    <th scope="col">"Rule"</th>
                    <th scope="col">"Looks at"</th>
                    <th scope="col" class="num">
                        "Weight"
                    </th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Author"</th>
                    <th scope="col">"Last change"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {rules
                    .into_iter()
                    .map(|rule| {
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
                                <td>{utc(rule.created_at)}</td>
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
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
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
                                        <tr>
                                            <th scope="col">"Version"</th>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Looks for"</th>
                                            <th scope="col" class="num">
                                                "Weight"
                                            </th>
                                            <th scope="col">"Reason"</th>
                                            <th scope="col">"Author"</th>
                                            <th scope="col">"Written"</th>
                                        </tr>
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
                                                        <td>{utc(v.created_at)}</td>
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

/// The error of the last save or trial, if it is about a field.
fn field_error(problem: Option<AppError>, field: &'static str) -> Option<String> {
    match problem {
        Some(AppError::Invalid { field: f, reason }) if f == field => Some(reason),
        _ => None,
    }
}

/// One labelled text field of the rule form, with its error under it.
#[component]
fn TextField(
    label: &'static str,
    name: &'static str,
    form: RwSignal<RuleForm>,
    get: fn(&RuleForm) -> &String,
    set: fn(&mut RuleForm) -> &mut String,
    problem: Signal<Option<AppError>>,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] size: Option<u32>,
) -> impl IntoView {
    let id = format!("rule-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = move || field_error(problem.get(), name);
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if !hint.is_empty() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let value = move || form.with(|f| get(f).clone());
    let input = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="2"
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described.clone()
                prop:value=value
                on:input=move |ev| form.update(|f| *set(f) = event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                size=size.map(|s| s.to_string())
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described
                prop:value=value
                on:input=move |ev| form.update(|f| *set(f) = event_target_value(&ev))
            />
        }
        .into_any()
    };
    let class = if multiline { "field wide" } else { "field" };
    view! {
        <div class=class>
            <label for=id>{label}</label>
            {input}
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

#[component]
fn RuleEditor(
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
            form.set(RuleForm {
                kind: RuleKind::Country.code().into(),
                on: "either".into(),
                weight: "30".into(),
                ..Default::default()
            });
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
                    Some(e) => format!("Edit rule #{} (new version after v{})", e.id, e.version),
                    None => "New rule".to_string(),
                }}
            </h2>
            {move || {
                saved
                    .get()
                    .map(|rule| {
                        view! {
                            <p class="notice" role="status">
                                {format!(
                                    "\"{}\" saved as version {}{}.",
                                    rule.name,
                                    rule.version,
                                    if rule.enabled {
                                        ", enabled: it scores new declarations now"
                                    } else {
                                        ", disabled"
                                    },
                                )}
                            </p>
                        }
                    })
            }}
            {move || {
                problem
                    .get()
                    .map(|error| match error {
                        AppError::Invalid { field, reason } => {
                            view! {
                                <div class="notice error" role="alert">
                                    <strong>"Check the rule"</strong>
                                    " "
                                    {format!("{}: {reason}", field_label(&field))}
                                </div>
                            }
                                .into_any()
                        }
                        error => view! { <ErrorNotice error /> }.into_any(),
                    })
            }}
            <form class="rule-form" on:submit=submit>
                <TextField
                    label="Name"
                    name="name"
                    form
                    get=|f| &f.name
                    set=|f| &mut f.name
                    problem=problem_signal
                    size=40
                />
                <div class="field">
                    <label for="rule-kind">"Looks at"</label>
                    <select
                        id="rule-kind"
                        name="kind"
                        prop:value=move || form.with(|f| f.kind.clone())
                        on:change=move |ev| form.update(|f| f.kind = event_target_value(&ev))
                    >
                        {RuleKind::ALL
                            .iter()
                            .map(|k| view! { <option value=k.code()>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                {move || match kind() {
                    Some(RuleKind::Country) => {
                        view! {
                            <TextField
                                label="Countries"
                                name="countries"
                                form
                                get=|f| &f.countries
                                set=|f| &mut f.countries
                                problem=problem_signal
                                hint="two-letter codes, separated by commas: CN, HK"
                            />
                            <div class="field">
                                <label for="rule-on">"Which country"</label>
                                <select
                                    id="rule-on"
                                    name="on"
                                    prop:value=move || form.with(|f| f.on.clone())
                                    on:change=move |ev| {
                                        form.update(|f| f.on = event_target_value(&ev))
                                    }
                                >
                                    <option value="either">"Origin or transit"</option>
                                    <option value="origin">"Origin only"</option>
                                    <option value="transit">"Transit only"</option>
                                </select>
                            </div>
                        }
                            .into_any()
                    }
                    Some(RuleKind::HsPrefix) => {
                        view! {
                            <TextField
                                label="HS code prefixes"
                                name="prefixes"
                                form
                                get=|f| &f.prefixes
                                set=|f| &mut f.prefixes
                                problem=problem_signal
                                hint="2 to 10 digits each, separated by commas: 8517, 9303"
                            />
                        }
                            .into_any()
                    }
                    Some(RuleKind::WatchList) => {
                        view! {
                            <TextField
                                label="Watch list"
                                name="parties"
                                form
                                get=|f| &f.parties
                                set=|f| &mut f.parties
                                problem=problem_signal
                                multiline=true
                                hint="one shipper or consignee name a line"
                            />
                        }
                            .into_any()
                    }
                    Some(RuleKind::FirstTimeImporter) => {
                        view! {
                            <p class="hint">
                                "Fires on an importer's first shipment: no parameter to set."
                            </p>
                        }
                            .into_any()
                    }
                    Some(RuleKind::ValuePerKg) => {
                        view! {
                            <TextField
                                label="Commodity (HS prefix)"
                                name="hs_prefix"
                                form
                                get=|f| &f.hs_prefix
                                set=|f| &mut f.hs_prefix
                                problem=problem_signal
                                hint="e.g. 8517"
                            />
                            <TextField
                                label="Lowest usual value per kg"
                                name="min_per_kg"
                                form
                                get=|f| &f.min_per_kg
                                set=|f| &mut f.min_per_kg
                                problem=problem_signal
                                hint="in the declared currency, e.g. 200.00"
                            />
                            <TextField
                                label="Highest usual value per kg"
                                name="max_per_kg"
                                form
                                get=|f| &f.max_per_kg
                                set=|f| &mut f.max_per_kg
                                problem=problem_signal
                            />
                        }
                            .into_any()
                    }
                    Some(RuleKind::Routing) => {
                        view! {
                            <TextField
                                label="Most stops"
                                name="max_stops"
                                form
                                get=|f| &f.max_stops
                                set=|f| &mut f.max_stops
                                problem=problem_signal
                                hint="fires above this number; leave empty to look only at the stops below"
                            />
                            <TextField
                                label="Stops to look for"
                                name="via"
                                form
                                get=|f| &f.via
                                set=|f| &mut f.via
                                problem=problem_signal
                                hint="location codes, separated by commas: DXB, PTY"
                            />
                        }
                            .into_any()
                    }
                    Some(RuleKind::Intelligence) => {
                        view! {
                            <TextField
                                label="Party named in the alert"
                                name="party"
                                form
                                get=|f| &f.party
                                set=|f| &mut f.party
                                problem=problem_signal
                                hint="fires when the shipper, consignee or importer name contains it"
                            />
                            <TextField
                                label="Alert reference"
                                name="reference"
                                form
                                get=|f| &f.reference
                                set=|f| &mut f.reference
                                problem=problem_signal
                            />
                        }
                            .into_any()
                    }
                    None => ().into_any(),
                }}
                <TextField
                    label="Weight"
                    name="weight"
                    form
                    get=|f| &f.weight
                    set=|f| &mut f.weight
                    problem=problem_signal
                    hint="points added when it fires, 1 to 100"
                    size=5
                />
                <div class="field">
                    <label for="rule-inspection">"Examination asked for"</label>
                    <select
                        id="rule-inspection"
                        name="inspection"
                        prop:value=move || form.with(|f| f.inspection.clone())
                        on:change=move |ev| form.update(|f| f.inspection = event_target_value(&ev))
                    >
                        <option value="">"The port's usual examination"</option>
                        {InspectionKind::ALL
                            .iter()
                            .map(|k| view! { <option value=k.code()>{k.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <TextField
                    label="Reason (shown to officers)"
                    name="reason"
                    form
                    get=|f| &f.reason
                    set=|f| &mut f.reason
                    problem=problem_signal
                    multiline=true
                />
                <TextField
                    label="Instructions for the examiner"
                    name="instructions"
                    form
                    get=|f| &f.instructions
                    set=|f| &mut f.instructions
                    problem=problem_signal
                    multiline=true
                />
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
                            if trial.pending().get() { "Trying…" } else { "Try on last 30 days" }
                        }}
                    </button>
                    <button type="submit" class="primary" disabled=busy>
                        {move || match editing.get() {
                            Some(_) => "Save new version",
                            None => "Create and enable",
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
                                        "Stop editing"
                                    </button>
                                }
                            })
                    }}
                </div>
            </form>
        </section>
    }
}

#[component]
fn TrialResult(trial: ServerAction<TryRule>) -> impl IntoView {
    move || match trial.value().get() {
        Some(Ok(report)) => Some(view! { <TrialView report /> }),
        _ => None,
    }
}

#[component]
fn TrialView(report: TrialReport) -> impl IntoView {
    // Every day of the period, the days it would have selected nothing included.
    let mut days = Vec::new();
    let mut day = report.from.date_naive();
    let last = report.to.date_naive();
    while day <= last {
        let key = day.format("%Y-%m-%d").to_string();
        let selected = report
            .per_day
            .iter()
            .find(|d| d.day == key)
            .map(|d| d.selected)
            .unwrap_or(0);
        days.push((key, selected));
        day = day.succ_opt().unwrap_or(last + chrono::Duration::days(1));
    }
    let h = report.history.clone();
    view! {
        <section class="panel trial" aria-labelledby="trial-title">
            <h2 id="trial-title">"Trial on the last 30 days"</h2>
            <p class="trial-summary">
                {format!(
                    "Of {} shipments declared, the draft fires on {} and would have selected {}.",
                    report.shipments,
                    report.matched,
                    report.selected,
                )}
            </p>
            <p>
                {format!(
                    "Historical outcome of the matched shipments: {} examined, {} with findings, hit rate {} (sample of {}).",
                    h.examined,
                    h.findings,
                    percent(&h),
                    h.sample_size,
                )}
            </p>
            <div class="columns">
                <table class="grid trial-days">
                    <caption>"Selected per day"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Day (UTC)"</th>
                            <th scope="col" class="num">
                                "Selected"
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {days
                            .into_iter()
                            .map(|(day, n)| {
                                view! {
                                    <tr>
                                        <th scope="row">{day}</th>
                                        <td class="num">{n.to_string()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <table class="grid trial-ports">
                    <caption>"At which ports, against capacity"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Port"</th>
                            <th scope="col" class="num">
                                "Selected"
                            </th>
                            <th scope="col" class="num">
                                "Per day"
                            </th>
                            <th scope="col" class="num">
                                "Capacity per day"
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {report
                            .per_port
                            .iter()
                            .map(|p| {
                                let over = p.capacity_per_day.is_some_and(|c| p.per_day > c as f64);
                                view! {
                                    <tr class:overdue=over>
                                        <th scope="row">{p.port_code.clone()}</th>
                                        <td class="num">{p.selected.to_string()}</td>
                                        <td class="num">{format!("{:.1}", p.per_day)}</td>
                                        <td class="num">
                                            {match p.capacity_per_day {
                                                Some(c) if over => format!("{c} (exceeded)"),
                                                Some(c) => c.to_string(),
                                                None => "not limited".into(),
                                            }}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn StatsPanel() -> impl IntoView {
    let today = Utc::now().date_naive();
    let from = RwSignal::new(
        (today - chrono::Duration::days(29))
            .format("%Y-%m-%d")
            .to_string(),
    );
    let to = RwSignal::new(today.format("%Y-%m-%d").to_string());
    let period = RwSignal::new((from.get_untracked(), to.get_untracked()));
    let stats = Resource::new(move || period.get(), |(from, to)| rule_stats(from, to));
    view! {
        <section class="panel" aria-labelledby="stats-title">
            <h2 id="stats-title">"What the rules found"</h2>
            <form
                class="filters"
                aria-label="Period"
                on:submit=move |ev| {
                    ev.prevent_default();
                    period.set((from.get_untracked(), to.get_untracked()));
                }
            >
                <label>
                    "From"
                    <input
                        type="date"
                        name="from"
                        prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    "To"
                    <input
                        type="date"
                        name="to"
                        prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit">"Show"</button>
            </form>
            <Transition fallback=|| {
                view! { <p class="loading">"Loading figures…"</p> }
            }>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(report) => view! { <StatsTable report /> }.into_any(),
                        Err(AppError::Invalid { field, reason }) => {
                            view! {
                                <div class="notice error" role="alert">
                                    <strong>"Check the period"</strong>
                                    " "
                                    {format!("{}: {reason}", field_label(&field))}
                                </div>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatsTable(report: StatsReport) -> impl IntoView {
    let row = |name: String, s: &SelectionStats, baseline: bool| {
        view! {
            <tr class:baseline=baseline>
                <th scope="row">{name}</th>
                <td class="num">{s.selections.to_string()}</td>
                <td class="num">{s.examined.to_string()}</td>
                <td class="num">{s.findings.to_string()}</td>
                <td class="num">{percent(s)}</td>
                <td class="num">{s.sample_size.to_string()}</td>
            </tr>
        }
    };
    view! {
        <table class="grid stats">
            <caption>{format!("From {} to {}", utc(report.from), utc(report.to))}</caption>
            <thead>
                <tr>
                    <th scope="col">"Rule"</th>
                    <th scope="col" class="num">
                        "Selections"
                    </th>
                    <th scope="col" class="num">
                        "Examinations completed"
                    </th>
                    <th scope="col" class="num">
                        "With findings"
                    </th>
                    <th scope="col" class="num">
                        "Hit rate"
                    </th>
                    <th scope="col" class="num">
                        "Sample size"
                    </th>
                </tr>
            </thead>
            <tbody>
                {report
                    .rules
                    .iter()
                    .map(|r| {
                        let name = if r.enabled {
                            format!("{} (v{})", r.name, r.current_version)
                        } else {
                            format!("{} (v{}, disabled)", r.name, r.current_version)
                        };
                        row(name, &r.stats, false)
                    })
                    .collect_view()}
                {row("Random selection (baseline)".into(), &report.random, true)}
            </tbody>
        </table>
    }
}
