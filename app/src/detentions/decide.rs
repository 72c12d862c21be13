//! The detention's rules, as pure functions: which holds a notice may be sent for, when the
//! owner may be granted the extension, which outcome may follow which, and what each does to
//! the hold. Each refusal is a sentence for the officer.

use super::{ClockState, Detention, DetentionOutcome, MAX_DAILY_CHARGE_CENTS};
use crate::domain::HoldReason;
use crate::error::AppError;
use crate::holds::HoldRow;
use crate::i18n::td_string;
use crate::lang::{current, format};
use crate::rights::RightsRequest;
use chrono::{DateTime, NaiveDate, Utc};

/// What an outcome does to the hold the goods are detained under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldMove {
    /// The goods go: not counterfeit, or the owner did nothing in time.
    Release,
    /// The goods are forfeited: seized, or abandoned to the Crown (a supervisor approves the
    /// seizure as for any other).
    RequestSeizure,
    /// Proceedings started: the goods stay held.
    Keep,
}

/// Whether a notice may be sent for `hold` to the owner of `request` on the port's `today`.
pub fn notice(
    hold: &HoldRow,
    request: &RightsRequest,
    today: NaiveDate,
    daily_charge_cents: i64,
) -> Result<(), AppError> {
    let l = current();
    if hold.reason != HoldReason::IntellectualProperty {
        return Err(AppError::Conflict {
            message: td_string!(l, detentions.refused.not_ip, id = hold.id).to_string(),
        });
    }
    if !hold.status.is_active() {
        return Err(AppError::Conflict {
            message: td_string!(
                l,
                detentions.refused.hold_closed,
                id = hold.id,
                status = hold.status.label().to_lowercase()
            )
            .to_string(),
        });
    }
    if !request.in_force_on(today) {
        return Err(AppError::invalid(
            "request_id",
            td_string!(
                l,
                detentions.refused.request_not_in_force,
                id = request.id,
                from = format::date(l, request.valid_from),
                to = format::date(l, request.valid_to)
            )
            .to_string(),
        ));
    }
    if !(0..=MAX_DAILY_CHARGE_CENTS).contains(&daily_charge_cents) {
        return Err(AppError::invalid(
            "daily_charge_cents",
            td_string!(
                l,
                detentions.refused.charge_range,
                max = MAX_DAILY_CHARGE_CENTS / 100
            )
            .to_string(),
        ));
    }
    Ok(())
}

/// Whether the owner may be granted the one extension of `d` at `now`.
pub fn extension(d: &Detention, now: DateTime<Utc>) -> Result<(), AppError> {
    let l = current();
    let refuse = |message: String| Err(AppError::Conflict { message });
    if d.perishable {
        return refuse(td_string!(l, detentions.refused.perishable_extension).to_string());
    }
    if d.extended_at.is_some() {
        return refuse(td_string!(l, detentions.refused.extended_once, id = d.id).to_string());
    }
    match d.clock(now) {
        ClockState::Running(_) => Ok(()),
        ClockState::Passed => refuse(
            td_string!(
                l,
                detentions.refused.deadline_passed,
                id = d.id,
                day = format::date(l, d.deadline_day)
            )
            .to_string(),
        ),
        ClockState::Stopped => refuse(ended(d)),
    }
}

/// Whether `outcome` may be recorded for `d` at `now`, and what it does to the hold.
pub fn outcome(
    d: &Detention,
    outcome: DetentionOutcome,
    now: DateTime<Utc>,
) -> Result<HoldMove, AppError> {
    use DetentionOutcome as O;
    let l = current();
    if d.outcome.is_some_and(DetentionOutcome::ends) {
        return Err(AppError::Conflict { message: ended(d) });
    }
    let in_proceedings = d.outcome == Some(O::Proceedings);
    match outcome {
        O::Proceedings if in_proceedings => Err(AppError::Conflict {
            message: td_string!(l, detentions.refused.proceedings_twice, id = d.id).to_string(),
        }),
        // Word of proceedings counts only within the period (s. 51.06(2)).
        O::Proceedings if d.clock(now) == ClockState::Passed => Err(AppError::Conflict {
            message: td_string!(
                l,
                detentions.refused.proceedings_late,
                id = d.id,
                day = format::date(l, d.deadline_day)
            )
            .to_string(),
        }),
        O::Proceedings => Ok(HoldMove::Keep),
        // Once in court, the goods go as the court decides, not for want of action.
        O::NoAction if in_proceedings => Err(AppError::Conflict {
            message: td_string!(l, detentions.refused.no_action_in_court, id = d.id).to_string(),
        }),
        O::NoAction | O::NotCounterfeit => Ok(HoldMove::Release),
        O::Seized | O::Abandoned => Ok(HoldMove::RequestSeizure),
    }
}

/// "Detention 4 has ended (seized).", in the language spoken.
fn ended(d: &Detention) -> String {
    td_string!(
        current(),
        detentions.refused.ended,
        id = d.id,
        outcome = d
            .outcome
            .map(|o| o.label().to_lowercase())
            .unwrap_or_default()
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::super::tests::detention;
    use super::*;
    use chrono::Duration;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn each_outcome_moves_the_hold_as_the_law_says() {
        let d = detention(day(2026, 12, 2), false);
        let now = d.notice_at + Duration::days(1);
        assert_eq!(
            outcome(&d, DetentionOutcome::NotCounterfeit, now).unwrap(),
            HoldMove::Release
        );
        assert_eq!(
            outcome(&d, DetentionOutcome::NoAction, now).unwrap(),
            HoldMove::Release
        );
        assert_eq!(
            outcome(&d, DetentionOutcome::Proceedings, now).unwrap(),
            HoldMove::Keep
        );
        assert_eq!(
            outcome(&d, DetentionOutcome::Seized, now).unwrap(),
            HoldMove::RequestSeizure
        );
        assert_eq!(
            outcome(&d, DetentionOutcome::Abandoned, now).unwrap(),
            HoldMove::RequestSeizure
        );
    }

    #[test]
    fn proceedings_count_only_within_the_period_and_then_the_court_decides() {
        let d = detention(day(2026, 12, 2), false);
        let late = d.deadline_at();
        assert!(outcome(&d, DetentionOutcome::Proceedings, late).is_err());
        assert!(outcome(&d, DetentionOutcome::NoAction, late).is_ok());
        let in_court = Detention {
            outcome: Some(DetentionOutcome::Proceedings),
            ..d
        };
        assert!(outcome(&in_court, DetentionOutcome::NoAction, late).is_err());
        assert!(outcome(&in_court, DetentionOutcome::Proceedings, late).is_err());
        assert!(outcome(&in_court, DetentionOutcome::Seized, late).is_ok());
        assert!(outcome(&in_court, DetentionOutcome::NotCounterfeit, late).is_ok());
    }

    #[test]
    fn an_ended_detention_takes_no_other_outcome_and_no_extension() {
        let d = Detention {
            outcome: Some(DetentionOutcome::Seized),
            ..detention(day(2026, 12, 2), false)
        };
        let now = d.notice_at + Duration::hours(1);
        for o in DetentionOutcome::ALL {
            assert!(outcome(&d, *o, now).is_err(), "{o:?}");
        }
        assert!(extension(&d, now).is_err());
    }

    #[test]
    fn the_extension_is_granted_once_before_the_deadline_for_goods_that_keep() {
        let d = detention(day(2026, 12, 2), false);
        let now = d.notice_at + Duration::days(2);
        assert!(extension(&d, now).is_ok());
        assert!(extension(&d, d.deadline_at()).is_err());
        let again = Detention {
            extended_at: Some(now),
            ..d.clone()
        };
        assert!(extension(&again, now).is_err());
        let perishable = detention(day(2026, 12, 2), true);
        assert!(extension(&perishable, now).is_err());
    }
}
