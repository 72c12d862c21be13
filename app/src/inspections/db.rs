//! Inspection queries and the named writes of inspections: opening (one, or many at once for
//! ingestion), applying a decided change, the handover of an officer's items, and the roster
//! reads and links the actions need. The queue order (priority, then due time) is served by
//! the partial index on open inspections.

use super::decide::{Assignee, InspectionChange};
use super::{InspectionFilter, InspectionRow, OfficerLoad, OfficerRef, QueueStatus};
use crate::auth::server::Caller;
use crate::domain::ShipmentReference;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{InspectionKind, InspectionStatus, Outcome, Priority};
use crate::error::AppError;
use crate::journal::db::{NewEntry, update_with_entry};
use crate::paging::Page;
use crate::paging::db::{ListQuery, SortKey, check_port};
use crate::sql::{Bind, Where, arguments, decode_error, insert_many, status_in, unique_violation};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};

pub(crate) const SELECT: &str = "select i.id, i.hold_id, h.shipment_id, s.reference_kind, s.reference, \
    s.description, i.port_code, p.time_zone, i.kind, i.priority_rank, i.status, i.created_at, \
    i.due_at, i.assigned_officer_id, o.name as officer_name, o.badge as officer_badge, \
    i.started_at, i.completed_at, i.outcome, i.version \
    from inspections i join holds h on h.id = i.hold_id join shipments s on s.id = h.shipment_id \
    join ports p on p.code = i.port_code left join officers o on o.id = i.assigned_officer_id";

pub(crate) fn row_to_inspection(row: &AnyRow) -> Result<InspectionRow, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let rank: i64 = row.try_get("priority_rank")?;
    let outcome: Option<String> = row.try_get("outcome")?;
    let officer_id: Option<i64> = row.try_get("assigned_officer_id")?;
    let assigned_officer = match officer_id {
        Some(id) => Some(OfficerRef {
            id,
            name: row.try_get("officer_name")?,
            badge: row.try_get("officer_badge")?,
        }),
        None => None,
    };
    let ref_kind: String = row.try_get("reference_kind")?;
    let number: String = row.try_get("reference")?;
    Ok(InspectionRow {
        id: row.try_get("id")?,
        hold_id: row.try_get("hold_id")?,
        shipment_id: row.try_get("shipment_id")?,
        shipment_reference: ShipmentReference::shown(&ref_kind, &number),
        description: row.try_get("description")?,
        port_code: row.try_get("port_code")?,
        port_time_zone: row.try_get("time_zone")?,
        kind: InspectionKind::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?,
        priority: Priority::from_rank(rank)
            .ok_or_else(|| decode_error("priority", &rank.to_string()))?,
        status: InspectionStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        created_at: from_millis(row.try_get("created_at")?),
        due_at: from_millis(row.try_get("due_at")?),
        assigned_officer,
        started_at: row
            .try_get::<Option<i64>, _>("started_at")?
            .map(from_millis),
        completed_at: row
            .try_get::<Option<i64>, _>("completed_at")?
            .map(from_millis),
        outcome: match outcome {
            Some(o) => Some(Outcome::parse(&o).ok_or_else(|| decode_error("outcome", &o))?),
            None => None,
        },
        version: row.try_get("version")?,
    })
}

/// `column in (…the open statuses…)`, from [`InspectionStatus::OPEN`]; the text of the
/// partial indexes on open inspections.
pub fn open(column: &str) -> String {
    status_in(column, InspectionStatus::OPEN.iter().map(|s| s.code()))
}

/// The queue's order: priority, then due time, the id last so that every row has one place.
const QUEUE_ORDER: &[SortKey] = &[
    SortKey::asc("i.priority_rank"),
    SortKey::asc("i.due_at"),
    SortKey::asc("i.id"),
];

/// The values of an inspection's keys in [`QUEUE_ORDER`].
fn key_values(item: &InspectionRow) -> Vec<Bind> {
    vec![
        item.priority.rank().into(),
        to_millis(item.due_at).into(),
        item.id.into(),
    ]
}

/// The `where` clause of a filter at `now` (its port checked first).
async fn filter_where(
    pool: &AnyPool,
    filter: &InspectionFilter,
    now: DateTime<Utc>,
) -> Result<Where, AppError> {
    check_port(pool, filter.port.as_deref()).await?;
    let mut w = Where::default();
    match filter.status {
        QueueStatus::Unfinished => w.fixed(open("i.status")),
        QueueStatus::All => {}
        QueueStatus::One(s) => w.bind("i.status = ?", s.code()),
    }
    if let Some(port) = &filter.port {
        w.bind("i.port_code = ?", port);
    }
    if let Some(kind) = filter.kind {
        w.bind("i.kind = ?", kind.code());
    }
    if let Some(priority) = filter.priority {
        w.bind("i.priority_rank = ?", priority.rank());
    }
    if filter.overdue {
        w.fixed(open("i.status"));
        w.bind("i.due_at < ?", to_millis(now));
    }
    Ok(w)
}

const QUEUE: ListQuery<'static> = ListQuery {
    count_from: "inspections i",
    key: "i.id",
    select: SELECT,
    // `order_by(QUEUE_ORDER)`, written out for a constant; a unit test holds them equal.
    order: "i.priority_rank asc, i.due_at asc, i.id asc",
};

#[tracing::instrument(skip(pool))]
pub async fn list(
    pool: &AnyPool,
    filter: &InspectionFilter,
    now: DateTime<Utc>,
) -> Result<Page<InspectionRow>, AppError> {
    let w = filter_where(pool, filter, now).await?;
    QUEUE
        .page(pool, &w, filter.page, filter.per_page, row_to_inspection)
        .await
}

/// Up to `limit` inspections matching `filter` (its paging aside), in the queue's order, after
/// `last` (from the first when `None`): a whole queue read a part at a time. `now` must be the
/// same for every part of one list.
#[tracing::instrument(skip(pool, last))]
pub async fn after(
    pool: &AnyPool,
    filter: &InspectionFilter,
    now: DateTime<Utc>,
    last: Option<&InspectionRow>,
    limit: i64,
) -> Result<Vec<InspectionRow>, AppError> {
    let w = filter_where(pool, filter, now).await?;
    QUEUE
        .after(
            pool,
            &w,
            QUEUE_ORDER,
            last.map(key_values),
            limit,
            row_to_inspection,
        )
        .await
}

#[tracing::instrument(skip(pool))]
pub async fn for_shipment(
    pool: &AnyPool,
    shipment_id: i64,
) -> Result<Vec<InspectionRow>, sqlx::Error> {
    sqlx::query(&format!(
        "{SELECT} where h.shipment_id = $1 order by i.created_at"
    ))
    .bind(shipment_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(row_to_inspection)
    .collect()
}

/// One inspection, read through a pool or inside the caller's transaction.
pub async fn by_id<'e, E>(executor: E, id: i64) -> Result<InspectionRow, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("{SELECT} where i.id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                crate::i18n::td_string!(
                    crate::lang::current(),
                    inspections.inspection_number,
                    id = id
                )
                .to_string(),
            )
        })?;
    Ok(row_to_inspection(&row)?)
}

/// An inspection about to be opened on a hold.
#[derive(Debug, Clone)]
pub struct NewInspectionRow {
    pub hold_id: i64,
    pub port_code: String,
    pub kind: InspectionKind,
    pub priority: Priority,
    /// The inspection an inconclusive result of which this one follows.
    pub follows: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl NewInspectionRow {
    const COLUMNS: [&'static str; 8] = [
        "hold_id",
        "port_code",
        "kind",
        "priority_rank",
        "status",
        "created_at",
        "due_at",
        "follows_id",
    ];

    fn values(self) -> Vec<Bind> {
        vec![
            self.hold_id.into(),
            self.port_code.into(),
            self.kind.code().into(),
            self.priority.rank().into(),
            InspectionStatus::Queued.code().into(),
            to_millis(self.created_at).into(),
            to_millis(self.created_at + self.kind.due_after(self.priority)).into(),
            self.follows.into(),
        ]
    }

    /// The journal's `after` of an inspection just opened.
    pub fn after(&self) -> Value {
        json!({
            "status": InspectionStatus::Queued.code(),
            "kind": self.kind.code(),
            "priority": self.priority.code(),
            "version": 1,
        })
    }
}

/// Opens inspections, queued, in order; returns their ids in the same order. The due time
/// follows the kind's service level and the priority.
pub async fn insert_many_inspections(
    conn: &mut AnyConnection,
    inspections: Vec<NewInspectionRow>,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = inspections
        .into_iter()
        .map(NewInspectionRow::values)
        .collect();
    insert_many(
        conn,
        "inspections",
        &NewInspectionRow::COLUMNS,
        rows,
        Some("id"),
    )
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect()
}

/// Opens one inspection; see [`insert_many_inspections`].
pub async fn insert(
    conn: &mut AnyConnection,
    inspection: NewInspectionRow,
) -> Result<i64, sqlx::Error> {
    let ids = insert_many_inspections(conn, vec![inspection]).await?;
    ids.first().copied().ok_or(sqlx::Error::RowNotFound)
}

/// The one update of an inspection's state, conditional on the version its actor saw.
const UPDATE: &str = "update inspections set status = $1, assigned_officer_id = $2, \
     priority_rank = $3, due_at = $4, outcome = $5, \
     started_at = case when $6 = 1 then $7 else started_at end, \
     completed_at = case when $8 = 1 then $7 else completed_at end, \
     version = version + 1 where id = $9 and version = $10";

fn update_arguments(
    inspection: &InspectionRow,
    change: &InspectionChange,
    officer: Option<i64>,
    now: DateTime<Utc>,
) -> Result<sqlx::any::AnyArguments<'static>, sqlx::Error> {
    arguments([
        change.status.code().into(),
        officer.into(),
        change.priority.rank().into(),
        to_millis(change.due).into(),
        change.outcome.map(|o| o.code()).into(),
        change.started.into(),
        to_millis(now).into(),
        change.finished.into(),
        inspection.id.into(),
        inspection.version.into(),
    ])
}

/// Applies a decided change with `officer` as the holder, inside the caller's transaction;
/// `false` when someone changed the inspection in between (nothing is written then).
pub async fn apply(
    conn: &mut AnyConnection,
    inspection: &InspectionRow,
    change: &InspectionChange,
    officer: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let args = update_arguments(inspection, change, officer, now)?;
    let updated = sqlx::query_with(UPDATE, args)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(updated > 0)
}

/// Applies a change that touches the inspection alone, with its journal entry, in one round
/// trip of their own (see [`update_with_entry`]); `false` when someone changed it in between.
pub async fn apply_alone(
    pool: &AnyPool,
    inspection: &InspectionRow,
    change: &InspectionChange,
    now: DateTime<Utc>,
    entry: NewEntry<'_>,
) -> Result<bool, AppError> {
    let args = update_arguments(inspection, change, change.officer, now)?;
    Ok(update_with_entry(pool, UPDATE, args, entry).await?)
}

/// The officer on the roster already linked to the caller's account, if any. Read before a
/// write begins: the link, once made, never changes.
pub async fn linked_officer(pool: &AnyPool, caller: &Caller) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query("select officer_id from accounts where id = $1")
        .bind(caller.account.id)
        .fetch_one(pool)
        .await?
        .try_get("officer_id")?)
}

/// An officer someone would assign work to; `None` when there is no such officer.
pub async fn assignee(pool: &AnyPool, officer_id: i64) -> Result<Option<Assignee>, AppError> {
    let row = sqlx::query("select home_port, name from officers where id = $1")
        .bind(officer_id)
        .fetch_optional(pool)
        .await?;
    Ok(match row {
        Some(row) => Some(Assignee {
            name: row.try_get("name")?,
            home_port: row.try_get("home_port")?,
        }),
        None => None,
    })
}

/// Links the caller's account to its officer on the roster, inside the action's transaction:
/// by badge when the roster has it, otherwise a new officer of `port`. Returns the officer; a
/// conflict when another account already acts as that officer.
pub async fn link_officer(
    conn: &mut AnyConnection,
    caller: &Caller,
    port: &str,
) -> Result<i64, AppError> {
    let badge = caller
        .account
        .badge
        .clone()
        .unwrap_or_else(|| caller.account.username.to_uppercase());
    let known: Option<i64> = sqlx::query("select id from officers where badge = $1")
        .bind(&badge)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
    let id = match known {
        Some(id) => id,
        None => {
            // Another account with this badge may be adding it at this very moment: the
            // officer is made once, and both then read the same one.
            sqlx::query(
                "insert into officers (name, badge, home_port, on_shift) \
                 values ($1, $2, $3, 1) on conflict (badge) do nothing",
            )
            .bind(&caller.account.display_name)
            .bind(&badge)
            .bind(port)
            .execute(&mut *conn)
            .await?;
            sqlx::query("select id from officers where badge = $1")
                .bind(&badge)
                .fetch_one(&mut *conn)
                .await?
                .try_get("id")?
        }
    };
    // The unique index on the link decides between two accounts of one badge, whoever else
    // is linking at the same moment: the loser is told the officer is taken.
    sqlx::query("update accounts set officer_id = $1 where id = $2 and officer_id is null")
        .bind(id)
        .bind(caller.account.id)
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            if unique_violation(&e, ONE_PER_OFFICER.0, ONE_PER_OFFICER.1) {
                AppError::Conflict {
                    message: crate::i18n::td_string!(
                        crate::lang::current(),
                        inspections.officer_linked_elsewhere,
                        badge = badge
                    )
                    .to_string(),
                }
            } else {
                e.into()
            }
        })?;
    Ok(id)
}

/// The unique index that keeps each officer on the roster to one account, and its column as
/// SQLite names it.
const ONE_PER_OFFICER: (&str, &str) = ("accounts_one_per_officer", "accounts.officer_id");

/// The home port of an officer, `None` when there is no such officer.
pub async fn home_port(pool: &AnyPool, officer_id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query("select home_port from officers where id = $1")
        .bind(officer_id)
        .fetch_optional(pool)
        .await?
        .map(|r| r.try_get("home_port"))
        .transpose()?)
}

/// One of an officer's open items at a port, as a handover reads it.
pub struct HeldItem {
    pub id: i64,
    pub status: InspectionStatus,
    pub version: i64,
    pub shipment_id: i64,
}

/// `column in ('assigned', 'in_progress')`, from [`InspectionStatus::HELD`].
fn held(column: &str) -> String {
    status_in(column, InspectionStatus::HELD.iter().map(|s| s.code()))
}

/// The officer's assigned and started items at the port, inside the handover's transaction.
pub async fn items_of(
    conn: &mut AnyConnection,
    officer_id: i64,
    port: &str,
) -> Result<Vec<HeldItem>, AppError> {
    let rows = sqlx::query(&format!(
        "select i.id, i.status, i.version, h.shipment_id from inspections i \
         join holds h on h.id = i.hold_id where i.assigned_officer_id = $1 and i.port_code = $2 \
         and {} order by i.id",
        held("i.status")
    ))
    .bind(officer_id)
    .bind(port)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok(HeldItem {
                id: row.try_get("id")?,
                status: InspectionStatus::parse(&status)
                    .ok_or_else(|| decode_error("status", &status))?,
                version: row.try_get("version")?,
                shipment_id: row.try_get("shipment_id")?,
            })
        })
        .collect()
}

/// Gives an item to `officer` (or, `None`, the queue) with status `to`, conditional on the
/// version read.
pub async fn hand_over(
    conn: &mut AnyConnection,
    item: &HeldItem,
    to: InspectionStatus,
    officer: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update inspections set status = $1, assigned_officer_id = $2, version = version + 1 \
         where id = $3 and version = $4",
    )
    .bind(to.code())
    .bind(officer)
    .bind(item.id)
    .bind(item.version)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The officers of a port and their open work, busiest first.
pub async fn workload(
    pool: &AnyPool,
    port: &str,
    now: DateTime<Utc>,
) -> Result<Vec<OfficerLoad>, AppError> {
    let rows = sqlx::query(&format!(
        "select * from (select o.id, o.name, o.badge, o.on_shift, \
         cast(sum(case when i.status = 'assigned' then 1 else 0 end) as bigint) as assigned, \
         cast(sum(case when i.status = 'in_progress' then 1 else 0 end) as bigint) as in_progress, \
         cast(sum(case when i.id is not null and i.due_at < $2 then 1 else 0 end) as bigint) as overdue \
         from officers o left join inspections i on i.assigned_officer_id = o.id \
         and {} \
         where o.home_port = $1 group by o.id, o.name, o.badge, o.on_shift) w \
         order by assigned + in_progress desc, on_shift desc, name",
        held("i.status")
    ))
    .bind(port.trim().to_ascii_uppercase())
    .bind(to_millis(now))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(OfficerLoad {
                officer_id: row.try_get("id")?,
                name: row.try_get("name")?,
                badge: row.try_get("badge")?,
                on_shift: row.try_get::<i64, _>("on_shift")? == 1,
                assigned: row.try_get::<Option<i64>, _>("assigned")?.unwrap_or(0),
                in_progress: row.try_get::<Option<i64>, _>("in_progress")?.unwrap_or(0),
                overdue: row.try_get::<Option<i64>, _>("overdue")?.unwrap_or(0),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_and_a_whole_queue_have_one_order() {
        assert_eq!(QUEUE.order, crate::paging::db::order_by(QUEUE_ORDER));
    }

    #[test]
    fn the_open_condition_is_the_partial_indexes_own() {
        for migration in [
            include_str!("../../../migrations/sqlite/20261128000001_board.sql"),
            include_str!("../../../migrations/postgres/20261128000001_board.sql"),
        ] {
            assert!(
                migration.contains(&format!(
                    "on inspections (port_code, priority_rank, due_at) where {}",
                    open("status")
                )),
                "the queue index and the query must say the same"
            );
        }
    }
}
