//! The demo country, shared by the seed (its fourteen days of history) and the simulator (its
//! traffic from then on): the ports, carriers, traders and goods (`country.rs`), how one
//! declaration is drawn from them (here), the one model of the country's rhythms that both
//! follow (`model.rs`: traffic by hour, durations, shares held and examined, outcomes), what
//! goes wrong at its ports (`incidents.rs`), and the simulated clock (`clock.rs`). Server only.
//!
//! A declaration is drawn in two parts, the goods then the paperwork, so that the seed can
//! draw when it was filed between them.

pub mod clock;
pub mod country;
pub mod incidents;
pub mod model;

use crate::domain::{AirWaybill, Mode};
use country::*;
use rand::{Rng, seq::SliceRandom};

/// Picks by weight.
pub fn weighted<'a, T, R: Rng + ?Sized>(rng: &mut R, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut roll = rng.gen_range(0..total);
    for (item, w) in items {
        if roll < *w {
            return item;
        }
        roll -= w;
    }
    &items[items.len() - 1].0
}

/// What is shipped, and by and for whom.
pub struct Goods {
    pub commodity: &'static Commodity,
    pub importer: &'static Trader,
    pub consignee: &'static Trader,
}

/// Goods that travel by `mode`.
pub fn goods<R: Rng + ?Sized>(rng: &mut R, mode: Mode) -> Goods {
    let commodities: Vec<&'static Commodity> = COMMODITIES
        .iter()
        .filter(|c| c.modes.contains(&mode))
        .collect();
    let commodity = *commodities.choose(rng).expect("every mode has goods");
    let importer = IMPORTERS.choose(rng).expect("importers");
    let consignee = if rng.gen_bool(0.8) {
        importer
    } else {
        IMPORTERS.choose(rng).expect("importers")
    };
    Goods {
        commodity,
        importer,
        consignee,
    }
}

impl Goods {
    /// The goods as a declaration describes them: branded goods name their brand, chosen by
    /// the shipment's reference (a third each brand of [`BRANDS`], a third no brand), so
    /// that the same shipment is always described the same way and no draw of the demo's
    /// random story changes.
    pub fn description(&self, reference: &str) -> String {
        let brands = BRANDS
            .iter()
            .find(|(hs, _)| *hs == self.commodity.hs_code)
            .map_or(&[][..], |(_, brands)| brands);
        let pick = crate::domain::hash::stable_hash(reference.as_bytes()) % 3;
        match brands.get(pick as usize) {
            Some(brand) => format!("{}, {brand} brand", self.commodity.description),
            None => self.commodity.description.to_string(),
        }
    }

    /// Chance, in per mille, that goods like these are held: the commodity's risk, more for a
    /// first-time importer, a third for a trusted trader.
    pub fn hold_per_mille(&self) -> u32 {
        let mut per_mille = 32 + self.commodity.risk;
        if self.importer.first_time {
            per_mille += 40;
        }
        if self.importer.trusted.is_some() {
            per_mille /= 3;
        }
        per_mille
    }
}

/// The rest of the declaration: reference, carrier and voyage, origin, quantities and value.
pub struct Paperwork {
    pub reference_kind: &'static str,
    pub reference: String,
    pub house_waybill: Option<String>,
    pub carrier: String,
    pub voyage: String,
    pub origin_country: &'static str,
    pub origin_location: String,
    pub transit: Option<&'static str>,
    pub shipper: (&'static str, &'static str),
    pub pieces: i64,
    pub weight_kg: f64,
    pub value_cents: i64,
    pub currency: &'static str,
}

impl Paperwork {
    /// The declaration a carrier sends for `goods` on these papers, as the JSON object that
    /// `POST /api/v1/shipments` takes. A pre-load declaration (air cargo, before loading)
    /// gives neither HS code nor value.
    pub fn declaration(
        &self,
        goods: &Goods,
        mode: Mode,
        port_code: &str,
        eta: chrono::DateTime<chrono::Utc>,
        pre_load: bool,
    ) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::{Value, json};
        let mut map = serde_json::Map::new();
        let mut put = |key: &str, value: Value| {
            map.insert(key.into(), value);
        };
        put(
            "declaration_kind",
            json!(if pre_load { "pre_load" } else { "full" }),
        );
        put("mode", json!(mode.code()));
        put("reference", json!(self.reference));
        if let Some(house) = &self.house_waybill {
            put("house_waybill", json!(house));
        }
        put("carrier", json!(self.carrier));
        put("voyage", json!(self.voyage));
        put("origin_country", json!(self.origin_country));
        put("origin_location", json!(self.origin_location));
        if let Some(transit) = self.transit {
            put("transit_location", json!(transit));
            put(
                "routing",
                json!(format!("{}-{transit}-{port_code}", self.origin_location)),
            );
        }
        put("port_code", json!(port_code));
        put("shipper_name", json!(self.shipper.0));
        put("shipper_address", json!(self.shipper.1));
        put("consignee_name", json!(goods.consignee.name));
        put("consignee_address", json!(goods.consignee.address));
        put("importer_name", json!(goods.importer.name));
        if let Some(trusted) = goods.importer.trusted {
            put("trusted_trader", json!(trusted));
        }
        put("description", json!(goods.description(&self.reference)));
        put("pieces", json!(self.pieces));
        put("weight_kg", json!(self.weight_kg));
        put("currency", json!(self.currency));
        put("eta", json!(eta.to_rfc3339()));
        if !pre_load {
            put("hs_code", json!(goods.commodity.hs_code));
            put("declared_value_cents", json!(self.value_cents));
        }
        map
    }
}

/// Draws the paperwork of goods travelling by `mode`.
pub fn paperwork<R: Rng + ?Sized>(rng: &mut R, mode: Mode, goods: &Goods) -> Paperwork {
    let commodity = goods.commodity;
    let weight_kg =
        (rng.gen_range(commodity.weight_kg.0..commodity.weight_kg.1) * 10.0).round() / 10.0;
    let value_cents = (weight_kg
        * rng.gen_range(commodity.value_per_kg.0..commodity.value_per_kg.1) as f64)
        as i64;
    let pieces = ((weight_kg / rng.gen_range(8.0..60.0)).ceil() as i64).max(1);
    let (
        reference_kind,
        reference,
        carrier,
        voyage,
        origin_country,
        origin_location,
        transit,
        house_waybill,
    ) = match mode {
        Mode::Air => {
            let airline = AIRLINES.choose(rng).expect("airlines");
            let awb = AirWaybill::from_parts(airline.prefix, rng.gen_range(1_000_000..9_999_999));
            let (country, airport) = *AIR_ORIGINS.choose(rng).expect("origins");
            let transit = rng
                .gen_bool(0.3)
                .then(|| *AIR_TRANSITS.choose(rng).expect("transits"));
            let house = rng
                .gen_bool(0.4)
                .then(|| format!("HAWB{}", rng.gen_range(100_000..999_999)));
            (
                "air_waybill",
                awb.to_string(),
                airline.name.to_string(),
                format!("{} {}", airline.flight_code, rng.gen_range(100..999)),
                country,
                airport.to_string(),
                transit,
                house,
            )
        }
        Mode::Marine => {
            let (scac, line) = *SEA_CARRIERS.choose(rng).expect("lines");
            let (country, seaport) = *SEA_ORIGINS.choose(rng).expect("origins");
            (
                "bill_of_lading",
                format!("{scac}{}", rng.gen_range(100_000_000u64..999_999_999)),
                line.to_string(),
                format!(
                    "{} {}{}",
                    line.to_uppercase(),
                    ["Aurora", "Horizon", "Meridian", "Pacific", "Atlantic"][rng.gen_range(0..5)],
                    ["", " II", " Star", " Express"][rng.gen_range(0..4)]
                ),
                country,
                seaport.to_string(),
                None,
                None,
            )
        }
        Mode::Land => {
            let (code, name) = *TRUCKING.choose(rng).expect("carriers");
            let (country, city) = *LAND_ORIGINS.choose(rng).expect("origins");
            (
                "cargo_control",
                format!("{code}{}", rng.gen_range(10_000_000u64..99_999_999)),
                name.to_string(),
                format!("Trip {}", rng.gen_range(1000..9999)),
                country,
                city.to_string(),
                None,
                None,
            )
        }
        Mode::Rail => {
            let (code, name) = *RAIL.choose(rng).expect("railways");
            let (country, city) = *LAND_ORIGINS[..3].choose(rng).expect("origins");
            (
                "cargo_control",
                format!("{code}{}", rng.gen_range(10_000_000u64..99_999_999)),
                name.to_string(),
                format!("Train {}", rng.gen_range(100..999)),
                country,
                city.to_string(),
                None,
                None,
            )
        }
    };
    // A shipper from the origin country where the demo has one.
    let local: Vec<_> = SHIPPERS
        .iter()
        .filter(|(_, address)| address.ends_with(&format!(", {origin_country}")))
        .collect();
    let shipper = match local.choose(rng) {
        Some(s) => **s,
        None => *SHIPPERS.choose(rng).expect("shippers"),
    };
    let currency = if origin_country == "US" || rng.gen_bool(0.5) {
        "USD"
    } else {
        "CAD"
    };
    Paperwork {
        reference_kind,
        reference,
        house_waybill,
        carrier,
        voyage,
        origin_country,
        origin_location,
        transit,
        shipper,
        pieces,
        weight_kg,
        value_cents,
        currency,
    }
}
