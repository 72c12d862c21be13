//! Building and running the server. `Application::with_db` takes a migrated database and an
//! already bound listener (port 0 in tests), so a test starts the whole product in one line;
//! `run_until_stopped` serves, runs the work that goes on beside the requests (the release of
//! waiting referrals, the end of expired port notices, the demo's simulator) and stops it all
//! together.

use crate::config::Config;
use crate::live::LiveHub;
use crate::security::PageNonce;
use crate::state::ServerState;
use app::demo::clock::SimControl;
use app::sim::engine::Simulator;
use app::{App, db::Db, shell, state::AppState};
use axum::Router;
use chrono::Utc;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
};
use std::{future::Future, net::SocketAddr, time::Duration};
use tokio::{net::TcpListener, sync::watch};
use tower_http::{compression::CompressionLayer, services::ServeDir, trace::TraceLayer};

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: ServerState,
    /// Runs beside the server from `run_until_stopped`, on the clock in `state.app.sim`.
    simulator: Option<Simulator>,
    /// How often `run_until_stopped` offers waiting referrals the capacity time has freed.
    release_referrals_every: Duration,
    /// How often `run_until_stopped` ends the ports' notices past their expiry.
    end_notices_every: Duration,
    checkpoint_every: Option<Duration>,
    connections: crate::serve::ConnectionLimits,
    /// Where `GET /metrics` is answered (`METRICS_ADDR`), bound at start.
    metrics: Option<TcpListener>,
}

impl Application {
    /// Assembles the routes over an already migrated database.
    pub async fn with_db(config: Config, db: Db, listener: TcpListener) -> anyhow::Result<Self> {
        let live = LiveHub::start(
            &db,
            config.live.buffer,
            config.live.replay_limit,
            config.live.poll,
            config.live.keep_alive,
            config.live.gather,
        )
        .await?;
        // Streams end when their access does, and an account holds only so many.
        live.keep_watch(
            db.pool.clone(),
            config.auth.clone(),
            config.live.streams_per_account,
        );
        let simulation = config.simulation.as_ref().map(|s| {
            (
                Simulator::new(s.seed, s.start),
                SimControl::new(s.seed, s.start, s.speed),
            )
        });
        let state = ServerState {
            app: AppState {
                db,
                leptos_options: config.leptos.clone(),
                auth: config.auth.clone(),
                live: live.position(),
                sim: simulation.as_ref().map(|(_, control)| control.clone()),
            },
            live,
            proxies: std::sync::Arc::new(config.trusted_proxies.clone()),
            imports: crate::state::ImportGate::new(
                config.max_concurrent_imports,
                config.import_body_deadline,
            ),
            csv: crate::state::CsvGate::new(config.max_concurrent_csv, config.csv_max_rows),
        };
        let router = router(state.clone()).await?;
        let metrics = match config.metrics_addr {
            Some(address) => {
                crate::exporter::handle();
                Some(TcpListener::bind(address).await?)
            }
            None => None,
        };
        Ok(Self {
            listener,
            router,
            state,
            simulator: simulation.map(|(simulator, _)| simulator),
            release_referrals_every: config.release_referrals_every,
            end_notices_every: config.end_notices_every,
            checkpoint_every: config.checkpoint_every,
            connections: config.connections,
            metrics,
        })
    }

    /// The address `GET /metrics` is answered on, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn state(&self) -> &ServerState {
        &self.state
    }

    /// Serves, releases waiting referrals as time frees capacity, and runs the simulator (if
    /// any) until `shutdown` resolves; then finishes in-flight requests, the release and the
    /// simulated event under way, and returns.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.listener.local_addr()?, "serving");
        if let Some(addr) = self.metrics_addr() {
            tracing::info!(%addr, "serving the figures for Prometheus at /metrics");
        }
        let (stop, stopped) = watch::channel(false);
        let referrals = tokio::spawn(release_referrals(
            self.state.app.db.pool.clone(),
            self.release_referrals_every,
            stopped.clone(),
        ));
        let notices = tokio::spawn(end_expired_notices(
            self.state.app.db.pool.clone(),
            self.end_notices_every,
            stopped.clone(),
        ));
        let checkpoints = self.checkpoint_every.map(|every| {
            tokio::spawn(checkpoint_the_board(
                self.state.app.db.pool.clone(),
                every,
                stopped.clone(),
            ))
        });
        let figures = self.metrics.map(|listener| {
            let router = crate::exporter::router(self.state.clone());
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let stopped = async move {
                    let _ = stopped.changed().await;
                };
                axum::serve(listener, router)
                    .with_graceful_shutdown(stopped)
                    .await
            })
        });
        let simulation = match (self.simulator, &self.state.app.sim) {
            (Some(simulator), Some(control)) => Some(tokio::spawn(app::sim::engine::run(
                simulator,
                control.clone(),
                self.state.app.db.pool.clone(),
                stopped,
            ))),
            _ => None,
        };
        // Open live streams never end by themselves: close them first, so that the graceful
        // shutdown finishes in-flight requests and exits (browsers reconnect elsewhere).
        let live = self.state.live.clone();
        let shutdown = async move {
            shutdown.await;
            live.close();
        };
        let pool = self.state.app.db.pool.clone();
        // Repeated refusals are journaled as counts once their minute is over.
        let refusals = tokio::spawn(app::journal::refusals::flush_every(
            pool.clone(),
            Duration::from_secs(5),
        ));
        let served =
            crate::serve::serve(self.listener, self.router, self.connections, shutdown).await;
        let _ = stop.send(true);
        let _ = referrals.await;
        let _ = notices.await;
        if let Some(checkpoints) = checkpoints {
            let _ = checkpoints.await;
        }
        if let Some(simulation) = simulation {
            let _ = simulation.await;
        }
        if let Some(figures) = figures {
            let _ = figures.await;
        }
        refusals.abort();
        if let Err(error) = app::journal::refusals::flush_all(&pool).await {
            tracing::error!(%error, "journaling the last repeated refusals");
        }
        self.state.app.db.pool.close().await;
        served
    }
}

/// Runs `job` at start, then `every`, until `stopped` changes; a run under way is finished
/// first.
async fn repeat<F, Fut>(every: Duration, mut stopped: watch::Receiver<bool>, mut job: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopped.changed() => return,
        }
        job().await;
    }
}

/// Referrals waiting for examination capacity are released as slots free with time, not only
/// when declarations arrive or capacity changes: at start, then `every`, until `stopped`.
async fn release_referrals(pool: sqlx::AnyPool, every: Duration, stopped: watch::Receiver<bool>) {
    let pool = &pool;
    repeat(every, stopped, || async move {
        match app::targeting::capacity::release_waiting(pool, "Targeting (capacity)", Utc::now())
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(released = n, "referrals released into the queue"),
            Err(e) => tracing::warn!(error = %e, "waiting referrals could not be released"),
        }
    })
    .await
}

/// Notices of ports that expire are ended when their time has come, by the system, each with
/// its journal entry, so every board sees them go: at start, then `every`, until `stopped`.
async fn end_expired_notices(pool: sqlx::AnyPool, every: Duration, stopped: watch::Receiver<bool>) {
    let pool = &pool;
    repeat(every, stopped, || async move {
        match app::ports::operations::end_expired(pool, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(ended = n, "expired port notices ended"),
            Err(e) => tracing::warn!(error = %e, "expired port notices could not be ended"),
        }
    })
    .await
}

/// The board is checkpointed for replays each hour, once the hour has settled, and the last
/// days' missing checkpoints are made (`app::replay::checkpoint`): at start, then `every`,
/// until `stopped`, which also cuts short the making of many (each checkpoint is one insert:
/// what was made stays, the rest is made at the next start).
async fn checkpoint_the_board(
    pool: sqlx::AnyPool,
    every: Duration,
    stopped: watch::Receiver<bool>,
) {
    use app::replay::checkpoint;
    let (pool, stop) = (&pool, &stopped);
    repeat(every, stopped.clone(), || async move {
        let now = Utc::now();
        let mut stop = stop.clone();
        let made = tokio::select! {
            made = checkpoint::fill(pool, now) => made,
            _ = stop.changed() => return,
        };
        match made {
            Ok(0) => {}
            Ok(n) => tracing::info!(made = n, "board checkpoints made for replays"),
            Err(e) => tracing::warn!(error = %e, "board checkpoints could not be made"),
        }
        if let Err(e) = checkpoint::prune(pool, now).await {
            tracing::warn!(error = %e, "old board checkpoints could not be dropped");
        }
    })
    .await
}

/// The pages' routes, listed once per process. Listing them renders the app with every
/// resource's loading held back by a flag Leptos keeps for the whole process, and a resource
/// first polled meanwhile waits forever (leptos-rs/leptos#4773): a page being rendered by
/// another server of the same process (the integration tests run many at once) never
/// answered. Once listed, no server assembled later sets the flag again.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every route of the product: health, the JSON API, server functions, pages and files, behind
/// the session layer and authentication.
pub async fn router(state: ServerState) -> anyhow::Result<Router> {
    let routes = page_routes();
    let context = {
        // Server functions and pages see the application's state, not the live hub.
        let state = state.app.clone();
        move || {
            provide_context(state.clone());
            // The page's scripts carry the nonce its Content-Security-Policy names.
            let nonce = use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
            if let Some(PageNonce(nonce)) = nonce {
                provide_context(leptos::nonce::Nonce::from_value(nonce));
            }
            // The language the request was resolved to (`lang.rs`): the page renders in it.
            let locale = use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<app::lang::Locale>().copied());
            if let Some(locale) = locale {
                provide_context(locale);
            }
        }
    };
    let page_shell = {
        let options = state.app.leptos_options.clone();
        move || shell(options.clone())
    };
    // The bundle's files, answering a browser that asks whether its copy is current with a
    // 304 (`auth::authenticate` marks them `no-cache`), and sending the brotli copy the release
    // build writes beside each (`scripts/release.sh`) to a browser that takes brotli.
    let options = &state.app.leptos_options;
    let bundle =
        ServeDir::new(format!("{}/{}", options.site_root, options.site_pkg_dir)).precompressed_br();
    let router = Router::new()
        .merge(crate::health::router())
        .nest_service("/pkg", bundle)
        .nest(
            "/api/v1",
            crate::api::router().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                crate::api::csv_gate,
            )),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), page_shell)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(axum::middleware::from_fn(crate::rpc::error_status))
        .layer(axum::middleware::from_fn(crate::lang::answer_in_language))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(crate::lang::answer_in_language))
        .with_state(state.clone());
    let router = crate::auth::with_sessions(router, &state.app.db, &state.app.auth)
        .await?
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn(crate::security::with_page_policy))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(crate::telemetry::request_span))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::request_id::with_request_id,
        ))
        .layer(axum::middleware::from_fn(crate::exporter::track));
    Ok(crate::security::with_headers(
        router,
        state.app.auth.secure_cookies,
    ))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
