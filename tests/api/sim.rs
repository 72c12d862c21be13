//! The demo's simulation, on both backends: the same seed and start give the same journal
//! however the span is cut up, another seed another journal; everything it does goes through
//! the domain operations under simulated names (arrivals, referrals, holds, inspections,
//! decisions, waits, incidents); an administrator, only, pauses and resumes it; and a day of
//! its traffic has the shape of a day of the seeded history (shares held and examined, and
//! the results of examinations), both following the demo's one model.

use crate::helpers::{Backend, TempDir, client, fresh_db, spawn_app_configured, spawn_app_with};
use app::db::Db;
use app::domain::Role;
use app::journal::JournalEntry;
use app::sim::{engine::Simulator, is_simulated_actor};
use border_ops::config::SimulationConfig;
use border_ops::seed::{self, SeedOptions};
use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;

/// Noon in Toronto, nine in the morning in Vancouver: the country is awake.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 17, 0, 0).unwrap()
}

/// A fresh database with the small demo country ending at `start()`, and the journal's last
/// sequence number after seeding.
async fn country(backend: Backend) -> Option<(Db, Option<TempDir>, i64)> {
    let (db, dir) = fresh_db(backend).await?;
    db.migrate().await.expect("migrations apply");
    let mut options = SeedOptions::new(11, start());
    options.shipments = 300;
    seed::demo(&db, &options).await.expect("demo country seeds");
    let seeded: i64 = sqlx::Row::get(
        &sqlx::query("select max(seq) from journal")
            .fetch_one(&db.pool)
            .await
            .unwrap(),
        0,
    );
    Some((db, dir, seeded))
}

/// What the simulation wrote after the seed, without the sequence numbers (which only say
/// in which order the database committed).
async fn written(db: &Db, after: i64) -> Vec<JournalEntry> {
    use sqlx::Row;
    let rows = sqlx::query(
        "select seq, at, actor, entity, entity_id, shipment_id, port_code, action, before_json, \
         after_json, reason from journal where seq > $1 order by seq",
    )
    .bind(after)
    .fetch_all(&db.pool)
    .await
    .expect("journal reads");
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    rows.iter()
        .map(|row| JournalEntry {
            seq: row.get("seq"),
            at: app::domain::clock::from_millis(row.get("at")),
            actor: row.get("actor"),
            entity: row.get("entity"),
            entity_id: row.get("entity_id"),
            shipment_id: row.get("shipment_id"),
            port_code: row.get("port_code"),
            action: row.get("action"),
            before: json(row.get("before_json")),
            after: json(row.get("after_json")),
            reason: row.get("reason"),
        })
        .collect()
}

type Digest = (
    DateTime<Utc>,
    String,
    String,
    String,
    String,
    Option<Value>,
    Option<Value>,
    Option<String>,
);

fn digest(entries: &[JournalEntry]) -> Vec<Digest> {
    entries
        .iter()
        .map(|e| {
            (
                e.at,
                e.actor.clone(),
                e.entity.clone(),
                e.entity_id.clone(),
                e.action.clone(),
                e.before.clone(),
                e.after.clone(),
                e.reason.clone(),
            )
        })
        .collect()
}

pub async fn the_same_seed_and_start_give_the_same_journal(backend: Backend) {
    let Some((a, _a_dir, a_seeded)) = country(backend).await else {
        return;
    };
    let (b, _b_dir, b_seeded) = country(backend).await.expect("a second database");
    let (c, _c_dir, c_seeded) = country(backend).await.expect("a third database");
    let span = Duration::hours(3);

    // One simulator goes in one stride, the other in uneven steps as a runner's ticks would.
    let mut one = Simulator::new(5, start());
    let ran = one.advance_to(&a.pool, start() + span).await.unwrap();
    assert!(ran > 100, "only {ran} events in three busy hours");
    let mut other = Simulator::new(5, start());
    let mut at = start();
    let mut step = 1;
    while at < start() + span {
        at = (at + Duration::seconds(step * 97)).min(start() + span);
        other.advance_to(&b.pool, at).await.unwrap();
        step = step % 40 + 1;
    }
    let (a_journal, b_journal) = (written(&a, a_seeded).await, written(&b, b_seeded).await);
    assert!(a_journal.len() > 100, "{} entries", a_journal.len());
    assert_eq!(digest(&a_journal), digest(&b_journal));
    // In simulated time, within the span.
    assert!(
        a_journal
            .iter()
            .all(|e| e.at >= start() && e.at <= start() + span)
    );
    // Only the simulation's own accounts act.
    let strangers: Vec<&str> = a_journal
        .iter()
        .map(|e| e.actor.as_str())
        .filter(|actor| !is_simulated_actor(actor))
        .collect();
    assert!(strangers.is_empty(), "{strangers:?}");

    // Another seed, another story.
    let mut third = Simulator::new(6, start());
    third.advance_to(&c.pool, start() + span).await.unwrap();
    let c_journal = written(&c, c_seeded).await;
    assert!(!c_journal.is_empty());
    assert_ne!(digest(&a_journal), digest(&c_journal));

    // Carried on through the afternoon and the night: every kind of event, and the stories end.
    one.advance_to(&a.pool, start() + Duration::hours(14))
        .await
        .unwrap();
    let journal = written(&a, a_seeded).await;
    let mut kinds: BTreeMap<(String, String), usize> = BTreeMap::new();
    for e in &journal {
        assert!(is_simulated_actor(&e.actor), "{}", e.actor);
        *kinds
            .entry((e.entity.clone(), e.action.clone()))
            .or_default() += 1;
    }
    for (entity, action) in [
        ("account", "created"),
        ("shipment", "declared"),
        ("shipment", "arrived"),
        ("shipment", "released"),
        ("shipment", "referral_issued"),
        ("hold", "placed"),
        ("inspection", "opened"),
        ("inspection", "claimed"),
        ("inspection", "started"),
        ("inspection", "completed"),
        ("hold", "released"),
        ("hold", "seized"),
        ("port", "notice_posted"),
        ("port", "notice_cleared"),
        ("port", "status_set"),
        ("port", "waits_measured"),
    ] {
        assert!(
            kinds.contains_key(&(entity.to_string(), action.to_string())),
            "no {entity} {action} in {kinds:?}"
        );
    }
    // Seizures were asked for by the port's simulated officer and approved by its supervisor.
    for seized in journal
        .iter()
        .filter(|e| e.entity == "hold" && e.action == "seized")
    {
        assert!(
            seized.actor.starts_with("sim.supervisor."),
            "{}",
            seized.actor
        );
        let asked: String = sqlx::Row::get(
            &sqlx::query("select seizure_requested_by from holds where id = $1")
                .bind(seized.entity_id.parse::<i64>().unwrap())
                .fetch_one(&a.pool)
                .await
                .unwrap(),
            0,
        );
        assert!(asked.starts_with("sim.officer."), "{asked}");
    }
    // A port's status changed, with its reason and expected return, and came back.
    let limited = journal
        .iter()
        .find(|e| e.action == "status_set" && e.after.as_ref().unwrap()["status"] != "open")
        .expect("a port limited or closed");
    assert!(limited.reason.is_some(), "{limited:?}");
    assert!(
        limited.after.as_ref().unwrap()["expected_return_at"].is_i64(),
        "{limited:?}"
    );
    assert!(
        journal.iter().any(|e| e.action == "status_set"
            && e.entity_id == limited.entity_id
            && e.after.as_ref().unwrap()["status"] == "open"),
        "the port reopened"
    );
    // Work ends: most holds placed in the first six hours are closed eight hours later, but
    // for those waiting on another agency's laboratory (72 hours). Seeds 5 to 12 leave 3% to
    // 26% of them open; of all the holds placed, 31% to 48% are open at the end, too close to
    // any bound to tell a simulator that stopped working its holds from another story.
    let scalar = |sql: &str| {
        let (pool, sql) = (a.pool.clone(), sql.to_owned());
        async move { sqlx::Row::get::<i64, _>(&sqlx::query(&sql).fetch_one(&pool).await.unwrap(), 0) }
    };
    let early = format!(
        "select count(*) from holds where placed_by like 'Simulated%' \
         and reason <> 'other_agency' and placed_at < {}",
        (start() + Duration::hours(6)).timestamp_millis()
    );
    let placed = scalar(&early).await;
    let open = scalar(&format!(
        "{early} and status in ('placed', 'examination', 'seizure_requested')"
    ))
    .await;
    assert!(placed >= 10, "{placed} holds placed in the first six hours");
    assert!(
        open * 2 < placed,
        "{open} of the {placed} holds placed in the first six hours still open"
    );

    // The carriers' declarations go through targeting: every one is scored, some are held on
    // their score, and the port's simulated officer works those holds like any other.
    let declared: Vec<i64> = journal
        .iter()
        .filter(|e| e.entity == "shipment" && e.action == "declared")
        .map(|e| e.entity_id.parse().unwrap())
        .collect();
    assert!(declared.len() >= 50, "{} declarations", declared.len());
    let scored = scalar(
        "select count(distinct shipment_id) from shipment_scores where shipment_id in \
         (select cast(entity_id as bigint) from journal where entity = 'shipment' \
          and action = 'declared' and actor like 'sim.%')",
    )
    .await;
    assert_eq!(scored as usize, declared.len());
    let targeted =
        scalar("select count(*) from holds where placed_by like 'Targeting (sim.%'").await;
    let worked = scalar(
        "select count(*) from holds h where h.placed_by like 'Targeting (sim.%' and exists \
         (select 1 from inspections i where i.hold_id = h.id and i.status <> 'queued')",
    )
    .await;
    assert!(targeted >= 3, "{targeted} holds placed on a score");
    assert!(
        worked >= 1,
        "none of {targeted} holds placed on a score was worked"
    );
}

pub async fn an_administrator_pauses_and_resumes_the_simulation(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 50, |config| {
        config.simulation = Some(SimulationConfig {
            seed: 3,
            start: Utc::now(),
            speed: 1.0,
        });
    })
    .await
    else {
        return;
    };
    app.account("ops.admin", Role::Admin, "all").await;
    let admin = app.token_for("ops.admin").await;
    let viewer = app.token_for("test.reader").await;
    let call = |path: &'static str, body: &'static str, token: String| {
        app.client
            .post(app.url(path))
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let status = call("/rpc/sim_status", "", viewer.clone()).await.unwrap();
    assert_eq!(status.status(), StatusCode::OK);
    let status: Value = status.json().await.unwrap();
    assert_eq!(status["running"], true);
    assert_eq!(status["may_control"], false);

    // A viewer may not.
    let refused = call("/rpc/set_sim_paused", "paused=true", viewer.clone())
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["code"], "forbidden");
    // Nobody signed in: 401.
    let anonymous = client(false)
        .post(app.url("/rpc/set_sim_paused"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("paused=true")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // An administrator pauses: journaled, and the simulated clock stands still.
    let paused = call("/rpc/set_sim_paused", "paused=true", admin.clone())
        .await
        .unwrap();
    assert_eq!(paused.status(), StatusCode::OK);
    let paused: Value = paused.json().await.unwrap();
    assert_eq!(paused["running"], false);
    assert_eq!(paused["may_control"], true);
    let entries = app
        .scalar(
            "select count(*) from journal where entity = 'simulation' and action = 'paused' \
             and actor = 'ops.admin'",
        )
        .await;
    assert_eq!(entries, 1);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let still: Value = call("/rpc/sim_status", "", viewer.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(still["running"], false);
    assert_eq!(still["simulated_at"], paused["simulated_at"]);
    // Pausing what is paused records nothing more.
    call("/rpc/set_sim_paused", "paused=true", admin.clone())
        .await
        .unwrap();
    assert_eq!(
        app.scalar("select count(*) from journal where entity = 'simulation'")
            .await,
        1
    );

    // And resumes: journaled, and the clock moves on from where it stood.
    let resumed: Value = call("/rpc/set_sim_paused", "paused=false", admin.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resumed["running"], true);
    assert_eq!(
        app.scalar(
            "select count(*) from journal where entity = 'simulation' and action = 'resumed' \
             and actor = 'ops.admin'",
        )
        .await,
        1
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let later: Value = call("/rpc/sim_status", "", viewer.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let at = |v: &Value| v["simulated_at"].as_str().unwrap().parse::<DateTime<Utc>>();
    assert!(at(&later).unwrap() > at(&paused).unwrap());

    // The runner made the simulated accounts on its first tick (or is making them).
    let made = "select count(*) from accounts where username = 'sim.officer.yvr'";
    let mut waited = 0;
    while app.scalar(made).await == 0 && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        waited += 1;
    }
    assert_eq!(app.scalar(made).await, 1);

    // Without a simulation there is nothing to show or pause.
    let Some(still_country) = spawn_app_with(backend, 0).await else {
        return;
    };
    still_country.account("ops.admin", Role::Admin, "all").await;
    let admin = still_country.token_for("ops.admin").await;
    let none: Value = still_country
        .client
        .post(still_country.url("/rpc/sim_status"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(none.is_null(), "{none}");
    let missing = still_country
        .client
        .post(still_country.url("/rpc/set_sim_paused"))
        .bearer_auth(admin)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("paused=true")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// How one day of declarations turned out within `SHAPE_HORIZON` of each declaration, for the
/// part of it the demo's model decides: the declarations the targeting rules did not hold on
/// their score (the seeded history has no scores, so that is all of it there), how many of
/// them the officers held and examined, and what those examinations found. The inconclusive
/// band does not depend on the reason for the hold, so every examination of the day counts
/// for it, those of the holds placed on a score too.
#[derive(Debug, Default)]
struct Shape {
    declared: i64,
    held: i64,
    examined: i64,
    /// Results of the examinations of the officers' holds, and how many found something.
    results: i64,
    findings: i64,
    /// Results of every examination of the day, and how many were inconclusive.
    all_results: i64,
    inconclusive: i64,
    /// Declarations the targeting rules held on their score; the other figures leave them out.
    held_on_score: i64,
}

/// How long after its declaration a shipment's story is counted: long enough for the goods to
/// arrive (a ship's lead is up to twelve hours) and be held, and for most examinations to be
/// opened and many to be finished. The same horizon on both sides.
const SHAPE_HORIZON: Duration = Duration::hours(12);

/// A hold the targeting rules placed on a score, as they sign it.
const ON_SCORE: &str = "h.placed_by like 'Targeting (%'";

/// The shape of the shipments declared in `[from, to)`.
async fn shape(db: &Db, from: DateTime<Utc>, to: DateTime<Utc>) -> Shape {
    use app::domain::clock::to_millis;
    use sqlx::Row;
    let (from, to) = (to_millis(from), to_millis(to));
    let horizon = SHAPE_HORIZON.num_milliseconds();
    let row = sqlx::query(&format!(
        "select count(*) as declared, \
         coalesce(sum(case when exists (select 1 from holds h where h.shipment_id = s.id \
           and h.placed_at <= s.created_at + $3) then 1 else 0 end), 0) as held, \
         coalesce(sum(case when exists (select 1 from inspections i join holds h \
           on h.id = i.hold_id where h.shipment_id = s.id \
           and i.created_at <= s.created_at + $3) then 1 else 0 end), 0) as examined \
         from shipments s where s.created_at >= $1 and s.created_at < $2 \
         and not exists (select 1 from holds h where h.shipment_id = s.id and {ON_SCORE})"
    ))
    .bind(from)
    .bind(to)
    .bind(horizon)
    .fetch_one(&db.pool)
    .await
    .expect("the shape reads");
    let mut shape = Shape {
        declared: row.get("declared"),
        held: row.get("held"),
        examined: row.get("examined"),
        ..Shape::default()
    };
    let outcomes = sqlx::query(&format!(
        "select i.outcome, case when {ON_SCORE} then 1 else 0 end as on_score, \
         count(*) as n from inspections i \
         join holds h on h.id = i.hold_id join shipments s on s.id = h.shipment_id \
         where s.created_at >= $1 and s.created_at < $2 and i.outcome is not null \
         and i.completed_at <= s.created_at + $3 group by i.outcome, on_score"
    ))
    .bind(from)
    .bind(to)
    .bind(horizon)
    .fetch_all(&db.pool)
    .await
    .expect("the outcomes read");
    for row in outcomes {
        let outcome: String = row.get("outcome");
        let (on_score, n): (i64, i64) = (row.get("on_score"), row.get("n"));
        shape.all_results += n;
        if outcome == "inconclusive" {
            shape.inconclusive += n;
        }
        if on_score == 0 {
            shape.results += n;
            if !["no_finding", "inconclusive"].contains(&outcome.as_str()) {
                shape.findings += n;
            }
        }
    }
    shape.held_on_score = sqlx::query(&format!(
        "select count(*) as n from shipments s where s.created_at >= $1 and s.created_at < $2 \
         and exists (select 1 from holds h where h.shipment_id = s.id and {ON_SCORE})"
    ))
    .bind(from)
    .bind(to)
    .fetch_one(&db.pool)
    .await
    .expect("the holds on score read")
    .get("n");
    shape
}

/// Whether two shares, `a` of `n` and `b` of `m`, are the same within `Z` standard errors of
/// their difference (two proportions, pooled). Deterministic seeds make the test repeatable;
/// the tolerance is what lets it say "the same shape" rather than "the same numbers".
fn same_share(what: &str, (a, n): (i64, i64), (b, m): (i64, i64)) -> Result<(), String> {
    /// A matching pair differs by more than this one time in about two thousand, for each
    /// figure: an unrelated change that redraws the random streams does not trip the test.
    const Z: f64 = 3.5;
    let (p, q) = (a as f64 / n as f64, b as f64 / m as f64);
    let pooled = (a + b) as f64 / (n + m) as f64;
    let error = (pooled * (1.0 - pooled) * (1.0 / n as f64 + 1.0 / m as f64)).sqrt();
    let tolerance = Z * error;
    let line = format!(
        "{what}: simulated {p:.4} ({a} of {n}), seeded {q:.4} ({b} of {m}), \
         difference {:.4}, tolerance {tolerance:.4}",
        (p - q).abs()
    );
    eprintln!("{line}");
    if (p - q).abs() <= tolerance {
        Ok(())
    } else {
        Err(line)
    }
}

pub async fn a_simulated_day_has_the_shape_of_a_seeded_day(backend: Backend) {
    // The history as `make run` seeds it (12,000 shipments over 14 days), ending at noon in
    // Toronto; then a day of the simulation, run on until the last of its declarations has had
    // the same horizon as the history's.
    let Some((db, _dir)) = fresh_db(backend).await else {
        return;
    };
    db.migrate().await.expect("migrations apply");
    let options = SeedOptions::new(seed::DEFAULT_SEED, start());
    seed::demo(&db, &options).await.expect("demo country seeds");
    let day = Duration::days(1);
    let mut simulator = Simulator::new(seed::DEFAULT_SEED, start());
    simulator
        .advance_to(&db.pool, start() + day + SHAPE_HORIZON)
        .await
        .expect("the simulation runs");

    let history_from = start() - Duration::days(options.days);
    let seeded = shape(&db, history_from, start() - SHAPE_HORIZON).await;
    let simulated = shape(&db, start(), start() + day).await;
    eprintln!("seeded {seeded:?}\nsimulated {simulated:?}");
    assert!(simulated.declared > 3_000, "{simulated:?}");
    assert!(seeded.declared > 10_000, "{seeded:?}");
    let failures: Vec<String> = [
        // Both are scored by the same rules: as many held on their score.
        same_share(
            "held on score",
            (
                simulated.held_on_score,
                simulated.declared + simulated.held_on_score,
            ),
            (seeded.held_on_score, seeded.declared + seeded.held_on_score),
        ),
        same_share(
            "held",
            (simulated.held, simulated.declared),
            (seeded.held, seeded.declared),
        ),
        same_share(
            "examined",
            (simulated.examined, simulated.declared),
            (seeded.examined, seeded.declared),
        ),
        same_share(
            "findings among results",
            (simulated.findings, simulated.results),
            (seeded.findings, seeded.results),
        ),
        same_share(
            "inconclusive among results",
            (simulated.inconclusive, simulated.all_results),
            (seeded.inconclusive, seeded.all_results),
        ),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    assert!(
        failures.is_empty(),
        "a simulated day and a seeded day differ in shape:\n{}",
        failures.join("\n")
    );
}
