//! A record as it was at a past instant, from the record as it now is and the journal entries
//! about it (pure, unit-tested). The journal's `after` holds what each change set, not the
//! whole row; what it leaves out follows from the action and its instant (a pause starts the
//! pause at the entry's time, a resolution resolves the hold then). Fields a change never
//! touches (what a hold stops, when it was placed, its due time) are the row's own.

use crate::domain::clock::from_millis;
use crate::domain::{HoldStatus, InspectionStatus, Outcome, PortStatus, Priority, Vocabulary};
use crate::holds::HoldRow;
use crate::holds::decide::shipment_status;
use crate::inspections::{InspectionRow, OfficerRef};
use crate::journal::JournalEntry;
use crate::ports::{Notice, PortSummary};
use crate::shipments::Shipment;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;

fn field<'a>(value: &'a Option<Value>, key: &str) -> Option<&'a Value> {
    value.as_ref().and_then(|v| v.get(key))
}

fn code<T: Vocabulary>(value: &Option<Value>, key: &str) -> Option<T> {
    field(value, key).and_then(Value::as_str).and_then(T::parse)
}

fn int(value: &Option<Value>, key: &str) -> Option<i64> {
    field(value, key).and_then(Value::as_i64)
}

/// The version an entry leaves its record at: the one it names, else one more.
fn version(after: &Option<Value>, before: i64) -> i64 {
    int(after, "version").unwrap_or(before + 1)
}

/// The hold an inspection's entry moved, with what it made of it.
fn moved_hold(e: &JournalEntry) -> Option<&Value> {
    (e.entity == "inspection")
        .then(|| field(&e.after, "hold"))
        .flatten()
}

fn is_hold_entry(e: &JournalEntry, id: i64) -> bool {
    (e.entity == "hold" && e.entity_id == id.to_string())
        || moved_hold(e)
            .and_then(|h| h.get("id"))
            .and_then(Value::as_i64)
            == Some(id)
}

/// The hold as it was at `at`, from `now` (the row as it is) and `entries`, the journal
/// entries of its shipment in journal order; `None` when it was not yet placed.
pub fn hold_at(now: &HoldRow, entries: &[JournalEntry], at: DateTime<Utc>) -> Option<HoldRow> {
    if now.placed_at > at {
        return None;
    }
    let mine: Vec<&JournalEntry> = entries
        .iter()
        .filter(|e| is_hold_entry(e, now.id))
        .collect();
    if !mine.iter().any(|e| e.at > at) {
        return Some(now.clone());
    }
    let mut h = HoldRow {
        status: HoldStatus::Placed,
        version: 1,
        paused_ms: 0,
        paused_since: None,
        resolved_at: None,
        resolved_by: None,
        agency: None,
        ..now.clone()
    };
    for e in mine.into_iter().filter(|e| e.at <= at) {
        if let Some(moved) = moved_hold(e) {
            let after = Some(moved.clone());
            h.status = code(&after, "status").unwrap_or(h.status);
            h.version = version(&after, h.version);
            continue;
        }
        h.status = code(&e.after, "status").unwrap_or(h.status);
        match e.action.as_str() {
            "clock_paused" => {
                h.paused_since = Some(int(&e.after, "paused_since").map_or(e.at, from_millis));
            }
            "clock_resumed" => {
                let since = h.paused_since.take().unwrap_or(e.at);
                h.paused_ms = int(&e.after, "paused_ms")
                    .unwrap_or(h.paused_ms + (e.at - since).num_milliseconds());
            }
            _ => {}
        }
        if let Some(agency) = field(&e.after, "agency") {
            h.agency = agency.as_str().map(str::to_string);
        }
        if !h.status.is_active() && h.resolved_at.is_none() {
            // A resolution is final: what it wrote is the row's own.
            h.resolved_at = Some(e.at);
            h.resolved_by = now.resolved_by.clone();
            h.agency = now.agency.clone();
            h.paused_ms = now.paused_ms;
            h.paused_since = now.paused_since;
        }
        h.version = if e.action == "placed" {
            int(&e.after, "version").unwrap_or(1)
        } else {
            version(&e.after, h.version)
        };
    }
    Some(h)
}

/// The inspection as it was at `at`, from `now`, `entries` (its shipment's, in journal order)
/// and the officers who may have held it; `None` when it was not yet opened.
pub fn inspection_at(
    now: &InspectionRow,
    entries: &[JournalEntry],
    officers: &HashMap<i64, OfficerRef>,
    at: DateTime<Utc>,
) -> Option<InspectionRow> {
    if now.created_at > at {
        return None;
    }
    let id = now.id.to_string();
    let mine: Vec<&JournalEntry> = entries
        .iter()
        .filter(|e| e.entity == "inspection" && e.entity_id == id)
        .collect();
    if !mine.iter().any(|e| e.at > at) {
        return Some(now.clone());
    }
    let mut i = InspectionRow {
        status: InspectionStatus::Queued,
        assigned_officer: None,
        started_at: None,
        completed_at: None,
        outcome: None,
        version: 1,
        ..now.clone()
    };
    for e in mine.into_iter().filter(|e| e.at <= at) {
        i.status = code(&e.after, "status").unwrap_or(i.status);
        for key in ["officer_id", "assigned_officer_id"] {
            if let Some(officer) = field(&e.after, key) {
                i.assigned_officer = officer.as_i64().and_then(|o| officers.get(&o).cloned());
            }
        }
        if let Some(p) = code::<Priority>(&e.after, "priority") {
            i.priority = p;
            i.due_at = i.created_at + i.kind.due_after(p);
        }
        if i.status == InspectionStatus::InProgress && i.started_at.is_none() {
            i.started_at = Some(e.at);
        }
        if !i.status.is_open() && i.completed_at.is_none() {
            i.completed_at = Some(e.at);
            i.outcome = code::<Outcome>(&e.after, "outcome");
        }
        i.version = if e.action == "opened" {
            int(&e.after, "version").unwrap_or(1)
        } else {
            version(&e.after, i.version)
        };
    }
    Some(i)
}

/// The shipment as it was at `at`, from `now`, when it was declared and `entries` (its own,
/// its holds' and inspections', in journal order). Its status follows its holds as the holds'
/// operations settle it; `None` when it was not yet declared.
pub fn shipment_at(
    now: &Shipment,
    created_at: DateTime<Utc>,
    entries: &[JournalEntry],
    at: DateTime<Utc>,
) -> Option<Shipment> {
    if created_at > at {
        return None;
    }
    if !entries.iter().any(|e| e.at > at) {
        return Some(now.clone());
    }
    Some(shipment_replayed(now, entries, at))
}

/// The shipment its journal `entries` (its own, its holds' and inspections', in journal order)
/// make of it up to `at`, from its declaration: its status, version and arrival and release
/// times; its other fields (what was declared) are `now`'s.
pub fn shipment_replayed(now: &Shipment, entries: &[JournalEntry], at: DateTime<Utc>) -> Shipment {
    let mut s = Shipment {
        arrived_at: None,
        released_at: None,
        version: 1,
        ..now.clone()
    };
    let mut holds: HashMap<String, HoldStatus> = HashMap::new();
    for e in entries.iter().filter(|e| e.at <= at) {
        match e.entity.as_str() {
            "shipment" => {
                if let Some(status) = code(&e.after, "status") {
                    s.status = status;
                }
                match s.status {
                    crate::domain::ShipmentStatus::Arrived => s.arrived_at = Some(e.at),
                    crate::domain::ShipmentStatus::Released => s.released_at = Some(e.at),
                    _ => {}
                }
                s.version = if e.action == "declared" {
                    int(&e.after, "version").unwrap_or(1)
                } else {
                    version(&e.after, s.version)
                };
            }
            "hold" => {
                let Some(status) = code::<HoldStatus>(&e.after, "status") else {
                    continue;
                };
                let was = holds.insert(e.entity_id.clone(), status);
                if e.action != "placed" && was == Some(status) {
                    continue;
                }
                let active = holds.values().filter(|h| h.is_active()).count() as i64;
                let closed_as = (e.action != "placed").then_some(status);
                s.status = shipment_status(active, closed_as);
                if s.status == crate::domain::ShipmentStatus::Released {
                    s.released_at = Some(e.at);
                }
                s.version += 1;
                if !matches!(s.status, crate::domain::ShipmentStatus::Held)
                    && s.arrived_at.is_none()
                {
                    s.arrived_at = now.arrived_at.filter(|a| *a <= at);
                }
            }
            _ => {
                let moved = moved_hold(e);
                let id = moved.and_then(|m| m.get("id")).and_then(Value::as_i64);
                let status = moved
                    .and_then(|m| m.get("status"))
                    .and_then(Value::as_str)
                    .and_then(HoldStatus::parse);
                if let (Some(id), Some(status)) = (id, status) {
                    holds.insert(id.to_string(), status);
                }
            }
        }
    }
    if s.arrived_at.is_none() {
        s.arrived_at = now.arrived_at.filter(|a| *a <= at);
    }
    s
}

/// The port's own fields as they were at `at`: each from the `before` of the first entry
/// after `at` that changed it (`after_at`, in journal order), else as they now are. Its
/// workload is counted by the caller.
pub fn port_at(now: &PortSummary, after_at: &[JournalEntry]) -> PortSummary {
    let mut p = now.clone();
    let mut seen: Vec<&str> = vec![];
    let mut first = |key: &'static str| -> Option<&Value> {
        if seen.contains(&key) {
            return None;
        }
        let found = after_at
            .iter()
            .find_map(|e| field(&e.before, key).filter(|_| e.before.is_some()));
        if found.is_some() {
            seen.push(key);
        }
        found
    };
    let opt_ms = |v: &Value| v.as_i64().map(from_millis);
    if let Some(v) = first("status") {
        p.status = v.as_str().and_then(PortStatus::parse).unwrap_or(p.status);
        if p.status == PortStatus::Open {
            p.status_reason = None;
            p.expected_return_at = None;
        }
    }
    if let Some(v) = first("status_reason") {
        p.status_reason = v.as_str().map(str::to_string);
    }
    if let Some(v) = first("expected_return_at") {
        p.expected_return_at = opt_ms(v);
    }
    if let Some(v) = first("lanes_open") {
        p.lanes_open = v.as_i64().unwrap_or(p.lanes_open);
    }
    if let Some(v) = first("lanes_available") {
        p.lanes_available = v.as_i64().unwrap_or(p.lanes_available);
    }
    if let Some(v) = first("officers_on_shift") {
        p.officers_on_shift = v.as_i64().unwrap_or(p.officers_on_shift);
    }
    if let Some(v) = first("commercial_wait_min") {
        p.commercial_wait_min = v.as_i64();
    }
    if let Some(v) = first("traveller_wait_min") {
        p.traveller_wait_min = v.as_i64();
    }
    if let Some(v) = first("waits_measured_at") {
        p.waits_measured_at = opt_ms(v);
    }
    if let Some(v) = first("version") {
        p.version = v.as_i64().unwrap_or(p.version);
    }
    p
}

/// A notice in force at an instant as it read then: from the `before.notice` of the first
/// entry after that instant that changed it, else as it now reads.
pub fn notice_at(now: &Notice, after_at: &[JournalEntry]) -> Notice {
    let Some(before) = after_at.iter().find_map(|e| {
        field(&e.before, "notice").filter(|n| n.get("id").and_then(Value::as_i64) == Some(now.id))
    }) else {
        return now.clone();
    };
    let before = Some(before.clone());
    Notice {
        kind: code(&before, "kind").unwrap_or(now.kind),
        severity: code(&before, "severity").unwrap_or(now.severity),
        message: field(&before, "message")
            .and_then(Value::as_str)
            .map_or_else(|| now.message.clone(), str::to_string),
        expires_at: match field(&before, "expires_at") {
            Some(v) => v.as_i64().map(from_millis),
            None => now.expires_at,
        },
        version: int(&before, "version").unwrap_or(now.version),
        ..now.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::HoldReason;
    use chrono::TimeZone;
    use serde_json::json;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).unwrap()
    }

    fn entry(
        entity: &str,
        id: i64,
        action: &str,
        when: DateTime<Utc>,
        after: Value,
    ) -> JournalEntry {
        JournalEntry {
            seq: 0,
            at: when,
            actor: "o.fficer".into(),
            entity: entity.into(),
            entity_id: id.to_string(),
            shipment_id: Some(7),
            port_code: Some("YVR".into()),
            action: action.into(),
            before: None,
            after: Some(after),
            reason: None,
        }
    }

    /// A hold placed at 10:00, paused at 10:10, resumed at 10:20, released at 10:30, as its
    /// row now stands.
    fn released_hold() -> (HoldRow, Vec<JournalEntry>) {
        let now = HoldRow {
            id: 3,
            shipment_id: 7,
            shipment_reference: "AWB 176-12345675".into(),
            description: "Lithium batteries".into(),
            importer_name: "Maple Imports".into(),
            port_code: "YVR".into(),
            port_time_zone: "America/Vancouver".into(),
            reason: HoldReason::Random,
            status: HoldStatus::Released,
            placed_at: at(10, 0),
            placed_by: "O. Fficer (Y1001)".into(),
            due_at: at(14, 0),
            paused_ms: 600_000,
            paused_since: None,
            resolved_at: Some(at(10, 30)),
            resolved_by: Some("O. Fficer (Y1001)".into()),
            agency: None,
            notes: String::new(),
            version: 4,
        };
        let entries = vec![
            entry(
                "hold",
                3,
                "placed",
                at(10, 0),
                json!({"status": "placed", "version": 1}),
            ),
            entry(
                "hold",
                3,
                "clock_paused",
                at(10, 10),
                json!({"status": "placed", "version": 2}),
            ),
            entry(
                "hold",
                3,
                "clock_resumed",
                at(10, 20),
                json!({"status": "placed", "version": 3}),
            ),
            entry(
                "hold",
                3,
                "released",
                at(10, 30),
                json!({"status": "released", "version": 4}),
            ),
            entry(
                "hold",
                9,
                "released",
                at(10, 40),
                json!({"status": "released", "version": 8}),
            ),
        ];
        (now, entries)
    }

    #[test]
    fn a_hold_is_folded_back_to_each_moment_of_its_story() {
        let (now, entries) = released_hold();
        assert_eq!(hold_at(&now, &entries, at(9, 59)), None, "not yet placed");
        let paused = hold_at(&now, &entries, at(10, 15)).unwrap();
        assert_eq!(paused.status, HoldStatus::Placed);
        assert_eq!(paused.paused_since, Some(at(10, 10)));
        assert_eq!((paused.paused_ms, paused.version), (0, 2));
        assert_eq!(
            (paused.resolved_at, paused.resolved_by.clone()),
            (None, None)
        );
        let resumed = hold_at(&now, &entries, at(10, 25)).unwrap();
        assert_eq!(resumed.paused_since, None);
        assert_eq!((resumed.paused_ms, resumed.version), (600_000, 3));
        // From its release on, the hold is its row: another hold's later entry changes nothing.
        assert_eq!(hold_at(&now, &entries, at(10, 30)).unwrap(), now);
        assert_eq!(hold_at(&now, &entries, at(11, 0)).unwrap(), now);
    }

    #[test]
    fn an_examination_moves_its_hold_in_the_past_too() {
        let (mut now, _) = released_hold();
        now.status = HoldStatus::Examination;
        now.resolved_at = None;
        now.resolved_by = None;
        now.paused_ms = 0;
        now.version = 2;
        let mut started = entry(
            "inspection",
            5,
            "started",
            at(10, 5),
            json!({"status": "in_progress"}),
        );
        started.after.as_mut().unwrap()["hold"] =
            json!({"id": 3, "status": "examination", "version": 2});
        let entries = vec![
            entry(
                "hold",
                3,
                "placed",
                at(10, 0),
                json!({"status": "placed", "version": 1}),
            ),
            started,
        ];
        let before = hold_at(&now, &entries, at(10, 1)).unwrap();
        assert_eq!((before.status, before.version), (HoldStatus::Placed, 1));
        assert_eq!(hold_at(&now, &entries, at(10, 6)).unwrap(), now);
    }

    #[test]
    fn a_port_takes_back_what_each_later_change_found() {
        let now = PortSummary {
            code: "YVR".into(),
            name: "Vancouver".into(),
            kind: crate::domain::Mode::Air,
            province: "BC".into(),
            time_zone: "America/Vancouver".into(),
            status: PortStatus::Limited,
            status_reason: Some("scanner down".into()),
            expected_return_at: None,
            hours: "24/7".into(),
            lanes_open: 1,
            lanes_available: 6,
            officers_on_shift: 2,
            commercial_wait_min: Some(30),
            traveller_wait_min: None,
            waits_measured_at: Some(at(11, 0)),
            active_holds: 0,
            holds_overdue: 0,
            queued_inspections: 0,
            open_inspections: 0,
            inspections_overdue: 0,
            notices: vec![],
            version: 9,
            latitude: None,
            longitude: None,
        };
        let mut lanes = entry("port", 0, "lanes_set", at(10, 30), json!({}));
        lanes.before = Some(
            json!({"status": "open", "status_reason": null, "lanes_open": 4,
            "lanes_available": 6, "officers_on_shift": 5, "version": 6}),
        );
        let mut staffing = entry("port", 0, "staffing_set", at(10, 40), json!({}));
        staffing.before = Some(
            json!({"status": "open", "lanes_open": 1, "officers_on_shift": 3,
            "version": 7}),
        );
        let mut waits = entry("port", 0, "waits_measured", at(11, 0), json!({}));
        waits.before = Some(
            json!({"commercial_wait_min": 10, "traveller_wait_min": null,
            "waits_measured_at": crate::domain::clock::to_millis(at(9, 0)), "version": 8}),
        );
        let then = port_at(&now, &[lanes, staffing, waits]);
        assert_eq!(
            (then.status, then.status_reason.clone()),
            (PortStatus::Open, None)
        );
        assert_eq!((then.lanes_open, then.officers_on_shift), (4, 5));
        assert_eq!(then.commercial_wait_min, Some(10));
        assert_eq!(then.waits_measured_at, Some(at(9, 0)));
        assert_eq!(then.version, 6);
        assert_eq!(port_at(&now, &[]), now, "nothing changed since");
    }
}
