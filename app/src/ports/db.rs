//! Port queries. The workload counts read the partial indexes on active holds and open
//! inspections, so the overview stays fast however many closed records pile up.

use super::{Notice, Overview, PortDetail, PortSummary, ReleaseTimes, Totals, nearest_rank};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Mode, NoticeKind, PortStatus};
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyPool, Row, any::AnyRow};
use std::collections::HashMap;

/// Must match the predicate of the partial indexes word for word (SQLite only uses a partial
/// index when the query repeats its condition).
pub const ACTIVE_HOLD: &str = "status in ('placed', 'examination', 'seizure_requested')";
pub const OPEN_INSPECTION: &str = "status in ('queued', 'assigned', 'in_progress')";

fn summary_sql(one_port: bool) -> String {
    format!(
        "select p.code, p.name, p.kind, p.province, p.time_zone, p.status, p.hours, p.lanes_open, \
         p.lanes_available, p.officers_on_shift, p.commercial_wait_min, p.traveller_wait_min, \
         p.waits_measured_at, \
         (select count(*) from holds h where h.port_code = p.code and h.{ACTIVE_HOLD}) as active_holds, \
         (select count(*) from holds h where h.port_code = p.code and h.{ACTIVE_HOLD} \
            and h.paused_since is null and h.due_at + h.paused_ms < $1) as holds_overdue, \
         (select count(*) from inspections i where i.port_code = p.code and i.{OPEN_INSPECTION} \
            and i.status = 'queued') as queued_inspections, \
         (select count(*) from inspections i where i.port_code = p.code and i.{OPEN_INSPECTION}) \
            as open_inspections, \
         (select count(*) from inspections i where i.port_code = p.code and i.{OPEN_INSPECTION} \
            and i.due_at < $1) as inspections_overdue \
         from ports p {} order by p.kind, p.code",
        if one_port { "where p.code = $2" } else { "" }
    )
}

fn summary_from_row(row: &AnyRow, notices: Vec<Notice>) -> Result<PortSummary, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let measured: Option<i64> = row.try_get("waits_measured_at")?;
    Ok(PortSummary {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind: Mode::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?,
        province: row.try_get("province")?,
        time_zone: row.try_get("time_zone")?,
        status: PortStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        hours: row.try_get("hours")?,
        lanes_open: row.try_get("lanes_open")?,
        lanes_available: row.try_get("lanes_available")?,
        officers_on_shift: row.try_get("officers_on_shift")?,
        commercial_wait_min: row.try_get("commercial_wait_min")?,
        traveller_wait_min: row.try_get("traveller_wait_min")?,
        waits_measured_at: measured.map(from_millis),
        active_holds: row.try_get("active_holds")?,
        holds_overdue: row.try_get("holds_overdue")?,
        queued_inspections: row.try_get("queued_inspections")?,
        open_inspections: row.try_get("open_inspections")?,
        inspections_overdue: row.try_get("inspections_overdue")?,
        notices,
    })
}

/// A stored code the program does not know: the database and the code disagree.
pub fn decode_error(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {column} code {value:?} in the database").into())
}

async fn notices(
    pool: &AnyPool,
    port: Option<&str>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, Vec<Notice>>, sqlx::Error> {
    let sql = format!(
        "select port_code, kind, message, starts_at from port_notices \
         where starts_at <= $1 and (ends_at is null or ends_at > $1) {} order by starts_at",
        if port.is_some() {
            "and port_code = $2"
        } else {
            ""
        }
    );
    let mut query = sqlx::query(&sql).bind(to_millis(now));
    if let Some(code) = port {
        query = query.bind(code);
    }
    let mut by_port: HashMap<String, Vec<Notice>> = HashMap::new();
    for row in query.fetch_all(pool).await? {
        let kind: String = row.try_get("kind")?;
        by_port
            .entry(row.try_get("port_code")?)
            .or_default()
            .push(Notice {
                kind: NoticeKind::parse(&kind).ok_or_else(|| decode_error("notice kind", &kind))?,
                message: row.try_get("message")?,
                since: from_millis(row.try_get("starts_at")?),
            });
    }
    Ok(by_port)
}

#[tracing::instrument(skip(pool))]
pub async fn summaries(
    pool: &AnyPool,
    now: DateTime<Utc>,
) -> Result<Vec<PortSummary>, sqlx::Error> {
    let mut notices = notices(pool, None, now).await?;
    sqlx::query(&summary_sql(false))
        .bind(to_millis(now))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let code: String = row.try_get("code")?;
            summary_from_row(row, notices.remove(&code).unwrap_or_default())
        })
        .collect()
}

pub async fn overview(pool: &AnyPool, now: DateTime<Utc>) -> Result<Overview, AppError> {
    let ports = summaries(pool, now).await?;
    Ok(Overview {
        as_of: now,
        totals: Totals::of(&ports),
        ports,
    })
}

#[tracing::instrument(skip(pool))]
pub async fn summary(
    pool: &AnyPool,
    code: &str,
    now: DateTime<Utc>,
) -> Result<PortSummary, AppError> {
    let row = sqlx::query(&summary_sql(true))
        .bind(to_millis(now))
        .bind(code)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found(format!("port {code}")))?;
    let mut notices = notices(pool, Some(code), now).await?;
    Ok(summary_from_row(
        &row,
        notices.remove(code).unwrap_or_default(),
    )?)
}

#[tracing::instrument(skip(pool))]
pub async fn detail(
    pool: &AnyPool,
    code: &str,
    now: DateTime<Utc>,
) -> Result<PortDetail, AppError> {
    let summary = summary(pool, code, now).await?;
    let week_ago = to_millis(now - Duration::days(7));
    let release_times = release_times(pool, code, now, 7).await?;
    let counts = sqlx::query(
        "select \
           (select count(*) from shipments where port_code = $1 and eta_at >= $2 and eta_at <= $4) as last_24h, \
           (select count(*) from shipments where port_code = $1 and eta_at >= $3 and eta_at <= $4 \
              and arrived_at is not null) as arrived_7d, \
           (select count(distinct h.shipment_id) from inspections i join holds h on h.id = i.hold_id \
              where i.port_code = $1 and i.created_at >= $3) as examined_7d",
    )
    .bind(code)
    .bind(to_millis(now - Duration::hours(24)))
    .bind(week_ago)
    .bind(to_millis(now))
    .fetch_one(pool)
    .await?;
    Ok(PortDetail {
        summary,
        release_times,
        shipments_last_24h: counts.try_get("last_24h")?,
        examined_last_7d: counts.try_get("examined_7d")?,
        arrived_last_7d: counts.try_get("arrived_7d")?,
    })
}

/// True when the port exists: filters name unknown ports as such rather than returning an
/// empty page.
pub async fn exists(pool: &AnyPool, code: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select count(*) as n from ports where code = $1")
        .bind(code)
        .fetch_one(pool)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Median and 90th percentile of arrival → release over the last `days`, computed by the
/// database (a count, then the value at each rank) so no rows cross the wire.
async fn release_times(
    pool: &AnyPool,
    code: &str,
    now: DateTime<Utc>,
    days: i64,
) -> Result<ReleaseTimes, sqlx::Error> {
    const RELEASED: &str = "from shipments where port_code = $1 and released_at is not null \
                            and released_at >= $2 and arrived_at is not null";
    let since = to_millis(now - Duration::days(days));
    let released: i64 = sqlx::query(&format!("select count(*) as n {RELEASED}"))
        .bind(code)
        .bind(since)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let at_rank = |p: f64| async move {
        let Some(rank) = nearest_rank(p, released) else {
            return Ok::<_, sqlx::Error>(None);
        };
        let row = sqlx::query(&format!(
            "select (released_at - arrived_at) / 60000 as minutes {RELEASED} \
             order by released_at - arrived_at limit 1 offset $3"
        ))
        .bind(code)
        .bind(since)
        .bind(rank - 1)
        .fetch_optional(pool)
        .await?;
        row.map(|r| r.try_get::<i64, _>("minutes")).transpose()
    };
    Ok(ReleaseTimes {
        days,
        released,
        median_min: at_rank(0.5).await?,
        p90_min: at_rank(0.9).await?,
    })
}
