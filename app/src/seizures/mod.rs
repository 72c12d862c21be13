//! Seizure reports for partner administrations: the seizures made at the ports, one or over a
//! period, in the fields of the WCO Customs Enforcement Network's seizure reports as far as the
//! board holds them (date, place, mode, goods, quantity, routing, detection method; the board
//! records no concealment method, so that field is always empty). The parties' names and
//! addresses are personal data: left out unless the exporter asks for them, for a partner and a
//! reason, and every export is journaled with that choice in the same transaction as the read.

use crate::domain::{HoldReason, InspectionKind, Mode};
use crate::error::AppError;
use crate::export::{Cell, CsvRecord};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod page;

/// The longest period one export covers, in days.
pub const MAX_PERIOD_DAYS: i64 = 366;
/// The most seizures one export holds; a period with more is refused, to be split.
pub const MAX_SEIZURES: usize = 5_000;
/// The longest name of the partner administration, in characters.
pub const MAX_PARTNER_CHARS: usize = 120;

/// How the goods were picked out for the examination that found them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DetectionMethod {
    /// A targeting rule's score (risk profiling).
    RiskProfiling,
    RandomSelection,
    Intelligence,
    /// An officer's review of the documents.
    DocumentControl,
    /// A rights holder's request for assistance.
    RightsHolderAlert,
    /// Another government department's request.
    OtherAgency,
    /// Screening before loading (a do-not-load referral).
    PreLoadScreening,
}

impl DetectionMethod {
    pub fn of(reason: HoldReason) -> Self {
        match reason {
            HoldReason::RiskTarget => Self::RiskProfiling,
            HoldReason::Random => Self::RandomSelection,
            HoldReason::Intelligence => Self::Intelligence,
            HoldReason::Documentation => Self::DocumentControl,
            HoldReason::IntellectualProperty => Self::RightsHolderAlert,
            HoldReason::OtherAgency => Self::OtherAgency,
            HoldReason::DoNotLoad => Self::PreLoadScreening,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::RiskProfiling => "risk_profiling",
            Self::RandomSelection => "random_selection",
            Self::Intelligence => "intelligence",
            Self::DocumentControl => "document_control",
            Self::RightsHolderAlert => "rights_holder_alert",
            Self::OtherAgency => "other_agency",
            Self::PreLoadScreening => "pre_load_screening",
        }
    }
}

/// The parties to a seized shipment: personal data, sent only when the exporter chose to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Parties {
    pub shipper_name: String,
    pub shipper_address: String,
    pub consignee_name: String,
    pub consignee_address: String,
    pub importer_name: String,
}

/// One seizure, as a partner administration reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SeizureReport {
    /// The hold the goods were seized under: the seizure's number at the board.
    pub seizure_id: i64,
    /// When the seizure was approved (UTC).
    pub seized_at: DateTime<Utc>,
    /// Always `CA`.
    pub country: String,
    /// The port of entry (its code and name): the place of the seizure.
    pub port_code: String,
    pub port_name: String,
    pub mode: Mode,
    /// The carrier and its voyage or flight.
    pub carrier: String,
    pub voyage: String,
    /// The transport document: its kind and number.
    pub reference_kind: String,
    pub reference: String,
    /// The goods as declared, and their Harmonized System code.
    pub goods_description: String,
    pub hs_code: String,
    pub pieces: i64,
    pub weight_kg: f64,
    pub declared_value_cents: i64,
    pub currency: String,
    /// How the goods were hidden: the board records no concealment method, so always `null`.
    pub concealment: Option<String>,
    /// The routing: where the goods came from, through where, to which port.
    pub origin_country: String,
    pub origin_location: String,
    pub transit_location: Option<String>,
    pub destination_port: String,
    pub detection_method: DetectionMethod,
    /// The examinations completed on the goods, in order (`xray`, `physical`, …).
    pub examinations: Vec<InspectionKind>,
    /// The parties, when the exporter chose to include personal data; `null` otherwise.
    pub parties: Option<Parties>,
}

/// What a partner administration is sent: the reports, what they cover and for whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SeizureExport {
    pub generated_at: DateTime<Utc>,
    pub partner: String,
    /// Whether the parties' names and addresses are included.
    pub personal_data: bool,
    /// The journal entry that records this export.
    pub journal_seq: i64,
    pub seizures: Vec<SeizureReport>,
}

/// What an export covers: one seizure, or the seizures of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covered {
    One(i64),
    /// From the start of the first day to the end of the last (UTC), both included.
    Period {
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// The file asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Json,
    Csv,
}

/// An export as asked for.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// One seizure (its `seizure_id`); or leave it out and give `from` and `to`.
    pub seizure_id: Option<i64>,
    /// The first day of the period (UTC), e.g. `2026-11-01`.
    pub from: Option<NaiveDate>,
    /// The last day of the period (UTC), included; at most 366 days after `from`.
    pub to: Option<NaiveDate>,
    /// The partner administration the report is for, e.g. `U.S. Customs and Border Protection`.
    #[serde(default)]
    pub partner: String,
    /// Include the parties' names and addresses (personal data). `false` by default.
    #[serde(default)]
    pub personal_data: bool,
    /// Why the report is shared: required, and journaled with the export.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub format: ExportFormat,
}

/// An export request once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub covered: Covered,
    pub partner: String,
    pub personal_data: bool,
    pub reason: String,
    pub format: ExportFormat,
}

impl ExportRequest {
    /// Checks the request against `today` (UTC): one seizure or a whole period, not both; a
    /// period that ends after it starts, not in the future, at most [`MAX_PERIOD_DAYS`] long;
    /// the partner named; a reason given.
    pub fn check(&self, today: NaiveDate) -> Result<Checked, AppError> {
        let covered = match (self.seizure_id, self.from, self.to) {
            (Some(id), None, None) if id > 0 => Covered::One(id),
            (Some(_), None, None) => {
                return Err(AppError::invalid("seizure_id", said!(seizures.id_positive)));
            }
            (Some(_), _, _) => {
                return Err(AppError::invalid(
                    "seizure_id",
                    said!(seizures.one_or_period),
                ));
            }
            (None, Some(from), Some(to)) => {
                if to < from {
                    return Err(AppError::invalid("to", said!(seizures.to_before_from)));
                }
                if to > today {
                    return Err(AppError::invalid("to", said!(seizures.to_in_future)));
                }
                if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
                    return Err(AppError::invalid(
                        "to",
                        crate::i18n::td_string!(
                            crate::lang::current(),
                            seizures.period_too_long,
                            days = MAX_PERIOD_DAYS
                        )
                        .to_string(),
                    ));
                }
                Covered::Period { from, to }
            }
            (None, None, _) => {
                return Err(AppError::invalid("from", said!(seizures.one_or_period)));
            }
            (None, Some(_), None) => {
                return Err(AppError::invalid("to", said!(seizures.one_or_period)));
            }
        };
        let partner = crate::domain::text::check_text("partner", &self.partner, true)?;
        if partner.chars().count() > MAX_PARTNER_CHARS {
            return Err(AppError::invalid(
                "partner",
                crate::i18n::td_string!(
                    crate::lang::current(),
                    seizures.partner_too_long,
                    max = MAX_PARTNER_CHARS
                )
                .to_string(),
            ));
        }
        let reason = crate::domain::text::check_text("reason", &self.reason, true)?;
        Ok(Checked {
            covered,
            partner,
            personal_data: self.personal_data,
            reason,
            format: self.format,
        })
    }
}

impl CsvRecord for SeizureReport {
    const COLUMNS: &'static [&'static str] = &[
        "seizure_id",
        "seized_at",
        "country",
        "port_code",
        "port_name",
        "mode",
        "carrier",
        "voyage",
        "reference_kind",
        "reference",
        "goods_description",
        "hs_code",
        "pieces",
        "weight_kg",
        "declared_value_cents",
        "currency",
        "concealment",
        "origin_country",
        "origin_location",
        "transit_location",
        "destination_port",
        "detection_method",
        "examinations",
        "shipper_name",
        "shipper_address",
        "consignee_name",
        "consignee_address",
        "importer_name",
    ];

    fn cells(&self) -> Vec<Cell> {
        let party = |pick: fn(&Parties) -> &String| {
            Cell::or_empty(self.parties.as_ref(), |p| Cell::text(pick(p).clone()))
        };
        vec![
            Cell::int(self.seizure_id),
            Cell::time(self.seized_at),
            Cell::text(&self.country),
            Cell::text(&self.port_code),
            Cell::text(&self.port_name),
            Cell::text(self.mode.code()),
            Cell::text(&self.carrier),
            Cell::text(&self.voyage),
            Cell::text(&self.reference_kind),
            Cell::text(&self.reference),
            Cell::text(&self.goods_description),
            Cell::text(&self.hs_code),
            Cell::int(self.pieces),
            Cell::decimal(self.weight_kg),
            Cell::int(self.declared_value_cents),
            Cell::text(&self.currency),
            Cell::or_empty(self.concealment.clone(), Cell::text),
            Cell::text(&self.origin_country),
            Cell::text(&self.origin_location),
            Cell::or_empty(self.transit_location.clone(), Cell::text),
            Cell::text(&self.destination_port),
            Cell::text(self.detection_method.code()),
            Cell::text(
                self.examinations
                    .iter()
                    .map(|k| k.code())
                    .collect::<Vec<_>>()
                    .join(";"),
            ),
            party(|p| &p.shipper_name),
            party(|p| &p.shipper_address),
            party(|p| &p.consignee_name),
            party(|p| &p.consignee_address),
            party(|p| &p.importer_name),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait FieldName {
        fn field_name(&self) -> Option<&str>;
    }

    impl FieldName for AppError {
        fn field_name(&self) -> Option<&str> {
            match self {
                AppError::Invalid { field, .. } => Some(field),
                _ => None,
            }
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn request() -> ExportRequest {
        ExportRequest {
            partner: "U.S. Customs and Border Protection".into(),
            reason: "Joint operation on counterfeit footwear".into(),
            ..ExportRequest::default()
        }
    }

    #[test]
    fn an_export_covers_one_seizure_or_one_period_not_both() {
        let today = day("2026-12-01");
        let one = ExportRequest {
            seizure_id: Some(7),
            ..request()
        };
        assert_eq!(one.check(today).unwrap().covered, Covered::One(7));
        let both = ExportRequest {
            from: Some(day("2026-11-01")),
            ..one.clone()
        };
        assert_eq!(
            both.check(today).unwrap_err().field_name(),
            Some("seizure_id")
        );
        assert_eq!(
            request().check(today).unwrap_err().field_name(),
            Some("from")
        );
        let half = ExportRequest {
            from: Some(day("2026-11-01")),
            ..request()
        };
        assert_eq!(half.check(today).unwrap_err().field_name(), Some("to"));
        let zero = ExportRequest {
            seizure_id: Some(0),
            ..request()
        };
        assert_eq!(
            zero.check(today).unwrap_err().field_name(),
            Some("seizure_id")
        );
    }

    #[test]
    fn a_period_ends_after_it_starts_by_today_and_within_a_year() {
        let today = day("2026-12-01");
        let period = |from: &str, to: &str| ExportRequest {
            from: Some(day(from)),
            to: Some(day(to)),
            ..request()
        };
        assert!(period("2026-11-01", "2026-11-30").check(today).is_ok());
        assert!(period("2025-12-01", "2026-12-01").check(today).is_ok());
        for (from, to) in [
            ("2026-11-30", "2026-11-01"),
            ("2026-11-01", "2026-12-02"),
            ("2025-11-30", "2026-12-01"),
        ] {
            assert_eq!(
                period(from, to).check(today).unwrap_err().field_name(),
                Some("to"),
                "{from} to {to}"
            );
        }
    }

    #[test]
    fn the_partner_and_the_reason_are_required_and_bounded() {
        let today = day("2026-12-01");
        let one = |partner: &str, reason: &str| ExportRequest {
            seizure_id: Some(1),
            partner: partner.into(),
            reason: reason.into(),
            ..ExportRequest::default()
        };
        assert_eq!(
            one("  ", "why").check(today).unwrap_err().field_name(),
            Some("partner")
        );
        assert_eq!(
            one(&"x".repeat(MAX_PARTNER_CHARS + 1), "why")
                .check(today)
                .unwrap_err()
                .field_name(),
            Some("partner")
        );
        assert_eq!(
            one("CBP", " ").check(today).unwrap_err().field_name(),
            Some("reason")
        );
        let checked = one(" CBP ", " why ").check(today).unwrap();
        assert_eq!(
            (checked.partner.as_str(), checked.reason.as_str()),
            ("CBP", "why")
        );
        assert!(!checked.personal_data);
    }

    #[test]
    fn the_csv_leaves_the_parties_empty_unless_they_were_chosen() {
        let report = SeizureReport {
            seizure_id: 3,
            seized_at: "2026-11-30T12:00:00Z".parse().unwrap(),
            country: "CA".into(),
            port_code: "YVR".into(),
            port_name: "Vancouver".into(),
            mode: Mode::Air,
            carrier: "AC".into(),
            voyage: "AC8".into(),
            reference_kind: "air_waybill".into(),
            reference: "014-12345675".into(),
            goods_description: "Sports shoes".into(),
            hs_code: "6404.11".into(),
            pieces: 40,
            weight_kg: 120.5,
            declared_value_cents: 250_000,
            currency: "USD".into(),
            concealment: None,
            origin_country: "CN".into(),
            origin_location: "Shenzhen".into(),
            transit_location: Some("Incheon".into()),
            destination_port: "YVR".into(),
            detection_method: DetectionMethod::RightsHolderAlert,
            examinations: vec![InspectionKind::Xray, InspectionKind::Physical],
            parties: None,
        };
        let cells = report.cells();
        assert_eq!(cells.len(), SeizureReport::COLUMNS.len());
        let at = |name: &str| {
            cells[SeizureReport::COLUMNS
                .iter()
                .position(|c| *c == name)
                .unwrap()]
            .clone()
        };
        assert_eq!(at("examinations"), Cell::text("xray;physical"));
        assert_eq!(at("detection_method"), Cell::text("rights_holder_alert"));
        assert_eq!(at("shipper_name"), Cell::Empty);
        assert_eq!(at("concealment"), Cell::Empty);
        let named = SeizureReport {
            parties: Some(Parties {
                shipper_name: "Shenzhen Trading".into(),
                shipper_address: "1 Road".into(),
                consignee_name: "Pacific Imports".into(),
                consignee_address: "2 Street".into(),
                importer_name: "Pacific Imports".into(),
            }),
            ..report
        };
        let cells = named.cells();
        let shipper = SeizureReport::COLUMNS
            .iter()
            .position(|c| *c == "shipper_name")
            .unwrap();
        assert_eq!(cells[shipper], Cell::text("Shenzhen Trading"));
    }
}
