//! The register of requests for assistance: a rights holder asks the border to detain goods
//! suspected of bearing its registered trademarks (Trademarks Act s. 51.03) or copies of its
//! works (Copyright Act s. 44.01). Analysts keep it: the rights holder, the marks, the goods
//! the request covers, what tells genuine goods apart, whom to contact, the security furnished
//! for storage and handling costs, and the days it is in force (two years, renewable). Only a
//! request in force matches a declaration: its goods cover the declared HS code and one of its
//! marks is named in the description.

use crate::error::AppError;
use crate::i18n::td_string;
use crate::lang::current;
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod db;
pub mod page;
pub mod rpc;

/// How long a request is in force, and how much longer each renewal keeps it: two years.
pub const VALIDITY_MONTHS: u32 = 24;
/// The furthest ahead a request may take effect, in days.
pub const MAX_START_DAYS: i64 = 90;
pub const MAX_HOLDER_CHARS: usize = 200;
pub const MAX_MARKS: usize = 20;
pub const MAX_MARK_CHARS: usize = 60;
pub const MAX_GOODS: usize = 20;
/// The largest security a request records, in cents (ten million dollars).
pub const MAX_SECURITY_CENTS: i64 = 1_000_000_000;

/// One request for assistance, as registered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RightsRequest {
    pub id: i64,
    /// The owner of the marks, e.g. `Maple Leaf Outerwear Inc.`.
    pub rights_holder: String,
    /// The registered marks, as they appear on goods.
    pub marks: Vec<String>,
    /// The HS chapters (2 digits), headings (4) or subheadings (6) of the goods covered.
    pub goods: Vec<String>,
    /// The goods covered, in words.
    pub goods_description: String,
    /// What tells genuine goods from counterfeits, for the officer examining them.
    pub genuine_features: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// The first day the request is in force (UTC).
    pub valid_from: NaiveDate,
    /// The last day the request is in force (UTC), included.
    pub valid_to: NaiveDate,
    /// The security furnished for storage, handling and destruction costs, in cents (CAD).
    pub security_cents: i64,
    /// Starts at 1; each renewal adds one. A renewal names the version it extends.
    pub version: i64,
    pub registered_at: DateTime<Utc>,
    pub registered_by: String,
}

impl RightsRequest {
    /// Whether the request is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && day <= self.valid_to
    }

    /// Whether the goods of `hs_code` are among those the request covers.
    pub fn covers(&self, hs_code: &str) -> bool {
        let digits: String = hs_code.chars().filter(char::is_ascii_digit).collect();
        self.goods.iter().any(|prefix| digits.starts_with(prefix))
    }

    /// The marks named in `description`, each as a whole word or phrase, case aside: "ACME"
    /// is found in "acme sneakers" but not in "ACMEX".
    pub fn marks_in(&self, description: &str) -> Vec<&str> {
        let words = normalized(description);
        self.marks
            .iter()
            .filter(|mark| {
                let mark = normalized(mark);
                !mark.is_empty() && words.windows(mark.len()).any(|w| w == mark.as_slice())
            })
            .map(String::as_str)
            .collect()
    }

    /// The marks by which a declaration of `description` and `hs_code` on `day` falls under
    /// the request: none unless the request is in force then and covers the goods.
    pub fn matches(&self, description: &str, hs_code: &str, day: NaiveDate) -> Vec<&str> {
        if self.in_force_on(day) && self.covers(hs_code) {
            self.marks_in(description)
        } else {
            Vec::new()
        }
    }
}

/// Lower-case words of letters and digits: marks are compared word by word.
fn normalized(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The last day a request starting on `from` is in force, or a renewal ending on `from`
/// extends it to.
pub fn period_end(from: NaiveDate) -> NaiveDate {
    from.checked_add_months(Months::new(VALIDITY_MONTHS))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// A request to register, as an analyst sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRightsRequest {
    #[serde(default)]
    pub rights_holder: String,
    #[serde(default)]
    pub marks: Vec<String>,
    #[serde(default)]
    pub goods: Vec<String>,
    #[serde(default)]
    pub goods_description: String,
    #[serde(default)]
    pub genuine_features: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub contact_phone: String,
    /// The first day in force (UTC): today when left out, at most 90 days ahead.
    pub valid_from: Option<NaiveDate>,
    /// The security furnished, in cents (CAD).
    #[serde(default)]
    pub security_cents: i64,
    /// Why it is registered (the application it answers): required, and journaled.
    #[serde(default)]
    pub reason: String,
}

/// A renewal: the version it extends (as read) and why.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    pub version: i64,
    #[serde(default)]
    pub reason: String,
}

/// A request once checked: trimmed, its period set.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub rights_holder: String,
    pub marks: Vec<String>,
    pub goods: Vec<String>,
    pub goods_description: String,
    pub genuine_features: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub security_cents: i64,
    pub reason: String,
}

impl NewRightsRequest {
    /// Checks every field (the first fault is refused, naming its field) and sets the period.
    pub fn check(&self, today: NaiveDate) -> Result<Checked, AppError> {
        use crate::domain::check_text;
        let rights_holder = filled(
            "rights_holder",
            &self.rights_holder,
            said!(rights.required.rights_holder),
        )?;
        if rights_holder.chars().count() > MAX_HOLDER_CHARS {
            return Err(AppError::invalid(
                "rights_holder",
                td_string!(current(), rights.holder_long, max = MAX_HOLDER_CHARS).to_string(),
            ));
        }
        let marks = check_marks(&self.marks)?;
        let goods = check_goods(&self.goods)?;
        let goods_description = filled(
            "goods_description",
            &self.goods_description,
            said!(rights.required.goods_description),
        )?;
        let genuine_features = filled(
            "genuine_features",
            &self.genuine_features,
            said!(rights.required.genuine_features),
        )?;
        let contact_name = filled(
            "contact_name",
            &self.contact_name,
            said!(rights.required.contact_name),
        )?;
        let contact_email = filled(
            "contact_email",
            &self.contact_email,
            said!(rights.required.contact_email),
        )?;
        if !is_email(&contact_email) {
            return Err(AppError::invalid(
                "contact_email",
                td_string!(current(), rights.email, email = contact_email.as_str()).to_string(),
            ));
        }
        let contact_phone = filled(
            "contact_phone",
            &self.contact_phone,
            said!(rights.required.contact_phone),
        )?;
        if !is_phone(&contact_phone) {
            return Err(AppError::invalid("contact_phone", said!(rights.phone)));
        }
        let valid_from = self.valid_from.unwrap_or(today);
        if valid_from < today {
            return Err(AppError::invalid("valid_from", said!(rights.from_past)));
        }
        if (valid_from - today).num_days() > MAX_START_DAYS {
            return Err(AppError::invalid(
                "valid_from",
                td_string!(current(), rights.from_far, days = MAX_START_DAYS).to_string(),
            ));
        }
        if !(0..=MAX_SECURITY_CENTS).contains(&self.security_cents) {
            return Err(AppError::invalid(
                "security_cents",
                td_string!(
                    current(),
                    rights.security_range,
                    max = crate::lang::format::integer(current(), MAX_SECURITY_CENTS / 100)
                )
                .to_string(),
            ));
        }
        let reason = check_text("reason", &self.reason, true)?;
        Ok(Checked {
            rights_holder,
            marks,
            goods,
            goods_description,
            genuine_features,
            contact_name,
            contact_email,
            contact_phone,
            valid_from,
            valid_to: period_end(valid_from),
            security_cents: self.security_cents,
            reason,
        })
    }
}

/// `text` trimmed, refused with `missing` when empty and when longer than any text the board
/// keeps.
/// The text given for `field`, checked, or `missing` when it is blank.
pub fn filled(field: &str, text: &str, missing: &str) -> Result<String, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::invalid(field, missing));
    }
    crate::domain::check_text(field, text, false)
}

fn check_marks(marks: &[String]) -> Result<Vec<String>, AppError> {
    if marks.is_empty() {
        return Err(AppError::invalid("marks", said!(rights.marks_none)));
    }
    if marks.len() > MAX_MARKS {
        return Err(AppError::invalid(
            "marks",
            td_string!(current(), rights.marks_limit, max = MAX_MARKS).to_string(),
        ));
    }
    let mut checked: Vec<String> = Vec::with_capacity(marks.len());
    for mark in marks {
        let mark = mark.trim();
        if normalized(mark).is_empty() {
            return Err(AppError::invalid("marks", said!(rights.mark_empty)));
        }
        if mark.chars().count() > MAX_MARK_CHARS {
            return Err(AppError::invalid(
                "marks",
                td_string!(
                    current(),
                    rights.mark_long,
                    mark = mark,
                    max = MAX_MARK_CHARS
                )
                .to_string(),
            ));
        }
        if checked.iter().any(|m| normalized(m) == normalized(mark)) {
            return Err(AppError::invalid(
                "marks",
                td_string!(current(), rights.mark_twice, mark = mark).to_string(),
            ));
        }
        checked.push(mark.to_string());
    }
    Ok(checked)
}

fn check_goods(goods: &[String]) -> Result<Vec<String>, AppError> {
    if goods.is_empty() {
        return Err(AppError::invalid("goods", said!(rights.goods_none)));
    }
    if goods.len() > MAX_GOODS {
        return Err(AppError::invalid(
            "goods",
            td_string!(current(), rights.goods_limit, max = MAX_GOODS).to_string(),
        ));
    }
    let mut checked: Vec<String> = Vec::with_capacity(goods.len());
    for code in goods {
        let digits: String = code.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
        let chapter = digits.get(..2).and_then(|c| c.parse::<u8>().ok());
        let valid = matches!(digits.len(), 2 | 4 | 6)
            && digits.chars().all(|c| c.is_ascii_digit())
            && matches!(chapter, Some(1..=97));
        if !valid {
            return Err(AppError::invalid(
                "goods",
                td_string!(current(), rights.goods_code, code = code.trim()).to_string(),
            ));
        }
        if !checked.contains(&digits) {
            checked.push(digits);
        }
    }
    Ok(checked)
}

/// Something before an `@`, and a domain with a dot after it: enough to catch a slip, without
/// pretending to know which addresses exist.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !text.chars().any(char::is_whitespace)
        && domain
            .split_once('.')
            .is_some_and(|(name, rest)| !name.is_empty() && !rest.is_empty())
        && !domain.ends_with('.')
}

/// 7 to 20 digits, with spaces, dashes, dots, brackets and a leading `+` between them.
fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let rest = text.trim_start_matches('+');
    (7..=20).contains(&digits)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'))
}

/// What the tests of the areas that match declarations against the register start from.
#[cfg(test)]
pub mod fixtures {
    use super::RightsRequest;
    use chrono::{NaiveDate, Utc};

    /// A request of `holder` for `marks` on `goods`, in force from `from` to `to`.
    pub fn example(
        id: i64,
        holder: &str,
        marks: &[&str],
        goods: &[&str],
        (from, to): (NaiveDate, NaiveDate),
    ) -> RightsRequest {
        RightsRequest {
            id,
            rights_holder: holder.into(),
            marks: marks.iter().map(|m| m.to_string()).collect(),
            goods: goods.iter().map(|g| g.to_string()).collect(),
            goods_description: "Parkas and winter boots".into(),
            genuine_features: "Sewn-in hologram label".into(),
            contact_name: "A. Tremblay".into(),
            contact_email: "ip@maple.example".into(),
            contact_phone: "+1 514 555 0100".into(),
            valid_from: from,
            valid_to: to,
            security_cents: 2_500_000,
            version: 1,
            registered_at: Utc::now(),
            registered_by: "analyst".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn request() -> RightsRequest {
        let from = day("2026-01-01");
        fixtures::example(
            1,
            "Maple Leaf Outerwear Inc.",
            &["NORTH MAPLE", "Caribou"],
            &["6201", "64"],
            (from, period_end(from)),
        )
    }

    #[test]
    fn a_request_is_in_force_for_two_years_including_its_last_day() {
        let r = request();
        assert_eq!(r.valid_to, day("2027-12-31"));
        assert!(!r.in_force_on(day("2025-12-31")));
        assert!(r.in_force_on(day("2026-01-01")));
        assert!(r.in_force_on(day("2027-12-31")));
        assert!(!r.in_force_on(day("2028-01-01")));
        // 29 February: the period ends on the eve of the same day two years on.
        assert_eq!(period_end(day("2028-02-29")), day("2030-02-27"));
    }

    #[test]
    fn marks_match_as_whole_words_in_covered_goods_while_in_force() {
        let r = request();
        let on = day("2026-06-01");
        assert_eq!(
            r.matches("Men's parka, North-Maple label", "6201.40", on),
            vec!["NORTH MAPLE"]
        );
        assert_eq!(r.matches("CARIBOU boots", "640399", on), vec!["Caribou"]);
        assert!(r.matches("Caribouville tea", "6201.40", on).is_empty());
        assert!(
            r.matches("Caribou boots", "8471.30", on).is_empty(),
            "goods not covered"
        );
        assert!(
            r.matches("Caribou boots", "640399", day("2028-01-01"))
                .is_empty(),
            "expired"
        );
    }

    #[test]
    fn a_request_is_refused_with_the_field_at_fault() {
        let today = day("2026-12-02");
        let good = NewRightsRequest {
            rights_holder: " Maple Leaf Outerwear Inc. ".into(),
            marks: vec!["NORTH MAPLE".into()],
            goods: vec!["6201".into(), "64.03".into()],
            goods_description: "Parkas".into(),
            genuine_features: "Hologram label".into(),
            contact_name: "A. Tremblay".into(),
            contact_email: "ip@maple.example".into(),
            contact_phone: "(514) 555-0100".into(),
            valid_from: None,
            security_cents: 100_000,
            reason: "Application RFA-2026-0142".into(),
        };
        let checked = good.check(today).unwrap();
        assert_eq!(checked.rights_holder, "Maple Leaf Outerwear Inc.");
        assert_eq!(checked.goods, vec!["6201", "6403"]);
        assert_eq!(
            (checked.valid_from, checked.valid_to),
            (today, day("2028-12-01"))
        );
        let faults: Vec<(&str, NewRightsRequest)> = vec![
            (
                "rights_holder",
                NewRightsRequest {
                    rights_holder: " ".into(),
                    ..good.clone()
                },
            ),
            (
                "marks",
                NewRightsRequest {
                    marks: vec![],
                    ..good.clone()
                },
            ),
            (
                "marks",
                NewRightsRequest {
                    marks: vec!["A".into(), "a".into()],
                    ..good.clone()
                },
            ),
            (
                "marks",
                NewRightsRequest {
                    marks: vec!["--".into()],
                    ..good.clone()
                },
            ),
            (
                "goods",
                NewRightsRequest {
                    goods: vec!["620".into()],
                    ..good.clone()
                },
            ),
            (
                "goods",
                NewRightsRequest {
                    goods: vec!["99".into()],
                    ..good.clone()
                },
            ),
            (
                "goods",
                NewRightsRequest {
                    goods: vec![],
                    ..good.clone()
                },
            ),
            (
                "genuine_features",
                NewRightsRequest {
                    genuine_features: "".into(),
                    ..good.clone()
                },
            ),
            (
                "contact_email",
                NewRightsRequest {
                    contact_email: "ip@maple".into(),
                    ..good.clone()
                },
            ),
            (
                "contact_phone",
                NewRightsRequest {
                    contact_phone: "555".into(),
                    ..good.clone()
                },
            ),
            (
                "valid_from",
                NewRightsRequest {
                    valid_from: Some(day("2026-12-01")),
                    ..good.clone()
                },
            ),
            (
                "valid_from",
                NewRightsRequest {
                    valid_from: Some(day("2027-03-03")),
                    ..good.clone()
                },
            ),
            (
                "security_cents",
                NewRightsRequest {
                    security_cents: -1,
                    ..good.clone()
                },
            ),
            (
                "reason",
                NewRightsRequest {
                    reason: "".into(),
                    ..good.clone()
                },
            ),
        ];
        for (field, request) in faults {
            match request.check(today) {
                Err(AppError::Invalid { field: f, .. }) => assert_eq!(f, field, "{request:?}"),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}
