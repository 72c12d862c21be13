//! Port queries: the tiles, a port's detail and state. The changes people make to a port are
//! in `operations.rs`, its measured waits in `waits.rs`. Each change is a conditional update on
//! the port's `version` and one journal entry, in one transaction. The workload counts read
//! the partial indexes on active holds and open inspections, so the overview stays fast however
//! many closed records pile up.

use super::{Notice, Overview, PortDetail, PortSummary, ReleaseTimes, Totals};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{Mode, NoticeKind, PortStatus, Severity};
use crate::error::AppError;
use crate::journal::acting::{check_version, stale};
use crate::sql::decode_error;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::{AnyPool, Row, any::AnyArguments, any::AnyRow};
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

/// The port's release times and counts up to `now`, read at once.
async fn traffic(pool: &AnyPool, code: &str, now: DateTime<Utc>) -> Result<Traffic, AppError> {
    let (day_ago, week_ago, until) = (
        to_millis(now - Duration::hours(24)),
        to_millis(now - Duration::days(7)),
        to_millis(now),
    );
    // Each count on a connection of its own.
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
        arrivals(pool, code, week_ago, until),
        count(
            "select count(distinct shipment_id) from inspections \
             where port_code = $1 and created_at >= $2 and created_at <= $3",
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

/// A day in milliseconds: the days of `release_tally` and `arrival_tally` are `at / DAY_MS`.
const DAY_MS: i64 = 86_400_000;

/// A window of instants `[since, until]` as a read that counts by UTC day takes it: the days
/// `days.0..=days.1` from a tally, plus or minus (the third of each) the rows of two spans
/// `[from, to)`. A partial day at either end is read from the rows of its part in the window,
/// or, when that is the longer part, from the tally less the rows of the part outside it: no
/// more than half a day of rows is read at each end.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DaySplit {
    days: (i64, i64),
    rows: [(i64, i64, i64); 2],
}

impl DaySplit {
    fn of(since: i64, until: i64) -> Self {
        let end = until + 1;
        let (first, last) = (since.div_euclid(DAY_MS), until.div_euclid(DAY_MS));
        if first >= last {
            return Self {
                days: (1, 0),
                rows: [(since, end, 1), (end, end, 1)],
            };
        }
        let (head, whole_first) = Self::end(first, since, (first + 1) * DAY_MS);
        let (tail, whole_last) = Self::end(last, last * DAY_MS, end);
        Self {
            days: (
                if whole_first { first } else { first + 1 },
                if whole_last { last } else { last - 1 },
            ),
            rows: [head, tail],
        }
    }

    /// The window's part `[from, to)` of `day`, one end of it: its rows to add, or, when it is
    /// the longer part of the day, the rest of the day's rows to take from the day's tally
    /// (then `true`: the day is read from the tally).
    fn end(day: i64, from: i64, to: i64) -> ((i64, i64, i64), bool) {
        let (start, end) = (day * DAY_MS, (day + 1) * DAY_MS);
        if to - from <= DAY_MS / 2 {
            ((from, to, 1), false)
        } else if from == start {
            ((to, end, -1), true)
        } else {
            ((start, from, -1), true)
        }
    }

    /// The parameters of a read through the split: the port's code ($1), the tally's days
    /// ($2, $3), then the first end's rows `[from, to)` and sign ($4–$6) and the last end's
    /// ($7–$9).
    fn arguments<'q>(&self, code: &'q str) -> Result<AnyArguments<'q>, sqlx::Error> {
        use sqlx::Arguments;
        let mut args = AnyArguments::default();
        args.add(code).map_err(sqlx::Error::Encode)?;
        let [
            (head_from, head_to, head_sign),
            (tail_from, tail_to, tail_sign),
        ] = self.rows;
        for value in [
            self.days.0,
            self.days.1,
            head_from,
            head_to,
            head_sign,
            tail_from,
            tail_to,
            tail_sign,
        ] {
            args.add(value).map_err(sqlx::Error::Encode)?;
        }
        Ok(args)
    }
}

/// The shipments that arrived at a port in `[since, until]`: whole days from `arrival_tally`,
/// the rest from `shipments_port_arrived` (see [`DaySplit`]).
async fn arrivals(pool: &AnyPool, code: &str, since: i64, until: i64) -> Result<i64, sqlx::Error> {
    const ARRIVED: &str = "select count(*) as n from shipments where port_code = $1 \
         and arrived_at is not null";
    sqlx::query_scalar_with::<_, i64, _>(
        &format!(
            "select cast(coalesce(sum(n), 0) as bigint) from ( \
               select n from arrival_tally where port_code = $1 and day >= $2 and day <= $3 \
               union all select n * $6 from ({ARRIVED} \
                 and arrived_at >= $4 and arrived_at < $5) as head \
               union all select n * $9 from ({ARRIVED} \
                 and arrived_at >= $7 and arrived_at < $8) as tail \
             ) as t"
        ),
        DaySplit::of(since, until).arguments(code)?,
    )
    .fetch_one(pool)
    .await
}

/// Median and 90th percentile of arrival → release over the last `days`, in whole minutes.
/// The releases of each minute of release time are counted from `release_tally` for the
/// window's whole days (kept by triggers on `shipments`) and from the shipments themselves
/// (the covering index `shipments_released`) for the rest (see [`DaySplit`]), so the work does
/// not grow with the traffic of the days between. The database reads the ranks off the running
/// count and answers three numbers, not the count of every minute. Exact: the whole minutes of
/// the value at a rank are the value at that rank of the whole minutes, truncation keeping the
/// order; and a running count `c` reaches the nearest rank `⌈p·n⌉` exactly when `c ≥ p·n`,
/// which is compared in integers (`c·10 ≥ n·9` for the 90th).
async fn release_times(
    pool: &AnyPool,
    code: &str,
    now: DateTime<Utc>,
    days: i64,
) -> Result<ReleaseTimes, sqlx::Error> {
    // Bounded by `now` too, so that the board replayed at a past instant counts what was
    // released by then.
    let split = DaySplit::of(to_millis(now - Duration::days(days)), to_millis(now));
    const RELEASED: &str = "select (released_at - arrived_at) / 60000 as minutes from shipments \
         where port_code = $1 and released_at is not null and arrived_at is not null";
    let row = sqlx::query_with(
        &format!(
            "with by_minute as ( \
               select minutes, sum(n) as n from ( \
                 select minutes, n from release_tally \
                   where port_code = $1 and day >= $2 and day <= $3 \
                 union all select minutes, $6 as n from ({RELEASED} \
                   and released_at >= $4 and released_at < $5) as head \
                 union all select minutes, $9 as n from ({RELEASED} \
                   and released_at >= $7 and released_at < $8) as tail \
               ) as t group by minutes \
             ), running as ( \
               select minutes, sum(n) over (order by minutes rows unbounded preceding) as seen, \
                 sum(n) over () as total from by_minute \
             ) \
             select cast(coalesce(max(total), 0) as bigint) as released, \
               cast(min(case when seen * 2 >= total then minutes end) as bigint) as median, \
               cast(min(case when seen * 10 >= total * 9 then minutes end) as bigint) as p90 \
             from running where total > 0"
        ),
        split.arguments(code)?,
    )
    .fetch_one(pool)
    .await?;
    Ok(ReleaseTimes {
        days,
        released: row.try_get("released")?,
        median_min: row.try_get("median")?,
        p90_min: row.try_get("p90")?,
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

#[cfg(test)]
mod tests {
    use super::{DAY_MS, DaySplit};

    /// Instants every 7 minutes and a few seconds over ten days: counted through a split, by
    /// day for its days and one by one for its spans, they give the count of the window.
    #[test]
    fn a_split_window_counts_what_the_window_holds() {
        let start = 20_000 * DAY_MS;
        let instants: Vec<i64> = (0..2100).map(|k| start + k * 421_337).collect();
        let day_count = |day: i64| {
            instants
                .iter()
                .filter(|&&t| t.div_euclid(DAY_MS) == day)
                .count() as i64
        };
        let span_count = |(from, to, sign): (i64, i64, i64)| {
            sign * instants.iter().filter(|&&t| t >= from && t < to).count() as i64
        };
        let mut checked = 0;
        for since in (start..start + 3 * DAY_MS).step_by(3_600_000 * 5 + 17) {
            for length in [
                0,
                1,
                3_600_000,
                DAY_MS - 1,
                DAY_MS,
                DAY_MS + 1,
                3 * DAY_MS + 5,
                7 * DAY_MS,
            ] {
                let until = since + length;
                let split = DaySplit::of(since, until);
                let through: i64 = (split.days.0..=split.days.1).map(day_count).sum::<i64>()
                    + split.rows.into_iter().map(span_count).sum::<i64>();
                let direct = instants
                    .iter()
                    .filter(|&&t| t >= since && t <= until)
                    .count() as i64;
                assert_eq!(through, direct, "[{since}, {until}]: {split:?}");
                // No more than half a day of rows at each end.
                for (from, to, _) in split.rows {
                    assert!(to - from <= DAY_MS / 2 + 1 || length < DAY_MS, "{split:?}");
                }
                checked += 1;
            }
        }
        assert!(checked > 100);
    }
}
