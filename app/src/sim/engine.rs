//! The simulator's schedule and clock: a discrete-event queue of what happens next in the demo
//! country, played in order through the domain operations (holds, inspections, shipments,
//! ports, targeting and accounts) with the event's simulated instant as `now`, and the runner
//! that advances it on the simulated clock. The journal, the board and the status rules
//! therefore see the simulation as they see people: it may be refused, lose a race to a
//! person, or find that a person already did the work, and then it moves on.
//!
//! What each event does lives beside its kind: the accounts in `cast.rs`, traffic and
//! declarations in `traffic.rs`, a hold's story in `story.rs`, waits and incidents in
//! `conditions.rs`; the durations and shares they draw come from the demo's model
//! (`demo::model`), the one the seed's history follows.
//!
//! Determinism: every draw comes from one seeded generator, events run one at a time in the
//! order (instant, sequence number), and every choice reads the database in a fixed order. The
//! same seed, start instant and starting database give the same journal for the same
//! simulated span, however the runner's ticks cut that span up.

use super::cast::Cast;
use crate::demo::clock::SimControl;
use crate::demo::incidents;
use crate::domain::{HoldReason, Mode, Referral};
use crate::error::AppError;
use crate::shipments::db as shipments;
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::AnyPool;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// What can happen next.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Event {
    /// A carrier files the next declaration at a port.
    Declaration { port: usize },
    /// The targeting centre refers a shipment before it arrives.
    Referral {
        shipment: i64,
        referral: Referral,
        reason: &'static str,
    },
    /// The goods reach the port.
    Arrival { shipment: i64 },
    /// The release system lets goods nobody holds go.
    Release { shipment: i64 },
    /// The port's officer holds a shipment.
    PlaceHold { shipment: i64, reason: HoldReason },
    /// The next step of a hold's story, decided from the hold as it is then.
    HoldStep { hold: i64, attempt: u8 },
    /// The wait-time feed measures a crossing.
    Waits { port: usize },
    /// Something goes wrong somewhere in the country.
    Incident,
    /// An incident ends: the notice is cleared and the port reopens.
    IncidentEnds {
        port: usize,
        notice: i64,
        lanes_open: i64,
        reason: &'static str,
    },
}

/// An event at its instant; ties are broken by the order of scheduling.
#[derive(Debug)]
struct Scheduled {
    at: DateTime<Utc>,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The demo country in motion. See the module header.
pub struct Simulator {
    pub(super) rng: ChaCha8Rng,
    start: DateTime<Utc>,
    /// Every event due up to here has been performed.
    now: DateTime<Utc>,
    queue: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
    /// Made on the first advance: the ports and the simulated accounts.
    cast: Option<Cast>,
}

impl Simulator {
    pub fn new(seed: u64, start: DateTime<Utc>) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Its own stream: the demo country's history is drawn from stream 0 of the same seed.
        rng.set_stream(1);
        Self {
            rng,
            start,
            now: start,
            queue: BinaryHeap::new(),
            next_seq: 0,
            cast: None,
        }
    }

    /// The simulated instant up to which every due event has been performed.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Schedules `event` at `at` (not before now).
    pub(super) fn schedule(&mut self, at: DateTime<Utc>, event: Event) {
        let at = at.max(self.now);
        self.next_seq += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            seq: self.next_seq,
            event,
        }));
    }

    /// The simulated accounts and ports.
    pub(super) fn cast(&self) -> &Cast {
        self.cast.as_ref().expect("prepared before any event")
    }

    /// Performs, in order, every event due up to `until`, each with its own instant as `now`.
    /// Returns how many events ran. An event that fails (a person acted first, the rules
    /// refuse) is logged and skipped; only failing to set the simulation up is an error.
    pub async fn advance_to(
        &mut self,
        pool: &AnyPool,
        until: DateTime<Utc>,
    ) -> Result<usize, AppError> {
        if self.cast.is_none() {
            self.prepare(pool).await?;
        }
        let mut performed = 0;
        while let Some(Reverse(next)) = self.queue.peek() {
            if next.at > until {
                break;
            }
            let Some(Reverse(Scheduled { at, event, .. })) = self.queue.pop() else {
                break;
            };
            self.now = at;
            if let Err(error) = self.perform(pool, at, event.clone()).await {
                match error {
                    AppError::Conflict { .. } | AppError::Stale { .. } => {
                        tracing::debug!(?event, %error, "simulated event overtaken")
                    }
                    _ => tracing::warn!(?event, %error, "simulated event failed"),
                }
            }
            performed += 1;
        }
        self.now = self.now.max(until);
        Ok(performed)
    }

    /// Finds or makes the simulated accounts, then schedules each port's traffic, the goods
    /// already on their way, the simulation's own holds left from an earlier run, the wait
    /// feeds and the first incident.
    async fn prepare(&mut self, pool: &AnyPool) -> Result<(), AppError> {
        let at = self.start;
        let cast = Cast::make(pool, at).await?;
        for (port, p) in cast.ports.iter().enumerate() {
            let first = crate::demo::model::next_declaration(
                &mut self.rng,
                p.mode,
                p.time_zone,
                p.peak_per_hour,
                at,
            );
            self.schedule(first, Event::Declaration { port });
            if p.mode == Mode::Land {
                let first = at + minutes(&mut self.rng, 1, 15);
                self.schedule(first, Event::Waits { port });
            }
        }
        let first = at + incidents::FIRST.draw(&mut self.rng);
        self.schedule(first, Event::Incident);
        self.adopt(pool, &cast, at).await?;
        self.cast = Some(cast);
        Ok(())
    }

    async fn perform(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        event: Event,
    ) -> Result<(), AppError> {
        match event {
            Event::Declaration { port } => self.declaration(pool, now, port).await,
            Event::Referral {
                shipment,
                referral,
                reason,
            } => {
                let caller = &self.cast().targeting;
                shipments::issue_referral(pool, caller, shipment, referral, reason, now)
                    .await
                    .map(|_| ())
            }
            Event::Arrival { shipment } => {
                let actor = &self.cast().carriers;
                shipments::record_arrival(pool, actor, shipment, None, now)
                    .await
                    .map(|_| ())
            }
            Event::Release { shipment } => {
                let actor = &self.cast().release;
                shipments::release_unheld(pool, actor, shipment, None, now)
                    .await
                    .map(|_| ())
            }
            Event::PlaceHold { shipment, reason } => {
                self.place_hold(pool, now, shipment, reason).await
            }
            Event::HoldStep { hold, attempt } => {
                let step = self.hold_step(pool, now, hold).await;
                if step.is_err() && attempt < 3 {
                    // Look again later: a person may have been in the middle of it.
                    let next = now + minutes(&mut self.rng, 10, 30);
                    self.schedule(
                        next,
                        Event::HoldStep {
                            hold,
                            attempt: attempt + 1,
                        },
                    );
                }
                step
            }
            Event::Waits { port } => self.waits(pool, now, port).await,
            Event::Incident => self.incident(pool, now).await,
            Event::IncidentEnds {
                port,
                notice,
                lanes_open,
                reason,
            } => {
                self.incident_ends(pool, now, port, notice, lanes_open, reason)
                    .await
            }
        }
    }
}

/// Minutes between `low` and `high`, drawn uniformly: the simulator's own pace of looking
/// again at work (the country's durations are the model's).
pub(super) fn minutes<R: Rng + ?Sized>(rng: &mut R, low: i64, high: i64) -> Duration {
    Duration::seconds(rng.gen_range(low * 60..=high * 60))
}

/// Runs `simulator` on the clock of `control` until `stop` turns true: every quarter of a
/// second, it performs what is due up to the simulated instant now. Nothing happens while
/// paused. A failure to set up is logged and tried again on the next tick.
pub async fn run(
    mut simulator: Simulator,
    control: SimControl,
    pool: AnyPool,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(std::time::Duration::from_millis(250));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tracing::info!(
        seed = control.seed(),
        speed = control.speed(),
        start = %simulator.now(),
        "simulation running"
    );
    loop {
        tokio::select! {
            _ = stop.changed() => {}
            _ = ticks.tick() => {}
        }
        if *stop.borrow() {
            break;
        }
        if control.is_paused() {
            continue;
        }
        match simulator.advance_to(&pool, control.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(events = n, at = %simulator.now(), "simulation advanced"),
            Err(error) => tracing::warn!(%error, "simulation could not advance"),
        }
    }
    tracing::info!(at = %simulator.now(), "simulation stopped");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn events_run_in_time_order_then_in_order_of_scheduling() {
        let start = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let mut sim = Simulator::new(1, start);
        sim.schedule(start + Duration::minutes(5), Event::Incident);
        sim.schedule(start + Duration::minutes(1), Event::Waits { port: 2 });
        sim.schedule(start + Duration::minutes(5), Event::Waits { port: 1 });
        let order: Vec<Event> =
            std::iter::from_fn(|| sim.queue.pop().map(|Reverse(s)| s.event)).collect();
        assert_eq!(
            order,
            vec![
                Event::Waits { port: 2 },
                Event::Incident,
                Event::Waits { port: 1 }
            ]
        );
    }
}
