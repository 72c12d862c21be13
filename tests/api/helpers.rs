//! `spawn_app`: the real server on a random port over a fresh database of either backend,
//! filled with a small demo country, and a client with helpers.

use app::accounts::db as accounts;
use app::db::Db;
use app::domain::{PortScope, Role};
use border_ops::config::{Config, Settings};
use border_ops::seed::{self, SeedOptions};
use border_ops::startup::Application;
use chrono::Utc;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub db: Db,
    /// Sends the bearer token of a viewer account (`test.reader`) with every request.
    pub client: reqwest::Client,
    /// The live pump of the server, for its counters.
    pub live: border_ops::live::LiveHub,
    /// The server's CSV download turns, for a test to hold some.
    pub csv: border_ops::state::CsvGate,
    _dir: Option<TempDir>,
}

/// A folder removed when the test ends.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The test country's size: enough that every hour of the day ends its history with holds and
/// examinations still open (at 900, seed 11 seeded at 12:20 UTC had none; at 2,000 it has 3
/// active holds at its quietest hour, 6 or 7 at most others).
pub const TEST_SHIPMENTS: usize = 2_000;

fn unique_name() -> String {
    format!("boc_test_{}", uuid::Uuid::new_v4().simple())
}

/// A fresh, empty database. On PostgreSQL a new database is created on the server named by
/// `TEST_POSTGRES_URL`; without it the test is skipped, except under `CI=true`, where a
/// skipped PostgreSQL run is a failure.
pub async fn fresh_db(backend: Backend) -> Option<(Db, Option<TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique_name());
            let url = format!("sqlite://{}/board.db", dir.display());
            let db = Db::connect(&url, 8).await.expect("sqlite connects");
            Some((db, Some(TempDir(dir))))
        }
        Backend::Postgres => {
            let Ok(admin_url) = std::env::var("TEST_POSTGRES_URL") else {
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!("TEST_POSTGRES_URL is not set: the PostgreSQL suite must run in CI");
                }
                eprintln!("skipping: TEST_POSTGRES_URL is not set");
                return None;
            };
            let admin = Db::connect(&admin_url, 1)
                .await
                .expect("postgres admin connects");
            let name = unique_name();
            sqlx::query(&format!("create database {name}"))
                .execute(&admin.pool)
                .await
                .expect("create test database");
            admin.pool.close().await;
            let (base, _) = admin_url.rsplit_once('/').expect("URL names a database");
            let db = Db::connect(&format!("{base}/{name}"), 8)
                .await
                .expect("test database connects");
            Some((db, None))
        }
    }
}

/// The configuration the environment gives, read as `border-ops` reads it, without a command
/// line.
pub fn config() -> Config {
    use clap::Parser;
    let settings = Settings::try_parse_from(["border-ops"]).expect("the settings");
    Config::new(&settings).expect("configuration")
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, TEST_SHIPMENTS).await
}

pub async fn spawn_app_with(backend: Backend, shipments: usize) -> Option<TestApp> {
    spawn_app_configured(backend, shipments, |_| {}).await
}

/// The server over a fresh database, its configuration adjusted by `configure` first.
pub async fn spawn_app_configured(
    backend: Backend,
    shipments: usize,
    configure: impl FnOnce(&mut Config),
) -> Option<TestApp> {
    let (db, dir) = fresh_db(backend).await?;
    db.migrate().await.expect("migrations apply");
    if shipments > 0 {
        let mut options = SeedOptions::new(11, Utc::now());
        options.shipments = shipments;
        seed::demo(&db, &options).await.expect("demo country seeds");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let mut config = config();
    config.database_url = String::new();
    // Checkpointing fourteen days of the board costs every test seconds at its start; the
    // tests of replays turn it on.
    config.checkpoint_every = None;
    configure(&mut config);
    let app = Application::with_db(config, db.clone(), listener)
        .await
        .expect("the application assembles");
    let address = format!("http://{}", app.local_addr().expect("address"));
    let live = app.state().live.clone();
    let csv = app.state().csv.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let mut app = TestApp {
        address,
        db,
        client: reqwest::Client::new(),
        live,
        csv,
        _dir: dir,
    };
    app.account("test.reader", Role::Viewer, "all").await;
    let token = app.token_for("test.reader").await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header value"),
    );
    app.client = reqwest::Client::builder()
        .default_headers(headers)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("client");
    Some(app)
}

/// How long a test's request may take, its body and any stream it opens included: far longer
/// than any test's request needs, so that a request the server never answers fails its test,
/// naming it, instead of stalling the whole suite (a wall page on PostgreSQL did once, its
/// database idle).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// A client that follows no redirects, optionally keeping cookies like a browser.
pub fn client(cookies: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .cookie_store(cookies)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The test's pool is closed when the test ends, so that its database connections do not
/// outlive it: without this, the PostgreSQL suite's idle connections piled up past the server's
/// limit of connections and later tests were refused theirs.
impl Drop for TestApp {
    fn drop(&mut self) {
        let pool = self.db.pool.clone();
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
            // A connection still held by the server (a live stream's) is given a moment, not
            // waited for.
            tokio::task::block_in_place(|| {
                handle.block_on(async {
                    let _ =
                        tokio::time::timeout(std::time::Duration::from_secs(2), pool.close()).await;
                })
            });
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Creates an account and returns its password.
    pub async fn account(&self, username: &str, role: Role, ports: &str) -> String {
        let password = format!("pw-{}", uuid::Uuid::new_v4().simple());
        accounts::create(
            &self.db.pool,
            accounts::NewAccount {
                username,
                display_name: username,
                badge: None,
                role,
                ports: PortScope::parse(ports).expect("ports"),
                password: &password,
                demo: false,
            },
            "test",
            Utc::now(),
        )
        .await
        .expect("account is created");
        password
    }

    pub async fn token_for(&self, username: &str) -> String {
        let now = Utc::now();
        let expires = now + chrono::TimeDelta::days(app::accounts::DEFAULT_TOKEN_DAYS);
        app::accounts::tokens::issue_token(&self.db.pool, username, "test", expires, "test", now)
            .await
            .expect("token is issued")
    }

    /// Posts a body of `length` bytes to `path` with `token`, the way a large upload arrives,
    /// and gives the answer's head and body. The server answers before the body has all
    /// arrived and closes the connection, so the sender may see its writes fail: it writes on
    /// its own while the answer is read.
    pub async fn post_oversized(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        length: usize,
    ) -> (String, serde_json::Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let address = self.address.trim_start_matches("http://").to_string();
        let mut connection = tokio::net::TcpStream::connect(&address).await.unwrap();
        let (mut reading, mut writing) = connection.split();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
        );
        let send = async {
            if writing.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            for _ in 0..length.div_ceil(chunk.len()) {
                if writing.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        };
        let receive = async {
            let mut answer = Vec::new();
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(30),
                reading.read_to_end(&mut answer),
            )
            .await;
            String::from_utf8_lossy(&answer).to_string()
        };
        let ((), answer) = tokio::join!(send, receive);
        let (head, content) = answer.split_once("\r\n\r\n").expect("an answer");
        (
            head.to_string(),
            serde_json::from_str(content).expect("the error JSON"),
        )
    }

    /// Signs `browser` in through the sign-in server function, as the page does.
    pub async fn sign_in(
        &self,
        browser: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        browser
            .post(self.url("/rpc/sign_in"))
            .header("accept", "application/json")
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request is sent")
    }

    /// GET that must answer `status`, returning the JSON body.
    pub async fn get_json(&self, path: &str, status: u16) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// Refusals of `action` accounted for in the journal: those written in full, and the
    /// repeats counted in `refused_repeatedly` entries, once every count kept is written.
    pub async fn refusals_accounted(&self, action: &str) -> i64 {
        use sqlx::Row;
        app::journal::refusals::flush_all(&self.db.pool)
            .await
            .expect("the counts are written");
        let full = self
            .scalar(&format!(
                "select count(*) from journal where entity = 'access' and action = '{action}'"
            ))
            .await;
        let repeats: i64 = sqlx::query(
            "select after_json from journal where entity = 'access' and action = 'refused_repeatedly'",
        )
        .fetch_all(&self.db.pool)
        .await
        .expect("query runs")
        .iter()
        .map(|row| {
            let after: String = row.try_get(0).expect("text");
            let after: Value = serde_json::from_str(&after).expect("JSON");
            if after["refused"] == action {
                after["repeats"].as_i64().expect("a count")
            } else {
                0
            }
        })
        .sum();
        full + repeats
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql)
            .fetch_one(&self.db.pool)
            .await
            .expect("query runs")
            .try_get(0)
            .expect("one integer")
    }
}

/// The air waybill of `serial` (airline prefix 999), for a declaration a test sends.
pub fn awb(serial: u32) -> String {
    app::domain::AirWaybill::from_parts(999, serial).to_string()
}

/// A full declaration at `port` that no demo rule fires on, but for a new importer's first
/// shipment (15 points: green).
pub fn declaration(reference: &str, port: &str, importer: &str) -> Value {
    serde_json::json!({
        "mode": "air",
        "reference": reference,
        "carrier": "AC",
        "voyage": "AC 100",
        "origin_country": "FR",
        "origin_location": "CDG",
        "port_code": port,
        "shipper_name": "Lyon Pharma SA",
        "shipper_address": "Gerland, Lyon, FR",
        "consignee_name": importer,
        "consignee_address": "1 Test St, Halifax, NS",
        "importer_name": importer,
        "hs_code": "8471.30",
        "description": "Laptop computers",
        "pieces": 3,
        "weight_kg": 40,
        "declared_value": 20000,
        "eta": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339(),
    })
}

/// An importer no test has declared for before: its first shipment.
pub fn importer() -> String {
    format!("Test Importer {}", uuid::Uuid::new_v4().simple())
}

/// `GET /api/v1{path}`, or a `POST` of `body`, with `token`: the status and the JSON answer
/// (`null` when there is none).
pub async fn send(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (reqwest::StatusCode, Value) {
    let url = app.url(&format!("/api/v1{path}"));
    let request = match body {
        Some(body) => app.client.post(url).json(&body),
        None => app.client.get(url),
    };
    let response = request
        .bearer_auth(token)
        .send()
        .await
        .expect("request is sent");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}
