//! Risk targeting: declarations in, explainable scores, referrals within capacity.
//!
//! Rules are data with versions ([`Rule`]); [`scoring::assess`] turns a [`Declaration`] and
//! the enabled rules into an [`Assessment`]: the score, each rule version that fired with its
//! weight, the trusted-trader credit, the lane (full declarations) or pre-load referral, and
//! whether the minimum random rate selected it. The types here are shared by the server and
//! the browser.
//!
//! On the server: `ingest` scores and stores declarations (a chunk per transaction, in
//! `ingest/chunk.rs`), asking `decide` (pure) what each needs; `capacity` opens examinations
//! within each port's capacity and releases the referrals waiting for it; `rules` keeps the
//! rules, their versions and the settings; `stats` measures what the rules find, tries a
//! draft and explains a score; `db` holds the reads they share. The screens: `page` is
//! `/targeting`, with the rule editor in `rule_editor` and the figures in `figures`;
//! `panels` are the score and capacity panels of the shipment and port pages; `upload` is
//! `/import`; `rpc` their server functions.

use crate::domain::{InspectionKind, Mode, Referral};
use crate::i18n::td_string;
use crate::lang;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod capacity;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod decide;
pub mod declaration;
pub mod figures;
#[cfg(feature = "ssr")]
pub mod ingest;
#[cfg(feature = "ssr")]
pub mod manifest;
pub mod page;
pub mod panels;
pub mod rpc;
pub mod rule_editor;
#[cfg(feature = "ssr")]
pub mod rules;
pub mod scoring;
#[cfg(feature = "ssr")]
pub mod stats;
pub mod upload;

vocabulary! {
    /// What a rule looks at.
    pub enum RuleKind {
        Country => "country", said!(targeting.vocab.kind_country);
        HsPrefix => "hs_prefix", said!(targeting.vocab.kind_hs_prefix);
        WatchList => "watch_list", said!(targeting.vocab.kind_watch_list);
        FirstTimeImporter => "first_time_importer", said!(targeting.vocab.kind_first_time_importer);
        ValuePerKg => "value_per_kg", said!(targeting.vocab.kind_value_per_kg);
        Routing => "routing", said!(targeting.vocab.kind_routing);
        Intelligence => "intelligence", said!(targeting.vocab.kind_intelligence);
        RightsRequest => "rights_request", said!(targeting.vocab.kind_rights_request);
    }
}

vocabulary! {
    /// Where a full declaration is sent (ASYCUDA's selectivity lanes).
    pub enum Lane {
        Green => "green", said!(targeting.vocab.lane_green);
        Yellow => "yellow", said!(targeting.vocab.lane_yellow);
        Red => "red", said!(targeting.vocab.lane_red);
    }
}

vocabulary! {
    /// The pre-loading data set (the "7+1", before the aircraft is loaded) or the full
    /// declaration that follows before arrival.
    pub enum DeclarationKind {
        PreLoad => "pre_load", said!(targeting.vocab.pre_load);
        Full => "full", said!(targeting.vocab.full);
    }
}

/// Which country of a declaration a country rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CountryRole {
    Origin,
    Transit,
    #[default]
    Either,
}

impl CountryRole {
    pub fn includes_origin(self) -> bool {
        matches!(self, CountryRole::Origin | CountryRole::Either)
    }
    pub fn includes_transit(self) -> bool {
        matches!(self, CountryRole::Transit | CountryRole::Either)
    }
}

/// What a rule looks for, with its parameters. Stored as JSON (`parameters_json`), tagged by
/// `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Indicator {
    /// Origin and/or transit country (ISO 3166 alpha-2) in the list.
    Country {
        countries: Vec<String>,
        #[serde(default)]
        on: CountryRole,
    },
    /// HS code starting with one of the prefixes (chapter, heading or subheading).
    HsPrefix { prefixes: Vec<String> },
    /// Shipper or consignee named on the watch list (names compared without case, accents
    /// or punctuation).
    WatchList { parties: Vec<String> },
    /// The importer has no earlier shipment.
    FirstTimeImporter {},
    /// Declared value per kilogram, for goods of the HS prefix, outside the usual band.
    ValuePerKg {
        hs_prefix: String,
        min_cents_per_kg: i64,
        max_cents_per_kg: i64,
    },
    /// More stops than `max_stops`, or a stop at one of `via` (location codes).
    Routing {
        #[serde(default)]
        max_stops: Option<u32>,
        #[serde(default)]
        via: Vec<String>,
    },
    /// An intelligence alert on a named party: fires when the shipper, consignee or importer
    /// name contains it.
    Intelligence { party: String, reference: String },
    /// The goods fall under a request for assistance in force on their arrival day: a mark
    /// it registers named in the description, goods it covers. With `countries`, only goods
    /// coming from or through one of them: the routes known for counterfeits.
    RightsRequest {
        #[serde(default)]
        countries: Vec<String>,
    },
}

/// The most entries a rule's list may hold (countries, HS prefixes, watched parties, places),
/// and the longest entry: every declaration scored is held against every rule.
pub const MAX_LIST_ENTRIES: usize = 1000;
pub const MAX_ENTRY_CHARS: usize = 200;

impl Indicator {
    pub fn kind(&self) -> RuleKind {
        match self {
            Indicator::Country { .. } => RuleKind::Country,
            Indicator::HsPrefix { .. } => RuleKind::HsPrefix,
            Indicator::WatchList { .. } => RuleKind::WatchList,
            Indicator::FirstTimeImporter {} => RuleKind::FirstTimeImporter,
            Indicator::ValuePerKg { .. } => RuleKind::ValuePerKg,
            Indicator::Routing { .. } => RuleKind::Routing,
            Indicator::Intelligence { .. } => RuleKind::Intelligence,
            Indicator::RightsRequest { .. } => RuleKind::RightsRequest,
        }
    }

    /// Checks the parameters, naming the one that is wrong.
    pub fn check(&self) -> Result<(), crate::AppError> {
        use crate::AppError;
        let l = lang::current();
        let bounded = |field: &str, list: &[String]| {
            if list.len() > MAX_LIST_ENTRIES {
                Err(AppError::invalid(
                    field,
                    td_string!(l, targeting.check.list_max, max = MAX_LIST_ENTRIES).to_string(),
                ))
            } else if list.iter().any(|s| s.chars().count() > MAX_ENTRY_CHARS) {
                Err(AppError::invalid(
                    field,
                    td_string!(l, targeting.check.entry_max, max = MAX_ENTRY_CHARS).to_string(),
                ))
            } else {
                Ok(())
            }
        };
        let nonempty = |field: &str, list: &[String], missing: &'static str| {
            bounded(field, list)?;
            if list.iter().all(|s| s.trim().is_empty()) {
                Err(AppError::invalid(field, missing))
            } else {
                Ok(())
            }
        };
        match self {
            Indicator::Country { countries, .. } => {
                nonempty(
                    "indicator.countries",
                    countries,
                    td_string!(l, targeting.check.need_country),
                )?;
                known_countries(countries)
            }
            Indicator::HsPrefix { prefixes } => {
                nonempty(
                    "indicator.prefixes",
                    prefixes,
                    td_string!(l, targeting.check.need_prefix),
                )?;
                if let Some(bad) = prefixes.iter().find(|p| {
                    !(2..=10).contains(&p.len()) || !p.bytes().all(|b| b.is_ascii_digit())
                }) {
                    return Err(AppError::invalid(
                        "indicator.prefixes",
                        td_string!(l, targeting.check.hs_prefix_bad, prefix = bad).to_string(),
                    ));
                }
                Ok(())
            }
            Indicator::WatchList { parties } => nonempty(
                "indicator.parties",
                parties,
                td_string!(l, targeting.check.need_party),
            ),
            Indicator::FirstTimeImporter {} => Ok(()),
            Indicator::ValuePerKg {
                hs_prefix,
                min_cents_per_kg,
                max_cents_per_kg,
            } => {
                if !(2..=10).contains(&hs_prefix.len())
                    || !hs_prefix.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(AppError::invalid(
                        "indicator.hs_prefix",
                        td_string!(l, targeting.check.hs_prefix),
                    ));
                }
                if *min_cents_per_kg < 0 || max_cents_per_kg <= min_cents_per_kg {
                    return Err(AppError::invalid(
                        "indicator.max_cents_per_kg",
                        td_string!(l, targeting.check.band),
                    ));
                }
                Ok(())
            }
            Indicator::Routing { max_stops, via } => {
                bounded("indicator.via", via)?;
                if max_stops.is_none() && via.iter().all(|v| v.trim().is_empty()) {
                    return Err(AppError::invalid(
                        "indicator.max_stops",
                        td_string!(l, targeting.check.routing),
                    ));
                }
                Ok(())
            }
            Indicator::Intelligence { party, reference } => {
                bounded("indicator.party", std::slice::from_ref(party))?;
                bounded("indicator.reference", std::slice::from_ref(reference))?;
                if normalize_name(party).len() < 3 {
                    return Err(AppError::invalid(
                        "indicator.party",
                        td_string!(l, targeting.check.party),
                    ));
                }
                if reference.trim().is_empty() {
                    return Err(AppError::invalid(
                        "indicator.reference",
                        td_string!(l, targeting.check.reference),
                    ));
                }
                Ok(())
            }
            Indicator::RightsRequest { countries } => {
                bounded("indicator.countries", countries)?;
                known_countries(countries)
            }
        }
    }
}

/// Every entry of a rule's countries is a country code.
fn known_countries(countries: &[String]) -> Result<(), crate::AppError> {
    match countries.iter().find(|c| !declaration::is_country(c)) {
        Some(bad) => Err(crate::AppError::invalid(
            "indicator.countries",
            td_string!(lang::current(), targeting.check.country_code, code = bad).to_string(),
        )),
        None => Ok(()),
    }
}

/// A rule at one of its versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub enabled: bool,
    pub indicator: Indicator,
    /// Points added to the score when it fires (1 to 100).
    pub weight: i64,
    /// Why it matters, in plain language, for the officer who reads the score.
    pub reason: String,
    /// What the examiner should do or look for.
    pub instructions: String,
    /// The examination it asks for when it sends goods to the red lane.
    pub inspection: Option<InspectionKind>,
    /// Who wrote this version, and when.
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// A rule as an analyst writes it: to create one, to make a new version, or to try a draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RuleDraft {
    pub name: String,
    pub indicator: Indicator,
    pub weight: i64,
    pub reason: String,
    pub instructions: String,
    #[serde(default)]
    pub inspection: Option<InspectionKind>,
}

impl RuleDraft {
    /// Checks every field, naming the first that is wrong.
    pub fn check(&self) -> Result<(), crate::AppError> {
        use crate::AppError;
        let l = lang::current();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "name",
                td_string!(l, targeting.check.name),
            ));
        }
        if !(1..=100).contains(&self.weight) {
            return Err(AppError::invalid(
                "weight",
                td_string!(l, targeting.check.weight),
            ));
        }
        for (field, text) in [
            ("reason", &self.reason),
            ("instructions", &self.instructions),
        ] {
            let text = text.trim();
            if text.is_empty() {
                return Err(AppError::invalid(
                    field,
                    td_string!(l, targeting.check.plain),
                ));
            }
            if text.chars().count() > 1000 {
                return Err(AppError::invalid(
                    field,
                    td_string!(l, targeting.check.text_max),
                ));
            }
        }
        self.indicator.check()
    }

    /// The rule this draft makes: rule `id` at `version`, named `name`, written by `author`
    /// at `now`, its reason and instructions trimmed as they are stored.
    pub fn rule(
        &self,
        id: i64,
        version: i64,
        name: &str,
        enabled: bool,
        author: &str,
        now: DateTime<Utc>,
    ) -> Rule {
        Rule {
            id,
            version,
            name: name.to_string(),
            enabled,
            indicator: self.indicator.clone(),
            weight: self.weight,
            reason: self.reason.trim().to_string(),
            instructions: self.instructions.trim().to_string(),
            inspection: self.inspection,
            author: author.to_string(),
            created_at: now,
        }
    }
}

/// The thresholds and rates scoring uses (one row of `targeting_settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Settings {
    /// The minimum random selection rate, in basis points (100 = 1%).
    pub random_rate_bp: u32,
    pub yellow_at: i64,
    pub red_at: i64,
    pub rfi_at: i64,
    pub rfs_at: i64,
    pub dnl_at: i64,
    /// Points taken off a trusted trader's score (never below zero).
    pub trusted_credit: i64,
}

impl Default for Settings {
    /// The values a new database starts with (see the migration).
    fn default() -> Self {
        Settings {
            random_rate_bp: 100,
            yellow_at: 30,
            red_at: 60,
            rfi_at: 30,
            rfs_at: 60,
            dnl_at: 90,
            trusted_credit: 20,
        }
    }
}

impl Settings {
    pub fn check(&self) -> Result<(), crate::AppError> {
        use crate::AppError;
        let l = lang::current();
        if self.random_rate_bp > 10_000 {
            return Err(AppError::invalid(
                "random_rate_bp",
                td_string!(l, targeting.check.rate),
            ));
        }
        if self.yellow_at < 1 || self.red_at < self.yellow_at {
            return Err(AppError::invalid(
                "red_at",
                td_string!(l, targeting.check.red),
            ));
        }
        if self.rfi_at < 1 || self.rfs_at < self.rfi_at || self.dnl_at < self.rfs_at {
            return Err(AppError::invalid(
                "dnl_at",
                td_string!(l, targeting.check.referral),
            ));
        }
        if self.trusted_credit < 0 {
            return Err(AppError::invalid(
                "trusted_credit",
                td_string!(l, targeting.check.credit),
            ));
        }
        Ok(())
    }
}

/// A declaration as ingested, after validation: the pre-load "7+1" and, for a full
/// declaration, the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Declaration {
    pub mode: Mode,
    pub declaration_kind: DeclarationKind,
    /// "air_waybill", "bill_of_lading" or "cargo_control".
    pub reference_kind: String,
    /// The reference as stored (an air waybill as `176-12345675`).
    pub reference: String,
    pub house_waybill: Option<String>,
    pub carrier: String,
    pub voyage: String,
    pub origin_country: String,
    pub origin_location: String,
    pub transit_country: Option<String>,
    pub transit_location: Option<String>,
    pub routing: Option<String>,
    pub port_code: String,
    pub shipper_name: String,
    pub shipper_address: String,
    pub consignee_name: String,
    pub consignee_address: String,
    pub importer_name: String,
    pub trusted_trader: Option<String>,
    /// Empty on a pre-load declaration that does not give one.
    pub hs_code: String,
    pub description: String,
    pub pieces: i64,
    pub weight_kg: f64,
    /// Zero on a pre-load declaration that does not give one.
    pub declared_value_cents: i64,
    pub currency: String,
    pub eta: DateTime<Utc>,
}

impl Declaration {
    /// `air_waybill:176-12345675`: what makes a declaration the same shipment as another.
    pub fn reference_key(&self) -> String {
        format!("{}:{}", self.reference_kind, self.reference)
    }
}

/// One rule version that fired, and what it added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub rule_id: i64,
    pub version: i64,
    pub kind: RuleKind,
    pub weight: i64,
    pub inspection: Option<InspectionKind>,
    /// The request for assistance a rights-request rule matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights_request: Option<i64>,
}

/// The result of scoring one declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub score: i64,
    pub lane: Lane,
    /// Pre-load declarations only.
    pub referral: Option<Referral>,
    /// The minimum random rate sent it to examination (full declarations outside the red
    /// lane only).
    pub random: bool,
    /// Sorted by rule id.
    pub hits: Vec<Hit>,
    pub trusted_credit: i64,
    /// The fingerprint of the rule set that scored it.
    pub ruleset: String,
    /// The examination a red lane (or random selection) opens.
    pub exam: InspectionKind,
}

/// Upper case letters and digits, words separated by one space, accents folded: how party
/// names are compared.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        let c = fold_accent(c);
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_uppercase());
        } else {
            space = true;
        }
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'ç' => 'c',
        'Ç' => 'C',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        other => other,
    }
}

/// What is wrong with one field of a declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

/// What became of one declaration of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Disposition {
    /// A new shipment.
    Accepted,
    /// A resend that changed the declaration: updated and scored again.
    Updated,
    /// A resend identical to what is stored: nothing written.
    Unchanged,
    /// Not stored; `errors` says why.
    Refused,
}

/// The outcome of one declaration (by its index in a JSON batch, or its line in a CSV file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemResult {
    /// Position in the JSON batch (0-based); for a CSV file, the row's position among the
    /// data rows.
    pub index: usize,
    /// The line of the CSV file the row starts on (1 is the header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub status: Disposition,
    pub reference: Option<String>,
    pub shipment_id: Option<i64>,
    pub score: Option<i64>,
    pub lane: Option<Lane>,
    pub referral: Option<Referral>,
    pub random: bool,
    pub hold_id: Option<i64>,
    pub inspection_id: Option<i64>,
    /// The examination that waits for capacity at the port, if any.
    pub waiting_for: Option<InspectionKind>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub errors: Vec<FieldError>,
}

impl ItemResult {
    pub fn refused(index: usize, reference: Option<String>, errors: Vec<FieldError>) -> Self {
        ItemResult {
            index,
            line: None,
            status: Disposition::Refused,
            reference,
            shipment_id: None,
            score: None,
            lane: None,
            referral: None,
            random: false,
            hold_id: None,
            inspection_id: None,
            waiting_for: None,
            errors,
        }
    }
}

/// What a batch (JSON or CSV) did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IngestReport {
    pub received: usize,
    pub accepted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: usize,
    /// Shipments sent to each lane, random selections and pre-load referrals among those
    /// stored.
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
    pub random: usize,
    pub referrals: usize,
    /// Examinations opened now, and examinations waiting for capacity.
    pub inspections_opened: usize,
    pub waiting: usize,
    /// One entry per declaration; for CSV imports, only the refused rows and those sent
    /// for examination or referred (a file of 100,000 rows answers with its problems, not
    /// with itself).
    pub results: Vec<ItemResult>,
}

impl IngestReport {
    pub fn count(&mut self, item: &ItemResult) {
        match item.status {
            Disposition::Accepted => self.accepted += 1,
            Disposition::Updated => self.updated += 1,
            Disposition::Unchanged => self.unchanged += 1,
            Disposition::Refused => self.refused += 1,
        }
        if matches!(item.status, Disposition::Accepted | Disposition::Updated) {
            match item.lane {
                Some(Lane::Green) => self.green += 1,
                Some(Lane::Yellow) => self.yellow += 1,
                Some(Lane::Red) => self.red += 1,
                None => {}
            }
            self.random += usize::from(item.random);
            self.referrals += usize::from(item.referral.is_some());
            self.inspections_opened += usize::from(item.inspection_id.is_some());
            self.waiting += usize::from(item.waiting_for.is_some());
        }
    }
}

/// One line of a score's breakdown: a rule version that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BreakdownLine {
    pub rule_id: i64,
    pub version: i64,
    pub name: String,
    pub kind: RuleKind,
    pub weight: i64,
    pub reason: String,
    pub instructions: String,
    /// The request for assistance a rights-request rule matched, as the register has it now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rights_request: Option<MatchedRequest>,
}

/// The request for assistance a declaration fell under, and the marks it named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MatchedRequest {
    pub id: i64,
    pub rights_holder: String,
    /// The registered marks the description names.
    pub marks: Vec<String>,
    /// The last day the request is in force.
    pub valid_to: chrono::NaiveDate,
}
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScoreBreakdown {
    pub shipment_id: i64,
    pub scored_at: DateTime<Utc>,
    pub declaration_kind: DeclarationKind,
    pub score: i64,
    pub lane: Lane,
    pub referral: Option<Referral>,
    pub random: bool,
    pub trusted_credit: i64,
    pub ruleset: String,
    pub lines: Vec<BreakdownLine>,
    /// The examination waiting for capacity, if any.
    pub waiting_for: Option<InspectionKind>,
}

/// Examination capacity and referrals waiting for it at one port, for one inspection type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CapacityLine {
    pub port_code: String,
    pub kind: InspectionKind,
    /// `None`: not limited.
    pub per_hour: Option<i64>,
    /// Examinations of this type opened at the port in the last hour.
    pub used_last_hour: i64,
    pub waiting: i64,
    /// When the next referral can be released (now, when a slot is free).
    pub next_slot: Option<DateTime<Utc>>,
    /// "12 waiting for X-ray capacity, next slot 15:40" (port time).
    pub summary: String,
}

/// Set a port's capacity for one inspection type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CapacityChange {
    pub kind: InspectionKind,
    /// Examinations per hour; `null` removes the limit.
    pub per_hour: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

/// Figures of one rule (or of random selection) over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SelectionStats {
    /// Shipments selected (sent to yellow or red, or referred) with this rule among those
    /// that fired.
    pub selections: i64,
    /// Of those, shipments with at least one completed examination.
    pub examined: i64,
    /// Of those, shipments whose examinations found something (seizure, penalty, referral
    /// to another agency).
    pub findings: i64,
    /// findings / examined; `None` before any examination completes.
    pub hit_rate: Option<f64>,
    /// The number of examinations the hit rate rests on (= examined).
    pub sample_size: i64,
}

impl SelectionStats {
    pub fn new(selections: i64, examined: i64, findings: i64) -> Self {
        SelectionStats {
            selections,
            examined,
            findings,
            hit_rate: (examined > 0).then(|| findings as f64 / examined as f64),
            sample_size: examined,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RuleStats {
    pub rule_id: i64,
    pub name: String,
    pub enabled: bool,
    pub current_version: i64,
    pub stats: SelectionStats,
}

/// Per-rule figures over a period, with random selection as the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatsReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub rules: Vec<RuleStats>,
    pub random: SelectionStats,
}

/// What a draft rule would have done over the last days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrialReport {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Shipments declared in the period, and how many the draft would have fired on.
    pub shipments: i64,
    pub matched: i64,
    /// Of those, how many its weight alone (with the other enabled rules) would have sent to
    /// yellow or red, or referred.
    pub selected: i64,
    pub per_day: Vec<TrialDay>,
    pub per_port: Vec<TrialPort>,
    /// The historical outcome of the matched shipments that were examined.
    pub history: SelectionStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrialDay {
    /// The UTC day, `2026-06-01`.
    pub day: String,
    pub selected: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrialPort {
    pub port_code: String,
    pub selected: i64,
    /// Selected per day on average, against the port's capacity per day for the exam the
    /// draft asks for (`None`: not limited).
    pub per_day: f64,
    pub capacity_per_day: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rules_lists_and_their_entries_are_bounded() {
        let field = |indicator: Indicator| match indicator.check() {
            Err(crate::AppError::Invalid { field, .. }) => Some(field),
            _ => None,
        };
        let many = vec!["ACME TRADING".to_string(); MAX_LIST_ENTRIES + 1];
        let enough = vec!["ACME TRADING".to_string(); MAX_LIST_ENTRIES];
        let long = vec!["X".repeat(MAX_ENTRY_CHARS + 1)];
        assert_eq!(
            field(Indicator::WatchList {
                parties: many.clone()
            })
            .as_deref(),
            Some("indicator.parties")
        );
        assert_eq!(field(Indicator::WatchList { parties: enough }), None);
        assert_eq!(
            field(Indicator::WatchList {
                parties: long.clone()
            })
            .as_deref(),
            Some("indicator.parties")
        );
        assert_eq!(
            field(Indicator::Routing {
                max_stops: Some(2),
                via: many
            })
            .as_deref(),
            Some("indicator.via")
        );
        assert_eq!(
            field(Indicator::Intelligence {
                party: long[0].clone(),
                reference: "ALERT-1".into(),
            })
            .as_deref(),
            Some("indicator.party")
        );
    }

    #[test]
    fn names_compare_without_case_accents_or_punctuation() {
        assert_eq!(
            normalize_name("  Lumière  Export, S.A.R.L. "),
            "LUMIERE EXPORT S A R L"
        );
        assert_eq!(
            normalize_name("MAPLE IMPORTS, INC"),
            normalize_name("Maple Imports Inc.")
        );
    }

    #[test]
    fn drafts_are_checked_field_by_field() {
        let mut draft = RuleDraft {
            name: "Undervalued phones".into(),
            indicator: Indicator::ValuePerKg {
                hs_prefix: "8517".into(),
                min_cents_per_kg: 20_000,
                max_cents_per_kg: 60_000,
            },
            weight: 35,
            reason: "Phones declared far below their price are often diverted goods".into(),
            instructions: "Compare the invoice to the goods; count the units".into(),
            inspection: Some(InspectionKind::Physical),
        };
        assert!(draft.check().is_ok());
        draft.weight = 0;
        assert!(
            matches!(draft.check(), Err(crate::AppError::Invalid { field, .. }) if field == "weight")
        );
        draft.weight = 10;
        draft.indicator = Indicator::Country {
            countries: vec!["China".into()],
            on: CountryRole::Origin,
        };
        assert!(
            matches!(draft.check(), Err(crate::AppError::Invalid { field, .. }) if field == "indicator.countries")
        );
        draft.indicator = Indicator::FirstTimeImporter {};
        draft.reason = " ".into();
        assert!(
            matches!(draft.check(), Err(crate::AppError::Invalid { field, .. }) if field == "reason")
        );
    }

    #[test]
    fn indicators_travel_as_tagged_json() {
        let json = serde_json::json!({"kind": "country", "countries": ["CN"], "on": "transit"});
        let indicator: Indicator = serde_json::from_value(json).unwrap();
        assert_eq!(indicator.kind(), RuleKind::Country);
        let first: Indicator =
            serde_json::from_value(serde_json::json!({"kind": "first_time_importer"})).unwrap();
        assert_eq!(first, Indicator::FirstTimeImporter {});
        assert!(
            serde_json::from_value::<Indicator>(serde_json::json!({"kind": "horoscope"})).is_err()
        );
    }

    #[test]
    fn settings_must_rise() {
        assert!(Settings::default().check().is_ok());
        let bad = Settings {
            red_at: 10,
            ..Settings::default()
        };
        assert!(bad.check().is_err());
    }
}
