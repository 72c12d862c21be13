//! What targeting's server side reads before it scores or allocates: the enabled rules, the
//! settings, the ports' time zones and examination capacities ([`Context`]), the codes of the
//! ports of entry, and a declaration as `shipments` stores it (its columns, its values, and
//! back).

use super::{Declaration, DeclarationKind, Rule, Settings, rules, scoring};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{InspectionKind, Mode};
use crate::error::AppError;
use crate::rights::RightsRequest;
use crate::sql::{Bind, decode_error};
use sqlx::{AnyPool, Row, any::AnyRow};
use std::collections::{HashMap, HashSet};

/// What scoring needs from the database, read once per ingestion.
#[derive(Debug, Clone)]
pub struct Context {
    pub rules: Vec<Rule>,
    pub ruleset: String,
    pub settings: Settings,
    /// Port code → time zone.
    pub ports: HashMap<String, String>,
    /// (port, inspection type) → examinations per hour.
    pub capacity: HashMap<(String, InspectionKind), i64>,
    /// The register of requests for assistance, in force or not.
    pub rights: Vec<RightsRequest>,
}

impl Context {
    /// The time zone of a port, UTC for one not known.
    pub fn zone(&self, port: &str) -> &str {
        self.ports.get(port).map(String::as_str).unwrap_or("UTC")
    }
}

/// Reads what scoring needs: the enabled rules at their current versions, the settings, the
/// ports' time zones and capacities, the register of requests for assistance.
pub async fn context(pool: &AnyPool) -> Result<Context, AppError> {
    let rules: Vec<Rule> = rules::current_rules(pool)
        .await?
        .into_iter()
        .filter(|r| r.enabled)
        .collect();
    let ruleset = scoring::ruleset_fingerprint(&rules);
    let ports = sqlx::query("select code, time_zone from ports")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("time_zone")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let capacity = sqlx::query("select port_code, kind, per_hour from port_capacity")
        .fetch_all(pool)
        .await?;
    Ok(Context {
        rules,
        ruleset,
        settings: rules::settings(pool).await?,
        ports,
        capacity: by_port_and_kind(&capacity, "per_hour")?,
        rights: crate::rights::db::all(pool).await?,
    })
}

/// `(port_code, kind) → column` of rows that have those columns; a kind the code does not
/// know is passed over.
pub fn by_port_and_kind(
    rows: &[AnyRow],
    column: &str,
) -> Result<HashMap<(String, InspectionKind), i64>, sqlx::Error> {
    let mut out = HashMap::new();
    for row in rows {
        let kind: String = row.try_get("kind")?;
        if let Some(kind) = InspectionKind::parse(&kind) {
            out.insert((row.try_get("port_code")?, kind), row.try_get(column)?);
        }
    }
    Ok(out)
}

/// The codes of every port of entry, to check declarations against.
pub async fn port_codes(pool: &AnyPool) -> Result<HashSet<String>, AppError> {
    Ok(sqlx::query("select code from ports")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get("code"))
        .collect::<Result<_, _>>()?)
}

/// The columns of `shipments` a declaration fills, in the order of [`declaration_binds`].
pub const DECLARATION_COLUMNS: &str = "mode, declaration_kind, reference_kind, reference, \
    house_waybill, carrier, voyage, origin_country, origin_location, transit_country, \
    transit_location, routing, port_code, shipper_name, shipper_address, consignee_name, \
    consignee_address, importer_name, trusted_trader, hs_code, description, pieces, weight_kg, \
    declared_value_cents, currency, eta_at";
/// How many columns [`DECLARATION_COLUMNS`] names.
pub const DECLARATION_COUNT: usize = 26;

/// The values of [`DECLARATION_COLUMNS`].
pub fn declaration_binds(d: &Declaration) -> Vec<Bind> {
    vec![
        d.mode.code().into(),
        d.declaration_kind.code().into(),
        (&d.reference_kind).into(),
        (&d.reference).into(),
        d.house_waybill.clone().into(),
        (&d.carrier).into(),
        (&d.voyage).into(),
        (&d.origin_country).into(),
        (&d.origin_location).into(),
        d.transit_country.clone().into(),
        d.transit_location.clone().into(),
        d.routing.clone().into(),
        (&d.port_code).into(),
        (&d.shipper_name).into(),
        (&d.shipper_address).into(),
        (&d.consignee_name).into(),
        (&d.consignee_address).into(),
        (&d.importer_name).into(),
        d.trusted_trader.clone().into(),
        (&d.hs_code).into(),
        (&d.description).into(),
        d.pieces.into(),
        d.weight_kg.into(),
        d.declared_value_cents.into(),
        (&d.currency).into(),
        to_millis(d.eta).into(),
    ]
}

/// The declaration stored in a row that has [`DECLARATION_COLUMNS`].
pub fn declaration_from_row(row: &AnyRow) -> Result<Declaration, sqlx::Error> {
    let mode: String = row.try_get("mode")?;
    let kind: String = row.try_get("declaration_kind")?;
    Ok(Declaration {
        mode: Mode::parse(&mode).ok_or_else(|| decode_error("mode", &mode))?,
        declaration_kind: DeclarationKind::parse(&kind)
            .ok_or_else(|| decode_error("declaration_kind", &kind))?,
        reference_kind: row.try_get("reference_kind")?,
        reference: row.try_get("reference")?,
        house_waybill: row.try_get("house_waybill")?,
        carrier: row.try_get("carrier")?,
        voyage: row.try_get("voyage")?,
        origin_country: row.try_get("origin_country")?,
        origin_location: row.try_get("origin_location")?,
        transit_country: row.try_get("transit_country")?,
        transit_location: row.try_get("transit_location")?,
        routing: row.try_get("routing")?,
        port_code: row.try_get("port_code")?,
        shipper_name: row.try_get("shipper_name")?,
        shipper_address: row.try_get("shipper_address")?,
        consignee_name: row.try_get("consignee_name")?,
        consignee_address: row.try_get("consignee_address")?,
        importer_name: row.try_get("importer_name")?,
        trusted_trader: row.try_get("trusted_trader")?,
        hs_code: row.try_get("hs_code")?,
        description: row.try_get("description")?,
        pieces: row.try_get("pieces")?,
        weight_kg: row.try_get("weight_kg")?,
        declared_value_cents: row.try_get("declared_value_cents")?,
        currency: row.try_get("currency")?,
        eta: from_millis(row.try_get("eta_at")?),
    })
}
