//! The demo's register of requests for assistance: four rights holders whose goods the demo
//! country carries (footwear, handbags, watches, toys), one of them expired a month before the
//! demo's last day, to show that an expired request stops matching.

use app::rights::{Checked, RightsRequest, db, period_end};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::AnyConnection;

/// (rights holder, marks, HS codes, goods, genuine features, contact, security in dollars,
/// days in force before the demo's last day).
type Request = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    &'static str,
    (&'static str, &'static str, &'static str),
    i64,
    i64,
);

const REQUESTS: &[Request] = &[
    (
        "Laurentide Footwear Ltd.",
        &["LAURENTIDE", "Trail Lynx"],
        &["6403", "6404"],
        "Leather and sports footwear",
        "Serial number stitched inside the tongue, matching the box label; moulded lynx logo on the outsole",
        (
            "Marie-Claude Gagnon",
            "ip@laurentide.example",
            "+1 418 555 0142",
        ),
        40_000,
        300,
    ),
    (
        "Maison Beaulieu SA",
        &["BEAULIEU", "B-Monogram"],
        &["4202"],
        "Handbags and small leather goods",
        "Heat-stamped serial tag under the inner pocket; brass hardware engraved BEAULIEU PARIS",
        (
            "Julien Roy",
            "douanes@beaulieu.example",
            "+33 1 55 55 01 20",
        ),
        75_000,
        120,
    ),
    (
        "Horlogerie Valmont AG",
        &["VALMONT"],
        &["9101", "9102"],
        "Wrist-watches",
        "Case back engraved with a seven-digit number registered with the maker; sapphire crystal",
        (
            "Anna Keller",
            "brand.protection@valmont.example",
            "+41 22 555 01 77",
        ),
        50_000,
        500,
    ),
    (
        "Northern Bricks Toy Co.",
        &["NORTHERN BRICKS"],
        &["9503"],
        "Construction toys",
        "Moulded logo on every stud; age and safety marking in both official languages",
        (
            "Priya Natarajan",
            "legal@northernbricks.example",
            "+1 416 555 0190",
        ),
        20_000,
        // Expired a month before the demo's last day.
        760,
    ),
];

/// Who registers the demo's requests.
const REGISTRAR: &str = "Targeting centre";

/// The demo's requests as the register checks them, in the order they are numbered.
fn checked(end: DateTime<Utc>) -> Vec<Checked> {
    let today = end.date_naive();
    REQUESTS
        .iter()
        .map(
            |(holder, marks, goods, words, genuine, (name, email, phone), dollars, since)| {
                let valid_from: NaiveDate = today - Duration::days(*since);
                Checked {
                    rights_holder: holder.to_string(),
                    marks: marks.iter().map(|m| m.to_string()).collect(),
                    goods: goods.iter().map(|g| g.to_string()).collect(),
                    goods_description: words.to_string(),
                    genuine_features: genuine.to_string(),
                    contact_name: name.to_string(),
                    contact_email: email.to_string(),
                    contact_phone: phone.to_string(),
                    valid_from,
                    valid_to: period_end(valid_from),
                    security_cents: dollars * 100,
                    reason: format!("Request for assistance received from {holder}"),
                }
            },
        )
        .collect()
}

/// When the requests are registered: as the demo's history begins, with its rules.
fn registered_at(end: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    end - Duration::days(days + 1)
}

/// The register as [`seed`] writes it (numbered from 1 on the empty database the seed fills),
/// for scoring the history before it is written.
pub(super) fn register(end: DateTime<Utc>, days: i64) -> Vec<RightsRequest> {
    checked(end)
        .into_iter()
        .enumerate()
        .map(|(n, c)| RightsRequest {
            id: n as i64 + 1,
            rights_holder: c.rights_holder,
            marks: c.marks,
            goods: c.goods,
            goods_description: c.goods_description,
            genuine_features: c.genuine_features,
            contact_name: c.contact_name,
            contact_email: c.contact_email,
            contact_phone: c.contact_phone,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            security_cents: c.security_cents,
            version: 1,
            registered_at: registered_at(end, days),
            registered_by: REGISTRAR.into(),
        })
        .collect()
}

/// Registers the demo's requests, each journaled by the targeting centre as the demo's history
/// begins (with its rules), whatever day each request took effect. Each takes the number
/// [`register`] gave it, which the history's scores name.
pub async fn seed(conn: &mut AnyConnection, end: DateTime<Utc>, days: i64) -> anyhow::Result<()> {
    for (n, checked) in checked(end).iter().enumerate() {
        let holder = &checked.rights_holder;
        let id = db::insert(conn, checked, REGISTRAR, registered_at(end, days))
            .await
            .map_err(|e| anyhow::anyhow!("demo request for assistance {holder}: {e}"))?;
        anyhow::ensure!(
            id == n as i64 + 1,
            "demo request for assistance {holder} numbered {id}: the register was not empty"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_register_has_requests_in_force_and_one_expired() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let in_force = REQUESTS
            .iter()
            .filter(|r| period_end(today - Duration::days(r.7)) >= today)
            .count();
        assert_eq!((in_force, REQUESTS.len() - in_force), (3, 1));
    }
}
