//! The seed's country in memory while its history is played: the ports' officers, the
//! shipments, holds and inspections as they stand, and the journal entries waiting to be
//! written. Each change of status goes through the product's own status rules
//! (`HoldStatus::next`, `InspectionStatus::next`) and adds its journal entry; a story that
//! breaks a rule stops the seed.

use app::demo::country::{FIRST_NAMES, LAST_NAMES, PORTS};
use app::demo::{Goods, Paperwork};
use app::domain::{
    HoldAction, HoldReason, HoldStatus, InspectionAction, InspectionKind, InspectionStatus, Mode,
    Outcome, Priority, ShipmentStatus,
};
use app::journal::db::NewEntry;
use app::targeting::decide::Plan;
use app::targeting::{Assessment, Declaration, DeclarationKind};
use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

/// Officers on shift when the history ends.
const ON_SHIFT_SHARE: f64 = 0.4;

pub(super) struct Officer {
    pub id: i64,
    pub name: String,
    pub badge: String,
    pub port: &'static str,
    pub on_shift: bool,
}

impl Officer {
    /// How the officer signs in the journal.
    pub fn actor(&self) -> String {
        format!("{} ({})", self.name, self.badge)
    }
}

pub(super) struct Shipment {
    pub id: i64,
    pub mode: Mode,
    pub port: &'static str,
    pub goods: Goods,
    pub paper: Paperwork,
    pub eta: DateTime<Utc>,
    pub declared_at: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub released_at: Option<DateTime<Utc>>,
    pub status: ShipmentStatus,
    pub version: i64,
}

impl Shipment {
    /// The full declaration the carrier filed, as the shipment's row stores it: what the
    /// targeting rules scored (and what a draft rule is tried on later).
    pub fn declaration(&self) -> Declaration {
        let (paper, goods) = (&self.paper, &self.goods);
        Declaration {
            mode: self.mode,
            declaration_kind: DeclarationKind::Full,
            reference_kind: paper.reference_kind.into(),
            reference: paper.reference.clone(),
            house_waybill: paper.house_waybill.clone(),
            carrier: paper.carrier.clone(),
            voyage: paper.voyage.clone(),
            origin_country: paper.origin_country.into(),
            origin_location: paper.origin_location.clone(),
            transit_country: None,
            transit_location: paper.transit.map(str::to_string),
            routing: None,
            port_code: self.port.into(),
            shipper_name: paper.shipper.0.into(),
            shipper_address: paper.shipper.1.into(),
            consignee_name: goods.consignee.name.into(),
            consignee_address: goods.consignee.address.into(),
            importer_name: goods.importer.name.into(),
            trusted_trader: goods.importer.trusted.map(str::to_string),
            hs_code: goods.commodity.hs_code.into(),
            description: goods.description(&paper.reference),
            pieces: paper.pieces,
            weight_kg: paper.weight_kg,
            declared_value_cents: paper.value_cents,
            currency: paper.currency.into(),
            eta: self.eta,
        }
    }
}

/// A shipment's score, given when its declaration came in, and what it asked for.
pub(super) struct Score {
    /// The shipment's number, which is also the score's: each seeded shipment is scored once.
    pub shipment_id: i64,
    pub scored_at: DateTime<Utc>,
    pub assessment: Assessment,
    /// The hold (and examination) the lane or random selection asks for.
    pub plan: Option<Plan>,
    /// The sentence that explains the score, as a hold placed on it says.
    pub explanation: String,
}

pub(super) struct Hold {
    pub id: i64,
    pub shipment_id: i64,
    pub port: &'static str,
    pub reason: HoldReason,
    pub status: HoldStatus,
    pub placed_at: DateTime<Utc>,
    pub placed_by: String,
    pub due_at: DateTime<Utc>,
    pub paused_ms: i64,
    pub paused_since: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub agency: Option<&'static str>,
    pub notes: String,
    pub version: i64,
}

pub(super) struct Inspection {
    pub id: i64,
    pub hold_id: i64,
    pub port: &'static str,
    pub kind: InspectionKind,
    pub priority: Priority,
    pub status: InspectionStatus,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub officer: Option<i64>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub version: i64,
}

/// A journal entry waiting to be written; entries are sorted by time before insertion.
pub(super) struct Event {
    pub at: DateTime<Utc>,
    /// Order of creation, to keep simultaneous events in causal order.
    pub order: usize,
    pub actor: String,
    pub entity: &'static str,
    /// A port's entries name the port, every other its record's number.
    pub entity_id: String,
    pub shipment_id: Option<i64>,
    pub port: Option<&'static str>,
    pub action: &'static str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

impl Event {
    /// An entry about goods at a port: a shipment, one of its holds or inspections.
    #[allow(clippy::too_many_arguments)]
    pub fn goods(
        at: DateTime<Utc>,
        actor: String,
        entity: &'static str,
        entity_id: i64,
        shipment_id: i64,
        port: &'static str,
        action: &'static str,
        before: Option<serde_json::Value>,
        after: serde_json::Value,
    ) -> Self {
        Self {
            at,
            order: 0,
            actor,
            entity,
            entity_id: entity_id.to_string(),
            shipment_id: Some(shipment_id),
            port: Some(port),
            action,
            before,
            after: Some(after),
            reason: None,
        }
    }

    pub fn reason(self, reason: Option<&str>) -> Self {
        Self {
            reason: reason.map(str::to_string),
            ..self
        }
    }

    /// The entry as the journal takes it.
    pub fn entry(&self) -> NewEntry<'_> {
        NewEntry {
            at: self.at,
            actor: &self.actor,
            entity: self.entity,
            entity_id: self.entity_id.clone(),
            shipment_id: self.shipment_id,
            port_code: self.port,
            action: self.action,
            before: self.before.clone(),
            after: self.after.clone(),
            reason: self.reason.as_deref(),
        }
    }
}

/// Moves `status` on as `next` says and counts a new `version`; returns the status before and
/// after. A demo story that breaks the product's rules stops the seed.
fn by_the_rules<S: Copy, E: std::fmt::Display>(
    status: &mut S,
    version: &mut i64,
    next: impl FnOnce(S) -> Result<S, E>,
) -> (S, S) {
    let before = *status;
    *status = next(before).unwrap_or_else(|e| panic!("the demo story broke a rule: {e}"));
    *version += 1;
    (before, *status)
}

/// What a generator of the history draws. Each has its own stream of the seed, so that one
/// shipment's draws never move another's: what a shipment is and how its story goes depend on
/// the seed and its number alone, whatever hour the history ends at (the rhythm moves its
/// instants, not its goods or its fate). Stream 1 is the simulator's.
#[derive(Debug, Clone, Copy)]
pub(super) enum Draws {
    Officers,
    /// The ports as they stand at the end, and the incidents under way.
    WriteOut,
    /// A shipment's goods and papers.
    Declaration(i64),
    /// When a shipment was declared, and its lead.
    When(i64),
    /// A shipment's story.
    Story(i64),
}

impl Draws {
    fn stream(self) -> u64 {
        let shipment = |id: i64, k: u64| 3 + id.unsigned_abs() * 3 + k;
        match self {
            Draws::Officers => 0,
            Draws::WriteOut => 2,
            Draws::Declaration(id) => shipment(id, 0),
            Draws::When(id) => shipment(id, 1),
            Draws::Story(id) => shipment(id, 2),
        }
    }
}

/// The generator of `draws` for `seed`.
fn generator(seed: u64, draws: Draws) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(draws.stream());
    rng
}

pub(super) struct World {
    seed: u64,
    /// The generator of what is being drawn now (see [`World::draw_for`]).
    pub rng: ChaCha8Rng,
    /// The demo's "now": nothing happens after it.
    pub end: DateTime<Utc>,
    pub officers: Vec<Officer>,
    pub shipments: Vec<Shipment>,
    /// One per shipment, in the same order.
    pub scores: Vec<Score>,
    pub holds: Vec<Hold>,
    pub inspections: Vec<Inspection>,
    pub events: Vec<Event>,
}

impl World {
    /// The country with its officers, before any traffic.
    pub fn new(seed: u64, end: DateTime<Utc>) -> Self {
        let mut world = World {
            seed,
            rng: generator(seed, Draws::Officers),
            end,
            officers: vec![],
            shipments: vec![],
            scores: vec![],
            holds: vec![],
            inspections: vec![],
            events: vec![],
        };
        for port in PORTS {
            for _ in 0..port.officers {
                let id = world.officers.len() as i64 + 1;
                let first = FIRST_NAMES.choose(&mut world.rng).expect("names");
                let last = LAST_NAMES.choose(&mut world.rng).expect("names");
                let on_shift = world.rng.gen_bool(ON_SHIFT_SHARE);
                world.officers.push(Officer {
                    id,
                    name: format!("{first} {last}"),
                    badge: format!("{}{:04}", &port.code[..1], 1000 + id),
                    port: port.code,
                    on_shift,
                });
            }
        }
        world
    }

    /// A generator for `draws`, from its own stream of the seed.
    pub fn draws(&self, draws: Draws) -> ChaCha8Rng {
        generator(self.seed, draws)
    }

    /// Makes `draws` the world's generator from now on.
    pub fn draw_for(&mut self, draws: Draws) {
        self.rng = self.draws(draws);
    }

    pub fn event(&mut self, e: Event) {
        self.events.push(Event {
            order: self.events.len(),
            ..e
        });
    }

    /// One of the port's officers, drawn at random.
    pub fn officer_at(&mut self, port: &str) -> usize {
        let pool: Vec<usize> = self
            .officers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.port == port)
            .map(|(i, _)| i)
            .collect();
        pool[self.rng.gen_range(0..pool.len())]
    }

    /// How one of the port's officers signs as a supervisor.
    pub fn supervisor_at(&mut self, port: &str) -> String {
        let s = self.officer_at(port);
        format!("Supervisor {}", self.officers[s].actor())
    }

    /// Moves a hold on by `action`, as the status rules allow.
    pub fn hold_step(
        &mut self,
        h: usize,
        action: HoldAction,
        at: DateTime<Utc>,
        actor: String,
        reason: Option<&str>,
    ) {
        let hold = &mut self.holds[h];
        let (before, after) = by_the_rules(&mut hold.status, &mut hold.version, |s| s.next(action));
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
        self.event(
            Event::goods(
                at,
                actor,
                "hold",
                id,
                shipment_id,
                port,
                action_name,
                Some(json!({ "status": before.code() })),
                json!({ "status": after.code() }),
            )
            .reason(reason),
        );
    }

    /// Pauses the hold's service clock (`true`) or resumes it.
    pub fn pause_clock(&mut self, h: usize, paused: bool, at: DateTime<Utc>, actor: String) {
        let hold = &mut self.holds[h];
        hold.version += 1;
        let (action, after, why) = if paused {
            hold.paused_since = Some(at);
            (
                "clock_paused",
                json!({ "paused_since": app::domain::clock::to_millis(at) }),
                app::demo::model::pause_reason(),
            )
        } else {
            let since = hold.paused_since.take().unwrap_or(at);
            hold.paused_ms += (at - since).num_milliseconds();
            (
                "clock_resumed",
                json!({ "paused_ms": hold.paused_ms }),
                app::demo::model::resume_reason(),
            )
        };
        let (id, shipment_id, port) = (hold.id, hold.shipment_id, hold.port);
        let event = Event::goods(
            at,
            actor,
            "hold",
            id,
            shipment_id,
            port,
            action,
            None,
            after,
        );
        self.event(event.reason(Some(why)));
    }

    /// The goods of shipment `s` arrive: a shipment held on its score before they came stays
    /// held, as the product records it.
    pub fn arrive(&mut self, s: usize, at: DateTime<Utc>, actor: String) {
        let to = match self.shipments[s].status {
            ShipmentStatus::Held => ShipmentStatus::Held,
            _ => ShipmentStatus::Arrived,
        };
        self.shipment_status(s, to, at, actor, "arrived");
        self.shipments[s].arrived_at = Some(at);
    }

    /// Moves a shipment to `to`, journaled as `action`.
    pub fn shipment_status(
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
        if to == ShipmentStatus::Arrived {
            ship.arrived_at = Some(at);
        }
        if to == ShipmentStatus::Released {
            ship.released_at = Some(at);
        }
        let (id, port) = (ship.id, ship.port);
        self.event(Event::goods(
            at,
            actor,
            "shipment",
            id,
            id,
            port,
            action,
            Some(json!({ "status": before.code() })),
            json!({ "status": to.code() }),
        ));
    }

    /// Moves an inspection on by `action`, as the status rules allow: `officer` for an
    /// assignment, `outcome` for a completion.
    #[allow(clippy::too_many_arguments)]
    pub fn inspection_step(
        &mut self,
        i: usize,
        action: InspectionAction,
        at: DateTime<Utc>,
        actor: String,
        officer: Option<i64>,
        outcome: Option<Outcome>,
        reason: Option<&str>,
    ) {
        let insp = &mut self.inspections[i];
        let (before, after) = by_the_rules(&mut insp.status, &mut insp.version, |s| s.next(action));
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
        self.event(
            Event::goods(
                at,
                actor,
                "inspection",
                id,
                shipment_id,
                port,
                action_name,
                Some(json!({ "status": before.code() })),
                after_json,
            )
            .reason(reason),
        );
    }

    /// Opens an inspection of the goods hold `h` stops; returns its index.
    pub fn open_inspection(
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
        self.event(Event::goods(
            at,
            actor,
            "inspection",
            id,
            shipment_id,
            port,
            "opened",
            None,
            json!({ "status": "queued", "kind": kind.code(), "priority": priority.code() }),
        ));
        self.inspections.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::demo::{goods, paperwork};
    use app::targeting::declaration::read;
    use chrono::TimeZone;

    #[test]
    fn a_seeded_declaration_is_the_one_a_carrier_would_have_sent() {
        let eta = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for n in 0..200 {
            let mode = [Mode::Air, Mode::Land, Mode::Marine, Mode::Rail][n % 4];
            let goods = goods(&mut rng, mode);
            let paper = paperwork(&mut rng, mode, &goods);
            let sent = paper.declaration(&goods, mode, "YVR", eta, false);
            let shipment = Shipment {
                id: 1,
                mode,
                port: "YVR",
                goods,
                paper,
                eta,
                declared_at: eta,
                arrived_at: None,
                released_at: None,
                status: ShipmentStatus::AwaitingArrival,
                version: 1,
            };
            let mut read = read(&sent, &|_| true, eta).expect("the demo's papers read");
            // The carrier's feed names the itinerary, the seed's row the transit only: the
            // same stops either way.
            assert_eq!(
                app::targeting::scoring::stops(&read),
                app::targeting::scoring::stops(&shipment.declaration())
            );
            read.routing = None;
            assert_eq!(read, shipment.declaration());
        }
    }
}
