//! The demo country's targeting centre: a believable rule set (each rule with its reason and
//! the examiner's instructions) and the examination capacity of the busiest ports, so that a
//! declaration sent to the demo is scored, referred and, at a busy port, made to wait.

use app::domain::InspectionKind;
use app::domain::clock::to_millis;
use app::targeting::{CountryRole, Indicator, RuleDraft};
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyConnection, Row};

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

/// Writes the demo rules (version 1, enabled, with their journal entries) and capacities.
pub async fn seed(conn: &mut AnyConnection, end: DateTime<Utc>, days: i64) -> anyhow::Result<()> {
    let at = end - Duration::days(days + 1);
    let author = "Targeting centre";
    for draft in rules() {
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
