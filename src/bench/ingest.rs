//! `border-ops bench ingest`: declarations scored and stored per second, on a fresh database,
//! through the same path as `POST /api/v1/shipments` (JSON batches: parsed, checked, scored,
//! stored with their holds, inspections and journal entries) and as a CSV manifest import.
//! Ends with one `key=value` summary line.

use app::db::Db;
use app::domain::{AirWaybill, Mode, PortScope};
use app::targeting::db::port_codes;
use app::targeting::ingest::{self as targeting, Submitter};
use chrono::{Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};
use std::time::Instant;

pub struct IngestBench {
    /// Declarations in each of the two runs (JSON, then CSV).
    pub declarations: usize,
    /// Declarations per JSON request.
    pub batch: usize,
    pub seed: u64,
    /// The CSV run first, on the fresh database (the JSON batches after it).
    pub csv_first: bool,
}

/// Writes `n` believable declarations as a CSV manifest, for `border-ops import`.
pub fn write_manifest(file: &std::path::Path, n: usize, seed: u64) -> anyhow::Result<()> {
    let csv = to_csv(&declarations(n, 0, seed));
    std::fs::write(file, &csv)
        .map_err(|e| anyhow::anyhow!("{} cannot be written: {e}", file.display()))?;
    eprintln!(
        "{n} declarations written to {} ({:.1} MB)",
        file.display(),
        csv.len() as f64 / 1e6
    );
    Ok(())
}

/// Believable declarations of the demo country, each with its own reference.
fn declarations(n: usize, first: usize, seed: u64) -> Vec<Map<String, Value>> {
    use app::demo::country::PORTS;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let now = Utc::now();
    (0..n)
        .map(|i| {
            let port = &PORTS[rng.gen_range(0..PORTS.len())];
            let mode = port.kind;
            let goods = app::demo::goods(&mut rng, mode);
            let paper = app::demo::paperwork(&mut rng, mode, &goods);
            let serial = (first + i) as u32;
            let reference = match mode {
                Mode::Air => AirWaybill::from_parts(
                    176 + (serial / 9_000_000) as u16,
                    serial % 9_000_000 + 1_000_000,
                )
                .to_string(),
                _ => format!("BENCH{:010}", first + i),
            };
            let pre_load = mode == Mode::Air && rng.gen_bool(0.2);
            let eta = now + Duration::hours(rng.gen_range(2..72));
            let mut map = paper.declaration(&goods, mode, port.code, eta, pre_load);
            map.insert("reference".into(), json!(reference));
            map
        })
        .collect()
}

fn csv_cell(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn to_csv(rows: &[Map<String, Value>]) -> String {
    let columns = app::targeting::declaration::FIELDS;
    let mut out = columns.join(",");
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = columns.iter().map(|c| csv_cell(row.get(*c))).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

pub async fn run(db: &Db, bench: &IngestBench) -> anyhow::Result<()> {
    use sqlx::Row;
    super::require_empty(db).await?;
    super::seed_country(db, bench.seed, 500).await?;
    let pool = &db.pool;
    let n = bench.declarations;
    let json_rows = declarations(n, 0, bench.seed);
    let csv_rows = declarations(n, n, bench.seed.wrapping_add(1));
    let bodies: Vec<Vec<u8>> = json_rows
        .chunks(bench.batch)
        .map(serde_json::to_vec)
        .collect::<Result<_, _>>()?;
    let csv = to_csv(&csv_rows);
    let who = Submitter {
        actor: "bench.ingest".into(),
        ports: PortScope::All,
        source: "the ingest benchmark".into(),
    };
    eprintln!(
        "{n} declarations as JSON batches of {} and {n} as one CSV manifest ({:.1} MB), {}, on {:?}…",
        bench.batch,
        csv.len() as f64 / 1e6,
        if bench.csv_first {
            "the CSV first"
        } else {
            "the JSON first"
        },
        db.backend
    );

    // The seeded history is scored too: only the scores written from here on are the bench's.
    let seeded_scores = score_count(pool).await?;
    let json_run = async {
        let started = Instant::now();
        let mut json_report = app::targeting::IngestReport::default();
        for body in &bodies {
            let items: Vec<Value> = serde_json::from_slice(body)?;
            let now = Utc::now();
            let ports = port_codes(pool).await?;
            let candidates = targeting::read_json_items(items, &ports, now);
            let report = targeting::ingest(pool, &who, candidates, now, &mut |_| {}).await?;
            // A JSON batch answers for every declaration: count them as the report does.
            for item in &report.results {
                json_report.count(item);
            }
        }
        let json_s = started.elapsed().as_secs_f64();
        anyhow::Ok((json_report, json_s))
    };
    let csv_run = async {
        let started = Instant::now();
        let csv_report =
            targeting::import_manifest(pool, &who, csv.as_bytes(), Utc::now(), &mut |_, _| {})
                .await?;
        let csv_s = started.elapsed().as_secs_f64();
        anyhow::Ok((csv_report, csv_s))
    };
    let ((json_report, json_s), (csv_report, csv_s)) = if bench.csv_first {
        let csv = csv_run.await?;
        (json_run.await?, csv)
    } else {
        let json = json_run.await?;
        (json, csv_run.await?)
    };

    let scores = score_count(pool).await? - seeded_scores;
    let journaled: i64 = sqlx::query(
        "select count(*) as n from journal where actor = 'bench.ingest' and entity = 'shipment' \
         and action = 'declared'",
    )
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    for (name, r, s) in [("json", &json_report, json_s), ("csv", &csv_report, csv_s)] {
        println!(
            "{name:<5} {:>7} stored in {s:>6.2} s = {:>8.0} declarations/s  (red {}, yellow {}, random {}, pre-load referrals {}, exams opened {}, waiting {}, refused {})",
            r.accepted,
            r.accepted as f64 / s,
            r.red,
            r.yellow,
            r.random,
            r.referrals,
            r.inspections_opened,
            r.waiting,
            r.refused
        );
    }
    let stored = json_report.accepted + csv_report.accepted;
    println!(
        "backend={:?} declarations={} batch={} json_per_s={:.0} csv_per_s={:.0} json_s={json_s:.2} csv_s={csv_s:.2} scores={scores} journaled={journaled} refused={}",
        db.backend,
        2 * n,
        bench.batch,
        json_report.accepted as f64 / json_s,
        csv_report.accepted as f64 / csv_s,
        json_report.refused + csv_report.refused,
    );
    anyhow::ensure!(
        stored == 2 * n && scores as usize == stored && journaled as usize == stored,
        "every declaration must be stored, scored and journaled once ({stored} stored, {scores} scores, {journaled} entries)"
    );
    Ok(())
}

/// The scores stored, of every declaration.
async fn score_count(pool: &sqlx::AnyPool) -> anyhow::Result<i64> {
    use sqlx::Row;
    Ok(sqlx::query("select count(*) as n from shipment_scores")
        .fetch_one(pool)
        .await?
        .try_get("n")?)
}
