//! The history of one shipment, and of the fourteen days: each declaration is drawn from the
//! demo country and its story played to the demo's "now" by the demo's model
//! (`app::demo::model`), the same one the simulator follows afterwards: declared at an hour of
//! the port's rhythm, arrived, released or held, examined (queued, taken up, started, worked;
//! sometimes cancelled and replaced, sometimes inconclusive and followed up), then released,
//! referred, seized or returned. What happens after "now" is left undone, so the history ends
//! with work in every state.

use super::SeedOptions;
use super::world::{Draws, Event, Hold, Shipment, World};
use app::demo::country::{MODE_SHARE, PORTS, PortSpec, first_inspection};
use app::demo::incidents::opening_status;
use app::demo::model::{self, Decision, Span};
use app::demo::{self, weighted};
use app::domain::clock::zone;
use app::domain::{HoldAction, HoldReason, HoldStatus, InspectionAction, Outcome, ShipmentStatus};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

/// Draws the declaration numbered `id`, filed between `from` and `to`, with `rng`.
fn declare(
    world: &World,
    rng: &mut ChaCha8Rng,
    id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Shipment {
    let mode = *weighted(rng, MODE_SHARE);
    let ports: Vec<(&'static PortSpec, u32)> = PORTS
        .iter()
        .filter(|p| p.kind == mode && model::takes_traffic(opening_status(p.code)) > 0.0)
        .map(|p| (p, p.weight))
        .collect();
    let port = *weighted(rng, &ports);
    let goods = demo::goods(rng, mode);
    let paper = demo::paperwork(rng, mode, &goods);
    let when = &mut world.draws(Draws::When(id));
    let declared_at = model::declared_between(when, mode, zone(port.time_zone), from, to);
    let eta = declared_at + model::lead(mode).draw(when);
    Shipment {
        id,
        mode,
        port: port.code,
        goods,
        paper,
        eta,
        declared_at,
        arrived_at: None,
        released_at: None,
        status: ShipmentStatus::AwaitingArrival,
        version: 1,
    }
}

/// `at + span`, or `None` when that is after the demo's "now".
fn within(world: &mut World, at: DateTime<Utc>, span: Span) -> Option<DateTime<Utc>> {
    let then = at + span.draw(&mut world.rng);
    (then <= world.end).then_some(then)
}

/// Plays one shipment's story up to the demo's "now".
fn play(world: &mut World, s: usize) {
    let (id, port, mode, eta, declared_at, reference) = {
        let ship = &world.shipments[s];
        (
            ship.id,
            ship.port,
            ship.mode,
            ship.eta,
            ship.declared_at,
            ship.paper.reference.clone(),
        )
    };
    world.draw_for(Draws::Story(id));
    let edi = format!("{} (EDI)", world.shipments[s].paper.carrier);
    world.event(Event::goods(
        declared_at,
        edi.clone(),
        "shipment",
        id,
        id,
        port,
        "declared",
        None,
        json!({ "status": "awaiting_arrival", "reference": reference, "port": port }),
    ));
    let Some(arrived) = within(world, eta, model::ARRIVAL) else {
        return;
    };
    world.shipment_status(s, ShipmentStatus::Arrived, arrived, edi, "arrived");

    if !model::held(&mut world.rng, &world.shipments[s].goods) {
        if let Some(released) = within(world, arrived, model::release_after(mode)) {
            let actor = "Release system".to_string();
            world.shipment_status(s, ShipmentStatus::Released, released, actor, "released");
        }
        return;
    }

    let reason = model::hold_reason(&mut world.rng, &world.shipments[s].goods, mode);
    let placed_at = (arrived + model::HOLD_AFTER_ARRIVAL.draw(&mut world.rng)).min(world.end);
    let o = world.officer_at(port);
    let placer = world.officers[o].actor();
    let h = place(world, s, reason, placed_at, placer.clone());

    let Some(mut look) = within(world, placed_at, model::FIRST_LOOK) else {
        return;
    };
    // Documentation holds may wait on the trader first: the clock pauses meanwhile.
    if reason == HoldReason::Documentation && world.rng.gen_bool(model::PAUSE_SHARE) {
        world.pause_clock(h, true, look, placer.clone());
        let Some(resumed) = within(world, look, model::PAUSE_LASTS) else {
            return;
        };
        world.pause_clock(h, false, resumed, placer.clone());
        let Some(next) = within(world, resumed, model::FIRST_LOOK) else {
            return;
        };
        look = next;
    }
    world.hold_step(h, HoldAction::BeginExamination, look, placer.clone(), None);
    let Some((outcome, known_at)) = examine(world, h, mode, look, &placer) else {
        return;
    };
    decide(world, s, h, outcome, known_at);
}

/// Places the hold on shipment `s`; returns its index.
fn place(
    world: &mut World,
    s: usize,
    reason: HoldReason,
    placed_at: DateTime<Utc>,
    placer: String,
) -> usize {
    let (id, port) = (world.shipments[s].id, world.shipments[s].port);
    let hs_code = world.shipments[s].goods.commodity.hs_code;
    let hold_id = world.holds.len() as i64 + 1;
    let notes = model::hold_note(reason);
    world.holds.push(Hold {
        id: hold_id,
        shipment_id: id,
        port,
        reason,
        status: HoldStatus::Placed,
        placed_at,
        placed_by: placer.clone(),
        due_at: placed_at + reason.service_level_for(hs_code),
        paused_ms: 0,
        paused_since: None,
        resolved_at: None,
        resolved_by: None,
        agency: None,
        notes: notes.into(),
        version: 1,
    });
    let placed = Event::goods(
        placed_at,
        placer.clone(),
        "hold",
        hold_id,
        id,
        port,
        "placed",
        None,
        json!({ "status": "placed", "reason": reason.code() }),
    );
    world.event(placed.reason(Some(notes)));
    world.shipment_status(s, ShipmentStatus::Held, placed_at, placer, "held");
    world.holds.len() - 1
}

/// How one examination went, as far as the demo's "now".
enum Worked {
    /// Cancelled when it was to be taken up, at that instant.
    Cancelled(DateTime<Utc>),
    /// Completed with this outcome at that instant.
    Done(Outcome, DateTime<Utc>),
}

/// The examinations of hold `h`, opened at `opened`: the first for its reason, a physical
/// examination for each one cancelled, a follow-up for each inconclusive one. Returns the last
/// result and when it was known, if the work got that far.
fn examine(
    world: &mut World,
    h: usize,
    mode: app::domain::Mode,
    opened: DateTime<Utc>,
    placer: &str,
) -> Option<(Outcome, DateTime<Utc>)> {
    let reason = world.holds[h].reason;
    let priority = model::priority(reason);
    let kind = first_inspection(reason, mode);
    let mut i = world.open_inspection(h, kind, priority, opened, placer.into());
    let mut follow_up = false;
    loop {
        match work(world, i, reason, follow_up)? {
            Worked::Cancelled(at) => {
                let at = within(world, at, model::FIRST_LOOK)?;
                i = world.open_inspection(h, model::REPLACEMENT, priority, at, placer.into());
            }
            Worked::Done(Outcome::Inconclusive, at) => {
                // The follow-up opens with the result, at the same priority, as the product
                // opens it.
                let next = model::follow_up(world.inspections[i].kind);
                let priority = world.inspections[i].priority;
                i = world.open_inspection(h, next, priority, at, placer.into());
                follow_up = true;
            }
            Worked::Done(outcome, at) => return Some((outcome, at)),
        }
    }
}

/// Plays one inspection forward as far as the demo's "now": taken up (claimed, assigned by a
/// supervisor, or cancelled), started, completed.
fn work(world: &mut World, i: usize, reason: HoldReason, follow_up: bool) -> Option<Worked> {
    let port = world.inspections[i].port;
    let kind = world.inspections[i].kind;
    let created = world.inspections[i].created_at;
    let taken_up = within(world, created, model::queue_wait(kind))?;
    if world.rng.gen_bool(model::CANCEL_SHARE) {
        let supervisor = world.supervisor_at(port);
        world.inspection_step(
            i,
            InspectionAction::Cancel,
            taken_up,
            supervisor,
            None,
            None,
            Some(model::cancel_reason()),
        );
        return Some(Worked::Cancelled(taken_up));
    }
    let o = world.officer_at(port);
    let (officer_id, actor) = (world.officers[o].id, world.officers[o].actor());
    let assigner = if world.rng.gen_bool(model::CLAIM_SHARE) {
        actor.clone()
    } else {
        world.supervisor_at(port)
    };
    world.inspection_step(
        i,
        InspectionAction::Assign,
        taken_up,
        assigner,
        Some(officer_id),
        None,
        None,
    );
    // Work under way at the end is someone's on the shift now.
    let Some(started_at) = within(world, taken_up, model::start_after(kind)) else {
        world.officers[o].on_shift = true;
        return None;
    };
    world.inspection_step(
        i,
        InspectionAction::Start,
        started_at,
        actor.clone(),
        None,
        None,
        None,
    );
    let Some(completed_at) = within(world, started_at, model::work_time(kind)) else {
        world.officers[o].on_shift = true;
        return None;
    };
    let outcome = model::outcome(&mut world.rng, reason, follow_up);
    world.inspection_step(
        i,
        InspectionAction::Complete,
        completed_at,
        actor,
        None,
        Some(outcome),
        None,
    );
    Some(Worked::Done(outcome, completed_at))
}

/// The decision on hold `h` after its last examination gave `outcome` at `known_at`.
fn decide(world: &mut World, s: usize, h: usize, outcome: Outcome, known_at: DateTime<Utc>) {
    let (port, reason) = (world.holds[h].port, world.holds[h].reason);
    let Some(decided) = within(world, known_at, model::decision_after(reason)) else {
        return;
    };
    let d = world.officer_at(port);
    let decider = world.officers[d].actor();
    let (action, status, name, why) = match model::decision(&mut world.rng, reason, outcome, true) {
        Decision::Release { reason } => (
            HoldAction::Release,
            ShipmentStatus::Released,
            "released",
            reason,
        ),
        Decision::ReturnToOrigin { reason } => (
            HoldAction::ReturnToOrigin,
            ShipmentStatus::Returned,
            "returned",
            reason,
        ),
        Decision::Refer { agency, reason } => {
            world.holds[h].agency = Some(agency);
            (
                HoldAction::ReferToAgency,
                ShipmentStatus::Referred,
                "referred",
                reason,
            )
        }
        Decision::RequestSeizure { reason } => {
            world.hold_step(
                h,
                HoldAction::RequestSeizure,
                decided,
                decider,
                Some(reason),
            );
            // A supervisor approves it, later.
            let Some(approved) = within(world, decided, model::APPROVAL_AFTER) else {
                return;
            };
            let supervisor = world.supervisor_at(port);
            let why = Some(model::seizure_approval_reason());
            world.hold_step(
                h,
                HoldAction::ApproveSeizure,
                approved,
                supervisor.clone(),
                why,
            );
            world.shipment_status(s, ShipmentStatus::Seized, approved, supervisor, "seized");
            return;
        }
    };
    world.hold_step(h, action, decided, decider.clone(), Some(why));
    world.shipment_status(s, status, decided, decider, name);
}

/// The demo country's history: its officers, and `options.shipments` declarations filed over
/// `options.days` days up to `options.end`, each story played as far as then.
pub(super) fn build(options: &SeedOptions) -> World {
    let mut world = World::new(options.seed, options.end);
    let from = options.end - Duration::days(options.days);
    let mut references = std::collections::HashSet::new();
    for n in 0..options.shipments {
        let id = n as i64 + 1;
        let mut rng = world.draws(Draws::Declaration(id));
        // Redraw on the rare collision of two random waybill or bill numbers.
        let shipment = loop {
            let candidate = declare(&world, &mut rng, id, from, options.end);
            if references.insert(candidate.paper.reference.clone()) {
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
    world.draw_for(Draws::WriteOut);
    world.events.sort_by_key(|e| (e.at, e.order));
    world
}

#[cfg(test)]
mod tests {
    use super::super::{DEFAULT_SEED, SeedOptions};
    use super::*;
    use app::domain::{AirWaybill, InspectionStatus, Mode};
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
                seen.insert((s.paper.reference_kind, s.paper.reference.clone())),
                "duplicate {}",
                s.paper.reference
            );
            if s.paper.reference_kind == "air_waybill" {
                AirWaybill::parse(&s.paper.reference).unwrap();
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
