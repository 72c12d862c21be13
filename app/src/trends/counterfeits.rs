//! Counterfeit detentions per rights holder: each hold for intellectual property placed in the
//! period, under the request for assistance its score matched or, for a hold placed by an
//! officer, the first request in force on the day it was placed that its goods fall under.

use super::CounterfeitsByHolder;
use crate::domain::HoldStatus;
use crate::rights::RightsRequest;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A hold for intellectual property, with the goods it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Detention {
    pub status: HoldStatus,
    pub placed_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub description: String,
    pub hs_code: String,
    /// The request a rights-request rule matched when the shipment was scored.
    pub scored_request: Option<i64>,
}

impl Detention {
    /// The request the detention falls under, if any.
    pub fn request<'a>(&self, register: &'a [RightsRequest]) -> Option<&'a RightsRequest> {
        if let Some(q) = self
            .scored_request
            .and_then(|id| register.iter().find(|q| q.id == id))
        {
            return Some(q);
        }
        let day = self.placed_at.date_naive();
        register
            .iter()
            .filter(|q| !q.matches(&self.description, &self.hs_code, day).is_empty())
            .min_by_key(|q| q.id)
    }
}

/// What is counted for one rights holder.
#[derive(Default)]
struct Tally {
    first_request: Option<i64>,
    detained: i64,
    open: i64,
    released: i64,
    seized: i64,
    referred_or_returned: i64,
    days_to_decision: Vec<f64>,
}

/// The detentions grouped by rights holder: most detained first (then by name), those under
/// no request last.
pub fn by_holder(
    detentions: &[Detention],
    register: &[RightsRequest],
) -> Vec<CounterfeitsByHolder> {
    let mut groups: BTreeMap<Option<&str>, Tally> = BTreeMap::new();
    for d in detentions {
        let request = d.request(register);
        let tally = groups
            .entry(request.map(|q| q.rights_holder.as_str()))
            .or_default();
        if let Some(q) = request {
            tally.first_request = Some(tally.first_request.map_or(q.id, |first| first.min(q.id)));
        }
        tally.detained += 1;
        match d.status {
            HoldStatus::Placed | HoldStatus::Examination | HoldStatus::SeizureRequested => {
                tally.open += 1
            }
            HoldStatus::Released => tally.released += 1,
            HoldStatus::Seized => tally.seized += 1,
            HoldStatus::Referred | HoldStatus::Returned => tally.referred_or_returned += 1,
        }
        if let Some(resolved) = d.resolved_at {
            let days = (resolved - d.placed_at).num_minutes() as f64 / (24.0 * 60.0);
            tally.days_to_decision.push(days);
        }
    }
    let mut rows: Vec<CounterfeitsByHolder> = groups
        .into_iter()
        .map(|(holder, mut t)| CounterfeitsByHolder {
            rights_holder: holder.map(str::to_string),
            request_id: t.first_request,
            detained: t.detained,
            open: t.open,
            released: t.released,
            seized: t.seized,
            referred_or_returned: t.referred_or_returned,
            median_days: median(&mut t.days_to_decision).map(|m| (m * 10.0).round() / 10.0),
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            a.rights_holder.is_none(),
            std::cmp::Reverse(a.detained),
            &a.rights_holder,
        )
            .cmp(&(
                b.rights_holder.is_none(),
                std::cmp::Reverse(b.detained),
                &b.rights_holder,
            ))
    });
    rows
}

/// The median: the middle value, or the mean of the two middle ones.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn request(id: i64, holder: &str, marks: &[&str], goods: &[&str]) -> RightsRequest {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let period = (day(2026, 1, 1), day(2027, 12, 31));
        crate::rights::fixtures::example(id, holder, marks, goods, period)
    }

    fn detention(status: HoldStatus, hours: Option<i64>, description: &str, hs: &str) -> Detention {
        let placed = Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap();
        Detention {
            status,
            placed_at: placed,
            resolved_at: hours.map(|h| placed + chrono::Duration::hours(h)),
            description: description.into(),
            hs_code: hs.into(),
            scored_request: None,
        }
    }

    #[test]
    fn detentions_are_counted_per_rights_holder_with_their_days_to_decision() {
        let register = vec![
            request(2, "Maison Beaulieu SA", &["BEAULIEU"], &["4202"]),
            request(3, "Horlogerie Valmont AG", &["VALMONT"], &["9102"]),
            // A second request of the same holder.
            request(7, "Maison Beaulieu SA", &["B-Monogram"], &["4202"]),
        ];
        let bags = "Handbags, BEAULIEU brand";
        let mut scored = detention(HoldStatus::Placed, None, "Handbags, unbranded", "420221");
        scored.scored_request = Some(7);
        let detentions = vec![
            detention(HoldStatus::Seized, Some(72), bags, "420221"),
            detention(
                HoldStatus::Released,
                Some(24),
                "Handbags, B-Monogram",
                "420221",
            ),
            detention(HoldStatus::Seized, Some(120), bags, "420221"),
            scored,
            detention(
                HoldStatus::Released,
                Some(12),
                "Wrist-watches, VALMONT",
                "910221",
            ),
            // Not goods the request covers, and no mark at all: the officer's own initiative.
            detention(HoldStatus::Referred, Some(6), "Toys, BEAULIEU", "950300"),
            detention(
                HoldStatus::SeizureRequested,
                None,
                "Wrist-watches",
                "910221",
            ),
        ];
        let rows = by_holder(&detentions, &register);
        let beaulieu = &rows[0];
        assert_eq!(
            beaulieu.rights_holder.as_deref(),
            Some("Maison Beaulieu SA")
        );
        assert_eq!(beaulieu.request_id, Some(2));
        assert_eq!(
            (
                beaulieu.detained,
                beaulieu.open,
                beaulieu.released,
                beaulieu.seized
            ),
            (4, 1, 1, 2)
        );
        // 1, 3 and 5 days: the median is 3.
        assert_eq!(beaulieu.median_days, Some(3.0));
        let valmont = &rows[1];
        assert_eq!(
            valmont.rights_holder.as_deref(),
            Some("Horlogerie Valmont AG")
        );
        assert_eq!((valmont.detained, valmont.released), (1, 1));
        assert_eq!(valmont.median_days, Some(0.5));
        let none = &rows[2];
        assert_eq!(none.rights_holder, None);
        assert_eq!(
            (none.detained, none.open, none.referred_or_returned),
            (2, 1, 1)
        );
        assert_eq!(none.median_days, Some(0.3), "6 hours, to a tenth of a day");
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn a_request_not_in_force_when_the_goods_were_detained_does_not_claim_them() {
        let mut lapsed = request(
            4,
            "Northern Bricks Toy Co.",
            &["NORTHERN BRICKS"],
            &["9503"],
        );
        lapsed.valid_to = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let d = detention(
            HoldStatus::Placed,
            None,
            "Toys, NORTHERN BRICKS brand",
            "950300",
        );
        assert_eq!(d.request(&[lapsed.clone()]), None);
        let rows = by_holder(&[d], &[lapsed]);
        assert_eq!(rows[0].rights_holder, None);
        assert!(by_holder(&[], &[]).is_empty());
    }
}
