//! The database: one pool for SQLite (embedded default) or PostgreSQL (scale-out), chosen by
//! the URL. Queries are written once, in SQL valid on both, and run through sqlx's `Any`
//! driver; the migrations of each backend are embedded in the binary.

use sqlx::{
    AnyPool, Executor,
    any::{AnyPoolOptions, install_default_drivers},
    migrate::Migrator,
};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool and the backend behind it. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The URL connected to, for the native pool of the session store.
    url: String,
}

/// A pool of the backend's own driver, for libraries that need one (the session store).
#[derive(Debug, Clone)]
pub enum NativePool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Backend {
    pub fn of_url(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres:".into(),
            ))
        }
    }
}

impl Db {
    /// Connects, creating the SQLite file (and its folder) when it does not exist yet.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        let backend = Backend::of_url(url)?;
        let mut options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5));
        if backend == Backend::Sqlite {
            if let Some(folder) = sqlite_folder(url) {
                std::fs::create_dir_all(folder).map_err(sqlx::Error::Io)?;
            }
            // WAL lets the board read while a writer commits; NORMAL sync is durable across a
            // process crash, which is what an embedded single-node store needs.
            // A file does not drop connections: no ping before each use (a round trip to the
            // connection's thread that every query would otherwise pay).
            options = options
                .test_before_acquire(false)
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute(
                            "pragma journal_mode = wal; pragma synchronous = normal; \
                         pragma foreign_keys = on; pragma busy_timeout = 10000;",
                        )
                        .await?;
                        Ok(())
                    })
                });
        }
        let url = if backend == Backend::Sqlite && !url.contains("mode=") {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        } else {
            url.to_string()
        };
        let pool = options.connect(&url).await?;
        Ok(Self { pool, backend, url })
    }

    /// A small second pool on the same database, with the backend's own driver.
    pub async fn native_pool(&self, max_connections: u32) -> Result<NativePool, sqlx::Error> {
        use std::str::FromStr;
        match self.backend {
            Backend::Sqlite => {
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url)?
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await?;
                Ok(NativePool::Sqlite(pool))
            }
            Backend::Postgres => {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(&self.url)
                    .await?;
                Ok(NativePool::Postgres(pool))
            }
        }
    }

    /// The URL connected to.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// True when a trivial query answers: what `/readyz` reports.
    pub async fn is_ready(&self) -> bool {
        sqlx::query("select 1").execute(&self.pool).await.is_ok()
    }
}

/// SQLite lets one transaction write at a time and makes the others poll with growing sleeps;
/// under load that polling, not the work, sets the tail latency. Writers to one SQLite
/// database therefore queue here first (in arrival order), so each finds the database free.
/// PostgreSQL locks rows itself: no queue.
/// A connection to write with, after this database's writer turn (see [`writer_turn`]); hold
/// the turn until the transaction has committed and the connection is back.
pub async fn write_access(
    pool: &AnyPool,
) -> Result<(Option<WriterTurn>, sqlx::pool::PoolConnection<sqlx::Any>), sqlx::Error> {
    let turn = writer_turn(pool).await;
    let conn = pool.acquire().await?;
    Ok((turn, conn))
}

/// Opens a transaction that will write. On SQLite it takes the write lock at once (`begin
/// immediate`, waiting its turn like any writer): a transaction that reads before it writes
/// could otherwise fail at its first write when another connection committed in between.
/// PostgreSQL locks rows as it goes.
pub async fn begin_write(
    conn: &mut sqlx::AnyConnection,
) -> Result<sqlx::Transaction<'_, sqlx::Any>, sqlx::Error> {
    use sqlx::Connection;
    if conn.backend_name() == "SQLite" {
        conn.begin_with("begin immediate").await
    } else {
        conn.begin().await
    }
}

/// Whether the pool is on SQLite.
pub fn is_sqlite(pool: &AnyPool) -> bool {
    pool.connect_options()
        .database_url
        .as_str()
        .starts_with("sqlite:")
}

pub async fn writer_turn(pool: &AnyPool) -> Option<WriterTurn> {
    let queue = writer_queue(pool)?;
    let guard = queue.turn.clone().lock_owned().await;
    Some(WriterTurn {
        _guard: guard,
        queue,
    })
}

/// A writer's turn on an SQLite database (see [`writer_turn`]). Giving it back, once the
/// transaction has committed, tells this process's live stream that the journal may have grown
/// (see [`commits`]).
pub struct WriterTurn {
    _guard: tokio::sync::OwnedMutexGuard<()>,
    queue: std::sync::Arc<WriterQueue>,
}

impl Drop for WriterTurn {
    fn drop(&mut self) {
        self.queue.commits.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// The writers' queue of one SQLite database, and the count of turns given back.
struct WriterQueue {
    turn: std::sync::Arc<tokio::sync::Mutex<()>>,
    commits: tokio::sync::watch::Sender<u64>,
}

fn writer_queue(pool: &AnyPool) -> Option<std::sync::Arc<WriterQueue>> {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};
    static QUEUES: LazyLock<Mutex<HashMap<String, Arc<WriterQueue>>>> =
        LazyLock::new(Default::default);
    let url = pool.connect_options().database_url.to_string();
    if !url.starts_with("sqlite:") {
        return None;
    }
    let queue = QUEUES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(url)
        .or_insert_with(|| {
            Arc::new(WriterQueue {
                turn: Arc::default(),
                commits: tokio::sync::watch::Sender::new(0),
            })
        })
        .clone();
    Some(queue)
}

/// Changes each time a writer of this process gives its turn on the SQLite database back
/// (after its commit): the live stream reads the journal then instead of waiting for its next
/// poll. `None` on PostgreSQL, which notifies commits itself.
pub fn commits(pool: &AnyPool) -> Option<tokio::sync::watch::Receiver<u64>> {
    writer_queue(pool).map(|queue| queue.commits.subscribe())
}

/// The folder of a `sqlite://path/to/file.db` URL, if it names one.
fn sqlite_folder(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_url() {
        assert_eq!(
            Backend::of_url("sqlite://data/x.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::of_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::of_url("mysql://h/db").is_err());
    }

    #[test]
    fn sqlite_folder_is_found_for_relative_and_absolute_paths() {
        assert_eq!(
            sqlite_folder("sqlite://data/border-ops.db?mode=rwc"),
            Some("data".into())
        );
        assert_eq!(sqlite_folder("sqlite:///tmp/a/b.db"), Some("/tmp/a".into()));
        assert_eq!(sqlite_folder("sqlite::memory:"), None);
        assert_eq!(sqlite_folder("sqlite://b.db"), None);
    }
}
