//! The server side of the live board: one pump per process reads the journal in sequence
//! order (the database is the source of truth) and broadcasts each new entry to the streams
//! of the connected browsers. The pump wakes when a writer of this process gives back its turn
//! on SQLite ([`crate::db::commits`]; it also polls every [`SQLITE_POLL`] for other processes
//! writing the same file) and, on PostgreSQL, when any process sharing the database commits
//! (LISTEN on channel `journal`, which every journal entry notifies at commit).

use super::LiveEvent;
use crate::db::{Backend, Db};
use crate::domain::Principal;
use sqlx::{AnyPool, Row};
use std::collections::{HashMap, VecDeque};
use std::io::IoSlice;
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
/// After a fan-out the pump waits at least this long before it reads the journal again, so
/// that commits coming together reach the browsers as one batch (one write per stream, not
/// one per commit) and the machine has time for the readers between batches.
pub const DEFAULT_GATHER: Duration = Duration::from_millis(40);
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
    /// One timer for the process, none per stream.
    keep_alive: Duration,
    /// How long the pump gathers commits after a fan-out.
    gather: Duration,
    /// How many times a stream fell behind the broadcast and caught up from the database.
    catch_ups: AtomicU64,
    /// Streams the pump writes to itself, in shards written in parallel (see [`LiveHub::park`]).
    parked: Vec<std::sync::Mutex<HashMap<u64, Parked>>>,
    next_parked: AtomicU64,
    /// How many times a parked stream's socket did not take a write whole.
    sent_back: AtomicU64,
}

/// A stream with nothing pending, written by the pump itself: for each batch the pump writes
/// what the reader may see straight to its socket, without waking the stream's task. A socket
/// that does not take the whole write sends the stream back to its task ([`Resume`]).
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

/// A stream parked with the pump: `resume` says when its task must take it back.
pub struct Parking {
    pub id: u64,
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

impl LiveHub {
    /// Starts the pump of this process over `db`. `capacity` is how many events a slow stream
    /// may fall behind before it catches up from the database instead.
    /// `poll` replaces the backend's polling interval ([`SQLITE_POLL`], [`POSTGRES_POLL`]);
    /// an idle stream writes a comment at least every `keep_alive`; after each fan-out the
    /// pump gathers commits for `gather` ([`DEFAULT_GATHER`]).
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
        let hub = LiveHub {
            inner: Arc::new(Inner {
                sender,
                latest: AtomicI64::new(last_seq(&db.pool).await?),
                wake: Notify::new(),
                closed: AtomicBool::new(false),
                closing,
                replay_limit,
                keep_alive,
                gather,
                catch_ups: AtomicU64::new(0),
                parked: (0..std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
                    .map(|_| std::sync::Mutex::default())
                    .collect(),
                next_parked: AtomicU64::new(0),
                sent_back: AtomicU64::new(0),
            }),
        };
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
            loop {
                match entries_after(&pool, after).await {
                    Ok(events) => {
                        let full = events.len() as i64 == PAGE;
                        if let Some(last) = events.last() {
                            after = last.seq;
                            let batch: Vec<Arc<Published>> =
                                events.into_iter().map(|e| Arc::new(e.into())).collect();
                            self.inner.latest.store(after, Ordering::Release);
                            let batch = Arc::new(batch);
                            // No receiver is not an error: nobody is watching yet.
                            let _ = self.inner.sender.send(batch.clone());
                            self.fan_out(batch).await;
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
                let _ = self.inner.sender.send(Arc::default());
                self.fan_out(Arc::default()).await;
                last_sent = Instant::now();
            }
            let next_tick = tick.saturating_sub(last_sent.elapsed());
            let idle_at = Instant::now();
            // The poll keeps its cadence from the last read: a fan-out that took longer than
            // the interval is followed by the next read as soon as it has gathered.
            let next_poll = poll.saturating_sub(read_at.elapsed());
            tokio::select! {
                _ = closing.changed() => return,
                _ = self.inner.wake.notified() => {},
                _ = next_commit(&mut commits) => {},
                _ = tokio::time::sleep(next_poll.min(next_tick)) => {},
            }
            if let Some(rest) = self.inner.gather.checked_sub(idle_at.elapsed()) {
                tokio::time::sleep(rest).await;
            }
        }
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
        for shard in &self.inner.parked {
            let parked = std::mem::take(&mut *shard.lock().unwrap_or_else(|e| e.into_inner()));
            for (_, stream) in parked {
                let _ = stream.resume.send(Resume::Closing);
            }
        }
    }

    /// Hands a stream with nothing pending to the pump, which then writes its changes straight
    /// to `socket` until the socket does not take a write whole (or the server shuts down); the
    /// caller then drops `follow` and waits for [`Parking::resume`]. `None` for a stream that
    /// still has something to send or is behind the broadcast: it goes on reading `follow`.
    pub fn park(
        &self,
        follow: &Follow,
        socket: &Arc<TcpStream>,
        last_write: Instant,
    ) -> Option<Parking> {
        if follow.reload.is_some() || follow.catching_up || !follow.backlog.is_empty() {
            return None;
        }
        let id = self.inner.next_parked.fetch_add(1, Ordering::Relaxed);
        let shard = &self.inner.parked[id as usize % self.inner.parked.len()];
        let mut parked = shard.lock().unwrap_or_else(|e| e.into_inner());
        // The pump records `latest` before it writes a batch to the parked streams, and it
        // needs this shard's lock to write; so a stream at `latest` now gets every later batch
        // from the pump, and one behind it takes what it missed from the broadcast instead.
        if self.is_closed() || follow.last != self.latest() {
            return None;
        }
        let (resume, resumed) = oneshot::channel();
        parked.insert(
            id,
            Parked {
                socket: socket.clone(),
                reader: follow.reader.clone(),
                last: follow.last,
                last_write,
                resume,
            },
        );
        Some(Parking {
            id,
            resume: resumed,
        })
    }

    /// Takes a parked stream away from the pump (its client has gone).
    pub fn unpark(&self, id: u64) {
        let shard = &self.inner.parked[id as usize % self.inner.parked.len()];
        shard.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }

    /// How many times a parked stream went back to its task because its socket did not take
    /// a write whole.
    pub fn sent_back(&self) -> u64 {
        self.inner.sent_back.load(Ordering::Relaxed)
    }

    /// How many streams the pump writes to itself.
    pub fn parked(&self) -> usize {
        self.inner
            .parked
            .iter()
            .map(|shard| shard.lock().map_or(0, |s| s.len()))
            .sum()
    }

    /// Writes `batch` to every parked stream, one blocking task per shard (an empty batch is
    /// the keep-alive tick).
    async fn fan_out(&self, batch: Batch) {
        let shards = self.inner.parked.len();
        let mut writers = Vec::with_capacity(shards);
        for shard in 0..shards {
            let (hub, batch) = (self.clone(), batch.clone());
            // Thousands of writes in a row: on threads of their own, so that the runtime's
            // workers go on serving requests and commits meanwhile.
            writers.push(tokio::task::spawn_blocking(move || {
                hub.fan_out_shard(shard, &batch)
            }));
        }
        for writer in writers {
            let _ = writer.await;
        }
    }

    fn fan_out_shard(&self, shard: usize, batch: &[Arc<Published>]) {
        let quiet_for = self.inner.keep_alive / 2;
        let mut parked = self.inner.parked[shard]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let last_in_batch = batch.last().map(|p| p.event.seq);
        let mut behind = vec![];
        let mut slices: Vec<IoSlice<'_>> = Vec::with_capacity(batch.len().max(1));
        for (id, stream) in parked.iter_mut() {
            slices.clear();
            slices.extend(
                batch
                    .iter()
                    .filter(|p| p.event.seq > stream.last && p.event.visible_to(&stream.reader))
                    .map(|p| IoSlice::new(&p.frame)),
            );
            if let Some(last) = last_in_batch {
                stream.last = stream.last.max(last);
            }
            if slices.is_empty() {
                if now.duration_since(stream.last_write) < quiet_for {
                    continue;
                }
                slices.push(IoSlice::new(KEEP_ALIVE_COMMENT));
            }
            let total: usize = slices.iter().map(|s| s.len()).sum();
            let written = match stream.socket.try_write_vectored(&slices) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => 0,
                // A broken connection: its task finds out and ends.
                Err(_) => total,
            };
            stream.last_write = now;
            if written < total {
                let mut rest = Vec::with_capacity(total - written);
                let mut skip = written;
                for slice in &slices {
                    let take = skip.min(slice.len());
                    rest.extend_from_slice(&slice[take..]);
                    skip -= take;
                }
                behind.push((*id, bytes::Bytes::from(rest)));
            }
        }
        for (id, rest) in behind {
            if let Some(stream) = parked.remove(&id) {
                self.inner.sent_back.fetch_add(1, Ordering::Relaxed);
                let _ = stream.resume.send(Resume::Behind {
                    rest,
                    last: stream.last,
                    reader: stream.reader,
                });
            }
        }
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
