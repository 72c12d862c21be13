//! Time as the operations centre reads it: dwell of a hold (with the trader's pauses taken
//! out), lateness against a service level, durations in words, and instants shown in the
//! port's own time zone. Everything is stored in UTC.

use crate::lang::{self, format};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// The service clock of a hold. Time spent waiting on the trader (documents requested) is
/// paused and not counted against the port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceClock {
    pub placed_at: DateTime<Utc>,
    /// When the hold ended (released, seized, …); `None` while it is active.
    pub ended_at: Option<DateTime<Utc>>,
    /// Pauses that have already ended, summed.
    pub paused_before: Duration,
    /// Start of the pause in force, if the clock is paused now.
    pub paused_since: Option<DateTime<Utc>>,
    /// When the service level runs out, before adding pauses.
    pub due_at: DateTime<Utc>,
}

impl ServiceClock {
    fn end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.ended_at.unwrap_or(now)
    }

    fn paused(&self, now: DateTime<Utc>) -> Duration {
        let running = self
            .paused_since
            .map(|since| (self.end(now) - since).max(Duration::zero()))
            .unwrap_or_default();
        self.paused_before + running
    }

    /// How long the goods have sat on hold, counted against the port.
    pub fn dwell(&self, now: DateTime<Utc>) -> Duration {
        (self.end(now) - self.placed_at - self.paused(now)).max(Duration::zero())
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some() && self.ended_at.is_none()
    }

    /// The due time moved back by every pause.
    pub fn effective_due(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.due_at + self.paused(now)
    }

    /// Late means the service level ran out while the clock was counting.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        !self.is_paused() && self.end(now) > self.effective_due(now)
    }
}

/// "2 d 4 h", "3 h 05 min", "12 min", "45 s" (in French "2 j 4 h"): what a wall screen can be
/// read by at a glance, in the language being spoken (`lang::current`).
pub fn format_duration(d: Duration) -> String {
    format::duration(lang::current(), d)
}

/// Time left until `due`, or how late it is: "due in 40 min", "overdue 2 h 10 min".
pub fn format_due(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format_due_in(lang::current(), due, now)
}

/// `format_due` in a given language.
pub fn format_due_in(locale: lang::Locale, due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    use crate::i18n::td_string;
    if due >= now {
        let time = format::duration(locale, due - now);
        td_string!(locale, common.due_in, time = time).to_string()
    } else {
        let time = format::duration(locale, now - due);
        td_string!(locale, common.overdue_by, time = time).to_string()
    }
}

/// Parses an IANA zone name as stored on a port; falls back to UTC for an unknown name so a
/// bad row can never take a page down.
pub fn zone(name: &str) -> Tz {
    format::zone(name)
}

/// An instant in a port's local time with the zone's abbreviation: "2026-11-28 06:14 PST".
pub fn local_time(at: DateTime<Utc>, zone_name: &str) -> String {
    format::local_time(lang::current(), at, zone_name)
}

/// Short form for dense tables: "Nov 28 06:14 PST".
pub fn local_time_short(at: DateTime<Utc>, zone_name: &str) -> String {
    format::local_time_short(lang::current(), at, zone_name)
}

/// Milliseconds since the epoch, as stored in the database.
pub fn to_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).unwrap()
    }

    fn clock() -> ServiceClock {
        ServiceClock {
            placed_at: at(8, 0),
            ended_at: None,
            paused_before: Duration::zero(),
            paused_since: None,
            due_at: at(12, 0),
        }
    }

    #[test]
    fn dwell_counts_from_placement_to_now() {
        assert_eq!(clock().dwell(at(10, 30)), Duration::minutes(150));
        assert!(!clock().is_overdue(at(11, 59)));
        assert!(clock().is_overdue(at(12, 1)));
    }

    #[test]
    fn time_waiting_on_the_trader_is_not_counted() {
        let c = ServiceClock {
            paused_before: Duration::minutes(30),
            paused_since: Some(at(11, 0)),
            ..clock()
        };
        // 8:00 → 13:00 is 5 h; 30 min of earlier pause and 2 h of the current one are excluded.
        assert_eq!(c.dwell(at(13, 0)), Duration::minutes(150));
        assert!(c.is_paused());
        assert!(!c.is_overdue(at(13, 0)), "a paused clock is never late");
        assert_eq!(c.effective_due(at(13, 0)), at(14, 30));
    }

    #[test]
    fn a_closed_hold_stops_its_clock() {
        let c = ServiceClock {
            ended_at: Some(at(9, 0)),
            ..clock()
        };
        assert_eq!(c.dwell(at(23, 0)), Duration::hours(1));
        assert!(!c.is_overdue(at(23, 0)));
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(format_duration(Duration::seconds(45)), "45 s");
        assert_eq!(format_duration(Duration::minutes(12)), "12 min");
        assert_eq!(format_duration(Duration::minutes(185)), "3 h 05 min");
        assert_eq!(format_duration(Duration::hours(52)), "2 d 4 h");
        assert_eq!(format_duration(Duration::seconds(-5)), "0 s");
        assert_eq!(format_due(at(12, 0), at(11, 20)), "due in 40 min");
        assert_eq!(format_due(at(12, 0), at(14, 10)), "overdue 2 h 10 min");
    }

    #[test]
    fn instants_are_shown_in_the_port_zone() {
        let t = at(14, 2);
        assert_eq!(local_time(t, "America/Vancouver"), "2026-11-28 06:02 PST");
        assert_eq!(local_time(t, "America/St_Johns"), "2026-11-28 10:32 NST");
        assert_eq!(local_time(t, "Not/AZone"), "2026-11-28 14:02 UTC");
        assert_eq!(from_millis(to_millis(t)), t);
    }
}
