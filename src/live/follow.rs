//! One stream's position in the journal: it subscribes to the broadcast before it reads
//! anything, replays from the database what came after the client's last position, and drops
//! whatever it already passed on, so each change arrives once and in order. Behind the
//! broadcast, it reads the journal instead; too far behind to replay, it tells the client to
//! reload.

use super::pump::{PAGE, entries_after, last_seq};
use super::{Batch, Grant, LiveHub, Published};
use app::domain::Principal;
use sqlx::AnyPool;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::broadcast;

impl LiveHub {
    /// A stream of what the holder of `grant` may see, starting after `after` (or now, when
    /// `None`), for as long as the grant holds.
    pub async fn follow(&self, pool: AnyPool, grant: Arc<Grant>, after: Option<i64>) -> Follow {
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
        let seen = grant.version();
        Follow {
            interruption: self.interruptions(),
            hub: self.clone(),
            receiver,
            pool,
            reader: grant.principal(),
            seen,
            grant,
            finished: false,
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
    /// The hub's count of database losses when the stream began: it ends when that moves.
    interruption: u64,
    receiver: broadcast::Receiver<Batch>,
    pool: AnyPool,
    /// The stream's right to read, kept true by the warden.
    grant: Arc<Grant>,
    /// Who the stream reads as: the grant's principal as of version `seen`.
    reader: Principal,
    seen: u64,
    /// The grant ended and the client was told: nothing follows.
    finished: bool,
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
    /// Access ended (the grant's reason is in its frame): tell the client, then close.
    Ended(bytes::Bytes),
}

impl Follow {
    /// The next delivery, or `None` when the server is shutting down or the stream has ended.
    pub async fn next(&mut self) -> Option<Delivery> {
        if let Some(ended) = self.ended() {
            return ended;
        }
        if let Some(seq) = self.reload.take() {
            self.hub.inner.reloads.fetch_add(1, Ordering::Relaxed);
            return Some(Delivery::Reload(seq));
        }
        let mut woken = false;
        loop {
            // Checked before anything else goes out: nothing reaches a client after its
            // access ended (the warden wakes the stream with an empty batch when it does).
            if let Some(ended) = self.ended() {
                return ended;
            }
            if let Some(delivery) = self.next_in_backlog() {
                return Some(delivery);
            }
            if self.hub.is_closed() || self.hub.interruptions() != self.interruption {
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

    /// The hub's count of database losses when the stream began.
    pub(super) fn interruption(&self) -> u64 {
        self.interruption
    }

    /// A delivery that is ready now, without waiting: from the backlog or the broadcast. Lets
    /// a stream send a burst of changes in one write.
    pub fn ready(&mut self) -> Option<Delivery> {
        if self.reload.is_some() || self.catching_up || self.grant.ended().is_some() {
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
        let version = self.grant.version();
        if version != self.seen {
            // The account's role or ports changed: what comes next is read with the new.
            self.reader = self.grant.principal();
            self.seen = version;
        }
        while let Some(published) = self.backlog.pop_front() {
            let event = &published.event;
            if event.seq <= self.last {
                continue;
            }
            self.last = event.seq;
            if event.visible_to(&self.reader) {
                self.hub.inner.delivered.fetch_add(1, Ordering::Relaxed);
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

    /// Whether the stream has nothing to send before what comes next: no reload to announce,
    /// no catching up from the journal, nothing waiting in its backlog. Only such a stream
    /// may be parked.
    pub(super) fn nothing_pending(&self) -> bool {
        self.reload.is_none()
            && !self.catching_up
            && self.backlog.is_empty()
            && !self.finished
            && self.grant.ended().is_none()
    }

    /// The `Ended` delivery once the grant has ended, then `None`; nothing while it holds.
    fn ended(&mut self) -> Option<Option<Delivery>> {
        if self.finished {
            return Some(None);
        }
        self.grant.ended()?;
        self.finished = true;
        Some(Some(Delivery::Ended(self.grant.ended_frame())))
    }

    /// The stream's right to read: what it may see decides what is passed on.
    pub fn grant(&self) -> &Arc<Grant> {
        &self.grant
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
