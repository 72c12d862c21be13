//! Who may do what, where. One function, [`authorize`], decides whether an account may take an
//! action on a port; every server function and API endpoint asks it, and the screens use it
//! only to hide what would be refused anyway.

use crate::i18n::td_string;
use crate::lang::current;
use serde::{Deserialize, Serialize};
use std::fmt;

vocabulary! {
    /// What an account is for. Each role includes nothing implicitly: the table in
    /// [`Role::may`] is the whole truth.
    pub enum Role {
        Viewer => "viewer", said!(domain.role.viewer);
        Officer => "officer", said!(domain.role.officer);
        Supervisor => "supervisor", said!(domain.role.supervisor);
        Analyst => "analyst", said!(domain.role.analyst);
        Admin => "admin", said!(domain.role.admin);
    }
}

/// Everything the product lets a person do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read the board: ports, holds, inspections, shipments, the journal.
    Read,
    PlaceHold,
    ReleaseHold,
    RequestSeizure,
    ApproveSeizure,
    ReferHold,
    PauseHoldClock,
    /// Deal with goods detained for a rights holder: send the notice, grant the extension,
    /// record the outcome (the hold moves as the outcome says, under its own authority).
    DetainGoods,
    AddNote,
    OpenInspection,
    ClaimInspection,
    WorkInspection,
    AssignInspection,
    HandOverShift,
    ChangePriority,
    CancelInspection,
    /// Set a port's status and lanes open, and post or clear its notices.
    ManagePort,
    /// Record the border waits measured at a port (its officers and supervisors).
    RecordWaits,
    /// Send the border wait times feed (CBSA's file), which records waits at every port it
    /// names: a supervisor's or administrator's account, or the token of one.
    ImportWaits,
    ManageRules,
    /// Keep the register of requests for assistance (rights holders' trademarks and works).
    ManageRightsRequests,
    IssueReferral,
    /// Export seizure reports for partner administrations (the parties' personal data only
    /// when chosen, for a reason). Not refused by port: an export holds the seizures of the
    /// account's ports alone, and one seizure of another port is refused
    /// ([`crate::auth::server::Caller::within_ports`]).
    ShareSeizures,
    /// Send declarations (JSON or a CSV manifest) to be scored and stored: a carrier's or
    /// broker's system, through the token of a supervisor's or administrator's account.
    DeclareShipments,
    ManageAccounts,
    ControlSimulator,
}

impl Action {
    pub const ALL: [Action; 26] = [
        Action::Read,
        Action::PlaceHold,
        Action::ReleaseHold,
        Action::RequestSeizure,
        Action::ApproveSeizure,
        Action::ReferHold,
        Action::PauseHoldClock,
        Action::DetainGoods,
        Action::AddNote,
        Action::OpenInspection,
        Action::ClaimInspection,
        Action::WorkInspection,
        Action::AssignInspection,
        Action::HandOverShift,
        Action::ChangePriority,
        Action::CancelInspection,
        Action::ManagePort,
        Action::RecordWaits,
        Action::ImportWaits,
        Action::ManageRules,
        Action::ManageRightsRequests,
        Action::IssueReferral,
        Action::ShareSeizures,
        Action::DeclareShipments,
        Action::ManageAccounts,
        Action::ControlSimulator,
    ];

    /// Actions on goods at a port: refused at ports outside the account's list.
    pub fn is_port_scoped(self) -> bool {
        !matches!(
            self,
            Action::Read
                | Action::ManageRules
                | Action::ManageRightsRequests
                | Action::IssueReferral
                | Action::ShareSeizures
                | Action::DeclareShipments
                | Action::ImportWaits
                | Action::ManageAccounts
                | Action::ControlSimulator
        )
    }

    /// "place a hold", for refusals, in the language spoken.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Read => said!(domain.action.read),
            Action::PlaceHold => said!(domain.action.place_hold),
            Action::ReleaseHold => said!(domain.action.release_hold),
            Action::RequestSeizure => said!(domain.action.request_seizure),
            Action::ApproveSeizure => said!(domain.action.approve_seizure),
            Action::ReferHold => said!(domain.action.refer_hold),
            Action::PauseHoldClock => said!(domain.action.pause_hold_clock),
            Action::DetainGoods => said!(domain.action.detain_goods),
            Action::AddNote => said!(domain.action.add_note),
            Action::OpenInspection => said!(domain.action.open_inspection),
            Action::ClaimInspection => said!(domain.action.claim_inspection),
            Action::WorkInspection => said!(domain.action.work_inspection),
            Action::AssignInspection => said!(domain.action.assign_inspection),
            Action::HandOverShift => said!(domain.action.hand_over_shift),
            Action::ChangePriority => said!(domain.action.change_priority),
            Action::CancelInspection => said!(domain.action.cancel_inspection),
            Action::ManagePort => said!(domain.action.manage_port),
            Action::RecordWaits => said!(domain.action.record_waits),
            Action::ImportWaits => said!(domain.action.import_waits),
            Action::ManageRules => said!(domain.action.manage_rules),
            Action::ManageRightsRequests => said!(domain.action.manage_rights_requests),
            Action::IssueReferral => said!(domain.action.issue_referral),
            Action::ShareSeizures => said!(domain.action.share_seizures),
            Action::DeclareShipments => said!(domain.action.declare_shipments),
            Action::ManageAccounts => said!(domain.action.manage_accounts),
            Action::ControlSimulator => said!(domain.action.control_simulator),
        }
    }
}

impl Role {
    /// The role inside a sentence: "a duty officer" in "a duty officer may not …".
    pub fn in_sentence(self) -> &'static str {
        match self {
            Role::Viewer => said!(domain.role_in_sentence.viewer),
            Role::Officer => said!(domain.role_in_sentence.officer),
            Role::Supervisor => said!(domain.role_in_sentence.supervisor),
            Role::Analyst => said!(domain.role_in_sentence.analyst),
            Role::Admin => said!(domain.role_in_sentence.admin),
        }
    }

    /// The role table: may an account of this role take this action at all (ports aside)?
    pub fn may(self, action: Action) -> bool {
        use Action as A;
        match self {
            Role::Viewer => action == A::Read,
            Role::Officer => matches!(
                action,
                A::Read
                    | A::PlaceHold
                    | A::ReleaseHold
                    | A::RequestSeizure
                    | A::ReferHold
                    | A::PauseHoldClock
                    | A::DetainGoods
                    | A::AddNote
                    | A::OpenInspection
                    | A::ClaimInspection
                    | A::WorkInspection
                    | A::RecordWaits
            ),
            Role::Supervisor => {
                Role::Officer.may(action)
                    || matches!(
                        action,
                        A::ApproveSeizure
                            | A::AssignInspection
                            | A::HandOverShift
                            | A::ChangePriority
                            | A::CancelInspection
                            | A::ManagePort
                            | A::DeclareShipments
                            | A::ImportWaits
                            | A::ShareSeizures
                    )
            }
            Role::Analyst => matches!(
                action,
                A::Read
                    | A::ManageRules
                    | A::ManageRightsRequests
                    | A::IssueReferral
                    | A::ShareSeizures
            ),
            Role::Admin => matches!(
                action,
                A::Read
                    | A::ManageAccounts
                    | A::ControlSimulator
                    | A::ManageRules
                    | A::ManageRightsRequests
                    | A::DeclareShipments
                    | A::ImportWaits
            ),
        }
    }
}

/// The ports an account may act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "codes")]
pub enum PortScope {
    All,
    Only(Vec<String>),
}

impl PortScope {
    pub fn covers(&self, port: &str) -> bool {
        match self {
            PortScope::All => true,
            PortScope::Only(codes) => codes.iter().any(|c| c.eq_ignore_ascii_case(port)),
        }
    }

    /// Parses `all` or a comma-separated list of port codes (`YVR,YYZ`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") || text == "*" {
            return Ok(PortScope::All);
        }
        let mut codes: Vec<String> = vec![];
        for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let ok =
                (2..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric());
            if !ok {
                return Err(
                    td_string!(current(), domain.port_code_invalid, code = code).to_string()
                );
            }
            let code = code.to_ascii_uppercase();
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        if codes.is_empty() {
            return Err(said!(domain.ports_empty).into());
        }
        Ok(PortScope::Only(codes))
    }
}

impl fmt::Display for PortScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortScope::All => f.write_str(said!(domain.all_ports)),
            PortScope::Only(codes) => f.write_str(&codes.join(",")),
        }
    }
}

/// The part of an account that authority depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub username: String,
    pub role: Role,
    pub ports: PortScope,
    pub active: bool,
}

/// The signed-in account, as the screens need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub badge: Option<String>,
    pub role: Role,
    pub ports: PortScope,
    /// The language they chose, if they chose one.
    pub language: Option<crate::lang::Locale>,
    pub theme: super::Theme,
}

impl Me {
    pub fn principal(&self) -> Principal {
        Principal {
            username: self.username.clone(),
            role: self.role,
            ports: self.ports.clone(),
            active: true,
        }
    }

    /// Whether to offer an action; the server decides again when it is taken.
    pub fn may(&self, action: Action, port: Option<&str>) -> bool {
        authorize(&self.principal(), action, port).is_ok()
    }
}

/// Why an action was refused, in a sentence for the person who tried (in the language spoken
/// when it is said).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Refusal {
    #[error("{}", said!(domain.refusal.disabled))]
    Disabled,
    #[error("{}", td_string!(current(), domain.refusal.role, role = role.in_sentence(), action = action.describe()))]
    Role { role: Role, action: Action },
    #[error("{}", td_string!(current(), domain.refusal.port, action = action.describe(), port = port, scope = scope))]
    Port {
        action: Action,
        port: String,
        scope: PortScope,
    },
    #[error("{}", td_string!(current(), domain.refusal.no_port, action = action.describe()))]
    NoPort { action: Action },
}

/// May `who` take `action` (at `port`, for actions on goods)?
pub fn authorize(who: &Principal, action: Action, port: Option<&str>) -> Result<(), Refusal> {
    if !who.active {
        return Err(Refusal::Disabled);
    }
    if !who.role.may(action) {
        return Err(Refusal::Role {
            role: who.role,
            action,
        });
    }
    if action.is_port_scoped() {
        let Some(port) = port else {
            return Err(Refusal::NoPort { action });
        };
        if !who.ports.covers(port) {
            return Err(Refusal::Port {
                action,
                port: port.to_ascii_uppercase(),
                scope: who.ports.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, ports: PortScope) -> Principal {
        Principal {
            username: "t".into(),
            role,
            ports,
            active: true,
        }
    }

    #[test]
    fn a_viewer_reads_everything_and_changes_nothing() {
        let v = who(Role::Viewer, PortScope::All);
        assert_eq!(authorize(&v, Action::Read, None), Ok(()));
        for action in Action::ALL.into_iter().filter(|a| *a != Action::Read) {
            assert!(authorize(&v, action, Some("YVR")).is_err(), "{action:?}");
        }
    }

    #[test]
    fn an_officer_acts_only_at_their_ports() {
        let o = who(Role::Officer, PortScope::Only(vec!["YVR".into()]));
        assert_eq!(authorize(&o, Action::ClaimInspection, Some("yvr")), Ok(()));
        assert_eq!(
            authorize(&o, Action::ClaimInspection, Some("YYZ"))
                .unwrap_err()
                .to_string(),
            "this account may not claim an inspection at YYZ; it acts on YVR"
        );
        assert_eq!(
            authorize(&o, Action::ApproveSeizure, Some("YVR"))
                .unwrap_err()
                .to_string(),
            "a duty officer may not approve a seizure"
        );
        assert!(
            authorize(&o, Action::PlaceHold, None).is_err(),
            "no port, no action"
        );
    }

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn refusals_are_said_in_french_inside_a_french_request() {
        use crate::lang::{Locale, serve_in};
        let o = who(Role::Officer, PortScope::Only(vec!["YVR".into()]));
        let (port, role, disabled) = serve_in(Locale::fr, async {
            let mut off = o.clone();
            off.active = false;
            (
                authorize(&o, Action::ClaimInspection, Some("YYZ"))
                    .unwrap_err()
                    .to_string(),
                authorize(&o, Action::ApproveSeizure, Some("YVR"))
                    .unwrap_err()
                    .to_string(),
                authorize(&off, Action::Read, None).unwrap_err().to_string(),
            )
        })
        .await;
        assert_eq!(
            port,
            "ce compte ne peut pas prendre en charge un examen au point d’entrée YYZ\u{a0}; il agit sur YVR"
        );
        assert_eq!(role, "un agent de service ne peut pas approuver une saisie");
        assert_eq!(disabled, "ce compte est désactivé");
        let all = serve_in(Locale::fr, async {
            let a = who(Role::Analyst, PortScope::All);
            authorize(&a, Action::PlaceHold, Some("YVR"))
                .unwrap_err()
                .to_string()
        })
        .await;
        assert_eq!(
            all,
            "un analyste du ciblage ne peut pas mettre des marchandises en retenue"
        );
    }

    #[test]
    fn a_supervisor_can_do_what_an_officer_can_and_more() {
        for action in Action::ALL {
            if Role::Officer.may(action) {
                assert!(Role::Supervisor.may(action), "{action:?}");
            }
        }
        assert!(Role::Supervisor.may(Action::HandOverShift));
        assert!(!Role::Supervisor.may(Action::ManageAccounts));
    }

    #[test]
    fn analysts_and_admins_do_not_touch_goods() {
        for role in [Role::Analyst, Role::Admin] {
            for action in Action::ALL.into_iter().filter(|a| a.is_port_scoped()) {
                assert!(!role.may(action), "{role:?} {action:?}");
            }
        }
        assert!(Role::Analyst.may(Action::ManageRules));
        assert!(Role::Admin.may(Action::ManageAccounts));
    }

    #[test]
    fn declarations_come_from_supervisors_and_administrators_only() {
        let may: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.may(Action::DeclareShipments))
            .collect();
        assert_eq!(may, [Role::Supervisor, Role::Admin]);
        assert!(Role::Admin.may(Action::ManageRules));
        assert!(!Role::Supervisor.may(Action::ManageRules));
    }

    #[test]
    fn waits_are_measured_at_ones_own_port_and_the_feed_sent_by_supervisors_and_admins() {
        let officer = who(Role::Officer, PortScope::Only(vec!["AMB".into()]));
        assert_eq!(
            authorize(&officer, Action::RecordWaits, Some("amb")),
            Ok(())
        );
        assert!(authorize(&officer, Action::RecordWaits, Some("PAC")).is_err());
        assert!(authorize(&officer, Action::ImportWaits, None).is_err());
        let measure: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.may(Action::RecordWaits))
            .collect();
        assert_eq!(measure, [Role::Officer, Role::Supervisor]);
        let feed: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.may(Action::ImportWaits))
            .collect();
        assert_eq!(feed, [Role::Supervisor, Role::Admin]);
        assert!(!Action::ImportWaits.is_port_scoped());
        let admin = who(Role::Admin, PortScope::All);
        assert_eq!(authorize(&admin, Action::ImportWaits, None), Ok(()));
    }

    #[test]
    fn a_disabled_account_may_do_nothing() {
        let mut a = who(Role::Admin, PortScope::All);
        a.active = false;
        for action in Action::ALL {
            assert_eq!(authorize(&a, action, Some("YVR")), Err(Refusal::Disabled));
        }
    }

    #[test]
    fn port_lists_parse_and_are_checked() {
        assert_eq!(PortScope::parse("all"), Ok(PortScope::All));
        assert_eq!(
            PortScope::parse(" yvr, YYZ,yvr "),
            Ok(PortScope::Only(vec!["YVR".into(), "YYZ".into()]))
        );
        assert!(PortScope::parse("").is_err());
        assert!(PortScope::parse("YVR;drop").is_err());
        assert!(PortScope::Only(vec!["YVR".into()]).covers("yvr"));
        assert!(!PortScope::Only(vec!["YVR".into()]).covers("YYZ"));
    }

    #[test]
    fn the_screens_offer_only_what_the_role_allows() {
        let me = Me {
            username: "o".into(),
            display_name: "O".into(),
            badge: None,
            role: Role::Officer,
            ports: PortScope::Only(vec!["YVR".into()]),
            language: None,
            theme: Default::default(),
        };
        assert!(me.may(Action::AddNote, Some("YVR")));
        assert!(!me.may(Action::AddNote, Some("YYZ")));
        assert!(!me.may(Action::ManageAccounts, None));
    }
}
