//! The simulator: a discrete-event schedule of what happens next in the demo country, played
//! in order through the domain operations (the action engine, the shipment, port and account
//! operations) with the event's simulated instant as `now`. The journal, the board and the
//! status rules therefore see the simulation as they see people: it may be refused, lose a
//! race to a person, or find that a person already did the work, and then it moves on.
//!
//! Determinism: every draw comes from one seeded generator, events run one at a time in the
//! order (instant, sequence number), and every choice reads the database in a fixed order. The
//! same seed, start instant and starting database give the same journal for the same
//! simulated span, however the runner's ticks cut that span up.

use crate::accounts::db as accounts;
use crate::auth::server::Caller;
use crate::demo::clock::SimControl;
use crate::demo::{self, country};
use crate::domain::clock::{from_millis, zone};
use crate::domain::{
    HoldReason, HoldStatus, InspectionKind, InspectionStatus, Mode, NoticeKind, Outcome, PortScope,
    PortStatus, Priority, Referral, Role,
};
use crate::error::AppError;
use crate::holds::{HoldCommand, HoldRow, NewHold, act as hold_ops, db as holds};
use crate::inspections::{
    InspectionCommand, InspectionRow, NewInspection, act as inspection_ops, db as inspections,
};
use crate::ports::db::{self as ports, PortChange};
use crate::shipments::db as shipments;
use crate::targeting::{capacity::release_waiting, db::port_codes, ingest as targeting};
use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use rand::{Rng, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;
use sqlx::{AnyPool, Row};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Declarations per hour across the country at the busiest hour of every port: at speed 1,
/// a change every few seconds in the daytime.
pub const PEAK_DECLARATIONS_PER_HOUR: f64 = 300.0;

/// Share of each hour's peak traffic, from local midnight to 23:00, per mode. Trucks keep
/// office hours; air cargo runs late into the evening; ships and trains work around the clock
/// with a daytime lean.
fn hourly_profile(mode: Mode) -> &'static [f64; 24] {
    match mode {
        Mode::Air => &[
            0.30, 0.25, 0.20, 0.15, 0.20, 0.35, 0.60, 0.80, 0.90, 1.00, 1.00, 0.95, 0.90, 0.90,
            0.95, 1.00, 1.00, 0.95, 0.90, 0.80, 0.70, 0.60, 0.50, 0.40,
        ],
        Mode::Land => &[
            0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.45, 0.70, 0.90, 1.00, 1.00, 1.00, 0.95, 0.95,
            1.00, 1.00, 0.95, 0.85, 0.70, 0.55, 0.45, 0.35, 0.25, 0.20,
        ],
        Mode::Marine => &[
            0.35, 0.30, 0.30, 0.30, 0.35, 0.45, 0.65, 0.85, 1.00, 1.00, 1.00, 1.00, 0.95, 1.00,
            1.00, 1.00, 0.95, 0.85, 0.70, 0.60, 0.50, 0.45, 0.40, 0.35,
        ],
        Mode::Rail => &[
            0.45, 0.40, 0.40, 0.40, 0.45, 0.55, 0.70, 0.85, 0.95, 1.00, 1.00, 1.00, 1.00, 1.00,
            1.00, 1.00, 0.95, 0.90, 0.80, 0.70, 0.60, 0.55, 0.50, 0.45,
        ],
    }
}

/// The daily rhythm: the share (0 to 1) of its peak rate a port of `mode` sees at `at`, by
/// its local time of day (interpolated between the hours).
pub fn rhythm(mode: Mode, time_zone: Tz, at: DateTime<Utc>) -> f64 {
    let local = at.with_timezone(&time_zone);
    let hour = local.hour() as usize;
    let fraction = (local.minute() as f64 * 60.0 + local.second() as f64) / 3600.0;
    let profile = hourly_profile(mode);
    profile[hour] + (profile[(hour + 1) % 24] - profile[hour]) * fraction
}

/// An exponential wait with `per_hour` events per hour on average.
fn exponential<R: Rng + ?Sized>(rng: &mut R, per_hour: f64) -> Duration {
    let u = 1.0 - rng.r#gen::<f64>();
    Duration::milliseconds((-u.ln() / per_hour * 3_600_000.0) as i64)
}

/// The next declaration at a port after `after`: candidates arrive at the port's peak rate
/// and each is kept with the probability of the rhythm at its instant (thinning), which gives
/// arrivals whose rate follows the local time of day.
pub fn next_declaration<R: Rng + ?Sized>(
    rng: &mut R,
    mode: Mode,
    time_zone: Tz,
    peak_per_hour: f64,
    after: DateTime<Utc>,
) -> DateTime<Utc> {
    let mut at = after;
    loop {
        at += exponential(rng, peak_per_hour);
        if rng.r#gen::<f64>() < rhythm(mode, time_zone, at) {
            return at;
        }
    }
}

/// Minutes between `low` and `high`, drawn uniformly.
fn minutes<R: Rng + ?Sized>(rng: &mut R, low: i64, high: i64) -> Duration {
    Duration::seconds(rng.gen_range(low * 60..=high * 60))
}

/// One port as the simulation plays it, with the people who work there.
struct Port {
    code: String,
    mode: Mode,
    time_zone: Tz,
    peak_per_hour: f64,
    officer: Caller,
    supervisor: Caller,
    /// How the officer signs what they place, to recognise the holds of the simulation.
    officer_signature: String,
}

/// The simulated accounts.
struct Cast {
    ports: Vec<Port>,
    targeting: Caller,
    carriers: String,
    release: String,
    waits: String,
}

impl Cast {
    fn port(&self, code: &str) -> Option<usize> {
        self.ports.iter().position(|p| p.code == code)
    }
}

/// What can happen next.
#[derive(Debug, Clone, PartialEq)]
enum Event {
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
    rng: ChaCha8Rng,
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

    fn schedule(&mut self, at: DateTime<Utc>, event: Event) {
        let at = at.max(self.now);
        self.next_seq += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            seq: self.next_seq,
            event,
        }));
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
        let states = ports::states(pool).await?;
        let mut cast = Cast {
            ports: vec![],
            targeting: account(
                pool,
                "sim.targeting",
                "Simulated targeting centre",
                Some("SIM-NTC"),
                Role::Analyst,
                PortScope::All,
                at,
            )
            .await?,
            carriers: account(
                pool,
                "sim.carriers",
                "Simulated carriers (EDI)",
                None,
                Role::Viewer,
                PortScope::All,
                at,
            )
            .await?
            .account
            .username,
            release: account(
                pool,
                "sim.release",
                "Simulated release system",
                None,
                Role::Viewer,
                PortScope::All,
                at,
            )
            .await?
            .account
            .username,
            waits: account(
                pool,
                "sim.waits",
                "Simulated border-wait feed",
                None,
                Role::Viewer,
                PortScope::All,
                at,
            )
            .await?
            .account
            .username,
        };
        let mode_total: u32 = country::MODE_SHARE.iter().map(|(_, w)| w).sum();
        for state in &states {
            let code = state.code.clone();
            let lower = code.to_lowercase();
            let scope = PortScope::Only(vec![code.clone()]);
            let badge = format!("SIM-{code}");
            let officer = account(
                pool,
                &format!("sim.officer.{lower}"),
                &format!("Simulated officer — {code}"),
                Some(&badge),
                Role::Officer,
                scope.clone(),
                at,
            )
            .await?;
            let supervisor = account(
                pool,
                &format!("sim.supervisor.{lower}"),
                &format!("Simulated supervisor — {code}"),
                Some(&format!("SIM-{code}-SUP")),
                Role::Supervisor,
                scope,
                at,
            )
            .await?;
            // The port's share of its mode, and its mode's share of the country.
            let weight = |code: &str, lanes: i64| {
                country::PORTS
                    .iter()
                    .find(|p| p.code == code)
                    .map(|p| p.weight as f64)
                    .unwrap_or(lanes as f64)
            };
            let mode_weight: f64 = states
                .iter()
                .filter(|s| s.kind == state.kind)
                .map(|s| weight(&s.code, s.lanes_available))
                .sum();
            let mode_share = country::MODE_SHARE
                .iter()
                .find(|(m, _)| *m == state.kind)
                .map(|(_, w)| *w as f64 / mode_total as f64)
                .unwrap_or(0.0);
            cast.ports.push(Port {
                officer_signature: format!("{} ({badge})", officer.account.display_name),
                code,
                mode: state.kind,
                time_zone: zone(&state.time_zone),
                peak_per_hour: PEAK_DECLARATIONS_PER_HOUR
                    * mode_share
                    * weight(&state.code, state.lanes_available)
                    / mode_weight.max(1.0),
                officer,
                supervisor,
            });
        }
        for port in 0..cast.ports.len() {
            let p = &cast.ports[port];
            let first = next_declaration(&mut self.rng, p.mode, p.time_zone, p.peak_per_hour, at);
            let land = p.mode == Mode::Land;
            self.schedule(first, Event::Declaration { port });
            if land {
                let first = at + minutes(&mut self.rng, 1, 15);
                self.schedule(first, Event::Waits { port });
            }
        }
        // A demo tells its story in minutes: the first incident comes early.
        let first = at + minutes(&mut self.rng, 15, 45);
        self.schedule(first, Event::Incident);
        self.adopt(pool, &cast).await?;
        self.cast = Some(cast);
        Ok(())
    }

    /// Picks up what is already under way: goods on their way arrive, goods that arrived and
    /// are not held are released, and the simulation's own open holds carry on.
    async fn adopt(&mut self, pool: &AnyPool, cast: &Cast) -> Result<(), AppError> {
        let at = self.start;
        let rows = sqlx::query(
            "select s.id, s.mode, s.status, s.eta_at, s.arrived_at from shipments s \
             where s.status in ('awaiting_arrival', 'arrived') order by s.id",
        )
        .fetch_all(pool)
        .await?;
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let status: String = row.try_get("status")?;
            let mode = Mode::parse(&row.try_get::<String, _>("mode")?).unwrap_or(Mode::Air);
            if status == "awaiting_arrival" {
                let eta = from_millis(row.try_get("eta_at")?);
                let arrives = eta + minutes(&mut self.rng, -10, 30);
                self.schedule(arrives.max(at), Event::Arrival { shipment: id });
                let released = arrives.max(at) + release_after(&mut self.rng, mode);
                self.schedule(released, Event::Release { shipment: id });
            } else {
                let arrived = row
                    .try_get::<Option<i64>, _>("arrived_at")?
                    .map(from_millis)
                    .unwrap_or(at);
                let released = (arrived + release_after(&mut self.rng, mode))
                    .max(at + minutes(&mut self.rng, 1, 30));
                self.schedule(released, Event::Release { shipment: id });
            }
        }
        for port in &cast.ports {
            let held = sqlx::query(
                "select id from holds where port_code = $1 and placed_by in ($2, $3) \
                 and status in ('placed', 'examination', 'seizure_requested') order by id",
            )
            .bind(&port.code)
            .bind(&port.officer_signature)
            .bind(targeting::hold_signature(&cast.carriers))
            .fetch_all(pool)
            .await?;
            for row in held {
                let hold: i64 = row.try_get("id")?;
                let next = at + minutes(&mut self.rng, 1, 10);
                self.schedule(next, Event::HoldStep { hold, attempt: 0 });
            }
        }
        Ok(())
    }

    fn cast(&self) -> &Cast {
        self.cast.as_ref().expect("prepared before any event")
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
                let goods = shipments::by_id(pool, shipment).await?;
                let Some(port) = self.cast().port(&goods.port_code) else {
                    return Ok(());
                };
                let request = NewHold {
                    shipment_id: shipment,
                    reason,
                    notes: hold_note(reason).into(),
                };
                let caller = &self.cast().ports[port].officer;
                let hold = hold_ops::place_hold(pool, caller, &request, now).await?;
                let next = now + minutes(&mut self.rng, 2, 20);
                self.schedule(
                    next,
                    Event::HoldStep {
                        hold: hold.id,
                        attempt: 0,
                    },
                );
                Ok(())
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
                let p = &self.cast().ports[port];
                let state = ports::state(pool, &p.code).await?;
                let change = PortChange {
                    status: PortStatus::Open,
                    lanes_open: lanes_open.min(state.lanes_available),
                };
                ports::clear_notice(
                    pool,
                    &p.supervisor,
                    &p.code,
                    notice,
                    change,
                    reason,
                    Some(state.version),
                    now,
                )
                .await
            }
        }
    }

    /// A carrier declares goods for a port; their story (referral, hold or release) is decided
    /// now and scheduled. The next declaration at the port is scheduled first.
    async fn declaration(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
    ) -> Result<(), AppError> {
        let (code, mode, tz, peak) = {
            let p = &self.cast().ports[port];
            (p.code.clone(), p.mode, p.time_zone, p.peak_per_hour)
        };
        let next = next_declaration(&mut self.rng, mode, tz, peak, now);
        self.schedule(next, Event::Declaration { port });
        let state = ports::state(pool, &code).await?;
        // A closed port takes nothing; a limited one about half.
        match state.status {
            PortStatus::Closed => return Ok(()),
            PortStatus::Limited if self.rng.gen_bool(0.5) => return Ok(()),
            _ => {}
        }
        let goods = demo::goods(&mut self.rng, mode);
        let lead = match mode {
            Mode::Air => minutes(&mut self.rng, 30, 240),
            Mode::Land => minutes(&mut self.rng, 20, 120),
            Mode::Marine => minutes(&mut self.rng, 120, 720),
            Mode::Rail => minutes(&mut self.rng, 60, 240),
        };
        let eta = now + lead;
        // The carrier's feed goes through targeting like any other declaration: scored, and
        // held with an examination (or waiting for one) where the lane says so. A reference
        // already in use (two random waybill numbers meeting) is drawn again rather than sent
        // as a resend of someone else's shipment.
        let mut declared = None;
        for _ in 0..3 {
            let paper = demo::paperwork(&mut self.rng, mode, &goods);
            let in_use: i64 = sqlx::query(
                "select count(*) as n from shipments where reference_kind = $1 and reference = $2",
            )
            .bind(paper.reference_kind)
            .bind(&paper.reference)
            .fetch_one(pool)
            .await?
            .try_get("n")?;
            if in_use > 0 {
                continue;
            }
            let sent = paper.declaration(&goods, mode, &code, eta, false);
            let ports = port_codes(pool).await?;
            let candidates =
                targeting::read_json_items(vec![serde_json::Value::Object(sent)], &ports, now);
            let who = targeting::Submitter {
                actor: self.cast().carriers.clone(),
                ports: PortScope::All,
                source: "the carrier's feed (simulated)".into(),
            };
            let report = targeting::ingest(pool, &who, candidates, now, &mut |_| {}).await?;
            let Some(item) = report.results.into_iter().next() else {
                return Ok(());
            };
            let Some(shipment) = item.shipment_id else {
                // The demo's own papers are always well formed: say so if one is not.
                let reasons: Vec<String> = item
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect();
                return Err(AppError::invalid(
                    "declaration",
                    format!(
                        "the simulated declaration was refused ({})",
                        reasons.join("; ")
                    ),
                ));
            };
            declared = Some((shipment, item.hold_id));
            break;
        }
        let Some((shipment, targeted)) = declared else {
            return Ok(());
        };
        let arrives = eta + minutes(&mut self.rng, -10, 30);
        self.schedule(arrives, Event::Arrival { shipment });
        if let Some(hold) = targeted {
            // Held on its score: the port's officer takes it up once the goods are in.
            let next = arrives + minutes(&mut self.rng, 5, 40);
            self.schedule(next, Event::HoldStep { hold, attempt: 0 });
            return Ok(());
        }
        if self.rng.gen_range(0..1000) >= goods.hold_per_mille() {
            let released = arrives + release_after(&mut self.rng, mode);
            self.schedule(released, Event::Release { shipment });
            return Ok(());
        }
        let mut reason = *demo::weighted(&mut self.rng, country::HOLD_REASONS);
        if matches!(goods.commodity.hs_code, "910221" | "420221") && self.rng.gen_bool(0.6) {
            reason = HoldReason::IntellectualProperty;
        }
        let referral = match reason {
            HoldReason::DoNotLoad => Some((
                Referral::DoNotLoad,
                "Consignee matches an enforcement lookout; do not load pending screening",
            )),
            HoldReason::RiskTarget if self.rng.gen_bool(0.3) => Some((
                Referral::RequestForInformation,
                "Shipper address incomplete; full address and contact requested from the carrier",
            )),
            HoldReason::RiskTarget => Some((
                Referral::RequestForScreening,
                "Origin and commodity profile; screen by two methods before release",
            )),
            _ => None,
        };
        let mut placed = arrives + minutes(&mut self.rng, 5, 40);
        if let Some((referral, why)) = referral {
            let referred = (now + minutes(&mut self.rng, 2, 20)).min(arrives);
            self.schedule(
                referred,
                Event::Referral {
                    shipment,
                    referral,
                    reason: why,
                },
            );
            if referral == Referral::DoNotLoad {
                // Held before the goods move at all.
                placed = referred + minutes(&mut self.rng, 1, 10);
            }
        }
        self.schedule(placed, Event::PlaceHold { shipment, reason });
        Ok(())
    }

    /// Moves a hold of the simulation one step along its story: examination, outcome,
    /// decision. A hold someone else placed is left to them; work someone else took over is
    /// looked at again later.
    async fn hold_step(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        id: i64,
    ) -> Result<(), AppError> {
        let hold = holds::by_id(pool, id).await?;
        let Some(port) = self.cast().port(&hold.port_code) else {
            return Ok(());
        };
        let ours = hold.placed_by == self.cast().ports[port].officer_signature
            || hold.placed_by == targeting::hold_signature(&self.cast().carriers);
        if !hold.status.is_active() || !ours {
            return Ok(());
        }
        let mut work: Vec<InspectionRow> = inspections::for_shipment(pool, hold.shipment_id)
            .await?
            .into_iter()
            .filter(|i| i.hold_id == hold.id)
            .collect();
        work.sort_by_key(|i| i.id);
        let badge = format!("SIM-{}", hold.port_code);
        let ours =
            |i: &InspectionRow| i.assigned_officer.as_ref().map(|o| &o.badge) == Some(&badge);
        let open = work.iter().rev().find(|i| i.status.is_open()).cloned();
        let next = match open {
            Some(item) if item.status == InspectionStatus::Queued => {
                self.inspect(pool, now, port, &item, InspectionCommand::Claim)
                    .await?;
                minutes(&mut self.rng, 3, 25)
            }
            Some(item) if item.status == InspectionStatus::Assigned && ours(&item) => {
                self.inspect(pool, now, port, &item, InspectionCommand::Start)
                    .await?;
                work_time(&mut self.rng, item.kind)
            }
            Some(item) if item.status == InspectionStatus::InProgress && ours(&item) => {
                let outcome = self.outcome(hold.reason);
                let follow_up = (outcome == Outcome::Inconclusive).then_some(
                    if item.kind == InspectionKind::Physical {
                        InspectionKind::LabSample
                    } else {
                        InspectionKind::Physical
                    },
                );
                let notes = match outcome {
                    Outcome::NoFinding => "Goods match the declaration",
                    Outcome::Seizure => "Goods not as declared; seizure recommended",
                    Outcome::Penalty => "Undervaluation found; penalty to be assessed",
                    Outcome::AgencyReferral => "Regulated goods; another department to decide",
                    Outcome::Inconclusive => "Image unclear; further examination needed",
                };
                let command = InspectionCommand::Complete {
                    outcome,
                    notes: notes.into(),
                    follow_up,
                };
                self.inspect(pool, now, port, &item, command).await?;
                match outcome {
                    Outcome::Seizure => minutes(&mut self.rng, 20, 120),
                    Outcome::Inconclusive => minutes(&mut self.rng, 5, 30),
                    _ => minutes(&mut self.rng, 10, 60),
                }
            }
            // A person holds the work: look again later.
            Some(_) => minutes(&mut self.rng, 30, 60),
            // The examination its score asked for waits for the port's capacity: offer the
            // waiting referrals the slots free now (the targeting centre's regular release, on
            // the simulation's clock), and look again later.
            None if waiting_for_capacity(pool, hold.id).await? => {
                let actor = self.cast().targeting.account.username.clone();
                release_waiting(pool, &actor, now).await?;
                minutes(&mut self.rng, 10, 30)
            }
            None => match self.decide(pool, now, port, &hold, &work).await? {
                Some(next) => next,
                None => return Ok(()),
            },
        };
        self.schedule(
            now + next,
            Event::HoldStep {
                hold: hold.id,
                attempt: 0,
            },
        );
        Ok(())
    }

    async fn inspect(
        &self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
        item: &InspectionRow,
        command: InspectionCommand,
    ) -> Result<(), AppError> {
        let officer = &self.cast().ports[port].officer;
        inspection_ops::inspection_action(pool, officer, item.id, command, Some(item.version), now)
            .await
            .map(|_| ())
    }

    /// With no examination open: wait on the trader's documents, open the first
    /// examination, or decide on the goods from the last one. Returns when to look again, or
    /// `None` when the hold is closed.
    async fn decide(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
        hold: &HoldRow,
        work: &[InspectionRow],
    ) -> Result<Option<Duration>, AppError> {
        let (officer, supervisor) = {
            let p = &self.cast().ports[port];
            (p.officer.clone(), p.supervisor.clone())
        };
        let act = |command: HoldCommand| {
            let caller = if matches!(command, HoldCommand::ApproveSeizure { .. }) {
                supervisor.clone()
            } else {
                officer.clone()
            };
            async move {
                hold_ops::hold_action(pool, &caller, hold.id, command, Some(hold.version), now)
                    .await
                    .map(|_| ())
            }
        };
        if hold.status == HoldStatus::SeizureRequested {
            act(HoldCommand::ApproveSeizure {
                reason: "Finding confirmed on review of the examination report".into(),
            })
            .await?;
            return Ok(None);
        }
        let open_kind = |reason: HoldReason, mode: Mode| {
            let kind = country::first_inspection(reason, mode);
            let priority = match reason {
                HoldReason::DoNotLoad | HoldReason::Intelligence => Priority::Urgent,
                HoldReason::RiskTarget | HoldReason::IntellectualProperty => Priority::High,
                HoldReason::Random => Priority::Routine,
                _ => Priority::Normal,
            };
            NewInspection {
                hold_id: hold.id,
                kind,
                priority,
            }
        };
        let last = work.iter().rev().find(|i| !i.status.is_open());
        match last {
            None if hold.reason == HoldReason::Documentation
                && hold.paused_since.is_none()
                && hold.paused_ms == 0 =>
            {
                act(HoldCommand::Pause {
                    reason: "Waiting on the importer's commercial invoice".into(),
                })
                .await?;
                Ok(Some(minutes(&mut self.rng, 30, 180)))
            }
            None if hold.paused_since.is_some() => {
                act(HoldCommand::Resume).await?;
                Ok(Some(minutes(&mut self.rng, 2, 10)))
            }
            None => {
                let mode = self.cast().ports[port].mode;
                let request = open_kind(hold.reason, mode);
                inspection_ops::open_inspection(pool, &officer, &request, now).await?;
                Ok(Some(minutes(&mut self.rng, 5, 40)))
            }
            Some(item) if item.status == InspectionStatus::Cancelled => {
                let request = NewInspection {
                    hold_id: hold.id,
                    kind: InspectionKind::Physical,
                    priority: item.priority,
                };
                inspection_ops::open_inspection(pool, &officer, &request, now).await?;
                Ok(Some(minutes(&mut self.rng, 5, 40)))
            }
            Some(item) => {
                let command = match item.outcome.unwrap_or(Outcome::NoFinding) {
                    Outcome::NoFinding | Outcome::Inconclusive => HoldCommand::Release {
                        reason: "Examination found nothing; goods released".into(),
                    },
                    Outcome::Penalty => HoldCommand::Release {
                        reason: "Penalty assessed; goods released".into(),
                    },
                    Outcome::AgencyReferral => HoldCommand::Refer {
                        agency: (*country::AGENCIES.choose(&mut self.rng).expect("agencies"))
                            .into(),
                        reason: "Regulated goods found on examination".into(),
                    },
                    Outcome::Seizure => HoldCommand::RequestSeizure {
                        reason: "Finding on examination".into(),
                    },
                };
                let asks_seizure = matches!(command, HoldCommand::RequestSeizure { .. });
                act(command).await?;
                Ok(asks_seizure.then(|| minutes(&mut self.rng, 20, 120)))
            }
        }
    }

    /// The result of an examination, by the reason for the hold: counterfeit goods are often
    /// found, random checks rarely.
    fn outcome(&mut self, reason: HoldReason) -> Outcome {
        let finding_per_mille = match reason {
            HoldReason::IntellectualProperty => 600,
            HoldReason::Intelligence => 350,
            HoldReason::OtherAgency => 250,
            HoldReason::RiskTarget => 220,
            HoldReason::DoNotLoad => 200,
            HoldReason::Documentation => 100,
            HoldReason::Random => 60,
        };
        let roll = self.rng.gen_range(0..1000);
        if roll < finding_per_mille {
            *demo::weighted(
                &mut self.rng,
                &[
                    (Outcome::Seizure, 55),
                    (Outcome::Penalty, 25),
                    (Outcome::AgencyReferral, 20),
                ],
            )
        } else if roll < finding_per_mille + 60 {
            Outcome::Inconclusive
        } else {
            Outcome::NoFinding
        }
    }

    /// The wait-time feed: waits drift towards what the traffic and the lanes open make them,
    /// with some noise.
    async fn waits(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
    ) -> Result<(), AppError> {
        let (code, mode, tz) = {
            let p = &self.cast().ports[port];
            (p.code.clone(), p.mode, p.time_zone)
        };
        let next = now + minutes(&mut self.rng, 10, 20);
        self.schedule(next, Event::Waits { port });
        let state = ports::state(pool, &code).await?;
        let busy = rhythm(mode, tz, now);
        let squeeze = if state.lanes_open > 0 {
            (state.lanes_available as f64 / state.lanes_open as f64).min(3.0)
        } else {
            0.0
        };
        let mut drift = |old: Option<i64>, base: f64, spread: f64| -> Option<i64> {
            if state.status == PortStatus::Closed {
                return None;
            }
            let target = base * busy * squeeze;
            let old = old.map(|m| m as f64).unwrap_or(target);
            let noise = self.rng.gen_range(-spread..=spread);
            Some((old + (target - old) * 0.5 + noise).round().max(0.0) as i64)
        };
        let commercial = drift(state.commercial_wait_min, 40.0, 4.0);
        let traveller = drift(state.traveller_wait_min, 15.0, 2.0);
        if (commercial, traveller) == (state.commercial_wait_min, state.traveller_wait_min) {
            return Ok(());
        }
        let actor = &self.cast().waits;
        ports::record_waits(
            pool,
            actor,
            &code,
            commercial,
            traveller,
            Some(state.version),
            now,
        )
        .await
    }

    /// Something goes wrong at a port running normally: a notice, a status, fewer lanes; the
    /// port's supervisor posts it, and clears it when it is over.
    async fn incident(&mut self, pool: &AnyPool, now: DateTime<Utc>) -> Result<(), AppError> {
        let next = now + minutes(&mut self.rng, 90, 240);
        self.schedule(next, Event::Incident);
        let mut calm = vec![];
        for (i, port) in self.cast().ports.iter().enumerate() {
            let state = ports::state(pool, &port.code).await?;
            if state.status == PortStatus::Open && state.open_notices == 0 {
                calm.push((i, state));
            }
        }
        let Some((port, state)) = calm.choose(&mut self.rng).cloned() else {
            return Ok(());
        };
        let lanes = state.lanes_open;
        let fewer = |n: i64| (lanes - n).max(1);
        let incidents: &[(NoticeKind, &'static str, PortStatus, i64, &'static str)] =
            match state.kind {
                Mode::Air => &[
                    (
                        NoticeKind::Equipment,
                        "Dual-view X-ray out of service; physical examinations only",
                        PortStatus::Limited,
                        lanes,
                        "X-ray back in service after repair",
                    ),
                    (
                        NoticeKind::SystemOutage,
                        "Cargo release system outage: releases processed by hand",
                        PortStatus::Limited,
                        lanes,
                        "Release system restored",
                    ),
                ],
                Mode::Land => &[
                    (
                        NoticeKind::Construction,
                        "Two commercial lanes closed for emergency pavement repair",
                        PortStatus::Limited,
                        fewer(2),
                        "Repairs finished; lanes reopened",
                    ),
                    (
                        NoticeKind::Staffing,
                        "Staff shortage: primary inspection lanes reduced",
                        PortStatus::Limited,
                        fewer(3),
                        "Relief officers arrived; lanes reopened",
                    ),
                    (
                        NoticeKind::Equipment,
                        "Bridge closed to traffic: police incident on the span",
                        PortStatus::Closed,
                        0,
                        "Police incident cleared; bridge reopened",
                    ),
                ],
                Mode::Marine => &[
                    (
                        NoticeKind::Weather,
                        "High winds: crane operations suspended",
                        PortStatus::Limited,
                        fewer(2),
                        "Winds eased; crane operations resumed",
                    ),
                    (
                        NoticeKind::Equipment,
                        "Container scanner (VACIS) out of service",
                        PortStatus::Limited,
                        lanes,
                        "Container scanner back in service",
                    ),
                ],
                Mode::Rail => &[(
                    NoticeKind::Equipment,
                    "Rail VACIS scanner out of service; trains held for inspection",
                    PortStatus::Limited,
                    lanes,
                    "Rail scanner back in service",
                )],
            };
        let (kind, message, status, lanes_open, clears_with) = *incidents
            .choose(&mut self.rng)
            .expect("every mode has incidents");
        let lasts = minutes(&mut self.rng, 30, 180);
        let supervisor = &self.cast().ports[port].supervisor;
        let notice = ports::post_notice(
            pool,
            supervisor,
            &state.code,
            kind,
            message,
            PortChange { status, lanes_open },
            Some(state.version),
            now,
        )
        .await?;
        self.schedule(
            now + lasts,
            Event::IncidentEnds {
                port,
                notice,
                lanes_open: lanes,
                reason: clears_with,
            },
        );
        Ok(())
    }
}

/// How long goods nobody holds wait between arrival and release, by mode.
/// Whether the examination a score asked for on `hold` still waits for capacity.
async fn waiting_for_capacity(pool: &AnyPool, hold: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query(
        "select count(*) as n from referrals_waiting where hold_id = $1 and released_at is null",
    )
    .bind(hold)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

fn release_after<R: Rng + ?Sized>(rng: &mut R, mode: Mode) -> Duration {
    match mode {
        Mode::Air => minutes(rng, 20, 120),
        Mode::Land => minutes(rng, 2, 15),
        Mode::Marine => minutes(rng, 120, 600),
        Mode::Rail => minutes(rng, 30, 180),
    }
}

/// How long an examination takes once started.
fn work_time<R: Rng + ?Sized>(rng: &mut R, kind: InspectionKind) -> Duration {
    match kind {
        InspectionKind::Radiation => minutes(rng, 5, 20),
        InspectionKind::DetectorDog => minutes(rng, 10, 30),
        InspectionKind::Xray => minutes(rng, 15, 45),
        InspectionKind::DocumentReview => minutes(rng, 20, 60),
        InspectionKind::Physical => minutes(rng, 45, 150),
        InspectionKind::LabSample => minutes(rng, 120, 480),
    }
}

fn hold_note(reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::RiskTarget => "NTC referral: origin and commodity profile",
        HoldReason::Documentation => {
            "Invoice value does not match declaration; documents requested from broker"
        }
        HoldReason::Random => "Random compliance verification",
        HoldReason::IntellectualProperty => {
            "Suspected counterfeit branded goods; rights holder to be notified"
        }
        HoldReason::OtherAgency => "Referred for other government department review",
        HoldReason::DoNotLoad => "Do-not-load referral from targeting centre",
        HoldReason::Intelligence => "Intelligence alert on consignee",
    }
}

/// The simulated account of that name, made the first time (with a password nobody knows).
async fn account(
    pool: &AnyPool,
    username: &str,
    display_name: &str,
    badge: Option<&str>,
    role: Role,
    ports: PortScope,
    now: DateTime<Utc>,
) -> Result<Caller, AppError> {
    let account = match accounts::by_username(pool, username).await {
        Ok(account) => account,
        Err(AppError::NotFound { .. }) => {
            accounts::create(
                pool,
                accounts::NewAccount {
                    username,
                    display_name,
                    badge,
                    role,
                    ports,
                    password: &accounts::generate_password(),
                    demo: false,
                },
                "sim.control",
                now,
            )
            .await?
        }
        Err(e) => return Err(e),
    };
    Ok(Caller {
        account,
        address: "simulator".into(),
        session: None,
    })
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
    fn traffic_follows_the_local_time_of_day() {
        let tz: Tz = "America/Vancouver".parse().unwrap();
        for mode in [Mode::Air, Mode::Land, Mode::Marine, Mode::Rail] {
            let midday = tz
                .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
                .unwrap()
                .to_utc();
            let three = tz.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap().to_utc();
            assert!(
                rhythm(mode, tz, midday) > 1.5 * rhythm(mode, tz, three),
                "{mode:?}"
            );
        }
    }

    #[test]
    fn more_declarations_arrive_at_local_midday_than_at_three_in_the_morning() {
        for (zone_name, mode) in [
            ("America/Toronto", Mode::Land),
            ("America/Vancouver", Mode::Air),
            ("America/St_Johns", Mode::Marine),
        ] {
            let tz: Tz = zone_name.parse().unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
            let end = start + Duration::days(60);
            let mut by_hour = [0u32; 24];
            let mut at = start;
            while at < end {
                at = next_declaration(&mut rng, mode, tz, 20.0, at);
                by_hour[at.with_timezone(&tz).hour() as usize] += 1;
            }
            let (midday, night) = (by_hour[12], by_hour[3]);
            assert!(
                midday as f64 > 2.0 * night as f64,
                "{zone_name} {mode:?}: {midday} at noon, {night} at 3 a.m. ({by_hour:?})"
            );
            // And the busiest hour runs near the peak rate: 60 days × 20 an hour.
            let busiest = *by_hour.iter().max().unwrap() as f64;
            assert!((900.0..1500.0).contains(&busiest), "{busiest}");
        }
    }

    #[test]
    fn the_same_seed_draws_the_same_traffic() {
        let tz: Tz = "America/Edmonton".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let draw = |seed: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut at = start;
            (0..50)
                .map(|_| {
                    at = next_declaration(&mut rng, Mode::Air, tz, 10.0, at);
                    at
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
    }

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
