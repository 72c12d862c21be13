//! Inspection queries. The queue order (priority, then due time) is served by the partial
//! index on open inspections.

use super::{InspectionFilter, InspectionRow, OfficerRef, QueueStatus};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{InspectionKind, InspectionStatus, Outcome, Priority};
use crate::error::AppError;
use crate::holds::db::reference_label;
use crate::paging::Page;
use crate::ports::db::{OPEN_INSPECTION, decode_error};
use crate::sql::{Bind, Where};
use chrono::{DateTime, Utc};
use sqlx::{AnyPool, Row, any::AnyRow};

const SELECT: &str = "select i.id, i.hold_id, h.shipment_id, s.reference_kind, s.reference, \
    s.description, i.port_code, p.time_zone, i.kind, i.priority_rank, i.status, i.created_at, \
    i.due_at, i.assigned_officer_id, o.name as officer_name, o.badge as officer_badge, \
    i.started_at, i.completed_at, i.outcome, i.version \
    from inspections i join holds h on h.id = i.hold_id join shipments s on s.id = h.shipment_id \
    join ports p on p.code = i.port_code left join officers o on o.id = i.assigned_officer_id";

fn row_to_inspection(row: &AnyRow) -> Result<InspectionRow, sqlx::Error> {
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
        shipment_reference: reference_label(&ref_kind, &number),
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

#[tracing::instrument(skip(pool))]
pub async fn list(
    pool: &AnyPool,
    filter: &InspectionFilter,
    now: DateTime<Utc>,
) -> Result<Page<InspectionRow>, AppError> {
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
        QueueStatus::Open => w.fixed(format!("i.{OPEN_INSPECTION}")),
        QueueStatus::All => {}
        QueueStatus::One(s) => w.bind("i.status = ?", Bind::Text(s.code().into())),
    }
    if let Some(port) = &filter.port {
        w.bind("i.port_code = ?", Bind::Text(port.clone()));
    }
    if let Some(kind) = filter.kind {
        w.bind("i.kind = ?", Bind::Text(kind.code().into()));
    }
    if let Some(priority) = filter.priority {
        w.bind("i.priority_rank = ?", Bind::Int(priority.rank()));
    }
    if filter.overdue {
        w.fixed(format!("i.{OPEN_INSPECTION}"));
        w.bind("i.due_at < ?", Bind::Int(to_millis(now)));
    }
    let where_clause = w.clause();
    let count_sql = format!("select count(*) as n from inspections i{where_clause}");
    let total: i64 = w
        .apply(sqlx::query(&count_sql))
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let list_sql = format!(
        "{SELECT}{where_clause} order by i.priority_rank asc, i.due_at asc, i.id asc limit {} offset {}",
        filter.per_page,
        (filter.page - 1) * filter.per_page
    );
    let items = w
        .apply(sqlx::query(&list_sql))
        .fetch_all(pool)
        .await?
        .iter()
        .map(row_to_inspection)
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
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
        .ok_or_else(|| AppError::not_found(format!("inspection #{id}")))?;
    Ok(row_to_inspection(&row)?)
}
