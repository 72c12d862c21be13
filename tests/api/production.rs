//! What an operations team runs the board with: its figures for Prometheus on their own
//! address, its logs as JSON, and the request id that ties a proxy's log, the product's log
//! and the journal together. The README's settings, on the real binary.

use crate::cli::{Server, connect, fresh_database, run};
use crate::helpers::{Backend, TempDir, spawn_app, spawn_app_configured};
use serde_json::Value;

/// The value of the series of `name` whose labels include every one of `labels`, in the
/// Prometheus text `figures`; `None` when there is no such series.
fn series(figures: &str, name: &str, labels: &[&str]) -> Option<f64> {
    figures
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

/// `user add --username ops.lead ARGS` and `token issue` for it, as the README shows them: the
/// password printed and the token.
async fn account(database: &str, args: &[&str]) -> (String, String) {
    let mut add = vec!["user", "add", "--username", "ops.lead"];
    add.extend_from_slice(args);
    let password = run(database, &add)
        .await
        .ok("user add")
        .stdout
        .trim()
        .to_string();
    let token = run(database, &["token", "issue", "--username", "ops.lead"])
        .await
        .ok("token issue")
        .stdout
        .trim()
        .to_string();
    (password, token)
}

fn free_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").to_string()
}

/// `serve` with `METRICS_ADDR`, `LOG_FORMAT=json` and `TRUSTED_PROXIES`, as the README's
/// production section sets them: the figures answer on their address and not on the board's,
/// count what was done by route pattern (never by the path asked for); the proxy's request id
/// is answered, named by every log line of its request and written into its journal entry.
pub async fn serve_gives_its_figures_json_logs_and_request_ids(backend: Backend) {
    let Some((database, _dir)) = fresh_database(backend).await else {
        return;
    };
    let (password, token) = account(&database, &["--role", "supervisor", "--ports", "YVR"]).await;
    let metrics = free_address();
    let server = Server::start_with(
        &database,
        &[
            ("METRICS_ADDR", &metrics),
            ("LOG_FORMAT", "json"),
            ("TRUSTED_PROXIES", "127.0.0.1"),
            ("RUST_LOG", "info,tower_http=debug"),
        ],
        &["serve"],
    )
    .await;
    let http = reqwest::Client::new();
    let sign_in = |password: String, id: &'static str| {
        http.post(server.url("/rpc/sign_in"))
            .header("x-request-id", id)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("username=ops.lead&password={password}"))
            .send()
    };
    let signed_in = sign_in(password.clone(), "proxy-signin-7").await.unwrap();
    assert_eq!(signed_in.status().as_u16(), 200);
    assert_eq!(signed_in.headers()["x-request-id"], "proxy-signin-7");
    let refused = sign_in("not-the-password".into(), "proxy-wrong-8")
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    // An id a proxy could not have meant is replaced by one made here.
    let replaced = http
        .get(server.url("/api/v1/ports"))
        .bearer_auth(&token)
        .header("x-request-id", "two words")
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.status().as_u16(), 200);
    let made = replaced.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(made.len(), 32, "{made}");
    let missing = http
        .get(server.url("/api/v1/ports/NOPE123"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);

    // The board's address does not give the figures away.
    // (Signed out, it is sent to sign in; signed in, it finds no such page.)
    let direct = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let on_board = direct.get(server.url("/metrics")).send().await.unwrap();
    assert_ne!(on_board.status().as_u16(), 200);
    assert!(!on_board.text().await.unwrap().contains("border_ops_"));
    let answer = http
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let figures = answer.text().await.unwrap();
    let requests = "border_ops_http_requests_total";
    for (labels, at_least) in [
        (&["route=\"/api/v1/ports\"", "status=\"200\""][..], 1.0),
        (
            &["route=\"/api/v1/ports/{code}\"", "status=\"404\""][..],
            1.0,
        ),
        (&["route=\"/rpc/sign_in\"", "status=\"200\""][..], 1.0),
        (&["route=\"/rpc/sign_in\"", "status=\"401\""][..], 1.0),
    ] {
        let n = series(&figures, requests, labels).unwrap_or(0.0);
        assert!(n >= at_least, "{labels:?}: {n} in\n{figures}");
    }
    assert!(!figures.contains("NOPE123"), "a path asked for is no label");
    for (name, labels, at_least) in [
        (
            "border_ops_actions_total",
            &["entity=\"session\"", "action=\"signed_in\""][..],
            1.0,
        ),
        (
            "border_ops_actions_total",
            &["entity=\"sign_in\"", "action=\"failed\""][..],
            1.0,
        ),
        (
            "border_ops_refusals_total",
            &["code=\"not_found\""][..],
            1.0,
        ),
        (
            "border_ops_refusals_total",
            &["code=\"unauthenticated\""][..],
            1.0,
        ),
        (
            "border_ops_sign_in_failures_total",
            &["reason=\"credentials\""][..],
            1.0,
        ),
        ("border_ops_database_up", &[][..], 1.0),
        ("border_ops_db_pool_max_connections", &[][..], 16.0),
        (
            "border_ops_http_request_duration_seconds_count",
            &["route=\"/api/v1/ports\""][..],
            1.0,
        ),
    ] {
        let n = series(&figures, name, labels).unwrap_or(-1.0);
        assert!(n >= at_least, "{name} {labels:?}: {n} in\n{figures}");
    }
    for name in [
        "border_ops_live_streams_open",
        "border_ops_live_events_delivered_total",
        "border_ops_live_catch_ups_total",
        "border_ops_live_reloads_total",
        "border_ops_live_journal_lag",
    ] {
        assert!(
            series(&figures, name, &[]).is_some(),
            "{name} in\n{figures}"
        );
    }
    if backend == Backend::Sqlite {
        assert!(
            series(&figures, "border_ops_sqlite_writer_wait_seconds_count", &[])
                .is_some_and(|n| n >= 2.0),
            "{figures}"
        );
    }

    // The journal names the request each entry was written in.
    let db = connect(&database).await;
    let written: Vec<(String, Option<String>)> = sqlx::query_as(
        "select action, request_id from journal where actor = 'ops.lead' order by seq",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(
        written.contains(&("signed_in".into(), Some("proxy-signin-7".into()))),
        "{written:?}"
    );
    assert!(
        written.contains(&("failed".into(), Some("proxy-wrong-8".into()))),
        "{written:?}"
    );
    db.pool.close().await;

    // Every line of the log is a JSON object; a request's lines name its id.
    let log = server.stop().await;
    let lines: Vec<Value> = log
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let of = |id: &str| {
        lines
            .iter()
            .filter(|line| line["span"]["request_id"] == id)
            .count()
    };
    assert!(of("proxy-signin-7") >= 1, "{log}");
    assert!(of(&made) >= 1, "{log}");
    assert_eq!(of("two words"), 0);
    assert!(
        lines
            .iter()
            .any(|line| line["fields"]["message"] == "serving" || line["message"] == "serving"),
        "{log}"
    );
}

/// A caller that is not a trusted proxy cannot choose its request id (by default no proxy is
/// trusted): its `x-request-id` is replaced, and the journal holds the id the server made,
/// which the answer gave back.
pub async fn a_caller_cannot_choose_its_request_id(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let answer = reqwest::Client::new()
        .post(format!("{}/rpc/sign_in", app.address))
        .header("x-request-id", "someone-elses-request")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=nobody.here&password=guess")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    let id = answer.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(id, "someone-elses-request");
    assert!(crate_made(&id), "{id}");
    let journaled: Option<String> = sqlx::query_scalar(
        "select request_id from journal where entity = 'sign_in' and entity_id = 'nobody.here'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(journaled.as_deref(), Some(id.as_str()));
    // Work that is no request's writes entries without one.
    let seeded = app
        .scalar(
            "select count(*) from journal where request_id is not null and actor <> 'nobody.here'",
        )
        .await;
    assert_eq!(seeded, 0, "the seed's entries name no request");
}

/// An id made by the server: 32 hexadecimal digits.
fn crate_made(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Runs a program of PostgreSQL's client tools; panics with its output if it fails.
fn postgres_tool(program: &str, args: &[&str]) {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The README's backups, as written: while `serve --demo` runs its simulator fast, a backup is
/// taken (SQLite: `border-ops backup`; PostgreSQL: `pg_dump`), restored into a new database
/// (`border-ops restore`; `pg_restore`) that `border-ops verify` passes and that serves. A
/// backup never writes over a file, a restore never into a database that exists, and verify
/// fails a database that lost a journal entry or whose shipment differs from its journal.
pub async fn a_backup_taken_while_the_simulator_writes_restores_verifies_and_serves(
    backend: Backend,
) {
    let (Some((live, _a)), Some((restored, _b))) =
        (fresh_database(backend).await, fresh_database(backend).await)
    else {
        return;
    };
    let folder = std::env::temp_dir().join(format!("boc_backup_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&folder).unwrap();
    let _folder = crate::helpers::TempDir(folder.clone());
    run(&live, &["seed", "--demo", "--shipments", "1500"])
        .await
        .ok("seed");
    let (_, token) = account(&live, &["--role", "viewer"]).await;
    let server = Server::start_with(&live, &[], &["serve", "--demo", "--sim-speed", "600"]).await;
    let db = connect(&live).await;
    let newest = || async {
        sqlx::query_scalar::<_, i64>("select max(seq) from journal")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    let before = newest().await;
    let started = std::time::Instant::now();
    while newest().await < before + 20 {
        assert!(started.elapsed().as_secs() < 60, "the simulator writes");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // SQLite's in a folder not made yet, as the README's `backups/…`.
    let file = match backend {
        Backend::Sqlite => folder.join("backups").join("border-ops.backup"),
        Backend::Postgres => folder.join("border-ops.dump"),
    };
    let file_arg = file.display().to_string();
    match backend {
        Backend::Sqlite => {
            let made = run(&live, &["backup", &file_arg]).await.ok("backup");
            assert!(made.stdout.contains("Backed up to"), "{}", made.stdout);
            run(&live, &["backup", &file_arg])
                .await
                .refused("a second backup to the same file", "already exists");
        }
        Backend::Postgres => {
            run(&live, &["backup", &file_arg])
                .await
                .refused("backup on PostgreSQL", "pg_dump");
            postgres_tool(
                "pg_dump",
                &["--format=custom", &format!("--file={file_arg}"), &live],
            );
        }
    }
    // The simulator went on writing while the copy was made, and after.
    let during = newest().await;
    let more = std::time::Instant::now();
    while newest().await <= during {
        assert!(more.elapsed().as_secs() < 60, "the simulator goes on");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    db.pool.close().await;
    server.stop().await;

    match backend {
        Backend::Sqlite => {
            run(&restored, &["restore", &file_arg]).await.ok("restore");
            run(&restored, &["restore", &file_arg])
                .await
                .refused("a restore into a database that exists", "already exists");
        }
        Backend::Postgres => {
            run(&restored, &["restore", &file_arg])
                .await
                .refused("restore on PostgreSQL", "pg_restore");
            postgres_tool(
                "pg_restore",
                &["--no-owner", &format!("--dbname={restored}"), &file_arg],
            );
        }
    }
    let verified = run(&restored, &["verify"]).await.ok("verify");
    assert!(
        verified.stdout.contains("passed=true"),
        "{}",
        verified.stdout
    );
    let entries: i64 = verified
        .stdout
        .lines()
        .last()
        .and_then(|l| l.split(' ').find_map(|kv| kv.strip_prefix("entries=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(
        entries > before,
        "the copy has what was written before it: {entries}"
    );

    // The restored database serves, with the accounts and tokens it had.
    let copy = Server::start_with(&restored, &[], &["serve"]).await;
    let ports = reqwest::Client::new()
        .get(copy.url("/api/v1/ports"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ports.status().as_u16(), 200);
    let ready = reqwest::get(copy.url("/readyz")).await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    copy.stop().await;

    // Verify fails what it should: a shipment its journal does not explain, then a lost entry.
    let db = connect(&restored).await;
    sqlx::query(
        "update shipments set status = 'seized' \
         where id = (select min(id) from shipments where status = 'released')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let drop_guard = match backend {
        Backend::Sqlite => "drop trigger journal_no_delete",
        Backend::Postgres => "drop trigger journal_no_update on journal",
    };
    sqlx::query(drop_guard).execute(&db.pool).await.unwrap();
    sqlx::query(
        "delete from journal where seq = (select max(seq) from journal \
         where shipment_id is null and seq < (select max(seq) from journal))",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    db.pool.close().await;
    let failed = run(&restored, &["verify"]).await;
    assert!(!failed.status.success(), "{}", failed.stdout);
    assert!(failed.stdout.contains("differing=1"), "{}", failed.stdout);
    assert!(
        failed
            .stdout
            .contains("is seized, its journal makes it released"),
        "{}",
        failed.stdout
    );
    match backend {
        Backend::Sqlite => assert!(
            failed.stdout.contains("entries were lost"),
            "{}",
            failed.stdout
        ),
        Backend::Postgres => assert!(failed.stdout.contains("unused"), "{}", failed.stdout),
    }
}

/// The deployment folder as a person copies it: nginx accepts its configuration (`nginx -t`,
/// Debian's nginx; under `CI=true` its absence is a failure), every setting the compose file,
/// the systemd environment and the image give the board is one `border-ops --help` lists, and
/// the image installs its tools with the set-up and builds with the release script.
pub async fn the_deployment_files_are_what_the_product_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |path: &str| std::fs::read_to_string(root.join(path)).expect(path);
    let help = run("", &["--help"]).await.ok("--help").stdout;
    let setting = |name: &str| help.contains(&format!("[env: {name}"));

    // The compose file's and the systemd environment's variables for the board.
    let compose = read("deploy/compose.yaml");
    let board = compose
        .split("\n  board-1:")
        .nth(1)
        .expect("a board service");
    let mut named = vec![];
    for line in board
        .lines()
        .chain(read("deploy/systemd/border-ops.env").lines())
    {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
            .collect();
        if name.len() > 2
            && (line[name.len()..].starts_with(':') || line[name.len()..].starts_with('='))
        {
            named.push(name);
        }
    }
    let dockerfile = read("deploy/Dockerfile");
    // The image's `ENV NAME=value \` lines.
    for line in dockerfile.lines() {
        let line = line.trim().trim_start_matches("ENV ");
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || *c == '_')
            .collect();
        if name.len() > 2 && line[name.len()..].starts_with('=') {
            named.push(name);
        }
    }
    assert!(named.len() >= 10, "{named:?}");
    for name in &named {
        assert!(setting(name), "{name} is not a setting of border-ops");
    }

    // The image's tools and build are the set-up's and the release script's, run as they are.
    let setup = read("scripts/setup.sh");
    assert!(
        dockerfile.contains("RUN scripts/setup.sh release")
            && dockerfile.contains("RUN scripts/release.sh"),
        "the image installs with the set-up and builds with scripts/release.sh"
    );
    assert!(setup.contains("cargo-leptos --locked --version 0.3.10 --features no_downloads"));
    let release_tools = read("scripts/release/package.json");
    assert!(
        release_tools.contains(r#""binaryen": "132.0.0""#),
        "{release_tools}"
    );
    for copied in [
        "scripts/setup.sh",
        "scripts/release/package-lock.json",
        "Cargo.lock",
    ] {
        assert!(
            dockerfile.contains(copied),
            "the image copies {copied} before the set-up"
        );
    }
    assert!(dockerfile.contains("USER border-ops"), "not root");
    assert!(
        dockerfile.contains("/readyz"),
        "its health check is readiness"
    );

    // nginx accepts the configuration a person copies.
    // Debian puts it in /usr/sbin, which a user's PATH may lack.
    let nginx = ["/usr/sbin/nginx", "nginx"].into_iter().find(|program| {
        std::process::Command::new(program)
            .arg("-v")
            .output()
            .is_ok()
    });
    let Some(nginx) = nginx else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "nginx is missing: the set-up installs it"
        );
        return;
    };
    let folder = std::env::temp_dir().join(format!("boc_nginx_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&folder).unwrap();
    let _folder = crate::helpers::TempDir(folder.clone());
    let main = folder.join("nginx.conf");
    std::fs::write(
        &main,
        format!(
            "pid {dir}/nginx.pid;\nerror_log {dir}/error.log;\nevents {{}}\nhttp {{\n    include {conf};\n}}\n",
            dir = folder.display(),
            conf = root.join("deploy/nginx/border-ops.conf").display()
        ),
    )
    .unwrap();
    let tested = std::process::Command::new(nginx)
        .args(["-t", "-p", &folder.display().to_string(), "-c"])
        .arg(&main)
        .output()
        .expect("nginx -t runs");
    assert!(
        tested.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&tested.stderr)
    );
}

/// The bundle's files: revalidated by the browser (`no-cache`, then 304 while unchanged), and
/// sent as the brotli copy the release build writes beside each to a browser that takes
/// brotli, the file itself to one that does not.
#[tokio::test]
async fn the_bundle_is_revalidated_and_its_brotli_copy_sent_to_who_takes_it() {
    let dir = TempDir(std::env::temp_dir().join(format!("boc-site-{}", std::process::id())));
    let pkg = dir.0.join("pkg");
    std::fs::create_dir_all(&pkg).expect("the site folder");
    std::fs::write(pkg.join("chunk_7.wasm"), b"\0asm the file itself").expect("a file");
    std::fs::write(pkg.join("chunk_7.wasm.br"), b"its brotli copy").expect("its copy");
    let root = dir.0.to_string_lossy().to_string();
    let Some(app) = spawn_app_configured(Backend::Sqlite, 0, |config| {
        config.leptos.site_root = root.as_str().into();
    })
    .await
    else {
        return;
    };
    let url = format!("{}/pkg/chunk_7.wasm", app.address);
    let anyone = reqwest::Client::new();

    let plain = anyone.get(&url).send().await.expect("the file");
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["cache-control"], "no-cache");
    assert!(plain.headers().get("content-encoding").is_none());
    let modified = plain.headers()["last-modified"].clone();
    assert_eq!(
        &plain.bytes().await.expect("body")[..],
        b"\0asm the file itself"
    );

    let brotli = anyone
        .get(&url)
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("the copy");
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(&brotli.bytes().await.expect("body")[..], b"its brotli copy");

    let again = anyone
        .get(&url)
        .header("if-modified-since", modified)
        .send()
        .await
        .expect("asked again");
    assert_eq!(again.status(), 304, "unchanged since the browser's copy");

    let missing = anyone
        .get(format!("{}/pkg/chunk_8.wasm", app.address))
        .send()
        .await
        .expect("a file that is not there");
    assert_eq!(missing.status(), 404);
}
