//! The model on constructed ports whose answers are known.

use super::*;
use crate::forecast::text;
use crate::lang::Locale;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    // 09:00 in Toronto.
    Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap()
}

fn exam(id: i64, hold_id: i64, rank: i64) -> OpenExam {
    OpenExam {
        id,
        hold_id,
        kind: InspectionKind::Xray,
        priority_rank: rank,
        due_at: now() + Duration::hours(3) + Duration::minutes(id),
        started: false,
    }
}

/// 12 waiting, 2 officers, 3 examinations an officer-hour measured over 7 days, nothing
/// expected to arrive.
fn port() -> PortInputs {
    PortInputs {
        code: "LAC".into(),
        time_zone: "America/Toronto".into(),
        now: now(),
        officers_on_shift: 2,
        exams: (1..=12).map(|i| exam(i, 100 + i, 3)).collect(),
        holds: vec![],
        completed: 1008,
        officer_hours: 2.0 * 24.0 * 7.0,
        arrivals_by_hour: [0.0; 24],
        declared_etas: vec![],
        exams_per_arrival: 0.5,
        share_by_rank: [0.1, 0.2, 0.6, 0.1],
    }
}

fn expected(f: &Forecast) -> DateTime<Utc> {
    f.clearance.expected().expect("a clearance time")
}

#[test]
fn twelve_waiting_at_six_an_hour_clear_in_two_hours_within_the_range() {
    let f = forecast_port(&port());
    assert_eq!(f.rate_per_officer_hour, 3.0);
    assert_eq!(f.rate_per_hour, 6.0);
    assert!(f.rate_measured);
    assert_eq!(f.waiting, 12);
    let Clearance::By {
        earliest,
        expected,
        latest,
    } = f.clearance
    else {
        panic!("a range: {:?}", f.clearance)
    };
    assert_eq!(expected, now() + Duration::hours(2));
    assert!(earliest < expected && expected < latest);
    // The interquartile of twelve examinations: about a fifth either way.
    assert!(expected - earliest > Duration::minutes(15), "{earliest}");
    assert!(latest - expected < Duration::minutes(60), "{latest}");
}

#[test]
fn the_sentence_says_the_rate_the_count_and_the_range_in_the_ports_zone() {
    let f = forecast_port(&port());
    let english = text::sentence(Locale::en, &f);
    let range = text::range(Locale::en, &f);
    assert!(
        english.starts_with(
            "At the present rate of 6.0 examinations an hour, the 12 waiting clear by "
        ),
        "{english}"
    );
    // 11:00 in Toronto, rounded outwards to five minutes on each side.
    assert!(english.ends_with(&format!("{range}.")), "{english}");
    let (from, to) = range.split_once('–').expect("a range");
    assert!(from < "11:00" && from.starts_with("10:"), "{range}");
    assert!(to > "11:00" && to.starts_with("11:"), "{range}");
    let french = text::sentence(Locale::fr, &f);
    assert!(
        french.starts_with("Au rythme actuel de 6,0 examens à l’heure, les 12 examens en attente seront terminés entre 10\u{a0}h\u{a0}"),
        "{french}"
    );
    assert!(french.contains(" et 11\u{a0}h\u{a0}"), "{french}");
}

#[test]
fn expected_arrivals_more_urgent_than_the_queue_come_first() {
    let mut p = port();
    // Four examinations an hour arrive (8 shipments × 0.5), 30 % of them more urgent than
    // the queue's normal priority: 1.2 an hour taken from 6.
    p.arrivals_by_hour = [8.0; 24];
    let f = forecast_port(&p);
    let hours = (expected(&f) - now()).num_seconds() as f64 / 3600.0;
    assert!((hours - 12.0 / 4.8).abs() < 0.05, "{hours}");
    assert!((f.expected_next_8h - 32.0).abs() < 1e-9);
    // Declarations already received count where they outnumber the rhythm.
    p.arrivals_by_hour = [0.0; 24];
    p.declared_etas = (0..10).map(|i| now() + Duration::minutes(i)).collect();
    let f = forecast_port(&p);
    assert_eq!(f.declared_next_8h, 10);
    assert!((f.expected_next_8h - 5.0).abs() < 1e-9);
    assert!(expected(&f) > now() + Duration::hours(2));
}

#[test]
fn a_hold_due_before_its_examination_is_reached_passes_at_its_due_time() {
    let mut p = port();
    let due = now() + Duration::minutes(90);
    // Its examination is the last of the queue (routine): done at 13/6 h, after its due time.
    p.exams.push(exam(13, 7, 4));
    p.holds = vec![
        OpenHold {
            id: 7,
            shipment_id: 70,
            reason: HoldReason::RiskTarget,
            due_at: due,
            paused: false,
        },
        // Its examination is first in the queue, done in ten minutes: it does not pass.
        OpenHold {
            id: 101,
            shipment_id: 1010,
            reason: HoldReason::Random,
            due_at: due,
            paused: false,
        },
        // A paused clock cannot pass.
        OpenHold {
            id: 8,
            shipment_id: 80,
            reason: HoldReason::Documentation,
            due_at: now() + Duration::minutes(30),
            paused: true,
        },
        // Beyond the next 8 hours.
        OpenHold {
            id: 9,
            shipment_id: 90,
            reason: HoldReason::Documentation,
            due_at: now() + Duration::hours(9),
            paused: false,
        },
        // No examination: nothing moves it, so it passes.
        OpenHold {
            id: 10,
            shipment_id: 100,
            reason: HoldReason::OtherAgency,
            due_at: now() + Duration::hours(7),
            paused: false,
        },
    ];
    let f = forecast_port(&p);
    let listed: Vec<(i64, DateTime<Utc>)> = f
        .holds_at_risk
        .iter()
        .map(|h| (h.hold_id, h.passes_at))
        .collect();
    assert_eq!(
        listed,
        vec![(7, due), (10, now() + Duration::hours(7))],
        "{:?}",
        f.holds_at_risk
    );
    assert_eq!(f.holds_at_risk[0].shipment_id, 70);
    let line = text::hold_line(Locale::en, &f, &f.holds_at_risk[0]);
    assert!(
        line.starts_with("Hold 7 at LAC (") && line.ends_with("passes at 10:30"),
        "{line}"
    );
}

#[test]
fn no_officers_means_not_within_24_hours_and_the_sentence_says_why() {
    let mut p = port();
    p.officers_on_shift = 0;
    let f = forecast_port(&p);
    assert_eq!(
        f.clearance,
        Clearance::NotWithin {
            why: Stuck::NoOfficers
        }
    );
    assert_eq!(
        text::sentence(Locale::en, &f),
        "No officer is on shift: the 12 examinations waiting do not clear within 24 hours."
    );
    assert_eq!(text::range(Locale::en, &f), "Not within 24 hours");
    assert_eq!(
        text::sentence(Locale::fr, &f),
        "Aucun agent n’est en service\u{a0}: les 12 examens en attente ne seront pas terminés d’ici 24 heures."
    );
    // Every hold due in the next hours then passes.
    p.holds = vec![OpenHold {
        id: 101,
        shipment_id: 1,
        reason: HoldReason::Random,
        due_at: now() + Duration::hours(1),
        paused: false,
    }];
    assert_eq!(forecast_port(&p).holds_at_risk.len(), 1);
}

#[test]
fn more_work_than_a_day_or_arrivals_that_keep_pace_do_not_clear() {
    let mut p = port();
    p.exams = (1..=200).map(|i| exam(i, i, 3)).collect();
    assert_eq!(
        forecast_port(&p).clearance,
        Clearance::NotWithin {
            why: Stuck::TooMuchWork
        }
    );
    p.exams.truncate(12);
    p.arrivals_by_hour = [40.0; 24];
    p.share_by_rank = [0.5, 0.5, 0.0, 0.0];
    let f = forecast_port(&p);
    assert_eq!(
        f.clearance,
        Clearance::NotWithin {
            why: Stuck::ArrivalsKeepPace
        }
    );
    assert!(text::sentence(Locale::en, &f).contains("more urgent examinations expected to arrive"));
}

#[test]
fn without_history_the_floor_rate_is_used_and_said() {
    let mut p = port();
    p.completed = 0;
    let f = forecast_port(&p);
    assert!(!f.rate_measured);
    assert_eq!(f.rate_per_hour, 2.0 * FLOOR_RATE_PER_OFFICER_HOUR);
    assert_eq!(expected(&f), now() + Duration::hours(6));
    let basis = text::basis(Locale::en, &f);
    assert!(basis[1].starts_with("No examination was completed here in the last 7 days"));
}

#[test]
fn nothing_waiting_is_clear() {
    let mut p = port();
    p.exams.clear();
    let f = forecast_port(&p);
    assert_eq!(f.clearance, Clearance::Clear);
    assert_eq!(
        text::sentence(Locale::en, &f),
        "Nothing is waiting for examination."
    );
}

#[test]
fn the_country_clears_when_its_last_port_does() {
    let lac = forecast_port(&port());
    let mut p = port();
    p.code = "YVR".into();
    p.time_zone = "America/Vancouver".into();
    p.exams.truncate(6);
    let yvr = forecast_port(&p);
    let mut idle = port();
    idle.code = "YHZ".into();
    idle.exams.clear();
    let country = combine(
        now(),
        "America/Toronto",
        &[lac.clone(), yvr, forecast_port(&idle)],
    );
    assert_eq!(country.waiting, 18);
    assert_eq!(country.officers_on_shift, 6);
    assert_eq!(country.rate_per_hour, 18.0);
    assert_eq!(country.clearance.expected(), lac.clearance.expected());
    assert_eq!(country.last_to_clear.as_deref(), Some("LAC"));
    let sentence = text::sentence(Locale::en, &country);
    assert!(
        sentence.contains(" EST") && sentence.ends_with("The last port to clear is LAC."),
        "{sentence}"
    );
    // One port without officers: the country does not clear either, and says which.
    let mut closed = port();
    closed.code = "PVN".into();
    closed.officers_on_shift = 0;
    let country = combine(now(), "America/Toronto", &[lac, forecast_port(&closed)]);
    assert!(matches!(country.clearance, Clearance::NotWithin { .. }));
    assert_eq!(country.last_to_clear.as_deref(), Some("PVN"));
}

#[test]
fn officer_hours_follow_the_changes_of_staffing() {
    let from = now() - Duration::hours(10);
    assert_eq!(officer_hours(3, &[], from, now()), 30.0);
    let changes = [
        (from - Duration::hours(1), 9),
        (from + Duration::hours(4), 1),
        (from + Duration::hours(6), 5),
        (now() + Duration::hours(1), 7),
    ];
    assert_eq!(
        officer_hours(3, &changes, from, now()),
        3.0 * 4.0 + 2.0 + 5.0 * 4.0
    );
}
