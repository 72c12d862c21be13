//! Goods detained for a rights holder: the procedure an intellectual property hold follows once
//! a request for assistance names the goods (Trademarks Act ss. 51.06–51.09, CBSA Memorandum
//! D19-4-3). The officer sends the owner of the request a notice (a bilingual letter, printed
//! or as PDF, with the details s. 51.06(1) lets the border share); from then the owner has
//! 10 working days, or 5 days for perishable goods, to say it has started proceedings in court,
//! with one extension of up to 10 working days for goods that keep; storage and handling
//! charges run against the owner from the day after the notice (s. 51.09). The detention ends
//! as the goods do: not counterfeit or no action by the owner (released), seized, or
//! abandoned; proceedings started keep them held, the deadline no longer running.

use crate::domain::calendar::{working_days_after, working_days_between};
use crate::domain::clock::zone;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod decide;
pub mod letter;
pub mod page;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod rpc;

/// The owner's time to say proceedings have started, in working days after the notice
/// (Trademarks Act s. 51.06(2)).
pub const NOTICE_WORKING_DAYS: u32 = 10;
/// The same for perishable goods, in days, with no extension.
pub const PERISHABLE_DAYS: i64 = 5;
/// The one extension the owner may be granted for goods that keep (s. 51.06(3)).
pub const EXTENSION_WORKING_DAYS: u32 = 10;
/// The highest daily storage and handling charge a detention records, in cents.
pub const MAX_DAILY_CHARGE_CENTS: i64 = 1_000_000;

vocabulary! {
    /// How a detention ends, or that proceedings keep the goods.
    pub enum DetentionOutcome {
        Proceedings => "proceedings", said!(detentions.outcome.proceedings);
        NotCounterfeit => "not_counterfeit", said!(detentions.outcome.not_counterfeit);
        NoAction => "no_action", said!(detentions.outcome.no_action);
        Seized => "seized", said!(detentions.outcome.seized);
        Abandoned => "abandoned", said!(detentions.outcome.abandoned);
    }
}

impl DetentionOutcome {
    /// Whether the detention ends with it (all but proceedings, which keep the goods held).
    pub fn ends(self) -> bool {
        self != DetentionOutcome::Proceedings
    }
}

/// One detention, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Detention {
    pub id: i64,
    /// The hold for intellectual property the goods are detained under.
    pub hold_id: i64,
    pub shipment_id: i64,
    pub port_code: String,
    /// The port's time zone: the days of the clock are the port's days.
    pub port_time_zone: String,
    /// The request for assistance whose owner was sent the notice.
    pub request_id: i64,
    pub rights_holder: String,
    /// Perishable goods (by HS code) have 5 days and no extension.
    pub perishable: bool,
    pub notice_at: DateTime<Utc>,
    pub notice_by: String,
    /// The port's day the notice was sent; charges run from the day after.
    pub notice_day: NaiveDate,
    /// The last day (the port's, included) for the owner to say proceedings have started.
    pub deadline_day: NaiveDate,
    /// Storage and handling, per day, charged to the owner (cents, CAD).
    pub daily_charge_cents: i64,
    pub extended_at: Option<DateTime<Utc>>,
    pub extended_by: Option<String>,
    pub proceedings_at: Option<DateTime<Utc>>,
    pub outcome: Option<DetentionOutcome>,
    pub outcome_at: Option<DateTime<Utc>>,
    pub outcome_by: Option<String>,
    /// The last day charged (included), once the goods are no longer detained for the owner.
    pub charges_end_day: Option<NaiveDate>,
    pub version: i64,
}

/// The first instant after the port's `day` ends.
pub fn end_of_day(day: NaiveDate, zone_name: &str) -> DateTime<Utc> {
    let next = day
        .succ_opt()
        .unwrap_or(day)
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    zone(zone_name)
        .from_local_datetime(&next)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&next))
}

/// The port's day at `at`.
pub fn port_day(at: DateTime<Utc>, zone_name: &str) -> NaiveDate {
    at.with_timezone(&zone(zone_name)).date_naive()
}

/// The last day to say proceedings have started, for a notice sent on `notice_day`.
pub fn deadline(notice_day: NaiveDate, perishable: bool) -> NaiveDate {
    if perishable {
        notice_day + Duration::days(PERISHABLE_DAYS)
    } else {
        working_days_after(notice_day, NOTICE_WORKING_DAYS)
    }
}

/// The deadline once extended.
pub fn extended(deadline_day: NaiveDate) -> NaiveDate {
    working_days_after(deadline_day, EXTENSION_WORKING_DAYS)
}

/// Where a detention's clock stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "state", content = "left")]
pub enum ClockState {
    /// Days left before the deadline, today not counted: working days, or days for perishable
    /// goods. 0 on the last day.
    Running(i64),
    /// The deadline passed without word of proceedings: the goods are to be released.
    Passed,
    /// Proceedings started, or the detention ended: the deadline no longer runs.
    Stopped,
}

impl Detention {
    /// The first instant after the deadline.
    pub fn deadline_at(&self) -> DateTime<Utc> {
        end_of_day(self.deadline_day, &self.port_time_zone)
    }

    /// Where the clock stands at `now`.
    pub fn clock(&self, now: DateTime<Utc>) -> ClockState {
        if self.outcome.is_some() {
            return ClockState::Stopped;
        }
        if now >= self.deadline_at() {
            return ClockState::Passed;
        }
        let today = port_day(now, &self.port_time_zone);
        ClockState::Running(if self.perishable {
            (self.deadline_day - today).num_days()
        } else {
            working_days_between(today, self.deadline_day)
        })
    }

    /// The days charged to the owner up to `today` (the port's): from the day after the
    /// notice to the last day charged, or to today while the goods stay detained.
    pub fn charged_days(&self, today: NaiveDate) -> i64 {
        let end = self.charges_end_day.unwrap_or(today);
        (end - self.notice_day).num_days().max(0)
    }

    /// The storage and handling charged to the owner up to `today`, in cents.
    pub fn charges_cents(&self, today: NaiveDate) -> i64 {
        self.charged_days(today) * self.daily_charge_cents
    }

    /// Whether the owner may still be granted the one extension.
    pub fn may_extend(&self, now: DateTime<Utc>) -> bool {
        !self.perishable
            && self.extended_at.is_none()
            && matches!(self.clock(now), ClockState::Running(_))
    }
}

/// A detention opened: the notice sent to the owner of a request for assistance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewDetention {
    /// The request whose owner is sent the notice; by default the one the shipment's score
    /// matched.
    pub request_id: Option<i64>,
    /// Storage and handling per day, in cents (CAD).
    pub daily_charge_cents: i64,
}

/// A change to a detention, naming the version read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DetentionChange {
    pub version: i64,
    /// Why: the owner's letter, the court file, what the examination found.
    pub reason: String,
    /// For an outcome: what happened (`proceedings`, `not_counterfeit`, `no_action`,
    /// `seized`, `abandoned`). Left out to extend the deadline.
    #[serde(default)]
    pub outcome: Option<DetentionOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub(super) fn detention(notice_day: NaiveDate, perishable: bool) -> Detention {
        let zone = "America/Toronto";
        Detention {
            id: 1,
            hold_id: 7,
            shipment_id: 3,
            port_code: "YYZ".into(),
            port_time_zone: zone.into(),
            request_id: 2,
            rights_holder: "Maison Beaulieu SA".into(),
            perishable,
            notice_at: end_of_day(notice_day, zone) - Duration::hours(10),
            notice_by: "o.tremblay".into(),
            notice_day,
            deadline_day: deadline(notice_day, perishable),
            daily_charge_cents: 5_000,
            extended_at: None,
            extended_by: None,
            proceedings_at: None,
            outcome: None,
            outcome_at: None,
            outcome_by: None,
            charges_end_day: None,
            version: 1,
        }
    }

    #[test]
    fn goods_that_keep_have_ten_working_days_and_perishables_five_days() {
        let wednesday = day(2026, 12, 2);
        assert_eq!(deadline(wednesday, false), day(2026, 12, 16));
        assert_eq!(deadline(wednesday, true), day(2026, 12, 7));
        assert_eq!(extended(day(2026, 12, 16)), day(2026, 12, 31));
    }

    #[test]
    fn the_clock_counts_working_days_left_then_passes_at_the_ports_midnight() {
        let d = detention(day(2026, 12, 2), false);
        let at = |y, m, dd, h| {
            zone("America/Toronto")
                .with_ymd_and_hms(y, m, dd, h, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        assert_eq!(d.clock(at(2026, 12, 2, 15)), ClockState::Running(10));
        assert_eq!(d.clock(at(2026, 12, 5, 12)), ClockState::Running(8));
        assert_eq!(d.clock(at(2026, 12, 16, 23)), ClockState::Running(0));
        assert_eq!(d.clock(at(2026, 12, 17, 0)), ClockState::Passed);
        let ended = Detention {
            outcome: Some(DetentionOutcome::Proceedings),
            ..d
        };
        assert_eq!(ended.clock(at(2026, 12, 20, 0)), ClockState::Stopped);
    }

    #[test]
    fn perishable_goods_count_calendar_days_and_are_not_extended() {
        let d = detention(day(2026, 12, 4), true);
        let saturday = end_of_day(day(2026, 12, 5), "America/Toronto") - Duration::hours(1);
        assert_eq!(d.clock(saturday), ClockState::Running(4));
        assert!(!d.may_extend(saturday));
        let keeps = detention(day(2026, 12, 4), false);
        assert!(keeps.may_extend(saturday));
    }

    #[test]
    fn charges_run_from_the_day_after_the_notice_to_the_last_day_charged() {
        let d = detention(day(2026, 12, 2), false);
        assert_eq!(d.charged_days(day(2026, 12, 2)), 0);
        assert_eq!(d.charged_days(day(2026, 12, 3)), 1);
        assert_eq!(d.charges_cents(day(2026, 12, 12)), 10 * 5_000);
        let ended = Detention {
            charges_end_day: Some(day(2026, 12, 5)),
            ..d
        };
        assert_eq!(ended.charged_days(day(2027, 1, 30)), 3);
    }
}
