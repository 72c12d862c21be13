//! Port queries: the tiles, a port's detail and state. The changes people make to a port are
//! in `operations.rs`, its measured waits in `waits.rs`. Each change is a conditional update on
//! the port's `version` and one journal entry, in one transaction. The workload counts read
//! the partial indexes on active holds and open inspections, so the overview stays fast however
//! many closed records pile up.

use super::{Notice, Overview, PortDetail, PortSummary, ReleaseTimes, Totals, nearest_rank};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Mode, NoticeKind, PortStatus, Severity};
use crate::error::AppError;
use crate::journal::acting::{check_version, stale};
use crate::sql::decode_error;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::{AnyPool, Row, any::AnyRow};
use std::collections::HashMap;

/// The tiles' counts read the partial indexes on active holds and open inspections: their
/// conditions come from the holds and inspections areas, which the migrations' tests hold to
/// the indexes' text word for word (SQLite only uses a partial index when the query repeats
/// its condition).
fn summary_sql(one_port: bool) -> String {
    let active_hold = crate::holds::db::active("h.status");
    let open_inspection = crate::inspections::db::open("i.status");
    format!(
        "select p.code, p.name, p.kind, p.province, p.time_zone, p.status, p.status_reason, \
         p.expected_return_at, p.hours, p.lanes_open, p.lanes_available, p.officers_on_shift, \
         p.commercial_wait_min, p.traveller_wait_min, p.waits_measured_at, p.version, \
         p.latitude, p.longitude, \
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
    let expected: Option<i64> = row.try_get("expected_return_at")?;
    Ok(PortSummary {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        kind,
        province: row.try_get("province")?,
        time_zone: row.try_get("time_zone")?,
        status,
        status_reason: row.try_get("status_reason")?,
        expected_return_at: expected.map(from_millis),
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
        version: row.try_get("version")?,
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
    })
}

/// The notices in force at `now` (posted, neither cleared nor past their expiry), by port.
async fn notices(
    pool: &AnyPool,
    port: Option<&str>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, Vec<Notice>>, sqlx::Error> {
    let sql = format!(
        "select id, port_code, kind, severity, message, starts_at, expires_at, version \
         from port_notices where starts_at <= $1 and (ends_at is null or ends_at > $1) \
         and (expires_at is null or expires_at > $1) {} order by starts_at, id",
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
        by_port
            .entry(row.try_get("port_code")?)
            .or_default()
            .push(notice_from_row(&row)?);
    }
    Ok(by_port)
}

/// A row of `port_notices`, its kind and severity checked against their vocabularies.
pub(super) fn notice_from_row(row: &AnyRow) -> Result<Notice, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let severity: String = row.try_get("severity")?;
    let expires: Option<i64> = row.try_get("expires_at")?;
    Ok(Notice {
        id: row.try_get("id")?,
        kind: NoticeKind::parse(&kind).ok_or_else(|| decode_error("notice kind", &kind))?,
        severity: Severity::parse(&severity)
            .ok_or_else(|| decode_error("notice severity", &severity))?,
        message: row.try_get("message")?,
        since: from_millis(row.try_get("starts_at")?),
        expires_at: expires.map(from_millis),
        version: row.try_get("version")?,
    })
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

/// A port's detail: its tile, and its release times and traffic over the last days, read at
/// once on connections of their own (the traffic of the busiest ports is the slow part).
#[tracing::instrument(skip(pool))]
pub async fn detail(
    pool: &AnyPool,
    code: &str,
    now: DateTime<Utc>,
) -> Result<PortDetail, AppError> {
    let (summary, traffic) = tokio::try_join!(summary(pool, code, now), traffic(pool, code, now))?;
    Ok(traffic.around(summary))
}

/// A port's detail around its tile: release times and traffic up to `now` (the board replayed
/// at a past instant gives the tile as it was then, and `now` that instant).
pub async fn figures(
    pool: &AnyPool,
    summary: PortSummary,
    now: DateTime<Utc>,
) -> Result<PortDetail, AppError> {
    Ok(traffic(pool, &summary.code, now).await?.around(summary))
}

/// What went through a port up to an instant: the figures of its detail around the tile.
struct Traffic {
    release_times: ReleaseTimes,
    shipments_last_24h: i64,
    examined_last_7d: i64,
    arrived_last_7d: i64,
}

impl Traffic {
    fn around(self, summary: PortSummary) -> PortDetail {
        PortDetail {
            summary,
            release_times: self.release_times,
            shipments_last_24h: self.shipments_last_24h,
            examined_last_7d: self.examined_last_7d,
            arrived_last_7d: self.arrived_last_7d,
        }
    }
}

/// The port's release times and counts up to `now`, the two read at once.
async fn traffic(pool: &AnyPool, code: &str, now: DateTime<Utc>) -> Result<Traffic, AppError> {
    let (day_ago, week_ago, until) = (
        to_millis(now - Duration::hours(24)),
        to_millis(now - Duration::days(7)),
        to_millis(now),
    );
    // Each count on a connection of its own: the week's arrivals of the busiest ports are the
    // longest.
    let count = |sql: &'static str, since: i64| {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(code)
            .bind(since)
            .bind(until)
            .fetch_one(pool)
    };
    let (release_times, last_24h, arrived_7d, examined_7d) = tokio::try_join!(
        release_times(pool, code, now, 7),
        count(
            "select count(*) from shipments where port_code = $1 and eta_at >= $2 and eta_at <= $3",
            day_ago
        ),
        count(
            "select count(*) from shipments where port_code = $1 and eta_at >= $2 \
             and eta_at <= $3 and arrived_at <= $3",
            week_ago
        ),
        count(
            "select count(distinct h.shipment_id) from inspections i \
             join holds h on h.id = i.hold_id \
             where i.port_code = $1 and i.created_at >= $2 and i.created_at <= $3",
            week_ago
        ),
    )?;
    Ok(Traffic {
        release_times,
        shipments_last_24h: last_24h,
        examined_last_7d: examined_7d,
        arrived_last_7d: arrived_7d,
    })
}

/// A day in milliseconds: the days of `release_tally` are `released_at / DAY_MS`.
const DAY_MS: i64 = 86_400_000;

/// Median and 90th percentile of arrival → release over the last `days`, in whole minutes.
/// The releases of each minute of release time are counted from `release_tally` for the
/// window's whole days (kept by triggers on `shipments`) and from the shipments themselves
/// (the covering index `shipments_released`) for its two partial days, so the work does not
/// grow with the traffic of the days between; the ranks are then read off the running count.
/// Exact: the whole minutes of the value at a rank are the value at that rank of the whole
/// minutes, truncation keeping the order.
async fn release_times(
    pool: &AnyPool,
    code: &str,
    now: DateTime<Utc>,
    days: i64,
) -> Result<ReleaseTimes, sqlx::Error> {
    // Bounded by `now` too, so that the board replayed at a past instant counts what was
    // released by then.
    let (since, until) = (to_millis(now - Duration::days(days)), to_millis(now));
    let (first_day, last_day) = (since.div_euclid(DAY_MS), until.div_euclid(DAY_MS));
    // The shipments are read over [since, head) and [tail, until]; the tally, the days
    // strictly between the first and the last.
    let head = ((first_day + 1) * DAY_MS).min(until + 1);
    let tail = (last_day * DAY_MS).max(head);
    const RELEASED: &str = "select (released_at - arrived_at) / 60000 as minutes, 1 as n \
         from shipments where port_code = $1 and released_at is not null \
         and arrived_at is not null";
    let rows = sqlx::query(&format!(
        "select minutes, cast(sum(n) as bigint) as n from ( \
           select minutes, n from release_tally where port_code = $1 and day > $2 and day < $3 \
           union all {RELEASED} and released_at >= $4 and released_at < $5 \
           union all {RELEASED} and released_at >= $6 and released_at <= $7 \
         ) as t group by minutes order by minutes"
    ))
    .bind(code)
    .bind(first_day)
    .bind(last_day)
    .bind(since)
    .bind(head)
    .bind(tail)
    .bind(until)
    .fetch_all(pool)
    .await?;
    let mut by_minute = Vec::with_capacity(rows.len());
    for row in rows {
        by_minute.push((
            row.try_get::<i64, _>("minutes")?,
            row.try_get::<i64, _>("n")?,
        ));
    }
    let released: i64 = by_minute.iter().map(|(_, n)| n).sum();
    let at_rank = |p: f64| {
        let rank = nearest_rank(p, released)?;
        let mut seen = 0;
        by_minute.iter().find_map(|&(minutes, n)| {
            seen += n;
            (seen >= rank).then_some(minutes)
        })
    };
    Ok(ReleaseTimes {
        days,
        released,
        median_min: at_rank(0.5),
        p90_min: at_rank(0.9),
    })
}

/// How a port is running, with the version a change must name.
#[derive(Debug, Clone, PartialEq)]
pub struct PortState {
    pub code: String,
    pub kind: Mode,
    pub time_zone: String,
    pub status: PortStatus,
    pub status_reason: Option<String>,
    pub expected_return_at: Option<DateTime<Utc>>,
    pub lanes_open: i64,
    pub lanes_available: i64,
    pub officers_on_shift: i64,
    pub commercial_wait_min: Option<i64>,
    pub traveller_wait_min: Option<i64>,
    /// Notices in force now (not ended).
    pub open_notices: i64,
    pub version: i64,
}

pub async fn state(pool: &AnyPool, code: &str) -> Result<PortState, AppError> {
    let row = sqlx::query(
        "select code, kind, time_zone, status, status_reason, expected_return_at, lanes_open, \
         lanes_available, officers_on_shift, commercial_wait_min, traveller_wait_min, version, \
         (select count(*) from port_notices n where \
         n.port_code = p.code and n.ends_at is null) as open_notices from ports p where code = $1",
    )
    .bind(code)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found(AppError::port_named(code)))?;
    let (kind, status) = kind_and_status(&row)?;
    let expected: Option<i64> = row.try_get("expected_return_at")?;
    Ok(PortState {
        code: row.try_get("code")?,
        kind,
        time_zone: row.try_get("time_zone")?,
        status,
        status_reason: row.try_get("status_reason")?,
        expected_return_at: expected.map(from_millis),
        lanes_open: row.try_get("lanes_open")?,
        lanes_available: row.try_get("lanes_available")?,
        officers_on_shift: row.try_get("officers_on_shift")?,
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

/// Why a conditional update of a port matched nothing: it changed in between; the refusal
/// shows it as it now is.
pub(super) async fn lost_race(pool: &AnyPool, code: &str) -> AppError {
    match state(pool, code).await {
        Ok(port) => stale(&AppError::port_named(&port.code), &port.current(), None),
        Err(e) => e,
    }
}

impl PortState {
    /// What a refusal of a stale change shows of the port as it now is.
    pub(super) fn current(&self) -> serde_json::Value {
        json!({
            "code": self.code,
            "status": self.status.code(),
            "status_reason": self.status_reason,
            "expected_return_at": self.expected_return_at.map(to_millis),
            "lanes_open": self.lanes_open,
            "lanes_available": self.lanes_available,
            "officers_on_shift": self.officers_on_shift,
            "version": self.version,
        })
    }

    /// Refuses a change made from a view of the port older than this one.
    pub(super) fn check_seen(&self, seen: Option<i64>) -> Result<(), AppError> {
        check_version(
            &AppError::port_named(&self.code),
            &self.current(),
            self.version,
            seen,
        )
    }
}
