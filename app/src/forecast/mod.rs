//! The backlog forecast: when a port's (or the country's) examinations waiting now clear, as
//! a range, and which holds pass their service level in the next hours if nothing changes.
//! `model.rs` computes it from what is known at an instant (pure, unit-tested), `db.rs` reads
//! what is known, `text.rs` says it in words, `panel.rs` shows it on the port page and the
//! overview.

use crate::domain::HoldReason;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
pub mod panel;
pub mod text;

/// The zone the country's forecast is told in: the operations centre's, in Ottawa.
pub const CENTRE_TIME_ZONE: &str = "America/Toronto";

/// Why the backlog does not clear within the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stuck {
    /// Nobody is on shift to examine.
    NoOfficers,
    /// The more urgent examinations expected to arrive take all the capacity.
    ArrivalsKeepPace,
    /// The work waiting is more than a day's capacity.
    TooMuchWork,
    /// An examination waiting takes longer than that by itself (a laboratory's result,
    /// another agency's answer), as those like it have lately.
    LongExaminations,
}

/// When the examinations waiting now are done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Clearance {
    /// Nothing is waiting.
    Clear,
    /// Done between `earliest` and `latest` (the interquartile range), most likely at
    /// `expected`.
    By {
        earliest: DateTime<Utc>,
        expected: DateTime<Utc>,
        latest: DateTime<Utc>,
    },
    /// Done from `earliest`, most likely at `expected`, but at the slow end of the range not
    /// within 24 hours.
    From {
        earliest: DateTime<Utc>,
        expected: DateTime<Utc>,
    },
    /// Not within 24 hours.
    NotWithin { why: Stuck },
}

impl Clearance {
    /// The most likely time, when there is one.
    pub fn expected(&self) -> Option<DateTime<Utc>> {
        match self {
            Clearance::By { expected, .. } | Clearance::From { expected, .. } => Some(*expected),
            _ => None,
        }
    }
}

/// A hold that passes its service level within the next 8 hours if nothing changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HoldAtRisk {
    pub hold_id: i64,
    pub shipment_id: i64,
    pub port_code: String,
    pub reason: HoldReason,
    /// When its service level runs out.
    pub passes_at: DateTime<Utc>,
}

/// The forecast of one port (`port` set) or of the country (`port` null).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Forecast {
    pub port: Option<String>,
    /// The zone its times are told in: the port's, or the operations centre's.
    pub time_zone: String,
    /// The instant it was made at.
    pub at: DateTime<Utc>,
    /// Examinations open now (queued, assigned or under way).
    pub waiting: i64,
    pub officers_on_shift: i64,
    /// Examinations completed per officer-hour over the history window (or the floor).
    pub rate_per_officer_hour: f64,
    /// The present rate: officers on shift × the rate per officer-hour.
    pub rate_per_hour: f64,
    /// False when there was no history to measure the rate and the floor was used.
    pub rate_measured: bool,
    /// Examinations completed over the history window.
    pub completed_recently: i64,
    pub history_days: i64,
    /// Examinations expected to be opened in the next 8 hours.
    pub expected_next_8h: f64,
    /// Shipments already declared with an ETA in the next 8 hours.
    pub declared_next_8h: i64,
    pub clearance: Clearance,
    /// For the country: the port whose backlog clears last (or does not clear).
    pub last_to_clear: Option<String>,
    /// Soonest first.
    pub holds_at_risk: Vec<HoldAtRisk>,
}

#[server(prefix = "/rpc", endpoint = "port_forecast")]
pub async fn get_port_forecast(code: String) -> Result<Forecast, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::port(&state.db.pool, &code.to_ascii_uppercase(), Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "country_forecast")]
pub async fn get_country_forecast() -> Result<Forecast, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::country(&state.db.pool, Utc::now()).await
}
