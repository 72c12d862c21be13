//! Shipments: the declared goods, where they are in their journey, and their timeline.

use crate::domain::{Mode, ShipmentStatus};
use crate::error::AppError;
use crate::holds::HoldRow;
use crate::inspections::InspectionRow;
use crate::journal::JournalEntry;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod page;
pub mod work;

/// A shipment's declaration: the pre-load "7+1" data set and the full declaration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Shipment {
    pub id: i64,
    pub mode: Mode,
    /// "air_waybill", "bill_of_lading" or "cargo_control".
    pub reference_kind: String,
    pub reference: String,
    pub house_waybill: Option<String>,
    pub carrier: String,
    /// Flight number, voyage or trip.
    pub voyage: String,
    pub origin_country: String,
    pub origin_location: String,
    pub transit_location: Option<String>,
    pub port_code: String,
    pub port_name: String,
    pub port_time_zone: String,
    pub shipper_name: String,
    pub shipper_address: String,
    pub consignee_name: String,
    pub consignee_address: String,
    pub importer_name: String,
    /// PIP, CTPAT or AEO when the importer is a trusted trader.
    pub trusted_trader: Option<String>,
    pub hs_code: String,
    pub description: String,
    pub pieces: i64,
    pub weight_kg: f64,
    pub declared_value_cents: i64,
    pub currency: String,
    pub eta_at: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub released_at: Option<DateTime<Utc>>,
    pub status: ShipmentStatus,
    pub version: i64,
}

impl Shipment {
    pub fn reference_label(&self) -> String {
        crate::domain::ShipmentReference::shown(&self.reference_kind, &self.reference)
    }

    /// "12,450.00 CAD"
    pub fn declared_value(&self) -> String {
        crate::lang::format::money(
            crate::lang::current(),
            self.declared_value_cents,
            &self.currency,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShipmentDetail {
    pub shipment: Shipment,
    pub holds: Vec<HoldRow>,
    pub inspections: Vec<InspectionRow>,
    pub timeline: Vec<JournalEntry>,
}

#[server(prefix = "/rpc", endpoint = "shipment")]
pub async fn get_shipment(id: i64) -> Result<ShipmentDetail, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::detail(&state.db.pool, id).await
}

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;

/// A note as it will be kept: trimmed, not empty, not too long.
pub fn check_note(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            "text",
            crate::i18n::td_string!(crate::lang::current(), shipments.note_empty),
        ));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid(
            "text",
            crate::i18n::td_string!(
                crate::lang::current(),
                shipments.note_too_long,
                max = MAX_NOTE_CHARS
            )
            .to_string(),
        ));
    }
    Ok(text.to_string())
}

/// Adds a note to a shipment's timeline: by officers and supervisors of its port.
#[server(prefix = "/rpc", endpoint = "add_note")]
pub async fn add_note(shipment_id: i64, text: String) -> Result<(), AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    db::add_note(&state.db.pool, &caller, shipment_id, &text, Utc::now())
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(
            super::check_note("  seal intact \n").unwrap(),
            "seal intact"
        );
        assert!(super::check_note("   ").is_err());
        assert!(super::check_note(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn declared_value_groups_thousands() {
        let mut s = super::Shipment {
            id: 1,
            mode: crate::domain::Mode::Air,
            reference_kind: "air_waybill".into(),
            reference: "176-12345675".into(),
            house_waybill: None,
            carrier: "AC".into(),
            voyage: "AC 871".into(),
            origin_country: "FR".into(),
            origin_location: "CDG".into(),
            transit_location: None,
            port_code: "YUL".into(),
            port_name: "Montréal".into(),
            port_time_zone: "America/Toronto".into(),
            shipper_name: "s".into(),
            shipper_address: "a".into(),
            consignee_name: "c".into(),
            consignee_address: "a".into(),
            importer_name: "i".into(),
            trusted_trader: None,
            hs_code: "850440".into(),
            description: "d".into(),
            pieces: 1,
            weight_kg: 1.0,
            declared_value_cents: 1_245_007,
            currency: "CAD".into(),
            eta_at: Default::default(),
            arrived_at: None,
            released_at: None,
            status: crate::domain::ShipmentStatus::Held,
            version: 1,
        };
        assert_eq!(s.declared_value(), "12,450.07 CAD");
        s.declared_value_cents = 99;
        assert_eq!(s.declared_value(), "0.99 CAD");
        assert_eq!(s.reference_label(), "AWB 176-12345675");
    }
}
