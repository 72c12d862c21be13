//! Border waits: an officer's measurement at their own port (`POST /api/v1/ports/{code}/waits`,
//! authorized per port, version-checked, journaled, live), and CBSA's wait times file
//! (`POST /api/v1/waits`, `border-ops waits import FILE`): recorded, skipped and refused rows,
//! a file of bad rows that changes nothing, limits, and imports of one file raced.

use crate::cli::{fresh_database, run_with};
use crate::helpers::{Backend, TempDir, TestApp, spawn_app};
use crate::live::SseReader;
use app::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;
use std::time::Duration;

/// CBSA's format, as the README shows it.
pub const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docs/samples/border-wait-times.csv"
);

/// Before the sample file's rows (2026-11-28T00:00:00Z), in milliseconds.
const BEFORE_THE_FILE: i64 = 1_795_824_000_000;

/// 2026-11-29 14:05 EST, the Ambassador Bridge row's last update.
const AMB_UPDATED: i64 = 1_795_979_100_000;

/// A client sending `username`'s token, made with `role` at `ports`.
async fn person(app: &TestApp, username: &str, role: Role, ports: &str) -> reqwest::Client {
    app.account(username, role, ports).await;
    let token = app.token_for(username).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn measure(app: &TestApp, who: &reqwest::Client, code: &str, body: Value) -> (u16, Value) {
    let response = who
        .post(app.url(&format!("/api/v1/ports/{code}/waits")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn import(app: &TestApp, who: &reqwest::Client, file: Vec<u8>) -> (u16, Value) {
    let response = who
        .post(app.url("/api/v1/waits"))
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A port's waits, measurement time and version, as stored.
async fn stored(app: &TestApp, code: &str) -> (Option<i64>, Option<i64>, Option<i64>, i64) {
    let row = sqlx::query(
        "select commercial_wait_min, traveller_wait_min, waits_measured_at, version from ports \
         where code = $1",
    )
    .bind(code)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    (
        row.try_get(0).unwrap(),
        row.try_get(1).unwrap(),
        row.try_get(2).unwrap(),
        row.try_get(3).unwrap(),
    )
}

/// Every port's waits and version, and the journal's waits entries: what "nothing changed"
/// compares.
async fn snapshot(app: &TestApp) -> (Vec<String>, i64) {
    let ports = sqlx::query(
        "select code, commercial_wait_min, traveller_wait_min, waits_measured_at, version \
         from ports order by code",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        format!(
            "{}|{:?}|{:?}|{:?}|{}",
            r.try_get::<String, _>(0).unwrap(),
            r.try_get::<Option<i64>, _>(1).unwrap(),
            r.try_get::<Option<i64>, _>(2).unwrap(),
            r.try_get::<Option<i64>, _>(3).unwrap(),
            r.try_get::<i64, _>(4).unwrap()
        )
    })
    .collect();
    let entries = app
        .scalar("select count(*) from journal where action = 'waits_measured'")
        .await;
    (ports, entries)
}

/// The land crossings' measurements set before the sample file's rows.
async fn measured_before_the_file(app: &TestApp) {
    sqlx::query("update ports set waits_measured_at = $1 where kind = 'land'")
        .bind(BEFORE_THE_FILE)
        .execute(&app.db.pool)
        .await
        .unwrap();
}

fn sample() -> Vec<u8> {
    std::fs::read(SAMPLE).expect("the sample file")
}

/// An officer of AMB records both flows, then one: each time the port's version moves on, the
/// journal names the officer, and a live reader hears it. A stale version, a wait out of range,
/// one for a flow the port has not, or none at all is refused and changes nothing.
pub async fn an_officer_records_waits_at_their_port_journaled_and_live(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let officer = person(&app, "o.amb", Role::Officer, "AMB").await;
    let mut stream = SseReader::open(&app.client, &app.url("/api/v1/live"), None).await;
    let (_, _, _, version) = stored(&app, "AMB").await;

    let (status, body) = measure(
        &app,
        &officer,
        "amb",
        json!({"commercial_min": 40, "traveller_min": 12, "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], "AMB");
    assert_eq!(body["commercial_wait_min"], 40);
    assert_eq!(body["traveller_wait_min"], 12);
    assert_eq!(body["version"], version + 1);
    assert_eq!(body["commercial_applies"], true);
    let tile = app.get_json("/api/v1/ports/AMB", 200).await;
    assert_eq!(tile["summary"]["commercial_wait_min"], 40);
    assert_eq!(tile["summary"]["traveller_wait_min"], 12);
    let entry = sqlx::query(
        "select actor, after_json from journal where entity = 'port' and entity_id = 'AMB' \
         and action = 'waits_measured' order by seq desc limit 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(entry.try_get::<String, _>(0).unwrap(), "o.amb");
    let after: Value = serde_json::from_str(&entry.try_get::<String, _>(1).unwrap()).unwrap();
    assert_eq!(after["version"], version + 1);
    assert_eq!(after["commercial_wait_min"], 40);

    let mut heard = None;
    while let Some(event) = stream.next(Duration::from_secs(5)).await {
        if event.data["action"] == "waits_measured" {
            heard = Some(event);
            break;
        }
    }
    let heard = heard.expect("the change is heard live");
    assert_eq!(heard.event, "port");
    assert_eq!(heard.data["port_code"], "AMB");
    assert_eq!(heard.data["actor"], "o.amb");
    assert_eq!(heard.data["version"], version + 1);

    // One flow measured: the other keeps its measurement.
    let (status, body) = measure(&app, &officer, "AMB", json!({"traveller_min": 7})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["commercial_wait_min"], 40);
    assert_eq!(body["traveller_wait_min"], 7);
    assert_eq!(body["version"], version + 2);

    let before = snapshot(&app).await;
    // A view older than the port's: 409 with the waits as they now are.
    let (status, body) = measure(
        &app,
        &officer,
        "AMB",
        json!({"commercial_min": 5, "version": version}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "stale");
    assert_eq!(body["error"]["current"]["version"], version + 2);
    assert_eq!(body["error"]["current"]["traveller_wait_min"], 7);

    let supervisor_yyz = person(&app, "s.yyz", Role::Supervisor, "YYZ").await;
    for (who, code, body, field, says) in [
        (
            &officer,
            "AMB",
            json!({"commercial_min": -1}),
            "commercial_min",
            "a wait is 0 to 1,440 minutes (a day); -1 is not",
        ),
        (
            &officer,
            "AMB",
            json!({"traveller_min": 1441}),
            "traveller_min",
            "a wait is 0 to 1,440 minutes (a day); 1441 is not",
        ),
        (
            &officer,
            "AMB",
            json!({"commercial_min": null}),
            "commercial_min",
            "give at least one wait measured at AMB, in minutes",
        ),
        (
            &officer,
            "AMB",
            json!({"commercial": 10}),
            "body",
            "unknown field",
        ),
        (
            &supervisor_yyz,
            "YYZ",
            json!({"commercial_min": 10}),
            "commercial_min",
            "YYZ (Air cargo) has no commercial flow: leave this wait empty",
        ),
        (
            &supervisor_yyz,
            "YYZ",
            json!({"traveller_min": 0}),
            "traveller_min",
            "YYZ (Air cargo) has no travellers flow: leave this wait empty",
        ),
    ] {
        let (status, answer) = measure(&app, who, code, body.clone()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
    }
    let (status, _) = measure(&app, &officer, "ZZZ", json!({"commercial_min": 5})).await;
    assert_eq!(status, 404);
    assert_eq!(
        snapshot(&app).await,
        before,
        "nothing refused changed anything"
    );
}

/// Only the port's own officers and supervisors record its waits: an officer of another port,
/// a viewer, an analyst and an administrator, asking many times at once, are refused (each
/// refusal journaled) and nothing changes; the feed is for supervisors and administrators.
pub async fn others_than_the_ports_officers_may_not_record_waits(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let elsewhere = person(&app, "o.pac", Role::Officer, "PAC").await;
    let analyst = person(&app, "a.ntc", Role::Analyst, "all").await;
    let admin = person(&app, "adm", Role::Admin, "all").await;
    let officer = person(&app, "o.amb", Role::Officer, "AMB").await;
    let before = snapshot(&app).await;
    let refused_before = app.refusals_accounted("refused").await;
    let everyone = [&elsewhere, &app.client, &analyst, &admin];
    let attempts = (0..40).map(|i| {
        let who = everyone[i % everyone.len()];
        measure(
            &app,
            who,
            "AMB",
            json!({"commercial_min": 90, "traveller_min": 90}),
        )
    });
    for (status, body) in futures_util::future::join_all(attempts).await {
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "no refused attempt changed anything"
    );
    assert_eq!(
        app.refusals_accounted("refused").await - refused_before,
        40,
        "every refusal is accounted for"
    );
    let (status, body) = measure(&app, &elsewhere, "AMB", json!({"commercial_min": 1})).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("may not record the border waits measured at a port at AMB"),
        "{status} {body}"
    );

    // The feed: an officer, a viewer and an analyst may not send it.
    for who in [&officer, &app.client, &analyst] {
        let (status, body) = import(&app, who, sample()).await;
        assert_eq!(status, 403, "{body}");
    }
    assert_eq!(snapshot(&app).await, before);
    // The port's officer and an administrator's feed may.
    let (status, body) = measure(&app, &officer, "AMB", json!({"commercial_min": 9})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = import(&app, &admin, sample()).await;
    assert_eq!(status, 200, "{body}");
}

fn row(report: &Value, line: u64) -> &Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["line"] == line)
        .unwrap_or_else(|| panic!("line {line} in {report}"))
}

/// The sample file: its rows older than the ports' measurements are skipped; once they are
/// newer, our three offices' rows are recorded as `feed:cbsa` (a closed flow keeps its last
/// measurement), other offices' rows are skipped, and the two bad rows are refused by line,
/// column and reason. The same file again records nothing more.
pub async fn the_cbsa_file_records_our_offices_rows_and_names_the_bad_ones(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let feed = person(&app, "s.amb", Role::Supervisor, "AMB").await;

    // The demo's measurements are from now: the file's rows are older.
    let before = snapshot(&app).await;
    let (status, report) = import(&app, &feed, sample()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (
            &report["received"],
            &report["recorded"],
            &report["skipped"],
            &report["refused"]
        ),
        (&json!(10), &json!(0), &json!(8), &json!(2)),
        "{report}"
    );
    assert_eq!(row(&report, 2)["outcome"], "skipped");
    let reason = row(&report, 2)["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("AMB has a measurement from "),
        "{reason}"
    );
    assert_eq!(
        snapshot(&app).await,
        before,
        "an older row overwrites nothing"
    );

    measured_before_the_file(&app).await;
    let (_, peace_travellers, _, peace_version) = stored(&app, "PEA").await;
    let (status, report) = import(&app, &feed, sample()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (
            &report["received"],
            &report["recorded"],
            &report["skipped"],
            &report["refused"]
        ),
        (&json!(10), &json!(3), &json!(5), &json!(2)),
        "{report}"
    );
    let amb = row(&report, 2);
    assert_eq!(
        (
            &amb["outcome"],
            &amb["port"],
            &amb["commercial_min"],
            &amb["traveller_min"]
        ),
        (&json!("recorded"), &json!("AMB"), &json!(65), &json!(15))
    );
    assert_eq!(row(&report, 3)["port"], "BWB");
    assert_eq!(row(&report, 4)["outcome"], "recorded");
    assert_eq!(row(&report, 4)["traveller_min"], Value::Null);
    for line in 7..=11 {
        assert_eq!(row(&report, line)["outcome"], "skipped");
        assert_eq!(
            row(&report, line)["reason"],
            "this office is not one of our ports"
        );
    }
    let pacific = row(&report, 5);
    assert_eq!(pacific["outcome"], "refused");
    assert_eq!(pacific["port"], "PAC");
    assert_eq!(
        pacific["errors"],
        json!([{"field": "Travellers Flow - Canada bound",
                "reason": "a wait is 0 to 1,440 minutes (a day); 1500 is not"}])
    );
    let lacolle = &row(&report, 6)["errors"][0];
    assert_eq!(lacolle["field"], "Commercial Flow - Canada bound");
    assert!(
        lacolle["reason"]
            .as_str()
            .unwrap()
            .starts_with("\"35 minuts\" is not a wait as CBSA's file gives one"),
        "{lacolle}"
    );

    let (commercial, travellers, measured_at, _) = stored(&app, "AMB").await;
    assert_eq!(
        (commercial, travellers, measured_at),
        (Some(65), Some(15), Some(AMB_UPDATED))
    );
    let (peace_commercial, travellers, _, version) = stored(&app, "PEA").await;
    assert_eq!(peace_commercial, Some(0));
    assert_eq!(
        travellers, peace_travellers,
        "a closed flow keeps its measurement"
    );
    assert_eq!(version, peace_version + 1);
    assert_eq!(
        stored(&app, "PAC").await.2,
        Some(BEFORE_THE_FILE),
        "a refused row records nothing"
    );
    let entries = sqlx::query(
        "select entity_id, after_json from journal where actor = 'feed:cbsa' \
         and action = 'waits_measured' order by entity_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let ports: Vec<String> = entries.iter().map(|r| r.try_get(0).unwrap()).collect();
    assert_eq!(ports, ["AMB", "BWB", "PEA"]);
    let after: Value = serde_json::from_str(&entries[0].try_get::<String, _>(1).unwrap()).unwrap();
    assert_eq!(after["source"]["sent_by"], "s.amb");
    assert_eq!(after["source"]["line"], 2);

    // Sent again: nothing newer, nothing recorded twice.
    let after_first = snapshot(&app).await;
    let (_, again) = import(&app, &feed, sample()).await;
    assert_eq!(again["recorded"], 0, "{again}");
    assert_eq!(snapshot(&app).await, after_first);
}

/// A file whose every row is bad changes nothing; a file without the columns read, one of too
/// many rows, one too large and one of another type are refused whole.
pub async fn a_file_of_bad_rows_changes_nothing_and_limits_hold(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    measured_before_the_file(&app).await;
    let feed = person(&app, "s.amb", Role::Supervisor, "AMB").await;
    let before = snapshot(&app).await;
    let header = "CBSA Office;Location;Last updated;Commercial Flow - Canada bound;\
                  Commercial Flow - U.S. bound;Travellers Flow - Canada bound;\
                  Travellers Flow - U.S. bound";
    let bad = format!(
        "{header}\nAmbassador Bridge;Windsor;2026-11-29 14:05 XST;10 minutes;--;No Delay;--\n\
         Peace Bridge;Fort Erie;2026-11-29 14:05 EST;an hour;--;No Delay;--\n\
         Blue Water Bridge;Sarnia;2026-11-29 14:05 EST;2000 minutes;--;No Delay;--\n\
         Pacific Highway;Surrey\n\
         ;Nowhere;2026-11-29 14:05 EST;10 minutes;--;No Delay;--\n\
         St-Bernard-de-Lacolle;Lacolle;2099-11-29 14:05 EST;10 minutes;--;No Delay;--\n"
    );
    let (status, report) = import(&app, &feed, bad.into_bytes()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["refused"], 6, "{report}");
    assert_eq!(report["recorded"], 0);
    let fields: Vec<(u64, String)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["errors"][0]["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            (2, "Last updated".to_string()),
            (3, "Commercial Flow - Canada bound".to_string()),
            (4, "Commercial Flow - Canada bound".to_string()),
            (5, "row".to_string()),
            (6, "CBSA Office".to_string()),
            (7, "Last updated".to_string()),
        ]
    );
    assert_eq!(
        snapshot(&app).await,
        before,
        "a file of bad rows changes nothing"
    );

    let (status, body) = import(
        &app,
        &feed,
        b"Office;Location;Updated;Commercial\n".to_vec(),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "header");
    let many = format!(
        "{header}\n{}",
        "Coutts;Coutts;2026-11-29 12:00 MST;Closed;--;Closed;--\n".repeat(1_001)
    );
    let (status, body) = import(&app, &feed, many.into_bytes()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "row");
    // Refused on its declared length, before it has all arrived.
    let token = app.token_for("s.amb").await;
    let (head, body) = app
        .post_oversized("/api/v1/waits", &token, "text/csv", 1024 * 1024 + 1)
        .await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    assert_eq!(body["error"]["code"], "too_large");
    let response = feed
        .post(app.url("/api/v1/waits"))
        .header("content-type", "application/json")
        .body(sample())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        snapshot(&app).await,
        before,
        "nothing refused changed anything"
    );
}

/// The same file sent eight times at once: each row of ours is recorded once, by one of them,
/// and every port moves on by one version.
pub async fn imports_of_one_file_at_once_record_each_row_once(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    measured_before_the_file(&app).await;
    let feed = person(&app, "s.amb", Role::Supervisor, "AMB").await;
    let versions = [
        stored(&app, "AMB").await.3,
        stored(&app, "BWB").await.3,
        stored(&app, "PEA").await.3,
    ];
    let reports =
        futures_util::future::join_all((0..8).map(|_| import(&app, &feed, sample()))).await;
    let mut recorded = 0;
    for (status, report) in &reports {
        assert_eq!(*status, 200, "{report}");
        assert_eq!(report["refused"], 2);
        recorded += report["recorded"].as_i64().unwrap();
    }
    assert_eq!(recorded, 3, "each row of ours is recorded once");
    assert_eq!(
        app.scalar("select count(*) from journal where actor = 'feed:cbsa'")
            .await,
        3
    );
    for (code, version) in ["AMB", "BWB", "PEA"].into_iter().zip(versions) {
        assert_eq!(stored(&app, code).await.3, version + 1, "{code}");
    }
    assert_eq!(stored(&app, "AMB").await.0, Some(65));
}

/// `border-ops waits import FILE` as the README shows it, on the demo country seeded on
/// 2026-11-28: the sample's summary, each skipped and refused row by its line, a non-zero exit
/// for the refused rows, and the waits recorded; a file of good rows exits 0.
pub async fn the_wait_times_file_is_imported_from_the_command_line(backend: Backend) {
    let Some((database, dir)) = fresh_database(backend).await else {
        return;
    };
    let folder = dir.unwrap_or_else(|| {
        TempDir(std::env::temp_dir().join(format!("boc_cli_{}", uuid::Uuid::new_v4().simple())))
    });
    std::fs::create_dir_all(&folder.0).unwrap();
    run_with(
        &database,
        &[],
        &[
            "seed",
            "--demo",
            "--shipments",
            "60",
            "--at",
            "2026-11-28T12:00:00Z",
        ],
        None,
    )
    .await
    .ok("seed");
    let ran = run_with(&database, &[], &["waits", "import", SAMPLE], None).await;
    assert!(
        !ran.status.success(),
        "refused rows: a non-zero exit\n{}",
        ran.stdout
    );
    for line in [
        "border-wait-times.csv: 10 rows: 3 recorded, 5 skipped, 2 refused",
        "line 2: Ambassador Bridge (AMB): recorded, commercial 65 min, travellers 15 min",
        "line 4: Peace Bridge (PEA): recorded, commercial 0 min, travellers as before",
        "line 5: Travellers Flow - Canada bound: a wait is 0 to 1,440 minutes (a day); 1500 is not",
        "line 6: Commercial Flow - Canada bound: \"35 minuts\" is not a wait",
        "line 7: Queenston-Lewiston Bridge: skipped: this office is not one of our ports",
    ] {
        assert!(ran.stdout.contains(line), "{line}\n{}", ran.stdout);
    }
    assert!(ran.stderr.contains("2 rows were refused"), "{}", ran.stderr);
    let db = app::db::Db::connect(&database, 1).await.unwrap();
    let row =
        sqlx::query("select commercial_wait_min, traveller_wait_min from ports where code = 'AMB'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(row.try_get::<Option<i64>, _>(0).unwrap(), Some(65));
    assert_eq!(row.try_get::<Option<i64>, _>(1).unwrap(), Some(15));
    let actor: String = sqlx::query(
        "select actor from journal where action = 'waits_measured' order by seq desc limit 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert_eq!(actor, "feed:cbsa");
    db.pool.close().await;

    let good = folder.0.join("good.csv");
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    std::fs::write(
        &good,
        format!(
            "{header}\nBlue Water Bridge;Sarnia;2026-11-29 15:10 EST;25 minutes;--;5 minutes;--\n"
        ),
    )
    .unwrap();
    let ran = run_with(
        &database,
        &[],
        &["waits", "import", good.to_str().unwrap()],
        None,
    )
    .await
    .ok("a file of good rows");
    assert!(
        ran.stdout
            .contains("good.csv: 1 row: 1 recorded, 0 skipped, 0 refused"),
        "{}",
        ran.stdout
    );
}
