//! The closed vocabularies of the trade (port kinds, hold reasons, inspection types, …).
//! Each is an enum stored and sent as a stable lowercase code and shown with a label.

/// What every vocabulary offers, for code written once for all of them (a filter's options,
/// a status filter). Each enum also has these as inherent items, so callers need no import.
pub trait Vocabulary: Copy + PartialEq + Send + Sync + 'static {
    /// Every value, in the order screens list them.
    fn all() -> &'static [Self];
    /// The stable code used in the database, JSON and URLs.
    fn code(self) -> &'static str;
    /// The words shown to people.
    fn label(self) -> &'static str;
    fn parse(code: &str) -> Option<Self>;
    /// The codes, for error messages that list what is allowed.
    fn codes() -> String;
}

/// Declares an enum whose variants have a stable code (database, JSON, URLs) and a label
/// (screens). Generates `ALL`, `code`, `label`, `parse`, `Display`, serde by code, and the
/// [`Vocabulary`] trait over them.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $variant:ident => $code:literal, $label:literal; )+ }
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

            /// The words shown to people.
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
        Air => "air", "Air cargo";
        Land => "land", "Land crossing";
        Marine => "marine", "Marine";
        Rail => "rail", "Rail";
    }
}

vocabulary! {
    pub enum PortStatus {
        Open => "open", "Open";
        Limited => "limited", "Limited";
        Closed => "closed", "Closed";
    }
}

vocabulary! {
    pub enum NoticeKind {
        Construction => "construction", "Construction";
        SystemOutage => "system_outage", "System outage";
        Weather => "weather", "Weather";
        Equipment => "equipment", "Equipment";
        Staffing => "staffing", "Staffing";
    }
}

vocabulary! {
    /// Where a shipment is in its journey through the border.
    pub enum ShipmentStatus {
        AwaitingArrival => "awaiting_arrival", "Declaration accepted, awaiting arrival";
        Arrived => "arrived", "Arrived, awaiting release";
        Held => "held", "Held";
        Released => "released", "Released";
        Seized => "seized", "Seized";
        Referred => "referred", "May move, detain at destination";
        Returned => "returned", "Refused, returned to origin";
    }
}

vocabulary! {
    /// Why goods were stopped. The service level of a hold depends on it.
    pub enum HoldReason {
        RiskTarget => "risk_target", "Risk target (NTC referral)";
        Documentation => "documentation", "Documentation discrepancy";
        Random => "random", "Random compliance verification";
        IntellectualProperty => "intellectual_property", "Intellectual property (suspected counterfeit)";
        OtherAgency => "other_agency", "Other government department";
        DoNotLoad => "do_not_load", "Do not load";
        Intelligence => "intelligence", "Intelligence / enforcement";
    }
}

vocabulary! {
    /// A targeting centre's pre-load referral (PACT, ICS2): ask the carrier for information,
    /// have the cargo screened by two methods, or keep it off the aircraft.
    pub enum Referral {
        RequestForInformation => "rfi", "Request for information";
        RequestForScreening => "rfs", "Request for screening";
        DoNotLoad => "dnl", "Do not load";
    }
}

vocabulary! {
    pub enum HoldStatus {
        Placed => "placed", "Placed";
        Examination => "examination", "Under examination";
        SeizureRequested => "seizure_requested", "Seizure requested";
        Released => "released", "Released";
        Seized => "seized", "Seized";
        Referred => "referred", "Referred to another agency";
        Returned => "returned", "Returned to origin";
    }
}

vocabulary! {
    pub enum InspectionKind {
        DocumentReview => "document_review", "Document review";
        Xray => "xray", "Non-intrusive (X-ray / gamma)";
        Physical => "physical", "Physical examination";
        DetectorDog => "detector_dog", "Detector dog";
        Radiation => "radiation", "Radiation scan";
        LabSample => "lab_sample", "Sample for lab";
    }
}

vocabulary! {
    /// Urgency of an inspection; the queue is ordered by it, most urgent first.
    pub enum Priority {
        Urgent => "urgent", "Urgent";
        High => "high", "High";
        Normal => "normal", "Normal";
        Routine => "routine", "Routine";
    }
}

vocabulary! {
    pub enum InspectionStatus {
        Queued => "queued", "Queued";
        Assigned => "assigned", "Assigned";
        InProgress => "in_progress", "In progress";
        Completed => "completed", "Completed";
        Cancelled => "cancelled", "Cancelled";
    }
}

vocabulary! {
    pub enum Outcome {
        NoFinding => "no_finding", "No finding";
        Seizure => "seizure", "Finding: seizure";
        Penalty => "penalty", "Finding: penalty";
        AgencyReferral => "agency_referral", "Finding: referral to another agency";
        Inconclusive => "inconclusive", "Inconclusive (further examination)";
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
