//! Hold queries.

use super::{HoldFilter, HoldRow, HoldSort, StatusFilter};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{HoldReason, HoldStatus, ShipmentReference};
use crate::error::AppError;
use crate::paging::Page;
use crate::ports::db::{ACTIVE_HOLD, decode_error};
use crate::sql::{Bind, Where};
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyPool, Row, any::AnyRow};

const SELECT: &str = "select h.id, h.shipment_id, s.reference_kind, s.reference, s.description, \
    s.importer_name, h.port_code, p.time_zone, h.reason, h.status, h.placed_at, h.placed_by, \
    h.due_at, h.paused_ms, h.paused_since, h.resolved_at, h.resolved_by, h.agency, h.notes, \
    h.version from holds h join shipments s on s.id = h.shipment_id \
    join ports p on p.code = h.port_code";

pub fn reference_label(kind: &str, number: &str) -> String {
    ShipmentReference::parse(kind, number)
        .map(|r| r.to_string())
        .unwrap_or_else(|_| number.to_string())
}

fn row_to_hold(row: &AnyRow) -> Result<HoldRow, sqlx::Error> {
    let reason: String = row.try_get("reason")?;
    let status: String = row.try_get("status")?;
    let kind: String = row.try_get("reference_kind")?;
    let number: String = row.try_get("reference")?;
    Ok(HoldRow {
        id: row.try_get("id")?,
        shipment_id: row.try_get("shipment_id")?,
        shipment_reference: reference_label(&kind, &number),
        description: row.try_get("description")?,
        importer_name: row.try_get("importer_name")?,
        port_code: row.try_get("port_code")?,
        port_time_zone: row.try_get("time_zone")?,
        reason: HoldReason::parse(&reason).ok_or_else(|| decode_error("reason", &reason))?,
        status: HoldStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        placed_at: from_millis(row.try_get("placed_at")?),
        placed_by: row.try_get("placed_by")?,
        due_at: from_millis(row.try_get("due_at")?),
        paused_ms: row.try_get("paused_ms")?,
        paused_since: row
            .try_get::<Option<i64>, _>("paused_since")?
            .map(from_millis),
        resolved_at: row
            .try_get::<Option<i64>, _>("resolved_at")?
            .map(from_millis),
        resolved_by: row.try_get("resolved_by")?,
        agency: row.try_get("agency")?,
        notes: row.try_get("notes")?,
        version: row.try_get("version")?,
    })
}

#[tracing::instrument(skip(pool))]
pub async fn list(
    pool: &AnyPool,
    filter: &HoldFilter,
    now: DateTime<Utc>,
) -> Result<Page<HoldRow>, AppError> {
    if let Some(port) = &filter.port
        && !crate::ports::db::exists(pool, port).await?
    {
        return Err(AppError::invalid(
            "port",
            format!("there is no port {port}"),
        ));
    }
    let mut w = Where::default();
    match filter.status {
        StatusFilter::Active => w.fixed(format!("h.{ACTIVE_HOLD}")),
        StatusFilter::All => {}
        StatusFilter::One(s) => w.bind("h.status = ?", Bind::Text(s.code().into())),
    }
    if let Some(port) = &filter.port {
        w.bind("h.port_code = ?", Bind::Text(port.clone()));
    }
    if let Some(reason) = filter.reason {
        w.bind("h.reason = ?", Bind::Text(reason.code().into()));
    }
    if let Some(hours) = filter.min_age_hours {
        w.bind(
            "h.placed_at <= ?",
            Bind::Int(to_millis(now - Duration::hours(hours))),
        );
    }
    let where_clause = w.clause();
    let order = match filter.sort {
        HoldSort::DwellDesc => "h.placed_at + h.paused_ms asc, h.id asc",
        HoldSort::DwellAsc => "h.placed_at + h.paused_ms desc, h.id desc",
        HoldSort::Due => "h.due_at + h.paused_ms asc, h.id asc",
        HoldSort::Port => "h.port_code asc, h.placed_at asc, h.id asc",
    };

    let count_sql = format!("select count(*) as n from holds h{where_clause}");
    let total: i64 = w
        .apply(sqlx::query(&count_sql))
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let list_sql = format!(
        "{SELECT}{where_clause} order by {order} limit {} offset {}",
        filter.per_page,
        (filter.page - 1) * filter.per_page
    );
    let list = w.apply(sqlx::query(&list_sql));
    let items = list
        .fetch_all(pool)
        .await?
        .iter()
        .map(row_to_hold)
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

#[tracing::instrument(skip(pool))]
pub async fn for_shipment(pool: &AnyPool, shipment_id: i64) -> Result<Vec<HoldRow>, sqlx::Error> {
    sqlx::query(&format!(
        "{SELECT} where h.shipment_id = $1 order by h.placed_at"
    ))
    .bind(shipment_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(row_to_hold)
    .collect()
}

/// One hold, read through a pool or inside the caller's transaction.
pub async fn by_id<'e, E>(executor: E, id: i64) -> Result<HoldRow, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("{SELECT} where h.id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?
        .ok_or_else(|| AppError::not_found(format!("hold #{id}")))?;
    Ok(row_to_hold(&row)?)
}
