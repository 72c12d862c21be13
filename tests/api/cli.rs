//! Every command the README shows, run as a reader runs it: the real `border-ops` binary, the
//! documented flags and variables, a fresh database (a temporary SQLite file, or a new
//! PostgreSQL database where `TEST_POSTGRES_URL` is set). Sizes are small, so the whole file
//! runs in seconds.

use crate::helpers::{Backend, TempDir, fresh_db};
use app::db::Db;
use serde_json::Value;
use sqlx::Row;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// Every variable the configuration reads: cleared for each run, so that the environment the
/// tests run in does not leak into what they check.
const VARIABLES: &[&str] = &[
    "DATABASE_URL",
    "DATABASE_MAX_CONNECTIONS",
    "LEPTOS_SITE_ADDR",
    "LEPTOS_SITE_ROOT",
    "RUST_LOG",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS",
    "SECURE_COOKIES",
    "LIVE_BUFFER",
    "LIVE_REPLAY_LIMIT",
    "LIVE_POLL_MS",
    "LIVE_GATHER_MS",
    "MIGRATE_ON_START",
    "LIVE_STREAMS_PER_ACCOUNT",
    "MAX_OPEN_CONNECTIONS",
    "TRUSTED_PROXIES",
    "MAX_CONCURRENT_IMPORTS",
    "MAX_CONCURRENT_CSV",
    "CSV_MAX_ROWS",
    "LOG_FORMAT",
    "METRICS_ADDR",
];

/// The locale's variables, which choose the command line's language: cleared for each run too,
/// so that a command speaks English unless its test says otherwise.
const LOCALE_VARIABLES: &[&str] = &["LANG", "LC_ALL", "LC_MESSAGES"];

/// The instant of the README's seed command.
const AT: &str = "2026-11-28T12:00:00Z";

/// A database no command has touched yet: the URL of a SQLite file that does not exist, or of
/// a new, empty PostgreSQL database (`None` when PostgreSQL is not available).
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir =
                std::env::temp_dir().join(format!("boc_cli_{}", uuid::Uuid::new_v4().simple()));
            let url = format!("sqlite://{}/border-ops.db", dir.display());
            Some((url, Some(TempDir(dir))))
        }
        Backend::Postgres => {
            let (db, _) = fresh_db(Backend::Postgres).await?;
            let url = db.url().to_string();
            db.pool.close().await;
            Some((url, None))
        }
    }
}

/// `border-ops` with the variables given and no others of its own.
fn border_ops(vars: &[(&str, &str)]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_border-ops"));
    for name in VARIABLES.iter().chain(LOCALE_VARIABLES) {
        command.env_remove(name);
    }
    command.env("RUST_LOG", "warn");
    for (name, value) in vars {
        command.env(name, value);
    }
    command.kill_on_drop(true);
    command
}

/// What a command printed, and how it ended.
pub struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// The run succeeded; else the test fails with what it printed.
    pub fn ok(self, what: &str) -> Self {
        assert!(
            self.status.success(),
            "{what}: {}\n{}\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }

    /// The run failed, saying `why` on its standard error.
    pub fn refused(self, what: &str, why: &str) {
        assert!(
            !self.status.success(),
            "{what} should fail:\n{}",
            self.stdout
        );
        assert!(self.stderr.contains(why), "{what}: {}", self.stderr);
    }
}

/// Runs `border-ops ARGS` on `database` (none when empty) and `vars`, with `input` on its
/// standard input.
pub async fn run_with(
    database: &str,
    vars: &[(&str, &str)],
    args: &[&str],
    input: Option<&str>,
) -> Ran {
    let mut vars = vars.to_vec();
    if !database.is_empty() {
        vars.push(("DATABASE_URL", database));
    }
    let mut child = border_ops(&vars)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("border-ops starts");
    let mut stdin = child.stdin.take().expect("stdin");
    if let Some(input) = input {
        stdin.write_all(input.as_bytes()).await.expect("input");
    }
    drop(stdin);
    ended(child, args).await
}

/// What `child`, started as `border-ops ARGS`, printed once it has ended.
async fn ended(child: tokio::process::Child, args: &[&str]) -> Ran {
    let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("border-ops {args:?} did not end"))
        .expect("border-ops runs");
    Ran {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

pub async fn run(database: &str, args: &[&str]) -> Ran {
    run_with(database, &[], args, None).await
}

/// Runs `border-ops ARGS` on `database` with its reader gone before it writes, as
/// `border-ops user list | head -0` does.
async fn run_unread(database: &str, args: &[&str]) -> Ran {
    let mut child = border_ops(&[("DATABASE_URL", database)])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("border-ops starts");
    // It opens its database before it prints: the pipe's reader is gone by then.
    drop(child.stdout.take());
    ended(child, args).await
}

pub async fn connect(database: &str) -> Db {
    Db::connect(database, 2)
        .await
        .expect("the database connects")
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&db.pool)
        .await
        .expect("query runs")
        .try_get(0)
        .expect("a count")
}

/// The seeded records, in order, as text: what "the same data" means.
async fn contents(db: &Db) -> Vec<String> {
    let mut rows = vec![];
    for sql in [
        "select code, status, lanes_open, officers_on_shift from ports order by code",
        "select id, name, badge, home_port, on_shift from officers order by id",
        "select id, reference, port_code, status, eta_at from shipments order by id",
        "select id, shipment_id, reason, status, placed_at, version from holds order by id",
        "select id, hold_id, kind, status, created_at, version from inspections order by id",
        "select seq, at, actor, entity, entity_id, action, after_json from journal order by seq",
        "select username, role, ports, display_name, active from accounts order by username",
    ] {
        for row in sqlx::query(sql).fetch_all(&db.pool).await.expect(sql) {
            let mut line = String::new();
            for i in 0..row.len() {
                let cell = row
                    .try_get::<Option<String>, _>(i)
                    .map(|v| v.unwrap_or_default())
                    .or_else(|_| row.try_get::<Option<i64>, _>(i).map(|v| format!("{v:?}")))
                    .expect("text or a number");
                line.push_str(&cell);
                line.push('|');
            }
            rows.push(line);
        }
    }
    rows
}

/// `migrate`, then `seed --demo --seed 7 --at …`: the same seed and instant give the same
/// data, on a database migrated first or not; a second seed and a seed without `--demo` are
/// refused.
pub async fn migrate_then_seed_the_same_country_twice(backend: Backend) {
    let (Some((first, _a)), Some((second, _b))) =
        (fresh_database(backend).await, fresh_database(backend).await)
    else {
        return;
    };
    let migrated = run(&first, &["migrate"]).await.ok("migrate");
    assert!(
        migrated.stdout.starts_with("migrations applied to "),
        "{}",
        migrated.stdout
    );
    assert_eq!(
        count(&connect(&first).await, "select count(*) from ports").await,
        0
    );

    let seed = [
        "seed",
        "--demo",
        "--seed",
        "7",
        "--at",
        AT,
        "--shipments",
        "400",
    ];
    for database in [&first, &second] {
        let seeded = run(database, &seed).await.ok("seed --demo");
        assert!(
            seeded.stdout.contains("ports=21 ") && seeded.stdout.contains("shipments=400 "),
            "{}",
            seeded.stdout
        );
    }
    let (a, b) = (connect(&first).await, connect(&second).await);
    let (left, right) = (contents(&a).await, contents(&b).await);
    assert!(left.len() > 1000, "{} rows", left.len());
    assert_eq!(left, right, "the same seed and instant give the same data");
    // The demo personas are there, made with the country.
    assert_eq!(
        count(&a, "select count(*) from accounts where demo = 1").await,
        5
    );

    run(&first, &seed)
        .await
        .refused("a second seed", "seed a fresh database");
    run(&second, &["seed", "--seed", "7"])
        .await
        .refused("a seed without --demo", "say --demo");
}

/// `user add` (with and without `--password-stdin`), `user passwd` (both ways), `token issue`,
/// `token revoke`, `user disable` and `user list`, each checked in the database it changed.
pub async fn accounts_and_tokens_from_the_command_line(backend: Backend) {
    use app::accounts::db::check_credentials;
    use app::accounts::tokens::account_for_token;
    let Some((database, _dir)) = fresh_database(backend).await else {
        return;
    };
    let added = run(
        &database,
        &[
            "user",
            "add",
            "--username",
            "ops.lead",
            "--role",
            "supervisor",
            "--ports",
            "YVR,YYZ",
            "--display-name",
            "Ops Lead",
            "--badge",
            "B77",
        ],
    )
    .await
    .ok("user add");
    let generated = added.stdout.trim().to_string();
    assert_eq!(added.stdout.lines().count(), 1, "{}", added.stdout);
    assert!(
        added.stderr.contains("created ops.lead ("),
        "{}",
        added.stderr
    );
    let db = connect(&database).await;
    let lead = check_credentials(&db.pool, "ops.lead", &generated)
        .await
        .unwrap()
        .expect("the printed password signs in");
    assert_eq!(lead.display_name, "Ops Lead");

    let typed = run_with(
        &database,
        &[],
        &[
            "user",
            "add",
            "--username",
            "ops.bridge",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("bridge-password-1234\n"),
    )
    .await
    .ok("user add --password-stdin");
    assert_eq!(typed.stdout, "", "nothing is printed for a typed password");
    assert!(
        check_credentials(&db.pool, "ops.bridge", "bridge-password-1234")
            .await
            .unwrap()
            .is_some()
    );

    let changed = run(&database, &["user", "passwd", "ops.lead"])
        .await
        .ok("user passwd");
    let new = changed.stdout.trim();
    assert_ne!(new, generated);
    assert!(
        check_credentials(&db.pool, "ops.lead", new)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        check_credentials(&db.pool, "ops.lead", &generated)
            .await
            .unwrap()
            .is_none()
    );
    run_with(
        &database,
        &[],
        &["user", "passwd", "ops.lead", "--password-stdin"],
        Some("lead-password-5678\n"),
    )
    .await
    .ok("user passwd --password-stdin");
    assert!(
        check_credentials(&db.pool, "ops.lead", "lead-password-5678")
            .await
            .unwrap()
            .is_some()
    );

    let issued = run(
        &database,
        &[
            "token",
            "issue",
            "--username",
            "ops.bridge",
            "--label",
            "bridge",
        ],
    )
    .await
    .ok("token issue");
    let token = issued.stdout.trim_end_matches('\n');
    assert!(
        token.starts_with("boc_") && !token.contains('\n'),
        "{token:?}"
    );
    let holder = account_for_token(&db.pool, token, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        holder.map(|(a, _)| a.username).as_deref(),
        Some("ops.bridge")
    );
    assert_eq!(
        count(
            &db,
            "select count(*) from api_tokens where label = 'bridge'"
        )
        .await,
        1
    );
    let revoked = run(&database, &["token", "revoke", "--username", "ops.bridge"])
        .await
        .ok("token revoke");
    assert!(
        revoked.stderr.contains("revoked 1 token(s) of ops.bridge"),
        "{}",
        revoked.stderr
    );
    assert!(
        account_for_token(&db.pool, token, chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );

    run(&database, &["user", "disable", "ops.lead"])
        .await
        .ok("user disable");
    assert!(
        check_credentials(&db.pool, "ops.lead", "lead-password-5678")
            .await
            .unwrap()
            .is_none()
    );
    let listed = run(&database, &["user", "list"]).await.ok("user list");
    let line = |name: &str| {
        listed
            .stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {}", listed.stdout))
            .to_string()
    };
    assert!(line("ops.lead ").contains("disabled"));
    assert!(line("ops.bridge ").contains("active"));
    assert!(line("ops.lead ").contains("supervisor"));
    // Read by a program that stops reading (`| head`): it ends by the pipe's signal, quietly,
    // as other command-line tools do, not with a panic.
    let unread = run_unread(&database, &["user", "list"]).await;
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&unread.status),
        Some(libc::SIGPIPE),
        "{}: {}",
        unread.status,
        unread.stderr
    );
    assert!(!unread.stderr.contains("panicked"), "{}", unread.stderr);

    run(
        &database,
        &["user", "add", "--username", "x.y", "--role", "chief"],
    )
    .await
    .refused("an unknown role", "role: use one of");
}

/// `import FILE.csv` of a manifest written by `bench ingest --write-csv`, with one bad row
/// added: the good rows are stored, the bad one reported by line, field and reason.
pub async fn a_manifest_is_imported_and_its_bad_row_reported(backend: Backend) {
    let Some((database, dir)) = fresh_database(backend).await else {
        return;
    };
    let folder = match dir {
        Some(dir) => dir,
        None => {
            let folder =
                std::env::temp_dir().join(format!("boc_cli_{}", uuid::Uuid::new_v4().simple()));
            TempDir(folder)
        }
    };
    std::fs::create_dir_all(&folder.0).unwrap();
    run(
        &database,
        &["seed", "--demo", "--shipments", "60", "--at", AT],
    )
    .await
    .ok("seed");
    let file = folder.0.join("manifest.csv");
    let file_name = file.to_str().unwrap();
    run(
        "",
        &[
            "bench",
            "ingest",
            "--write-csv",
            file_name,
            "--declarations",
            "30",
        ],
    )
    .await
    .ok("bench ingest --write-csv");
    let mut manifest = std::fs::read_to_string(&file).unwrap();
    let columns = manifest.lines().next().unwrap().split(',').count();
    // Line 32: a sea declaration with nothing but its mode.
    let mut bad = vec![""; columns];
    bad[1] = "sea";
    manifest.push_str(&bad.join(","));
    manifest.push('\n');
    std::fs::write(&file, manifest).unwrap();

    let db = connect(&database).await;
    let before = count(&db, "select count(*) from shipments").await;
    let imported = run(&database, &["import", file_name]).await.ok("import");
    assert!(
        imported.stdout.contains("manifest.csv: 31 rows in ")
            && imported
                .stdout
                .contains(": 30 accepted, 0 updated, 0 unchanged, 1 refused"),
        "{}",
        imported.stdout
    );
    assert!(
        imported.stdout.contains("line 32: reference: "),
        "{}",
        imported.stdout
    );
    assert_eq!(
        count(&db, "select count(*) from shipments").await,
        before + 30
    );

    run(&database, &["import", "/nonexistent/manifest.csv"])
        .await
        .refused("a missing file", "cannot be read");
}

/// The value of `key` in a benchmark's `key=value` summary line.
fn figure(summary: &str, key: &str) -> f64 {
    summary
        .split_whitespace()
        .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{key} in {summary}"))
}

/// Each `bench …` at a small size, on a temporary SQLite database or the empty database
/// `DATABASE_URL` names: it ends with its summary line, and its checks hold.
pub async fn each_benchmark_runs_at_a_small_size(backend: Backend) {
    let runs: [(&[&str], &[&str]); 5] = [
        (
            &["bench", "board", "--shipments", "200", "--iterations", "2"],
            &["shipments", "worst_p99_ms"],
        ),
        (
            &["bench", "replay", "--shipments", "200", "--iterations", "3"],
            &[
                "shipments",
                "overview_at_p50_ms",
                "port_at_p99_ms",
                "holds_at_p99_ms",
                "worst_p99_ms",
            ],
        ),
        (
            &["bench", "actions", "--tasks", "2", "--cycles", "3"],
            &["actions", "journaled", "errors", "actions_per_s"],
        ),
        (
            &["bench", "ingest", "--declarations", "100", "--batch", "40"],
            &["declarations", "json_per_s", "csv_per_s", "refused"],
        ),
        (
            &[
                "bench",
                "live",
                "--clients",
                "4",
                "--rate",
                "10",
                "--seconds",
                "1",
            ],
            &["clients", "changes", "lost", "duplicated", "p99_ms"],
        ),
    ];
    for (args, keys) in runs {
        let database = match backend {
            // Unset: the benchmark makes and removes its own temporary file.
            Backend::Sqlite => None,
            Backend::Postgres => match fresh_database(backend).await {
                Some((url, _)) => Some(url),
                None => return,
            },
        };
        let vars: Vec<(&str, &str)> = database
            .iter()
            .map(|u| ("DATABASE_URL", u.as_str()))
            .collect();
        let mut command = border_ops(&vars);
        let output = command
            .args(args)
            .output()
            .await
            .expect("the benchmark runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{args:?}: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary = stdout.lines().last().expect("a summary line");
        for key in keys {
            figure(summary, key);
        }
        match args[1] {
            "board" | "replay" => assert_eq!(figure(summary, "shipments"), 200.0),
            "actions" => {
                assert_eq!(figure(summary, "actions"), 18.0);
                assert_eq!(figure(summary, "errors"), 0.0);
            }
            // 100 as JSON batches, and 100 more as a manifest.
            "ingest" => assert_eq!(figure(summary, "declarations"), 200.0),
            _ => {
                assert_eq!(figure(summary, "clients"), 4.0);
                assert_eq!(figure(summary, "lost"), 0.0, "{stdout}");
                assert_eq!(figure(summary, "duplicated"), 0.0, "{stdout}");
            }
        }
    }
}

/// A `border-ops serve` process on a free port.
pub struct Server {
    child: tokio::process::Child,
    base: String,
}

impl Server {
    /// Starts `border-ops ARGS` on `database` and waits until `/healthz` answers.
    async fn start(database: &str, args: &[&str]) -> Server {
        Server::start_with(database, &[], args).await
    }

    /// Starts `border-ops ARGS` on `database` with the variables `vars`, and waits until
    /// `/healthz` answers.
    pub async fn start_with(database: &str, vars: &[(&str, &str)], args: &[&str]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let mut all = vec![("DATABASE_URL", database), ("LEPTOS_SITE_ADDR", &address)];
        all.extend_from_slice(vars);
        let child = border_ops(&all)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let mut server = Server {
            child,
            base: format!("http://{address}"),
        };
        let started = Instant::now();
        loop {
            if let Ok(r) = reqwest::get(server.url("/healthz")).await
                && r.status().is_success()
            {
                break;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("border-ops {args:?} ended: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "border-ops {args:?} never answered"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A call to a server function with `token`, answered in JSON.
    async fn rpc(&self, token: &str, name: &str, form: &str) -> Value {
        let response = reqwest::Client::new()
            .post(self.url(&format!("/rpc/{name}")))
            .bearer_auth(token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.to_string())
            .send()
            .await
            .expect("request is sent");
        assert!(
            response.status().is_success(),
            "{name}: {}",
            response.status()
        );
        response.json().await.expect("JSON")
    }

    /// Sends SIGTERM and waits for the process to end; returns its standard output.
    pub async fn stop(self) -> String {
        let pid = self.child.id().expect("a running server").to_string();
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let output = tokio::time::timeout(Duration::from_secs(20), self.child.wait_with_output())
            .await
            .expect("the server ends within 20 s of SIGTERM")
            .expect("its output");
        assert!(
            output.status.success(),
            "the server exits cleanly on SIGTERM: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

/// `serve --live-streams-per-account N`, as the README gives it: an account holds N live
/// streams open, and the next is refused with 429, a sentence and `Retry-After`.
pub async fn serve_caps_live_streams_by_its_flag(backend: Backend) {
    let Some((database, _dir)) = fresh_database(backend).await else {
        return;
    };
    run(
        &database,
        &["user", "add", "--username", "ops.wall", "--role", "viewer"],
    )
    .await
    .ok("user add");
    let token = run(&database, &["token", "issue", "--username", "ops.wall"])
        .await
        .ok("token issue");
    let token = token.stdout.trim();
    let server = Server::start(&database, &["serve", "--live-streams-per-account", "2"]).await;
    let http = reqwest::Client::new();
    let open = || {
        http.get(server.url("/api/v1/live"))
            .bearer_auth(token)
            .send()
    };
    let (first, second) = (open().await.unwrap(), open().await.unwrap());
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    let third = open().await.unwrap();
    assert_eq!(third.status().as_u16(), 429);
    assert!(third.headers().contains_key("retry-after"));
    let refusal: Value = third.json().await.unwrap();
    let message = refusal["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("already has 2 live streams open"),
        "{refusal}"
    );
    drop((first, second));
    server.stop().await;
}

/// `serve` with each flag: `--demo` fills an empty database with the demo country of
/// `--seed` (on PostgreSQL the database is seeded small first, to keep the run short), makes
/// its personas, shows the demo banner and runs the simulation at `--sim-speed`, with that
/// seed; `--no-sim` serves it standing still; a plain `serve` makes the first administrator
/// and offers no personas. The README's `curl … /api/v1/ports` with a token from `token issue`
/// answers, and every server ends on SIGTERM.
pub async fn serve_with_each_flag(backend: Backend) {
    let (Some((demo_db, _a)), Some((plain_db, _b)), Some((small_db, _c))) = (
        fresh_database(backend).await,
        fresh_database(backend).await,
        fresh_database(backend).await,
    ) else {
        return;
    };
    let shipments = match backend {
        Backend::Sqlite => 12_000,
        Backend::Postgres => {
            run(
                &demo_db,
                &["seed", "--demo", "--seed", "7", "--shipments", "200"],
            )
            .await
            .ok("seed");
            200
        }
    };
    let demo = Server::start(
        &demo_db,
        &["serve", "--demo", "--seed", "7", "--sim-speed", "60"],
    )
    .await;
    let signin = reqwest::get(demo.url("/signin"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(signin.contains("demo-banner"), "the demo banner is shown");
    let personas: Value = reqwest::Client::new()
        .post(demo.url("/rpc/demo_personas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(personas.as_array().map(Vec::len), Some(5), "{personas}");
    let admin = run(&demo_db, &["token", "issue", "--username", "admin"])
        .await
        .ok("token issue for the demo's administrator");
    let admin = admin.stdout.trim();
    let status = demo.rpc(admin, "sim_status", "").await;
    assert_eq!(status["running"], true, "{status}");
    assert_eq!(status["speed"], 60.0, "{status}");
    // The simulation runs with the seed asked for: its pause is journaled under it.
    demo.rpc(admin, "set_sim_paused", "paused=true").await;
    let db = connect(&demo_db).await;
    let seeds: Vec<String> =
        sqlx::query("select entity_id from journal where entity = 'simulation'")
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert_eq!(seeds, ["7"]);
    // The README's call: a token for an account made from the shell, then the ports.
    run(
        &demo_db,
        &[
            "user",
            "add",
            "--username",
            "ops.bridge",
            "--role",
            "viewer",
        ],
    )
    .await
    .ok("user add");
    let token = run(&demo_db, &["token", "issue", "--username", "ops.bridge"])
        .await
        .ok("token issue");
    let ports: Value = reqwest::Client::new()
        .get(demo.url("/api/v1/ports"))
        .header("Authorization", format!("Bearer {}", token.stdout.trim()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ports["ports"].as_array().map(Vec::len), Some(21), "{ports}");
    let printed = demo.stop().await;
    assert!(
        printed.contains("border-ops listening on http://"),
        "{printed}"
    );
    assert!(!printed.contains("No administrator existed"), "{printed}");

    // The country is the one `seed --demo --seed 7` makes: the same shipments, in the same
    // order (a smaller country is the beginning of a larger one).
    let references = |url: String| async move {
        sqlx::query("select reference from shipments order by id")
            .fetch_all(&connect(&url).await.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect::<Vec<_>>()
    };
    run(
        &small_db,
        &["seed", "--demo", "--seed", "7", "--shipments", "50"],
    )
    .await
    .ok("seed --demo --seed 7");
    // (The simulation may have declared a few more since.)
    let served = references(demo_db.clone()).await;
    assert!(served.len() >= shipments, "{} shipments", served.len());
    assert_eq!(served[..50], references(small_db.clone()).await[..]);

    // Standing still: the same demo country, no simulation.
    let still = Server::start(&demo_db, &["serve", "--demo", "--no-sim"]).await;
    assert_eq!(still.rpc(admin, "sim_status", "").await, Value::Null);
    let signin = reqwest::get(still.url("/signin"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(signin.contains("demo-banner"));
    still.stop().await;

    // A plain `serve` on a fresh database: an administrator made and shown once, no personas,
    // no banner, no simulation.
    let plain = Server::start(&plain_db, &["serve"]).await;
    let none: Value = reqwest::Client::new()
        .post(plain.url("/rpc/demo_personas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none, serde_json::json!([]));
    let signin = reqwest::get(plain.url("/signin"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!signin.contains("demo-banner"));
    let printed = plain.stop().await;
    assert!(
        printed.contains("No administrator existed, so one was made."),
        "{printed}"
    );
    let db = connect(&plain_db).await;
    assert_eq!(
        count(&db, "select count(*) from accounts where role = 'admin'").await,
        1
    );
}

/// A bad value of a variable stops the command before it does anything, with a sentence that
/// names the variable.
pub async fn a_bad_configuration_value_is_refused_with_its_name() {
    let Some((database, _dir)) = fresh_database(Backend::Sqlite).await else {
        return;
    };
    for (name, value, args) in [
        ("DATABASE_MAX_CONNECTIONS", "abc", &["migrate"][..]),
        ("SECURE_COOKIES", "maybe", &["serve"][..]),
        ("LEPTOS_SITE_ADDR", "localhost", &["serve"][..]),
        ("SESSION_IDLE_MINUTES", "an hour", &["serve"][..]),
        ("LIVE_BUFFER", "0", &["serve"][..]),
    ] {
        run_with(&database, &[(name, value)], args, None)
            .await
            .refused(&format!("{name}={value}"), name);
    }
    // Nothing was done: the database was not even created.
    assert!(!std::path::Path::new(database.trim_start_matches("sqlite://")).exists());
}

/// `border-ops --help` lists every variable of the README's configuration table with the
/// default the README gives, so that the table stays true.
pub async fn the_help_lists_every_variable_of_the_readme_with_its_default() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let table = readme
        .split("## Configuration")
        .nth(1)
        .expect("a configuration section");
    let help = run("", &["--help"]).await.ok("--help").stdout;
    let mut seen = 0;
    for row in table
        .lines()
        .take_while(|l| !l.starts_with("The `border-ops` binary"))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let [_, variable, default, ..] = cells[..] else {
            continue;
        };
        let Some(variable) = variable.strip_prefix('`').and_then(|v| v.strip_suffix('`')) else {
            continue;
        };
        assert!(
            help.contains(&format!("[env: {variable}")),
            "{variable} in:\n{help}"
        );
        assert!(
            VARIABLES.contains(&variable),
            "{variable} is cleared for each run"
        );
        // A single value is clap's own `[default: …]`.
        if default.matches('`').count() == 2 {
            let value = default.trim_matches('`');
            assert!(
                help.contains(&format!("[default: {value}")),
                "{variable}'s default {value} in:\n{help}"
            );
        }
        seen += 1;
    }
    assert_eq!(
        seen,
        VARIABLES.len(),
        "every variable has its row in the README"
    );
}

/// `border-ops bench trends` as the README shows it (on PostgreSQL with smaller numbers): it
/// seeds, reads the country's 30 days and prints its figures.
pub async fn the_trends_benchmark_times_the_country_s_30_days(backend: Backend) {
    let (database, _dir, args): (String, _, &[&str]) = match backend {
        Backend::Sqlite => (
            String::new(),
            None,
            &["bench", "trends", "--iterations", "20"],
        ),
        Backend::Postgres => match fresh_database(backend).await {
            Some((url, dir)) => (
                url,
                dir,
                &[
                    "bench",
                    "trends",
                    "--shipments",
                    "2000",
                    "--iterations",
                    "5",
                ],
            ),
            None => return,
        },
    };
    let ran = run_with(&database, &[], args, None)
        .await
        .ok("bench trends");
    let summary = ran.stdout.lines().last().expect("a summary line");
    let figure = |key: &str| -> f64 {
        summary
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} in {summary}"))
    };
    let (shipments, iterations) = match backend {
        Backend::Sqlite => (12_000.0, 20.0),
        Backend::Postgres => (2_000.0, 5.0),
    };
    assert_eq!(figure("shipments"), shipments, "{summary}");
    assert_eq!(figure("iterations"), iterations, "{summary}");
    assert_eq!(figure("days"), 30.0, "{summary}");
    assert!(figure("holds_placed") > 0.0, "{summary}");
    // Every land crossing measured over the last 14 days, every 20 minutes.
    assert!(figure("waits_measured") >= 5.0 * 14.0 * 72.0, "{summary}");
    let (p50, p99) = (figure("p50_ms"), figure("p99_ms"));
    assert!(0.0 < p50 && p50 <= p99, "{summary}");
}

/// `border-ops bench board --existing` and `bench replay --existing`, as the README shows them:
/// they time the country the database holds (here one `seed` filled) without adding to it, and
/// refuse a database with no country (the temporary one when DATABASE_URL is unset).
pub async fn a_benchmark_times_the_database_as_it_stands(backend: Backend) {
    let Some((database, _dir)) = fresh_database(backend).await else {
        return;
    };
    run_with(
        &database,
        &[],
        &["seed", "--demo", "--shipments", "300", "--seed", "7"],
        None,
    )
    .await
    .ok("seed");
    for (what, args) in [
        (
            "board",
            &["bench", "board", "--existing", "--iterations", "3"][..],
        ),
        (
            "replay",
            &["bench", "replay", "--existing", "--iterations", "3"][..],
        ),
    ] {
        let ran = run_with(&database, &[], args, None).await.ok(what);
        let summary = ran.stdout.lines().last().expect("a summary line");
        assert_eq!(figure(summary, "shipments"), 300.0, "{summary}");
        assert!(summary.contains(" seed_s=existing "), "{summary}");
        figure(summary, "worst_p99_ms");
    }
    // Nothing was added: still the seeded 300.
    run_with(
        &database,
        &[],
        &["bench", "board", "--existing", "--iterations", "1"],
        None,
    )
    .await
    .ok("again")
    .stdout
    .lines()
    .last()
    .map(|s| assert_eq!(figure(s, "shipments"), 300.0, "{s}"))
    .expect("a summary line");
    run_with("", &[], &["bench", "board", "--existing"], None)
        .await
        .refused("no country", "holds no ports");
}
