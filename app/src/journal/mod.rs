//! The journal: an append-only record of every change — who, when, what, before and after,
//! and why. Shipment timelines are read from it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;

/// One recorded change, as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
        format!("{entity} {action}")
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
