//! The tail: the latest changes the pump published, whole batches, which the fan-out threads
//! write to the parked streams. The pump publishes a new tail before it broadcasts the batch,
//! so a stream that parks once it has seen the broadcast finds in the tail whatever follows.

use super::{Batch, Published};
use std::collections::VecDeque;
use std::sync::Arc;

/// The parked streams' threads keep at least this many of the latest changes (whole batches)
/// to write from; a parked stream further behind goes back to its task, which catches up from
/// the journal.
pub(super) const TAIL_EVENTS: usize = 2048;

/// The latest changes published, in order: every change after `floor` is in `batches`.
#[derive(Default)]
pub(super) struct Tail {
    pub(super) floor: i64,
    pub(super) batches: VecDeque<Batch>,
}

impl Tail {
    /// An empty tail: nothing after `floor` was published yet.
    pub(super) fn starting_after(floor: i64) -> Tail {
        Tail {
            floor,
            batches: VecDeque::new(),
        }
    }

    pub(super) fn events(&self) -> usize {
        self.batches.iter().map(|b| b.len()).sum()
    }

    /// This tail with `batch` added, and the oldest batches dropped past [`TAIL_EVENTS`].
    pub(super) fn with(&self, batch: Batch) -> Tail {
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
    pub(super) fn after(&self, last: i64) -> impl Iterator<Item = &Arc<Published>> {
        self.batches
            .iter()
            .filter(move |batch| batch.last().is_some_and(|p| p.event.seq > last))
            .flat_map(|batch| batch.iter())
            .filter(move |p| p.event.seq > last)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use app::live::LiveEvent;

    pub(in crate::live) fn batch(seqs: impl IntoIterator<Item = i64>) -> Batch {
        of_kinds(seqs.into_iter().map(|seq| (seq, "shipment")))
    }

    /// Changes with their sequence numbers and kinds of record.
    pub(in crate::live) fn of_kinds<'a>(
        changes: impl IntoIterator<Item = (i64, &'a str)>,
    ) -> Batch {
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
