//! What a port's supervisor may set its running to, checked the same way on both sides: a
//! port that is not open says why, an expected return is ahead and not too far, lanes are
//! within those the port has (none when it is closed), officers on shift within a sane
//! bound, and a notice says something and, if it expires, expires ahead.

use super::{PortStatus, check_text};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::current;
use chrono::{DateTime, Duration, Utc};

/// How far ahead a port may say it expects to be back.
pub const MAX_RETURN_DAYS: i64 = 14;
/// How far ahead a notice may expire.
pub const MAX_NOTICE_DAYS: i64 = 90;
/// The most officers one port may have on shift.
pub const MAX_OFFICERS_ON_SHIFT: i64 = 500;
/// Public service standards for border waits, in minutes: a wait longer than its flow's
/// standard is over it (the port page, the tiles and the trends count it so).
pub const COMMERCIAL_WAIT_STANDARD_MIN: i64 = 45;
pub const TRAVELLER_WAIT_STANDARD_MIN: i64 = 10;

/// A port's status as a supervisor sets it: the status, why (kept on the port unless it is
/// open, and in the journal either way) and when it expects to be open again.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedStatus {
    pub status: PortStatus,
    /// The reason the journal records (`None` when none was given for an open port).
    pub reason: Option<String>,
    /// The reason the port shows: `None` when it is open.
    pub status_reason: Option<String>,
    pub expected_return_at: Option<DateTime<Utc>>,
}

/// Checks a status change: a limited or closed port needs a reason; an expected return is
/// for a port that is not open, ahead of `now` and within [`MAX_RETURN_DAYS`].
pub fn check_status(
    status: PortStatus,
    reason: &str,
    expected_return_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<CheckedStatus, AppError> {
    let open = status == PortStatus::Open;
    let reason = check_text("reason", reason, !open)?;
    if let Some(at) = expected_return_at {
        if open {
            return Err(AppError::invalid(
                "expected_return_at",
                td_string!(current(), port_ops.return_when_open),
            ));
        }
        if at <= now {
            return Err(AppError::invalid(
                "expected_return_at",
                td_string!(current(), port_ops.return_in_past),
            ));
        }
        if at > now + Duration::days(MAX_RETURN_DAYS) {
            return Err(AppError::invalid(
                "expected_return_at",
                td_string!(current(), port_ops.return_too_far, days = MAX_RETURN_DAYS).to_string(),
            ));
        }
    }
    let reason = (!reason.is_empty()).then_some(reason);
    Ok(CheckedStatus {
        status,
        status_reason: if open { None } else { reason.clone() },
        reason,
        expected_return_at: if open { None } else { expected_return_at },
    })
}

/// Lanes open: between none and those the port has; none at a closed port.
pub fn check_lanes(status: PortStatus, lanes_open: i64, available: i64) -> Result<(), AppError> {
    if !(0..=available).contains(&lanes_open) {
        return Err(AppError::invalid(
            "lanes_open",
            td_string!(current(), port_ops.lanes_range, available = available).to_string(),
        ));
    }
    if status == PortStatus::Closed && lanes_open > 0 {
        return Err(AppError::invalid(
            "lanes_open",
            td_string!(current(), port_ops.closed_no_lanes),
        ));
    }
    Ok(())
}

/// Officers on shift: none to [`MAX_OFFICERS_ON_SHIFT`].
pub fn check_officers(officers: i64) -> Result<(), AppError> {
    if !(0..=MAX_OFFICERS_ON_SHIFT).contains(&officers) {
        return Err(AppError::invalid(
            "officers_on_shift",
            td_string!(
                current(),
                port_ops.officers_range,
                max = MAX_OFFICERS_ON_SHIFT
            )
            .to_string(),
        ));
    }
    Ok(())
}

/// A notice's text: required, bounded.
pub fn check_message(message: &str) -> Result<String, AppError> {
    check_text("message", message, true)
}

/// A notice's expiry: ahead of `now` and within [`MAX_NOTICE_DAYS`].
pub fn check_expiry(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), AppError> {
    let Some(at) = expires_at else {
        return Ok(());
    };
    if at <= now {
        return Err(AppError::invalid(
            "expires_at",
            td_string!(current(), port_ops.expiry_in_past),
        ));
    }
    if at > now + Duration::days(MAX_NOTICE_DAYS) {
        return Err(AppError::invalid(
            "expires_at",
            td_string!(current(), port_ops.expiry_too_far, days = MAX_NOTICE_DAYS).to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<impl std::fmt::Debug, AppError>) -> String {
        match result {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_port_that_is_not_open_says_why_and_when_it_returns() {
        let now = Utc::now();
        assert_eq!(
            field(check_status(PortStatus::Limited, "  ", None, now)),
            "reason"
        );
        assert_eq!(
            field(check_status(PortStatus::Closed, "", None, now)),
            "reason"
        );
        let ok = check_status(
            PortStatus::Closed,
            " storm ",
            Some(now + Duration::hours(3)),
            now,
        )
        .unwrap();
        assert_eq!(ok.status_reason.as_deref(), Some("storm"));
        assert_eq!(ok.expected_return_at, Some(now + Duration::hours(3)));
        for at in [now - Duration::minutes(1), now, now + Duration::days(15)] {
            assert_eq!(
                field(check_status(PortStatus::Limited, "storm", Some(at), now)),
                "expected_return_at"
            );
        }
        // Open: no reason needed, none kept on the port, no return to expect.
        let open = check_status(PortStatus::Open, "scanner back", None, now).unwrap();
        assert_eq!(open.status_reason, None);
        assert_eq!(open.reason.as_deref(), Some("scanner back"));
        assert_eq!(
            check_status(PortStatus::Open, "", None, now)
                .unwrap()
                .reason,
            None
        );
        assert_eq!(
            field(check_status(
                PortStatus::Open,
                "",
                Some(now + Duration::hours(1)),
                now
            )),
            "expected_return_at"
        );
    }

    #[test]
    fn lanes_officers_and_notices_stay_within_bounds() {
        let now = Utc::now();
        assert!(check_lanes(PortStatus::Open, 0, 4).is_ok());
        assert!(check_lanes(PortStatus::Open, 4, 4).is_ok());
        assert_eq!(field(check_lanes(PortStatus::Open, 5, 4)), "lanes_open");
        assert_eq!(field(check_lanes(PortStatus::Open, -1, 4)), "lanes_open");
        assert_eq!(field(check_lanes(PortStatus::Closed, 1, 4)), "lanes_open");
        assert!(check_lanes(PortStatus::Closed, 0, 4).is_ok());
        assert!(check_officers(0).is_ok());
        assert!(check_officers(MAX_OFFICERS_ON_SHIFT).is_ok());
        assert_eq!(field(check_officers(-1)), "officers_on_shift");
        assert_eq!(
            field(check_officers(MAX_OFFICERS_ON_SHIFT + 1)),
            "officers_on_shift"
        );
        assert_eq!(field(check_message("   ")), "message");
        assert!(check_expiry(None, now).is_ok());
        assert!(check_expiry(Some(now + Duration::hours(1)), now).is_ok());
        assert_eq!(field(check_expiry(Some(now), now)), "expires_at");
        assert_eq!(
            field(check_expiry(Some(now + Duration::days(91)), now)),
            "expires_at"
        );
    }

    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn refusals_are_said_in_french_too() {
        let now = Utc::now();
        let said = crate::lang::serve_in(crate::lang::Locale::fr, async {
            check_status(PortStatus::Closed, "tempête", Some(now), now)
                .unwrap_err()
                .to_string()
        })
        .await;
        assert!(said.contains("heure prévue"), "{said}");
    }
}
