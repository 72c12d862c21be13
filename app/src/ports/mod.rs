//! Ports of entry: their status, lanes, staffing, waits and notices, and the overview of the
//! whole country built from them.

use crate::domain::{Mode, NoticeKind, PortStatus};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod feed;
pub mod page;
pub mod waits;
pub mod waits_form;

/// Public service standards for border waits, in minutes.
pub const COMMERCIAL_WAIT_STANDARD_MIN: i64 = 45;
pub const TRAVELLER_WAIT_STANDARD_MIN: i64 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Notice {
    pub kind: NoticeKind,
    pub message: String,
    pub since: DateTime<Utc>,
}

/// One port's tile on the board: what it is, how it is running, and its workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortSummary {
    pub code: String,
    pub name: String,
    pub kind: Mode,
    pub province: String,
    pub time_zone: String,
    pub status: PortStatus,
    pub hours: String,
    pub lanes_open: i64,
    pub lanes_available: i64,
    pub officers_on_shift: i64,
    /// `None` where the flow does not apply (an air cargo shed has no traveller lanes).
    pub commercial_wait_min: Option<i64>,
    pub traveller_wait_min: Option<i64>,
    pub waits_measured_at: Option<DateTime<Utc>>,
    pub active_holds: i64,
    /// Active holds past their service level, paused clocks excluded.
    pub holds_overdue: i64,
    pub queued_inspections: i64,
    pub open_inspections: i64,
    pub inspections_overdue: i64,
    pub notices: Vec<Notice>,
}

impl PortSummary {
    pub fn commercial_wait_over_standard(&self) -> bool {
        self.commercial_wait_min
            .is_some_and(|m| m > COMMERCIAL_WAIT_STANDARD_MIN)
    }
}

/// Country-wide figures: the sums of the tiles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Totals {
    pub ports: i64,
    pub ports_open: i64,
    pub ports_limited: i64,
    pub ports_closed: i64,
    pub active_holds: i64,
    pub holds_overdue: i64,
    pub queued_inspections: i64,
    pub open_inspections: i64,
    pub inspections_overdue: i64,
    pub officers_on_shift: i64,
}

impl Totals {
    pub fn of(ports: &[PortSummary]) -> Self {
        ports.iter().fold(Totals::default(), |mut t, p| {
            t.ports += 1;
            match p.status {
                PortStatus::Open => t.ports_open += 1,
                PortStatus::Limited => t.ports_limited += 1,
                PortStatus::Closed => t.ports_closed += 1,
            }
            t.active_holds += p.active_holds;
            t.holds_overdue += p.holds_overdue;
            t.queued_inspections += p.queued_inspections;
            t.open_inspections += p.open_inspections;
            t.inspections_overdue += p.inspections_overdue;
            t.officers_on_shift += p.officers_on_shift;
            t
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    pub as_of: DateTime<Utc>,
    pub totals: Totals,
    pub ports: Vec<PortSummary>,
}

/// Release time (arrival → release) over a period: median and 90th percentile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReleaseTimes {
    pub days: i64,
    pub released: i64,
    pub median_min: Option<i64>,
    pub p90_min: Option<i64>,
}

/// The 1-based nearest rank of the `p` quantile among `n` sorted values (`None` when empty).
pub fn nearest_rank(p: f64, n: i64) -> Option<i64> {
    (n > 0).then(|| ((p * n as f64).ceil() as i64).clamp(1, n))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortDetail {
    pub summary: PortSummary,
    pub release_times: ReleaseTimes,
    pub shipments_last_24h: i64,
    pub examined_last_7d: i64,
    pub arrived_last_7d: i64,
}

#[server(prefix = "/rpc", endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::overview(&state.db.pool, Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "port")]
pub async fn get_port(code: String) -> Result<PortDetail, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::detail(&state.db.pool, &code.to_ascii_uppercase(), Utc::now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        assert_eq!(nearest_rank(0.5, 10), Some(5));
        assert_eq!(nearest_rank(0.9, 10), Some(9));
        assert_eq!(nearest_rank(0.9, 1), Some(1));
        assert_eq!(nearest_rank(0.5, 0), None);
        assert_eq!(nearest_rank(0.99, 1000), Some(990));
    }
}
