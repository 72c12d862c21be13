//! The simulator's traffic: carriers declare goods at each port on the daily rhythm, every
//! declaration goes through targeting (scored, and held where its lane says so), the goods
//! arrive, and the release system lets go of what nobody holds; the targeting centre refers
//! some before they arrive and the port's officer holds others. Also the goods already under
//! way when the simulation starts. When and how much comes from the demo's model.

use super::engine::{Event, Simulator, minutes};
use crate::demo::{self, Goods, model};
use crate::domain::clock::from_millis;
use crate::domain::{HoldReason, Mode, PortScope, Referral, ShipmentStatus};
use crate::error::AppError;
use crate::holds::{NewHold, act as hold_ops, db as holds};
use crate::ports::db as ports;
use crate::shipments::db as shipments;
use crate::sql::status_in;
use crate::targeting::{db::port_codes, ingest as targeting};
use chrono::{DateTime, Utc};
use rand::Rng;
use sqlx::{AnyPool, Row};

/// Declarations a day across the country: at speed 1, a change every few seconds in the
/// daytime. (About the 300 an hour at every port's busiest hour it used to be given as; the
/// day is now shared between the modes as the demo's model shares it.)
pub const DECLARATIONS_PER_DAY: f64 = 4_700.0;

impl Simulator {
    /// A carrier declares goods for a port; their story (referral, hold or release) is decided
    /// now and scheduled. The next declaration at the port is scheduled first.
    pub(super) async fn declaration(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        port: usize,
    ) -> Result<(), AppError> {
        let (code, mode, tz, peak) = {
            let p = &self.cast().ports[port];
            (p.code.clone(), p.mode, p.time_zone, p.peak_per_hour)
        };
        let next = model::next_declaration(&mut self.rng, mode, tz, peak, now);
        self.schedule(next, Event::Declaration { port });
        let state = ports::state(pool, &code).await?;
        match model::takes_traffic(state.status) {
            share if share <= 0.0 => return Ok(()),
            share if share < 1.0 && !self.rng.gen_bool(share) => return Ok(()),
            _ => {}
        }
        let goods = demo::goods(&mut self.rng, mode);
        let eta = now + model::lead(mode).draw(&mut self.rng);
        let Some((shipment, targeted)) = self.send(pool, now, &code, mode, &goods, eta).await?
        else {
            return Ok(());
        };
        let arrives = eta + model::ARRIVAL.draw(&mut self.rng);
        self.schedule(arrives, Event::Arrival { shipment });
        if let Some(hold) = targeted {
            // Held on its score: the port's officer takes it up once the goods are in.
            let next = arrives + model::HOLD_AFTER_ARRIVAL.draw(&mut self.rng);
            self.schedule(next, Event::HoldStep { hold, attempt: 0 });
            return Ok(());
        }
        // Goods the rules let through may still be held by the port's officer, by the same
        // chance as in the history.
        if !model::held(&mut self.rng, &goods) {
            let released = arrives + model::release_after(mode).draw(&mut self.rng);
            self.schedule(released, Event::Release { shipment });
            return Ok(());
        }
        let reason = model::hold_reason(&mut self.rng, &goods, mode);
        // The targeting centre's referrals before the goods come: the simulation's own part
        // of the story (the history has none).
        let referral = match reason {
            HoldReason::DoNotLoad => Some((
                Referral::DoNotLoad,
                "Consignee matches an enforcement lookout; do not load pending screening",
            )),
            HoldReason::RiskTarget if self.rng.gen_bool(0.3) => Some((
                Referral::RequestForInformation,
                "Shipper address incomplete; full address and contact requested from the carrier",
            )),
            HoldReason::RiskTarget => Some((
                Referral::RequestForScreening,
                "Origin and commodity profile; screen by two methods before release",
            )),
            _ => None,
        };
        let mut placed = arrives + model::HOLD_AFTER_ARRIVAL.draw(&mut self.rng);
        if let Some((referral, why)) = referral {
            let referred = (now + minutes(&mut self.rng, 2, 20)).min(arrives);
            self.schedule(
                referred,
                Event::Referral {
                    shipment,
                    referral,
                    reason: why,
                },
            );
            if referral == Referral::DoNotLoad {
                // Held before the goods move at all.
                placed = referred + minutes(&mut self.rng, 1, 10);
            }
        }
        self.schedule(placed, Event::PlaceHold { shipment, reason });
        Ok(())
    }

    /// Sends the carrier's declaration of `goods` through targeting, like any other: scored,
    /// and held with an examination (or waiting for one) where the lane says so. A reference
    /// already in use (two random waybill numbers meeting) is drawn again rather than sent as a
    /// resend of someone else's shipment. Returns the shipment and the hold its score placed.
    async fn send(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        code: &str,
        mode: Mode,
        goods: &Goods,
        eta: DateTime<Utc>,
    ) -> Result<Option<(i64, Option<i64>)>, AppError> {
        for _ in 0..3 {
            let paper = demo::paperwork(&mut self.rng, mode, goods);
            let in_use: i64 = sqlx::query(
                "select count(*) as n from shipments where reference_kind = $1 and reference = $2",
            )
            .bind(paper.reference_kind)
            .bind(&paper.reference)
            .fetch_one(pool)
            .await?
            .try_get("n")?;
            if in_use > 0 {
                continue;
            }
            let sent = paper.declaration(goods, mode, code, eta, false);
            let ports = port_codes(pool).await?;
            let candidates =
                targeting::read_json_items(vec![serde_json::Value::Object(sent)], &ports, now);
            let who = targeting::Submitter {
                actor: self.cast().carriers.clone(),
                ports: PortScope::All,
                source: "the carrier's feed (simulated)".into(),
            };
            let report = targeting::ingest(pool, &who, candidates, now, &mut |_| {}).await?;
            let Some(item) = report.results.into_iter().next() else {
                return Ok(None);
            };
            let Some(shipment) = item.shipment_id else {
                // The demo's own papers are always well formed: say so if one is not.
                let reasons: Vec<String> = item
                    .errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.reason))
                    .collect();
                return Err(AppError::invalid(
                    "declaration",
                    crate::i18n::td_string!(
                        crate::lang::current(),
                        sim.declaration_refused,
                        reasons = reasons.join("; ")
                    )
                    .to_string(),
                ));
            };
            return Ok(Some((shipment, item.hold_id)));
        }
        Ok(None)
    }

    /// The port's officer holds the goods, and looks at the hold again soon.
    pub(super) async fn place_hold(
        &mut self,
        pool: &AnyPool,
        now: DateTime<Utc>,
        shipment: i64,
        reason: HoldReason,
    ) -> Result<(), AppError> {
        let goods = shipments::by_id(pool, shipment).await?;
        let Some(port) = self.cast().port(&goods.port_code) else {
            return Ok(());
        };
        let request = NewHold {
            shipment_id: shipment,
            reason,
            notes: model::hold_note(reason).into(),
        };
        let caller = &self.cast().ports[port].officer;
        let hold = hold_ops::place_hold(pool, caller, &request, now).await?;
        let next = now + model::FIRST_LOOK.draw(&mut self.rng);
        self.schedule(
            next,
            Event::HoldStep {
                hold: hold.id,
                attempt: 0,
            },
        );
        Ok(())
    }

    /// Picks up what is already under way: goods on their way arrive, goods that arrived and
    /// are not held are released, and the simulation's own open holds carry on.
    pub(super) async fn adopt(
        &mut self,
        pool: &AnyPool,
        cast: &super::cast::Cast,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let under_way = status_in(
            "s.status",
            [ShipmentStatus::AwaitingArrival, ShipmentStatus::Arrived].map(|s| s.code()),
        );
        let rows = sqlx::query(&format!(
            "select s.id, s.mode, s.status, s.eta_at, s.arrived_at from shipments s \
             where {under_way} order by s.id"
        ))
        .fetch_all(pool)
        .await?;
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let status: String = row.try_get("status")?;
            let mode = Mode::parse(&row.try_get::<String, _>("mode")?).unwrap_or(Mode::Air);
            let release_after = model::release_after(mode);
            if status == ShipmentStatus::AwaitingArrival.code() {
                let eta = from_millis(row.try_get("eta_at")?);
                let arrives = (eta + model::ARRIVAL.draw(&mut self.rng)).max(at);
                self.schedule(arrives, Event::Arrival { shipment: id });
                let released = arrives + release_after.draw(&mut self.rng);
                self.schedule(released, Event::Release { shipment: id });
            } else {
                let arrived = row
                    .try_get::<Option<i64>, _>("arrived_at")?
                    .map(from_millis)
                    .unwrap_or(at);
                let released = (arrived + release_after.draw(&mut self.rng))
                    .max(at + minutes(&mut self.rng, 1, 30));
                self.schedule(released, Event::Release { shipment: id });
            }
        }
        let active = holds::active("status");
        for port in &cast.ports {
            let held = sqlx::query(&format!(
                "select id from holds where port_code = $1 and placed_by in ($2, $3) \
                 and {active} order by id"
            ))
            .bind(&port.code)
            .bind(&port.officer_signature)
            .bind(targeting::hold_signature(&cast.carriers))
            .fetch_all(pool)
            .await?;
            for row in held {
                let hold: i64 = row.try_get("id")?;
                let next = at + minutes(&mut self.rng, 1, 10);
                self.schedule(next, Event::HoldStep { hold, attempt: 0 });
            }
        }
        Ok(())
    }
}
