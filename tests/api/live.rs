//! `GET /api/v1/live`: the journal as Server-Sent Events, resumed without loss or duplicates,
//! caught up after lagging, shared across server processes on PostgreSQL, ended at shutdown.

use crate::helpers::{Backend, TestApp, client, spawn_app, spawn_app_configured};
use app::domain::Role;
use border_ops::startup::Application;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// One Server-Sent Event.
#[derive(Debug, Clone)]
pub struct Sse {
    pub id: Option<i64>,
    pub event: String,
    pub data: Value,
}

/// Reads events from a streaming response.
pub struct SseReader {
    response: reqwest::Response,
    buffer: String,
}

impl SseReader {
    pub async fn open(http: &reqwest::Client, url: &str, last_event_id: Option<i64>) -> Self {
        let mut request = http.get(url).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = request.send().await.expect("stream opens");
        assert_eq!(response.status(), StatusCode::OK, "GET {url}");
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "an event stream"
        );
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments and keep-alives skipped), or `None` when the stream ends or
    /// nothing arrives within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Sse> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut event, mut data) = (None, "message".to_string(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue; // a comment (keep-alive) or a bare retry hint
                }
                let data = serde_json::from_str(&data).expect("event data is JSON");
                return Some(Sse { id, event, data });
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(_) | Err(_) => return None,
            }
        }
    }

    /// Events with an id until one with `last` arrives (or `wait` passes with nothing new).
    pub async fn until(&mut self, last: i64, wait: Duration) -> Vec<Sse> {
        let mut seen = vec![];
        while let Some(event) = self.next(wait).await {
            let done = event.id.is_some_and(|id| id >= last);
            if event.id.is_some() {
                seen.push(event);
            }
            if done {
                break;
            }
        }
        seen
    }
}

/// A supervisor of every port and their token.
async fn writer(app: &TestApp, name: &str) -> String {
    app.account(name, Role::Supervisor, "all").await;
    app.token_for(name).await
}

/// Adds a note to a shipment through the API (one journal entry).
async fn note(app: &TestApp, token: &str, shipment: i64, text: &str) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/shipments/{shipment}/notes")))
        .bearer_auth(token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .expect("note is sent");
    assert_eq!(response.status(), StatusCode::CREATED, "note {text}");
}

/// `each` notes from each of `bases.len()` writers at once, writer `w` writing through
/// `bases[w]` (one server or another): many commits in a short time.
async fn notes_at_once(
    http: &reqwest::Client,
    bases: Vec<String>,
    token: &str,
    shipment: i64,
    each: usize,
) {
    let writers: Vec<_> = bases
        .into_iter()
        .enumerate()
        .map(|(w, base)| {
            let (http, token) = (http.clone(), token.to_string());
            tokio::spawn(async move {
                for n in 0..each {
                    let status = http
                        .post(format!("{base}/api/v1/shipments/{shipment}/notes"))
                        .bearer_auth(&token)
                        .json(&json!({ "text": format!("writer {w} note {n}") }))
                        .send()
                        .await
                        .unwrap()
                        .status();
                    assert_eq!(status, StatusCode::CREATED);
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
}

/// Adds a note to `shipment` and checks that `reader` hears it within a second.
async fn heard_within_a_second(
    app: &TestApp,
    token: &str,
    shipment: i64,
    reader: &mut SseReader,
    text: &str,
) -> Sse {
    let written = Instant::now();
    note(app, token, shipment, text).await;
    let heard = reader.next(Duration::from_secs(3)).await.expect("heard");
    let latency = written.elapsed();
    assert_eq!(heard.data["action"], "note_added");
    assert!(latency < Duration::from_secs(1), "took {latency:?}");
    heard
}

async fn some_shipment(app: &TestApp) -> i64 {
    app.scalar("select min(id) from shipments").await
}

async fn journal_after(app: &TestApp, after: i64, visible_to_viewer: bool) -> Vec<i64> {
    use sqlx::Row;
    let filter = if visible_to_viewer {
        " and entity in ('port', 'shipment', 'hold', 'inspection', 'rule', 'simulation')"
    } else {
        ""
    };
    sqlx::query(&format!(
        "select seq from journal where seq > $1{filter} order by seq"
    ))
    .bind(after)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<i64, _>("seq"))
    .collect()
}

fn ids(events: &[Sse]) -> Vec<i64> {
    events.iter().filter_map(|e| e.id).collect()
}

pub async fn a_reconnecting_client_gets_every_change_once_in_order(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = writer(&app, "live.writer").await;
    let shipment = some_shipment(&app).await;
    let url = app.url("/api/v1/live");
    let mut stream = SseReader::open(&app.client, &url, None).await;
    let hello = stream.next(Duration::from_secs(5)).await.expect("hello");
    assert_eq!(hello.event, "hello");
    let start = hello.data["seq"]
        .as_i64()
        .expect("hello names the position");

    // A burst of 40 changes; the client leaves after the 10th event and comes back later.
    let burst = {
        let (app_client, url, token) = (app.client.clone(), app.url(""), token.clone());
        tokio::spawn(async move {
            for n in 0..40 {
                let response = app_client
                    .post(format!("{url}/api/v1/shipments/{shipment}/notes"))
                    .bearer_auth(&token)
                    .json(&json!({ "text": format!("burst {n}") }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::CREATED);
            }
        })
    };
    let mut first = vec![];
    while first.len() < 10 {
        let event = stream
            .next(Duration::from_secs(5))
            .await
            .expect("events flow");
        assert_eq!(event.event, "shipment");
        assert_eq!(event.data["action"], "note_added");
        first.push(event);
    }
    drop(stream);
    burst.await.unwrap();
    let resume = first.last().and_then(|e| e.id).unwrap();
    let expected = journal_after(&app, start, true).await;
    assert_eq!(expected.len(), 40, "one journal entry per note");

    let mut again = SseReader::open(&app.client, &url, Some(resume)).await;
    let rest = again
        .until(*expected.last().unwrap(), Duration::from_secs(5))
        .await;
    let mut received = ids(&first);
    received.extend(ids(&rest));
    assert_eq!(received, expected, "every change once, in order");

    // `?after=` does the same as the header.
    let mut by_query =
        SseReader::open(&app.client, &format!("{url}?after={}", expected[29]), None).await;
    let tail = by_query
        .until(*expected.last().unwrap(), Duration::from_secs(5))
        .await;
    assert_eq!(ids(&tail), expected[30..].to_vec());
}

pub async fn a_lagging_stream_catches_up_from_the_database(backend: Backend) {
    // A broadcast of one slot: any burst overruns it.
    let Some(app) = spawn_app_configured(backend, 300, |config| {
        config.live.buffer = 1;
    })
    .await
    else {
        return;
    };
    let token = writer(&app, "live.burst").await;
    let shipment = some_shipment(&app).await;
    let url = app.url("/api/v1/live");
    let mut stream = SseReader::open(&app.client, &url, None).await;
    let start = stream.next(Duration::from_secs(5)).await.unwrap().data["seq"]
        .as_i64()
        .unwrap();
    // Writers commit faster than one poll of the journal, so the pump broadcasts several
    // entries at once into a channel of one.
    notes_at_once(&app.client, vec![app.url(""); 4], &token, shipment, 15).await;
    let expected = journal_after(&app, start, true).await;
    assert_eq!(expected.len(), 60);
    let received = stream
        .until(*expected.last().unwrap(), Duration::from_secs(5))
        .await;
    assert_eq!(ids(&received), expected, "nothing lost, nothing twice");

    // A follower that is not read while three separate reads of the journal are broadcast
    // into a channel of one must fall behind, and then catch up from the database.
    let reader = app::domain::Principal {
        username: "test.reader".into(),
        role: Role::Viewer,
        ports: app::domain::PortScope::All,
        active: true,
    };
    let before = app.live.catch_ups();
    // A grant no warden watches: it holds for the life of the follower.
    let credential = app::auth::access::Credential::Token(0);
    let grant = border_ops::live::Grant::new(0, credential, "test", reader);
    let mut follow = app
        .live
        .follow(app.db.pool.clone(), std::sync::Arc::new(grant), None)
        .await;
    let start = follow.position();
    for n in 0..3 {
        note(&app, &token, shipment, &format!("unread {n}")).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let expected = journal_after(&app, start, true).await;
    assert_eq!(expected.len(), 3);
    let mut seen = vec![];
    while seen.len() < 3 {
        match tokio::time::timeout(Duration::from_secs(5), follow.next()).await {
            Ok(Some(border_ops::live::Delivery::Event(published))) => {
                seen.push(published.event.seq)
            }
            // Woken by the pump's keep-alive tick.
            Ok(Some(border_ops::live::Delivery::Quiet)) => continue,
            other => panic!("expected a change, got {other:?}"),
        }
    }
    assert_eq!(seen, expected, "caught up in order, nothing twice");
    assert!(
        app.live.catch_ups() > before,
        "the follower fell behind the one-slot broadcast and caught up from the journal"
    );
}

pub async fn a_client_too_far_behind_is_told_to_reload(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 200, |config| {
        config.live.replay_limit = 5;
    })
    .await
    else {
        return;
    };
    let token = writer(&app, "live.reload").await;
    let shipment = some_shipment(&app).await;
    let latest = app.scalar("select max(seq) from journal").await;
    assert!(
        latest > 5,
        "the seeded journal is longer than the replay limit"
    );
    let url = app.url("/api/v1/live");
    let mut stream = SseReader::open(&app.client, &url, Some(1)).await;
    let hello = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(hello.event, "hello");
    let reload = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(reload.event, "reload");
    let resume = reload.id.expect("a reload names where the stream resumes");
    assert!(resume > 5 && resume <= latest, "{resume} of {latest}");
    // Then it follows from there: the next change it may see is the note.
    note(&app, &token, shipment, "after the reload").await;
    let next = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(next.event, "shipment");
    assert_eq!(next.id, Some(latest + 1));
    // A position from another database (ahead of this journal) also reloads.
    let mut ahead = SseReader::open(&app.client, &url, Some(latest + 1_000)).await;
    ahead.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        ahead.next(Duration::from_secs(5)).await.unwrap().event,
        "reload"
    );
    // A garbled position is refused, naming the field; nobody is not served.
    let bad = app.get("/api/v1/live?after=yesterday").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"]["field"], "after", "{body}");
    let anonymous = client(false).get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

pub async fn each_account_sees_only_what_it_may_read(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let admin_token = {
        app.account("live.admin", Role::Admin, "all").await;
        app.token_for("live.admin").await
    };
    let officer_token = writer(&app, "live.officer").await;
    let shipment = some_shipment(&app).await;
    let url = app.url("/api/v1/live");
    let mut viewer = SseReader::open(&app.client, &url, None).await;
    let admin_http = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {admin_token}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let mut admin = SseReader::open(&admin_http, &url, None).await;
    viewer.next(Duration::from_secs(5)).await.unwrap();
    admin.next(Duration::from_secs(5)).await.unwrap();
    // An administrative change (an account created), then a change on the board.
    app.account("live.newcomer", Role::Viewer, "all").await;
    note(&app, &officer_token, shipment, "seen by all").await;
    let viewer_saw = viewer.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(viewer_saw.event, "shipment", "the viewer skips the account");
    let note_seq = viewer_saw.id.unwrap();
    let admin_saw = admin.until(note_seq, Duration::from_secs(5)).await;
    assert_eq!(admin_saw.last().and_then(|e| e.id), Some(note_seq));
    assert!(
        admin_saw.iter().any(|e| e.event == "account"
            && e.data["action"] == "created"
            && e.data["entity_id"].as_str().is_some()),
        "the administrator sees the account created: {admin_saw:?}"
    );
}

pub async fn shutdown_ends_open_streams(backend: Backend) {
    let Some((db, _dir)) = crate::helpers::fresh_db(backend).await else {
        return;
    };
    db.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let mut config = crate::helpers::config();
    config.database_url = String::new();
    let application = Application::with_db(config, db.clone(), listener)
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    app_account_with_token(&db, "live.watcher").await;
    let now = chrono::Utc::now();
    let token = app::accounts::tokens::issue_token(
        &db.pool,
        "live.watcher",
        "test",
        now + chrono::TimeDelta::days(1),
        "test",
        now,
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let mut streams = vec![];
    for _ in 0..3 {
        let request = http
            .get(format!("{address}/api/v1/live"))
            .bearer_auth(&token);
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let mut reader = SseReader {
            response,
            buffer: String::new(),
        };
        reader.next(Duration::from_secs(5)).await.expect("hello");
        streams.push(reader);
    }
    let asked = Instant::now();
    stop.send(()).unwrap();
    for mut stream in streams {
        assert!(
            stream.next(Duration::from_secs(5)).await.is_none(),
            "the stream ends"
        );
    }
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server exits within seconds of being asked")
        .unwrap()
        .unwrap();
    assert!(asked.elapsed() < Duration::from_secs(5));
}

async fn app_account_with_token(db: &app::db::Db, username: &str) {
    app::accounts::db::create(
        &db.pool,
        app::accounts::db::NewAccount {
            username,
            display_name: username,
            badge: None,
            role: Role::Viewer,
            ports: app::domain::PortScope::All,
            password: "a long enough password",
            demo: false,
        },
        "test",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
}

/// Two server processes on one PostgreSQL database: a change written through either reaches
/// the clients of the other, within a second, including when both commit at once. The second
/// process is the real binary; both are told not to poll, so only notifications can carry it.
pub async fn two_processes_share_one_stream_on_postgres() {
    let Some(app) = spawn_app_configured(Backend::Postgres, 200, |config| {
        config.live.poll = Some(Duration::from_secs(600));
    })
    .await
    else {
        return;
    };
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let other = format!("http://127.0.0.1:{port}");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_border-ops"))
        .arg("serve")
        .env("DATABASE_URL", app.db.url())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LIVE_POLL_MS", "600000")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the second server starts");
    let ready = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("{other}/healthz")).await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            ready.elapsed() < Duration::from_secs(30),
            "second server never answered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let token = writer(&app, "live.both").await;
    let shipment = some_shipment(&app).await;

    // A client of the second process hears a write through the first, within a second.
    let mut there = SseReader::open(&app.client, &format!("{other}/api/v1/live"), None).await;
    let mut here = SseReader::open(&app.client, &app.url("/api/v1/live"), None).await;
    there.next(Duration::from_secs(5)).await.unwrap();
    here.next(Duration::from_secs(5)).await.unwrap();
    let heard = heard_within_a_second(
        &app,
        &token,
        shipment,
        &mut there,
        "written through the first",
    )
    .await;
    assert_eq!(
        here.next(Duration::from_secs(3)).await.unwrap().id,
        heard.id
    );

    // Both processes take writes at once; each client sees the same complete, ordered list.
    let start = heard.id.unwrap();
    let bases = (0..6)
        .map(|w| {
            if w % 2 == 0 {
                app.url("")
            } else {
                other.clone()
            }
        })
        .collect();
    notes_at_once(&app.client, bases, &token, shipment, 10).await;
    let expected = journal_after(&app, start, true).await;
    assert_eq!(expected.len(), 60);
    let last = *expected.last().unwrap();
    assert_eq!(
        ids(&there.until(last, Duration::from_secs(3)).await),
        expected
    );
    assert_eq!(
        ids(&here.until(last, Duration::from_secs(3)).await),
        expected
    );
    child.kill().await.ok();
}

/// A server whose pump reads the journal once at start and then polls only every ten minutes.
async fn polling_rarely(backend: Backend) -> Option<TestApp> {
    spawn_app_configured(backend, 200, |config| {
        config.live.poll = Some(Duration::from_secs(600));
        // The keep-alive tick reads the journal too (every half of it).
        config.live.keep_alive = Duration::from_secs(600);
    })
    .await
}

/// Waits until the pump has read the whole journal and then not read it for a while (it
/// reads again at once after a read that found changes); the journal's last number.
async fn pump_at_rest(app: &TestApp) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let head = app
            .scalar("select coalesce(max(seq), 0) from journal")
            .await;
        let quiet = app.live.since_last_read() >= Duration::from_millis(300);
        if app.live.latest() == head && quiet {
            return head;
        }
        assert!(Instant::now() < deadline, "the pump did not come to rest");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// On SQLite, this process's commits wake the stream at once: with the poll set to ten minutes
/// a note still reaches a client within a second, and a burst from several writers arrives
/// whole and in order.
pub async fn a_commit_on_sqlite_wakes_the_stream_without_the_poll() {
    let Some(app) = polling_rarely(Backend::Sqlite).await else {
        return;
    };
    let token = writer(&app, "live.wake").await;
    let shipment = some_shipment(&app).await;
    let mut client = SseReader::open(&app.client, &app.url("/api/v1/live"), None).await;
    client.next(Duration::from_secs(5)).await.unwrap();
    let heard = heard_within_a_second(&app, &token, shipment, &mut client, "heard at once").await;

    let start = heard.id.unwrap();
    notes_at_once(&app.client, vec![app.url(""); 4], &token, shipment, 10).await;
    let expected = journal_after(&app, start, true).await;
    assert_eq!(expected.len(), 40);
    let last = *expected.last().unwrap();
    assert_eq!(
        ids(&client.until(last, Duration::from_secs(3)).await),
        expected
    );
}

/// Runs `border-ops bench live` with `args`, `DATABASE_URL` set to `database` (or removed),
/// and returns what it printed and its summary line's figures, by name.
async fn bench_live(
    args: &[&str],
    database: Option<&str>,
) -> (String, std::collections::HashMap<String, String>) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_border-ops"));
    command
        .args(["bench", "live"])
        .args(args)
        .env("RUST_LOG", "warn");
    match database {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let output = command.output().await.expect("the benchmark runs");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = stdout.lines().last().expect("a summary line");
    let figures = summary
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    (stdout, figures)
}

/// `border-ops bench live` runs end to end on a small scale: every subscriber connects, every
/// change reaches every subscriber once, and the summary line carries the figures.
pub async fn the_live_benchmark_runs_in_its_own_processes() {
    let args = ["--clients", "25", "--rate", "20", "--seconds", "2"];
    let (stdout, figures) = bench_live(&args, None).await;
    let figure = |key: &str| -> f64 {
        figures
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} in {stdout}"))
    };
    assert_eq!(figure("clients"), 25.0);
    assert_eq!(figure("changes"), 40.0);
    assert_eq!(figure("lost"), 0.0, "{stdout}");
    assert_eq!(figure("duplicated"), 0.0, "{stdout}");
    assert!(
        figure("p99_ms") > 0.0 && figure("p99_ms") < 5_000.0,
        "{stdout}"
    );
    assert!(figure("kib_per_client") >= 0.0);
    // Stopped with SIGTERM with its 25 streams open, the server exits well inside the minute
    // the benchmark waits (`NaN` when it did not).
    let shutdown = figure("shutdown_ms");
    assert!(shutdown > 0.0 && shutdown < 30_000.0, "{stdout}");
}

/// `bench live --through` times instances already serving the database, as the README shows
/// it for a proxy in front of two: here one server of the suite's, on an empty database that
/// the benchmark seeds. Every change reaches every subscriber once, and the figures it cannot
/// take from a server it did not start are `NaN`, not made up.
pub async fn the_live_benchmark_runs_through_a_server_already_serving(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |config| {
        config.live.streams_per_account = 50;
    })
    .await
    else {
        return;
    };
    let through = app.address.trim_start_matches("http://");
    let args = [
        "--clients",
        "20",
        "--rate",
        "20",
        "--seconds",
        "2",
        "--through",
        through,
    ];
    let (stdout, figures) = bench_live(&args, Some(app.db.url())).await;
    let figure = |key: &str| figures.get(key).map(String::as_str).unwrap_or("missing");
    assert_eq!(figure("clients"), "20");
    assert_eq!(figure("changes"), "40");
    assert_eq!(figure("lost"), "0", "{stdout}");
    assert_eq!(figure("duplicated"), "0", "{stdout}");
    assert_eq!(figure("kib_per_client"), "NaN");
    assert_eq!(figure("shutdown_ms"), "NaN");
    // The changes went through the suite's server: its pump delivered them to 20 streams.
    assert!(app.live.delivered() >= 40 * 20, "{}", app.live.delivered());
}

/// A client that saw a change this process's pump has not read yet (committed through another
/// instance, or just before its next poll) resumes from there: it is not told to reload, and it
/// is not sent that change again.
pub async fn a_position_the_pump_has_not_read_yet_is_resumed_not_reloaded(backend: Backend) {
    let Some(app) = polling_rarely(backend).await else {
        return;
    };
    let token = writer(&app, "live.ahead").await;
    let shipment = some_shipment(&app).await;
    // The writer's own commits woke the pump: it must have read them, and gone back to
    // waiting, before the entries below are written, or its next read finds those too.
    let broadcast = pump_at_rest(&app).await;
    if backend == Backend::Sqlite {
        // As another process writing the same file would: this process's writers are not
        // involved, so nothing tells its pump.
        let port: String = sqlx::Row::get(
            &sqlx::query("select port_code from shipments where id = $1")
                .bind(shipment)
                .fetch_one(&app.db.pool)
                .await
                .unwrap(),
            0,
        );
        let mut conn = app.db.pool.acquire().await.unwrap();
        for text in ["first", "second"] {
            app::journal::db::record(
                &mut conn,
                app::journal::db::NewEntry {
                    at: chrono::Utc::now(),
                    actor: "another.process",
                    entity: "shipment",
                    entity_id: shipment.to_string(),
                    shipment_id: Some(shipment),
                    port_code: Some(&port),
                    action: "note_added",
                    before: None,
                    after: Some(json!({ "text": text })),
                    reason: Some("written by another process"),
                },
            )
            .await
            .unwrap();
        }
    } else {
        note(&app, &token, shipment, "first").await;
        note(&app, &token, shipment, "second").await;
    }
    let committed = journal_after(&app, broadcast, true).await;
    assert_eq!(committed.len(), 2);
    if backend == Backend::Sqlite {
        assert_eq!(app.live.latest(), broadcast, "the pump has not read them");
    }
    let url = app.url("/api/v1/live");
    // Seen the first elsewhere: resumes after it, and gets the second from the journal.
    let mut stream = SseReader::open(&app.client, &url, Some(committed[0])).await;
    assert_eq!(
        stream.next(Duration::from_secs(5)).await.unwrap().event,
        "hello"
    );
    let next = stream.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(next.event, "shipment", "not a reload");
    assert_eq!(next.id, Some(committed[1]));
}

/// Reads from a raw connection until `pattern` has arrived (or `wait` passes); all read so far.
async fn read_until(
    stream: &mut tokio::net::TcpStream,
    seen: &mut String,
    pattern: &str,
    wait: Duration,
) -> bool {
    use tokio::io::AsyncReadExt;
    let deadline = Instant::now() + wait;
    let mut chunk = vec![0u8; 64 * 1024];
    // Only the new bytes (and a pattern's length before them) can complete a match.
    let mut from: usize = 0;
    loop {
        let tail = seen.floor_char_boundary(from.saturating_sub(pattern.len()));
        if seen[tail..].contains(pattern) {
            return true;
        }
        from = seen.len();
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return false;
        };
        match tokio::time::timeout(left, stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => seen.push_str(&String::from_utf8_lossy(&chunk[..n])),
            _ => return false,
        }
    }
}

/// A stream opened as a connection's first request is written straight to the socket and
/// ends with the connection; one opened on a connection that served something else first goes
/// through hyper in chunks. Both carry the same events, both are kept alive by comments when
/// idle, and a refusal on a fresh connection is a whole answer.
pub async fn streams_are_the_same_on_fresh_and_reused_connections_and_kept_alive(backend: Backend) {
    use tokio::io::AsyncWriteExt;
    let Some(app) = spawn_app_configured(backend, 20, |config| {
        config.live.keep_alive = Duration::from_millis(400);
    })
    .await
    else {
        return;
    };
    let token = writer(&app, "live.fresh").await;
    let shipment = some_shipment(&app).await;
    let address = app.address.trim_start_matches("http://").to_string();
    let live = format!(
        "GET /api/v1/live HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Accept: text/event-stream\r\n\r\n"
    );

    // Fresh connection: the stream is delimited by the connection's end.
    let mut fresh = tokio::net::TcpStream::connect(&address).await.unwrap();
    fresh.write_all(live.as_bytes()).await.unwrap();
    let mut fresh_seen = String::new();
    assert!(
        read_until(
            &mut fresh,
            &mut fresh_seen,
            "event: hello",
            Duration::from_secs(5)
        )
        .await
    );
    let head = fresh_seen.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200 ok\r\n"), "{fresh_seen}");
    assert!(head.contains("\r\nconnection: close\r\n"), "{fresh_seen}");
    assert!(
        head.contains("\r\ncontent-type: text/event-stream\r\n"),
        "{fresh_seen}"
    );
    assert!(!head.contains("transfer-encoding"), "{fresh_seen}");
    // The security headers every answer carries come through too.
    assert!(
        head.contains("\r\nx-content-type-options: nosniff\r\n"),
        "{fresh_seen}"
    );

    // Reused connection: first another request, then the stream, in chunks.
    let mut reused = tokio::net::TcpStream::connect(&address).await.unwrap();
    reused
        .write_all(format!("GET /readyz HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut reused_seen = String::new();
    assert!(
        read_until(
            &mut reused,
            &mut reused_seen,
            "\r\n\r\n",
            Duration::from_secs(5)
        )
        .await
    );
    assert!(reused_seen.starts_with("HTTP/1.1 200"), "{reused_seen}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    reused.write_all(live.as_bytes()).await.unwrap();
    assert!(
        read_until(
            &mut reused,
            &mut reused_seen,
            "event: hello",
            Duration::from_secs(5)
        )
        .await,
        "{reused_seen}"
    );
    assert!(
        reused_seen
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{reused_seen}"
    );

    // Idle: both are kept alive by comments, at least every 400 ms.
    for (stream, seen) in [
        (&mut fresh, &mut fresh_seen),
        (&mut reused, &mut reused_seen),
    ] {
        assert!(
            read_until(stream, seen, ": keep-alive\n\n", Duration::from_secs(2)).await,
            "an idle stream is kept alive: {seen}"
        );
    }

    // A change reaches both, with its journal number as id.
    note(&app, &token, shipment, "seen by both").await;
    let seq: i64 = app.scalar("select max(seq) from journal").await;
    for (stream, seen) in [
        (&mut fresh, &mut fresh_seen),
        (&mut reused, &mut reused_seen),
    ] {
        assert!(
            read_until(
                stream,
                seen,
                &format!("id: {seq}\nevent: shipment\n"),
                Duration::from_secs(5)
            )
            .await,
            "{seen}"
        );
    }

    // Refused on a fresh connection: a whole answer, then the connection closes.
    let mut anonymous = tokio::net::TcpStream::connect(&address).await.unwrap();
    anonymous
        .write_all(format!("GET /api/v1/live HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut refused = String::new();
    let mut chunk = vec![];
    use tokio::io::AsyncReadExt;
    tokio::time::timeout(Duration::from_secs(5), anonymous.read_to_end(&mut chunk))
        .await
        .expect("the refusal ends")
        .unwrap();
    refused.push_str(&String::from_utf8_lossy(&chunk));
    let (head, body) = refused.split_once("\r\n\r\n").expect("a head and a body");
    assert!(head.starts_with("HTTP/1.1 401"), "{refused}");
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("a length");
    assert_eq!(body.len(), length);
    let error: Value = serde_json::from_str(body).expect("the product's error JSON");
    assert!(error["error"]["message"].is_string(), "{body}");
}

/// A live stream opened as the first request of a connection of its own (as a browser's
/// `EventSource` does), read up to its greeting, once it is parked with a fan-out thread.
async fn parked_stream(
    app: &TestApp,
    token: &str,
    socket: tokio::net::TcpSocket,
) -> (tokio::net::TcpStream, String) {
    use tokio::io::AsyncWriteExt;
    let address: std::net::SocketAddr = app.address.trim_start_matches("http://").parse().unwrap();
    let mut stream = socket.connect(address).await.unwrap();
    stream
        .write_all(
            format!(
                "GET /api/v1/live HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut seen = String::new();
    assert!(
        read_until(
            &mut stream,
            &mut seen,
            "event: hello",
            Duration::from_secs(5)
        )
        .await
    );
    let waited = Instant::now();
    while app.live.parked() == 0 && waited.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        app.live.parked(),
        1,
        "an idle stream is parked with a fan-out thread"
    );
    (stream, seen)
}

/// A parked stream whose client goes away is let go by its fan-out thread: the server does not
/// keep its socket or write to it again.
pub async fn a_parked_stream_whose_client_leaves_is_let_go(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = writer(&app, "live.leave").await;
    let shipment = some_shipment(&app).await;
    let (stream, _) = parked_stream(&app, &token, tokio::net::TcpSocket::new_v4().unwrap()).await;
    drop(stream);
    // Changes make the threads go round their streams.
    let waited = Instant::now();
    while app.live.parked() > 0 && waited.elapsed() < Duration::from_secs(5) {
        note(&app, &token, shipment, "after the client left").await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.live.parked(), 0, "the stream was let go");
}

/// A stream with nothing pending is written by a fan-out thread. When its reader stops reading
/// and the socket stops taking whole writes, the stream goes back to its own task, writes the
/// rest, catches up from the journal and carries on: every entry once, in order.
pub async fn a_parked_stream_whose_reader_stalls_loses_nothing(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let token = writer(&app, "live.stall").await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let (mut stream, mut seen) = parked_stream(&app, &token, socket).await;
    let start: i64 = app
        .scalar("select coalesce(max(seq), 0) from journal")
        .await;

    // Far more than the socket buffers hold, while the reader reads nothing.
    let before = app.live.sent_back();
    // Long record ids make long frames: more than the kernel buffers of both ends hold.
    sqlx::query(
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 4000) \
         insert into journal (at, actor, entity, entity_id, port_code, action) \
         select 1, 'test.stall', 'shipment', $1 || cast(i as text), \
         (select min(code) from ports), 'noted' from n",
    )
    .bind("x".repeat(1200))
    .execute(&app.db.pool)
    .await
    .expect("journal entries");
    let expected = journal_after(&app, start, true).await;
    assert_eq!(expected.len(), 4000);
    let waited = Instant::now();
    while app.live.sent_back() == before && waited.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        app.live.sent_back() > before,
        "the stalled socket sent the stream back to its task (parked: {}, latest: {})",
        app.live.parked(),
        app.live.latest()
    );

    // The reader wakes up: everything arrives, once and in order.
    let last = *expected.last().unwrap();
    assert!(
        read_until(
            &mut stream,
            &mut seen,
            &format!("id: {last}\n"),
            Duration::from_secs(20)
        )
        .await,
        "the stream caught up to {last}"
    );
    let ids: Vec<i64> = seen
        .lines()
        .filter_map(|line| line.strip_prefix("id: ")?.parse().ok())
        .filter(|id| *id > start)
        .collect();
    assert_eq!(ids, expected, "nothing lost, nothing twice");
}
