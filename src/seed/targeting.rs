//! The demo country's targeting centre: a believable rule set (each rule with its reason and
//! the examiner's instructions) and the examination capacity of the busiest ports, so that a
//! declaration sent to the demo is scored, referred and, at a busy port, made to wait; and the
//! same rules in memory ([`Scorer`]), which score the seeded history with targeting's own
//! functions before it is written, as ingest scores every later declaration.

use app::domain::InspectionKind;
use app::domain::clock::to_millis;
use app::rights::RightsRequest;
use app::targeting::decide::{self, Plan};
use app::targeting::scoring::{self, History};
use app::targeting::{Assessment, CountryRole, Declaration, Indicator, Rule, RuleDraft, Settings};
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyConnection, Row};
use std::collections::HashSet;

/// The demo's rules, in the order they are numbered.
pub fn rules() -> Vec<RuleDraft> {
    let draft = |name: &str,
                 indicator: Indicator,
                 weight: i64,
                 reason: &str,
                 instructions: &str,
                 inspection: Option<InspectionKind>| RuleDraft {
        name: name.into(),
        indicator,
        weight,
        reason: reason.into(),
        instructions: instructions.into(),
        inspection,
    };
    vec![
        draft(
            "Cocaine source countries",
            Indicator::Country {
                countries: vec!["CO".into(), "MX".into()],
                on: CountryRole::Origin,
            },
            25,
            "Air cargo from this origin has carried concealed cocaine in recent seizures.",
            "X-ray the consignment; a detector dog on any organic anomaly in the image.",
            Some(InspectionKind::DetectorDog),
        ),
        draft(
            "Chemical precursors",
            Indicator::HsPrefix {
                prefixes: vec!["2933".into(), "2939".into()],
            },
            35,
            "Heterocyclic compounds include fentanyl and methamphetamine precursors.",
            "Sample for the laboratory; check the end-user declaration and the permit.",
            Some(InspectionKind::LabSample),
        ),
        draft(
            "Counterfeit-prone goods",
            Indicator::HsPrefix {
                prefixes: vec!["4202".into(), "9102".into(), "6403".into()],
            },
            20,
            "Handbags, watches and footwear are the goods most often seized as counterfeit.",
            "Open a sample of cartons; compare logos, labels and stitching with the rights holder's guide.",
            Some(InspectionKind::Physical),
        ),
        draft(
            "Undervalued smartphones",
            Indicator::ValuePerKg {
                hs_prefix: "8517".into(),
                min_cents_per_kg: 15_000,
                max_cents_per_kg: 80_000,
            },
            30,
            "Phones declared far below their usual value per kilogram suggest undervaluation or diversion.",
            "Count the units and compare with the invoice; note models and IMEI ranges.",
            Some(InspectionKind::Physical),
        ),
        draft(
            "First-time importer",
            Indicator::FirstTimeImporter {},
            15,
            "An importer with no history gives nothing to judge its declarations against.",
            "Check the importer's business number and the consignee's address.",
            Some(InspectionKind::DocumentReview),
        ),
        draft(
            "Transit through a transshipment hub",
            Indicator::Routing {
                max_stops: Some(2),
                via: vec!["DXB".into(), "IST".into()],
            },
            15,
            "Goods re-routed through known transshipment hubs can hide their true origin.",
            "Compare the routing with the airline's schedule; ask for the certificate of origin.",
            Some(InspectionKind::DocumentReview),
        ),
        draft(
            "Watch list: Bangkok Gems & Jewellery",
            Indicator::WatchList {
                parties: vec!["Bangkok Gems & Jewellery Co.".into()],
            },
            40,
            "The shipper is on the watch list after a seizure of undeclared gemstones.",
            "X-ray, then open every parcel whose image shows dense small items.",
            Some(InspectionKind::Xray),
        ),
        draft(
            "Intelligence alert: Northwind Trading",
            Indicator::Intelligence {
                party: "Northwind Trading".into(),
                reference: "INT-2026-0117".into(),
            },
            60,
            "An intelligence alert names this party in a smuggling investigation.",
            "Do not alert the importer. X-ray and call the intelligence officer named in the alert before opening.",
            Some(InspectionKind::Xray),
        ),
        draft(
            "Goods under a request for assistance",
            Indicator::RightsRequest {
                countries: vec!["CN".into(), "HK".into(), "TR".into(), "AE".into()],
            },
            40,
            "The rights holder asked us to detain goods bearing its registered marks, and counterfeits of them have come by this route.",
            "Examine the goods against the request's description of genuine ones. Suspected counterfeits are detained and the rights holder notified.",
            Some(InspectionKind::Physical),
        ),
    ]
}

/// Examinations per hour at the busiest ports, by type.
pub const CAPACITY: &[(&str, InspectionKind, i64)] = &[
    ("YYZ", InspectionKind::Xray, 12),
    ("YYZ", InspectionKind::DocumentReview, 20),
    ("YYZ", InspectionKind::Physical, 4),
    ("YVR", InspectionKind::Xray, 8),
    ("YVR", InspectionKind::DocumentReview, 12),
    ("YVR", InspectionKind::Physical, 3),
    ("YUL", InspectionKind::Xray, 6),
    ("YUL", InspectionKind::DocumentReview, 10),
    ("AMB", InspectionKind::Xray, 10),
    ("AMB", InspectionKind::Physical, 4),
    ("PVN", InspectionKind::Xray, 4),
];

/// Who writes the demo's rules.
const AUTHOR: &str = "Targeting centre";

/// When the rules are written: the day before the history begins.
fn written_at(end: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    end - Duration::days(days + 1)
}

/// What ingest reads before it scores (`app::targeting::db::context`), as it will be once the
/// seed is written: the demo's rules as [`seed`] numbers them (from 1, version 1, enabled),
/// the settings a new database starts with, and the register of requests for assistance.
pub struct Scorer {
    pub rules: Vec<Rule>,
    pub ruleset: String,
    pub settings: Settings,
    pub rights: Vec<RightsRequest>,
}

/// A declaration as the rules scored it.
pub struct Scored {
    pub assessment: Assessment,
    /// The hold (and examination) its lane or random selection asks for.
    pub plan: Option<Plan>,
    /// The sentence a hold placed on the score is explained by; empty without a hold.
    pub explanation: String,
}

impl Scorer {
    /// The demo's targeting centre for a history of `days` days ending at `end`.
    pub fn demo(end: DateTime<Utc>, days: i64) -> Self {
        let at = written_at(end, days);
        let rules: Vec<Rule> = rules()
            .iter()
            .enumerate()
            .map(|(n, draft)| draft.rule(n as i64 + 1, 1, &draft.name, true, AUTHOR, at))
            .collect();
        Scorer {
            ruleset: scoring::ruleset_fingerprint(&rules),
            rules,
            settings: Settings::default(),
            rights: super::rights::register(end, days),
        }
    }

    /// Scores `d` and says what its score asks for, with the functions ingest uses.
    pub fn score(&self, d: &Declaration, importer_seen_before: bool) -> Scored {
        let history = History {
            importer_seen_before,
            rights: &self.rights,
        };
        let assessment = scoring::assess(d, history, &self.rules, &self.ruleset, &self.settings);
        let plan = decide::plan(d, &assessment, &self.settings);
        let explanation = match plan {
            Some(_) => decide::explanation(&assessment, &self.rules, &self.rights),
            None => String::new(),
        };
        Scored {
            assessment,
            plan,
            explanation,
        }
    }
}

/// Whether each declaration's importer had declared goods before it, the declarations taken
/// in the order they were filed (by instant, then by their place in `declared`): what ingest
/// knows of an importer when it scores a declaration.
pub fn importers_seen_before(declared: &[(DateTime<Utc>, &str)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..declared.len()).collect();
    order.sort_by_key(|&n| (declared[n].0, n));
    let mut seen: HashSet<&str> = HashSet::new();
    let mut before = vec![false; declared.len()];
    for n in order {
        before[n] = !seen.insert(declared[n].1);
    }
    before
}

/// Writes the demo rules (version 1, enabled, with their journal entries) and capacities.
/// Each rule takes the number [`Scorer::demo`] gave it, which the history's scores name.
pub async fn seed(conn: &mut AnyConnection, end: DateTime<Utc>, days: i64) -> anyhow::Result<()> {
    let at = written_at(end, days);
    let author = AUTHOR;
    for (n, draft) in rules().into_iter().enumerate() {
        draft
            .check()
            .map_err(|e| anyhow::anyhow!("demo rule {}: {e}", draft.name))?;
        let id: i64 = sqlx::query(
            "insert into rules (name, enabled, current_version, created_at, created_by) \
             values ($1, 1, 1, $2, $3) returning id",
        )
        .bind(&draft.name)
        .bind(to_millis(at))
        .bind(author)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        anyhow::ensure!(
            id == n as i64 + 1,
            "demo rule {} numbered {id}: the rules were not empty",
            draft.name
        );
        sqlx::query(
            "insert into rule_versions (rule_id, version, kind, parameters_json, weight, reason, \
             instructions, inspection_kind, author, created_at) \
             values ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(draft.indicator.kind().code())
        .bind(serde_json::to_string(&draft.indicator)?)
        .bind(draft.weight)
        .bind(&draft.reason)
        .bind(&draft.instructions)
        .bind(draft.inspection.map(|k| k.code()))
        .bind(author)
        .bind(to_millis(at))
        .execute(&mut *conn)
        .await?;
        app::journal::db::record(
            conn,
            app::journal::db::NewEntry::administrative(
                at,
                author,
                "rule",
                id,
                "created",
                serde_json::json!({
                    "name": draft.name,
                    "version": 1,
                    "enabled": true,
                    "kind": draft.indicator.kind().code(),
                    "weight": draft.weight,
                }),
            )
            .reason(Some(&draft.reason)),
        )
        .await?;
    }
    for (port, kind, per_hour) in CAPACITY {
        sqlx::query(
            "insert into port_capacity (port_code, kind, per_hour, updated_at, updated_by) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(*port)
        .bind(kind.code())
        .bind(*per_hour)
        .bind(to_millis(at))
        .bind(author)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_importer_is_new_only_on_its_first_declaration_in_time() {
        let at = |h: u32| Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap();
        let declared = [
            (at(9), "Maple Imports"),
            (at(7), "Maple Imports"),
            (at(8), "Lynx Retail"),
            (at(7), "Maple Imports"),
        ];
        assert_eq!(
            importers_seen_before(&declared),
            [true, false, false, true],
            "the earliest first, then the earlier number at the same instant"
        );
        assert!(importers_seen_before(&[]).is_empty());
    }

    #[test]
    fn the_demo_scorer_numbers_its_rules_as_the_seed_writes_them() {
        let end = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let scorer = Scorer::demo(end, 14);
        let names: Vec<String> = rules().into_iter().map(|r| r.name).collect();
        assert_eq!(
            scorer
                .rules
                .iter()
                .map(|r| r.name.clone())
                .collect::<Vec<_>>(),
            names
        );
        for (n, rule) in scorer.rules.iter().enumerate() {
            assert_eq!(
                (rule.id, rule.version, rule.enabled),
                (n as i64 + 1, 1, true)
            );
        }
        assert_eq!(scorer.ruleset, scoring::ruleset_fingerprint(&scorer.rules));
        assert_eq!(
            scorer.rights.iter().map(|r| r.id).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }
}
