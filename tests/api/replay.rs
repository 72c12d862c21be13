//! The board at a past instant (`?at=`): the read endpoints answer, for a moment already
//! gone, exactly what they answered then, however the country has moved since; and an instant
//! that cannot be shown is refused naming `at`, in the reader's language, changing nothing.

use crate::helpers::{Backend, TestApp, spawn_app};
use app::domain::Role;
use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

/// A client that sends `token` with every request.
fn bearer(token: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap()
}

async fn person(app: &TestApp, name: &str, role: Role) -> reqwest::Client {
    app.account(name, role, "all").await;
    bearer(&app.token_for(name).await)
}

async fn send(
    app: &TestApp,
    http: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let response = http
        .request(method.clone(), app.url(&format!("/api/v1{path}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status < 300, "{method} {path}: {status} {answer}");
    answer
}

async fn post(app: &TestApp, http: &reqwest::Client, path: &str, body: Value) -> Value {
    send(app, http, reqwest::Method::POST, path, body).await
}

/// Shipments still at the border without an active hold, lowest ids first.
async fn free_shipments(app: &TestApp, n: usize) -> Vec<i64> {
    sqlx::query_scalar::<_, i64>(&format!(
        "select s.id from shipments s where s.status in ('arrived', 'awaiting_arrival') \
         and not exists (select 1 from holds h where h.shipment_id = s.id \
         and h.status in ('placed', 'examination', 'seizure_requested')) order by s.id limit {n}"
    ))
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

/// A replayed answer without what says it is one (`as_of`, `replay`), and a live answer
/// without its `as_of` (the overview's: the moment it was read, by definition "now").
fn comparable(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("as_of");
        o.remove("replay");
    }
    v
}

/// The board's reads, live or at `at`.
fn reads(shipments: &[i64]) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/api/v1/ports",
        "/api/v1/ports/YVR",
        "/api/v1/ports/YYZ",
        "/api/v1/holds",
        "/api/v1/holds?sort=dwell_asc",
        "/api/v1/holds?port=YVR&sort=due",
        "/api/v1/holds?status=all&sort=dwell_asc&per_page=500",
        "/api/v1/inspections",
        "/api/v1/inspections?status=all&per_page=500",
    ]
    .map(str::to_string)
    .to_vec();
    paths.extend(shipments.iter().map(|id| format!("/api/v1/shipments/{id}")));
    paths
}

fn at_param(path: &str, at: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}at={}", urlencoding(at))
}

fn urlencoding(s: &str) -> String {
    s.replace(':', "%3A").replace('+', "%2B")
}

/// What the board showed at a moment is what `?at=` that moment shows after the country went
/// on: holds placed and released, an examination started (moving its hold), lanes closed,
/// officers and status changed, a notice posted and another edited. Only the overview's
/// `as_of` (when it was read) is left out of the comparison.
pub async fn the_board_replayed_at_a_moment_is_what_it_showed_then(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let officer = person(&app, "replay.officer", Role::Officer).await;
    let supervisor = person(&app, "replay.supervisor", Role::Supervisor).await;
    let free = free_shipments(&app, 3).await;
    assert_eq!(free.len(), 3, "the demo country has goods at the border");

    // Before the moment: two holds, an examination of the second, claimed.
    let first = post(
        &app,
        &officer,
        "/holds",
        json!({"shipment_id": free[0], "reason": "random"}),
    )
    .await;
    let second = post(
        &app,
        &officer,
        "/holds",
        json!({"shipment_id": free[1], "reason": "documentation"}),
    )
    .await;
    let exam = post(
        &app,
        &officer,
        "/inspections",
        json!({"hold_id": second["id"], "kind": "xray", "priority": "high"}),
    )
    .await;
    post(
        &app,
        &officer,
        &format!("/inspections/{}/claim", exam["id"]),
        json!({}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    let moment = Utc::now();
    let at = moment.to_rfc3339_opts(SecondsFormat::Millis, true);
    let paths = reads(&free);
    let mut then = vec![];
    for path in &paths {
        then.push(comparable(app.get_json(path, 200).await));
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    // The country goes on.
    post(
        &app,
        &officer,
        &format!("/holds/{}/release", first["id"]),
        json!({"reason": "documents received"}),
    )
    .await;
    post(
        &app,
        &officer,
        &format!("/inspections/{}/start", exam["id"]),
        json!({}),
    )
    .await;
    post(
        &app,
        &officer,
        "/holds",
        json!({"shipment_id": free[2], "reason": "random"}),
    )
    .await;
    let tile = app.get_json("/api/v1/ports/YVR", 200).await["summary"].clone();
    let notice = tile["notices"][0].clone();
    let mut version = tile["version"].as_i64().unwrap();
    for (path, body) in [
        ("lanes", json!({"lanes_open": 1, "reason": "scanner down"})),
        ("staffing", json!({"officers_on_shift": 2})),
        (
            "status",
            json!({"status": "limited", "reason": "scanner down"}),
        ),
        (
            "notices",
            json!({"kind": "equipment", "severity": "critical", "message": "scanner down"}),
        ),
    ] {
        let mut body = body;
        body["version"] = json!(version);
        let answer = post(&app, &supervisor, &format!("/ports/YVR/{path}"), body).await;
        version = answer["version"].as_i64().unwrap();
    }
    if notice.is_object() {
        send(
            &app,
            &supervisor,
            reqwest::Method::PATCH,
            &format!("/ports/YVR/notices/{}", notice["id"]),
            json!({"severity": "info", "message": "edited since", "version": notice["version"]}),
        )
        .await;
    }

    for (path, then) in paths.iter().zip(&then) {
        let now = comparable(app.get_json(path, 200).await);
        let replayed = app.get_json(&at_param(path, &at), 200).await;
        assert_eq!(replayed["replay"], true, "{path}");
        assert_eq!(replayed["as_of"], json!(at), "{path}");
        let replayed = comparable(replayed);
        let moved = path == "/api/v1/ports"
            || path == "/api/v1/ports/YVR"
            || ["dwell_asc", "inspections?status=all", "shipments"]
                .iter()
                .any(|m| path.contains(m));
        if moved {
            assert_ne!(&now, then, "{path} changed since the moment");
        }
        assert_eq!(&replayed, then, "{path} at {at}");
    }
}

/// An instant that cannot be shown is refused on every read naming `at`: unreadable, in the
/// future, before the journal's first entry; in French for a French reader, with the same
/// code and field.
pub async fn an_instant_that_cannot_be_shown_is_refused_naming_at(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let first: i64 = app.scalar("select min(at) from journal").await;
    let before =
        app::domain::clock::from_millis(first - 1000).to_rfc3339_opts(SecondsFormat::Secs, true);
    let future =
        (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let entries = app.scalar("select count(*) from journal").await;
    for path in [
        "/api/v1/ports",
        "/api/v1/ports/YVR",
        "/api/v1/holds",
        "/api/v1/inspections",
        "/api/v1/shipments/1",
    ] {
        for (at, words) in [
            ("yesterday".to_string(), "is not a date and time"),
            ("2026-11-28 02:00".to_string(), "is not a date and time"),
            (future.clone(), "in the future"),
            (before.clone(), "before the journal begins"),
        ] {
            let body = app.get_json(&at_param(path, &at), 422).await;
            assert_eq!(body["error"]["field"], "at", "{path} {at}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(words), "{path} {at}: {message}");
        }
        let french = app
            .client
            .get(app.url(&at_param(path, &future)))
            .header("accept-language", "fr-CA")
            .send()
            .await
            .unwrap();
        assert_eq!(french.status().as_u16(), 422);
        let body: Value = french.json().await.unwrap();
        assert_eq!(body["error"]["field"], "at");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("dans l’avenir"),
            "{body}"
        );
    }
    assert_eq!(app.scalar("select count(*) from journal").await, entries);
}

/// Everything a replay shows at `at`, through the functions the endpoints call.
async fn board_at(pool: &sqlx::AnyPool, at: chrono::DateTime<Utc>) -> Value {
    use app::holds::HoldFilter;
    use app::inspections::InspectionFilter;
    use app::paging::StatusFilter;
    let by_port = HoldFilter {
        port: Some("YYZ".into()),
        sort: app::holds::HoldSort::Due,
        ..Default::default()
    };
    let all_holds = HoldFilter {
        status: StatusFilter::All,
        per_page: 500,
        ..Default::default()
    };
    json!({
        "overview": app::replay::db::overview(pool, at).await.unwrap(),
        "port": app::replay::db::port(pool, "YYZ", at).await.unwrap(),
        "holds": app::replay::db::hold_list(pool, &HoldFilter::default(), at).await.unwrap(),
        "holds_at_yyz": app::replay::db::hold_list(pool, &by_port, at).await.unwrap(),
        "all_holds": app::replay::db::hold_list(pool, &all_holds, at).await.unwrap(),
        "queue": app::replay::db::inspection_list(pool, &InspectionFilter::default(), at)
            .await
            .unwrap(),
    })
}

/// Checkpoints change how a replay is rebuilt, never what it shows: at instants on the hours
/// of the last days, a moment after and a moment before the next, the board is the same
/// rebuilt from the checkpoints as folded from the whole journal. An entry of a hold stamped
/// before a checkpoint but written after it drops that checkpoint and the later ones.
pub async fn a_replay_from_checkpoints_shows_what_the_whole_journal_shows(backend: Backend) {
    use app::replay::checkpoint;
    use chrono::{Duration, DurationRound};
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let pool = &app.db.pool;
    let now = Utc::now();
    let hour = now.duration_trunc(Duration::hours(1)).unwrap();
    let mut instants = vec![];
    for back in [1, 7, 30, 100, 250] {
        let on = hour - Duration::hours(back);
        instants.extend([
            on,
            on + Duration::milliseconds(1),
            on + Duration::minutes(37),
            on + Duration::hours(1) - Duration::milliseconds(1),
        ]);
    }
    let mut folded = vec![];
    for &at in &instants {
        assert!(checkpoint::latest(pool, at).await.unwrap().is_none());
        folded.push(board_at(pool, at).await);
    }

    let made = checkpoint::fill(pool, now).await.unwrap();
    let settled = now - hour >= checkpoint::SETTLE;
    // Each hour of the seed's fourteen days that has settled, from the first after its first
    // entry: one fewer when the seed and `now` are on either side of the hour or its settling.
    let first = app::replay::db::first_instant(pool).await.unwrap().unwrap();
    let last = if settled {
        hour
    } else {
        hour - Duration::hours(1)
    };
    let from = first.max(now - checkpoint::KEEP);
    let whole = from.duration_round_up(Duration::hours(1)).unwrap();
    let hours = ((last - whole).num_hours() + 1) as usize;
    assert!(
        (14 * 24 - 2..=14 * 24).contains(&hours),
        "{hours} hours from {first}"
    );
    assert_eq!(made, hours, "each hour of 14 days since {first}");
    assert_eq!(checkpoint::fill(pool, now).await.unwrap(), 0, "made once");
    let mut from_checkpoints = 0;
    for (at, folded) in instants.iter().zip(&folded) {
        let used = checkpoint::latest(pool, *at)
            .await
            .unwrap()
            .expect("a checkpoint");
        assert!(used.at <= *at && *at - used.at < Duration::hours(1));
        from_checkpoints += used.holds.len() + used.inspections.len();
        assert_eq!(&board_at(pool, *at).await, folded, "at {at}");
    }
    // Not empty boards compared: the checkpoints used hold records (how many depends on the
    // hours of the demo's day the instants fall on).
    assert!(
        from_checkpoints > 0,
        "the checkpoints hold the board's work"
    );

    // A hold's entry stamped 30 minutes before a checkpoint, written now; then a shipment's.
    let checkpoints = |since: i64| {
        let sql = format!("select count(*) from replay_checkpoints where at >= {since}");
        let app = &app;
        async move { app.scalar(&sql).await }
    };
    let before = checkpoints(0).await;
    let stamped = hour - Duration::hours(10) - Duration::minutes(30);
    let later = checkpoints(stamped.timestamp_millis()).await;
    assert_eq!(
        later,
        10 + i64::from(settled),
        "the checkpoints of the last ten hours"
    );
    // An entry of the first `entity` of `table` (its id, shipment and port) stamped `at`.
    let write = |entity: &str, table: &str, shipment: &str, at: chrono::DateTime<Utc>| {
        let sql = format!(
            "insert into journal (at, actor, entity, entity_id, shipment_id, port_code, action, \
             after_json) select $1, 'test', '{entity}', cast(r.id as text), r.{shipment}, \
             r.port_code, 'note_added', '{{}}' from {table} r order by r.id limit 1"
        );
        async move {
            sqlx::query(&sql)
                .bind(at.timestamp_millis())
                .execute(pool)
                .await
                .unwrap();
        }
    };
    write("hold", "holds", "shipment_id", stamped).await;
    assert_eq!(
        checkpoints(0).await,
        before - later,
        "the later checkpoints dropped"
    );
    write("shipment", "shipments", "id", hour - Duration::hours(100)).await;
    assert_eq!(
        checkpoints(0).await,
        before - later,
        "a shipment's entry drops none"
    );
    assert_eq!(
        checkpoint::fill(pool, now).await.unwrap() as i64,
        later,
        "made again"
    );
}

/// The running server checkpoints the board: every hour of the last fourteen days that has
/// settled, soon after it starts.
pub async fn the_running_server_checkpoints_the_board(backend: Backend) {
    use app::replay::checkpoint;
    let Some(app) = crate::helpers::spawn_app_configured(backend, 500, |config| {
        config.checkpoint_every = Some(std::time::Duration::from_millis(200));
    })
    .await
    else {
        return;
    };
    let first = app::replay::db::first_instant(&app.db.pool)
        .await
        .unwrap()
        .expect("the seed's journal");
    let started = std::time::Instant::now();
    loop {
        let wanted = checkpoint::hours(Utc::now(), first).len() as i64;
        if app.scalar("select count(*) from replay_checkpoints").await >= wanted {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the server made {} of {wanted} checkpoints",
            app.scalar("select count(*) from replay_checkpoints").await
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
