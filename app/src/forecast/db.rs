//! What the forecast knows at an instant, read from the database: the examinations and holds
//! open then, the examinations completed and the shipments arrived over the days before, the
//! shipments declared and not yet arrived, and the officers on shift (the port's journal of
//! staffing changes, or its row). Every read is bounded by the instant, so the same queries
//! answer "now" on the board and "then" in the backtest (`border-ops bench forecast`).

use super::model::{self, HISTORY_DAYS, OpenExam, OpenHold, PortInputs};
use super::{CENTRE_TIME_ZONE, Forecast};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{HoldReason, InspectionKind};
use crate::error::AppError;
use crate::sql::decode_error;
use chrono::{DateTime, Duration, Offset, Utc};
use sqlx::{AnyPool, Row};

/// A port as the forecast needs it.
struct Port {
    code: String,
    time_zone: String,
    officers_on_shift: i64,
}

async fn ports(pool: &AnyPool, code: Option<&str>) -> Result<Vec<Port>, sqlx::Error> {
    let sql = format!(
        "select code, time_zone, officers_on_shift from ports {} order by code",
        if code.is_some() {
            "where code = $1"
        } else {
            ""
        }
    );
    let mut query = sqlx::query(&sql);
    if let Some(code) = code {
        query = query.bind(code);
    }
    query
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(Port {
                code: row.try_get("code")?,
                time_zone: row.try_get("time_zone")?,
                officers_on_shift: row.try_get("officers_on_shift")?,
            })
        })
        .collect()
}

/// The forecast of one port at `at` (404 for a code no port has).
pub async fn port(pool: &AnyPool, code: &str, at: DateTime<Utc>) -> Result<Forecast, AppError> {
    let port = ports(pool, Some(code))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found(AppError::port_named(code)))?;
    let inputs = inputs(pool, &port, at, true).await?;
    Ok(model::forecast_port(&inputs))
}

/// The country's forecast at `at`: every port's, combined.
pub async fn country(pool: &AnyPool, at: DateTime<Utc>) -> Result<Forecast, AppError> {
    let forecasts = every_port(pool, at, true).await?;
    Ok(model::combine(at, CENTRE_TIME_ZONE, &forecasts))
}

/// Each port's forecast at `at`. `live` when `at` is now: the open work is then read through
/// the partial indexes on open records; otherwise it is reconstructed from the records'
/// times (what was open at `at`), and holds are left out (the backtest needs only the
/// clearance).
pub async fn every_port(
    pool: &AnyPool,
    at: DateTime<Utc>,
    live: bool,
) -> Result<Vec<Forecast>, sqlx::Error> {
    let mut forecasts = vec![];
    for port in ports(pool, None).await? {
        forecasts.push(model::forecast_port(&inputs(pool, &port, at, live).await?));
    }
    Ok(forecasts)
}

/// When the examinations open at `at` at `code` were all completed or cancelled: `None` while
/// one is still open (at the end of the records).
pub async fn cleared_at(
    pool: &AnyPool,
    code: &str,
    at: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "select count(*) as open, \
           sum(case when completed_at is null then 1 else 0 end) as unfinished, \
           max(completed_at) as last from inspections where {}",
        open_then()
    ))
    .bind(code)
    .bind(to_millis(at))
    .fetch_one(pool)
    .await?;
    let open: i64 = row.try_get("open")?;
    let unfinished: Option<i64> = row.try_get("unfinished")?;
    let last: Option<i64> = row.try_get("last")?;
    Ok(match (open, unfinished.unwrap_or(0), last) {
        (0, _, _) => Some(at),
        (_, 0, Some(last)) => Some(from_millis(last)),
        _ => None,
    })
}

/// An examination at port `$1` open at instant `$2`: opened by then, not yet finished.
fn open_then() -> &'static str {
    "port_code = $1 and created_at <= $2 and (completed_at is null or completed_at > $2)"
}

async fn inputs(
    pool: &AnyPool,
    port: &Port,
    at: DateTime<Utc>,
    live: bool,
) -> Result<PortInputs, sqlx::Error> {
    let code = port.code.as_str();
    let now = to_millis(at);
    let from = at - Duration::days(HISTORY_DAYS);
    let exams = open_exams(pool, code, now, live).await?;
    let holds = if live {
        open_holds(pool, code, now).await?
    } else {
        vec![]
    };
    let officers_now = staffing(pool, port, at).await?;
    let history = sqlx::query(
        "select \
           (select count(*) from shipments where port_code = $1 \
              and arrived_at > $2 and arrived_at <= $3) as arrived, \
           (select count(*) from inspections where port_code = $1 \
              and created_at > $2 and created_at <= $3) as opened",
    )
    .bind(code)
    .bind(to_millis(from))
    .bind(now)
    .fetch_one(pool)
    .await?;
    // The examinations completed: the time officers spent on each, and the share of its
    // given time each took.
    let mut officer_hours = 0.0;
    let mut took_shares = vec![];
    let rows = sqlx::query(
        "select created_at, started_at, completed_at, due_at from inspections \
         where port_code = $1 and status = 'completed' and completed_at > $2 and completed_at <= $3",
    )
    .bind(code)
    .bind(to_millis(from))
    .bind(now)
    .fetch_all(pool)
    .await?;
    let completed = rows.len() as i64;
    for row in rows {
        let created: i64 = row.try_get("created_at")?;
        let started: Option<i64> = row.try_get("started_at")?;
        let done: i64 = row.try_get("completed_at")?;
        let due: i64 = row.try_get("due_at")?;
        officer_hours += (done - started.unwrap_or(done)).max(0) as f64 / 3_600_000.0;
        if due > created {
            took_shares.push((done - created).max(0) as f64 / (due - created) as f64);
        }
    }
    took_shares.sort_by(f64::total_cmp);
    let arrived: i64 = history.try_get("arrived")?;
    let opened: i64 = history.try_get("opened")?;

    // Arrivals per hour of the day in the port's zone (its offset now), a day's average.
    let offset_ms = at
        .with_timezone(&crate::lang::format::zone(&port.time_zone))
        .offset()
        .fix()
        .local_minus_utc() as i64
        * 1000;
    let mut arrivals_by_hour = [0.0; 24];
    let rows = sqlx::query(
        "select ((arrived_at + $4) / 3600000) % 24 as hour, count(*) as n from shipments \
         where port_code = $1 and arrived_at > $2 and arrived_at <= $3 group by 1",
    )
    .bind(code)
    .bind(to_millis(from))
    .bind(now)
    .bind(offset_ms)
    .fetch_all(pool)
    .await?;
    for row in rows {
        let hour: i64 = row.try_get("hour")?;
        let n: i64 = row.try_get("n")?;
        arrivals_by_hour[hour.rem_euclid(24) as usize] += n as f64 / HISTORY_DAYS as f64;
    }

    let mut share_by_rank = [0.0; 4];
    let rows = sqlx::query(
        "select priority_rank, count(*) as n from inspections \
         where port_code = $1 and created_at > $2 and created_at <= $3 group by priority_rank",
    )
    .bind(code)
    .bind(to_millis(from))
    .bind(now)
    .fetch_all(pool)
    .await?;
    for row in rows {
        let rank: i64 = row.try_get("priority_rank")?;
        let n: i64 = row.try_get("n")?;
        if (1..=4).contains(&rank) && opened > 0 {
            share_by_rank[rank as usize - 1] = n as f64 / opened as f64;
        }
    }

    // Declared (received by then), not yet arrived, due within the horizon.
    let declared_etas = sqlx::query(
        "select eta_at from shipments where port_code = $1 and eta_at >= $2 and eta_at < $3 \
         and created_at <= $2 and (arrived_at is null or arrived_at > $2)",
    )
    .bind(code)
    .bind(now)
    .bind(to_millis(at + Duration::hours(model::HORIZON_HOURS)))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| row.try_get::<i64, _>("eta_at").map(from_millis))
    .collect::<Result<Vec<_>, _>>()?;

    Ok(PortInputs {
        code: port.code.clone(),
        time_zone: port.time_zone.clone(),
        now: at,
        officers_on_shift: officers_now,
        exams,
        holds,
        completed,
        officer_hours,
        took_shares,
        arrivals_by_hour,
        declared_etas,
        exams_per_arrival: if arrived > 0 {
            opened as f64 / arrived as f64
        } else {
            0.0
        },
        share_by_rank,
    })
}

async fn open_exams(
    pool: &AnyPool,
    code: &str,
    now: i64,
    live: bool,
) -> Result<Vec<OpenExam>, sqlx::Error> {
    let condition = if live {
        format!(
            "port_code = $1 and {}",
            crate::inspections::db::open("status")
        )
    } else {
        open_then().to_string()
    };
    let sql = format!(
        "select id, hold_id, kind, priority_rank, created_at, due_at, started_at from inspections \
         where {condition}"
    );
    let mut query = sqlx::query(&sql).bind(code);
    if !live {
        query = query.bind(now);
    }
    query
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            let started: Option<i64> = row.try_get("started_at")?;
            Ok(OpenExam {
                id: row.try_get("id")?,
                hold_id: row.try_get("hold_id")?,
                kind: InspectionKind::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?,
                priority_rank: row.try_get("priority_rank")?,
                created_at: from_millis(row.try_get("created_at")?),
                due_at: from_millis(row.try_get("due_at")?),
                started: started.is_some_and(|s| s <= now),
            })
        })
        .collect()
}

/// The port's active holds now, their due times moved back by the pauses already taken.
async fn open_holds(pool: &AnyPool, code: &str, now: i64) -> Result<Vec<OpenHold>, sqlx::Error> {
    sqlx::query(&format!(
        "select id, shipment_id, reason, due_at, paused_ms, paused_since from holds h \
         where h.port_code = $1 and {}",
        crate::holds::db::active("h.status")
    ))
    .bind(code)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        let reason: String = row.try_get("reason")?;
        let paused_since: Option<i64> = row.try_get("paused_since")?;
        let due: i64 = row.try_get("due_at")?;
        let paused_ms: i64 = row.try_get("paused_ms")?;
        Ok(OpenHold {
            id: row.try_get("id")?,
            shipment_id: row.try_get("shipment_id")?,
            reason: HoldReason::parse(&reason).ok_or_else(|| decode_error("reason", &reason))?,
            due_at: from_millis(due + paused_ms),
            paused: paused_since.is_some_and(|since| since <= now),
        })
    })
    .collect()
}

/// The officers on shift at `at`: from the port's journaled changes of staffing (an entry whose
/// `after_json` names `officers_on_shift`): the last one by then, or what the first one after
/// found; without any, its row.
async fn staffing(pool: &AnyPool, port: &Port, at: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    let rows = sqlx::query(
        "select at, before_json, after_json from journal \
         where entity = 'port' and entity_id = $1 order by seq",
    )
    .bind(&port.code)
    .fetch_all(pool)
    .await?;
    let officers = |json: Option<String>| -> Option<i64> {
        let value: serde_json::Value = serde_json::from_str(&json?).ok()?;
        value.get("officers_on_shift")?.as_i64()
    };
    let mut first_after = None;
    let mut last_before = None;
    for row in rows {
        let Some(after) = officers(row.try_get("after_json")?) else {
            continue;
        };
        if from_millis(row.try_get("at")?) <= at {
            last_before = Some(after);
        } else if first_after.is_none() {
            first_after = Some(officers(row.try_get("before_json")?));
        }
    }
    Ok(last_before
        .or(first_after.flatten())
        .unwrap_or(port.officers_on_shift))
}
