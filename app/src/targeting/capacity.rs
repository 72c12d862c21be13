//! Examinations within each port's capacity: an examination is opened only within the port's
//! capacity per hour and inspection type (`port_capacity`, counted over the last hour); the
//! rest wait in `referrals_waiting`, highest score first, with their hold placed, and are
//! released when a declaration arrives at that port, when capacity is changed, and on a tick
//! ([`release_waiting`]). Also what a port's capacity and queue look like, and changing it.
//! Examinations are opened through the inspections area's batch write.

use super::db::{Context, by_port_and_kind, context, port_codes};
use super::decide::{ExamRequest, PerPortAndKind, allot};
use super::{CapacityChange, CapacityLine};
use crate::auth::server::Caller;
use crate::db::WriteTx;
use crate::domain::clock::{from_millis, local_time_short, to_millis, zone};
use crate::domain::{Action, HoldStatus, InspectionKind, Priority, check_text};
use crate::error::AppError;
use crate::inspections::db::{NewInspectionRow, insert_many_inspections};
use crate::journal::db::{NewEntry, record, record_many};
use crate::sql::{Bind, arguments, insert_many, placeholders, placeholders_on};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::{HashMap, HashSet};

/// What [`allocate`] did with new referrals: (item, inspection id) opened, (item, type)
/// waiting; and how many waiting referrals it released.
#[derive(Default)]
pub struct Allocation {
    pub opened: Vec<(usize, i64)>,
    pub waiting: Vec<(usize, InspectionKind)>,
    pub released: usize,
}

/// The ports of these groups, each once.
fn ports_of(groups: &HashMap<(String, InspectionKind), Vec<ExamRequest>>) -> Vec<String> {
    groups
        .keys()
        .map(|(p, _)| p.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect()
}

/// Opens the examinations asked for, highest score first, within each port's capacity per
/// hour per inspection type, together with those already waiting at the same ports and types
/// (or, with `all_waiting`, every waiting referral); the rest wait. Journal entries go to
/// `journal`, written by the caller in the same transaction.
pub async fn allocate(
    conn: &mut AnyConnection,
    ctx: &Context,
    actor: &str,
    new: Vec<ExamRequest>,
    all_waiting: bool,
    now: DateTime<Utc>,
    journal: &mut Vec<Vec<Bind>>,
) -> Result<Allocation, AppError> {
    let now_ms = to_millis(now);
    let mut groups: HashMap<(String, InspectionKind), Vec<ExamRequest>> = HashMap::new();
    for r in new {
        groups.entry((r.port.clone(), r.kind)).or_default().push(r);
    }
    // Referrals already waiting at these ports (all of them, for a tick).
    let waiting_sql = "select w.id, w.shipment_id, w.hold_id, w.port_code, w.kind, \
        w.priority_rank, w.score, w.waiting_since, h.status as hold_status \
        from referrals_waiting w join holds h on h.id = w.hold_id where w.released_at is null";
    let rows = if all_waiting {
        sqlx::query(waiting_sql).fetch_all(&mut *conn).await?
    } else {
        let ports = ports_of(&groups);
        if ports.is_empty() {
            vec![]
        } else {
            let sql = format!(
                "{waiting_sql} and w.port_code in ({})",
                placeholders_on(conn, 1, ports.len())
            );
            let args = arguments(ports.into_iter().map(Bind::from))?;
            sqlx::query_with(&sql, args).fetch_all(&mut *conn).await?
        }
    };
    let mut withdrawn = vec![];
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let Some(kind) = InspectionKind::parse(&kind) else {
            continue;
        };
        let port: String = row.try_get("port_code")?;
        let hold_status: String = row.try_get("hold_status")?;
        let request = ExamRequest {
            waiting_id: Some(row.try_get("id")?),
            item: None,
            shipment_id: row.try_get("shipment_id")?,
            hold_id: row.try_get("hold_id")?,
            port: port.clone(),
            kind,
            priority: Priority::from_rank(row.try_get("priority_rank")?)
                .unwrap_or(Priority::Normal),
            score: row.try_get("score")?,
            since: row.try_get("waiting_since")?,
        };
        if HoldStatus::parse(&hold_status).is_some_and(HoldStatus::is_active) {
            groups.entry((port, kind)).or_default().push(request);
        } else {
            withdrawn.push(request);
        }
    }
    // A referral whose hold someone closed meanwhile no longer waits.
    for w in &withdrawn {
        sqlx::query("update referrals_waiting set released_at = $1 where id = $2")
            .bind(now_ms)
            .bind(w.waiting_id)
            .execute(&mut *conn)
            .await?;
        let entry = NewEntry::goods(
            now,
            actor,
            "hold",
            w.hold_id,
            w.shipment_id,
            &w.port,
            "referral_withdrawn",
            json!({ "waiting_for": w.kind.code() }),
            json!({ "waiting_for": null }),
        )
        .reason(Some(crate::i18n::td_string!(
            crate::lang::current(),
            targeting.stored.closed_before_slot
        )));
        journal.push(entry.values());
    }
    if groups.is_empty() {
        return Ok(Allocation::default());
    }
    // Examinations opened in the last hour, per port and type.
    let ports = ports_of(&groups);
    let sql = format!(
        "select port_code, kind, count(*) as n from inspections where port_code in ({}) \
         and created_at > ${} group by port_code, kind",
        placeholders(1, ports.len()),
        ports.len() + 1
    );
    let hour_ago = to_millis(now - Duration::hours(1));
    let args = arguments(ports.into_iter().map(Bind::from).chain([hour_ago.into()]))?;
    let used = by_port_and_kind(
        &sqlx::query_with(&sql, args).fetch_all(&mut *conn).await?,
        "n",
    )?;
    let (open, wait) = allot(groups, &ctx.capacity, &used);

    let new_inspections: Vec<NewInspectionRow> = open
        .iter()
        .map(|r| NewInspectionRow {
            hold_id: r.hold_id,
            port_code: r.port.clone(),
            kind: r.kind,
            priority: r.priority,
            follows: None,
            created_at: now,
        })
        .collect();
    let afters: Vec<Value> = new_inspections
        .iter()
        .map(NewInspectionRow::after)
        .collect();
    let ids = insert_many_inspections(conn, new_inspections).await?;
    let mut outcome = Allocation::default();
    for ((r, id), after) in open.iter().zip(ids).zip(afters) {
        let l = crate::lang::current();
        let reason = match r.waiting_id {
            None => {
                crate::i18n::td_string!(l, targeting.stored.referral, score = r.score).to_string()
            }
            Some(_) => crate::i18n::td_string!(
                l,
                targeting.stored.referral_waited,
                score = r.score,
                kind = r.kind.label(),
                since = local_time_short(from_millis(r.since), ctx.zone(&r.port))
            )
            .to_string(),
        };
        let entry = NewEntry::goods(
            now,
            actor,
            "inspection",
            id,
            r.shipment_id,
            &r.port,
            "opened",
            Value::Null,
            after,
        )
        .reason(Some(&reason));
        journal.push(entry.values());
        match (r.waiting_id, r.item) {
            (Some(waiting), _) => {
                sqlx::query(
                    "update referrals_waiting set released_at = $1, inspection_id = $2 where id = $3",
                )
                .bind(now_ms)
                .bind(id)
                .bind(waiting)
                .execute(&mut *conn)
                .await?;
                outcome.released += 1;
            }
            (None, Some(item)) => outcome.opened.push((item, id)),
            (None, None) => {}
        }
    }
    let new_waiting: Vec<&ExamRequest> = wait.iter().filter(|r| r.waiting_id.is_none()).collect();
    let rows: Vec<Vec<Bind>> = new_waiting
        .iter()
        .map(|r| {
            vec![
                r.shipment_id.into(),
                r.hold_id.into(),
                (&r.port).into(),
                r.kind.code().into(),
                r.priority.rank().into(),
                r.score.into(),
                r.since.into(),
            ]
        })
        .collect();
    insert_many(
        conn,
        "referrals_waiting",
        &[
            "shipment_id",
            "hold_id",
            "port_code",
            "kind",
            "priority_rank",
            "score",
            "waiting_since",
        ],
        rows,
        None,
    )
    .await?;
    for r in new_waiting {
        if let Some(item) = r.item {
            outcome.waiting.push((item, r.kind));
        }
    }
    Ok(outcome)
}

/// Releases waiting referrals into the queue wherever capacity has freed, highest score first;
/// returns how many were released. Run on a tick, and after capacity changes.
pub async fn release_waiting(
    pool: &AnyPool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let waiting: i64 =
        sqlx::query("select count(*) as n from referrals_waiting where released_at is null")
            .fetch_one(pool)
            .await?
            .try_get("n")?;
    if waiting == 0 {
        return Ok(0);
    }
    let ctx = context(pool).await?;
    let mut tx = WriteTx::begin(pool).await?;
    let mut journal = vec![];
    let outcome = allocate(&mut tx, &ctx, actor, vec![], true, now, &mut journal).await?;
    record_many(&mut tx, journal).await?;
    tx.commit().await?;
    Ok(outcome.released)
}

/// Capacity and waiting referrals, per port and inspection type: every limited pair, and
/// every pair with referrals waiting. `port` narrows it to one port.
pub async fn capacity_status(
    pool: &AnyPool,
    port: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<CapacityLine>, AppError> {
    let ctx = context(pool).await?;
    if let Some(p) = port
        && !ctx.ports.contains_key(p)
    {
        return Err(AppError::not_found(AppError::port_named(p)));
    }
    let waiting: PerPortAndKind = by_port_and_kind(
        &sqlx::query(
            "select port_code, kind, count(*) as n from referrals_waiting \
             where released_at is null group by port_code, kind",
        )
        .fetch_all(pool)
        .await?,
        "n",
    )?;
    let mut keys: Vec<(String, InspectionKind)> = ctx
        .capacity
        .keys()
        .chain(waiting.keys())
        .filter(|(p, _)| port.is_none_or(|only| only == p))
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    keys.sort();
    let hour_ago = to_millis(now - Duration::hours(1));
    let mut lines = vec![];
    for key in keys {
        let (port_code, kind) = key.clone();
        let recent: Vec<i64> = sqlx::query(
            "select created_at from inspections where port_code = $1 and kind = $2 \
             and created_at > $3 order by created_at",
        )
        .bind(&port_code)
        .bind(kind.code())
        .bind(hour_ago)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get("created_at"))
        .collect::<Result<_, _>>()?;
        let used = recent.len() as i64;
        let per_hour = ctx.capacity.get(&key).copied();
        let next_slot = match per_hour {
            None => Some(now),
            Some(0) => None,
            Some(cap) if used < cap => Some(now),
            // The slot frees an hour after the examination that used it was opened.
            Some(cap) => Some(from_millis(recent[(used - cap) as usize]) + Duration::hours(1)),
        };
        let n = waiting.get(&key).copied().unwrap_or(0);
        let tz = zone(ctx.zone(&port_code));
        let local = |at: DateTime<Utc>| at.with_timezone(&tz).format("%H:%M").to_string();
        let label = kind.label();
        let summary = match (n, per_hour, next_slot) {
            (0, None, _) => format!("{label}: not limited"),
            (0, Some(cap), _) => format!("{label}: {used} of {cap} opened in the last hour"),
            (n, _, None) => format!("{n} waiting for {label} capacity; no capacity set"),
            (n, _, Some(at)) => {
                format!("{n} waiting for {label} capacity, next slot {}", local(at))
            }
        };
        lines.push(CapacityLine {
            port_code,
            kind,
            per_hour,
            used_last_hour: used,
            waiting: n,
            next_slot,
            summary,
        });
    }
    Ok(lines)
}

/// Sets (or, with `None`, removes) a port's capacity for one inspection type, journaled, then
/// releases whatever the new capacity lets through.
pub async fn set_capacity(
    pool: &AnyPool,
    caller: &Caller,
    port: &str,
    change: &CapacityChange,
    now: DateTime<Utc>,
) -> Result<Vec<CapacityLine>, AppError> {
    caller.authorize(pool, Action::ManageRules, None).await?;
    let port = port.to_ascii_uppercase();
    if !port_codes(pool).await?.contains(&port) {
        return Err(AppError::not_found(AppError::port_named(&port)));
    }
    if let Some(n) = change.per_hour
        && !(0..=10_000).contains(&n)
    {
        return Err(AppError::invalid(
            "per_hour",
            crate::i18n::td_string!(crate::lang::current(), targeting.stored.per_hour),
        ));
    }
    let reason = check_text("reason", &change.reason, false)?;
    let mut tx = WriteTx::begin(pool).await?;
    let before: Option<i64> =
        sqlx::query("select per_hour from port_capacity where port_code = $1 and kind = $2")
            .bind(&port)
            .bind(change.kind.code())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("per_hour"))
            .transpose()?;
    sqlx::query("delete from port_capacity where port_code = $1 and kind = $2")
        .bind(&port)
        .bind(change.kind.code())
        .execute(&mut *tx)
        .await?;
    if let Some(n) = change.per_hour {
        sqlx::query(
            "insert into port_capacity (port_code, kind, per_hour, updated_at, updated_by) \
             values ($1, $2, $3, $4, $5)",
        )
        .bind(&port)
        .bind(change.kind.code())
        .bind(n)
        .bind(to_millis(now))
        .bind(&caller.account.username)
        .execute(&mut *tx)
        .await?;
    }
    record(
        &mut tx,
        NewEntry {
            at: now,
            actor: &caller.account.username,
            entity: "port",
            entity_id: port.clone(),
            shipment_id: None,
            port_code: Some(&port),
            action: "capacity_set",
            before: Some(json!({ "kind": change.kind.code(), "per_hour": before })),
            after: Some(json!({ "kind": change.kind.code(), "per_hour": change.per_hour })),
            reason: Some(&reason).filter(|r| !r.is_empty()).map(|r| r.as_str()),
        },
    )
    .await?;
    tx.commit().await?;
    release_waiting(pool, &caller.account.username, now).await?;
    capacity_status(pool, Some(&port), now).await
}
