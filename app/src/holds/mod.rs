//! Holds: goods stopped until someone with authority lifts them. The board lists the active
//! ones with their dwell — the number an operations centre watches. Here: the hold as the
//! screens and the API see it, its filters, what can be done to it, and the server functions.

use crate::domain::{HoldReason, HoldStatus, ServiceClock};
use crate::error::AppError;
use crate::paging::{ListFilter, Page, QueryPairs, QueryString, WorkStatus};
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod act;
#[cfg(feature = "ssr")]
pub mod db;
pub mod decide;
pub mod page;
pub mod panel;

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

impl crate::export::CsvRecord for HoldRow {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "shipment_id",
        "shipment_reference",
        "description",
        "importer_name",
        "port_code",
        "port_time_zone",
        "reason",
        "status",
        "placed_at",
        "placed_by",
        "due_at",
        "paused_ms",
        "paused_since",
        "resolved_at",
        "resolved_by",
        "agency",
        "notes",
        "version",
    ];

    fn cells(&self) -> Vec<crate::export::Cell> {
        use crate::export::Cell;
        vec![
            Cell::int(self.id),
            Cell::int(self.shipment_id),
            Cell::text(&self.shipment_reference),
            Cell::text(&self.description),
            Cell::text(&self.importer_name),
            Cell::text(&self.port_code),
            Cell::text(&self.port_time_zone),
            Cell::text(self.reason.code()),
            Cell::text(self.status.code()),
            Cell::time(self.placed_at),
            Cell::text(&self.placed_by),
            Cell::time(self.due_at),
            Cell::int(self.paused_ms),
            Cell::or_empty(self.paused_since, Cell::time),
            Cell::or_empty(self.resolved_at, Cell::time),
            Cell::or_empty(self.resolved_by.as_ref(), Cell::text),
            Cell::or_empty(self.agency.as_ref(), Cell::text),
            Cell::text(&self.notes),
            Cell::int(self.version),
        ]
    }
}

/// Place a hold on a shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewHold {
    pub shipment_id: i64,
    pub reason: HoldReason,
    #[serde(default)]
    pub notes: String,
}

/// What can be done to a hold after it is placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum HoldCommand {
    Release { reason: String },
    RequestSeizure { reason: String },
    ApproveSeizure { reason: String },
    Refer { agency: String, reason: String },
    Note { text: String },
    Pause { reason: String },
    Resume,
}

/// Which holds a status filter selects; by default the active ones: placed, under examination
/// or awaiting seizure approval.
pub type StatusFilter = crate::paging::StatusFilter<HoldStatus>;

impl WorkStatus for HoldStatus {
    const UNFINISHED: (&'static str, &'static str) = ("active", "Active");
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
    pub const ALL: [(HoldSort, &'static str); 4] = [
        (HoldSort::DwellDesc, "dwell_desc"),
        (HoldSort::DwellAsc, "dwell_asc"),
        (HoldSort::Due, "due"),
        (HoldSort::Port, "port"),
    ];

    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map(|(_, c)| *c)
            .unwrap_or("dwell_desc")
    }

    /// The order's name in the filter, in the language being spoken.
    pub fn label(self) -> &'static str {
        let l = crate::lang::current();
        match self {
            HoldSort::DwellDesc => crate::i18n::td_string!(l, holds.sort_dwell_desc),
            HoldSort::DwellAsc => crate::i18n::td_string!(l, holds.sort_dwell_asc),
            HoldSort::Due => crate::i18n::td_string!(l, holds.sort_due),
            HoldSort::Port => crate::i18n::td_string!(l, holds.sort_port),
        }
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
            status: StatusFilter::Unfinished,
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
        let sort = q
            .parse_with(
                "sort",
                |v| HoldSort::ALL.iter().find(|(_, c)| *c == v).map(|(s, _)| *s),
                || crate::i18n::td_string!(crate::lang::current(), holds.sort_choices).into(),
            )?
            .unwrap_or(HoldSort::DwellDesc);
        Ok(Self {
            port: q.port()?,
            reason: q.parse_with("reason", HoldReason::parse, HoldReason::codes)?,
            status: q.status()?,
            min_age_hours: q.int_in("min_age_hours", 0, 24 * 365)?,
            sort,
            page,
            per_page,
        })
    }
}

impl ListFilter for HoldFilter {
    fn parse(pairs: Vec<(&str, &str)>) -> Result<Self, AppError> {
        Self::from_query(pairs)
    }

    fn at_page(&self, page: i64) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    fn to_query(&self) -> String {
        let mut q = QueryString::default();
        q.push("port", self.port.as_ref())
            .push("reason", self.reason.map(|r| r.code()))
            .push("status", self.status.to_query())
            .push("min_age_hours", self.min_age_hours)
            .push(
                "sort",
                (self.sort != HoldSort::DwellDesc).then(|| self.sort.code()),
            );
        q.paging(self.page, self.per_page)
    }
}

#[server(prefix = "/rpc", endpoint = "holds")]
pub async fn list_holds(filter: HoldFilter) -> Result<Page<HoldRow>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::list(&state.db.pool, &filter.checked()?, Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "place_hold", input = Json)]
pub async fn place_hold(request: NewHold) -> Result<HoldRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    act::place_hold(&state.db.pool, &caller, &request, Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "hold_action", input = Json)]
pub async fn hold_action(
    hold_id: i64,
    command: HoldCommand,
    version: Option<i64>,
) -> Result<HoldRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    act::hold_action(
        &state.db.pool,
        &caller,
        hold_id,
        command,
        version,
        Utc::now(),
    )
    .await
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
    fn commands_read_as_the_api_writes_them() {
        let c: HoldCommand =
            serde_json::from_str(r#"{"action":"release","reason":"documents received"}"#).unwrap();
        assert_eq!(
            c,
            HoldCommand::Release {
                reason: "documents received".into()
            }
        );
    }

    #[test]
    fn defaults_show_active_holds_longest_dwell_first() {
        assert_eq!(HoldFilter::from_query([]).unwrap(), HoldFilter::default());
        assert_eq!(HoldFilter::default().to_query(), "");
    }
}
