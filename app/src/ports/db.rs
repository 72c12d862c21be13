//! Port queries, and the changes to how a port is running: its status, lanes and notices (a
//! supervisor's decision) and its measured waits (a feed). Each change is a conditional update
//! on the port's `version` and one journal entry, in one transaction. The workload counts read
//! the partial indexes on active holds and open inspections, so the overview stays fast however
//! many closed records pile up.

use super::{Notice, Overview, PortDetail, PortSummary, ReleaseTimes, Totals, nearest_rank};
use crate::auth::server::Caller;
use crate::domain::Action;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Mode, NoticeKind, PortStatus};
use crate::error::AppError;
use crate::journal::acting::{check_version, stale};
use crate::journal::db::{NewEntry, record};
use crate::sql::decode_error;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};
use std::collections::HashMap;

/// The tiles' counts read the partial indexes on active holds and open inspections: their
/// conditions come from the holds and inspections areas, which the migrations' tests hold to
/// the indexes' text word for word (SQLite only uses a partial index when the query repeats
/// its condition).
fn summary_sql(one_port: bool) -> String {
    let active_hold = crate::holds::db::active("h.status");
    let open_inspection = crate::inspections::db::open("i.status");
    format!(
        "select p.code, p.name, p.kind, p.province, p.time_zone, p.status, p.hours, p.lanes_open, \
         p.lanes_available, p.officers_on_shift, p.commercial_wait_min, p.traveller_wait_min, \
         p.waits_measured_at, \
         (select count(*) from holds h where h.port_code = p.code and {active_hold}) as active_holds, \
         (select count(*) from holds h where h.port_code = p.code and {active_hold} \
            and h.paused_since is null and h.due_at + h.paused_ms < $1) as holds_overdue, \
         (select count(*) from inspections i where i.port_code = p.code and {open_inspection} \
            and i.status = 'queued') as queued_inspections, \
         (select count(*) from inspections i where i.port_code = p.code and {open_inspection}) \
            as open_inspections, \
         (select count(*) from inspections i where i.port_code = p.code and {open_inspection} \
            and i.due_at < $1) as inspections_overdue \
         from ports p {} order by p.kind, p.code",
        if one_port { "where p.code = $2" } else { "" }
    )
}

/// A port row's kind of crossing and status, checked against their vocabularies.
fn kind_and_status(row: &AnyRow) -> Result<(Mode, PortStatus), sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    Ok((
        Mode::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?,
        PortStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
    ))
}

fn summary_from_row(row: &AnyRow, notices: Vec<Notice>) -> Result<PortSummary, sqlx::Error> {
    let (kind, status) = kind_and_status(row)?;
    let measured: Option<i64> = row.try_get("waits_measured_at")?;
    Ok(PortSummary {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind,
        province: row.try_get("province")?,
        time_zone: row.try_get("time_zone")?,
        status,
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
        .ok_or_else(|| AppError::not_found(AppError::port_named(code)))?;
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

/// How a port is running, with the version a change must name.
#[derive(Debug, Clone, PartialEq)]
pub struct PortState {
    pub code: String,
    pub kind: Mode,
    pub time_zone: String,
    pub status: PortStatus,
    pub lanes_open: i64,
    pub lanes_available: i64,
    pub commercial_wait_min: Option<i64>,
    pub traveller_wait_min: Option<i64>,
    /// Notices in force now (not ended).
    pub open_notices: i64,
    pub version: i64,
}

pub async fn state(pool: &AnyPool, code: &str) -> Result<PortState, AppError> {
    let row = sqlx::query(
        "select code, kind, time_zone, status, lanes_open, lanes_available, commercial_wait_min, \
         traveller_wait_min, version, (select count(*) from port_notices n where \
         n.port_code = p.code and n.ends_at is null) as open_notices from ports p where code = $1",
    )
    .bind(code)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found(AppError::port_named(code)))?;
    let (kind, status) = kind_and_status(&row)?;
    Ok(PortState {
        code: row.try_get("code")?,
        kind,
        time_zone: row.try_get("time_zone")?,
        status,
        lanes_open: row.try_get("lanes_open")?,
        lanes_available: row.try_get("lanes_available")?,
        commercial_wait_min: row.try_get("commercial_wait_min")?,
        traveller_wait_min: row.try_get("traveller_wait_min")?,
        open_notices: row.try_get("open_notices")?,
        version: row.try_get("version")?,
    })
}

/// Every port's state, by code.
pub async fn states(pool: &AnyPool) -> Result<Vec<PortState>, AppError> {
    let codes = sqlx::query("select code from ports order by code")
        .fetch_all(pool)
        .await?;
    let mut states = Vec::with_capacity(codes.len());
    for row in codes {
        states.push(state(pool, &row.try_get::<String, _>("code")?).await?);
    }
    Ok(states)
}

/// What a port's status and lanes become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortChange {
    pub status: PortStatus,
    pub lanes_open: i64,
}

fn check_change(port: &PortState, change: PortChange) -> Result<(), AppError> {
    if !(0..=port.lanes_available).contains(&change.lanes_open) {
        return Err(AppError::invalid(
            "lanes_open",
            crate::i18n::td_string!(
                crate::lang::current(),
                ports.lanes_range,
                available = port.lanes_available
            )
            .to_string(),
        ));
    }
    if change.status == PortStatus::Closed && change.lanes_open > 0 {
        return Err(AppError::invalid(
            "lanes_open",
            crate::i18n::td_string!(crate::lang::current(), ports.closed_no_lanes),
        ));
    }
    Ok(())
}

/// Why a conditional update of a port matched nothing: it changed in between; the refusal
/// shows it as it now is.
async fn lost_race(pool: &AnyPool, code: &str) -> AppError {
    match state(pool, code).await {
        Ok(port) => stale(&AppError::port_named(&port.code), &port.current(), None),
        Err(e) => e,
    }
}

impl PortState {
    /// What a refusal of a stale change shows of the port as it now is.
    fn current(&self) -> serde_json::Value {
        json!({
            "code": self.code,
            "status": self.status.code(),
            "lanes_open": self.lanes_open,
            "version": self.version,
        })
    }

    /// Refuses a change made from a view of the port older than this one.
    fn check_seen(&self, seen: Option<i64>) -> Result<(), AppError> {
        check_version(
            &AppError::port_named(&self.code),
            &self.current(),
            self.version,
            seen,
        )
    }
}

/// The conditional update of a port's status and lanes: the first statement of the
/// transaction. False when someone changed the port since `seen`.
async fn update_port(
    conn: &mut AnyConnection,
    code: &str,
    change: PortChange,
    seen: i64,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "update ports set status = $1, lanes_open = $2, version = version + 1 \
         where code = $3 and version = $4",
    )
    .bind(change.status.code())
    .bind(change.lanes_open)
    .bind(code)
    .bind(seen)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// The journal entry of a notice posted or cleared: the port's status and lanes before and
/// after, and the notice.
fn notice_entry<'a>(
    caller: &'a Caller,
    port: &'a PortState,
    change: &PortChange,
    action: &'a str,
    notice: serde_json::Value,
    reason: &'a str,
    now: DateTime<Utc>,
) -> NewEntry<'a> {
    NewEntry {
        at: now,
        actor: &caller.account.username,
        entity: "port",
        entity_id: port.code.clone(),
        shipment_id: None,
        port_code: Some(&port.code),
        action,
        before: Some(json!({
            "status": port.status.code(),
            "lanes_open": port.lanes_open,
            "version": port.version,
        })),
        after: Some(json!({
            "status": change.status.code(),
            "lanes_open": change.lanes_open,
            "notice": notice,
            "version": port.version + 1,
        })),
        reason: Some(reason),
    }
}

/// The port a supervisor is about to change, once they may, their view is current and the
/// change makes sense.
async fn port_to_change(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    change: PortChange,
    seen: Option<i64>,
) -> Result<PortState, AppError> {
    let port = state(pool, code).await?;
    caller
        .authorize(pool, Action::ManagePort, Some(&port.code))
        .await?;
    port.check_seen(seen)?;
    check_change(&port, change)?;
    Ok(port)
}

/// Posts a notice at a port (a scanner out of service, lanes closed, a storm) and sets its
/// status and lanes open accordingly. Returns the notice's id.
#[allow(clippy::too_many_arguments)]
pub async fn post_notice(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    kind: NoticeKind,
    message: &str,
    change: PortChange,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let message = crate::domain::check_text("message", message, true)?;
    let port = port_to_change(pool, caller, code, change, seen).await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    if !update_port(&mut tx, &port.code, change, port.version).await? {
        drop(tx);
        return Err(lost_race(pool, code).await);
    }
    let id: i64 = sqlx::query(
        "insert into port_notices (port_code, kind, message, starts_at) values ($1, $2, $3, $4) \
         returning id",
    )
    .bind(&port.code)
    .bind(kind.code())
    .bind(&message)
    .bind(to_millis(now))
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    record(
        &mut tx,
        notice_entry(
            caller,
            &port,
            &change,
            "notice_posted",
            json!({ "id": id, "kind": kind.code(), "message": message }),
            &message,
            now,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a notice (the scanner is back, the lanes reopen) and sets the port's status and lanes.
#[allow(clippy::too_many_arguments)]
pub async fn clear_notice(
    pool: &AnyPool,
    caller: &Caller,
    code: &str,
    notice_id: i64,
    change: PortChange,
    reason: &str,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let reason = crate::domain::check_text("reason", reason, true)?;
    let port = port_to_change(pool, caller, code, change, seen).await?;
    let open: i64 = sqlx::query(
        "select count(*) as n from port_notices where id = $1 and port_code = $2 \
         and ends_at is null",
    )
    .bind(notice_id)
    .bind(&port.code)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    if open == 0 {
        return Err(AppError::Conflict {
            message: crate::i18n::td_string!(
                crate::lang::current(),
                ports.notice_not_in_force,
                id = notice_id,
                port = port.code.clone()
            )
            .to_string(),
        });
    }
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    if !update_port(&mut tx, &port.code, change, port.version).await? {
        drop(tx);
        return Err(lost_race(pool, code).await);
    }
    sqlx::query("update port_notices set ends_at = $1 where id = $2 and ends_at is null")
        .bind(to_millis(now))
        .bind(notice_id)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        notice_entry(
            caller,
            &port,
            &change,
            "notice_cleared",
            json!({ "id": notice_id }),
            &reason,
            now,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records the waits measured at a crossing, in minutes (`None` where the flow does not
/// apply). `actor` names the feed that measured them: no person is authorized here, and no
/// endpoint reaches this function.
pub async fn record_waits(
    pool: &AnyPool,
    actor: &str,
    code: &str,
    commercial_min: Option<i64>,
    traveller_min: Option<i64>,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if commercial_min.is_some_and(|m| m < 0) || traveller_min.is_some_and(|m| m < 0) {
        return Err(AppError::invalid(
            "wait",
            crate::i18n::td_string!(crate::lang::current(), ports.wait_negative),
        ));
    }
    let port = state(pool, code).await?;
    port.check_seen(seen)?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let updated = sqlx::query(
        "update ports set commercial_wait_min = $1, traveller_wait_min = $2, \
         waits_measured_at = $3, version = version + 1 where code = $4 and version = $5",
    )
    .bind(commercial_min)
    .bind(traveller_min)
    .bind(to_millis(now))
    .bind(&port.code)
    .bind(port.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        drop(tx);
        return Err(lost_race(pool, code).await);
    }
    record(
        &mut tx,
        NewEntry {
            at: now,
            actor,
            entity: "port",
            entity_id: port.code.clone(),
            shipment_id: None,
            port_code: Some(&port.code),
            action: "waits_measured",
            before: Some(json!({
                "commercial_wait_min": port.commercial_wait_min,
                "traveller_wait_min": port.traveller_wait_min,
                "version": port.version,
            })),
            after: Some(json!({
                "commercial_wait_min": commercial_min,
                "traveller_wait_min": traveller_min,
                "version": port.version + 1,
            })),
            reason: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
