//! Inspections (examinations): the queue per port, ordered by priority then due time.

use crate::domain::{InspectionKind, InspectionStatus, Outcome, Priority};
use crate::error::AppError;
use crate::paging::{Page, QueryPairs};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod page;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueStatus {
    /// Queued, assigned or in progress (the default).
    Open,
    All,
    One(InspectionStatus),
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
            status: QueueStatus::Open,
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
        let status = q
            .parse_with(
                "status",
                |v| match v {
                    "open" => Some(QueueStatus::Open),
                    "all" => Some(QueueStatus::All),
                    other => InspectionStatus::parse(other).map(QueueStatus::One),
                },
                || format!("open, all, {}", InspectionStatus::codes()),
            )?
            .unwrap_or(QueueStatus::Open);
        let overdue = q
            .parse_with(
                "overdue",
                |v| match v {
                    "true" | "1" | "yes" => Some(true),
                    "false" | "0" | "no" => Some(false),
                    _ => None,
                },
                || "true or false".into(),
            )?
            .unwrap_or(false);
        Ok(Self {
            port: q.port()?,
            kind: q.parse_with("kind", InspectionKind::parse, InspectionKind::codes)?,
            status,
            priority: q.parse_with("priority", Priority::parse, Priority::codes)?,
            overdue,
            page,
            per_page,
        })
    }

    pub fn to_query(&self) -> String {
        let mut parts = vec![];
        if let Some(p) = &self.port {
            parts.push(format!("port={p}"));
        }
        if let Some(k) = self.kind {
            parts.push(format!("kind={}", k.code()));
        }
        match self.status {
            QueueStatus::Open => {}
            QueueStatus::All => parts.push("status=all".into()),
            QueueStatus::One(s) => parts.push(format!("status={}", s.code())),
        }
        if let Some(p) = self.priority {
            parts.push(format!("priority={}", p.code()));
        }
        if self.overdue {
            parts.push("overdue=true".into());
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

#[server(prefix = "/rpc", endpoint = "inspections")]
pub async fn list_inspections(filter: InspectionFilter) -> Result<Page<InspectionRow>, AppError> {
    crate::auth::server::require(crate::domain::Action::Read, None).await?;
    let state = crate::state::app_state()?;
    db::list(&state.db.pool, &filter, Utc::now()).await
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
