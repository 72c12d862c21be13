//! One chunk of declarations, in one transaction, with a handful of multi-row statements:
//! what is stored already under its references (and whether each importer was seen before,
//! and which holds are in place), each declaration decided (`decide.rs`), then the writes:
//! new shipments, resends, scores and the rule versions that fired, the holds the lanes ask
//! for (through the holds area's batch write), the examinations within capacity
//! (`capacity.rs`), and one journal entry per change, so the board, the live stream and the
//! status rules see nothing special.

use super::{Submitter, hold_signature};
use crate::db::WriteTx;
use crate::domain::clock::to_millis;
use crate::error::AppError;
use crate::holds::db::{NewHoldRow, active, insert_many_holds, is_already_held};
use crate::journal::db::{NewEntry, record_many};
use crate::sql::{Bind, MAX_PARAMS, arguments, insert_many, placeholders_on};
use crate::targeting::capacity::allocate;
use crate::targeting::db::{
    Context, DECLARATION_COLUMNS, DECLARATION_COUNT, declaration_binds, declaration_from_row,
};
use crate::targeting::decide::{ExamRequest, Plan, Stored, changes, explanation, plan, refusals};
use crate::targeting::scoring::{self, History};
use crate::targeting::{Assessment, Declaration, Disposition, ItemResult};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{AnyConnection, AnyPool, Row, any::AnyRow};
use std::collections::{HashMap, HashSet};

/// Writes one chunk in a transaction of its own; one result per declaration, in order.
pub(super) async fn write(
    pool: &AnyPool,
    ctx: &Context,
    who: &Submitter,
    items: Vec<(usize, Option<u64>, Declaration)>,
    now: DateTime<Utc>,
) -> Result<Vec<ItemResult>, AppError> {
    let mut tx = WriteTx::begin(pool).await?;
    let results = write_in(&mut tx, ctx, who, items, now).await?;
    tx.commit().await?;
    Ok(results)
}

/// One declaration of the chunk, as decided and then as written.
struct Work {
    result: ItemResult,
    declaration: Declaration,
    assessment: Option<Assessment>,
    plan: Option<Plan>,
    /// What a changed resend replaces.
    stored: Option<Stored>,
}

impl Work {
    /// Refused, or sent again unchanged: nothing of it is written.
    fn unscored(result: ItemResult, declaration: Declaration) -> Self {
        Work {
            result,
            declaration,
            assessment: None,
            plan: None,
            stored: None,
        }
    }

    fn shipment_id(&self) -> i64 {
        self.result.shipment_id.expect("stored")
    }

    fn assessment(&self) -> &Assessment {
        self.assessment.as_ref().expect("scored")
    }

    /// The shipment's status once this chunk is written: held when a hold is placed.
    fn status<'a>(&self, otherwise: &'a str) -> &'a str {
        if self.plan.is_some() {
            "held"
        } else {
            otherwise
        }
    }
}

/// What the chunk writes as it goes: the journal entries, committed with everything else.
struct Journal<'a> {
    who: &'a Submitter,
    now: DateTime<Utc>,
    entries: Vec<Vec<Bind>>,
}

impl Journal<'_> {
    /// An entry about the goods of one shipment, signed by the account that sent them.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        entity: &str,
        entity_id: i64,
        shipment_id: i64,
        port: &str,
        action: &str,
        before: Option<Value>,
        after: Value,
        reason: &str,
    ) {
        let entry = NewEntry::goods(
            self.now,
            &self.who.actor,
            entity,
            entity_id,
            shipment_id,
            port,
            action,
            Value::Null,
            after,
        )
        .before(before)
        .reason(Some(reason));
        self.entries.push(entry.values());
    }
}

async fn write_in(
    conn: &mut AnyConnection,
    ctx: &Context,
    who: &Submitter,
    items: Vec<(usize, Option<u64>, Declaration)>,
    now: DateTime<Utc>,
) -> Result<Vec<ItemResult>, AppError> {
    let now_ms = to_millis(now);
    let mut stored = read_stored(conn, &items).await?;
    let importer_seen = importers_seen(conn, &items, &stored).await?;
    let held = active_holds(conn, &stored).await?;

    // Decide each declaration.
    let mut seen_in_chunk: HashSet<String> = HashSet::new();
    let mut work: Vec<Work> = Vec::with_capacity(items.len());
    for (index, line, d) in items {
        let mut result = ItemResult::refused(index, Some(d.reference.clone()), vec![]);
        result.line = line;
        let previous = stored.remove(&d.reference_key());
        result.errors = refusals(&d, previous.as_ref(), &who.ports);
        if !result.errors.is_empty() {
            work.push(Work::unscored(result, d));
            continue;
        }
        if let Some(p) = &previous
            && p.declaration == d
        {
            result.status = Disposition::Unchanged;
            result.shipment_id = Some(p.id);
            work.push(Work::unscored(result, d));
            continue;
        }
        let own = previous.as_ref().map_or(0, |p| p.id);
        let seen_before = importer_seen.contains(&(d.importer_name.clone(), own))
            || seen_in_chunk.contains(&d.importer_name);
        if previous.is_none() {
            seen_in_chunk.insert(d.importer_name.clone());
        }
        let a = scoring::assess(
            &d,
            History {
                importer_seen_before: seen_before,
                rights: &ctx.rights,
            },
            &ctx.rules,
            &ctx.ruleset,
            &ctx.settings,
        );
        let mut plan = plan(&d, &a, &ctx.settings);
        if let (Some(p), Some(pl)) = (&previous, plan)
            && held.contains(&(p.id, pl.reason.code().to_string()))
        {
            // Already held for this reason: the hold in place stands.
            plan = None;
        }
        result.status = if previous.is_some() {
            Disposition::Updated
        } else {
            Disposition::Accepted
        };
        result.score = Some(a.score);
        result.lane = Some(a.lane);
        result.referral = a.referral;
        result.random = a.random;
        work.push(Work {
            result,
            declaration: d,
            assessment: Some(a),
            plan,
            stored: previous,
        });
    }

    let mut journal = Journal {
        who,
        now,
        entries: Vec::with_capacity(work.len() * 2),
    };
    insert_new(conn, &mut work, &mut journal).await?;
    update_resent(conn, &mut work, &mut journal).await?;
    insert_scores(conn, &work, now_ms).await?;
    // Pre-load referrals, in the timeline as a targeting centre issues them.
    for w in work.iter().filter(|w| w.assessment.is_some()) {
        let a = w.assessment();
        if let Some(referral) = a.referral {
            let id = w.shipment_id();
            journal.push(
                "shipment",
                id,
                id,
                &w.declaration.port_code,
                "referral_issued",
                None,
                json!({ "referral": referral.code(), "score": a.score }),
                &explanation(a, &ctx.rules, &ctx.rights),
            );
        }
    }
    let requests = place_holds(conn, ctx, &mut work, &mut journal).await?;
    // Shipments declared again and now held: the held status is in their update above.
    let outcome = allocate(
        conn,
        ctx,
        &who.actor,
        requests,
        false,
        now,
        &mut journal.entries,
    )
    .await?;
    for (item, inspection) in outcome.opened {
        work[item].result.inspection_id = Some(inspection);
    }
    for (item, kind) in outcome.waiting {
        work[item].result.waiting_for = Some(kind);
    }
    record_many(conn, journal.entries).await?;
    Ok(work.into_iter().map(|w| w.result).collect())
}

/// What is stored already under the chunk's references: one indexed look-up per kind of
/// reference present.
async fn read_stored(
    conn: &mut AnyConnection,
    items: &[(usize, Option<u64>, Declaration)],
) -> Result<HashMap<String, Stored>, AppError> {
    let mut stored: HashMap<String, Stored> = HashMap::new();
    let mut by_kind: HashMap<&str, Vec<String>> = HashMap::new();
    for (_, _, d) in items {
        by_kind
            .entry(d.reference_kind.as_str())
            .or_default()
            .push(d.reference.clone());
    }
    for (kind, references) in by_kind {
        let sql = format!(
            "select id, status, version, {DECLARATION_COLUMNS} from shipments \
             where reference_kind = {} and reference in ({})",
            placeholders_on(conn, 1, 1),
            placeholders_on(conn, 2, references.len())
        );
        let args = arguments(
            std::iter::once(Bind::from(kind)).chain(references.into_iter().map(Bind::from)),
        )?;
        for row in sqlx::query_with(&sql, args).fetch_all(&mut *conn).await? {
            let declaration = declaration_from_row(&row)?;
            stored.insert(
                declaration.reference_key(),
                Stored {
                    id: row.try_get("id")?,
                    status: row.try_get("status")?,
                    version: row.try_get("version")?,
                    declaration,
                },
            );
        }
    }
    Ok(stored)
}

/// Which importers had a shipment before (other than the one declared again): one probe of
/// the importer index per distinct (importer, shipment) pair.
async fn importers_seen(
    conn: &mut AnyConnection,
    items: &[(usize, Option<u64>, Declaration)],
    stored: &HashMap<String, Stored>,
) -> Result<HashSet<(String, i64)>, AppError> {
    let mut pairs: Vec<(String, i64)> = items
        .iter()
        .map(|(_, _, d)| {
            let own = stored.get(&d.reference_key()).map_or(0, |e| e.id);
            (d.importer_name.clone(), own)
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    pairs.sort();
    let mut seen: HashSet<(String, i64)> = HashSet::new();
    for batch in pairs.chunks(MAX_PARAMS / 2) {
        let values: Vec<String> = (0..batch.len())
            .map(|i| {
                format!(
                    "({}, {})",
                    placeholders_on(conn, 2 * i + 1, 1),
                    placeholders_on(conn, 2 * i + 2, 1)
                )
            })
            .collect();
        let sql = format!(
            "with v (name, own) as (values {}) select name, own from v \
             where exists (select 1 from shipments s where s.importer_name = v.name and s.id <> v.own)",
            values.join(", ")
        );
        let args = arguments(
            batch
                .iter()
                .flat_map(|(name, own)| [Bind::from(name), Bind::from(*own)]),
        )?;
        for row in sqlx::query_with(&sql, args).fetch_all(&mut *conn).await? {
            seen.insert((row.try_get("name")?, row.try_get("own")?));
        }
    }
    Ok(seen)
}

/// Active holds of the shipments being declared again, by (shipment, reason).
async fn active_holds(
    conn: &mut AnyConnection,
    stored: &HashMap<String, Stored>,
) -> Result<HashSet<(i64, String)>, AppError> {
    let mut held: HashSet<(i64, String)> = HashSet::new();
    if stored.is_empty() {
        return Ok(held);
    }
    let sql = format!(
        "select shipment_id, reason from holds where shipment_id in ({}) and {}",
        placeholders_on(conn, 1, stored.len()),
        active("status")
    );
    let args = arguments(stored.values().map(|e| Bind::from(e.id)))?;
    for row in sqlx::query_with(&sql, args).fetch_all(&mut *conn).await? {
        held.insert((row.try_get("shipment_id")?, row.try_get("reason")?));
    }
    Ok(held)
}

/// New shipments, in one statement per thousand, each with its `declared` entry.
async fn insert_new(
    conn: &mut AnyConnection,
    work: &mut [Work],
    journal: &mut Journal<'_>,
) -> Result<(), AppError> {
    let now_ms = to_millis(journal.now);
    let fresh: Vec<usize> = (0..work.len())
        .filter(|&i| work[i].result.status == Disposition::Accepted)
        .collect();
    let rows: Vec<Vec<Bind>> = fresh
        .iter()
        .map(|&i| {
            let w = &work[i];
            let mut row = declaration_binds(&w.declaration);
            row.push(w.status("awaiting_arrival").into());
            row.push(now_ms.into());
            row
        })
        .collect();
    let columns: Vec<&str> = DECLARATION_COLUMNS
        .split(", ")
        .map(str::trim)
        .chain(["status", "created_at"])
        .collect();
    let inserted = insert_many(
        conn,
        "shipments",
        &columns,
        rows,
        Some("id, reference_kind, reference"),
    )
    .await?;
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(inserted.len());
    for row in &inserted {
        let kind: String = row.try_get("reference_kind")?;
        let reference: String = row.try_get("reference")?;
        ids.insert(format!("{kind}:{reference}"), row.try_get("id")?);
    }
    let why = crate::i18n::td_string!(
        crate::lang::current(),
        targeting.stored.received,
        source = journal.who.source.clone()
    )
    .to_string();
    for &i in &fresh {
        let w = &mut work[i];
        let id = *ids
            .get(&w.declaration.reference_key())
            .ok_or_else(|| AppError::Internal {
                reference: "ingest-ids".into(),
            })?;
        w.result.shipment_id = Some(id);
        let (a, d) = (w.assessment(), &w.declaration);
        journal.push(
            "shipment",
            id,
            id,
            &d.port_code,
            "declared",
            None,
            json!({
                "status": w.status("awaiting_arrival"),
                "reference": d.reference,
                "port": d.port_code,
                "declaration_kind": d.declaration_kind.code(),
                "score": a.score,
                "lane": a.lane.code(),
                "random": a.random,
                "version": 1,
            }),
            &why,
        );
    }
    Ok(())
}

/// Declarations sent again with changes: one update each (resends are the exception), each
/// with its `declaration_updated` entry naming what changed.
async fn update_resent(
    conn: &mut AnyConnection,
    work: &mut [Work],
    journal: &mut Journal<'_>,
) -> Result<(), AppError> {
    let assignments: Vec<String> = DECLARATION_COLUMNS
        .split(", ")
        .enumerate()
        .map(|(n, col)| format!("{} = ${}", col.trim(), n + 1))
        .collect();
    let sql = format!(
        "update shipments set {}, status = case when ${} = 1 then 'held' else status end, \
         version = version + 1 where id = ${}",
        assignments.join(", "),
        DECLARATION_COUNT + 1,
        DECLARATION_COUNT + 2
    );
    let why = crate::i18n::td_string!(
        crate::lang::current(),
        targeting.stored.resent,
        source = journal.who.source.clone()
    )
    .to_string();
    for w in work.iter_mut() {
        if w.result.status != Disposition::Updated {
            continue;
        }
        let old = w.stored.as_ref().expect("an update has its shipment");
        let d = &w.declaration;
        let mut args = declaration_binds(d);
        args.push(w.plan.is_some().into());
        args.push(old.id.into());
        sqlx::query_with(&sql, arguments(args)?)
            .execute(&mut *conn)
            .await?;
        w.result.shipment_id = Some(old.id);
        let (mut before, mut after) = changes(&old.declaration, d);
        let a = w.assessment();
        before.insert("status".into(), json!(old.status));
        before.insert("version".into(), json!(old.version));
        after.insert("status".into(), json!(w.status(&old.status)));
        after.insert("version".into(), json!(old.version + 1));
        after.insert("score".into(), json!(a.score));
        after.insert("lane".into(), json!(a.lane.code()));
        after.insert("random".into(), json!(a.random));
        journal.push(
            "shipment",
            old.id,
            old.id,
            &d.port_code,
            "declaration_updated",
            Some(Value::Object(before)),
            Value::Object(after),
            &why,
        );
    }
    Ok(())
}

/// The `id` of each row returned by `… returning id, shipment_id`, by its shipment.
fn ids_by_shipment(rows: &[AnyRow]) -> Result<HashMap<i64, i64>, sqlx::Error> {
    rows.iter()
        .map(|row| Ok((row.try_get("shipment_id")?, row.try_get("id")?)))
        .collect()
}

/// The scores, and the rule versions that fired.
async fn insert_scores(
    conn: &mut AnyConnection,
    work: &[Work],
    now_ms: i64,
) -> Result<(), AppError> {
    let scored: Vec<&Work> = work.iter().filter(|w| w.assessment.is_some()).collect();
    let rows: Vec<Vec<Bind>> = scored
        .iter()
        .map(|w| {
            let a = w.assessment();
            vec![
                w.shipment_id().into(),
                now_ms.into(),
                w.declaration.declaration_kind.code().into(),
                a.score.into(),
                a.lane.code().into(),
                a.referral.map(|r| r.code()).into(),
                a.random.into(),
                a.trusted_credit.into(),
                (&a.ruleset).into(),
            ]
        })
        .collect();
    let score_rows = insert_many(
        conn,
        "shipment_scores",
        &[
            "shipment_id",
            "scored_at",
            "declaration_kind",
            "score",
            "lane",
            "referral",
            "random_selected",
            "trusted_credit",
            "ruleset",
        ],
        rows,
        Some("id, shipment_id"),
    )
    .await?;
    let score_ids = ids_by_shipment(&score_rows)?;
    let mut hit_rows: Vec<Vec<Bind>> = vec![];
    for w in &scored {
        let shipment = w.shipment_id();
        let score_id = score_ids[&shipment];
        for h in &w.assessment().hits {
            hit_rows.push(vec![
                score_id.into(),
                h.rule_id.into(),
                h.version.into(),
                shipment.into(),
                now_ms.into(),
                h.weight.into(),
                h.rights_request.into(),
            ]);
        }
    }
    insert_many(
        conn,
        "score_hits",
        &[
            "score_id",
            "rule_id",
            "rule_version",
            "shipment_id",
            "scored_at",
            "weight",
            "rights_request_id",
        ],
        hit_rows,
        None,
    )
    .await?;
    Ok(())
}

/// Holds where the score says so, placed through the holds area's batch write and journaled
/// as a placed hold is, with the score; returns the examinations they ask for.
async fn place_holds(
    conn: &mut AnyConnection,
    ctx: &Context,
    work: &mut [Work],
    journal: &mut Journal<'_>,
) -> Result<Vec<ExamRequest>, AppError> {
    let held: Vec<usize> = (0..work.len())
        .filter(|&i| work[i].plan.is_some())
        .collect();
    let signature = hold_signature(&journal.who.actor);
    let notes: Vec<String> = held
        .iter()
        .map(|&i| explanation(work[i].assessment(), &ctx.rules, &ctx.rights))
        .collect();
    let new_holds: Vec<NewHoldRow> = held
        .iter()
        .zip(&notes)
        .map(|(&i, notes)| NewHoldRow {
            shipment_id: work[i].shipment_id(),
            port_code: work[i].declaration.port_code.clone(),
            reason: work[i].plan.expect("planned").reason,
            hs_code: work[i].declaration.hs_code.clone(),
            placed_at: journal.now,
            placed_by: signature.clone(),
            notes: notes.clone(),
        })
        .collect();
    let afters: Vec<Value> = new_holds.iter().map(NewHoldRow::after).collect();
    let ids = insert_many_holds(conn, new_holds).await.map_err(|e| {
        if is_already_held(&e) {
            // Another writer held one of these shipments for the same reason at the same
            // moment: nothing of this chunk was written.
            AppError::Conflict {
                message: crate::i18n::td_string!(
                    crate::lang::current(),
                    targeting.stored.held_concurrently
                )
                .to_string(),
            }
        } else {
            e.into()
        }
    })?;
    let mut requests = vec![];
    for (((&i, hold), mut after), notes) in held.iter().zip(ids).zip(afters).zip(&notes) {
        let w = &mut work[i];
        w.result.hold_id = Some(hold);
        let shipment = w.shipment_id();
        let plan = w.plan.expect("planned");
        let score = w.assessment().score;
        after["score"] = json!(score);
        journal.push(
            "hold",
            hold,
            shipment,
            &w.declaration.port_code,
            "placed",
            Some(Value::Null),
            after,
            notes,
        );
        if let Some((kind, priority)) = plan.exam {
            requests.push(ExamRequest {
                waiting_id: None,
                item: Some(i),
                shipment_id: shipment,
                hold_id: hold,
                port: w.declaration.port_code.clone(),
                kind,
                priority,
                score,
                since: to_millis(journal.now),
            });
        }
    }
    Ok(requests)
}
