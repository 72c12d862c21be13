//! The demo country: ports, officers and 14 days of traffic, with holds and inspections in
//! every state. Each shipment's story is played through the same status rules as the live
//! product, and every step is written to the journal, so timelines read as they would have
//! happened. Deterministic: the same seed and end instant give the same database.

mod insert;
pub mod targeting;

use app::db::{Backend, Db};
use app::demo::{self, country::*, weighted};
use app::domain::clock::to_millis;
use app::domain::{
    HoldAction, HoldReason, HoldStatus, InspectionAction, InspectionKind, InspectionStatus, Mode,
    Outcome, PortStatus, Priority, ShipmentStatus,
};
use chrono::{DateTime, Duration, DurationRound, Utc};
use insert::{Value, insert_rows};
use rand::{Rng, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use sqlx::{Acquire, Row};
use std::fmt;

pub const DEFAULT_SEED: u64 = 2026;
pub const DEFAULT_SHIPMENTS: usize = 12_000;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub seed: u64,
    /// The history ends here ("now" of the demo), truncated to the minute.
    pub end: DateTime<Utc>,
    pub shipments: usize,
    pub days: i64,
}

impl SeedOptions {
    pub fn new(seed: u64, end: DateTime<Utc>) -> Self {
        Self {
            seed,
            end: end.duration_trunc(Duration::minutes(1)).unwrap_or(end),
            shipments: DEFAULT_SHIPMENTS,
            days: 14,
        }
    }
}

/// What the seed wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub ports: usize,
    pub officers: usize,
    pub shipments: usize,
    pub holds: usize,
    pub active_holds: usize,
    pub inspections: usize,
    pub open_inspections: usize,
    pub journal_entries: usize,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ports={} officers={} shipments={} holds={} active_holds={} inspections={} \
             open_inspections={} journal_entries={}",
            self.ports,
            self.officers,
            self.shipments,
            self.holds,
            self.active_holds,
            self.inspections,
            self.open_inspections,
            self.journal_entries
        )
    }
}

/// True when no port exists yet: a fresh database.
pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("select count(*) as n from ports")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.try_get::<i64, _>("n")? == 0)
}

struct Officer {
    id: i64,
    name: String,
    badge: String,
    port: &'static str,
    on_shift: bool,
}

impl Officer {
    fn actor(&self) -> String {
        format!("{} ({})", self.name, self.badge)
    }
}

struct Shipment {
    id: i64,
    mode: Mode,
    reference_kind: &'static str,
    reference: String,
    house_waybill: Option<String>,
    carrier: String,
    voyage: String,
    origin_country: &'static str,
    origin_location: String,
    transit: Option<&'static str>,
    port: &'static str,
    shipper: (&'static str, &'static str),
    consignee: &'static Trader,
    importer: &'static Trader,
    commodity: &'static Commodity,
    pieces: i64,
    weight_kg: f64,
    value_cents: i64,
    currency: &'static str,
    eta: DateTime<Utc>,
    declared_at: DateTime<Utc>,
    arrived_at: Option<DateTime<Utc>>,
    released_at: Option<DateTime<Utc>>,
    status: ShipmentStatus,
    version: i64,
}

struct Hold {
    id: i64,
    shipment_id: i64,
    port: &'static str,
    reason: HoldReason,
    status: HoldStatus,
    placed_at: DateTime<Utc>,
    placed_by: String,
    due_at: DateTime<Utc>,
    paused_ms: i64,
    paused_since: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    resolved_by: Option<String>,
    agency: Option<&'static str>,
    notes: String,
    version: i64,
}

struct Inspection {
    id: i64,
    hold_id: i64,
    port: &'static str,
    kind: InspectionKind,
    priority: Priority,
    status: InspectionStatus,
    created_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    officer: Option<i64>,
    started_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    outcome: Option<Outcome>,
    version: i64,
}

/// A journal entry waiting to be written; entries are sorted by time before insertion.
struct Event {
    at: DateTime<Utc>,
    /// Order of creation, to keep simultaneous events in causal order.
    order: usize,
    actor: String,
    entity: &'static str,
    entity_id: i64,
    shipment_id: Option<i64>,
    port: Option<&'static str>,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    reason: Option<String>,
}

struct World {
    rng: ChaCha8Rng,
    end: DateTime<Utc>,
    officers: Vec<Officer>,
    shipments: Vec<Shipment>,
    holds: Vec<Hold>,
    inspections: Vec<Inspection>,
    events: Vec<Event>,
}

/// Minutes drawn from a skewed distribution: mostly near `typical`, with a long tail.
fn skewed_minutes(rng: &mut ChaCha8Rng, typical: i64) -> Duration {
    let u: f64 = rng.gen_range(0.05..1.0);
    let factor = (-u.ln()).powf(1.3) * 1.2;
    Duration::minutes(((typical as f64) * factor).round().max(1.0) as i64)
}

impl World {
    fn event(&mut self, e: Event) {
        self.events.push(Event {
            order: self.events.len(),
            ..e
        });
    }

    fn officer_at(&mut self, port: &str, on_shift_only: bool) -> usize {
        let candidates: Vec<usize> = self
            .officers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.port == port && (!on_shift_only || o.on_shift))
            .map(|(i, _)| i)
            .collect();
        let fallback: Vec<usize> = self
            .officers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.port == port)
            .map(|(i, _)| i)
            .collect();
        let pool = if candidates.is_empty() {
            fallback
        } else {
            candidates
        };
        pool[self.rng.gen_range(0..pool.len())]
    }

    fn hold_step(
        &mut self,
        h: usize,
        action: HoldAction,
        at: DateTime<Utc>,
        actor: String,
        reason: Option<String>,
    ) {
        let hold = &mut self.holds[h];
        let before = hold.status;
        let after = before
            .next(action)
            .unwrap_or_else(|e| panic!("the demo story broke a rule: {e}"));
        hold.status = after;
        hold.version += 1;
        if !after.is_active() {
            hold.resolved_at = Some(at);
            hold.resolved_by = Some(actor.clone());
            // A pause still running ends with the hold.
            if let Some(since) = hold.paused_since.take() {
                hold.paused_ms += (at - since).num_milliseconds().max(0);
            }
        }
        let (id, shipment_id, port) = (hold.id, hold.shipment_id, hold.port);
        let action_name = match action {
            HoldAction::BeginExamination => "examination_begun",
            HoldAction::RequestSeizure => "seizure_requested",
            HoldAction::ApproveSeizure => "seized",
            HoldAction::Release => "released",
            HoldAction::ReferToAgency => "referred",
            HoldAction::ReturnToOrigin => "returned",
        };
        self.event(Event {
            at,
            order: 0,
            actor,
            entity: "hold",
            entity_id: id,
            shipment_id: Some(shipment_id),
            port: Some(port),
            action: action_name,
            before: Some(json!({ "status": before.code() })),
            after: Some(json!({ "status": after.code() })),
            reason,
        });
    }

    fn shipment_status(
        &mut self,
        s: usize,
        to: ShipmentStatus,
        at: DateTime<Utc>,
        actor: String,
        action: &'static str,
    ) {
        let ship = &mut self.shipments[s];
        let before = ship.status;
        ship.status = to;
        ship.version += 1;
        if to == ShipmentStatus::Released {
            ship.released_at = Some(at);
        }
        let (id, port) = (ship.id, ship.port);
        self.event(Event {
            at,
            order: 0,
            actor,
            entity: "shipment",
            entity_id: id,
            shipment_id: Some(id),
            port: Some(port),
            action,
            before: Some(json!({ "status": before.code() })),
            after: Some(json!({ "status": to.code() })),
            reason: None,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn inspection_step(
        &mut self,
        i: usize,
        action: InspectionAction,
        at: DateTime<Utc>,
        actor: String,
        officer: Option<i64>,
        outcome: Option<Outcome>,
        reason: Option<String>,
    ) {
        let insp = &mut self.inspections[i];
        let before = insp.status;
        let after = before
            .next(action)
            .unwrap_or_else(|e| panic!("the demo story broke a rule: {e}"));
        insp.status = after;
        insp.version += 1;
        let mut after_json = json!({ "status": after.code() });
        match action {
            InspectionAction::Assign => {
                insp.officer = officer;
                after_json["assigned_officer_id"] = json!(officer);
            }
            InspectionAction::Start => insp.started_at = Some(at),
            InspectionAction::Complete => {
                insp.completed_at = Some(at);
                insp.outcome = outcome;
                after_json["outcome"] = json!(outcome.map(|o| o.code()));
            }
            InspectionAction::Cancel => insp.completed_at = Some(at),
            InspectionAction::Unassign => insp.officer = None,
        }
        let (id, hold_id, port) = (insp.id, insp.hold_id, insp.port);
        let shipment_id = self.holds[(hold_id - 1) as usize].shipment_id;
        let action_name = match action {
            InspectionAction::Assign => "assigned",
            InspectionAction::Unassign => "unassigned",
            InspectionAction::Start => "started",
            InspectionAction::Complete => "completed",
            InspectionAction::Cancel => "cancelled",
        };
        self.event(Event {
            at,
            order: 0,
            actor,
            entity: "inspection",
            entity_id: id,
            shipment_id: Some(shipment_id),
            port: Some(port),
            action: action_name,
            before: Some(json!({ "status": before.code() })),
            after: Some(after_json),
            reason,
        });
    }

    fn open_inspection(
        &mut self,
        h: usize,
        kind: InspectionKind,
        priority: Priority,
        at: DateTime<Utc>,
        actor: String,
    ) -> usize {
        let hold = &self.holds[h];
        let id = self.inspections.len() as i64 + 1;
        let (hold_id, port, shipment_id) = (hold.id, hold.port, hold.shipment_id);
        self.inspections.push(Inspection {
            id,
            hold_id,
            port,
            kind,
            priority,
            status: InspectionStatus::Queued,
            created_at: at,
            due_at: at + kind.due_after(priority),
            officer: None,
            started_at: None,
            completed_at: None,
            outcome: None,
            version: 1,
        });
        self.event(Event {
            at,
            order: 0,
            actor,
            entity: "inspection",
            entity_id: id,
            shipment_id: Some(shipment_id),
            port: Some(port),
            action: "opened",
            before: None,
            after: Some(
                json!({ "status": "queued", "kind": kind.code(), "priority": priority.code() }),
            ),
            reason: None,
        });
        self.inspections.len() - 1
    }

    /// Plays one inspection forward as far as the demo's "now": assigned, started, completed.
    /// Returns the outcome and when it was known, if it got that far.
    fn work_inspection(
        &mut self,
        i: usize,
        finding_per_mille: u32,
    ) -> Option<(Outcome, DateTime<Utc>)> {
        let end = self.end;
        let port = self.inspections[i].port;
        let kind = self.inspections[i].kind;
        let created = self.inspections[i].created_at;
        let service = kind.service_level().num_minutes();
        // Work waits in the queue for a free officer and scanner; the tail runs past due.
        let assigned_at = created + skewed_minutes(&mut self.rng, (service / 2).max(15));
        if assigned_at > end {
            return None;
        }
        let o = self.officer_at(port, false);
        let (officer_id, actor) = (self.officers[o].id, self.officers[o].actor());
        let claims = self.rng.gen_bool(0.6);
        let assigner = if claims {
            actor.clone()
        } else {
            let s = self.officer_at(port, false);
            format!("Supervisor {}", self.officers[s].actor())
        };
        self.inspection_step(
            i,
            InspectionAction::Assign,
            assigned_at,
            assigner,
            Some(officer_id),
            None,
            None,
        );
        let started_at = assigned_at + skewed_minutes(&mut self.rng, (service / 6).max(5));
        if started_at > end {
            self.officers[o].on_shift = true;
            return None;
        }
        self.inspection_step(
            i,
            InspectionAction::Start,
            started_at,
            actor.clone(),
            None,
            None,
            None,
        );
        let completed_at = started_at + skewed_minutes(&mut self.rng, (service / 3).max(15));
        if completed_at > end {
            self.officers[o].on_shift = true;
            return None;
        }
        let roll = self.rng.gen_range(0..1000);
        let outcome = if roll < finding_per_mille {
            *weighted(
                &mut self.rng,
                &[
                    (Outcome::Seizure, 55),
                    (Outcome::Penalty, 25),
                    (Outcome::AgencyReferral, 20),
                ],
            )
        } else if roll < finding_per_mille + 50 {
            Outcome::Inconclusive
        } else {
            Outcome::NoFinding
        };
        self.inspection_step(
            i,
            InspectionAction::Complete,
            completed_at,
            actor,
            None,
            Some(outcome),
            None,
        );
        Some((outcome, completed_at))
    }
}

fn declare(world: &mut World, id: i64, days: i64) -> Shipment {
    let rng = &mut world.rng;
    let end = world.end;
    let mode = *weighted(rng, MODE_SHARE);
    let ports: Vec<(&'static PortSpec, u32)> = PORTS
        .iter()
        .filter(|p| p.kind == mode && !matches!(p.code, "RWI"))
        .map(|p| (p, p.weight))
        .collect();
    let port = *weighted(rng, &ports);
    let goods = demo::goods(rng, mode);

    // Arrivals spread over the period, with a few still to come, busier in the daytime.
    let span = Duration::days(days) + Duration::hours(10);
    let mut eta =
        end - Duration::days(days) + Duration::seconds(rng.gen_range(0..span.num_seconds()));
    if rng.gen_bool(0.35) {
        eta = eta.duration_trunc(Duration::hours(1)).unwrap_or(eta)
            + Duration::minutes(rng.gen_range(0..60));
    }
    let paper = demo::paperwork(rng, mode, &goods);
    Shipment {
        id,
        mode,
        reference_kind: paper.reference_kind,
        reference: paper.reference,
        house_waybill: paper.house_waybill,
        carrier: paper.carrier,
        voyage: paper.voyage,
        origin_country: paper.origin_country,
        origin_location: paper.origin_location,
        transit: paper.transit,
        port: port.code,
        shipper: paper.shipper,
        consignee: goods.consignee,
        importer: goods.importer,
        commodity: goods.commodity,
        pieces: paper.pieces,
        weight_kg: paper.weight_kg,
        value_cents: paper.value_cents,
        currency: paper.currency,
        eta,
        declared_at: eta - paper.declared_before,
        arrived_at: None,
        released_at: None,
        status: ShipmentStatus::AwaitingArrival,
        version: 1,
    }
}

/// Plays one shipment's story up to the demo's "now".
fn play(world: &mut World, s: usize) {
    let end = world.end;
    let (id, port, mode, eta, declared_at, carrier, reference) = {
        let ship = &world.shipments[s];
        (
            ship.id,
            ship.port,
            ship.mode,
            ship.eta,
            ship.declared_at,
            ship.carrier.clone(),
            ship.reference.clone(),
        )
    };
    let edi = format!("{carrier} (EDI)");
    world.event(Event {
        at: declared_at.min(end),
        order: 0,
        actor: edi.clone(),
        entity: "shipment",
        entity_id: id,
        shipment_id: Some(id),
        port: Some(port),
        action: "declared",
        before: None,
        after: Some(json!({ "status": "awaiting_arrival", "reference": reference, "port": port })),
        reason: None,
    });
    let arrived = eta + Duration::minutes(world.rng.gen_range(-20..45));
    if arrived > end {
        return;
    }
    world.shipments[s].arrived_at = Some(arrived);
    world.shipment_status(s, ShipmentStatus::Arrived, arrived, edi, "arrived");

    let commodity = world.shipments[s].commodity;
    let hold_per_mille = demo::Goods {
        commodity,
        importer: world.shipments[s].importer,
        consignee: world.shipments[s].consignee,
    }
    .hold_per_mille();
    if world.rng.gen_range(0..1000) >= hold_per_mille {
        let typical = match mode {
            Mode::Air => 90,
            Mode::Land => 15,
            Mode::Marine => 24 * 60,
            Mode::Rail => 4 * 60,
        };
        let released = arrived + skewed_minutes(&mut world.rng, typical);
        if released <= end {
            world.shipment_status(
                s,
                ShipmentStatus::Released,
                released,
                "Release system".into(),
                "released",
            );
        }
        return;
    }

    // Held.
    let mut reason = *weighted(&mut world.rng, HOLD_REASONS);
    if matches!(commodity.hs_code, "910221" | "420221") && world.rng.gen_bool(0.6) {
        reason = HoldReason::IntellectualProperty;
    }
    let placed_at = (arrived + Duration::minutes(world.rng.gen_range(5..60))).min(end);
    let o = world.officer_at(port, false);
    let placer = world.officers[o].actor();
    let hold_id = world.holds.len() as i64 + 1;
    let notes = match reason {
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
    };
    world.holds.push(Hold {
        id: hold_id,
        shipment_id: id,
        port,
        reason,
        status: HoldStatus::Placed,
        placed_at,
        placed_by: placer.clone(),
        due_at: placed_at + reason.service_level(),
        paused_ms: 0,
        paused_since: None,
        resolved_at: None,
        resolved_by: None,
        agency: None,
        notes: notes.into(),
        version: 1,
    });
    let h = world.holds.len() - 1;
    world.event(Event {
        at: placed_at,
        order: 0,
        actor: placer.clone(),
        entity: "hold",
        entity_id: hold_id,
        shipment_id: Some(id),
        port: Some(port),
        action: "placed",
        before: None,
        after: Some(json!({ "status": "placed", "reason": reason.code() })),
        reason: Some(notes.into()),
    });
    world.shipment_status(s, ShipmentStatus::Held, placed_at, placer.clone(), "held");

    // Documentation holds wait on the trader: the clock pauses.
    if reason == HoldReason::Documentation && world.rng.gen_bool(0.7) {
        let paused_at = placed_at + Duration::minutes(world.rng.gen_range(10..90));
        if paused_at <= end {
            world.holds[h].paused_since = Some(paused_at);
            world.holds[h].version += 1;
            world.event(Event {
                at: paused_at,
                order: 0,
                actor: placer.clone(),
                entity: "hold",
                entity_id: hold_id,
                shipment_id: Some(id),
                port: Some(port),
                action: "clock_paused",
                before: None,
                after: Some(json!({ "paused_since": to_millis(paused_at) })),
                reason: Some("Waiting on the importer's commercial invoice".into()),
            });
            let resumed = paused_at + skewed_minutes(&mut world.rng, 8 * 60);
            if resumed <= end {
                world.holds[h].paused_since = None;
                world.holds[h].paused_ms += (resumed - paused_at).num_milliseconds();
                world.holds[h].version += 1;
                world.event(Event {
                    at: resumed,
                    order: 0,
                    actor: placer.clone(),
                    entity: "hold",
                    entity_id: hold_id,
                    shipment_id: Some(id),
                    port: Some(port),
                    action: "clock_resumed",
                    before: None,
                    after: Some(json!({ "paused_ms": world.holds[h].paused_ms })),
                    reason: Some("Documents received from the broker".into()),
                });
            } else {
                return;
            }
        } else {
            return;
        }
    }

    let finding_per_mille = match reason {
        HoldReason::IntellectualProperty => 600,
        HoldReason::Intelligence => 350,
        HoldReason::RiskTarget => 220,
        HoldReason::OtherAgency => 250,
        HoldReason::DoNotLoad => 200,
        HoldReason::Documentation => 100,
        HoldReason::Random => 60,
    };
    let priority = match reason {
        HoldReason::DoNotLoad | HoldReason::Intelligence => Priority::Urgent,
        HoldReason::RiskTarget | HoldReason::IntellectualProperty => Priority::High,
        HoldReason::Random => Priority::Routine,
        _ => Priority::Normal,
    };
    let exam_opened = world.holds[h]
        .placed_at
        .max(world.holds[h].paused_since.unwrap_or(placed_at))
        + Duration::minutes(world.rng.gen_range(2..25))
        + Duration::milliseconds(world.holds[h].paused_ms);
    if exam_opened > end {
        return;
    }
    world.hold_step(
        h,
        HoldAction::BeginExamination,
        exam_opened,
        placer.clone(),
        None,
    );
    let kind = first_inspection(reason, mode);
    let mut i = world.open_inspection(h, kind, priority, exam_opened, placer.clone());
    // A few inspections are cancelled and replaced (equipment down, wrong type).
    if world.rng.gen_bool(0.04) {
        let at = exam_opened + Duration::minutes(world.rng.gen_range(5..40));
        if at > end {
            return;
        }
        world.inspection_step(
            i,
            InspectionAction::Cancel,
            at,
            placer.clone(),
            None,
            None,
            Some("Scanner out of service; moved to physical examination".into()),
        );
        i = world.open_inspection(h, InspectionKind::Physical, priority, at, placer.clone());
    }
    let Some((mut outcome, mut known_at)) = world.work_inspection(i, finding_per_mille) else {
        return;
    };
    if outcome == Outcome::Inconclusive {
        let follow_kind = if kind == InspectionKind::Physical {
            InspectionKind::LabSample
        } else {
            InspectionKind::Physical
        };
        let at = known_at + Duration::minutes(world.rng.gen_range(5..30));
        if at > end {
            return;
        }
        let f = world.open_inspection(h, follow_kind, Priority::High, at, placer.clone());
        match world.work_inspection(f, finding_per_mille + 100) {
            Some((o, k)) if o != Outcome::Inconclusive => {
                outcome = o;
                known_at = k;
            }
            Some((_, k)) => {
                outcome = Outcome::NoFinding;
                known_at = k;
            }
            None => return,
        }
    }
    // The decision on the hold follows the examination.
    // Counterfeit goods wait on the rights holder; other departments take their time.
    let typical_decision = match reason {
        HoldReason::IntellectualProperty => 3 * 24 * 60,
        HoldReason::OtherAgency => 36 * 60,
        _ => 150,
    };
    let decided = known_at + skewed_minutes(&mut world.rng, typical_decision);
    if decided > end {
        return;
    }
    let d = world.officer_at(port, false);
    let decider = world.officers[d].actor();
    match outcome {
        Outcome::NoFinding | Outcome::Penalty | Outcome::Inconclusive => {
            if reason == HoldReason::DoNotLoad && world.rng.gen_bool(0.3) {
                world.hold_step(
                    h,
                    HoldAction::ReturnToOrigin,
                    decided,
                    decider.clone(),
                    Some("Carrier could not resolve the referral; returned to origin".into()),
                );
                world.shipment_status(s, ShipmentStatus::Returned, decided, decider, "returned");
            } else {
                let why = if outcome == Outcome::Penalty {
                    "Penalty assessed; goods released"
                } else {
                    "Examination found nothing"
                };
                world.hold_step(
                    h,
                    HoldAction::Release,
                    decided,
                    decider.clone(),
                    Some(why.into()),
                );
                world.shipment_status(s, ShipmentStatus::Released, decided, decider, "released");
            }
        }
        Outcome::AgencyReferral => {
            let agency = *AGENCIES.choose(&mut world.rng).expect("agencies");
            world.holds[h].agency = Some(agency);
            world.hold_step(
                h,
                HoldAction::ReferToAgency,
                decided,
                decider.clone(),
                Some(format!("Referred to {agency}")),
            );
            world.shipment_status(s, ShipmentStatus::Referred, decided, decider, "referred");
        }
        Outcome::Seizure => {
            world.hold_step(
                h,
                HoldAction::RequestSeizure,
                decided,
                decider.clone(),
                Some("Finding on examination".into()),
            );
            // Seizures wait for a supervisor's approval, often from the next shift.
            let approved = decided + skewed_minutes(&mut world.rng, 6 * 60);
            if approved > end {
                return;
            }
            let sup = world.officer_at(port, false);
            let supervisor = format!("Supervisor {}", world.officers[sup].actor());
            world.hold_step(
                h,
                HoldAction::ApproveSeizure,
                approved,
                supervisor.clone(),
                Some("Seizure approved".into()),
            );
            world.shipment_status(s, ShipmentStatus::Seized, approved, supervisor, "seized");
        }
    }
}

fn build(options: &SeedOptions) -> World {
    let mut world = World {
        rng: ChaCha8Rng::seed_from_u64(options.seed),
        end: options.end,
        officers: vec![],
        shipments: vec![],
        holds: vec![],
        inspections: vec![],
        events: vec![],
    };
    for port in PORTS {
        for _ in 0..port.officers {
            let id = world.officers.len() as i64 + 1;
            let first = FIRST_NAMES.choose(&mut world.rng).expect("names");
            let last = LAST_NAMES.choose(&mut world.rng).expect("names");
            let on_shift = world.rng.gen_bool(0.4);
            world.officers.push(Officer {
                id,
                name: format!("{first} {last}"),
                badge: format!("{}{:04}", &port.code[..1], 1000 + id),
                port: port.code,
                on_shift,
            });
        }
    }
    let mut references = std::collections::HashSet::new();
    for n in 0..options.shipments {
        // Redraw on the rare collision of two random waybill or bill numbers.
        let shipment = loop {
            let candidate = declare(&mut world, n as i64 + 1, options.days);
            if references.insert(candidate.reference.clone()) {
                break candidate;
            }
        };
        world.shipments.push(shipment);
    }
    // Stories are played in arrival order so the officers' work interleaves as in life.
    let mut order: Vec<usize> = (0..world.shipments.len()).collect();
    order.sort_by_key(|&i| (world.shipments[i].eta, i));
    for s in order {
        play(&mut world, s);
    }
    world.events.sort_by_key(|e| (e.at, e.order));
    world
}

/// Builds the demo country and writes it in one transaction.
pub async fn demo(db: &Db, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    let mut world = build(options);
    let end = options.end;
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;

    let mut port_rows = vec![];
    let mut notice_rows = vec![];
    let mut port_events = vec![];
    for spec in PORTS {
        let status = &opening_status(spec.code);
        let on_shift = world
            .officers
            .iter()
            .filter(|o| o.port == spec.code && o.on_shift)
            .count() as i64;
        let lanes_open = match status {
            PortStatus::Open => spec.lanes - world.rng.gen_range(0..=spec.lanes / 3),
            PortStatus::Limited => (spec.lanes / 2).max(1),
            PortStatus::Closed => 0,
        };
        let (commercial, traveller) = match spec.kind {
            Mode::Land if *status != PortStatus::Closed => {
                let c = if spec.code == "AMB" {
                    55
                } else {
                    world.rng.gen_range(0..40)
                };
                (Some(c), Some(world.rng.gen_range(0..25)))
            }
            _ => (None, None),
        };
        let measured = (spec.kind == Mode::Land)
            .then(|| to_millis(end - Duration::minutes(world.rng.gen_range(2..15))));
        port_rows.push(vec![
            spec.code.into(),
            spec.name.into(),
            spec.kind.code().into(),
            spec.province.into(),
            spec.time_zone.into(),
            status.code().into(),
            spec.hours.into(),
            lanes_open.into(),
            spec.lanes.into(),
            on_shift.into(),
            Value::Int(commercial),
            Value::Int(traveller),
            Value::Int(measured),
        ]);
        port_events.push(Event {
            at: end - Duration::days(options.days + 1),
            order: 0,
            actor: "Port registry".into(),
            entity: "port",
            entity_id: 0,
            shipment_id: None,
            port: Some(spec.code),
            action: "registered",
            before: None,
            after: Some(json!({ "code": spec.code, "name": spec.name, "kind": spec.kind.code() })),
            reason: None,
        });
    }
    for (code, status, kind, message) in INCIDENTS {
        let since = end - Duration::minutes(world.rng.gen_range(20..600));
        notice_rows.push(vec![
            (*code).into(),
            kind.code().into(),
            (*message).into(),
            to_millis(since).into(),
            Value::Int(None),
        ]);
        port_events.push(Event {
            at: since,
            order: 0,
            actor: "Duty manager".into(),
            entity: "port",
            entity_id: 0,
            shipment_id: None,
            port: Some(code),
            action: "notice_posted",
            before: Some(json!({ "status": "open" })),
            after: Some(json!({ "status": status.code(), "notice": message })),
            reason: Some((*message).into()),
        });
    }
    insert_rows(
        &mut tx,
        "ports",
        &[
            "code",
            "name",
            "kind",
            "province",
            "time_zone",
            "status",
            "hours",
            "lanes_open",
            "lanes_available",
            "officers_on_shift",
            "commercial_wait_min",
            "traveller_wait_min",
            "waits_measured_at",
        ],
        &port_rows,
    )
    .await?;
    insert_rows(
        &mut tx,
        "port_notices",
        &["port_code", "kind", "message", "starts_at", "ends_at"],
        &notice_rows,
    )
    .await?;

    let officer_rows: Vec<Vec<Value>> = world
        .officers
        .iter()
        .map(|o| {
            vec![
                o.id.into(),
                o.name.clone().into(),
                o.badge.clone().into(),
                o.port.into(),
                (o.on_shift as i64).into(),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "officers",
        &["id", "name", "badge", "home_port", "on_shift"],
        &officer_rows,
    )
    .await?;

    let shipment_rows: Vec<Vec<Value>> = world
        .shipments
        .iter()
        .map(|s| {
            vec![
                s.id.into(),
                s.mode.code().into(),
                s.reference_kind.into(),
                s.reference.clone().into(),
                s.house_waybill.clone().into(),
                s.carrier.clone().into(),
                s.voyage.clone().into(),
                s.origin_country.into(),
                s.origin_location.clone().into(),
                s.transit.map(str::to_string).into(),
                s.port.into(),
                s.shipper.0.into(),
                s.shipper.1.into(),
                s.consignee.name.into(),
                s.consignee.address.into(),
                s.importer.name.into(),
                s.importer.trusted.map(str::to_string).into(),
                s.commodity.hs_code.into(),
                s.commodity.description.into(),
                s.pieces.into(),
                s.weight_kg.into(),
                s.value_cents.into(),
                s.currency.into(),
                to_millis(s.eta).into(),
                s.arrived_at.map(to_millis).into(),
                s.released_at.map(to_millis).into(),
                s.status.code().into(),
                to_millis(s.declared_at.min(end)).into(),
                s.version.into(),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "shipments",
        &[
            "id",
            "mode",
            "reference_kind",
            "reference",
            "house_waybill",
            "carrier",
            "voyage",
            "origin_country",
            "origin_location",
            "transit_location",
            "port_code",
            "shipper_name",
            "shipper_address",
            "consignee_name",
            "consignee_address",
            "importer_name",
            "trusted_trader",
            "hs_code",
            "description",
            "pieces",
            "weight_kg",
            "declared_value_cents",
            "currency",
            "eta_at",
            "arrived_at",
            "released_at",
            "status",
            "created_at",
            "version",
        ],
        &shipment_rows,
    )
    .await?;

    let hold_rows: Vec<Vec<Value>> = world
        .holds
        .iter()
        .map(|h| {
            vec![
                h.id.into(),
                h.shipment_id.into(),
                h.port.into(),
                h.reason.code().into(),
                h.status.code().into(),
                to_millis(h.placed_at).into(),
                h.placed_by.clone().into(),
                to_millis(h.due_at).into(),
                h.paused_ms.into(),
                h.paused_since.map(to_millis).into(),
                h.resolved_at.map(to_millis).into(),
                h.resolved_by.clone().into(),
                h.agency.map(str::to_string).into(),
                h.notes.clone().into(),
                h.version.into(),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "holds",
        &[
            "id",
            "shipment_id",
            "port_code",
            "reason",
            "status",
            "placed_at",
            "placed_by",
            "due_at",
            "paused_ms",
            "paused_since",
            "resolved_at",
            "resolved_by",
            "agency",
            "notes",
            "version",
        ],
        &hold_rows,
    )
    .await?;

    let inspection_rows: Vec<Vec<Value>> = world
        .inspections
        .iter()
        .map(|i| {
            vec![
                i.id.into(),
                i.hold_id.into(),
                i.port.into(),
                i.kind.code().into(),
                i.priority.rank().into(),
                i.status.code().into(),
                to_millis(i.created_at).into(),
                to_millis(i.due_at).into(),
                i.officer.into(),
                i.started_at.map(to_millis).into(),
                i.completed_at.map(to_millis).into(),
                i.outcome.map(|o| o.code().to_string()).into(),
                i.version.into(),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "inspections",
        &[
            "id",
            "hold_id",
            "port_code",
            "kind",
            "priority_rank",
            "status",
            "created_at",
            "due_at",
            "assigned_officer_id",
            "started_at",
            "completed_at",
            "outcome",
            "version",
        ],
        &inspection_rows,
    )
    .await?;

    let mut events = port_events;
    events.append(&mut world.events);
    events.sort_by_key(|e| e.at);
    let journal_rows: Vec<Vec<Value>> = events
        .iter()
        .map(|e| {
            let entity_id = if e.entity == "port" {
                e.port.unwrap_or_default().to_string()
            } else {
                e.entity_id.to_string()
            };
            vec![
                to_millis(e.at).into(),
                e.actor.clone().into(),
                e.entity.into(),
                entity_id.into(),
                e.shipment_id.into(),
                e.port.map(str::to_string).into(),
                e.action.into(),
                e.before.as_ref().map(|v| v.to_string()).into(),
                e.after.as_ref().map(|v| v.to_string()).into(),
                e.reason.clone().into(),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "journal",
        &[
            "at",
            "actor",
            "entity",
            "entity_id",
            "shipment_id",
            "port_code",
            "action",
            "before_json",
            "after_json",
            "reason",
        ],
        &journal_rows,
    )
    .await?;

    targeting::seed(&mut tx, end, options.days).await?;

    if db.backend == Backend::Postgres {
        // Explicit ids leave the identity sequences behind; move them past the seeded rows.
        for table in ["officers", "shipments", "holds", "inspections"] {
            sqlx::query(&format!(
                "select setval(pg_get_serial_sequence('{table}', 'id'), (select coalesce(max(id), 1) from {table}))"
            ))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    // The personas are written by the accounts' own operations, each with a connection of its
    // own: this one goes back first, or a pool of one would wait for itself.
    drop(conn);
    personas(db, end).await?;

    Ok(SeedReport {
        ports: PORTS.len(),
        officers: world.officers.len(),
        shipments: world.shipments.len(),
        holds: world.holds.len(),
        active_holds: world.holds.iter().filter(|h| h.status.is_active()).count(),
        inspections: world.inspections.len(),
        open_inspections: world
            .inspections
            .iter()
            .filter(|i| i.status.is_open())
            .count(),
        journal_entries: journal_rows.len(),
    })
}

/// The demo personas, one per role, offered for one-click sign-in by `serve --demo`. The
/// duty officer and the supervisor are officers of the demo country; their passwords are
/// random and never shown (in demo mode nobody types one). Those that exist are left alone,
/// so a demo database seeded before the personas existed gets them on its next start.
pub async fn personas(db: &Db, now: DateTime<Utc>) -> anyhow::Result<()> {
    use app::accounts::db::{NewAccount, by_username, create, generate_password};
    use app::domain::{PortScope, Role};
    let officer_at = |port: &'static str| async move {
        let row = sqlx::query(
            "select name, badge from officers where home_port = $1 \
             order by on_shift desc, id limit 1",
        )
        .bind(port)
        .fetch_optional(&db.pool)
        .await?;
        anyhow::Ok(match row {
            Some(row) => Some((row.try_get::<String, _>("name")?, row.try_get("badge")?)),
            None => None,
        })
    };
    let personas = [
        ("duty.yvr", officer_at("YVR").await?, Role::Officer, "YVR"),
        (
            "supervisor.yyz",
            officer_at("YYZ").await?,
            Role::Supervisor,
            "YYZ",
        ),
        (
            "analyst.ntc",
            Some((
                "Targeting analyst, National Targeting Centre".into(),
                "NTC0042".into(),
            )),
            Role::Analyst,
            "all",
        ),
        (
            "viewer",
            Some(("Operations centre wall screen".into(), String::new())),
            Role::Viewer,
            "all",
        ),
        (
            "admin",
            Some(("System administrator".into(), String::new())),
            Role::Admin,
            "all",
        ),
    ];
    for (username, who, role, ports) in personas {
        if by_username(&db.pool, username).await.is_ok() {
            continue;
        }
        let (name, badge) = who.unwrap_or_else(|| (username.to_string(), String::new()));
        let display_name = match role {
            Role::Officer => format!("{name}, duty officer"),
            Role::Supervisor => format!("{name}, supervisor"),
            _ => name,
        };
        let password = generate_password();
        create(
            &db.pool,
            NewAccount {
                username,
                display_name: &display_name,
                badge: (!badge.is_empty()).then_some(badge.as_str()),
                role,
                ports: PortScope::parse(ports).map_err(anyhow::Error::msg)?,
                password: &password,
                demo: true,
            },
            "demo seed",
            now,
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::AirWaybill;
    use chrono::TimeZone;

    /// The demo as `make run` builds it, at a fixed instant.
    fn options() -> SeedOptions {
        SeedOptions::new(
            DEFAULT_SEED,
            Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap(),
        )
    }

    #[test]
    fn the_demo_country_has_believable_shapes() {
        let world = build(&options());
        let n = world.shipments.len() as f64;
        let air = world
            .shipments
            .iter()
            .filter(|s| s.mode == Mode::Air)
            .count() as f64;
        assert!(air / n > 0.45, "air cargo dominates: {}", air / n);
        let held = world.holds.len() as f64 / n;
        assert!((0.01..0.08).contains(&held), "a few percent held: {held}");
        let examined: std::collections::HashSet<i64> =
            world.inspections.iter().map(|i| i.hold_id).collect();
        let examined = examined.len() as f64 / n;
        assert!(examined < 0.10, "single-digit percent examined: {examined}");
        for status in HoldStatus::ALL {
            assert!(
                world.holds.iter().any(|h| h.status == *status),
                "no hold is {status:?}"
            );
        }
        for status in InspectionStatus::ALL {
            assert!(
                world.inspections.iter().any(|i| i.status == *status),
                "no inspection is {status:?}"
            );
        }
        let overdue = world
            .holds
            .iter()
            .filter(|h| {
                h.status.is_active()
                    && h.paused_since.is_none()
                    && h.due_at + Duration::milliseconds(h.paused_ms) < world.end
            })
            .count();
        assert!(overdue > 0, "some holds are over their service level");
        assert!(
            world
                .holds
                .iter()
                .any(|h| h.paused_since.is_some() && h.status.is_active()),
            "some clocks are paused"
        );
        assert!(
            world
                .shipments
                .iter()
                .any(|s| s.status == ShipmentStatus::AwaitingArrival)
        );
    }

    #[test]
    fn every_waybill_is_valid_and_unique() {
        let world = build(&options());
        let mut seen = std::collections::HashSet::new();
        for s in &world.shipments {
            assert!(
                seen.insert((s.reference_kind, s.reference.clone())),
                "duplicate {}",
                s.reference
            );
            if s.reference_kind == "air_waybill" {
                AirWaybill::parse(&s.reference).unwrap();
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_country() {
        let a = build(&options());
        let b = build(&options());
        let digest = |w: &World| -> Vec<String> {
            w.events
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {} {} {:?}",
                        e.at, e.actor, e.entity_id, e.action, e.after
                    )
                })
                .collect()
        };
        assert_eq!(digest(&a), digest(&b));
        let mut other = options();
        other.seed = 8;
        assert_ne!(digest(&a), digest(&build(&other)));
    }
}
