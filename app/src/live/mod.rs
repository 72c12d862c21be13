//! The live board. Every journal entry becomes an event on `GET /api/v1/live`, a stream of
//! Server-Sent Events: its `id` is the journal sequence number, its `event` the kind of record
//! that changed, its data a [`LiveEvent`]. Browsers follow it (see [`client`]) and refresh what
//! they show; a browser that reconnects names the last number it saw and receives everything
//! it missed first.
//!
//! Here are what both sides share: the event, who may see it, the event names, and the
//! position of the journal a page is rendered at ([`JournalPosition`]). The transport (the
//! pump reading the journal, the streams, the fan-out threads) is the server's, in its
//! `live` module.

use crate::domain::{Action, Principal, authorize};
use serde::{Deserialize, Serialize};

pub mod client;
pub mod focus;

/// The last journal sequence number the server's live pump has broadcast. The pump moves it
/// once every change up to it is published; a page rendered on the server names it
/// (`<meta name="journal-position">`), and the browser follows the stream from there, so that
/// nothing committed while the page loaded is missed. Cheap to clone: every clone is the same
/// position, shared between threads.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct JournalPosition(std::sync::Arc<std::sync::atomic::AtomicI64>);

#[cfg(feature = "ssr")]
impl JournalPosition {
    /// A position at sequence number `seq`.
    pub fn new(seq: i64) -> Self {
        Self(std::sync::Arc::new(std::sync::atomic::AtomicI64::new(seq)))
    }

    /// The last sequence number broadcast.
    pub fn latest(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Moves the position to `seq`. Only the live pump calls it, after it has published every
    /// change up to `seq`: a reader that sees the new position finds those changes published.
    pub fn advance(&self, seq: i64) {
        self.0.store(seq, std::sync::atomic::Ordering::Release);
    }
}

/// One change, as the stream carries it: enough for a client to know what to refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// The journal sequence number (also the SSE `id`).
    pub seq: i64,
    /// When the change was made, in milliseconds since the epoch.
    pub at: i64,
    pub actor: String,
    /// `port`, `shipment`, `hold`, `inspection`, … (also the SSE `event`).
    pub entity: String,
    pub entity_id: String,
    pub shipment_id: Option<i64>,
    pub port_code: Option<String>,
    /// What happened: `claimed`, `released`, …
    pub action: String,
    /// The record's version after the change, when it has one: a page that already shows
    /// that version need not fetch it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// The kinds of record the board shows; anyone who may read the board sees their changes,
/// but for the targeting rules', which only those who may read the rules see.
pub const BOARD_ENTITIES: [&str; 6] = [
    "port",
    "shipment",
    "hold",
    "inspection",
    "rule",
    "simulation",
];

/// The product's own records: accounts, tokens, sessions, sign-ins, refusals. Administrators
/// see their changes.
pub const ADMINISTRATIVE_ENTITIES: [&str; 5] =
    ["account", "api_token", "session", "sign_in", "access"];

/// Every SSE event name a client listens for: the kinds above, `change` for a kind it does
/// not know yet, `reload` (what was missed is too old to replay: fetch everything again) and
/// `ended` (the stream's access ended: sign in again).
pub fn event_names() -> impl Iterator<Item = &'static str> {
    BOARD_ENTITIES
        .into_iter()
        .chain(ADMINISTRATIVE_ENTITIES)
        .chain([OTHER, RELOAD, ENDED])
}

/// The event name of a change of a kind not listed above.
pub const OTHER: &str = "change";

pub const RELOAD: &str = "reload";

/// The last frame of a stream whose access ended (its session, token or account), with the
/// reason as data: `{"reason":"signed_out"}`. The server closes the stream after it.
pub const ENDED: &str = "ended";

impl LiveEvent {
    /// Whether `who` may see this change: the targeting rules' changes for those who may read
    /// the rules (their managers), other board changes for anyone who may read the port,
    /// administrative ones for administrators only.
    pub fn visible_to(&self, who: &Principal) -> bool {
        match self.entity.as_str() {
            "rule" => authorize(who, Action::ManageRules, None).is_ok(),
            entity if BOARD_ENTITIES.contains(&entity) => {
                authorize(who, Action::Read, self.port_code.as_deref()).is_ok()
            }
            _ => authorize(who, Action::ManageAccounts, None).is_ok(),
        }
    }

    /// The SSE event name: the entity, when it is one the client knows, else `change`.
    pub fn event_name(&self) -> &str {
        BOARD_ENTITIES
            .into_iter()
            .chain(ADMINISTRATIVE_ENTITIES)
            .find(|name| *name == self.entity)
            .unwrap_or(OTHER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PortScope, Role};

    fn event(entity: &str, port: Option<&str>) -> LiveEvent {
        LiveEvent {
            seq: 1,
            at: 0,
            actor: "someone".into(),
            entity: entity.into(),
            entity_id: "1".into(),
            shipment_id: None,
            port_code: port.map(Into::into),
            action: "changed".into(),
            version: None,
        }
    }

    fn who(role: Role, active: bool) -> Principal {
        Principal {
            username: "x".into(),
            role,
            ports: PortScope::Only(vec!["YVR".into()]),
            active,
        }
    }

    #[test]
    fn board_changes_reach_every_reader_and_administrative_ones_only_admins() {
        let hold = event("hold", Some("YYZ"));
        let session = event("session", None);
        for role in [Role::Viewer, Role::Officer, Role::Supervisor, Role::Analyst] {
            assert!(
                hold.visible_to(&who(role, true)),
                "{role:?} reads the board"
            );
            assert!(
                !session.visible_to(&who(role, true)),
                "{role:?} is no admin"
            );
        }
        assert!(session.visible_to(&who(Role::Admin, true)));
        assert!(!hold.visible_to(&who(Role::Viewer, false)), "disabled");
    }

    #[test]
    fn the_rules_changes_reach_only_those_who_may_read_the_rules() {
        let rule = event("rule", None);
        for role in [Role::Viewer, Role::Officer, Role::Supervisor] {
            assert!(
                !rule.visible_to(&who(role, true)),
                "{role:?} does not read the rules"
            );
        }
        assert!(rule.visible_to(&who(Role::Analyst, true)));
        assert!(rule.visible_to(&who(Role::Admin, true)));
        assert!(!rule.visible_to(&who(Role::Analyst, false)), "disabled");
    }

    #[test]
    fn unknown_kinds_travel_as_change_and_never_as_reload() {
        assert_eq!(event("hold", None).event_name(), "hold");
        assert_eq!(event("rocket", None).event_name(), "change");
        assert_eq!(event("reload", None).event_name(), "change");
        assert_eq!(event("ended", None).event_name(), "change");
    }
}
