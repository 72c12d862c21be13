//! The pump: reads the journal after the last entry it published, in sequence order, and
//! publishes what it found as one batch, to the tail first and then to the broadcast. It reads
//! when told of a commit (this process's SQLite writers, or PostgreSQL's notifications), on its
//! poll, and sends an empty batch when the broadcast has been quiet for half the keep-alive.
//! The journal reads streams catching up make are here too.

use super::{Batch, LiveHub};
use app::db::{Db, NativePool};
use app::live::LiveEvent;
use sqlx::{AnyPool, Row};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Entries read per query, by the pump and by a stream catching up.
pub(super) const PAGE: i64 = 500;

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
pub(super) async fn entries_after(
    pool: &AnyPool,
    after: i64,
) -> Result<Vec<LiveEvent>, sqlx::Error> {
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

/// The number of the journal's last entry (0 when it is empty).
pub(super) async fn last_seq(pool: &AnyPool) -> Result<i64, sqlx::Error> {
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
    /// Wakes the pump whenever another process (or this one) commits a journal entry.
    pub(super) async fn listen(&self, db: &Db) -> Result<(), sqlx::Error> {
        let NativePool::Postgres(pool) = db.native_pool(1).await? else {
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

    pub(super) async fn pump(self, pool: AnyPool, poll: Duration) {
        let mut closing = self.inner.closing.subscribe();
        let mut commits = app::db::commits(&pool);
        let mut last_sent = Instant::now();
        loop {
            let read_at = Instant::now();
            let mut after = self.latest();
            let mut found = false;
            loop {
                match entries_after(&pool, after).await {
                    Ok(events) => {
                        let read = self.inner.started.elapsed().as_millis() as u64;
                        self.inner.last_read_ms.store(read, Ordering::Relaxed);
                        self.found_database();
                        let full = events.len() as i64 == PAGE;
                        if let Some(last) = events.last() {
                            after = last.seq;
                            found = true;
                            let batch: Batch =
                                Arc::new(events.into_iter().map(|e| Arc::new(e.into())).collect());
                            // Access that ended or changed with these entries does so first.
                            self.reconsider(&batch).await;
                            self.publish(batch);
                            last_sent = Instant::now();
                        }
                        if !full {
                            break;
                        }
                    }
                    Err(error) => {
                        if app::db::is_unreachable(&error) {
                            self.lost_database();
                        } else {
                            tracing::warn!(%error, "reading the journal for the live stream");
                        }
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
        self.inner.position.advance(last);
        // No receiver is not an error: nobody is watching yet.
        let _ = self.inner.sender.send(batch);
        self.inner.signal();
    }
}
