//! Scoring a declaration against the rules: pure functions, no I/O, so that the same rules and
//! the same data always give the same score, lane and random selection, on the server and in
//! the browser (a draft rule is tried with the same code that scores live traffic).

use super::{
    Assessment, Declaration, DeclarationKind, Hit, Indicator, Lane, Rule, Settings, normalize_name,
};
use crate::domain::{InspectionKind, Referral};
use crate::rights::RightsRequest;

/// What the scorer knows about a declaration beyond its own fields.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct History<'a> {
    /// The importer had a shipment before this one.
    pub importer_seen_before: bool,
    /// The register of requests for assistance, whether in force or not.
    pub rights: &'a [RightsRequest],
}

/// The first request for assistance (by number) that `d` falls under: in force on the day
/// the goods arrive (UTC), covering their HS code, a registered mark named in the
/// description, and, when `countries` are listed, the goods coming from or through one.
pub fn rights_match<'a>(
    countries: &[String],
    d: &Declaration,
    history: History<'a>,
) -> Option<&'a RightsRequest> {
    let listed = |c: &str| countries.iter().any(|l| l.eq_ignore_ascii_case(c));
    let on_route = countries.is_empty()
        || listed(&d.origin_country)
        || d.transit_country.as_deref().is_some_and(listed);
    if !on_route || d.hs_code.is_empty() {
        return None;
    }
    let day = d.eta.date_naive();
    history
        .rights
        .iter()
        .filter(|r| !r.matches(&d.description, &d.hs_code, day).is_empty())
        .min_by_key(|r| r.id)
}

/// Whether one indicator fires for a declaration.
pub fn fires(indicator: &Indicator, d: &Declaration, history: History) -> bool {
    match indicator {
        Indicator::Country { countries, on } => {
            let listed = |c: &str| countries.iter().any(|l| l.eq_ignore_ascii_case(c));
            let origin = on.includes_origin() && listed(&d.origin_country);
            let transit = on.includes_transit() && d.transit_country.as_deref().is_some_and(listed);
            origin || transit
        }
        Indicator::HsPrefix { prefixes } => {
            !d.hs_code.is_empty() && prefixes.iter().any(|p| d.hs_code.starts_with(p.as_str()))
        }
        Indicator::WatchList { parties } => {
            let shipper = normalize_name(&d.shipper_name);
            let consignee = normalize_name(&d.consignee_name);
            parties
                .iter()
                .map(|p| normalize_name(p))
                .any(|p| !p.is_empty() && (p == shipper || p == consignee))
        }
        Indicator::FirstTimeImporter {} => !history.importer_seen_before,
        Indicator::ValuePerKg {
            hs_prefix,
            min_cents_per_kg,
            max_cents_per_kg,
        } => {
            // A pre-load declaration carries no value: nothing to compare.
            if d.declared_value_cents <= 0
                || d.hs_code.is_empty()
                || !d.hs_code.starts_with(hs_prefix.as_str())
                || d.weight_kg <= 0.0
            {
                return false;
            }
            let per_kg = d.declared_value_cents as f64 / d.weight_kg;
            per_kg < *min_cents_per_kg as f64 || per_kg > *max_cents_per_kg as f64
        }
        Indicator::Routing { max_stops, via } => {
            let stops = stops(d);
            let too_many = max_stops.is_some_and(|max| stops.len() > max as usize);
            let through = stops
                .iter()
                .any(|s| via.iter().any(|v| v.eq_ignore_ascii_case(s)));
            too_many || through
        }
        Indicator::Intelligence { party, .. } => {
            let party = normalize_name(party);
            !party.is_empty()
                && [&d.shipper_name, &d.consignee_name, &d.importer_name]
                    .iter()
                    .any(|name| normalize_name(name).contains(&party))
        }
        Indicator::RightsRequest { countries } => rights_match(countries, d, history).is_some(),
    }
}

/// The places the goods stop between origin and arrival: the inner legs of the routing
/// (`PVG-ANC-YVR` stops at ANC), or the transit location when no routing is given.
pub fn stops(d: &Declaration) -> Vec<String> {
    let legs: Vec<String> = d
        .routing
        .as_deref()
        .unwrap_or_default()
        .split(|c: char| matches!(c, '-' | '>' | ',' | '/') || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_uppercase())
        .collect();
    if legs.len() > 2 {
        legs[1..legs.len() - 1].to_vec()
    } else if legs.is_empty() {
        d.transit_location
            .iter()
            .map(|t| t.to_ascii_uppercase())
            .collect()
    } else {
        vec![]
    }
}

/// The lane of a full declaration with this score.
pub fn lane_for(score: i64, settings: &Settings) -> Lane {
    if score >= settings.red_at {
        Lane::Red
    } else if score >= settings.yellow_at {
        Lane::Yellow
    } else {
        Lane::Green
    }
}

/// The referral of a pre-load declaration with this score, if any.
pub fn referral_for(score: i64, settings: &Settings) -> Option<Referral> {
    if score >= settings.dnl_at {
        Some(Referral::DoNotLoad)
    } else if score >= settings.rfs_at {
        Some(Referral::RequestForScreening)
    } else if score >= settings.rfi_at {
        Some(Referral::RequestForInformation)
    } else {
        None
    }
}

pub use crate::domain::hash::stable_hash;

/// Names the set of enabled rule versions, whatever their order: part of every score, and the
/// seed of random selection, so that a new rule set draws anew.
pub fn ruleset_fingerprint(rules: &[Rule]) -> String {
    let mut versions: Vec<(i64, i64)> = rules
        .iter()
        .filter(|r| r.enabled)
        .map(|r| (r.id, r.version))
        .collect();
    versions.sort_unstable();
    let text: Vec<String> = versions.iter().map(|(id, v)| format!("{id}.{v}")).collect();
    format!("{:016x}", stable_hash(text.join(",").as_bytes()))
}

/// Whether the minimum random rate selects this declaration: a hash of its reference and the
/// rule set, below the rate. Deterministic, uniform, and not something a trader can steer
/// except by changing the reference.
pub fn randomly_selected(reference_key: &str, ruleset: &str, rate_bp: u32) -> bool {
    if rate_bp == 0 {
        return false;
    }
    let draw = stable_hash(format!("{reference_key}|{ruleset}").as_bytes()) % 10_000;
    draw < u64::from(rate_bp)
}

/// Scores one declaration. `ruleset` is [`ruleset_fingerprint`] of `rules` (computed once per
/// batch by the caller).
pub fn assess(
    d: &Declaration,
    history: History,
    rules: &[Rule],
    ruleset: &str,
    settings: &Settings,
) -> Assessment {
    let mut hits: Vec<Hit> = rules
        .iter()
        .filter(|r| r.enabled && fires(&r.indicator, d, history))
        .map(|r| Hit {
            rule_id: r.id,
            version: r.version,
            kind: r.indicator.kind(),
            weight: r.weight,
            inspection: r.inspection,
            rights_request: match &r.indicator {
                Indicator::RightsRequest { countries } => {
                    rights_match(countries, d, history).map(|request| request.id)
                }
                _ => None,
            },
        })
        .collect();
    hits.sort_by_key(|h| (h.rule_id, h.version));
    let raw: i64 = hits.iter().map(|h| h.weight).sum();
    let trusted_credit = if d.trusted_trader.is_some() {
        settings.trusted_credit.min(raw)
    } else {
        0
    };
    let score = raw - trusted_credit;
    let lane = lane_for(score, settings);
    let (referral, random) = match d.declaration_kind {
        DeclarationKind::PreLoad => (referral_for(score, settings), false),
        DeclarationKind::Full => (
            None,
            lane != Lane::Red
                && randomly_selected(&d.reference_key(), ruleset, settings.random_rate_bp),
        ),
    };
    // The examination a red lane asks for: that of the heaviest rule that names one.
    let exam = hits
        .iter()
        .filter_map(|h| {
            h.inspection
                .map(|k| (h.weight, std::cmp::Reverse(h.rule_id), k))
        })
        .max()
        .map(|(_, _, k)| k)
        .unwrap_or(InspectionKind::Xray);
    Assessment {
        score,
        lane,
        referral,
        random,
        hits,
        trusted_credit,
        ruleset: ruleset.to_string(),
        exam,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Mode;
    use crate::targeting::CountryRole;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn declaration() -> Declaration {
        Declaration {
            mode: Mode::Air,
            declaration_kind: DeclarationKind::Full,
            reference_kind: "air_waybill".into(),
            reference: "176-12345675".into(),
            house_waybill: None,
            carrier: "AC".into(),
            voyage: "AC 871".into(),
            origin_country: "FR".into(),
            origin_location: "CDG".into(),
            transit_country: None,
            transit_location: None,
            routing: None,
            port_code: "YUL".into(),
            shipper_name: "Lumière Export SARL".into(),
            shipper_address: "Paris".into(),
            consignee_name: "Maple Imports Inc.".into(),
            consignee_address: "Montréal".into(),
            importer_name: "Maple Imports Inc.".into(),
            trusted_trader: None,
            hs_code: "851713".into(),
            description: "Smartphones".into(),
            pieces: 10,
            weight_kg: 100.0,
            declared_value_cents: 3_000_000,
            currency: "CAD".into(),
            eta: chrono::Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap(),
        }
    }

    fn rule(id: i64, weight: i64, indicator: Indicator) -> Rule {
        Rule {
            id,
            version: 1,
            name: format!("rule {id}"),
            enabled: true,
            indicator,
            weight,
            reason: "r".into(),
            instructions: "i".into(),
            inspection: None,
            author: "analyst".into(),
            created_at: chrono::Utc.timestamp_millis_opt(0).unwrap(),
        }
    }

    const SEEN: History = History {
        importer_seen_before: true,
        rights: &[],
    };

    #[test]
    fn country_fires_on_origin_or_transit_as_asked() {
        let mut d = declaration();
        let origin = Indicator::Country {
            countries: vec!["fr".into()],
            on: CountryRole::Origin,
        };
        assert!(fires(&origin, &d, SEEN));
        let transit = Indicator::Country {
            countries: vec!["AE".into()],
            on: CountryRole::Transit,
        };
        assert!(!fires(&transit, &d, SEEN));
        d.transit_country = Some("AE".into());
        assert!(fires(&transit, &d, SEEN));
        let origin_only = Indicator::Country {
            countries: vec!["AE".into()],
            on: CountryRole::Origin,
        };
        assert!(!fires(&origin_only, &d, SEEN));
        let either = Indicator::Country {
            countries: vec!["AE".into()],
            on: CountryRole::Either,
        };
        assert!(fires(&either, &d, SEEN));
    }

    #[test]
    fn hs_prefix_fires_on_the_start_of_the_code_only() {
        let d = declaration();
        let hit = Indicator::HsPrefix {
            prefixes: vec!["93".into(), "8517".into()],
        };
        let miss = Indicator::HsPrefix {
            prefixes: vec!["1713".into()],
        };
        assert!(fires(&hit, &d, SEEN));
        assert!(!fires(&miss, &d, SEEN));
        let mut pre_load = declaration();
        pre_load.hs_code.clear();
        assert!(!fires(&hit, &pre_load, SEEN));
    }

    #[test]
    fn watch_list_matches_shipper_or_consignee_whatever_the_spelling() {
        let d = declaration();
        let listed = Indicator::WatchList {
            parties: vec!["MAPLE IMPORTS, INC".into()],
        };
        assert!(fires(&listed, &d, SEEN));
        let shipper = Indicator::WatchList {
            parties: vec!["lumiere export sarl".into()],
        };
        assert!(
            fires(&shipper, &d, SEEN),
            "accents and case do not hide a name"
        );
        let other = Indicator::WatchList {
            parties: vec!["Maple".into()],
        };
        assert!(!fires(&other, &d, SEEN), "a watch list names whole parties");
    }

    #[test]
    fn first_time_importer_fires_only_without_history() {
        let d = declaration();
        let first = Indicator::FirstTimeImporter {};
        assert!(fires(&first, &d, History::default()));
        assert!(!fires(&first, &d, SEEN));
    }

    #[test]
    fn value_per_kg_fires_outside_the_band_of_the_commodity() {
        let band = Indicator::ValuePerKg {
            hs_prefix: "85".into(),
            min_cents_per_kg: 20_000,
            max_cents_per_kg: 60_000,
        };
        let mut d = declaration(); // 30,000 cents/kg
        assert!(!fires(&band, &d, SEEN));
        d.declared_value_cents = 100_000; // 1,000 cents/kg: undervalued
        assert!(fires(&band, &d, SEEN));
        d.declared_value_cents = 10_000_000; // 100,000 cents/kg
        assert!(fires(&band, &d, SEEN));
        d.hs_code = "620342".into();
        assert!(!fires(&band, &d, SEEN), "another chapter is not compared");
        d.hs_code = "851713".into();
        d.declared_value_cents = 0;
        assert!(
            !fires(&band, &d, SEEN),
            "no value declared, nothing to compare"
        );
    }

    #[test]
    fn routing_fires_on_too_many_stops_or_a_listed_stop() {
        let many = Indicator::Routing {
            max_stops: Some(1),
            via: vec![],
        };
        let via = Indicator::Routing {
            max_stops: None,
            via: vec!["DXB".into()],
        };
        let mut d = declaration();
        assert!(!fires(&many, &d, SEEN));
        d.routing = Some("CDG-DXB-YUL".into());
        assert!(!fires(&many, &d, SEEN));
        assert!(fires(&via, &d, SEEN));
        d.routing = Some("CDG > IST > DXB > YUL".into());
        assert!(fires(&many, &d, SEEN));
        d.routing = None;
        d.transit_location = Some("dxb".into());
        assert!(fires(&via, &d, SEEN), "the transit location is a stop");
        assert_eq!(stops(&d), vec!["DXB".to_string()]);
    }

    #[test]
    fn intelligence_fires_on_a_named_party_anywhere_in_the_parties() {
        let alert = Indicator::Intelligence {
            party: "Maple Imports".into(),
            reference: "INT-2026-114".into(),
        };
        let d = declaration();
        assert!(fires(&alert, &d, SEEN));
        let other = Indicator::Intelligence {
            party: "Northwind".into(),
            reference: "INT-2026-115".into(),
        };
        assert!(!fires(&other, &d, SEEN));
    }

    #[test]
    fn lanes_and_referrals_follow_the_thresholds() {
        let s = Settings::default();
        assert_eq!(lane_for(0, &s), Lane::Green);
        assert_eq!(lane_for(s.yellow_at - 1, &s), Lane::Green);
        assert_eq!(lane_for(s.yellow_at, &s), Lane::Yellow);
        assert_eq!(lane_for(s.red_at, &s), Lane::Red);
        assert_eq!(referral_for(s.rfi_at - 1, &s), None);
        assert_eq!(
            referral_for(s.rfi_at, &s),
            Some(Referral::RequestForInformation)
        );
        assert_eq!(
            referral_for(s.rfs_at, &s),
            Some(Referral::RequestForScreening)
        );
        assert_eq!(referral_for(s.dnl_at + 50, &s), Some(Referral::DoNotLoad));
    }

    #[test]
    fn a_score_adds_the_weights_that_fired_less_the_trusted_credit() {
        let settings = Settings {
            random_rate_bp: 0,
            ..Settings::default()
        };
        let mut first = rule(1, 40, Indicator::FirstTimeImporter {});
        first.inspection = Some(InspectionKind::Physical);
        let mut hs = rule(
            2,
            30,
            Indicator::HsPrefix {
                prefixes: vec!["8517".into()],
            },
        );
        hs.inspection = Some(InspectionKind::Xray);
        let miss = rule(
            3,
            50,
            Indicator::HsPrefix {
                prefixes: vec!["93".into()],
            },
        );
        let rules = vec![first, hs, miss];
        let fp = ruleset_fingerprint(&rules);
        let mut d = declaration();
        let a = assess(&d, History::default(), &rules, &fp, &settings);
        assert_eq!(a.score, 70);
        assert_eq!(a.lane, Lane::Red);
        assert_eq!(a.hits.len(), 2);
        assert_eq!(a.exam, InspectionKind::Physical, "the heaviest rule's exam");
        d.trusted_trader = Some("PIP".into());
        let a = assess(&d, History::default(), &rules, &fp, &settings);
        assert_eq!(a.trusted_credit, settings.trusted_credit);
        assert_eq!(a.score, 70 - settings.trusted_credit);
        assert_eq!(a.lane, Lane::Yellow);
        let a = assess(&d, SEEN, &rules, &fp, &settings);
        assert_eq!((a.score, a.trusted_credit), (10, 20));
        assert_eq!(a.lane, Lane::Green);
        let generous = Settings {
            trusted_credit: 50,
            ..settings
        };
        let a = assess(&d, SEEN, &rules, &fp, &generous);
        assert_eq!(
            (a.score, a.trusted_credit),
            (0, 30),
            "credit never below zero"
        );
    }

    #[test]
    fn a_pre_load_declaration_gets_a_referral_and_no_random_selection() {
        let settings = Settings {
            random_rate_bp: 10_000,
            ..Settings::default()
        };
        let rules = vec![rule(1, 95, Indicator::FirstTimeImporter {})];
        let fp = ruleset_fingerprint(&rules);
        let mut d = declaration();
        d.declaration_kind = DeclarationKind::PreLoad;
        let a = assess(&d, History::default(), &rules, &fp, &settings);
        assert_eq!(a.referral, Some(Referral::DoNotLoad));
        assert!(!a.random);
        d.declaration_kind = DeclarationKind::Full;
        let a = assess(&d, SEEN, &rules, &fp, &settings);
        assert_eq!(
            (a.referral, a.random),
            (None, true),
            "rate 100% selects all"
        );
    }

    #[test]
    fn the_random_rate_selects_about_its_share_and_marks_it() {
        let rules: Vec<Rule> = vec![];
        let fp = ruleset_fingerprint(&rules);
        let picked = (0..20_000)
            .filter(|n| randomly_selected(&format!("air_waybill:{n}"), &fp, 200))
            .count();
        assert!(
            (300..=500).contains(&picked),
            "2% of 20,000 is about 400: {picked}"
        );
        assert!(!randomly_selected("x", &fp, 0));
        assert!(randomly_selected("x", &fp, 10_000));
    }

    /// A register of two requests for smartphones: "NOVA" (request 4) in force through June
    /// 2026, "Nova" again (request 9) from July, and one for footwear.
    fn register() -> Vec<RightsRequest> {
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let request = |id, marks: &[&str], goods: &[&str], from, to| {
            crate::rights::fixtures::example(id, &format!("Holder {id}"), marks, goods, (from, to))
        };
        vec![
            request(9, &["Nova"], &["8517"], day(7, 1), day(12, 31)),
            request(4, &["NOVA", "Nova Pro"], &["85"], day(1, 1), day(6, 30)),
            request(5, &["Trail Lynx"], &["6403"], day(1, 1), day(12, 31)),
        ]
    }

    #[test]
    fn a_rights_request_matches_a_mark_named_in_goods_it_covers_while_in_force() {
        let register = register();
        let history = History {
            importer_seen_before: true,
            rights: &register,
        };
        let any_route = Indicator::RightsRequest { countries: vec![] };
        let mut d = declaration();
        assert!(!fires(&any_route, &d, history), "no mark named");
        d.description = "Smartphones, NOVA PRO 12, 64 GB".into();
        let found = rights_match(&[], &d, history).expect("request 4 matches");
        assert_eq!(found.id, 4, "in force on 1 June: request 4, not 9");
        assert!(fires(&any_route, &d, history));
        d.eta = chrono::Utc.with_ymd_and_hms(2026, 7, 1, 0, 30, 0).unwrap();
        assert_eq!(rights_match(&[], &d, history).map(|r| r.id), Some(9));
        d.eta = chrono::Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        assert!(!fires(&any_route, &d, history), "both expired");
        d.eta = chrono::Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        d.description = "Supernova smartphones".into();
        assert!(!fires(&any_route, &d, history), "a mark is a whole word");
        d.description = "Nova smartphones".into();
        d.hs_code = "640399".into();
        assert!(!fires(&any_route, &d, history), "goods not covered");
        d.hs_code = String::new();
        assert!(
            !fires(&any_route, &d, history),
            "a pre-load declaration names no goods code"
        );
        d.hs_code = "851713".into();
        let routes = Indicator::RightsRequest {
            countries: vec!["CN".into(), "HK".into()],
        };
        assert!(
            !fires(&routes, &d, history),
            "from France, not a listed route"
        );
        d.transit_country = Some("HK".into());
        assert!(fires(&routes, &d, history), "through Hong Kong");
        let nothing_registered = History {
            importer_seen_before: true,
            rights: &[],
        };
        assert!(!fires(&any_route, &d, nothing_registered));
    }

    #[test]
    fn a_score_names_the_request_its_rights_rule_matched() {
        let register = register();
        let history = History {
            importer_seen_before: true,
            rights: &register,
        };
        let mut d = declaration();
        d.description = "Nova smartphones".into();
        let rules = vec![
            rule(1, 40, Indicator::RightsRequest { countries: vec![] }),
            rule(
                2,
                10,
                Indicator::HsPrefix {
                    prefixes: vec!["8517".into()],
                },
            ),
        ];
        let fp = ruleset_fingerprint(&rules);
        let a = assess(&d, history, &rules, &fp, &Settings::default());
        assert_eq!(a.score, 50);
        let named: Vec<Option<i64>> = a.hits.iter().map(|h| h.rights_request).collect();
        assert_eq!(named, [Some(4), None]);
    }

    fn arb_indicator() -> impl Strategy<Value = Indicator> {
        let countries = prop::sample::subsequence(vec!["CN", "FR", "AE", "US", "MX"], 1..3)
            .prop_map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
        prop_oneof![
            (countries, 0..3u8).prop_map(|(countries, on)| Indicator::Country {
                countries,
                on: [
                    CountryRole::Origin,
                    CountryRole::Transit,
                    CountryRole::Either
                ][on as usize],
            }),
            prop::sample::subsequence(vec!["85", "8517", "93", "62", "30"], 1..3).prop_map(|p| {
                Indicator::HsPrefix {
                    prefixes: p.into_iter().map(String::from).collect(),
                }
            }),
            Just(Indicator::FirstTimeImporter {}),
            (1_000i64..50_000, 1i64..50_000).prop_map(|(min, extra)| Indicator::ValuePerKg {
                hs_prefix: "85".into(),
                min_cents_per_kg: min,
                max_cents_per_kg: min + extra,
            }),
            (prop::option::of(0u32..3), any::<bool>()).prop_map(|(max_stops, dxb)| {
                Indicator::Routing {
                    max_stops,
                    via: if dxb { vec!["DXB".into()] } else { vec![] },
                }
            }),
            Just(Indicator::WatchList {
                parties: vec!["Maple Imports Inc".into()],
            }),
            Just(Indicator::Intelligence {
                party: "Lumiere".into(),
                reference: "INT-1".into(),
            }),
            prop::sample::subsequence(vec!["FR", "CN"], 0..2).prop_map(|c| {
                Indicator::RightsRequest {
                    countries: c.into_iter().map(String::from).collect(),
                }
            }),
        ]
    }

    fn arb_declaration() -> impl Strategy<Value = Declaration> {
        (
            prop::sample::select(vec!["CN", "FR", "AE", "US", "MX"]),
            prop::option::of(prop::sample::select(vec!["AE", "TR", "DE"])),
            prop::sample::select(vec!["851713", "620342", "930190", "300490"]),
            1.0f64..10_000.0,
            0i64..100_000_000,
            prop::option::of(prop::sample::select(vec!["PVG-ANC-YVR", "CDG-DXB-IST-YUL"])),
            any::<bool>(),
            any::<bool>(),
            0u32..10_000_000,
        )
            .prop_map(
                |(origin, transit, hs, weight, value, routing, trusted, pre_load, serial)| {
                    let mut d = declaration();
                    d.origin_country = origin.into();
                    d.transit_country = transit.map(String::from);
                    d.hs_code = hs.into();
                    d.weight_kg = weight;
                    d.declared_value_cents = value;
                    d.routing = routing.map(String::from);
                    d.trusted_trader = trusted.then(|| "AEO".to_string());
                    d.declaration_kind = if pre_load {
                        DeclarationKind::PreLoad
                    } else {
                        DeclarationKind::Full
                    };
                    d.reference = crate::domain::AirWaybill::from_parts(176, serial).to_string();
                    if serial % 2 == 0 {
                        d.description = "NOVA smartphones".into();
                    }
                    d
                },
            )
    }

    fn arb_rules() -> impl Strategy<Value = Vec<Rule>> {
        prop::collection::vec((arb_indicator(), 1i64..=100, any::<bool>()), 0..8).prop_map(
            |specs| {
                specs
                    .into_iter()
                    .enumerate()
                    .map(|(n, (indicator, weight, enabled))| {
                        let mut r = rule(n as i64 + 1, weight, indicator);
                        r.enabled = enabled;
                        r
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn the_same_rules_and_data_give_the_same_score(
            d in arb_declaration(),
            rules in arb_rules(),
            seen in any::<bool>(),
            rate in 0u32..2_000,
        ) {
            let settings = Settings { random_rate_bp: rate, ..Settings::default() };
            let register = register();
            let history = History { importer_seen_before: seen, rights: &register };
            let fp = ruleset_fingerprint(&rules);
            let a = assess(&d, history, &rules, &fp, &settings);
            let b = assess(&d.clone(), history, &rules.clone(), &ruleset_fingerprint(&rules), &settings);
            prop_assert_eq!(&a, &b);
            prop_assert!(a.score >= 0);
            let weights: i64 = a.hits.iter().map(|h| h.weight).sum();
            prop_assert_eq!(a.score, weights - a.trusted_credit);
        }

        #[test]
        fn the_order_of_the_rules_does_not_change_the_score(
            d in arb_declaration(),
            rules in arb_rules(),
            seen in any::<bool>(),
            rotate in 0usize..8,
        ) {
            let settings = Settings::default();
            let register = register();
            let history = History { importer_seen_before: seen, rights: &register };
            let mut shuffled = rules.clone();
            shuffled.reverse();
            let len = shuffled.len().max(1);
            shuffled.rotate_left(rotate % len);
            let fp = ruleset_fingerprint(&rules);
            prop_assert_eq!(&fp, &ruleset_fingerprint(&shuffled));
            let a = assess(&d, history, &rules, &fp, &settings);
            let b = assess(&d, history, &shuffled, &fp, &settings);
            prop_assert_eq!(a, b);
        }
    }
}
