//! Targeting on the server: ingesting declarations (scored, stored, held and referred in
//! large transactions), releasing referrals as examination capacity frees, keeping rules with
//! their versions, and measuring what rules find.
//!
//! The write path is batched: a chunk of declarations is read, scored and written with a
//! handful of multi-row statements in one transaction (the shipments, their scores and the
//! rule versions that fired, the holds and inspections the lanes ask for, and one journal
//! entry per change), so that a manifest of 100,000 rows takes seconds. Holds and
//! inspections are written as `actions::db` writes them (same columns, service levels, due
//! times and journal entries), so the board, the live stream and the status rules see
//! nothing special.

use super::scoring::{self, History};
use super::{
    Assessment, BreakdownLine, CapacityChange, CapacityLine, Declaration, DeclarationKind,
    Disposition, FieldError, Indicator, IngestReport, ItemResult, Lane, Rule, RuleDraft, RuleKind,
    RuleStats, ScoreBreakdown, SelectionStats, Settings, StatsReport, TrialDay, TrialPort,
    TrialReport,
};
use crate::auth::server::Caller;
use crate::domain::clock::{from_millis, to_millis};
use crate::domain::{HoldReason, InspectionKind, PortScope, Priority, Referral};
use crate::error::AppError;
use crate::holds::db::{NewHoldRow, insert_many_holds, is_already_held};
use crate::inspections::db::{NewInspectionRow, insert_many_inspections};
use crate::journal::db::record_many;
use crate::sql::{Bind, MAX_PARAMS, insert_many, placeholders, placeholders_on};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sqlx::{AnyConnection, AnyPool, Row, any::AnyArguments, any::AnyRow};
use std::collections::{HashMap, HashSet};

/// Declarations written per transaction: large enough that the fixed cost of a transaction
/// and of each statement is spread thin, small enough that other writers wait well under a
/// second for their turn.
pub const CHUNK: usize = 2_000;

fn int(v: i64) -> Bind {
    v.into()
}
fn text(v: impl Into<String>) -> Bind {
    Bind::Text(Some(v.into()))
}

/// The `id` of each row returned by `… returning id, shipment_id`, by its shipment.
fn ids_by_shipment(rows: &[AnyRow]) -> Result<HashMap<i64, i64>, sqlx::Error> {
    rows.iter()
        .map(|row| Ok((row.try_get("shipment_id")?, row.try_get("id")?)))
        .collect()
}

/// How a hold placed on a score is signed: "Targeting (sim.carriers)" for the declarations
/// `actor` sent.
pub fn hold_signature(actor: &str) -> String {
    format!("Targeting ({actor})")
}

/// Who sends declarations: the account (for the journal and the ports it may declare at)
/// and where they came from (for the journal's "why").
#[derive(Debug, Clone)]
pub struct Submitter {
    pub actor: String,
    pub ports: PortScope,
    /// "the API", "manifest shipments.csv".
    pub source: String,
}

impl Submitter {
    pub fn of(caller: &Caller, source: impl Into<String>) -> Self {
        Submitter {
            actor: caller.account.username.clone(),
            ports: caller.account.ports.clone(),
            source: source.into(),
        }
    }
}

/// What scoring needs from the database, read once per ingestion.
#[derive(Debug, Clone)]
pub struct Context {
    pub rules: Vec<Rule>,
    pub ruleset: String,
    pub settings: Settings,
    /// Port code → time zone.
    pub ports: HashMap<String, String>,
    /// (port, inspection type) → examinations per hour.
    pub capacity: HashMap<(String, InspectionKind), i64>,
}

pub async fn context(pool: &AnyPool) -> Result<Context, AppError> {
    let rules: Vec<Rule> = current_rules(pool)
        .await?
        .into_iter()
        .filter(|r| r.enabled)
        .collect();
    let ruleset = scoring::ruleset_fingerprint(&rules);
    let ports = sqlx::query("select code, time_zone from ports")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("time_zone")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Context {
        rules,
        ruleset,
        settings: settings(pool).await?,
        ports,
        capacity: capacities(pool).await?,
    })
}

pub async fn settings(pool: &AnyPool) -> Result<Settings, AppError> {
    let row = sqlx::query(
        "select random_rate_bp, yellow_at, red_at, rfi_at, rfs_at, dnl_at, trusted_credit \
         from targeting_settings where id = 1",
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(Settings::default());
    };
    let rate: i64 = row.try_get("random_rate_bp")?;
    Ok(Settings {
        random_rate_bp: rate.clamp(0, 10_000) as u32,
        yellow_at: row.try_get("yellow_at")?,
        red_at: row.try_get("red_at")?,
        rfi_at: row.try_get("rfi_at")?,
        rfs_at: row.try_get("rfs_at")?,
        dnl_at: row.try_get("dnl_at")?,
        trusted_credit: row.try_get("trusted_credit")?,
    })
}

async fn capacities(pool: &AnyPool) -> Result<HashMap<(String, InspectionKind), i64>, AppError> {
    let mut out = HashMap::new();
    for row in sqlx::query("select port_code, kind, per_hour from port_capacity")
        .fetch_all(pool)
        .await?
    {
        let kind: String = row.try_get("kind")?;
        if let Some(kind) = InspectionKind::parse(&kind) {
            out.insert((row.try_get("port_code")?, kind), row.try_get("per_hour")?);
        }
    }
    Ok(out)
}

/// A declaration to ingest, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub index: usize,
    pub line: Option<u64>,
    pub declaration: Result<Declaration, (Option<String>, Vec<FieldError>)>,
}

/// Scores and stores declarations, `CHUNK` per transaction; `progress` hears how many have
/// been handled so far. Returns one result per candidate, in the order given.
pub async fn ingest(
    pool: &AnyPool,
    who: &Submitter,
    candidates: Vec<Candidate>,
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<IngestReport, AppError> {
    let ctx = context(pool).await?;
    let mut report = IngestReport {
        received: candidates.len(),
        ..Default::default()
    };
    let mut results: Vec<ItemResult> = Vec::with_capacity(candidates.len());
    let mut chunk: Vec<(usize, Option<u64>, Declaration)> = Vec::with_capacity(CHUNK);
    let mut keys: HashSet<String> = HashSet::new();
    let mut done = 0;
    for candidate in candidates {
        match candidate.declaration {
            Err((reference, errors)) => {
                let mut item = ItemResult::refused(candidate.index, reference, errors);
                item.line = candidate.line;
                results.push(item);
                done += 1;
            }
            Ok(d) => {
                // A reference sent twice in one batch: the second is a resend of the first,
                // so it goes to the next transaction, which sees the first.
                let key = d.reference_key();
                if chunk.len() >= CHUNK || keys.contains(&key) {
                    done += chunk.len();
                    results.extend(
                        write_chunk(pool, &ctx, who, std::mem::take(&mut chunk), now).await?,
                    );
                    keys.clear();
                    progress(done);
                }
                keys.insert(key);
                chunk.push((candidate.index, candidate.line, d));
            }
        }
    }
    if !chunk.is_empty() {
        done += chunk.len();
        results.extend(write_chunk(pool, &ctx, who, chunk, now).await?);
    }
    progress(done);
    results.sort_by_key(|r| r.index);
    for item in &results {
        report.count(item);
    }
    report.results = results;
    Ok(report)
}

/// A shipment already stored under a reference of the chunk.
struct Existing {
    id: i64,
    status: String,
    version: i64,
    declaration: Declaration,
}

const DECLARATION_COLUMNS: &str = "mode, declaration_kind, reference_kind, reference, \
    house_waybill, carrier, voyage, origin_country, origin_location, transit_country, \
    transit_location, routing, port_code, shipper_name, shipper_address, consignee_name, \
    consignee_address, importer_name, trusted_trader, hs_code, description, pieces, weight_kg, \
    declared_value_cents, currency, eta_at";
const DECLARATION_COUNT: usize = 26;

fn declaration_binds(d: &Declaration) -> Vec<Bind> {
    vec![
        text(d.mode.code()),
        text(d.declaration_kind.code()),
        text(&d.reference_kind),
        text(&d.reference),
        Bind::Text(d.house_waybill.clone()),
        text(&d.carrier),
        text(&d.voyage),
        text(&d.origin_country),
        text(&d.origin_location),
        Bind::Text(d.transit_country.clone()),
        Bind::Text(d.transit_location.clone()),
        Bind::Text(d.routing.clone()),
        text(&d.port_code),
        text(&d.shipper_name),
        text(&d.shipper_address),
        text(&d.consignee_name),
        text(&d.consignee_address),
        text(&d.importer_name),
        Bind::Text(d.trusted_trader.clone()),
        text(&d.hs_code),
        text(&d.description),
        int(d.pieces),
        Bind::Real(d.weight_kg),
        int(d.declared_value_cents),
        text(&d.currency),
        int(to_millis(d.eta)),
    ]
}

fn declaration_from_row(row: &AnyRow) -> Result<Declaration, sqlx::Error> {
    let decode = |col: &str, v: &str| crate::sql::decode_error(col, v);
    let mode: String = row.try_get("mode")?;
    let kind: String = row.try_get("declaration_kind")?;
    Ok(Declaration {
        mode: crate::domain::Mode::parse(&mode).ok_or_else(|| decode("mode", &mode))?,
        declaration_kind: DeclarationKind::parse(&kind)
            .ok_or_else(|| decode("declaration_kind", &kind))?,
        reference_kind: row.try_get("reference_kind")?,
        reference: row.try_get("reference")?,
        house_waybill: row.try_get("house_waybill")?,
        carrier: row.try_get("carrier")?,
        voyage: row.try_get("voyage")?,
        origin_country: row.try_get("origin_country")?,
        origin_location: row.try_get("origin_location")?,
        transit_country: row.try_get("transit_country")?,
        transit_location: row.try_get("transit_location")?,
        routing: row.try_get("routing")?,
        port_code: row.try_get("port_code")?,
        shipper_name: row.try_get("shipper_name")?,
        shipper_address: row.try_get("shipper_address")?,
        consignee_name: row.try_get("consignee_name")?,
        consignee_address: row.try_get("consignee_address")?,
        importer_name: row.try_get("importer_name")?,
        trusted_trader: row.try_get("trusted_trader")?,
        hs_code: row.try_get("hs_code")?,
        description: row.try_get("description")?,
        pieces: row.try_get("pieces")?,
        weight_kg: row.try_get("weight_kg")?,
        declared_value_cents: row.try_get("declared_value_cents")?,
        currency: row.try_get("currency")?,
        eta: from_millis(row.try_get("eta_at")?),
    })
}

/// What a score asks for: a hold (and the examination, if any, that goes with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    reason: HoldReason,
    exam: Option<(InspectionKind, Priority)>,
}

fn plan(d: &Declaration, a: &Assessment, settings: &Settings) -> Option<Plan> {
    match d.declaration_kind {
        DeclarationKind::PreLoad => (a.referral == Some(Referral::DoNotLoad)).then_some(Plan {
            reason: HoldReason::DoNotLoad,
            exam: None,
        }),
        DeclarationKind::Full => match (a.lane, a.random) {
            (Lane::Red, _) => Some(Plan {
                reason: HoldReason::RiskTarget,
                exam: Some((
                    a.exam,
                    if a.score >= settings.dnl_at {
                        Priority::Urgent
                    } else {
                        Priority::High
                    },
                )),
            }),
            (_, true) => Some(Plan {
                reason: HoldReason::Random,
                exam: Some((a.exam, Priority::Routine)),
            }),
            (Lane::Yellow, false) => Some(Plan {
                reason: HoldReason::Documentation,
                exam: Some((InspectionKind::DocumentReview, Priority::Normal)),
            }),
            (Lane::Green, false) => None,
        },
    }
}

/// "score 72 (red): Origin on the synthetic-opioid source list; First-time importer"
fn explanation(a: &Assessment, rules: &[Rule]) -> String {
    let reasons: Vec<&str> = a
        .hits
        .iter()
        .filter_map(|h| rules.iter().find(|r| r.id == h.rule_id))
        .map(|r| r.name.as_str())
        .collect();
    let mut text = format!("score {} ({})", a.score, a.lane.code());
    if a.random {
        text.push_str(", selected at random");
    }
    if !reasons.is_empty() {
        text.push_str(": ");
        text.push_str(&reasons.join("; "));
    }
    text
}

/// A journal entry as the values of one row of [`INSERT_COLUMNS`].
#[allow(clippy::too_many_arguments)]
fn entry(
    now: DateTime<Utc>,
    actor: &str,
    entity: &str,
    entity_id: i64,
    shipment_id: i64,
    port: &str,
    action: &str,
    before: Option<Value>,
    after: Value,
    reason: Option<String>,
) -> Vec<Bind> {
    vec![
        int(to_millis(now)),
        text(actor),
        text(entity),
        text(entity_id.to_string()),
        int(shipment_id),
        text(port),
        text(action),
        Bind::Text(before.map(|v| v.to_string())),
        Bind::Text(Some(after.to_string())),
        Bind::Text(reason),
    ]
}

/// An examination asked for, to open now or to wait for capacity.
#[derive(Debug, Clone)]
struct ExamRequest {
    /// `Some` for a referral already waiting.
    waiting_id: Option<i64>,
    /// Position of the declaration in the chunk, for a new referral.
    item: Option<usize>,
    shipment_id: i64,
    hold_id: i64,
    port: String,
    kind: InspectionKind,
    priority: Priority,
    score: i64,
    since: i64,
}

async fn write_chunk(
    pool: &AnyPool,
    ctx: &Context,
    who: &Submitter,
    items: Vec<(usize, Option<u64>, Declaration)>,
    now: DateTime<Utc>,
) -> Result<Vec<ItemResult>, AppError> {
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let results = write_chunk_in(&mut tx, ctx, who, items, now).await?;
    tx.commit().await?;
    Ok(results)
}

async fn write_chunk_in(
    conn: &mut AnyConnection,
    ctx: &Context,
    who: &Submitter,
    items: Vec<(usize, Option<u64>, Declaration)>,
    now: DateTime<Utc>,
) -> Result<Vec<ItemResult>, AppError> {
    let now_ms = to_millis(now);
    // What is stored already under these references: one indexed look-up per kind of
    // reference present.
    let mut existing: HashMap<String, Existing> = HashMap::new();
    let mut by_kind: HashMap<&str, Vec<String>> = HashMap::new();
    for (_, _, d) in &items {
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
        let mut q = sqlx::query(&sql).bind(kind.to_string());
        for r in references {
            q = q.bind(r);
        }
        for row in q.fetch_all(&mut *conn).await? {
            let declaration = declaration_from_row(&row)?;
            existing.insert(
                declaration.reference_key(),
                Existing {
                    id: row.try_get("id")?,
                    status: row.try_get("status")?,
                    version: row.try_get("version")?,
                    declaration,
                },
            );
        }
    }
    // Which importers had a shipment before (other than the one declared again): one probe
    // of the importer index per distinct (importer, shipment) pair.
    let mut pairs: Vec<(String, i64)> = items
        .iter()
        .map(|(_, _, d)| {
            let own = existing.get(&d.reference_key()).map_or(0, |e| e.id);
            (d.importer_name.clone(), own)
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    pairs.sort();
    let mut importer_seen: HashSet<(String, i64)> = HashSet::new();
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
        let mut q = sqlx::query(&sql);
        for (name, own) in batch {
            q = q.bind(name.clone()).bind(*own);
        }
        for row in q.fetch_all(&mut *conn).await? {
            importer_seen.insert((row.try_get("name")?, row.try_get("own")?));
        }
    }
    // Active holds of the shipments being declared again, by reason.
    let mut active_holds: HashSet<(i64, String)> = HashSet::new();
    let existing_ids: Vec<i64> = existing.values().map(|e| e.id).collect();
    if !existing_ids.is_empty() {
        let sql = format!(
            "select shipment_id, reason from holds where shipment_id in ({}) \
             and status in ('placed', 'examination', 'seizure_requested')",
            placeholders_on(conn, 1, existing_ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in &existing_ids {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *conn).await? {
            active_holds.insert((row.try_get("shipment_id")?, row.try_get("reason")?));
        }
    }

    // Decide each declaration.
    struct Work {
        result: ItemResult,
        declaration: Declaration,
        assessment: Option<Assessment>,
        plan: Option<Plan>,
        existing: Option<(i64, i64, String, Declaration)>,
    }
    let mut seen_in_chunk: HashSet<String> = HashSet::new();
    let mut work: Vec<Work> = Vec::with_capacity(items.len());
    for (index, line, d) in items {
        let mut result = ItemResult::refused(index, Some(d.reference.clone()), vec![]);
        result.line = line;
        let previous = existing.remove(&d.reference_key());
        let refuse = |result: &mut ItemResult, field: &str, reason: String| {
            result.errors.push(FieldError {
                field: field.into(),
                reason,
            });
        };
        if !who.ports.covers(&d.port_code) {
            refuse(
                &mut result,
                "port_code",
                format!(
                    "this account may not declare goods at {}; it acts on {}",
                    d.port_code, who.ports
                ),
            );
        }
        if let Some(p) = &previous {
            if !who.ports.covers(&p.declaration.port_code) {
                refuse(
                    &mut result,
                    "port_code",
                    format!(
                        "this shipment is declared at {}, where this account may not act",
                        p.declaration.port_code
                    ),
                );
            } else if !matches!(p.status.as_str(), "awaiting_arrival" | "arrived" | "held") {
                refuse(
                    &mut result,
                    "reference",
                    format!(
                        "shipment {} is {}; its declaration can no longer change",
                        d.reference,
                        p.status.replace('_', " ")
                    ),
                );
            }
        }
        if !result.errors.is_empty() {
            work.push(Work {
                result,
                declaration: d,
                assessment: None,
                plan: None,
                existing: None,
            });
            continue;
        }
        if let Some(p) = &previous
            && p.declaration == d
        {
            result.status = Disposition::Unchanged;
            result.shipment_id = Some(p.id);
            work.push(Work {
                result,
                declaration: d,
                assessment: None,
                plan: None,
                existing: None,
            });
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
            },
            &ctx.rules,
            &ctx.ruleset,
            &ctx.settings,
        );
        let mut plan = plan(&d, &a, &ctx.settings);
        if let (Some(p), Some(pl)) = (&previous, plan)
            && active_holds.contains(&(p.id, pl.reason.code().to_string()))
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
            existing: previous.map(|p| (p.id, p.version, p.status, p.declaration)),
        });
    }

    // New shipments, in one statement per thousand.
    let fresh: Vec<usize> = (0..work.len())
        .filter(|&i| work[i].result.status == Disposition::Accepted)
        .collect();
    let rows: Vec<Vec<Bind>> = fresh
        .iter()
        .map(|&i| {
            let w = &work[i];
            let mut row = declaration_binds(&w.declaration);
            row.push(text(if w.plan.is_some() {
                "held"
            } else {
                "awaiting_arrival"
            }));
            row.push(int(now_ms));
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
    let mut journal: Vec<Vec<Bind>> = Vec::with_capacity(work.len() * 2);
    for &i in &fresh {
        let w = &mut work[i];
        let id = *ids
            .get(&w.declaration.reference_key())
            .ok_or_else(|| AppError::Internal {
                reference: "ingest-ids".into(),
            })?;
        w.result.shipment_id = Some(id);
        let a = w.assessment.as_ref().expect("scored");
        let d = &w.declaration;
        journal.push(entry(
            now,
            &who.actor,
            "shipment",
            id,
            id,
            &d.port_code,
            "declared",
            None,
            json!({
                "status": if w.plan.is_some() { "held" } else { "awaiting_arrival" },
                "reference": d.reference,
                "port": d.port_code,
                "declaration_kind": d.declaration_kind.code(),
                "score": a.score,
                "lane": a.lane.code(),
                "random": a.random,
                "version": 1,
            }),
            Some(format!("declaration received through {}", who.source)),
        ));
    }
    // Declarations sent again with changes: one update each (resends are the exception).
    for w in work.iter_mut() {
        if w.result.status != Disposition::Updated {
            continue;
        }
        let (id, version, status, old) = w.existing.clone().expect("an update has its shipment");
        let d = &w.declaration;
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
        let mut args = AnyArguments::default();
        for value in declaration_binds(d) {
            value.add_to(&mut args)?;
        }
        int(i64::from(w.plan.is_some())).add_to(&mut args)?;
        int(id).add_to(&mut args)?;
        sqlx::query_with(&sql, args).execute(&mut *conn).await?;
        w.result.shipment_id = Some(id);
        let (before, after) = changes(&old, d);
        let a = w.assessment.as_ref().expect("scored");
        let mut before = before;
        let mut after = after;
        before.insert("status".into(), json!(status));
        before.insert("version".into(), json!(version));
        after.insert(
            "status".into(),
            json!(if w.plan.is_some() {
                "held"
            } else {
                status.as_str()
            }),
        );
        after.insert("version".into(), json!(version + 1));
        after.insert("score".into(), json!(a.score));
        after.insert("lane".into(), json!(a.lane.code()));
        after.insert("random".into(), json!(a.random));
        journal.push(entry(
            now,
            &who.actor,
            "shipment",
            id,
            id,
            &d.port_code,
            "declaration_updated",
            Some(Value::Object(before)),
            Value::Object(after),
            Some(format!("declaration sent again through {}", who.source)),
        ));
    }

    // The scores, and the rule versions that fired.
    let scored: Vec<usize> = (0..work.len())
        .filter(|&i| work[i].assessment.is_some())
        .collect();
    let rows: Vec<Vec<Bind>> = scored
        .iter()
        .map(|&i| {
            let w = &work[i];
            let a = w.assessment.as_ref().expect("scored");
            vec![
                int(w.result.shipment_id.expect("stored")),
                int(now_ms),
                text(w.declaration.declaration_kind.code()),
                int(a.score),
                text(a.lane.code()),
                Bind::Text(a.referral.map(|r| r.code().to_string())),
                int(i64::from(a.random)),
                int(a.trusted_credit),
                text(&a.ruleset),
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
    let mut hit_rows = vec![];
    for &i in &scored {
        let w = &work[i];
        let shipment = w.result.shipment_id.expect("stored");
        let score_id = score_ids[&shipment];
        for h in &w.assessment.as_ref().expect("scored").hits {
            hit_rows.push(vec![
                int(score_id),
                int(h.rule_id),
                int(h.version),
                int(shipment),
                int(now_ms),
                int(h.weight),
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
        ],
        hit_rows,
        None,
    )
    .await?;
    // Pre-load referrals, in the timeline as a targeting centre issues them.
    for &i in &scored {
        let w = &work[i];
        let a = w.assessment.as_ref().expect("scored");
        if let Some(referral) = a.referral {
            let id = w.result.shipment_id.expect("stored");
            journal.push(entry(
                now,
                &who.actor,
                "shipment",
                id,
                id,
                &w.declaration.port_code,
                "referral_issued",
                None,
                json!({ "referral": referral.code(), "score": a.score }),
                Some(explanation(a, &ctx.rules)),
            ));
        }
    }

    // Holds where the score says so.
    let held: Vec<usize> = (0..work.len())
        .filter(|&i| work[i].plan.is_some())
        .collect();
    let signature = hold_signature(&who.actor);
    let new_holds: Vec<NewHoldRow> = held
        .iter()
        .map(|&i| {
            let w = &work[i];
            let plan = w.plan.expect("planned");
            NewHoldRow {
                shipment_id: w.result.shipment_id.expect("stored"),
                port_code: w.declaration.port_code.clone(),
                reason: plan.reason,
                placed_at: now,
                placed_by: signature.clone(),
                notes: explanation(w.assessment.as_ref().expect("scored"), &ctx.rules),
            }
        })
        .collect();
    let shipments: Vec<i64> = new_holds.iter().map(|h| h.shipment_id).collect();
    let hold_ids: HashMap<i64, i64> = shipments
        .into_iter()
        .zip(insert_many_holds(conn, new_holds).await.map_err(|e| {
            if is_already_held(&e) {
                // Another writer held one of these shipments for the same reason at the same
                // moment: nothing of this chunk was written.
                AppError::Conflict {
                    message: "a shipment of this batch was held for the same reason at the same \
                              moment by another request; send the batch again"
                        .into(),
                }
            } else {
                e.into()
            }
        })?)
        .collect();
    let mut requests = vec![];
    for &i in &held {
        let w = &mut work[i];
        let shipment = w.result.shipment_id.expect("stored");
        let hold = hold_ids[&shipment];
        w.result.hold_id = Some(hold);
        let plan = w.plan.expect("planned");
        let a = w.assessment.as_ref().expect("scored");
        journal.push(entry(
            now,
            &who.actor,
            "hold",
            hold,
            shipment,
            &w.declaration.port_code,
            "placed",
            Some(Value::Null),
            json!({ "status": "placed", "reason": plan.reason.code(), "score": a.score, "version": 1 }),
            Some(explanation(a, &ctx.rules)),
        ));
        if let Some((kind, priority)) = plan.exam {
            requests.push(ExamRequest {
                waiting_id: None,
                item: Some(i),
                shipment_id: shipment,
                hold_id: hold,
                port: w.declaration.port_code.clone(),
                kind,
                priority,
                score: a.score,
                since: now_ms,
            });
        }
    }
    // Shipments declared again and now held: the held status is in their update above.
    let outcome = allocate(conn, ctx, &who.actor, requests, None, now, &mut journal).await?;
    for (item, inspection) in outcome.opened {
        work[item].result.inspection_id = Some(inspection);
    }
    for (item, kind) in outcome.waiting {
        work[item].result.waiting_for = Some(kind);
    }
    record_many(conn, journal).await?;
    Ok(work.into_iter().map(|w| w.result).collect())
}

/// The fields that differ between two versions of a declaration, before and after.
fn changes(
    old: &Declaration,
    new: &Declaration,
) -> (
    serde_json::Map<String, Value>,
    serde_json::Map<String, Value>,
) {
    let (Value::Object(old), Value::Object(new)) = (json!(old), json!(new)) else {
        return Default::default();
    };
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    for (key, value) in &new {
        if old.get(key) != Some(value) {
            before.insert(key.clone(), old.get(key).cloned().unwrap_or(Value::Null));
            after.insert(key.clone(), value.clone());
        }
    }
    (before, after)
}

/// What [`allocate`] did with new referrals: (item, inspection id) opened, (item, type)
/// waiting; and how many waiting referrals it released.
#[derive(Default)]
struct Allocation {
    opened: Vec<(usize, i64)>,
    waiting: Vec<(usize, InspectionKind)>,
    released: usize,
}

/// Opens the examinations asked for, highest score first, within each port's capacity per
/// hour per inspection type, together with those already waiting at the same ports and types
/// (or, with `all_waiting`, every waiting referral); the rest wait. Journal entries go to
/// `journal`, written by the caller in the same transaction.
async fn allocate(
    conn: &mut AnyConnection,
    ctx: &Context,
    actor: &str,
    new: Vec<ExamRequest>,
    all_waiting: Option<()>,
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
    let rows = if all_waiting.is_some() {
        sqlx::query(waiting_sql).fetch_all(&mut *conn).await?
    } else {
        let ports: Vec<String> = groups
            .keys()
            .map(|(p, _)| p.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if ports.is_empty() {
            vec![]
        } else {
            let sql = format!(
                "{waiting_sql} and w.port_code in ({})",
                placeholders_on(conn, 1, ports.len())
            );
            let mut q = sqlx::query(&sql);
            for p in &ports {
                q = q.bind(p.clone());
            }
            q.fetch_all(&mut *conn).await?
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
        if matches!(
            hold_status.as_str(),
            "placed" | "examination" | "seizure_requested"
        ) {
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
        journal.push(entry(
            now,
            actor,
            "hold",
            w.hold_id,
            w.shipment_id,
            &w.port,
            "referral_withdrawn",
            Some(json!({ "waiting_for": w.kind.code() })),
            json!({ "waiting_for": null }),
            Some("the hold was closed before an examination slot freed".into()),
        ));
    }
    if groups.is_empty() {
        return Ok(Allocation::default());
    }
    // Examinations opened in the last hour, per port and type.
    let hour_ago = to_millis(now - Duration::hours(1));
    let mut used: HashMap<(String, InspectionKind), i64> = HashMap::new();
    let ports: Vec<String> = groups
        .keys()
        .map(|(p, _)| p.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let sql = format!(
        "select port_code, kind, count(*) as n from inspections where port_code in ({}) \
         and created_at > ${} group by port_code, kind",
        placeholders(1, ports.len()),
        ports.len() + 1
    );
    let mut q = sqlx::query(&sql);
    for p in &ports {
        q = q.bind(p.clone());
    }
    for row in q.bind(hour_ago).fetch_all(&mut *conn).await? {
        let kind: String = row.try_get("kind")?;
        if let Some(kind) = InspectionKind::parse(&kind) {
            used.insert((row.try_get("port_code")?, kind), row.try_get("n")?);
        }
    }
    let mut open: Vec<ExamRequest> = vec![];
    let mut wait: Vec<ExamRequest> = vec![];
    let mut keys: Vec<(String, InspectionKind)> = groups.keys().cloned().collect();
    keys.sort();
    for key in keys {
        let mut requests = groups.remove(&key).unwrap_or_default();
        requests.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.since.cmp(&b.since))
                .then(a.shipment_id.cmp(&b.shipment_id))
        });
        let free = match ctx.capacity.get(&key) {
            None => usize::MAX,
            Some(per_hour) => (per_hour - used.get(&key).copied().unwrap_or(0)).max(0) as usize,
        };
        let rest = requests.split_off(free.min(requests.len()));
        open.extend(requests);
        wait.extend(rest);
    }
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
    let inspection_of: HashMap<i64, i64> = open
        .iter()
        .map(|r| r.hold_id)
        .zip(insert_many_inspections(conn, new_inspections).await?)
        .collect();
    let mut outcome = Allocation::default();
    for r in &open {
        let id = inspection_of[&r.hold_id];
        let reason = match r.waiting_id {
            None => format!("targeting referral, score {}", r.score),
            Some(_) => format!(
                "targeting referral, score {}: {} capacity freed after waiting since {}",
                r.score,
                r.kind.label(),
                crate::domain::clock::local_time_short(
                    from_millis(r.since),
                    ctx.ports.get(&r.port).map(String::as_str).unwrap_or("UTC")
                )
            ),
        };
        journal.push(entry(
            now,
            actor,
            "inspection",
            id,
            r.shipment_id,
            &r.port,
            "opened",
            Some(Value::Null),
            json!({ "status": "queued", "kind": r.kind.code(), "priority": r.priority.code(), "version": 1 }),
            Some(reason),
        ));
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
                int(r.shipment_id),
                int(r.hold_id),
                text(&r.port),
                text(r.kind.code()),
                int(r.priority.rank()),
                int(r.score),
                int(r.since),
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
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let mut journal = vec![];
    let outcome = allocate(&mut tx, &ctx, actor, vec![], Some(()), now, &mut journal).await?;
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
        return Err(AppError::not_found(format!("port {p}")));
    }
    let mut waiting: HashMap<(String, InspectionKind), i64> = HashMap::new();
    for row in sqlx::query(
        "select port_code, kind, count(*) as n from referrals_waiting where released_at is null \
         group by port_code, kind",
    )
    .fetch_all(pool)
    .await?
    {
        let kind: String = row.try_get("kind")?;
        if let Some(kind) = InspectionKind::parse(&kind) {
            waiting.insert((row.try_get("port_code")?, kind), row.try_get("n")?);
        }
    }
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
        let zone = ctx
            .ports
            .get(&port_code)
            .map(String::as_str)
            .unwrap_or("UTC");
        let local = |at: DateTime<Utc>| {
            at.with_timezone(&crate::domain::clock::zone(zone))
                .format("%H:%M")
                .to_string()
        };
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
    caller
        .authorize(pool, crate::domain::Action::ManageRules, None)
        .await?;
    let port = port.to_ascii_uppercase();
    if !port_codes(pool).await?.contains(&port) {
        return Err(AppError::not_found(format!("port {port}")));
    }
    if let Some(n) = change.per_hour
        && !(0..=10_000).contains(&n)
    {
        return Err(AppError::invalid(
            "per_hour",
            "examinations per hour is a whole number from 0 to 10000",
        ));
    }
    let reason = crate::domain::check_text("reason", &change.reason, false)?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
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
    crate::journal::db::record(
        &mut tx,
        crate::journal::db::NewEntry {
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

/// The latest score of a shipment, explained line by line.
/// The latest score of a shipment, explained; `None` when it has not been scored, not found
/// when there is no such shipment.
pub async fn latest_breakdown(
    pool: &AnyPool,
    shipment_id: i64,
) -> Result<Option<ScoreBreakdown>, AppError> {
    match breakdown(pool, shipment_id).await {
        Ok(breakdown) => Ok(Some(breakdown)),
        Err(AppError::NotFound { .. }) => {
            let known: i64 = sqlx::query("select count(*) as n from shipments where id = $1")
                .bind(shipment_id)
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            if known == 0 {
                return Err(AppError::not_found(format!("shipment #{shipment_id}")));
            }
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

pub async fn breakdown(pool: &AnyPool, shipment_id: i64) -> Result<ScoreBreakdown, AppError> {
    let row = sqlx::query(
        "select id, scored_at, declaration_kind, score, lane, referral, random_selected, \
         trusted_credit, ruleset from shipment_scores where shipment_id = $1 \
         order by id desc limit 1",
    )
    .bind(shipment_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found(format!("a score for shipment #{shipment_id}")))?;
    let score_id: i64 = row.try_get("id")?;
    let kind: String = row.try_get("declaration_kind")?;
    let lane: String = row.try_get("lane")?;
    let referral: Option<String> = row.try_get("referral")?;
    let lines = sqlx::query(
        "select h.rule_id, h.rule_version, h.weight, r.name, v.kind, v.reason, v.instructions \
         from score_hits h join rules r on r.id = h.rule_id \
         join rule_versions v on v.rule_id = h.rule_id and v.version = h.rule_version \
         where h.score_id = $1 order by h.weight desc, h.rule_id",
    )
    .bind(score_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let kind: String = r.try_get("kind")?;
        Ok(BreakdownLine {
            rule_id: r.try_get("rule_id")?,
            version: r.try_get("rule_version")?,
            name: r.try_get("name")?,
            kind: RuleKind::parse(&kind).unwrap_or(RuleKind::Intelligence),
            weight: r.try_get("weight")?,
            reason: r.try_get("reason")?,
            instructions: r.try_get("instructions")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let waiting: Option<String> = sqlx::query(
        "select kind from referrals_waiting where shipment_id = $1 and released_at is null \
         order by id desc limit 1",
    )
    .bind(shipment_id)
    .fetch_optional(pool)
    .await?
    .map(|r| r.try_get("kind"))
    .transpose()?;
    Ok(ScoreBreakdown {
        shipment_id,
        scored_at: from_millis(row.try_get("scored_at")?),
        declaration_kind: DeclarationKind::parse(&kind).unwrap_or(DeclarationKind::Full),
        score: row.try_get("score")?,
        lane: Lane::parse(&lane).unwrap_or(Lane::Green),
        referral: referral.as_deref().and_then(Referral::parse),
        random: row.try_get::<i64, _>("random_selected")? == 1,
        trusted_credit: row.try_get("trusted_credit")?,
        ruleset: row.try_get("ruleset")?,
        lines,
        waiting_for: waiting.as_deref().and_then(InspectionKind::parse),
    })
}

// ----- Rules -------------------------------------------------------------------------------

const RULE_SELECT: &str = "select r.id, r.name, r.enabled, v.version, v.parameters_json, \
    v.weight, v.reason, v.instructions, v.inspection_kind, v.author, v.created_at \
    from rules r join rule_versions v on v.rule_id = r.id";

fn rule_from_row(row: &AnyRow) -> Result<Rule, sqlx::Error> {
    let params: String = row.try_get("parameters_json")?;
    let indicator: Indicator = serde_json::from_str(&params)
        .map_err(|e| crate::sql::decode_error("parameters_json", &e.to_string()))?;
    let inspection: Option<String> = row.try_get("inspection_kind")?;
    Ok(Rule {
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        enabled: row.try_get::<i64, _>("enabled")? == 1,
        indicator,
        weight: row.try_get("weight")?,
        reason: row.try_get("reason")?,
        instructions: row.try_get("instructions")?,
        inspection: inspection.as_deref().and_then(InspectionKind::parse),
        author: row.try_get("author")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

/// Every rule at its current version, enabled or not.
pub async fn current_rules(pool: &AnyPool) -> Result<Vec<Rule>, AppError> {
    Ok(sqlx::query(&format!(
        "{RULE_SELECT} where v.version = r.current_version order by r.id"
    ))
    .fetch_all(pool)
    .await?
    .iter()
    .map(rule_from_row)
    .collect::<Result<_, _>>()?)
}

/// One rule: every version, newest first.
pub async fn rule_versions(pool: &AnyPool, id: i64) -> Result<Vec<Rule>, AppError> {
    let versions: Vec<Rule> = sqlx::query(&format!(
        "{RULE_SELECT} where r.id = $1 order by v.version desc"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(rule_from_row)
    .collect::<Result<_, _>>()?;
    if versions.is_empty() {
        return Err(AppError::not_found(format!("rule #{id}")));
    }
    Ok(versions)
}

fn rule_summary(rule: &Rule) -> Value {
    json!({
        "name": rule.name,
        "version": rule.version,
        "enabled": rule.enabled,
        "kind": rule.indicator.kind().code(),
        "weight": rule.weight,
    })
}

/// Adds a rule (version 1, enabled), journaled.
impl RuleDraft {
    /// The rule this draft makes, as version `version` by `author`.
    fn rule(
        &self,
        id: i64,
        version: i64,
        name: &str,
        enabled: bool,
        author: &str,
        now: DateTime<Utc>,
    ) -> Rule {
        Rule {
            id,
            version,
            name: name.to_string(),
            enabled,
            indicator: self.indicator.clone(),
            weight: self.weight,
            reason: self.reason.trim().to_string(),
            instructions: self.instructions.trim().to_string(),
            inspection: self.inspection,
            author: author.to_string(),
            created_at: now,
        }
    }
}

pub async fn create_rule(
    pool: &AnyPool,
    caller: &Caller,
    draft: &RuleDraft,
    now: DateTime<Utc>,
) -> Result<Rule, AppError> {
    caller
        .authorize(pool, crate::domain::Action::ManageRules, None)
        .await?;
    draft.check()?;
    let name = draft.name.trim();
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let taken: i64 = sqlx::query("select count(*) as n from rules where lower(name) = lower($1)")
        .bind(name)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if taken > 0 {
        return Err(AppError::Conflict {
            message: format!("a rule named \"{name}\" exists already; edit it instead"),
        });
    }
    let id: i64 = sqlx::query(
        "insert into rules (name, enabled, current_version, created_at, created_by) \
         values ($1, 1, 1, $2, $3) returning id",
    )
    .bind(name)
    .bind(to_millis(now))
    .bind(&caller.account.username)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    insert_version(&mut tx, id, 1, draft, &caller.account.username, now).await?;
    let rule = draft.rule(id, 1, name, true, &caller.account.username, now);
    crate::journal::db::record(
        &mut tx,
        crate::journal::db::NewEntry::administrative(
            now,
            &caller.account.username,
            "rule",
            id,
            "created",
            rule_summary(&rule),
        )
        .reason(Some(&rule.reason)),
    )
    .await?;
    tx.commit().await?;
    Ok(rule)
}

async fn insert_version(
    conn: &mut AnyConnection,
    rule_id: i64,
    version: i64,
    draft: &RuleDraft,
    author: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into rule_versions (rule_id, version, kind, parameters_json, weight, reason, \
         instructions, inspection_kind, author, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(rule_id)
    .bind(version)
    .bind(draft.indicator.kind().code())
    .bind(serde_json::to_string(&draft.indicator).unwrap_or_default())
    .bind(draft.weight)
    .bind(draft.reason.trim())
    .bind(draft.instructions.trim())
    .bind(draft.inspection.map(|k| k.code()))
    .bind(author)
    .bind(to_millis(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// Edits a rule: a new version, which scores from now on; earlier scores keep naming the
/// version that made them. `seen` is the version the analyst edited, if known.
pub async fn edit_rule(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    draft: &RuleDraft,
    seen: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Rule, AppError> {
    caller
        .authorize(pool, crate::domain::Action::ManageRules, None)
        .await?;
    draft.check()?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let row = sqlx::query("select name, enabled, current_version from rules where id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found(format!("rule #{id}")))?;
    let current: i64 = row.try_get("current_version")?;
    let old_name: String = row.try_get("name")?;
    if let Some(seen) = seen
        && seen != current
    {
        return Err(AppError::Conflict {
            message: format!(
                "rule \"{old_name}\" is at version {current} now, not {seen}; read it again before editing"
            ),
        });
    }
    let name = draft.name.trim();
    let clash: i64 =
        sqlx::query("select count(*) as n from rules where lower(name) = lower($1) and id <> $2")
            .bind(name)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
    if clash > 0 {
        return Err(AppError::Conflict {
            message: format!("another rule is named \"{name}\""),
        });
    }
    let version = current + 1;
    insert_version(&mut tx, id, version, draft, &caller.account.username, now).await?;
    sqlx::query("update rules set current_version = $1, name = $2 where id = $3")
        .bind(version)
        .bind(name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let enabled = row.try_get::<i64, _>("enabled")? == 1;
    let rule = draft.rule(id, version, name, enabled, &caller.account.username, now);
    crate::journal::db::record(
        &mut tx,
        crate::journal::db::NewEntry::administrative(
            now,
            &caller.account.username,
            "rule",
            id,
            "edited",
            rule_summary(&rule),
        )
        .before(Some(json!({ "name": old_name, "version": current }))),
    )
    .await?;
    tx.commit().await?;
    Ok(rule)
}

/// Enables or disables a rule (no new version: the rule's content is unchanged), with why.
pub async fn set_enabled(
    pool: &AnyPool,
    caller: &Caller,
    id: i64,
    enabled: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Rule, AppError> {
    caller
        .authorize(pool, crate::domain::Action::ManageRules, None)
        .await?;
    let reason = crate::domain::check_text("reason", reason, true)?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    let was: i64 = sqlx::query("select enabled from rules where id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::not_found(format!("rule #{id}")))?
        .try_get("enabled")?;
    if (was == 1) == enabled {
        return Err(AppError::Conflict {
            message: format!(
                "rule #{id} is already {}",
                if enabled { "enabled" } else { "disabled" }
            ),
        });
    }
    sqlx::query("update rules set enabled = $1 where id = $2")
        .bind(i64::from(enabled))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::journal::db::record(
        &mut tx,
        crate::journal::db::NewEntry::administrative(
            now,
            &caller.account.username,
            "rule",
            id,
            if enabled { "enabled" } else { "disabled" },
            json!({ "enabled": enabled }),
        )
        .before(Some(json!({ "enabled": was == 1 })))
        .reason(Some(&reason)),
    )
    .await?;
    tx.commit().await?;
    Ok(rule_versions(pool, id).await?.remove(0))
}

/// Changes the thresholds, credit and random rate, journaled.
pub async fn set_settings(
    pool: &AnyPool,
    caller: &Caller,
    new: &Settings,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Settings, AppError> {
    caller
        .authorize(pool, crate::domain::Action::ManageRules, None)
        .await?;
    new.check()?;
    let reason = crate::domain::check_text("reason", reason, true)?;
    let before = settings(pool).await?;
    let mut tx = crate::db::WriteTx::begin(pool).await?;
    sqlx::query(
        "update targeting_settings set random_rate_bp = $1, yellow_at = $2, red_at = $3, \
         rfi_at = $4, rfs_at = $5, dnl_at = $6, trusted_credit = $7, updated_at = $8, \
         updated_by = $9 where id = 1",
    )
    .bind(i64::from(new.random_rate_bp))
    .bind(new.yellow_at)
    .bind(new.red_at)
    .bind(new.rfi_at)
    .bind(new.rfs_at)
    .bind(new.dnl_at)
    .bind(new.trusted_credit)
    .bind(to_millis(now))
    .bind(&caller.account.username)
    .execute(&mut *tx)
    .await?;
    crate::journal::db::record(
        &mut tx,
        crate::journal::db::NewEntry::administrative(
            now,
            &caller.account.username,
            "rule",
            "settings",
            "settings_changed",
            json!(new),
        )
        .before(Some(json!(before)))
        .reason(Some(&reason)),
    )
    .await?;
    tx.commit().await?;
    Ok(*new)
}

// ----- Measuring ---------------------------------------------------------------------------

const FINDINGS: &str = "('seizure', 'penalty', 'agency_referral')";

/// Selections, examinations and findings per rule over `[from, to)`, and the same for random
/// selections: the baseline a rule's hit rate is judged against.
pub async fn stats(
    pool: &AnyPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<StatsReport, AppError> {
    if to <= from {
        return Err(AppError::invalid(
            "to",
            "the period must end after it starts",
        ));
    }
    let (from_ms, to_ms) = (to_millis(from), to_millis(to));
    let selected = "(s.lane <> 'green' or s.referral is not null)";
    let mut selections: HashMap<i64, i64> = HashMap::new();
    for row in sqlx::query(&format!(
        "select h.rule_id, count(distinct h.shipment_id) as n from score_hits h \
         join shipment_scores s on s.id = h.score_id \
         where h.scored_at >= $1 and h.scored_at < $2 and {selected} group by h.rule_id"
    ))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    {
        selections.insert(row.try_get("rule_id")?, row.try_get("n")?);
    }
    let mut outcomes: HashMap<i64, (i64, i64)> = HashMap::new();
    for row in sqlx::query(&format!(
        "select h.rule_id, count(distinct h.shipment_id) as examined, \
         count(distinct case when i.outcome in {FINDINGS} then h.shipment_id end) as findings \
         from score_hits h join shipment_scores s on s.id = h.score_id \
         join holds ho on ho.shipment_id = h.shipment_id and ho.placed_at >= s.scored_at \
         join inspections i on i.hold_id = ho.id and i.status = 'completed' \
         where h.scored_at >= $1 and h.scored_at < $2 and {selected} group by h.rule_id"
    ))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?
    {
        outcomes.insert(
            row.try_get("rule_id")?,
            (row.try_get("examined")?, row.try_get("findings")?),
        );
    }
    let rules = sqlx::query("select id, name, enabled, current_version from rules order by id")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let (examined, findings) = outcomes.get(&id).copied().unwrap_or((0, 0));
            Ok(RuleStats {
                rule_id: id,
                name: r.try_get("name")?,
                enabled: r.try_get::<i64, _>("enabled")? == 1,
                current_version: r.try_get("current_version")?,
                stats: SelectionStats::new(
                    selections.get(&id).copied().unwrap_or(0),
                    examined,
                    findings,
                ),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let random_selections: i64 = sqlx::query(
        "select count(distinct shipment_id) as n from shipment_scores \
         where random_selected = 1 and scored_at >= $1 and scored_at < $2",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let row = sqlx::query(&format!(
        "select count(distinct s.shipment_id) as examined, \
         count(distinct case when i.outcome in {FINDINGS} then s.shipment_id end) as findings \
         from shipment_scores s \
         join holds ho on ho.shipment_id = s.shipment_id and ho.placed_at >= s.scored_at \
         join inspections i on i.hold_id = ho.id and i.status = 'completed' \
         where s.random_selected = 1 and s.scored_at >= $1 and s.scored_at < $2"
    ))
    .bind(from_ms)
    .bind(to_ms)
    .fetch_one(pool)
    .await?;
    Ok(StatsReport {
        from,
        to,
        rules,
        random: SelectionStats::new(
            random_selections,
            row.try_get("examined")?,
            row.try_get("findings")?,
        ),
    })
}

/// How a draft rule would have done on the shipments declared in the last `days` days: scored
/// again with the enabled rules plus the draft, what it fires on, what it would have selected
/// per day and per port (against the port's daily capacity for the examination it asks for),
/// and what examinations of those shipments actually found.
pub async fn trial(
    pool: &AnyPool,
    draft: &RuleDraft,
    days: i64,
    now: DateTime<Utc>,
) -> Result<TrialReport, AppError> {
    draft.check()?;
    if !(1..=90).contains(&days) {
        return Err(AppError::invalid("days", "try a draft on 1 to 90 days"));
    }
    let ctx = context(pool).await?;
    let from = now - Duration::days(days);
    let draft_rule = Rule {
        id: i64::MAX,
        version: 0,
        name: draft.name.clone(),
        enabled: true,
        indicator: draft.indicator.clone(),
        weight: draft.weight,
        reason: draft.reason.clone(),
        instructions: draft.instructions.clone(),
        inspection: draft.inspection,
        author: String::new(),
        created_at: now,
    };
    let mut rules = ctx.rules.clone();
    rules.push(draft_rule.clone());
    let ruleset = scoring::ruleset_fingerprint(&rules);
    // Each importer's first shipment, to know who was new at the time.
    let mut first_of: HashMap<String, i64> = HashMap::new();
    for row in sqlx::query(
        "select importer_name, min(id) as first_id from shipments group by importer_name",
    )
    .fetch_all(pool)
    .await?
    {
        first_of.insert(row.try_get("importer_name")?, row.try_get("first_id")?);
    }
    let mut outcome_of: HashMap<i64, bool> = HashMap::new();
    for row in sqlx::query(&format!(
        "select ho.shipment_id, max(case when i.outcome in {FINDINGS} then 1 else 0 end) as found \
         from inspections i join holds ho on ho.id = i.hold_id \
         join shipments s on s.id = ho.shipment_id \
         where i.status = 'completed' and s.created_at >= $1 group by ho.shipment_id"
    ))
    .bind(to_millis(from))
    .fetch_all(pool)
    .await?
    {
        outcome_of.insert(
            row.try_get("shipment_id")?,
            row.try_get::<i64, _>("found")? == 1,
        );
    }
    let rows = sqlx::query(&format!(
        "select id, created_at, {DECLARATION_COLUMNS} from shipments where created_at >= $1 \
         and created_at <= $2 order by id"
    ))
    .bind(to_millis(from))
    .bind(to_millis(now))
    .fetch_all(pool)
    .await?;
    let mut report = TrialReport {
        from,
        to: now,
        shipments: rows.len() as i64,
        matched: 0,
        selected: 0,
        per_day: vec![],
        per_port: vec![],
        history: SelectionStats::new(0, 0, 0),
    };
    let mut per_day: HashMap<String, i64> = HashMap::new();
    let mut per_port: HashMap<String, i64> = HashMap::new();
    let (mut examined, mut findings) = (0, 0);
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let created: i64 = row.try_get("created_at")?;
        let d = declaration_from_row(row)?;
        let history = History {
            importer_seen_before: first_of.get(&d.importer_name).is_some_and(|f| *f < id),
        };
        if !scoring::fires(&draft_rule.indicator, &d, history) {
            continue;
        }
        report.matched += 1;
        if let Some(found) = outcome_of.get(&id) {
            examined += 1;
            findings += i64::from(*found);
        }
        let a = scoring::assess(&d, history, &rules, &ruleset, &ctx.settings);
        if a.lane != Lane::Green || a.referral.is_some() {
            report.selected += 1;
            let day = from_millis(created).format("%Y-%m-%d").to_string();
            *per_day.entry(day).or_default() += 1;
            *per_port.entry(d.port_code.clone()).or_default() += 1;
        }
    }
    report.history = SelectionStats::new(report.matched, examined, findings);
    let mut days_list: Vec<TrialDay> = per_day
        .into_iter()
        .map(|(day, selected)| TrialDay { day, selected })
        .collect();
    days_list.sort_by(|a, b| a.day.cmp(&b.day));
    report.per_day = days_list;
    let exam = draft.inspection.unwrap_or(InspectionKind::Xray);
    let mut ports: Vec<TrialPort> = per_port
        .into_iter()
        .map(|(port_code, selected)| TrialPort {
            capacity_per_day: ctx.capacity.get(&(port_code.clone(), exam)).map(|h| h * 24),
            per_day: selected as f64 / days as f64,
            port_code,
            selected,
        })
        .collect();
    ports.sort_by(|a, b| {
        b.selected
            .cmp(&a.selected)
            .then(a.port_code.cmp(&b.port_code))
    });
    report.per_port = ports;
    Ok(report)
}

// ----- Reading what is sent ------------------------------------------------------------------

/// The codes of every port of entry, to check declarations against.
pub async fn port_codes(pool: &AnyPool) -> Result<HashSet<String>, AppError> {
    Ok(sqlx::query("select code from ports")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.try_get("code"))
        .collect::<Result<_, _>>()?)
}

/// The declarations of a JSON batch (or of one object, as a batch of one), read and checked.
pub fn read_json_items(
    items: Vec<Value>,
    ports: &HashSet<String>,
    now: DateTime<Utc>,
) -> Vec<Candidate> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| Candidate {
            index,
            line: None,
            declaration: match item {
                Value::Object(map) => super::declaration::read(&map, &|p| ports.contains(p), now)
                    .map_err(|errors| (super::declaration::reference_of(&map), errors)),
                _ => Err((
                    None,
                    vec![FieldError {
                        field: "body".into(),
                        reason: "each declaration is a JSON object".into(),
                    }],
                )),
            },
        })
        .collect()
}

/// Imports a CSV manifest: every good row is scored and stored, every bad one reported with
/// its line, field and reason. The report's `results` keep the rows worth a look: refused,
/// sent to yellow or red, referred, selected at random, or waiting for capacity.
pub async fn import_manifest(
    pool: &AnyPool,
    who: &Submitter,
    bytes: &[u8],
    now: DateTime<Utc>,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<IngestReport, AppError> {
    let rows = super::manifest::read(bytes)?;
    let total = rows.len();
    progress(0, total);
    let ports = port_codes(pool).await?;
    let candidates: Vec<Candidate> = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| Candidate {
            index,
            line: Some(row.line),
            declaration: match row.fields {
                Ok(map) => super::declaration::read(&map, &|p| ports.contains(p), now)
                    .map_err(|errors| (super::declaration::reference_of(&map), errors)),
                Err(error) => Err((None, vec![error])),
            },
        })
        .collect();
    let mut report = ingest(pool, who, candidates, now, &mut |done| {
        progress(done, total)
    })
    .await?;
    report.results.retain(|r| {
        r.status == Disposition::Refused
            || r.lane.is_some_and(|l| l != Lane::Green)
            || r.referral.is_some()
            || r.random
            || r.waiting_for.is_some()
    });
    Ok(report)
}
