//! Ports of entry: their status, lanes, staffing, waits and notices, and the overview of the
//! whole country built from them.

use crate::domain::{Mode, NoticeKind, PortStatus, Severity};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod operations;
pub mod operations_panel;
pub mod page;
pub mod rpc;
pub mod tile;
pub mod waits;
pub mod waits_form;

pub use crate::domain::port_rules::{COMMERCIAL_WAIT_STANDARD_MIN, TRAVELLER_WAIT_STANDARD_MIN};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Notice {
    pub id: i64,
    pub kind: NoticeKind,
    pub severity: Severity,
    pub message: String,
    pub since: DateTime<Utc>,
    /// When the notice ends by itself, if it does.
    pub expires_at: Option<DateTime<Utc>>,
    /// The version an edit or a clearing of the notice names.
    pub version: i64,
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
    /// Why a port is limited or closed (`None` when it is open).
    pub status_reason: Option<String>,
    /// When a port that is not open expects to be open again, if it says.
    pub expected_return_at: Option<DateTime<Utc>>,
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
    /// The version a change of the port's status, lanes, staffing or a new notice names.
    #[serde(default)]
    pub version: i64,
    /// Where the port is, in degrees (WGS 84); `None` for a port registered without its
    /// place, which the map lists but does not draw.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl PortSummary {
    /// The port's place, when both coordinates are known.
    pub fn place(&self) -> Option<(f64, f64)> {
        self.latitude.zip(self.longitude)
    }

    /// Work past its time: holds past their service level and inspections past due.
    pub fn overdue_work(&self) -> i64 {
        self.holds_overdue + self.inspections_overdue
    }

    pub fn commercial_wait_over_standard(&self) -> bool {
        self.commercial_wait_min
            .is_some_and(|m| m > COMMERCIAL_WAIT_STANDARD_MIN)
    }
}

/// A port's notices are flattened into their count (`notices`), their kinds and their
/// messages (each joined with ` | ` in the notices' order).
impl crate::export::CsvRecord for PortSummary {
    const COLUMNS: &'static [&'static str] = &[
        "code",
        "name",
        "kind",
        "province",
        "time_zone",
        "status",
        "hours",
        "lanes_open",
        "lanes_available",
        "officers_on_shift",
        "commercial_wait_min",
        "traveller_wait_min",
        "waits_measured_at",
        "active_holds",
        "holds_overdue",
        "queued_inspections",
        "open_inspections",
        "inspections_overdue",
        "notices",
        "notice_kinds",
        "notice_messages",
    ];

    fn cells(&self) -> Vec<crate::export::Cell> {
        use crate::export::Cell;
        let joined = |part: fn(&Notice) -> &str| {
            self.notices
                .iter()
                .map(part)
                .collect::<Vec<_>>()
                .join(" | ")
        };
        vec![
            Cell::text(&self.code),
            Cell::text(&self.name),
            Cell::text(self.kind.code()),
            Cell::text(&self.province),
            Cell::text(&self.time_zone),
            Cell::text(self.status.code()),
            Cell::text(&self.hours),
            Cell::int(self.lanes_open),
            Cell::int(self.lanes_available),
            Cell::int(self.officers_on_shift),
            Cell::or_empty(self.commercial_wait_min, Cell::int),
            Cell::or_empty(self.traveller_wait_min, Cell::int),
            Cell::or_empty(self.waits_measured_at, Cell::time),
            Cell::int(self.active_holds),
            Cell::int(self.holds_overdue),
            Cell::int(self.queued_inspections),
            Cell::int(self.open_inspections),
            Cell::int(self.inspections_overdue),
            Cell::int(self.notices.len() as i64),
            Cell::text(joined(|n| n.kind.code())),
            Cell::text(joined(|n| n.message.as_str())),
        ]
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortDetail {
    pub summary: PortSummary,
    pub release_times: ReleaseTimes,
    /// Shipments due at the port (by their expected arrival) in the last 24 hours.
    pub shipments_last_24h: i64,
    /// Shipments with an examination opened at the port in the last 7 days.
    pub examined_last_7d: i64,
    /// Shipments that arrived at the port in the last 7 days (by their arrival): the share
    /// examined is `examined_last_7d` of these.
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
