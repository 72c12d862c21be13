//! Checkpoints of the board's workload, so that a replay reads the journal of at most the last
//! hour before its instant rather than the whole life of every record then on the board.
//!
//! A checkpoint, made on the hour, holds each hold active and each inspection open at that
//! instant, with the fields a replay folds as they were then (the rest are the records' own,
//! which never change). A replay at `at` takes the latest checkpoint before it (no more than
//! [`REACH`] before), and folds from the journal only the records of the shipments whose holds
//! or inspections have entries between the checkpoint and `at`; every other record on the
//! board at `at` is its row with the checkpoint's fields. The result is the same as folding
//! every record from its whole journal (the replay tests hold the two to it).
//!
//! Checkpoints are made from the journal by the same fold (`make`), by the running server a
//! few minutes after each hour ([`SETTLE`]) and for the last days it lacks (`fill`), and by
//! the seed. An entry of a hold or inspection written after a checkpoint but stamped at or
//! before it (a simulator resumed behind the wall clock) deletes the checkpoints it would
//! change, in its own transaction (a trigger on `journal`): a checkpoint is never used stale.

use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{HoldStatus, InspectionStatus, Priority};
use crate::error::AppError;
use crate::holds::HoldRow;
use crate::inspections::{InspectionRow, OfficerRef};
use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};
use std::collections::{HashMap, HashSet};

/// How often the board is checkpointed.
pub const EVERY: Duration = Duration::hours(1);

/// How long after its instant a checkpoint is made: entries are stamped when their change
/// begins and committed a moment later, so an hour is checkpointed once the writes stamped
/// within it have landed.
pub const SETTLE: Duration = Duration::minutes(5);

/// The furthest back a checkpoint is used from (beyond it, a replay folds every record): the
/// server makes one each hour, so only a database it has not run on for a while has gaps.
pub const REACH: Duration = Duration::hours(6);

/// How far back `fill` makes the checkpoints a database lacks.
pub const KEEP: Duration = Duration::days(14);

/// A hold's folded fields at a checkpoint: id, status, version, paused time, pause in force
/// (milliseconds) and agency. Kept as an array per hold to keep a checkpoint small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldState(
    pub i64,
    pub HoldStatus,
    pub i64,
    pub i64,
    pub Option<i64>,
    pub Option<String>,
);

/// An inspection's folded fields at a checkpoint: id, status, officer, priority, due time,
/// start (milliseconds) and version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionState(
    pub i64,
    pub InspectionStatus,
    pub Option<i64>,
    pub Priority,
    pub i64,
    pub Option<i64>,
    pub i64,
);

impl HoldState {
    pub fn of(h: &HoldRow) -> Self {
        Self(
            h.id,
            h.status,
            h.version,
            h.paused_ms,
            h.paused_since.map(to_millis),
            h.agency.clone(),
        )
    }

    /// `now`, the hold's row as it is, with the fields it had at the checkpoint (an active
    /// hold: not resolved).
    pub fn onto(&self, now: &HoldRow) -> HoldRow {
        HoldRow {
            status: self.1,
            version: self.2,
            paused_ms: self.3,
            paused_since: self.4.map(from_millis),
            agency: self.5.clone(),
            resolved_at: None,
            resolved_by: None,
            ..now.clone()
        }
    }
}

impl InspectionState {
    pub fn of(i: &InspectionRow) -> Self {
        Self(
            i.id,
            i.status,
            i.assigned_officer.as_ref().map(|o| o.id),
            i.priority,
            to_millis(i.due_at),
            i.started_at.map(to_millis),
            i.version,
        )
    }

    /// `now`, the inspection's row as it is, with the fields it had at the checkpoint (an
    /// open inspection: not completed); its officer from `officers`.
    pub fn onto(&self, now: &InspectionRow, officers: &HashMap<i64, OfficerRef>) -> InspectionRow {
        InspectionRow {
            status: self.1,
            assigned_officer: self.2.and_then(|id| officers.get(&id).cloned()),
            priority: self.3,
            due_at: from_millis(self.4),
            started_at: self.5.map(from_millis),
            completed_at: None,
            outcome: None,
            version: self.6,
            ..now.clone()
        }
    }
}

/// The board's workload at a checkpoint's instant, by record id.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub at: DateTime<Utc>,
    pub holds: HashMap<i64, HoldState>,
    pub inspections: HashMap<i64, InspectionState>,
}

/// The latest checkpoint at or before `at`, if one is within [`REACH`] of it.
pub async fn latest(pool: &AnyPool, at: DateTime<Utc>) -> Result<Option<Checkpoint>, AppError> {
    let Some(row) = sqlx::query(
        "select at, holds, inspections from replay_checkpoints \
         where at <= $1 and at >= $2 order by at desc limit 1",
    )
    .bind(to_millis(at))
    .bind(to_millis(at - REACH))
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let holds: Vec<HoldState> =
        serde_json::from_str(&row.try_get::<String, _>("holds")?).map_err(decode)?;
    let inspections: Vec<InspectionState> =
        serde_json::from_str(&row.try_get::<String, _>("inspections")?).map_err(decode)?;
    Ok(Some(Checkpoint {
        at: from_millis(row.try_get("at")?),
        holds: holds.into_iter().map(|h| (h.0, h)).collect(),
        inspections: inspections.into_iter().map(|i| (i.0, i)).collect(),
    }))
}

/// The shipments whose holds or inspections have journal entries in `(after, until]`.
pub async fn touched(
    pool: &AnyPool,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<HashSet<i64>, AppError> {
    // The condition is the partial index's (`journal_records_at`), word for word. SQLite's
    // planner would rather walk `journal_entity` (every hold's and inspection's entry, a
    // second at a million shipments) than the hour of this index, so it is named there.
    let select = if crate::db::is_sqlite(pool) {
        "select distinct shipment_id from journal indexed by journal_records_at"
    } else {
        "select distinct shipment_id from journal"
    };
    let ids: Vec<Option<i64>> = sqlx::query_scalar(&format!(
        "{select} where entity in ('hold', 'inspection') and at > $1 and at <= $2"
    ))
    .bind(to_millis(after))
    .bind(to_millis(until))
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().flatten().collect())
}

/// Whether a record of `shipment` is folded from the journal rather than taken from the
/// checkpoint: its shipment's records changed since, or the checkpoint does not hold it.
pub fn needs_fold(touched: &HashSet<i64>, shipment: i64, in_checkpoint: bool) -> bool {
    !in_checkpoint || touched.contains(&shipment)
}

/// Makes the checkpoint of `at` from the journal (folding every record), unless there is one.
pub async fn make(pool: &AnyPool, at: DateTime<Utc>) -> Result<(), AppError> {
    let (holds, inspections) = super::db::workload_folded(pool, at, None).await?;
    let holds: Vec<HoldState> = holds.iter().map(HoldState::of).collect();
    let inspections: Vec<InspectionState> = inspections.iter().map(InspectionState::of).collect();
    let encode = |e: serde_json::Error| AppError::from(sqlx::Error::Encode(Box::new(e)));
    sqlx::query(
        "insert into replay_checkpoints (at, holds, inspections) values ($1, $2, $3) \
         on conflict (at) do nothing",
    )
    .bind(to_millis(at))
    .bind(serde_json::to_string(&holds).map_err(encode)?)
    .bind(serde_json::to_string(&inspections).map_err(encode)?)
    .execute(pool)
    .await?;
    Ok(())
}

/// The hours of the last [`KEEP`] up to `now` less [`SETTLE`] (none before the journal's
/// first entry), latest first.
pub fn hours(now: DateTime<Utc>, first: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let last = (now - SETTLE).duration_trunc(EVERY).unwrap_or(now);
    let from = (now - KEEP).max(first);
    let mut all = vec![];
    let mut hour = last;
    while hour >= from {
        all.push(hour);
        hour -= EVERY;
    }
    all
}

/// Makes the checkpoints of the last [`KEEP`] that the database lacks, latest first; returns
/// how many it made.
pub async fn fill(pool: &AnyPool, now: DateTime<Utc>) -> Result<usize, AppError> {
    let Some(first) = super::db::first_instant(pool).await? else {
        return Ok(0);
    };
    let wanted = hours(now, first);
    let Some(oldest) = wanted.last() else {
        return Ok(0);
    };
    let have: HashSet<i64> =
        sqlx::query_scalar::<_, i64>("select at from replay_checkpoints where at >= $1")
            .bind(to_millis(*oldest))
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
    let mut made = 0;
    for hour in wanted {
        if !have.contains(&to_millis(hour)) {
            make(pool, hour).await?;
            made += 1;
        }
    }
    Ok(made)
}

/// Checkpoints older than [`KEEP`] and a day are dropped: a replay further back folds every
/// record, as it did before checkpoints.
pub async fn prune(pool: &AnyPool, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(sqlx::query("delete from replay_checkpoints where at < $1")
        .bind(to_millis(now - KEEP - Duration::days(1)))
        .execute(pool)
        .await?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_hours_checkpointed_are_whole_settled_and_within_the_days_kept() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 10, 3, 0).unwrap();
        let first = Utc.with_ymd_and_hms(2026, 11, 27, 22, 30, 0).unwrap();
        let hours = hours(now, first);
        // 10:00 has not settled at 10:03; 09:00 back to 23:00 the day before.
        assert_eq!(
            hours.first(),
            Some(&Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap())
        );
        assert_eq!(
            hours.last(),
            Some(&Utc.with_ymd_and_hms(2026, 11, 27, 23, 0, 0).unwrap())
        );
        assert_eq!(hours.len(), 11);
        // From 11:00 fourteen days before (10:03 then) to 09:00.
        let long_ago = now - Duration::days(40);
        assert_eq!(super::hours(now, long_ago).len(), 14 * 24 - 1);
        let settled = now + Duration::minutes(2);
        assert_eq!(
            super::hours(settled, first).first(),
            Some(&Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap())
        );
    }

    #[test]
    fn a_record_is_folded_when_its_shipment_changed_or_the_checkpoint_lacks_it() {
        let touched: HashSet<i64> = [7].into();
        assert!(needs_fold(&touched, 7, true));
        assert!(needs_fold(&touched, 8, false));
        assert!(!needs_fold(&touched, 8, true));
    }
}
