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
                crate::i18n::td_string!(crate::lang::current(), cli.database_url_scheme).into(),
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
                         pragma foreign_keys = on; pragma busy_timeout = 10000; \
                         pragma mmap_size = 4294967296; pragma cache_size = -32768;",
                        )
                        .await?;
                        Ok(())
                    })
                });
        }
        let url = if backend == Backend::Sqlite {
            // The file is made here, once, when it is not there yet; the pool's connections then
            // open it without making it (`mode=rw`). One the pool opens later (it renews them),
            // after the file was moved or deleted, then fails, and is answered as the database
            // being unavailable, instead of making an empty database at the file's path beside
            // the old one's write-ahead log.
            let create = with_mode(url, "rwc");
            if create.contains("mode=rwc") {
                use sqlx::Connection;
                sqlx::AnyConnection::connect(&create).await?.close().await?;
            }
            with_mode(url, "rw")
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
        self.migrator().run(&self.pool).await
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// The migrations of this build that the database has not applied, by version (none on a
    /// database `migrate` brought up to date). Only reads: a role that may not create tables
    /// can ask.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, sqlx::Error> {
        use sqlx::Row;
        let applied: Vec<i64> =
            match sqlx::query("select version from _sqlx_migrations where success = true")
                .fetch_all(&self.pool)
                .await
            {
                Ok(rows) => rows
                    .iter()
                    .map(|row| row.try_get("version"))
                    .collect::<Result<_, _>>()?,
                // Never migrated: no table of migrations yet.
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => vec![],
                Err(sqlx::Error::Database(e)) if e.message().contains("no such table") => vec![],
                Err(e) => return Err(e),
            };
        Ok(self
            .migrator()
            .iter()
            .map(|m| m.version)
            .filter(|v| !applied.contains(v))
            .collect())
    }

    /// Gives `role` (a PostgreSQL login role that owns nothing) the rights `serve` needs and
    /// no more: to read and write the product's tables, but only to read and add to the
    /// journal (never change, delete or empty it) and only to read the migrations applied.
    /// Run by the owner after the migrations, so it covers every table they made.
    pub async fn grant_serving_role(&self, role: &str) -> Result<(), ServingRoleError> {
        if self.backend != Backend::Postgres {
            return Err(ServingRoleError::NotPostgres);
        }
        if !is_plain_role_name(role) {
            return Err(ServingRoleError::BadName(role.to_string()));
        }
        let exists = sqlx::query("select 1 from pg_roles where rolname = $1")
            .bind(role)
            .fetch_optional(&self.pool)
            .await?
            .is_some();
        if !exists {
            return Err(ServingRoleError::NoSuchRole(role.to_string()));
        }
        let mut tx = self.pool.begin().await?;
        for statement in serving_grants(role) {
            tx.execute(statement.as_str()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// True when a trivial query answers: what `/readyz` reports.
    pub async fn is_ready(&self) -> bool {
        sqlx::query("select 1").execute(&self.pool).await.is_ok()
    }
}

/// Why a role could not be given the rights of `serve`.
#[derive(Debug, thiserror::Error)]
pub enum ServingRoleError {
    #[error("{}", crate::i18n::td_string!(crate::lang::current(), cli.serving_role_not_postgres))]
    NotPostgres,
    #[error("{}", crate::i18n::td_string!(crate::lang::current(), cli.serving_role_bad_name, role = format!("{:?}", .0)))]
    BadName(String),
    #[error("{}", crate::i18n::td_string!(crate::lang::current(), cli.serving_role_missing, quoted = format!("{:?}", .0), role = .0))]
    NoSuchRole(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A role name that needs no quoting: lower-case letters, digits and `_`, at most 63 bytes.
fn is_plain_role_name(role: &str) -> bool {
    let mut chars = role.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && role.len() <= 63
}

/// The statements that give `role` the rights of `serve` (see [`Db::grant_serving_role`]).
fn serving_grants(role: &str) -> Vec<String> {
    [
        "grant usage on schema public, tower_sessions to {role}",
        "grant select, insert, update, delete on all tables in schema public to {role}",
        "revoke update, delete, truncate on journal from {role}",
        "revoke insert, update, delete, truncate on _sqlx_migrations from {role}",
        "grant usage, select on all sequences in schema public to {role}",
        "grant select, insert, update, delete on tower_sessions.web_sessions to {role}",
    ]
    .iter()
    .map(|statement| statement.replace("{role}", role))
    .collect()
}

/// A write in progress: this database's writer turn (SQLite), a connection and an open
/// transaction, taken together and given back together. The one way anything writes.
///
/// SQLite lets one transaction write at a time and makes the others poll with growing sleeps;
/// under load that polling, not the work, sets the tail latency. Writers to one SQLite database
/// therefore queue for a turn first (in arrival order), so each finds the database free, and
/// open their transaction with `begin immediate`: one that reads before it writes would
/// otherwise fail at its first write when another connection committed in between.
/// PostgreSQL locks rows itself: no queue, an ordinary transaction.
///
/// Dropped without [`WriteTx::commit`] (an error, a caller gone away), the transaction rolls
/// back, then the turn is given back: the fields drop in that order.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    /// Held until the transaction has ended and the connection is back in the pool.
    turn: Option<WriterTurn>,
}

impl WriteTx {
    /// Waits for the writer turn, takes a connection and begins the transaction.
    pub async fn begin(pool: &AnyPool) -> Result<Self, sqlx::Error> {
        let turn = writer_turn(pool).await;
        let tx = if turn.is_some() {
            pool.begin_with("begin immediate").await?
        } else {
            pool.begin().await?
        };
        Ok(Self { tx, turn })
    }

    /// Commits, then gives the connection and the turn back (which wakes this process's live
    /// stream on SQLite, see [`commits`]).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let WriteTx { tx, turn } = self;
        tx.commit().await?;
        drop(turn);
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Runs one statement that writes, with its arguments, as a transaction of its own in one
/// round trip to the database, and returns the rows it changed. On SQLite `sql` may be a batch
/// that begins and commits itself (`begin immediate; …; commit`); it runs in the writer's
/// turn and, if a statement of it fails, its transaction is rolled back before the connection
/// goes back to the pool. The write runs as a task of its own, so that a caller who goes away
/// (a closed tab) cannot cut it off halfway.
pub async fn write_once(
    pool: &AnyPool,
    sql: String,
    args: sqlx::any::AnyArguments<'static>,
) -> Result<u64, sqlx::Error> {
    let pool = pool.clone();
    let write = tokio::spawn(async move {
        let turn = writer_turn(&pool).await;
        let mut conn = pool.acquire().await?;
        let result = sqlx::query_with(&sql, args).execute(&mut *conn).await;
        if result.is_err() && turn.is_some() {
            let _ = sqlx::query("rollback").execute(&mut *conn).await;
        }
        drop(conn);
        drop(turn);
        Ok(result?.rows_affected())
    });
    write.await.map_err(|e| {
        tracing::error!(error = %e, "a write task failed");
        sqlx::Error::WorkerCrashed
    })?
}

/// Why a failed call says the database cannot be reached or cannot work now, as the counter
/// names it: the pool gave no connection in its time (`pool_timed_out`) or is closed
/// (`pool_closed`), the connection broke (`io`), the database said its disk is full or failing
/// or it is shutting down (`database`). `None` when one query went wrong.
pub fn unavailability(error: &sqlx::Error) -> Option<&'static str> {
    match error {
        sqlx::Error::PoolTimedOut => Some("pool_timed_out"),
        sqlx::Error::PoolClosed => Some("pool_closed"),
        sqlx::Error::Io(_) => Some("io"),
        sqlx::Error::Database(error) if error.code().is_some_and(|c| unavailable_code(&c)) => {
            Some("database")
        }
        _ => None,
    }
}

/// Whether a failed call says the database cannot be reached or cannot work now
/// ([`unavailability`]), not that one query went wrong.
pub fn is_unreachable(error: &sqlx::Error) -> bool {
    unavailability(error).is_some()
}

/// A database's error code that says the database, not the query, is at fault.
/// - PostgreSQL's SQLSTATE (five characters): class 08, the connection; class 53, insufficient
///   resources (disk full, out of memory, too many connections); 57P01 to 57P03, shutting down,
///   crashed, not yet accepting connections.
/// - SQLite's result code, primary or extended (at most four digits; its low byte is the
///   primary): 8, the file cannot be written (its permissions, or moved away from its path:
///   1032); 10, an I/O error; 13, the disk is full; 14, the file cannot be opened.
fn unavailable_code(code: &str) -> bool {
    if code.len() == 5 {
        code.starts_with("08")
            || code.starts_with("53")
            || matches!(code, "57P01" | "57P02" | "57P03")
    } else {
        code.parse::<u32>()
            .is_ok_and(|code| matches!(code & 0xff, 8 | 10 | 13 | 14))
    }
}

/// Whether the pool is on SQLite.
pub fn is_sqlite(pool: &AnyPool) -> bool {
    pool.connect_options()
        .database_url
        .as_str()
        .starts_with("sqlite:")
}

async fn writer_turn(pool: &AnyPool) -> Option<WriterTurn> {
    let queue = writer_queue(pool)?;
    let asked = std::time::Instant::now();
    let guard = queue.turn.clone().lock_owned().await;
    crate::counters::writer_waited(asked.elapsed());
    Some(WriterTurn {
        _guard: guard,
        queue,
    })
}

/// A writer's turn on an SQLite database (see [`WriteTx`]). Giving it back, once the
/// transaction has committed, tells this process's live stream that the journal may have grown
/// (see [`commits`]).
struct WriterTurn {
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

/// The queue of the database a pool writes to. It is kept per database file for the whole
/// process, not per pool or per `AppState`, because the lock it stands in front of is the
/// file's: every pool of this process that writes to that file (the server's, the CLI's or a
/// benchmark's second pool, a test that opens its own) must take turns in the same queue, or
/// they meet SQLite's busy polling again. A map keyed by the database URL is the one place
/// that knows them all.
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
/// The file a `sqlite:` URL names (`None` for another backend or an in-memory database).
pub fn sqlite_file(url: &str) -> Option<&str> {
    let path = url
        .strip_prefix("sqlite:")?
        .trim_start_matches("//")
        .split('?')
        .next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// `url` with its SQLite open mode set to `mode`, unless it names one already.
pub fn with_mode(url: &str, mode: &str) -> String {
    if url.contains("mode=") {
        url.to_string()
    } else {
        format!(
            "{url}{}mode={mode}",
            if url.contains('?') { '&' } else { '?' }
        )
    }
}

fn sqlite_folder(url: &str) -> Option<std::path::PathBuf> {
    let path = sqlite_file(url)?;
    std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_at_fault_is_told_from_a_query_at_fault() {
        // PostgreSQL: connection lost, disk full, too many connections, shutting down, starting.
        for code in ["08006", "08001", "53100", "53300", "57P01", "57P03"] {
            assert!(unavailable_code(code), "{code}");
        }
        // PostgreSQL: a unique key, a check, a serialization failure, a syntax error.
        for code in ["23505", "23514", "40001", "42601", "57014"] {
            assert!(!unavailable_code(code), "{code}");
        }
        // SQLite: read-only, moved away (8 | 4 << 8), I/O error, its fsync variant
        // (10 | 4 << 8), disk full, cannot open.
        for code in ["8", "1032", "10", "1034", "13", "14"] {
            assert!(unavailable_code(code), "{code}");
        }
        // SQLite: a unique key (2067), busy, a constraint, a corrupt file, a type mismatch.
        for code in ["2067", "5", "19", "11", "20"] {
            assert!(!unavailable_code(code), "{code}");
        }
    }

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

    #[test]
    fn a_sqlite_url_names_its_file_and_keeps_a_mode_it_has() {
        assert_eq!(
            sqlite_file("sqlite:///tmp/a/b.db?mode=rwc"),
            Some("/tmp/a/b.db")
        );
        assert_eq!(sqlite_file("sqlite://data/b.db"), Some("data/b.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x@h/db"), None);
        assert_eq!(with_mode("sqlite://b.db", "rw"), "sqlite://b.db?mode=rw");
        assert_eq!(
            with_mode("sqlite://b.db?mode=ro", "rw"),
            "sqlite://b.db?mode=ro"
        );
        assert_eq!(
            with_mode("sqlite://b.db?x=1", "rw"),
            "sqlite://b.db?x=1&mode=rw"
        );
    }

    /// A fresh SQLite database with one table, in a folder of its own.
    async fn scratch() -> (Db, std::path::PathBuf) {
        let folder = std::env::temp_dir().join(format!("boc-db-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/t.db", folder.display());
        let db = Db::connect(&url, 4).await.expect("connect");
        sqlx::query("create table t (x integer not null unique)")
            .execute(&db.pool)
            .await
            .expect("table");
        (db, folder)
    }

    async fn count(db: &Db) -> i64 {
        use sqlx::Row;
        sqlx::query("select count(*) as n from t")
            .fetch_one(&db.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .expect("count")
    }

    /// The next writer must get its turn at once: the one before gave it back.
    async fn turn_is_free(db: &Db) {
        let next = tokio::time::timeout(Duration::from_secs(2), WriteTx::begin(&db.pool)).await;
        let tx = next
            .expect("the writer's turn was not given back")
            .expect("begin");
        drop(tx);
    }

    #[tokio::test]
    async fn a_write_that_fails_rolls_back_and_gives_the_turn_back() {
        let (db, folder) = scratch().await;
        let mut commits = commits(&db.pool).expect("SQLite counts its commits");
        let before = *commits.borrow_and_update();

        let mut tx = WriteTx::begin(&db.pool).await.unwrap();
        sqlx::query("insert into t (x) values (1)")
            .execute(&mut *tx)
            .await
            .unwrap();
        let second = sqlx::query("insert into t (x) values (1)")
            .execute(&mut *tx)
            .await;
        assert!(second.is_err(), "the unique column refuses the second row");
        drop(tx);
        assert_eq!(count(&db).await, 0, "the first row went with the rollback");
        turn_is_free(&db).await;

        let mut tx = WriteTx::begin(&db.pool).await.unwrap();
        sqlx::query("insert into t (x) values (2)")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&db).await, 1);
        assert!(
            *commits.borrow_and_update() > before,
            "a commit tells the live stream"
        );
        turn_is_free(&db).await;
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(folder);
    }

    #[tokio::test]
    async fn a_one_round_trip_write_that_fails_halfway_leaves_nothing() {
        let (db, folder) = scratch().await;
        let batch =
            "begin immediate; insert into t (x) values (7); insert into t (x) values (7); commit";
        let failed = write_once(&db.pool, batch.into(), Default::default()).await;
        assert!(failed.is_err());
        assert_eq!(count(&db).await, 0);
        turn_is_free(&db).await;
        let done = "begin immediate; insert into t (x) values (8); commit";
        write_once(&db.pool, done.into(), Default::default())
            .await
            .unwrap();
        assert_eq!(count(&db).await, 1);
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(folder);
    }

    #[tokio::test]
    async fn writers_take_turns_in_arrival_order() {
        let (db, folder) = scratch().await;
        let first = WriteTx::begin(&db.pool).await.unwrap();
        let pool = db.pool.clone();
        let waiting = tokio::spawn(async move { WriteTx::begin(&pool).await.map(drop) });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiting.is_finished(), "a second writer waits for the turn");
        first.commit().await.unwrap();
        tokio::time::timeout(Duration::from_secs(2), waiting)
            .await
            .expect("the second writer gets the turn once the first commits")
            .unwrap()
            .unwrap();
        db.pool.close().await;
        let _ = std::fs::remove_dir_all(folder);
    }
}
