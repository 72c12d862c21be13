//! The closed vocabularies of the trade (port kinds, hold reasons, inspection types, …).
//! Each is an enum stored and sent as a stable lowercase code and shown with a label, in the
//! language being spoken (`locales/*/domain.json`).

/// What every vocabulary offers, for code written once for all of them (a filter's options,
/// a status filter). Each enum also has these as inherent items, so callers need no import.
pub trait Vocabulary: Copy + PartialEq + Send + Sync + 'static {
    /// Every value, in the order screens list them.
    fn all() -> &'static [Self];
    /// The stable code used in the database, JSON and URLs.
    fn code(self) -> &'static str;
    /// The words shown to people, in the language being spoken.
    fn label(self) -> &'static str;
    fn parse(code: &str) -> Option<Self>;
    /// The codes, for error messages that list what is allowed.
    fn codes() -> String;
}

/// A sentence of the catalogue in the language being spoken: `said!(domain.mode.air)`.
macro_rules! said {
    ($($key:tt)+) => {
        $crate::i18n::td_string!($crate::lang::current(), $($key)+)
    };
}

/// Declares an enum whose variants have a stable code (database, JSON, URLs) and a label
/// (screens: an expression giving a `&'static str`, usually `said!(area.key)`). Generates
/// `ALL`, `code`, `label`, `parse`, `Display`, serde by code, and the [`Vocabulary`] trait
/// over them.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $variant:ident => $code:literal, $label:expr; )+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name { $( #[serde(rename = $code)] $variant, )+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in the database, JSON and URLs.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The words shown to people, in the language being spoken.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// The codes, for error messages that list what is allowed.
            pub fn codes() -> String {
                [$($code),+].join(", ")
            }
        }

        impl $crate::domain::Vocabulary for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
            fn parse(code: &str) -> Option<Self> {
                $name::parse(code)
            }
            fn codes() -> String {
                $name::codes()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// What kind of crossing a port of entry is; also the transport mode of a shipment.
    pub enum Mode {
        Air => "air", said!(domain.mode.air);
        Land => "land", said!(domain.mode.land);
        Marine => "marine", said!(domain.mode.marine);
        Rail => "rail", said!(domain.mode.rail);
    }
}

vocabulary! {
    /// The regions the operations centre groups ports by, from west to east, the territories
    /// last.
    pub enum Region {
        Pacific => "pacific", said!(wall.region.pacific);
        Prairies => "prairies", said!(wall.region.prairies);
        Ontario => "ontario", said!(wall.region.ontario);
        Quebec => "quebec", said!(wall.region.quebec);
        Atlantic => "atlantic", said!(wall.region.atlantic);
        North => "north", said!(wall.region.north);
    }
}

impl Region {
    /// The region of a province or territory (its two-letter code).
    pub fn of_province(code: &str) -> Region {
        match code {
            "BC" => Region::Pacific,
            "AB" | "SK" | "MB" => Region::Prairies,
            "ON" => Region::Ontario,
            "QC" => Region::Quebec,
            "NB" | "NS" | "PE" | "NL" => Region::Atlantic,
            _ => Region::North,
        }
    }
}

vocabulary! {
    pub enum PortStatus {
        Open => "open", said!(domain.port_status.open);
        Limited => "limited", said!(domain.port_status.limited);
        Closed => "closed", said!(domain.port_status.closed);
    }
}

vocabulary! {
    /// What a port's notice is about.
    pub enum NoticeKind {
        Incident => "incident", said!(domain.notice_kind.incident);
        Equipment => "equipment", said!(domain.notice_kind.equipment);
        Weather => "weather", said!(domain.notice_kind.weather);
        SystemOutage => "system_outage", said!(domain.notice_kind.system_outage);
        Staffing => "staffing", said!(domain.notice_kind.staffing);
        Construction => "construction", said!(domain.notice_kind.construction);
    }
}

vocabulary! {
    /// How much a notice matters to the people working the port, least first.
    pub enum Severity {
        Info => "info", said!(domain.severity.info);
        Warning => "warning", said!(domain.severity.warning);
        Critical => "critical", said!(domain.severity.critical);
    }
}

vocabulary! {
    /// Where a shipment is in its journey through the border.
    pub enum ShipmentStatus {
        AwaitingArrival => "awaiting_arrival", said!(domain.shipment_status.awaiting_arrival);
        Arrived => "arrived", said!(domain.shipment_status.arrived);
        Held => "held", said!(domain.shipment_status.held);
        Released => "released", said!(domain.shipment_status.released);
        Seized => "seized", said!(domain.shipment_status.seized);
        Referred => "referred", said!(domain.shipment_status.referred);
        Returned => "returned", said!(domain.shipment_status.returned);
    }
}

vocabulary! {
    /// Why goods were stopped. The service level of a hold depends on it.
    pub enum HoldReason {
        RiskTarget => "risk_target", said!(domain.hold_reason.risk_target);
        Documentation => "documentation", said!(domain.hold_reason.documentation);
        Random => "random", said!(domain.hold_reason.random);
        IntellectualProperty => "intellectual_property", said!(domain.hold_reason.intellectual_property);
        OtherAgency => "other_agency", said!(domain.hold_reason.other_agency);
        DoNotLoad => "do_not_load", said!(domain.hold_reason.do_not_load);
        Intelligence => "intelligence", said!(domain.hold_reason.intelligence);
    }
}

vocabulary! {
    /// A targeting centre's pre-load referral (PACT, ICS2): ask the carrier for information,
    /// have the cargo screened by two methods, or keep it off the aircraft.
    pub enum Referral {
        RequestForInformation => "rfi", said!(domain.referral.rfi);
        RequestForScreening => "rfs", said!(domain.referral.rfs);
        DoNotLoad => "dnl", said!(domain.referral.dnl);
    }
}

vocabulary! {
    pub enum HoldStatus {
        Placed => "placed", said!(domain.hold_status.placed);
        Examination => "examination", said!(domain.hold_status.examination);
        SeizureRequested => "seizure_requested", said!(domain.hold_status.seizure_requested);
        Released => "released", said!(domain.hold_status.released);
        Seized => "seized", said!(domain.hold_status.seized);
        Referred => "referred", said!(domain.hold_status.referred);
        Returned => "returned", said!(domain.hold_status.returned);
    }
}

vocabulary! {
    pub enum InspectionKind {
        DocumentReview => "document_review", said!(domain.inspection_kind.document_review);
        Xray => "xray", said!(domain.inspection_kind.xray);
        Physical => "physical", said!(domain.inspection_kind.physical);
        DetectorDog => "detector_dog", said!(domain.inspection_kind.detector_dog);
        Radiation => "radiation", said!(domain.inspection_kind.radiation);
        LabSample => "lab_sample", said!(domain.inspection_kind.lab_sample);
    }
}

vocabulary! {
    /// Urgency of an inspection; the queue is ordered by it, most urgent first.
    pub enum Priority {
        Urgent => "urgent", said!(domain.priority.urgent);
        High => "high", said!(domain.priority.high);
        Normal => "normal", said!(domain.priority.normal);
        Routine => "routine", said!(domain.priority.routine);
    }
}

vocabulary! {
    pub enum InspectionStatus {
        Queued => "queued", said!(domain.inspection_status.queued);
        Assigned => "assigned", said!(domain.inspection_status.assigned);
        InProgress => "in_progress", said!(domain.inspection_status.in_progress);
        Completed => "completed", said!(domain.inspection_status.completed);
        Cancelled => "cancelled", said!(domain.inspection_status.cancelled);
    }
}

vocabulary! {
    pub enum Outcome {
        NoFinding => "no_finding", said!(domain.outcome.no_finding);
        Seizure => "seizure", said!(domain.outcome.seizure);
        Penalty => "penalty", said!(domain.outcome.penalty);
        AgencyReferral => "agency_referral", said!(domain.outcome.agency_referral);
        Inconclusive => "inconclusive", said!(domain.outcome.inconclusive);
    }
}

impl Priority {
    /// Rank stored in the database so that `order by priority_rank` puts urgent first.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Urgent => 1,
            Priority::High => 2,
            Priority::Normal => 3,
            Priority::Routine => 4,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Self> {
        match rank {
            1 => Some(Priority::Urgent),
            2 => Some(Priority::High),
            3 => Some(Priority::Normal),
            4 => Some(Priority::Routine),
            _ => None,
        }
    }
}

impl HoldReason {
    /// Service level: how long goods may sit on this kind of hold before the port is late.
    pub fn service_level(self) -> chrono::Duration {
        chrono::Duration::hours(match self {
            HoldReason::DoNotLoad => 4,
            HoldReason::Random => 12,
            HoldReason::RiskTarget | HoldReason::Intelligence => 24,
            HoldReason::Documentation | HoldReason::OtherAgency => 48,
            HoldReason::IntellectualProperty => 72,
        })
    }
}

impl InspectionKind {
    /// Service level from opening to completion, at normal priority.
    pub fn service_level(self) -> chrono::Duration {
        chrono::Duration::minutes(match self {
            InspectionKind::Radiation => 60,
            InspectionKind::DetectorDog => 120,
            InspectionKind::Xray => 180,
            InspectionKind::DocumentReview => 240,
            InspectionKind::Physical => 480,
            InspectionKind::LabSample => 72 * 60,
        })
    }

    /// Service level adjusted for priority: urgent work is due in half the time, routine in
    /// twice the time.
    pub fn due_after(self, priority: Priority) -> chrono::Duration {
        let base = self.service_level();
        match priority {
            Priority::Urgent => base / 2,
            Priority::High => base * 3 / 4,
            Priority::Normal => base,
            Priority::Routine => base * 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_for_every_vocabulary() {
        for v in HoldReason::ALL {
            assert_eq!(HoldReason::parse(v.code()), Some(*v));
        }
        for v in InspectionKind::ALL {
            assert_eq!(InspectionKind::parse(v.code()), Some(*v));
        }
        for v in Priority::ALL {
            assert_eq!(Priority::from_rank(v.rank()), Some(*v));
        }
        assert_eq!(Mode::parse("submarine"), None);
        assert_eq!(
            serde_json::to_string(&HoldReason::IntellectualProperty).unwrap(),
            "\"intellectual_property\""
        );
    }

    #[test]
    fn urgent_inspections_are_due_sooner_than_routine_ones() {
        let kind = InspectionKind::Xray;
        assert!(kind.due_after(Priority::Urgent) < kind.due_after(Priority::Normal));
        assert!(kind.due_after(Priority::Normal) < kind.due_after(Priority::Routine));
    }
}
