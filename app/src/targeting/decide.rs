//! Targeting's pure decisions, unit-tested without a database: why a declaration is refused
//! before it is scored, what a score asks for (a hold, and the examination that goes with
//! it), how a hold placed on a score explains itself, what a resend changed, and which
//! examinations open within a port's capacity and which wait.

use super::{Assessment, Declaration, DeclarationKind, FieldError, Lane, Rule, Settings};
use crate::domain::{HoldReason, InspectionKind, PortScope, Priority, Referral};
use crate::rights::RightsRequest;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A shipment already stored under the reference of a declaration.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub status: String,
    pub version: i64,
    pub declaration: Declaration,
}

/// Why a declaration may not be stored: a port the account may not declare at, or a shipment
/// that can no longer change. Empty when it may.
pub fn refusals(d: &Declaration, stored: Option<&Stored>, ports: &PortScope) -> Vec<FieldError> {
    let mut errors = vec![];
    let mut refuse = |field: &str, reason: String| {
        errors.push(FieldError {
            field: field.into(),
            reason,
        })
    };
    if !ports.covers(&d.port_code) {
        refuse(
            "port_code",
            crate::i18n::td_string!(
                crate::lang::current(),
                targeting.stored.not_your_port,
                port = d.port_code.clone(),
                ports = ports
            )
            .to_string(),
        );
    }
    if let Some(p) = stored {
        if !ports.covers(&p.declaration.port_code) {
            refuse(
                "port_code",
                crate::i18n::td_string!(
                    crate::lang::current(),
                    targeting.stored.declared_elsewhere,
                    port = p.declaration.port_code.clone()
                )
                .to_string(),
            );
        } else if !matches!(p.status.as_str(), "awaiting_arrival" | "arrived" | "held") {
            refuse(
                "reference",
                crate::i18n::td_string!(
                    crate::lang::current(),
                    targeting.stored.final_state,
                    reference = d.reference.clone(),
                    status = final_status(&p.status)
                )
                .to_string(),
            );
        }
    }
    errors
}

/// What a score asks for: a hold (and the examination, if any, that goes with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub reason: HoldReason,
    pub exam: Option<(InspectionKind, Priority)>,
}

/// The hold a scored declaration needs, if any: a pre-load declaration only when it must not
/// be loaded; a full one by its lane, or because it was selected at random.
pub fn plan(d: &Declaration, a: &Assessment, settings: &Settings) -> Option<Plan> {
    match d.declaration_kind {
        DeclarationKind::PreLoad => (a.referral == Some(Referral::DoNotLoad)).then_some(Plan {
            reason: HoldReason::DoNotLoad,
            exam: None,
        }),
        DeclarationKind::Full => match (a.lane, a.random) {
            (Lane::Red, _) => Some(Plan {
                // Goods under a request for assistance are detained for the rights holder.
                reason: if a.hits.iter().any(|h| h.rights_request.is_some()) {
                    HoldReason::IntellectualProperty
                } else {
                    HoldReason::RiskTarget
                },
                exam: Some((
                    a.exam,
                    if a.score >= settings.dnl_at {
                        Priority::Urgent
                    } else {
                        Priority::High
                    },
                )),
            }),
            (_, true) => Some(Plan {
                reason: HoldReason::Random,
                exam: Some((a.exam, Priority::Routine)),
            }),
            (Lane::Yellow, false) => Some(Plan {
                reason: HoldReason::Documentation,
                exam: Some((InspectionKind::DocumentReview, Priority::Normal)),
            }),
            (Lane::Green, false) => None,
        },
    }
}

/// A status after which a declaration can no longer change, as a sentence says it.
fn final_status(code: &str) -> String {
    let l = crate::lang::current();
    match code {
        "released" => crate::i18n::td_string!(l, targeting.stored.final_status.released).into(),
        "seized" => crate::i18n::td_string!(l, targeting.stored.final_status.seized).into(),
        "referred" => crate::i18n::td_string!(l, targeting.stored.final_status.referred).into(),
        "returned" => crate::i18n::td_string!(l, targeting.stored.final_status.returned).into(),
        other => other.replace('_', " "),
    }
}

/// "score 72 (red): Origin on the synthetic-opioid source list; First-time importer"; a
/// rights-request rule with the request it matched.
pub fn explanation(a: &Assessment, rules: &[Rule], rights: &[RightsRequest]) -> String {
    let l = crate::lang::current();
    let reasons: Vec<String> = a
        .hits
        .iter()
        .filter_map(|h| Some((h, rules.iter().find(|r| r.id == h.rule_id)?)))
        .map(|(h, r)| {
            match h
                .rights_request
                .and_then(|id| rights.iter().find(|q| q.id == id))
            {
                Some(q) => crate::i18n::td_string!(
                    l,
                    targeting.stored.reason_rights,
                    rule = r.name.as_str(),
                    id = q.id,
                    holder = q.rights_holder.as_str()
                )
                .to_string(),
                None => r.name.clone(),
            }
        })
        .collect();
    let head = if a.random {
        crate::i18n::td_string!(
            l,
            targeting.stored.explanation_random,
            score = a.score,
            lane = a.lane.code()
        )
        .to_string()
    } else {
        crate::i18n::td_string!(
            l,
            targeting.stored.explanation,
            score = a.score,
            lane = a.lane.code()
        )
        .to_string()
    };
    if reasons.is_empty() {
        head
    } else {
        crate::i18n::td_string!(
            l,
            targeting.stored.explanation_reasons,
            head = head,
            reasons = reasons.join("; ")
        )
        .to_string()
    }
}

/// The fields that differ between two versions of a declaration, before and after.
pub fn changes(old: &Declaration, new: &Declaration) -> (Map<String, Value>, Map<String, Value>) {
    let (Value::Object(old), Value::Object(new)) = (json!(old), json!(new)) else {
        return Default::default();
    };
    let mut before = Map::new();
    let mut after = Map::new();
    for (key, value) in &new {
        if old.get(key) != Some(value) {
            before.insert(key.clone(), old.get(key).cloned().unwrap_or(Value::Null));
            after.insert(key.clone(), value.clone());
        }
    }
    (before, after)
}

/// An examination asked for, to open now or to wait for capacity.
#[derive(Debug, Clone)]
pub struct ExamRequest {
    /// `Some` for a referral already waiting.
    pub waiting_id: Option<i64>,
    /// Position of the declaration in the chunk, for a new referral.
    pub item: Option<usize>,
    pub shipment_id: i64,
    pub hold_id: i64,
    pub port: String,
    pub kind: InspectionKind,
    pub priority: Priority,
    pub score: i64,
    /// Since when it is asked for (epoch milliseconds).
    pub since: i64,
}

/// (port, inspection type) → a count or a capacity.
pub type PerPortAndKind = HashMap<(String, InspectionKind), i64>;

/// Which examinations open now and which wait. Per port and inspection type, the highest
/// score goes first (then the longest waiting, then the earliest shipment), as many as the
/// capacity per hour leaves after those `used` in the last hour; where no capacity is set,
/// all open.
pub fn allot(
    mut groups: HashMap<(String, InspectionKind), Vec<ExamRequest>>,
    capacity: &PerPortAndKind,
    used: &PerPortAndKind,
) -> (Vec<ExamRequest>, Vec<ExamRequest>) {
    let mut open = vec![];
    let mut wait = vec![];
    let mut keys: Vec<(String, InspectionKind)> = groups.keys().cloned().collect();
    keys.sort();
    for key in keys {
        let mut requests = groups.remove(&key).unwrap_or_default();
        requests.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.since.cmp(&b.since))
                .then(a.shipment_id.cmp(&b.shipment_id))
        });
        let free = match capacity.get(&key) {
            None => usize::MAX,
            Some(per_hour) => (per_hour - used.get(&key).copied().unwrap_or(0)).max(0) as usize,
        };
        let rest = requests.split_off(free.min(requests.len()));
        open.extend(requests);
        wait.extend(rest);
    }
    (open, wait)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Mode;
    use crate::targeting::Hit;
    use crate::targeting::RuleKind;

    fn declaration(kind: DeclarationKind, port: &str) -> Declaration {
        Declaration {
            mode: Mode::Air,
            declaration_kind: kind,
            reference_kind: "air_waybill".into(),
            reference: "176-12345675".into(),
            house_waybill: None,
            carrier: "AC".into(),
            voyage: "AC 100".into(),
            origin_country: "FR".into(),
            origin_location: "CDG".into(),
            transit_country: None,
            transit_location: None,
            routing: None,
            port_code: port.into(),
            shipper_name: "Lyon Pharma SA".into(),
            shipper_address: "Gerland, Lyon".into(),
            consignee_name: "Maple Imports".into(),
            consignee_address: "1 Test St".into(),
            importer_name: "Maple Imports".into(),
            trusted_trader: None,
            hs_code: "8471.30".into(),
            description: "Laptops".into(),
            pieces: 2,
            weight_kg: 30.0,
            declared_value_cents: 1_500_000,
            currency: "CAD".into(),
            eta: chrono::Utc::now(),
        }
    }

    fn assessment(score: i64, lane: Lane, random: bool) -> Assessment {
        Assessment {
            score,
            hits: vec![Hit {
                rule_id: 7,
                version: 1,
                kind: RuleKind::Intelligence,
                weight: score,
                inspection: None,
                rights_request: None,
            }],
            trusted_credit: 0,
            lane,
            referral: None,
            random,
            exam: InspectionKind::Xray,
            ruleset: String::new(),
        }
    }

    #[test]
    fn a_score_asks_for_the_hold_and_examination_of_its_lane() {
        let settings = Settings::default();
        let full = declaration(DeclarationKind::Full, "YVR");
        let red = plan(&full, &assessment(95, Lane::Red, false), &settings).unwrap();
        assert_eq!(red.reason, HoldReason::RiskTarget);
        assert_eq!(red.exam, Some((InspectionKind::Xray, Priority::Urgent)));
        let red = plan(&full, &assessment(70, Lane::Red, false), &settings).unwrap();
        assert_eq!(red.exam, Some((InspectionKind::Xray, Priority::High)));
        let random = plan(&full, &assessment(0, Lane::Green, true), &settings).unwrap();
        assert_eq!(random.reason, HoldReason::Random);
        let yellow = plan(&full, &assessment(40, Lane::Yellow, false), &settings).unwrap();
        assert_eq!(
            yellow.exam,
            Some((InspectionKind::DocumentReview, Priority::Normal))
        );
        assert_eq!(
            plan(&full, &assessment(0, Lane::Green, false), &settings),
            None
        );
        let pre_load = declaration(DeclarationKind::PreLoad, "YVR");
        let mut dnl = assessment(95, Lane::Red, false);
        dnl.referral = Some(Referral::DoNotLoad);
        assert_eq!(
            plan(&pre_load, &dnl, &settings),
            Some(Plan {
                reason: HoldReason::DoNotLoad,
                exam: None
            })
        );
        assert_eq!(
            plan(&pre_load, &assessment(95, Lane::Red, false), &settings),
            None
        );
    }

    #[test]
    fn goods_under_a_request_for_assistance_sent_to_red_are_detained_for_the_rights_holder() {
        let settings = Settings::default();
        let full = declaration(DeclarationKind::Full, "YVR");
        let mut matched = assessment(70, Lane::Red, false);
        matched.hits[0].kind = RuleKind::RightsRequest;
        matched.hits[0].rights_request = Some(3);
        matched.exam = InspectionKind::Physical;
        let held = plan(&full, &matched, &settings).unwrap();
        assert_eq!(held.reason, HoldReason::IntellectualProperty);
        assert_eq!(held.exam, Some((InspectionKind::Physical, Priority::High)));
        let mut yellow = matched.clone();
        yellow.score = 40;
        yellow.lane = Lane::Yellow;
        assert_eq!(
            plan(&full, &yellow, &settings).unwrap().reason,
            HoldReason::Documentation,
            "a match that does not reach red is a documentation check, as any yellow"
        );
    }

    #[test]
    fn a_declaration_is_refused_outside_the_accounts_ports_or_once_it_cannot_change() {
        let d = declaration(DeclarationKind::Full, "YVR");
        let only_yyz = PortScope::Only(vec!["YYZ".into()]);
        assert_eq!(refusals(&d, None, &only_yyz)[0].field, "port_code");
        assert!(refusals(&d, None, &PortScope::All).is_empty());
        let mut stored = Stored {
            id: 1,
            status: "released".into(),
            version: 3,
            declaration: d.clone(),
        };
        let refused = refusals(&d, Some(&stored), &PortScope::All);
        assert_eq!(refused[0].field, "reference");
        assert!(refused[0].reason.contains("is released;"));
        stored.status = "held".into();
        assert!(refusals(&d, Some(&stored), &PortScope::All).is_empty());
    }

    #[test]
    fn a_resend_shows_only_what_changed() {
        let old = declaration(DeclarationKind::Full, "YVR");
        let mut new = old.clone();
        new.pieces = 3;
        let (before, after) = changes(&old, &new);
        assert_eq!(Value::Object(before), json!({ "pieces": 2 }));
        assert_eq!(Value::Object(after), json!({ "pieces": 3 }));
    }

    #[test]
    fn the_highest_scores_take_the_free_slots_and_the_rest_wait() {
        let request = |shipment_id: i64, score: i64, since: i64| ExamRequest {
            waiting_id: None,
            item: None,
            shipment_id,
            hold_id: shipment_id,
            port: "YVR".into(),
            kind: InspectionKind::Xray,
            priority: Priority::High,
            score,
            since,
        };
        let key = ("YVR".to_string(), InspectionKind::Xray);
        let groups = HashMap::from([(
            key.clone(),
            vec![request(1, 60, 0), request(2, 90, 5), request(3, 60, -5)],
        )]);
        let capacity = HashMap::from([(key.clone(), 3)]);
        let used = HashMap::from([(key, 1)]);
        let (open, wait) = allot(groups.clone(), &capacity, &used);
        let ids = |r: &[ExamRequest]| r.iter().map(|r| r.shipment_id).collect::<Vec<_>>();
        assert_eq!(ids(&open), [2, 3]);
        assert_eq!(ids(&wait), [1]);
        let (open, wait) = allot(groups, &HashMap::new(), &used);
        assert_eq!((open.len(), wait.len()), (3, 0));
    }
}
