//! The server side of the live board: one pump per process reads the journal in sequence
//! order (the database is the source of truth) and broadcasts each new entry to the streams
//! of the connected browsers. The pump wakes when a writer of this process gives back its turn
//! on SQLite ([`crate::db::commits`]; it also polls every [`SQLITE_POLL`] for other processes
//! writing the same file) and, on PostgreSQL, when any process sharing the database commits
//! (LISTEN on channel `journal`, which every journal entry notifies at commit).
//!
//! Most streams are *parked* ([`LiveHub::park`]): one fan-out thread per core writes to them
//! in rolling passes. Each pass goes once round its streams and writes to each what it has not
//! had yet of the changes published so far, looked up at the moment of that write; another
//! pass follows once something new was published (no sooner than [`PASS_EVERY`] when passes
//! are long). A change therefore reaches every parked stream within one pass of being read,
//! whatever the pass was doing when it came.

use super::LiveEvent;
use crate::db::{Backend, Db};
use crate::domain::Principal;
use sqlx::{AnyPool, Row};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{Notify, broadcast, oneshot, watch};

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
/// The parked streams' threads keep at least this many of the latest changes (whole batches)
/// to write from; a parked stream further behind goes back to its task, which catches up from
/// the journal.
const TAIL_EVENTS: usize = 2048;
/// A fan-out thread starts a pass at most this often once its passes take half of it, so that
/// with thousands of streams a stream gets at most ten writes a second however busy the
/// journal is, and the passes leave the machine time for the requests and the clients time to
/// read. Shorter passes (fewer streams) may follow each other sooner: twice their length.
const PASS_EVERY: Duration = Duration::from_millis(100);
/// At most this many changes go out in one write to a parked stream; the rest follow in the
/// next pass.
const WRITE_CHANGES: usize = 512;
/// Entries read per query, by the pump and by a stream catching up.
const PAGE: i64 = 500;
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
        super::RELOAD
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
    /// The last sequence number broadcast.
    latest: AtomicI64,
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
}

/// The latest changes published, in order: every change after `floor` is in `batches`.
#[derive(Default)]
struct Tail {
    floor: i64,
    batches: VecDeque<Batch>,
}

impl Tail {
    fn events(&self) -> usize {
        self.batches.iter().map(|b| b.len()).sum()
    }

    /// This tail with `batch` added, and the oldest batches dropped past [`TAIL_EVENTS`].
    fn with(&self, batch: Batch) -> Tail {
        let mut batches = self.batches.clone();
        let mut floor = self.floor;
        let mut events = self.events() + batch.len();
        batches.push_back(batch);
        while batches.len() > 1 && events - batches[0].len() >= TAIL_EVENTS {
            if let Some(dropped) = batches.pop_front() {
                events -= dropped.len();
                floor = dropped.last().map_or(floor, |p| p.event.seq);
            }
        }
        Tail { floor, batches }
    }

    /// The changes after `last`, in order.
    fn after(&self, last: i64) -> impl Iterator<Item = &Arc<Published>> {
        self.batches
            .iter()
            .filter(move |batch| batch.last().is_some_and(|p| p.event.seq > last))
            .flat_map(|batch| batch.iter())
            .filter(move |p| p.event.seq > last)
    }
}

/// The parked streams of one fan-out thread: the thread owns those it holds; new ones wait in
/// `incoming` until its next pass.
#[derive(Default)]
struct Shard {
    incoming: std::sync::Mutex<Incoming>,
    /// How many streams the thread held after its last pass.
    held: std::sync::atomic::AtomicUsize,
}

#[derive(Default)]
struct Incoming {
    streams: Vec<Parked>,
    /// The thread has ended (shutdown): nothing may be parked with it any more.
    ended: bool,
}

/// A stream with nothing pending, written by a fan-out thread: each pass writes what the reader
/// may see straight to its socket, without waking the stream's task. A socket that does not
/// take the whole write sends the stream back to its task ([`Resume`]); a task that ends (its
/// client went away) drops its [`Parking`], and the thread lets the stream go.
struct Parked {
    socket: Arc<TcpStream>,
    reader: Principal,
    last: i64,
    last_write: Instant,
    resume: oneshot::Sender<Resume>,
}

/// Why a parked stream is handed back to its task.
#[derive(Debug)]
pub enum Resume {
    /// Its socket took only part of a write: `rest` is still to be written, then the stream
    /// goes on after `last` (catching up from the journal if it must).
    Behind {
        rest: bytes::Bytes,
        last: i64,
        reader: Principal,
    },
    /// The server is shutting down.
    Closing,
}

/// A stream parked with a fan-out thread: `resume` says when its task must take it back.
/// Dropping it lets the stream go.
pub struct Parking {
    pub resume: oneshot::Receiver<Resume>,
}

const KEEP_ALIVE_COMMENT: &[u8] = b": keep-alive\n\n";

impl std::fmt::Debug for LiveHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveHub")
            .field("latest", &self.latest())
            .finish()
    }
}

const COLUMNS: &str =
    "seq, at, actor, entity, entity_id, shipment_id, port_code, action, after_json";

fn event_of(row: &sqlx::any::AnyRow) -> Result<LiveEvent, sqlx::Error> {
    Ok(LiveEvent {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        shipment_id: row.try_get("shipment_id")?,
        port_code: row.try_get("port_code")?,
        action: row.try_get("action")?,
        version: row
            .try_get::<Option<String>, _>("after_json")?
            .and_then(|after| serde_json::from_str::<serde_json::Value>(&after).ok())
            .and_then(|after| after.get("version")?.as_i64()),
    })
}

/// Up to [`PAGE`] journal entries after `after`, in order.
pub async fn entries_after(pool: &AnyPool, after: i64) -> Result<Vec<LiveEvent>, sqlx::Error> {
    sqlx::query(&format!(
        "select {COLUMNS} from journal where seq > $1 order by seq limit {PAGE}"
    ))
    .bind(after)
    .fetch_all(pool)
    .await?
    .iter()
    .map(event_of)
    .collect()
}

async fn last_seq(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query("select coalesce(max(seq), 0) as seq from journal")
        .fetch_one(pool)
        .await?
        .try_get("seq")
}

/// Resolves when a writer of this process commits on SQLite; never without `commits`.
async fn next_commit(commits: &mut Option<watch::Receiver<u64>>) {
    let Some(commits) = commits else {
        return std::future::pending().await;
    };
    if commits.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

impl Inner {
    fn tail(&self) -> Arc<Tail> {
        self.tail.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Wakes the fan-out threads.
    fn signal(&self) {
        *self.signal.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.signalled.notify_all();
    }

    /// One pass round `streams`: writes to each what it may see of the changes it has not had,
    /// or a comment when it has been silent for half the keep-alive; lets go of streams whose
    /// task has ended and sends back those whose socket did not take a write whole.
    fn pass(&self, streams: &mut Vec<Parked>) {
        let quiet_for = self.keep_alive / 2;
        let mut tail = self.tail();
        let mut prepared = None;
        let mut now = Instant::now();
        let mut index = 0;
        while index < streams.len() {
            if index % 64 == 0 {
                now = Instant::now();
                // What was published meanwhile goes out in this pass too.
                tail = self.tail();
            }
            let stream = &mut streams[index];
            if stream.resume.is_closed() {
                streams.swap_remove(index);
                continue;
            }
            match write_parked(stream, &tail, &mut prepared, now, quiet_for) {
                Written::Whole => index += 1,
                Written::Part(rest) => {
                    let stream = streams.swap_remove(index);
                    self.sent_back.fetch_add(1, Ordering::Relaxed);
                    let _ = stream.resume.send(Resume::Behind {
                        rest,
                        last: stream.last,
                        reader: stream.reader,
                    });
                }
                // The connection is broken: its task finds out and ends.
                Written::Broken => {
                    streams.swap_remove(index);
                }
            }
        }
    }
}

/// What became of a write to a parked stream.
enum Written {
    /// All of it (or nothing was due).
    Whole,
    /// The socket took only part: the rest, for the stream's task.
    Part(bytes::Bytes),
    Broken,
}

/// What a pass last prepared for a stream: the next stream at the same position with the
/// same sight (role, ports) is sent the same bytes, built once. Streams that were written
/// together in the previous pass sit together, so most of a pass writes one buffer.
struct Prepared {
    tail: Arc<Tail>,
    last: i64,
    reader: Principal,
    /// The last change looked at (sent or not visible).
    through: i64,
    frames: bytes::Bytes,
}

impl Prepared {
    fn new(tail: &Arc<Tail>, last: i64, reader: &Principal) -> Prepared {
        let mut through = last;
        let mut frames = Vec::new();
        for published in tail.after(last).take(WRITE_CHANGES) {
            through = published.event.seq;
            if published.event.visible_to(reader) {
                frames.extend_from_slice(&published.frame);
            }
        }
        Prepared {
            tail: tail.clone(),
            last,
            reader: reader.clone(),
            through,
            frames: frames.into(),
        }
    }

    /// Whether a stream at `last` reading as `reader` gets exactly these bytes from `tail`.
    fn fits(&self, tail: &Arc<Tail>, last: i64, reader: &Principal) -> bool {
        self.last == last
            && Arc::ptr_eq(&self.tail, tail)
            && self.reader.role == reader.role
            && self.reader.active == reader.active
            && self.reader.ports == reader.ports
    }
}

/// Writes to one parked stream what it may see of the changes in `tail` it has not had.
fn write_parked(
    stream: &mut Parked,
    tail: &Arc<Tail>,
    prepared: &mut Option<Prepared>,
    now: Instant,
    quiet_for: Duration,
) -> Written {
    if stream.last < tail.floor {
        // Too far behind for the tail: its task catches up from the journal.
        return Written::Part(bytes::Bytes::new());
    }
    let fresh = match prepared {
        Some(p) if p.fits(tail, stream.last, &stream.reader) => p,
        _ => prepared.insert(Prepared::new(tail, stream.last, &stream.reader)),
    };
    stream.last = fresh.through;
    let frames = if fresh.frames.is_empty() {
        if now.duration_since(stream.last_write) < quiet_for {
            return Written::Whole;
        }
        bytes::Bytes::from_static(KEEP_ALIVE_COMMENT)
    } else {
        fresh.frames.clone()
    };
    stream.last_write = now;
    let written = match stream.socket.try_write(&frames) {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => 0,
        Err(_) => return Written::Broken,
    };
    if written == frames.len() {
        Written::Whole
    } else {
        Written::Part(frames.slice(written..))
    }
}

/// Writing to thousands of sockets is bulk work: the fan-out threads run at a lower priority
/// than the runtime's workers, so that requests, commits and the pump that publishes them come
/// first and the passes take the time left.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: two system calls about the calling thread, with no memory passed.
    unsafe {
        let thread = libc::gettid() as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, 5);
    }
}

/// A fan-out thread: waits for something new (or the keep-alive tick), then makes a pass
/// round its streams; at shutdown hands them back to their tasks and ends.
fn fan_out(inner: &std::sync::Weak<Inner>, shard: usize) {
    let mut streams: Vec<Parked> = Vec::new();
    let mut seen = 0;
    lower_priority();
    let mut next_pass = Instant::now();
    while let Some(inner) = inner.upgrade() {
        {
            let until = Instant::now() + inner.keep_alive / 2;
            let mut signal = inner.signal.lock().unwrap_or_else(|e| e.into_inner());
            while *signal == seen && !inner.closed.load(Ordering::Acquire) {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                signal = inner
                    .signalled
                    .wait_timeout(signal, left)
                    .map_or_else(|e| e.into_inner().0, |(signal, _)| signal);
            }
            seen = *signal;
        }
        if let Some(rest) = next_pass.checked_duration_since(Instant::now()) {
            std::thread::sleep(rest);
        }
        let shard = &inner.shards[shard];
        {
            let mut incoming = shard.incoming.lock().unwrap_or_else(|e| e.into_inner());
            streams.append(&mut incoming.streams);
            if inner.closed.load(Ordering::Acquire) {
                incoming.ended = true;
                for stream in streams.drain(..) {
                    let _ = stream.resume.send(Resume::Closing);
                }
                shard.held.store(0, Ordering::Relaxed);
                return;
            }
        }
        let started = Instant::now();
        inner.pass(&mut streams);
        next_pass = started + PASS_EVERY.min(started.elapsed() * 2);
        shard.held.store(streams.len(), Ordering::Relaxed);
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
        let latest = last_seq(&db.pool).await?;
        let hub = LiveHub {
            inner: Arc::new(Inner {
                sender,
                latest: AtomicI64::new(latest),
                wake: Notify::new(),
                closed: AtomicBool::new(false),
                closing,
                replay_limit,
                keep_alive,
                gather,
                catch_ups: AtomicU64::new(0),
                tail: std::sync::Mutex::new(Arc::new(Tail {
                    floor: latest,
                    batches: VecDeque::new(),
                })),
                signal: std::sync::Mutex::new(0),
                signalled: std::sync::Condvar::new(),
                shards: (0..std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
                    .map(|_| Shard::default())
                    .collect(),
                parked_so_far: AtomicU64::new(0),
                sent_back: AtomicU64::new(0),
            }),
        };
        for shard in 0..hub.inner.shards.len() {
            let inner = Arc::downgrade(&hub.inner);
            std::thread::Builder::new()
                .name("live-fan-out".into())
                .spawn(move || fan_out(&inner, shard))
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

    /// Wakes the pump whenever another process (or this one) commits a journal entry.
    async fn listen(&self, db: &Db) -> Result<(), sqlx::Error> {
        let crate::db::NativePool::Postgres(pool) = db.native_pool(1).await? else {
            return Ok(());
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
        listener.listen("journal").await?;
        let hub = self.clone();
        let mut closing = self.inner.closing.subscribe();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = closing.changed() => break,
                    note = listener.recv() => match note {
                        Ok(note) => {
                            let seq: i64 = note.payload().parse().unwrap_or(i64::MAX);
                            if seq > hub.latest() {
                                hub.inner.wake.notify_one();
                            }
                        }
                        Err(error) => {
                            // The listener reconnects by itself; the pump's poll covers the gap.
                            tracing::warn!(%error, "journal listener interrupted");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    },
                }
            }
        });
        Ok(())
    }

    async fn pump(self, pool: AnyPool, poll: Duration) {
        let mut closing = self.inner.closing.subscribe();
        let mut commits = crate::db::commits(&pool);
        let mut last_sent = Instant::now();
        loop {
            let read_at = Instant::now();
            let mut after = self.latest();
            let mut found = false;
            loop {
                match entries_after(&pool, after).await {
                    Ok(events) => {
                        let full = events.len() as i64 == PAGE;
                        if let Some(last) = events.last() {
                            after = last.seq;
                            found = true;
                            self.publish(Arc::new(
                                events.into_iter().map(|e| Arc::new(e.into())).collect(),
                            ));
                            last_sent = Instant::now();
                        }
                        if !full {
                            break;
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "reading the journal for the live stream");
                        break;
                    }
                }
            }
            let tick = self.inner.keep_alive / 2;
            if last_sent.elapsed() >= tick {
                // Wakes the streams that are not parked (the fan-out threads keep their own
                // time), so that an idle one writes a comment.
                let _ = self.inner.sender.send(Arc::default());
                last_sent = Instant::now();
            }
            let next_tick = tick.saturating_sub(last_sent.elapsed());
            // The poll keeps its cadence from the last read.
            let next_poll = poll.saturating_sub(read_at.elapsed());
            tokio::select! {
                _ = closing.changed() => return,
                _ = self.inner.wake.notified() => {},
                _ = next_commit(&mut commits) => {},
                _ = tokio::time::sleep(next_poll.min(next_tick)) => {},
            }
            if found && let Some(rest) = self.inner.gather.checked_sub(read_at.elapsed()) {
                tokio::time::sleep(rest).await;
            }
        }
    }

    /// Passes what one read of the journal found to the fan-out threads and to the streams
    /// that follow the broadcast.
    fn publish(&self, batch: Batch) {
        let Some(last) = batch.last().map(|p| p.event.seq) else {
            return;
        };
        // The tail first: a stream that parks once it has seen `latest` finds in the tail
        // whatever comes after.
        {
            let mut tail = self.inner.tail.lock().unwrap_or_else(|e| e.into_inner());
            *tail = Arc::new(tail.with(batch.clone()));
        }
        self.inner.latest.store(last, Ordering::Release);
        // No receiver is not an error: nobody is watching yet.
        let _ = self.inner.sender.send(batch);
        self.inner.signal();
    }

    /// An idle stream writes a comment at least this often.
    pub fn keep_alive(&self) -> Duration {
        self.inner.keep_alive
    }

    /// The last sequence number broadcast.
    pub fn latest(&self) -> i64 {
        self.inner.latest.load(Ordering::Acquire)
    }

    /// How many streams are open.
    pub fn subscribers(&self) -> usize {
        self.inner.sender.receiver_count()
    }

    /// How many times a stream fell behind the broadcast and caught up from the database.
    pub fn catch_ups(&self) -> u64 {
        self.inner.catch_ups.load(Ordering::Relaxed)
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

    /// Hands a stream with nothing pending to a fan-out thread, which then writes its changes
    /// straight to `socket` until the socket does not take a write whole (or the server shuts
    /// down); the caller then drops `follow` and waits for [`Parking::resume`]. `None` for a
    /// stream that still has something to send or is behind the changes the threads keep: it
    /// goes on reading `follow`.
    pub fn park(
        &self,
        follow: &Follow,
        socket: &Arc<TcpStream>,
        last_write: Instant,
    ) -> Option<Parking> {
        if follow.reload.is_some() || follow.catching_up || !follow.backlog.is_empty() {
            return None;
        }
        // Every change after the tail's floor is in the tail, published before the broadcast:
        // what this stream has not had yet, the thread finds there.
        if follow.last < self.inner.tail().floor {
            return None;
        }
        let turn = self.inner.parked_so_far.fetch_add(1, Ordering::Relaxed);
        let shard = &self.inner.shards[turn as usize % self.inner.shards.len()];
        let (resume, resumed) = oneshot::channel();
        {
            let mut incoming = shard.incoming.lock().unwrap_or_else(|e| e.into_inner());
            if incoming.ended {
                return None;
            }
            incoming.streams.push(Parked {
                socket: socket.clone(),
                reader: follow.reader.clone(),
                last: follow.last,
                last_write,
                resume,
            });
        }
        if follow.last < self.latest() {
            self.inner.signal();
        }
        Some(Parking { resume: resumed })
    }

    /// How many times a parked stream went back to its task because its socket did not take
    /// a write whole.
    pub fn sent_back(&self) -> u64 {
        self.inner.sent_back.load(Ordering::Relaxed)
    }

    /// How many streams are parked with the fan-out threads.
    pub fn parked(&self) -> usize {
        self.inner
            .shards
            .iter()
            .map(|shard| {
                shard.held.load(Ordering::Relaxed)
                    + shard.incoming.lock().map_or(0, |i| i.streams.len())
            })
            .sum()
    }

    fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// A stream of what `reader` may see, starting after `after` (or now, when `None`).
    pub async fn follow(&self, pool: AnyPool, reader: Principal, after: Option<i64>) -> Follow {
        // Subscribe before reading anything, so nothing committed meanwhile is missed.
        let receiver = self.inner.sender.subscribe();
        let latest = self.latest();
        // A position past what this process has broadcast may only be one the pump has not
        // read yet (another instance's commit, a poll still to come): the journal decides
        // whether it is really ahead of this database.
        let ahead = match after {
            Some(after) if after > latest => after > last_seq(&pool).await.unwrap_or(latest),
            _ => false,
        };
        let (start, reload) = match after {
            None => (latest, false),
            Some(after) if ahead || latest - after > self.inner.replay_limit => (latest, true),
            Some(after) => (after, false),
        };
        Follow {
            hub: self.clone(),
            receiver,
            pool,
            reader,
            last: start,
            backlog: VecDeque::new(),
            catching_up: after.is_some() && !reload,
            reload: reload.then_some(latest),
        }
    }
}

/// One subscriber's position in the journal. Events come out in sequence order, each once.
pub struct Follow {
    hub: LiveHub,
    receiver: broadcast::Receiver<Batch>,
    pool: AnyPool,
    reader: Principal,
    /// The last sequence number passed on (or skipped as not visible).
    last: i64,
    backlog: VecDeque<Arc<Published>>,
    /// Reading the database until it has nothing newer than `last`.
    catching_up: bool,
    /// Too far behind: tell the client to reload, as of this sequence number.
    reload: Option<i64>,
}

/// What a stream passes on.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Event(Arc<Published>),
    /// Reload everything; the stream continues after this sequence number.
    Reload(i64),
    /// The broadcast woke the stream with nothing for this reader (a tick of the pump, or
    /// changes it may not see): a moment to keep an idle connection open.
    Quiet,
}

impl Follow {
    /// The next delivery, or `None` when the server is shutting down.
    pub async fn next(&mut self) -> Option<Delivery> {
        if let Some(seq) = self.reload.take() {
            return Some(Delivery::Reload(seq));
        }
        let mut woken = false;
        loop {
            if let Some(delivery) = self.next_in_backlog() {
                return Some(delivery);
            }
            if self.hub.is_closed() {
                return None;
            }
            if woken {
                return Some(Delivery::Quiet);
            }
            // A burst leaves a large backlog behind: give the room back while idle.
            if self.backlog.capacity() > 64 {
                self.backlog = VecDeque::new();
            }
            if self.catching_up {
                match entries_after(&self.pool, self.last).await {
                    Ok(events) => {
                        self.catching_up = events.len() as i64 == PAGE;
                        self.backlog
                            .extend(events.into_iter().map(|e| Arc::new(e.into())));
                    }
                    Err(error) => {
                        tracing::warn!(%error, "catching a live stream up");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
                continue;
            }
            match self.receiver.recv().await {
                Ok(batch) => {
                    self.backlog.extend(batch.iter().cloned());
                    woken = true;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => self.fell_behind(),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// A delivery that is ready now, without waiting: from the backlog or the broadcast. Lets
    /// a stream send a burst of changes in one write.
    pub fn ready(&mut self) -> Option<Delivery> {
        if self.reload.is_some() || self.catching_up {
            return None;
        }
        loop {
            if let Some(delivery) = self.next_in_backlog() {
                return Some(delivery);
            }
            match self.receiver.try_recv() {
                Ok(batch) => self.backlog.extend(batch.iter().cloned()),
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    self.fell_behind();
                    return None;
                }
                Err(_) => return None,
            }
        }
    }

    /// The next change of the backlog this reader may see, skipping what was already passed
    /// on (replay and broadcast overlap) and what it may not see.
    fn next_in_backlog(&mut self) -> Option<Delivery> {
        while let Some(published) = self.backlog.pop_front() {
            let event = &published.event;
            if event.seq <= self.last {
                continue;
            }
            self.last = event.seq;
            if event.visible_to(&self.reader) {
                return Some(Delivery::Event(published));
            }
        }
        None
    }

    /// Fell behind the broadcast: the journal has what was skipped.
    fn fell_behind(&mut self) {
        self.hub.inner.catch_ups.fetch_add(1, Ordering::Relaxed);
        self.catching_up = true;
    }

    /// The last sequence number this stream has passed.
    pub fn position(&self) -> i64 {
        self.last
    }

    /// The database this stream catches up from.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(seqs: impl IntoIterator<Item = i64>) -> Batch {
        of_kinds(seqs.into_iter().map(|seq| (seq, "shipment")))
    }

    /// Changes with their sequence numbers and kinds of record.
    fn of_kinds<'a>(changes: impl IntoIterator<Item = (i64, &'a str)>) -> Batch {
        Arc::new(
            changes
                .into_iter()
                .map(|(seq, entity)| {
                    Arc::new(Published::from(LiveEvent {
                        seq,
                        at: 0,
                        actor: "test".into(),
                        entity: entity.into(),
                        entity_id: seq.to_string(),
                        shipment_id: None,
                        port_code: Some("YYZ".into()),
                        action: "noted".into(),
                        version: None,
                    }))
                })
                .collect(),
        )
    }

    fn reader(name: &str, role: crate::domain::Role) -> Principal {
        Principal {
            username: name.into(),
            role,
            ports: crate::domain::PortScope::Only(vec!["YYZ".into()]),
            active: true,
        }
    }

    /// A parked stream over a real connection, and the client's end of it.
    async fn parked(
        reader: Principal,
        last: i64,
    ) -> (Parked, TcpStream, oneshot::Receiver<Resume>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let (resume, resumed) = oneshot::channel();
        let stream = Parked {
            socket: Arc::new(server),
            reader,
            last,
            last_write: Instant::now(),
            resume,
        };
        (stream, client, resumed)
    }

    async fn read_ids(client: &mut TcpStream) -> Vec<i64> {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0; 64 * 1024];
        let n = tokio::time::timeout(Duration::from_secs(5), client.read(&mut buffer))
            .await
            .unwrap()
            .unwrap();
        String::from_utf8_lossy(&buffer[..n])
            .lines()
            .filter_map(|line| line.strip_prefix("id: ")?.parse().ok())
            .collect()
    }

    #[tokio::test]
    async fn a_pass_writes_each_stream_what_it_may_see_once_and_in_order() {
        use crate::domain::Role;
        // Board changes are for every reader, account changes for administrators only.
        let tail = Arc::new(Tail::default().with(of_kinds([
            (1, "shipment"),
            (2, "account"),
            (3, "hold"),
            (4, "account"),
        ])));
        let now = Instant::now();
        let quiet = Duration::from_secs(60);
        let (mut admin, mut admin_client, _) = parked(reader("a", Role::Admin), 0).await;
        let (mut viewer, mut viewer_client, _) = parked(reader("b", Role::Viewer), 0).await;
        let (mut late, mut late_client, _) = parked(reader("c", Role::Admin), 2).await;
        let mut prepared = None;
        for stream in [&mut admin, &mut viewer, &mut late] {
            assert!(matches!(
                write_parked(stream, &tail, &mut prepared, now, quiet),
                Written::Whole
            ));
        }
        assert_eq!(read_ids(&mut admin_client).await, [1, 2, 3, 4]);
        assert_eq!(read_ids(&mut viewer_client).await, [1, 3]);
        assert_eq!(read_ids(&mut late_client).await, [3, 4]);
        // Every stream has looked at everything, seen or not: the next pass sends nothing.
        assert_eq!((admin.last, viewer.last, late.last), (4, 4, 4));
        let newer = Arc::new(tail.with(of_kinds([(5, "account")])));
        for stream in [&mut admin, &mut viewer] {
            assert!(matches!(
                write_parked(stream, &newer, &mut prepared, now, quiet),
                Written::Whole
            ));
        }
        assert_eq!(read_ids(&mut admin_client).await, [5]);
        assert_eq!(viewer.last, 5, "looked at, and not for a viewer");
    }

    #[tokio::test]
    async fn a_stream_behind_the_tail_goes_back_to_its_task_with_nothing_written() {
        let tail = Arc::new(
            Tail {
                floor: 10,
                batches: VecDeque::new(),
            }
            .with(batch([11, 12])),
        );
        let (mut stream, _client, _) = parked(reader("a", crate::domain::Role::Viewer), 9).await;
        let written = write_parked(
            &mut stream,
            &tail,
            &mut None,
            Instant::now(),
            Duration::from_secs(60),
        );
        assert!(matches!(written, Written::Part(rest) if rest.is_empty()));
        assert_eq!(
            stream.last, 9,
            "it resumes from where it was, from the journal"
        );
    }

    fn seqs<'a>(published: impl Iterator<Item = &'a Arc<Published>>) -> Vec<i64> {
        published.map(|p| p.event.seq).collect()
    }

    #[test]
    fn the_tail_has_every_change_after_its_floor_in_order() {
        let tail = Tail {
            floor: 10,
            batches: VecDeque::new(),
        };
        // Journal numbers may have gaps (a transaction rolled back on PostgreSQL).
        let tail = tail.with(batch([11, 12, 14])).with(batch([15, 19]));
        assert_eq!(tail.floor, 10);
        assert_eq!(seqs(tail.after(10)), [11, 12, 14, 15, 19]);
        assert_eq!(seqs(tail.after(12)), [14, 15, 19]);
        assert_eq!(seqs(tail.after(14)), [15, 19]);
        assert_eq!(seqs(tail.after(19)), Vec::<i64>::new());
    }

    #[test]
    fn the_tail_drops_whole_batches_past_its_size_and_raises_its_floor() {
        let size = TAIL_EVENTS as i64;
        let small = Tail::default().with(batch(1..=10)).with(batch(11..=20));
        assert_eq!((small.floor, small.events()), (0, 20));
        // The two small batches go: what is left still holds the size asked for.
        let full = small.with(batch(21..=20 + size));
        assert_eq!(full.floor, 20);
        assert_eq!(full.events(), TAIL_EVENTS);
        assert_eq!(seqs(full.after(20)), (21..=20 + size).collect::<Vec<_>>());
        // A batch larger than the whole tail is kept whole, as the only one.
        let huge = full.with(batch(21 + size..=20 + 3 * size));
        assert_eq!(huge.batches.len(), 1);
        assert_eq!(huge.floor, 20 + size);
        assert_eq!(seqs(huge.after(huge.floor)).len(), 2 * TAIL_EVENTS);
    }
}
