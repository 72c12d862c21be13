//! The backlog forecast through the API, on a port built for it whose answer is known, and
//! its benchmark run as the README shows it.

use crate::cli::{fresh_database, run_with};
use crate::helpers::{Backend, TestApp, spawn_app_with};
use app::domain::clock::to_millis;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql)
        .execute(&app.db.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Shipment `id` at TST, declared a day ago, due yesterday and not arrived (so neither an
/// arrival of the last days nor a declaration still to come), with hold `id` due at `due`.
async fn shipment_with_hold(app: &TestApp, id: i64, due: DateTime<Utc>, paused_since: Option<i64>) {
    let day_ago = to_millis(Utc::now() - Duration::days(1));
    exec(
        app,
        &format!(
            "insert into shipments (id, mode, reference_kind, reference, carrier, voyage, \
             origin_country, origin_location, port_code, shipper_name, shipper_address, \
             consignee_name, consignee_address, importer_name, hs_code, description, pieces, \
             weight_kg, declared_value_cents, currency, eta_at, status, created_at) values \
             ({id}, 'land', 'cargo_control', 'TST{id:07}', 'Carrier', 'V1', 'US', 'Buffalo', \
             'TST', 'Shipper', 'Address', 'Consignee', 'Address', 'Importer', '847130', \
             'Goods', 1, 10.0, 100, 'CAD', {day_ago}, 'held', {day_ago})"
        ),
    )
    .await;
    exec(
        app,
        &format!(
            "insert into holds (id, shipment_id, port_code, reason, status, placed_at, placed_by, \
             due_at, paused_since) values ({id}, {id}, 'TST', 'risk_target', 'examination', \
             {day_ago}, 'test', {}, {})",
            to_millis(due),
            paused_since.map_or("null".to_string(), |p| p.to_string())
        ),
    )
    .await;
}

/// An examination's opening and due times, and its start and completion when worked.
type Times = (
    DateTime<Utc>,
    DateTime<Utc>,
    Option<(DateTime<Utc>, DateTime<Utc>)>,
);

/// Examination `id` of hold `hold` at TST.
async fn examination(app: &TestApp, id: i64, hold: i64, rank: i64, times: Times) {
    let (created, due, worked) = times;
    let (status, started, completed) = match worked {
        Some((s, c)) => (
            "completed",
            to_millis(s).to_string(),
            to_millis(c).to_string(),
        ),
        None => ("queued", "null".into(), "null".into()),
    };
    exec(
        app,
        &format!(
            "insert into inspections (id, hold_id, port_code, kind, priority_rank, status, \
             created_at, due_at, started_at, completed_at) values ({id}, {hold}, 'TST', 'xray', \
             {rank}, '{status}', {}, {}, {started}, {completed})",
            to_millis(created),
            to_millis(due)
        ),
    )
    .await;
}

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .unwrap_or_else(|| panic!("an instant: {v}"))
        .with_timezone(&Utc)
}

/// TST: 2 officers, who lately completed 6 examinations in 2 officer-hours at work (3 an
/// officer-hour, so 6 an hour now); 12 normal examinations waiting and 1 routine one last in
/// the queue, whose hold is due in 90 minutes. 13 at 6 an hour: clear in 2 h 10 min, and that
/// hold passes its service level at its due time.
pub async fn a_constructed_port_gets_the_forecast_its_figures_give(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 0).await else {
        return;
    };
    exec(
        &app,
        "insert into ports (code, name, kind, province, time_zone, status, hours, lanes_open, \
         lanes_available, officers_on_shift) values ('TST', 'Test crossing', 'land', 'ON', \
         'America/Toronto', 'open', '24/7', 2, 4, 2)",
    )
    .await;
    let now = Utc::now();
    let soon = now + Duration::minutes(90);
    // The history: six examinations completed yesterday, 20 minutes of work each, given a
    // long time (so an examination waiting now is past what they took: only the queue counts).
    for i in 1..=6 {
        shipment_with_hold(&app, i, now - Duration::hours(2), None).await;
        let done = now - Duration::hours(20) + Duration::minutes(i);
        let times = (
            done - Duration::minutes(20),
            done + Duration::days(4),
            Some((done - Duration::minutes(20), done)),
        );
        examination(&app, i, i, 3, times).await;
    }
    // Waiting: 12 normal, opened half an hour ago, due in 3 hours; holds due in 5 hours.
    for i in 11..=22 {
        shipment_with_hold(&app, i, now + Duration::hours(5), None).await;
        examination(
            &app,
            i,
            i,
            3,
            (now - Duration::minutes(30), now + Duration::hours(3), None),
        )
        .await;
    }
    // The routine one, last in the queue, its hold due in 90 minutes.
    shipment_with_hold(&app, 30, soon, None).await;
    examination(
        &app,
        30,
        30,
        4,
        (now - Duration::minutes(30), now + Duration::hours(8), None),
    )
    .await;
    // A paused hold due in an hour, and one with no examination due in 7 hours.
    shipment_with_hold(&app, 31, now + Duration::hours(1), Some(to_millis(now))).await;
    shipment_with_hold(&app, 32, now + Duration::hours(7), None).await;

    let f = app.get_json("/api/v1/ports/tst/forecast", 200).await;
    assert_eq!(f["port"], "TST");
    assert_eq!(f["waiting"], 13);
    assert_eq!(f["officers_on_shift"], 2);
    assert_eq!(f["completed_recently"], 6);
    assert_eq!(f["rate_measured"], true);
    assert!(
        (f["rate_per_officer_hour"].as_f64().unwrap() - 3.0).abs() < 1e-9,
        "{f}"
    );
    assert!(
        (f["rate_per_hour"].as_f64().unwrap() - 6.0).abs() < 1e-9,
        "{f}"
    );
    assert_eq!(f["clearance"]["state"], "by", "{f}");
    let at = instant(&f["at"]);
    let expected = instant(&f["clearance"]["expected"]);
    assert!(
        (expected - at - Duration::minutes(130)).num_seconds().abs() <= 1,
        "13 at 6 an hour: {f}"
    );
    assert!(instant(&f["clearance"]["earliest"]) < expected);
    assert!(instant(&f["clearance"]["latest"]) > expected);
    let holds: Vec<(i64, i64)> = f["holds_at_risk"]
        .as_array()
        .expect("holds")
        .iter()
        .map(|h| {
            (
                h["hold_id"].as_i64().unwrap(),
                to_millis(instant(&h["passes_at"])),
            )
        })
        .collect();
    assert_eq!(
        holds,
        vec![
            (30, to_millis(soon)),
            (32, to_millis(now + Duration::hours(7)))
        ],
        "{f}"
    );
    assert_eq!(f["holds_at_risk"][0]["shipment_id"], 30);

    // The country: this one port.
    let country = app.get_json("/api/v1/forecast", 200).await;
    assert_eq!(country["port"], Value::Null);
    assert_eq!(country["waiting"], 13);
    assert_eq!(country["last_to_clear"], "TST");
    assert_eq!(country["time_zone"], "America/Toronto");
    assert_eq!(country["holds_at_risk"].as_array().map(Vec::len), Some(2));

    // Nobody on shift: not within 24 hours, and why; every hold due in the next 8 hours but
    // the paused one passes.
    exec(
        &app,
        "update ports set officers_on_shift = 0 where code = 'TST'",
    )
    .await;
    let f = app.get_json("/api/v1/ports/TST/forecast", 200).await;
    assert_eq!(f["clearance"]["state"], "not_within", "{f}");
    assert_eq!(f["clearance"]["why"], "no_officers", "{f}");
    assert_eq!(f["holds_at_risk"].as_array().map(Vec::len), Some(14), "{f}");

    let missing = app.get_json("/api/v1/ports/NOPE/forecast", 404).await;
    assert_eq!(missing["error"]["code"], "not_found");
    let bad = app.get_json("/api/v1/forecast?port=TST", 422).await;
    assert_eq!(bad["error"]["field"], "port");
}

/// `border-ops bench forecast` as the README shows it (on PostgreSQL at a smaller size): it
/// seeds, forecasts each hour and scores the forecasts.
pub async fn the_forecast_benchmark_scores_its_forecasts(backend: Backend) {
    let (database, _dir, args): (String, _, &[&str]) = match backend {
        Backend::Sqlite => (
            String::new(),
            None,
            &["bench", "forecast", "--days", "3", "--seed", "2026"],
        ),
        Backend::Postgres => match fresh_database(backend).await {
            Some((url, dir)) => (
                url,
                dir,
                &["bench", "forecast", "--days", "1", "--shipments", "2000"],
            ),
            None => return,
        },
    };
    let ran = run_with(&database, &[], args, None)
        .await
        .ok("bench forecast");
    let summary = ran.stdout.lines().last().expect("a summary line");
    let figure = |key: &str| -> f64 {
        summary
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} in {summary}"))
    };
    let forecasts = figure("forecasts");
    assert!(forecasts >= 20.0, "{summary}");
    assert!(figure("not_within_24h") <= forecasts);
    let (median, p90) = (
        figure("clearance_abs_error_median_min"),
        figure("clearance_abs_error_p90_min"),
    );
    assert!(
        0.0 <= median && median <= p90 && p90 <= 24.0 * 60.0,
        "{summary}"
    );
    // The range holds the actual time about as often as an interquartile range should.
    let within = figure("within_range_pct");
    assert!((25.0..=95.0).contains(&within), "{summary}");
    if backend == Backend::Sqlite {
        assert_eq!(figure("shipments"), 12_000.0);
        assert_eq!(figure("days"), 3.0);
    }
}
