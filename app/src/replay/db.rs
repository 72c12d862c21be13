//! The reads of a replay: the records that may have been on the board at the instant (bounded
//! by when each was made and resolved, which never change), the journal entries of their
//! shipments, and the ports' entries after the instant; each record is then folded back to
//! the instant (`fold.rs`).

use super::checkpoint::{self, Checkpoint};
use super::fold;
use crate::domain::InspectionStatus;
use crate::domain::clock::{from_millis, to_millis};
use crate::error::AppError;
use crate::holds::{HoldFilter, HoldRow, HoldSort};
use crate::inspections::{InspectionFilter, InspectionRow, OfficerRef};
use crate::journal::JournalEntry;
use crate::paging::{Page, StatusFilter};
use crate::ports::{Overview, PortDetail, PortSummary, Totals};
use crate::shipments::ShipmentDetail;
use chrono::{DateTime, Duration, Utc};
use sqlx::{AnyPool, Row};
use std::collections::{HashMap, HashSet};

/// How many shipments' entries one statement reads.
const CHUNK: usize = 500;

/// The instant of the journal's first entry: the board cannot be shown before it.
pub async fn first_instant(pool: &AnyPool) -> Result<Option<DateTime<Utc>>, AppError> {
    let first: Option<i64> = sqlx::query("select min(at) as first from journal")
        .fetch_one(pool)
        .await?
        .try_get("first")?;
    Ok(first.map(from_millis))
}

/// The instant `raw` names, checked (see [`super::parse_at`]).
pub async fn instant(pool: &AnyPool, raw: &str) -> Result<DateTime<Utc>, AppError> {
    super::parse_at(raw, Utc::now(), first_instant(pool).await?)
}

fn entry(row: &sqlx::any::AnyRow) -> Result<JournalEntry, sqlx::Error> {
    let json = |col: &str| -> Result<Option<serde_json::Value>, sqlx::Error> {
        let text: Option<String> = row.try_get(col)?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    };
    Ok(JournalEntry {
        seq: row.try_get("seq")?,
        at: from_millis(row.try_get("at")?),
        actor: row.try_get("actor")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        shipment_id: row.try_get("shipment_id")?,
        port_code: row.try_get("port_code")?,
        action: row.try_get("action")?,
        before: json("before_json")?,
        after: json("after_json")?,
        reason: row.try_get("reason")?,
    })
}

const ENTRY: &str = "select seq, at, actor, entity, entity_id, shipment_id, port_code, action, \
                     before_json, after_json, reason from journal";

/// The entries of each shipment in `({list})`, one row a shipment: a JSON array of
/// `[seq, at, entity, entity_id, action, after_json]`, the `after` as the text it is stored as.
/// Rows cross from the database one at a time, each at a cost, so a shipment's few entries
/// come as one; what the folds do not read (the `before`, who and why) stays behind.
fn folded_sql(sqlite: bool, list: &str) -> String {
    if sqlite {
        format!(
            "select shipment_id, json_group_array(json_array(seq, at, entity, entity_id, action, \
             after_json)) as entries from journal where shipment_id in ({list}) \
             group by shipment_id"
        )
    } else {
        format!(
            "select shipment_id, json_agg(json_build_array(seq, at, entity, entity_id, action, \
             after_json))::text as entries from journal where shipment_id in ({list}) \
             group by shipment_id"
        )
    }
}

/// One entry as [`folded_sql`] sends it.
type Folded = (i64, i64, String, String, String, Option<String>);

/// Which of a shipment's entries a fold reads.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Of {
    /// Its holds' and inspections' (holds and inspections folded back).
    Records,
    /// All of them (the shipment folded back too).
    All,
}

/// The journal entries of each of `shipments`, in journal order, without their `before`;
/// `of` says whose. Only the entries kept have their `after` read (see [`folded_sql`]).
pub(super) async fn entries_of(
    pool: &AnyPool,
    shipments: impl IntoIterator<Item = i64>,
    of: Of,
) -> Result<HashMap<i64, Vec<JournalEntry>>, AppError> {
    let mut ids: Vec<i64> = shipments.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut by_shipment: HashMap<i64, Vec<JournalEntry>> = HashMap::with_capacity(ids.len());
    let sqlite = crate::db::is_sqlite(pool);
    for chunk in ids.chunks(CHUNK) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        for row in sqlx::query(&folded_sql(sqlite, &list))
            .fetch_all(pool)
            .await?
        {
            let shipment_id: i64 = row.try_get("shipment_id")?;
            let text: String = row.try_get("entries")?;
            let mut folded: Vec<Folded> =
                serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            folded.sort_unstable_by_key(|e| e.0);
            let entries = by_shipment.entry(shipment_id).or_default();
            for (seq, at, entity, entity_id, action, after) in folded {
                if of == Of::Records && entity != "hold" && entity != "inspection" {
                    continue;
                }
                entries.push(JournalEntry {
                    seq,
                    at: from_millis(at),
                    actor: String::new(),
                    entity,
                    entity_id,
                    shipment_id: Some(shipment_id),
                    port_code: None,
                    action,
                    before: None,
                    after: after.and_then(|t| serde_json::from_str(&t).ok()),
                    reason: None,
                });
            }
        }
    }
    Ok(by_shipment)
}

async fn officers(pool: &AnyPool) -> Result<HashMap<i64, OfficerRef>, AppError> {
    let mut all = HashMap::new();
    for row in sqlx::query("select id, name, badge from officers")
        .fetch_all(pool)
        .await?
    {
        let id: i64 = row.try_get("id")?;
        all.insert(
            id,
            OfficerRef {
                id,
                name: row.try_get("name")?,
                badge: row.try_get("badge")?,
            },
        );
    }
    Ok(all)
}

/// The records `select` reads that may have been on the board at `at`, as they now are: made
/// by then (`{record}.{made}`, `record` the alias of their table), and when `current`, not
/// ended before it (`{record}.{ended}`; both never change once set), at `port` if one is named.
async fn candidates<T>(
    pool: &AnyPool,
    select: &str,
    (record, made, ended): (&str, &str, &str),
    at: DateTime<Utc>,
    port: Option<&str>,
    current: bool,
    row: fn(&sqlx::any::AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, AppError> {
    let r = record;
    let mut sql = format!("{select} where {r}.{made} <= $1");
    if current {
        sql.push_str(&format!(" and coalesce({r}.{ended}, $1 + 1) > $1"));
    }
    sql.push_str(&format!(" and {r}.port_code = coalesce($2, {r}.port_code)"));
    Ok(sqlx::query(&sql)
        .bind(to_millis(at))
        .bind(port)
        .fetch_all(pool)
        .await?
        .iter()
        .map(row)
        .collect::<Result<_, _>>()?)
}

/// The holds that may have been on the board at `at`, as they now are: placed by then and
/// not resolved before it (all placed by then when `active` is false), at `port` if one is
/// named.
async fn hold_rows(
    pool: &AnyPool,
    at: DateTime<Utc>,
    port: Option<&str>,
    active: bool,
) -> Result<Vec<HoldRow>, AppError> {
    candidates(
        pool,
        crate::holds::db::SELECT,
        ("h", "placed_at", "resolved_at"),
        at,
        port,
        active,
        crate::holds::db::row_to_hold,
    )
    .await
}

/// How a replay at an instant rebuilds each record: from the latest checkpoint before it
/// when nothing of its shipment's holds and inspections changed since (see `checkpoint.rs`),
/// else folded from its shipment's entries. Without a checkpoint, every record is folded.
struct Rebuild {
    at: DateTime<Utc>,
    checkpoint: Option<Checkpoint>,
    touched: HashSet<i64>,
}

impl Rebuild {
    async fn at(pool: &AnyPool, at: DateTime<Utc>) -> Result<Self, AppError> {
        let checkpoint = checkpoint::latest(pool, at).await?;
        let touched = match &checkpoint {
            Some(c) => checkpoint::touched(pool, c.at, at).await?,
            None => HashSet::new(),
        };
        Ok(Self {
            at,
            checkpoint,
            touched,
        })
    }

    /// Every record folded from the journal.
    fn folding_all(at: DateTime<Utc>) -> Self {
        Self {
            at,
            checkpoint: None,
            touched: HashSet::new(),
        }
    }

    fn folds_hold(&self, h: &HoldRow) -> bool {
        self.checkpoint.as_ref().is_none_or(|c| {
            checkpoint::needs_fold(&self.touched, h.shipment_id, c.holds.contains_key(&h.id))
        })
    }

    fn folds_inspection(&self, i: &InspectionRow) -> bool {
        self.checkpoint.as_ref().is_none_or(|c| {
            checkpoint::needs_fold(
                &self.touched,
                i.shipment_id,
                c.inspections.contains_key(&i.id),
            )
        })
    }

    /// The shipments whose entries the records of `holds` and `inspections` are folded from.
    fn shipments_folded(&self, holds: &[HoldRow], inspections: &[InspectionRow]) -> Vec<i64> {
        holds
            .iter()
            .filter(|h| self.folds_hold(h))
            .map(|h| h.shipment_id)
            .chain(
                inspections
                    .iter()
                    .filter(|i| self.folds_inspection(i))
                    .map(|i| i.shipment_id),
            )
            .collect()
    }

    /// `now`, the rows of [`hold_rows`], as they were at the instant.
    fn holds(
        &self,
        now: &[HoldRow],
        entries: &HashMap<i64, Vec<JournalEntry>>,
        active: bool,
    ) -> Vec<HoldRow> {
        now.iter()
            .filter_map(|h| match &self.checkpoint {
                Some(c) if !self.folds_hold(h) => c.holds.get(&h.id).map(|s| s.onto(h)),
                _ => {
                    let mine = entries.get(&h.shipment_id).map_or(&[][..], Vec::as_slice);
                    fold::hold_at(h, mine, self.at)
                }
            })
            .filter(|h| !active || h.status.is_active())
            .collect()
    }

    /// `now`, the rows of [`inspection_rows`], as they were at the instant.
    fn inspections(
        &self,
        now: &[InspectionRow],
        entries: &HashMap<i64, Vec<JournalEntry>>,
        officers: &HashMap<i64, OfficerRef>,
        open: bool,
    ) -> Vec<InspectionRow> {
        now.iter()
            .filter_map(|i| match &self.checkpoint {
                Some(c) if !self.folds_inspection(i) => {
                    c.inspections.get(&i.id).map(|s| s.onto(i, officers))
                }
                _ => {
                    let mine = entries.get(&i.shipment_id).map_or(&[][..], Vec::as_slice);
                    fold::inspection_at(i, mine, officers, self.at)
                }
            })
            .filter(|i| !open || i.status.is_open())
            .collect()
    }
}

/// The holds on the board at `at` (see [`hold_rows`]) as they were then. Only the active ones
/// are rebuilt from a checkpoint (it holds those alone).
async fn holds(
    pool: &AnyPool,
    at: DateTime<Utc>,
    port: Option<&str>,
    active: bool,
) -> Result<Vec<HoldRow>, AppError> {
    let (now, rebuild) = tokio::try_join!(hold_rows(pool, at, port, active), async {
        if active {
            Rebuild::at(pool, at).await
        } else {
            Ok(Rebuild::folding_all(at))
        }
    })?;
    let entries = entries_of(pool, rebuild.shipments_folded(&now, &[]), Of::Records).await?;
    Ok(rebuild.holds(&now, &entries, active))
}

/// The inspections that may have been on the board at `at`, as they now are: opened by then
/// and not closed before it (all opened by then when `open` is false), at `port` if one is
/// named.
async fn inspection_rows(
    pool: &AnyPool,
    at: DateTime<Utc>,
    port: Option<&str>,
    open: bool,
) -> Result<Vec<InspectionRow>, AppError> {
    candidates(
        pool,
        crate::inspections::db::SELECT,
        ("i", "created_at", "completed_at"),
        at,
        port,
        open,
        crate::inspections::db::row_to_inspection,
    )
    .await
}

/// The inspections on the board at `at` (see [`inspection_rows`]) as they were then. Only
/// the open ones are rebuilt from a checkpoint.
async fn inspections(
    pool: &AnyPool,
    at: DateTime<Utc>,
    port: Option<&str>,
    open: bool,
) -> Result<Vec<InspectionRow>, AppError> {
    let (now, officers, rebuild) = tokio::try_join!(
        inspection_rows(pool, at, port, open),
        officers(pool),
        async {
            if open {
                Rebuild::at(pool, at).await
            } else {
                Ok(Rebuild::folding_all(at))
            }
        }
    )?;
    let entries = entries_of(pool, rebuild.shipments_folded(&[], &now), Of::Records).await?;
    Ok(rebuild.inspections(&now, &entries, &officers, open))
}

/// The active holds and open inspections at `at` (at `port` if one is named), as they were
/// then, as `rebuild` rebuilds them: their shipments' entries read once for both.
async fn workload_by(
    pool: &AnyPool,
    at: DateTime<Utc>,
    port: Option<&str>,
    rebuild: impl Future<Output = Result<Rebuild, AppError>>,
) -> Result<(Vec<HoldRow>, Vec<InspectionRow>), AppError> {
    let (holds, inspections, officers, rebuild) = tokio::try_join!(
        hold_rows(pool, at, port, true),
        inspection_rows(pool, at, port, true),
        officers(pool),
        rebuild
    )?;
    let shipments = rebuild.shipments_folded(&holds, &inspections);
    let entries = entries_of(pool, shipments, Of::Records).await?;
    Ok((
        rebuild.holds(&holds, &entries, true),
        rebuild.inspections(&inspections, &entries, &officers, true),
    ))
}

/// The board's workload at `at`, from the latest checkpoint before it where there is one.
async fn workload(
    pool: &AnyPool,
    at: DateTime<Utc>,
    port: Option<&str>,
) -> Result<(Vec<HoldRow>, Vec<InspectionRow>), AppError> {
    workload_by(pool, at, port, Rebuild::at(pool, at)).await
}

/// The board's workload at `at`, every record folded from its shipment's whole journal: what
/// a checkpoint is made of, and what a replay from one must equal.
pub async fn workload_folded(
    pool: &AnyPool,
    at: DateTime<Utc>,
    port: Option<&str>,
) -> Result<(Vec<HoldRow>, Vec<InspectionRow>), AppError> {
    workload_by(pool, at, port, async { Ok(Rebuild::folding_all(at)) }).await
}

/// A page of `items`, as the live list pages them.
fn page_of<T>(items: Vec<T>, page: i64, per_page: i64) -> Page<T> {
    let total = items.len() as i64;
    let skip = ((page - 1).max(0) * per_page) as usize;
    Page {
        items: items
            .into_iter()
            .skip(skip)
            .take(per_page as usize)
            .collect(),
        total,
        page,
        per_page,
    }
}

/// The holds list as it was at `at`, filtered, sorted and paged as the live list.
pub async fn hold_list(
    pool: &AnyPool,
    filter: &HoldFilter,
    at: DateTime<Utc>,
) -> Result<Page<HoldRow>, AppError> {
    crate::paging::db::check_port(pool, filter.port.as_deref()).await?;
    let active = match filter.status {
        StatusFilter::Unfinished => true,
        StatusFilter::All => false,
        StatusFilter::One(s) => s.is_active(),
    };
    let mut rows: Vec<HoldRow> = holds(pool, at, filter.port.as_deref(), active)
        .await?
        .into_iter()
        .filter(|h| match filter.status {
            StatusFilter::One(s) => h.status == s,
            _ => true,
        })
        .filter(|h| filter.reason.is_none_or(|r| h.reason == r))
        .filter(|h| {
            filter
                .min_age_hours
                .is_none_or(|hours| h.placed_at <= at - Duration::hours(hours))
        })
        .collect();
    let ms = |t: DateTime<Utc>| to_millis(t);
    match filter.sort {
        HoldSort::DwellDesc => rows.sort_by_key(|h| (ms(h.placed_at) + h.paused_ms, h.id)),
        HoldSort::DwellAsc => {
            rows.sort_by_key(|h| std::cmp::Reverse((ms(h.placed_at) + h.paused_ms, h.id)))
        }
        HoldSort::Due => rows.sort_by_key(|h| (ms(h.due_at) + h.paused_ms, h.id)),
        HoldSort::Port => rows.sort_by(|a, b| {
            (&a.port_code, a.placed_at, a.id).cmp(&(&b.port_code, b.placed_at, b.id))
        }),
    }
    Ok(page_of(rows, filter.page, filter.per_page))
}

/// The inspection queue as it was at `at`, filtered, in the queue's order, and paged.
pub async fn inspection_list(
    pool: &AnyPool,
    filter: &InspectionFilter,
    at: DateTime<Utc>,
) -> Result<Page<InspectionRow>, AppError> {
    crate::paging::db::check_port(pool, filter.port.as_deref()).await?;
    let open = filter.overdue
        || match filter.status {
            StatusFilter::Unfinished => true,
            StatusFilter::All => false,
            StatusFilter::One(s) => s.is_open(),
        };
    let mut rows: Vec<InspectionRow> = inspections(pool, at, filter.port.as_deref(), open)
        .await?
        .into_iter()
        .filter(|i| match filter.status {
            StatusFilter::One(s) => i.status == s,
            _ => true,
        })
        .filter(|i| filter.kind.is_none_or(|k| i.kind == k))
        .filter(|i| filter.priority.is_none_or(|p| i.priority == p))
        .filter(|i| !filter.overdue || i.is_overdue(at))
        .collect();
    rows.sort_by_key(|i| (i.priority.rank(), i.due_at, i.id));
    Ok(page_of(rows, filter.page, filter.per_page))
}

/// The port entries that may carry a port's or a notice's earlier state in their `before`.
const PORT_ACTIONS: [&str; 7] = [
    "status_set",
    "lanes_set",
    "staffing_set",
    "notice_posted",
    "notice_edited",
    "notice_cleared",
    "notice_expired",
];

/// The port's entries after `at` that changed its tile, in journal order: every change of its
/// status, lanes, staffing or notices, and the first measurement of its waits.
async fn port_entries_after(
    pool: &AnyPool,
    code: &str,
    at: DateTime<Utc>,
) -> Result<Vec<JournalEntry>, AppError> {
    let mut found = vec![];
    for sql in [
        format!(
            "{ENTRY} where entity = 'port' and entity_id = $1 and {} \
             and at > $2 order by seq",
            crate::sql::status_in("action", PORT_ACTIONS)
        ),
        format!(
            "{ENTRY} where entity = 'port' and entity_id = $1 and action = 'waits_measured' \
             and at > $2 order by at, seq limit 1"
        ),
    ] {
        for row in sqlx::query(&sql)
            .bind(code)
            .bind(to_millis(at))
            .fetch_all(pool)
            .await?
        {
            found.push(entry(&row)?);
        }
    }
    found.sort_by_key(|e| e.seq);
    Ok(found)
}

/// The port's tile at `at`: its own fields and notices from the journal, its workload counted
/// from the holds and inspections as they were.
async fn tile_at(
    pool: &AnyPool,
    now: PortSummary,
    holds: &[HoldRow],
    inspections: &[InspectionRow],
    at: DateTime<Utc>,
) -> Result<PortSummary, AppError> {
    let after = port_entries_after(pool, &now.code, at).await?;
    let mut tile = fold::port_at(&now, &after);
    tile.notices = now
        .notices
        .iter()
        .map(|n| fold::notice_at(n, &after))
        .filter(|n| n.expires_at.is_none_or(|e| e > at))
        .collect();
    let holds = holds.iter().filter(|h| h.port_code == tile.code);
    let inspections: Vec<&InspectionRow> = inspections
        .iter()
        .filter(|i| i.port_code == tile.code)
        .collect();
    tile.active_holds = 0;
    tile.holds_overdue = 0;
    for h in holds {
        tile.active_holds += 1;
        if h.paused_since.is_none() && to_millis(h.due_at) + h.paused_ms < to_millis(at) {
            tile.holds_overdue += 1;
        }
    }
    tile.queued_inspections = inspections
        .iter()
        .filter(|i| i.status == InspectionStatus::Queued)
        .count() as i64;
    tile.open_inspections = inspections.len() as i64;
    tile.inspections_overdue = inspections.iter().filter(|i| i.due_at < at).count() as i64;
    Ok(tile)
}

/// The overview as it was at `at`.
pub async fn overview(pool: &AnyPool, at: DateTime<Utc>) -> Result<Overview, AppError> {
    let (now, (holds, inspections)) = tokio::try_join!(
        async { Ok::<_, AppError>(crate::ports::db::summaries(pool, at).await?) },
        workload(pool, at, None)
    )?;
    let mut ports = vec![];
    for port in now {
        ports.push(tile_at(pool, port, &holds, &inspections, at).await?);
    }
    Ok(Overview {
        as_of: at,
        totals: Totals::of(&ports),
        ports,
    })
}

/// One port as it was at `at`.
pub async fn port(pool: &AnyPool, code: &str, at: DateTime<Utc>) -> Result<PortDetail, AppError> {
    let (now, (holds, inspections)) = tokio::try_join!(
        crate::ports::db::summary(pool, code, at),
        workload(pool, at, Some(code))
    )?;
    let tile = tile_at(pool, now, &holds, &inspections, at).await?;
    crate::ports::db::figures(pool, tile, at).await
}

/// A shipment, its holds, inspections and timeline as they were at `at` (404 for one not yet
/// declared then).
pub async fn shipment(
    pool: &AnyPool,
    id: i64,
    at: DateTime<Utc>,
) -> Result<ShipmentDetail, AppError> {
    let now = crate::shipments::db::detail(pool, id).await?;
    let created: i64 = sqlx::query("select created_at from shipments where id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?
        .try_get("created_at")?;
    let entries = entries_of(pool, [id], Of::All)
        .await?
        .remove(&id)
        .unwrap_or_default();
    let not_yet = || {
        AppError::not_found(
            crate::i18n::td_string!(crate::lang::current(), holds.shipment_number, id = id)
                .to_string(),
        )
    };
    let shipment =
        fold::shipment_at(&now.shipment, from_millis(created), &entries, at).ok_or_else(not_yet)?;
    let officers = officers(pool).await?;
    Ok(ShipmentDetail {
        shipment,
        holds: now
            .holds
            .iter()
            .filter_map(|h| fold::hold_at(h, &entries, at))
            .collect(),
        inspections: now
            .inspections
            .iter()
            .filter_map(|i| fold::inspection_at(i, &entries, &officers, at))
            .collect(),
        timeline: now.timeline.into_iter().filter(|e| e.at <= at).collect(),
    })
}
