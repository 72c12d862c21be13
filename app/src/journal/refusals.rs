//! Refusals, journaled without letting a flood fill the journal. The first refusal of a kind
//! (the same caller, the same action, the same place) in a window is journaled as it happens,
//! with everything about it; the repeats within that window are only counted, and when the
//! window is over one entry says how many there were and between which times
//! (`refused_repeatedly`). A caller hammering a forbidden button, or a page of another site
//! posting thousands of times, costs the journal two entries a minute, and the count is exact.
//!
//! The counts are kept by each instance, one counter per database it serves, and written by
//! [`flush_every`] once their window is over; at shutdown the instance writes what it has
//! counted ([`flush_all`]).

use super::db::{NewEntry, record};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

/// How long the repeats of one refusal are gathered into one entry.
pub const WINDOW: Duration = Duration::from_secs(60);
/// At most this many kinds of refusal are counted at once; beyond it, the oldest windows are
/// written early rather than the memory growing (every refusal is still accounted for).
const MOST_KINDS: usize = 10_000;

/// What makes two refusals the same kind: who (an account or an address), the action, where.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Kind {
    pub actor: String,
    /// `access` (an action an account may not take) or `request` (a cross-site request).
    pub entity: &'static str,
    pub entity_id: String,
    /// The journal's action: `refused`, `cross_site_refused`.
    pub action: &'static str,
    /// What was refused: the action asked for, or the method and path.
    pub what: String,
    pub port: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Window {
    opened: DateTime<Utc>,
    repeats: u64,
    last: DateTime<Utc>,
}

/// The windows of this instance.
#[derive(Debug, Default)]
pub struct Counter {
    windows: Mutex<HashMap<Kind, Window>>,
}

/// The repeats of one kind of refusal in a window that is over.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeats {
    pub kind: Kind,
    pub count: u64,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Counter {
    /// Counts a refusal at `now`: `true` when it is the first of its kind in a window (the
    /// caller journals it in full), `false` when it is a repeat (counted here). A window that
    /// is over is handed back in `over` before the new one opens, so no count is lost.
    pub fn note(&self, kind: Kind, now: DateTime<Utc>, over: &mut Vec<Repeats>) -> bool {
        let window = chrono::Duration::from_std(WINDOW).unwrap_or_default();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = windows.get_mut(&kind) {
            if now - open.opened < window {
                open.repeats += 1;
                open.last = now;
                return false;
            }
            if let Some(closed) = windows.remove(&kind) {
                over.extend(repeats(kind.clone(), closed));
            }
        }
        if windows.len() >= MOST_KINDS {
            let oldest = windows
                .iter()
                .min_by_key(|(_, w)| w.opened)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest
                && let Some(closed) = windows.remove(&oldest)
            {
                over.extend(repeats(oldest, closed));
            }
        }
        windows.insert(
            kind,
            Window {
                opened: now,
                repeats: 0,
                last: now,
            },
        );
        true
    }

    /// Takes the windows that are over at `now` (all of them when `now` is `None`).
    pub fn take_over(&self, now: Option<DateTime<Utc>>) -> Vec<Repeats> {
        let window = chrono::Duration::from_std(WINDOW).unwrap_or_default();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let over: Vec<Kind> = windows
            .iter()
            .filter(|(_, w)| now.is_none_or(|now| now - w.opened >= window))
            .map(|(k, _)| k.clone())
            .collect();
        over.into_iter()
            .filter_map(|kind| {
                let closed = windows.remove(&kind)?;
                repeats(kind, closed)
            })
            .collect()
    }
}

fn repeats(kind: Kind, window: Window) -> Option<Repeats> {
    (window.repeats > 0).then_some(Repeats {
        kind,
        count: window.repeats,
        from: window.opened,
        to: window.last,
    })
}

/// The counters of this instance, by the URL of the database they journal to.
static COUNTERS: LazyLock<Mutex<HashMap<String, Arc<Counter>>>> = LazyLock::new(Default::default);

/// The counter of the database `pool` connects to.
fn counter(pool: &AnyPool) -> Arc<Counter> {
    let database = pool.connect_options().database_url.to_string();
    COUNTERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(database)
        .or_default()
        .clone()
}

/// Journals a refusal: in full when it is the first of its kind in its window (`after`
/// describes it), otherwise only counted. Windows found over on the way are written too.
pub async fn journal(
    pool: &AnyPool,
    kind: Kind,
    after: serde_json::Value,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut over = vec![];
    let first = counter(pool).note(kind.clone(), now, &mut over);
    write_repeats(pool, &over).await?;
    if first {
        let mut conn = pool.acquire().await?;
        let entry = NewEntry::administrative(
            now,
            &kind.actor,
            kind.entity,
            &kind.entity_id,
            kind.action,
            after,
        );
        record(&mut conn, entry.reason(Some(reason))).await?;
    }
    Ok(())
}

/// Writes one `refused_repeatedly` entry for each window of repeats.
async fn write_repeats(pool: &AnyPool, over: &[Repeats]) -> Result<(), sqlx::Error> {
    if over.is_empty() {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    for repeats in over {
        let kind = &repeats.kind;
        let after = json!({
            "refused": kind.action,
            "what": kind.what,
            "port": kind.port,
            "repeats": repeats.count,
            "from": repeats.from,
            "to": repeats.to,
        });
        let entry = NewEntry::administrative(
            repeats.to,
            &kind.actor,
            kind.entity,
            &kind.entity_id,
            "refused_repeatedly",
            after,
        );
        let count = repeats.count;
        let l = crate::lang::current();
        let reason = crate::counted!(
            l,
            count,
            domain.journal.refused_repeatedly_single | domain.journal.refused_repeatedly_several,
            count = count
        );
        record(&mut conn, entry.reason(Some(&reason))).await?;
    }
    Ok(())
}

/// Writes the windows that are over, every `every`, for as long as the process runs.
pub async fn flush_every(pool: AnyPool, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let over = counter(&pool).take_over(Some(Utc::now()));
        if let Err(error) = write_repeats(&pool, &over).await {
            tracing::error!(%error, "journaling repeated refusals");
        }
    }
}

/// Writes every count kept, whether its window is over or not (at shutdown).
pub async fn flush_all(pool: &AnyPool) -> Result<(), sqlx::Error> {
    write_repeats(pool, &counter(pool).take_over(None)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(actor: &str) -> Kind {
        Kind {
            actor: actor.into(),
            entity: "access",
            entity_id: actor.into(),
            action: "refused",
            what: "hold_release".into(),
            port: Some("YVR".into()),
        }
    }

    fn at(second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + second, 0).unwrap()
    }

    #[test]
    fn the_first_of_a_kind_is_written_and_its_repeats_counted_once_the_window_is_over() {
        let counter = Counter::default();
        let mut over = vec![];
        assert!(counter.note(kind("a"), at(0), &mut over));
        for second in 1..=40 {
            assert!(!counter.note(kind("a"), at(second), &mut over));
        }
        assert!(counter.note(kind("b"), at(5), &mut over), "another caller");
        assert!(over.is_empty());
        assert!(counter.take_over(Some(at(59))).is_empty(), "not over yet");
        let written = counter.take_over(Some(at(61)));
        assert_eq!(
            written,
            vec![Repeats {
                kind: kind("a"),
                count: 40,
                from: at(0),
                to: at(40),
            }],
            "b was refused once: nothing more to say of it"
        );
        assert!(counter.note(kind("a"), at(62), &mut over), "a new window");
    }

    #[test]
    fn a_window_found_over_by_the_next_refusal_is_handed_back_with_it() {
        let counter = Counter::default();
        let mut over = vec![];
        counter.note(kind("a"), at(0), &mut over);
        counter.note(kind("a"), at(10), &mut over);
        counter.note(kind("a"), at(20), &mut over);
        assert!(counter.note(kind("a"), at(70), &mut over));
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].count, 2);
        assert_eq!(
            counter.take_over(None),
            vec![],
            "the new window has no repeats"
        );
    }

    #[test]
    fn memory_stays_bounded_and_no_count_is_lost() {
        let counter = Counter::default();
        let mut over = vec![];
        for n in 0..MOST_KINDS + 50 {
            let k = kind(&format!("caller{n}"));
            counter.note(k.clone(), at(0), &mut over);
            counter.note(k, at(1), &mut over);
        }
        let kept = counter.windows.lock().unwrap().len();
        assert!(kept <= MOST_KINDS, "{kept}");
        let counted: u64 = over.iter().map(|r| r.count).sum::<u64>()
            + counter.take_over(None).iter().map(|r| r.count).sum::<u64>();
        assert_eq!(counted, (MOST_KINDS + 50) as u64);
    }
}
