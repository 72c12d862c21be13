//! Declarations in: who sends them ([`Submitter`]), reading a JSON batch or a CSV manifest
//! into declarations checked field by field ([`Candidate`]), and [`ingest`], which scores and
//! stores them [`CHUNK`] at a time, each chunk in one transaction (`chunk.rs`). A manifest of
//! 100,000 rows takes seconds.

mod chunk;
pub mod sentences;

use super::db::{context, port_codes};
use super::{Declaration, Disposition, FieldError, IngestReport, ItemResult, Lane};
use crate::auth::server::Caller;
use crate::domain::PortScope;
use crate::error::AppError;
use crate::journal::refusals;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sqlx::AnyPool;
use std::collections::{BTreeMap, HashSet};

/// Declarations written per transaction: large enough that the fixed cost of a transaction
/// and of each statement is spread thin, small enough that other writers wait well under a
/// second for their turn.
pub const CHUNK: usize = 2_000;

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
    /// The calling account, sending through `source`.
    pub fn of(caller: &Caller, source: impl Into<String>) -> Self {
        Submitter {
            actor: caller.account.username.clone(),
            ports: caller.account.ports.clone(),
            source: source.into(),
        }
    }
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
    // Declarations at ports the account may not act on: refusals, journaled below.
    let mut refused_at: BTreeMap<String, usize> = BTreeMap::new();
    for candidate in &candidates {
        if let Ok(d) = &candidate.declaration
            && !who.ports.covers(&d.port_code)
        {
            *refused_at.entry(d.port_code.clone()).or_default() += 1;
        }
    }
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
                    let items = std::mem::take(&mut chunk);
                    results.extend(chunk::write(pool, &ctx, who, items, now).await?);
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
        results.extend(chunk::write(pool, &ctx, who, chunk, now).await?);
    }
    progress(done);
    journal_port_refusals(pool, who, &refused_at, now).await?;
    results.sort_by_key(|r| r.index);
    for item in &results {
        report.count(item);
    }
    for (outcome, n) in [
        ("accepted", report.accepted),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("refused", report.refused),
    ] {
        crate::counters::declarations(outcome, n);
    }
    report.results = results;
    Ok(report)
}

/// Journals the declarations refused for their port, one refusal per port (counted like every
/// refusal when they repeat: see [`crate::journal::refusals`]).
async fn journal_port_refusals(
    pool: &AnyPool,
    who: &Submitter,
    refused_at: &BTreeMap<String, usize>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (port, n) in refused_at {
        let kind = refusals::Kind {
            actor: who.actor.clone(),
            entity: "access",
            entity_id: who.actor.clone(),
            action: "refused",
            what: "declare".into(),
            port: Some(port.clone()),
        };
        let after = serde_json::json!({
            "action": "declare",
            "port": port,
            "declarations": n,
            "source": who.source,
        });
        let reason = format!(
            "{n} declaration{} at {port}, where this account may not act",
            if *n == 1 { "" } else { "s" }
        );
        refusals::journal(pool, kind, after, &reason, now).await?;
    }
    Ok(())
}

/// One declaration's fields, read and checked; when they are wrong, the reference they give
/// (if any) and every field error.
fn read_fields(
    fields: &Map<String, Value>,
    ports: &HashSet<String>,
    now: DateTime<Utc>,
) -> Result<Declaration, (Option<String>, Vec<FieldError>)> {
    super::declaration::read(fields, &|p| ports.contains(p), now)
        .map_err(|errors| (super::declaration::reference_of(fields), errors))
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
                Value::Object(map) => read_fields(&map, ports, now),
                _ => Err((
                    None,
                    vec![FieldError {
                        field: "body".into(),
                        reason: crate::i18n::td_string!(
                            crate::lang::current(),
                            manifests.batch.not_object
                        )
                        .to_string(),
                    }],
                )),
            },
        })
        .collect()
}

/// The problems a batch's report lists; beyond them, one line says how many more there were.
pub const MAX_PROBLEMS: usize = 1_000;

/// When no declaration of a batch can be read: a line per problem ("declaration 3: unknown
/// field \"foo\" (and 149,999 more)"), the first [`MAX_PROBLEMS`] of them and then how many
/// more. `None` when at least one declaration can be read (the batch is then ingested, the
/// good kept and the bad reported by index).
pub fn unreadable_batch(candidates: &[Candidate]) -> Option<Vec<String>> {
    use crate::i18n::td_string;
    let l = crate::lang::current();
    let mut lines = Vec::new();
    let mut more = 0usize;
    for candidate in candidates {
        let (index, Err((_, errors))) = (candidate.index, &candidate.declaration) else {
            return None;
        };
        for error in errors {
            if lines.len() < MAX_PROBLEMS {
                // An unknown field's reason names it already.
                let unknown = !super::declaration::FIELDS.contains(&error.field.as_str())
                    && error.field != "body";
                lines.push(if unknown {
                    td_string!(
                        l,
                        manifests.batch.line,
                        index = index,
                        reason = error.reason.clone()
                    )
                    .to_string()
                } else {
                    td_string!(
                        l,
                        manifests.batch.line_field,
                        index = index,
                        field = error.field.clone(),
                        reason = error.reason.clone()
                    )
                    .to_string()
                });
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        lines.push(
            td_string!(
                l,
                manifests.batch.more,
                more = super::declaration::thousands(more)
            )
            .to_string(),
        );
    }
    Some(lines)
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
                Ok(map) => read_fields(&map, &ports, now),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(index: usize, errors: usize) -> Candidate {
        Candidate {
            index,
            line: None,
            declaration: Err((
                None,
                (0..errors)
                    .map(|n| FieldError {
                        field: format!("k{n}"),
                        reason: format!("unknown field \"k{n}\""),
                    })
                    .collect(),
            )),
        }
    }

    #[test]
    fn an_unreadable_batch_lists_its_first_thousand_problems_then_a_count() {
        let few: Vec<Candidate> = (0..3).map(|i| refused(i, 1)).collect();
        assert_eq!(
            unreadable_batch(&few).unwrap(),
            vec![
                "declaration 0: unknown field \"k0\"",
                "declaration 1: unknown field \"k0\"",
                "declaration 2: unknown field \"k0\"",
            ]
        );
        let many: Vec<Candidate> = (0..700).map(|i| refused(i, 3)).collect();
        let lines = unreadable_batch(&many).unwrap();
        assert_eq!(lines.len(), MAX_PROBLEMS + 1);
        assert_eq!(lines[999], "declaration 333: unknown field \"k0\"");
        assert_eq!(lines[1000], "and 1,100 more problems");
    }
}
