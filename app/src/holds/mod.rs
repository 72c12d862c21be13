//! Holds: goods stopped until someone with authority lifts them. The board lists the active
//! ones with their dwell — the number an operations centre watches.

use crate::domain::{HoldReason, HoldStatus, ServiceClock};
use crate::error::AppError;
use crate::paging::{Page, QueryPairs};
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod page;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HoldRow {
    pub id: i64,
    pub shipment_id: i64,
    /// "AWB 176-12345675", for people.
    pub shipment_reference: String,
    pub description: String,
    pub importer_name: String,
    pub port_code: String,
    pub port_time_zone: String,
    pub reason: HoldReason,
    pub status: HoldStatus,
    pub placed_at: DateTime<Utc>,
    pub placed_by: String,
    pub due_at: DateTime<Utc>,
    /// Time the service clock spent paused in pauses that have ended.
    pub paused_ms: i64,
    /// Start of the pause in force: the port is waiting on the trader.
    pub paused_since: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub agency: Option<String>,
    pub notes: String,
    pub version: i64,
}

impl HoldRow {
    pub fn clock(&self) -> ServiceClock {
        ServiceClock {
            placed_at: self.placed_at,
            ended_at: self.resolved_at,
            paused_before: Duration::milliseconds(self.paused_ms),
            paused_since: self.paused_since,
            due_at: self.due_at,
        }
    }
}

/// Which holds a status filter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusFilter {
    /// Placed, under examination or awaiting seizure approval (the default).
    Active,
    All,
    One(HoldStatus),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HoldSort {
    /// Longest dwell first (the default).
    DwellDesc,
    DwellAsc,
    /// Soonest due (most overdue) first.
    Due,
    Port,
}

impl HoldSort {
    pub const ALL: [(HoldSort, &'static str, &'static str); 4] = [
        (HoldSort::DwellDesc, "dwell_desc", "Longest dwell first"),
        (HoldSort::DwellAsc, "dwell_asc", "Newest first"),
        (HoldSort::Due, "due", "Most overdue first"),
        (HoldSort::Port, "port", "Port"),
    ];

    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, ..)| *s == self)
            .map(|(_, c, _)| *c)
            .unwrap_or("dwell_desc")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldFilter {
    pub port: Option<String>,
    pub reason: Option<HoldReason>,
    pub status: StatusFilter,
    /// Only holds placed at least this many hours ago.
    pub min_age_hours: Option<i64>,
    pub sort: HoldSort,
    pub page: i64,
    pub per_page: i64,
}

impl Default for HoldFilter {
    fn default() -> Self {
        Self {
            port: None,
            reason: None,
            status: StatusFilter::Active,
            min_age_hours: None,
            sort: HoldSort::DwellDesc,
            page: 1,
            per_page: crate::paging::DEFAULT_PER_PAGE,
        }
    }
}

impl HoldFilter {
    pub const PARAMS: [&'static str; 7] = [
        "port",
        "reason",
        "status",
        "min_age_hours",
        "sort",
        "page",
        "per_page",
    ];

    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let q = QueryPairs::new(pairs, &Self::PARAMS)?;
        let (page, per_page) = q.paging()?;
        let status = q
            .parse_with(
                "status",
                |v| match v {
                    "active" => Some(StatusFilter::Active),
                    "all" => Some(StatusFilter::All),
                    other => HoldStatus::parse(other).map(StatusFilter::One),
                },
                || format!("active, all, {}", HoldStatus::codes()),
            )?
            .unwrap_or(StatusFilter::Active);
        let sort = q
            .parse_with(
                "sort",
                |v| {
                    HoldSort::ALL
                        .iter()
                        .find(|(_, c, _)| *c == v)
                        .map(|(s, ..)| *s)
                },
                || "dwell_desc, dwell_asc, due or port".into(),
            )?
            .unwrap_or(HoldSort::DwellDesc);
        Ok(Self {
            port: q.port()?,
            reason: q.parse_with("reason", HoldReason::parse, HoldReason::codes)?,
            status,
            min_age_hours: q.int_in("min_age_hours", 0, 24 * 365)?,
            sort,
            page,
            per_page,
        })
    }

    /// The query string that reproduces this filter (defaults left out), for links.
    pub fn to_query(&self) -> String {
        let mut parts = vec![];
        if let Some(p) = &self.port {
            parts.push(format!("port={p}"));
        }
        if let Some(r) = self.reason {
            parts.push(format!("reason={}", r.code()));
        }
        match self.status {
            StatusFilter::Active => {}
            StatusFilter::All => parts.push("status=all".into()),
            StatusFilter::One(s) => parts.push(format!("status={}", s.code())),
        }
        if let Some(h) = self.min_age_hours {
            parts.push(format!("min_age_hours={h}"));
        }
        if self.sort != HoldSort::DwellDesc {
            parts.push(format!("sort={}", self.sort.code()));
        }
        if self.page != 1 {
            parts.push(format!("page={}", self.page));
        }
        if self.per_page != crate::paging::DEFAULT_PER_PAGE {
            parts.push(format!("per_page={}", self.per_page));
        }
        parts.join("&")
    }
}

#[server(prefix = "/rpc", endpoint = "holds")]
pub async fn list_holds(filter: HoldFilter) -> Result<Page<HoldRow>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::list(&state.db.pool, &filter, Utc::now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_reads_every_parameter() {
        let f = HoldFilter::from_query([
            ("port", "yyz"),
            ("reason", "intellectual_property"),
            ("status", "seizure_requested"),
            ("min_age_hours", "12"),
            ("sort", "due"),
            ("page", "3"),
            ("per_page", "20"),
        ])
        .unwrap();
        assert_eq!(f.port.as_deref(), Some("YYZ"));
        assert_eq!(f.reason, Some(HoldReason::IntellectualProperty));
        assert_eq!(f.status, StatusFilter::One(HoldStatus::SeizureRequested));
        assert_eq!(
            (f.min_age_hours, f.sort, f.page, f.per_page),
            (Some(12), HoldSort::Due, 3, 20)
        );
        assert_eq!(
            HoldFilter::from_query(f.to_query().split('&').filter_map(|p| p.split_once('=')))
                .unwrap(),
            f
        );
    }

    #[test]
    fn a_bad_reason_is_refused_with_the_allowed_list() {
        let err = HoldFilter::from_query([("reason", "smuggling")]).unwrap_err();
        match err {
            AppError::Invalid { field, reason } => {
                assert_eq!(field, "reason");
                assert!(reason.contains("risk_target"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_show_active_holds_longest_dwell_first() {
        assert_eq!(HoldFilter::from_query([]).unwrap(), HoldFilter::default());
        assert_eq!(HoldFilter::default().to_query(), "");
    }
}
