//! Shipment queries.

use super::{Shipment, ShipmentDetail};
use crate::domain::clock::from_millis;
use crate::domain::{Mode, ShipmentStatus};
use crate::error::AppError;
use crate::ports::db::decode_error;
use sqlx::{AnyPool, Row, any::AnyRow};

const SELECT: &str = "select s.id, s.mode, s.reference_kind, s.reference, s.house_waybill, \
    s.carrier, s.voyage, s.origin_country, s.origin_location, s.transit_location, s.port_code, \
    p.name as port_name, p.time_zone, s.shipper_name, s.shipper_address, s.consignee_name, \
    s.consignee_address, s.importer_name, s.trusted_trader, s.hs_code, s.description, s.pieces, \
    s.weight_kg, s.declared_value_cents, s.currency, s.eta_at, s.arrived_at, s.released_at, \
    s.status, s.version from shipments s join ports p on p.code = s.port_code";

fn row_to_shipment(row: &AnyRow) -> Result<Shipment, sqlx::Error> {
    let mode: String = row.try_get("mode")?;
    let status: String = row.try_get("status")?;
    Ok(Shipment {
        id: row.try_get("id")?,
        mode: Mode::parse(&mode).ok_or_else(|| decode_error("mode", &mode))?,
        reference_kind: row.try_get("reference_kind")?,
        reference: row.try_get("reference")?,
        house_waybill: row.try_get("house_waybill")?,
        carrier: row.try_get("carrier")?,
        voyage: row.try_get("voyage")?,
        origin_country: row.try_get("origin_country")?,
        origin_location: row.try_get("origin_location")?,
        transit_location: row.try_get("transit_location")?,
        port_code: row.try_get("port_code")?,
        port_name: row.try_get("port_name")?,
        port_time_zone: row.try_get("time_zone")?,
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
        eta_at: from_millis(row.try_get("eta_at")?),
        arrived_at: row
            .try_get::<Option<i64>, _>("arrived_at")?
            .map(from_millis),
        released_at: row
            .try_get::<Option<i64>, _>("released_at")?
            .map(from_millis),
        status: ShipmentStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        version: row.try_get("version")?,
    })
}

#[tracing::instrument(skip(pool))]
pub async fn by_id(pool: &AnyPool, id: i64) -> Result<Shipment, AppError> {
    let row = sqlx::query(&format!("{SELECT} where s.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found(format!("shipment #{id}")))?;
    Ok(row_to_shipment(&row)?)
}

pub async fn detail(pool: &AnyPool, id: i64) -> Result<ShipmentDetail, AppError> {
    let shipment = by_id(pool, id).await?;
    Ok(ShipmentDetail {
        shipment,
        holds: crate::holds::db::for_shipment(pool, id).await?,
        inspections: crate::inspections::db::for_shipment(pool, id).await?,
        timeline: crate::journal::db::timeline(pool, id).await?,
    })
}

/// Adds a note to a shipment, if the caller may at its port; returns the journal sequence.
pub async fn add_note(
    pool: &AnyPool,
    caller: &crate::auth::server::Caller,
    id: i64,
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, AppError> {
    use sqlx::Acquire;
    let text = super::check_note(text)?;
    let shipment = by_id(pool, id).await?;
    caller
        .authorize(
            pool,
            crate::domain::Action::AddNote,
            Some(&shipment.port_code),
        )
        .await?;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let seq = crate::journal::db::record(
        &mut tx,
        crate::journal::db::NewEntry {
            at: now,
            actor: &caller.account.username,
            entity: "shipment",
            entity_id: id.to_string(),
            shipment_id: Some(id),
            port_code: Some(&shipment.port_code),
            action: "note_added",
            before: None,
            after: None,
            reason: Some(&text),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(seq)
}
