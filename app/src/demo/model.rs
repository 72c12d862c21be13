//! The one model of the demo country's rhythms, read by the seed (its fourteen days of history)
//! and by the simulator (its traffic from then on), so that the two cannot drift apart: when
//! traffic comes (the hour of the day, the share of each mode), how long goods take (declared
//! to arrived to released), how many are held and why, how long examinations wait and take,
//! what they find, and how holds end. Server only.
//!
//! Where the history and the simulation used to disagree, the value kept is named beside it
//! with the reason. Two things weigh on the choices: the history, which now follows the daily
//! rhythm and so ends some mornings after a quiet night, must still end with holds and
//! examinations in every state, some past due and some clocks paused (the seed's tests); and
//! the simulation's stories must mostly end within the hours a demo runs (its tests). Slow
//! things are therefore those that wait on someone outside the port (the trader's documents,
//! another department, a supervisor's approval) and the queue of long examinations; the rest
//! moves within hours. A few parts are used by one side only, and say why: the simulation has no
//! operation to return goods to their origin.
//!
//! Every draw takes the caller's generator, so each side stays deterministic for its seed.

use super::{Goods, country::HOLD_REASONS, weighted};
use crate::domain::{HoldReason, InspectionKind, Mode, Outcome, PortStatus, Priority};
use crate::i18n::td_string;
use crate::lang::Locale;
use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use rand::Rng;

/// How long something takes, drawn afresh each time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Uniformly between two bounds, in minutes (to the second).
    Between(i64, i64),
    /// Mostly near a typical number of minutes, with a long tail to five times it: queues and
    /// decisions, where most are quick and a few wait for a long time. At least a minute.
    Around(i64),
}

impl Span {
    pub fn draw<R: Rng + ?Sized>(self, rng: &mut R) -> Duration {
        match self {
            Span::Between(low, high) => Duration::seconds(rng.gen_range(low * 60..=high * 60)),
            Span::Around(typical) => {
                let u: f64 = rng.gen_range(0.05..1.0);
                let factor = (-u.ln()).powf(1.3) * 1.2;
                Duration::minutes(((typical as f64) * factor).round().max(1.0) as i64)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// When traffic comes

/// Share of each hour's peak traffic, from local midnight to 23:00, per mode. Trucks keep
/// office hours; air cargo runs late into the evening; ships and trains work around the clock
/// with a daytime lean. (The history used to spread its traffic evenly over the day; it now
/// follows the simulation's rhythm, so a seeded day has the same busy and quiet hours.)
fn hourly_profile(mode: Mode) -> &'static [f64; 24] {
    match mode {
        Mode::Air => &[
            0.30, 0.25, 0.20, 0.15, 0.20, 0.35, 0.60, 0.80, 0.90, 1.00, 1.00, 0.95, 0.90, 0.90,
            0.95, 1.00, 1.00, 0.95, 0.90, 0.80, 0.70, 0.60, 0.50, 0.40,
        ],
        Mode::Land => &[
            0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.45, 0.70, 0.90, 1.00, 1.00, 1.00, 0.95, 0.95,
            1.00, 1.00, 0.95, 0.85, 0.70, 0.55, 0.45, 0.35, 0.25, 0.20,
        ],
        Mode::Marine => &[
            0.35, 0.30, 0.30, 0.30, 0.35, 0.45, 0.65, 0.85, 1.00, 1.00, 1.00, 1.00, 0.95, 1.00,
            1.00, 1.00, 0.95, 0.85, 0.70, 0.60, 0.50, 0.45, 0.40, 0.35,
        ],
        Mode::Rail => &[
            0.45, 0.40, 0.40, 0.40, 0.45, 0.55, 0.70, 0.85, 0.95, 1.00, 1.00, 1.00, 1.00, 1.00,
            1.00, 1.00, 0.95, 0.90, 0.80, 0.70, 0.60, 0.55, 0.50, 0.45,
        ],
    }
}

/// The daily rhythm: the share (0 to 1) of its peak rate a port of `mode` sees at `at`, by
/// its local time of day (interpolated between the hours).
pub fn rhythm(mode: Mode, time_zone: Tz, at: DateTime<Utc>) -> f64 {
    let local = at.with_timezone(&time_zone);
    let hour = local.hour() as usize;
    let fraction = (local.minute() as f64 * 60.0 + local.second() as f64) / 3600.0;
    let profile = hourly_profile(mode);
    profile[hour] + (profile[(hour + 1) % 24] - profile[hour]) * fraction
}

/// The rate at the busiest hour of a port that sees `per_day` declarations a day: a day of its
/// rhythm adds up to that many. (The simulation used to give the ports of every mode the same
/// busiest hour whatever their rhythm, so that a day of its traffic leaned away from the modes
/// with quiet nights; a day now shares its declarations between the modes as `MODE_SHARE`
/// says, as the history always has.)
pub fn peak_per_hour(mode: Mode, per_day: f64) -> f64 {
    per_day / hourly_profile(mode).iter().sum::<f64>()
}

/// An exponential wait with `per_hour` events per hour on average.
fn exponential<R: Rng + ?Sized>(rng: &mut R, per_hour: f64) -> Duration {
    let u = 1.0 - rng.r#gen::<f64>();
    Duration::milliseconds((-u.ln() / per_hour * 3_600_000.0) as i64)
}

/// The next declaration at a port after `after` (the simulation): candidates arrive at the
/// port's peak rate and each is kept with the probability of the rhythm at its instant
/// (thinning), which gives arrivals whose rate follows the local time of day.
pub fn next_declaration<R: Rng + ?Sized>(
    rng: &mut R,
    mode: Mode,
    time_zone: Tz,
    peak_per_hour: f64,
    after: DateTime<Utc>,
) -> DateTime<Utc> {
    let mut at = after;
    loop {
        at += exponential(rng, peak_per_hour);
        if rng.r#gen::<f64>() < rhythm(mode, time_zone, at) {
            return at;
        }
    }
}

/// When a declaration of the history was filed, somewhere in `[from, to)`: an instant drawn
/// evenly, kept with the probability of the rhythm there (the same thinning as
/// [`next_declaration`], for a history of a given number of declarations).
pub fn declared_between<R: Rng + ?Sized>(
    rng: &mut R,
    mode: Mode,
    time_zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DateTime<Utc> {
    let span = (to - from).num_seconds().max(1);
    loop {
        let at = from + Duration::seconds(rng.gen_range(0..span));
        if rng.r#gen::<f64>() < rhythm(mode, time_zone, at) {
            return at;
        }
    }
}

/// The share of its traffic a port takes in its state: a closed port none, a limited one about
/// half. (The history leaves out the ports closed when it ends; its limited ports became so in
/// its last hours.)
pub fn takes_traffic(status: PortStatus) -> f64 {
    match status {
        PortStatus::Open => 1.0,
        PortStatus::Limited => 0.5,
        PortStatus::Closed => 0.0,
    }
}

// ---------------------------------------------------------------------------------------------
// How long goods take

/// From the declaration to the goods' expected arrival. The simulation's leads: the carriers'
/// own papers are filed earlier (hours for air, days by sea), but a demo must show goods
/// arrive within the hour of being declared, and the history follows so that the goods it
/// leaves on their way are those the simulation will see arrive.
pub fn lead(mode: Mode) -> Span {
    match mode {
        Mode::Air => Span::Between(30, 240),
        Mode::Land => Span::Between(20, 120),
        Mode::Marine => Span::Between(120, 720),
        Mode::Rail => Span::Between(60, 240),
    }
}

/// When the goods actually arrive, against their expected arrival: up to twenty minutes early
/// or three quarters of an hour late. (The history's band; the simulation used -10 to +30.)
pub const ARRIVAL: Span = Span::Between(-20, 45);

/// From arrival to release for goods nobody holds, by mode: mostly quick with a long tail, so
/// that release times have a believable 90th percentile. (The history's; the simulation drew
/// evenly within 20–120 minutes, 2–15, 2–10 hours and 30–180 minutes.)
pub fn release_after(mode: Mode) -> Span {
    match mode {
        Mode::Air => Span::Around(90),
        Mode::Land => Span::Around(15),
        Mode::Marine => Span::Around(24 * 60),
        Mode::Rail => Span::Around(4 * 60),
    }
}

// ---------------------------------------------------------------------------------------------
// Holds

/// Whether goods like these are held: the chance their goods give (see
/// [`Goods::hold_per_mille`]). In the history and the simulation alike it is the port's
/// officer's draw for goods the targeting rules let through; the rules' own selections (a
/// score's lane, random selection) come on top.
pub fn held<R: Rng + ?Sized>(rng: &mut R, goods: &Goods) -> bool {
    rng.gen_range(0..1000) < goods.hold_per_mille()
}

/// Goods that counterfeiters favour (automatic watches, leather handbags), and the share of
/// their holds that are for intellectual property, whatever reason was drawn first.
const COUNTERFEIT_PRONE: &[&str] = &["910221", "420221"];
const COUNTERFEIT_SHARE: f64 = 0.6;

/// Why goods travelling by `mode` are held: by the weights of the reasons that [`fit`] them,
/// and counterfeit-prone goods mostly for intellectual property.
pub fn hold_reason<R: Rng + ?Sized>(rng: &mut R, goods: &Goods, mode: Mode) -> HoldReason {
    if COUNTERFEIT_PRONE.contains(&goods.commodity.hs_code) && rng.gen_bool(COUNTERFEIT_SHARE) {
        return HoldReason::IntellectualProperty;
    }
    let fitting: Vec<(HoldReason, u32)> = HOLD_REASONS
        .iter()
        .copied()
        .filter(|(reason, _)| fits(*reason, goods, mode))
        .collect();
    *weighted(rng, &fitting)
}

/// Whether goods travelling by `mode` may be held for `reason`: suspected counterfeits only
/// among goods sold under trademarks, "do not load" only for air cargo (the pre-load
/// screening's outcome). Every other reason fits any goods.
pub fn fits(reason: HoldReason, goods: &Goods, mode: Mode) -> bool {
    match reason {
        HoldReason::IntellectualProperty => goods.commodity.marked,
        HoldReason::DoNotLoad => mode == Mode::Air,
        _ => true,
    }
}

/// The officer's note on a hold placed for `reason`.
pub fn hold_note(reason: HoldReason) -> &'static str {
    match reason {
        HoldReason::RiskTarget => td_string!(Locale::en, demo.note.risk_target),
        HoldReason::Documentation => {
            td_string!(Locale::en, demo.note.documentation)
        }
        HoldReason::Random => td_string!(Locale::en, demo.note.random),
        HoldReason::IntellectualProperty => {
            td_string!(Locale::en, demo.note.intellectual_property)
        }
        HoldReason::OtherAgency => td_string!(Locale::en, demo.note.other_agency),
        HoldReason::DoNotLoad => td_string!(Locale::en, demo.note.do_not_load),
        HoldReason::Intelligence => td_string!(Locale::en, demo.note.intelligence),
    }
}

/// From arrival to the officer's hold, and to the officer taking up an examination the
/// targeting centre opened before the goods came. (The history's hour; the simulation used
/// 5–40 minutes.)
pub const HOLD_AFTER_ARRIVAL: Span = Span::Between(5, 60);

/// The priority of the examination a hold for `reason` asks for.
pub fn priority(reason: HoldReason) -> Priority {
    match reason {
        HoldReason::DoNotLoad | HoldReason::Intelligence => Priority::Urgent,
        HoldReason::RiskTarget | HoldReason::IntellectualProperty => Priority::High,
        HoldReason::Random => Priority::Routine,
        HoldReason::Documentation | HoldReason::OtherAgency => Priority::Normal,
    }
}

/// From the hold (or the end of a pause, or a cancelled examination) to the officer's next
/// look at it, which opens the examination or, for documents, may ask the trader first.
/// (The history's 2–25 minutes; the simulation looked 2–20 minutes after the hold, 2–10 after
/// a pause, and the history paused 10–90 minutes after the hold: one look serves all three.)
pub const FIRST_LOOK: Span = Span::Between(2, 25);

/// Documentation holds that wait on the trader first: at the officer's first look their
/// service clock is paused until the documents come. (The history's 70%; the simulation
/// paused every one.)
pub const PAUSE_SHARE: f64 = 0.7;
/// How long the trader takes to send the documents: about a day, often more (the clock does
/// not run meanwhile). (The history's was about eight hours and the simulation's 30–180
/// minutes; either left no clock paused at the end of a history that ends after a quiet
/// night, which the board is meant to show.)
pub const PAUSE_LASTS: Span = Span::Around(24 * 60);
pub fn pause_reason() -> &'static str {
    td_string!(Locale::en, demo.reason.pause)
}
pub fn resume_reason() -> &'static str {
    td_string!(Locale::en, demo.reason.resume)
}

// ---------------------------------------------------------------------------------------------
// Examinations

/// Examinations cancelled when the officer comes to take them up (equipment down), by a
/// supervisor; a physical examination replaces them at the next look. (The history's 4%, 5–40
/// minutes after opening, of first examinations only and by the officer who placed the hold,
/// where the product lets only a supervisor cancel; the simulation cancelled none.)
pub const CANCEL_SHARE: f64 = 0.04;
pub fn cancel_reason() -> &'static str {
    td_string!(Locale::en, demo.reason.cancel)
}
/// The examination that replaces a cancelled one.
pub const REPLACEMENT: InspectionKind = InspectionKind::Physical;

/// Examinations the officer claims; a supervisor assigns the rest. (The history's 60%; the
/// simulation's officer claimed everything, and now its supervisor assigns the rest to it.)
pub const CLAIM_SHARE: f64 = 0.6;

/// How long an examination waits in the queue before someone takes it, how long before it is
/// started, and how long the work takes: a quarter, a sixth and a sixth of its service level,
/// each with a long tail, so that most is done in about half its time and some runs past due.
/// (The history waited a half, a sixth and a third, which kept most of the simulation's holds
/// open for the better part of a day; the simulation took work up 5–40 minutes after it was
/// opened, started it 3–25 minutes later and worked it for a time of its own per kind, so
/// that the queue was empty most mornings of a history and nothing in it was ever late.)
pub fn queue_wait(kind: InspectionKind) -> Span {
    Span::Around((kind.service_level().num_minutes() / 4).max(15))
}

/// See [`queue_wait`].
pub fn start_after(kind: InspectionKind) -> Span {
    Span::Around((kind.service_level().num_minutes() / 6).max(5))
}

/// See [`queue_wait`].
pub fn work_time(kind: InspectionKind) -> Span {
    Span::Around((kind.service_level().num_minutes() / 6).max(10))
}

/// Chance, in per mille, that an examination of goods held for `reason` finds something:
/// counterfeit goods often, random checks rarely.
pub fn finding_per_mille(reason: HoldReason) -> u32 {
    match reason {
        HoldReason::IntellectualProperty => 600,
        HoldReason::Intelligence => 350,
        HoldReason::OtherAgency => 250,
        HoldReason::RiskTarget => 220,
        HoldReason::DoNotLoad => 200,
        HoldReason::Documentation => 100,
        HoldReason::Random => 60,
    }
}

/// What a finding is.
pub const FINDINGS: &[(Outcome, u32)] = &[
    (Outcome::Seizure, 55),
    (Outcome::Penalty, 25),
    (Outcome::AgencyReferral, 20),
];

/// The band of inconclusive results, in per mille, just above the findings. (The history's 50;
/// the simulation's 60. The history's is kept: with follow-ups finding more, below, 60 made
/// more work than a first look leaves unclear.)
pub const INCONCLUSIVE_PER_MILLE: u32 = 50;

/// A follow-up of an inconclusive result finds something more often: the first look saw
/// something. (The history's; the simulation's follow-ups found as often as first looks.)
pub const FOLLOW_UP_FINDS_MORE_PER_MILLE: u32 = 100;

/// The result of an examination of goods held for `reason`; `follow_up` when it follows an
/// inconclusive one.
pub fn outcome<R: Rng + ?Sized>(rng: &mut R, reason: HoldReason, follow_up: bool) -> Outcome {
    let finding = finding_per_mille(reason)
        + if follow_up {
            FOLLOW_UP_FINDS_MORE_PER_MILLE
        } else {
            0
        };
    let roll = rng.gen_range(0..1000);
    if roll < finding {
        *weighted(rng, FINDINGS)
    } else if roll < finding + INCONCLUSIVE_PER_MILLE {
        Outcome::Inconclusive
    } else {
        Outcome::NoFinding
    }
}

/// The further examination an inconclusive `kind` asks for, opened with the result as the
/// product does; an inconclusive follow-up asks for another, as the product requires of every
/// inconclusive result. (The simulation's; the history opened one follow-up 5–30 minutes
/// after the result and took an inconclusive follow-up for no finding.)
pub fn follow_up(kind: InspectionKind) -> InspectionKind {
    if kind == InspectionKind::Physical {
        InspectionKind::LabSample
    } else {
        InspectionKind::Physical
    }
}

/// The examiner's note on a result.
pub fn result_note(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NoFinding => td_string!(Locale::en, demo.result.no_finding),
        Outcome::Seizure => td_string!(Locale::en, demo.result.seizure),
        Outcome::Penalty => td_string!(Locale::en, demo.result.penalty),
        Outcome::AgencyReferral => td_string!(Locale::en, demo.result.agency_referral),
        Outcome::Inconclusive => td_string!(Locale::en, demo.result.inconclusive),
    }
}

// ---------------------------------------------------------------------------------------------
// How holds end

/// From the last result to the decision on the hold: within the hour, but another department
/// takes its time. (The simulation's hour; the history's 150 minutes or so. The history also
/// waited about three days on counterfeit goods for the rights holder, which kept a third of
/// the simulation's own holds open through a demo: the rights holder's part is left to the
/// product to model, as its notice and storage charges are. The other department's day and a
/// half is the history's, the simulation's hour had no such wait.)
pub fn decision_after(reason: HoldReason) -> Span {
    match reason {
        HoldReason::OtherAgency => Span::Around(36 * 60),
        _ => Span::Between(10, 60),
    }
}

/// From the request for seizure to a supervisor's approval, usually on the next shift. (The
/// history's six hours and the simulation's 20–120 minutes left a seizure awaiting approval
/// at the end of a history only now and then.)
pub const APPROVAL_AFTER: Span = Span::Around(12 * 60);
pub fn seizure_request_reason() -> &'static str {
    td_string!(Locale::en, demo.reason.seizure_request)
}
pub fn seizure_approval_reason() -> &'static str {
    td_string!(Locale::en, demo.reason.seizure_approval)
}

/// Do-not-load goods in which nothing was found that the carrier cannot clear, and are
/// returned to their origin. The history only: no operation returns goods yet, and the
/// simulation does only what people can, so it releases them.
pub const RETURN_SHARE: f64 = 0.3;

/// What is decided on a hold once its examinations are done. (The reasons are the simulation's
/// words; the history wrote "Examination found nothing", "Referred to …" and "Seizure
/// approved".)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Release {
        reason: &'static str,
    },
    ReturnToOrigin {
        reason: &'static str,
    },
    Refer {
        agency: &'static str,
        reason: &'static str,
    },
    RequestSeizure {
        reason: &'static str,
    },
}

/// The decision on goods held for `reason` whose last examination gave `outcome`.
/// `may_return`: whether the one deciding can return goods to their origin.
pub fn decision<R: Rng + ?Sized>(
    rng: &mut R,
    reason: HoldReason,
    outcome: Outcome,
    may_return: bool,
) -> Decision {
    use rand::seq::SliceRandom;
    match outcome {
        Outcome::NoFinding | Outcome::Penalty | Outcome::Inconclusive
            if may_return && reason == HoldReason::DoNotLoad && rng.gen_bool(RETURN_SHARE) =>
        {
            Decision::ReturnToOrigin {
                reason: td_string!(Locale::en, demo.decision.returned),
            }
        }
        Outcome::Penalty => Decision::Release {
            reason: td_string!(Locale::en, demo.decision.penalty_released),
        },
        Outcome::NoFinding | Outcome::Inconclusive => Decision::Release {
            reason: td_string!(Locale::en, demo.decision.nothing_released),
        },
        Outcome::AgencyReferral => {
            let agency = *super::country::AGENCIES
                .choose(rng)
                .expect("the country has agencies");
            Decision::Refer {
                agency,
                reason: td_string!(Locale::en, demo.decision.regulated),
            }
        }
        Outcome::Seizure => Decision::RequestSeizure {
            reason: seizure_request_reason(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Border waits

/// What a crossing's waits tend to, in minutes: a base at the busiest hour, times the rhythm,
/// times how squeezed the lanes are (all lanes over those open, at most three times). The
/// history's last measurement is the trend at its end, as the simulation's feed would have
/// measured it. (The history drew commercial waits evenly within 0–40 minutes and traveller
/// waits within 0–25, whatever the hour.)
pub struct WaitBase {
    pub busiest: f64,
    /// How far one measurement strays from the trend, either way.
    pub noise: f64,
}

pub const COMMERCIAL_WAIT: WaitBase = WaitBase {
    busiest: 40.0,
    noise: 4.0,
};
pub const TRAVELLER_WAIT: WaitBase = WaitBase {
    busiest: 15.0,
    noise: 2.0,
};

/// How far each measurement moves towards the trend.
pub const WAIT_DRIFT: f64 = 0.5;

impl WaitBase {
    /// The wait the trend gives at a crossing this busy with these lanes open.
    pub fn trend(&self, busy: f64, lanes_open: i64, lanes_available: i64) -> f64 {
        let squeeze = if lanes_open > 0 {
            (lanes_available as f64 / lanes_open as f64).min(3.0)
        } else {
            0.0
        };
        self.busiest * busy * squeeze
    }

    /// The next measurement after `last` (none yet: the trend itself), in whole minutes.
    pub fn measure<R: Rng + ?Sized>(&self, rng: &mut R, last: Option<i64>, trend: f64) -> i64 {
        let last = last.map(|m| m as f64).unwrap_or(trend);
        let noise = rng.gen_range(-self.noise..=self.noise);
        (last + (trend - last) * WAIT_DRIFT + noise)
            .round()
            .max(0.0) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn goods_are_held_only_for_reasons_that_fit_them() {
        use crate::demo::{country::COMMODITIES, country::IMPORTERS};
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        for commodity in COMMODITIES {
            for &mode in commodity.modes {
                let goods = Goods {
                    commodity,
                    importer: &IMPORTERS[0],
                    consignee: &IMPORTERS[0],
                };
                let mut seen = std::collections::HashSet::new();
                for _ in 0..1000 {
                    let reason = hold_reason(&mut rng, &goods, mode);
                    assert!(
                        fits(reason, &goods, mode),
                        "{} by {mode:?} held for {reason:?}",
                        commodity.description
                    );
                    seen.insert(reason);
                }
                // Every reason that fits is drawn, so none is lost by the filter.
                for (reason, _) in HOLD_REASONS {
                    assert_eq!(
                        seen.contains(reason),
                        fits(*reason, &goods, mode),
                        "{} by {mode:?}: {reason:?}",
                        commodity.description
                    );
                }
            }
        }
    }

    #[test]
    fn traffic_follows_the_local_time_of_day() {
        let tz: Tz = "America/Vancouver".parse().unwrap();
        for mode in [Mode::Air, Mode::Land, Mode::Marine, Mode::Rail] {
            let midday = tz
                .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
                .unwrap()
                .to_utc();
            let three = tz.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap().to_utc();
            assert!(
                rhythm(mode, tz, midday) > 1.5 * rhythm(mode, tz, three),
                "{mode:?}"
            );
        }
    }

    #[test]
    fn more_declarations_arrive_at_local_midday_than_at_three_in_the_morning() {
        for (zone_name, mode) in [
            ("America/Toronto", Mode::Land),
            ("America/Vancouver", Mode::Air),
            ("America/St_Johns", Mode::Marine),
        ] {
            let tz: Tz = zone_name.parse().unwrap();
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
            let end = start + Duration::days(60);
            let mut by_hour = [0u32; 24];
            let mut at = start;
            while at < end {
                at = next_declaration(&mut rng, mode, tz, 20.0, at);
                by_hour[at.with_timezone(&tz).hour() as usize] += 1;
            }
            let (midday, night) = (by_hour[12], by_hour[3]);
            assert!(
                midday as f64 > 2.0 * night as f64,
                "{zone_name} {mode:?}: {midday} at noon, {night} at 3 a.m. ({by_hour:?})"
            );
            // And the busiest hour runs near the peak rate: 60 days × 20 an hour.
            let busiest = *by_hour.iter().max().unwrap() as f64;
            assert!((900.0..1500.0).contains(&busiest), "{busiest}");
        }
    }

    #[test]
    fn the_history_has_the_same_hours_as_the_simulation() {
        // The same port over the same thirty days, declared both ways: the share of each
        // local hour agrees within a percentage point.
        let tz: Tz = "America/Toronto".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let end = start + Duration::days(30);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (mut simulated, mut history) = ([0f64; 24], [0f64; 24]);
        let mut at = start;
        let mut n = 0;
        while at < end {
            at = next_declaration(&mut rng, Mode::Land, tz, 60.0, at);
            simulated[at.with_timezone(&tz).hour() as usize] += 1.0;
            n += 1;
        }
        for _ in 0..n {
            let at = declared_between(&mut rng, Mode::Land, tz, start, end);
            history[at.with_timezone(&tz).hour() as usize] += 1.0;
        }
        for hour in 0..24 {
            let (s, h) = (simulated[hour] / n as f64, history[hour] / n as f64);
            assert!(
                (s - h).abs() < 0.01,
                "{hour}h: {s:.3} simulated, {h:.3} seeded"
            );
        }
    }

    #[test]
    fn a_day_of_a_port_adds_up_to_its_declarations() {
        let tz: Tz = "America/Edmonton".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let peak = peak_per_hour(Mode::Air, 100.0);
        let mut at = start;
        let mut n = 0;
        while at < start + Duration::days(200) {
            at = next_declaration(&mut rng, Mode::Air, tz, peak, at);
            n += 1;
        }
        let per_day = n as f64 / 200.0;
        assert!((95.0..105.0).contains(&per_day), "{per_day}");
    }

    #[test]
    fn the_same_seed_draws_the_same_traffic() {
        let tz: Tz = "America/Edmonton".parse().unwrap();
        let start = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let draw = |seed: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut at = start;
            (0..50)
                .map(|_| {
                    at = next_declaration(&mut rng, Mode::Air, tz, 10.0, at);
                    at
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(1), draw(1));
        assert_ne!(draw(1), draw(2));
    }

    #[test]
    fn spans_stay_in_their_bounds() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..2_000 {
            let d = Span::Between(-20, 45).draw(&mut rng);
            assert!(d >= Duration::minutes(-20) && d <= Duration::minutes(45));
            let d = Span::Around(100).draw(&mut rng);
            assert!(
                d >= Duration::minutes(1) && d <= Duration::minutes(500),
                "{d}"
            );
        }
    }

    #[test]
    fn outcomes_fall_in_their_bands() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let n = 100_000;
        let mut found = 0;
        let mut unclear = 0;
        for _ in 0..n {
            match outcome(&mut rng, HoldReason::RiskTarget, false) {
                Outcome::NoFinding => {}
                Outcome::Inconclusive => unclear += 1,
                _ => found += 1,
            }
        }
        let (found, unclear) = (found as f64 / n as f64, unclear as f64 / n as f64);
        assert!((found - 0.220).abs() < 0.005, "{found}");
        assert!((unclear - 0.050).abs() < 0.003, "{unclear}");
    }
}
