//! What goes wrong at the demo country's ports: the incidents under way when the history ends
//! (the seed posts them), and those the simulator draws from then on, with how often they
//! come and how long they last. Part of the demo's model (`model.rs` has the rest).

use super::model::Span;
use crate::domain::{Mode, NoticeKind, PortStatus};

/// Ports not running normally when the demo starts, and why.
pub const INCIDENTS: &[(&str, PortStatus, NoticeKind, &str)] = &[
    (
        "YHZ",
        PortStatus::Limited,
        NoticeKind::Weather,
        "Winter storm: ramp operations reduced, cargo acceptance delayed",
    ),
    (
        "PEA",
        PortStatus::Limited,
        NoticeKind::Construction,
        "Deck rehabilitation: commercial lanes 3 and 4 closed",
    ),
    (
        "RWI",
        PortStatus::Closed,
        NoticeKind::Equipment,
        "Tunnel ventilation fault: rail traffic diverted to Sarnia",
    ),
    (
        "YVR",
        PortStatus::Open,
        NoticeKind::Equipment,
        "Dual-view X-ray 2 out of service; one scanner in use",
    ),
    (
        "LAC",
        PortStatus::Open,
        NoticeKind::SystemOutage,
        "Intermittent release-system slowness reported by brokers",
    ),
];

/// How a port is running when the demo starts: its incident's status, or open.
pub fn opening_status(code: &str) -> PortStatus {
    INCIDENTS
        .iter()
        .find(|(port, ..)| *port == code)
        .map(|(_, status, ..)| *status)
        .unwrap_or(PortStatus::Open)
}

/// How long the incidents under way when the history ends have been going on.
pub const UNDER_WAY_FOR: Span = Span::Between(20, 600);

/// The first incident of a simulation comes early: a demo tells its story in minutes.
pub const FIRST: Span = Span::Between(15, 45);
/// Between one incident and the next, somewhere in the country.
pub const BETWEEN: Span = Span::Between(90, 240);
/// How long an incident lasts before it clears.
pub const LASTS: Span = Span::Between(30, 180);

/// The lanes an incident leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lanes {
    /// As many as were open.
    Same,
    /// That many fewer, keeping at least one.
    Fewer(i64),
    /// None: the crossing is shut.
    None,
}

impl Lanes {
    pub fn open(self, lanes: i64) -> i64 {
        match self {
            Lanes::Same => lanes,
            Lanes::Fewer(n) => (lanes - n).max(1),
            Lanes::None => 0,
        }
    }
}

/// Something that goes wrong at a port running normally, and what is said when it clears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident {
    pub kind: NoticeKind,
    pub message: &'static str,
    pub status: PortStatus,
    pub lanes: Lanes,
    pub clears_with: &'static str,
}

const fn incident(
    kind: NoticeKind,
    message: &'static str,
    status: PortStatus,
    lanes: Lanes,
    clears_with: &'static str,
) -> Incident {
    Incident {
        kind,
        message,
        status,
        lanes,
        clears_with,
    }
}

const AIR_INCIDENTS: &[Incident] = &[
    incident(
        NoticeKind::Equipment,
        "Dual-view X-ray out of service; physical examinations only",
        PortStatus::Limited,
        Lanes::Same,
        "X-ray back in service after repair",
    ),
    incident(
        NoticeKind::SystemOutage,
        "Cargo release system outage: releases processed by hand",
        PortStatus::Limited,
        Lanes::Same,
        "Release system restored",
    ),
];

const LAND_INCIDENTS: &[Incident] = &[
    incident(
        NoticeKind::Construction,
        "Two commercial lanes closed for emergency pavement repair",
        PortStatus::Limited,
        Lanes::Fewer(2),
        "Repairs finished; lanes reopened",
    ),
    incident(
        NoticeKind::Staffing,
        "Staff shortage: primary inspection lanes reduced",
        PortStatus::Limited,
        Lanes::Fewer(3),
        "Relief officers arrived; lanes reopened",
    ),
    incident(
        NoticeKind::Equipment,
        "Bridge closed to traffic: police incident on the span",
        PortStatus::Closed,
        Lanes::None,
        "Police incident cleared; bridge reopened",
    ),
];

const MARINE_INCIDENTS: &[Incident] = &[
    incident(
        NoticeKind::Weather,
        "High winds: crane operations suspended",
        PortStatus::Limited,
        Lanes::Fewer(2),
        "Winds eased; crane operations resumed",
    ),
    incident(
        NoticeKind::Equipment,
        "Container scanner (VACIS) out of service",
        PortStatus::Limited,
        Lanes::Same,
        "Container scanner back in service",
    ),
];

const RAIL_INCIDENTS: &[Incident] = &[incident(
    NoticeKind::Equipment,
    "Rail VACIS scanner out of service; trains held for inspection",
    PortStatus::Limited,
    Lanes::Same,
    "Rail scanner back in service",
)];

/// What can go wrong at a port of `mode`.
pub fn incidents(mode: Mode) -> &'static [Incident] {
    match mode {
        Mode::Air => AIR_INCIDENTS,
        Mode::Land => LAND_INCIDENTS,
        Mode::Marine => MARINE_INCIDENTS,
        Mode::Rail => RAIL_INCIDENTS,
    }
}
