//! What goes wrong at the demo country's ports: the incidents under way when the history ends
//! (the seed posts them), and those the simulator draws from then on, with how often they
//! come and how long they last. Part of the demo's model (`model.rs` has the rest).

use super::model::Span;
use crate::domain::{Mode, NoticeKind, PortStatus};
use crate::i18n::td_string;
use crate::lang::Locale;

/// One of the demo's sentences, stored as posted (in English) and shown in the reader's
/// language through `crate::demo_texts::shown`.
pub type Sentence = fn() -> &'static str;

/// Ports not running normally when the demo starts, and why.
pub const INCIDENTS: &[(&str, PortStatus, NoticeKind, Sentence)] = &[
    ("YHZ", PortStatus::Limited, NoticeKind::Weather, || {
        td_string!(Locale::en, demo.notice.winter_storm)
    }),
    ("PEA", PortStatus::Limited, NoticeKind::Construction, || {
        td_string!(Locale::en, demo.notice.deck_rehabilitation)
    }),
    ("RWI", PortStatus::Closed, NoticeKind::Equipment, || {
        td_string!(Locale::en, demo.notice.tunnel_ventilation)
    }),
    ("YVR", PortStatus::Open, NoticeKind::Equipment, || {
        td_string!(Locale::en, demo.notice.xray_two_down)
    }),
    ("LAC", PortStatus::Open, NoticeKind::SystemOutage, || {
        td_string!(Locale::en, demo.notice.release_slowness)
    }),
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
#[derive(Debug, Clone, Copy)]

pub struct Incident {
    pub kind: NoticeKind,
    pub message: Sentence,
    pub status: PortStatus,
    pub lanes: Lanes,
    pub clears_with: Sentence,
}

const fn incident(
    kind: NoticeKind,
    message: Sentence,
    status: PortStatus,
    lanes: Lanes,
    clears_with: Sentence,
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
        || td_string!(Locale::en, demo.notice.xray_down),
        PortStatus::Limited,
        Lanes::Same,
        || td_string!(Locale::en, demo.notice.xray_back),
    ),
    incident(
        NoticeKind::SystemOutage,
        || td_string!(Locale::en, demo.notice.release_outage),
        PortStatus::Limited,
        Lanes::Same,
        || td_string!(Locale::en, demo.notice.release_restored),
    ),
];

const LAND_INCIDENTS: &[Incident] = &[
    incident(
        NoticeKind::Construction,
        || td_string!(Locale::en, demo.notice.pavement_repair),
        PortStatus::Limited,
        Lanes::Fewer(2),
        || td_string!(Locale::en, demo.notice.repairs_done),
    ),
    incident(
        NoticeKind::Staffing,
        || td_string!(Locale::en, demo.notice.staff_shortage),
        PortStatus::Limited,
        Lanes::Fewer(3),
        || td_string!(Locale::en, demo.notice.relief_arrived),
    ),
    incident(
        NoticeKind::Equipment,
        || td_string!(Locale::en, demo.notice.bridge_closed),
        PortStatus::Closed,
        Lanes::None,
        || td_string!(Locale::en, demo.notice.bridge_reopened),
    ),
];

const MARINE_INCIDENTS: &[Incident] = &[
    incident(
        NoticeKind::Weather,
        || td_string!(Locale::en, demo.notice.high_winds),
        PortStatus::Limited,
        Lanes::Fewer(2),
        || td_string!(Locale::en, demo.notice.winds_eased),
    ),
    incident(
        NoticeKind::Equipment,
        || td_string!(Locale::en, demo.notice.vacis_down),
        PortStatus::Limited,
        Lanes::Same,
        || td_string!(Locale::en, demo.notice.vacis_back),
    ),
];

const RAIL_INCIDENTS: &[Incident] = &[incident(
    NoticeKind::Equipment,
    || td_string!(Locale::en, demo.notice.rail_vacis_down),
    PortStatus::Limited,
    Lanes::Same,
    || td_string!(Locale::en, demo.notice.rail_vacis_back),
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
