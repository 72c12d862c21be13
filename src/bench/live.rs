//! `border-ops bench live`: a load harness for the live stream, in its own process. It starts
//! the server as a child process over a fresh database, opens `clients` real SSE subscribers
//! (plain HTTP/1.1 over TCP, as a browser's `EventSource` does), drives `rate` changes per
//! second through the API for `seconds`, and prints:
//! - commit-to-delivery latency (p50/p99/max), each change timed to the slowest subscriber;
//! - events lost or duplicated across all subscribers (both must be 0);
//! - the server's resident memory per connected, idle subscriber.
//!
//! It ends with one summary line: `clients=… rate=… p50_ms=… p99_ms=… max_ms=… lost=…
//! duplicated=… kib_per_client=…`.

use anyhow::{Context, bail};
use app::accounts::db as accounts;
use app::accounts::tokens;
use app::db::Db;
use app::domain::{PortScope, Role};
use chrono::Utc;
use sqlx::Row;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct LiveBench {
    pub clients: usize,
    pub rate: u32,
    pub seconds: u64,
    pub seed: u64,
    /// Instances already serving the database, behind this address.
    pub through: Option<std::net::SocketAddr>,
}

/// What all subscribers record together.
struct Tally {
    /// Worst delivery latency per change (µs), indexed by sequence number − `base`.
    worst_us: Vec<AtomicU64>,
    /// Best delivery latency per change (µs), same index: how long the change took to reach
    /// the first subscriber, before the fan-out to the others.
    best_us: Vec<AtomicU64>,
    base: i64,
    received: AtomicU64,
    duplicated: AtomicU64,
    connected: AtomicU64,
    failed: AtomicU64,
    stop: AtomicBool,
}

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as f64 / 1000.0)
        .unwrap_or(0.0)
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("VmRSS not found")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The status code and body of one request on a kept-alive connection.
async fn request(
    stream: &mut TcpStream,
    host: &str,
    method: &str,
    path: &str,
    token: &str,
    body: &str,
) -> anyhow::Result<(u16, String)> {
    let authorization = if token.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {token}\r\n")
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{authorization}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            bail!("connection closed");
        }
        buffer.extend_from_slice(&chunk[..n]);
        let Some(end) = find(&buffer, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_string();
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("status line")?;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buffer.len() < end + 4 + length {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                bail!("connection closed");
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        let body = String::from_utf8_lossy(&buffer[end + 4..end + 4 + length]).to_string();
        return Ok((status, body));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The end of an event, and the data's `at`: searched in every event, so built once.
static BLANK_LINE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\n\n"));
static AT: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"at\":"));

/// The rest of the line starting with `name` in an event block.
fn field<'a>(block: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    block
        .split(|b| *b == b'\n')
        .find_map(|line| line.strip_prefix(name))
}

/// The whole number at the start of `bytes`.
fn number(bytes: &[u8]) -> Option<i64> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    (digits > 0 && digits < 19).then(|| {
        bytes[..digits]
            .iter()
            .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'))
    })
}

/// One subscriber: follows the stream, decoding HTTP chunks and SSE events, and records each
/// change's latency, duplicates and count. Returns the first sequence number (from `hello`).
async fn subscribe(
    address: std::net::SocketAddr,
    token: Arc<String>,
    tally: Arc<Tally>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect(address).await?;
    let head = format!(
        "GET /api/v1/live HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Accept: text/event-stream\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    let mut raw: Vec<u8> = Vec::with_capacity(2048);
    let mut text: Vec<u8> = Vec::with_capacity(2048);
    let mut headers_done = false;
    // A stream opened on a fresh connection is delimited by the connection's end; one that
    // hyper serves comes in chunks.
    let mut chunked = false;
    let mut last: i64 = -1;
    let mut announced = false;
    loop {
        // Straight into the buffer that is parsed: no copy of what was read.
        let into = if headers_done && !chunked {
            &mut text
        } else {
            &mut raw
        };
        into.reserve(4096);
        if stream.read_buf(into).await? == 0 {
            return Ok(());
        }
        if !headers_done {
            let Some(end) = find(&raw, b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            if !head.starts_with("http/1.1 200") {
                bail!("stream refused: {}", head.lines().next().unwrap_or(""));
            }
            chunked = head.contains("transfer-encoding: chunked");
            raw.drain(..end + 4);
            headers_done = true;
            if !chunked {
                text.append(&mut raw);
            }
        }
        // Chunked transfer encoding: size line, data, CRLF.
        while chunked && let Some(line_end) = find(&raw, b"\r\n") {
            let size = std::str::from_utf8(&raw[..line_end])
                .ok()
                .and_then(|line| line.split(';').next())
                .and_then(|size| usize::from_str_radix(size.trim(), 16).ok())
                .context("chunk size")?;
            if raw.len() < line_end + 2 + size + 2 {
                break;
            }
            if size == 0 {
                return Ok(());
            }
            text.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
            raw.drain(..line_end + 2 + size + 2);
        }
        // Events: blocks ending in a blank line. Only `event`, `id` and the data's `at` are
        // read, by scanning bytes, so the harness spends little of the machine it shares.
        let now = now_ms();
        let mut start = 0;
        let mut received = 0;
        while let Some(end) = BLANK_LINE.find(&text[start..]) {
            let block = &text[start..start + end];
            start += end + 2;
            // A change starts with its id; the greeting and comments do not.
            let Some(rest) = block.strip_prefix(b"id: ") else {
                if !announced && field(block, b"event: ") == Some(b"hello") {
                    announced = true;
                    tally.connected.fetch_add(1, Ordering::Relaxed);
                    let _ = ready.send(()).await;
                }
                continue;
            };
            let seq = number(rest);
            let at = AT.find(block).and_then(|k| number(&block[k + 5..]));
            if let (Some(seq), Some(at)) = (seq, at) {
                if seq <= last {
                    tally.duplicated.fetch_add(1, Ordering::Relaxed);
                } else {
                    last = seq;
                    received += 1;
                    let slot = seq - tally.base;
                    if slot >= 0
                        && let Some(worst) = tally.worst_us.get(slot as usize)
                    {
                        let latency = ((now - at as f64).max(0.0) * 1000.0) as u64;
                        // Most subscribers are neither the slowest nor the fastest: read
                        // before writing.
                        if latency > worst.load(Ordering::Relaxed) {
                            worst.fetch_max(latency, Ordering::Relaxed);
                        }
                        if let Some(best) = tally.best_us.get(slot as usize)
                            && latency < best.load(Ordering::Relaxed)
                        {
                            best.fetch_min(latency, Ordering::Relaxed);
                        }
                    }
                }
            }
        }
        tally.received.fetch_add(received, Ordering::Relaxed);
        text.drain(..start);
        if tally.stop.load(Ordering::Relaxed) {
            return Ok(());
        }
    }
}

/// The server the benchmark starts, over `db`, on `address`.
fn spawn_server(
    db: &Db,
    address: std::net::SocketAddr,
    clients: usize,
) -> anyhow::Result<tokio::process::Child> {
    tokio::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .env("DATABASE_URL", db.url())
        .env("LEPTOS_SITE_ADDR", address.to_string())
        .env("RUST_LOG", "warn")
        // Every subscriber reads as the one watcher account.
        .env("LIVE_STREAMS_PER_ACCOUNT", (clients + 1).to_string())
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting the server")
}

/// Runs the benchmark over `db` (migrated and empty), which the server process opens too.
pub async fn run(db: &Db, bench: &LiveBench) -> anyhow::Result<()> {
    super::require_empty(db).await?;
    super::seed_country(db, bench.seed, 500).await?;
    let now = Utc::now();
    for (username, role) in [
        ("bench.writer", Role::Supervisor),
        ("bench.watcher", Role::Viewer),
    ] {
        accounts::create(
            &db.pool,
            accounts::NewAccount {
                username,
                display_name: username,
                badge: None,
                role,
                ports: PortScope::All,
                password: &accounts::generate_password(),
                demo: false,
            },
            "bench",
            now,
        )
        .await?;
    }
    let in_a_day = now + chrono::TimeDelta::days(1);
    let writer_token =
        tokens::issue_token(&db.pool, "bench.writer", "bench", in_a_day, "bench", now).await?;
    let watcher_token = Arc::new(
        tokens::issue_token(&db.pool, "bench.watcher", "bench", in_a_day, "bench", now).await?,
    );
    let shipments: Vec<i64> = sqlx::query("select id from shipments order by id limit 50")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;

    // The server, in a process of its own, unless instances already serve the database.
    let address: std::net::SocketAddr = match bench.through {
        Some(through) => through,
        None => format!("127.0.0.1:{}", free_port()?).parse()?,
    };
    let mut server = match bench.through {
        Some(_) => None,
        None => Some(spawn_server(db, address, bench.clients)?),
    };
    let pid = match &server {
        Some(server) => Some(server.id().context("server pid")?),
        None => None,
    };
    let weigh = || pid.map(rss_kib).transpose();
    let started = Instant::now();
    loop {
        if let Ok(mut s) = TcpStream::connect(address).await
            && let Ok((200, _)) =
                request(&mut s, &address.to_string(), "GET", "/readyz", "", "").await
        {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before_kib = weigh()?;

    let base: i64 = sqlx::query("select coalesce(max(seq), 0) as seq from journal")
        .fetch_one(&db.pool)
        .await?
        .try_get("seq")?;
    let planned = bench.rate as usize * bench.seconds as usize;
    let tally = Arc::new(Tally {
        worst_us: (0..planned * 2 + 1_000)
            .map(|_| AtomicU64::new(0))
            .collect(),
        best_us: (0..planned * 2 + 1_000)
            .map(|_| AtomicU64::new(u64::MAX))
            .collect(),
        base,
        received: AtomicU64::new(0),
        duplicated: AtomicU64::new(0),
        connected: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });
    eprintln!("opening {} subscribers…", bench.clients);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(bench.clients.max(1));
    let opening = Instant::now();
    let mut subscribers = Vec::with_capacity(bench.clients);
    for n in 0..bench.clients {
        let (token, tally, ready) = (watcher_token.clone(), tally.clone(), ready_tx.clone());
        subscribers.push(tokio::spawn(async move {
            if let Err(error) = subscribe(address, token, tally.clone(), ready).await
                && tally.failed.fetch_add(1, Ordering::Relaxed) < 3
            {
                eprintln!("subscriber failed: {error:#}");
            }
        }));
        // Do not flood the listen queue.
        if n % 200 == 199 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    drop(ready_tx);
    let mut ready = 0;
    while ready < bench.clients {
        match tokio::time::timeout(Duration::from_secs(30), ready_rx.recv()).await {
            Ok(Some(())) => ready += 1,
            _ => break,
        }
    }
    let connected = tally.connected.load(Ordering::Relaxed);
    eprintln!(
        "{connected} subscribers connected in {:.1} s",
        opening.elapsed().as_secs_f64()
    );
    // Idle: let the server settle, then weigh it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_kib = weigh()?;
    let kib_per_client = match (before_kib, idle_kib) {
        (Some(before), Some(idle)) if connected > 0 => {
            idle.saturating_sub(before) as f64 / connected as f64
        }
        (Some(_), Some(_)) => 0.0,
        _ => f64::NAN,
    };

    // Changes at the asked rate, from a few kept-alive connections.
    eprintln!(
        "driving {} changes per second for {} s…",
        bench.rate, bench.seconds
    );
    // Enough kept-alive writers that the rate holds even when answers slow down under load.
    let writers = (bench.rate / 5).clamp(1, 32) as usize;
    let made = Arc::new(AtomicU64::new(0));
    let mut driving = vec![];
    for w in 0..writers {
        let (token, made, shipments) = (writer_token.clone(), made.clone(), shipments.clone());
        let period = Duration::from_secs_f64(writers as f64 / bench.rate.max(1) as f64);
        let count = planned / writers;
        driving.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(address).await?;
            let host = address.to_string();
            // The writers take turns: a change every 1/rate of a second, not bursts of them.
            let mut tick = tokio::time::interval_at(
                tokio::time::Instant::now() + period.mul_f64(w as f64 / writers as f64),
                period,
            );
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for n in 0..count {
                tick.tick().await;
                let shipment = shipments[(w + n * writers) % shipments.len()];
                let body = format!("{{\"text\":\"bench change {w}-{n}\"}}");
                let path = format!("/api/v1/shipments/{shipment}/notes");
                let (status, answer) =
                    request(&mut stream, &host, "POST", &path, &token, &body).await?;
                if status != 201 {
                    bail!("a change was refused ({status}): {answer}");
                }
                made.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(())
        }));
    }
    let driving_started = Instant::now();
    for task in driving {
        task.await??;
    }
    let drive_seconds = driving_started.elapsed().as_secs_f64();
    let made = made.load(Ordering::Relaxed);
    let final_seq: i64 = sqlx::query("select coalesce(max(seq), 0) as seq from journal")
        .fetch_one(&db.pool)
        .await?
        .try_get("seq")?;
    let expected_changes: i64 = sqlx::query(
        "select count(*) as n from journal where seq > $1 and seq <= $2 \
         and entity in ('port', 'shipment', 'hold', 'inspection', 'rule', 'simulation')",
    )
    .bind(base)
    .bind(final_seq)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    // Wait for the stragglers (at most 10 s).
    let expected_total = expected_changes as u64 * connected;
    let waiting = Instant::now();
    while tally.received.load(Ordering::Relaxed) < expected_total
        && waiting.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let received = tally.received.load(Ordering::Relaxed);
    let duplicated = tally.duplicated.load(Ordering::Relaxed);
    let lost = expected_total.saturating_sub(received);
    let busy_kib = weigh()?;
    // Stopped as an operator or systemd stops it, with every subscriber still connected: the
    // time until the process has ended its streams, finished its requests and exited.
    let mut shutdown_ms = f64::NAN;
    if let (Some(server), Some(pid)) = (server.as_mut(), pid) {
        let stopping = Instant::now();
        // SAFETY: `kill` sends a signal to the server process this function started; it reads
        // and writes no memory of this one.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        match tokio::time::timeout(Duration::from_secs(60), server.wait()).await {
            Ok(_) => shutdown_ms = stopping.elapsed().as_secs_f64() * 1000.0,
            Err(_) => {
                server.kill().await.ok();
            }
        }
    }
    tally.stop.store(true, Ordering::Relaxed);
    for s in subscribers {
        s.abort();
    }

    let mut worst: Vec<f64> = tally
        .worst_us
        .iter()
        .take((final_seq - base).max(0) as usize)
        .map(|w| w.load(Ordering::Relaxed) as f64 / 1000.0)
        .filter(|ms| *ms > 0.0)
        .collect();
    worst.sort_by(f64::total_cmp);
    let mut best: Vec<f64> = tally
        .best_us
        .iter()
        .take((final_seq - base).max(0) as usize)
        .map(|b| b.load(Ordering::Relaxed))
        .filter(|us| *us != u64::MAX)
        .map(|us| us as f64 / 1000.0)
        .collect();
    best.sort_by(f64::total_cmp);
    let quantile = |sorted: &[f64], q: f64| -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1]
    };
    let pick = |q: f64| quantile(&worst, q);
    println!(
        "subscribers connected: {connected} of {} ({} failed)",
        bench.clients,
        tally.failed.load(Ordering::Relaxed)
    );
    println!(
        "changes made: {made} in {drive_seconds:.1} s ({:.0}/s); deliveries {received} of {expected_total}",
        made as f64 / drive_seconds
    );
    println!(
        "to the first subscriber: p50 {:.1} ms, p99 {:.1} ms (the rest is the fan-out)",
        quantile(&best, 0.5),
        quantile(&best, 0.99)
    );
    if let (Some(before_kib), Some(idle_kib), Some(busy_kib)) = (before_kib, idle_kib, busy_kib) {
        println!(
            "server memory: {before_kib} KiB before subscribers, {idle_kib} KiB with them idle, \
             {busy_kib} KiB after the run"
        );
    }
    println!(
        "clients={connected} rate={} changes={made} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} \
         lost={lost} duplicated={duplicated} kib_per_client={kib_per_client:.1} \
         shutdown_ms={shutdown_ms:.0}",
        bench.rate,
        pick(0.50),
        pick(0.99),
        pick(1.0),
    );
    db.pool.close().await;
    anyhow::ensure!(
        connected as usize == bench.clients,
        "not every subscriber connected"
    );
    Ok(())
}
