//! Trends over days: how holds, examinations, targeting and officers' work went, per day over
//! a period (the last day, 7 or 30 days, or dates chosen), for the country, a port, a region
//! or a mode. `filter.rs` reads the period and scope from a query string (the page's, the
//! API's), `shape.rs` turns the records into each day's figures (pure, unit-tested), `db.rs`
//! reads the records, `counterfeits.rs` groups the detentions for intellectual property by
//! rights holder (pure, unit-tested), `series.rs` gives each series its rows (the page's table and the CSV
//! file alike), `chart.rs` draws them, `page.rs` is `/trends` and the port page's section.

use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod chart;
pub mod counterfeits;
#[cfg(feature = "ssr")]
pub mod db;
pub mod filter;
pub mod page;
pub mod series;
pub mod shape;

pub use filter::{Period, Scope, TrendsFilter};
pub use series::Series;

/// The zone the days of the country, a region or a mode are counted in: the operations
/// centre's, in Ottawa (Eastern time). A port's days are its own zone's.
pub use crate::forecast::CENTRE_TIME_ZONE;

/// One day's release times: holds released that day, from placed to released.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReleaseTimesDay {
    pub day: NaiveDate,
    pub released: i64,
    /// The median, in whole minutes; null on a day without a release.
    pub median_min: Option<i64>,
    /// The 90th percentile (nearest rank: the smallest time at least 90% of the day's
    /// releases took no longer than), in whole minutes.
    pub p90_min: Option<i64>,
}

/// Holds by how long they have sat on hold (their dwell, the trader's pauses left out): those
/// still active at the end of the period, and those that ended in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DwellBandCount {
    /// `under_1h`, `1h_4h`, `4h_8h`, `8h_24h`, `24h_48h`, `over_48h`.
    pub band: String,
    pub active: i64,
    pub ended: i64,
}

/// A count per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayCount {
    pub day: NaiveDate,
    pub count: i64,
}

/// Holds placed, released and seized per day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HoldsDay {
    pub day: NaiveDate,
    pub placed: i64,
    pub released: i64,
    pub seized: i64,
}

/// Examinations opened and completed per day, and the outcomes of those completed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExaminationsDay {
    pub day: NaiveDate,
    pub opened: i64,
    pub completed: i64,
    pub no_finding: i64,
    pub seizure: i64,
    pub penalty: i64,
    pub agency_referral: i64,
    pub inconclusive: i64,
}

/// Shipments selected by the rules for examination on a day (scored that day) and what their
/// examinations found, against shipments selected at random the same day: the baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReferralsDay {
    pub day: NaiveDate,
    /// Shipments the rules sent to yellow or red or referred.
    pub selected: i64,
    /// Of those, shipments with a completed examination.
    pub examined: i64,
    /// Of those, shipments whose examination found something.
    pub findings: i64,
    /// findings / examined; null before an examination completes.
    pub hit_rate: Option<f64>,
    /// Shipments selected at random.
    pub random_selected: i64,
    pub random_examined: i64,
    pub random_findings: i64,
    pub random_hit_rate: Option<f64>,
}

/// One officer's examinations completed over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OfficerWork {
    pub officer_id: i64,
    pub name: String,
    pub badge: String,
    pub completed: i64,
    /// Of those, examinations that found something.
    pub findings: i64,
}

/// One flow's border waits on a day (Canada-bound, as measured by the port's officers, CBSA's
/// wait times file or the demo's feed) against the flow's service standard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BorderWaitsDay {
    pub day: NaiveDate,
    /// `commercial` or `traveller`.
    pub flow: String,
    /// The flow's service standard, in minutes: a wait longer than it is over it.
    pub standard_min: i64,
    /// Waits of this flow measured that day at the scope's crossings.
    pub measurements: i64,
    /// Their mean, in minutes to one decimal place; null on a day without a measurement.
    pub mean_min: Option<f64>,
    /// The longest, in minutes.
    pub worst_min: Option<i64>,
    /// Measurements longer than the standard.
    pub over_standard: i64,
    /// over_standard / measurements, to three decimal places; null without a measurement.
    pub over_standard_share: Option<f64>,
}

/// The counterfeit detentions of one rights holder over the period: the holds for intellectual
/// property placed in it whose goods fall under one of the holder's requests for assistance,
/// or (`rights_holder` null) under none, detained on the officer's own initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CounterfeitsByHolder {
    pub rights_holder: Option<String>,
    /// The number of the holder's request the detentions fell under first.
    pub request_id: Option<i64>,
    pub detained: i64,
    /// Still held: awaiting the holder's decision, examined, or with a seizure asked for.
    pub open: i64,
    /// Released: found genuine, or the holder took no action in time.
    pub released: i64,
    pub seized: i64,
    /// Referred to another agency or returned.
    pub referred_or_returned: i64,
    /// The median of the days from detention to the decision that ended it, to one decimal
    /// place; null when none has ended.
    pub median_days: Option<f64>,
}

/// The trends of a scope over a period, each series one row per day (the dwell bands, the
/// officers and the counterfeit detentions excepted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Trends {
    /// `country`, `port`, `region` or `mode`.
    pub scope: String,
    /// The port's code, the region's or the mode's; null for the country.
    pub scope_code: Option<String>,
    /// The zone the days are counted in: the port's, or the operations centre's.
    pub time_zone: String,
    /// The first day, and the last (both included).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The instant the figures were read at (a day after it has nothing yet).
    pub at: DateTime<Utc>,
    pub release_times: Vec<ReleaseTimesDay>,
    pub dwell: Vec<DwellBandCount>,
    /// Holds whose service level ran out that day while they were still on hold.
    pub past_service_level: Vec<DayCount>,
    pub holds: Vec<HoldsDay>,
    pub examinations: Vec<ExaminationsDay>,
    pub referrals: Vec<ReferralsDay>,
    /// Most examinations completed first.
    pub officers: Vec<OfficerWork>,
    /// Per day, the commercial flow's row then the travellers'. Only land crossings measure
    /// waits: a scope without one has rows of no measurement.
    pub border_waits: Vec<BorderWaitsDay>,
    /// Per rights holder, most detentions first; the detentions under no request last.
    pub counterfeits: Vec<CounterfeitsByHolder>,
}

/// A port as the filter offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortChoice {
    pub code: String,
    pub name: String,
}

/// The trends the filter asks for (read from the page's query string by
/// [`TrendsFilter::from_pairs`]).
#[server(prefix = "/rpc", endpoint = "trends")]
pub async fn get_trends(filter: TrendsFilter) -> Result<Trends, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::trends(&state.db.pool, &filter, Utc::now()).await
}

/// The ports the filter offers.
#[server(prefix = "/rpc", endpoint = "trends_ports")]
pub async fn get_trend_ports() -> Result<Vec<PortChoice>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    Ok(db::port_choices(&state.db.pool).await?)
}
