//! The write-out of the seed's history: the ports as they stand at the demo's "now" (status,
//! lanes, staff on shift, border waits, the incidents under way), the officers, shipments,
//! their scores and the rule versions that fired (the rows ingest writes for a declaration),
//! holds and inspections, and every journal entry in order of time, with multi-row statements
//! (`app::sql::insert_many`), all in the caller's transaction.

use super::world::{Event, Hold, Inspection, Officer, Score, Shipment, World};
use app::demo::country::{PORTS, cbsa_office};
use app::demo::incidents::{INCIDENTS, UNDER_WAY_FOR, opening_status};
use app::demo::model::{self, COMMERCIAL_WAIT, TRAVELLER_WAIT};
use app::domain::clock::{to_millis, zone};
use app::domain::{Mode, PortStatus};
use app::journal::db::record_many;
use app::sql::{Bind, insert_many};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::json;
use sqlx::AnyConnection;

/// One column of a table and how a record gives its value.
type Column<T> = (&'static str, fn(&T) -> Bind);

/// Writes `records` into `table`, each column named beside the value it takes.
async fn write<T>(
    conn: &mut AnyConnection,
    table: &str,
    records: &[T],
    columns: &[Column<T>],
) -> Result<(), sqlx::Error> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let rows = records
        .iter()
        .map(|record| columns.iter().map(|(_, value)| value(record)).collect())
        .collect();
    insert_many(conn, table, &names, rows, None).await?;
    Ok(())
}

/// A port as it stands at the demo's "now".
struct Port {
    spec: &'static app::demo::country::PortSpec,
    status: PortStatus,
    lanes_open: i64,
    on_shift: i64,
    commercial_wait: Option<i64>,
    traveller_wait: Option<i64>,
    waits_measured_at: Option<i64>,
}

/// The ports at the end of the history, each with its journal entries (registered, and the
/// notice of an incident under way), and the notices themselves.
fn ports(world: &mut World, days: i64) -> (Vec<Port>, Vec<Notice>, Vec<Event>) {
    let end = world.end;
    let mut ports = vec![];
    let mut events = vec![];
    for spec in PORTS {
        let status = opening_status(spec.code);
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
        // What the wait feed would have measured last: the simulation's trend at this hour.
        let busy = model::rhythm(spec.kind, zone(spec.time_zone), end);
        let (commercial_wait, traveller_wait) = match spec.kind {
            Mode::Land if status != PortStatus::Closed => {
                let mut measure = |base: &model::WaitBase| {
                    let trend = base.trend(busy, lanes_open, spec.lanes);
                    base.measure(&mut world.rng, None, trend)
                };
                let commercial = measure(&COMMERCIAL_WAIT);
                let traveller = measure(&TRAVELLER_WAIT);
                // The Ambassador Bridge opens the demo past its 45-minute commercial
                // standard, so that the board has a crossing to point at.
                let commercial = if spec.code == "AMB" { 55 } else { commercial };
                (Some(commercial), Some(traveller))
            }
            _ => (None, None),
        };
        let waits_measured_at = (spec.kind == Mode::Land)
            .then(|| to_millis(end - Duration::minutes(world.rng.gen_range(2..15))));
        ports.push(Port {
            spec,
            status,
            lanes_open,
            on_shift,
            commercial_wait,
            traveller_wait,
            waits_measured_at,
        });
        events.push(Event {
            at: end - Duration::days(days + 1),
            order: 0,
            actor: "Port registry".into(),
            entity: "port",
            entity_id: spec.code.into(),
            shipment_id: None,
            port: Some(spec.code),
            action: "registered",
            before: None,
            after: Some(json!({ "code": spec.code, "name": spec.name, "kind": spec.kind.code() })),
            reason: None,
        });
    }
    let mut notices = vec![];
    for (code, status, kind, message) in INCIDENTS {
        let since = end - UNDER_WAY_FOR.draw(&mut world.rng);
        notices.push(Notice {
            port: code,
            kind: kind.code(),
            message: message(),
            since,
        });
        events.push(Event {
            at: since,
            order: 0,
            actor: "Duty manager".into(),
            entity: "port",
            entity_id: (*code).into(),
            shipment_id: None,
            port: Some(*code),
            action: "notice_posted",
            before: Some(json!({ "status": "open" })),
            after: Some(json!({ "status": status.code(), "notice": message() })),
            reason: Some(message().into()),
        });
    }
    (ports, notices, events)
}

/// A rule version that fired for a score.
struct RuleHit<'a> {
    score: &'a Score,
    hit: &'a app::targeting::Hit,
}

/// An incident's notice, posted `since` and not yet cleared.
struct Notice {
    port: &'static str,
    kind: &'static str,
    message: &'static str,
    since: DateTime<Utc>,
}

/// Writes the country and its history; returns how many journal entries it wrote.
pub(super) async fn country(
    conn: &mut AnyConnection,
    world: &mut World,
    days: i64,
) -> Result<usize, sqlx::Error> {
    let (ports, notices, port_events) = ports(world, days);
    write::<Port>(
        conn,
        "ports",
        &ports,
        &[
            ("code", |p| p.spec.code.into()),
            ("name", |p| p.spec.name.into()),
            ("kind", |p| p.spec.kind.code().into()),
            ("province", |p| p.spec.province.into()),
            ("time_zone", |p| p.spec.time_zone.into()),
            ("status", |p| p.status.code().into()),
            // A port not open says why: its incident's notice.
            ("status_reason", |p| {
                Bind::Text(
                    INCIDENTS
                        .iter()
                        .find(|(code, status, ..)| {
                            *code == p.spec.code && *status != PortStatus::Open
                        })
                        .map(|(.., message)| message().to_string()),
                )
            }),
            ("hours", |p| p.spec.hours.into()),
            ("lanes_open", |p| p.lanes_open.into()),
            ("lanes_available", |p| p.spec.lanes.into()),
            ("officers_on_shift", |p| p.on_shift.into()),
            ("commercial_wait_min", |p| p.commercial_wait.into()),
            ("traveller_wait_min", |p| p.traveller_wait.into()),
            ("waits_measured_at", |p| p.waits_measured_at.into()),
            ("latitude", |p| Bind::Real(p.spec.latitude)),
            ("longitude", |p| Bind::Real(p.spec.longitude)),
            ("cbsa_office", |p| cbsa_office(p.spec.code).into()),
        ],
    )
    .await?;
    write::<Notice>(
        conn,
        "port_notices",
        &notices,
        &[
            ("port_code", |n| n.port.into()),
            ("kind", |n| n.kind.into()),
            ("message", |n| n.message.into()),
            ("starts_at", |n| to_millis(n.since).into()),
            ("ends_at", |_| Bind::Int(None)),
        ],
    )
    .await?;
    write::<Officer>(
        conn,
        "officers",
        &world.officers,
        &[
            ("id", |o| o.id.into()),
            ("name", |o| (&o.name).into()),
            ("badge", |o| (&o.badge).into()),
            ("home_port", |o| o.port.into()),
            ("on_shift", |o| o.on_shift.into()),
        ],
    )
    .await?;
    write::<Shipment>(
        conn,
        "shipments",
        &world.shipments,
        &[
            ("id", |s| s.id.into()),
            ("mode", |s| s.mode.code().into()),
            ("reference_kind", |s| s.paper.reference_kind.into()),
            ("reference", |s| (&s.paper.reference).into()),
            ("house_waybill", |s| s.paper.house_waybill.clone().into()),
            ("carrier", |s| (&s.paper.carrier).into()),
            ("voyage", |s| (&s.paper.voyage).into()),
            ("origin_country", |s| s.paper.origin_country.into()),
            ("origin_location", |s| (&s.paper.origin_location).into()),
            ("transit_location", |s| s.paper.transit.into()),
            ("port_code", |s| s.port.into()),
            ("shipper_name", |s| s.paper.shipper.0.into()),
            ("shipper_address", |s| s.paper.shipper.1.into()),
            ("consignee_name", |s| s.goods.consignee.name.into()),
            ("consignee_address", |s| s.goods.consignee.address.into()),
            ("importer_name", |s| s.goods.importer.name.into()),
            ("trusted_trader", |s| s.goods.importer.trusted.into()),
            ("hs_code", |s| s.goods.commodity.hs_code.into()),
            ("description", |s| {
                s.goods.description(&s.paper.reference).into()
            }),
            ("pieces", |s| s.paper.pieces.into()),
            ("weight_kg", |s| s.paper.weight_kg.into()),
            ("declared_value_cents", |s| s.paper.value_cents.into()),
            ("currency", |s| s.paper.currency.into()),
            ("eta_at", |s| to_millis(s.eta).into()),
            ("arrived_at", |s| s.arrived_at.map(to_millis).into()),
            ("released_at", |s| s.released_at.map(to_millis).into()),
            ("status", |s| s.status.code().into()),
            ("created_at", |s| to_millis(s.declared_at).into()),
            ("version", |s| s.version.into()),
        ],
    )
    .await?;
    write::<Hold>(
        conn,
        "holds",
        &world.holds,
        &[
            ("id", |h| h.id.into()),
            ("shipment_id", |h| h.shipment_id.into()),
            ("port_code", |h| h.port.into()),
            ("reason", |h| h.reason.code().into()),
            ("status", |h| h.status.code().into()),
            ("placed_at", |h| to_millis(h.placed_at).into()),
            ("placed_by", |h| (&h.placed_by).into()),
            ("due_at", |h| to_millis(h.due_at).into()),
            ("paused_ms", |h| h.paused_ms.into()),
            ("paused_since", |h| h.paused_since.map(to_millis).into()),
            ("resolved_at", |h| h.resolved_at.map(to_millis).into()),
            ("resolved_by", |h| h.resolved_by.clone().into()),
            ("agency", |h| h.agency.into()),
            ("notes", |h| (&h.notes).into()),
            ("version", |h| h.version.into()),
        ],
    )
    .await?;
    write::<Inspection>(
        conn,
        "inspections",
        &world.inspections,
        &[
            ("id", |i| i.id.into()),
            ("hold_id", |i| i.hold_id.into()),
            ("port_code", |i| i.port.into()),
            ("kind", |i| i.kind.code().into()),
            ("priority_rank", |i| i.priority.rank().into()),
            ("status", |i| i.status.code().into()),
            ("created_at", |i| to_millis(i.created_at).into()),
            ("due_at", |i| to_millis(i.due_at).into()),
            ("assigned_officer_id", |i| i.officer.into()),
            ("started_at", |i| i.started_at.map(to_millis).into()),
            ("completed_at", |i| i.completed_at.map(to_millis).into()),
            ("outcome", |i| i.outcome.map(|o| o.code()).into()),
            ("version", |i| i.version.into()),
        ],
    )
    .await?;

    let mut events = port_events;
    events.append(&mut world.events);
    events.sort_by_key(|e| e.at);
    let entries = events.len();
    record_many(conn, events.iter().map(|e| e.entry().values()).collect()).await?;
    Ok(entries)
}

/// Writes the shipments' scores and the rule versions that fired, once the rules and the
/// register of requests for assistance they name are written.
pub(super) async fn scores(conn: &mut AnyConnection, world: &World) -> Result<(), sqlx::Error> {
    write::<Score>(
        conn,
        "shipment_scores",
        &world.scores,
        &[
            ("id", |s| s.shipment_id.into()),
            ("shipment_id", |s| s.shipment_id.into()),
            ("scored_at", |s| to_millis(s.scored_at).into()),
            ("declaration_kind", |_| "full".into()),
            ("score", |s| s.assessment.score.into()),
            ("lane", |s| s.assessment.lane.code().into()),
            ("referral", |s| {
                s.assessment.referral.map(|r| r.code()).into()
            }),
            ("random_selected", |s| s.assessment.random.into()),
            ("trusted_credit", |s| s.assessment.trusted_credit.into()),
            ("ruleset", |s| (&s.assessment.ruleset).into()),
        ],
    )
    .await?;
    let hits: Vec<RuleHit> = world
        .scores
        .iter()
        .flat_map(|s| {
            s.assessment
                .hits
                .iter()
                .map(move |hit| RuleHit { score: s, hit })
        })
        .collect();
    write::<RuleHit>(
        conn,
        "score_hits",
        &hits,
        &[
            ("score_id", |h| h.score.shipment_id.into()),
            ("rule_id", |h| h.hit.rule_id.into()),
            ("rule_version", |h| h.hit.version.into()),
            ("shipment_id", |h| h.score.shipment_id.into()),
            ("scored_at", |h| to_millis(h.score.scored_at).into()),
            ("weight", |h| h.hit.weight.into()),
            ("rights_request_id", |h| h.hit.rights_request.into()),
        ],
    )
    .await?;
    Ok(())
}
