//! Each series of the trends as a table: its columns (the JSON's field names) and one row per
//! day (per band, per officer). The page's table under each chart and the CSV file of
//! `GET /api/v1/trends?series=…&format=csv` are both written from [`Series::table`], so the
//! file holds exactly the rows the table shows.

use super::{
    BorderWaitsDay, CounterfeitsByHolder, DayCount, DwellBandCount, ExaminationsDay, HoldsDay,
    OfficerWork, ReferralsDay, ReleaseTimesDay, Trends,
};
use crate::export::{Cell, CsvRecord, CsvTable};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A series of the trends, named in `series=` by its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Series {
    ReleaseTimes,
    Dwell,
    PastServiceLevel,
    Holds,
    Examinations,
    Referrals,
    Officers,
    BorderWaits,
    Counterfeits,
}

impl Series {
    /// In the page's order.
    pub const ALL: [Series; 9] = [
        Series::ReleaseTimes,
        Series::Dwell,
        Series::PastServiceLevel,
        Series::Holds,
        Series::Examinations,
        Series::Referrals,
        Series::Officers,
        Series::BorderWaits,
        Series::Counterfeits,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Series::ReleaseTimes => "release_times",
            Series::Dwell => "dwell",
            Series::PastServiceLevel => "past_service_level",
            Series::Holds => "holds",
            Series::Examinations => "examinations",
            Series::Referrals => "referrals",
            Series::Officers => "officers",
            Series::BorderWaits => "border_waits",
            Series::Counterfeits => "counterfeits",
        }
    }

    pub fn parse(code: &str) -> Option<Series> {
        Series::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn codes() -> String {
        Series::ALL.map(Series::code).join(", ")
    }

    /// The series' rows.
    pub fn table(self, trends: &Trends) -> CsvTable {
        match self {
            Series::ReleaseTimes => CsvTable::of(&trends.release_times),
            Series::Dwell => CsvTable::of(&trends.dwell),
            Series::PastServiceLevel => CsvTable::of(&trends.past_service_level),
            Series::Holds => CsvTable::of(&trends.holds),
            Series::Examinations => CsvTable::of(&trends.examinations),
            Series::Referrals => CsvTable::of(&trends.referrals),
            Series::Officers => CsvTable::of(&trends.officers),
            Series::BorderWaits => CsvTable::of(&trends.border_waits),
            Series::Counterfeits => CsvTable::of(&trends.counterfeits),
        }
    }
}

impl CsvRecord for CounterfeitsByHolder {
    const COLUMNS: &'static [&'static str] = &[
        "rights_holder",
        "request_id",
        "detained",
        "open",
        "released",
        "seized",
        "referred_or_returned",
        "median_days",
    ];
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::or_empty(self.rights_holder.as_deref(), Cell::text),
            Cell::or_empty(self.request_id, Cell::int),
            Cell::int(self.detained),
            Cell::int(self.open),
            Cell::int(self.released),
            Cell::int(self.seized),
            Cell::int(self.referred_or_returned),
            Cell::or_empty(self.median_days, Cell::decimal),
        ]
    }
}

fn day(d: NaiveDate) -> Cell {
    Cell::text(d.to_string())
}

impl CsvRecord for ReleaseTimesDay {
    const COLUMNS: &'static [&'static str] = &["day", "released", "median_min", "p90_min"];
    fn cells(&self) -> Vec<Cell> {
        vec![
            day(self.day),
            Cell::int(self.released),
            Cell::or_empty(self.median_min, Cell::int),
            Cell::or_empty(self.p90_min, Cell::int),
        ]
    }
}

impl CsvRecord for DwellBandCount {
    const COLUMNS: &'static [&'static str] = &["band", "active", "ended"];
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&self.band),
            Cell::int(self.active),
            Cell::int(self.ended),
        ]
    }
}

impl CsvRecord for DayCount {
    const COLUMNS: &'static [&'static str] = &["day", "count"];
    fn cells(&self) -> Vec<Cell> {
        vec![day(self.day), Cell::int(self.count)]
    }
}

impl CsvRecord for HoldsDay {
    const COLUMNS: &'static [&'static str] = &["day", "placed", "released", "seized"];
    fn cells(&self) -> Vec<Cell> {
        vec![
            day(self.day),
            Cell::int(self.placed),
            Cell::int(self.released),
            Cell::int(self.seized),
        ]
    }
}

impl CsvRecord for ExaminationsDay {
    const COLUMNS: &'static [&'static str] = &[
        "day",
        "opened",
        "completed",
        "no_finding",
        "seizure",
        "penalty",
        "agency_referral",
        "inconclusive",
    ];
    fn cells(&self) -> Vec<Cell> {
        vec![
            day(self.day),
            Cell::int(self.opened),
            Cell::int(self.completed),
            Cell::int(self.no_finding),
            Cell::int(self.seizure),
            Cell::int(self.penalty),
            Cell::int(self.agency_referral),
            Cell::int(self.inconclusive),
        ]
    }
}

impl CsvRecord for ReferralsDay {
    const COLUMNS: &'static [&'static str] = &[
        "day",
        "selected",
        "examined",
        "findings",
        "hit_rate",
        "random_selected",
        "random_examined",
        "random_findings",
        "random_hit_rate",
    ];
    fn cells(&self) -> Vec<Cell> {
        vec![
            day(self.day),
            Cell::int(self.selected),
            Cell::int(self.examined),
            Cell::int(self.findings),
            Cell::or_empty(self.hit_rate, Cell::decimal),
            Cell::int(self.random_selected),
            Cell::int(self.random_examined),
            Cell::int(self.random_findings),
            Cell::or_empty(self.random_hit_rate, Cell::decimal),
        ]
    }
}

impl CsvRecord for OfficerWork {
    const COLUMNS: &'static [&'static str] =
        &["officer_id", "name", "badge", "completed", "findings"];
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::int(self.officer_id),
            Cell::text(&self.name),
            Cell::text(&self.badge),
            Cell::int(self.completed),
            Cell::int(self.findings),
        ]
    }
}

impl CsvRecord for BorderWaitsDay {
    const COLUMNS: &'static [&'static str] = &[
        "day",
        "flow",
        "standard_min",
        "measurements",
        "mean_min",
        "worst_min",
        "over_standard",
        "over_standard_share",
    ];
    fn cells(&self) -> Vec<Cell> {
        vec![
            day(self.day),
            Cell::text(&self.flow),
            Cell::int(self.standard_min),
            Cell::int(self.measurements),
            Cell::or_empty(self.mean_min, Cell::decimal),
            Cell::or_empty(self.worst_min, Cell::int),
            Cell::int(self.over_standard),
            Cell::or_empty(self.over_standard_share, Cell::decimal),
        ]
    }
}
