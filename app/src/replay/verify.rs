//! The journal's consistency check (`border-ops verify`), for an operator after a restore, an
//! upgrade or a scare: the journal is numbered without gaps, and every shipment is what its
//! journal makes of it. Reads only.
//!
//! - **Numbering.** On SQLite an entry's number is taken in its transaction, and a rolled-back
//!   transaction gives its number back: a gap means entries were lost. On PostgreSQL numbers
//!   are drawn in commit order, and a rolled-back transaction leaves the number it drew unused
//!   (see migration `…000006_live`): gaps are counted, and are not a fault.
//! - **Shipments.** Each shipment's status and release are folded from its declaration through
//!   every entry of it, its holds and its examinations ([`fold::shipment_replayed`], the fold
//!   the board at a past moment uses) and compared with its row. Its version is not: it counts
//!   the row's writes, and the seeded history writes a shipment's row once for what its journal
//!   tells in several entries.

use super::db::{Of, entries_of};
use super::fold;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{AnyPool, Row};

/// Shipments read and folded at a time.
const PAGE: i64 = 500;
/// The differences and gaps named in a report; the rest are counted.
const NAMED: usize = 20;

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verification {
    pub entries: i64,
    /// The journal's first and last numbers.
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// Numbers missing below the last, and the first of them.
    pub missing: i64,
    pub missing_named: Vec<i64>,
    /// Whether missing numbers are a fault (SQLite) or expected (PostgreSQL).
    pub gaps_are_faults: bool,
    pub shipments: i64,
    /// Shipments whose row differs from their journal, and the first of them.
    pub differing: i64,
    pub differing_named: Vec<Difference>,
}

impl Verification {
    /// Whether the database passed.
    pub fn passed(&self) -> bool {
        self.differing == 0 && (self.missing == 0 || !self.gaps_are_faults)
    }
}

/// A shipment whose row says one thing and its journal another.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub shipment_id: i64,
    pub field: &'static str,
    pub row: String,
    pub journal: String,
}

/// Checks the database; `progress` hears how many shipments have been checked so far.
pub async fn verify(
    pool: &AnyPool,
    progress: &mut (dyn FnMut(i64) + Send),
) -> Result<Verification, AppError> {
    let mut found = Verification {
        gaps_are_faults: crate::db::is_sqlite(pool),
        ..Verification::default()
    };
    let row = sqlx::query("select count(*) as n, min(seq) as first, max(seq) as last from journal")
        .fetch_one(pool)
        .await?;
    found.entries = row.try_get("n")?;
    found.first = row.try_get("first")?;
    found.last = row.try_get("last")?;
    if let (Some(first), Some(last)) = (found.first, found.last) {
        // The numbers below the last that no entry has: from the first, every one is there
        // once, so the count tells how many are missing.
        found.missing = (last - first + 1) - found.entries;
        if found.missing > 0 {
            found.missing_named = sqlx::query_scalar(
                "select j.seq - 1 from journal j where j.seq > $1 \
                 and not exists (select 1 from journal p where p.seq = j.seq - 1) \
                 order by j.seq limit $2",
            )
            .bind(first)
            .bind(NAMED as i64)
            .fetch_all(pool)
            .await?;
        }
    }
    let end: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;
    let mut after = 0;
    loop {
        let page = crate::shipments::db::page_after(pool, after, PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.id;
        let mut entries = entries_of(pool, page.iter().map(|s| s.id), Of::All).await?;
        for shipment in &page {
            let mine = entries.remove(&shipment.id).unwrap_or_default();
            let replayed = fold::shipment_replayed(shipment, &mine, end);
            let mut differs = |field: &'static str, row: String, journal: String| {
                if row != journal {
                    found.differing += 1;
                    if found.differing_named.len() < NAMED {
                        found.differing_named.push(Difference {
                            shipment_id: shipment.id,
                            field,
                            row,
                            journal,
                        });
                    }
                    true
                } else {
                    false
                }
            };
            // One difference a shipment: the first field that differs.
            let _ = differs(
                "status",
                shipment.status.code().to_string(),
                replayed.status.code().to_string(),
            ) || differs(
                "released_at",
                instant(shipment.released_at),
                instant(replayed.released_at),
            );
        }
        found.shipments += page.len() as i64;
        progress(found.shipments);
    }
    Ok(found)
}

/// An instant as the report shows it: RFC 3339 to the second, or `none`.
fn instant(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(
        || "none".to_string(),
        |at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}
