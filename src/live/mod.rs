//! The server side of the live board: one pump per process reads the journal in sequence
//! order (the database is the source of truth) and broadcasts each new entry to the streams
//! of the connected browsers. The pump wakes when a writer of this process gives back its turn
//! on SQLite ([`app::db::commits`]; it also polls every [`SQLITE_POLL`] for other processes
//! writing the same file) and, on PostgreSQL, when any process sharing the database commits
//! (LISTEN on channel `journal`, which every journal entry notifies at commit).
//!
//! Most streams are *parked* ([`LiveHub::park`]): one fan-out thread per core writes to them
//! in rolling passes. Each pass goes once round its streams and writes to each what it has not
//! had yet of the changes published so far, looked up at the moment of that write; another
//! pass follows once something new was published (no sooner than `fanout::PASS_EVERY` when
//! passes are long). A change therefore reaches every parked stream within one pass of being
//! read, whatever the pass was doing when it came.
//!
//! Every stream reads with a [`Grant`]: its right to read, which ends when its session, token
//! or account does, and follows its account's role and ports; a warden task keeps the grants
//! true from the journal and the sessions' time limits (`grant.rs`).
//!
//! Here: [`LiveHub`], the handle every stream and the server share, how it starts and closes.
//! `pump.rs` reads the journal and publishes what it finds; `tail.rs` keeps the latest changes
//! for the fan-out threads; `follow.rs` is one stream's position (replay, broadcast, catching
//! up); `fanout.rs` the parked streams and the threads' passes; `grant.rs` the grants, their
//! registry and the warden. The events themselves, and
//! who may see which, are the `app` crate's ([`app::live`]), as is the journal position pages
//! are rendered at ([`JournalPosition`]), which the pump moves.

use app::db::{Backend, Db};
use app::live::{JournalPosition, LiveEvent};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, broadcast, watch};

mod fanout;
mod follow;
mod grant;
mod pump;
mod tail;

pub use fanout::{Parking, Resume};
pub use follow::{Delivery, Follow};
pub use grant::{DEFAULT_STREAMS_PER_ACCOUNT, Grant, WATCH_EVERY};

use fanout::Shard;
use tail::Tail;

/// How often the pump looks at an SQLite journal (cheap: one indexed read).
pub const SQLITE_POLL: Duration = Duration::from_millis(100);
/// How often the pump looks at a PostgreSQL journal even without a notification (a listener
/// that lost its connection misses notifications while it reconnects).
pub const POSTGRES_POLL: Duration = Duration::from_millis(500);
/// An idle stream writes at least this often (a comment), so that proxies keep it open.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(15);
/// After a read that found changes the pump waits at least this long before it reads the
/// journal again, so that commits coming together reach the browsers as one batch (one write
/// per stream, not one per commit).
pub const DEFAULT_GATHER: Duration = Duration::from_millis(25);
/// The pump is stuck when it has not read the journal for this long (`/readyz`).
pub const STUCK_AFTER: Duration = Duration::from_secs(5);
/// A reconnecting stream replays at most this many entries; further behind, it is told to
/// reload its snapshot instead.
pub const DEFAULT_REPLAY_LIMIT: i64 = 10_000;

/// A change as broadcast: the event and its Server-Sent Events frame (`id`, `event`, `data`),
/// encoded once and shared by every stream.
#[derive(Debug, PartialEq)]
pub struct Published {
    pub event: LiveEvent,
    pub frame: bytes::Bytes,
}

impl From<LiveEvent> for Published {
    fn from(event: LiveEvent) -> Self {
        let json = serde_json::to_string(&event).unwrap_or_default();
        let frame = format!(
            "id: {}\nevent: {}\ndata: {json}\n\n",
            event.seq,
            event.event_name()
        );
        Published {
            event,
            frame: frame.into(),
        }
    }
}

/// The frame that tells a client to reload, continuing after `seq`.
pub fn reload_frame(seq: i64) -> bytes::Bytes {
    format!(
        "id: {seq}\nevent: {}\ndata: {{\"seq\":{seq}}}\n\n",
        app::live::RELOAD
    )
    .into()
}

/// The changes one read of the journal found, in order.
pub type Batch = Arc<Vec<Arc<Published>>>;

/// Handle to the process's live pump. Cheap to clone.
#[derive(Clone)]
pub struct LiveHub {
    inner: Arc<Inner>,
}

struct Inner {
    /// Each message is what one read of the journal found: a stream wakes once for it.
    sender: broadcast::Sender<Batch>,
    /// The last sequence number broadcast; `AppState` carries a clone, read by the pages.
    position: JournalPosition,
    wake: Notify,
    /// Set at shutdown, before a last empty batch wakes every stream to see it.
    closed: AtomicBool,
    /// Ends the pump and the PostgreSQL listener.
    closing: watch::Sender<bool>,
    replay_limit: i64,
    /// The pump sends an empty batch when the broadcast has been silent for half of this; it
    /// wakes every stream, and one that has written nothing for half of it sends a comment.
    /// The fan-out threads look at their parked streams at least as often. No timer per stream.
    keep_alive: Duration,
    /// How long the pump gathers commits after a read that found some.
    gather: Duration,
    /// How many times a stream fell behind the broadcast and caught up from the database.
    catch_ups: AtomicU64,
    /// How many times a reconnecting stream was told to reload, being too far behind.
    reloads: AtomicU64,
    /// Changes written to streams (each change once per stream that received it).
    delivered: AtomicU64,
    /// When the pump last read the journal without an error: milliseconds after `started`.
    last_read_ms: AtomicU64,
    /// The pump's last read failed for want of the database (see [`LiveHub::database_unavailable`]).
    unavailable: AtomicBool,
    /// Counts the times the database was lost: a stream made before the latest ends.
    interruptions: AtomicU64,
    started: std::time::Instant,
    /// The latest published changes, which the fan-out threads write to the parked streams.
    tail: std::sync::Mutex<Arc<Tail>>,
    /// Counts what the fan-out threads must look at: each publication, and each stream parked
    /// behind the latest change. They wait on `signalled` until it moves.
    signal: std::sync::Mutex<u64>,
    signalled: std::sync::Condvar,
    /// Parked streams, one shard per fan-out thread (see [`LiveHub::park`]).
    shards: Vec<Shard>,
    /// Counts the streams parked so far: each goes to the next shard in turn.
    parked_so_far: AtomicU64,
    /// How many times a parked stream's socket did not take a write whole.
    sent_back: AtomicU64,
    /// The grants of the open streams, which the warden keeps true (see `grant.rs`).
    grants: grant::Registry,
    /// How grants are checked; set once by [`LiveHub::keep_watch`].
    warden: std::sync::OnceLock<grant::Warden>,
}

impl Inner {
    fn tail(&self) -> Arc<Tail> {
        self.tail.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl std::fmt::Debug for LiveHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveHub")
            .field("latest", &self.latest())
            .finish()
    }
}

impl LiveHub {
    /// Starts the pump of this process over `db`. `capacity` is how many events a slow stream
    /// may fall behind before it catches up from the database instead.
    /// `poll` replaces the backend's polling interval ([`SQLITE_POLL`], [`POSTGRES_POLL`]);
    /// an idle stream writes a comment at least every `keep_alive`; after a read that found
    /// changes the pump gathers commits for `gather` ([`DEFAULT_GATHER`]).
    pub async fn start(
        db: &Db,
        capacity: usize,
        replay_limit: i64,
        poll: Option<Duration>,
        keep_alive: Duration,
        gather: Duration,
    ) -> Result<Self, sqlx::Error> {
        let (sender, _) = broadcast::channel(capacity.max(1));
        let (closing, _) = watch::channel(false);
        let latest = pump::last_seq(&db.pool).await?;
        let hub = LiveHub {
            inner: Arc::new(Inner {
                sender,
                position: JournalPosition::new(latest),
                wake: Notify::new(),
                closed: AtomicBool::new(false),
                closing,
                replay_limit,
                keep_alive,
                gather,
                catch_ups: AtomicU64::new(0),
                reloads: AtomicU64::new(0),
                delivered: AtomicU64::new(0),
                last_read_ms: AtomicU64::new(0),
                unavailable: AtomicBool::new(false),
                interruptions: AtomicU64::new(0),
                started: std::time::Instant::now(),
                tail: std::sync::Mutex::new(Arc::new(Tail::starting_after(latest))),
                signal: std::sync::Mutex::new(0),
                signalled: std::sync::Condvar::new(),
                shards: (0..std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
                    .map(|_| Shard::default())
                    .collect(),
                parked_so_far: AtomicU64::new(0),
                sent_back: AtomicU64::new(0),
                grants: grant::Registry::default(),
                warden: std::sync::OnceLock::new(),
            }),
        };
        for shard in 0..hub.inner.shards.len() {
            let inner = Arc::downgrade(&hub.inner);
            std::thread::Builder::new()
                .name("live-fan-out".into())
                .spawn(move || fanout::fan_out(&inner, shard))
                .map_err(sqlx::Error::Io)?;
        }
        let poll = match db.backend {
            Backend::Sqlite => poll.unwrap_or(SQLITE_POLL),
            Backend::Postgres => {
                hub.listen(db).await?;
                poll.unwrap_or(POSTGRES_POLL)
            }
        };
        tokio::spawn(hub.clone().pump(db.pool.clone(), poll));
        Ok(hub)
    }

    /// An idle stream writes a comment at least this often.
    pub fn keep_alive(&self) -> Duration {
        self.inner.keep_alive
    }

    /// The last sequence number broadcast.
    pub fn latest(&self) -> i64 {
        self.inner.position.latest()
    }

    /// The journal position this hub moves, for the pages (`AppState::live`).
    pub fn position(&self) -> JournalPosition {
        self.inner.position.clone()
    }

    /// How many times a stream fell behind the broadcast and caught up from the database.
    pub fn catch_ups(&self) -> u64 {
        self.inner.catch_ups.load(Ordering::Relaxed)
    }

    /// How many times a reconnecting stream was told to reload.
    pub fn reloads(&self) -> u64 {
        self.inner.reloads.load(Ordering::Relaxed)
    }

    /// Changes written to streams so far, each once per stream that received it.
    pub fn delivered(&self) -> u64 {
        self.inner.delivered.load(Ordering::Relaxed)
    }

    /// How long since the pump last read the journal without an error: it reads at least
    /// every poll (100 ms on SQLite, 500 ms on PostgreSQL), so more than [`STUCK_AFTER`] means
    /// the live board has stopped moving on this instance.
    pub fn since_last_read(&self) -> Duration {
        let last = Duration::from_millis(self.inner.last_read_ms.load(Ordering::Relaxed));
        self.inner.started.elapsed().saturating_sub(last)
    }

    /// Live streams open on this instance.
    pub fn streams_open(&self) -> usize {
        let grants = self.inner.grants.all();
        grants.iter().filter(|g| g.ended().is_none()).count()
    }

    /// Whether the pump's last read of the journal failed because the database could not be
    /// reached (the pool gave no connection in its time, or the connection broke). While it
    /// holds, new streams are refused (503) and the pump goes on trying at its poll.
    pub fn database_unavailable(&self) -> bool {
        self.inner.unavailable.load(Ordering::Acquire)
    }

    /// How many times the database was lost since the start: each stream remembers the count
    /// it began under and ends when it moves.
    fn interruptions(&self) -> u64 {
        self.inner.interruptions.load(Ordering::Acquire)
    }

    /// The pump could not reach the database. The first time since it last could, every open
    /// stream ends: the browsers, finding new streams refused with 503, say that the database
    /// is unavailable and keep what they show, then resume after their last change once it
    /// is back. A stream left open would be silent, and its page would still say "Live".
    fn lost_database(&self) {
        if self.inner.unavailable.swap(true, Ordering::AcqRel) {
            return;
        }
        self.inner.interruptions.fetch_add(1, Ordering::AcqRel);
        tracing::warn!("the database cannot be reached: live streams end until it returns");
        // Wakes the streams' tasks and the fan-out threads, which see the count move.
        let _ = self.inner.sender.send(Arc::default());
        self.inner.signal();
    }

    /// The pump read the journal again.
    fn found_database(&self) {
        if self.inner.unavailable.swap(false, Ordering::AcqRel) {
            tracing::info!("the database answers again: live streams are accepted");
        }
    }

    /// Ends every open stream and the pump (at shutdown).
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        let _ = self.inner.closing.send(true);
        // Wakes every stream; each then sees `closed`.
        let _ = self.inner.sender.send(Arc::default());
        // The fan-out threads hand their streams back and end.
        self.inner.signal();
    }

    fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }
}
