//! The history of one shipment, and of the fourteen days: each declaration is drawn from the
//! demo country and its story played to the demo's "now" by the demo's model
//! (`app::demo::model`), the same one the simulator follows afterwards: declared at an hour of
//! the port's rhythm, arrived, released or held, examined (queued, taken up, started, worked;
//! sometimes cancelled and replaced, sometimes inconclusive and followed up), then released,
//! referred, seized or returned. What happens after "now" is left undone, so the history ends
//! with work in every state.

use super::SeedOptions;
use super::targeting::{Scored, Scorer, importers_seen_before};
use super::world::{Draws, Event, Hold, Score, Shipment, World};
use app::demo::country::{MODE_SHARE, PORTS, PortSpec, first_inspection};
use app::demo::incidents::opening_status;
use app::demo::model::{self, Decision, Span};
use app::demo::{self, weighted};
use app::domain::clock::zone;
use app::domain::{HoldAction, HoldReason, HoldStatus, InspectionAction, Outcome, ShipmentStatus};
use app::i18n::td_string;
use app::lang::current;
use app::targeting::decide::Plan;
use app::targeting::ingest::hold_signature;
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

/// Plays one shipment's story up to the demo's "now", as the simulator plays a declaration
/// of its own: the declaration's score may hold the goods before they come (its lane, or
/// random selection, with the examination it asks for, as ingest places them); goods the
/// score lets through may still be held by the port's officer when they arrive, by the
/// demo's model.
fn play(world: &mut World, s: usize) {
    let (id, port, eta, declared_at, reference) = {
        let ship = &world.shipments[s];
        (
            ship.id,
            ship.port,
            ship.eta,
            ship.declared_at,
            ship.paper.reference.clone(),
        )
    };
    world.draw_for(Draws::Story(id));
    let edi = format!("{} (EDI)", world.shipments[s].paper.carrier);
    let (score, lane, random, on_score) = {
        let scored = &world.scores[s];
        let a = &scored.assessment;
        (a.score, a.lane.code(), a.random, scored.plan)
    };
    let status = if on_score.is_some() {
        ShipmentStatus::Held
    } else {
        ShipmentStatus::AwaitingArrival
    };
    world.event(Event::goods(
        declared_at,
        edi.clone(),
        "shipment",
        id,
        id,
        port,
        "declared",
        None,
        json!({
            "status": status.code(),
            "reference": reference,
            "port": port,
            "declaration_kind": "full",
            "score": score,
            "lane": lane,
            "random": random,
            "version": 1,
        }),
    ));
    let held_on_score = on_score.map(|plan| place_on_score(world, s, plan, edi.clone()));
    let Some(arrived) = within(world, eta, model::ARRIVAL) else {
        return;
    };
    world.arrive(s, arrived, edi);

    if let Some((h, first)) = held_on_score {
        // The port's officer takes up the examination the score opened once the goods are in.
        let Some(first) = first else {
            return;
        };
        let Some(look) = within(world, arrived, model::HOLD_AFTER_ARRIVAL) else {
            return;
        };
        let o = world.officer_at(port);
        let officer = world.officers[o].actor();
        world.hold_step(h, HoldAction::BeginExamination, look, officer.clone(), None);
        let Some((outcome, known_at)) = examine(world, h, first, look, &officer) else {
            return;
        };
        decide(world, s, h, outcome, known_at);
        return;
    }

    let mode = world.shipments[s].mode;
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
    let kind = first_inspection(reason, mode);
    let first = world.open_inspection(h, kind, model::priority(reason), look, placer.clone());
    let Some((outcome, known_at)) = examine(world, h, first, look, &placer) else {
        return;
    };
    decide(world, s, h, outcome, known_at);
}

/// Holds shipment `s` on its score when its declaration comes in, as ingest does: the hold
/// signed by targeting for the carrier's feed `edi` and explained by the score, the shipment
/// held from its declaration on, and the examination the plan asks for opened with it (the
/// demo's referrals are few enough that no port's capacity makes one wait). Returns the
/// hold's index and the examination's.
fn place_on_score(world: &mut World, s: usize, plan: Plan, edi: String) -> (usize, Option<usize>) {
    let (id, port, at) = {
        let ship = &world.shipments[s];
        (ship.id, ship.port, ship.declared_at)
    };
    let hs_code = world.shipments[s].goods.commodity.hs_code;
    let (score, notes) = {
        let scored = &world.scores[s];
        (scored.assessment.score, scored.explanation.clone())
    };
    let hold_id = world.holds.len() as i64 + 1;
    world.holds.push(Hold {
        id: hold_id,
        shipment_id: id,
        port,
        reason: plan.reason,
        status: HoldStatus::Placed,
        placed_at: at,
        placed_by: hold_signature(&edi),
        due_at: at + plan.reason.service_level_for(hs_code),
        paused_ms: 0,
        paused_since: None,
        resolved_at: None,
        resolved_by: None,
        agency: None,
        notes: notes.clone(),
        version: 1,
    });
    let placed = Event::goods(
        at,
        edi.clone(),
        "hold",
        hold_id,
        id,
        port,
        "placed",
        None,
        json!({
            "status": "placed",
            "reason": plan.reason.code(),
            "version": 1,
            "score": score,
        }),
    );
    world.event(placed.reason(Some(&notes)));
    // Declared held: the declaration's entry says so, as ingest writes it.
    world.shipments[s].status = ShipmentStatus::Held;
    let h = world.holds.len() - 1;
    let first = plan.exam.map(|(kind, priority)| {
        let i = world.open_inspection(h, kind, priority, at, edi);
        let why = td_string!(current(), targeting.stored.referral, score = score).to_string();
        if let Some(opened) = world.events.last_mut() {
            opened.reason = Some(why);
        }
        i
    });
    (h, first)
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

/// The examinations of hold `h` from its first, `first`, which is taken up no earlier than
/// `ready`: a physical examination for each one cancelled, a follow-up for each inconclusive
/// one. Returns the last result and when it was known, if the work got that far.
fn examine(
    world: &mut World,
    h: usize,
    first: usize,
    ready: DateTime<Utc>,
    placer: &str,
) -> Option<(Outcome, DateTime<Utc>)> {
    let reason = world.holds[h].reason;
    let mut i = first;
    let mut ready = ready;
    let mut follow_up = false;
    loop {
        match work(world, i, reason, follow_up, ready)? {
            Worked::Cancelled(at) => {
                let at = within(world, at, model::FIRST_LOOK)?;
                let priority = world.inspections[i].priority;
                i = world.open_inspection(h, model::REPLACEMENT, priority, at, placer.into());
                ready = at;
            }
            Worked::Done(Outcome::Inconclusive, at) => {
                // The follow-up opens with the result, at the same priority, as the product
                // opens it.
                let next = model::follow_up(world.inspections[i].kind);
                let priority = world.inspections[i].priority;
                i = world.open_inspection(h, next, priority, at, placer.into());
                ready = at;
                follow_up = true;
            }
            Worked::Done(outcome, at) => return Some((outcome, at)),
        }
    }
}

/// Plays one inspection forward as far as the demo's "now": taken up (claimed, assigned by a
/// supervisor, or cancelled) after its wait in the queue and no earlier than `ready` (an
/// examination a score opened before the goods came waits for them), started, completed.
fn work(
    world: &mut World,
    i: usize,
    reason: HoldReason,
    follow_up: bool,
    ready: DateTime<Utc>,
) -> Option<Worked> {
    let port = world.inspections[i].port;
    let kind = world.inspections[i].kind;
    let created = world.inspections[i].created_at;
    let taken_up = within(world, created, model::queue_wait(kind))?.max(ready);
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

/// Each shipment's score, given when its declaration came in: by the demo's rules, knowing of
/// its importer what was declared before it.
fn score(shipments: &[Shipment], scorer: &Scorer) -> Vec<Score> {
    let declared: Vec<(DateTime<Utc>, &str)> = shipments
        .iter()
        .map(|s| (s.declared_at, s.goods.importer.name))
        .collect();
    shipments
        .iter()
        .zip(importers_seen_before(&declared))
        .map(|(ship, seen_before)| {
            let Scored {
                assessment,
                plan,
                explanation,
            } = scorer.score(&ship.declaration(), seen_before);
            Score {
                shipment_id: ship.id,
                scored_at: ship.declared_at,
                assessment,
                plan,
                explanation,
            }
        })
        .collect()
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
    world.scores = score(&world.shipments, &Scorer::demo(options.end, options.days));
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
        // The port officers' own holds are a few percent; the rules' yellow lane (a check of
        // the documents) and red lane come on top, as in the simulation.
        let on_score = |h: &Hold| h.placed_by.starts_with("Targeting (");
        let by_officers = world.holds.iter().filter(|h| !on_score(h)).count() as f64 / n;
        assert!(
            (0.01..0.08).contains(&by_officers),
            "a few percent held by officers: {by_officers}"
        );
        let held = world.holds.len() as f64 / n;
        assert!(held < 0.20, "held: {held}");
        let examined: std::collections::HashSet<i64> = world
            .inspections
            .iter()
            .filter(|i| i.kind != app::domain::InspectionKind::DocumentReview)
            .map(|i| i.hold_id)
            .collect();
        let examined = examined.len() as f64 / n;
        assert!(
            examined < 0.10,
            "single-digit percent examined beyond the papers: {examined}"
        );
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
    fn the_history_is_held_on_its_scores_as_ingest_holds_declarations() {
        use app::targeting::Lane;
        let world = build(&options());
        let n = world.shipments.len() as f64;
        assert_eq!(world.scores.len(), world.shipments.len());
        for (ship, score) in world.shipments.iter().zip(&world.scores) {
            assert_eq!(score.shipment_id, ship.id);
            assert_eq!(score.scored_at, ship.declared_at);
            let on_score: Vec<&Hold> = world
                .holds
                .iter()
                .filter(|h| h.shipment_id == ship.id && h.placed_by.starts_with("Targeting ("))
                .collect();
            match score.plan {
                Some(plan) => {
                    assert_eq!(on_score.len(), 1, "{}", ship.paper.reference);
                    assert_eq!(on_score[0].reason, plan.reason);
                    assert_eq!(on_score[0].placed_at, ship.declared_at);
                    assert_eq!(on_score[0].notes, score.explanation);
                    // The examination the plan asks for opens with the hold.
                    let (kind, priority) = plan.exam.expect("a full declaration's exam");
                    let first = world
                        .inspections
                        .iter()
                        .find(|i| i.hold_id == on_score[0].id)
                        .expect("opened");
                    assert_eq!((first.kind, first.priority), (kind, priority));
                    assert_eq!(first.created_at, ship.declared_at);
                }
                None => assert!(on_score.is_empty(), "{}", ship.paper.reference),
            }
        }
        let share = |lane: Lane| {
            world
                .scores
                .iter()
                .filter(|s| s.assessment.lane == lane)
                .count() as f64
                / n
        };
        assert!(share(Lane::Red) > 0.005, "some red: {}", share(Lane::Red));
        // Random selection at the settings' rate (1%), outside the red lane.
        let random = world.scores.iter().filter(|s| s.assessment.random).count() as f64 / n;
        assert!((0.006..0.014).contains(&random), "random {random}");
        // Examinations of red lanes find more than those of random selections.
        let hit_rate = |reason: HoldReason| {
            let held: std::collections::HashSet<i64> = world
                .holds
                .iter()
                .filter(|h| h.reason == reason && h.placed_by.starts_with("Targeting ("))
                .map(|h| h.id)
                .collect();
            let done: Vec<&Outcome> = world
                .inspections
                .iter()
                .filter(|i| held.contains(&i.hold_id))
                .filter_map(|i| i.outcome.as_ref())
                .filter(|o| **o != Outcome::Inconclusive)
                .collect();
            let found = done.iter().filter(|o| ***o != Outcome::NoFinding).count();
            (found as f64 / done.len() as f64, done.len())
        };
        let (red, examined) = hit_rate(HoldReason::RiskTarget);
        let (random, _) = hit_rate(HoldReason::Random);
        assert!(examined > 50, "{examined} red-lane results");
        assert!(red > random, "red {red} against random {random}");
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
