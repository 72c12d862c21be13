//! The server side of the live board: one pump per process reads the journal in sequence
//! order (the database is the source of truth) and broadcasts each new entry to the streams
//! of the connected browsers. The pump wakes when this process commits (it polls SQLite every
//! [`SQLITE_POLL`]) and, on PostgreSQL, when any process sharing the database commits
//! (LISTEN on channel `journal`, which every journal entry notifies at commit).

use super::LiveEvent;
use crate::db::{Backend, Db};
use crate::domain::Principal;
use sqlx::{AnyPool, Row};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, broadcast, watch};

/// How often the pump looks at an SQLite journal (cheap: one indexed read).
pub const SQLITE_POLL: Duration = Duration::from_millis(100);
/// How often the pump looks at a PostgreSQL journal even without a notification (a listener
/// that lost its connection misses notifications while it reconnects).
pub const POSTGRES_POLL: Duration = Duration::from_millis(500);
/// An idle stream writes at least this often (a comment), so that proxies keep it open.
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(15);
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
    /// How many times a stream fell behind the broadcast and caught up from the database.
    catch_ups: AtomicU64,
}

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

impl LiveHub {
    /// Starts the pump of this process over `db`. `capacity` is how many events a slow stream
    /// may fall behind before it catches up from the database instead.
    /// `poll` replaces the backend's polling interval ([`SQLITE_POLL`], [`POSTGRES_POLL`]);
    /// an idle stream writes a comment at least every `keep_alive`.
    pub async fn start(
        db: &Db,
        capacity: usize,
        replay_limit: i64,
        poll: Option<Duration>,
        keep_alive: Duration,
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
                catch_ups: AtomicU64::new(0),
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
        let mut last_sent = Instant::now();
        loop {
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
                            // No receiver is not an error: nobody is watching yet.
                            let _ = self.inner.sender.send(Arc::new(batch));
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
                last_sent = Instant::now();
            }
            let next_tick = tick.saturating_sub(last_sent.elapsed());
            tokio::select! {
                _ = closing.changed() => return,
                _ = self.inner.wake.notified() => {},
                _ = tokio::time::sleep(poll.min(next_tick)) => {},
            }
        }
    }

    /// Asks the pump to look now (after a commit in this process).
    pub fn poke(&self) {
        self.inner.wake.notify_one();
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
}
