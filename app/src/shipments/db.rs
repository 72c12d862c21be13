//! Shipment queries, and the messages that move goods without a person deciding: a carrier's
//! declaration and arrival notice (EDI), the release of goods nobody holds, and a targeting
//! centre's pre-load referral.

use super::{Shipment, ShipmentDetail};
use crate::auth::server::Caller;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Action, Mode, Referral, ShipmentStatus};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::journal::db::{NewEntry, record};
use crate::lang;
use crate::sql::decode_error;
use chrono::{DateTime, Utc};
use serde_json::json;
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
        .ok_or_else(|| {
            AppError::not_found(
                td_string!(lang::current(), shipments.shipment_number, id = id).to_string(),
            )
        })?;
    Ok(row_to_shipment(&row)?)
}

/// At most `limit` shipments after the id `after`, in id order: every shipment, read a page
/// at a time.
pub async fn page_after(pool: &AnyPool, after: i64, limit: i64) -> Result<Vec<Shipment>, AppError> {
    let rows = sqlx::query(&format!("{SELECT} where s.id > $1 order by s.id limit $2"))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(row_to_shipment).collect::<Result<_, _>>()?)
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
    let text = super::check_note(text)?;
    let shipment = by_id(pool, id).await?;
    caller
        .authorize(
            pool,
            crate::domain::Action::AddNote,
            Some(&shipment.port_code),
        )
        .await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
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

/// A status change of a shipment that no person decides, written (with its journal entry) on
/// the condition that the shipment has not changed since it was read.
async fn move_shipment(
    pool: &AnyPool,
    actor: &str,
    shipment: &Shipment,
    to: ShipmentStatus,
    action: &str,
    now: DateTime<Utc>,
) -> Result<Shipment, AppError> {
    let arrives = action == "arrived";
    let releases = to == ShipmentStatus::Released;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let updated = sqlx::query(
        "update shipments set status = $1, \
         arrived_at = case when $2 = 1 then $4 else arrived_at end, \
         released_at = case when $3 = 1 then $4 else released_at end, \
         version = version + 1 where id = $5 and version = $6",
    )
    .bind(to.code())
    .bind(i64::from(arrives))
    .bind(i64::from(releases))
    .bind(to_millis(now))
    .bind(shipment.id)
    .bind(shipment.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        drop(tx);
        return Err(AppError::Stale {
            message: td_string!(
                lang::current(),
                shipments.changed_since_read,
                reference = shipment.reference_label()
            )
            .to_string(),
            current: serde_json::to_value(by_id(pool, shipment.id).await?)
                .unwrap_or(serde_json::Value::Null),
        });
    }
    record(
        &mut tx,
        NewEntry {
            at: now,
            actor,
            entity: "shipment",
            entity_id: shipment.id.to_string(),
            shipment_id: Some(shipment.id),
            port_code: Some(&shipment.port_code),
            action,
            before: Some(json!({ "status": shipment.status.code(), "version": shipment.version })),
            after: Some(json!({ "status": to.code(), "version": shipment.version + 1 })),
            reason: None,
        },
    )
    .await?;
    tx.commit().await?;
    by_id(pool, shipment.id).await
}

fn check_seen(shipment: &Shipment, seen: Option<i64>) -> Result<(), AppError> {
    match seen {
        Some(seen) if seen != shipment.version => Err(AppError::Stale {
            message: td_string!(
                lang::current(),
                shipments.changed_since_read,
                reference = shipment.reference_label()
            )
            .to_string(),
            current: serde_json::to_value(shipment).unwrap_or(serde_json::Value::Null),
        }),
        _ => Ok(()),
    }
}

/// The carrier's arrival notice: the goods are at the port. Goods held before they arrived (a
/// do-not-load referral) stay held. `actor` names the sending system, as for [`declare`].
pub async fn record_arrival(
    pool: &AnyPool,
    actor: &str,
    id: i64,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Shipment, AppError> {
    let shipment = by_id(pool, id).await?;
    check_seen(&shipment, seen)?;
    let to = match (shipment.status, shipment.arrived_at) {
        (ShipmentStatus::AwaitingArrival, None) => ShipmentStatus::Arrived,
        (ShipmentStatus::Held, None) => ShipmentStatus::Held,
        _ => {
            return Err(AppError::Conflict {
                message: td_string!(
                    lang::current(),
                    shipments.arrival_known,
                    reference = shipment.reference_label(),
                    status = shipment.status.label().to_lowercase()
                )
                .to_string(),
            });
        }
    };
    move_shipment(pool, actor, &shipment, to, "arrived", now).await
}

/// Releases goods that arrived and that nobody holds (the release system's green lane).
/// `actor` names that system, as for [`declare`].
pub async fn release_unheld(
    pool: &AnyPool,
    actor: &str,
    id: i64,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Shipment, AppError> {
    let shipment = by_id(pool, id).await?;
    check_seen(&shipment, seen)?;
    if shipment.status != ShipmentStatus::Arrived {
        return Err(AppError::Conflict {
            message: td_string!(
                lang::current(),
                shipments.not_releasable,
                reference = shipment.reference_label(),
                status = shipment.status.label().to_lowercase()
            )
            .to_string(),
        });
    }
    move_shipment(
        pool,
        actor,
        &shipment,
        ShipmentStatus::Released,
        "released",
        now,
    )
    .await
}

/// A targeting centre's pre-load referral on a shipment not yet released: recorded in its
/// timeline for the port to act on. Returns the journal sequence.
pub async fn issue_referral(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    referral: Referral,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let reason = crate::domain::check_text("reason", reason, true)?;
    let shipment = by_id(pool, id).await?;
    caller.authorize(pool, Action::IssueReferral, None).await?;
    if !matches!(
        shipment.status,
        ShipmentStatus::AwaitingArrival | ShipmentStatus::Arrived | ShipmentStatus::Held
    ) {
        return Err(AppError::Conflict {
            message: td_string!(
                lang::current(),
                shipments.referral_closed,
                reference = shipment.reference_label(),
                status = shipment.status.label().to_lowercase()
            )
            .to_string(),
        });
    }
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let seq = record(
        &mut tx,
        NewEntry {
            at: now,
            actor: &caller.account.username,
            entity: "shipment",
            entity_id: id.to_string(),
            shipment_id: Some(id),
            port_code: Some(&shipment.port_code),
            action: "referral_issued",
            before: None,
            after: Some(json!({ "referral": referral.code(), "status": shipment.status.code() })),
            reason: Some(&reason),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(seq)
}
