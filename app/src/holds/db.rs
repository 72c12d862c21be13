//! Hold queries and the named writes of holds: placing (one, or many at once for ingestion),
//! applying a decided change, moving with the work on an inspection, and the shipment's status
//! that follows its holds. Every write takes the caller's transaction, so a change and its
//! journal entry commit together.

use super::decide::{Goods, HoldChange, shipment_status};
use super::{HoldFilter, HoldRow, HoldSort, StatusFilter};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{HoldReason, HoldStatus, InspectionStatus, ShipmentReference, ShipmentStatus};
use crate::error::AppError;
use crate::paging::Page;
use crate::paging::db::{ListQuery, SortKey, check_port, order_by};
use crate::sql::{Bind, Where, decode_error, insert_many, status_in, unique_violation};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};

pub(crate) const SELECT: &str = "select h.id, h.shipment_id, s.reference_kind, s.reference, s.description, \
    s.importer_name, h.port_code, p.time_zone, h.reason, h.status, h.placed_at, h.placed_by, \
    h.due_at, h.paused_ms, h.paused_since, h.resolved_at, h.resolved_by, h.agency, h.notes, \
    h.version from holds h join shipments s on s.id = h.shipment_id \
    join ports p on p.code = h.port_code";

/// `column in (…the active statuses…)`, from [`HoldStatus::ACTIVE`]; the text of the partial
/// indexes on active holds.
pub fn active(column: &str) -> String {
    status_in(column, HoldStatus::ACTIVE.iter().map(|s| s.code()))
}

/// The unique index that keeps one active hold per shipment and reason.
const ONE_ACTIVE: (&str, &str) = (
    "holds_one_active_per_reason",
    "holds.shipment_id, holds.reason",
);

pub(crate) fn row_to_hold(row: &AnyRow) -> Result<HoldRow, sqlx::Error> {
    let reason: String = row.try_get("reason")?;
    let status: String = row.try_get("status")?;
    let kind: String = row.try_get("reference_kind")?;
    let number: String = row.try_get("reference")?;
    Ok(HoldRow {
        id: row.try_get("id")?,
        shipment_id: row.try_get("shipment_id")?,
        shipment_reference: ShipmentReference::shown(&kind, &number),
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

/// The order of each sort, the hold's id last so that every row has one place.
fn sort_keys(sort: HoldSort) -> &'static [SortKey] {
    const DWELL_DESC: &[SortKey] = &[
        SortKey::asc("h.placed_at + h.paused_ms"),
        SortKey::asc("h.id"),
    ];
    const DWELL_ASC: &[SortKey] = &[
        SortKey::desc("h.placed_at + h.paused_ms"),
        SortKey::desc("h.id"),
    ];
    const DUE: &[SortKey] = &[SortKey::asc("h.due_at + h.paused_ms"), SortKey::asc("h.id")];
    const PORT: &[SortKey] = &[
        SortKey::asc("h.port_code"),
        SortKey::asc("h.placed_at"),
        SortKey::asc("h.id"),
    ];
    match sort {
        HoldSort::DwellDesc => DWELL_DESC,
        HoldSort::DwellAsc => DWELL_ASC,
        HoldSort::Due => DUE,
        HoldSort::Port => PORT,
    }
}

/// The values of a hold's sort keys, in the order of [`sort_keys`].
fn key_values(sort: HoldSort, hold: &HoldRow) -> Vec<Bind> {
    let id = Bind::from(hold.id);
    match sort {
        HoldSort::DwellDesc | HoldSort::DwellAsc => {
            vec![(to_millis(hold.placed_at) + hold.paused_ms).into(), id]
        }
        HoldSort::Due => vec![(to_millis(hold.due_at) + hold.paused_ms).into(), id],
        HoldSort::Port => vec![
            hold.port_code.as_str().into(),
            to_millis(hold.placed_at).into(),
            id,
        ],
    }
}

/// The `where` clause of a filter at `now` (its port checked first).
async fn filter_where(
    pool: &AnyPool,
    filter: &HoldFilter,
    now: DateTime<Utc>,
) -> Result<Where, AppError> {
    check_port(pool, filter.port.as_deref()).await?;
    let mut w = Where::default();
    match filter.status {
        StatusFilter::Unfinished => w.fixed(active("h.status")),
        StatusFilter::All => {}
        StatusFilter::One(s) => w.bind("h.status = ?", s.code()),
    }
    if let Some(port) = &filter.port {
        w.bind("h.port_code = ?", port);
    }
    if let Some(reason) = filter.reason {
        w.bind("h.reason = ?", reason.code());
    }
    if let Some(hours) = filter.min_age_hours {
        w.bind("h.placed_at <= ?", to_millis(now - Duration::hours(hours)));
    }
    Ok(w)
}

const LIST: ListQuery<'static> = ListQuery {
    count_from: "holds h",
    key: "h.id",
    select: SELECT,
    order: "",
};

#[tracing::instrument(skip(pool))]
pub async fn list(
    pool: &AnyPool,
    filter: &HoldFilter,
    now: DateTime<Utc>,
) -> Result<Page<HoldRow>, AppError> {
    let w = filter_where(pool, filter, now).await?;
    let order = order_by(sort_keys(filter.sort));
    ListQuery {
        order: &order,
        ..LIST
    }
    .page(pool, &w, filter.page, filter.per_page, row_to_hold)
    .await
}

/// Up to `limit` holds matching `filter` (its paging aside), in its order, after `last` (from
/// the first when `None`): a whole list read a part at a time, each part as cheap as the
/// first. `now` must be the same for every part of one list.
#[tracing::instrument(skip(pool, last))]
pub async fn after(
    pool: &AnyPool,
    filter: &HoldFilter,
    now: DateTime<Utc>,
    last: Option<&HoldRow>,
    limit: i64,
) -> Result<Vec<HoldRow>, AppError> {
    let w = filter_where(pool, filter, now).await?;
    let keys = sort_keys(filter.sort);
    LIST.after(
        pool,
        &w,
        keys,
        last.map(|h| key_values(filter.sort, h)),
        limit,
        row_to_hold,
    )
    .await
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
        .ok_or_else(|| {
            AppError::not_found(
                crate::i18n::td_string!(crate::lang::current(), holds.hold_number, id = id)
                    .to_string(),
            )
        })?;
    Ok(row_to_hold(&row)?)
}

/// The goods a new hold would stop.
pub async fn goods(pool: &AnyPool, shipment_id: i64) -> Result<Goods, AppError> {
    let row = sqlx::query(
        "select id, port_code, status, reference_kind, reference, hs_code from shipments \
         where id = $1",
    )
    .bind(shipment_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| {
        AppError::not_found(
            crate::i18n::td_string!(
                crate::lang::current(),
                holds.shipment_number,
                id = shipment_id
            )
            .to_string(),
        )
    })?;
    let status: String = row.try_get("status")?;
    let kind: String = row.try_get("reference_kind")?;
    let number: String = row.try_get("reference")?;
    Ok(Goods {
        shipment_id: row.try_get("id")?,
        port_code: row.try_get("port_code")?,
        status: ShipmentStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        reference: ShipmentReference::shown(&kind, &number),
        hs_code: row.try_get("hs_code")?,
    })
}

/// How many inspections of the hold are still open.
pub async fn open_inspections(pool: &AnyPool, hold_id: i64) -> Result<i64, AppError> {
    let open = status_in("status", InspectionStatus::OPEN.iter().map(|s| s.code()));
    Ok(sqlx::query(&format!(
        "select count(*) as n from inspections where hold_id = $1 and {open}"
    ))
    .bind(hold_id)
    .fetch_one(pool)
    .await?
    .try_get("n")?)
}

/// The detention for a rights holder still running on the hold (no outcome, or proceedings
/// under way), if any: the goods go as it ends (`crate::detentions`).
pub async fn open_detention(pool: &AnyPool, hold_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query(
        "select id from detentions where hold_id = $1 \
         and (outcome is null or outcome = 'proceedings')",
    )
    .bind(hold_id)
    .fetch_optional(pool)
    .await?
    .map(|row| row.try_get::<i64, _>("id"))
    .transpose()?)
}

/// Who asked for the hold's seizure, if anyone.
pub async fn seizure_requested_by(pool: &AnyPool, id: i64) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query("select seizure_requested_by from holds where id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?
            .try_get("seizure_requested_by")?,
    )
}

/// A hold about to be placed.
#[derive(Debug, Clone)]
pub struct NewHoldRow {
    pub shipment_id: i64,
    pub port_code: String,
    pub reason: HoldReason,
    /// The goods' HS code (empty before a full declaration): perishable goods are due sooner.
    pub hs_code: String,
    pub placed_at: DateTime<Utc>,
    /// The signature of whoever placed it.
    pub placed_by: String,
    pub notes: String,
}

impl NewHoldRow {
    const COLUMNS: [&'static str; 8] = [
        "shipment_id",
        "port_code",
        "reason",
        "status",
        "placed_at",
        "placed_by",
        "due_at",
        "notes",
    ];

    fn values(self) -> Vec<Bind> {
        vec![
            self.shipment_id.into(),
            self.port_code.into(),
            self.reason.code().into(),
            HoldStatus::Placed.code().into(),
            to_millis(self.placed_at).into(),
            self.placed_by.into(),
            to_millis(self.placed_at + self.reason.service_level_for(&self.hs_code)).into(),
            self.notes.into(),
        ]
    }

    /// The journal's `after` of a hold just placed.
    pub fn after(&self) -> Value {
        json!({ "status": HoldStatus::Placed.code(), "reason": self.reason.code(), "version": 1 })
    }
}

/// Places holds, in order, and returns their ids in the same order. The due time follows the
/// reason's service level, shortened for perishable goods. A unique index refuses a second active hold of one reason on one
/// shipment, however the two were raced: see [`is_already_held`].
pub async fn insert_many_holds(
    conn: &mut AnyConnection,
    holds: Vec<NewHoldRow>,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = holds.into_iter().map(NewHoldRow::values).collect();
    insert_many(conn, "holds", &NewHoldRow::COLUMNS, rows, Some("id"))
        .await?
        .iter()
        .map(|row| row.try_get("id"))
        .collect()
}

/// Places one hold; see [`insert_many_holds`].
pub async fn insert(conn: &mut AnyConnection, hold: NewHoldRow) -> Result<i64, sqlx::Error> {
    let ids = insert_many_holds(conn, vec![hold]).await?;
    ids.first().copied().ok_or(sqlx::Error::RowNotFound)
}

/// Whether a write was refused because the shipment already has an active hold for that
/// reason (the index `holds_one_active_per_reason`).
pub fn is_already_held(err: &sqlx::Error) -> bool {
    unique_violation(err, ONE_ACTIVE.0, ONE_ACTIVE.1)
}

/// Applies a decided change, conditional on the version it was decided on; `false` when
/// someone changed the hold in between (nothing is written then).
pub async fn apply(
    conn: &mut AnyConnection,
    hold: &HoldRow,
    change: &HoldChange,
    signature: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = sqlx::query(
        "update holds set status = $1, agency = $2, paused_since = $3, paused_ms = $4, \
         resolved_at = case when $5 = 1 then $6 else resolved_at end, \
         resolved_by = case when $5 = 1 then $7 else resolved_by end, \
         seizure_requested_by = coalesce($8, seizure_requested_by), version = version + 1 \
         where id = $9 and version = $10",
    )
    .bind(change.status.code())
    .bind(&change.agency)
    .bind(change.paused_since)
    .bind(change.paused_ms)
    .bind(i64::from(change.closes))
    .bind(to_millis(now))
    .bind(signature)
    .bind(&change.seizure_requested_by)
    .bind(hold.id)
    .bind(hold.version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(updated > 0)
}

/// A hold moved by the work on one of its inspections (examination begun, seizure asked for),
/// conditional on the version read. Returns what the inspection's journal entry records of it
/// (`after.hold`), so that one action leaves one entry.
pub async fn move_with_inspection(
    conn: &mut AnyConnection,
    hold: &HoldRow,
    status: HoldStatus,
    requested_by: Option<&str>,
) -> Result<Value, AppError> {
    let updated = sqlx::query(
        "update holds set status = $1, seizure_requested_by = coalesce($2, seizure_requested_by), \
         version = version + 1 where id = $3 and version = $4",
    )
    .bind(status.code())
    .bind(requested_by)
    .bind(hold.id)
    .bind(hold.version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(AppError::Conflict {
            message: crate::i18n::td_string!(
                crate::lang::current(),
                holds.changed_meanwhile,
                id = hold.id
            )
            .to_string(),
        });
    }
    Ok(json!({ "id": hold.id, "status": status.code(), "version": hold.version + 1 }))
}

/// The shipment's status after a change to one of its holds (see
/// [`shipment_status`](super::decide::shipment_status)).
pub async fn settle_shipment(
    conn: &mut AnyConnection,
    shipment_id: i64,
    closed_as: Option<HoldStatus>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let active: i64 = sqlx::query(&format!(
        "select count(*) as n from holds where shipment_id = $1 and {}",
        active("status")
    ))
    .bind(shipment_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    sqlx::query(
        "update shipments set status = $1, version = version + 1, \
         released_at = case when $1 = 'released' then $2 else released_at end where id = $3",
    )
    .bind(shipment_status(active, closed_as).code())
    .bind(to_millis(now))
    .bind(shipment_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_active_condition_is_the_partial_indexes_own() {
        for migration in [
            include_str!("../../../migrations/sqlite/20261128000001_board.sql"),
            include_str!("../../../migrations/postgres/20261128000001_board.sql"),
        ] {
            assert!(
                migration.contains(&format!(
                    "on holds (port_code, placed_at) where {}",
                    active("status")
                )),
                "the active-hold index and the query must say the same"
            );
        }
    }
}
