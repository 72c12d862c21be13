//! The records the trends are made of, read for a scope over a period: the holds and the
//! examinations that were open at some moment of it (shaped per day by `shape.rs`), the
//! targeting figures per half-hour (the selections and hit rates of
//! `targeting::stats`, counted the same way), each officer's completed examinations, and the
//! border waits measured (the journal's `waits_measured` entries: a port keeps only its last
//! measurement, the journal every one), and the holds for intellectual property with their
//! goods and the request their score matched.

use super::counterfeits::{self, Detention};
use super::shape::{self, BUCKET_MS, Days, ExamRecord, HoldRecord, WaitRecord};
use super::{
    CENTRE_TIME_ZONE, CounterfeitsByHolder, OfficerWork, PortChoice, ReferralsDay, Scope, Trends,
    TrendsFilter,
};
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{HoldStatus, Mode, Outcome, Region};
use crate::error::AppError;
use crate::sql::decode_error;
use crate::targeting::SelectionStats;
use crate::targeting::stats::{FINDINGS, SELECTED, completed_examinations, examined_and_findings};
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyPool, Row};

/// A port as the scope needs it.
struct Port {
    code: String,
    name: String,
    province: String,
    kind: String,
    time_zone: String,
}

async fn ports(pool: &AnyPool) -> Result<Vec<Port>, sqlx::Error> {
    sqlx::query("select code, name, province, kind, time_zone from ports order by code")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(Port {
                code: row.try_get("code")?,
                name: row.try_get("name")?,
                province: row.try_get("province")?,
                kind: row.try_get("kind")?,
                time_zone: row.try_get("time_zone")?,
            })
        })
        .collect()
}

/// Every port, for the filter's choices.
pub async fn port_choices(pool: &AnyPool) -> Result<Vec<PortChoice>, sqlx::Error> {
    Ok(ports(pool)
        .await?
        .into_iter()
        .map(|p| PortChoice {
            code: p.code,
            name: p.name,
        })
        .collect())
}

/// The ports of a scope (`None`: every port, no condition needed) and the zone its days are
/// counted in. A port no port has is a 422 naming `port`.
async fn scope_ports(
    pool: &AnyPool,
    scope: &Scope,
) -> Result<(Option<Vec<String>>, String), AppError> {
    let all = ports(pool).await?;
    let codes = |keep: &dyn Fn(&Port) -> bool| {
        Some(
            all.iter()
                .filter(|p| keep(p))
                .map(|p| p.code.clone())
                .collect(),
        )
    };
    Ok(match scope {
        Scope::Country => (None, CENTRE_TIME_ZONE.to_string()),
        Scope::Port(code) => {
            let port = all.iter().find(|p| &p.code == code).ok_or_else(|| {
                AppError::invalid(
                    "port",
                    crate::i18n::td_string!(
                        crate::lang::current(),
                        components.port_unknown,
                        port = code
                    )
                    .to_string(),
                )
            })?;
            (Some(vec![port.code.clone()]), port.time_zone.clone())
        }
        Scope::Region(region) => (
            codes(&|p| Region::of_province(&p.province) == *region),
            CENTRE_TIME_ZONE.to_string(),
        ),
        Scope::Mode(mode) => (
            codes(&|p| Mode::parse(&p.kind) == Some(*mode)),
            CENTRE_TIME_ZONE.to_string(),
        ),
    })
}

/// ` and {column} in ($first, …)` for the scope's ports, or nothing for every port; the codes
/// are bound after the query's own values (`first` is the number of the first).
fn in_scope(column: &str, codes: &Option<Vec<String>>, first: usize) -> String {
    match codes {
        None => String::new(),
        // A scope without ports (a mode no port has): nothing matches.
        Some(codes) if codes.is_empty() => " and 1 = 0".to_string(),
        Some(codes) => {
            let places: Vec<String> = (0..codes.len())
                .map(|i| format!("${}", first + i))
                .collect();
            format!(" and {column} in ({})", places.join(", "))
        }
    }
}

/// Binds the scope's codes after the query's own values.
fn bind_codes<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    codes: &'q Option<Vec<String>>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for code in codes.iter().flatten() {
        query = query.bind(code.as_str());
    }
    query
}

/// The trends the filter asks for, read at `now`.
pub async fn trends(
    pool: &AnyPool,
    filter: &TrendsFilter,
    now: DateTime<Utc>,
) -> Result<Trends, AppError> {
    let (codes, time_zone) = scope_ports(pool, &filter.scope).await?;
    let zone = crate::lang::format::zone(&time_zone);
    let today = now.with_timezone(&zone).date_naive();
    let (from, to) = filter.period.days(today);
    let days = Days { zone, from, to };
    let (start, end) = (to_millis(days.start()), to_millis(days.end()));

    // Each read on a connection of its own, at once: at a million shipments the holds and the
    // examinations are 50,000 records each for the database to find and pack (see `packed`).
    let (holds, exams, referrals, officers, waits, counterfeits) = tokio::try_join!(
        async { Ok::<_, AppError>(holds(pool, &codes, start, end).await?) },
        async { Ok(exams(pool, &codes, start, end).await?) },
        async { Ok(referrals(pool, &days, &codes, start, end).await?) },
        async { Ok(officers(pool, &codes, start, end).await?) },
        waits(pool, &codes, start, end),
        counterfeits(pool, &codes, start, end),
    )?;
    Ok(Trends {
        scope: filter.scope.kind().to_string(),
        scope_code: filter.scope.code(),
        time_zone,
        from,
        to,
        at: now,
        release_times: shape::release_times(&days, &holds),
        dwell: shape::dwell_bands(&days, &holds, now),
        past_service_level: shape::past_service_level(&days, &holds, now),
        holds: shape::holds_per_day(&days, &holds),
        examinations: shape::examinations_per_day(&days, &exams),
        referrals,
        officers,
        border_waits: shape::border_waits(&days, &waits),
        counterfeits,
    })
}

/// How long after it was measured a measurement may be recorded and still be counted on its
/// day: a day (CBSA's file is sent within minutes; an old file sent late is not the trend).
pub const WAITS_RECORDED_WITHIN_MS: i64 = 24 * 60 * 60 * 1000;

/// What the trends read of a `waits_measured` entry's `after` (read into its fields alone,
/// which costs a fraction of a whole JSON value over a month of measurements).
#[derive(serde::Deserialize)]
struct MeasuredAfter<'a> {
    commercial_wait_min: Option<i64>,
    traveller_wait_min: Option<i64>,
    waits_measured_at: Option<i64>,
    /// The flows measured; absent from entries written before it was kept.
    #[serde(borrow)]
    measured: Option<Vec<&'a str>>,
}

/// The waits measured in `[start, end)`: read from the journal's `waits_measured` entries
/// recorded from `start` to a day after `end`, each flow the entry says was measured (an
/// entry from before it said so: each flow with a value). The entries' `after`s come as one
/// JSON array (see [`joined`]).
async fn waits(
    pool: &AnyPool,
    codes: &Option<Vec<String>>,
    start: i64,
    end: i64,
) -> Result<Vec<WaitRecord>, AppError> {
    let sql = joined(
        pool,
        "after_json",
        &format!(
            "from journal where entity = 'port' and action = 'waits_measured' \
             and at >= $1 and at < $2{}",
            in_scope("entity_id", codes, 3)
        ),
    );
    let text: String = bind_codes(
        sqlx::query(&sql)
            .bind(start)
            .bind(end + WAITS_RECORDED_WITHIN_MS),
        codes,
    )
    .fetch_one(pool)
    .await?
    .try_get("packed")?;
    let entries: Vec<MeasuredAfter> = serde_json::from_str(&text)
        .map_err(|e| AppError::from(decode_error("after_json", &e.to_string())))?;
    let mut found = Vec::with_capacity(entries.len());
    for after in entries {
        let Some(measured_at) = after.waits_measured_at else {
            continue;
        };
        if measured_at < start || measured_at >= end {
            continue;
        }
        let flow = |flow: &str, minutes: Option<i64>| {
            let measured = after
                .measured
                .as_ref()
                .is_none_or(|named| named.contains(&flow));
            minutes.filter(|_| measured)
        };
        found.push(WaitRecord {
            measured_at: from_millis(measured_at),
            commercial_min: flow("commercial", after.commercial_wait_min),
            traveller_min: flow("traveller", after.traveller_wait_min),
        });
    }
    Ok(found)
}

/// `select` of `columns` from `rest` (its `from` and `where`) as one row, `packed`: a JSON
/// array of each row's values as an array. Rows cross from the database one at a time, each at
/// a cost (SQLite's are handed from its own thread), and at a million shipments a month holds
/// 50,000 holds and as many examinations: they come as one.
fn packed(pool: &AnyPool, columns: &str, rest: &str) -> String {
    if crate::db::is_sqlite(pool) {
        format!("select json_group_array(json_array({columns})) as packed {rest}")
    } else {
        format!(
            "select coalesce(json_agg(json_build_array({columns}))::text, '[]') as packed {rest}"
        )
    }
}

/// `select` of the JSON objects `column` holds, from `rest`, as one row, `packed`: one JSON
/// array of them, joined as the text they are stored as (for the reasons of [`packed`]).
fn joined(pool: &AnyPool, column: &str, rest: &str) -> String {
    if crate::db::is_sqlite(pool) {
        format!("select '[' || coalesce(group_concat({column}, ','), '') || ']' as packed {rest}")
    } else {
        format!("select '[' || coalesce(string_agg({column}, ','), '') || ']' as packed {rest}")
    }
}

/// Reads the one row of a [`packed`] query into its rows, `T` each.
async fn unpack<'q, T: serde::de::DeserializeOwned>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    pool: &AnyPool,
) -> Result<Vec<T>, sqlx::Error> {
    let text: String = query.fetch_one(pool).await?.try_get("packed")?;
    serde_json::from_str(&text).map_err(|e| decode_error("packed", &e.to_string()))
}

/// The holds on hold at some moment of `[start, end)`.
async fn holds(
    pool: &AnyPool,
    codes: &Option<Vec<String>>,
    start: i64,
    end: i64,
) -> Result<Vec<HoldRecord>, sqlx::Error> {
    let sql = packed(
        pool,
        "status, placed_at, resolved_at, due_at, paused_ms, paused_since",
        &format!(
            "from holds where placed_at < $1 and (resolved_at is null or resolved_at >= $2){}",
            in_scope("port_code", codes, 3)
        ),
    );
    type Row = (String, i64, Option<i64>, i64, i64, Option<i64>);
    let rows: Vec<Row> = unpack(
        bind_codes(sqlx::query(&sql).bind(end).bind(start), codes),
        pool,
    )
    .await?;
    rows.into_iter()
        .map(|(status, placed, resolved, due, paused, paused_since)| {
            Ok(HoldRecord {
                status: HoldStatus::parse(&status)
                    .ok_or_else(|| decode_error("status", &status))?,
                placed_at: from_millis(placed),
                resolved_at: resolved.map(from_millis),
                due_at: from_millis(due),
                paused: Duration::milliseconds(paused),
                paused_since: paused_since.map(from_millis),
            })
        })
        .collect()
}

/// The holds for intellectual property placed in `[start, end)`, per rights holder (see
/// [`counterfeits::by_holder`]): few beside the other holds, read as rows.
async fn counterfeits(
    pool: &AnyPool,
    codes: &Option<Vec<String>>,
    start: i64,
    end: i64,
) -> Result<Vec<CounterfeitsByHolder>, AppError> {
    let sql = format!(
        "select h.status, h.placed_at, h.resolved_at, s.description, s.hs_code, \
         (select min(sh.rights_request_id) from score_hits sh \
          where sh.shipment_id = h.shipment_id) as request_id \
         from holds h join shipments s on s.id = h.shipment_id \
         where h.reason = 'intellectual_property' and h.placed_at >= $1 and h.placed_at < $2{}",
        in_scope("h.port_code", codes, 3)
    );
    let detentions = bind_codes(sqlx::query(&sql).bind(start).bind(end), codes)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok(Detention {
                status: HoldStatus::parse(&status)
                    .ok_or_else(|| decode_error("status", &status))?,
                placed_at: from_millis(row.try_get("placed_at")?),
                resolved_at: row
                    .try_get::<Option<i64>, _>("resolved_at")?
                    .map(from_millis),
                description: row.try_get("description")?,
                hs_code: row.try_get("hs_code")?,
                scored_request: row.try_get("request_id")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let register = crate::rights::db::all(pool).await?;
    Ok(counterfeits::by_holder(&detentions, &register))
}

/// The examinations opened or completed in `[start, end)`.
async fn exams(
    pool: &AnyPool,
    codes: &Option<Vec<String>>,
    start: i64,
    end: i64,
) -> Result<Vec<ExamRecord>, sqlx::Error> {
    let sql = packed(
        pool,
        "created_at, status, completed_at, outcome",
        &format!(
            "from inspections where created_at < $1 and (created_at >= $2 or completed_at >= $2){}",
            in_scope("port_code", codes, 3)
        ),
    );
    type Row = (i64, String, Option<i64>, Option<String>);
    let rows: Vec<Row> = unpack(
        bind_codes(sqlx::query(&sql).bind(end).bind(start), codes),
        pool,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(created, status, completed, outcome)| ExamRecord {
            created_at: from_millis(created),
            completed: completed
                .filter(|_| status == "completed")
                .map(|at| (from_millis(at), outcome.as_deref().and_then(Outcome::parse))),
        })
        .collect())
}

/// Per day, shipments scored that day that the rules selected and those selected at random,
/// with their examinations and findings: the figures of `targeting::stats`, per half-hour.
async fn referrals(
    pool: &AnyPool,
    days: &Days,
    codes: &Option<Vec<String>>,
    start: i64,
    end: i64,
) -> Result<Vec<ReferralsDay>, sqlx::Error> {
    let scope = in_scope("sh.port_code", codes, 3);
    let bucket = format!("s.scored_at / {BUCKET_MS}");
    let count = |which: &str| {
        format!(
            "select {bucket} as bucket, count(distinct s.shipment_id) as n from shipment_scores s \
             join shipments sh on sh.id = s.shipment_id \
             where s.scored_at >= $1 and s.scored_at < $2 and {which}{scope} group by {bucket}"
        )
    };
    let outcomes = |which: &str| {
        format!(
            "select {bucket} as bucket, {} from shipment_scores s \
             join shipments sh on sh.id = s.shipment_id {} \
             where s.scored_at >= $1 and s.scored_at < $2 and {which}{scope} group by {bucket}",
            examined_and_findings("s.shipment_id"),
            completed_examinations("s.shipment_id"),
        )
    };
    let mut figures = vec![];
    for which in [SELECTED, "s.random_selected = 1"] {
        let rows = bind_codes(sqlx::query(&count(which)).bind(start).bind(end), codes)
            .fetch_all(pool)
            .await?;
        let mut buckets = vec![];
        for row in rows {
            buckets.push((row.try_get::<i64, _>("bucket")?, row.try_get("n")?));
        }
        let selected = shape::per_day_from_buckets(days, buckets);
        let rows = bind_codes(sqlx::query(&outcomes(which)).bind(start).bind(end), codes)
            .fetch_all(pool)
            .await?;
        let (mut examined, mut findings) = (vec![], vec![]);
        for row in rows {
            let bucket: i64 = row.try_get("bucket")?;
            examined.push((bucket, row.try_get("examined")?));
            findings.push((bucket, row.try_get("findings")?));
        }
        let examined = shape::per_day_from_buckets(days, examined);
        let findings = shape::per_day_from_buckets(days, findings);
        figures.push(
            (0..days.len())
                .map(|i| SelectionStats::new(selected[i], examined[i], findings[i]))
                .collect::<Vec<_>>(),
        );
    }
    let random = figures.pop().unwrap_or_default();
    let rules = figures.pop().unwrap_or_default();
    Ok(days
        .list()
        .into_iter()
        .zip(rules.into_iter().zip(random))
        .map(|(day, (rules, random))| ReferralsDay {
            day,
            selected: rules.selections,
            examined: rules.examined,
            findings: rules.findings,
            hit_rate: rules.hit_rate.map(three_places),
            random_selected: random.selections,
            random_examined: random.examined,
            random_findings: random.findings,
            random_hit_rate: random.hit_rate.map(three_places),
        })
        .collect())
}

/// Each officer's examinations completed in `[start, end)`, most first.
async fn officers(
    pool: &AnyPool,
    codes: &Option<Vec<String>>,
    start: i64,
    end: i64,
) -> Result<Vec<OfficerWork>, sqlx::Error> {
    let sql = format!(
        "select o.id, o.name, o.badge, count(*) as completed, \
           sum(case when i.outcome in {FINDINGS} then 1 else 0 end) as findings \
         from inspections i join officers o on o.id = i.assigned_officer_id \
         where i.status = 'completed' and i.completed_at >= $1 and i.completed_at < $2{} \
         group by o.id, o.name, o.badge order by completed desc, o.name, o.id",
        in_scope("i.port_code", codes, 3)
    );
    bind_codes(sqlx::query(&sql).bind(start).bind(end), codes)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|row| {
            Ok(OfficerWork {
                officer_id: row.try_get("id")?,
                name: row.try_get("name")?,
                badge: row.try_get("badge")?,
                completed: row.try_get("completed")?,
                findings: row.try_get("findings")?,
            })
        })
        .collect()
}

/// A rate to three decimal places, as the page's table shows it.
fn three_places(rate: f64) -> f64 {
    (rate * 1000.0).round() / 1000.0
}
