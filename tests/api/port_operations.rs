//! A port run by people, through `/api/v1`: its status, lanes, officers on shift and notices,
//! changed by its supervisors only, journaled with the change, live on every board, refused on
//! a stale version or bad input without changing anything, raced without double changes, and
//! notices ended by the server's timer when they expire. The README's calls run as written.

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_configured};
use crate::live::SseReader;
use app::domain::Role;
use chrono::{Duration as Span, Utc};
use serde_json::{Value, json};
use sqlx::Row;
use std::time::{Duration, Instant};

const PORT: &str = "YVR";

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

/// A new account of `role` at `ports`, and a client signed with its token.
async fn person(app: &TestApp, name: &str, role: Role, ports: &str) -> reqwest::Client {
    app.account(name, role, ports).await;
    bearer(&app.token_for(name).await)
}

/// Sends `body` with `method` to `path`; the status and the JSON answer.
async fn send(
    app: &TestApp,
    http: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let response = http
        .request(method, app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(app: &TestApp, http: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
    send(app, http, reqwest::Method::POST, path, body).await
}

/// Everything about a port that its operations may change: its row and its notices.
async fn snapshot(app: &TestApp, code: &str) -> String {
    let port = sqlx::query(
        "select status, status_reason, expected_return_at, lanes_open, officers_on_shift, version \
         from ports where code = $1",
    )
    .bind(code)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let mut out = format!(
        "{}|{:?}|{:?}|{}|{}|{}",
        port.get::<String, _>(0),
        port.get::<Option<String>, _>(1),
        port.get::<Option<i64>, _>(2),
        port.get::<i64, _>(3),
        port.get::<i64, _>(4),
        port.get::<i64, _>(5),
    );
    for n in sqlx::query(
        "select id, kind, severity, message, expires_at, ends_at, version from port_notices \
         where port_code = $1 order by id",
    )
    .bind(code)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    {
        out.push_str(&format!(
            ";{}|{}|{}|{}|{:?}|{:?}|{}",
            n.get::<i64, _>(0),
            n.get::<String, _>(1),
            n.get::<String, _>(2),
            n.get::<String, _>(3),
            n.get::<Option<i64>, _>(4),
            n.get::<Option<i64>, _>(5),
            n.get::<i64, _>(6),
        ));
    }
    out
}

/// Journal entries about the port (its changes; refusals are entries about access).
async fn port_entries(app: &TestApp, code: &str) -> i64 {
    app.scalar(&format!(
        "select count(*) from journal where entity = 'port' and entity_id = '{code}'"
    ))
    .await
}

/// The latest journal entry about the port: actor, action, before, after, reason.
async fn last_entry(app: &TestApp, code: &str) -> (String, String, Value, Value, Option<String>) {
    let row = sqlx::query(
        "select actor, action, before_json, after_json, reason from journal \
         where entity = 'port' and entity_id = $1 order by seq desc limit 1",
    )
    .bind(code)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let json = |i: usize| {
        row.get::<Option<String>, _>(i)
            .map(|t| serde_json::from_str(&t).unwrap())
            .unwrap_or(Value::Null)
    };
    (row.get(0), row.get(1), json(2), json(3), row.get(4))
}

/// The port's tile as the API shows it.
async fn tile(app: &TestApp, code: &str) -> Value {
    app.get_json(&format!("/api/v1/ports/{code}"), 200).await["summary"].clone()
}

/// The notice in force at the port (the seed posts one at YVR).
async fn a_notice(app: &TestApp, code: &str) -> Value {
    tile(app, code).await["notices"][0].clone()
}

/// Every operation, as (method, path, body) at the port, on the versions it takes.
fn every_operation(
    code: &str,
    port_version: i64,
    notice: &Value,
) -> Vec<(reqwest::Method, String, Value)> {
    let id = notice["id"].as_i64().unwrap();
    let notice_version = notice["version"].as_i64().unwrap();
    let base = format!("/api/v1/ports/{code}");
    vec![
        (
            reqwest::Method::POST,
            format!("{base}/status"),
            json!({"status": "closed", "reason": "bridge closed", "version": port_version}),
        ),
        (
            reqwest::Method::POST,
            format!("{base}/lanes"),
            json!({"lanes_open": 1, "version": port_version}),
        ),
        (
            reqwest::Method::POST,
            format!("{base}/staffing"),
            json!({"officers_on_shift": 3, "version": port_version}),
        ),
        (
            reqwest::Method::POST,
            format!("{base}/notices"),
            json!({"kind": "incident", "severity": "critical", "message": "fire alarm",
                   "version": port_version}),
        ),
        (
            reqwest::Method::PATCH,
            format!("{base}/notices/{id}"),
            json!({"severity": "info", "version": notice_version}),
        ),
        (
            reqwest::Method::POST,
            format!("{base}/notices/{id}/clear"),
            json!({"reason": "repaired", "version": notice_version}),
        ),
    ]
}

/// Another port's supervisor, an officer of the port, a viewer and an administrator are each
/// refused every operation (403, the port and its notices unchanged, nothing journaled about
/// the port, the refusal journaled as access); the port's supervisor then makes each, and
/// each is journaled with its actor, before and after, and reason, at the version it made.
pub async fn port_operations_are_for_the_ports_supervisors(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let other = person(&app, "ops.sup.yyz", Role::Supervisor, "YYZ").await;
    let officer = person(&app, "ops.officer.yvr", Role::Officer, PORT).await;
    let admin = person(&app, "ops.admin", Role::Admin, "all").await;
    let supervisor = person(&app, "ops.sup.yvr", Role::Supervisor, PORT).await;
    let port = tile(&app, PORT).await;
    let notice = a_notice(&app, PORT).await;
    let version = port["version"].as_i64().unwrap();
    let before = snapshot(&app, PORT).await;
    let entries = port_entries(&app, PORT).await;
    let refused_before = app.refusals_accounted("refused").await;
    let mut refusals = 0;
    for (who, http) in [
        ("another port's supervisor", &other),
        ("an officer", &officer),
        ("a viewer", &app.client),
        ("an administrator", &admin),
    ] {
        for (method, path, body) in every_operation(PORT, version, &notice) {
            let (status, answer) = send(&app, http, method.clone(), &path, body).await;
            assert_eq!(status, 403, "{who}: {method} {path}: {answer}");
            assert_eq!(answer["error"]["code"], "forbidden", "{answer}");
            refusals += 1;
        }
    }
    assert_eq!(snapshot(&app, PORT).await, before, "nothing changed");
    assert_eq!(port_entries(&app, PORT).await, entries, "nothing journaled");
    assert_eq!(
        app.refusals_accounted("refused").await - refused_before,
        refusals,
        "each refusal is journaled as access refused"
    );

    // The port's supervisor: each operation, journaled as made.
    let mut version = version;
    let mut notice_version = notice["version"].as_i64().unwrap();
    let id = notice["id"].as_i64().unwrap();
    let back = (Utc::now() + Span::hours(4)).to_rfc3339();
    let (status, answer) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/status",
        json!({"status": "limited", "reason": "X-ray scanner 2 out of service",
               "expected_return_at": back, "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "limited");
    assert_eq!(answer["status_reason"], "X-ray scanner 2 out of service");
    assert!(answer["expected_return_at"].is_string(), "{answer}");
    assert_eq!(answer["version"], version + 1);
    let (actor, action, before_json, after_json, reason) = last_entry(&app, PORT).await;
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("ops.sup.yvr", "status_set")
    );
    assert_eq!(before_json["status"], port["status"]);
    assert_eq!(before_json["version"], version);
    assert_eq!(after_json["status"], "limited");
    assert_eq!(after_json["version"], version + 1);
    assert_eq!(reason.as_deref(), Some("X-ray scanner 2 out of service"));
    version += 1;

    let (status, answer) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/lanes",
        json!({"lanes_open": 1, "reason": "one lane for the scanner left", "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["lanes_open"], 1);
    let (_, action, before_json, after_json, reason) = last_entry(&app, PORT).await;
    assert_eq!(action, "lanes_set");
    assert_eq!(before_json["lanes_open"], port["lanes_open"]);
    assert_eq!(after_json["lanes_open"], 1);
    assert_eq!(after_json["version"], version + 1);
    assert_eq!(reason.as_deref(), Some("one lane for the scanner left"));
    version += 1;

    let (status, answer) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/staffing",
        json!({"officers_on_shift": 17, "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["officers_on_shift"], 17);
    let (_, action, _, after_json, _) = last_entry(&app, PORT).await;
    assert_eq!(action, "staffing_set");
    assert_eq!(after_json["officers_on_shift"], 17);
    version += 1;

    let expires = (Utc::now() + Span::hours(6)).to_rfc3339();
    let (status, posted) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/notices",
        json!({"kind": "incident", "severity": "critical", "message": "Fire alarm in shed B",
               "expires_at": expires, "version": version}),
    )
    .await;
    assert_eq!(status, 201, "{posted}");
    assert_eq!(posted["kind"], "incident");
    assert_eq!(posted["severity"], "critical");
    let (_, action, _, after_json, reason) = last_entry(&app, PORT).await;
    assert_eq!(action, "notice_posted");
    assert_eq!(after_json["notice"]["id"], posted["id"]);
    assert_eq!(reason.as_deref(), Some("Fire alarm in shed B"));
    let shown = tile(&app, PORT).await;
    assert_eq!(
        shown["version"],
        version + 1,
        "posting moves the port's version"
    );
    assert!(
        shown["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == posted["id"] && n["severity"] == "critical"),
        "{shown}"
    );

    let (status, edited) = send(
        &app,
        &supervisor,
        reqwest::Method::PATCH,
        &format!("/api/v1/ports/YVR/notices/{id}"),
        json!({"message": "Both X-ray scanners down", "severity": "critical",
               "reason": "second scanner failed", "version": notice_version}),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["message"], "Both X-ray scanners down");
    assert_eq!(edited["version"], notice_version + 1);
    let (_, action, before_json, after_json, reason) = last_entry(&app, PORT).await;
    assert_eq!(action, "notice_edited");
    assert_eq!(before_json["notice"]["message"], notice["message"]);
    assert_eq!(after_json["notice"]["severity"], "critical");
    assert_eq!(reason.as_deref(), Some("second scanner failed"));
    notice_version += 1;

    let (status, cleared) = post(
        &app,
        &supervisor,
        &format!("/api/v1/ports/YVR/notices/{id}/clear"),
        json!({"reason": "Scanners repaired", "version": notice_version}),
    )
    .await;
    assert_eq!(status, 200, "{cleared}");
    let (actor, action, _, _, reason) = last_entry(&app, PORT).await;
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("ops.sup.yvr", "notice_cleared")
    );
    assert_eq!(reason.as_deref(), Some("Scanners repaired"));
    assert!(
        !tile(&app, PORT).await["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == id),
        "a cleared notice is no longer shown"
    );
    // A cleared notice cannot be cleared again.
    let (status, answer) = post(
        &app,
        &supervisor,
        &format!("/api/v1/ports/YVR/notices/{id}/clear"),
        json!({"reason": "again"}),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    // Six changes, six entries.
    assert_eq!(port_entries(&app, PORT).await, entries + 6);
}

/// A change of the port reaches a live subscriber (a viewer's stream) as a `port` event.
pub async fn a_port_change_reaches_live_boards(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let supervisor = person(&app, "ops.live.sup", Role::Supervisor, PORT).await;
    let mut stream = SseReader::open(&app.client, &app.url("/api/v1/live"), None).await;
    stream.next(Duration::from_secs(5)).await;
    let version = tile(&app, PORT).await["version"].as_i64().unwrap();
    let (status, answer) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/lanes",
        json!({"lanes_open": 2, "reason": "storm", "version": version}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let event = stream
            .next(Duration::from_secs(10))
            .await
            .expect("the change arrives on the stream");
        if event.event == "port" && event.data["action"] == "lanes_set" {
            assert_eq!(event.data["entity_id"], PORT, "{:?}", event.data);
            assert_eq!(event.data["actor"], "ops.live.sup");
            assert_eq!(event.data["version"], version + 1);
            break;
        }
        assert!(Instant::now() < deadline, "no port event");
    }
}

/// A change made on a stale version is refused with 409 and the port as it now is; bad input
/// is refused with 422 naming the field; neither changes or journals anything.
pub async fn stale_or_bad_changes_change_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let supervisor = person(&app, "ops.check.sup", Role::Supervisor, PORT).await;
    let port = tile(&app, PORT).await;
    let notice = a_notice(&app, PORT).await;
    let version = port["version"].as_i64().unwrap();
    let available = port["lanes_available"].as_i64().unwrap();
    let before = snapshot(&app, PORT).await;
    let entries = port_entries(&app, PORT).await;
    for (method, path, mut body) in every_operation(PORT, version, &notice) {
        body["version"] = json!(body["version"].as_i64().unwrap() - 1);
        let (status, answer) = send(&app, &supervisor, method.clone(), &path, body).await;
        assert_eq!(status, 409, "{method} {path}: {answer}");
        assert_eq!(answer["error"]["code"], "stale", "{answer}");
        assert!(answer["error"]["current"]["version"].is_i64(), "{answer}");
    }
    let past = (Utc::now() - Span::minutes(5)).to_rfc3339();
    let far = (Utc::now() + Span::days(15)).to_rfc3339();
    let id = notice["id"].as_i64().unwrap();
    let bad: Vec<(&str, String, Value, &str)> = vec![
        (
            "POST",
            "status".into(),
            json!({"status": "limited"}),
            "reason",
        ),
        (
            "POST",
            "status".into(),
            json!({"status": "closed", "reason": "  "}),
            "reason",
        ),
        (
            "POST",
            "status".into(),
            json!({"status": "closed", "reason": "storm", "expected_return_at": past}),
            "expected_return_at",
        ),
        (
            "POST",
            "status".into(),
            json!({"status": "closed", "reason": "storm", "expected_return_at": far}),
            "expected_return_at",
        ),
        (
            "POST",
            "status".into(),
            json!({"status": "shut", "reason": "x"}),
            "body",
        ),
        (
            "POST",
            "lanes".into(),
            json!({"lanes_open": available + 1}),
            "lanes_open",
        ),
        (
            "POST",
            "lanes".into(),
            json!({"lanes_open": -1}),
            "lanes_open",
        ),
        (
            "POST",
            "lanes".into(),
            json!({"lanes_open": 1, "colour": "red"}),
            "body",
        ),
        (
            "POST",
            "staffing".into(),
            json!({"officers_on_shift": 501}),
            "officers_on_shift",
        ),
        (
            "POST",
            "staffing".into(),
            json!({"officers_on_shift": -2}),
            "officers_on_shift",
        ),
        (
            "POST",
            "notices".into(),
            json!({"kind": "weather", "severity": "warning", "message": " "}),
            "message",
        ),
        (
            "POST",
            "notices".into(),
            json!({"kind": "weather", "severity": "warning", "message": "fog", "expires_at": past}),
            "expires_at",
        ),
        (
            "POST",
            "notices".into(),
            json!({"kind": "flood", "severity": "warning", "message": "fog"}),
            "body",
        ),
        (
            "PATCH",
            format!("notices/{id}"),
            json!({"message": ""}),
            "message",
        ),
        (
            "PATCH",
            format!("notices/{id}"),
            json!({"expires_at": past}),
            "expires_at",
        ),
        (
            "POST",
            format!("notices/{id}/clear"),
            json!({"reason": ""}),
            "reason",
        ),
    ];
    for (method, tail, body, field) in bad {
        let method: reqwest::Method = method.parse().unwrap();
        let path = format!("/api/v1/ports/YVR/{tail}");
        let (status, answer) = send(&app, &supervisor, method.clone(), &path, body.clone()).await;
        assert_eq!(status, 422, "{method} {path} {body}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    // A closed port opens no lane.
    let (status, _) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/status",
        json!({"status": "closed", "reason": "bridge shut", "version": version}),
    )
    .await;
    assert_eq!(status, 200);
    let closed = snapshot(&app, PORT).await;
    let (status, answer) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/lanes",
        json!({"lanes_open": 1}),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["field"], "lanes_open");
    assert_eq!(snapshot(&app, PORT).await, closed, "nothing changed");
    assert_eq!(
        port_entries(&app, PORT).await,
        entries + 1,
        "only the closing was journaled"
    );
    assert_ne!(closed, before);
    let port = tile(&app, PORT).await;
    assert_eq!(port["lanes_open"], 0, "closing closed the lanes");
}

/// Ten supervisors change the port, and ten edit one notice, each on the same version at
/// once: exactly one of each wins; the others are told it changed (409); one entry each.
pub async fn ten_changes_on_one_version_one_wins(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let mut people = vec![];
    for i in 0..10 {
        people.push(person(&app, &format!("ops.race.{i}"), Role::Supervisor, PORT).await);
    }
    let port = tile(&app, PORT).await;
    let notice = a_notice(&app, PORT).await;
    let version = port["version"].as_i64().unwrap();
    let available = port["lanes_available"].as_i64().unwrap();
    let entries = port_entries(&app, PORT).await;
    let lanes = people.iter().enumerate().map(|(i, http)| {
        let body = json!({"lanes_open": i as i64 % (available + 1), "version": version});
        let url = app.url("/api/v1/ports/YVR/lanes");
        async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            r.status().as_u16()
        }
    });
    let statuses = futures_util::future::join_all(lanes).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
    assert_eq!(tile(&app, PORT).await["version"], version + 1);
    let id = notice["id"].as_i64().unwrap();
    let nv = notice["version"].as_i64().unwrap();
    let edits = people.iter().enumerate().map(|(i, http)| {
        let body = json!({"message": format!("edit {i}"), "version": nv});
        let url = app.url(&format!("/api/v1/ports/YVR/notices/{id}"));
        async move {
            let r = http.patch(url).json(&body).send().await.unwrap();
            r.status().as_u16()
        }
    });
    let statuses = futures_util::future::join_all(edits).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
    assert_eq!(a_notice(&app, PORT).await["version"], nv + 1);
    assert_eq!(port_entries(&app, PORT).await, entries + 2);
}

/// A notice past its expiry is ended by the server's timer, by the system, journaled as
/// `notice_expired`, and no longer shown.
pub async fn an_expired_notice_is_ended_by_the_timer(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, crate::helpers::TEST_SHIPMENTS, |c| {
        c.end_notices_every = Duration::from_millis(100);
    })
    .await
    else {
        return;
    };
    let supervisor = person(&app, "ops.expiry.sup", Role::Supervisor, PORT).await;
    let expires = Utc::now() + Span::milliseconds(1500);
    let (status, posted) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/notices",
        json!({"kind": "weather", "severity": "info", "message": "Fog this morning",
               "expires_at": expires.to_rfc3339()}),
    )
    .await;
    assert_eq!(status, 201, "{posted}");
    let id = posted["id"].as_i64().unwrap();
    let ended =
        format!("select count(*) from port_notices where id = {id} and ends_at is not null");
    assert_eq!(app.scalar(&ended).await, 0, "in force until it expires");
    let deadline = Instant::now() + Duration::from_secs(15);
    while app.scalar(&ended).await == 0 {
        assert!(
            Instant::now() < deadline,
            "the timer did not end the notice"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (actor, action, before_json, after_json, _) = last_entry(&app, PORT).await;
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("system", "notice_expired")
    );
    assert_eq!(before_json["notice"]["id"], id);
    assert_eq!(after_json["notice"]["ended_at"], expires.timestamp_millis());
    assert!(
        !tile(&app, PORT).await["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == id)
    );
    // Ended once: the timer's later rounds leave it.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        app.scalar(&format!(
            "select count(*) from journal where action = 'notice_expired' and entity_id = '{PORT}'"
        ))
        .await,
        1
    );
}

/// An edit that leaves the expiry out keeps it; one that sends `"expires_at": null` takes it
/// away (the notice stays until it is cleared), journaled with the expiry before and after.
pub async fn an_edit_keeps_or_takes_away_a_notices_expiry(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let supervisor = person(&app, "ops.edit.sup", Role::Supervisor, PORT).await;
    let expires = Utc::now() + Span::hours(6);
    let (status, posted) = post(
        &app,
        &supervisor,
        "/api/v1/ports/YVR/notices",
        json!({"kind": "weather", "severity": "info", "message": "Fog this morning",
               "expires_at": expires.to_rfc3339()}),
    )
    .await;
    assert_eq!(status, 201, "{posted}");
    let id = posted["id"].as_i64().unwrap();
    let path = format!("/api/v1/ports/YVR/notices/{id}");
    let (status, kept) = send(
        &app,
        &supervisor,
        reqwest::Method::PATCH,
        &path,
        json!({"message": "Thick fog this morning", "version": posted["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["expires_at"], posted["expires_at"], "left out: kept");
    assert!(!kept["expires_at"].is_null());
    let (status, open) = send(
        &app,
        &supervisor,
        reqwest::Method::PATCH,
        &path,
        json!({"expires_at": null, "reason": "until further notice", "version": kept["version"]}),
    )
    .await;
    assert_eq!(status, 200, "{open}");
    assert!(open["expires_at"].is_null(), "null: taken away, {open}");
    assert_eq!(open["message"], "Thick fog this morning");
    let stored =
        format!("select count(*) from port_notices where id = {id} and expires_at is null");
    assert_eq!(app.scalar(&stored).await, 1);
    let (_, action, before_json, after_json, _) = last_entry(&app, PORT).await;
    assert_eq!(action, "notice_edited");
    assert!(
        !before_json["notice"]["expires_at"].is_null(),
        "{before_json}"
    );
    assert!(after_json["notice"]["expires_at"].is_null(), "{after_json}");
}

/// The README's calls for running a port, run as written (`curl`, with `$TOKEN` a token of
/// the port's supervisor and `$NOTICE` the id the posted notice was given), against a test
/// server: each answers what the README says it does.
pub async fn the_readmes_port_calls_run_as_written(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.account("yvr.supervisor", Role::Supervisor, PORT).await;
    let token = app.token_for("yvr.supervisor").await;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let section = readme
        .split("### Running a port")
        .nth(1)
        .expect("the README's section on running a port");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("its commands");
    let commands: Vec<String> = block
        .replace("\\\n", " ")
        .lines()
        .filter(|l| l.starts_with("curl "))
        .map(|l| l.replace("http://127.0.0.1:3000", &app.address))
        .collect();
    assert_eq!(commands.len(), 6, "{commands:?}");
    let mut notice = String::new();
    let mut answers = vec![];
    for command in &commands {
        let out = tokio::process::Command::new("bash")
            .arg("-c")
            .arg(command)
            .env("TOKEN", &token)
            .env("NOTICE", &notice)
            .output()
            .await
            .expect("curl runs");
        assert!(out.status.success(), "{command}: {out:?}");
        let answer: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{command}: {}", String::from_utf8_lossy(&out.stdout)));
        assert!(answer.get("error").is_none(), "{command}: {answer}");
        if command.contains("/notices -d") || command.ends_with("/notices") {
            notice = answer["id"].to_string();
        }
        answers.push(answer);
    }
    assert_eq!(answers[0]["status"], "limited", "{}", answers[0]);
    assert_eq!(answers[1]["lanes_open"], 2, "{}", answers[1]);
    assert_eq!(answers[2]["officers_on_shift"], 14, "{}", answers[2]);
    assert_eq!(answers[3]["kind"], "equipment", "{}", answers[3]);
    assert_eq!(answers[4]["severity"], "critical", "{}", answers[4]);
    assert_eq!(answers[5]["id"], answers[3]["id"], "{}", answers[5]);
    let (actor, action, ..) = last_entry(&app, PORT).await;
    assert_eq!(
        (actor.as_str(), action.as_str()),
        ("yvr.supervisor", "notice_cleared")
    );
}
