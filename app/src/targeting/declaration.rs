//! Reading a declaration sent by another system (a JSON object, or one row of a CSV manifest)
//! into a [`Declaration`], naming every field that is wrong and why, in words a duty officer
//! understands. Pure, and shared with the browser so that a form can check before it sends.

use super::{Declaration, DeclarationKind, FieldError};
use crate::domain::{Mode, ShipmentReference};
use crate::i18n::td_string;
use crate::lang::{self, format};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

/// Every field a declaration may carry, in the order of a CSV manifest's columns.
pub const FIELDS: &[&str] = &[
    "declaration_kind",
    "mode",
    "reference_kind",
    "reference",
    "house_waybill",
    "carrier",
    "voyage",
    "origin_country",
    "origin_location",
    "transit_country",
    "transit_location",
    "routing",
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
    "declared_value",
    "declared_value_cents",
    "currency",
    "eta",
];

/// Fields every declaration needs (the pre-load "7+1" and what routes it); a full
/// declaration needs [`FULL_ONLY`] too.
pub const REQUIRED: &[&str] = &[
    "mode",
    "reference",
    "carrier",
    "voyage",
    "origin_country",
    "origin_location",
    "port_code",
    "shipper_name",
    "shipper_address",
    "consignee_name",
    "consignee_address",
    "description",
    "pieces",
    "weight_kg",
    "eta",
];

pub const FULL_ONLY: &[&str] = &["importer_name", "hs_code"];

/// The heaviest consignment one declaration may carry, by mode: a wide-body freighter's
/// payload, a truck, a unit train, a large bulk carrier.
pub fn max_weight_kg(mode: Mode) -> f64 {
    match mode {
        Mode::Air => 150_000.0,
        Mode::Land => 60_000.0,
        Mode::Rail => 15_000_000.0,
        Mode::Marine => 250_000_000.0,
    }
}

/// The largest declared value accepted: ten billion in the declared currency.
pub const MAX_VALUE_CENTS: i64 = 1_000_000_000_000;
pub const MAX_PIECES: i64 = 10_000_000;
const MAX_TEXT: usize = 200;

/// A two-letter country code (ISO 3166 alpha-2 shape).
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic())
}

/// An HS code without its dots and spaces, if it has the shape of one: 6 to 10 digits.
pub fn hs_code(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    ((6..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

/// How much of an unknown field's name a report repeats.
const MAX_KEY_SHOWN: usize = 40;

/// 149999 as "149,999" (in French, "149 999").
pub fn thousands(n: usize) -> String {
    format::integer(lang::current(), n as i64)
}

/// A figure read from a declaration, as the reader writes it: `40,000` / `40 000`, `0.5` /
/// `0,5`.
fn figure(x: f64) -> String {
    let l = lang::current();
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format::integer(l, x as i64)
    } else {
        format::decimal(l, x, 2)
    }
}

/// Reads one declaration. `port_exists` answers whether a port code is known (upper case).
/// Numbers may come as JSON numbers or as text (a CSV cell); an empty cell is an absent field.
pub fn read(
    fields: &Map<String, Value>,
    port_exists: &dyn Fn(&str) -> bool,
    now: DateTime<Utc>,
) -> Result<Declaration, Vec<FieldError>> {
    let l = lang::current();
    let mut errors: Vec<FieldError> = vec![];
    let mut fail = |field: &str, reason: String| {
        errors.push(FieldError {
            field: field.to_string(),
            reason,
        })
    };
    // Reported once, however many there are: a body of unknown keys costs one short line.
    let mut unknown = fields.keys().filter(|k| !FIELDS.contains(&k.as_str()));
    if let Some(first) = unknown.next() {
        let name: String = first.chars().take(MAX_KEY_SHOWN).collect();
        let more = unknown.count();
        let reason = if more == 0 {
            td_string!(l, manifests.row.unknown_field, name = name.clone()).to_string()
        } else {
            td_string!(
                l,
                manifests.row.unknown_fields,
                name = name.clone(),
                more = thousands(more)
            )
            .to_string()
        };
        fail(&name, reason);
    }
    // Text of a field: trimmed, `None` when absent, null or empty.
    let text = |key: &str| -> Result<Option<String>, String> {
        match fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                let s = s.trim();
                if s.is_empty() {
                    Ok(None)
                } else if s.chars().count() > MAX_TEXT {
                    Err(td_string!(l, manifests.row.text_max, max = MAX_TEXT).to_string())
                } else {
                    Ok(Some(s.to_string()))
                }
            }
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(td_string!(l, manifests.row.give_text).to_string()),
        }
    };
    let number = |key: &str| -> Result<Option<f64>, String> {
        match fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| td_string!(l, manifests.row.not_number).to_string()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Some)
                .ok_or_else(|| {
                    td_string!(l, manifests.row.not_a_number, text = s.trim()).to_string()
                }),
            Some(_) => Err(td_string!(l, manifests.row.give_number).to_string()),
        }
    };

    let declaration_kind = match text("declaration_kind") {
        Ok(None) => Some(DeclarationKind::Full),
        Ok(Some(k)) => DeclarationKind::parse(&k.to_ascii_lowercase()).or_else(|| {
            fail(
                "declaration_kind",
                td_string!(l, manifests.row.declaration_kind, kind = k).to_string(),
            );
            None
        }),
        Err(e) => {
            fail("declaration_kind", e);
            None
        }
    };
    let full = declaration_kind != Some(DeclarationKind::PreLoad);
    let mut get = |key: &str| -> Option<String> {
        match text(key) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                let needed = REQUIRED.contains(&key) || (full && FULL_ONLY.contains(&key));
                if needed {
                    fail(key, td_string!(l, manifests.row.required).to_string());
                }
                None
            }
            Err(e) => {
                fail(key, e);
                None
            }
        }
    };

    let mode_text = get("mode");
    let reference_kind_text = get("reference_kind");
    let reference_text = get("reference");
    let house_waybill = get("house_waybill");
    let carrier = get("carrier");
    let voyage = get("voyage");
    let origin_country = get("origin_country");
    let origin_location = get("origin_location");
    let transit_country = get("transit_country");
    let transit_location = get("transit_location");
    let routing = get("routing");
    let port_text = get("port_code");
    let shipper_name = get("shipper_name");
    let shipper_address = get("shipper_address");
    let consignee_name = get("consignee_name");
    let consignee_address = get("consignee_address");
    let importer_name = get("importer_name");
    let trusted_text = get("trusted_trader");
    let hs_text = get("hs_code");
    let description = get("description");
    let currency_text = get("currency");
    let eta_text = get("eta");

    let mode = mode_text.as_deref().and_then(|m| {
        Mode::parse(&m.to_ascii_lowercase()).or_else(|| {
            fail(
                "mode",
                td_string!(l, manifests.row.mode, mode = m, codes = Mode::codes()).to_string(),
            );
            None
        })
    });
    let reference_kind = match (reference_kind_text, mode) {
        (Some(k), _) => {
            let k = k.to_ascii_lowercase();
            if ShipmentReference::KINDS.contains(&k.as_str()) {
                Some(k)
            } else {
                fail(
                    "reference_kind",
                    td_string!(
                        l,
                        manifests.row.reference_kind,
                        kind = k.clone(),
                        codes = ShipmentReference::KINDS.join(", ")
                    )
                    .to_string(),
                );
                None
            }
        }
        (None, Some(Mode::Air)) => Some("air_waybill".to_string()),
        (None, Some(Mode::Marine)) => Some("bill_of_lading".to_string()),
        (None, Some(Mode::Land | Mode::Rail)) => Some("cargo_control".to_string()),
        (None, None) => None,
    };
    let reference = match (&reference_kind, &reference_text) {
        (Some(kind), Some(number)) => match ShipmentReference::parse(kind, number) {
            Ok(r) => Some(r.number()),
            Err(e) => {
                fail("reference", e.to_string());
                None
            }
        },
        _ => None,
    };
    let country = |key: &str, value: Option<String>, fail: &mut dyn FnMut(&str, String)| {
        value.and_then(|c| {
            if is_country(&c) {
                Some(c.to_ascii_uppercase())
            } else {
                fail(
                    key,
                    td_string!(l, manifests.row.country, code = c).to_string(),
                );
                None
            }
        })
    };
    let origin_country = country("origin_country", origin_country, &mut fail);
    let transit_country_checked = country("transit_country", transit_country.clone(), &mut fail);
    let port_code = port_text.and_then(|p| {
        let code = p.to_ascii_uppercase();
        if port_exists(&code) {
            Some(code)
        } else {
            fail(
                "port_code",
                td_string!(l, manifests.row.port, port = p).to_string(),
            );
            None
        }
    });
    let trusted_trader = trusted_text.and_then(|t| {
        let t = t.to_ascii_uppercase();
        if ["PIP", "CTPAT", "AEO"].contains(&t.as_str()) {
            Some(t)
        } else {
            fail(
                "trusted_trader",
                td_string!(l, manifests.row.trusted, programme = t.clone()).to_string(),
            );
            None
        }
    });
    let hs = match hs_text {
        Some(h) => hs_code(&h).or_else(|| {
            fail(
                "hs_code",
                td_string!(l, manifests.row.hs_code, code = h.clone()).to_string(),
            );
            None
        }),
        None => Some(String::new()),
    };
    let pieces = match number("pieces") {
        Ok(Some(p)) if p.fract() == 0.0 && (1.0..=MAX_PIECES as f64).contains(&p) => Some(p as i64),
        Ok(Some(p)) => {
            fail(
                "pieces",
                td_string!(
                    l,
                    manifests.row.pieces,
                    pieces = figure(p),
                    max = format::integer(l, MAX_PIECES)
                )
                .to_string(),
            );
            None
        }
        Ok(None) => None,
        Err(e) => {
            fail("pieces", e);
            None
        }
    };
    let weight_kg = match number("weight_kg") {
        Ok(Some(w)) if w > 0.0 => match mode {
            Some(m) if w > max_weight_kg(m) => {
                fail(
                    "weight_kg",
                    td_string!(
                        l,
                        manifests.row.too_heavy,
                        weight = figure(w),
                        mode = m.code(),
                        max = figure(max_weight_kg(m))
                    )
                    .to_string(),
                );
                None
            }
            _ => Some(w),
        },
        Ok(Some(w)) => {
            fail(
                "weight_kg",
                td_string!(l, manifests.row.weight_positive, weight = figure(w)).to_string(),
            );
            None
        }
        Ok(None) => None,
        Err(e) => {
            fail("weight_kg", e);
            None
        }
    };
    let value_cents = match (number("declared_value_cents"), number("declared_value")) {
        (Ok(Some(_)), Ok(Some(_))) => {
            fail(
                "declared_value",
                td_string!(l, manifests.row.value_both).to_string(),
            );
            None
        }
        (Ok(Some(c)), Ok(None)) if c.fract() == 0.0 => Some(c as i64),
        (Ok(Some(_)), Ok(None)) => {
            fail(
                "declared_value_cents",
                td_string!(l, manifests.row.cents_whole).to_string(),
            );
            None
        }
        (Ok(None), Ok(Some(v))) => Some((v * 100.0).round() as i64),
        (Ok(None), Ok(None)) => {
            if full {
                fail(
                    "declared_value",
                    td_string!(l, manifests.row.value_missing).to_string(),
                );
                None
            } else {
                Some(0)
            }
        }
        (Err(e), _) => {
            fail("declared_value_cents", e);
            None
        }
        (_, Err(e)) => {
            fail("declared_value", e);
            None
        }
    };
    let value_cents = value_cents.and_then(|c| {
        if (0..=MAX_VALUE_CENTS).contains(&c) {
            Some(c)
        } else {
            fail(
                "declared_value",
                td_string!(l, manifests.row.value_range).to_string(),
            );
            None
        }
    });
    let currency = match currency_text {
        None => Some("CAD".to_string()),
        Some(c) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(c.to_ascii_uppercase())
        }
        Some(c) => {
            fail(
                "currency",
                td_string!(l, manifests.row.currency, code = c).to_string(),
            );
            None
        }
    };
    let eta = eta_text.and_then(|t| match DateTime::parse_from_rfc3339(&t) {
        Ok(at) => {
            // Kept to the millisecond, as stored: a resend of the same instant is the same.
            let at = DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or_default();
            if at < now - Duration::days(30) || at > now + Duration::days(365) {
                fail(
                    "eta",
                    td_string!(l, manifests.row.eta_range, eta = t.clone()).to_string(),
                );
                None
            } else {
                Some(at)
            }
        }
        Err(_) => {
            fail("eta", td_string!(l, manifests.row.eta, eta = t).to_string());
            None
        }
    });

    let importer_name = importer_name.or_else(|| (!full).then(|| consignee_name.clone()).flatten());
    if !errors.is_empty() {
        return Err(errors);
    }
    // Every required field is present when no error was recorded.
    let missing = || {
        vec![FieldError {
            field: "body".into(),
            reason: td_string!(lang::current(), manifests.row.field_missing).to_string(),
        }]
    };
    Ok(Declaration {
        mode: mode.ok_or_else(missing)?,
        declaration_kind: declaration_kind.ok_or_else(missing)?,
        reference_kind: reference_kind.ok_or_else(missing)?,
        reference: reference.ok_or_else(missing)?,
        house_waybill,
        carrier: carrier.ok_or_else(missing)?,
        voyage: voyage.ok_or_else(missing)?,
        origin_country: origin_country.ok_or_else(missing)?,
        origin_location: origin_location.ok_or_else(missing)?,
        transit_country: transit_country_checked,
        transit_location,
        routing,
        port_code: port_code.ok_or_else(missing)?,
        shipper_name: shipper_name.ok_or_else(missing)?,
        shipper_address: shipper_address.ok_or_else(missing)?,
        consignee_name: consignee_name.ok_or_else(missing)?,
        consignee_address: consignee_address.ok_or_else(missing)?,
        importer_name: importer_name.ok_or_else(missing)?,
        trusted_trader,
        hs_code: hs.ok_or_else(missing)?,
        description: description.ok_or_else(missing)?,
        pieces: pieces.ok_or_else(missing)?,
        weight_kg: weight_kg.ok_or_else(missing)?,
        declared_value_cents: value_cents.ok_or_else(missing)?,
        currency: currency.ok_or_else(missing)?,
        eta: eta.ok_or_else(missing)?,
    })
}

/// The reference of a declaration that could not be read, for the report, if it has one.
pub fn reference_of(fields: &Map<String, Value>) -> Option<String> {
    match fields.get("reference") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
    }

    fn ports(code: &str) -> bool {
        ["YVR", "YYZ", "YUL"].contains(&code)
    }

    fn good() -> Map<String, Value> {
        json!({
            "mode": "air",
            "reference": "176-12345675",
            "carrier": "AC",
            "voyage": "AC 871",
            "origin_country": "fr",
            "origin_location": "CDG",
            "port_code": "yul",
            "shipper_name": "Lumière Export",
            "shipper_address": "Paris",
            "consignee_name": "Maple Imports",
            "consignee_address": "Montréal",
            "importer_name": "Maple Imports",
            "hs_code": "8517.13",
            "description": "Smartphones",
            "pieces": 10,
            "weight_kg": "120.5",
            "declared_value": 35000.25,
            "eta": "2026-06-02T08:00:00Z"
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn fields_of(result: Result<Declaration, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_declaration_is_read_and_normalized() {
        let d = read(&good(), &ports, now()).unwrap();
        assert_eq!(d.reference_kind, "air_waybill");
        assert_eq!(d.reference, "176-12345675");
        assert_eq!(d.port_code, "YUL");
        assert_eq!(d.origin_country, "FR");
        assert_eq!(d.hs_code, "851713");
        assert_eq!(d.weight_kg, 120.5);
        assert_eq!(d.declared_value_cents, 3_500_025);
        assert_eq!(d.currency, "CAD");
        assert_eq!(d.declaration_kind, DeclarationKind::Full);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut f = good();
        f.insert("reference".into(), json!("176-12345676"));
        f.insert("port_code".into(), json!("XXX"));
        f.insert("weight_kg".into(), json!(-3));
        f.insert("hs_code".into(), json!("85A7"));
        f.insert("pieces".into(), json!(2.5));
        f.insert("colour".into(), json!("red"));
        let errors = read(&f, &ports, now()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in [
            "reference",
            "port_code",
            "weight_kg",
            "hs_code",
            "pieces",
            "colour",
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        let check = errors.iter().find(|e| e.field == "reference").unwrap();
        assert!(check.reason.contains("check digit"), "{}", check.reason);
    }

    #[test]
    fn impossible_weights_values_and_dates_are_refused() {
        let mut f = good();
        f.insert("weight_kg".into(), json!(400_000));
        assert_eq!(fields_of(read(&f, &ports, now())), ["weight_kg"]);
        let mut f = good();
        f.insert("declared_value".into(), json!(-1));
        assert_eq!(fields_of(read(&f, &ports, now())), ["declared_value"]);
        let mut f = good();
        f.insert("eta".into(), json!("2031-01-01T00:00:00Z"));
        assert_eq!(fields_of(read(&f, &ports, now())), ["eta"]);
        let mut f = good();
        f.insert("eta".into(), json!("tomorrow"));
        assert_eq!(fields_of(read(&f, &ports, now())), ["eta"]);
    }

    #[test]
    fn a_pre_load_declaration_needs_only_the_seven_plus_one() {
        let mut f = good();
        f.insert("declaration_kind".into(), json!("pre_load"));
        f.remove("hs_code");
        f.remove("declared_value");
        f.remove("importer_name");
        let d = read(&f, &ports, now()).unwrap();
        assert_eq!(d.declaration_kind, DeclarationKind::PreLoad);
        assert_eq!(d.hs_code, "");
        assert_eq!(d.declared_value_cents, 0);
        assert_eq!(d.importer_name, "Maple Imports");
        f.insert("declaration_kind".into(), json!("full"));
        let fields = fields_of(read(&f, &ports, now()));
        assert!(fields.contains(&"hs_code".to_string()));
        assert!(fields.contains(&"declared_value".to_string()));
    }

    #[test]
    fn the_reference_kind_follows_the_mode_unless_given() {
        let mut f = good();
        f.insert("mode".into(), json!("marine"));
        f.insert("reference".into(), json!("MSCU1234567"));
        assert_eq!(
            read(&f, &ports, now()).unwrap().reference_kind,
            "bill_of_lading"
        );
        f.insert("mode".into(), json!("land"));
        f.insert("reference_kind".into(), json!("cargo_control"));
        assert_eq!(
            read(&f, &ports, now()).unwrap().reference_kind,
            "cargo_control"
        );
        f.insert("mode".into(), json!("hovercraft"));
        assert!(fields_of(read(&f, &ports, now())).contains(&"mode".to_string()));
    }
}
