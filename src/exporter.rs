//! `GET /metrics`: the instance's figures in Prometheus's text format, served on an address of
//! their own (`METRICS_ADDR`), never on the board's, so that only what can reach that address
//! (the operators' Prometheus) reads them. Off when the setting is unset.
//!
//! The figures are recorded through the `metrics` facade into one recorder per process:
//! requests, and the refusals they were answered with, here ([`track`]); the actions,
//! sign-ins, declarations and SQLite writer turns in the `app` crate ([`app::counters`]);
//! connections refused at capacity in `serve.rs`. The live stream's figures, the journal's
//! lag, the database pool and the simulator are read when Prometheus asks ([`observe`]): the
//! live hub counts with plain atomics (one addition per fan-out pass, not per stream), which a
//! scrape reads.
//!
//! Labels take only values the code names: a request's label is its route's pattern
//! (`/api/v1/holds/{id}`), or `unmatched`, never the path it asked for.

use crate::live::LiveHub;
use crate::state::ServerState;
use app::i18n::td_string;
use app::lang::current;
use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Requests answered, by `route`, `method` and `status`.
pub const REQUESTS: &str = "border_ops_http_requests_total";
/// How long requests took to answer (until the head of the response), by `route` and `method`.
pub const REQUEST_SECONDS: &str = "border_ops_http_request_duration_seconds";
/// Connections refused because the instance held `MAX_OPEN_CONNECTIONS` (answered 429).
pub const CONNECTIONS_REFUSED: &str = "border_ops_connections_refused_total";
/// Live streams open on this instance.
pub const STREAMS_OPEN: &str = "border_ops_live_streams_open";
/// Changes written to live streams, each once per stream that received it.
pub const EVENTS_DELIVERED: &str = "border_ops_live_events_delivered_total";
/// Times a live stream fell behind the broadcast and caught up from the database.
pub const CATCH_UPS: &str = "border_ops_live_catch_ups_total";
/// Times a reconnecting browser was told to reload, being too far behind.
pub const RELOADS: &str = "border_ops_live_reloads_total";
/// The newest journal entry's number less the last one this instance has read and published.
pub const JOURNAL_LAG: &str = "border_ops_live_journal_lag";
/// Whether the database answered when the figures were read (1) or not (0).
pub const DATABASE_UP: &str = "border_ops_database_up";
/// The database pool's connections, by `state`: `in_use` or `idle`.
pub const POOL_CONNECTIONS: &str = "border_ops_db_pool_connections";
/// The most connections the pool opens (`DATABASE_MAX_CONNECTIONS`).
pub const POOL_MAX: &str = "border_ops_db_pool_max_connections";
/// The demo's simulator: 1 running, 0 paused (demo mode only).
pub const SIMULATOR_RUNNING: &str = "border_ops_simulator_running";
/// How many times faster than the wall clock the demo's simulated clock runs.
pub const SIMULATOR_SPEED: &str = "border_ops_simulator_speed";

/// The buckets of every histogram, in seconds: from a cached read to a slow import.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Every name above with its description in the language being spoken, for the `# HELP`
/// lines.
fn described() -> Vec<(&'static str, String)> {
    let locale = current();
    vec![
        (REQUESTS, td_string!(locale, metrics.requests).to_string()),
        (
            REQUEST_SECONDS,
            td_string!(locale, metrics.request_seconds).to_string(),
        ),
        (
            CONNECTIONS_REFUSED,
            td_string!(locale, metrics.connections_refused).to_string(),
        ),
        (
            STREAMS_OPEN,
            td_string!(locale, metrics.streams_open).to_string(),
        ),
        (
            EVENTS_DELIVERED,
            td_string!(locale, metrics.events_delivered).to_string(),
        ),
        (CATCH_UPS, td_string!(locale, metrics.catch_ups).to_string()),
        (RELOADS, td_string!(locale, metrics.reloads).to_string()),
        (
            JOURNAL_LAG,
            td_string!(locale, metrics.journal_lag).to_string(),
        ),
        (
            DATABASE_UP,
            td_string!(locale, metrics.database_up).to_string(),
        ),
        (
            POOL_CONNECTIONS,
            td_string!(locale, metrics.pool_connections).to_string(),
        ),
        (POOL_MAX, td_string!(locale, metrics.pool_max).to_string()),
        (
            SIMULATOR_RUNNING,
            td_string!(locale, metrics.simulator_running).to_string(),
        ),
        (
            SIMULATOR_SPEED,
            td_string!(locale, metrics.simulator_speed).to_string(),
        ),
    ]
}

/// The process's recorder, installed on first use: every server of the process records into
/// it (tests start several in one process; a deployment runs one).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        // Another recorder already installed (none is, in this product) keeps its place.
        let _ = metrics::set_global_recorder(recorder);
        for (name, help) in described().into_iter().chain(app::counters::described()) {
            metrics::describe_counter!(name, help);
        }
        handle
    })
}

/// The router of the figures' address: `GET /metrics`, nothing else.
pub fn router(state: ServerState) -> Router {
    Router::new()
        .route("/metrics", get(metrics_text))
        .with_state(state)
}

async fn metrics_text(State(state): State<ServerState>) -> Response {
    let handle = handle();
    observe(&state).await;
    handle.run_upkeep();
    let mut response = handle.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// Reads the figures the server keeps rather than counts: the live hub's, the journal's lag,
/// the pool's and the simulator's.
async fn observe(state: &ServerState) {
    live(&state.live);
    let pool = &state.app.db.pool;
    let newest: Result<Option<i64>, _> = sqlx::query_scalar("select max(seq) from journal")
        .fetch_one(pool)
        .await;
    match newest {
        Ok(newest) => {
            metrics::gauge!(DATABASE_UP).set(1.0);
            let lag = (newest.unwrap_or(0) - state.live.latest()).max(0);
            metrics::gauge!(JOURNAL_LAG).set(lag as f64);
        }
        Err(_) => metrics::gauge!(DATABASE_UP).set(0.0),
    }
    let (size, idle) = (pool.size() as f64, pool.num_idle() as f64);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use").set(size - idle);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(idle);
    metrics::gauge!(POOL_MAX).set(f64::from(pool.options().get_max_connections()));
    if let Some(sim) = &state.app.sim {
        metrics::gauge!(SIMULATOR_RUNNING).set(if sim.is_paused() { 0.0 } else { 1.0 });
        metrics::gauge!(SIMULATOR_SPEED).set(sim.speed());
    }
}

fn live(hub: &LiveHub) {
    metrics::gauge!(STREAMS_OPEN).set(hub.streams_open() as f64);
    metrics::counter!(EVENTS_DELIVERED).absolute(hub.delivered());
    metrics::counter!(CATCH_UPS).absolute(hub.catch_ups());
    metrics::counter!(RELOADS).absolute(hub.reloads());
}

/// Counts and times every request of the board's router, by the pattern of the route that
/// answered it.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    if let Some(app::error::Refused(code)) = response.extensions().get() {
        app::counters::refusal(code);
    }
    let status = response.status().as_u16().to_string();
    metrics::histogram!(REQUEST_SECONDS, "route" => route.clone(), "method" => method)
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(REQUESTS, "route" => route, "method" => method, "status" => status)
        .increment(1);
    response
}

/// A method as a label: the ones the board answers, or `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}
