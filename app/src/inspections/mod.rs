//! Inspections (examinations): the queue per port, ordered by priority then due time. Here:
//! the inspection as the screens and the API see it, its filters, what can be done to it
//! (including a shift's handover), the officers' workload, and the server functions.

use crate::domain::{InspectionKind, InspectionStatus, Outcome, Priority};
use crate::error::AppError;
use crate::paging::{ListFilter, Page, QueryPairs, QueryString, WorkStatus};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod act;
#[cfg(feature = "ssr")]
pub mod db;
pub mod decide;
pub mod handover;
pub mod page;
pub mod panel;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OfficerRef {
    pub id: i64,
    pub name: String,
    pub badge: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InspectionRow {
    pub id: i64,
    pub hold_id: i64,
    pub shipment_id: i64,
    pub shipment_reference: String,
    pub description: String,
    pub port_code: String,
    pub port_time_zone: String,
    pub kind: InspectionKind,
    pub priority: Priority,
    pub status: InspectionStatus,
    pub created_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub assigned_officer: Option<OfficerRef>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    pub version: i64,
}

impl InspectionRow {
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.status.is_open() && self.due_at < now
    }
}

/// The assigned officer is flattened into three columns (`assigned_officer_id`, `_name`,
/// `_badge`), empty while the item is unassigned.
impl crate::export::CsvRecord for InspectionRow {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "hold_id",
        "shipment_id",
        "shipment_reference",
        "description",
        "port_code",
        "port_time_zone",
        "kind",
        "priority",
        "status",
        "created_at",
        "due_at",
        "assigned_officer_id",
        "assigned_officer_name",
        "assigned_officer_badge",
        "started_at",
        "completed_at",
        "outcome",
        "version",
    ];

    fn cells(&self) -> Vec<crate::export::Cell> {
        use crate::export::Cell;
        let officer = self.assigned_officer.as_ref();
        vec![
            Cell::int(self.id),
            Cell::int(self.hold_id),
            Cell::int(self.shipment_id),
            Cell::text(&self.shipment_reference),
            Cell::text(&self.description),
            Cell::text(&self.port_code),
            Cell::text(&self.port_time_zone),
            Cell::text(self.kind.code()),
            Cell::text(self.priority.code()),
            Cell::text(self.status.code()),
            Cell::time(self.created_at),
            Cell::time(self.due_at),
            Cell::or_empty(officer, |o| Cell::int(o.id)),
            Cell::or_empty(officer, |o| Cell::text(&o.name)),
            Cell::or_empty(officer, |o| Cell::text(&o.badge)),
            Cell::or_empty(self.started_at, Cell::time),
            Cell::or_empty(self.completed_at, Cell::time),
            Cell::or_empty(self.outcome, |o| Cell::text(o.code())),
            Cell::int(self.version),
        ]
    }
}

/// Open an inspection of the goods a hold stops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewInspection {
    pub hold_id: i64,
    pub kind: InspectionKind,
    #[serde(default = "normal")]
    pub priority: Priority,
}

fn normal() -> Priority {
    Priority::Normal
}

/// What can be done to an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum InspectionCommand {
    /// The signed-in officer takes it.
    Claim,
    /// A supervisor gives it to an officer of its port, or (`None`) back to the queue.
    Assign {
        officer_id: Option<i64>,
    },
    Start,
    /// `follow_up` names the next kind of inspection when the outcome is inconclusive.
    Complete {
        outcome: Outcome,
        #[serde(default)]
        notes: String,
        #[serde(default)]
        follow_up: Option<InspectionKind>,
    },
    Cancel {
        reason: String,
    },
    Priority {
        priority: Priority,
        reason: String,
    },
}

/// Move every open item of one officer at a port to another officer, or back to the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HandoverRequest {
    pub port: String,
    pub from_officer_id: i64,
    /// `None`: back to the queue.
    pub to_officer_id: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

/// What a handover moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HandoverReport {
    pub moved: Vec<i64>,
}

/// An officer of a port and how much open work they hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OfficerLoad {
    pub officer_id: i64,
    pub name: String,
    pub badge: String,
    pub on_shift: bool,
    pub assigned: i64,
    pub in_progress: i64,
    pub overdue: i64,
}

impl OfficerLoad {
    /// Items assigned or under way.
    pub fn open(&self) -> i64 {
        self.assigned + self.in_progress
    }
}

/// Which inspections a status filter selects; by default the open ones: queued, assigned or
/// in progress.
pub type QueueStatus = crate::paging::StatusFilter<InspectionStatus>;

impl WorkStatus for InspectionStatus {
    const UNFINISHED: (&'static str, &'static str) = ("open", "Open");
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionFilter {
    pub port: Option<String>,
    pub kind: Option<InspectionKind>,
    pub status: QueueStatus,
    pub priority: Option<Priority>,
    /// Only items past their due time.
    pub overdue: bool,
    pub page: i64,
    pub per_page: i64,
}

impl Default for InspectionFilter {
    fn default() -> Self {
        Self {
            port: None,
            kind: None,
            status: QueueStatus::Unfinished,
            priority: None,
            overdue: false,
            page: 1,
            per_page: crate::paging::DEFAULT_PER_PAGE,
        }
    }
}

impl InspectionFilter {
    pub const PARAMS: [&'static str; 7] = [
        "port", "kind", "status", "priority", "overdue", "page", "per_page",
    ];

    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, AppError> {
        let q = QueryPairs::new(pairs, &Self::PARAMS)?;
        let (page, per_page) = q.paging()?;
        let overdue = q
            .parse_with(
                "overdue",
                |v| match v {
                    "true" | "1" | "yes" => Some(true),
                    "false" | "0" | "no" => Some(false),
                    _ => None,
                },
                || {
                    crate::i18n::td_string!(crate::lang::current(), inspections.true_or_false)
                        .into()
                },
            )?
            .unwrap_or(false);
        Ok(Self {
            port: q.port()?,
            kind: q.parse_with("kind", InspectionKind::parse, InspectionKind::codes)?,
            status: q.status()?,
            priority: q.parse_with("priority", Priority::parse, Priority::codes)?,
            overdue,
            page,
            per_page,
        })
    }
}

impl ListFilter for InspectionFilter {
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
            .push("kind", self.kind.map(|k| k.code()))
            .push("status", self.status.to_query())
            .push("priority", self.priority.map(|p| p.code()))
            .push("overdue", self.overdue.then_some("true"));
        q.paging(self.page, self.per_page)
    }
}

#[server(prefix = "/rpc", endpoint = "inspections")]
pub async fn list_inspections(filter: InspectionFilter) -> Result<Page<InspectionRow>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::list(&state.db.pool, &filter.checked()?, Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "open_inspection", input = Json)]
pub async fn open_inspection(request: NewInspection) -> Result<InspectionRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    act::open_inspection(&state.db.pool, &caller, &request, Utc::now()).await
}

#[server(prefix = "/rpc", endpoint = "inspection_action", input = Json)]
pub async fn inspection_action(
    inspection_id: i64,
    command: InspectionCommand,
    version: Option<i64>,
) -> Result<InspectionRow, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    act::inspection_action(
        &state.db.pool,
        &caller,
        inspection_id,
        command,
        version,
        Utc::now(),
    )
    .await
}

#[server(prefix = "/rpc", endpoint = "handover", input = Json)]
pub async fn handover(request: HandoverRequest) -> Result<HandoverReport, AppError> {
    let caller = crate::auth::server::current()?;
    let state = crate::state::app_state()?;
    act::handover(&state.db.pool, &caller, &request, Utc::now()).await
}

/// The officers of a port with their open work, busiest first.
#[server(prefix = "/rpc", endpoint = "workload")]
pub async fn workload(port: String) -> Result<Vec<OfficerLoad>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::workload(&state.db.pool, &port, Utc::now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_round_trips_through_the_query_string() {
        let f = InspectionFilter::from_query([
            ("port", "YUL"),
            ("kind", "xray"),
            ("status", "queued"),
            ("priority", "urgent"),
            ("overdue", "true"),
            ("page", "2"),
        ])
        .unwrap();
        assert_eq!(f.kind, Some(InspectionKind::Xray));
        assert_eq!(f.status, QueueStatus::One(InspectionStatus::Queued));
        assert!(f.overdue);
        let back =
            InspectionFilter::from_query(f.to_query().split('&').filter_map(|p| p.split_once('=')))
                .unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn commands_read_as_the_api_writes_them() {
        let c: InspectionCommand = serde_json::from_str(
            r#"{"action":"complete","outcome":"inconclusive","follow_up":"xray"}"#,
        )
        .unwrap();
        assert!(matches!(
            c,
            InspectionCommand::Complete {
                outcome: Outcome::Inconclusive,
                follow_up: Some(InspectionKind::Xray),
                ..
            }
        ));
    }

    #[test]
    fn bad_values_name_the_field() {
        for (k, v) in [
            ("kind", "sniff"),
            ("priority", "9"),
            ("overdue", "maybe"),
            ("per_page", "0"),
        ] {
            match InspectionFilter::from_query([(k, v)]) {
                Err(AppError::Invalid { field, .. }) => assert_eq!(field, k),
                other => panic!("{k}={v}: {other:?}"),
            }
        }
    }
}
