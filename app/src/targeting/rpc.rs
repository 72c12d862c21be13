//! The server functions of the targeting pages: a shipment's score, capacity waiting at a
//! port, and the analyst's rules (list, versions, create, edit, enable, disable, figures and
//! trial). Each authorizes as the matching `/api/v1` endpoint does; the writes go through the
//! same functions (`rules`, `capacity`), which journal them.

use super::{
    CapacityLine, CountryRole, Indicator, Rule, RuleDraft, RuleKind, ScoreBreakdown, StatsReport,
    TrialReport,
};
use crate::domain::InspectionKind;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A rule as the analyst's form holds it: every field as typed. Lists are separated by
/// commas or new lines; a value per kilogram is in currency units (12.50).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleForm {
    pub name: String,
    pub kind: String,
    pub countries: String,
    pub on: String,
    pub prefixes: String,
    pub parties: String,
    pub hs_prefix: String,
    pub min_per_kg: String,
    pub max_per_kg: String,
    pub max_stops: String,
    pub via: String,
    pub party: String,
    pub reference: String,
    pub weight: String,
    pub reason: String,
    pub instructions: String,
    pub inspection: String,
}

fn list(text: &str) -> Vec<String> {
    text.split([',', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// An amount as typed in the language of the form: `1,234.50` in English, `1 234,50` in
/// French.
fn cents(field: &str, text: &str) -> Result<i64, AppError> {
    let text = match lang::current() {
        lang::Locale::en => text.trim().replace(',', ""),
        lang::Locale::fr => text
            .trim()
            .replace([' ', '\u{a0}', '\u{202f}'], "")
            .replace(',', "."),
    };
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0 && *v < 1e12)
        .map(|v| (v * 100.0).round() as i64)
        .ok_or_else(|| AppError::invalid(field, td_string!(lang::current(), targeting.form.amount)))
}

fn amount(cents: i64) -> String {
    match lang::current() {
        lang::Locale::en => format!("{}.{:02}", cents / 100, cents % 100),
        lang::Locale::fr => format!("{},{:02}", cents / 100, cents % 100),
    }
}

impl RuleForm {
    /// The form of a new rule: a country rule, on origin or transit, weighing 30.
    pub fn new_rule() -> Self {
        RuleForm {
            kind: RuleKind::Country.code().into(),
            on: "either".into(),
            weight: "30".into(),
            ..Default::default()
        }
    }

    /// A form for the next version of `rule`.
    pub fn from_rule(rule: &Rule) -> Self {
        let mut form = RuleForm {
            name: rule.name.clone(),
            kind: rule.indicator.kind().code().to_string(),
            weight: rule.weight.to_string(),
            reason: rule.reason.clone(),
            instructions: rule.instructions.clone(),
            inspection: rule
                .inspection
                .map(|k| k.code().to_string())
                .unwrap_or_default(),
            on: "either".into(),
            ..Default::default()
        };
        match &rule.indicator {
            Indicator::Country { countries, on } => {
                form.countries = countries.join(", ");
                form.on = match on {
                    CountryRole::Origin => "origin",
                    CountryRole::Transit => "transit",
                    CountryRole::Either => "either",
                }
                .into();
            }
            Indicator::HsPrefix { prefixes } => form.prefixes = prefixes.join(", "),
            Indicator::WatchList { parties } => form.parties = parties.join("\n"),
            Indicator::FirstTimeImporter {} => {}
            Indicator::ValuePerKg {
                hs_prefix,
                min_cents_per_kg,
                max_cents_per_kg,
            } => {
                form.hs_prefix = hs_prefix.clone();
                form.min_per_kg = amount(*min_cents_per_kg);
                form.max_per_kg = amount(*max_cents_per_kg);
            }
            Indicator::Routing { max_stops, via } => {
                form.max_stops = max_stops.map(|n| n.to_string()).unwrap_or_default();
                form.via = via.join(", ");
            }
            Indicator::Intelligence { party, reference } => {
                form.party = party.clone();
                form.reference = reference.clone();
            }
            Indicator::RightsRequest { countries } => form.countries = countries.join(", "),
        }
        form
    }

    /// The draft the form describes, checked; an error names the form's field.
    pub fn draft(&self) -> Result<RuleDraft, AppError> {
        let kind = RuleKind::parse(&self.kind).ok_or_else(|| {
            AppError::invalid("kind", td_string!(lang::current(), targeting.form.kind))
        })?;
        let indicator = match kind {
            RuleKind::Country => Indicator::Country {
                countries: list(&self.countries)
                    .into_iter()
                    .map(|c| c.to_ascii_uppercase())
                    .collect(),
                on: match self.on.as_str() {
                    "origin" => CountryRole::Origin,
                    "transit" => CountryRole::Transit,
                    _ => CountryRole::Either,
                },
            },
            RuleKind::HsPrefix => Indicator::HsPrefix {
                prefixes: list(&self.prefixes),
            },
            RuleKind::WatchList => Indicator::WatchList {
                parties: list(&self.parties),
            },
            RuleKind::FirstTimeImporter => Indicator::FirstTimeImporter {},
            RuleKind::ValuePerKg => Indicator::ValuePerKg {
                hs_prefix: self.hs_prefix.trim().to_string(),
                min_cents_per_kg: cents("min_per_kg", &self.min_per_kg)?,
                max_cents_per_kg: cents("max_per_kg", &self.max_per_kg)?,
            },
            RuleKind::Routing => Indicator::Routing {
                max_stops: match self.max_stops.trim() {
                    "" => None,
                    n => Some(n.parse::<u32>().map_err(|_| {
                        AppError::invalid(
                            "max_stops",
                            td_string!(lang::current(), targeting.form.stops),
                        )
                    })?),
                },
                via: list(&self.via)
                    .into_iter()
                    .map(|v| v.to_ascii_uppercase())
                    .collect(),
            },
            RuleKind::Intelligence => Indicator::Intelligence {
                party: self.party.trim().to_string(),
                reference: self.reference.trim().to_string(),
            },
            RuleKind::RightsRequest => Indicator::RightsRequest {
                countries: list(&self.countries)
                    .into_iter()
                    .map(|c| c.to_ascii_uppercase())
                    .collect(),
            },
        };
        let weight = self.weight.trim().parse::<i64>().map_err(|_| {
            AppError::invalid(
                "weight",
                td_string!(lang::current(), targeting.check.weight),
            )
        })?;
        let inspection = match self.inspection.as_str() {
            "" => None,
            code => Some(InspectionKind::parse(code).ok_or_else(|| {
                AppError::invalid(
                    "inspection",
                    td_string!(lang::current(), targeting.form.inspection),
                )
            })?),
        };
        let draft = RuleDraft {
            name: self.name.trim().to_string(),
            indicator,
            weight,
            reason: self.reason.clone(),
            instructions: self.instructions.clone(),
            inspection,
        };
        draft.check().map_err(form_error)?;
        Ok(draft)
    }
}

/// The form field a backend field error is about (`indicator.countries` → `countries`).
pub fn form_field(field: &str) -> &str {
    match field.strip_prefix("indicator.").unwrap_or(field) {
        "min_cents_per_kg" => "min_per_kg",
        "max_cents_per_kg" => "max_per_kg",
        other => other,
    }
}

/// A backend error with its field renamed to the form's.
fn form_error(error: AppError) -> AppError {
    match error {
        AppError::Invalid { field, reason } => AppError::Invalid {
            field: form_field(&field).to_string(),
            reason,
        },
        other => other,
    }
}

/// What a duty officer calls a form field.
pub fn field_label(field: &str) -> &str {
    let l = lang::current();
    match form_field(field) {
        "name" => td_string!(l, targeting.field.name),
        "kind" => td_string!(l, targeting.field.kind),
        "countries" => td_string!(l, targeting.field.countries),
        "on" => td_string!(l, targeting.field.on),
        "prefixes" => td_string!(l, targeting.field.prefixes),
        "parties" => td_string!(l, targeting.field.parties),
        "hs_prefix" => td_string!(l, targeting.field.hs_prefix),
        "min_per_kg" => td_string!(l, targeting.field.min_per_kg),
        "max_per_kg" => td_string!(l, targeting.field.max_per_kg),
        "max_stops" => td_string!(l, targeting.field.max_stops),
        "via" => td_string!(l, targeting.field.via),
        "party" => td_string!(l, targeting.field.party),
        "reference" => td_string!(l, targeting.field.reference),
        "weight" => td_string!(l, targeting.field.weight),
        "reason" => td_string!(l, targeting.field.reason),
        "instructions" => td_string!(l, targeting.field.instructions),
        "inspection" => td_string!(l, targeting.field.inspection),
        "days" => td_string!(l, targeting.field.days),
        "from" => td_string!(l, targeting.field.from),
        "to" => td_string!(l, targeting.field.to),
        other => other,
    }
}

/// The latest score of a shipment, explained; `None` when it has not been scored.
#[server(prefix = "/rpc", endpoint = "shipment_score")]
pub async fn shipment_score(id: i64) -> Result<Option<ScoreBreakdown>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    super::stats::latest_breakdown(&state.db.pool, id).await
}

/// Examination capacity and referrals waiting for it, at one port.
#[server(prefix = "/rpc", endpoint = "port_capacity")]
pub async fn port_capacity(port: String) -> Result<Vec<CapacityLine>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    super::capacity::capacity_status(
        &state.db.pool,
        Some(&port.to_ascii_uppercase()),
        chrono::Utc::now(),
    )
    .await
}

/// Every rule at its current version.
#[server(prefix = "/rpc", endpoint = "rules")]
pub async fn list_rules() -> Result<Vec<Rule>, AppError> {
    crate::auth::server::require(crate::domain::Action::ManageRules, None).await?;
    let state = crate::state::app_state()?;
    super::rules::current_rules(&state.db.pool).await
}

/// Every version of one rule, newest first.
#[server(prefix = "/rpc", endpoint = "rule_versions")]
pub async fn rule_versions(id: i64) -> Result<Vec<Rule>, AppError> {
    crate::auth::server::require(crate::domain::Action::ManageRules, None).await?;
    let state = crate::state::app_state()?;
    super::rules::rule_versions(&state.db.pool, id).await
}

/// Adds a rule (`id: None`, enabled at version 1) or writes a new version of rule `id`,
/// edited from `version`.
#[server(prefix = "/rpc", endpoint = "save_rule", input = Json)]
pub async fn save_rule(
    id: Option<i64>,
    version: Option<i64>,
    form: RuleForm,
) -> Result<Rule, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::ManageRules, None).await?;
    let state = crate::state::app_state()?;
    let draft = form.draft()?;
    let now = chrono::Utc::now();
    match id {
        None => super::rules::create_rule(&state.db.pool, &caller, &draft, now).await,
        Some(id) => {
            super::rules::edit_rule(&state.db.pool, &caller, id, &draft, version, now).await
        }
    }
    .map_err(form_error)
}

/// Enables or disables a rule, with the reason the journal keeps.
#[server(prefix = "/rpc", endpoint = "switch_rule", input = Json)]
pub async fn switch_rule(id: i64, enabled: bool, reason: String) -> Result<Rule, AppError> {
    let caller = crate::auth::server::require(crate::domain::Action::ManageRules, None).await?;
    let state = crate::state::app_state()?;
    super::rules::set_enabled(
        &state.db.pool,
        &caller,
        id,
        enabled,
        &reason,
        chrono::Utc::now(),
    )
    .await
}

/// Per-rule figures between two dates (`2026-06-01`, the end day included), with random
/// selection as the baseline.
#[server(prefix = "/rpc", endpoint = "rule_stats")]
pub async fn rule_stats(from: String, to: String) -> Result<StatsReport, AppError> {
    crate::auth::server::require(crate::domain::Action::ManageRules, None).await?;
    let state = crate::state::app_state()?;
    let day = |field: &str, text: &str| {
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid(field, td_string!(lang::current(), targeting.form.day)))
    };
    let from = day("from", &from)?;
    let to = day("to", &to)?;
    if to < from {
        return Err(AppError::invalid(
            "to",
            td_string!(lang::current(), targeting.form.period_order),
        ));
    }
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    // The day after the last: there is none after chrono's last day.
    let after = to.succ_opt().ok_or_else(|| {
        AppError::invalid("to", td_string!(lang::current(), targeting.form.day_max))
    })?;

    let end = after.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    super::stats::stats(&state.db.pool, start, end).await
}

/// What the draft would have done over the last `days` days.
#[server(prefix = "/rpc", endpoint = "try_rule", input = Json)]
pub async fn try_rule(form: RuleForm, days: i64) -> Result<TrialReport, AppError> {
    crate::auth::server::require(crate::domain::Action::ManageRules, None).await?;
    let state = crate::state::app_state()?;
    let draft = form.draft()?;
    super::stats::trial(&state.db.pool, &draft, days, chrono::Utc::now())
        .await
        .map_err(form_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RuleForm {
        RuleForm {
            name: "Phones below price".into(),
            kind: "value_per_kg".into(),
            hs_prefix: "8517".into(),
            min_per_kg: "200".into(),
            max_per_kg: "600.50".into(),
            weight: "35".into(),
            reason: "Phones declared far below their price".into(),
            instructions: "Count the units".into(),
            inspection: "physical".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_form_becomes_a_draft_and_back() {
        let draft = form().draft().unwrap();
        assert_eq!(
            draft.indicator,
            Indicator::ValuePerKg {
                hs_prefix: "8517".into(),
                min_cents_per_kg: 20_000,
                max_cents_per_kg: 60_050,
            }
        );
        let rule = draft.rule(1, 1, &draft.name, true, "analyst", chrono::Utc::now());
        assert_eq!(RuleForm::from_rule(&rule).draft().unwrap(), draft);
    }

    #[test]
    fn errors_name_the_form_field() {
        let mut bad = form();
        bad.max_per_kg = "lots".into();
        assert!(
            matches!(bad.draft(), Err(AppError::Invalid { field, .. }) if field == "max_per_kg")
        );
        bad = form();
        bad.kind = "country".into();
        bad.countries = "China".into();
        assert!(
            matches!(bad.draft(), Err(AppError::Invalid { field, .. }) if field == "countries")
        );
        assert_eq!(field_label("indicator.countries"), "Countries");
        bad = form();
        bad.weight = "heavy".into();
        assert!(matches!(bad.draft(), Err(AppError::Invalid { field, .. }) if field == "weight"));
    }
}
