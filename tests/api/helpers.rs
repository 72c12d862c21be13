//! `spawn_app`: the real server on a random port over a fresh database of either backend,
//! filled with a small demo country, and a client with helpers.

use app::db::Db;
use border_ops::config::Config;
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
    pub client: reqwest::Client,
    _dir: Option<TempDir>,
}

/// A folder removed when the test ends.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub const TEST_SHIPMENTS: usize = 900;

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

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, TEST_SHIPMENTS).await
}

pub async fn spawn_app_with(backend: Backend, shipments: usize) -> Option<TestApp> {
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
    let mut config = Config::from_env().expect("configuration");
    config.database_url = String::new();
    let app = Application::with_db(config, db.clone(), listener);
    let address = format!("http://{}", app.local_addr().expect("address"));
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    Some(TestApp {
        address,
        db,
        client: reqwest::Client::new(),
        _dir: dir,
    })
}

impl TestApp {
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
