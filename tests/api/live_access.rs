//! A live stream keeps only the access it still has: it ends, after an `ended` frame saying
//! why, within seconds of its session ending (sign-out, "Your sessions", idle or absolute
//! timeout), its token being revoked, its account being disabled or its password changed, on
//! whichever instance the change was made; it reads with its account's role and ports as they
//! are now; and one account holds only so many streams open.

use crate::helpers::{Backend, TestApp, client, spawn_app_configured, spawn_app_with};
use app::domain::Role;
use border_ops::live::LiveHub;
use chrono::Utc;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How soon a stream must end once its access has.
const WITHIN: Duration = Duration::from_secs(5);
/// How soon the place of a stream its client closed is free again: the server lets the stream
/// go when it sees the connection closed, when the connection ends or at the latest when a
/// keep-alive comment (one every half keep-alive, 7.5 s by default) cannot be written; on a
/// loaded machine that can take longer than five seconds.
const FREED_WITHIN: Duration = Duration::from_secs(20);

/// A live stream read from a raw connection, as a browser's `EventSource` holds it.
struct Raw {
    stream: TcpStream,
    seen: String,
}

/// How a stream is run on the server.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Run {
    /// The connection's first request: once idle, a fan-out thread writes it.
    Parked,
    /// After another request on the same connection: hyper writes it, driven by its own task.
    OwnTask,
}

fn address(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_string()
}

impl Raw {
    /// Sends `GET path` with the `credential` header line, and reads the head of the answer.
    async fn request(stream: &mut TcpStream, host: &str, path: &str, credential: &str) -> String {
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{credential}\r\n\r\n").as_bytes(),
            )
            .await
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            let n = tokio::time::timeout(WITHIN, stream.read(&mut byte))
                .await
                .expect("an answer")
                .unwrap();
            assert_eq!(n, 1, "the connection closed before the head ended");
            head.push(byte[0]);
        }
        String::from_utf8(head).unwrap()
    }

    /// The body of an answer of known length, after its head.
    async fn body(stream: &mut TcpStream, head: &str) -> String {
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")?
                    .parse()
                    .ok()
            })
            .expect("a length");
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).await.unwrap();
        String::from_utf8(body).unwrap()
    }

    /// Opens a stream with `credential` (`Authorization: …` or `Cookie: …`), run as `run`;
    /// returns once it has greeted, and once parked if it is to be.
    async fn open(app: &TestApp, credential: &str, run: Run) -> Raw {
        Raw::open_at(&address(app), &app.live, credential, run).await
    }

    /// [`Raw::open`] on the instance at `host`, whose live hub is `live`.
    async fn open_at(host: &str, live: &LiveHub, credential: &str, run: Run) -> Raw {
        let parked_before = live.parked();
        let mut stream = TcpStream::connect(host).await.unwrap();
        if run == Run::OwnTask {
            let head = Raw::request(&mut stream, host, "/api/v1/ports", credential).await;
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            Raw::body(&mut stream, &head).await;
        }
        let head = Raw::request(&mut stream, host, "/api/v1/live", credential).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let mut raw = Raw {
            stream,
            seen: String::new(),
        };
        assert!(raw.read_until("event: hello", WITHIN).await, "{}", raw.seen);
        if run == Run::Parked {
            let waited = Instant::now();
            while live.parked() <= parked_before && waited.elapsed() < WITHIN {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            assert!(live.parked() > parked_before, "the idle stream is parked");
        }
        raw
    }

    /// Reads until `pattern` has arrived (or `wait` passes, or the connection closes).
    async fn read_until(&mut self, pattern: &str, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if self.seen.contains(pattern) {
                return true;
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            match tokio::time::timeout(left, self.stream.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => self.seen.push_str(&String::from_utf8_lossy(&chunk[..n])),
                _ => return false,
            }
        }
    }

    /// The reason of the `ended` frame, once the server has sent it and closed the connection
    /// (within `wait`); `None` if either did not happen.
    async fn ended(&mut self, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        if !self.read_until("event: ended\ndata: ", wait).await {
            return None;
        }
        let mut chunk = [0u8; 1024];
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.stream.read(&mut chunk)).await {
                Ok(Ok(0)) | Ok(Err(_)) => break,
                Ok(Ok(n)) => self.seen.push_str(&String::from_utf8_lossy(&chunk[..n])),
                Err(_) => return None,
            }
        }
        let (_, after) = self.seen.split_once("event: ended\ndata: ")?;
        let data: Value = serde_json::from_str(after.lines().next()?).ok()?;
        assert!(
            !after.contains("\nid: "),
            "nothing follows the ended frame: {after}"
        );
        data["reason"].as_str().map(String::from)
    }
}

/// Signs `username` in and returns the `Cookie:` line of that session.
async fn session_cookie(app: &TestApp, username: &str, password: &str) -> String {
    let signed = app.sign_in(&client(false), username, password).await;
    assert!(signed.status().is_success(), "{username} signs in");
    let set_cookie = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("boc_session="))
        .expect("a session cookie")
        .to_string();
    format!("Cookie: {}", set_cookie.split(';').next().unwrap())
}

fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}")
}

/// A browser signed in as a new administrator.
async fn administrator(app: &TestApp, username: &str) -> reqwest::Client {
    let password = app.account(username, Role::Admin, "all").await;
    let browser = client(true);
    assert!(
        app.sign_in(&browser, username, &password)
            .await
            .status()
            .is_success()
    );
    browser
}

/// Calls a server function as `browser` and checks that it succeeded.
async fn call(app: &TestApp, browser: &reqwest::Client, path: &str, form: &[(&str, &str)]) {
    let answer = browser
        .post(app.url(path))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
}

/// Checks that `raw` ends, with `reason`, within [`WITHIN`] of `since`.
async fn ends(raw: &mut Raw, reason: &str, since: Instant, what: &str) {
    let ended = raw.ended(WITHIN.saturating_sub(since.elapsed())).await;
    assert_eq!(ended.as_deref(), Some(reason), "{what}: {}", raw.seen);
    assert!(
        since.elapsed() <= WITHIN,
        "{what} took {:?}",
        since.elapsed()
    );
}

pub async fn a_live_stream_ends_soon_after_its_access_does(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |_| {}).await else {
        return;
    };
    let admin = administrator(&app, "la.admin").await;

    // Signed out from another page of the same browser; the stream runs on its own task.
    let password = app.account("la.out", Role::Viewer, "all").await;
    let cookie = session_cookie(&app, "la.out", &password).await;
    let mut raw = Raw::open(&app, &cookie, Run::OwnTask).await;
    let since = Instant::now();
    let (name, value) = cookie["Cookie: ".len()..].split_once('=').unwrap();
    let out = client(false)
        .post(app.url("/rpc/sign_out"))
        .header("cookie", format!("{name}={value}"))
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success() || out.status().is_redirection());
    ends(&mut raw, "signed_out", since, "signed out").await;

    // Ended from "Your sessions" on another computer; the stream is parked.
    let password = app.account("la.desk", Role::Officer, "YVR").await;
    let desk = client(true);
    app.sign_in(&desk, "la.desk", &password).await;
    let cookie = session_cookie(&app, "la.desk", &password).await;
    let mut raw = Raw::open(&app, &cookie, Run::Parked).await;
    let sessions: Value = desk
        .post(app.url("/rpc/my_sessions"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .expect("the other session")["key"]
        .as_str()
        .unwrap()
        .to_string();
    let since = Instant::now();
    call(&app, &desk, "/rpc/end_session", &[("key", &other)]).await;
    ends(
        &mut raw,
        "revoked_by_owner",
        since,
        "ended from Your sessions",
    )
    .await;

    // A disabled administrator receives nothing more: neither by token nor by session.
    let password = app.account("la.gone", Role::Admin, "all").await;
    let token = app.token_for("la.gone").await;
    let mut by_token = Raw::open(&app, &bearer(&token), Run::Parked).await;
    let cookie = session_cookie(&app, "la.gone", &password).await;
    let mut by_session = Raw::open(&app, &cookie, Run::OwnTask).await;
    let since = Instant::now();
    call(
        &app,
        &admin,
        "/rpc/disable_account",
        &[("username", "la.gone")],
    )
    .await;
    ends(&mut by_token, "account_disabled", since, "disabled, token").await;
    ends(
        &mut by_session,
        "account_disabled",
        since,
        "disabled, session",
    )
    .await;

    // Every token of the account revoked; one stream on its own task, one parked.
    app.account("la.bot", Role::Viewer, "all").await;
    let token = app.token_for("la.bot").await;
    let mut own = Raw::open(&app, &bearer(&token), Run::OwnTask).await;
    let mut parked = Raw::open(&app, &bearer(&token), Run::Parked).await;
    let since = Instant::now();
    app::accounts::tokens::revoke_tokens(&app.db.pool, "la.bot", "test", Utc::now())
        .await
        .unwrap();
    ends(&mut own, "token_revoked", since, "token revoked, own task").await;
    ends(&mut parked, "token_revoked", since, "token revoked, parked").await;

    // A password reset by an administrator.
    let password = app.account("la.pw", Role::Supervisor, "YVR").await;
    let cookie = session_cookie(&app, "la.pw", &password).await;
    let mut raw = Raw::open(&app, &cookie, Run::Parked).await;
    let since = Instant::now();
    call(
        &app,
        &admin,
        "/rpc/reset_password",
        &[("username", "la.pw")],
    )
    .await;
    ends(&mut raw, "password_changed", since, "password changed").await;

    // Ended streams no longer count against their account.
    assert_eq!(app.live.streams_of(account_id(&app, "la.gone").await), 0);
}

async fn account_id(app: &TestApp, username: &str) -> i64 {
    app.scalar(&format!(
        "select id from accounts where username = '{username}'"
    ))
    .await
}

pub async fn a_live_stream_ends_when_its_session_times_out(backend: Backend) {
    // Idle: the open stream is no activity, so the session goes idle under it.
    let Some(app) = spawn_app_configured(backend, 0, |config| {
        config.auth.idle = Duration::from_secs(2);
    })
    .await
    else {
        return;
    };
    let password = app.account("lt.idle", Role::Viewer, "all").await;
    let cookie = session_cookie(&app, "lt.idle", &password).await;
    let signed_in = Instant::now();
    let mut raw = Raw::open(&app, &cookie, Run::Parked).await;
    let reason = raw.ended(Duration::from_secs(2) + WITHIN).await;
    assert_eq!(reason.as_deref(), Some("idle"), "{}", raw.seen);
    assert!(signed_in.elapsed() <= Duration::from_secs(2) + WITHIN);
    let ended = app
        .scalar(
            "select count(*) from sessions s join accounts a on a.id = s.account_id \
             where a.username = 'lt.idle' and s.end_reason = 'idle'",
        )
        .await;
    assert_eq!(ended, 1, "the session is ended and journaled as idle");
    let journaled = app
        .scalar("select count(*) from journal where entity = 'session' and reason = 'idle'")
        .await;
    assert_eq!(journaled, 1);

    // Absolute: used all along (another page keeps asking), the session still ends.
    let Some(app) = spawn_app_configured(backend, 0, |config| {
        config.auth.absolute = Duration::from_secs(3);
    })
    .await
    else {
        return;
    };
    let password = app.account("lt.long", Role::Viewer, "all").await;
    let cookie = session_cookie(&app, "lt.long", &password).await;
    let signed_in = Instant::now();
    let mut raw = Raw::open(&app, &cookie, Run::OwnTask).await;
    let reason = raw.ended(Duration::from_secs(3) + WITHIN).await;
    assert_eq!(reason.as_deref(), Some("expired"), "{}", raw.seen);
    assert!(signed_in.elapsed() <= Duration::from_secs(3) + WITHIN);
}

/// A change of an account's role or ports, as an administrator's change would make it: the
/// account updated and journaled in one transaction.
async fn change_access(app: &TestApp, username: &str, role: Role, ports: &str) {
    use app::journal::db::{NewEntry, record};
    let id = account_id(app, username).await;
    let mut tx = app::db::WriteTx::begin(&app.db.pool).await.unwrap();
    sqlx::query("update accounts set role = $1, ports = $2, version = version + 1 where id = $3")
        .bind(role.code())
        .bind(ports)
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    let after = json!({ "role": role.code(), "ports": ports });
    let entry =
        NewEntry::administrative(Utc::now(), "test", "account", id, "access_changed", after);
    record(&mut tx, entry).await.unwrap();
    tx.commit().await.unwrap();
}

async fn note(app: &TestApp, token: &str, shipment: i64) -> i64 {
    let answer = app
        .client
        .post(app.url(&format!("/api/v1/shipments/{shipment}/notes")))
        .bearer_auth(token)
        .json(&json!({ "text": "seen by whom?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    app.scalar("select max(seq) from journal").await
}

pub async fn what_a_live_stream_reads_follows_its_accounts_rights(backend: Backend) {
    let Some(app) = spawn_app_with(backend, 50).await else {
        return;
    };
    app.account("lr.writer", Role::Supervisor, "all").await;
    let writer = app.token_for("lr.writer").await;
    let shipment = app.scalar("select min(id) from shipments").await;
    // Every role reads the board at every port; account changes are for administrators.
    app.account("lr.admin", Role::Admin, "all").await;
    let token = app.token_for("lr.admin").await;
    let mut parked = Raw::open(&app, &bearer(&token), Run::Parked).await;
    let mut own = Raw::open(&app, &bearer(&token), Run::OwnTask).await;
    let created = new_account(&app, "lr.first").await;
    let marker = note(&app, &writer, shipment).await;
    for raw in [&mut parked, &mut own] {
        assert!(raw.read_until(&format!("id: {marker}\n"), WITHIN).await);
        assert!(
            raw.seen.contains(&format!("id: {created}\n")),
            "an administrator's"
        );
    }

    // No longer an administrator: the very next account change is not sent, on either stream.
    change_access(&app, "lr.admin", Role::Supervisor, "YVR").await;
    let created = new_account(&app, "lr.second").await;
    let marker = note(&app, &writer, shipment).await;
    for raw in [&mut parked, &mut own] {
        assert!(
            raw.read_until(&format!("id: {marker}\n"), WITHIN).await,
            "{}",
            raw.seen
        );
        assert!(!raw.seen.contains(&format!("id: {created}\n")), "no longer");
    }

    // An administrator again: account changes reach the same streams once more.
    change_access(&app, "lr.admin", Role::Admin, "all").await;
    let created = new_account(&app, "lr.third").await;
    for raw in [&mut parked, &mut own] {
        assert!(
            raw.read_until(&format!("id: {created}\n"), WITHIN).await,
            "{}",
            raw.seen
        );
        assert!(
            raw.ended(Duration::from_millis(100)).await.is_none(),
            "still open"
        );
    }
}

/// Creates an account; its journal entry's number.
async fn new_account(app: &TestApp, username: &str) -> i64 {
    app.account(username, Role::Viewer, "all").await;
    app.scalar(&format!(
        "select max(seq) from journal where entity = 'account' and entity_id = \
         (select cast(id as text) from accounts where username = '{username}')"
    ))
    .await
}

/// Opens a stream as the first request of a connection and returns the status, and the
/// connection while it is open.
async fn try_open(app: &TestApp, token: &str) -> (String, TcpStream) {
    let host = address(app);
    let mut stream = TcpStream::connect(&host).await.unwrap();
    let head = Raw::request(&mut stream, &host, "/api/v1/live", &bearer(token)).await;
    (head, stream)
}

pub async fn an_account_holds_at_most_its_share_of_live_streams(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |_| {}).await else {
        return;
    };
    app.account("lc.many", Role::Viewer, "all").await;
    let token = app.token_for("lc.many").await;
    // Thirty at once: twenty are let in, the rest refused.
    let attempts: Vec<_> = (0..30)
        .map(|_| {
            let (host, token) = (address(&app), token.clone());
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(&host).await.unwrap();
                let head = Raw::request(&mut stream, &host, "/api/v1/live", &bearer(&token)).await;
                (head, stream)
            })
        })
        .collect();
    let mut open = vec![];
    let mut refused = vec![];
    for attempt in attempts {
        let (head, stream) = attempt.await.unwrap();
        if head.starts_with("HTTP/1.1 200") {
            open.push(stream);
        } else {
            refused.push((head, stream));
        }
    }
    assert_eq!(open.len(), 20, "the default share");
    assert_eq!(refused.len(), 10);
    let (head, mut stream) = refused.pop().unwrap();
    assert!(head.starts_with("HTTP/1.1 429"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("retry-after: "),
        "{head}"
    );
    let body: Value = serde_json::from_str(&Raw::body(&mut stream, &head).await).unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("already has 20 live streams open")
            && message.contains("close other tabs"),
        "{message}"
    );

    // Another account is not held back by this one.
    app.account("lc.other", Role::Viewer, "all").await;
    let other = app.token_for("lc.other").await;
    assert!(try_open(&app, &other).await.0.starts_with("HTTP/1.1 200"));

    // Closing one lets another open.
    drop(open.pop());
    let waited = Instant::now();
    loop {
        let (head, stream) = try_open(&app, &token).await;
        if head.starts_with("HTTP/1.1 200") {
            open.push(stream);
            break;
        }
        assert!(
            waited.elapsed() < FREED_WITHIN,
            "a closed stream frees its place"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(try_open(&app, &token).await.0.starts_with("HTTP/1.1 429"));
}

/// Two instances on one database: access ended through one ends the streams of the other.
pub async fn access_ended_on_one_instance_ends_streams_on_another(backend: Backend) {
    let Some(first) = spawn_app_configured(backend, 0, |_| {}).await else {
        return;
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = crate::helpers::config();
    config.database_url = String::new();
    let second = border_ops::startup::Application::with_db(config, first.db.clone(), listener)
        .await
        .unwrap();
    let other = second.local_addr().unwrap().to_string();
    let other_live = second.state().live.clone();
    tokio::spawn(second.run_until_stopped(std::future::pending()));
    let admin = administrator(&first, "li.admin").await;
    app_account(&first, "li.far").await;
    let token = first.token_for("li.far").await;
    let mut raw = Raw::open_at(&other, &other_live, &bearer(&token), Run::Parked).await;
    let since = Instant::now();
    call(
        &first,
        &admin,
        "/rpc/disable_account",
        &[("username", "li.far")],
    )
    .await;
    ends(
        &mut raw,
        "account_disabled",
        since,
        "disabled on the other instance",
    )
    .await;
}

async fn app_account(app: &TestApp, username: &str) {
    app.account(username, Role::Viewer, "all").await;
}

/// A stream opened with a token ends (`token_revoked`) within 5 s of `border-ops token revoke
/// --id` of that token, while a stream of another token of the same account goes on; and a
/// stream whose token expires ends at its expiry (`token_expired`), the token then refused.
pub async fn a_live_stream_ends_when_its_token_is_revoked_or_expires(backend: Backend) {
    let Some(app) = spawn_app_configured(backend, 0, |_| {}).await else {
        return;
    };
    app.account("lt.bot", Role::Viewer, "all").await;
    let (revoked, other) = (app.token_for("lt.bot").await, app.token_for("lt.bot").await);
    let mut parked = Raw::open(&app, &bearer(&revoked), Run::Parked).await;
    let mut own = Raw::open(&app, &bearer(&revoked), Run::OwnTask).await;
    let mut going_on = Raw::open(&app, &bearer(&other), Run::Parked).await;
    let id = app
        .scalar(
            "select t.id from api_tokens t join accounts a on a.id = t.account_id \
             where a.username = 'lt.bot' order by t.id limit 1",
        )
        .await
        .to_string();
    let since = Instant::now();
    crate::cli::run_with(app.db.url(), &[], &["token", "revoke", "--id", &id], None)
        .await
        .ok("token revoke --id");
    ends(
        &mut parked,
        "token_revoked",
        since,
        "one token revoked, parked",
    )
    .await;
    ends(
        &mut own,
        "token_revoked",
        since,
        "one token revoked, own task",
    )
    .await;
    assert!(
        !going_on
            .read_until("event: ended", Duration::from_secs(1))
            .await,
        "the account's other token goes on: {}",
        going_on.seen
    );

    // A token that expires in three seconds.
    let now = Utc::now();
    let expires = now + chrono::TimeDelta::seconds(3);
    let brief =
        app::accounts::tokens::issue_token(&app.db.pool, "lt.bot", "brief", expires, "test", now)
            .await
            .unwrap();
    let mut parked = Raw::open(&app, &bearer(&brief), Run::Parked).await;
    let mut own = Raw::open(&app, &bearer(&brief), Run::OwnTask).await;
    let left = (expires - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(left).await;
    let since = Instant::now();
    ends(&mut parked, "token_expired", since, "token expired, parked").await;
    ends(&mut own, "token_expired", since, "token expired, own task").await;
    let refused = client(false)
        .get(app.url("/api/v1/ports"))
        .bearer_auth(&brief)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    assert!(
        !going_on
            .read_until("event: ended", Duration::from_millis(200))
            .await,
        "{}",
        going_on.seen
    );
}
