//! The journal: an append-only record of every change — who, when, what, before and after,
//! and why. Shipment timelines are read from it.

use crate::domain::{HoldReason, InspectionKind, Outcome, Referral};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod acting;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod refusals;

/// One recorded change, as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JournalEntry {
    /// Position in the journal; strictly increasing in commit order of the inserting
    /// transactions on one database.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub shipment_id: Option<i64>,
    pub port_code: Option<String>,
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

impl JournalEntry {
    /// A sentence for the timeline: "Hold #12 released — documents received".
    pub fn headline(&self) -> String {
        let action = self.action.replace('_', " ");
        let entity = match self.entity.as_str() {
            "shipment" => "Shipment".to_string(),
            other => format!("{} #{}", capitalise(other), self.entity_id),
        };
        let detail = self.after.as_ref().and_then(|after| {
            let code = |key: &str| after.get(key).and_then(|v| v.as_str());
            code("outcome")
                .and_then(Outcome::parse)
                .map(|o| o.label().to_string())
                .or_else(|| {
                    code("kind")
                        .and_then(InspectionKind::parse)
                        .map(|k| k.label().to_string())
                })
                .or_else(|| {
                    code("reason")
                        .and_then(HoldReason::parse)
                        .map(|r| r.label().to_string())
                })
                .or_else(|| {
                    code("referral")
                        .and_then(Referral::parse)
                        .map(|r| r.label().to_string())
                })
        });
        match detail {
            Some(detail) => format!("{entity} {action}: {detail}"),
            None => format!("{entity} {action}"),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(entity: &str, action: &str, after: serde_json::Value) -> JournalEntry {
        JournalEntry {
            seq: 1,
            at: Utc::now(),
            actor: "someone".into(),
            entity: entity.into(),
            entity_id: "12".into(),
            shipment_id: Some(3),
            port_code: Some("YVR".into()),
            action: action.into(),
            before: None,
            after: Some(after),
            reason: None,
        }
    }

    #[test]
    fn headlines_read_as_sentences_with_what_matters() {
        let e = entry(
            "inspection",
            "completed",
            serde_json::json!({"outcome": "seizure"}),
        );
        assert_eq!(e.headline(), "Inspection #12 completed: Finding: seizure");
        let e = entry("inspection", "opened", serde_json::json!({"kind": "xray"}));
        assert_eq!(
            e.headline(),
            "Inspection #12 opened: Non-intrusive (X-ray / gamma)"
        );
        let e = entry(
            "shipment",
            "declared",
            serde_json::json!({"status": "awaiting_arrival"}),
        );
        assert_eq!(e.headline(), "Shipment declared");
        let e = entry("hold", "clock_paused", serde_json::json!({}));
        assert_eq!(e.headline(), "Hold #12 clock paused");
    }
}
